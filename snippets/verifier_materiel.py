"""Vérifie le matériel disponible pour le deep learning et chronomètre un produit matriciel.

Exemples :
    python snippets/verifier_materiel.py                 # tous les appareils disponibles
    python snippets/verifier_materiel.py --device auto   # celui que choisiraient les scripts
    python snippets/verifier_materiel.py --size 1024 --repeats 3

Le script indique le processeur, la présence d'un GPU NVIDIA (CUDA) ou Apple (MPS), les versions
de PyTorch et de TensorFlow installées, puis mesure un produit de deux matrices carrées sur chaque
appareil retenu, en milliards d'opérations par seconde (GFLOP/s).

Les options en français et les erreurs d'une ligne viennent de commun.py, le module partagé par
les scripts de ce dossier : gardez-le à côté de celui-ci.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import sys
import time

from commun import (
    FrenchParser,
    InputError,
    describe_cpu,
    fr,
    positive_int,
    run,
    torch_device_name,
)

SCRIPT = "verifier_materiel"


def build_parser() -> FrenchParser:
    parser = FrenchParser(prog=f"{SCRIPT}.py", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--device",
        choices=("tous", "auto", "cpu", "cuda", "mps"),
        default="tous",
        help="appareil(s) à chronométrer ; auto prend CUDA, sinon MPS (Mac), sinon le CPU, "
        "comme les scripts d'entraînement (défaut : tous ceux qui sont disponibles)",
    )
    parser.add_argument(
        "--size",
        type=positive_int,
        default=2048,
        metavar="N",
        help="côté des matrices (défaut : %(default)s)",
    )
    parser.add_argument(
        "--repeats",
        type=positive_int,
        default=5,
        metavar="N",
        help="mesures répétées (défaut : %(default)s)",
    )
    return parser


def time_matmul(torch, device: str, size: int, repeats: int) -> float:
    """Renvoie le débit en GFLOP/s du meilleur de REPEATS produits SIZE x SIZE."""
    a = torch.randn(size, size, device=device)
    b = torch.randn(size, size, device=device)

    def sync():
        if device == "cuda":
            torch.cuda.synchronize()
        elif device == "mps":
            torch.mps.synchronize()

    a @ b  # échauffement : allocation, choix des noyaux de calcul
    sync()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        sync()
        best = min(best, time.perf_counter() - start)
    return 2 * size**3 / best / 1e9


def available_memory(torch, device: str) -> int | None:
    """La mémoire libre de l'appareil, en octets ; None si on ne sait pas la lire ici."""
    if device == "cuda":
        return torch.cuda.mem_get_info()[0]
    if device == "cpu":
        try:
            with open("/proc/meminfo", encoding="utf-8") as f:  # Linux
                for line in f:
                    if line.startswith("MemAvailable:"):
                        return int(line.split()[1]) * 1024
        except (OSError, ValueError, IndexError):
            pass
    return None  # MPS, ou CPU hors Linux : l'allocation elle-même dira si la place manque


def check_memory(torch, device: str, size: int) -> None:
    """Refuse une taille dont les trois matrices (a, b et le produit) ne tiennent pas en mémoire."""
    needed = 3 * size * size * 4  # float32 : 4 octets par nombre
    available = available_memory(torch, device)
    if available is not None and needed > available:
        raise InputError(
            f"--size {size} : trois matrices {size} x {size} demandent "
            f"{fr(needed / 2**30, 1)} Gio, plus que la mémoire libre de l'appareil {device} "
            f"({fr(available / 2**30, 1)} Gio) ; essayez une taille plus petite"
        )


def choose_devices(torch, requested: str) -> list[str]:
    """Les appareils à chronométrer ; une erreur si celui qui est demandé n'existe pas ici."""
    if requested == "tous":
        cuda, mps = torch.cuda.is_available(), torch.backends.mps.is_available()
        return ["cpu"] + ["cuda"] * cuda + ["mps"] * mps
    name = torch_device_name(torch, requested)
    if requested == "auto":
        print(f"Appareil choisi automatiquement (CUDA, sinon MPS, sinon CPU) : {name}")
    return [name]


def report(args: argparse.Namespace) -> None:
    print(f"Python      : {platform.python_version()} ({sys.executable})")
    print(f"Système     : {platform.system()} {platform.release()} ({platform.machine()})")
    print(f"Processeur  : {describe_cpu()}")
    if importlib.util.find_spec("torch") is None:
        raise InputError("PyTorch n'est pas installé : pip install torch torchvision")
    import torch

    devices = choose_devices(torch, args.device)
    for device in devices:  # avant tout calcul : une taille impossible s'arrête ici
        check_memory(torch, device, args.size)
    print(f"PyTorch     : {torch.__version__}, {torch.get_num_threads()} fils de calcul sur CPU")
    if torch.cuda.is_available():
        props = torch.cuda.get_device_properties(0)
        print(
            f"CUDA        : oui, {torch.cuda.device_count()} GPU ; {props.name}, "
            f"{props.total_memory / 2**30:.1f} Gio, CUDA {torch.version.cuda}"
        )
    else:
        print("CUDA        : non (aucun GPU NVIDIA utilisable par PyTorch)")
    print(f"MPS (Apple) : {'oui' if torch.backends.mps.is_available() else 'non'}")
    if importlib.util.find_spec("tensorflow") is not None:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        print(f"TensorFlow  : {tf.__version__}, {len(gpus)} GPU visible(s) par TensorFlow")
    else:
        print("TensorFlow  : non installé (pip install tensorflow)")

    n = args.size
    print(f"\nProduit de deux matrices {n} x {n} en float32 (meilleur de {args.repeats}) :")
    for device in devices:
        try:
            gflops = time_matmul(torch, device, n, args.repeats)
        except (MemoryError, RuntimeError) as exc:  # torch.OutOfMemoryError en fait partie
            if "memory" not in str(exc).lower() and not isinstance(exc, MemoryError):
                raise
            raise InputError(
                f"--size {n} : mémoire insuffisante sur l'appareil {device} pour trois "
                f"matrices {n} x {n} ; essayez une taille plus petite"
            ) from None
        print(f"  {device:<4} : {gflops:8.1f} GFLOP/s")


def main(argv: list[str] | None = None) -> int:
    return run(build_parser(), report, argv)


if __name__ == "__main__":
    sys.exit(main())
