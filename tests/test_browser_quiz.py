"""Les questions d'autoévaluation dans Chromium : une réponse donne la bonne correction, tout se
fait au clavier, et sans JavaScript les explications restent lisibles.

Fixtures server, browser et page : conftest.py (toute requête hors de 127.0.0.1 est bloquée et
fait échouer le test, comme toute erreur JavaScript).
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow
pytest.importorskip("playwright.sync_api")


def question(page, title):
    return page.locator(".quiz").filter(has=page.locator("legend", has_text=title))


def test_a_wrong_then_a_right_answer_show_their_feedback(page, server):
    page.goto(f"{server}/tenseurs/")
    quiz = question(page, "La diffusion")
    # Les explications attendent la réponse.
    assert not quiz.locator(".quiz-explication").first.is_visible()
    check = quiz.get_by_role("button", name="Vérifier ma réponse")
    check.click()
    assert "Choisissez d'abord une réponse" in quiz.get_by_role("status").inner_text()
    quiz.get_by_label("Une erreur", exact=False).check()
    check.click()
    assert "Pas tout à fait" in quiz.get_by_role("status").inner_text()
    wrong = quiz.locator(".quiz-choix-faux")
    assert wrong.count() == 1 and "Une erreur" in wrong.inner_text()
    assert "La diffusion n'exige pas" in wrong.locator(".quiz-explication").inner_text()
    assert (
        quiz.locator(".quiz-choix-juste")
        .inner_text()
        .strip()
        .startswith("Un tenseur de forme (3, 4)")
    )
    quiz.get_by_label("Un tenseur de forme (3, 4)").check()
    check.click()
    assert quiz.get_by_role("status").inner_text().startswith("Bonne réponse")


def test_a_multiple_answer_question_needs_every_right_choice(page, server):
    page.goto(f"{server}/surapprentissage/")
    quiz = question(page, "Des remèdes")
    assert quiz.get_by_role("checkbox").count() == 4
    quiz.get_by_label("Ajouter du dropout", exact=False).check()
    quiz.get_by_role("button", name="Vérifier ma réponse").click()
    assert "Pas tout à fait" in quiz.get_by_role("status").inner_text()
    quiz.get_by_label("Entraîner sur davantage", exact=False).check()
    quiz.get_by_role("button", name="Vérifier ma réponse").click()
    assert quiz.get_by_role("status").inner_text().startswith("Bonne réponse")


def test_a_question_is_answered_with_the_keyboard_only(page, server):
    page.goto(f"{server}/tenseurs/")
    quiz = question(page, "Un lot d'images pour PyTorch")
    first = quiz.get_by_role("radio").first
    for _ in range(600):
        page.keyboard.press("Tab")
        if first.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("le premier choix n'est pas atteignable au clavier")
    page.keyboard.press("ArrowDown")  # deuxième choix : (64, 1, 28, 28)
    assert quiz.get_by_role("radio").nth(1).is_checked()
    page.keyboard.press("Tab")
    button = quiz.get_by_role("button", name="Vérifier ma réponse")
    assert button.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    assert quiz.get_by_role("status").inner_text().startswith("Bonne réponse")


def test_without_javascript_questions_and_explanations_stay_readable(browser, server):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    page.goto(f"{server}/surapprentissage/")
    quiz = question(page, "Le rôle du jeu de test")
    assert quiz.is_visible()
    details = quiz.locator(".quiz-explication")
    assert details.count() == 3
    details.first.locator("summary").click()
    assert "ne mesure la généralisation" in details.first.inner_text()
    assert "Juste" in details.first.locator("summary").inner_text()
    assert not quiz.get_by_role("button", name="Vérifier ma réponse").is_visible()
    context.close()


@pytest.mark.parametrize("name", ["03_premier_reseau_pytorch", "14_atelier_hyperparametres"])
def test_a_tutorial_question_gives_its_feedback_on_the_site(page, server, name):
    """Les questions d'un tutoriel (rendues par tools/execute.py dans le notebook) répondent sur
    le site comme celles des pages : chaque bonne réponse cochée, et seulement elles, réussit."""
    page.goto(f"{server}/tutoriels/{name}/")
    quizzes = page.locator(".quiz")
    assert 4 <= quizzes.count() <= 8
    quiz = quizzes.first
    choices = quiz.locator(".quiz-choix")
    right = [
        i for i in range(choices.count()) if choices.nth(i).get_attribute("data-juste") == "true"
    ]
    wrong = next(i for i in range(choices.count()) if i not in right)
    check = quiz.get_by_role("button", name="Vérifier ma réponse")
    choices.nth(wrong).locator("input").check()
    check.click()
    assert "Pas tout à fait" in quiz.get_by_role("status").inner_text()
    if quiz.get_attribute("data-quiz") == "checkbox":
        choices.nth(wrong).locator("input").uncheck()
    for i in right:
        choices.nth(i).locator("input").check()
    check.click()
    assert quiz.get_by_role("status").inner_text().startswith("Bonne réponse")
    assert quiz.locator(".quiz-explication").first.is_visible()
