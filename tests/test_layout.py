"""Mise en page du site construit (issue 15) : sur un téléphone (390 px), à l'écran d'un
ordinateur (menu latéral) et à l'impression.

* à 390 px, aucun élément plus large que l'écran, sauf dans son propre bloc à défilement
  horizontal, nommé (aria-label) et atteignable au clavier (tabindex="0") : un tableau, un bloc
  de code ou une formule trop larges défilent dans leur cadre, la page ne défile pas de côté ;
* à 1 280 px, aucune entrée du menu à moitié cachée sous le titre collant du menu ;
* à l'impression, ni boutons de téléchargement, ni icônes de copie, ni chevron des
  « Mesures », ni boutons des questions, ni case du parcours ; aucune fin de page entre un titre
  et sa suite, une figure et sa légende, un code et sa sortie, le tableau d'un axe du rapport et
  sa figure ; les liens externes impriment leur adresse ;
* les figures du rapport et celles des pages de cours restent lisibles (textes d'au moins 10 px,
  vignettes d'au moins 56 px) à 390 et à 1 280 px : sur un téléphone, la variante étroite d'une
  figure (docs/figures/NOM.py, tools/images.py) remplace la figure large.
"""

from __future__ import annotations

import re

import pytest
from conftest import scroll_through, wait_for_scroll_regions

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
    wait_for_scroll_regions(page)  # docs/assets/accessibility.js, après le chargement


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


# Affichage différé (content-visibility, docs/assets/atelier.css) : au chargement, sur un
# téléphone, les cellules loin sous l'écran ne sont ni mises en page ni dessinées.
DEFERRED_PROBE = """
() => {
  const cells = Array.from(document.querySelectorAll(".jupyter-wrapper .jp-Cell"));
  // Une cellule différée reste dans la page ; c'est son contenu qui est sauté.
  const skipped = cells.filter(c => c.firstElementChild
    && !c.firstElementChild.checkVisibility({contentVisibilityAuto: true}));
  const marked = document.querySelectorAll("[data-atelier-defilement]");
  const lastMarked = marked.length ? marked[marked.length - 1].getBoundingClientRect().top : 0;
  return {
    cells: cells.length,
    skipped: skipped.length,
    style: cells.length ? getComputedStyle(cells[cells.length - 1]).contentVisibility : "",
    lastMarkedTop: Math.round(lastMarked + window.scrollY),
    height: window.innerHeight,
  };
}
"""


def test_off_screen_cells_are_deferred_but_their_scroll_regions_still_named(page, server):
    """Le gain de content-visibility (Lighthouse mobile) sans perte : les blocs qui défilent
    loin sous l'écran sont nommés et focalisables comme les autres (accessibility.js les
    mesure tous, par tranches), et tout est dessiné à l'impression."""
    open_page(page, server + PAGE_TYPES["tutoriel"], PHONE)
    found = page.evaluate(DEFERRED_PROBE)
    assert found["style"] == "auto", found
    assert found["cells"] > 20 and found["skipped"] > found["cells"] // 2, found
    # Un bloc marqué à plusieurs écrans sous le premier : la passe ne s'arrête pas au visible.
    assert found["lastMarkedTop"] > 5 * found["height"], found
    # Et aucun bloc qui défile sans nom, sur toute la page (sonde qui force la mise en page).
    assert overflow(page)["unnamed"] == []
    page.emulate_media(media="print")
    assert page.evaluate(DEFERRED_PROBE)["style"] == "visible"


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
    "boutons des questions": ".quiz-actions",
    "case du parcours": ".parcours-marque",
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

# Les coupures de page, lues dans les styles calculés à l'impression (Chromium n'expose pas les
# pages d'un PDF) : pour chaque règle, les éléments vérifiés et ceux qui l'enfreignent.
PAGINATION_PROBE = """
() => {
  const style = (el, pseudo) => getComputedStyle(el, pseudo);
  const after = (el) => style(el).breakAfter === "avoid";
  const whole = (el) => style(el).breakInside === "avoid";
  const href = (el) => style(el, "::after").content.includes(el.getAttribute("href"));
  const rules = {
    "titre séparé de sa suite": [":is(h1, h2, h3, h4, h5, h6)", after],
    "introduction séparée de sa liste, son tableau ou son code":
      ["p:has(+ :is(ul, ol, .md-typeset__scrollwrap, .highlight, .rapport-tableau))", after],
    "tableau du rapport séparé de sa figure": [".rapport-tableau",
      (el) => after(el) && el.nextElementSibling.matches(".rapport-axe")],
    "axe du rapport coupé": [".rapport-section, .rapport-axe", whole],
    "figure coupée": ["figure, img, .jp-RenderedImage", whole],
    "figure de notebook séparée de sa légende": [".jp-CodeCell:has(.jp-RenderedImage)", after],
    "sortie séparée de son code": [".atelier-sortie, .jp-Cell-outputWrapper",
      (el) => style(el).breakBefore === "avoid"],
    "question coupée": [".quiz", whole],
    "ligne de tableau coupée": ["tr", whole],
    "tableau court coupé": ["table:not([class]):not(:has(tr:nth-child(16)))", whole],
    "long tableau repoussé d'une page": ["table:has(tr:nth-child(16))", (el) => !whole(el)],
    "lien externe sans son adresse": ["a[href^='http']:not(.md-button)", href],
    "lien interne avec une adresse": ["a[href]:not([href^='http'])", (el) => !href(el)],
  };
  const found = {};
  for (const [name, [selector, ok]] of Object.entries(rules)) {
    const elements = [...document.querySelectorAll(".md-content " + selector)].filter(
      (el) => el.getBoundingClientRect().height > 0);
    const bad = elements.filter((el) => !ok(el)).map(
      (el) => el.tagName.toLowerCase() + " « " + el.textContent.trim().slice(0, 40) + " »");
    found[name] = {checked: elements.length, bad: bad.slice(0, 5)};
  }
  return found;
}
"""
# Ce que la feuille d'impression évite, planté d'un coup : chaque règle doit le voir.
PLANTED_PAGINATION = """
@media print {
  .md-typeset *, .md-typeset *::after {
    break-after: auto !important; break-before: auto !important; break-inside: auto !important;
  }
  .md-typeset table:has(tr:nth-child(16)) { break-inside: avoid !important; }
  .md-typeset a::after { content: " (" attr(href) ")" !important; }
  .md-typeset a[href^="http"]::after { content: none !important; }
}
"""
PRINTED_PAGES = (
    "/tutoriels/03_premier_reseau_pytorch/",
    "/mlp/",
    "/atelier/rapport/",
    "/glossaire/",
)


def test_print_hides_screen_only_controls(page, server, tmp_path):
    page.goto(f"{server}/tutoriels/03_premier_reseau_pytorch/")
    page.wait_for_load_state("networkidle")
    scroll_through(page)  # les boutons de copie de Material, posés à l'approche de l'écran
    on_screen = page.evaluate(PRINT_PROBE, HIDDEN_IN_PRINT)
    assert all(on_screen.values()), on_screen  # à l'écran, tout est là
    page.emulate_media(media="print")
    printed = page.evaluate(PRINT_PROBE, HIDDEN_IN_PRINT)
    assert printed == dict.fromkeys(printed, 0), printed
    page.pdf(path=tmp_path / "tutoriel.pdf")


def test_print_keeps_headings_figures_tables_and_code_together(page, server):
    """Titres, figures et légendes, tableau et figure d'un axe du rapport, code et sortie : rien
    n'est séparé par une fin de page ; un long tableau (le glossaire) se coupe entre deux lignes ;
    les liens externes impriment leur adresse. Puis les mêmes pages, règles d'impression
    défaites par une feuille plantée : chaque règle signale sa faute."""
    checked, planted = {}, {}
    for url in PRINTED_PAGES:
        page.emulate_media(media="screen")
        page.goto(server + url)
        page.wait_for_load_state("networkidle")
        page.emulate_media(media="print")
        found = page.evaluate(PAGINATION_PROBE)
        for rule, result in found.items():
            checked[rule] = checked.get(rule, 0) + result["checked"]
            assert result["bad"] == [], (url, rule, result)
        page.add_style_tag(content=PLANTED_PAGINATION)
        for rule, result in page.evaluate(PAGINATION_PROBE).items():
            planted[rule] = planted.get(rule, 0) + len(result["bad"])
    assert all(checked.values()), checked  # chaque règle a vu au moins un élément
    assert all(planted.values()), planted


# La plus petite taille de texte des figures, à l'écran, dans la variante que le navigateur a
# choisie (currentSrc : la variante étroite d'un <picture> sur un téléphone). SVG : taille dans
# le fichier (svg.fonttype « none » de Matplotlib : du vrai texte) × largeur affichée / largeur
# de la viewBox. PNG (grille d'images) : les métadonnées que le script y écrit (largeur de la plus
# petite vignette et taille des titres, en pixels de l'image) × largeur affichée / largeur du PNG.
FIGURE_TEXT_PROBE = """
async (selector) => {
  const pngText = (buffer) => {
    const bytes = new Uint8Array(buffer), view = new DataView(buffer), found = {};
    for (let at = 8; at + 8 <= bytes.length; ) {
      const length = view.getUint32(at), type = String.fromCharCode(...bytes.slice(at + 4, at + 8));
      if (type === "tEXt") {
        const data = String.fromCharCode(...bytes.slice(at + 8, at + 8 + length));
        const cut = data.indexOf("\\0");
        found[data.slice(0, cut)] = data.slice(cut + 1);
      }
      at += 12 + length;
    }
    return found;
  };
  const found = [];
  for (const img of document.querySelectorAll(selector)) {
    const width = img.getBoundingClientRect().width;
    const src = img.currentSrc || img.src;
    const entry = {src: src.split("/").slice(-2).join("/"), shown: Math.round(width),
                   right: Math.round(img.getBoundingClientRect().right)};
    if (src.endsWith(".png")) {
      const meta = pngText(await (await fetch(src)).arrayBuffer());
      const scale = width / img.naturalWidth;
      entry.texts = meta["atelier:texte-px"] ? 1 : 0;
      entry.smallest = Number(meta["atelier:texte-px"] || 0) * scale;
      entry.thumbnail = Number(meta["atelier:vignette-px"] || 0) * scale;
    } else {
      const text = await (await fetch(src)).text();
      const box = text.match(/viewBox="[\\d.]+ [\\d.]+ ([\\d.]+) [\\d.]+"/);
      const sizes = [...text.matchAll(/font(?:-size)?:\\s*(?:[a-z-]+\\s+)*([\\d.]+)px/g)].map(
        (m) => Number(m[1]));
      entry.texts = sizes.length;
      entry.smallest = sizes.length && box ? Math.min(...sizes) * width / Number(box[1]) : 0;
    }
    found.push(entry);
  }
  return found;
}
"""
# Une figure tracée plus large est réduite à l'affichage, et ses textes avec : la viewBox d'un SVG
# élargie, une grille PNG affichée d'autant plus petite (la variante étroite retirée : l'<img>
# affiche alors ce qu'on lui donne).
PLANT_WIDER_FIGURE = """
async ([selector, factor]) => {
  const img = document.querySelector(selector);
  const src = img.currentSrc || img.src;
  img.dataset.plante = "";  // retrouvée ensuite par « img[data-plante] »
  for (const source of img.parentElement.querySelectorAll("source")) source.remove();
  if (src.endsWith(".png")) {
    // Une grille tracée plus large, affichée à la même place : tout y est réduit d'autant.
    img.style.width = `${img.getBoundingClientRect().width / factor}px`;
    img.src = src;
  } else {
    const text = (await (await fetch(src)).text()).replace(
      /viewBox="([\\d.]+) ([\\d.]+) ([\\d.]+)/,
      (all, x, y, w) => `viewBox="${x} ${y} ${Number(w) * factor}`);
    img.src = URL.createObjectURL(new Blob([text], {type: "image/svg+xml"}));
  }
  await new Promise((done) => (img.complete ? done() : (img.onload = done)));
}
"""
VIEWPORTS = [PHONE, {"width": 1280, "height": 800}]


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["390", "1280"])
def test_report_figure_text_is_readable(page, server, viewport, tmp_path):
    """Les graduations, titres d'axes et légendes des figures du rapport font au moins 10 px à
    l'écran, sur un téléphone comme à côté de l'interprétation sur un grand écran."""
    open_page(page, f"{server}/atelier/rapport/", viewport)
    found = page.evaluate(FIGURE_TEXT_PROBE, ".rapport-figure img")
    page.locator(".rapport-figure").nth(2).screenshot(path=tmp_path / "figure.png")
    assert len(found) == 6 and all(f["texts"] >= 10 for f in found), found
    assert all(f["smallest"] >= 10 for f in found), found
    # La même figure tracée plus large (6,4 pouces au lieu de 4,2) est réduite à l'affichage.
    page.evaluate(PLANT_WIDER_FIGURE, [".rapport-figure img", 6.4 / 4.2])
    assert page.evaluate(FIGURE_TEXT_PROBE, "img[data-plante]")[0]["smallest"] < 10


def concept_figures() -> dict[str, list[str]]:
    """Les pages de cours (adresse) et les figures qu'elles affichent, lues dans docs/*.md."""
    from conftest import ROOT

    pages = {}
    for source in sorted((ROOT / "docs").glob("*.md")):
        names = re.findall(r"\]\(figures/([\w-]+\.(?:svg|png))\)", source.read_text("utf-8"))
        if names:
            pages["/" if source.stem == "index" else f"/{source.stem}/"] = names
    return pages


# Une vignette de la grille Fashion-MNIST (28 × 28 pixels) : au moins 2 pixels d'écran par
# pixel de l'image, sans quoi chemise, pull et t-shirt ne se distinguent plus.
SMALLEST_THUMBNAIL = 56
CONCEPT_FIGURE = ".md-content figure img[src*='figures/']"


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=["390", "1280"])
def test_concept_page_figures_are_readable(page, server, viewport, tmp_path):
    """Chaque figure des pages de cours (docs/figures/) : textes d'au moins 10 px à l'écran et,
    pour une grille d'images, vignettes d'au moins 56 px ; aucune plus large que l'écran. Puis,
    sur chaque page, la première figure tracée plus large (ou, sur un téléphone, privée de sa
    variante étroite) : la vérification la signale."""
    pages = concept_figures()
    assert sum(map(len, pages.values())) >= 5, pages
    for url, names in pages.items():
        open_page(page, server + url, viewport)
        found = page.evaluate(FIGURE_TEXT_PROBE, CONCEPT_FIGURE)
        for i, figure in enumerate(page.locator(f"figure:has({CONCEPT_FIGURE})").all()):
            figure.screenshot(path=tmp_path / f"{url.strip('/')}-{i}.png")
        assert len(found) == len(names), (url, names, found)
        for figure in found:
            where = (url, viewport["width"], figure)
            assert figure["texts"] >= 1 and figure["smallest"] >= 10, where
            assert figure["right"] <= viewport["width"], where
            if figure["src"].endswith(".png"):
                assert figure["thumbnail"] >= SMALLEST_THUMBNAIL, where
        # Planté : une figure 2,5 fois plus large (sur un téléphone, la figure large affichée
        # faute de variante étroite en est l'exemple réel).
        page.evaluate(PLANT_WIDER_FIGURE, [CONCEPT_FIGURE, 2.5])
        (planted,) = page.evaluate(FIGURE_TEXT_PROBE, "img[data-plante]")
        assert planted["smallest"] < 10, (url, planted)
        if planted["src"].endswith(".png"):
            assert 0 < planted["thumbnail"] < SMALLEST_THUMBNAIL, (url, planted)


@pytest.mark.parametrize("url", ["/mlp/", "/donnees/"])
def test_a_phone_gets_the_narrow_variant_without_which_figures_are_unreadable(page, server, url):
    """Sur un téléphone, le navigateur choisit la variante étroite ; sans elle (les <source>
    retirés), la figure large y serait illisible : c'était le cas avant les variantes."""
    open_page(page, server + url, PHONE)
    chosen = page.evaluate(FIGURE_TEXT_PROBE, CONCEPT_FIGURE)
    assert any("-etroit." in f["src"] for f in chosen), chosen
    page.evaluate(
        """async (selector) => {
          const waits = [];
          for (const img of document.querySelectorAll(selector)) {
            if (!img.parentElement.matches("picture")) continue;
            img.parentElement.querySelectorAll("source").forEach((s) => s.remove());
            waits.push(new Promise((done) => (img.complete ? done() : (img.onload = done))));
          }
          await Promise.all(waits);
        }""",
        CONCEPT_FIGURE,
    )
    wide = [
        f for f in page.evaluate(FIGURE_TEXT_PROBE, CONCEPT_FIGURE) if "-etroit." not in f["src"]
    ]
    assert len(wide) == len(chosen), wide
    assert any(f["smallest"] < 10 for f in wide), wide


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
    scroll_through(page)  # les boutons de copie de Material, posés à l'approche de l'écran
    found = page.evaluate(COPY_PROBE)
    assert found["checked"] >= 3 and found["covering"] == [], found
    # À l'écran large, l'icône reste sur la première ligne (la sonde voit bien le chevauchement).
    open_page(page, server + url, {"width": 1280, "height": 900})
    scroll_through(page)
    assert page.evaluate(COPY_PROBE)["covering"] != []
