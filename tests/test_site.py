"""Le site construit : build strict, aucune ressource tierce, poids des pages, téléchargements."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest
from conftest import PYTHON, ROOT, tutorial_names

from tools import shared_code

pytestmark = pytest.mark.slow

DATA_URI = re.compile(r"data:[a-z]+/[a-z0-9.+-]+;base64,[A-Za-z0-9+/=\s]+")


class Resources(HTMLParser):
    """Relève toutes les adresses que le navigateur chargerait en ouvrant la page."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []
        self.lang = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        if tag in ("script", "img", "iframe", "source", "audio", "video", "embed") and a.get("src"):
            self.urls.append(a["src"])
        if tag == "link" and a.get("href"):
            rel = (a.get("rel") or "").lower()
            if any(r in rel for r in ("stylesheet", "preload", "icon", "manifest", "prefetch")):
                self.urls.append(a["href"])


def html_pages(site: Path):
    return sorted(site.rglob("*.html"))


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("", "data", "blob") and not url.startswith("//")


def test_strict_build_succeeds(built_site):
    assert (built_site["dir"] / "index.html").is_file()
    assert (built_site["dir"] / "demarrer" / "index.html").is_file()
    for name in tutorial_names():
        assert (built_site["dir"] / "tutoriels" / name / "index.html").is_file()


def test_every_page_is_french(built_site):
    for page in html_pages(built_site["dir"]):
        parser = Resources()
        parser.feed(page.read_text(encoding="utf-8"))
        assert parser.lang == "fr", page
    index = json.loads((built_site["dir"] / "search" / "search_index.json").read_text())
    assert index["config"]["lang"] == ["fr"]


def test_no_page_loads_a_third_party_resource(built_site):
    offenders = []
    for page in html_pages(built_site["dir"]):
        parser = Resources()
        parser.feed(page.read_text(encoding="utf-8"))
        offenders += [(page.name, u) for u in parser.urls if not is_local(u)]
    for css in built_site["dir"].rglob("*.css"):
        text = css.read_text(encoding="utf-8", errors="replace")
        offenders += [(css.name, u) for u in re.findall(r"url\(\s*['\"]?(https?:[^)'\"]+)", text)]
        offenders += [(css.name, u) for u in re.findall(r"@import\s+['\"](https?:[^'\"]+)", text)]
    assert offenders == []
    # L'adresse CDN de MathJax (chargeur de mkdocs-jupyter) n'apparaît nulle part.
    for page in html_pages(built_site["dir"]):
        text = page.read_text(encoding="utf-8")
        assert "cdn.jsdelivr.net" not in text, page
        assert "fonts.googleapis.com" not in text, page


class Images(HTMLParser):
    """Les balises <img> d'une page, avec leurs attributs."""

    def __init__(self):
        super().__init__()
        self.images: list[dict] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))


STYLE_SIZE_RE = re.compile(r"\b(width|height)\s*:\s*([0-9.]+)ex\b")


def image_size_problems(page: Path, site: Path) -> list[str]:
    """Les images d'une page sans width et height, ou dont les proportions données ne sont pas
    celles du fichier (à 1 % près) : le navigateur réserverait une mauvaise hauteur."""
    from tools import images

    parser = Images()
    parser.feed(page.read_text(encoding="utf-8"))
    problems = []
    for img in parser.images:
        src = img.get("src", "")
        # Une formule (tools/maths.py) a sa taille dans son style, en ex : elle suit la police.
        styled = dict(STYLE_SIZE_RE.findall(img.get("style") or ""))
        if img.get("width") and img.get("height"):
            ratio = int(img["width"]) / int(img["height"])
        elif {"width", "height"} <= styled.keys():
            ratio = float(styled["width"]) / float(styled["height"])
        else:
            problems.append(f"{src[:60]} : sans width ni height")
            continue
        if src.startswith("data:") or not is_local(src):
            continue
        path = (page.parent / urlsplit(src).path).resolve()
        size = images.intrinsic_size(path.read_bytes()) if path.is_file() else None
        if size is None or abs(ratio / (size[0] / size[1]) - 1) > 0.01:
            problems.append(f"{src[:60]} : {img['width']} × {img['height']}, fichier {size}")
    return problems


def test_every_image_has_its_intrinsic_size(built_site, tmp_path):
    """Lighthouse (décalage de mise en page) : chaque <img> porte width et height, aux
    proportions de son fichier ; les feuilles de style la gardent souple (max-width: 100 %)."""
    site = built_site["dir"]
    problems, count = {}, 0
    for page in html_pages(site):
        parser = Images()
        parser.feed(page.read_text(encoding="utf-8"))
        count += len(parser.images)
        found = image_size_problems(page, site)
        if found:
            problems[str(page.relative_to(site))] = found
    assert count >= 40 and problems == {}, problems
    # Une image sans taille, puis une taille aux mauvaises proportions : deux fautes.
    shutil.copyfile(site / "figures" / "activations.svg", tmp_path / "activations.svg")
    planted = tmp_path / "page.html"
    planted.write_text(
        '<img src="activations.svg" alt="a"><img src="activations.svg" width="960" height="960">',
        encoding="utf-8",
    )
    assert image_size_problems(planted, tmp_path) == [
        "activations.svg : sans width ni height",
        "activations.svg : 960 × 960, fichier (960, 384)",
    ]


PAGE_BUDGET = 400_000
# La CSS des notebooks réduite pour une page (environ 20 ko ; 590 ko sans réduction).
NOTEBOOK_CSS_BUDGET = 60_000


def test_tutorial_page_is_light_and_its_notebook_css_reduced(built_site):
    """La CSS des notebooks (près de 590 ko, bloquante) sort de la page, réduite aux règles que
    la page peut utiliser (tools/notebook_css.py) : quelques dizaines de ko au plus."""
    for name in tutorial_names():
        page = built_site["dir"] / "tutoriels" / name / "index.html"
        text = page.read_text(encoding="utf-8")
        assert '<style type="text/css">' not in text
        links = re.findall(r'href="([^"]*assets/notebook-[0-9a-f]{12}\.css)"', text)
        assert len(links) == 1
        css = (page.parent / links[0]).resolve()
        assert css.is_file() and 5_000 < css.stat().st_size < NOTEBOOK_CSS_BUDGET, name
        # Les règles des cellules de code et des sorties sont là, variables du thème comprises.
        rules = css.read_text(encoding="utf-8")
        assert ".jp-OutputArea-output" in rules and "--jp-cell-editor-background:" in rules
        assert "[data-md-color-scheme=slate] .jupyter-wrapper" in rules
        without_images = len(DATA_URI.sub("", text).encode())
        print(f"\n{name} : {without_images / 1000:.0f} ko sans images, CSS "
              f"{css.stat().st_size / 1000:.0f} ko")  # fmt: skip
        # Budget explicite : 400 ko de HTML sans les images, pour le plus long des tutoriels
        # (09, un millier de lignes de code colorées, et ses questions d'autoévaluation, dont les
        # explications sont dans la page).
        assert without_images <= PAGE_BUDGET


def test_tutorial_page_shows_downloads_colab_and_measures(built_site):
    for name in tutorial_names():
        page = built_site["dir"] / "tutoriels" / name / "index.html"
        text = page.read_text(encoding="utf-8")
        record = json.loads((ROOT / "build" / "notebooks" / f"{name}.json").read_text())
        assert f'href="../{name}.ipynb"' in text and f'href="../{name}.py"' in text
        colab = re.search(r'href="(https://colab\.research\.google\.com/github/[^"]+)"', text)
        assert colab and colab.group(1).endswith(f"/blob/notebooks/{name}.ipynb")
        assert "Mesures de l&#x27;exécution publiée" in text or "Mesures de l'exécution" in text
        for metric in record["metric_checks"]:
            assert metric["label"] in text.replace("&#x27;", "'")
        seconds = f"{record['wall_seconds']:.1f}".replace(".", ",")
        assert seconds in text
        # Les téléchargements sont bien publiés à côté de la page.
        nb = nbformat.read(built_site["dir"] / "tutoriels" / f"{name}.ipynb", as_version=4)
        nbformat.validate(nb)
        assert any(c.get("outputs") for c in nb.cells if c.cell_type == "code")
        source = (built_site["dir"] / "tutoriels" / f"{name}.py").read_text(encoding="utf-8")
        # La source complète : le code commun de l'atelier y est inséré (tools/shared_code.py).
        assert source == shared_code.standalone(ROOT / "tutorials" / f"{name}.py").text
        assert "# %% atelier:" not in source


def test_notebook_markdown_is_rendered_like_a_page(built_site):
    """Admonitions et maths des cellules Markdown passent par les extensions du site."""
    admonitions = 0
    for name in tutorial_names():
        text = (built_site["dir"] / "tutoriels" / name / "index.html").read_text(encoding="utf-8")
        admonitions += text.count('class="admonition')
        assert "!!! " not in text and "??? " not in text and "\n=== " not in text, name
        assert "&lt;style&gt;" not in text, f"{name} : bloc <style> affiché comme du code"
    assert admonitions > 0


FORMULA_RE = re.compile(r'<(span|div) class="arithmatex">(.*?)</\1>', re.S)
MATHJAX_SCRIPT_RE = re.compile(r"<script[^>]*(?:mathjax|MathJax)[^>]*>", re.I)
FORMULA_IMAGE_RE = re.compile(
    r'<img class="formule(?: formule--bloc)?" src="((?:\.\./)*assets/formules/[0-9a-f]{16}\.svg)" '
    r'alt="([^"]+)" style="width:[\d.]+ex;height:[\d.]+ex(?:;vertical-align: -?[\d.]+(?:ex)?)?" '
    r'loading="lazy" decoding="async">'
)


# Ce que speech-rule-engine laisse en anglais ou lit par le nom d'un symbole (tools/maths.py).
ENGLISH_READING_RE = re.compile(r"\b(?:sub|super|over|times)\b|taquet")


def math_problems(page: Path) -> list[str]:
    """Ce qui, dans une page publiée, n'est pas une formule composée à la construction : un
    script de MathJax, une formule restée en TeX, une image sans texte alternatif, sans taille
    ou dont le fichier SVG manque."""
    text = page.read_text(encoding="utf-8")
    problems = [f"script {m.group(0)}" for m in MATHJAX_SCRIPT_RE.finditer(text)]
    for match in FORMULA_RE.finditer(text):
        image = FORMULA_IMAGE_RE.fullmatch(match.group(2))
        if image is None:
            problems.append(f"formule non composée : {match.group(2)[:60]}")
            continue
        svg = (page.parent / image.group(1)).resolve()
        if not svg.is_file() or not svg.read_text(encoding="utf-8").startswith("<svg "):
            problems.append(f"image absente : {image.group(1)}")
        if ENGLISH_READING_RE.search(image.group(2)):
            problems.append(f"lecture pas tout à fait française : {image.group(2)[:60]}")
    return problems


def test_formulas_are_composed_at_build_time(built_site, tmp_path):
    """Aucune page ne charge MathJax : chaque formule (pages de cours, cellules Markdown des
    tutoriels) est une image SVG composée à la construction, avec sa lecture en français."""
    site = built_site["dir"]
    counts = {}
    for path in html_pages(site):
        assert math_problems(path) == [], path
        text = path.read_text(encoding="utf-8")
        counts[str(path.relative_to(site))] = len(FORMULA_RE.findall(text))
    assert counts["mlp/index.html"] >= 20 and counts["demarrer/index.html"] >= 1
    assert counts["tutoriels/03_premier_reseau_pytorch/index.html"] >= 1
    assert not list(site.rglob("tex-svg.js")) and not list(site.rglob("mathjax*.js"))
    text = (site / "mlp" / "index.html").read_text(encoding="utf-8")
    assert "égale" in text  # les textes alternatifs sont en français
    # Chaque sorte de défaut, plantée dans une copie de la page, est signalée.
    first = FORMULA_RE.search(text).group(0)
    image = FORMULA_IMAGE_RE.search(first)
    planted = {
        "script": text.replace("</body>", '<script src="../assets/mathjax/tex-svg.js"></script>'),
        "chargeur": text.replace("</body>", '<script data-mkdocs-jupyter-mathjax="{}"></script>'),
        "tex": text.replace(first, '<span class="arithmatex">\\(x\\)</span>'),
        "alt": text.replace(first, first.replace(f'alt="{image.group(2)}"', 'alt=""')),
        "taille": text.replace(first, re.sub(r'style="[^"]*"', 'style=""', first)),
        "fichier": text.replace(first, first.replace(image.group(1), "../assets/formules/"
                                                     + "0" * 16 + ".svg")),
    }  # fmt: skip
    folder = tmp_path / "mlp"
    folder.mkdir()
    (tmp_path / "assets").symlink_to(site / "assets")
    for name, planted_text in planted.items():
        (folder / "index.html").write_text(planted_text, encoding="utf-8")
        assert math_problems(folder / "index.html") != [], name


def test_exercise_solutions_are_folded_but_executed(built_site):
    """Chaque cellule « # Solution » d'un tutoriel est repliée dans un bloc « Solution » fermé,
    avec sa sortie ; le notebook téléchargé la garde repliée dans JupyterLab."""
    site = built_site["dir"]
    from tools import execute

    for name in tutorial_names():
        tutorial = execute.load(execute.TUTORIALS / f"{name}.py")
        expected = sum(
            c.cell_type == "code" and c.source.startswith("# Solution")
            for c in tutorial.notebook.cells
        )
        html = (site / "tutoriels" / name / "index.html").read_text(encoding="utf-8")
        blocks = re.findall(
            r'<details class="success solution"><summary>Solution</summary>(.*?)</details>',
            html,
            re.S,
        )
        assert len(blocks) == expected > 0, (name, len(blocks), expected)
        for block in blocks:
            assert "celltag_solution" in block and "Solution" in block
            assert "jp-OutputArea" in block or "jp-mod-noOutputs" in block
        nb = nbformat.read(site / "tutoriels" / f"{name}.ipynb", as_version=4)
        folded = [c for c in nb.cells if "solution" in c.metadata.get("tags", [])]
        assert len(folded) == expected
        assert all(c.metadata["jupyter"]["source_hidden"] for c in folded)
        assert all(c.outputs or c.execution_count for c in folded)


def test_glossary_tooltips_follow_the_meaning_of_the_word(built_site):
    """Pas d'infobulle hors sujet : le verbe « transformer », le nom propre « Google Dataset
    Search », le biais du compromis biais-variance (redéfini par sa page)."""
    site = built_site["dir"]
    abbr = re.compile(r'<abbr title="([^"]*)"(?: tabindex="0")?>([^<]*)</abbr>')
    found: dict[str, set[tuple[str, str]]] = {}
    for path in html_pages(site):
        page = path.relative_to(site).as_posix()
        found[page] = set(abbr.findall(path.read_text(encoding="utf-8")))
    everywhere = set().union(*found.values())
    assert not [t for _, t in everywhere if t in ("transformer", "Dataset")]
    assert any(t == "Transformer" for _, t in everywhere)
    bias = {title for title, t in found["surapprentissage/index.html"] if t == "biais"}
    assert bias and all("compromis biais-variance" in title for title in bias), bias
    neuron = {title for title, t in found["mlp/index.html"] if t == "biais"}
    assert neuron and all("neurone" in title for title in neuron), neuron


def test_concept_page_edit_rebuilds_fast_without_reexecution(built_site, tmp_path):
    """Une page de cours modifiée : reconstruction sans ré-exécuter aucun tutoriel."""
    docs = tmp_path / "docs"
    shutil.copytree(ROOT / "docs", docs)
    page = docs / "demarrer.md"
    page.write_text(
        page.read_text(encoding="utf-8") + "\nPhrase ajoutée par le test.\n", encoding="utf-8"
    )
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("docs_dir: docs", f"docs_dir: {docs}")
    config = config.replace("site_dir: site", f"site_dir: {tmp_path / 'site'}")
    # Tous les crochets (tools/*.py) par leur chemin absolu : la configuration copiée vit ailleurs.
    config = config.replace("  - tools/", f"  - {ROOT / 'tools'}/")
    config = config.replace("tutoriels: build/notebooks", f"tutoriels: {ROOT / 'build/notebooks'}")
    config = config.replace("cache_dir: build/", f"cache_dir: {ROOT / 'build'}/")
    # Les dossiers surveillés (watch) par leur chemin absolu, eux aussi.
    config = re.sub(r"(?m)^  - (tutorials|tools|snippets)$", lambda m: f"  - {ROOT / m[1]}", config)
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    started = time.perf_counter()
    result = subprocess.run(
        [PYTHON, "-m", "mkdocs", "build", "--strict", "-f", str(tmp_path / "mkdocs.yml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    print(f"\nreconstruction après modification d'une page : {elapsed:.1f} s")
    assert result.returncode == 0, result.stderr[-3000:]
    assert "exécuté en" not in result.stderr
    assert result.stderr.count("en cache") == len(tutorial_names())
    built = (tmp_path / "site" / "demarrer" / "index.html").read_text(encoding="utf-8")
    assert "Phrase ajoutée par le test." in built
    assert elapsed < 30


def test_publish_target_pushes_exactly_the_published_notebooks(built_site, tmp_path):
    """La branche « notebooks » (liens Colab) reçoit les mêmes octets que le site publie."""
    remote = tmp_path / "depot.git"
    subprocess.run(["git", "init", "--bare", "-q", str(remote)], check=True)
    result = subprocess.run(
        ["make", "publish-notebooks"],
        cwd=ROOT,
        env={**os.environ, "PUBLISH_REMOTE": str(remote), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for name in tutorial_names():
        pushed = subprocess.run(
            ["git", "--git-dir", str(remote), "show", f"notebooks:{name}.ipynb"],
            capture_output=True,
            check=True,
        ).stdout
        assert pushed == (built_site["dir"] / "tutoriels" / f"{name}.ipynb").read_bytes()


def test_site_stylesheets_are_served_as_one_file(built_site, tmp_path):
    """Les feuilles de extra_css réunies dans l'ordre de mkdocs.yml en une seule, liée par chaque
    page (tools/hooks/assets.py) : une requête bloquante au lieu de sept."""
    import yaml
    from mkdocs.exceptions import PluginError

    from tools.hooks import assets

    site = built_site["dir"]
    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    sources = config["extra_css"]
    assert len(sources) >= 5, sources
    name, content = assets.bundle(ROOT / "docs", sources)
    positions = [
        content.index((ROOT / "docs" / s).read_text(encoding="utf-8").rstrip()) for s in sources
    ]
    assert positions == sorted(positions)
    assert (site / name).read_text(encoding="utf-8") == content
    link = re.compile(r'<link rel="stylesheet" href="([^"]*assets/atelier-[0-9a-f]{12}\.css)">')
    for page in html_pages(site):
        text = page.read_text(encoding="utf-8")
        hrefs = link.findall(text)
        assert len(hrefs) == 1 and hrefs[0].endswith(name), (page, hrefs)
        assert not any(f'/{s}"' in text or f'"{s}"' in text for s in sources), page
    # Le nom suit le contenu ; une feuille hors de docs/assets ou absente arrête la construction.
    docs = tmp_path / "docs"
    (docs / "assets").mkdir(parents=True)
    (docs / "assets" / "a.css").write_text("p { color: red; }", encoding="utf-8")
    first, _ = assets.bundle(docs, ["assets/a.css"])
    (docs / "assets" / "a.css").write_text("p { color: blue; }", encoding="utf-8")
    assert assets.bundle(docs, ["assets/a.css"])[0] != first
    with pytest.raises(PluginError, match="placez-la dans docs/assets/"):
        assets.bundle(docs, ["styles/b.css"])
    with pytest.raises(PluginError, match="introuvable : docs/assets/c.css"):
        assets.bundle(docs, ["assets/c.css"])
