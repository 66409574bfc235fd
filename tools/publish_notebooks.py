"""Publie les notebooks exécutés sur la branche « notebooks » du dépôt.

    python -m tools.publish_notebooks        (ou : make publish-notebooks)

Chaque fichier ``build/notebooks/*.ipynb`` (produit par ``make notebooks``) est
placé dans un unique commit orphelin, poussé en force sur ``refs/heads/notebooks`` :
la branche contient exactement les notebooks publiés, sans historique, et les liens
``https://colab.research.google.com/github/<owner>/<repo>/blob/notebooks/<nom>.ipynb``
les ouvrent tels quels.

Destination :

* ``PUBLISH_REMOTE`` s'il est défini (chemin local ou URL, utilisé par les tests) ;
* sinon ``https://github.com/${PUBLISH_REPOSITORY}.git``, authentifié par
  ``GITHUB_TOKEN`` transmis dans un en-tête HTTP (jamais affiché, jamais écrit
  sur disque, jamais sur la ligne de commande).

La branche visée est remplacée par un commit orphelin (push forcé) : la branche par
défaut du dépôt (``main``, ``master``, celle que désigne ``PUBLISH_DEFAULT_BRANCH`` ou
la HEAD du dépôt distant) est donc toujours refusée.
"""

from __future__ import annotations

import argparse
import base64
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from tools import paths

ROOT = paths.ROOT
DEFAULT_SOURCE = Path("build") / "notebooks"
DEFAULT_BRANCH = "notebooks"
# Jamais remplacées par un commit orphelin, quel que soit le dépôt.
PROTECTED_BRANCHES = ("main", "master")
AUTHOR_NAME = "Atelier DL"
AUTHOR_EMAIL = "actions@users.noreply.github.com"

README = """\
# Notebooks exécutés : branche générée

Cette branche est **générée automatiquement** par `make publish-notebooks`
(workflow « Pages ») à chaque push sur `main`. Elle contient les tutoriels
exécutés, tels qu'ils s'ouvrent dans Colab via les liens du site.

Ne la modifiez pas à la main : elle est remplacée (push forcé, commit orphelin)
à chaque publication. Les sources des tutoriels sont sur la branche `main`.
"""

# Variables qui, héritées d'un hook ou d'un autre dépôt, feraient travailler git
# ailleurs que dans le dépôt temporaire.
_GIT_ENV_LEAKS = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY")


class PublicationError(Exception):
    """Erreur présentée à l'utilisateur (message en français, sans trace)."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


class _FrenchHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        return super().add_usage(usage, actions, groups, prefix or "utilisation : ")


class _FrenchArgumentParser(argparse.ArgumentParser):
    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {message}\n")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = _FrenchArgumentParser(
        prog="python -m tools.publish_notebooks",
        description=(
            "Pousse les notebooks exécutés (build/notebooks/*.ipynb) en un seul commit "
            "orphelin, en force, sur une branche du dépôt (ouverte par les liens Colab)."
        ),
        epilog=(
            "Destination : PUBLISH_REMOTE (chemin local ou URL) s'il est défini, sinon "
            "https://github.com/$PUBLISH_REPOSITORY.git authentifié par GITHUB_TOKEN."
        ),
        formatter_class=_FrenchHelpFormatter,
        add_help=False,
    )
    parser.add_argument("-h", "--help", action="help", help="affiche cette aide et quitte")
    parser.add_argument(
        "--source",
        type=Path,
        default=DEFAULT_SOURCE,
        help="dossier des notebooks exécutés (défaut : %(default)s)",
    )
    parser.add_argument(
        "--branch",
        default=DEFAULT_BRANCH,
        help="branche à remplacer sur le dépôt distant (défaut : %(default)s)",
    )
    return parser.parse_args(argv)


def find_notebooks(source: Path) -> list[Path]:
    """Notebooks à publier, triés ; erreur (code 2) s'il n'y en a aucun."""
    notebooks = sorted(p for p in source.glob("*.ipynb") if p.is_file()) if source.is_dir() else []
    if not notebooks:
        raise PublicationError(
            f"Aucun notebook exécuté dans {source}/ : lancez d'abord « make notebooks ».",
            code=2,
        )
    return notebooks


def resolve_remote(env: dict[str, str]) -> tuple[str, str | None, str | None]:
    """Renvoie (remote, jeton, dépôt GitHub) d'après l'environnement."""
    remote = env.get("PUBLISH_REMOTE", "").strip()
    if remote:
        # Un chemin local relatif est relatif au dossier courant, pas au dépôt temporaire.
        if "://" not in remote and not remote.startswith("git@") and Path(remote).exists():
            remote = str(Path(remote).resolve())
        return remote, None, None

    repository = env.get("PUBLISH_REPOSITORY", "").strip()
    if not repository:
        raise PublicationError(
            "Destination inconnue : définissez PUBLISH_REMOTE (chemin ou URL d'un dépôt) "
            "ou PUBLISH_REPOSITORY (owner/repo sur GitHub, avec GITHUB_TOKEN).",
            code=2,
        )
    token = env.get("GITHUB_TOKEN", "").strip()
    if not token:
        raise PublicationError(
            f"GITHUB_TOKEN absent : impossible de pousser sur {repository}.", code=2
        )
    return f"https://github.com/{repository}.git", token, repository


def _git_env(token: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _GIT_ENV_LEAKS}
    env["GIT_TERMINAL_PROMPT"] = "0"  # jamais de demande interactive d'identifiants
    if token:
        # Équivalent de `git -c http.extraheader=...`, mais hors de la ligne de
        # commande (donc invisible dans la liste des processus et les messages).
        basic = base64.b64encode(f"x-access-token:{token}".encode()).decode()
        env["GIT_CONFIG_COUNT"] = "1"
        env["GIT_CONFIG_KEY_0"] = "http.https://github.com/.extraheader"
        env["GIT_CONFIG_VALUE_0"] = f"AUTHORIZATION: basic {basic}"
    return env


def _git(args: list[str], cwd: Path, env: dict[str, str], secrets: tuple[str, ...] = ()) -> None:
    result = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()
        for secret in secrets:
            if secret:
                detail = detail.replace(secret, "***")
        raise PublicationError(f"Échec de « git {args[0]} » :\n{detail}")


def _refuse(branch: str, why: str) -> PublicationError:
    return PublicationError(
        f"refus de publier sur « {branch} » : {why} ; la publication remplace la branche par "
        f"un commit orphelin (push forcé). Choisissez une branche dédiée (--branch "
        f"{DEFAULT_BRANCH} par défaut).",
        code=2,
    )


def check_branch(branch: str, env: dict[str, str]) -> None:
    """Refuse main, master et la branche par défaut déclarée (PUBLISH_DEFAULT_BRANCH)."""
    name = branch.removeprefix("refs/heads/").strip()
    declared = env.get("PUBLISH_DEFAULT_BRANCH", "").strip()
    if not name:
        raise PublicationError("--branch : nom de branche vide.", code=2)
    if name in PROTECTED_BRANCHES or name == declared:
        raise _refuse(name, "c'est la branche par défaut du dépôt")


def remote_default_branch(remote: str, env: dict[str, str]) -> str | None:
    """La branche que désigne la HEAD du dépôt distant (None si on ne peut pas la lire)."""
    result = subprocess.run(
        ["git", "ls-remote", "--symref", remote, "HEAD"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    for line in result.stdout.splitlines():
        if line.startswith("ref: refs/heads/") and line.endswith("HEAD"):
            return line.split()[1].removeprefix("refs/heads/")
    return None


def publish(source: Path, branch: str, env: dict[str, str]) -> list[Path]:
    check_branch(branch, env)
    notebooks = find_notebooks(source)
    remote, token, repository = resolve_remote(env)
    if shutil.which("git") is None:
        raise PublicationError("git est introuvable : installez-le (make system).", code=2)

    git_env = _git_env(token)
    secrets = (token or "",)
    if remote_default_branch(remote, git_env) == branch.removeprefix("refs/heads/"):
        raise _refuse(branch, "c'est la branche par défaut (HEAD) du dépôt distant")
    sha = env.get("GITHUB_SHA", "").strip()
    message = f"Notebooks exécutés ({len(notebooks)})" + (f" depuis {sha[:12]}" if sha else "")

    with tempfile.TemporaryDirectory(prefix="atelier-notebooks-") as tmp:
        work = Path(tmp)
        _git(["init", "-q", f"--initial-branch={branch}"], work, git_env)
        for notebook in notebooks:
            shutil.copy2(notebook, work / notebook.name)
        (work / "README.md").write_text(README, encoding="utf-8")
        _git(["add", "--all"], work, git_env)
        _git(
            [
                "-c",
                f"user.name={AUTHOR_NAME}",
                "-c",
                f"user.email={AUTHOR_EMAIL}",
                "-c",
                "commit.gpgsign=false",
                "commit",
                "-q",
                "--no-verify",
                "-m",
                message,
            ],
            work,
            git_env,
        )
        _git(
            ["push", "-q", "--force", remote, f"HEAD:refs/heads/{branch}"],
            work,
            git_env,
            secrets,
        )

    print(f"{len(notebooks)} notebook(s) publié(s) sur la branche « {branch} » :")
    for notebook in notebooks:
        if repository:
            url = (
                f"https://colab.research.google.com/github/{repository}"
                f"/blob/{branch}/{notebook.name}"
            )
            print(f"  {notebook.name}  →  {url}")
        else:
            print(f"  {notebook.name}")
    return notebooks


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    source = args.source if args.source.is_absolute() else Path.cwd() / args.source
    if not source.exists() and not args.source.is_absolute():
        source = ROOT / args.source  # lancé hors de la racine du dépôt
    try:
        publish(source, args.branch, dict(os.environ))
    except PublicationError as exc:
        print(f"publish_notebooks : {exc}", file=sys.stderr)
        return exc.code
    return 0


if __name__ == "__main__":
    sys.exit(main())
