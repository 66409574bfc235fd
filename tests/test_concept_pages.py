"""Le squelette de chaque page de cours : ce que vous allez apprendre, à retenir, la pratique."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, nav_pages

from tools import quiz

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


# Les sections de pratique (exercices, questions) ne comptent pas dans la longueur du chapitre.
PRACTICE_SECTIONS = ("Exercices", "Testez-vous")


def chapter(name: str) -> str:
    """La prose d'une page sans ses sections de pratique."""
    sections = re.split(r"^(?=## )", prose(name), flags=re.M)
    return "".join(
        section
        for section in sections
        if not any(section.startswith(f"## {title}\n") for title in PRACTICE_SECTIONS)
    )


@pytest.mark.parametrize("name", PAGES)
def test_page_is_a_real_chapter(name):
    words = [w for w in chapter(name).split() if re.search(r"\w", w)]
    assert 800 <= len(words) <= 3200, (name, len(words))


def write_config_with_a_new_page(tmp_path: Path) -> None:
    """Copie de mkdocs.yml dans tmp_path, une page neuve (neuve.md) ajoutée en fin de cours."""
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    planted = config.replace(
        "      - Cycle de vie d'un modèle: cycle-de-vie.md\n",
        "      - Cycle de vie d'un modèle: cycle-de-vie.md\n      - Une page neuve: neuve.md\n",
    )
    assert planted != config
    (tmp_path / "mkdocs.yml").write_text(planted, encoding="utf-8")


def test_a_page_added_to_the_course_section_is_tested(tmp_path):
    """La liste vient de la navigation : une nouvelle page de cours y entre sans autre liste."""
    write_config_with_a_new_page(tmp_path)
    found = course_pages(config=tmp_path / "mkdocs.yml")
    assert found[-1] == "neuve.md"
    assert [Path(page).stem for page in found[:-1]] == PAGES


# --- Exercices et questions : la pratique de chaque page de cours du parcours -------------------

EXERCISE_RE = re.compile(r'^(?P<indent> *)\?\?\?\+? question "Exercice')
SOLUTION_RE = re.compile(r'^(?P<indent> *)\?\?\?(?P<open>\+?) success "Solution"')
HEADING_RE = re.compile(r"^## (.+?)\s*$")
FENCE_LINE_RE = re.compile(r"^\s*(`{3,}|~{3,})")
MIN_EXERCISES = 2
QUESTIONS = (4, 8)  # au moins, au plus


def concept_steps(config: Path = ROOT / "mkdocs.yml") -> list[str]:
    """Les pages de cours du parcours : les pages Markdown de la navigation, sauf celles que
    l'en-tête de docs/parcours.md déclare hors parcours (tools/learning_path.py)."""
    from tools import learning_path

    page = config.parent / "docs" / learning_path.PAGE
    settings, _ = learning_path.split_front_matter(page.read_text(encoding="utf-8"))
    outside = set(settings["hors_parcours"])
    return [p for p in nav_pages(config=config) if p.endswith(".md") and p not in outside]


def practice_problems(text: str, label: str) -> list[str]:
    """Ce qui manque à la pratique d'une page : au moins deux exercices dont la solution est
    repliée (``??? success "Solution"`` sous l'exercice), et de 4 à 8 questions, toutes dans la
    section « Testez-vous », placée juste avant « À retenir »."""
    lines = text.split("\n")
    in_fence = None
    headings, exercises, questions = [], [], []
    for number, line in enumerate(lines, 1):
        fence = FENCE_LINE_RE.match(line)
        if in_fence:
            in_fence = None if fence and fence.group(1)[0] == in_fence else in_fence
            continue
        if fence:
            in_fence = fence.group(1)[0]
            continue
        if m := HEADING_RE.match(line):
            headings.append((number, m.group(1)))
        elif m := EXERCISE_RE.match(line):
            exercises.append((number, len(m.group("indent"))))
        elif quiz.START_RE.match(line):
            questions.append(number)

    problems = []
    solved = 0
    for start, indent in exercises:
        solution = None
        for line in lines[start:]:
            if line.strip() and len(line) - len(line.lstrip(" ")) <= indent:
                break  # fin du bloc de l'exercice
            if m := SOLUTION_RE.match(line):
                solution = m
                break
        if solution is None:
            problems.append(f'{label}:{start} : exercice sans solution « ??? success "Solution" »')
        elif solution.group("open"):
            problems.append(f"{label}:{start} : la solution de l'exercice est dépliée (???+)")
        else:
            solved += 1
    if solved < MIN_EXERCISES:
        problems.append(
            f"{label} : {solved} exercice(s) avec solution repliée, il en faut au moins "
            f"{MIN_EXERCISES}"
        )
    low, high = QUESTIONS
    if not low <= len(questions) <= high:
        problems.append(f"{label} : {len(questions)} question(s), il en faut de {low} à {high}")
    titles = [title for _, title in headings]
    if "Testez-vous" not in titles or titles[-2:] != ["Testez-vous", "À retenir"]:
        problems.append(
            f"{label} : la section « Testez-vous » doit venir juste avant « À retenir »"
        )
    else:
        begin = headings[titles.index("Testez-vous")][0]
        end = headings[-1][0]
        problems += [
            f"{label}:{n} : question hors de la section « Testez-vous »"
            for n in questions
            if not begin < n < end
        ]
    return problems


STEPS = concept_steps()


def test_the_concept_steps_are_every_page_of_the_path():
    from tools import learning_path

    settings, _ = learning_path.split_front_matter((DOCS / "parcours.md").read_text("utf-8"))
    pages = {page.name for page in DOCS.glob("*.md")} - set(settings["hors_parcours"])
    assert sorted(STEPS) == sorted(pages)
    assert {"demarrer.md", "scripts.md", "tensorboard.md", "cycle-de-vie.md"} <= set(STEPS)


@pytest.mark.parametrize("page", STEPS)
def test_every_concept_step_has_exercises_with_folded_solutions_and_a_self_check(page):
    text = (DOCS / page).read_text(encoding="utf-8")
    assert practice_problems(text, f"docs/{page}") == []


def test_a_page_added_to_the_path_gets_the_practice_check(tmp_path):
    write_config_with_a_new_page(tmp_path)
    (tmp_path / "docs").mkdir()
    shutil.copy(DOCS / "parcours.md", tmp_path / "docs" / "parcours.md")
    assert concept_steps(tmp_path / "mkdocs.yml") == [*STEPS, "neuve.md"]


def _question(title: str) -> str:
    return (
        f'!!! quiz "{title}"\n    Une question ?\n\n'
        "    - [x] Oui.\n      Parce que.\n    - [ ] Non.\n      Parce que non.\n\n"
    )


def _exercise(number: int, marker: str = "??? success") -> str:
    return (
        f'??? question "Exercice {number} : un essai"\n\n    Un énoncé.\n\n'
        f'    {marker} "Solution"\n\n        Une solution.\n\n'
        "        ```python\n        print(1)\n        ```\n\n"
    )


PRACTICE = (
    "# Une page\n\n## Ce que vous allez apprendre\n\nDu texte.\n\n"
    "## Exercices\n\n" + _exercise(1) + _exercise(2) + "## Pour aller plus loin\n\nDes liens.\n\n"
    "## Testez-vous\n\n"
    + "".join(_question(f"Question {i}") for i in range(4))
    + "## À retenir\n\n- Un point.\n"
)


def test_a_page_with_two_solved_exercises_and_four_questions_passes():
    assert practice_problems(PRACTICE, "docs/essai.md") == []


@pytest.mark.parametrize(
    ("planted", "expected"),
    [
        (PRACTICE.replace(_exercise(2), ""), "1 exercice(s) avec solution repliée"),
        (
            PRACTICE.replace(_exercise(2), _exercise(2, "???+ success")),
            "solution de l'exercice est dépliée",
        ),
        (PRACTICE.replace(_exercise(2), _exercise(2, "??? note")), "exercice sans solution"),
        (
            PRACTICE.replace(_exercise(2), _exercise(2).replace("    ??? success", "??? success")),
            "exercice sans solution",
        ),
        (PRACTICE.replace(_question("Question 3"), ""), "3 question(s), il en faut de 4 à 8"),
        (
            PRACTICE.replace("## À retenir", _question("Q") * 5 + "## À retenir"),
            "9 question(s), il en faut de 4 à 8",
        ),
        (
            PRACTICE.replace(
                "## Pour aller plus loin", _question("Ailleurs") + "## Pour aller plus loin"
            ),
            "question hors de la section « Testez-vous »",
        ),
        (
            PRACTICE.replace("## À retenir", "## Encore\n\nDu texte.\n\n## À retenir"),
            "« Testez-vous » doit venir juste avant « À retenir »",
        ),
        (
            PRACTICE.replace(
                "## Exercices\n\n", "## Exercices\n\n```markdown\n" + _question("Code") + "```\n\n"
            ),
            None,  # une question citée dans un bloc de code ne compte pas
        ),
    ],
)
def test_a_planted_gap_in_the_practice_is_named(planted, expected):
    assert planted != PRACTICE
    problems = practice_problems(planted, "docs/essai.md")
    if expected is None:
        assert problems == []
    else:
        assert any(expected in problem for problem in problems), problems
        assert all(problem.startswith("docs/essai.md") for problem in problems)


def test_a_real_page_stripped_of_its_practice_fails():
    text = (DOCS / "tensorboard.md").read_text(encoding="utf-8")
    assert practice_problems(text, "docs/tensorboard.md") == []
    without_questions = re.sub(r'^!!! quiz ".*?(?=^\S)', "", text, flags=re.M | re.S)
    assert "0 question(s)" in "\n".join(practice_problems(without_questions, "tensorboard"))
    unsolved = text.replace('??? success "Solution"', '??? note "Indice"')
    problems = practice_problems(unsolved, "tensorboard")
    assert sum("exercice sans solution" in problem for problem in problems) == 2
    assert "0 exercice(s) avec solution repliée" in "\n".join(problems)


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
