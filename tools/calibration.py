"""La charge de calibration : une mesure de la vitesse de la machine, prise au moment même où un
tutoriel s'exécute, pour juger ses durées (seuils ``max_calibrations`` de tools/execute.py).

``python -m tools.calibration`` tourne à côté du noyau du tutoriel, dans son propre processus
(fil principal, autant de fils de calcul que le noyau : il subit la même concurrence pour les
cœurs). Il écrit une mesure par ligne, « phase durée », la durée en secondes :

* d'abord ``BURST`` mesures d'affilée (``before`` : la vitesse juste avant l'exécution) ;
* puis, tant que l'entrée standard reste ouverte, une mesure de temps en temps (``during``) :
  après une mesure de durée d, la sonde attend ``max(MIN_PERIOD, d / DUTY)`` secondes, si bien
  qu'elle ne calcule jamais plus de 2 % du temps, même sur une machine saturée (chaque mesure y
  est plus longue, l'attente aussi) : elle observe la charge sans en devenir une ;
* puis, quand elle se ferme (fin de l'exécution), ``BURST`` mesures d'affilée (``after``), et
  elle s'arrête.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time

BURST = 7
MIN_PERIOD = 1.0  # secondes
SETTLE = 1.0  # secondes d'attente avant les mesures d'après
DUTY = 0.02  # part du temps où la sonde calcule pendant l'exécution


def available_cores() -> int:
    """Les cœurs que ce processus peut réellement utiliser (affinité, conteneur)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def busy_cores(samples: int = 5, interval: float = 0.05) -> int:
    """Combien de cœurs d'autres processus occupent en ce moment : le nombre de tâches prêtes à
    tourner (4e champ de /proc/loadavg, instantané, contrairement aux charges moyennes), moins
    celle qui lit, au plus bas de quelques lectures (un processus de passage ne compte pas)."""
    counts = []
    for i in range(samples):
        try:
            with open("/proc/loadavg", encoding="ascii") as f:
                running = int(f.read().split()[3].split("/")[0])
        except (OSError, ValueError, IndexError):
            return 0
        counts.append(max(0, running - 1))
        if i < samples - 1:
            time.sleep(interval)
    return min(counts)


def free_cores() -> int:
    """Les fils de calcul à donner à un tutoriel : les cœurs disponibles moins ceux que d'autres
    processus occupent déjà, au moins 1. Deux fils sur deux cœurs que se disputent deux autres
    processus s'attendent l'un l'autre à chaque opération parallèle (mesuré : le tutoriel 03
    15 fois plus lent) ; un seul fil avance à la vitesse de sa part de processeur."""
    return max(1, available_cores() - busy_cores())


# --- Ce que les autres processus ont pris pendant une exécution --------------------------------
# Un tutoriel dont les fils se disputent les cœurs avec d'autres programmes arrivés après son
# démarrage ralentit bien plus que la calibration d'avant et d'après (mesuré : 03 cinq fois plus
# lent, calibration deux fois). La construction mesure donc aussi, pendant l'exécution, le temps
# de calcul de la machine qui n'est ni le sien ni celui de ses processus enfants : au-delà de
# BUSY_CORES cœurs en moyenne, la durée n'est pas jugée (elle reste enregistrée).
BUSY_CORES = 0.5


def _system_busy_seconds() -> float | None:
    """Temps de calcul de toute la machine depuis son démarrage (/proc/stat : user, nice,
    system, irq, softirq, steal), en secondes ; None hors de Linux."""
    try:
        with open("/proc/stat", encoding="ascii") as f:
            fields = f.readline().split()
    except OSError:
        return None
    if not fields or fields[0] != "cpu":
        return None
    ticks = [int(v) for v in fields[1:9]]
    busy = ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6] + ticks[7]
    return busy / os.sysconf("SC_CLK_TCK")


def _descendants_seconds(root: int) -> float:
    """Temps de calcul des descendants vivants de ``root`` (et de leurs enfants terminés)."""
    parents, cpu = {}, {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as f:
                rest = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        pid = int(entry.name)
        parents[pid] = int(rest[1])
        cpu[pid] = sum(int(v) for v in rest[11:15]) / tick  # utime stime cutime cstime
    total, frontier = 0.0, [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent:
                total += cpu[pid]
                frontier.append(pid)
    return total


class OtherLoad:
    """Chronomètre le calcul des autres processus de la machine entre start() et stop() :
    ``cores`` en moyenne (0 sur une machine calme, 2 sous deux processus de calcul voisins),
    None quand le système ne le permet pas (hors de Linux)."""

    def _snapshot(self):
        system = _system_busy_seconds()
        if system is None:
            return None
        times = os.times()
        ours = times.user + times.system + times.children_user + times.children_system
        return time.monotonic(), system, ours + _descendants_seconds(os.getpid())

    def start(self) -> OtherLoad:
        self._start = self._snapshot()
        return self

    def stop(self) -> float | None:
        end = self._snapshot()
        if self._start is None or end is None or end[0] <= self._start[0]:
            return None
        wall = end[0] - self._start[0]
        self.system_seconds = end[1] - self._start[1]
        self.own_seconds = end[2] - self._start[2]
        self.cores = max(0.0, (self.system_seconds - self.own_seconds) / wall)
        return self.cores


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
    parser.add_argument("--min-period", type=float, default=MIN_PERIOD, help="secondes")
    parser.add_argument("--duty", type=float, default=DUTY, help="part du temps de calcul")
    parser.add_argument("--threads", type=int, default=0, help="fils de calcul (ceux du noyau)")
    args = parser.parse_args(argv)
    import torch

    torch.set_num_threads(args.threads if args.threads > 0 else available_cores())
    closed = threading.Event()

    def watch_stdin() -> None:
        sys.stdin.read()
        closed.set()

    threading.Thread(target=watch_stdin, daemon=True).start()
    workload(torch)  # échauffement : allocations, fils de calcul
    seconds = 0.0
    for _ in range(BURST):
        seconds = workload(torch)
        print(f"before {seconds:.6f}", flush=True)
    while not closed.wait(max(args.min_period, seconds / args.duty)):
        seconds = workload(torch)
        print(f"during {seconds:.6f}", flush=True)
    # Le noyau vient de s'arrêter : on laisse finir sa fermeture (TensorFlow libère ses fils de
    # calcul), qui sinon ralentirait les premières mesures d'après.
    time.sleep(SETTLE)
    for _ in range(BURST):
        print(f"after {workload(torch):.6f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
