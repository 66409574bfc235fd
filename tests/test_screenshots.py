"""Captures de TensorBoard (tools/screenshots.py) : chaque image montre des données, une vue vide
ou en chargement échoue, et aucun processus lancé par la construction ne survit à un échec."""

from __future__ import annotations

import json
import os
import subprocess
import time
import uuid
import warnings
from pathlib import Path

import numpy as np
import pytest
from conftest import PYTHON, ROOT, survivors
from PIL import Image

from tools import screenshots

STEPS = 4


# --- Rapides : le vérificateur de pixels et le choix des vues ----------------------------------


def _png(tmp_path: Path, draw=None) -> Path:
    image = np.full((200, 300, 3), 255, dtype=np.uint8)
    if draw is not None:
        draw(image)
    path = tmp_path / "image.png"
    Image.fromarray(image).save(path)
    return path


def test_css_colour_is_read():
    assert screenshots.parse_colour("rgb(18, 181, 203)") == (18, 181, 203)
    assert screenshots.parse_colour("#12b5cb") == (18, 181, 203)
    with pytest.raises(ValueError):
        screenshots.parse_colour("bleu")


def test_empty_image_refused(tmp_path):
    blank = _png(tmp_path)
    with pytest.raises(screenshots.ScreenshotError, match="en chargement"):
        screenshots.check_colours(blank, (0, 0, 300, 200), ["rgb(229, 37, 146)"], "test")
    with pytest.raises(screenshots.ScreenshotError, match="aucune donnée"):
        screenshots.check_colours(blank, (0, 0, 300, 200), [], "test")


def test_coloured_curve_accepted_only_in_its_area(tmp_path):
    def line(image):
        image[100:103, 20:280] = (229, 37, 146)  # une courbe rose horizontale

    path = _png(tmp_path, line)
    screenshots.check_colours(path, (0, 50, 300, 150), ["rgb(229, 37, 146)"], "test")
    # La même couleur hors de la zone du graphique ne compte pas (ex. : la pastille d'une légende).
    with pytest.raises(screenshots.ScreenshotError):
        screenshots.check_colours(path, (0, 0, 300, 90), ["rgb(229, 37, 146)"], "test")
    counts = screenshots.colour_pixels(path, (0, 50, 300, 150), ["#e52592", "#12b5cb"])
    assert counts["#e52592"] == 3 * 260 and counts["#12b5cb"] == 0


def test_plan_refuses_logs_without_curves():
    empty = {"runs": ["x/train"], "scalars": {"x/train": {}}, "histograms": {}, "graphs": {}}
    with pytest.raises(screenshots.ScreenshotError, match="make snippets"):
        screenshots.make_plan(empty)


def test_plan_prefers_the_scripts():
    tags = {"epoch_loss": {}, "epoch_accuracy": {}}
    state = {
        "runs": [],
        "scalars": {"snippets/a/train": tags, "snippets/a/validation": tags, "03_x/r": tags},
        "histograms": {"snippets/a/train": {"poids/w": {}}},
        "graphs": {"snippets/a/train": {"run_graph": True}, "03_x/r": {"run_graph": False}},
    }
    plan = screenshots.make_plan(state)
    assert plan.comparison_runs == ["snippets/a/train", "snippets/a/validation"]
    assert plan.histogram == ("snippets/a/train", "poids/w")
    assert plan.graph_run == "snippets/a/train"


# --- Lents : TensorBoard et Chromium pour de vrai -------------------------------------------------

slow = pytest.mark.slow


@pytest.fixture(scope="module")
def tiny_logs(tmp_path_factory) -> Path:
    """Deux exécutions de quatre époques, un histogramme, un graphe : des journaux minuscules."""
    import torch
    from torch import nn
    from torch.utils.tensorboard import SummaryWriter

    root = tmp_path_factory.mktemp("journaux") / "runs"
    torch.manual_seed(0)
    model = nn.Sequential(nn.Flatten(), nn.Linear(12, 6), nn.ReLU(), nn.Linear(6, 3))
    for index, name in enumerate(("mlp_pytorch", "cnn_pytorch")):
        for split in ("train", "validation"):
            with SummaryWriter(str(root / name / split)) as writer:
                for step in range(STEPS):
                    loss = 1.5 / (step + 1 + index) + (0.1 if split == "validation" else 0)
                    writer.add_scalar("epoch_loss", loss, step)
                    writer.add_scalar("epoch_accuracy", 1 - loss / 2, step)
                    if split == "train" and name == "mlp_pytorch":
                        values = torch.randn(500) * (0.1 + 0.05 * step)
                        writer.add_histogram("poids/output.weight", values, step)
                if split == "train" and name == "cnn_pytorch":
                    with warnings.catch_warnings():  # torch.jit.trace, annoncé obsolète
                        warnings.simplefilter("ignore", FutureWarning)
                        writer.add_graph(model, torch.zeros(1, 3, 4))
    return root


@slow
def test_screenshots_show_the_data(tiny_logs, tmp_path):
    out = tmp_path / "captures"
    shots = screenshots.build({"snippets": tiny_logs}, out, timeout=90)
    assert [s.name for s in shots] == ["comparaison", "histogramme", "graphe"]
    manifest = json.loads((out / "captures.json").read_text(encoding="utf-8"))
    comparison, histogram, graph = manifest["captures"]
    assert len(comparison["runs"]) == 4 and len(comparison["colours"]) == 4
    assert histogram["runs"] == ["snippets/mlp_pytorch/train"]
    assert graph["runs"] == ["snippets/cnn_pytorch/train"]
    for capture in manifest["captures"]:
        path = out / capture["file"]
        with Image.open(path) as image:
            assert image.size == (capture["width"], capture["height"])
            assert image.width > 400 and image.height > 300
        # Indépendamment du contrôle fait pendant la capture : chaque zone de graphique contient
        # des pixels de chaque couleur attendue, et n'est pas une zone minuscule.
        assert capture["boxes"]
        for box in capture["boxes"]:
            left, top, right, bottom = box
            assert right - left > 200 and bottom - top > 150, box
            counts = screenshots.colour_pixels(path, tuple(box), capture["colours"])
            if capture["name"] == "comparaison":
                assert all(n >= screenshots.MIN_COLOUR_PIXELS for n in counts.values()), counts
            else:
                assert sum(n >= screenshots.MIN_COLOUR_PIXELS for n in counts.values()) >= 1
    # Une tranche d'histogramme par étape.
    assert len(histogram["colours"]) >= 2


@slow
def test_empty_tensorboard_fails_the_screenshot(tmp_path):
    empty = tmp_path / "vide"
    empty.mkdir()
    with screenshots.tensorboard({"snippets": empty}, timeout=90) as base:
        with screenshots.browser_page() as page:
            runs = ["snippets/mlp_pytorch/train"]
            steps = {(run, tag): STEPS for run in runs for tag in screenshots.SCALAR_TAGS}
            with pytest.raises(screenshots.ScreenshotError, match="vide ou encore en chargement"):
                screenshots.capture_comparison(
                    page, base, runs, steps, tmp_path / "c.png", timeout=8
                )
            # La page vide, photographiée telle quelle, ne passe pas non plus le contrôle des
            # couleurs : aucune des couleurs de TensorBoard dans la zone où irait le graphique.
            raw = tmp_path / "brut.png"
            page.screenshot(path=str(raw))
            with Image.open(raw) as image:
                width, height = image.size
            palette = ["#425066", "#12b5cb", "#e52592", "#f9ab00", "#9334e6", "#7cb342"]
            with pytest.raises(screenshots.ScreenshotError):
                screenshots.check_colours(raw, (0, height // 5, width, height), palette, "vide")


@slow
def test_screenshot_while_loading_fails_without_leftover_processes(tiny_logs, tmp_path):
    """TensorBoard répond mais ses données n'arrivent jamais : la capture échoue, rien ne survit."""
    marker = uuid.uuid4().hex
    out = tmp_path / "captures"
    env = {**os.environ, "ATELIER_TEST_MARKER": marker}
    result = subprocess.run(
        [PYTHON, "-m", "tools.screenshots", "--logdir", f"snippets={tiny_logs}",
         "--out", str(out), "--timeout", "20", "--hold", "data/plugin/timeseries"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Captures de TensorBoard\u00a0: échec" in result.stderr
    assert "vide ou encore en chargement" in result.stderr
    assert "Traceback" not in result.stderr
    assert not list(out.glob("*.png")), "aucune image non vérifiée ne doit rester"
    deadline = time.monotonic() + 10
    while survivors(marker) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert survivors(marker) == [], "processus (TensorBoard, Chromium) encore en vie"


@slow
def test_missing_logs_clear_message(tmp_path):
    result = subprocess.run(
        [PYTHON, "-m", "tools.screenshots", "--out", str(tmp_path), "--logdir",
         f"snippets={tmp_path / 'vide'}", "--timeout", "10"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "make snippets" in result.stderr and "Traceback" not in result.stderr


@slow
def test_tensorboard_page_publishes_the_screenshots(built_site):
    site = built_site["dir"]
    page = (site / "tensorboard" / "index.html").read_text(encoding="utf-8")
    for name in ("comparaison", "histogramme", "graphe"):
        image = site / "captures" / f"{name}.png"
        assert image.is_file() and image.stat().st_size > 20_000, image
        assert f'src="../captures/{name}.png"' in page
    assert page.count("<figcaption>") >= 3
    assert page.count('alt="Capture de TensorBoard') == 3
    assert "Ce que vous allez apprendre" in page and "À retenir" in page


@slow
def test_scripts_page_shows_the_tested_code_and_the_measures(built_site):
    import html
    import re

    site = built_site["dir"]
    page = html.unescape((site / "scripts" / "index.html").read_text(encoding="utf-8"))
    text = " ".join(re.sub(r"<[^>]+>", "", page).split())
    for name in ("mlp_pytorch", "mlp_keras", "cnn_pytorch", "verifier_materiel"):
        source = (ROOT / "snippets" / f"{name}.py").read_text(encoding="utf-8")
        assert f"snippets/{name}.py" in page
        # Le code affiché est celui du fichier : sa ligne « def main » et sa dernière ligne.
        assert "def main(argv: list[str] | None = None) -> int:" in text
        assert source.strip().splitlines()[-1].strip() in text
    metrics = json.loads(
        (ROOT / "build" / "snippets" / "runs" / "mlp_pytorch" / "metrics.json").read_text()
    )
    assert f'"test_accuracy": {metrics["test_accuracy"]}' in text
    assert f'"validation_images": {metrics["validation_images"]}' in text
    assert "code de sortie\u00a0: 2" in page
    # La sortie d'un entraînement qui diverge : une ligne d'erreur, code 2, pas de trace.
    divergence = (ROOT / "build" / "snippets" / "divergence.txt").read_text(encoding="utf-8")
    assert "l'entraînement a divergé à l'époque 1" in divergence and "Traceback" not in divergence
    assert divergence.rstrip().endswith("(code de sortie\u00a0: 2)")
    assert "l'entraînement a divergé" in text
