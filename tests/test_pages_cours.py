"""Le squelette de chaque page de cours : ce que vous allez apprendre, à retenir, la pratique."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

DOCS = ROOT / "docs"
# Les pages de cours de CONTENT.md (1 à 9) ; le glossaire (10) est généré et testé à part.
PAGES = [
    "demarrer",
    "deep-learning",
    "mlp",
    "tenseurs",
    "frameworks",
    "surapprentissage",
    "donnees",
    "familles",
    "cycle-de-vie",
]
FENCE = re.compile(r"^\s*(`{3,}|~{3,}).*?^\s*\1", re.S | re.M)


def prose(name: str) -> str:
    return FENCE.sub("", (DOCS / f"{name}.md").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", PAGES)
def test_page_opens_with_objectives_and_closes_with_summary(name):
    headings = re.findall(r"^## (.+)$", prose(name), re.M)
    assert headings[0] == "Ce que vous allez apprendre", (name, headings[:2])
    assert headings[-1] == "À retenir", (name, headings[-2:])


@pytest.mark.parametrize("name", PAGES)
def test_page_sends_the_reader_to_existing_tutorials(name):
    linked = set(re.findall(r"tutoriels/(\d\d_[a-z_]+)\.(?:ipynb|md)", prose(name)))
    assert linked, f"{name}.md ne renvoie à aucun tutoriel"
    for tutorial in linked:
        assert (ROOT / "tutorials" / f"{tutorial}.py").is_file(), (name, tutorial)


@pytest.mark.parametrize("name", PAGES)
def test_page_is_a_real_chapter(name):
    words = [w for w in prose(name).split() if re.search(r"\w", w)]
    assert 800 <= len(words) <= 3200, (name, len(words))


def test_backpropagation_equations_and_worked_example_are_on_the_mlp_page():
    text = (DOCS / "mlp.md").read_text(encoding="utf-8")
    for title in (
        "Terme d'erreur de la couche de sortie",
        "Terme d'erreur d'une couche cachée",
        "Gradient des poids",
        "Gradient des biais",
    ):
        assert title in text.replace("[", "").replace("]", ""), title
    assert "## Un exemple chiffré" in text
