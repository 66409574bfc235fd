"""Crochet MkDocs des questions d'autoévaluation, mince couche sur tools/quiz.py.

Chaque bloc ``!!! quiz "…"`` d'une page de cours devient une question en HTML, lisible sans
JavaScript ; docs/assets/quiz.js y ajoute la réponse immédiate.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from tools import quiz

# « make serve » recharge ce fichier à chaque reconstruction : recharger aussi le module.
quiz = importlib.reload(quiz)


@event_priority(60)  # avant les blocs exécutés (concept_pages), qui ajoutent des lignes
def on_page_markdown(markdown, page, config, files):
    if not page.file.src_uri.endswith(".md") or "!!! quiz" not in markdown:
        return markdown
    label = f"{Path(config['docs_dir']).name}/{page.file.src_uri}"
    prefix = Path(page.file.src_uri).with_suffix("").as_posix().replace("/", "-")
    offset = 0
    if page.file.abs_src_path:
        raw = Path(page.file.abs_src_path).read_text(encoding="utf-8-sig")
        offset = max(0, raw.count("\n") - markdown.count("\n"))
    try:
        text, _count = quiz.process(markdown, label, prefix, line_offset=offset)
    except quiz.QuizError as exc:
        raise PluginError(str(exc)) from None
    return text
