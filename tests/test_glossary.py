"""Le glossaire : une seule source (docs/glossaire.yml), la page, les ancres et les infobulles."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

from tools import glossary, prose

DOCS = ROOT / "docs"


@pytest.mark.parametrize(
    ("term", "anchor"),
    [
        ("Descente de gradient", "descente-de-gradient"),
        ("Taux d'apprentissage", "taux-d-apprentissage"),
        ("Rétropropagation", "retropropagation"),
        ("Époque", "epoque"),
        ("Opération élément par élément", "operation-element-par-element"),
    ],
)
def test_anchor_is_the_french_term_without_accents_with_hyphens(term, anchor):
    assert glossary.slug(term) == anchor


def test_every_entry_is_complete_and_points_to_an_existing_page_and_heading():
    entries = glossary.load()
    assert len(entries) >= 30
    headings = {}
    for entry in entries:
        target, _, anchor = entry["page"].partition("#")
        page = DOCS / target
        assert page.is_file(), f"{entry['fr']} : page {target} introuvable"
        if anchor:
            if target not in headings:
                text = page.read_text(encoding="utf-8")
                headings[target] = {_toc_slug(h) for h in re.findall(r"^#+ (.+)$", text, re.M)}
            assert anchor in headings[target], f"{entry['fr']} : ancre #{anchor} absente"


def _toc_slug(title: str) -> str:
    """Le slug par défaut de l'extension toc de Python-Markdown."""
    import unicodedata

    value = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    value = re.sub(r"[^\w\s-]", "", value).strip().lower()
    return re.sub(r"[-\s]+", "-", value)


def test_the_page_has_one_row_per_term_with_its_anchor_english_term_and_link():
    entries = glossary.load()
    page = glossary.render_page(entries, DOCS)
    rows = [line for line in page.splitlines() if line.startswith("| **")]
    assert len(rows) == len(entries)
    for entry, row in zip(entries, rows, strict=True):
        assert f"{{#{glossary.slug(entry['fr'])}}}" in row
        assert f"*{entry['en']}*" in row and f"]({entry['page']})" in row


def test_every_glossary_link_of_the_site_targets_an_existing_term():
    anchors = {glossary.slug(e["fr"]) for e in glossary.load()}
    sources = [p for p in DOCS.rglob("*.md")] + list((ROOT / "tutorials").glob("*.py"))
    broken = []
    for path in sources:
        for anchor in re.findall(r"glossaire\.md#([\w-]+)", path.read_text(encoding="utf-8")):
            if anchor not in anchors:
                broken.append(f"{path.relative_to(ROOT)} → #{anchor}")
    assert broken == []


def test_abbreviations_give_each_term_and_its_forms_the_definition_as_tooltip():
    entries = glossary.load()
    definitions = glossary.abbreviations(entries)
    for entry in entries:
        for form in (entry["fr"], entry["en"], *entry.get("formes", [])):
            assert definitions.get(form) == " ".join(entry["definition"].split()), form
    # Le terme en début de phrase et au fil du texte : « Époque » et « époque ».
    assert "Époque" in definitions and "époque" in definitions
    # Un sigle garde ses majuscules.
    assert "gPU" not in definitions
    # Un terme anglais ne prend pas de majuscule ajoutée (« Google Dataset Search ») ; un nom
    # déclaré « casse: exacte » ne couvre pas le verbe homonyme.
    assert "dataset" in definitions and "Dataset" not in definitions
    assert "Transformer" in definitions and "transformer" not in definitions


def test_a_malformed_glossary_is_refused_with_the_faulty_entry_named(tmp_path):
    source = tmp_path / "glossaire.yml"
    source.write_text(
        "- fr: Époque\n  en: epoch\n  definition: Un passage *complet*.\n  page: mlp.md\n"
        "- fr: Epoque\n  en: epoch\n  definition: Doublon.\n  page: mlp.md\n"
        "- fr: Neurone\n  en: neuron\n  page: mlp.md\n",
        encoding="utf-8",
    )
    with pytest.raises(glossary.GlossaryError) as info:
        glossary.load(source)
    message = str(info.value)
    assert "Époque : la définition doit être une phrase sans Markdown" in message
    assert "Epoque : même ancre que « Époque »" in message
    assert "Neurone : champ « definition » manquant" in message


def test_the_glossary_source_is_spell_checked_as_prose():
    text = prose.glossary_prose("- fr: Époque\n  en: epoch\n  definition: Un passage.\n")
    assert text.splitlines() == ["Époque", "", "Un passage."]
