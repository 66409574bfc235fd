"""Figure « fashion_mnist_exemples » : trois images de chaque classe de Fashion-MNIST.

Usage : python docs/figures/fashion_mnist_exemples.py DOSSIER_DE_SORTIE

Les images viennent du chargeur canonique de torchvision (copie locale dans ATELIER_DATA).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
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


def main(out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    root = os.environ.get("ATELIER_DATA", "data")
    train_set = datasets.FashionMNIST(root, train=True, download=True)
    images, labels = train_set.data.numpy(), train_set.targets.numpy()

    fig, axes = plt.subplots(PER_CLASS, 10, figsize=(10, 3.9))
    for label, name in enumerate(CLASSES_FR):
        # les premières images de cette classe dans le jeu d'entraînement
        indices = (labels == label).nonzero()[0][:PER_CLASS]
        for row, index in enumerate(indices):
            ax = axes[row, label]
            ax.imshow(images[index], cmap="gray_r", vmin=0, vmax=255)
            ax.set_xticks([])
            ax.set_yticks([])
            if row == 0:
                # le numéro, puis le nom : assez grands pour rester lisibles une fois la figure réduite
                ax.set_title(f"{label}\n{name}", fontsize=12)
    fig.tight_layout(pad=0.3)
    fig.savefig(out_dir / "fashion_mnist_exemples.png", dpi=150, metadata={"Software": None})
    plt.close(fig)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage : python docs/figures/fashion_mnist_exemples.py DOSSIER_DE_SORTIE")
    main(Path(sys.argv[1]))
