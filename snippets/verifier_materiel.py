"""Vérifie le matériel disponible pour le deep learning et chronomètre un produit matriciel.

Usage : python snippets/verifier_materiel.py [--taille 2048] [--repetitions 5]

Le script indique le processeur, la présence d'un GPU CUDA ou Apple (MPS), les versions de
PyTorch et de TensorFlow installées, puis mesure un produit de deux matrices carrées sur chaque
appareil disponible (en milliards d'opérations par seconde, GFLOP/s).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import sys
import time


def cpu_name() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas un nombre entier") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{value} : un entier strictement positif est attendu")
    return value


def time_matmul(torch, device: str, size: int, repeats: int) -> float:
    """Renvoie le débit en GFLOP/s du meilleur de REPEATS produits SIZE x SIZE."""
    a = torch.randn(size, size, device=device)
    b = torch.randn(size, size, device=device)

    def sync():
        if device == "cuda":
            torch.cuda.synchronize()
        elif device == "mps":
            torch.mps.synchronize()

    a @ b  # échauffement : allocation, choix des noyaux de calcul
    sync()
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        sync()
        best = min(best, time.perf_counter() - start)
    return 2 * size**3 / best / 1e9


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Indique le matériel (CPU, CUDA, MPS) et les versions installées, puis "
        "chronomètre un produit matriciel sur chaque appareil.",
    )
    parser.add_argument(
        "--taille", type=positive_int, default=2048, help="côté des matrices (défaut : 2048)"
    )
    parser.add_argument(
        "--repetitions", type=positive_int, default=5, help="mesures répétées (défaut : 5)"
    )
    args = parser.parse_args(argv)

    print(f"Python      : {platform.python_version()} ({sys.executable})")
    print(f"Processeur  : {cpu_name()}, {os.cpu_count()} cœurs logiques")
    if importlib.util.find_spec("torch") is None:
        print("PyTorch     : non installé (pip install torch)")
        return 1
    import torch

    print(f"PyTorch     : {torch.__version__}")
    devices = ["cpu"]
    if torch.cuda.is_available():
        devices.append("cuda")
        print(f"CUDA        : oui, {torch.cuda.get_device_name(0)}")
    else:
        print("CUDA        : non (aucun GPU NVIDIA utilisable)")
    if torch.backends.mps.is_available():
        devices.append("mps")
        print("MPS (Apple) : oui")
    if importlib.util.find_spec("tensorflow") is not None:
        os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        import tensorflow as tf

        gpus = tf.config.list_physical_devices("GPU")
        print(f"TensorFlow  : {tf.__version__}, {len(gpus)} GPU visible(s)")
    else:
        print("TensorFlow  : non installé")

    n = args.taille
    print(f"\nProduit de deux matrices {n} x {n} (meilleur de {args.repetitions}) :")
    for device in devices:
        gflops = time_matmul(torch, device, args.taille, args.repetitions)
        print(f"  {device:<4} : {gflops:8.1f} GFLOP/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
