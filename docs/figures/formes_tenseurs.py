"""Figure « formes_tenseurs » : des tenseurs de rang 0 à 4, leur forme et un cas réel.

Usage : python formes_tenseurs.py DOSSIER ; écrit DOSSIER/formes_tenseurs.svg.
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib.patches import Rectangle

out = Path(sys.argv[1])
plt.rcParams.update({"svg.hashsalt": "atelier", "font.size": 11})
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


def legend(ax, center, y, title, shape, example):
    """Titre au-dessus du dessin (qui commence en y), forme et exemple en dessous."""
    ax.text(center, y + 5.0, title, ha="center", fontsize=15, weight="bold")
    ax.text(
        center, y - 0.5, f"forme {shape}", ha="center", va="top", family="monospace", fontsize=13
    )
    ax.text(center, y - 1.3, example, ha="center", va="top", fontsize=12.5, color="#455a64")


# Première ligne : rangs 0, 1 et 2 ; seconde ligne : rangs 3 et 4.
TOP, BOTTOM = 9.5, 0.0
fig, ax = plt.subplots(figsize=(10, 7.2), constrained_layout=True)
sheet(ax, 1.5, TOP, 1, 1, GRAY)
legend(ax, 2.0, TOP, "rang 0", "()", f"un nombre{NBSP}:\nla perte d'un lot")
sheet(ax, 8, TOP, 1, 4, GRAY)
legend(ax, 10, TOP, "rang 1", "(4,)", "un exemple tabulaire\n(4 caractéristiques)")
sheet(ax, 16.5, TOP, 3, 4, GRAY)
legend(ax, 18.5, TOP, "rang 2", "(3, 4)", "un lot tabulaire\nN × caractéristiques")
stack(ax, 1.0, BOTTOM, [GRAY, GRAY])
legend(ax, 3.4, BOTTOM, "rang 3", "(2, 3, 4)", "un lot d'images en gris\nN × H × W")
for n in range(2):
    stack(ax, 10.0 + n * 7.0, BOTTOM, CHANNELS)
legend(ax, 16.2, BOTTOM, "rang 4", "(2, 3, 3, 4)", "un lot d'images couleur\nN × C × H × W (C = 3)")
ax.set_xlim(-0.5, 24.5)
ax.set_ylim(-3.2, TOP + 5.8)
ax.set_aspect("equal")
ax.axis("off")
fig.savefig(out / "formes_tenseurs.svg", metadata={"Date": None}, bbox_inches="tight")
