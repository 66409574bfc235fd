"""Crochet MkDocs : les blocs de code allégés des éléments qui ne changent rien à l'affichage.

La coloration de Pygments met chaque mot dans un ``<span>`` ; ceux de la classe ``n`` (noms :
variables, fonctions appelées) ont la couleur du texte du bloc (Material : ``.highlight .n``
prend ``--md-code-hl-name-color``, qui vaut ``--md-code-fg-color`` ; les notebooks n'ont aucune
règle pour ``.n``). Ce sont les plus nombreux : 440 des 1 830 éléments des blocs de code de
mlp/, 861 dans le tutoriel 03. Chaque élément coûte au navigateur à chaque recalcul de la page,
et ces recalculs bloquaient un téléphone (Lighthouse mobile). Le mot reste, sans son ``<span>``.

tests/test_hooks.py vérifie que le texte des blocs est inchangé, et que les feuilles de style
du site (Material épinglé, les nôtres, celles des notebooks) ne colorent toujours pas ``.n``.
"""

from __future__ import annotations

import re

# Un bloc préformaté entier ; à l'intérieur, un nom sans balise.
_PRE = re.compile(r"<pre\b.*?</pre>", re.S)
_NAME = re.compile(r'<span class="n">([^<]*)</span>')


def unwrap_names(html: str) -> str:
    """``html`` sans les ``<span class="n">`` des blocs préformatés (leur texte gardé)."""
    return _PRE.sub(lambda block: _NAME.sub(r"\1", block.group(0)), html)


def on_post_page(output, page, config):
    return unwrap_names(output)
