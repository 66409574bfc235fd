"""Crochet MkDocs des captures de TensorBoard : les publie sous ``captures/``.

Les images sont produites à chaque construction par ``make screenshots`` (tools/screenshots.py)
dans ``build/screenshots/`` et ne sont jamais committées. Elles entrent dans le site comme
fichiers générés : ``build/screenshots/comparaison.png`` devient ``captures/comparaison.png``,
que la page docs/tensorboard.md affiche. Si elles manquent, la construction stricte échoue sur un
message qui dit quoi lancer, plutôt que sur des images introuvables.
"""

from __future__ import annotations

import logging

from mkdocs.structure.files import File

from tools.screenshots import OUT

log = logging.getLogger("mkdocs.hooks.atelier.captures")
PREFIX = "captures"


def on_files(files, config):
    images = sorted(OUT.glob("*.png"))
    if not images:
        log.warning(
            "Les captures de TensorBoard manquent (build/screenshots) : lancez "
            "« make screenshots », ou construisez le site avec « make site »."
        )
    for image in images:
        files.append(File.generated(config, f"{PREFIX}/{image.name}", abs_src_path=str(image)))
    return files
