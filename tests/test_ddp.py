"""snippets/mlp_ddp.py : l'entraînement distribué par torchrun (DistributedDataParallel).

Erreurs d'une ligne avant tout processus, moyenne des gradients après un pas, mêmes poids d'une
exécution à l'autre avec la même graine, processus tué ou Ctrl+C sans processus orphelin, et la
comparaison mesurée d'un et de deux processus (tools/ddp_comparison.py).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
from conftest import PYTHON, ROOT
from test_snippets import TRACEBACK, assert_one_french_line, call_main, load

from tools import ddp_comparison, paths

SCRIPT = ROOT / "snippets" / "mlp_ddp.py"
HARNESS = ROOT / "tests" / "ddp_one_step.py"
TORCHRUN = [PYTHON, "-m", "torch.distributed.run", "--standalone"]
ERROR = "mlp_ddp.py\u00a0: erreur\u00a0: "


def env(**extra) -> dict:
    return {**paths.child_env(), "OMP_NUM_THREADS": "1", **extra}


def pgrep(marker: str) -> list[str]:
    """Les processus dont la ligne de commande contient marker (un chemin propre au test)."""
    found = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True, check=False)
    return found.stdout.split()


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "erreur" in line]


# --- Rapides : options refusées avant de démarrer le moindre processus -------------------------


def test_help_is_in_french(capfd):
    code, out, _ = call_main("mlp_ddp", ["--help"], capfd)
    assert code == 0 and out.startswith("utilisation\u00a0: ")
    for option in ("--nproc-per-node", "--backend", "--port", "--batch-size", "--seed"):
        assert option in out, option
    assert "par processus" in out


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--epochs", "0"], ["--epochs", "strictement positif"]),
        (["--epochs", "-2"], ["--epochs", "strictement positif"]),
        (["--backend", "nccl", "--device", "cpu"], ["--backend nccl", "GPU"]),
        (["--device", "mps"], ["--device mps", "MPS"]),
        (["--backend", "mpi"], ["--backend", "'mpi' inconnue"]),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else None,
)
def test_invalid_option_one_line_exit_2(args, fragments, capfd, tmp_path):
    argv = ["--nproc-per-node", "2", "--logdir", str(tmp_path / "runs"), *args]
    code, out, err = call_main("mlp_ddp", argv, capfd)
    assert code == 2 and out == ""
    assert_one_french_line(err, "mlp_ddp.py", *fragments)


def test_without_torchrun_or_nproc_one_line(capfd):
    code, _, err = call_main("mlp_ddp", ["--epochs", "1"], capfd)
    assert code == 2
    assert_one_french_line(err, "torchrun", "--nproc-per-node")


def test_cuda_requested_without_gpu(capfd, tmp_path):
    import torch

    if torch.cuda.is_available():
        pytest.skip("un GPU CUDA est présent")
    argv = ["--nproc-per-node", "2", "--device", "cuda", "--logdir", str(tmp_path / "r")]
    code, _, err = call_main("mlp_ddp", argv, capfd)
    assert code == 2
    assert_one_french_line(err, "--device cuda", "aucun GPU")


@pytest.fixture
def one_gpu(monkeypatch):
    """Une machine qui aurait un seul GPU CUDA (nccl), simulée."""
    import torch

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)


def test_more_processes_than_gpus_with_nccl(one_gpu, capfd, tmp_path):
    argv = ["--nproc-per-node", "2", "--device", "cuda", "--logdir", str(tmp_path / "r")]
    code, _, err = call_main("mlp_ddp", argv, capfd)
    assert code == 2
    assert_one_french_line(err, "2 processus pour 1 GPU", "--nproc-per-node 1")


def test_backend_is_chosen_automatically(one_gpu):
    module = load("mlp_ddp")
    args = module.build_parser().parse_args([])
    assert module.check_options(args, 1) == ("cuda", "nccl")  # un GPU par processus
    assert module.check_options(args, 2) == ("cpu", "gloo")  # pas assez de GPU : CPU
    args = module.build_parser().parse_args(["--backend", "gloo", "--device", "cuda"])
    assert module.check_options(args, 1) == ("cuda", "gloo")  # imposé par l'option


def test_port_already_taken(capfd, tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        argv = ["--nproc-per-node", "2", "--port", str(port), "--logdir", str(tmp_path / "r")]
        code, out, err = call_main("mlp_ddp", argv, capfd)
    assert code == 2 and out == ""
    assert_one_french_line(err, f"--port {port}", "déjà utilisé")
    # Le même port, libéré, est accepté : la vérification ne refuse pas tout.
    load("mlp_ddp").check_port(port)


def test_launcher_options_are_stripped_for_the_workers():
    strip = load("mlp_ddp").strip_launcher_options
    argv = ["--nproc-per-node", "2", "--epochs", "1", "--port=29999", "--seed", "3"]
    assert strip(argv) == ["--epochs", "1", "--seed", "3"]


def test_validation_follows_the_shared_rule():
    # mlp_ddp.py tire sa validation avec la fonction des autres scripts, pas une copie.
    import sys

    import torch

    module = load("mlp_ddp")
    assert module.split_tensors is sys.modules["entrainement_pytorch"].split_tensors
    # ... et ce tirage est bien celui de commun.validation_split, que vérifie check_split.
    x = torch.arange(100)
    split, _, (x_val, _) = module.split_tensors(x, x, seed=3)
    assert split == sys.modules["commun"].validation_split(100, 3)
    assert x_val.tolist() == split.validation


def test_weights_fingerprint_sees_every_weight():
    import torch

    module = load("mlp_ddp")
    torch.manual_seed(0)
    model = module.build_model()
    before = module.weights_hash(model)
    assert module.weights_hash(model) == before
    with torch.no_grad():
        model.output.bias[3] += 1e-6  # un seul nombre, à peine modifié
    assert module.weights_hash(model) != before


def test_error_under_torchrun_one_line_from_the_script(tmp_path):
    """Lancé par torchrun, seul le rang 0 écrit la ligne d'erreur ; torchrun ajoute son rapport."""
    result = subprocess.run(
        [*TORCHRUN, "--nproc-per-node", "2", str(SCRIPT), "--epochs", "0"],
        env=env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode != 0
    assert len([line for line in result.stderr.splitlines() if ERROR in line]) == 1
    assert "ChildFailedError" in result.stderr  # le rapport de torchrun, que le lanceur évite


# --- Un pas de DDP : la moyenne des gradients ----------------------------------------------------


def run_harness(out: Path, *extra: str) -> list[dict]:
    out.mkdir()
    result = subprocess.run(
        [*TORCHRUN, "--nproc-per-node", "2", str(HARNESS), str(out), *extra],
        env=env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return [json.loads((out / f"rank-{r}.json").read_text()) for r in range(2)]


def test_one_step_every_rank_has_the_same_weights(tmp_path):
    ranks = run_harness(tmp_path / "ddp")
    assert ranks[0]["weights_sha256"] == ranks[1]["weights_sha256"]
    for r in ranks:
        # Le gradient laissé par DDP est la moyenne de ceux des deux rangs, pas le gradient local.
        assert r["max_gap_to_mean_gradient"] < 1e-6
        assert r["max_gap_to_local_gradient"] > 1e-4
        assert r["allreduce_seconds"] > 0  # le crochet chronométré a bien servi

    # Preuve que le test sait échouer : sans DDP, chaque rang garde son gradient.
    alone = run_harness(tmp_path / "seul", "--without-ddp")
    assert alone[0]["weights_sha256"] != alone[1]["weights_sha256"]
    assert all(r["max_gap_to_mean_gradient"] > 1e-4 for r in alone)


# --- Lents : de vrais entraînements à deux processus ---------------------------------------------

TINY = ["--device", "cpu", "--limit", "1000", "--epochs", "1"]


def train(logdir: Path, *extra: str) -> dict:
    result = subprocess.run(
        [*TORCHRUN, "--nproc-per-node", "2", str(SCRIPT), *TINY, "--logdir", str(logdir), *extra],
        env=env(),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    assert TRACEBACK not in result.stderr
    assert result.stdout.count("Appareil\u00a0:") == 1  # seul le rang 0 affiche
    return json.loads((logdir / "metrics.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_two_runs_same_seed_same_weights(tmp_path):
    first = train(tmp_path / "a")
    second = train(tmp_path / "b")
    assert first["weights_sha256"] == second["weights_sha256"]
    assert len(first["weights_sha256"]) == 64
    assert first["world_size"] == 2 and first["backend"] == "gloo"
    assert first["threads_per_process"] == 1
    assert first["train_images"] == 900 and first["validation_images"] == 100
    assert first["test_images"] == 10000
    assert first["effective_batch_size"] == 128 and first["steps_per_epoch"] == 8
    assert 0 <= first["allreduce_share"] <= 1
    assert first["allreduce_alone_ms"] > 0
    assert 0.3 < first["test_accuracy"] <= 1
    # Les journaux TensorBoard du rang 0 seulement : un dossier train/, un dossier validation/.
    assert sorted(p.name for p in (tmp_path / "a").iterdir() if p.is_dir()) == [
        "train",
        "validation",
    ]


def start_launcher(logdir: Path, mode: str = "script") -> subprocess.Popen:
    """Un entraînement lancé pour durer, par le lanceur du script (python mlp_ddp.py
    --nproc-per-node 2) ou par torchrun lui-même."""
    args = ["--device", "cpu", "--limit", "4000", "--epochs", "200", "--logdir", str(logdir)]
    if mode == "script":
        command = [PYTHON, str(SCRIPT), "--nproc-per-node", "2", *args]
    else:
        command = [*TORCHRUN, "--nproc-per-node", "2", str(SCRIPT), *args]
    return subprocess.Popen(
        command,
        env=env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def wait_for_training(process: subprocess.Popen) -> list[str]:
    """Attend la fin de la première époque, puis renvoie les processus enfants (les rangs)."""
    for line in process.stdout:
        if line.startswith("Époque 1/"):
            break
    else:
        pytest.fail("aucune époque terminée : " + process.stderr.read()[-2000:])
    children = subprocess.run(
        ["pgrep", "-P", str(process.pid)], capture_output=True, text=True, check=False
    ).stdout.split()
    assert len(children) == 2, children
    return children


def finish(process: subprocess.Popen, marker: str) -> tuple[int, str]:
    try:
        _, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:  # le test a échoué : ne rien laisser derrière lui
            os.killpg(process.pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while pgrep(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert pgrep(marker) == [], "processus orphelins"
    return process.returncode, err


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["script", "torchrun"])
def test_killed_worker_makes_the_launcher_fail_without_orphans(mode, tmp_path):
    logdir = tmp_path / "tue"
    marker = str(logdir)
    assert pgrep(marker) == []
    process = start_launcher(logdir, mode)
    children = wait_for_training(process)
    assert len(pgrep(marker)) == 3  # le lanceur et ses deux processus
    os.kill(int(children[-1]), signal.SIGKILL)
    code, err = finish(process, marker)
    assert code != 0
    if mode == "torchrun":  # torchrun seul : son rapport, sur plusieurs lignes
        assert "ChildFailedError" in err and "SIGKILL" in err
        return
    assert code == 1
    assert TRACEBACK not in err and "ChildFailedError" not in err
    lines = error_lines(err)
    assert len(lines) == 1, err[-3000:]
    assert lines[0].startswith(ERROR) and "SIGKILL" in lines[0] and "rang" in lines[0]


@pytest.mark.slow
def test_ctrl_c_stops_everything_exit_130(tmp_path):
    logdir = tmp_path / "ctrl-c"
    marker = str(logdir)
    process = start_launcher(logdir)
    wait_for_training(process)
    os.killpg(process.pid, signal.SIGINT)  # Ctrl+C : le signal va à tout le groupe
    code, err = finish(process, marker)
    assert code == 130
    assert TRACEBACK not in err and error_lines(err) == []
    assert "Interrompu." in err


# --- La comparaison d'un et de deux processus ----------------------------------------------------


def metrics(**changes) -> dict:
    base = {
        "epochs": 4,
        "batch_size": 64,
        "lr": 0.001,
        "seed": 0,
        "parameters": 101770,
        "test_images": 10000,
        "train_images": 9000,
        "validation_images": 1000,
        "seconds_per_epoch": 1.0,
        "test_accuracy": 0.8,
        "validation_accuracy": 0.81,
        "device": "cpu",
    }
    return {**base, **changes}


def ddp(world: int, seconds: float, allreduce: float, **changes) -> dict:
    changes.setdefault("allreduce_alone_ms", 0.5)
    return metrics(
        world_size=world,
        threads_per_process=1,
        effective_batch_size=64 * world,
        steps_per_epoch=-(-9000 // (64 * world)),
        seconds_per_epoch=seconds,
        allreduce_seconds=[allreduce] * 4,
        allreduce_share=allreduce / seconds,
        **changes,
    )


def test_comparison_numbers_come_from_the_measures():
    text = ddp_comparison.report(metrics(), ddp(1, 0.5, 0.01), ddp(2, 0.4, 0.2), 2)
    assert "| Processus × fils de calcul | 1 × 2 | 1 × 1 | 2 × 1 |" in text
    assert "| Appareil | cpu | cpu | cpu |" in text
    assert "0,40\u00a0s" in text and "0,50\u00a0s" in text
    assert "50\u00a0%" in text  # 0,2 s d'all-reduce sur 0,4 s
    assert "divise la durée d'une époque par 1,2" in text
    assert "71 mises à jour" in text and "141" in text
    assert "7,1\u00a0ms par mise à jour, contre 3,5\u00a0ms" in text
    # 0,2 s d'all-reduce par époque sur 71 mises à jour : 2,8 ms, dont 0,5 ms d'échange seul.
    assert "2,8\u00a0ms" in text and "ne prend que 0,5\u00a0ms" in text and "82\u00a0%" in text
    slow_network = ddp(2, 0.4, 0.2, allreduce_alone_ms=5.0)
    text = ddp_comparison.report(metrics(), ddp(1, 0.5, 0.01), slow_network, 2)
    assert "presque tout est l'échange lui-même" in text and "attente, celle" not in text
    assert "les fils supplémentaires n'ont pas accéléré" in text
    faster = ddp_comparison.report(
        metrics(seconds_per_epoch=0.3), ddp(1, 0.5, 0.01), ddp(2, 0.4, 0.2), 2
    )
    assert "les fils supplémentaires ont accéléré" in faster
    # Plus lent à deux processus : le texte le dit, au lieu d'annoncer un gain.
    slower = ddp_comparison.report(metrics(), ddp(1, 0.2, 0.01), ddp(2, 0.4, 0.3), 2)
    assert "2,0 fois plus longue" in slower and "divise la durée" not in slower


@pytest.mark.parametrize(
    ("single", "fragment"),
    [
        (metrics(epochs=3), "epochs"),
        (metrics(train_images=5000, validation_images=0), "images utilisées"),
        (metrics(lr=0.01), "lr"),
    ],
)
def test_comparison_refuses_incomparable_runs(single, fragment):
    with pytest.raises(ddp_comparison.ComparisonError, match=fragment):
        ddp_comparison.report(single, ddp(1, 0.5, 0.01), ddp(2, 0.4, 0.2), 2)


def test_comparison_accepts_a_script_without_validation():
    """mlp_pytorch.py sans jeu de validation : 10 000 images d'entraînement, comme 9 000 + 1 000."""
    single = metrics(train_images=10000)
    del single["validation_images"], single["validation_accuracy"]
    text = ddp_comparison.report(single, ddp(1, 0.5, 0.01), ddp(2, 0.4, 0.2), 2)
    assert "| — |" in text or "| — " in text


def test_comparison_missing_file_one_line(tmp_path):
    result = subprocess.run(
        [
            PYTHON,
            "-m",
            "tools.ddp_comparison",
            str(tmp_path / "a"),
            str(tmp_path / "b"),
            str(tmp_path / "c"),
            "--threads",
            "2",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2 and result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "fichier absent" in lines[0] and "make snippets" in lines[0]
