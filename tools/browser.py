"""Le navigateur Chromium : une seule recherche, pour la construction (tools/screenshots.py) et
pour les tests (tests/conftest.py).

La variable ``CHROMIUM`` désigne un exécutable précis ; si elle est définie, elle doit mener à un
exécutable (pas de repli silencieux sur un autre navigateur). Sinon on prend le Chromium de
Debian, puis le premier ``chromium``, ``chromium-browser`` ou ``google-chrome`` du PATH.
"""

from __future__ import annotations

import os
import shutil

CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")


class BrowserNotFound(Exception):
    """Aucun navigateur utilisable : une ligne française qui dit quoi faire."""


def _executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def chromium_path() -> str:
    explicit = os.environ.get("CHROMIUM", "").strip()
    if explicit:
        if _executable(explicit):
            return explicit
        raise BrowserNotFound(
            f"CHROMIUM={explicit} ne désigne pas un exécutable : corrigez la variable ou "
            "retirez-la pour utiliser le Chromium de Debian."
        )
    for candidate in CANDIDATES:
        path = candidate if os.path.isabs(candidate) else shutil.which(candidate)
        if path and _executable(path):
            return path
    raise BrowserNotFound(
        "Chromium introuvable : installez le paquet Debian « chromium » (make system)."
    )
