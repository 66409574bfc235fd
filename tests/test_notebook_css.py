"""La CSS des notebooks réduite aux règles qu'une page peut utiliser (tools/notebook_css.py)."""

from __future__ import annotations

from tools import notebook_css

PAGE = (
    '<body><div class="jupyter-wrapper"><div class="jp-Cell jp-CodeCell" id="cellule">'
    '<pre class="highlight">x</pre><span style="color: var(--jp-mirror-editor-keyword-color)">'
    "</span></div></div></body>"
)

CSS = """
.jupyter-wrapper{--jp-cell-editor-background:var(--jp-layout-color2);--jp-layout-color2:#eee;
  --jp-icon-add:url(data:image/svg+xml;base64,AAAA);--jp-mirror-editor-keyword-color:#008000}
[data-md-color-scheme="slate"] .jupyter-wrapper{--jp-layout-color2:#333}
.jupyter-wrapper .jp-CodeCell pre{background:var(--jp-cell-editor-background)}
.jupyter-wrapper .jp-CodeCell:hover::before{content:""}
.jupyter-wrapper .jp-Toolbar{display:flex}
.jupyter-wrapper #cellule,.jupyter-wrapper .jp-Menu{margin:0}
.jupyter-wrapper :is(.jp-Menu, .jp-Dialog){color:red}
.jupyter-wrapper table.jp-Table{border:0}
@media print{.jupyter-wrapper .jp-Toolbar{display:none}.jupyter-wrapper pre{white-space:pre-wrap}}
@font-face{font-family:Icones;src:url(icones.woff2)}
@keyframes clignote{from{opacity:0}to{opacity:1}}
"""


def test_only_rules_the_page_may_use_are_kept():
    present = notebook_css.tokens(PAGE)
    assert {".jp-CodeCell", "#cellule", "pre", "body"} <= present
    kept = notebook_css.purge(CSS, present, PAGE)
    # Gardées : une règle par élément présent, pseudo-classes et attributs ignorés.
    assert ".jupyter-wrapper .jp-CodeCell pre{" in kept
    assert ".jupyter-wrapper .jp-CodeCell:hover::before{" in kept
    assert ".jupyter-wrapper #cellule,.jupyter-wrapper .jp-Menu{" in kept
    assert ".jupyter-wrapper :is(.jp-Menu, .jp-Dialog){" in kept  # prudence
    assert '[data-md-color-scheme="slate"] .jupyter-wrapper{--jp-layout-color2:#333}' in kept
    assert "@media print{.jupyter-wrapper pre{white-space:pre-wrap}}" in kept
    assert "@font-face{" in kept and "@keyframes clignote" in kept
    # Variables : celles que lisent les règles gardées (de proche en proche) ou la page.
    assert "--jp-cell-editor-background:var(--jp-layout-color2)" in kept
    assert "--jp-layout-color2:#eee" in kept and "--jp-mirror-editor-keyword-color" in kept
    # Retirées : éléments absents de la page, variable que rien ne lit.
    assert ".jp-Toolbar" not in kept and "table.jp-Table" not in kept
    assert "--jp-icon-add" not in kept


def test_a_planted_element_brings_its_rule_back():
    page = PAGE.replace('id="cellule">', 'id="cellule"><div class="jp-Toolbar"></div>')
    kept = notebook_css.purge(CSS, notebook_css.tokens(page), page)
    assert ".jupyter-wrapper .jp-Toolbar{display:flex}" in kept
    assert "@media print{.jupyter-wrapper .jp-Toolbar{display:none}" in kept
    # Sans la page qui lit la variable, elle disparaît aussi.
    bare = PAGE.replace("var(--jp-mirror-editor-keyword-color)", "#000")
    assert "--jp-mirror-editor-keyword-color" not in notebook_css.purge(
        CSS, notebook_css.tokens(bare), bare
    )
