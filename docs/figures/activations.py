"""Figure « activations » : sigmoïde, tanh et ReLU, avec leurs dérivées.

Usage : python activations.py DOSSIER ; écrit DOSSIER/activations.svg, sa variante pour un
téléphone DOSSIER/activations-etroit.svg et DOSSIER/activations.md (une phrase avec les maximums
des dérivées, calculés ici).
"""

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import FuncFormatter

out = Path(sys.argv[1])
# svg.fonttype « none » : du vrai texte, dont tests/test_layout.py lit la taille à l'écran.
plt.rcParams.update({"svg.hashsalt": "atelier", "svg.fonttype": "none"})
virgule = FuncFormatter(lambda v, _: f"{v:g}".replace(".", ",").replace("-", "−"))

x = np.linspace(-5, 5, 1001)
sigmoid = 1 / (1 + np.exp(-x))
tanh = np.tanh(x)
relu = np.maximum(0, x)
functions = [
    ("sigmoïde", sigmoid, sigmoid * (1 - sigmoid), "#3949ab"),
    ("tanh", tanh, 1 - tanh**2, "#e65100"),
    ("ReLU", relu, (x > 0).astype(float), "#2e7d32"),
]


def draw(path: Path, narrow: bool) -> None:
    """Large : les deux graphiques côte à côte (10 pouces, lus à 686 px au moins) ; étroit :
    l'un sous l'autre sur 4,2 pouces, pour un téléphone (texte de 10 pt : 11,8 px à 390 px)."""
    size = (4.2, 6.6) if narrow else (10, 4)
    with plt.rc_context({"font.size": 10 if narrow else 11}):
        fig, (left, right) = plt.subplots(
            *((2, 1) if narrow else (1, 2)), figsize=size, constrained_layout=True
        )
        for name, f, df, color in functions:
            left.plot(x, f, color=color, lw=2.2, label=name)
            # La dérivée de ReLU saute en 0 : on ne relie pas les deux morceaux.
            dfx = np.where(np.abs(x) < 1e-9, np.nan, df) if name == "ReLU" else df
            right.plot(x, dfx, color=color, lw=2.2, label=f"dérivée de {name}")
        left.set_title("Fonctions d'activation")
        right.set_title("Leurs dérivées")
        left.set_ylim(-1.6, 3.2)
        right.set_ylim(-0.1, 1.15)
        for ax in (left, right):
            ax.axhline(0, color="0.6", lw=0.8)
            ax.axvline(0, color="0.6", lw=0.8)
            ax.set_xlabel("pré-activation z")
            ax.grid(alpha=0.3)
            ax.legend(loc="upper left", frameon=False)
            ax.xaxis.set_major_formatter(virgule)
            ax.yaxis.set_major_formatter(virgule)
        fig.savefig(path, metadata={"Date": None})
        plt.close(fig)


draw(out / "activations.svg", narrow=False)
draw(out / "activations-etroit.svg", narrow=True)


def nombre(v: float) -> str:
    return f"{v:.2f}".replace(".", ",")


# Les nombres cités par la page, mesurés sur les courbes tracées.
max_sigmoid = (sigmoid * (1 - sigmoid)).max()
max_tanh = (1 - tanh**2).max()
at_4 = 1 / (1 + np.exp(-4.0))
(out / "activations.md").write_text(
    f"La dérivée de la sigmoïde ne dépasse jamais **{nombre(max_sigmoid)}**, atteint en "
    f"$z = 0$, et celle de tanh vaut au plus **{nombre(max_tanh)}**. Dès que $|z|$ s'éloigne "
    f"de zéro, les deux s'écrasent{chr(0xA0)}: en $z = 4$, la dérivée de la sigmoïde ne vaut "
    f"plus que **{nombre(at_4 * (1 - at_4))}**. La dérivée de ReLU vaut exactement 1 pour "
    "toute pré-activation positive.\n",
    encoding="utf-8",
)
