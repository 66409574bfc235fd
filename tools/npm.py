"""Paquets npm épinglés installés par ``npm ci`` depuis un fichier de verrouillage du dépôt
(empreintes vérifiées par npm) : Lighthouse (tools/lighthouse/) et MathJax qui compose les
formules (tools/maths/). Une empreinte des sources, notée dans le dossier installé, évite de
refaire l'installation quand rien n'a changé."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tools import storage


class NpmError(Exception):
    """Une ligne française : npm absent ou installation impossible."""


def install(
    source: Path,
    target: Path,
    files: tuple[str, ...],
    digest: str,
    what: str,
    *,
    ready: Path | None = None,
    env: dict[str, str] | None = None,
) -> Path:
    """``files`` de ``source`` copiés dans ``target``, puis ``npm ci`` ; rien n'est refait si
    l'empreinte notée est ``digest`` (et que ``ready``, s'il est donné, existe). ``what`` dit
    à quoi sert l'installation, pour les messages."""
    stamp = target / ".verrou"
    if (
        stamp.is_file()
        and stamp.read_text().strip() == digest
        and (ready is None or ready.is_file())
    ):
        return target
    npm = shutil.which("npm")
    if npm is None:
        raise NpmError(f"npm est introuvable : installez Node.js (paquet Debian « npm ») {what}.")
    target.mkdir(parents=True, exist_ok=True)
    for name in files:
        shutil.copyfile(source / name, target / name)
    result = subprocess.run(
        [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=target,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["sans message"])[-1]
        raise NpmError(
            f"installation impossible {what} (npm ci ; registre npm injoignable ?) : {last}"
        )
    storage.atomic_write(stamp, digest + "\n")
    return target
