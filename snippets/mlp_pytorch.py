"""Entraîne un perceptron multicouche (MLP) sur Fashion-MNIST avec PyTorch.

Exemples :
    python snippets/mlp_pytorch.py                       # 5 époques sur le meilleur appareil
    python snippets/mlp_pytorch.py --limit 6000 --epochs 2 --device cpu
    tensorboard --logdir runs                            # puis http://localhost:6006

Le réseau : 784 entrées (les pixels), une couche cachée de 128 neurones (ReLU), 10 sorties
(des scores bruts, ou logits ; la perte leur applique softmax). Le script met de côté 10 % des
images d'entraînement pour la validation et n'évalue le test qu'une fois, à la fin.
Le script écrit dans --logdir les journaux TensorBoard (courbes de perte et d'exactitude,
histogrammes des poids, graphe du modèle) et metrics.json (durée de chaque époque, pic de
mémoire, exactitude, appareil).

Ce fichier ne définit que le modèle. La boucle d'entraînement est dans entrainement_pytorch.py,
les options et les mesures dans commun.py : gardez ces deux fichiers à côté de celui-ci.
"""

from __future__ import annotations

import sys
from collections import OrderedDict

from commun import run, training_parser

SCRIPT = "mlp_pytorch"


def build_model():
    """784 -> 128 (ReLU) -> 10 : une couche cachée, dix scores bruts (logits), un par classe.

    Pas de softmax à la fin : la perte nn.CrossEntropyLoss l'applique elle-même aux logits.
    """
    # PyTorch n'est importé qu'ici, au moment de servir : --help répond tout de suite, et un
    # Ctrl+C pendant son chargement arrête le script proprement (voir commun.run).
    from torch import nn

    return nn.Sequential(
        OrderedDict(
            flatten=nn.Flatten(),  # (N, 1, 28, 28) -> (N, 784)
            hidden=nn.Linear(28 * 28, 128),
            activation=nn.ReLU(),
            output=nn.Linear(128, 10),
        )
    )


def command(args) -> dict:
    from entrainement_pytorch import train

    return train(args, build_model, SCRIPT)


def main(argv: list[str] | None = None) -> int:
    return run(training_parser(SCRIPT, __doc__), command, argv)


if __name__ == "__main__":
    sys.exit(main())
