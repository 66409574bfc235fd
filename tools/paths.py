"""Chemins, environnement par défaut, empreintes et clé de cache, pour toute la construction.

* ``ROOT``, ``BUILD`` et les dossiers des sources : chaque outil, crochet et test les prend ici ;
* ``data_dir()``, ``keras_home()`` et ``vendor_dir()`` lisent ``ATELIER_DATA``, ``KERAS_HOME`` et
  ``ATELIER_VENDOR``, sinon les dossiers de ``build/`` (les mêmes que le Makefile) ;
* ``child_env()`` : l'environnement d'un processus que la construction lance (noyau d'un
  tutoriel, blocs d'une page, script de figure), sans jamais modifier ``os.environ`` ;
* ``dependencies_fingerprint()`` et ``data_fingerprint()`` : ce dont dépend toute sortie calculée ;
* ``cache_key()`` : la clé de cache de toutes les étapes (tutoriels, blocs des pages, figures).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

from tools import lock

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"
TUTORIALS = ROOT / "tutorials"
DOCS = ROOT / "docs"
SNIPPETS = ROOT / "snippets"
# Enregistrements d'exécution et notebooks exécutés, lus par les crochets et par les tests.
NOTEBOOKS = BUILD / "notebooks"
MKDOCS_CONFIG = ROOT / "mkdocs.yml"


def data_dir() -> Path:
    """La copie locale de Fashion-MNIST : ``ATELIER_DATA``, sinon ``build/data``."""
    return Path(os.environ.get("ATELIER_DATA") or BUILD / "data")


def keras_home() -> Path:
    """Le dossier de Keras (``datasets/fashion-mnist``) : ``KERAS_HOME``, sinon dans les données."""
    return Path(os.environ.get("KERAS_HOME") or data_dir() / "keras")


def vendor_dir() -> Path:
    """Paquets npm (construction, tests) : ``ATELIER_VENDOR``, sinon ``build/vendor``."""
    return Path(os.environ.get("ATELIER_VENDOR") or BUILD / "vendor")


def child_env(mplbackend: str = "Agg", extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """L'environnement d'un processus lancé par la construction (une copie, jamais os.environ).

    Les données par défaut sont celles de build/, en chemins absolus (le processus travaille
    dans un autre dossier) ; ``MPLBACKEND`` est imposé : figures dans le notebook pour un noyau,
    ``Agg`` pour un script. ``extra`` complète sans écraser ce que l'appelant a défini.
    """
    env = dict(os.environ)
    env["ATELIER_DATA"] = str(data_dir().resolve())
    env["KERAS_HOME"] = str(keras_home().resolve())
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.setdefault("PYTHONHASHSEED", "0")
    for key, value in (extra or {}).items():
        env.setdefault(key, value)
    env["MPLBACKEND"] = mplbackend
    return env


def dependencies_fingerprint() -> str:
    """L'environnement installé, tel que le verrou le tient (requirements/complet.txt) : chaque
    paquet, transitif compris, à sa version. Une nouvelle version de n'importe lequel (make lock)
    ré-exécute tout ; régénérer le verrou sans rien changer, non."""
    return lock.fingerprint()


# Aperçu de la prose (make apercu, tools/preview.py) : rien n'est exécuté, tout vient du cache
# restauré ; une sortie absente du cache pour le code actuel est signalée au lieu d'être calculée.
PREVIEW_ENV = "ATELIER_APERCU"


def preview_mode() -> bool:
    """Vrai sous « make apercu » (ATELIER_APERCU=1) : aucune exécution permise."""
    return os.environ.get(PREVIEW_ENV, "") not in ("", "0")


def needs_full_environment(what: str) -> str:
    """La phrase de l'aperçu pour une sortie à calculer (``what`` : « du tutoriel 03_… »)."""
    return (
        f"Aucun résultat publié ne correspond à la version actuelle {what}\u00a0: pour le voir, "
        "installez l'environnement complet et lancez «\u00a0make serve\u00a0», qui le calcule."
    )


def data_fingerprint() -> str:
    """L'empreinte du contenu réel des données (calculée et vérifiée par tools/data.py).

    Sous l'aperçu, sans données : l'empreinte attendue (tools/fashion-mnist.sha256), celle de
    toute copie vérifiée, donc celle des sorties publiées."""
    if preview_mode():
        from tools import data  # import tardif : tools.data importe ce module

        return data.expected_fingerprint()
    manifest = data_dir() / "fashion-mnist.json"
    try:
        return json.loads(manifest.read_text(encoding="utf-8"))["fingerprint"]
    except (OSError, ValueError, KeyError, TypeError):
        return "sans-donnees"


def cache_key(
    version: str, fingerprints: Iterable[str], sources: Iterable[str], extra: str = ""
) -> str:
    """La clé de cache d'une sortie calculée, la même formule pour toutes les étapes.

    ``version`` : celle de l'étape (à incrémenter quand sa manière de produire change) ;
    ``fingerprints`` : l'environnement dont dépend la sortie (dépendances, données) ;
    ``sources`` : le code exécuté (cellules, blocs, script), ce qui ne s'exécute pas n'y entre
    pas ; ``extra`` : une option propre à l'étape (vide sinon). Les parties sont séparées par un
    octet nul : deux découpages différents du même texte ne donnent jamais la même clé.
    """
    parts = [version, *fingerprints, *sources, extra]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:24]
