"""Figures produites par du code (docs/figures/NOM.py) : cache, échecs nommés, légendes."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

from tools import figures

DOCS = ROOT / "docs"

SCRIPT = """\
import sys
from pathlib import Path

out = Path(sys.argv[1])
(out / "essai.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
(out / "essai.md").write_text("Erreur mesurée : **0,25**.")
"""


def test_a_figure_is_produced_once_then_served_from_the_cache(tmp_path):
    source, out = tmp_path / "figures", tmp_path / "sortie"
    source.mkdir()
    script = source / "essai.py"
    script.write_text(SCRIPT)
    assert figures.build_one(script, out=out) is True
    assert (out / "essai.svg").is_file()
    assert (out / "essai.md").read_text() == "Erreur mesurée : **0,25**."
    assert figures.build_one(script, out=out) is False  # script inchangé : rien ne tourne
    script.write_text(SCRIPT.replace("0,25", "0,5"))
    assert figures.build_one(script, out=out) is True
    assert "0,5" in (out / "essai.md").read_text()
    assert figures.images(out=out, folder=source) == [out / "essai.svg"]


def test_a_narrow_variant_is_produced_cached_and_published_with_its_figure(tmp_path):
    """``NOM-etroit.svg`` (la figure pour un téléphone) suit la figure : écrite, publiée, reprise
    du cache ; retirée du script, elle disparaît de la sortie à la production suivante."""
    source, out = tmp_path / "figures", tmp_path / "sortie"
    source.mkdir()
    script = source / "essai.py"
    narrow = (
        '(out / "essai-etroit.svg").write_text("<svg xmlns=\'http://www.w3.org/2000/svg\'/>")\n'
    )
    script.write_text(SCRIPT + narrow)
    assert figures.build_one(script, out=out) is True
    assert figures.images(out=out, folder=source) == [out / "essai.svg", out / "essai-etroit.svg"]
    assert figures.build_one(script, out=out) is False
    script.write_text(SCRIPT)
    assert figures.build_one(script, out=out) is True
    assert figures.images(out=out, folder=source) == [out / "essai.svg"]
    # Une variante étroite seule ne remplace pas la figure.
    (source / "seule.py").write_text(SCRIPT.replace('"essai.svg"', '"seule-etroit.svg"'))
    with pytest.raises(figures.FigureError, match="ni seule.svg ni seule.png"):
        figures.build_one(source / "seule.py", out=out)


def test_a_failing_script_is_named_with_its_error(tmp_path):
    source = tmp_path / "figures"
    source.mkdir()
    (source / "casse.py").write_text("raise ValueError('courbe impossible')\n")
    with pytest.raises(figures.FigureError) as info:
        figures.build_all(out=tmp_path / "sortie", folder=source, log=lambda *a: None)
    assert "docs/figures/casse.py a échoué" in str(info.value)
    assert "ValueError: courbe impossible" in str(info.value)


def test_a_script_that_writes_no_image_is_refused(tmp_path):
    source = tmp_path / "figures"
    source.mkdir()
    (source / "vide.py").write_text("print('rien')\n")
    with pytest.raises(figures.FigureError, match="ni vide.svg ni vide.png"):
        figures.build_one(source / "vide.py", out=tmp_path / "sortie")


def _figure_references():
    for page in sorted(DOCS.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        for m in re.finditer(r"!\[([^\]]*)\]\(figures/([\w-]+)\.(svg|png)\)", text):
            yield page, m, text


def test_every_figure_of_a_page_comes_from_a_script_and_has_alt_text_and_caption():
    found = 0
    for page, m, text in _figure_references():
        found += 1
        alt, name = m.group(1), m.group(2)
        where = f"{page.relative_to(ROOT)} : figures/{name}"
        assert (DOCS / "figures" / f"{name}.py").is_file(), f"{where} sans script"
        assert len(alt.split()) >= 5, f"{where} : texte alternatif trop court"
        start = text.rfind("<figure", 0, m.start())
        end = text.find("</figure>", m.end())
        assert start != -1 and end != -1, f"{where} hors d'un <figure>"
        assert "<figcaption>" in text[m.end() : end], f"{where} sans légende"
    assert found >= 3


def test_measured_numbers_snippets_come_from_existing_scripts():
    for page in sorted(DOCS.rglob("*.md")):
        for name in re.findall(r'--8<-- "build/figures/([\w-]+)\.md"', page.read_text("utf-8")):
            assert (DOCS / "figures" / f"{name}.py").is_file(), f"{page.name} : {name}"


@pytest.mark.slow
def test_the_required_figures_are_built(built_site):
    site = built_site["dir"] / "figures"
    for name in ("activations", "formes_tenseurs", "reseau_mlp", "surapprentissage"):
        produced = [site / f"{name}.svg", site / f"{name}.png"]
        assert any(p.is_file() and p.stat().st_size > 1000 for p in produced), name
    # Les figures trop larges pour un téléphone ont leur variante étroite (tests/test_layout.py
    # vérifie la taille de leur texte à l'écran).
    for name in ("activations-etroit.svg", "formes_tenseurs-etroit.svg"):
        assert (site / name).is_file(), name
    for name in ("surapprentissage-etroit.svg", "fashion_mnist_exemples-etroit.png"):
        assert (site / name).is_file(), name
    # Les sources des figures ne sont pas publiées.
    assert not list(site.glob("*.py"))
