"""Figure « surapprentissage » : une droite et un polynôme de degré 6 ajustés sur 5 points bruités.

Usage : python docs/figures/surapprentissage.py DOSSIER_DE_SORTIE

Écrit DOSSIER/surapprentissage.svg (la figure), DOSSIER/surapprentissage-etroit.svg (la même pour
un téléphone, graphiques l'un sous l'autre) et DOSSIER/surapprentissage.md (les erreurs mesurées,
en français, à inclure sous la figure).
"""

from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

# Graine fixée, choisie pour que la figure reste lisible : selon le tirage des 5 points, le
# polynôme s'écarte plus ou moins loin entre les points et au bord de l'intervalle.
SEED = 30
NOISE = 0.3
N_TRAIN = 5
N_VAL = 30
NBSP = "\u00a0"


# Graduations des axes à la française : virgule décimale, vrai signe moins.
FRENCH_TICKS = FuncFormatter(lambda v, _pos: f"{v:g}".replace(".", ",").replace("-", "\u2212"))


def true_function(x: np.ndarray) -> np.ndarray:
    """La relation cachée que les deux modèles cherchent à retrouver : une simple droite."""
    return 0.5 + 1.5 * x


def make_data(seed: int = SEED):
    rng = np.random.default_rng(seed)
    x_train = np.sort(rng.uniform(-1, 1, N_TRAIN))
    y_train = true_function(x_train) + rng.normal(0, NOISE, N_TRAIN)
    x_val = rng.uniform(-1, 1, N_VAL)
    y_val = true_function(x_val) + rng.normal(0, NOISE, N_VAL)
    return x_train, y_train, x_val, y_val


def fit_polynomial(x: np.ndarray, y: np.ndarray, n_params: int) -> np.ndarray:
    """Moindres carrés sur la matrice de Vandermonde (solution de norme minimale).

    Avec 7 paramètres et seulement 5 points, le système a une infinité de solutions exactes :
    lstsq renvoie celle dont les coefficients ont la plus petite norme.
    """
    coefs, *_ = np.linalg.lstsq(np.vander(x, n_params), y, rcond=None)
    return coefs


def mse(coefs: np.ndarray, x: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean((np.polyval(coefs, x) - y) ** 2))


def fr(value: float, digits: int = 3) -> str:
    """Nombre à la française : virgule décimale."""
    return f"{value:.{digits}f}".replace(".", ",")


def draw(path: Path, models: dict, errors: dict, data: tuple, narrow: bool = False) -> None:
    """Large : les deux modèles côte à côte (10 pouces, lus à 686 px au moins) ; étroit : l'un
    sous l'autre sur 4,2 pouces, pour un téléphone (texte de 10 pt : 11,8 px à 390 px)."""
    x_train, y_train, x_val, y_val = data
    # svg.fonttype « none » : du vrai texte, dont tests/test_layout.py lit la taille à l'écran.
    style = {"svg.hashsalt": "atelier", "svg.fonttype": "none", "font.size": 10 if narrow else 13}
    title_size, legend_size = (10, 10) if narrow else (13, 11)
    with plt.rc_context(style):
        fig, axes = plt.subplots(
            *((2, 1) if narrow else (1, 2)),
            figsize=(4.2, 7.2) if narrow else (10, 4.2),
            sharey=True,
            sharex=narrow,
        )
        grid = np.linspace(-1, 1, 400)
        colors = ["#3949ab", "#e64a19"]
        for ax, (name, coefs), color in zip(axes, models.items(), colors, strict=True):
            train_err, val_err = errors[name]
            ax.plot(grid, true_function(grid), color="0.6", linestyle="--", label="relation réelle")
            ax.plot(
                grid, np.polyval(coefs, grid), color=color, linewidth=2.2, label="modèle ajusté"
            )
            ax.scatter(
                x_val,
                y_val,
                facecolors="none",
                edgecolors="0.35",
                s=36,
                label="validation (30 points)",
            )
            ax.scatter(
                x_train, y_train, color="black", s=60, zorder=3, label="entraînement (5 points)"
            )
            ax.set_title(
                f"{name[0].upper()}{name[1:]}\nMSE entraînement {fr(train_err)}, "
                f"validation {fr(val_err)}",
                fontsize=title_size,
            )
            ax.set_xlim(-1.05, 1.05)
            ax.grid(alpha=0.3)
            ax.xaxis.set_major_formatter(FRENCH_TICKS)
            ax.yaxis.set_major_formatter(FRENCH_TICKS)
            if narrow:
                ax.set_ylabel("y")
        axes[-1].set_xlabel("x")
        if not narrow:
            axes[0].set_xlabel("x")
            axes[0].set_ylabel("y")
        low = min(y_train.min(), y_val.min())
        high = max(y_train.max(), y_val.max())
        margin = 0.25 * (high - low)
        axes[0].set_ylim(low - margin, high + margin)
        axes[0].legend(loc="upper left", fontsize=legend_size)
        fig.tight_layout()
        fig.savefig(path, metadata={"Date": None})
        plt.close(fig)


def main(out_dir: Path) -> dict:
    out_dir.mkdir(parents=True, exist_ok=True)
    x_train, y_train, x_val, y_val = make_data()
    models = {
        "droite (2 paramètres)": fit_polynomial(x_train, y_train, 2),
        "polynôme de degré 6 (7 paramètres)": fit_polynomial(x_train, y_train, 7),
    }
    errors = {name: (mse(c, x_train, y_train), mse(c, x_val, y_val)) for name, c in models.items()}

    draw(out_dir / "surapprentissage.svg", models, errors, (x_train, y_train, x_val, y_val))
    draw(
        out_dir / "surapprentissage-etroit.svg",
        models,
        errors,
        (x_train, y_train, x_val, y_val),
        narrow=True,
    )

    (line_train, line_val), (poly_train, poly_val) = errors.values()
    snippet = (
        f"Erreurs mesurées (erreur quadratique moyenne, MSE) sur ce tirage{NBSP}:\n\n"
        "| Modèle | Paramètres | MSE entraînement | MSE validation |\n"
        "|---|---:|---:|---:|\n"
        f"| Droite | 2 | {fr(line_train)} | {fr(line_val)} |\n"
        f"| Polynôme de degré 6 | 7 | {fr(poly_train)} | {fr(poly_val)} |\n\n"
        f"Sur les points de validation, le polynôme se trompe en moyenne "
        f"{fr(poly_val / line_val, 0)}{NBSP}fois plus que la droite (en MSE).\n"
    )
    (out_dir / "surapprentissage.md").write_text(snippet, encoding="utf-8")
    return {"errors": errors}


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage : python docs/figures/surapprentissage.py DOSSIER_DE_SORTIE")
    main(Path(sys.argv[1]))
