"""Figure « reseau_mlp » : les couches d'un perceptron multicouche et les formes des poids.

Usage : python reseau_mlp.py DOSSIER ; écrit DOSSIER/reseau_mlp.svg.
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

out = Path(sys.argv[1])
plt.rcParams.update({"svg.hashsalt": "atelier", "font.size": 11})

layers = [3, 5, 4, 2]
names = [
    "entrée\n$\\mathbf{x}$",
    "couche cachée 1\n$\\mathbf{a}^{(1)}$",
    "couche cachée 2\n$\\mathbf{a}^{(2)}$",
    "sortie\n$\\hat{\\mathbf{y}}$",
]
colors = ["#90a4ae", "#7986cb", "#7986cb", "#ff8a65"]
xs = [0, 3, 6, 9]


def positions(n):
    return [(n - 1) / 2 - i for i in range(n)]


fig, ax = plt.subplots(figsize=(10, 4.6), constrained_layout=True)
for k in range(len(layers) - 1):
    for y0 in positions(layers[k]):
        for y1 in positions(layers[k + 1]):
            ax.plot([xs[k], xs[k + 1]], [y0, y1], color="0.75", lw=0.9, zorder=1)
    n_in, n_out = layers[k], layers[k + 1]
    ax.text(
        (xs[k] + xs[k + 1]) / 2,
        3.05,
        f"$W^{{({k + 1})}}$ : {n_out} × {n_in}\n$\\mathbf{{b}}^{{({k + 1})}}$ : {n_out}",
        ha="center",
        va="center",
        fontsize=10,
        bbox={"boxstyle": "round", "fc": "#fff8e1", "ec": "#ffb300"},
    )
for x, n, name, color in zip(xs, layers, names, colors, strict=True):
    for y in positions(n):
        ax.add_patch(plt.Circle((x, y), 0.3, fc=color, ec="#263238", lw=1.2, zorder=2))
    ax.text(x, -3.05, name, ha="center", va="top", fontsize=11)
ax.annotate(
    "",
    xy=(9.6, -3.85),
    xytext=(-0.6, -3.85),
    arrowprops={"arrowstyle": "->", "color": "#37474f", "lw": 1.5},
)
ax.text(
    4.5,
    -4.05,
    "propagation avant : de l'entrée vers la sortie, sans boucle",
    ha="center",
    va="top",
    fontsize=10,
    color="#37474f",
)
ax.set_xlim(-1.2, 10.2)
ax.set_ylim(-4.6, 3.7)
ax.set_aspect("equal")
ax.axis("off")
fig.savefig(out / "reseau_mlp.svg", metadata={"Date": None}, bbox_inches="tight")
