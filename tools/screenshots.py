"""Captures d'écran de TensorBoard pour le site : le seul module qui en produit.

``python -m tools.screenshots`` (appelé par ``make screenshots``) :

1. rassemble les journaux : ceux des scripts de ``snippets/`` (``build/snippets/runs``, préfixe
   ``snippets``) et ceux des tutoriels exécutés par la construction (``build/work/NN_slug/runs``,
   préfixe ``NN_slug``), dont les exécutions de l'atelier quand elles existent ;
2. lance TensorBoard sur 127.0.0.1, sur un port libre, dans son propre groupe de processus, et
   attend qu'il réponde puis qu'il ait fini de lire les journaux ;
3. pilote le Chromium de Debian avec Playwright, adresse avec ``forceSVG=true`` (les courbes
   deviennent des chemins SVG que l'on peut compter), panneaux latéraux fermés, et capture trois
   vues recadrées : la comparaison des scripts (perte et exactitude), un histogramme des poids et
   le graphe du CNN ;
4. vérifie chaque vue : avant la capture, chaque courbe attendue est un chemin SVG qui compte
   autant de points que TensorBoard a d'étapes pour elle ; après, la zone du graphique contient
   des pixels de la couleur de chaque exécution. Une vue vide ou encore en chargement fait donc
   échouer la construction, au lieu de publier une image sans données ;
5. arrête TensorBoard et le navigateur dans tous les cas (try/finally, groupe de processus),
   y compris quand la construction est interrompue (SIGTERM d'une CI annulée ou de ``timeout``,
   Ctrl-C) : le signal devient une exception, les blocs finally s'exécutent, puis une ligne
   française dit ce qui s'est passé.

Le navigateur est trouvé par tools/browser.py, la même recherche que celle des tests.

Sorties : ``build/screenshots/*.png`` et ``captures.json`` (jamais committés), publiés sous
``captures/`` par ``tools/hooks/screenshots.py``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tools import browser, paths, storage

BUILD = paths.BUILD
OUT = BUILD / "screenshots"
SNIPPET_RUNS = BUILD / "snippets" / "runs"
WORK = BUILD / "work"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
VIEWPORT = {"width": 1280, "height": 1100}
SCALE = 2  # pixels de l'image par pixel CSS : captures nettes sur les écrans denses
# Réglages de TensorBoard (clé _tb_global_settings du localStorage) : panneau des exécutions et
# panneau des réglages fermés, pas de lissage (les vraies valeurs), axes sur toutes les valeurs.
TB_SETTINGS = {
    "sideBarWidthInPercent": 0,
    "timeSeriesSettingsPaneOpened": False,
    "scalarSmoothing": 0,
    "ignoreOutliers": False,
    "stepSelectorEnabled": True,
}
SCALAR_TAGS = ("epoch_accuracy", "epoch_loss")
PREFERRED_HISTOGRAM = ("snippets/mlp_pytorch/train", "poids/output.weight")
PREFERRED_GRAPH = "snippets/cnn_pytorch/train"
MIN_COLOUR_PIXELS = 40  # pixels (de l'image) de la couleur d'une exécution dans le graphique
COLOUR_TOLERANCE = 40  # distance euclidienne maximale dans l'espace RVB

# Recherche dans tout le document, y compris dans les shadow DOM des composants Polymer.
DEEP_QUERY = """
window.__deepAll = (selector, root = document) => {
  const found = [...root.querySelectorAll(selector)];
  for (const el of root.querySelectorAll('*')) {
    if (el.shadowRoot) found.push(...window.__deepAll(selector, el.shadowRoot));
  }
  return found;
};
"""


class ScreenshotError(Exception):
    """Échec d'une capture, avec un message français qui dit quoi faire."""


class Interrupted(BaseException):
    """Signal reçu (SIGTERM, SIGINT) : comme KeyboardInterrupt, jamais pris pour une erreur de
    capture, mais les blocs finally arrêtent TensorBoard et le navigateur."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _on_signal(signum, frame) -> None:
    # Un second signal pendant le nettoyage ne doit pas l'interrompre.
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, signal.SIG_IGN)
    raise Interrupted(signum)


@dataclass
class Plan:
    """Ce que montrent les captures, choisi d'après les journaux que TensorBoard a lus."""

    comparison_runs: list[str]
    histogram: tuple[str, str]  # (exécution, étiquette)
    graph_run: str


@dataclass
class Shot:
    name: str
    path: Path
    runs: list[str]
    colours: list[str]
    boxes: list[tuple[int, int, int, int]]  # zones vérifiées, en pixels de l'image
    width: int
    height: int


# --- Journaux et TensorBoard ------------------------------------------------------------------


def default_logdirs() -> dict[str, Path]:
    """Les journaux de la construction : scripts, puis tutoriels (et atelier) exécutés."""
    logdirs = {}
    if SNIPPET_RUNS.is_dir():
        logdirs["snippets"] = SNIPPET_RUNS
    for runs in sorted(WORK.glob("*/runs")):
        if runs.is_dir():
            logdirs[runs.parent.name] = runs
    return logdirs


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url: str, timeout: float = 5.0):
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.loads(response.read().decode("utf-8"))


def stop_group(process: subprocess.Popen, grace: float = 10.0) -> None:
    """Arrête un processus et tous ceux qu'il a lancés (son groupe), poliment puis de force."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
    # Même si le chef du groupe est parti, un enfant peut rester : on vide le groupe.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=grace)


@contextlib.contextmanager
def tensorboard(logdirs: dict[str, Path], *, timeout: float = 90.0) -> Iterator[str]:
    """Lance TensorBoard sur 127.0.0.1 et renvoie son adresse ; l'arrête à la sortie."""
    if not logdirs:
        raise ScreenshotError(
            "Aucun journal TensorBoard à montrer : lancez « make snippets » (build/snippets/runs)."
        )
    for name, path in logdirs.items():
        if not re.fullmatch(r"[\w.-]+", name) or "," in str(path):
            raise ScreenshotError(f"Nom ou chemin de journaux invalide : {name}={path}")
    port = free_port()
    spec = ",".join(f"{name}:{path}" for name, path in logdirs.items())
    command = [
        sys.executable,
        "-m",
        "tensorboard.main",
        f"--logdir_spec={spec}",
        "--host=127.0.0.1",
        f"--port={port}",
        "--reload_interval=0",  # lit les journaux une fois : ils ne changent plus
        "--load_fast=false",
    ]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_until_answering(base, process, log, timeout)
            yield base
        finally:
            stop_group(process)


def wait_until_answering(base: str, process: subprocess.Popen, log, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            tail = log.read()[-1500:]
            raise ScreenshotError(f"TensorBoard s'est arrêté au démarrage :\n{tail}")
        try:
            get_json(base + "/data/runs", timeout=2)
            return
        except (urllib.error.URLError, OSError, ValueError):
            time.sleep(0.3)
    raise ScreenshotError(f"TensorBoard ne répond pas sur {base} après {timeout:.0f} s.")


def wait_until_loaded(base: str, timeout: float = 90.0) -> dict:
    """Attend que TensorBoard ait lu tous les journaux (état stable) et renvoie ce qu'il sait."""
    deadline = time.monotonic() + timeout
    previous, stable = None, 0
    while time.monotonic() < deadline:
        state = {
            "runs": get_json(base + "/data/runs"),
            "scalars": get_json(base + "/data/plugin/scalars/tags"),
            "histograms": get_json(base + "/data/plugin/histograms/tags"),
            "graphs": get_json(base + "/data/plugin/graphs/info"),
        }
        stable = stable + 1 if state == previous and state["runs"] else 0
        if stable >= 3:
            return state
        previous = state
        time.sleep(0.5)
    raise ScreenshotError(
        f"TensorBoard n'a lu aucun journal en {timeout:.0f} s : les dossiers de journaux sont "
        "vides ? Lancez « make snippets »."
    )


def make_plan(state: dict) -> Plan:
    """Choisit les exécutions et étiquettes à montrer ; une erreur claire s'il en manque."""
    scalars = state["scalars"]
    runs = sorted(r for r, tags in scalars.items() if all(t in tags for t in SCALAR_TAGS))
    snippet_runs = [r for r in runs if r.startswith("snippets/")]
    runs = snippet_runs or runs
    if not runs:
        raise ScreenshotError(
            "Aucune exécution n'a les courbes epoch_loss et epoch_accuracy : lancez "
            "« make snippets »."
        )
    histograms = [
        (run, tag) for run, tags in sorted(state["histograms"].items()) for tag in sorted(tags)
    ]
    if not histograms:
        raise ScreenshotError("Aucun histogramme dans les journaux : lancez « make snippets ».")
    histogram = PREFERRED_HISTOGRAM if PREFERRED_HISTOGRAM in histograms else histograms[0]
    graphs = sorted(run for run, info in state["graphs"].items() if info.get("run_graph"))
    if not graphs:
        raise ScreenshotError(
            "Aucun graphe de modèle dans les journaux : lancez « make snippets »."
        )
    graph = PREFERRED_GRAPH if PREFERRED_GRAPH in graphs else graphs[0]
    return Plan(runs[:7], histogram, graph)  # 7 couleurs dans la palette de TensorBoard


def scalar_steps(base: str, run: str, tag: str) -> int:
    query = urllib.parse.urlencode({"run": run, "tag": tag})
    return len(get_json(f"{base}/data/plugin/scalars/scalars?{query}"))


# --- Vérification des images --------------------------------------------------------------------


def parse_colour(css: str) -> tuple[int, int, int]:
    """« rgb(18, 181, 203) » ou « #12b5cb » -> (18, 181, 203)."""
    css = css.strip()
    if css.startswith("#") and len(css) == 7:
        return tuple(int(css[i : i + 2], 16) for i in (1, 3, 5))
    numbers = re.findall(r"\d+", css)
    if css.startswith("rgb") and len(numbers) >= 3:
        return tuple(int(n) for n in numbers[:3])
    raise ValueError(f"couleur illisible : {css}")


def colour_pixels(png: Path, box: tuple[int, int, int, int], colours: list[str]) -> dict[str, int]:
    """Nombre de pixels proches de chaque couleur dans la zone BOX (gauche, haut, droite, bas)."""
    import numpy as np
    from PIL import Image

    with Image.open(png) as image:
        area = np.asarray(image.convert("RGB").crop(box), dtype=np.int32)
    counts = {}
    for colour in colours:
        target = np.array(parse_colour(colour), dtype=np.int32)
        distance = np.sqrt(((area - target) ** 2).sum(axis=-1))
        counts[colour] = int((distance <= COLOUR_TOLERANCE).sum())
    return counts


def check_colours(png: Path, box: tuple[int, int, int, int], colours: list[str], what: str):
    """Échoue si une couleur attendue manque dans la zone du graphique."""
    if not colours:
        raise ScreenshotError(f"{png.name} : {what} ne montre aucune donnée.")
    counts = colour_pixels(png, box, colours)
    missing = [c for c, n in counts.items() if n < MIN_COLOUR_PIXELS]
    if missing:
        raise ScreenshotError(
            f"{png.name} : {what} : la zone du graphique ne contient pas (ou presque pas) de "
            f"pixels des couleurs {', '.join(missing)} (comptés : {counts}). "
            "TensorBoard était vide ou encore en chargement."
        )


# --- Navigateur -----------------------------------------------------------------------------------


def chromium_path() -> str:
    try:
        return browser.chromium_path()
    except browser.BrowserNotFound as exc:
        raise ScreenshotError(str(exc)) from None


def poll(page, script: str, arg, ready: Callable[[object], bool], timeout: float):
    """Évalue SCRIPT dans la page jusqu'à ce que READY(résultat) ; renvoie le dernier résultat."""
    deadline = time.monotonic() + timeout
    result = None
    while time.monotonic() < deadline:
        result = page.evaluate(script, arg)
        if ready(result):
            return result
        page.wait_for_timeout(250)
    return result


def padded(box: dict, margin: float, page_size: dict) -> dict:
    x = max(box["x"] - margin, 0)
    y = max(box["y"] - margin, 0)
    right = min(box["x"] + box["width"] + margin, page_size["width"])
    bottom = min(box["y"] + box["height"] + margin, page_size["height"])
    return {"x": x, "y": y, "width": right - x, "height": bottom - y}


def union(boxes: list[dict]) -> dict:
    x = min(b["x"] for b in boxes)
    y = min(b["y"] for b in boxes)
    right = max(b["x"] + b["width"] for b in boxes)
    bottom = max(b["y"] + b["height"] for b in boxes)
    return {"x": x, "y": y, "width": right - x, "height": bottom - y}


def to_image_box(inner: dict, clip: dict) -> tuple[int, int, int, int]:
    """Une zone de la page (pixels CSS) en pixels de l'image recadrée sur CLIP."""
    left = int((inner["x"] - clip["x"]) * SCALE)
    top = int((inner["y"] - clip["y"]) * SCALE)
    return (left, top, left + int(inner["width"] * SCALE), top + int(inner["height"] * SCALE))


def timeseries_url(base: str, params: dict) -> str:
    return f"{base}/?{urllib.parse.urlencode({'forceSVG': 'true', **params})}#timeseries"


def exact(names) -> str:
    return "^(" + "|".join(re.escape(n) for n in names) + ")$"


SCALAR_SERIES = """() => [...document.querySelectorAll('scalar-card')].map(card => {
  const title = card.querySelector('.heading .name, .heading, tb-truncated-path');
  const view = card.querySelector('line-chart .series-view');
  const paths = view ? [...view.querySelectorAll('svg path')].filter(p => p.style.stroke) : [];
  const box = view ? view.getBoundingClientRect() : null;
  const cbox = card.getBoundingClientRect();
  return {
    title: title ? title.textContent.trim() : '',
    card: {x: cbox.x, y: cbox.y, width: cbox.width, height: cbox.height},
    plot: box ? {x: box.x, y: box.y, width: box.width, height: box.height} : null,
    series: paths.map(p => ({stroke: p.style.stroke,
                             points: ((p.getAttribute('d') || '').match(/[ML]/g) || []).length})),
  };
})"""


def capture_comparison(page, base: str, runs: list[str], steps: dict, out: Path, timeout: float):
    """La perte et l'exactitude de plusieurs exécutions, côte à côte."""
    page.goto(
        timeseries_url(
            base,
            {
                "tagFilter": exact(SCALAR_TAGS),
                "runFilter": exact(runs),
                # Une couleur par exécution, attribuée dans l'ordre : pas de doublon possible.
                "runColorGroup": "regex:" + exact(runs),
                "smoothing": "0",
            },
        )
    )

    def ready(cards) -> bool:
        if len(cards) != len(SCALAR_TAGS):
            return False
        for card in cards:
            expected = sorted(steps[(run, card["title"])] for run in runs) if card["title"] else []
            drawn = sorted(s["points"] for s in card["series"])
            if card["title"] not in SCALAR_TAGS or drawn != expected:
                return False
        return True

    cards = poll(page, SCALAR_SERIES, None, ready, timeout)
    if not ready(cards or []):
        seen = [(c["title"], [s["points"] for s in c["series"]]) for c in cards or []]
        raise ScreenshotError(
            f"comparaison : TensorBoard n'a pas dessiné les {len(runs)} courbes attendues dans "
            f"les cartes {', '.join(SCALAR_TAGS)} (vu : {seen or 'aucune carte'}). "
            "TensorBoard est vide ou encore en chargement."
        )
    # Le tableau sous chaque graphique sert de légende : on le déplie pour voir toutes les lignes.
    for button in page.locator("scalar-card button.expand-button").all():
        button.click()
    page.wait_for_timeout(800)
    cards = page.evaluate(SCALAR_SERIES)
    size = page.evaluate("() => ({width: document.body.scrollWidth, height: innerHeight})")
    clip = padded(union([c["card"] for c in cards]), 12, size)
    page.screenshot(path=str(out), clip=clip)
    colours = sorted({s["stroke"] for s in cards[0]["series"]})
    if len(colours) != len(runs):
        raise ScreenshotError(f"comparaison : {len(runs)} exécutions mais {len(colours)} couleurs.")
    boxes = []
    for card in cards:
        card_colours = sorted({s["stroke"] for s in card["series"]})
        boxes.append(to_image_box(card["plot"], clip))
        check_colours(out, boxes[-1], card_colours, card["title"])
    return colours, boxes


HISTOGRAM_SERIES = """() => [...document.querySelectorAll('histogram-card')].map(card => {
  // Les aires des histogrammes : chemins remplis (les axes sont gris, les icônes sont petites).
  const areas = [...card.querySelectorAll('tb-histogram svg path')].filter(p => {
    const fill = getComputedStyle(p).fill;
    const d = p.getAttribute('d') || '';
    return fill && fill !== 'none' && fill !== 'rgb(97, 97, 97)' && d.length > 20;
  });
  const svg = areas.length ? areas[0].ownerSVGElement : null;
  const box = svg ? svg.getBoundingClientRect() : null;
  const cbox = card.getBoundingClientRect();
  return {
    card: {x: cbox.x, y: cbox.y, width: cbox.width, height: cbox.height},
    plot: box ? {x: box.x, y: box.y, width: box.width, height: box.height} : null,
    fills: areas.map(p => getComputedStyle(p).fill),
  };
})"""


def capture_histogram(page, base: str, run: str, tag: str, steps: int, out: Path, timeout: float):
    """La distribution d'un tenseur de poids, une courbe par étape."""
    # Carte en pleine largeur dans une fenêtre étroite : une image lisible une fois réduite à la
    # largeur d'une page du site.
    page.set_viewport_size({"width": 860, "height": VIEWPORT["height"]})
    page.goto(
        timeseries_url(
            base, {"tagFilter": exact([tag]), "runFilter": exact([run]), "runColorGroup": "run"}
        )
    )

    def ready(cards) -> bool:
        return len(cards) == 1 and len(cards[0]["fills"]) == steps

    cards = poll(page, HISTOGRAM_SERIES, None, ready, timeout)
    if not ready(cards or []):
        seen = [len(c["fills"]) for c in cards or []]
        raise ScreenshotError(
            f"histogramme : {steps} étapes attendues pour {tag} ({run}), TensorBoard en dessine "
            f"{seen or 'aucune'}. TensorBoard est vide ou encore en chargement."
        )
    page.locator("histogram-card button[aria-label='Toggle full size mode']").click()
    page.wait_for_timeout(800)
    card = page.evaluate(HISTOGRAM_SERIES)[0]
    size = page.evaluate("() => ({width: document.body.scrollWidth, height: innerHeight})")
    clip = padded(card["card"], 12, size)
    page.screenshot(path=str(out), clip=clip)
    colours = sorted(set(card["fills"]))
    box = to_image_box(card["plot"], clip)
    check_colours(out, box, colours, f"histogramme {tag}")
    page.set_viewport_size(VIEWPORT)
    return colours, [box]


GRAPH_NODES = """() => window.__deepAll('g.node.meta').map(n => {
  const label = n.querySelector(':scope > text.nodelabel');
  const shape = n.querySelector(':scope > .nodeshape > .nodecolortarget');
  return {label: label && label.firstChild ? label.firstChild.nodeValue : '',
          classes: n.getAttribute('class'), fill: shape ? getComputedStyle(shape).fill : ''};
})"""

# Déplie un nœud replié (ni input ni output) de profondeur < 2 ; un seul à la fois, car
# TensorBoard redessine le graphe après chaque dépliage.
EXPAND_ONE = """() => {
  for (const n of window.__deepAll('g.node.meta')) {
    const label = n.querySelector(':scope > text.nodelabel');
    const name = label && label.firstChild ? label.firstChild.nodeValue : '';
    const button = n.querySelector(':scope > .nodeshape > .buttoncontainer');
    let depth = 0;
    for (let p = n.parentElement; p; p = p.parentElement) {
      if (p.matches && p.matches('g.node')) depth += 1;
    }
    if (button && depth < 2 && !n.classList.contains('expanded')
        && name !== 'input' && name !== 'output') {
      button.dispatchEvent(new MouseEvent('click', {bubbles: true}));
      return name;
    }
  }
  return null;
}"""

GRAPH_BOXES = """() => {
  const svg = window.__deepAll('svg#svg')[0];
  const root = svg && svg.querySelector('g#root');
  const box = e => {
    const r = e.getBoundingClientRect();
    return {x: r.x, y: r.y, width: r.width, height: r.height};
  };
  return svg && root ? {svg: box(svg), root: box(root)} : null;
}"""


def capture_graph(page, base: str, run: str, out: Path, timeout: float):
    """Le graphe du modèle, déplié sur deux niveaux."""
    page.goto(f"{base}/?forceSVG=true#graphs")
    page.locator("tf-graph-controls paper-dropdown-menu").first.click(timeout=timeout * 1000)
    page.locator("tf-graph-controls paper-item", has_text=run).first.click()

    def drawn(nodes) -> bool:
        return sum(1 for n in nodes if n["label"] not in ("input", "output")) >= 1

    nodes = poll(page, GRAPH_NODES, None, drawn, timeout)
    if not drawn(nodes or []):
        raise ScreenshotError(
            f"graphe : TensorBoard n'affiche aucun nœud pour {run}. TensorBoard est vide ou encore "
            "en chargement."
        )
    for _ in range(12):  # le modèle, puis ses blocs
        if page.evaluate(EXPAND_ONE) is None:
            break
        page.wait_for_timeout(1000)
    boxes = page.evaluate(GRAPH_BOXES)
    # Un clic dans le vide désélectionne le nœud (pas de cadre rouge ni de fiche à droite).
    page.mouse.click(boxes["svg"]["x"] + 10, boxes["svg"]["y"] + boxes["svg"]["height"] - 10)
    page.get_by_text("Fit to screen").click()
    page.wait_for_timeout(1200)
    nodes = page.evaluate(GRAPH_NODES)
    boxes = page.evaluate(GRAPH_BOXES)
    if len(nodes) < 5:
        raise ScreenshotError(f"graphe : seulement {len(nodes)} nœuds dessinés pour {run}.")
    size = page.evaluate("() => ({width: document.body.scrollWidth, height: innerHeight})")
    clip = padded(boxes["root"], 16, size)
    page.screenshot(path=str(out), clip=clip)
    leaves = [n for n in nodes if "expanded" not in n["classes"]]
    colours = sorted({n["fill"] for n in leaves if n["fill"] not in ("", "none")})
    box = to_image_box(boxes["root"], clip)
    check_colours(out, box, colours, f"graphe de {run}")
    return colours, [box]


@contextlib.contextmanager
def browser_page(*, hold: str | None = None) -> Iterator[object]:
    """Une page Chromium ; aucune requête ne sort de 127.0.0.1.

    HOLD : motif d'adresses dont les réponses n'arrivent jamais (pour simuler, dans les tests, un
    TensorBoard qui charge encore).
    """
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    with sync_playwright() as playwright:
        try:
            chromium = playwright.chromium.launch(
                executable_path=executable, headless=True, args=CHROMIUM_ARGS
            )
        except Exception as exc:  # playwright.Error : un long journal du navigateur
            first_line = (str(exc).strip().splitlines() or [""])[0][:200]
            raise ScreenshotError(
                f"le navigateur {executable} n'a pas pu démarrer "
                f"({type(exc).__name__} : {first_line})"
            ) from None
        try:
            context = chromium.new_context(
                viewport=VIEWPORT, device_scale_factor=SCALE, locale="fr-FR"
            )
            settings = json.dumps(json.dumps(TB_SETTINGS))
            context.add_init_script(
                f"localStorage.setItem('_tb_global_settings', {settings});\n{DEEP_QUERY}"
            )
            held = []

            def guard(route):
                host = urllib.parse.urlsplit(route.request.url).hostname
                if host != "127.0.0.1":
                    route.abort()
                elif hold and re.search(hold, route.request.url):
                    held.append(route)  # jamais de réponse : la vue reste « en chargement »
                else:
                    route.continue_()

            context.route("**/*", guard)
            yield context.new_page()
        finally:
            chromium.close()


def capture_all(
    base: str, out: Path, plan: Plan, *, timeout: float = 60.0, hold: str | None = None
) -> list[Shot]:
    """Les trois captures, vérifiées ; renvoie ce qu'elles montrent."""
    out.mkdir(parents=True, exist_ok=True)
    steps = {
        (run, tag): scalar_steps(base, run, tag)
        for run in plan.comparison_runs
        for tag in SCALAR_TAGS
    }
    hist_run, hist_tag = plan.histogram
    query = urllib.parse.urlencode({"run": hist_run, "tag": hist_tag})
    hist_steps = len(get_json(f"{base}/data/plugin/histograms/histograms?{query}"))
    shots = []
    with browser_page(hold=hold) as page:
        jobs = [
            (
                "comparaison",
                plan.comparison_runs,
                lambda path: capture_comparison(
                    page, base, plan.comparison_runs, steps, path, timeout
                ),
            ),
            (
                "histogramme",
                [hist_run],
                lambda path: capture_histogram(
                    page, base, hist_run, hist_tag, hist_steps, path, timeout
                ),
            ),
            (
                "graphe",
                [plan.graph_run],
                lambda path: capture_graph(page, base, plan.graph_run, path, timeout),
            ),
        ]
        for name, runs, job in jobs:
            path = out / f"{name}.png"
            path.unlink(missing_ok=True)
            try:
                colours, boxes = job(path)
            except BaseException as exc:  # y compris une interruption (Interrupted)
                path.unlink(missing_ok=True)  # jamais d'image non vérifiée dans build/
                if isinstance(exc, ScreenshotError) or not isinstance(exc, Exception):
                    raise
                first_line = (str(exc).strip().splitlines() or [""])[0]
                raise ScreenshotError(
                    f"{name} : le navigateur a échoué ({type(exc).__name__} : {first_line})"
                ) from exc
            from PIL import Image

            with Image.open(path) as image:
                width, height = image.size
            shots.append(Shot(name, path, runs, colours, boxes, width, height))
    return shots


def build(
    logdirs: dict[str, Path], out: Path = OUT, *, timeout: float = 60.0, hold: str | None = None
) -> list[Shot]:
    """Tout le parcours : TensorBoard, plan, captures vérifiées, manifeste ; arrête tout."""
    started = time.perf_counter()
    manifest_path = out / "captures.json"
    manifest_path.unlink(missing_ok=True)  # réécrit seulement si toutes les captures réussissent
    with tensorboard(logdirs, timeout=timeout) as base:
        state = wait_until_loaded(base, timeout=timeout)
        plan = make_plan(state)
        shots = capture_all(base, out, plan, timeout=timeout, hold=hold)
    manifest = {
        "logdirs": {name: str(path) for name, path in logdirs.items()},
        "seconds": round(time.perf_counter() - started, 1),
        "captures": [
            {
                "name": s.name,
                "file": s.path.name,
                "runs": s.runs,
                "colours": s.colours,
                "boxes": s.boxes,
                "width": s.width,
                "height": s.height,
            }
            for s in shots
        ],
    }
    storage.atomic_write(manifest_path, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    return shots


def parse_logdir(text: str) -> tuple[str, Path]:
    name, sep, path = text.partition("=")
    if not sep or not name or not path:
        raise argparse.ArgumentTypeError(f"« {text} » : NOM=DOSSIER attendu")
    return name, Path(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.screenshots",
        description="Captures vérifiées de TensorBoard (comparaison, histogramme, graphe).",
    )
    parser.add_argument(
        "--logdir",
        type=parse_logdir,
        action="append",
        metavar="NOM=DOSSIER",
        help="journaux à montrer (répétable ; défaut : build/snippets/runs et build/work/*/runs)",
    )
    parser.add_argument(
        "--out", type=Path, default=OUT, help="dossier des images (défaut : %(default)s)"
    )
    parser.add_argument(
        "--timeout", type=float, default=60.0, help="attente maximale par étape, en s (défaut : 60)"
    )
    parser.add_argument(
        "--hold",
        metavar="REGEX",
        help="pour les tests : les requêtes dont l'adresse correspond restent sans réponse",
    )
    args = parser.parse_args(argv)
    logdirs = dict(args.logdir) if args.logdir else default_logdirs()
    started = time.perf_counter()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, _on_signal)
    try:
        with storage.build_lock(args.out.resolve().parent):
            shots = build(logdirs, args.out, timeout=args.timeout, hold=args.hold)
    except (ScreenshotError, storage.StorageError) as exc:
        print(f"Captures de TensorBoard : échec. {exc}", file=sys.stderr)
        return 1
    except Interrupted as exc:
        name = signal.Signals(exc.signum).name
        print(
            f"Captures de TensorBoard : interrompues ({name}) ; TensorBoard et le navigateur "
            "sont arrêtés, aucune image non vérifiée n'est gardée.",
            file=sys.stderr,
        )
        return 128 + exc.signum
    for shot in shots:
        print(f"  {shot.path} ({shot.width} x {shot.height}, {len(shot.runs)} exécution(s))")
    print(f"Captures de TensorBoard vérifiées en {time.perf_counter() - started:.1f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
