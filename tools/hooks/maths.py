"""Crochet MkDocs des formules : dans chaque page (cours, tutoriel, rapport, glossaire), chaque
formule devient une image SVG composée à la construction, avec sa lecture en français pour texte
alternatif (tools/maths.py) ; aucun MathJax n'est publié."""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.utils import get_relative_url

from tools import maths, storage

_composer: maths.Composer | None = None
# Le chargeur de MathJax que mkdocs-jupyter ajoute avant </body> de chaque page : sans objet, les
# formules des notebooks étant composées comme les autres.
JUPYTER_MATHJAX_RE = re.compile(r"<script data-mkdocs-jupyter-mathjax=[^>]*>.*?</script>\s*", re.S)


def on_pre_build(config):
    global _composer
    _close()
    _composer = maths.Composer()


@event_priority(-50)  # après mkdocs-jupyter, qui ajoute son chargeur
def on_post_page(output, page, config):
    global _composer
    output = JUPYTER_MATHJAX_RE.sub("", output)
    if 'class="arithmatex"' not in output:
        return output
    if _composer is None:
        _composer = maths.Composer()
    try:
        return maths.render_page(
            output, page.file.src_uri, _composer, lambda uri: get_relative_url(uri, page.url)
        )
    except maths.MathError as exc:
        _close()
        raise PluginError(f"Formules : {exc}") from None


def _close():
    global _composer
    if _composer is not None:
        _composer.close()
        _composer = None


def on_post_build(config):
    # Les images des formules de la construction, écrites une fois chacune.
    if _composer is not None:
        site = Path(config["site_dir"])
        for uri, content in _composer.images.items():
            storage.write_if_changed(site / uri, content)
    _close()


def on_build_error(error):
    _close()
