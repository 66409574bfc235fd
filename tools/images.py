"""Taille intrinsèque des images du site : chaque ``<img>`` reçoit ``width`` et ``height``.

Sans ces deux attributs, le navigateur ne connaît la hauteur d'une image qu'une fois le fichier
reçu : le texte qui suit saute vers le bas pendant le chargement (décalage de mise en page,
mesuré par Lighthouse). Les figures des pages de cours (tools/figures.py), celles du rapport
(tools/report.py) et les captures d'écran sont des fichiers SVG ou PNG que la construction
connaît : :func:`with_sizes` lit leur taille (attributs ``width``/``height`` ou ``viewBox`` de
la racine d'un SVG, en-tête d'un PNG) et l'écrit dans la balise. Les feuilles de style gardent
les images souples (``max-width: 100%; height: auto``) : les attributs ne fixent que le rapport
largeur/hauteur réservé avant le chargement.

Les figures des notebooks, encore en base64 à ce stade, reçoivent leur taille plus tard
(tools/hooks/tutorial_pages.py, quand elles deviennent des fichiers).
"""

from __future__ import annotations

import re
from collections.abc import Callable

IMG_RE = re.compile(r"<img\b[^>]*>", re.I)
SRC_RE = re.compile(r"""\ssrc\s*=\s*(["'])(.*?)\1""", re.I | re.S)
SIZE_ATTR_RE = re.compile(r"\s(width|height)\s*=", re.I)
SVG_ROOT_RE = re.compile(r"<svg\b[^>]*>", re.I | re.S)
# Unités de longueur de SVG, en pixels CSS (1 pt = 1/72 in, 1 px = 1/96 in).
UNITS = {"": 1.0, "px": 1.0, "pt": 4 / 3, "pc": 16.0, "in": 96.0, "cm": 96 / 2.54, "mm": 9.6 / 2.54}
LENGTH_RE = re.compile(r"^\s*([0-9]*\.?[0-9]+(?:e[+-]?\d+)?)\s*([a-z]*)\s*$", re.I)


def _attribute(tag: str, name: str) -> str | None:
    match = re.search(rf"""\s{name}\s*=\s*(["'])(.*?)\1""", tag, re.I | re.S)
    return match.group(2) if match else None


def _length(value: str | None) -> float | None:
    """Une longueur SVG en pixels CSS ; None pour un pourcentage, une unité inconnue ou 0."""
    match = LENGTH_RE.match(value or "")
    if not match or match.group(2).lower() not in UNITS:
        return None
    pixels = float(match.group(1)) * UNITS[match.group(2).lower()]
    return pixels or None


def svg_size(text: str) -> tuple[int, int] | None:
    """Largeur et hauteur d'affichage d'un SVG : ``width``/``height`` de la racine, sinon ceux
    de sa ``viewBox`` (en pixels) ; None si ni l'un ni l'autre ne donne une taille."""
    root = SVG_ROOT_RE.search(text)
    if not root:
        return None
    width = _length(_attribute(root.group(0), "width"))
    height = _length(_attribute(root.group(0), "height"))
    box = (_attribute(root.group(0), "viewBox") or "").replace(",", " ").split()
    if len(box) == 4:
        try:
            box_width, box_height = float(box[2]), float(box[3])
        except ValueError:
            box_width = box_height = 0.0
        if box_width > 0 and box_height > 0:
            # Une seule dimension donnée : l'autre suit les proportions de la viewBox.
            if width and not height:
                height = width * box_height / box_width
            elif height and not width:
                width = height * box_width / box_height
            elif not width and not height:
                width, height = box_width, box_height
    if not width or not height:
        return None
    return round(width), round(height)


def png_size(data: bytes) -> tuple[int, int] | None:
    """Largeur et hauteur d'une image PNG (en-tête IHDR), None si ce n'est pas un PNG."""
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def intrinsic_size(data: bytes) -> tuple[int, int] | None:
    """La taille d'une image PNG ou SVG, None pour un autre format ou un fichier illisible."""
    size = png_size(data)
    if size:
        return size
    head = data[:4096].decode("utf-8", errors="replace")
    if "<svg" not in head:
        return None
    return svg_size(data.decode("utf-8", errors="replace"))


def _number(tag: str, name: str) -> float | None:
    value = _attribute(tag, name)
    try:
        return float(value) if value is not None and float(value) > 0 else None
    except ValueError:
        return None


def with_sizes(html_text: str, read: Callable[[str], bytes | None]) -> tuple[str, list[str]]:
    """La page dont chaque ``<img>`` reçoit ``width`` et ``height``, lus dans l'image que
    ``read(src)`` renvoie ; et les adresses des images restées sans taille (fichier introuvable
    ou format inconnu). Une image qui a déjà les deux attributs est laissée telle quelle ; si
    l'auteur n'en a donné qu'un (``{ width="420" }``), l'autre suit les proportions de
    l'image. Une image en ``data:`` est laissée telle quelle (sa taille vient d'ailleurs)."""
    unsized: list[str] = []

    def replace(match: re.Match) -> str:
        tag = match.group(0)
        given = {m.group(1).lower() for m in SIZE_ATTR_RE.finditer(tag)}
        if given == {"width", "height"}:
            return tag
        src = SRC_RE.search(tag)
        if not src or src.group(2).startswith("data:"):
            return tag
        data = read(src.group(2))
        size = intrinsic_size(data) if data else None
        width, height = _number(tag, "width"), _number(tag, "height")
        if size is None or (given and not (width or height)):
            unsized.append(src.group(2))
            return tag
        if width:
            added = f'height="{round(width * size[1] / size[0])}"'
        elif height:
            added = f'width="{round(height * size[0] / size[1])}"'
        else:
            added = f'width="{size[0]}" height="{size[1]}"'
        end = "/>" if tag.endswith("/>") else ">"
        body = tag[: -len(end)].rstrip()
        return f"{body} {added}{' ' if end == '/>' else ''}{end}"

    return IMG_RE.sub(replace, html_text), unsized


# Variante étroite d'une figure (tools/figures.py) : ``figures/NOM-etroit.svg`` à côté de
# ``figures/NOM.svg``, dessinée pour un téléphone. Elle remplace la figure large sous cette
# largeur de fenêtre : au-dessus, le texte de la page fait au moins 686 px de large (barres
# latérales comprises), assez pour les figures larges ; en dessous, il descend à 288 px (écran
# de 320 px) et une figure large y serait réduite au tiers.
NARROW_SUFFIX = "-etroit"
NARROW_MEDIA = "(max-width: 719px)"
FIGURE_SRC_RE = re.compile(r"^(?P<stem>(?:.*/)?figures/[\w-]+)(?P<ext>\.svg|\.png)$")


def narrow_variant(src: str) -> str | None:
    """L'adresse de la variante étroite possible d'une figure (None : ce n'est pas une figure,
    ou c'est déjà une variante étroite)."""
    match = FIGURE_SRC_RE.match(src)
    if not match or match.group("stem").endswith(NARROW_SUFFIX):
        return None
    return f"{match.group('stem')}{NARROW_SUFFIX}{match.group('ext')}"


def with_narrow_variants(html_text: str, read: Callable[[str], bytes | None]) -> str:
    """La page dont chaque figure qui a une variante étroite (lue par ``read``) est enveloppée
    dans un ``<picture>`` : un ``<source>`` la propose sous ``NARROW_MEDIA``, avec sa propre
    taille (``width``, ``height`` : la place réservée suit la variante choisie) ; l'``<img>``
    garde l'adresse de la figure large, son texte alternatif et ses attributs. Une page déjà
    traitée n'est pas modifiée une seconde fois."""

    def replace(match: re.Match) -> str:
        tag = match.group(0)
        before = html_text[max(0, match.start() - 400) : match.start()]
        if re.search(r"<picture\b[^>]*>\s*(?:<source\b[^>]*>\s*)*$", before, re.I):
            return tag
        src = SRC_RE.search(tag)
        narrow = narrow_variant(src.group(2)) if src else None
        data = read(narrow) if narrow else None
        size = intrinsic_size(data) if data else None
        if size is None:
            return tag
        source = (
            f'<source media="{NARROW_MEDIA}" srcset="{narrow}" '
            f'width="{size[0]}" height="{size[1]}">'
        )
        return f"<picture>{source}{tag}</picture>"

    return IMG_RE.sub(replace, html_text)
