"""Les crochets MkDocs (tools/hooks/) : des couches minces sur ce que les étapes ont produit."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from mkdocs.exceptions import PluginError

from tools import execute, maths, report
from tools.hooks import maths as maths_hook
from tools.hooks import tutorial_pages

NEEDS_NODE = pytest.mark.skipif(
    shutil.which("node") is None or shutil.which("npm") is None, reason="Node.js absent"
)


class _Page:
    def __init__(self, src_uri: str):
        self.file = SimpleNamespace(src_uri=src_uri)
        self.url = src_uri.removesuffix(".md") + "/"


@NEEDS_NODE
def test_formulas_are_composed_as_images_and_cached(tmp_path, monkeypatch):
    """Une formule devient une image SVG, avec sa lecture en français pour texte alternatif ;
    le TeX échappé par le Markdown est rendu à TeX ; une formule déjà composée ne relance pas
    Node."""
    composer = maths.Composer(cache=tmp_path / "maths")
    page = (
        '<p>Si <span class="arithmatex">\\(a &lt; b\\)</span> alors</p>\n'
        '<div class="arithmatex">\\[\\sigma(z) = \\frac{1}{1 + e^{-z}}\\]</div>\n'
        '<p><span class="arithmatex">\\(a &lt; b\\)</span></p>'
    )
    try:
        out = maths.render_page(page, "mlp.md", composer)
    finally:
        composer.close()
    assert "\\(" not in out and "\\[" not in out and "<svg" not in out
    images = re.findall(r'<img class="([^"]+)" src="([^"]+)" alt="([^"]+)" style="([^"]+)"', out)
    assert [i[0] for i in images] == ["formule", "formule formule--bloc", "formule"]
    # Le texte alternatif : la lecture de la formule en français ; « < » bien rendu à TeX.
    assert images[0][2] == "a inférieur à b" and "fraction" in images[1][2]
    assert re.fullmatch(r"width:[\d.]+ex;height:[\d.]+ex;vertical-align: -[\d.]+ex", images[1][3])
    # Une image par formule différente, publiée sous assets/formules/ par son empreinte.
    assert images[0][1] == images[2][1] and set(composer.images) == {i[1] for i in images}
    svg = composer.images[images[1][1]]
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and "viewBox=" in svg
    assert svg.endswith("</svg>") and "<path" in svg and 'fill="currentColor"' in svg
    assert len(list((tmp_path / "maths").rglob("*.json"))) == 2
    # Construction chaude : tout vient de build/maths, Node n'est pas lancé.
    monkeypatch.setattr(maths.shutil, "which", lambda name: None)
    warm = maths.Composer(cache=tmp_path / "maths")
    assert maths.render_page(page, "mlp.md", warm) == out and warm.process is None
    # Une formule nouvelle sans Node : une phrase en français.
    with pytest.raises(maths.MathError, match="node est introuvable"):
        maths.render_page('<span class="arithmatex">\\(y\\)</span>', "mlp.md", warm)


def test_formula_reading_is_french_throughout():
    """« sub » (l'indice) et le nom du symbole ⊤ (la transposée) que laisse speech-rule-engine."""
    raw = "W sub 2 de x en gras égale W à la puissance taquet vers le bas en normal x en gras"
    assert maths.french_reading(raw) == "W indice 2 de x en gras égale W transposée x en gras"
    assert maths.french_reading("x sub i sur subjectif") == "x indice i sur subjectif"
    nested = "W à la puissance l à l'exposant taquet vers le bas en normal fin exposant"
    assert maths.french_reading(nested) == "W à la puissance l transposée"


@NEEDS_NODE
def test_tex_error_fails_the_build_naming_the_page(tmp_path, monkeypatch):
    """Une erreur TeX arrête la construction : la page, la formule et l'erreur, en français."""
    monkeypatch.setattr(maths, "CACHE", tmp_path / "maths")
    maths_hook.on_pre_build({})
    good = '<p><span class="arithmatex">\\(x^2\\)</span></p>'
    assert '<img class="formule" src="../assets/formules/' in maths_hook.on_post_page(
        good, _Page("mlp.md"), {}
    )
    bad = '<p><span class="arithmatex">\\(\\frac{1}{2\\)</span></p>'
    with pytest.raises(PluginError) as error:
        maths_hook.on_post_page(bad, _Page("tenseurs.md"), {})
    message = str(error.value)
    assert message.startswith("Formules : tenseurs.md : la formule « \\frac{1}{2 »")
    assert "erreur TeX" in message and "brace" in message
    assert maths_hook._composer is None  # le processus Node est arrêté
    # Le chargeur de MathJax de mkdocs-jupyter est retiré de toute page, même sans formule.
    loader = '<p>x</p><script data-mkdocs-jupyter-mathjax="{}">\nrun()\n</script>\n</body>'
    assert maths_hook.on_post_page(loader, _Page("index.md"), {}) == "<p>x</p></body>"
    maths_hook.on_post_build({})


def test_banner_needs_only_the_execution_record(monkeypatch):
    """L'en-tête d'une page de tutoriel vient de l'enregistrement : la source n'est pas relue."""

    def no_parsing(*args, **kwargs):
        raise AssertionError("la source du tutoriel ne doit pas être relue")

    monkeypatch.setattr(execute, "load", no_parsing)
    record = {
        "tutorial": "03_essai",
        "title": "Essai",
        "description": "Une phrase.",
        "level": "débutant",
        "duration": "5 min",
        "prerequisites": ["Démarrer"],
        "gpu": "inutile",
        "metric_checks": [
            {"name": "score", "label": "Score", "min": 0.5, "value": 0.75, "ok": True}
        ],
        "wall_seconds": 1.5,
        "peak_rss_mib": 100.0,
        "executed_at": "2026-12-01T10:00:00+0000",
    }
    banner = tutorial_pages.tutorial_banner(record, "https://colab.example/03_essai.ipynb")
    for shown in ("Une phrase.", "débutant", "5 min", "<li>Démarrer</li>", "inutile", "Score"):
        assert shown in banner
    assert "1er\u00a0décembre 2026" in banner


def test_report_reads_declared_results_from_the_records(tmp_path, monkeypatch):
    """Le rapport trouve les axes dans les enregistrements (result_files), sans relire la source."""
    monkeypatch.setattr(execute, "load", lambda *a, **k: pytest.fail("source relue"))
    tutorials, records = tmp_path / "tutorials", tmp_path / "records"
    tutorials.mkdir()
    records.mkdir()
    (tutorials / "19_essai.py").write_text("# pas un tutoriel lisible\n", encoding="utf-8")
    (records / "19_essai.json").write_text(
        '{"title": "Essai", "result_files": ["resultats/axe_9.json"], '
        '"results": {"resultats/axe_9.json": {"axis": 9, "title": "Axe"}}}',
        encoding="utf-8",
    )
    [axis] = report.load_axes(records, tutorials)
    assert axis["axis"] == 9 and axis["tutorial_title"] == "Essai" and axis["title"] == "Axe"


def test_inline_png_figures_become_sized_lazy_files(monkeypatch):
    import base64
    import struct

    monkeypatch.setattr(tutorial_pages, "_figures", {})
    png = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", 640, 480)
    encoded = base64.b64encode(png + bytes(20)).decode()
    page = (
        f'<img alt="Courbe de perte par époque." class="" src="data:image/png;base64,{encoded}"/>'
    )
    out = tutorial_pages.with_figure_files(page, "tutoriels/03_essai/")
    assert "base64" not in out
    [uri] = tutorial_pages._figures
    assert out == (
        f'<img src="../../{uri}" alt="Courbe de perte par époque." class="" '
        'width="640" height="480" loading="lazy" decoding="async">'
    )
    # Ce qui n'est pas un PNG reste tel quel.
    other = '<img src="data:image/png;base64,AAAA">'
    assert tutorial_pages.with_figure_files(other, "tutoriels/03_essai/") == other


def test_name_spans_leave_code_blocks_with_their_text_intact():
    from tools.hooks import code

    block = (
        '<p>Un <span class="n">nom</span> hors du code reste.</p>'
        '<div class="highlight"><pre><span></span><code><span class="n">model</span>'
        '<span class="w"> </span><span class="o">=</span> <span class="n">keras</span>'
        '<span class="o">.</span><span class="n">Sequential</span><span class="p">()</span>'
        "</code></pre></div>"
    )
    light = code.unwrap_names(block)
    assert light.count('<span class="n">') == 1  # celui de la prose
    assert '<span class="o">=</span> keras<span class="o">.</span>Sequential' in light

    def text(html):
        return re.sub(r"<[^>]+>", "", html)

    assert text(light) == text(block)


def test_no_stylesheet_of_the_site_colours_name_spans():
    """Retirer les <span class="n"> ne change rien à l'affichage tant que rien ne les colore
    autrement que le texte du bloc : Material épinglé leur donne --md-code-hl-name-color, qui
    vaut --md-code-fg-color ; nos feuilles et celles des notebooks n'en parlent pas."""
    import material

    from tools import paths

    css = Path(material.__file__).parent / "templates" / "assets" / "stylesheets"
    (main,) = css.glob("main.*.min.css")
    material_css = main.read_text(encoding="utf-8")
    rules = re.findall(r"([^{}]*\.n(?![\w-])[^{}]*)\{([^}]*)\}", material_css)
    assert rules and all(body == "color:var(--md-code-hl-name-color)" for _, body in rules), rules
    assert re.findall(r"--md-code-hl-name-color:([^;}]*)", material_css) == [
        "var(--md-code-fg-color)"
    ]
    import mkdocs_jupyter

    ours = list((paths.ROOT / "docs" / "assets").glob("*.css"))
    jupyter = Path(mkdocs_jupyter.__file__).parent / "templates" / "mkdocs_html" / "assets"
    notebook = list(jupyter.glob("*.css"))
    assert len(notebook) >= 2 and len(ours) >= 5
    for sheet in ours + notebook:
        text = sheet.read_text(encoding="utf-8")
        assert not re.search(r"\.n(?![\w-])", text), sheet
        assert "--md-code-hl-name-color" not in text, sheet
