"""La progression du parcours dans Chromium : cocher une étape, la retrouver après un
rechargement sur la page « Parcours » et dans le menu, tout effacer ; au clavier seul ; depuis
une copie du site ouverte en local (file://).

Fixtures server, browser et page : conftest.py (toute requête hors de 127.0.0.1 est bloquée et
fait échouer le test, comme toute erreur JavaScript).
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from conftest import guarded_page

pytestmark = pytest.mark.slow
pytest.importorskip("playwright.sync_api")

DONE_BOX = "J'ai terminé cette étape"


def row(page, title):
    """La ligne du tableau dont la colonne « Page » est ce titre (un prérequis peut le citer)."""
    cell = page.locator("td:nth-child(2)").get_by_role("link", name=title, exact=True)
    return page.locator("table tbody tr").filter(has=cell)


def test_a_step_marked_done_shows_on_the_parcours_page_after_a_reload(page, server):
    page.goto(f"{server}/mlp/")
    box = page.get_by_role("checkbox", name=DONE_BOX)
    assert box.is_visible() and not box.is_checked()
    box.check()
    assert page.get_by_role("status").filter(has_text="terminée").count() >= 1
    page.reload()
    assert page.get_by_role("checkbox", name=DONE_BOX).is_checked()
    page.goto(f"{server}/parcours/")
    page.reload()
    assert "terminée" in row(page, "Le perceptron multicouche").inner_text()
    assert "terminée" not in row(page, "Les tenseurs").inner_text()
    # La prochaine étape est la première non terminée : « Démarrer ».
    assert "prochaine étape" in row(page, "Démarrer").inner_text()
    assert "1 étape terminée sur" in page.locator(".parcours-bilan").inner_text()
    # Le menu : la page terminée y est marquée (texte lu par les lecteurs d'écran).
    nav = page.locator(".md-nav--primary a.md-nav__link", has_text="Le perceptron multicouche")
    assert "(terminée)" in nav.first.text_content()
    # Un seul bouton efface tout.
    page.get_by_role("button", name="Effacer ma progression").click()
    assert "terminée" not in row(page, "Le perceptron multicouche").inner_text()
    assert "Aucune étape terminée" in page.locator(".parcours-bilan").inner_text()
    page.reload()
    assert "terminée" not in row(page, "Le perceptron multicouche").inner_text()
    assert "(terminée)" not in nav.first.text_content()


def test_progress_is_kept_in_local_storage_only(page, server):
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.method + " " + r.url))
    page.goto(f"{server}/tenseurs/")
    page.wait_for_load_state("networkidle")
    before = len(requests)
    page.get_by_role("checkbox", name=DONE_BOX).check()
    page.wait_for_timeout(300)
    # Cocher n'envoie rien, même au serveur du site (Chromium demande l'icône quand il veut).
    assert [r for r in requests[before:] if not r.endswith("/favicon.png")] == []
    stored = page.evaluate("() => localStorage.getItem('atelier-parcours')")
    assert '"tenseurs/"' in stored
    assert all(urlsplit(r.split(" ", 1)[1]).hostname == "127.0.0.1" for r in requests)


def test_keyboard_only_marks_a_step_and_clears_the_progress(page, server):
    page.goto(f"{server}/tutoriels/01_tenseurs/")
    box = page.get_by_role("checkbox", name=DONE_BOX)
    for _ in range(400):  # Tab jusqu'à la case, comme au clavier seul
        page.keyboard.press("Tab")
        if box.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("la case « terminée » n'est pas atteignable au clavier")
    page.keyboard.press("Space")
    assert box.is_checked()
    page.goto(f"{server}/parcours/")
    assert "terminée" in row(page, "Les tenseurs en pratique").inner_text()
    button = page.get_by_role("button", name="Effacer ma progression")
    for _ in range(400):
        page.keyboard.press("Tab")
        if button.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("le bouton d'effacement n'est pas atteignable au clavier")
    page.keyboard.press("Enter")
    assert "terminée" not in row(page, "Les tenseurs en pratique").inner_text()


def test_progress_works_from_a_local_copy_opened_as_files(browser, built_site):
    context = browser.new_context(locale="fr-FR")
    page, foreign, errors = guarded_page(context, lambda parts: parts.scheme == "file")
    site = built_site["dir"]
    page.goto((site / "frameworks" / "index.html").as_uri())
    page.get_by_role("checkbox", name=DONE_BOX).check()
    page.goto((site / "parcours" / "index.html").as_uri())
    assert "terminée" in row(page, "Les frameworks").inner_text()
    context.close()
    assert foreign == []
    # La recherche de Material ne fonctionne pas en file:// (son index se charge par un « worker »,
    # que Chromium refuse hors d'un serveur) : limite connue du thème, sans lien avec le parcours.
    assert [e for e in errors if "search" not in e] == []
