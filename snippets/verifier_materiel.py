"""Vérifie le matériel disponible pour le deep learning et chronomètre un produit matriciel.

Exemples :
    python snippets/verifier_materiel.py                 # tous les appareils disponibles
    python snippets/verifier_materiel.py --device auto   # celui que choisiraient les scripts
    python snippets/verifier_materiel.py --size 1024 --repeats 3

Le script indique le processeur, la présence d'un GPU NVIDIA (CUDA) ou Apple (MPS), les versions
de PyTorch et de TensorFlow installées, puis mesure un produit de deux matrices carrées sur chaque
appareil retenu, en milliards d'opérations par seconde (GFLOP/s).
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import re
import sys
import time

SCRIPT = "verifier_materiel"


# --- Options de la ligne de commande --------------------------------------------------------
# (Bloc identique dans chaque script de snippets/ : chacun reste autonome, un test y veille.)


class InputError(Exception):
    """Une entrée impossible à utiliser : le script s'arrête sur une ligne d'explication."""


class FrenchHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "utilisation : " if prefix is None else prefix)


class FrenchParser(argparse.ArgumentParser):
    """argparse en français : une erreur tient sur une ligne et sort avec le code 2."""

    TRANSLATIONS = (
        (r"^argument (\S+): ", r"option \1 : "),
        (r"invalid choice: (\S+) \(choose from (.+)\)", r"valeur \1 inconnue (choix : \2)"),
        (r"unrecognized arguments: ", "option inconnue : "),
        (r"expected one argument", "une valeur est attendue"),
        (r"invalid \S+ value: (\S+)", r"valeur \1 invalide"),
    )

    def __init__(self, **kwargs):
        kwargs.setdefault("formatter_class", FrenchHelpFormatter)
        super().__init__(add_help=False, allow_abbrev=False, **kwargs)
        self.add_argument("-h", "--help", action="help", help="affiche cette aide et quitte")

    def error(self, message):
        for english, french in self.TRANSLATIONS:
            message = re.sub(english, french, message)
        self.exit(2, f"{self.prog} : erreur : {message}\n")


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas un nombre entier") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{value} n'est pas un entier strictement positif")
    return value


def parse_args(argv: list[str] | None = None) -> tuple[argparse.ArgumentParser, argparse.Namespace]:
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
    return parser, parser.parse_args(argv)


def cpu_name() -> str:
    name = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            name = next(
                line.split(":", 1)[1].strip() for line in f if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    return name


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


def choose_devices(torch, requested: str) -> list[str]:
    """Les appareils à chronométrer ; une erreur si celui qui est demandé n'existe pas ici."""
    cuda = torch.cuda.is_available()
    mps = torch.backends.mps.is_available()
    if requested == "cuda" and not cuda:
        raise InputError("--device cuda : aucun GPU CUDA utilisable ici (essayez --device auto)")
    if requested == "mps" and not mps:
        raise InputError(
            "--device mps : MPS n'existe que sur les Mac Apple (essayez --device auto)"
        )
    if requested == "tous":
        return ["cpu"] + ["cuda"] * cuda + ["mps"] * mps
    if requested == "auto":
        name = "cuda" if cuda else "mps" if mps else "cpu"
        print(f"Appareil choisi automatiquement (CUDA, sinon MPS, sinon CPU) : {name}")
        return [name]
    return [requested]


def report(args: argparse.Namespace) -> None:
    print(f"Python      : {platform.python_version()} ({sys.executable})")
    print(f"Système     : {platform.system()} {platform.release()} ({platform.machine()})")
    print(f"Processeur  : {cpu_name()}, {os.cpu_count()} cœurs logiques")
    if importlib.util.find_spec("torch") is None:
        raise InputError("PyTorch n'est pas installé : pip install torch torchvision")
    import torch

    devices = choose_devices(torch, args.device)
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
        gflops = time_matmul(torch, device, args.size, args.repeats)
        print(f"  {device:<4} : {gflops:8.1f} GFLOP/s")


def main(argv: list[str] | None = None) -> int:
    parser, args = parse_args(argv)
    try:
        report(args)
    except InputError as exc:
        parser.error(str(exc))
    except KeyboardInterrupt:
        print("\nInterrompu.", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
