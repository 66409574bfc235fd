"""Accessibilité (issue 15) : clavier sur les pages de tutoriel, définitions du glossaire au
clavier, texte alternatif français de chaque figure des tutoriels (tools/accessibility.py).

Les tests rapides vérifient les transformations sur des cas plantés ; les tests lents ouvrent
le site construit dans Chromium (fixtures de conftest.py) et le parcourent à la touche Tab.
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import ROOT, tutorial_names, wait_for_scroll_regions

from tools import accessibility, execute

TUTORIAL = "03_premier_reseau_pytorch"
# Arrêts de tabulation de la page du tutoriel 03 : nbconvert en ajoutait plus de 90 (une par
# cellule et par sortie) à ceux du site ; il en reste les liens, boutons, résumés, boutons de
# copie et la première occurrence de chaque terme du glossaire.
# Avant : 230 arrêts (schéma clair, 1 280 px), dont 102 cellules et sorties. Après : 188, dont
# une quarantaine de termes du glossaire (un par terme distinct de la page) et les blocs de code
# qui débordent vraiment (nommés et focalisables) ; puis 206 avec les six questions de fin de
# tutoriel (un arrêt par groupe de boutons radio ou par case, un par bouton « Vérifier »). Les
# 102 arrêts des cellules reviendraient au-delà de la limite.
MAX_TAB_STOPS = 230
BUILT = ROOT / "build" / "notebooks"


# --- Transformations, sur des cas plantés ------------------------------------------------------


def test_notebook_tabindex_is_dropped_but_not_elsewhere():
    page = (
        '<div class="jp-Cell-inputWrapper" tabindex="0">'
        '<div class="jp-RenderedText jp-OutputArea-output" data-mime-type="text/plain" '
        'tabindex="0"><pre>1</pre></div>'
        '<div class="autre" tabindex="0"></div>'
    )
    cleaned = accessibility.drop_cell_tabindex(page)
    assert cleaned.count('tabindex="0"') == 1
    assert '<div class="autre" tabindex="0">' in cleaned


def test_first_occurrence_of_each_term_only_becomes_focusable():
    page = (
        '<p><a href="x"><abbr title="Déf. A">A</abbr></a> <abbr title="Déf. A">A</abbr> '
        '<abbr title="Déf. A">A</abbr> <abbr title="Déf. B">B</abbr> '
        '<summary><abbr title="Déf. C">C</abbr></summary></p>'
    )
    result, count = accessibility.focusable_terms(page)
    assert count == 2
    # Pas dans le lien (imbrication interdite) : l'occurrence suivante, seule à garder son
    # infobulle ; les autres redeviennent du texte. C, seulement dans un bouton : sans focus.
    assert result == (
        '<p><a href="x">A</a> <abbr title="Déf. A" tabindex="0">A</abbr> A '
        '<abbr title="Déf. B" tabindex="0">B</abbr> '
        '<summary><abbr title="Déf. C">C</abbr></summary></p>'
    )


def _cell(index: int, alt=None, images: int = 1) -> dict:
    metadata = {} if alt is None else {"alt": alt}
    outputs = [{"output_type": "display_data", "data": {"image/png": "AAAA"}}] * images
    cell_id = f"cellule-{index:03d}"
    return {"cell_type": "code", "id": cell_id, "metadata": metadata, "outputs": outputs}


def test_alt_problems_catch_planted_violations():
    notebook = {
        "cells": [
            _cell(1, "Deux courbes de perte."),
            _cell(2),  # figure sans description
            _cell(3, ["Une seule"], images=2),  # un texte pour deux figures
            _cell(4, "Texte sans figure", images=0),
            _cell(5, accessibility.DEFAULT_ALT),  # le texte anglais de nbconvert
            _cell(6, "   "),
        ]
    }
    problems = accessibility.alt_problems(notebook, "99_plante")
    assert len(problems) == 5, problems
    assert all(p.startswith("99_plante, cellule ") for p in problems)
    assert "cellule 2 : 1 figure(s) mais 0 texte(s)" in problems[0]
    assert "cellule 3 : 2 figure(s) mais 1 texte(s)" in problems[1]
    assert accessibility.alt_problems({"cells": [_cell(1, "Une courbe.")]}, "x") == []


def test_alts_replace_the_english_default_in_order():
    notebook = {"cells": [_cell(4, ["Première « figure »", "Seconde"], images=2)]}
    page = (
        '<div id="cell-id=cellule-004"><img alt="No description has been provided for this '
        'image" src="data:image/png;base64,AAAA"><img src="data:image/png;base64,BBBB"></div>'
        '<div id="cell-id=cellule-005"><img alt="x" src="data:image/png;base64,CCCC"></div>'
    )
    result, described = accessibility.apply_alts(page, notebook)
    assert described == 2
    assert 'alt="Première « figure »"' in result
    assert '<img alt="Seconde" src="data:image/png;base64,BBBB">' in result
    assert accessibility.DEFAULT_ALT not in result
    assert 'alt="x"' in result  # cellule sans texte déclaré : inchangée


def test_alt_metadata_is_read_from_the_cell_line_without_changing_the_code():
    """La convention des auteurs : ``# %% alt="…"`` (métadonnée jupytext) ; le code de la
    cellule, donc la clé de cache du tutoriel, reste le même."""
    import jupytext

    with_alt = '# %% alt="Une courbe qui descend."\nplt.plot([3, 2, 1])\n'
    without = "# %%\nplt.plot([3, 2, 1])\n"
    cell = jupytext.reads(with_alt, fmt="py:percent").cells[0]
    assert accessibility.cell_alts(cell) == ["Une courbe qui descend."]
    assert cell.source == jupytext.reads(without, fmt="py:percent").cells[0].source


def test_tutorial_hook_fails_the_strict_build_on_a_figure_without_description(
    tmp_path, monkeypatch, caplog
):
    """Le crochet des tutoriels : un avertissement (donc l'échec de « mkdocs build --strict »)
    qui nomme le tutoriel, la cellule et sa ligne dans la source ; les arrêts de tabulation de
    nbconvert retirés, le bouton de copie nommé en français."""
    from tools.hooks import tutorial_pages

    monkeypatch.setattr(tutorial_pages.execute, "OUT", tmp_path)
    located = type("Located", (), {"cell_lines": [("99_plante.py", 7)]})()
    monkeypatch.setattr(tutorial_pages.execute, "load", lambda path: located)
    (tmp_path / "99_plante.ipynb").write_text(json.dumps({"cells": [_cell(1)]}), encoding="utf-8")
    page = (
        '<div class="jp-Cell-inputWrapper" tabindex="0"></div><div id="cell-id=cellule-001">'
        f'<img alt="{accessibility.DEFAULT_ALT}" src="data:image/png;base64,AAAA"></div>'
        '<clipboard-copy aria-label="Copy to Clipboard"></clipboard-copy>'
    )
    with caplog.at_level("WARNING", logger="mkdocs.hooks.atelier"):
        result = tutorial_pages.accessible_notebook(page, "99_plante")
    assert "99_plante, cellule 1 (ligne 7 de 99_plante.py) : 1 figure(s) mais 0" in caplog.text
    assert "tabindex" not in result
    assert 'aria-label="Copier le code"' in result


@pytest.mark.parametrize("name", tutorial_names())
def test_every_tutorial_figure_has_one_french_description(name):
    """Chaque figure de chaque tutoriel exécuté a son texte alternatif, écrit dans la source."""
    path = BUILT / f"{name}.ipynb"
    if not path.is_file():
        pytest.skip(f"{path} absent : lancez « make notebooks »")
    tutorial = execute.load(ROOT / "tutorials" / f"{name}.py")
    built = json.loads(path.read_text(encoding="utf-8"))
    # Les métadonnées viennent de la source, les figures de l'exécution.
    for cell, source in zip(built["cells"], tutorial.notebook.cells, strict=True):
        cell["metadata"] = source.metadata
    assert accessibility.alt_problems(built, name, tutorial.cell_lines) == []


# --- Le site construit -------------------------------------------------------------------------

IMG_RE = re.compile(r"<img\b[^>]*>")


@pytest.mark.slow
def test_built_tutorial_pages_have_no_default_or_missing_alt(built_site):
    described = {}
    for name in tutorial_names():
        page = (built_site["dir"] / "tutoriels" / name / "index.html").read_text(encoding="utf-8")
        images = IMG_RE.findall(page)
        assert accessibility.DEFAULT_ALT not in page, name
        assert all(re.search(r'\balt="[^"]+"', img) for img in images), name
        assert 'class="jp-Cell-inputWrapper" tabindex' not in page, name
        # Figures des notebooks : fichiers sortis du HTML (tutorial_pages.with_figure_files).
        described[name] = sum(
            'src="data:image/' in img or "assets/figures-notebooks/" in img for img in images
        )
    assert sum(described.values()) >= 26, described


# --- Au clavier, dans Chromium -------------------------------------------------------------------

# Pour l'élément qui a le focus : l'élément qui montre l'anneau (une étiquette pour un bouton
# radio invisible), son contour et le contraste de sa couleur avec le fond le plus proche.
FOCUS_PROBE = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const parse = (c) => { const m = c.match(/[\\d.]+/g) || []; return m.map(Number); };
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  let shown = el;
  const box = el.getBoundingClientRect();
  if ((box.width < 2 || box.height < 2) && el.tagName === "INPUT") {
    const next = el.nextElementSibling;
    shown = (next && next.tagName === "LABEL" && next)
      || el.parentElement.querySelector(":scope > .tabbed-labels") || el;
  }
  const style = getComputedStyle(shown);
  let background = null;
  for (let node = shown.parentElement; node; node = node.parentElement) {
    const c = parse(getComputedStyle(node).backgroundColor);
    if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) { background = c; break; }
  }
  background = background || [255, 255, 255];
  const outline = parse(style.outlineColor);
  if (!el.dataset.atelierVu) el.dataset.atelierVu = String(Math.random());
  return {
    key: el.dataset.atelierVu,
    tag: el.tagName.toLowerCase(),
    classes: String(el.className).slice(0, 60),
    text: (el.getAttribute("aria-label") || el.textContent || "").trim().slice(0, 40),
    inNotebook: !!el.closest(".jupyter-wrapper"),
    cellOrOutput: el.matches(".jp-Cell-inputWrapper, .jp-OutputArea-output, .highlight-ipynb, pre"),
    region: el.getAttribute("role") === "region" && !!el.getAttribute("aria-label"),
    abbr: el.tagName === "ABBR",
    outlineStyle: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
    contrast: ratio(outline, background),
  };
}
"""


def tab_walk(page, limit: int = 600) -> list[dict]:
    """Les éléments atteints à la touche Tab seule, dans l'ordre, jusqu'au retour au début."""
    page.locator("body").click(position={"x": 1, "y": 1})
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    stops: list[dict] = []
    seen: set[str] = set()
    for _ in range(limit):
        page.keyboard.press("Tab")
        info = page.evaluate(FOCUS_PROBE)
        if info is None or info["key"] in seen:
            break
        seen.add(info["key"])
        stops.append(info)
    return stops


@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_tutorial_page_walked_with_tab_only(page, server, scheme):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.emulate_media(color_scheme=scheme)
    page.goto(f"{server}/tutoriels/{TUTORIAL}/")
    page.wait_for_load_state("networkidle")
    wait_for_scroll_regions(page)
    stops = tab_walk(page)
    summary = {
        "total": len(stops),
        "notebook": sum(s["inNotebook"] for s in stops),
        "termes": sum(s["abbr"] for s in stops),
        "défilement": sum(s["region"] for s in stops),
    }
    print(f"\nTutoriel {TUTORIAL} ({scheme}) : arrêts de tabulation {summary}")
    assert 20 < len(stops) <= MAX_TAB_STOPS, summary
    invisible = [
        s
        for s in stops
        if s["outlineStyle"] == "none" or s["outlineWidth"] < 2 or s["contrast"] < 3
    ]
    assert invisible == [], invisible[:5]
    # Une cellule ou une sortie n'est un arrêt que si elle défile : nommée, rôle « region ».
    unlabelled = [s for s in stops if s["cellOrOutput"] and not s["region"]]
    assert unlabelled == [], unlabelled[:5]
    # Une définition du glossaire au moins est atteinte au clavier.
    assert summary["termes"] >= 1


@pytest.mark.slow
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_focused_button_text_and_ring_contrast(page, server, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(f"{server}/tutoriels/{TUTORIAL}/")
    page.wait_for_load_state("networkidle")
    button = page.locator('a[data-telechargement="ipynb"]')
    button.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    page.wait_for_timeout(400)  # la transition de couleur de Material (125 ms)
    colours = button.evaluate(
        """el => { const s = getComputedStyle(el);
                   return [s.color, s.backgroundColor, s.outlineStyle]; }"""
    )
    text, background = (tuple(map(float, re.findall(r"[\d.]+", c)[:3])) for c in colours[:2])
    assert colours[2] != "none"
    assert contrast(text, background) >= 4.5, colours


@pytest.mark.slow
def test_glossary_definition_shows_on_keyboard_focus(page, server, built_site):
    page.goto(f"{server}/mlp/")
    page.wait_for_load_state("networkidle")
    terms = page.locator('article abbr[tabindex="0"]')
    titles = page.locator("article abbr[title]").evaluate_all("els => els.map(e => e.title)")
    # Une infobulle par terme (tools/accessibility.py), focalisable hors des liens.
    assert 0 < terms.count() <= len(titles) and len(titles) == len(set(titles)), titles
    assert terms.count() >= len(titles) - 3, (terms.count(), len(titles))
    # Dans le glossaire, les définitions sont écrites : aucun terme n'y prend le focus.
    glossary = (built_site["dir"] / "glossaire" / "index.html").read_text(encoding="utf-8")
    assert 'tabindex="0"' not in "".join(re.findall(r"<abbr\b[^>]*>", glossary))
    first = terms.first
    definition = first.get_attribute("title")
    first.focus()
    tooltip = page.locator(".md-tooltip2--active")
    tooltip.wait_for(timeout=5_000)
    assert tooltip.inner_text().strip() == definition.strip()
    assert first.get_attribute("aria-describedby")


def contrast(a, b) -> float:
    def lum(rgb):
        channels = [v / 255 for v in rgb]
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted([lum(a), lum(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula():
    assert round(contrast((255, 255, 255), (0, 0, 0)), 1) == 21.0
    # Le blanc sur l'orange d'accent de Material (le défaut corrigé) reste sous 3:1.
    assert contrast((255, 255, 255), (0xFF, 0x6E, 0x42)) < 3
    assert contrast((255, 255, 255), (0xBF, 0x36, 0x0C)) >= 4.5
