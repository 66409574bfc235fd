"""Provisionnement de Fashion-MNIST : trouvé, absent hors ligne, corrompu."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
import textwrap

import pytest
from conftest import ROOT, idx_bytes, run_module

from tools import data


def isolated_env(tmp_path, **extra):
    return {
        "ATELIER_DATA": str(tmp_path / "dest"),
        "KERAS_HOME": str(tmp_path / "dest" / "keras"),
        "ATELIER_SYSTEM_DATASETS": str(tmp_path / "aucun-paquet"),
        "ATELIER_FASHION_MNIST_DIR": "",
        # Un miroir injoignable (port fermé de la boucle locale) : la machine est « hors ligne ».
        "ATELIER_DOWNLOAD_URL": "http://127.0.0.1:9/",
        **extra,
    }


def test_found_files_seed_both_canonical_caches(synthetic_dataset, tmp_path, monkeypatch):
    folder, specs = synthetic_dataset
    for key, value in isolated_env(tmp_path, ATELIER_FASHION_MNIST_DIR=str(folder)).items():
        monkeypatch.setenv(key, value)
    manifest = data.provision()
    raw = tmp_path / "dest" / "FashionMNIST" / "raw"
    keras_dir = tmp_path / "dest" / "keras" / "datasets" / "fashion-mnist"
    for name, spec in specs.items():
        assert hashlib.sha256((raw / name).read_bytes()).hexdigest() == spec.sha256
        with gzip.open(keras_dir / f"{name}.gz") as f:
            assert f.read() == (raw / name).read_bytes()
    assert manifest["origins"] == {name: str(folder) for name in specs}
    assert json.loads((tmp_path / "dest" / "fashion-mnist.json").read_text())["files"] == {
        n: s.sha256 for n, s in specs.items()
    }


def test_canonical_loaders_read_the_seeded_files_without_network(synthetic_dataset, tmp_path):
    """torchvision et Keras, appelés tels quels, lisent la copie locale sans rien télécharger."""
    folder, specs = synthetic_dataset
    env = isolated_env(tmp_path, ATELIER_FASHION_MNIST_DIR=str(folder))
    for key, value in env.items():
        os.environ[key] = value
    try:
        data.provision()
    finally:
        for key in env:
            os.environ.pop(key, None)
    script = textwrap.dedent(
        """
        import os, socket
        def interdit(*a, **k):
            raise RuntimeError("accès réseau interdit pendant le test")
        socket.socket.connect = interdit
        socket.create_connection = interdit
        import torchvision
        train = torchvision.datasets.FashionMNIST(os.environ["ATELIER_DATA"], download=True)
        test = torchvision.datasets.FashionMNIST(
            os.environ["ATELIER_DATA"], train=False, download=True)
        import keras
        (x, y), (xt, yt) = keras.datasets.fashion_mnist.load_data()
        print(len(train), len(test), x.shape, xt.shape, int(y.max()) < 10)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split()[-1] == "True"
    assert "12 5 (12, 28, 28) (5, 28, 28)" in result.stdout


def test_missing_data_offline_gives_french_message_and_exit_2(tmp_path):
    result = run_module("tools.data", env=isolated_env(tmp_path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "Fashion-MNIST est introuvable" in result.stderr
    assert "apt-get install dataset-fashion-mnist" in result.stderr
    assert "ATELIER_FASHION_MNIST_DIR" in result.stderr
    assert not (tmp_path / "dest" / "FashionMNIST").exists()


def test_offline_flag_never_tries_the_network(tmp_path):
    result = run_module("tools.data", "--offline", env=isolated_env(tmp_path))
    assert result.returncode == 2
    assert "mode hors ligne" in result.stderr


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        ("magic", "nombre magique"),
        ("truncated", "tronqué"),
        ("labels", "hors de l'intervalle"),
        ("bitflip", "corrompu"),
    ],
)
def test_corrupt_file_is_refused_with_exit_2(tmp_path, fault, expected):
    """Les vrais fichiers attendus, altérés par le test : chaque défaut est nommé."""
    folder = tmp_path / "source"
    folder.mkdir()
    name = "t10k-labels-idx1-ubyte"
    content = bytearray(idx_bytes("labels", 10000, seed=1))
    if fault == "magic":
        content[3] = 0x07
    elif fault == "truncated":
        content = content[:-100]
    elif fault == "labels":
        content[20] = 42
    (folder / f"{name}.gz").write_bytes(gzip.compress(bytes(content)))
    # Les trois autres fichiers viennent du paquet Debian s'il est là ; le défaut est vu avant.
    env = isolated_env(tmp_path, ATELIER_FASHION_MNIST_DIR=str(folder))
    env["ATELIER_SYSTEM_DATASETS"] = str(data.SYSTEM_DIR)
    result = run_module("tools.data", env=env)
    if not data.SYSTEM_DIR.is_dir():
        pytest.skip("paquet dataset-fashion-mnist absent")
    assert result.returncode == 2, result.stdout
    assert "Traceback" not in result.stderr
    assert "Fichier corrompu" in result.stderr and name in result.stderr
    assert expected in result.stderr


def test_idx_checks_structure_and_checksum():
    spec = data.Spec(2049, 3, "0" * 64)
    with pytest.raises(data.DataError, match="empreinte"):
        data.check_idx("x", idx_bytes("labels", 3), spec)
    with pytest.raises(data.DataError, match="4 exemples au lieu de 3"):
        data.check_idx("x", idx_bytes("labels", 4), spec)


def test_project_data_is_provisioned_and_verified():
    """La copie du projet (make data) est complète et correspond aux empreintes officielles."""
    manifest = data.manifest_path(data.data_dir())
    assert manifest.is_file(), "lancez « make data »"
    raw = data.data_dir() / "FashionMNIST" / "raw"
    for name, spec in data.SPECS.items():
        data.check_idx(name, (raw / name).read_bytes(), spec)
    assert (ROOT / "tools" / "data.py").is_file()
