"""Figure « reseau_mlp » : les couches d'un perceptron multicouche et les formes des poids.

Usage : python reseau_mlp.py DOSSIER ; écrit DOSSIER/reseau_mlp.svg.

Une seule figure pour toutes les largeurs : dessinée sur 4,4 pouces (317 pt), elle s'affiche
à sa taille sur un grand écran (textes de 10 pt : 13,3 px) et à peine réduite sur un téléphone
de 390 px (10 pt y font 11,3 px).
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

out = Path(sys.argv[1])
# svg.fonttype « none » : du vrai texte, dont tests/test_layout.py lit la taille à l'écran.
plt.rcParams.update({"svg.hashsalt": "atelier", "font.size": 10, "svg.fonttype": "none"})
NBSP = "\u00a0"
# Exposants entre parenthèses, en caractères Unicode (le vrai texte n'a pas de formule) :
# (1) -> ⁽¹⁾.
SUPERSCRIPT = str.maketrans("()0123456789", "⁽⁾⁰¹²³⁴⁵⁶⁷⁸⁹")

layers = [3, 5, 4, 2]
# Le nom de chaque couche et, en gras dessous, son vecteur (x, a⁽¹⁾, a⁽²⁾, ŷ).
names = ["entrée", "couche\ncachée 1", "couche\ncachée 2", "sortie"]
vectors = ["x", "a" + "(1)".translate(SUPERSCRIPT), "a" + "(2)".translate(SUPERSCRIPT), "ŷ"]
colors = ["#90a4ae", "#7986cb", "#7986cb", "#ff8a65"]
xs = [0, 3, 6, 9]


def positions(n):
    return [(n - 1) / 2 - i for i in range(n)]


fig, ax = plt.subplots(figsize=(4.4, 4.0), constrained_layout=True)
for k in range(len(layers) - 1):
    for y0 in positions(layers[k]):
        for y1 in positions(layers[k + 1]):
            ax.plot([xs[k], xs[k + 1]], [y0, y1], color="0.75", lw=0.9, zorder=1)
    n_in, n_out = layers[k], layers[k + 1]
    exponent = f"({k + 1})".translate(SUPERSCRIPT)
    ax.text(
        (xs[k] + xs[k + 1]) / 2,
        3.15,
        f"W{exponent}{NBSP}: {n_out} × {n_in}\nb{exponent}{NBSP}: {n_out}",
        ha="center",
        va="center",
        bbox={"boxstyle": "round", "fc": "#fff8e1", "ec": "#ffb300"},
    )
for x, n, name, vector, color in zip(xs, layers, names, vectors, colors, strict=True):
    for y in positions(n):
        ax.add_patch(plt.Circle((x, y), 0.3, fc=color, ec="#263238", lw=1.2, zorder=2))
    ax.text(x, -2.75, name, ha="center", va="top")
    ax.text(x, -4.25, vector, ha="center", va="center", weight="bold", fontsize=11)
ax.annotate(
    "",
    xy=(9.6, -4.95),
    xytext=(-0.6, -4.95),
    arrowprops={"arrowstyle": "->", "color": "#37474f", "lw": 1.5},
)
ax.text(
    4.5,
    -5.2,
    f"propagation avant{NBSP}: de l'entrée vers la sortie,\nsans boucle",
    ha="center",
    va="top",
    color="#37474f",
)
ax.set_xlim(-1.2, 10.2)
ax.set_ylim(-6.6, 4.0)
ax.set_aspect("equal")
ax.axis("off")
fig.savefig(out / "reseau_mlp.svg", metadata={"Date": None}, bbox_inches="tight")
