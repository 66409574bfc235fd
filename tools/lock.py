"""Le verrou de l'environnement : chaque dépendance, transitive ou non, et ses empreintes.

* ``requirements/complet.txt`` : l'environnement complet (pyproject.toml, extra « dev »), résolu
  pour Linux x86_64 et Python 3.12 par ``uv pip compile --generate-hashes`` ; ``make venv`` et les
  deux workflows l'installent par ``pip install --require-hashes`` ;
* ``requirements/apercu.txt`` : les seuls paquets du site (``requirements/apercu.in``), aux
  versions du verrou complet, pour ``make apercu`` (sans PyTorch ni TensorFlow) ;
* ``python -m tools.lock`` (``make lock``) régénère les deux fichiers, avec un uv épinglé installé
  dans ``build/outils-verrou`` (jamais dans ``.venv``) ;
* ``python -m tools.lock --check`` : chaque dépendance directe de pyproject.toml est dans le verrou
  à la même version, le verrou n'en tient pas d'autre, et l'aperçu en est un sous-ensemble exact.

Bibliothèque standard seulement : lancé avant que ``.venv`` n'existe.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"
REQUIREMENTS = ROOT / "requirements"
LOCK = REQUIREMENTS / "complet.txt"
PREVIEW_IN = REQUIREMENTS / "apercu.in"
PREVIEW_LOCK = REQUIREMENTS / "apercu.txt"
# L'outil qui résout, lui-même épinglé : deux « make lock » sur un même index, un même verrou.
UV_VERSION = "0.13.9"
TOOLS_VENV = ROOT / "build" / "outils-verrou"
PLATFORM = ["--python-version", "3.12", "--python-platform", "x86_64-manylinux_2_28"]
# La ligne « # via atelier-dl (pyproject.toml) » marque une dépendance directe.
DIRECT = "atelier-dl (pyproject.toml)"
ENTRY_RE = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;\\]+)")
HASH_RE = re.compile(r"--hash=(sha256:[0-9a-f]{64})")
REQUIREMENT_RE = re.compile(
    r"^\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?P<spec>.*)$"
)


class LockError(Exception):
    """Un verrou absent, illisible ou en désaccord avec pyproject.toml, en une phrase française."""


def normalize(name: str) -> str:
    """Le nom canonique d'une distribution (PEP 503) : « Jinja2 » et « jinja2 » sont le même."""
    return re.sub(r"[-_.]+", "-", name).lower()


def parse_lock(text: str) -> dict[str, dict]:
    """{nom canonique : {"version", "hashes", "via"}} d'un verrou écrit par uv ou pip-tools."""
    entries: dict[str, dict] = {}
    current = None
    for line in text.splitlines():
        match = ENTRY_RE.match(line)
        if match:
            current = {"version": match["version"], "hashes": set(), "via": set()}
            entries[normalize(match["name"])] = current
        elif current is not None:
            current["hashes"].update(HASH_RE.findall(line))
            stripped = line.strip().lstrip("#").strip()
            if stripped.startswith("via "):
                stripped = stripped[4:]
            if line.lstrip().startswith("#") and stripped:
                current["via"].add(stripped)
    return entries


def read_lock(path: Path = LOCK) -> dict[str, dict]:
    try:
        return parse_lock(path.read_text(encoding="utf-8"))
    except OSError:
        raise LockError(
            f"Le verrou {path.relative_to(ROOT)} est introuvable : lancez « make lock »."
        ) from None


def direct_pins(pyproject: Path = PYPROJECT) -> dict[str, str]:
    """Les dépendances directes (principales et « dev ») : {nom canonique : spécification}."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    declared = [*project["dependencies"], *project.get("optional-dependencies", {}).get("dev", [])]
    pins = {}
    for requirement in declared:
        match = REQUIREMENT_RE.match(requirement)
        pins[normalize(match["name"])] = match["spec"].strip()
    return pins


def disagreements(
    pyproject: Path | None = None,
    lock: Path | None = None,
    preview_in: Path | None = None,
    preview_lock: Path | None = None,
) -> list[str]:
    """Chaque désaccord entre pyproject.toml, le verrou complet et celui de l'aperçu, une phrase
    chacun (liste vide : tout concorde). Par défaut, les fichiers du dépôt."""
    pyproject, lock = pyproject or PYPROJECT, lock or LOCK
    preview_in, preview_lock = preview_in or PREVIEW_IN, preview_lock or PREVIEW_LOCK
    problems = []
    pins, entries = direct_pins(pyproject), read_lock(lock)
    for name, spec in sorted(pins.items()):
        entry = entries.get(name)
        if entry is None:
            problems.append(f"{name} est déclaré dans pyproject.toml mais absent du verrou.")
        elif spec.startswith("==") and spec[2:].strip() != entry["version"]:
            problems.append(
                f"{name} : pyproject.toml épingle {spec[2:].strip()}, le verrou tient "
                f"{entry['version']}."
            )
        elif not entry["hashes"]:
            problems.append(f"{name} n'a aucune empreinte dans le verrou.")
    for name, entry in sorted(entries.items()):
        if any(DIRECT in via for via in entry["via"]) and name not in pins:
            problems.append(
                f"{name} est une dépendance directe du verrou que pyproject.toml ne déclare plus."
            )
        if not entry["hashes"]:
            problems.append(f"{name} n'a aucune empreinte dans le verrou.")
    preview = read_lock(preview_lock)
    for line in preview_in.read_text(encoding="utf-8").splitlines():
        name = normalize(line.split("#")[0].strip()) if line.split("#")[0].strip() else ""
        if name and name not in preview:
            problems.append(f"{name} ({preview_in.name}) est absent du verrou de l'aperçu.")
    for name, entry in sorted(preview.items()):
        full = entries.get(name)
        if full is None or full["version"] != entry["version"]:
            held = full["version"] if full else "rien"
            problems.append(
                f"{name} : l'aperçu tient {entry['version']}, le verrou complet {held}."
            )
        elif not entry["hashes"] or not entry["hashes"] <= full["hashes"]:
            problems.append(f"{name} : les empreintes de l'aperçu ne sont pas celles du verrou.")
    return sorted(set(problems))


def locked_versions(lock: Path = LOCK) -> dict[str, str]:
    """{nom canonique : version} du verrou complet."""
    return {name: entry["version"] for name, entry in read_lock(lock).items()}


def fingerprint(lock: Path = LOCK) -> str:
    """Ce qui est installé, selon le verrou : les « nom==version » triés (les commentaires et
    l'ordre des lignes n'y entrent pas)."""
    return "\n".join(
        f"{name}=={version}" for name, version in sorted(locked_versions(lock).items())
    )


def uv() -> Path:
    """L'uv épinglé de build/outils-verrou, installé au besoin."""
    exe = TOOLS_VENV / "bin" / "uv"
    ok = (
        exe.is_file()
        and UV_VERSION
        in subprocess.run(
            [str(exe), "--version"], capture_output=True, text=True, check=False
        ).stdout
    )
    if not ok:
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(TOOLS_VENV)], check=True)
        subprocess.run(
            [
                str(TOOLS_VENV / "bin" / "python"),
                "-m",
                "pip",
                "install",
                "--quiet",
                f"uv=={UV_VERSION}",
            ],
            check=True,
        )
    return exe


def compile_locks() -> None:
    exe = str(uv())
    common = ["--generate-hashes", *PLATFORM, "--custom-compile-command", "make lock", "--quiet"]
    subprocess.run(
        [
            exe,
            "pip",
            "compile",
            str(PYPROJECT.relative_to(ROOT)),
            "--extra",
            "dev",
            *common,
            "-o",
            str(LOCK.relative_to(ROOT)),
        ],
        cwd=ROOT,
        check=True,
    )
    subprocess.run(
        [
            exe,
            "pip",
            "compile",
            str(PREVIEW_IN.relative_to(ROOT)),
            "-c",
            str(LOCK.relative_to(ROOT)),
            *common,
            "-o",
            str(PREVIEW_LOCK.relative_to(ROOT)),
        ],
        cwd=ROOT,
        check=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.lock",
        description="Régénère le verrou (requirements/*.txt) ou vérifie son accord avec pyproject.",
    )
    parser.add_argument("--check", action="store_true", help="vérifier seulement")
    args = parser.parse_args(argv)
    try:
        if not args.check:
            compile_locks()
        problems = disagreements()
    except LockError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as exc:
        print(f"Erreur : la résolution des dépendances a échoué ({exc.cmd[0]}).", file=sys.stderr)
        return 1
    if problems:
        for problem in problems:
            print(f"Erreur : {problem}", file=sys.stderr)
        print("Le verrou ne suit plus pyproject.toml : lancez « make lock ».", file=sys.stderr)
        return 1
    print(
        f"Verrou à jour : {len(read_lock())} paquets, "
        f"dont {len(read_lock(PREVIEW_LOCK))} pour l'aperçu."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
