"""Recherche en français : accents repliés, apostrophes, termes du glossaire en tête.

Le crochet tools/hooks/search_fr.py (index et adresse du moteur) est vérifié sans navigateur ; la
recherche elle-même est vérifiée dans Chromium, sur le site construit, avec dix requêtes dont le
premier résultat attendu est écrit ici ou tiré de docs/glossaire.yml.
"""

from __future__ import annotations

import json

import pytest
from conftest import ROOT
from mkdocs.exceptions import PluginError

from tools import glossary
from tools.hooks import search_fr

PLACEHOLDER = "Taper pour démarrer la recherche"


def defining_section(term: str) -> str:
    """L'adresse (dans l'index) de la section qui définit ``term`` selon le glossaire."""
    for entry in glossary.load():
        if entry["fr"] == term:
            return search_fr.location(entry["page"])
    raise AssertionError(f"{term} absent de docs/glossaire.yml")


# Requête → premier résultat attendu : un terme du glossaire (sa section) ou une adresse.
QUERIES = {
    "retropropagation": ("glossaire", "Rétropropagation"),
    "entraînement": ("glossaire", "Boucle d'entraînement"),
    "taux d'apprentissage": ("glossaire", "Taux d'apprentissage"),
    "taux d’apprentissage": ("glossaire", "Taux d'apprentissage"),
    "epoque": ("glossaire", "Époque"),
    "fonction de perte": ("glossaire", "Fonction de perte"),
    "descente de gradient": ("glossaire", "Descente de gradient"),
    "reseau convolutif": ("glossaire", "Réseau convolutif"),
    "regularisation": ("glossaire", "Régularisation"),
    "tenseur": ("adresse", "tenseurs/"),
}
# Paires de requêtes qui doivent donner exactement les mêmes résultats.
SAME_RESULTS = [
    ("entrainement", "entraînement"),
    ("l'entrainement", "entraînement"),
    ("d'apprentissage", "apprentissage"),
    ("RÉTROPROPAGATION", "rétropropagation"),
]


# --- Le crochet, sans navigateur ------------------------------------------------------------


def test_location_follows_mkdocs_directory_urls():
    assert search_fr.location("mlp.md#descendre-la-pente") == "mlp/#descendre-la-pente"
    assert search_fr.location("index.md") == ""
    assert search_fr.location("atelier/rapport.md") == "atelier/rapport/"


def test_glossary_terms_are_added_to_the_defining_section():
    index = {"docs": [{"location": "mlp/#descendre-la-pente", "title": "t", "text": ""}]}
    entries = [
        {"fr": "Gradient", "page": "mlp.md#descendre-la-pente", "formes": ["gradients"]},
        {"fr": "Taux d'apprentissage", "page": "mlp.md#descendre-la-pente"},
    ]
    doc = search_fr.with_glossary_terms(index, entries)["docs"][0]
    assert doc["glossaire"] == "Gradient ; gradients ; Taux d'apprentissage"


def test_a_glossary_section_missing_from_the_index_is_an_error():
    index = {"docs": [{"location": "mlp/", "title": "t", "text": ""}]}
    entries = [{"fr": "Gradient", "page": "mlp.md#section-disparue"}]
    with pytest.raises(PluginError, match="Gradient \\(mlp.md#section-disparue\\)"):
        search_fr.with_glossary_terms(index, entries)


def test_the_engine_address_is_replaced_once_or_the_build_fails():
    page = (
        '<script>{"base": "..", "search": "../assets/javascripts/workers/search.a7633da7.min.js"}'
    )
    out = search_fr.with_french_search(page, "mlp.md")
    assert '"../assets/javascripts/workers/recherche-fr.js?moteur=search.a7633da7.min.js"' in out
    # Une autre version de Material écrirait l'adresse autrement : la construction échoue.
    with pytest.raises(PluginError, match="mlp.md : adresse du moteur"):
        search_fr.with_french_search(page.replace("workers/search", "workers/moteur"), "mlp.md")


def test_the_search_dialog_gets_a_name():
    page = (
        '<div class="md-search" data-md-component="search" role="dialog">'
        '<script>{"search": "assets/javascripts/workers/search.0123abcd.min.js"}</script>'
    )
    out = search_fr.with_french_search(page, "index.md")
    assert 'role="dialog" aria-label="Recherche"' in out


def test_the_wrapper_checks_the_engine_name():
    script = (ROOT / "docs/assets/javascripts/workers/recherche-fr.js").read_text(encoding="utf-8")
    assert "importScripts(engine)" in script
    assert r"/^search\.[0-9a-f]+\.min\.js$/" in script


# --- Le site construit, dans Chromium -------------------------------------------------------


def run_queries(page, server, queries) -> dict[str, dict]:
    """Pour chaque requête tapée dans le champ de recherche : le nombre de documents annoncé et
    les adresses des résultats, dans l'ordre (sans le paramètre de surlignage)."""
    page.goto(server + "/")
    page.wait_for_load_state("networkidle")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    field = page.get_by_placeholder("Rechercher")
    meta = page.locator(".md-search-result__meta")
    found = {}
    for query in queries:
        field.fill("")
        page.wait_for_function(
            "text => document.querySelector('.md-search-result__meta').textContent === text",
            arg=PLACEHOLDER,
        )
        field.press_sequentially(query, delay=5)
        page.wait_for_function(
            "text => document.querySelector('.md-search-result__meta').textContent !== text",
            arg=PLACEHOLDER,
        )
        # Le moteur répond à chaque lettre : on attend deux lectures identiques de suite.
        previous = None
        for _ in range(40):
            hrefs = page.eval_on_selector_all(
                ".md-search-result__item > a",
                "links => links.map(a => new URL(a.href).pathname.slice(1) + new URL(a.href).hash)",
            )
            if hrefs == previous:
                break
            previous = hrefs
            page.wait_for_timeout(400)
        found[query] = {"meta": meta.inner_text(), "hrefs": hrefs}
    return found


@pytest.mark.slow
def test_french_queries_rank_the_expected_page_first(page, server):
    pytest.importorskip("playwright.sync_api")
    queries = list(QUERIES) + sorted({q for pair in SAME_RESULTS for q in pair})
    found = run_queries(page, server, queries)
    wrong = []
    for query, (kind, value) in QUERIES.items():
        expected = defining_section(value) if kind == "glossaire" else value
        hrefs = found[query]["hrefs"]
        # Le premier groupe de résultats est celui de la page attendue ; sa meilleure section
        # (premier lien avec ancre) est la section attendue quand une ancre est attendue.
        page_path = expected.partition("#")[0]
        first_section = next((h for h in hrefs if "#" in h), "")
        if not hrefs or hrefs[0].partition("#")[0] != page_path:
            wrong.append(f"{query!r} : {hrefs[:2]} au lieu de {expected}")
        elif "#" in expected and first_section != expected:
            wrong.append(f"{query!r} : section {first_section} au lieu de {expected}")
    for a, b in SAME_RESULTS:
        if found[a] != found[b]:
            wrong.append(f"{a!r} ≠ {b!r} : {json.dumps([found[a], found[b]])[:300]}")
    assert not wrong, "\n".join(wrong)


def test_the_deferred_index_script_goes_in_head_or_the_build_fails():
    page = "<html><head><title>t</title></head><body></body></html>"
    out = search_fr.with_deferred_index(page, "var x = 1;", "x")
    assert "<script>var x = 1;</script>\n</head>" in out
    with pytest.raises(PluginError, match="mlp.md : pas de </head>"):
        search_fr.with_deferred_index("<body></body>", "var x = 1;", "mlp.md")
    with pytest.raises(PluginError, match="</script"):
        search_fr.with_deferred_index(page, "s = '</script>';", "x")


@pytest.mark.slow
def test_the_search_index_waits_for_the_reader(page, server):
    """L'index n'est pas demandé à l'ouverture d'une page, mais au premier geste vers la
    recherche ; la recherche fonctionne alors."""
    requested = []
    page.on("request", lambda r: requested.append(r.url) if "search_index" in r.url else None)
    page.goto(server + "/mlp/")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    assert requested == []
    found = run_queries(page, server, ["retropropagation"])
    assert len(requested) == 1
    assert found["retropropagation"]["hrefs"][0] == "mlp/"
