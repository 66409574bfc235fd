"""Cache des rendus que chaque construction refaisait à l'identique (``build/rendus/``).

Un rendu est une fonction pure de ses entrées : la clé (``paths.cache_key``) est faite de toutes
ses entrées, jamais d'une date. Une entrée qui change donne une autre clé, donc un nouveau rendu ;
une clé connue rend le texte enregistré. Deux rendus en profitent :

* les figures de la page « Rapport » (tools/report.py), tracées par Matplotlib à partir des
  enregistrements d'exécution ;
* la réécriture des liens d'une page de notebook par mkdocs-jupyter (``notebook_dirs``), qui
  parcourt chaque balise du HTML avec BeautifulSoup : la moitié d'une construction chaude.

Un fichier de cache illisible est un simple défaut de cache : le rendu est refait.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from tools import paths, storage

CACHE = paths.BUILD / "rendus"
# À incrémenter si la manière de ranger un rendu change.
VERSION = "1"
_memory: dict[str, str] = {}


def cached(kind: str, inputs: Iterable[str], render: Callable[[], str], cache=None) -> str:
    """Le rendu ``kind`` de ces entrées : en mémoire, sinon sur disque, sinon calculé."""
    key = f"{kind}-{paths.cache_key(VERSION, [paths.dependencies_fingerprint()], list(inputs))}"
    if key in _memory:
        return _memory[key]
    path = (CACHE if cache is None else cache) / f"{key}.txt"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        text = render()
        try:
            storage.atomic_write(path, text)
        except storage.StorageError as exc:
            storage.warn(f"rendu non mis en cache : {exc}")
    _memory[key] = text
    return text
