"""Entraîne un petit réseau convolutif (CNN) sur Fashion-MNIST avec PyTorch.

Exemples :
    python snippets/cnn_pytorch.py                       # 5 époques sur le meilleur appareil
    python snippets/cnn_pytorch.py --limit 6000 --epochs 2 --device cpu
    tensorboard --logdir runs                            # puis http://localhost:6006

Le réseau : deux blocs convolution 3 x 3 + ReLU + agrégation par maximum (16 puis 32 filtres),
puis une couche cachée de 128 neurones et 10 sorties. Un GPU l'accélère nettement ; sur CPU,
réduisez les données avec --limit pendant la mise au point.
Le script écrit dans --logdir les journaux TensorBoard (courbes de perte et d'exactitude,
histogrammes des poids, graphe du modèle) et metrics.json (durée de chaque époque, pic de
mémoire, exactitude, appareil).

Ce fichier ne définit que le modèle. La boucle d'entraînement, la même que celle de
mlp_pytorch.py, est dans entrainement_pytorch.py, les options et les mesures dans commun.py :
gardez ces deux fichiers à côté de celui-ci.
"""

from __future__ import annotations

import sys

import torch
from commun import run, training_parser
from entrainement_pytorch import train
from torch import nn

SCRIPT = "cnn_pytorch"


class CNN(nn.Module):
    """Deux blocs convolutifs qui repèrent des motifs locaux, puis un classifieur."""

    def __init__(self, hidden: int = 128):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, kernel_size=3, padding=1),  # 16 cartes 28 x 28
            nn.ReLU(),
            nn.MaxPool2d(2),  # 16 x 14 x 14
            nn.Conv2d(16, 32, kernel_size=3, padding=1),  # 32 cartes 14 x 14
            nn.ReLU(),
            nn.MaxPool2d(2),  # 32 x 7 x 7
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),  # 32 x 7 x 7 = 1 568 valeurs
            nn.Linear(32 * 7 * 7, hidden),
            nn.ReLU(),
            nn.Linear(hidden, 10),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))


def main(argv: list[str] | None = None) -> int:
    parser = training_parser(SCRIPT, __doc__)
    return run(parser, lambda args: train(args, CNN, SCRIPT), argv)


if __name__ == "__main__":
    sys.exit(main())
