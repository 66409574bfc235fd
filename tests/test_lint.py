"""Le code du dépôt passe ruff (vérification et formatage)."""

from __future__ import annotations

import subprocess

from conftest import PYTHON, ROOT

FOLDERS = [d for d in ("tools", "snippets", "tutorials", "tests") if (ROOT / d).is_dir()]


def test_ruff_check_is_clean():
    result = subprocess.run(
        [PYTHON, "-m", "ruff", "check", *FOLDERS], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean():
    result = subprocess.run(
        [PYTHON, "-m", "ruff", "format", "--check", *FOLDERS],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
