"""Le verrou (requirements/complet.txt, requirements/apercu.txt) suit pyproject.toml, et tout ce
qui installe ou affiche l'environnement passe par lui."""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tools import lock, paths

ROOT = paths.ROOT


def _copies(tmp_path: Path) -> dict[str, Path]:
    """Copies de pyproject.toml et des verrous, à abîmer."""
    copies = {}
    for name, source in {
        "pyproject": lock.PYPROJECT,
        "lock": lock.LOCK,
        "preview_in": lock.PREVIEW_IN,
        "preview_lock": lock.PREVIEW_LOCK,
    }.items():
        copies[name] = tmp_path / source.name
        copies[name].write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    return copies


def test_lock_agrees_with_pyproject():
    assert lock.disagreements() == []


def test_lock_pins_the_required_versions():
    held = lock.locked_versions()
    assert held["torch"] == "2.14.1"
    assert held["torchvision"] == "0.29.1"
    assert held["tensorflow"] == "2.21.0"
    entries = lock.read_lock()
    assert all(entry["hashes"] for entry in entries.values())


def test_preview_lock_has_no_heavy_package():
    preview = lock.read_lock(lock.PREVIEW_LOCK)
    assert {"mkdocs", "mkdocs-material", "mkdocs-jupyter"} <= set(preview)
    assert not {"torch", "tensorflow", "torchvision", "keras"} & set(preview)
    assert not any(name.startswith("nvidia-") for name in preview)


@pytest.mark.parametrize(
    "target, old, new, expected",
    [
        (
            "pyproject",
            '"numpy==2.5.5"',
            '"numpy==2.4.0"',
            "numpy : pyproject.toml épingle 2.4.0, le verrou tient 2.5.5.",
        ),
        (
            "pyproject",
            "  # calcul\n",
            '  # calcul\n  "requests-toolbelt==1.0.0",\n',
            "requests-toolbelt est déclaré dans pyproject.toml mais absent du verrou.",
        ),
        (
            "pyproject",
            '  "tqdm==4.70.1",\n',
            "",
            "tqdm est une dépendance directe du verrou que pyproject.toml ne déclare plus.",
        ),
        (
            "preview_lock",
            "mkdocs==1.6.1",
            "mkdocs==1.6.0",
            "mkdocs : l'aperçu tient 1.6.0, le verrou complet 1.6.1.",
        ),
    ],
    ids=["version", "nouvelle-dependance", "dependance-retiree", "apercu"],
)
def test_a_planted_disagreement_fails_and_is_named(tmp_path, target, old, new, expected):
    files = _copies(tmp_path)
    text = files[target].read_text(encoding="utf-8")
    assert old in text
    files[target].write_text(text.replace(old, new), "utf-8")
    assert lock.disagreements(**files) == [expected]


def test_planted_missing_hash_fails(tmp_path):
    files = _copies(tmp_path)
    text = files["lock"].read_text(encoding="utf-8")
    text = re.sub(r"(tqdm==4\.70\.1) \\\n(    --hash=\S+( \\)?\n)+", r"\1\n", text)
    files["lock"].write_text(text, "utf-8")
    assert "tqdm n'a aucune empreinte dans le verrou." in lock.disagreements(**files)


def test_check_command_names_the_fix(tmp_path, monkeypatch, capsys):
    files = _copies(tmp_path)
    text = files["pyproject"].read_text(encoding="utf-8")
    files["pyproject"].write_text(text.replace('"numpy==2.5.5"', '"numpy==2.4.0"'), "utf-8")
    for attr, key in (("PYPROJECT", "pyproject"), ("LOCK", "lock")):
        monkeypatch.setattr(lock, attr, files[key])
    assert lock.main(["--check"]) == 1
    err = capsys.readouterr().err
    assert "numpy : pyproject.toml épingle 2.4.0" in err and "lancez « make lock »" in err


def test_check_command_passes_here():
    result = subprocess.run(
        [sys.executable, "-m", "tools.lock", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Verrou à jour" in result.stdout


def test_fingerprint_follows_versions_not_layout(tmp_path):
    files = _copies(tmp_path)
    before = lock.fingerprint(files["lock"])
    text = files["lock"].read_text(encoding="utf-8")
    files["lock"].write_text("# commentaire ajouté\n" + text, "utf-8")
    assert lock.fingerprint(files["lock"]) == before
    files["lock"].write_text(text.replace("tqdm==4.70.1", "tqdm==4.70.2"), "utf-8")
    assert lock.fingerprint(files["lock"]) != before


def test_cache_fingerprint_is_the_lock():
    assert paths.dependencies_fingerprint() == lock.fingerprint()
    assert "urllib3==" in paths.dependencies_fingerprint()  # une dépendance transitive


def test_install_and_stamp_use_the_lock():
    script = (ROOT / "tools" / "install_venv.sh").read_text(encoding="utf-8")
    assert "--require-hashes -r" in script and "--no-deps -e ." in script
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^\$\(STAMP\): pyproject\.toml \$\(LOCK\)$", makefile, re.M)
    assert re.search(r"^lock: ", makefile, re.M)
    for workflow in (ROOT / ".github" / "workflows").glob("*.yml"):
        text = workflow.read_text(encoding="utf-8")
        assert "hashFiles('pyproject.toml')" not in text, workflow.name
        assert "requirements/complet.txt" in text, workflow.name


def test_banner_versions_are_the_lock(caplog):
    from tools.hooks import tutorial_pages

    record = {"tutorial": "01_x", "versions": {"python": "3.12.1", "torch": "2.14.1+cu130"}}
    shown = tutorial_pages.locked_versions(record)
    assert shown == {"python": "3.12.1", "torch": "2.14.1"}
    assert not caplog.records


def test_banner_versions_refuse_a_stale_environment(caplog):
    from tools.hooks import tutorial_pages

    record = {"tutorial": "01_x", "versions": {"python": "3.12.1", "torch": "2.13.0"}}
    with caplog.at_level(logging.WARNING, logger="mkdocs.hooks.atelier"):
        shown = tutorial_pages.locked_versions(record)
    assert shown["torch"] == "2.14.1"
    assert "01_x a été exécuté avec torch 2.13.0, le verrou tient 2.14.1" in caplog.text


@pytest.mark.parametrize("record", sorted(paths.NOTEBOOKS.glob("[0-9][0-9]_*.json")), ids=str)
def test_execution_records_match_the_lock(record):
    import json

    versions = json.loads(record.read_text(encoding="utf-8")).get("versions", {})
    held = lock.locked_versions()
    for module, version in versions.items():
        if module != "python":
            assert version.split("+")[0] == held[module], f"{record.name} : {module}"
