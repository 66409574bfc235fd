"""Le parcours d'apprentissage (tools/learning_path.py) : ses règles, chacune essayée sur une
violation plantée, puis le parcours du dépôt tel que la construction le publie."""

from __future__ import annotations

import html
import itertools
import re
import shutil
from pathlib import Path
from urllib.parse import urljoin

import pytest
from conftest import ROOT, nav_pages, tutorial_names

from tools import learning_path as lp

NBSP = "\u00a0"


def concept(level="débutant", prerequisites=(), body="# Titre\n\nUn texte court.\n") -> str:
    lines = ["---", f"niveau: {level}", "prerequis:"]
    lines += [f"  - {p}" for p in prerequisites] or ["  []"]
    return "\n".join(lines).replace("prerequis:\n  []", "prerequis: []") + "\n---\n" + body


def record(title, duration="45 min", prerequisites=()):
    return {
        "title": title,
        "level": "débutant",
        "duration": duration,
        "prerequisites": list(prerequisites),
    }


def small_path():
    """Un petit parcours correct : accueil hors parcours, une page, deux tutoriels."""
    entries = [
        lp.Entry("index.md", "Accueil", "Accueil"),
        lp.Entry("mlp.md", "Le perceptron multicouche", "Les bases"),
        lp.Entry("tutoriels/01_a.ipynb", "A", "Les bases"),
        lp.Entry("tutoriels/02_b.ipynb", "B", "Suite"),
    ]
    pages = {
        "index.md": "# Accueil\n",
        "mlp.md": concept(body="# Le perceptron multicouche\n\nDu texte.\n"),
    }
    records = {
        "tutoriels/01_a.ipynb": record("Tutoriel A", prerequisites=["Python (hors cours)"]),
        "tutoriels/02_b.ipynb": record(
            "Tutoriel B", "1 h 30", ["Le perceptron multicouche (perte)", "Tutoriel A"]
        ),
    }
    settings = {"hors_parcours": ["index.md"], "connaissances_exterieures": ["Python (hors cours)"]}
    return entries, pages, records, settings


def test_a_consistent_path_keeps_the_navigation_order_and_resolves_prerequisites():
    steps = lp.build(*small_path())
    assert [s.uri for s in steps] == ["mlp.md", "tutoriels/01_a.ipynb", "tutoriels/02_b.ipynb"]
    assert [s.number for s in steps] == [1, 2, 3]
    assert steps[0].kind == "lecture" and steps[0].minutes == lp.ROUND_TO
    assert steps[2].minutes == 90
    assert steps[2].prerequisites == [("Le perceptron multicouche (perte)", 1), ("Tutoriel A", 2)]
    assert steps[1].prerequisites == [("Python (hors cours)", None)]


def problems(entries, pages, records, settings) -> str:
    with pytest.raises(lp.PathError) as caught:
        lp.build(entries, pages, records, settings)
    return str(caught.value)


def test_a_tutorial_missing_from_the_navigation_fails_and_is_named():
    entries, pages, records, settings = small_path()
    message = problems(entries[:-1], pages, records, settings)
    assert "« tutoriels/02_b.ipynb » n'est pas dans le parcours" in message
    assert "mkdocs.yml" in message


def test_a_page_missing_from_the_navigation_fails_and_is_named():
    entries, pages, records, settings = small_path()
    pages["neuve.md"] = concept()
    assert "« neuve.md » n'est pas dans le parcours" in problems(entries, pages, records, settings)


def test_a_prerequisite_that_comes_later_fails_and_names_both_steps():
    entries, pages, records, settings = small_path()
    entries[2], entries[3] = entries[3], entries[2]  # B avant A, qu'il demande
    message = problems(entries, pages, records, settings)
    assert "« tutoriels/02_b.ipynb » (étape 2) demande « Tutoriel A »" in message
    assert "vient après elle dans le parcours (étape 3" in message


def test_a_prerequisite_of_a_concept_page_that_comes_later_fails():
    entries, pages, records, settings = small_path()
    pages["mlp.md"] = concept(prerequisites=["Tutoriel B"], body="# Le perceptron multicouche\n")
    message = problems(entries, pages, records, settings)
    assert "« mlp.md » (étape 1) demande « Tutoriel B »" in message


def test_an_unknown_prerequisite_fails_even_with_a_typo_in_a_title():
    entries, pages, records, settings = small_path()
    records["tutoriels/02_b.ipynb"]["prerequisites"] = ["Le perceptron multi-couche"]
    message = problems(entries, pages, records, settings)
    assert "prérequis inconnu « Le perceptron multi-couche »" in message
    assert "tutoriels/02_b.ipynb" in message


def test_a_concept_page_without_level_or_prerequisites_fails():
    entries, pages, records, settings = small_path()
    pages["mlp.md"] = "# Le perceptron multicouche\n\nPas d'en-tête.\n"
    message = problems(entries, pages, records, settings)
    assert "page « docs/mlp.md » : en-tête « niveau » manquant" in message
    assert "page « docs/mlp.md » : en-tête « prerequis » manquant" in message


def test_an_unreadable_tutorial_duration_fails():
    entries, pages, records, settings = small_path()
    records["tutoriels/01_a.ipynb"]["duration"] = "une heure"
    assert "durée « une heure » illisible" in problems(entries, pages, records, settings)


def test_a_stale_outside_page_fails():
    entries, pages, records, settings = small_path()
    settings["hors_parcours"].append("ancienne.md")
    assert "« ancienne.md », qui n'est pas dans la" in problems(entries, pages, records, settings)


def test_durations_are_read_and_written_the_french_way():
    assert [lp.parse_duration(t) for t in ("45 min", "2 h", "1 h 30", f"1{NBSP}h{NBSP}05")] == [
        45,
        120,
        90,
        65,
    ]
    assert lp.parse_duration("1h30 environ") is None
    assert lp.format_minutes(45) == f"45{NBSP}min"
    assert lp.format_minutes(120) == f"2{NBSP}h"
    assert lp.format_minutes(1255) == f"20{NBSP}h{NBSP}55"


def test_reading_time_counts_prose_words_only():
    markdown = (
        "# Titre\n\nUn deux trois quatre.\n\n```python\nx = un_mot_de_code + autre\n```\n\n"
        "$$\\sum_i x_i$$\n\nVoir [la page](mlp.md#ancre) et `du_code`.\n"
        '--8<-- "build/modeles/03.md"\n'
    )
    assert lp.prose_words(markdown) == 9  # Titre, un … quatre, Voir, la, page, et
    assert lp.reading_minutes(0) == lp.ROUND_TO
    assert lp.reading_minutes(lp.WORDS_PER_MINUTE * 11) == 15


# --- Le parcours du dépôt ---------------------------------------------------------------------


def test_every_page_and_tutorial_of_the_repository_is_a_step_in_navigation_order():
    steps = lp.load()
    uris = [s.uri for s in steps]
    settings, _ = lp.split_front_matter((ROOT / "docs" / lp.PAGE).read_text(encoding="utf-8"))
    assert uris == [p for p in nav_pages() if p not in settings["hors_parcours"]]
    assert {f"tutoriels/{name}.ipynb" for name in tutorial_names()} <= set(uris)
    # La page « Démarrer » ouvre le parcours, et les tutoriels 01 et 02 précèdent le 03.
    assert uris[0] == "demarrer.md"
    position = {uri: i for i, uri in enumerate(uris)}
    for earlier in ("tutoriels/01_tenseurs.ipynb", "tutoriels/02_mlp_numpy.ipynb", "mlp.md"):
        assert position[earlier] < position["tutoriels/03_premier_reseau_pytorch.ipynb"]
    assert position["mlp.md"] < position["tutoriels/02_mlp_numpy.ipynb"]


def test_a_page_planted_outside_the_repository_navigation_fails(tmp_path):
    (tmp_path / "docs").mkdir()
    for page in (ROOT / "docs").glob("*.md"):
        shutil.copy(page, tmp_path / "docs" / page.name)
    (tmp_path / "docs" / "neuve.md").write_text(concept(), encoding="utf-8")
    shutil.copy(ROOT / "mkdocs.yml", tmp_path / "mkdocs.yml")
    with pytest.raises(lp.PathError, match="« neuve.md » n'est pas dans le parcours"):
        lp.load(tmp_path / "mkdocs.yml")


# --- Le site construit ------------------------------------------------------------------------


@pytest.mark.slow
def test_the_built_parcours_page_lists_every_step_with_its_duration_and_the_total(built_site):
    steps = lp.load()
    text = (built_site["dir"] / "parcours" / "index.html").read_text(encoding="utf-8")
    total = lp.format_minutes(sum(s.minutes for s in steps))
    assert f"{len(steps)} étapes, {total} au total" in text
    positions = []
    for step in steps:
        target = Path(step.uri).with_suffix("").as_posix()
        href = "../" if target == "index" else f"../{target}/"
        positions.append(text.index(f'href="{href}"'))
    # Les étapes apparaissent dans l'ordre du parcours.
    assert positions == sorted(positions)


@pytest.mark.slow
def test_each_step_page_ends_with_its_place_and_the_next_step(built_site):
    steps = lp.load()
    for step, following in itertools.pairwise(steps):
        folder = Path(step.uri).with_suffix("").as_posix()
        text = (built_site["dir"] / folder / "index.html").read_text(encoding="utf-8")
        assert f"Étape {step.number} sur {len(steps)} du" in text, step.uri
        target = Path(following.uri).with_suffix("").as_posix()
        announced = re.search(r'<a href="([^"]+)" rel="next">([^<]+)</a>', text)
        assert announced and html.unescape(announced.group(2)) == following.title, step.uri
        assert urljoin(f"/{folder}/", announced.group(1)) == f"/{target}/", step.uri
        # Le pied de page de Material (lien « Suivant ») mène à la page suivante de la
        # navigation : l'étape suivante, ou une page hors parcours (le rapport) juste avant elle.
        nav = nav_pages()
        after = Path(nav[nav.index(step.uri) + 1]).with_suffix("").as_posix()
        footer = re.search(r'<a href="([^"]+)" class="md-footer__link md-footer__link--next"', text)
        assert footer and urljoin(f"/{folder}/", footer.group(1)) == f"/{after}/", step.uri
        settings, _ = lp.split_front_matter((ROOT / "docs" / lp.PAGE).read_text(encoding="utf-8"))
        assert after == target or f"{after}.md" in settings["hors_parcours"], step.uri
