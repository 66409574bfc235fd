"""Le site construit, ouvert dans un vrai navigateur (Chromium de Debian piloté par Playwright).

Le site est servi sur 127.0.0.1 ; toute requête vers un autre hôte est bloquée et fait échouer
les tests.
"""

from __future__ import annotations

import json

import nbformat
import pytest
from conftest import ROOT, tutorial_names

pytestmark = pytest.mark.slow
# Les fixtures server, browser et page (Chromium, requêtes limitées à 127.0.0.1) : conftest.py.
pytest.importorskip("playwright.sync_api")

TUTORIAL = "03_premier_reseau_pytorch"


def test_home_loads_in_french(page, server):
    page.goto(server + "/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert "Atelier Deep Learning" in page.title()
    page.wait_for_load_state("networkidle")
    assert page.get_by_placeholder("Rechercher").count() == 1


def test_navigation_reaches_the_tutorial_with_plot_and_accuracy(page, server):
    page.goto(server + "/")
    page.get_by_role("navigation").get_by_role(
        "link", name="Premier réseau avec PyTorch"
    ).first.click()
    page.wait_for_url(f"**/tutoriels/{TUTORIAL}/")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").first.inner_text().startswith("Premier réseau avec PyTorch")
    # Une figure produite par l'exécution est affichée (image décodée, pas vide).
    images = page.locator(".jp-OutputArea-output img")
    assert images.count() >= 2
    images.last.scroll_into_view_if_needed()
    # Figures à chargement différé (loading="lazy") : chargées à l'approche de l'écran.
    images.last.evaluate(
        "img => img.complete && img.naturalWidth || "
        "new Promise(done => img.addEventListener('load', done, { once: true }))"
    )
    width = images.last.evaluate("img => img.complete && img.naturalWidth")
    assert width and width > 100
    # L'exactitude imprimée par le notebook est dans ses sorties et vaut celle des mesures
    # (textContent : une cellule loin de l'écran n'est pas encore mise en page, content-visibility).
    record = json.loads((ROOT / "build" / "notebooks" / f"{TUTORIAL}.json").read_text())
    accuracy = record["metrics"]["test_accuracy"]
    outputs = page.locator(".jp-OutputArea-output pre").all_text_contents()
    printed = "\n".join(outputs)
    written = {f"{v:.{d}f}" for v in (accuracy, 100 * accuracy) for d in (1, 2, 3, 4)}
    written |= {w.replace(".", ",") for w in written}
    assert any(w in printed for w in written), printed[-2000:]
    banner = page.locator(".atelier-mesures")
    assert banner.is_visible()
    assert "exactitude" in banner.text_content().lower()


def test_ipynb_link_downloads_an_executed_notebook(page, server, tmp_path):
    page.goto(f"{server}/tutoriels/{TUTORIAL}/")
    with page.expect_download() as info:
        page.locator('a[data-telechargement="ipynb"]').click()
    target = tmp_path / "telecharge.ipynb"
    info.value.save_as(target)
    nb = nbformat.read(target, as_version=4)
    nbformat.validate(nb)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert any(o.get("output_type") == "display_data" for o in outputs)
    assert nb.metadata["atelier"]["titre"] == "Premier réseau avec PyTorch"


def test_search_finds_a_french_word_from_the_tutorial(page, server):
    page.goto(server + "/")
    page.wait_for_load_state("networkidle")
    page.locator("label.md-search__icon, .md-search__input").first.click()
    field = page.get_by_placeholder("Rechercher")
    field.press_sequentially("entraînement", delay=30)
    results = page.locator(".md-search-result__item a")
    results.first.wait_for(timeout=15_000)
    hrefs = [results.nth(i).get_attribute("href") for i in range(results.count())]
    assert any(TUTORIAL in (h or "") for h in hrefs), hrefs


def test_math_is_drawn_without_any_script(page, server):
    """Les formules arrivent composées : dessinées dès le chargement, sans aucun script."""
    scripts: list[str] = []
    page.on("request", lambda r: scripts.append(r.url) if r.resource_type == "script" else None)
    page.goto(server + "/demarrer/")
    page.wait_for_load_state("networkidle")
    formula = page.locator(".arithmatex").first
    formula.scroll_into_view_if_needed()
    image = formula.locator("img.formule")
    page.wait_for_function("i => i.complete && i.naturalWidth > 0", arg=image.element_handle())
    box = image.bounding_box()
    assert box and box["width"] > 5 and box["height"] > 5
    raw = formula.inner_text()
    assert "\\(" not in raw and "$$" not in raw
    assert not [u for u in scripts if "mathjax" in u.lower()]


def test_every_tutorial_page_opens_cleanly(page, server):
    for name in tutorial_names():
        response = page.goto(f"{server}/tutoriels/{name}/")
        assert response and response.ok
        page.wait_for_load_state("networkidle")
        assert page.locator(".atelier-tutoriel").is_visible()
