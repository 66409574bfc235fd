"""Pannes plantées dans les scripts de snippets/ : chacune s'arrête sur une ligne en français, avec
le code de sortie attendu, sans trace Python, sans processus ni fichier temporaire laissés, et
metrics.json est du JSON valide ou absent.

| Panne plantée                                   | Attendu                                   |
|-------------------------------------------------|-------------------------------------------|
| --lr inf, --lr nan (PyTorch, Keras)             | une ligne, code 2, avant tout calcul      |
| --seed -1, --seed 2**32 (PyTorch, Keras)        | une ligne, code 2, avant tout calcul      |
| --lr 1e30 : perte NaN (PyTorch, Keras)          | une ligne « a divergé », code 2           |
| Ctrl+C pendant le chargement de PyTorch/Keras   | « Interrompu. », code 130                 |
| Ctrl+C (une ou deux fois) pendant l'entraînement| « Interrompu. », code 130, journaux gardés|
| Ctrl+C à six instants, du chargement à l'époque 2| « Interrompu. », code 130                 |
| Ctrl+C avalé par une bibliothèque (``except:``) | « Interrompu. », code 130                 |
| verifier_materiel.py --size 200000              | une ligne, code 2                         |
| allocation refusée pendant le chronométrage     | une ligne, code 2                         |
| une mesure NaN ou infinie à écrire              | une ligne, code 2, pas de metrics.json    |
| Ctrl+C pendant l'écriture de metrics.json       | ancien fichier intact, pas de temporaire  |
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import PYTHON, ROOT

from tools import paths

SNIPPETS = ROOT / "snippets"
TRACEBACK = "Traceback"
# Lignes que TensorFlow écrit lui-même en C++ au chargement (le script Keras les réaffiche) :
# « WARNING: All log messages before absl::InitializeLog()… » et « I0000 00:00:… port.cc… ».
TF_LOG_LINE = re.compile(r"^(WARNING: All log messages before absl|[IWEF]\d{4} \d\d:\d\d:)")
# Ce qu'on attend d'un processus qui démarre (chargement des bibliothèques) : très large, car la
# machine de construction est partagée (sous une charge de 15 sur 2 cœurs, charger TensorFlow a
# pris plus de 100 s).
SLOW = 900


def load_common_module():
    if str(SNIPPETS) not in sys.path:
        sys.path.insert(0, str(SNIPPETS))
    import commun

    return commun


# --- Lancer un script comme un utilisateur, et vérifier ce qu'il laisse -------------------------


class Launched:
    """Un script lancé dans sa propre session, avec son propre dossier temporaire (TMPDIR)."""

    def __init__(self, tmp_path: Path, name: str | Path, *args: str):
        script = name if isinstance(name, Path) else SNIPPETS / f"{name}.py"
        self.tmp = tmp_path / "tmp"
        self.tmp.mkdir()
        self.out_path, self.err_path = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
        env = {
            **paths.child_env(),
            "TMPDIR": str(self.tmp),
            "PYTHONUNBUFFERED": "1",  # chaque ligne arrive dans stdout.txt dès qu'elle est écrite
        }
        with self.out_path.open("w") as out, self.err_path.open("w") as err:
            self.process = subprocess.Popen(
                [PYTHON, str(script), *args],
                cwd=tmp_path,
                env=env,
                stdout=out,
                stderr=err,
                start_new_session=True,  # son groupe : on vérifie qu'il ne reste rien
            )

    @property
    def stdout(self) -> str:
        return self.out_path.read_text(encoding="utf-8", errors="replace")

    @property
    def stderr(self) -> str:
        return self.err_path.read_text(encoding="utf-8", errors="replace")

    def maps(self) -> str:
        try:
            return Path(f"/proc/{self.process.pid}/maps").read_text()
        except OSError:
            return ""

    def wait_for(self, ready, what: str, timeout: float = SLOW) -> None:
        """Attend que ready() soit vrai pendant que le script tourne encore."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"le script s'est arrêté avant {what} :\n{self.stdout}\n{self.stderr}")
            if ready():
                return
            time.sleep(0.05)
        pytest.fail(f"{what} : rien après {timeout} s\n{self.stdout}\n{self.stderr}")

    def interrupt(self) -> None:
        """Ctrl+C au clavier : SIGINT envoyé au script."""
        os.kill(self.process.pid, signal.SIGINT)

    def finish(self, timeout: float = SLOW) -> int:
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            tail = f"{self.stdout[-2000:]}\n{self.stderr[-2000:]}"
            pytest.fail(f"le script ne s'arrête pas :\n{tail}")
        finally:
            # Filet de sécurité : le test ne laisse rien derrière lui, même s'il échoue.
            if self.process.poll() is None:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()

    def leftovers(self) -> list[str]:
        """Processus de la session du script encore en vie, et fichiers temporaires laissés."""
        alive = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[3]) == self.process.pid and fields[0] != "Z":  # champ 6 : session
                alive.append(f"processus {stat.parent.name}")
        return alive + [f"fichier temporaire {p}" for p in self.tmp.rglob("*")]


def french_lines(stderr: str) -> list[str]:
    """Les lignes de la sortie d'erreur écrites par le script (sans les journaux de TF)."""
    return [line for line in stderr.splitlines() if line.strip() and not TF_LOG_LINE.match(line)]


def assert_clean_stop(run: Launched, code: int, expected_code: int, *fragments: str) -> str:
    stdout, stderr = run.stdout, run.stderr
    assert TRACEBACK not in stderr and TRACEBACK not in stdout, stderr[-3000:]
    assert code == expected_code, f"code {code} :\n{stdout[-1500:]}\n{stderr[-3000:]}"
    lines = french_lines(stderr)
    assert len(lines) == 1, f"une seule ligne attendue sur la sortie d'erreur :\n{stderr}"
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert run.leftovers() == []
    return lines[0]


def assert_metrics_valid_or_absent(logdir: Path) -> dict | None:
    """metrics.json est absent, ou du JSON strict (ni NaN ni Infinity) ; aucun temporaire."""
    if logdir.exists():
        assert not [p for p in logdir.rglob("*") if p.name.endswith(".tmp")]
    path = logdir / "metrics.json"
    if not path.exists():
        return None

    def refuse(constant):
        raise AssertionError(f"metrics.json contient {constant}")

    return json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse)


def test_the_checks_themselves_catch_planted_violations(tmp_path):
    """Les vérifications de ce module échouent bien sur ce qu'elles doivent refuser."""
    bad = tmp_path / "runs"
    bad.mkdir()
    (bad / "metrics.json").write_text('{"test_loss": NaN}')
    with pytest.raises(AssertionError, match="NaN"):
        assert_metrics_valid_or_absent(bad)
    (bad / "metrics.json").unlink()
    (bad / ".metrics.json.x.tmp").write_text("{")
    with pytest.raises(AssertionError):
        assert_metrics_valid_or_absent(bad)
    # Un script qui laisse un fichier temporaire et un processus derrière lui.
    code = (
        "import os, subprocess, sys, tempfile\n"
        "tempfile.NamedTemporaryFile(delete=False)\n"
        "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        "print('Traceback (most recent call last):', file=sys.stderr)\n"
    )
    (tmp_path / "fuite.py").write_text(code)
    run = Launched(tmp_path, tmp_path / "fuite.py")
    try:
        assert run.finish() == 0
        time.sleep(0.5)
        leftovers = run.leftovers()
        assert any(item.startswith("processus") for item in leftovers), leftovers
        assert any(item.startswith("fichier temporaire") for item in leftovers), leftovers
        with pytest.raises(AssertionError):
            assert_clean_stop(run, 0, 0)
    finally:
        os.killpg(run.process.pid, signal.SIGKILL)


# --- Valeurs impossibles : refusées avant tout calcul --------------------------------------------


@pytest.mark.parametrize("name", ["mlp_pytorch", "mlp_keras"])
@pytest.mark.parametrize(
    ("option", "value", "fragment"),
    [
        ("--lr", "inf", "n'est pas un nombre fini"),
        ("--lr", "nan", "n'est pas un nombre fini"),
        ("--seed", "-1", "n'est pas entre 0 et 4294967295"),
        ("--seed", str(2**32), "n'est pas entre 0 et 4294967295"),
    ],
)
def test_impossible_value_refused(name, option, value, fragment, tmp_path):
    logdir = tmp_path / "runs"
    run = Launched(tmp_path, name, option, value, "--logdir", str(logdir), "--device", "cpu")
    code = run.finish()
    assert_clean_stop(run, code, 2, f"{name}.py", "erreur", option, fragment)
    assert run.stdout == ""
    assert not logdir.exists()


# --- Un entraînement qui diverge -----------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("name", ["mlp_pytorch", "mlp_keras"])
def test_divergence_one_line_exit_2(name, tmp_path):
    """--lr 1e30 : les poids explosent, la perte devient NaN dès la première époque."""
    logdir = tmp_path / "runs"
    args = ["--lr", "1e30", "--limit", "500", "--epochs", "3", "--device", "cpu"]
    run = Launched(tmp_path, name, *args, "--logdir", str(logdir))
    code = run.finish()
    line = assert_clean_stop(run, code, 2, f"{name}.py", "a divergé à l'époque 1")
    assert "taux d'apprentissage plus petit que --lr 1e+30" in line
    assert "nan" in line
    assert assert_metrics_valid_or_absent(logdir) is None
    assert "Époque 2/3" not in run.stdout and "Epoch 2/3" not in run.stdout


def test_non_finite_measure_never_written(tmp_path, capsys):
    """save_metrics refuse NaN et l'infini : pas de metrics.json invalide."""
    common = load_common_module()
    args = argparse.Namespace(epochs=1, batch_size=64, lr=1e-3, seed=0)
    split = common.validation_split(20, 0)
    values = {
        "device": "cpu",
        "device_name": "test",
        "split": split,
        "test_images": 10000,
        "parameters": 1,
        "epoch_seconds": [1.0],
        "peak_memory": (None, "non mesurée"),
        "train_accuracy": 0.5,
        "validation_accuracy": 0.5,
        "validation_loss": 1.0,
        "test_accuracy": 0.5,
        "test_loss": 1.0,
        "versions": {},
    }
    for field, bad in [("test_loss", math.nan), ("validation_loss", math.inf)]:
        with pytest.raises(common.DivergenceError, match="a divergé à la fin"):
            common.save_metrics(tmp_path, "s", args, **{**values, field: bad})
        assert list(tmp_path.iterdir()) == []
    # Un nombre non fini qui échapperait aux vérifications : json.dumps(allow_nan=False).
    with pytest.raises(common.DivergenceError, match="non fini"):
        common.save_metrics(tmp_path, "s", args, **{**values, "epoch_seconds": [math.inf]})
    assert list(tmp_path.iterdir()) == []
    # Et le cas normal écrit bien du JSON strict.
    common.save_metrics(tmp_path, "s", args, **values)
    assert assert_metrics_valid_or_absent(tmp_path)["test_loss"] == 1.0


def test_interrupted_write_keeps_the_old_file(tmp_path, monkeypatch):
    common = load_common_module()
    target = tmp_path / "metrics.json"
    target.write_text('{"old": true}\n')

    def interrupted(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(common.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        common.write_atomically(target, '{"new": true}\n')
    assert [p.name for p in tmp_path.iterdir()] == ["metrics.json"]
    assert json.loads(target.read_text()) == {"old": True}


# --- Ctrl+C ---------------------------------------------------------------------------------

# Une bibliothèque partagée que le chargement du framework ouvre tôt : quand elle apparaît dans
# la mémoire du processus, l'import est en cours (il dure encore plusieurs secondes).
LOADING = {"mlp_pytorch": "libtorch", "cnn_pytorch": "libtorch", "mlp_keras": "tensorflow"}


@pytest.mark.slow
@pytest.mark.parametrize("name", ["mlp_pytorch", "cnn_pytorch", "mlp_keras"])
def test_ctrl_c_during_loading(name, tmp_path):
    logdir = tmp_path / "runs"
    args = ["--limit", "500", "--epochs", "1", "--device", "cpu", "--logdir", str(logdir)]
    run = Launched(tmp_path, name, *args)
    run.wait_for(lambda: LOADING[name] in run.maps(), f"le chargement de {LOADING[name]}")
    run.interrupt()
    code = run.finish()
    assert_clean_stop(run, code, 130, "Interrompu.")
    assert "Données" not in run.stdout  # arrêté avant même d'avoir lu les images
    assert assert_metrics_valid_or_absent(logdir) is None


@pytest.mark.slow
def test_ctrl_c_while_verifier_materiel_loads(tmp_path):
    run = Launched(tmp_path, "verifier_materiel", "--size", "64", "--repeats", "1")
    run.wait_for(lambda: "libtorch" in run.maps(), "le chargement de PyTorch")
    run.interrupt()
    code = run.finish()
    assert_clean_stop(run, code, 130, "Interrompu.")
    assert "GFLOP/s" not in run.stdout


# Des instants répartis sur toute la vie du script, comptés à partir du moment où le chargement
# du framework commence : import, lecture des données, tirage de la validation, chargement de
# TensorBoard, graphe du modèle, premières époques.
MOMENTS = [0.0, 0.5, 1.5, 3.0, 5.0, 8.0]


@pytest.mark.slow
@pytest.mark.parametrize("moment", MOMENTS, ids=lambda m: f"{m} s")
@pytest.mark.parametrize("name", ["mlp_pytorch", "mlp_keras"])
def test_ctrl_c_at_any_moment(name, moment, tmp_path):
    logdir = tmp_path / "runs"
    args = ["--limit", "2000", "--epochs", "200", "--device", "cpu", "--logdir", str(logdir)]
    run = Launched(tmp_path, name, *args)
    run.wait_for(lambda: LOADING[name] in run.maps(), f"le chargement de {LOADING[name]}")
    time.sleep(moment)
    assert run.process.poll() is None, f"{name} s'est arrêté avant {moment} s"
    run.interrupt()
    code = run.finish()
    assert_clean_stop(run, code, 130, "Interrompu.")
    assert assert_metrics_valid_or_absent(logdir) is None


def _swallowing_library():
    """Une bibliothèque qui intercepte tout (``except:``), Ctrl+C compris, puis continue."""
    try:
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(1)  # le gestionnaire de signal lève KeyboardInterrupt ici
    except:  # noqa: E722 : c'est la panne plantée
        pass


@pytest.mark.parametrize("after", ["fin normale", "erreur", "mesure suivante"])
def test_ctrl_c_swallowed_by_a_library(after, capsys):
    common = load_common_module()
    parser = common.FrenchParser(prog="essai.py")
    reached = []

    def command(args):
        _swallowing_library()
        reached.append("after")
        if after == "erreur":  # un import interrompu casse la suite : RecursionError, etc.
            raise RecursionError("maximum recursion depth exceeded")
        if after == "mesure suivante":  # la boucle d'entraînement vérifie à chaque époque
            common.stop_if_interrupted()
            reached.append("trop loin")

    pytest_handler = signal.getsignal(signal.SIGINT)
    try:
        code = common.run(parser, command, [])
        ignored = signal.getsignal(signal.SIGINT)
    finally:
        signal.signal(signal.SIGINT, pytest_handler)
    err = capsys.readouterr().err
    assert reached == ["after"]
    assert code == 130 and french_lines(err) == ["Interrompu."] and TRACEBACK not in err
    assert ignored == signal.SIG_IGN  # un second Ctrl+C n'interrompt pas la sortie


def test_without_ctrl_c_the_handler_is_restored(capsys):
    common = load_common_module()
    before = signal.getsignal(signal.SIGINT)
    assert common.run(common.FrenchParser(prog="essai.py"), lambda args: None, []) == 0
    assert signal.getsignal(signal.SIGINT) is before


# La fin de la première époque, dans la sortie de chaque script.
EPOCH_DONE = {"mlp_pytorch": "Époque 1/200\u00a0: perte", "mlp_keras": "val_loss"}


@pytest.mark.slow
@pytest.mark.parametrize("presses", [1, 2], ids=["une fois", "deux fois"])
@pytest.mark.parametrize("name", ["mlp_pytorch", "mlp_keras"])
def test_ctrl_c_during_training(name, presses, tmp_path):
    logdir = tmp_path / "runs"
    args = ["--limit", "2000", "--epochs", "200", "--device", "cpu", "--logdir", str(logdir)]
    run = Launched(tmp_path, name, *args)
    run.wait_for(lambda: EPOCH_DONE[name] in run.stdout, "la fin de la première époque")
    for _ in range(presses):
        run.interrupt()
        time.sleep(0.2)
    code = run.finish()
    assert_clean_stop(run, code, 130, "Interrompu.")
    assert assert_metrics_valid_or_absent(logdir) is None
    # Les journaux de l'époque terminée sont gardés.
    assert list((logdir / "validation").glob("events.out.tfevents*"))


# --- Vérification du matériel : tailles impossibles ---------------------------------------------


def test_huge_size_refused_before_computing(tmp_path):
    run = Launched(tmp_path, "verifier_materiel", "--size", "200000", "--device", "cpu")
    code = run.finish()
    line = assert_clean_stop(
        run, code, 2, "verifier_materiel.py", "--size 200000", "447,0\u00a0Gio", "plus petite"
    )
    assert "mémoire libre" in line
    assert "GFLOP/s" not in run.stdout


def test_allocation_refused_during_timing(monkeypatch, capfd):
    """Mémoire illisible (None, comme sur MPS) puis allocation refusée : une ligne, code 2."""
    if str(SNIPPETS) not in sys.path:
        sys.path.insert(0, str(SNIPPETS))
    import torch
    import verifier_materiel

    def no_room(torch_module, device, size, repeats):
        raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 149.01 GiB")

    find_spec = verifier_materiel.importlib.util.find_spec

    def without_tensorflow(name, *args):  # TensorFlow ne se charge pas dans ce processus
        return None if name == "tensorflow" else find_spec(name, *args)

    monkeypatch.setattr(verifier_materiel.importlib.util, "find_spec", without_tensorflow)
    monkeypatch.setattr(verifier_materiel, "available_memory", lambda *args: None)
    monkeypatch.setattr(verifier_materiel, "time_matmul", no_room)
    with pytest.raises(SystemExit) as exit_info:
        verifier_materiel.main(["--size", "200000", "--device", "cpu", "--repeats", "1"])
    err = capfd.readouterr().err
    assert exit_info.value.code == 2
    lines = french_lines(err)
    assert len(lines) == 1 and TRACEBACK not in err, err
    assert "--size 200000\u00a0: mémoire insuffisante sur l'appareil cpu" in lines[0]


# --- Données abîmées : le dire, et ne pas renvoyer vers « données absentes » -------------------


def _copy_data(tmp_path: Path) -> tuple[Path, Path]:
    import shutil

    data = ROOT / "build" / "data"
    keras_home, atelier_data = tmp_path / "keras", tmp_path / "atelier"
    shutil.copytree(data / "keras" / "datasets", keras_home / "datasets")
    shutil.copytree(data / "FashionMNIST" / "raw", atelier_data / "FashionMNIST" / "raw")
    return keras_home, atelier_data


def _truncate(path: Path, size: int = 1_000_000) -> None:
    path.write_bytes(path.read_bytes()[:size])


@pytest.mark.parametrize(
    ("name", "variable"), [("mlp_keras", "KERAS_HOME"), ("mlp_pytorch", "ATELIER_DATA")]
)
def test_truncated_data_called_damaged_not_missing(name, variable, tmp_path):
    keras_home, atelier_data = _copy_data(tmp_path)
    if name == "mlp_keras":
        bad = keras_home / "datasets" / "fashion-mnist" / "train-images-idx3-ubyte.gz"
    else:
        bad = atelier_data / "FashionMNIST" / "raw" / "train-images-idx3-ubyte"
    _truncate(bad)
    env = {**os.environ, "KERAS_HOME": str(keras_home), "ATELIER_DATA": str(atelier_data)}
    result = subprocess.run(
        [PYTHON, str(SNIPPETS / f"{name}.py"), "--limit", "500", "--epochs", "1", "--device",
         "cpu", "--logdir", str(tmp_path / "runs")],
        env=env, capture_output=True, text=True, timeout=SLOW, check=False,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr[-2000:]
    assert TRACEBACK not in result.stderr
    lines = french_lines(result.stderr)
    assert len(lines) == 1, lines
    assert "est abîmé" in lines[0] and str(bad) in lines[0] and "introuvable" not in lines[0]
    assert f"{variable}=build/data" in lines[0]
    assert not (tmp_path / "runs" / "metrics.json").exists()


def test_damaged_file_told_apart_from_missing_file(tmp_path):
    common = load_common_module()
    keras_home, atelier_data = _copy_data(tmp_path)
    archives = keras_home / "datasets" / "fashion-mnist"
    raw = atelier_data / "FashionMNIST" / "raw"
    assert common.damaged_data_file(archives, ".gz") is None  # la vraie copie est saine
    assert common.damaged_data_file(raw) is None
    labels = archives / "t10k-labels-idx1-ubyte.gz"
    good = labels.read_bytes()
    # Un octet retourné lève, selon l'endroit, une somme de contrôle fausse (OSError), une
    # erreur du flux compressé (zlib.error) ou une fin prématurée (EOFError) : on essaie
    # plusieurs endroits, chacun doit être dit abîmé.
    for position in (len(good) // 4, len(good) // 2, 3 * len(good) // 4, len(good) - 6):
        data = bytearray(good)
        data[position] ^= 0xFF
        labels.write_bytes(bytes(data))
        found = common.damaged_data_file(archives, ".gz")
        assert found is not None and found[0] == labels, position
    labels.write_bytes(good)
    assert common.damaged_data_file(archives, ".gz") is None
    labels.write_bytes(bytes(data))
    (raw / "t10k-labels-idx1-ubyte").write_bytes(b"\0" * 100)
    assert common.damaged_data_file(raw)[0] == raw / "t10k-labels-idx1-ubyte"
    (raw / "t10k-labels-idx1-ubyte").unlink()  # absent : ce n'est plus « abîmé »
    assert common.damaged_data_file(raw) is None
