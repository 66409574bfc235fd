"""Figure « fashion_mnist_exemples » : trois images de chaque classe de Fashion-MNIST.

Usage : python docs/figures/fashion_mnist_exemples.py DOSSIER_DE_SORTIE

Écrit fashion_mnist_exemples.png (dix classes par ligne) et, pour un téléphone,
fashion_mnist_exemples-etroit.png (cinq classes par ligne, vignettes presque deux fois plus grandes).

Les images viennent du chargeur canonique de torchvision (copie locale dans ATELIER_DATA).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from torchvision import datasets  # noqa: E402

# Noms français des dix classes, dans l'ordre des étiquettes 0 à 9.
CLASSES_FR = [
    "T-shirt",
    "Pantalon",
    "Pull",
    "Robe",
    "Manteau",
    "Sandale",
    "Chemise",
    "Basket",
    "Sac",
    "Bottine",
]
PER_CLASS = 3


DPI = 150
TITLE_SIZE = 12  # pt : 25 px dans l'image à 150 ppp


def draw(path: Path, images, labels, per_row: int) -> None:
    """La grille, ``per_row`` classes par ligne (10 : écran large ; 5 : téléphone, en deux blocs
    de trois lignes). Le PNG note dans ses métadonnées la largeur de la plus petite vignette et
    la taille des titres, en pixels de l'image : tests/test_layout.py en déduit leur taille à
    l'écran."""
    blocks = len(CLASSES_FR) // per_row
    if blocks == 1:
        fig, axes = plt.subplots(PER_CLASS, per_row, figsize=(10, 3.9))
    else:
        # Un bloc par groupe de classes (sous-figure) : ses titres restent collés à ses images.
        fig = plt.figure(figsize=(4.2, 5.8), layout="constrained")
        fig.get_layout_engine().set(w_pad=0.02, h_pad=0.02, hspace=0.02, wspace=0.02)
        axes = np.vstack([sub.subplots(PER_CLASS, per_row) for sub in fig.subfigures(blocks, 1)])
    for label, name in enumerate(CLASSES_FR):
        block, column = divmod(label, per_row)
        # les premières images de cette classe dans le jeu d'entraînement
        indices = (labels == label).nonzero()[0][:PER_CLASS]
        for row, index in enumerate(indices):
            ax = axes[block * PER_CLASS + row, column]
            ax.imshow(images[index], cmap="gray_r", vmin=0, vmax=255)
            ax.set_xticks([])
            ax.set_yticks([])
            if row == 0:
                # le numéro, puis le nom : assez grands pour rester lisibles une fois la figure réduite
                ax.set_title(f"{label}\n{name}", fontsize=TITLE_SIZE)
    if blocks == 1:
        fig.tight_layout(pad=0.3)
    fig.canvas.draw()
    # Largeur de la plus petite vignette, en pixels du PNG (la figure est enregistrée à DPI).
    thumbnail = min(ax.get_window_extent().width for ax in axes.flat) * DPI / fig.dpi
    metadata = {
        "Software": None,
        "atelier:vignette-px": f"{thumbnail:.1f}",
        "atelier:texte-px": f"{TITLE_SIZE * DPI / 72:.1f}",
    }
    fig.savefig(path, dpi=DPI, metadata=metadata)
    plt.close(fig)


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    root = os.environ.get("ATELIER_DATA", "data")
    train_set = datasets.FashionMNIST(root, train=True, download=True)
    images, labels = train_set.data.numpy(), train_set.targets.numpy()
    draw(out_dir / "fashion_mnist_exemples.png", images, labels, per_row=10)
    # Pour un téléphone : cinq classes par ligne, des vignettes presque deux fois plus grandes.
    draw(out_dir / "fashion_mnist_exemples-etroit.png", images, labels, per_row=5)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage : python docs/figures/fashion_mnist_exemples.py DOSSIER_DE_SORTIE")
    main(Path(sys.argv[1]))
