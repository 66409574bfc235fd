"""Outils partagés des tests."""

from __future__ import annotations

import gzip
import hashlib
import os
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def idx_bytes(kind: str, count: int, *, seed: int = 0, magic: int | None = None) -> bytes:
    """Un petit fichier idx (format de MNIST) fabriqué par les tests."""
    rng = np.random.default_rng(seed)
    if kind == "images":
        header = struct.pack(">IIII", magic or 2051, count, 28, 28)
        body = rng.integers(0, 256, size=count * 28 * 28, dtype=np.uint8).tobytes()
    else:
        header = struct.pack(">II", magic or 2049, count)
        body = rng.integers(0, 10, size=count, dtype=np.uint8).tobytes()
    return header + body


@pytest.fixture
def synthetic_dataset(tmp_path, monkeypatch):
    """Quatre fichiers idx .gz synthétiques et les SPECS correspondantes."""
    from tools import data

    folder = tmp_path / "source"
    folder.mkdir()
    specs = {}
    sizes = {"train": 12, "t10k": 5}
    for name in data.SPECS:
        split, kind = name.split("-")[0], name.split("-")[1]
        content = idx_bytes(kind, sizes[split], seed=len(specs))
        (folder / f"{name}.gz").write_bytes(gzip.compress(content))
        magic = 2051 if kind == "images" else 2049
        specs[name] = data.Spec(magic, sizes[split], hashlib.sha256(content).hexdigest())
    monkeypatch.setattr(data, "SPECS", specs)
    return folder, specs


def run_module(module: str, *args: str, env: dict | None = None, cwd: Path = ROOT):
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [PYTHON, "-m", module, *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="session")
def built_site():
    """Le site construit une fois par session par « make site » (mkdocs build --strict, site/)."""
    import time

    started = time.perf_counter()
    # La cible même qu'appellent les workflows : exécution des tutoriels puis build strict.
    result = subprocess.run(
        ["make", "site"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    print(f"\nmake site : {elapsed:.1f} s")
    return {"dir": ROOT / "site", "seconds": elapsed, "log": result.stderr}


def tutorial_names() -> list[str]:
    return sorted(p.stem for p in (ROOT / "tutorials").glob("[0-9][0-9]_*.py"))
