"""Écritures sûres dans build/ : le seul endroit qui sait écrire un fichier de la construction.

* ``atomic_write`` / ``atomic_open`` : le contenu va d'abord dans un fichier temporaire au nom
  unique, dans le même dossier, puis ``os.replace`` le met en place d'un coup. Un lecteur voit
  l'ancien fichier ou le nouveau, jamais un fichier à moitié écrit ; deux écrivains ne se
  marchent pas dessus ; en cas d'erreur (disque plein, lecture seule), le temporaire est effacé.
* ``build_lock`` : un verrou (``fcntl.flock``) sur ``build/.verrou``. Une seconde construction
  lancée sur le même dossier attend la fin de la première, après l'avoir dit en une ligne.
* ``disk_error`` : une ligne française qui nomme le fichier et la cause d'une ``OSError``.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

LOCK_NAME = ".verrou"

# Causes d'une erreur de disque, dites en français.
CAUSES = {
    errno.ENOSPC: "disque plein",
    errno.EDQUOT: "quota de disque dépassé",
    errno.EROFS: "système de fichiers en lecture seule",
    errno.EACCES: "permission refusée",
    errno.EPERM: "opération non permise",
    errno.ENOENT: "fichier ou dossier introuvable",
    errno.EIO: "erreur d'entrée-sortie du disque",
    errno.ENOTDIR: "un élément du chemin n'est pas un dossier",
    errno.EISDIR: "c'est un dossier",
}


class StorageError(Exception):
    """Erreur de disque, décrite en une ligne française (chemin et cause)."""


def cause(exc: OSError) -> str:
    return CAUSES.get(exc.errno, exc.strerror or type(exc).__name__)


def disk_error(exc: OSError, path=None, action: str = "d'écrire") -> StorageError:
    """Une StorageError qui nomme le fichier concerné et la cause, sans trace Python."""
    where = path or exc.filename or "?"
    return StorageError(f"impossible {action} {where} : {cause(exc)}")


@contextlib.contextmanager
def atomic_open(path: Path | str, mode: str = "wb", encoding: str | None = None) -> Iterator:
    """Ouvre un fichier temporaire unique à côté de PATH ; le met à la place de PATH à la fin.

    En cas d'exception (y compris Ctrl-C), le temporaire est effacé et PATH reste intact.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise disk_error(exc, path) from None
    try:
        with os.fdopen(fd, mode, encoding=encoding) as handle:
            yield handle
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise disk_error(exc, path) from None
        raise


def atomic_write(path: Path | str, data: bytes | str, encoding: str = "utf-8") -> None:
    """Écrit DATA dans PATH d'un seul coup (voir atomic_open)."""
    if isinstance(data, str):
        data = data.encode(encoding)
    with atomic_open(path, "wb") as handle:
        handle.write(data)


def write_if_changed(path: Path | str, text: str) -> bool:
    """Écrit TEXT dans PATH (atomiquement) s'il diffère du contenu actuel ; True si écrit."""
    path = Path(path)
    with contextlib.suppress(OSError, UnicodeDecodeError):
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            return False
    atomic_write(path, text)
    return True


def warn(message: str) -> None:
    print(f"Attention : {message}", file=sys.stderr)


# --- Verrou de construction -----------------------------------------------------------------------

_held: dict[Path, int] = {}  # verrous tenus par ce processus (réentrant : build_all dans mkdocs)
_held_guard = threading.Lock()


@contextlib.contextmanager
def build_lock(folder: Path | str, log=None) -> Iterator[None]:
    """Tient le verrou de FOLDER (build/) ; attend, après l'avoir dit, s'il est déjà pris."""
    folder = Path(folder).resolve()
    with _held_guard:
        if folder in _held:
            _held[folder] += 1
            reentrant = True
        else:
            reentrant = False
    if reentrant:
        try:
            yield
        finally:
            with _held_guard:
                _held[folder] -= 1
        return
    lock = folder / LOCK_NAME
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise disk_error(exc, lock, "de créer le verrou") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "?"
            (log or warn)(
                f"une autre construction utilise {folder} (processus {holder}) : "
                "attente de sa fin avant de continuer."
            )
            fcntl.flock(fd, fcntl.LOCK_EX)
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
        with _held_guard:
            _held[folder] = 1
        try:
            yield
        finally:
            with _held_guard:
                del _held[folder]
    finally:
        os.close(fd)  # libère le verrou
