"""Entraîne un petit réseau convolutif (CNN) sur Fashion-MNIST avec PyTorch.

Exemples :
    python snippets/cnn_pytorch.py                       # 5 époques sur le meilleur appareil
    python snippets/cnn_pytorch.py --limit 6000 --epochs 2 --device cpu
    tensorboard --logdir runs                            # puis http://localhost:6006

Le réseau : deux blocs convolution 3 x 3 + ReLU + agrégation par maximum (16 puis 32 filtres),
puis une couche cachée de 128 neurones et 10 sorties (des scores bruts, ou logits). Un GPU
l'accélère nettement ; sur CPU, réduisez les données avec --limit pendant la mise au point.
Comme mlp_pytorch.py, il met de côté 10 % des images d'entraînement pour la validation et
n'évalue le test qu'une fois, à la fin.
Le script écrit dans --logdir les journaux TensorBoard (courbes de perte et d'exactitude,
histogrammes des poids, graphe du modèle) et metrics.json (durée de chaque époque, pic de
mémoire, exactitude, appareil).

Ce fichier ne définit que le modèle. La boucle d'entraînement, la même que celle de
mlp_pytorch.py, est dans entrainement_pytorch.py, les options et les mesures dans commun.py :
gardez ces deux fichiers à côté de celui-ci.
"""

from __future__ import annotations

import sys
from collections import OrderedDict

from commun import run, training_parser

SCRIPT = "cnn_pytorch"


def build_model():
    """Deux blocs convolutifs qui repèrent des motifs locaux, puis un classifieur qui sort dix
    scores bruts (logits) : la perte nn.CrossEntropyLoss leur applique elle-même softmax."""
    # PyTorch n'est importé qu'ici, au moment de servir : --help répond tout de suite, et un
    # Ctrl+C pendant son chargement arrête le script proprement (voir commun.run).
    from torch import nn

    features = nn.Sequential(
        nn.Conv2d(1, 16, kernel_size=3, padding=1),  # 16 cartes 28 x 28
        nn.ReLU(),
        nn.MaxPool2d(2),  # 16 x 14 x 14
        nn.Conv2d(16, 32, kernel_size=3, padding=1),  # 32 cartes 14 x 14
        nn.ReLU(),
        nn.MaxPool2d(2),  # 32 x 7 x 7
    )
    classifier = nn.Sequential(
        nn.Flatten(),  # 32 x 7 x 7 = 1 568 valeurs
        nn.Linear(32 * 7 * 7, 128),
        nn.ReLU(),
        nn.Linear(128, 10),
    )
    return nn.Sequential(OrderedDict(features=features, classifier=classifier))


def command(args) -> dict:
    from entrainement_pytorch import train

    return train(args, build_model, SCRIPT)


def main(argv: list[str] | None = None) -> int:
    return run(training_parser(SCRIPT, __doc__), command, argv)


if __name__ == "__main__":
    sys.exit(main())
