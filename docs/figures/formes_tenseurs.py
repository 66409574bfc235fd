"""Figure « formes_tenseurs » : des tenseurs de rang 0 à 4, leur forme et un cas réel.

Usage : python formes_tenseurs.py DOSSIER ; écrit DOSSIER/formes_tenseurs.svg et sa variante pour
un téléphone, DOSSIER/formes_tenseurs-etroit.svg.
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.patches import Rectangle

out = Path(sys.argv[1])
# svg.fonttype « none » : du vrai texte, dont tests/test_layout.py lit la taille à l'écran.
plt.rcParams.update({"svg.hashsalt": "atelier", "font.size": 11, "svg.fonttype": "none"})
NBSP = "\u00a0"
GRAY, CHANNELS = "#c5cae9", ["#ef9a9a", "#a5d6a7", "#90caf9"]
# Décalage d'une feuille à la suivante (troisième axe), vers le haut à droite.
SHIFT = (0.75, 0.6)


def sheet(ax, x, y, rows, cols, color):
    """Une matrice rows × cols dont le coin bas gauche est en (x, y)."""
    for r in range(rows):
        for c in range(cols):
            ax.add_patch(Rectangle((x + c, y + rows - 1 - r), 1, 1, fc=color, ec="#37474f", lw=0.9))


def stack(ax, x, y, colors, rows=3, cols=4):
    """Des feuilles empilées en profondeur, dessinées de l'arrière vers l'avant."""
    for k in reversed(range(len(colors))):
        sheet(ax, x + k * SHIFT[0], y + k * SHIFT[1], rows, cols, colors[k])


def legend(ax, center, y, title, shape, example, scale=1.0):
    """Titre au-dessus du dessin (qui commence en y), forme et exemple en dessous ; ``scale``
    réduit les textes (variante étroite, où une unité du dessin est plus courte)."""
    ax.text(center, y + 5.0, title, ha="center", fontsize=15 * scale, weight="bold")
    ax.text(
        center,
        y - 0.5,
        f"forme {shape}",
        ha="center",
        va="top",
        family="monospace",
        fontsize=13 * scale,
    )
    ax.text(center, y - 1.3, example, ha="center", va="top", fontsize=12.5 * scale, color="#455a64")


EXAMPLES = {
    0: ("()", f"un nombre{NBSP}:\nla perte d'un lot"),
    1: ("(4,)", "un exemple tabulaire\n(4 caractéristiques)"),
    2: ("(3, 4)", "un lot tabulaire\nN × caractéristiques"),
    3: ("(2, 3, 4)", "un lot d'images en gris\nN × H × W"),
    4: ("(2, 3, 3, 4)", "un lot d'images couleur\nN × C × H × W (C = 3)"),
}


def draw_rank(ax, rank, x, y, scale=1.0):
    """Le dessin du rang ``rank`` (bord gauche en x, bas en y) et sa légende."""
    shape, example = EXAMPLES[rank]
    if rank == 0:
        sheet(ax, x + 0.5, y, 1, 1, GRAY)
        center = x + 1.0
    elif rank == 1:
        sheet(ax, x, y, 1, 4, GRAY)
        center = x + 2.0
    elif rank == 2:
        sheet(ax, x, y, 3, 4, GRAY)
        center = x + 2.0
    elif rank == 3:
        stack(ax, x, y, [GRAY, GRAY])
        center = x + 2.4
    else:
        for n in range(2):
            stack(ax, x + n * 7.0, y, CHANNELS)
        center = x + 6.2
    legend(ax, center, y, f"rang {rank}", shape, example, scale)


def draw(path, narrow):
    """Large (10 pouces, lus à 686 px au moins) : rangs 0 à 2 sur une ligne, 3 et 4 sur la
    suivante. Étroit (4,2 pouces, pour un téléphone) : deux rangs par ligne, puis le rang 4
    seul ; textes de 10 à 12 pt (11,8 px au moins à 390 px)."""
    if narrow:
        scale, rows = 0.8, [((0, 1.0), (1, 8.0)), ((2, 1.0), (3, 7.5)), ((4, 1.0),)]
        width, top, step = 13.5, 19.0, 9.5
    else:
        scale, rows = 1.0, [((0, 1.0), (1, 8.0), (2, 16.5)), ((3, 1.0), (4, 10.0))]
        width, top, step = 24.0, 9.5, 9.5
    fig, ax = plt.subplots(figsize=(4.2, 8.2) if narrow else (10, 7.2), constrained_layout=True)
    for i, row in enumerate(rows):
        for rank, x in row:
            draw_rank(ax, rank, x, top - i * step, scale)
    ax.set_xlim(-0.5, width + 0.5)
    ax.set_ylim(top - (len(rows) - 1) * step - 3.2, top + 5.8)
    ax.set_aspect("equal")
    ax.axis("off")
    fig.savefig(path, metadata={"Date": None}, bbox_inches="tight")
    plt.close(fig)


draw(out / "formes_tenseurs.svg", narrow=False)
draw(out / "formes_tenseurs-etroit.svg", narrow=True)
