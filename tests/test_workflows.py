"""Workflows GitHub (audit zizmor, épinglage, appels au Makefile) et publication
des notebooks sur la branche « notebooks »."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from tools import paths

ROOT = paths.ROOT
WORKFLOWS_DIR = ROOT / ".github" / "workflows"
WORKFLOWS = sorted([*WORKFLOWS_DIR.glob("*.yml"), *WORKFLOWS_DIR.glob("*.yaml")])
ZIZMOR = Path(sys.executable).parent / "zizmor"
SHA_PIN = re.compile(r"^[A-Za-z0-9_.-]+/[A-Za-z0-9_./-]+@[0-9a-f]{40}$")
MAKE_CALL = re.compile(r"^make ([A-Za-z0-9_-]+)$")

requires_git = pytest.mark.skipif(shutil.which("git") is None, reason="git absent")


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _steps(workflow: dict):
    for job_id, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            yield job_id, step


def _makefile_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Za-z0-9_-]+):", text, flags=re.MULTILINE))


def test_workflows_are_present():
    names = {p.name for p in WORKFLOWS}
    assert {"ci.yml", "pages.yml"} <= names


def test_zizmor_without_warning():
    assert ZIZMOR.exists(), f"zizmor absent de l'environnement ({ZIZMOR}) : make venv"
    result = subprocess.run(
        [str(ZIZMOR), "--offline", "--format=json", ".github/workflows"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    findings = json.loads(result.stdout or "[]")
    resume = [(f.get("ident"), f.get("desc")) for f in findings]
    assert result.returncode == 0 and findings == [], f"{resume}\n{result.stderr}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_pinned_by_sha(path):
    workflow = _load(path)
    uses = [step["uses"] for _, step in _steps(workflow) if "uses" in step]
    uses += [job["uses"] for job in workflow["jobs"].values() if "uses" in job]
    assert uses
    for ref in uses:
        if ref.startswith("./"):
            continue  # action locale : versionnée avec le dépôt
        assert SHA_PIN.match(ref), f"{path.name} : « {ref} » n'est pas épinglé par SHA"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_run_calls_the_makefile(path):
    targets = _makefile_targets()
    runs = [(job, step["run"]) for job, step in _steps(_load(path)) if "run" in step]
    assert runs
    for job, command in runs:
        match = MAKE_CALL.match(command.strip())
        assert match, f"{path.name}/{job} : « {command.strip()} » n'est pas un « make <cible> »"
        assert match.group(1) in targets, f"{path.name}/{job} : cible inconnue {match.group(1)}"


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_permissions_empty_by_default(path):
    workflow = _load(path)
    assert workflow.get("permissions") == {}
    # PyYAML lit la clé `on` comme le booléen True.
    assert workflow.get(True, workflow.get("on"))
    for job_id, job in workflow["jobs"].items():
        assert "permissions" in job, f"{path.name}/{job_id} : permissions non déclarées"


# --- publication des notebooks ------------------------------------------------


def _publish_env(tmp_path: Path, remote: Path | None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PUBLISH_REMOTE", "PUBLISH_REPOSITORY", "GITHUB_TOKEN"}
        and not k.startswith("GIT_")
    }
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    # Aucune configuration git de l'utilisateur : l'identité vient du script.
    env.update(HOME=str(home), GIT_CONFIG_NOSYSTEM="1", XDG_CONFIG_HOME=str(home))
    if remote is not None:
        env["PUBLISH_REMOTE"] = str(remote)
    return env


def _run_publish(source: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tools.publish_notebooks", "--source", str(source)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def _write_notebook(path: Path, text: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(text), nbformat.v4.new_code_cell("1 + 1")]
    nbformat.validate(nb)
    nbformat.write(nb, path)


@requires_git
def test_publishing_to_a_bare_repository(tmp_path):
    bare = tmp_path / "distant.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    source = tmp_path / "notebooks"
    source.mkdir()
    _write_notebook(source / "01_tenseurs.ipynb", "# Tenseurs")
    env = _publish_env(tmp_path, bare)

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", f"--git-dir={bare}", *args],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    result = _run_publish(source, env)
    assert result.returncode == 0, result.stderr
    published = nbformat.reads(git("show", "notebooks:01_tenseurs.ipynb"), as_version=4)
    assert published.cells[0].source == "# Tenseurs"
    assert "générée" in git("show", "notebooks:README.md")
    assert git("log", "-1", "--format=%an <%ae>", "notebooks").strip() == (
        "Atelier DL <actions@users.noreply.github.com>"
    )

    # Republier remplace la branche : un seul commit, uniquement les notebooks actuels.
    (source / "01_tenseurs.ipynb").unlink()
    _write_notebook(source / "02_reseaux.ipynb", "# Réseaux")
    result = _run_publish(source, env)
    assert result.returncode == 0, result.stderr
    assert git("rev-list", "--count", "notebooks").strip() == "1"
    files = git("ls-tree", "--name-only", "notebooks").split()
    assert sorted(files) == ["02_reseaux.ipynb", "README.md"]


def test_publishing_without_notebook(tmp_path):
    source = tmp_path / "vide"
    source.mkdir()
    result = _run_publish(source, _publish_env(tmp_path, tmp_path / "distant.git"))
    assert result.returncode == 2
    assert "make notebooks" in result.stderr
    assert "Aucun notebook" in result.stderr
    assert "Traceback" not in result.stderr


def test_publishing_without_destination(tmp_path):
    source = tmp_path / "notebooks"
    source.mkdir()
    _write_notebook(source / "01_tenseurs.ipynb", "# Tenseurs")
    result = _run_publish(source, _publish_env(tmp_path, None))
    assert result.returncode == 2
    assert "PUBLISH_REMOTE" in result.stderr and "PUBLISH_REPOSITORY" in result.stderr
    assert "Traceback" not in result.stderr


def test_help_is_in_french():
    result = subprocess.run(
        [sys.executable, "-m", "tools.publish_notebooks", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "--source" in result.stdout and "--branch" in result.stdout
    assert "dossier des notebooks" in result.stdout
