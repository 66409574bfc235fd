"""Accessibilité des pages construites : arrêts de tabulation, définitions du glossaire au
clavier, textes alternatifs des figures des tutoriels.

* nbconvert met ``tabindex="0"`` sur chaque cellule et chaque sortie d'un notebook : autant
  d'arrêts de tabulation qui ne mènent à rien. :func:`drop_cell_tabindex` les retire ; une
  sortie ou un code qui défile horizontalement redevient atteignable au clavier, avec un nom,
  par docs/assets/accessibility.js, qui seul sait (à l'affichage) s'il déborde ;
* les termes du glossaire sont des ``<abbr title="définition">`` dont Material montre
  l'infobulle au survol et au focus : :func:`focusable_terms` ne garde que la première
  occurrence de chaque terme d'une page, rendue focalisable (une par terme, pas une par
  occurrence) ;
* chaque figure d'un tutoriel reçoit le texte alternatif que l'auteur a écrit sur la ligne
  ``# %%`` de la cellule qui la dessine (métadonnée jupytext ``alt``, hors du code : la clé de
  cache ne change pas) : :func:`alt_problems` vérifie qu'il y en a un par figure,
  :func:`apply_alts` le met dans la page à la place du texte anglais de nbconvert.
"""

from __future__ import annotations

import html
import re

# Le texte que nbconvert donne à une image sans description (nbconvert/exporters/html.py).
DEFAULT_ALT = "No description has been provided for this image"
ALT_KEY = "alt"
# Les sorties que nbconvert rend par une balise <img>.
IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml")

CELL_TABINDEX_RE = re.compile(
    r'(<div\b[^>]*\bclass="[^"]*\b(?:jp-Cell-inputWrapper|jp-OutputArea-output)\b[^"]*"'
    r'[^>]*?)\s+tabindex="0"'
)


def drop_cell_tabindex(text: str) -> str:
    """Retire le ``tabindex="0"`` que nbconvert met sur chaque cellule et chaque sortie."""
    return CELL_TABINDEX_RE.sub(r"\1", text)


# Les éléments interactifs dans lesquels une infobulle ne doit pas devenir focalisable (un
# élément focalisable dans un lien ou un bouton est une imbrication interdite).
TERM_TAG_RE = re.compile(r"<(/?)(a|button|summary|label|abbr)\b([^>]*)>", re.I)
TITLE_RE = re.compile(r'\btitle="([^"]*)"')


def focusable_terms(text: str) -> tuple[str, int]:
    """Une seule infobulle par terme du glossaire et par page : la première occurrence hors d'un
    élément interactif garde son ``<abbr>`` et devient focalisable (``tabindex="0"``) ; les
    autres occurrences redeviennent du texte simple. Un terme qui n'apparaît que dans des liens
    ou des boutons garde l'infobulle de sa première occurrence, sans focus. Renvoie la page et le
    nombre de termes rendus focalisables.

    Material montre l'infobulle d'un ``abbr`` quand il a le focus et la lie par
    ``aria-describedby`` : la définition devient lisible au clavier et par un lecteur d'écran,
    au prix d'un arrêt de tabulation par terme distinct de la page, pas par occurrence. Une
    infobulle par occurrence soulignait chaque mot courant de la page (291 sur mlp/) et coûtait
    au téléphone le double du script de Material (mesuré dans Chromium) ; la définition se
    donne à la première rencontre, comme un sigle.
    """
    tags = list(TERM_TAG_RE.finditer(text))
    focused: dict[str, int] = {}  # terme → indice de la balise gardée, focalisable
    first: dict[str, int] = {}  # terme → indice de sa première occurrence
    depth = 0
    for i, tag in enumerate(tags):
        closing, name, attributes = tag.group(1), tag.group(2).lower(), tag.group(3)
        if name != "abbr":
            depth = max(0, depth + (-1 if closing else 1))
            continue
        title = TITLE_RE.search(attributes)
        if closing or not title:
            continue
        first.setdefault(title.group(1), i)
        if not depth:
            focused.setdefault(title.group(1), i)
    kept = set(focused.values()) | {i for term, i in first.items() if term not in focused}
    focus = set(focused.values())
    parts, position, dropping = [], 0, False
    for i, tag in enumerate(tags):
        closing, name, attributes = tag.group(1), tag.group(2).lower(), tag.group(3)
        if name != "abbr":
            continue
        if closing:
            if dropping:
                parts.append(text[position : tag.start()])
                position, dropping = tag.end(), False
            continue
        if not TITLE_RE.search(attributes):
            continue
        if i not in kept:
            parts.append(text[position : tag.start()])
            position, dropping = tag.end(), True
        elif i in focus and "tabindex" not in attributes:
            parts += [text[position : tag.end() - 1], ' tabindex="0">']
            position = tag.end()
    parts.append(text[position:])
    return "".join(parts), len(focus)


def cell_alts(cell) -> list[str]:
    """Les textes alternatifs déclarés sur la cellule (une chaîne ou une liste de chaînes)."""
    value = cell.get("metadata", {}).get(ALT_KEY)
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def image_count(cell) -> int:
    outputs = cell.get("outputs", [])
    return sum(1 for output in outputs for kind in output.get("data", {}) if kind in IMAGE_TYPES)


def alt_problems(notebook, name: str, lines: list | None = None) -> list[str]:
    """Une ligne française par cellule dont les textes alternatifs ne vont pas avec ses figures."""
    problems = []
    for index, cell in enumerate(notebook.get("cells", [])):
        if cell.get("cell_type") != "code":
            continue
        alts, count = cell_alts(cell), image_count(cell)
        where = f"{name}, cellule {index + 1}"
        if lines and index < len(lines):
            where += f" (ligne {lines[index][1]} de {lines[index][0]})"
        if len(alts) != count:
            expected = (
                "aucun texte alternatif"
                if count == 0
                else f'un texte alternatif par figure : « # %% {ALT_KEY}="…" »'
                + (f" ou {ALT_KEY}=[…] ({count} textes)" if count > 1 else "")
            )
            problems.append(
                f"{where} : {count} figure(s) mais {len(alts)} texte(s) alternatif(s) ; "
                f"attendu : {expected}."
            )
            continue
        for alt in alts:
            if not isinstance(alt, str) or not alt.strip() or alt.strip() == DEFAULT_ALT:
                problems.append(f"{where} : texte alternatif vide ou par défaut ({alt!r}).")
    return problems


CELL_ID_RE = re.compile(r'\bid="cell-id=([^"]+)"')
OUTPUT_IMG_RE = re.compile(r'<img\b[^>]*\bsrc="data:image/[^>]*>')
ALT_ATTR_RE = re.compile(r'\balt="[^"]*"')


def _describe(segment: str, alts: list[str]) -> tuple[str, int]:
    """Les figures de sortie d'une cellule reçoivent ses textes alternatifs, dans l'ordre."""
    queue = list(alts)

    def replace(img: re.Match) -> str:
        if not queue:
            return img.group()
        alt = f'alt="{html.escape(queue.pop(0), quote=True)}"'
        tag = img.group()
        if ALT_ATTR_RE.search(tag):
            return ALT_ATTR_RE.sub(lambda _: alt, tag, count=1)
        return tag.replace("<img", f"<img {alt}", 1)

    segment = OUTPUT_IMG_RE.sub(replace, segment)
    return segment, len(alts) - len(queue)


def apply_alts(text: str, notebook) -> tuple[str, int]:
    """Met le texte alternatif de l'auteur sur chaque figure de sortie de la page ; renvoie la
    page et le nombre de figures décrites. Les figures d'une cellule se trouvent entre sa balise
    (``id="cell-id=…"``, l'identifiant de cellule de nbconvert) et celle de la cellule suivante."""
    alts = {cell.get("id"): cell_alts(cell) for cell in notebook.get("cells", [])}
    marks = list(CELL_ID_RE.finditer(text))
    parts, position, described = [], 0, 0
    for i, mark in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        segment, count = _describe(text[mark.start() : end], alts.get(mark.group(1), []))
        parts += [text[position : mark.start()], segment]
        described += count
        position = end
    parts.append(text[position:])
    return "".join(parts), described
