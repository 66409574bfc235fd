"""Le code du dépôt passe ruff (vérification et formatage), et les tutoriels de l'atelier aussi
une fois leur code commun inséré (python -m tools.shared_code --lint)."""

from __future__ import annotations

import subprocess

from conftest import PYTHON, ROOT, run_module

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


def test_ruff_is_clean_on_the_complete_workshop_tutorials():
    result = run_module("tools.shared_code", "--lint")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 tutoriel(s) complet(s) vérifié(s), 0 remarque(s)." in result.stdout
