"""Entraîne un perceptron multicouche (MLP) sur Fashion-MNIST avec PyTorch.

Exemples :
    python snippets/mlp_pytorch.py                       # 5 époques sur le meilleur appareil
    python snippets/mlp_pytorch.py --limit 6000 --epochs 2 --device cpu
    tensorboard --logdir runs                            # puis http://localhost:6006

Le réseau : 784 entrées (les pixels), une couche cachée de 128 neurones (ReLU), 10 sorties.
Le script écrit dans --logdir les journaux TensorBoard (courbes de perte et d'exactitude,
histogrammes des poids, graphe du modèle) et metrics.json (durée de chaque époque, pic de
mémoire, exactitude, appareil).

Ce fichier ne définit que le modèle. La boucle d'entraînement est dans entrainement_pytorch.py,
les options et les mesures dans commun.py : gardez ces deux fichiers à côté de celui-ci.
"""

from __future__ import annotations

import sys

import torch
from commun import run, training_parser
from entrainement_pytorch import train
from torch import nn

SCRIPT = "mlp_pytorch"


class MLP(nn.Module):
    """784 -> 128 (ReLU) -> 10 : une couche cachée, dix scores (un par classe)."""

    def __init__(self, hidden: int = 128):
        super().__init__()
        self.flatten = nn.Flatten()  # (N, 1, 28, 28) -> (N, 784)
        self.hidden = nn.Linear(28 * 28, hidden)
        self.activation = nn.ReLU()
        self.output = nn.Linear(hidden, 10)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.output(self.activation(self.hidden(self.flatten(x))))


def main(argv: list[str] | None = None) -> int:
    parser = training_parser(SCRIPT, __doc__)
    return run(parser, lambda args: train(args, MLP, SCRIPT), argv)


if __name__ == "__main__":
    sys.exit(main())
