"""La charge de calibration : une mesure de la vitesse de la machine, prise au moment même où un
tutoriel s'exécute, pour juger ses durées (seuils ``max_calibrations`` de tools/execute.py).

``python -m tools.calibration`` tourne à côté du noyau du tutoriel, dans son propre processus
(fil principal, autant de fils de calcul que le noyau : il subit la même concurrence pour les
cœurs). Il écrit une durée par ligne, en secondes :

* d'abord ``BURST`` mesures d'affilée (la vitesse juste avant l'exécution) ;
* puis il attend sans calculer tant que l'entrée standard reste ouverte (avec ``--period P``,
  il fait en plus une mesure toutes les P secondes ; ce n'est pas le réglage de la construction,
  car sur une machine saturée la sonde deviendrait elle-même une charge) ;
* puis, quand elle se ferme (fin de l'exécution), ``BURST`` mesures d'affilée, et il s'arrête.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time

BURST = 5


def available_cores() -> int:
    """Les cœurs que ce processus peut réellement utiliser (affinité, conteneur)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def workload(torch) -> float:
    """Quelques pas d'entraînement d'un MLP de la taille de ceux des tutoriels (PyTorch, autant
    de fils que le noyau), puis une boucle Python ; renvoie sa durée en secondes."""
    start = time.perf_counter()
    g = torch.Generator().manual_seed(0)
    x = torch.randn(256, 784, generator=g)
    y = torch.randint(0, 10, (256,), generator=g)
    w1 = (torch.randn(784, 256, generator=g) * 0.05).requires_grad_()
    w2 = (torch.randn(256, 10, generator=g) * 0.05).requires_grad_()
    for _ in range(12):
        loss = torch.nn.functional.cross_entropy(torch.relu(x @ w1) @ w2, y)
        loss.backward()
        with torch.no_grad():
            for w in (w1, w2):
                w -= 0.01 * w.grad
                w.grad = None
    total = 0
    for i in range(100_000):
        total += i * i % 7
    assert total > 0 and float(loss.detach()) > 0
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.calibration")
    parser.add_argument("--period", type=float, default=0.0, help="secondes entre deux mesures")
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(available_cores())
    closed = threading.Event()

    def watch_stdin() -> None:
        sys.stdin.read()
        closed.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    workload(torch)  # échauffement : allocations, fils de calcul
    for _ in range(BURST):
        print(f"{workload(torch):.6f}", flush=True)
    while not closed.wait(args.period or None):
        print(f"{workload(torch):.6f}", flush=True)
    for _ in range(BURST):
        print(f"{workload(torch):.6f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
