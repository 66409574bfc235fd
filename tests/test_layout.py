"""Mise en page du site construit (issue 15) : sur un téléphone (390 px), à l'écran d'un
ordinateur (menu latéral) et à l'impression.

* à 390 px, aucun élément plus large que l'écran, sauf dans son propre bloc à défilement
  horizontal, nommé (aria-label) et atteignable au clavier (tabindex="0") : un tableau, un bloc
  de code ou une formule trop larges défilent dans leur cadre, la page ne défile pas de côté ;
* à 1 280 px, aucune entrée du menu à moitié cachée sous le titre collant du menu ;
* à l'impression, ni boutons de téléchargement, ni icônes de copie, ni chevron des
  « Mesures » ; le tableau d'un axe du rapport reste avec sa figure.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow
pytest.importorskip("playwright.sync_api")

PHONE = {"width": 390, "height": 844}
# Une page de chaque sorte.
PAGE_TYPES = {
    "accueil": "/",
    "page de cours": "/mlp/",
    "tutoriel": "/tutoriels/14_atelier_hyperparametres/",
    "rapport de l'atelier": "/atelier/rapport/",
    "scripts": "/scripts/",
    "glossaire": "/glossaire/",
    "parcours": "/parcours/",
}

# Les éléments visibles du contenu qui dépassent la largeur de l'écran, hors d'un bloc à
# défilement horizontal nommé et focalisable ; et les blocs qui défilent sans nom ni focus.
OVERFLOW_PROBE = """
() => {
  const width = document.documentElement.clientWidth;
  const describe = (el) => {
    const cls = String(el.className || "").trim().split(/\\s+/).slice(0, 2).join(".");
    return el.tagName.toLowerCase() + (cls ? "." + cls : "") + " « "
      + (el.textContent || "").trim().slice(0, 40) + " »";
  };
  const scroller = (el) => {
    const x = getComputedStyle(el).overflowX;
    return (x === "auto" || x === "scroll") && el.scrollWidth > el.clientWidth + 1;
  };
  const labelled = (el) => el.getAttribute("tabindex") === "0"
    && !!(el.getAttribute("aria-label") || el.getAttribute("aria-labelledby"));
  const wide = [], unnamed = new Set();
  for (const el of document.querySelectorAll(".md-main *, .md-header *, .md-footer *")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.position === "fixed") continue;
    const aside = ".md-sidebar, [hidden], .md-tooltip, .md-tooltip2, .md-search";
    if (el.closest(aside)) continue;
    let clippedBy = null;
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (scroller(a)) { clippedBy = a; break; }
    }
    if (clippedBy) {
      if (!labelled(clippedBy)) unnamed.add(describe(clippedBy));
      continue;
    }
    if (box.right > width + 1 || box.left < -1) {
      wide.push(`${describe(el)} : ${Math.round(box.left)} à ${Math.round(box.right)} px`);
    }
  }
  return {
    width,
    pageWidth: document.documentElement.scrollWidth,
    wide: wide.slice(0, 12),
    unnamed: [...unnamed].slice(0, 12),
  };
}
"""


def overflow(page) -> dict:
    return page.evaluate(OVERFLOW_PROBE)


def open_page(page, url: str, viewport: dict) -> None:
    page.set_viewport_size(viewport)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)  # docs/assets/accessibility.js, après le chargement


def test_overflow_probe_catches_planted_wide_content(page):
    """Un tableau trop large hors de tout cadre, puis dans un cadre qui défile sans nom : deux
    fautes ; dans un cadre nommé et focalisable : aucune."""
    table = '<table style="width:700px"><tr><td>Très large</td></tr></table>'
    page.set_viewport_size(PHONE)
    body = '<div class="md-main" style="margin:8px">{}</div>'
    page.set_content(body.format(table))
    found = overflow(page)
    assert found["wide"] and found["wide"][0].startswith("table"), found
    page.set_content(body.format(f'<div style="overflow-x:auto">{table}</div>'))
    found = overflow(page)
    assert found["wide"] == [] and found["unnamed"] == ["div « Très large »"], found
    named = '<div style="overflow-x:auto" tabindex="0" aria-label="Tableau">{}</div>'
    page.set_content(body.format(named.format(table)))
    assert overflow(page) == {**found, "unnamed": []}


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_nothing_wider_than_a_phone_screen(page, server, kind, tmp_path):
    open_page(page, server + PAGE_TYPES[kind], PHONE)
    found = overflow(page)
    page.screenshot(path=tmp_path / "390.png")
    assert found["pageWidth"] <= found["width"], found
    assert found["wide"] == [], found
    assert found["unnamed"] == [], found


# Les entrées du menu à demi visibles sous le titre collant : ni cachées entièrement (sous le
# titre et son ombre de 0,4rem), ni entièrement visibles (sous la marge de défilement).
SIDEBAR_PROBE = """
() => {
  const wrap = document.querySelector(".md-sidebar--primary .md-sidebar__scrollwrap");
  const title = wrap.querySelector(".md-nav--primary > .md-nav__title");
  const frame = wrap.getBoundingClientRect();
  const edge = title.getBoundingClientRect();
  const cut = [];
  // Une entrée qui passe sous le titre, là où il est visible dans le menu.
  if (edge.bottom > frame.top + 1) {
    for (const link of wrap.querySelectorAll(".md-nav__link")) {
      const box = link.getBoundingClientRect();
      if (box.height && box.bottom > edge.top + 1 && box.top < edge.bottom - 1) {
        const where = `${Math.round(box.top)} à ${Math.round(box.bottom)} px`;
        cut.push(`${link.textContent.trim().slice(0, 40)} (${where})`);
      }
    }
  }
  return {scrollTop: wrap.scrollTop, position: getComputedStyle(title).position, cut};
}
"""
SIDEBAR_PAGES = (
    "/tutoriels/14_atelier_hyperparametres/",
    "/tutoriels/07_premier_cnn/",
    "/tensorboard/",
    "/atelier/rapport/",
)


def test_no_menu_entry_passes_under_the_menu_title(page, server):
    page.set_viewport_size({"width": 1280, "height": 800})
    for url in SIDEBAR_PAGES:
        page.goto(server + url)
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(400)  # le défilement du menu par Material
        found = page.evaluate(SIDEBAR_PROBE)
        assert found["scrollTop"] > 0, (url, found)  # le menu a bien défilé vers la page
        assert found["position"] != "sticky" and found["cut"] == [], (url, found)
    # Avec le titre collant de Material, les entrées passent dessous.
    page.evaluate(
        """() => {
          const title = document.querySelector(".md-nav--primary > .md-nav__title");
          title.style.position = "sticky";
          title.style.top = "0";
        }"""
    )
    assert page.evaluate(SIDEBAR_PROBE)["cut"] != []


HIDDEN_IN_PRINT = {
    "boutons de téléchargement": ".atelier-actions",
    "icônes de copie": ".jupyter-wrapper .zeroclipboard-container",
    "boutons de copie de Material": ".md-code__nav",
}
PRINT_PROBE = """
(selectors) => {
  const shown = {};
  for (const [name, selector] of Object.entries(selectors)) {
    shown[name] = [...document.querySelectorAll(selector)].filter(
      (el) => el.getBoundingClientRect().height > 0).length;
  }
  const chevrons = [...document.querySelectorAll(".md-typeset details > summary")].filter(
    (s) => getComputedStyle(s, "::after").display !== "none").length;
  return {...shown, chevrons};
}
"""


def test_print_hides_screen_only_controls_and_keeps_report_tables_with_figures(
    page, server, tmp_path
):
    page.goto(f"{server}/tutoriels/03_premier_reseau_pytorch/")
    page.wait_for_load_state("networkidle")
    on_screen = page.evaluate(PRINT_PROBE, HIDDEN_IN_PRINT)
    assert all(on_screen.values()), on_screen  # à l'écran, tout est là
    page.emulate_media(media="print")
    printed = page.evaluate(PRINT_PROBE, HIDDEN_IN_PRINT)
    assert printed == dict.fromkeys(printed, 0), printed
    page.pdf(path=tmp_path / "tutoriel.pdf")
    page.goto(f"{server}/atelier/rapport/")
    page.wait_for_load_state("networkidle")
    breaks = page.evaluate(
        """() => [...document.querySelectorAll(".rapport-tableau")].map((t) => [
             getComputedStyle(t).breakAfter, t.nextElementSibling.className])"""
    )
    assert breaks and all(b == ["avoid", "rapport-axe"] for b in breaks), breaks
    assert page.evaluate(
        "getComputedStyle(document.querySelector('.md-clipboard') || document.body).display"
    ) in ("none", "block")


# Les boutons de copie dont l'icône chevauche la première ligne de leur bloc de code.
COPY_PROBE = """
() => {
  const firstLine = (block) => {
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const rects = range.getClientRects();
      if (rects.length) return rects[0];
    }
    return null;
  };
  let checked = 0;
  const covering = [];
  const buttons = document.querySelectorAll(".jupyter-wrapper clipboard-copy, .md-code__button");
  for (const button of buttons) {
    const icon = button.getBoundingClientRect();
    if (!icon.height) continue;
    const block = button.matches(".md-code__button")
      ? button.closest("pre").querySelector(":scope > code")
      : button.closest(".CodeMirror").querySelector(".highlight-ipynb pre");
    const line = block && firstLine(block);
    if (!line) continue;
    checked += 1;
    if (icon.top < line.bottom && icon.bottom > line.top) {
      covering.push((block.textContent || "").trim().split("\\n")[0].slice(0, 50));
    }
  }
  return {checked, covering: covering.slice(0, 8)};
}
"""


@pytest.mark.parametrize("url", ["/tutoriels/14_atelier_hyperparametres/", "/mlp/"])
def test_copy_icon_leaves_the_first_code_line_free_on_a_phone(page, server, url):
    open_page(page, server + url, PHONE)
    found = page.evaluate(COPY_PROBE)
    assert found["checked"] >= 3 and found["covering"] == [], found
    # À l'écran large, l'icône reste sur la première ligne (la sonde voit bien le chevauchement).
    open_page(page, server + url, {"width": 1280, "height": 900})
    assert page.evaluate(COPY_PROBE)["covering"] != []
