"""Les pages de cours dans Chromium : formules, onglets liés, figures, infobulles du glossaire.

Fixtures server, browser et page : conftest.py (toute requête hors de 127.0.0.1 est bloquée et
toute erreur JavaScript fait échouer le test).
"""

from __future__ import annotations

import pytest

from tools import glossary

pytestmark = pytest.mark.slow
pytest.importorskip("playwright.sync_api")

MATH_PAGES = ["mlp", "tenseurs"]
FIGURES = {"mlp": ["reseau_mlp", "activations"], "tenseurs": ["formes_tenseurs"]}


def open_page(page, url):
    """Ouvre une page et relève toute ressource introuvable (une feuille de style manquante…)."""
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status >= 400 else None)
    response = page.goto(url)
    assert response and response.ok, url
    page.wait_for_load_state("networkidle")
    return missing


# Chaque formule : une image chargée (fichier SVG valide), de la taille fixée à la construction,
# avec un texte alternatif ; en mode sombre, inversée (dessin clair sur fond sombre).
FORMULA_STATE = """async () => {
  // Solutions repliées ouvertes ; un onglet non choisi n'a pas de boîte : taille non mesurée.
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  const images = Array.from(document.querySelectorAll('.arithmatex img.formule'));
  images.forEach(i => { i.loading = 'eager'; });
  await Promise.all(images.map(i => i.decode().catch(() => null)));
  const states = Array.from(document.querySelectorAll('.arithmatex')).map(f => {
    const image = f.querySelector('img.formule');
    if (!image) return 'sans image';
    if (!image.complete || image.naturalWidth === 0) return 'image illisible';
    const box = image.getBoundingClientRect();
    const shown = image.getClientRects().length > 0;
    if (shown && (box.width < 2 || box.height < 2)) return 'image de ' + box.width + ' px';
    if (!image.alt.trim()) return 'sans texte alternatif';
    return 'ok';
  });
  const scheme = document.body.getAttribute('data-md-color-scheme');
  const filter = images.length ? getComputedStyle(images[0]).filter : 'none';
  return {states, inverted: filter.includes('invert'), scheme};
}"""


@pytest.mark.parametrize("name", MATH_PAGES)
def test_every_formula_is_an_image_with_its_reading(page, server, name):
    missing = open_page(page, f"{server}/{name}/")
    formulas = page.locator(".arithmatex")
    assert formulas.count() >= 5
    result = page.evaluate(FORMULA_STATE)
    assert result["states"] and set(result["states"]) == {"ok"}, result["states"]
    assert not result["inverted"]
    texts = "".join(formulas.all_inner_texts())
    assert "$$" not in texts and "\\(" not in texts and "\\[" not in texts
    assert missing == []
    # En mode sombre, le dessin (noir) est inversé : clair sur le fond sombre.
    page.evaluate("() => document.body.setAttribute('data-md-color-scheme', 'slate')")
    result = page.evaluate(FORMULA_STATE)
    assert result["scheme"] == "slate" and result["inverted"]
    # Une image réduite à 1 px, ou un fichier SVG illisible, est signalé.
    page.add_style_tag(content=".formule { width: 1px !important }")
    assert "image de 1 px" in page.evaluate(FORMULA_STATE)["states"]
    page.evaluate("() => { document.querySelector('img.formule').src = 'data:image/svg+xml,x'; }")
    assert "image illisible" in page.evaluate(FORMULA_STATE)["states"]


def test_tabs_switch_and_stay_linked_across_pages(page, server):
    open_page(page, f"{server}/demarrer/")
    keras_tab = page.locator(".tabbed-labels label", has_text="Keras").first
    keras_tab.click()
    keras_code = page.locator(".tabbed-block", has_text="keras.backend.backend()").first
    assert keras_code.is_visible()
    # Une autre page : ses onglets Keras sont déjà choisis, la sortie Keras est visible.
    open_page(page, f"{server}/mlp/")
    labels = page.locator(".tabbed-set").first.locator(".tabbed-labels label")
    checked = page.locator(".tabbed-set").first.locator("input:checked")
    chosen = checked.get_attribute("id")
    active = [labels.nth(i) for i in range(labels.count())]
    assert any(lab.get_attribute("for") == chosen and lab.inner_text() == "Keras" for lab in active)
    assert page.locator(".tabbed-block", has_text="model.count_params()").first.is_visible()
    assert not page.locator(".tabbed-block", has_text="named_parameters()").first.is_visible()


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_figures_load_with_alt_text_and_caption(page, server, name):
    missing = open_page(page, f"{server}/{name}/")
    for figure in FIGURES[name]:
        image = page.locator(f"figure img[src$='figures/{figure}.svg']")
        assert image.count() == 1, figure
        image.scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
        )
        assert len((image.get_attribute("alt") or "").split()) >= 5
        caption = image.locator("xpath=ancestor::figure//figcaption")
        assert caption.inner_text().strip()
    assert missing == []


def test_executed_code_shows_its_output_under_the_block(page, server):
    open_page(page, f"{server}/mlp/")
    outputs = page.locator(".atelier-sortie")
    assert outputs.count() >= 8
    assert "perte après le pas" in page.content()
    assert outputs.first.locator(".filename").inner_text() == "Sortie"


def test_glossary_terms_show_their_definition_as_tooltip(page, server):
    entries = {e["fr"]: e for e in glossary.load()}
    open_page(page, f"{server}/mlp/")
    term = page.locator("abbr", has_text="rétropropagation").first
    assert term.count() == 1
    expected = entries["Rétropropagation"]["definition"]
    # Material remplace l'attribut title par sa propre infobulle, affichée au survol.
    term.scroll_into_view_if_needed()
    term.hover()
    tooltip = page.locator(".md-tooltip--active, [role=tooltip]").filter(has_text=expected[:40])
    title = term.get_attribute("title")
    assert title == expected or tooltip.count() >= 1


def test_glossary_page_lists_terms_with_anchors_and_links(page, server):
    open_page(page, f"{server}/glossaire/#retropropagation")
    cell = page.locator("#retropropagation")
    assert cell.is_visible()
    row = cell.locator("xpath=ancestor::tr")
    assert "backpropagation" in row.inner_text()
    link = row.locator("a").last
    link.click()
    page.wait_for_url("**/mlp/#la-retropropagation")


# Images des formules non chargées (loading="lazy" hors de l'écran, sans formules.js).
UNLOADED = """() => Array.from(document.querySelectorAll('img.formule'))
  .filter(i => !i.complete || i.naturalWidth === 0).length"""


def test_formula_images_are_all_loaded_once_the_page_is_ready(page, server):
    """À l'impression, une image encore différée manquerait : formules.js les demande toutes,
    la page une fois chargée. Sans ce script, celles hors de l'écran restent à charger."""
    open_page(page, f"{server}/mlp/")
    page.wait_for_function(UNLOADED.replace("() =>", "() => 0 ==="), timeout=15_000)
    page.route("**/formules.js", lambda route: route.abort())
    page.reload()
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)
    assert page.evaluate(UNLOADED) > 10
