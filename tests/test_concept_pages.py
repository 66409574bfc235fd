"""Le squelette de chaque page de cours : ce que vous allez apprendre, à retenir, la pratique."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT, nav_pages

DOCS = ROOT / "docs"
# Les pages de cours : les pages Markdown de « Démarrer » et des sections du parcours qui
# alternent cours et tutoriels (mkdocs.yml), hors « Pratique ». Une page ajoutée à l'une de ces
# sections passe donc ces tests sans qu'on l'inscrive ici.
SECTIONS = ("Démarrer", "Les bases", "Premiers réseaux", "Bien entraîner", "Au-delà du MLP")
SECTIONS += ("Projet Kaggle",)


def course_pages(config: Path = ROOT / "mkdocs.yml") -> list[str]:
    return [page for page in nav_pages(*SECTIONS, config=config) if page.endswith(".md")]


PAGES = [Path(page).stem for page in course_pages()]
FENCE = re.compile(r"^\s*(`{3,}|~{3,}).*?^\s*\1", re.S | re.M)


# L'en-tête YAML d'une page (niveau et prérequis du parcours) n'est pas de la prose.
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)


def prose(name: str) -> str:
    text = FRONT_MATTER.sub("", (DOCS / f"{name}.md").read_text(encoding="utf-8"))
    return FENCE.sub("", text)


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


def test_a_page_added_to_the_course_section_is_tested(tmp_path):
    """La liste vient de la navigation : une nouvelle page de cours y entre sans autre liste."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    planted = config.replace(
        "      - Cycle de vie d'un modèle: cycle-de-vie.md\n",
        "      - Cycle de vie d'un modèle: cycle-de-vie.md\n      - Une page neuve: neuve.md\n",
    )
    assert planted != config
    (tmp_path / "mkdocs.yml").write_text(planted, encoding="utf-8")
    found = course_pages(config=tmp_path / "mkdocs.yml")
    assert found[-1] == "neuve.md"
    assert [Path(page).stem for page in found[:-1]] == PAGES


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


# --- Aucun résultat mesuré écrit à la main dans la prose d'une page de cours ---------------------
#
# CONTRIBUTING.md : « N'écrivez jamais à la main un nombre qui se mesure (exactitude, durée,
# mémoire) ». Une exactitude, une durée, une mémoire ou le nombre de paramètres d'un modèle vient
# de la sortie d'un bloc exécuté (encadré « Sortie ») ou d'un fichier produit par la construction
# et inclus par « --8<-- » (fiches des modèles, extraits des figures, sorties des scripts). La
# prose ne les recopie pas : ils vieilliraient à la première exécution suivante. Seuls restent
# admis les nombres cités avec leur source (un lien externe sur la même ligne) et les exceptions
# justifiées ci-dessous.

NUMBER = r"\d+(?:[\u00a0\u202f ]\d{3})*(?:,\d+)?"
MEASURED = re.compile(
    rf"(?<![\w,.]){NUMBER}[\u00a0\u202f ]?"
    r"(?:%|secondes?\b|s\b|ms\b|µs\b|min\b|[KMG]io\b|[KMG]o\b|octets\b)"
    # un écart d'exactitude en points (avec décimale : « 2,3 points », pas « 256 points »)
    rf"|(?<![\w,.])\d+,\d+[\u00a0\u202f ]points?\b"
    # le nombre de paramètres d'un vrai modèle (au moins mille, pas « une droite à 2 paramètres »)
    r"|(?<![\w,.])\d{1,3}(?:[\u00a0\u202f ]\d{3})+[\u00a0\u202f ]paramètres\b"
)
# (page, nombre tel qu'écrit) : pourquoi ce nombre a sa place dans la prose.
JUSTIFIED = {
    ("demarrer", "100\u00a0480 paramètres"): "solution d'exercice : un calcul à la main, que "
    "les tutoriels vérifient par leur sortie",
    ("scripts", "10\u00a0%"): "un réglage, pas une mesure : la part des images d'entraînement "
    "que les scripts mettent de côté pour la validation (commun.VALIDATION_SHARE)",
    ("tensorboard", "10\u00a0%"): "le même réglage des scripts, rappelé en légende des courbes",
}
CONCEPT_PAGES = sorted(p.stem for p in DOCS.glob("*.md"))


def hand_typed_measures(text: str) -> list[tuple[int, str]]:
    """(ligne, nombre) de chaque résultat mesuré écrit à la main dans la prose d'une page."""
    from tools import prose

    found = []
    for number, (raw, masked) in enumerate(
        zip(text.splitlines(), prose.mask_markdown(text), strict=True), 1
    ):
        if "](http" in raw:  # un fait cité avec sa source, pas une mesure du cours
            continue
        visible = masked.replace(prose.HIDDEN, " ")
        found += [(number, m.group()) for m in MEASURED.finditer(visible)]
    return found


@pytest.mark.parametrize("name", CONCEPT_PAGES)
def test_no_measured_result_is_typed_by_hand_in_the_prose(name):
    text = (DOCS / f"{name}.md").read_text(encoding="utf-8")
    problems = [
        f"docs/{name}.md:{line} : « {value} » écrit à la main ; affichez-le par un bloc exécuté "
        "ou incluez-le depuis un enregistrement de la construction (--8<--)"
        for line, value in hand_typed_measures(text)
        if (name, value) not in JUSTIFIED
    ]
    assert problems == [], "\n".join(problems)


def test_the_rule_catches_a_planted_hand_typed_number():
    planted = (
        "# Essai\n\n"
        "Le MLP atteint 88,5\u00a0% d'exactitude, en 6,1\u00a0s par époque et 1\u202f502\u00a0Mio ;"
        " Adam gagne 2,3 points et le modèle compte 101\u00a0770 paramètres.\n\n"
        "```python\nprint('97,0 % dans un bloc exécuté : admis')\n```\n\n"
        "Une étude cite 3,3\u00a0% d'étiquettes fausses ([source](https://example.org)).\n\n"
        '--8<-- "build/modeles/03_premier_reseau_pytorch.md"\n\n'
        "Une droite a 2 paramètres ; 256 points bruités ; 10 sorties.\n"
    )
    assert hand_typed_measures(planted) == [
        (3, "88,5\u00a0%"),
        (3, "6,1\u00a0s"),
        (3, "1\u202f502\u00a0Mio"),
        (3, "2,3 points"),
        (3, "101\u00a0770 paramètres"),
    ]


def test_the_validation_share_quoted_by_the_pages_is_the_scripts_setting():
    # Le « 10 % » admis ci-dessus sur les pages des scripts et de TensorBoard doit rester le
    # réglage réel de snippets/commun.py : s'il change, les pages (et cette exception) suivent.
    source = (ROOT / "snippets" / "commun.py").read_text(encoding="utf-8")
    share = re.search(r"^VALIDATION_SHARE = (\d+)", source, re.M).group(1)
    for page in ("scripts", "tensorboard"):
        assert (page, f"{share}\u00a0%") in JUSTIFIED
        assert f"{share}\u00a0%" in (DOCS / f"{page}.md").read_text(encoding="utf-8")
