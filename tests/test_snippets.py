"""Les scripts de snippets/ : aide en français, erreurs d'une ligne (code 2, sans trace Python),
imports limités aux modules partagés du dossier, jeu de validation tiré des seules images
d'entraînement, et un vrai entraînement court de chacun."""

from __future__ import annotations

import ast
import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PYTHON, ROOT

from tools import paths

SNIPPETS = ROOT / "snippets"
TRAINING = ["mlp_pytorch", "mlp_keras", "cnn_pytorch"]
ALL = [*TRAINING, "verifier_materiel", "mlp_ddp"]
# Les modules du dossier que les scripts importent : commun.py n'utilise que la bibliothèque
# standard, entrainement_pytorch.py y ajoute PyTorch.
SHARED = ["commun", "entrainement_pytorch"]
# mlp_ddp.py reprend le modèle de mlp_pytorch.py : le même MLP, une seule définition.
EXTRA_IMPORTS = {"mlp_ddp": {"mlp_pytorch"}}
THIRD_PARTY = {"torch", "torchvision", "tqdm", "keras", "tensorflow"}
TRACEBACK = "Traceback"
# Un script lancé avec les sockets coupées : aucune connexion réseau possible.
OFFLINE = """
import os, runpy, socket, sys
def refuse(*args, **kwargs):
    raise socket.gaierror(socket.EAI_NONAME, "réseau coupé par le test")
socket.getaddrinfo = refuse
socket.create_connection = refuse
socket.socket.connect = refuse
sys.argv = sys.argv[1:]
sys.path.insert(0, os.path.dirname(sys.argv[0]))  # comme « python script.py »
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def run_script(
    name: str,
    *args: str,
    env: dict | None = None,
    offline: bool = False,
    folder: Path = SNIPPETS,
    cwd: Path = ROOT,
):
    # Les données de la construction (make data), comme sous « make test ».
    full_env = {**paths.child_env(), **(env or {})}
    script = str(folder / f"{name}.py")
    command = [PYTHON, "-c", OFFLINE, script] if offline else [PYTHON, script]
    return subprocess.run(
        [*command, *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def load(name: str):
    """Importe un script comme module (sans l'exécuter) pour appeler main(argv) directement."""
    # Comme « python snippets/NOM.py », qui met le dossier du script dans sys.path : les
    # modules partagés (commun.py…) s'importent.
    if str(SNIPPETS) not in sys.path:
        sys.path.insert(0, str(SNIPPETS))
    spec = importlib.util.spec_from_file_location(f"snippet_{name}", SNIPPETS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def assert_one_french_line(stderr: str, *fragments: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"une seule ligne attendue sur la sortie d'erreur :\n{stderr}"
    line = lines[0]
    assert TRACEBACK not in stderr
    assert "\u00a0: erreur\u00a0: " in line, line
    for fragment in fragments:
        assert fragment in line, line
    return line


# --- Rapides : aide, erreurs d'options, modules partagés ----------------------------------------
# La plupart des cas appellent main(argv) dans le processus des tests (PyTorch n'est importé
# qu'une fois) ; capfd capture aussi ce qu'écrit le code C (messages de TensorFlow). Quelques cas
# passent par un vrai « python snippets/NOM.py » pour vérifier le comportement de bout en bout.


def call_main(name: str, args: list[str], capfd) -> tuple[int, str, str]:
    module = load(name)
    with pytest.raises(SystemExit) as exit_info:
        module.main(args)
    captured = capfd.readouterr()
    return exit_info.value.code, captured.out, captured.err


@pytest.mark.parametrize("name", ALL)
def test_help_is_in_french(name, capfd):
    code, out, _ = call_main(name, ["--help"], capfd)
    assert code == 0
    assert out.startswith("utilisation\u00a0: ")
    assert "affiche cette aide et quitte" in out
    assert "--device" in out
    assert "usage:" not in out and "show this help" not in out
    if name in TRAINING:
        for option in ("--epochs", "--batch-size", "--lr", "--seed", "--limit", "--logdir"):
            assert option in out, option
        assert "défaut" in out


@pytest.mark.parametrize("name", ["mlp_keras", "verifier_materiel"])
def test_help_of_a_script_run_alone(name):
    result = run_script(name, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("utilisation\u00a0: ") and result.stderr == ""


BAD_OPTIONS = [
    (["--device", "tpu"], ["--device", "'tpu' inconnue", "'cuda'"]),
    (["--epochs", "0"], ["--epochs", "strictement positif"]),
    (["--batch-size", "-3"], ["--batch-size", "strictement positif"]),
    (["--lr", "abc"], ["--lr", "n'est pas un nombre"]),
    (["--epochs"], ["--epochs", "une valeur est attendue"]),
    (["--vitesse", "2"], ["option inconnue", "--vitesse"]),
]


@pytest.mark.parametrize("name", TRAINING)
@pytest.mark.parametrize(("args", "fragments"), BAD_OPTIONS, ids=lambda v: " ".join(v))
def test_invalid_option_one_line_exit_2(name, args, fragments, capfd):
    code, out, err = call_main(name, args, capfd)
    assert code == 2
    assert out == ""
    assert_one_french_line(err, f"{name}.py", *fragments)


@pytest.mark.parametrize(
    ("args", "fragments"),
    [(["--device", "gpu"], ["'gpu' inconnue"]), (["--size", "0"], ["--size", "positif"])],
)
def test_verifier_materiel_invalid_option(args, fragments, capfd):
    code, out, err = call_main("verifier_materiel", args, capfd)
    assert code == 2 and out == ""
    assert_one_french_line(err, "verifier_materiel.py", *fragments)


def test_script_run_alone_error_exit_2():
    result = run_script("mlp_pytorch", "--epochs", "0")
    assert result.returncode == 2
    assert result.stdout == ""
    assert_one_french_line(result.stderr, "mlp_pytorch.py", "--epochs")


@pytest.mark.parametrize("name", TRAINING)
def test_logdir_cannot_be_written(name, tmp_path, capfd):
    blocker = tmp_path / "fichier"
    blocker.write_text("un fichier, pas un dossier")
    code, _, err = call_main(name, ["--logdir", str(blocker / "runs"), "--device", "cpu"], capfd)
    assert code == 2
    assert_one_french_line(err, "--logdir", "impossible d'écrire", "un élément du chemin")
    assert blocker.read_text() == "un fichier, pas un dossier"


def _cuda() -> bool:
    import torch

    return torch.cuda.is_available()


@pytest.mark.parametrize("name", ["mlp_pytorch", "cnn_pytorch", "verifier_materiel"])
def test_cuda_requested_without_gpu(name, tmp_path, capfd):
    if _cuda():
        pytest.skip("un GPU CUDA est présent")
    logdir = [] if name == "verifier_materiel" else ["--logdir", str(tmp_path / "runs")]
    code, _, err = call_main(name, ["--device", "cuda", *logdir], capfd)
    assert code == 2
    assert_one_french_line(err, "--device cuda", "GPU")


def test_cuda_requested_without_gpu_keras(tmp_path):
    """Bout en bout : les messages de démarrage de TensorFlow ne s'ajoutent pas à l'erreur."""
    result = run_script("mlp_keras", "--device", "cuda", "--logdir", str(tmp_path / "runs"))
    if result.returncode == 0:
        pytest.skip("TensorFlow voit un GPU")
    assert result.returncode == 2
    assert_one_french_line(result.stderr, "--device cuda", "TensorFlow")


@pytest.mark.skipif(sys.platform == "darwin", reason="MPS existe sur Mac")
@pytest.mark.parametrize("name", ["mlp_pytorch", "mlp_keras"])
def test_mps_requested_outside_a_mac(name, tmp_path, capfd):
    code, _, err = call_main(name, ["--device", "mps", "--logdir", str(tmp_path / "runs")], capfd)
    assert code == 2
    assert_one_french_line(err, "--device mps", "Mac")


@pytest.mark.parametrize("name", ["mlp_pytorch", "mlp_keras"])
def test_missing_data_offline(name, tmp_path):
    env = {"ATELIER_DATA": str(tmp_path / "data"), "KERAS_HOME": str(tmp_path / "keras")}
    args = ["--device", "cpu", "--logdir", str(tmp_path / "runs"), "--epochs", "1"]
    result = run_script(name, *args, env=env, offline=True)
    assert result.returncode == 2, result.stderr[-2000:]
    line = assert_one_french_line(result.stderr, "Fashion-MNIST est introuvable")
    for remedy in ("make data", "dataset-fashion-mnist", "Internet"):
        assert remedy in line
    assert TRACEBACK not in result.stdout
    assert not list((tmp_path / "runs").glob("**/events.out.tfevents*"))


def _imports(name: str) -> set[str]:
    """Les modules de premier niveau qu'importe snippets/NOM.py."""
    tree = ast.parse((SNIPPETS / f"{name}.py").read_text(encoding="utf-8"))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            modules.add((node.module or "").split(".")[0])
    return modules - {"__future__"}


@pytest.mark.parametrize("name", [*ALL, *SHARED])
def test_imports_limited_to_the_folder(name):
    """Rien du reste du dépôt : le dossier snippets/ copié seul fonctionne."""
    assert (SNIPPETS / f"{name}.py").is_file()
    local = {m for m in _imports(name) if m not in THIRD_PARTY | sys.stdlib_module_names}
    allowed = set(SHARED) | EXTRA_IMPORTS.get(name, set())
    assert local <= allowed, f"{name}.py importe {local - allowed}"
    for module in local:
        assert (SNIPPETS / f"{module}.py").is_file(), f"{name}.py importe {module}, introuvable"


def test_commun_without_framework():
    """commun.py sert aussi au script Keras et à verifier_materiel.py : bibliothèque standard."""
    outside = _imports("commun") - sys.stdlib_module_names
    assert outside == set(), f"commun.py importe {outside}"


@pytest.mark.parametrize("name", ALL)
def test_script_run_from_another_folder(name, tmp_path):
    """Le dossier copié ailleurs, le script lancé depuis un autre dossier de travail."""
    copy = tmp_path / "mes-scripts"
    shutil.copytree(SNIPPETS, copy, ignore=shutil.ignore_patterns("__pycache__"))
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    result = run_script(name, "--help", folder=copy, cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("utilisation\u00a0: ") and result.stderr == ""
    assert f"{name}.py" in result.stdout


# --- Le jeu de validation : jamais le test, disjoint de l'entraînement -------------------------

OFFICIAL_TEST_IMAGES = 10_000  # le jeu de test officiel de Fashion-MNIST


def load_common_module():
    if str(SNIPPETS) not in sys.path:
        sys.path.insert(0, str(SNIPPETS))
    import commun

    return commun


def check_split(metrics: dict) -> None:
    """Vérifie, d'après metrics.json, que la validation a été tirée des images d'entraînement
    utilisées selon la règle commune, disjointe de l'entraînement, et que le test est le jeu
    officiel entier. Le tirage est refait ici et comparé à ses empreintes."""
    common = load_common_module()
    record = metrics["validation_split"]
    used, seed = record["images_used"], record["seed"]
    assert seed == metrics["seed"]
    assert record["rule"] == common.VALIDATION_RULE
    split = common.validation_split(used, seed)
    train, validation = set(split.train), set(split.validation)
    assert len(train) == len(split.train) and len(validation) == len(split.validation)
    assert not train & validation, (
        "des images servent à la fois à l'entraînement et à la validation"
    )
    assert train | validation == set(range(used)), "des images utilisées manquent au tirage"
    assert len(validation) == max(1, used // 10)
    assert metrics["train_images"] == len(train)
    assert metrics["validation_images"] == len(validation)
    assert metrics["train_images"] + metrics["validation_images"] == used
    assert record["train_sha256"] == common.index_fingerprint(split.train)
    assert record["validation_sha256"] == common.index_fingerprint(split.validation)
    assert metrics["test_images"] == OFFICIAL_TEST_IMAGES


def _split_metrics(used: int, seed: int) -> dict:
    common = load_common_module()
    split = common.validation_split(used, seed)
    return {
        "seed": seed,
        "train_images": len(split.train),
        "validation_images": len(split.validation),
        "test_images": OFFICIAL_TEST_IMAGES,
        "validation_split": split.record(),
    }


@pytest.mark.parametrize("used", [2, 9, 10, 11, 2000, 60_000])
@pytest.mark.parametrize("seed", [0, 1, 2**32 - 1])
def test_validation_split_disjoint_and_complete(used, seed):
    common = load_common_module()
    split = common.validation_split(used, seed)
    assert split == common.validation_split(used, seed)  # même graine, même tirage
    check_split(_split_metrics(used, seed))


def test_validation_split_depends_on_the_seed():
    common = load_common_module()
    assert (
        common.validation_split(2000, 0).validation != common.validation_split(2000, 1).validation
    )
    # Pas simplement les dernières images : un tirage au hasard parmi toutes.
    validation = common.validation_split(2000, 0).validation
    assert min(validation) < 200 and max(validation) >= 1800


def test_validation_split_refuses_a_single_image():
    common = load_common_module()
    with pytest.raises(common.InputError, match="au moins 2 images"):
        common.validation_split(1, 0)


def _planted_test_as_validation(metrics: dict) -> dict:
    """Le défaut d'origine : les 10 000 images de test servent de validation."""
    common = load_common_module()
    test = list(range(OFFICIAL_TEST_IMAGES))
    record = {**metrics["validation_split"], "validation_sha256": common.index_fingerprint(test)}
    return {**metrics, "validation_images": OFFICIAL_TEST_IMAGES, "validation_split": record}


def _planted_train_on_everything(metrics: dict) -> dict:
    """L'entraînement garde toutes les images, validation comprise."""
    common = load_common_module()
    used = metrics["validation_split"]["images_used"]
    record = {
        **metrics["validation_split"],
        "train_sha256": common.index_fingerprint(list(range(used))),
    }
    return {**metrics, "train_images": used, "validation_split": record}


def _planted_other_seed(metrics: dict) -> dict:
    """Un tirage fait avec une autre graine que celle qui est déclarée."""
    other = _split_metrics(metrics["validation_split"]["images_used"], 1)
    return {**metrics, "validation_split": {**other["validation_split"], "seed": 0}}


def _planted_partial_test(metrics: dict) -> dict:
    return {**metrics, "test_images": 2000}


@pytest.mark.parametrize(
    "plant",
    [
        _planted_test_as_validation,
        _planted_train_on_everything,
        _planted_other_seed,
        _planted_partial_test,
    ],
)
def test_check_split_fails_on_a_planted_violation(plant):
    metrics = _split_metrics(2000, 0)
    check_split(metrics)
    with pytest.raises(AssertionError):
        check_split(plant(metrics))


def test_check_split_fails_when_the_split_overlaps(monkeypatch):
    """Une règle de tirage fautive (une image des deux côtés) est refusée elle aussi."""
    common = load_common_module()
    metrics = _split_metrics(2000, 0)
    good = common.validation_split

    def overlapping(n_images, seed):
        split = good(n_images, seed)
        return common.Split(seed, [*split.train, split.validation[0]], split.validation)

    monkeypatch.setattr(common, "validation_split", overlapping)
    with pytest.raises(AssertionError, match="à la fois"):
        check_split(metrics)


@pytest.mark.slow
def test_split_of_every_run_of_the_build(built_site):
    # Chaque metrics.json que la construction a produit (scripts seuls, mlp_ddp.py à 1 et 2
    # processus) : validation tirée des images d'entraînement, disjointe, test officiel entier.
    found = sorted((ROOT / "build" / "snippets").rglob("metrics.json"))
    scripts = {json.loads(p.read_text(encoding="utf-8"))["script"] for p in found}
    assert {f"{name}.py" for name in [*TRAINING, "mlp_ddp"]} <= scripts, scripts
    for path in found:
        check_split(json.loads(path.read_text(encoding="utf-8")))


# --- Lents : un vrai entraînement court ----------------------------------------------------------


def _event_runs(logdir: Path) -> dict[str, dict]:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    runs = {}
    for split in ("train", "validation"):
        acc = EventAccumulator(str(logdir / split), size_guidance={"tensors": 0})
        acc.Reload()
        runs[split] = acc
    return runs


def _scalar(acc, tag: str) -> list[float]:
    import tensorflow as tf

    if tag in acc.Tags().get("scalars", []):
        return [e.value for e in acc.Scalars(tag)]
    return [float(tf.make_ndarray(e.tensor_proto)) for e in acc.Tensors(tag)]


@pytest.mark.slow
@pytest.mark.parametrize("name", TRAINING)
def test_short_training_metrics_and_logs(name, tmp_path):
    logdir = tmp_path / "runs" / name
    args = ["--limit", "2000", "--epochs", "1", "--device", "cpu", "--logdir", str(logdir)]
    result = run_script(name, *args)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert TRACEBACK not in result.stderr
    assert "Appareil\u00a0: cpu" in result.stdout
    assert "Données\u00a0: 1800 images d'entraînement, 200 de validation" in result.stdout

    metrics = json.loads((logdir / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["script"] == f"{name}.py"
    assert metrics["device"] == "cpu" and metrics["device_name"]
    assert metrics["epochs"] == 1 and metrics["train_images"] == 1800
    assert metrics["validation_images"] == 200 and metrics["test_images"] == 10000
    check_split(metrics)
    assert len(metrics["epoch_seconds"]) == 1 and metrics["seconds_per_epoch"] > 0
    assert metrics["peak_memory_mib"] > 50
    # Bien au-dessus du hasard (10 %) après une seule époque sur 2 000 images.
    assert 0.4 < metrics["test_accuracy"] <= 1
    assert 0.4 < metrics["validation_accuracy"] <= 1
    assert 0 < metrics["train_accuracy"] <= 1

    runs = _event_runs(logdir)
    for split, acc in runs.items():
        for tag in ("epoch_loss", "epoch_accuracy"):
            values = _scalar(acc, tag)
            assert len(values) == 1, (split, tag)
    # La courbe « validation » est bien celle des 200 images mises de côté, pas celle du test.
    logged = _scalar(runs["validation"], "epoch_accuracy")[0]
    assert abs(logged - metrics["validation_accuracy"]) < 2e-3
    histograms = runs["train"].Tags().get("histograms", []) + [
        t for t in runs["train"].Tags().get("tensors", []) if "histogram" in t or "poids" in t
    ]
    assert histograms, runs["train"].Tags()
    graph = runs["train"].Tags().get("graph") or runs["train"].Tags().get("meta_graph")
    keras_graph = "keras" in runs["train"].Tags().get("tensors", [])
    assert graph or keras_graph, runs["train"].Tags()


@pytest.mark.slow
def test_verifier_materiel_reports_and_times():
    result = run_script("verifier_materiel", "--size", "128", "--repeats", "1", "--device", "auto")
    assert result.returncode == 0, result.stderr[-2000:]
    out = result.stdout
    for label in ("Processeur", "PyTorch", "CUDA", "MPS (Apple)", "TensorFlow"):
        assert label in out, label
    assert "Appareil choisi automatiquement" in out
    assert "GFLOP/s" in out
