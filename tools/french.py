"""Nombres, unités et dates à la française, pour tout ce que la construction écrit sur le site.

Virgule décimale, espace insécable (U+00A0) avant une unité et avant ``%``, espace fine
insécable (U+202F) entre les milliers, dates en toutes lettres (« 1er décembre 2026 »). Les
crochets (pages de tutoriel, rapport de l'atelier) et tools/ddp_comparison.py n'écrivent aucun
nombre autrement.
"""

from __future__ import annotations

NBSP = "\u00a0"
# Espace fine insécable, entre les groupes de trois chiffres.
NNBSP = "\u202f"
MONTHS = (
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
).split()


def decimal(value: float, decimals: int = 2) -> str:
    """3.14159 → « 3,14 » : virgule décimale, nombre de décimales fixe."""
    return f"{value:.{decimals}f}".replace(".", ",")


def count(value) -> str:
    """Un entier : 54 000 (espace insécable entre les milliers) ; autre chose, tel quel."""
    return f"{value:,}".replace(",", NBSP) if isinstance(value, int) else str(value)


def thousands(value: float) -> str:
    """1781.4 → « 1 781 » : entier arrondi, espace fine insécable entre les milliers."""
    return f"{round(value):,}".replace(",", NNBSP)


def percent(value: float, decimals: int = 1) -> str:
    """Une proportion : 0.8734 → « 87,3 % »."""
    return f"{decimal(100 * value, decimals)}{NBSP}%"


def seconds(value: float, decimals: int = 1) -> str:
    """Une durée : 6.14 → « 6,1 s »."""
    return f"{decimal(value, decimals)}{NBSP}s"


def points(value: float) -> str:
    """L'écart entre deux proportions : « 0,6 point », « 27,4 points »."""
    text = decimal(100 * value, 1)
    return f"{text}{NBSP}point{'s' if abs(float(text.replace(',', '.'))) >= 2 else ''}"


def plain(value: float) -> str:
    """Un nombre sans unité : trois décimales, ou notation scientifique (« 3,0e-09 ») pour un
    très petit écart (erreurs relatives, écarts numériques)."""
    if value != 0 and abs(value) < 0.01:
        return f"{value:.1e}".replace(".", ",")
    return decimal(value, 3)


# Unités que déclare l'en-tête ``atelier:`` d'un tutoriel (champ ``unite`` d'une métrique).
UNITS = {"pourcentage": percent, "points": points, "secondes": seconds}


def in_unit(value: float, unit: str | None) -> str:
    """Une valeur (ou un seuil) dans l'unité déclarée ; sans unité, le nombre tel quel."""
    return UNITS.get(unit, plain)(value)


def date(iso: str) -> str:
    """Une date ISO (2026-11-23) écrite en toutes lettres : 23 novembre 2026."""
    try:
        year, month, day = (int(part) for part in iso[:10].split("-"))
        name = MONTHS[month - 1]
    except (ValueError, IndexError):
        return iso
    return f"{'1er' if day == 1 else day}{NBSP}{name} {year}"


def date_range(first: str, last: str) -> str:
    """« le 23 novembre 2026 », ou « du 22 au 23 novembre 2026 » pour plusieurs jours."""
    if first[:10] == last[:10]:
        return f"le {date(first)}"
    return f"du {date(first)} au {date(last)}"
