"""Les questions d'autoévaluation (tools/quiz.py) : le Markdown devient un HTML lisible sans
JavaScript, et une question mal formée fait échouer la construction en nommant sa ligne."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

from tools import quiz

GOOD = """Avant.

!!! quiz "Forme de la sortie"
    Un lot de forme `(32, 784)` traverse une couche à 128 sorties. Quelle forme sort ?

    - [ ] `(784, 128)`
      La forme des poids.
    - [x] `(32, 128)`
      Une ligne par image.

Après.
"""


def test_a_question_becomes_readable_html_with_every_explanation():
    text, count = quiz.process(GOOD, "docs/essai.md", "essai")
    assert count == 1
    assert text.startswith("Avant.") and text.rstrip().endswith("Après.")
    assert 'type="radio"' in text and "Une seule réponse juste." in text
    assert "<code>(32, 128)</code>" in text
    # Sans script : chaque choix porte son verdict et son explication, repliée.
    assert text.count('<details class="quiz-explication">') == 2
    assert "Juste\u00a0: pourquoi\u00a0?</summary><p>Une ligne par image.</p>" in text
    assert "Faux\u00a0: pourquoi\u00a0?</summary><p>La forme des poids.</p>" in text


def test_several_right_answers_use_checkboxes():
    text, _ = quiz.process(GOOD.replace("- [ ] `(784", "- [x] `(784"), "docs/essai.md", "essai")
    assert 'type="checkbox"' in text and "Plusieurs réponses justes." in text


@pytest.mark.parametrize(
    ("planted", "expected"),
    [
        (GOOD.replace("- [x]", "- [ ]"), "aucun choix n'est marqué juste"),
        (GOOD.replace("      Une ligne par image.\n", ""), "n'a pas d'explication"),
        (re.sub(r"    - \[ \].*\n.*\n", "", GOOD), "il faut au moins deux choix"),
        (GOOD.replace("      La forme des poids.", "    La forme des poids."), "deux espaces"),
    ],
)
def test_a_malformed_question_names_the_page_and_line(planted, expected):
    with pytest.raises(quiz.QuizError) as caught:
        quiz.process(planted, "docs/essai.md", "essai", line_offset=10)
    message = str(caught.value)
    assert expected in message
    assert message.startswith("docs/essai.md:")


def test_the_error_points_at_the_question_line_in_the_source():
    planted = GOOD.replace("- [x]", "- [ ]")
    with pytest.raises(quiz.QuizError, match=r"^docs/essai\.md:13 "):
        quiz.process(planted, "docs/essai.md", "essai", line_offset=10)  # ligne 3 + 10


def test_every_question_of_the_course_is_well_formed():
    found = 0
    for page in sorted((ROOT / "docs").glob("*.md")):
        _, count = quiz.process(page.read_text(encoding="utf-8"), str(page), page.stem)
        found += count
    assert found >= 17


def tutorial_question_count(path) -> int:
    from tools import execute

    tutorial = execute.load(path)
    return sum(
        quiz.process(cell.source, str(path), path.stem)[1]
        for cell in tutorial.notebook.cells
        if cell.cell_type == "markdown"
    )


@pytest.mark.parametrize(
    "path", sorted((ROOT / "tutorials").glob("[0-9][0-9]_*.py")), ids=lambda p: p.stem
)
def test_every_tutorial_ends_with_four_to_eight_questions(path):
    from tools import execute

    assert 4 <= tutorial_question_count(path) <= 8
    # Comme sur les pages de cours, les questions viennent après les exercices : aucun code
    # ne les suit (seules les lectures « Pour aller plus loin » peuvent venir après).
    cells = execute.load(path).notebook.cells
    first_quiz = next(i for i, c in enumerate(cells) if "!!! quiz" in c.source)
    assert not [c for c in cells[first_quiz:] if c.cell_type == "code"]
    assert "## Exercices" in "".join(c.source for c in cells[:first_quiz])
