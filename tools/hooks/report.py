"""Crochet MkDocs de la page « Rapport » de l'atelier, mince couche sur tools/report.py.

La page et ses figures sont composées à partir des enregistrements d'exécution des notebooks de
l'atelier (build/notebooks/NN_slug.json), que le crochet des pages de tutoriel vient de produire.
"""

from __future__ import annotations

import importlib
import logging

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

from tools import report

# « make serve » recharge ce fichier à chaque reconstruction : recharger aussi le module.
report = importlib.reload(report)

log = logging.getLogger("mkdocs.hooks.atelier.rapport")


def on_files(files, config):
    """Ajoute la page du rapport et ses figures, composées à partir des enregistrements, et le
    notebook que l'élève remplit (le rapport publié en est le corrigé)."""
    try:
        axes = report.load_axes()
    except report.ReportError as exc:
        raise PluginError(f"Rapport de l'atelier : {exc}") from None
    markdown, figures = report.render(axes)
    for uri, svg in figures.items():
        files.append(File.generated(config, uri, content=svg))
    files.append(File.generated(config, report.PAGE, content=markdown))
    try:
        template = report.template_notebook(axes)
    except report.ReportError as exc:
        raise PluginError(f"Rapport à remplir de l'atelier : {exc}") from None
    files.append(File.generated(config, report.TEMPLATE, content=template))
    log.info(f"Rapport de l'atelier : {len(axes)} axe(s), {len(figures)} figure(s)")
    return files
