"""Entraîne un petit réseau convolutif (CNN) sur Fashion-MNIST avec PyTorch.

Exemples :
    python snippets/cnn_pytorch.py                       # 5 époques sur le meilleur appareil
    python snippets/cnn_pytorch.py --limit 6000 --epochs 2 --device cpu
    tensorboard --logdir runs                            # puis http://localhost:6006

Le réseau : deux blocs convolution 3 x 3 + ReLU + max pooling (16 puis 32 filtres), puis une
couche cachée de 128 neurones et 10 sorties. Un GPU l'accélère nettement ; sur CPU, réduisez
les données avec --limit pendant la mise au point.
Les images sont chargées une fois en mémoire sous forme de tenseurs, puis découpées en lots.
Le script écrit dans --logdir les journaux TensorBoard (courbes de perte et d'exactitude,
histogrammes des poids, graphe du modèle) et metrics.json (durée de chaque époque, pic de
mémoire, exactitude, appareil).
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import platform
import re
import sys
import tempfile
import time
import warnings
from pathlib import Path

import torch
import torchvision
from torch import nn
from tqdm import tqdm

SCRIPT = "cnn_pytorch"


# --- Le modèle ------------------------------------------------------------------------------


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


def build_model() -> nn.Module:
    return CNN()


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


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas un nombre") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text} n'est pas un nombre strictement positif")
    return value


def parse_args(argv: list[str] | None = None) -> tuple[argparse.ArgumentParser, argparse.Namespace]:
    parser = FrenchParser(
        prog=f"{SCRIPT}.py",
        description=__doc__.splitlines()[0],
        epilog="Les journaux se lisent avec : tensorboard --logdir runs",
    )
    parser.add_argument(
        "--device",
        choices=("auto", "cpu", "cuda", "mps"),
        default="auto",
        help="où calculer ; auto prend CUDA, sinon MPS (Mac), sinon le CPU (défaut : auto)",
    )
    parser.add_argument(
        "--epochs",
        type=positive_int,
        default=5,
        metavar="N",
        help="nombre d'époques (défaut : %(default)s)",
    )
    parser.add_argument(
        "--batch-size",
        type=positive_int,
        default=64,
        metavar="N",
        help="images par lot (défaut : %(default)s)",
    )
    parser.add_argument(
        "--lr",
        type=positive_float,
        default=1e-3,
        metavar="TAUX",
        help="taux d'apprentissage de l'optimiseur Adam (défaut : %(default)s)",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        metavar="GRAINE",
        help="graine aléatoire (défaut : %(default)s)",
    )
    parser.add_argument(
        "--limit",
        type=positive_int,
        metavar="N",
        help="n'entraîner que sur les N premières images (défaut : les 60 000)",
    )
    parser.add_argument(
        "--logdir",
        type=Path,
        metavar="DOSSIER",
        help=f"dossier des journaux et de metrics.json (défaut : runs/{SCRIPT}-DATE-HEURE)",
    )
    return parser, parser.parse_args(argv)


# --- Appareil, dossier des journaux, données -------------------------------------------------


def pick_device(requested: str) -> torch.device:
    """Vérifie l'appareil demandé ; « auto » prend CUDA, puis MPS, puis le CPU."""
    cuda = torch.cuda.is_available()
    mps = torch.backends.mps.is_available()
    if requested == "cuda" and not cuda:
        raise InputError("--device cuda : aucun GPU CUDA utilisable ici (essayez --device auto)")
    if requested == "mps" and not mps:
        raise InputError(
            "--device mps : MPS n'existe que sur les Mac Apple (essayez --device auto)"
        )
    if requested == "auto":
        name = "cuda" if cuda else "mps" if mps else "cpu"
        print(f"Appareil : {name} (choisi automatiquement : CUDA, sinon MPS, sinon CPU)")
        return torch.device(name)
    print(f"Appareil : {requested}")
    return torch.device(requested)


def describe_device(device: torch.device) -> str:
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    if device.type == "mps":
        return f"GPU Apple (MPS), {platform.machine()}"
    name = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            name = next(
                line.split(":", 1)[1].strip() for line in f if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    return f"{name}, {os.cpu_count()} cœurs logiques"


LOGDIR_ERRORS = {
    errno.EEXIST: "un fichier porte déjà ce nom",
    errno.ENOTDIR: "un élément du chemin est un fichier",
    errno.EACCES: "permission refusée",
    errno.EPERM: "permission refusée",
    errno.EROFS: "disque en lecture seule",
    errno.ENOSPC: "disque plein",
}


def prepare_logdir(logdir: Path | None) -> Path:
    """Crée le dossier des journaux et vérifie qu'on peut y écrire."""
    logdir = logdir or Path("runs") / f"{SCRIPT}-{time.strftime('%Y%m%d-%H%M%S')}"
    try:
        logdir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=logdir):
            pass
    except OSError as exc:
        reason = LOGDIR_ERRORS.get(exc.errno, exc.strerror or str(exc))
        message = f"--logdir {logdir} : impossible d'écrire dans ce dossier ({reason})"
        raise InputError(message) from None
    return logdir


def load_fashion_mnist(limit: int | None):
    """Les images en tenseurs (N, 1, 28, 28) entre 0 et 1, chargées une fois pour toutes."""
    # Chez vous, les fichiers vont dans ./data (une trentaine de Mo, téléchargés une fois) ;
    # la construction du site fait pointer ATELIER_DATA vers sa copie locale.
    root = os.environ.get("ATELIER_DATA", "data")
    try:
        train = torchvision.datasets.FashionMNIST(root, train=True, download=True)
        test = torchvision.datasets.FashionMNIST(root, train=False, download=True)
    except (RuntimeError, OSError):
        raise InputError(
            f"Fashion-MNIST est introuvable dans « {root} » et ne peut pas être téléchargé : "
            "connectez-vous à Internet et relancez, ou, dans le dépôt de l'atelier, lancez "
            "« make data » (hors ligne : sudo apt-get install dataset-fashion-mnist d'abord) "
            "puis relancez avec ATELIER_DATA=build/data"
        ) from None
    x_train = train.data[:limit].unsqueeze(1).float() / 255
    x_test = test.data.unsqueeze(1).float() / 255
    return x_train, train.targets[:limit], x_test, test.targets


def minibatches(x, y, batch_size, generator):
    """Parcourt (x, y) en lots, dans un ordre tiré au hasard à chaque époque."""
    order = torch.randperm(len(x), generator=generator).to(x.device)
    for start in range(0, len(x), batch_size):
        index = order[start : start + batch_size]
        yield x[index], y[index]


def synchronize(device: torch.device) -> None:
    """Attend la fin des calculs en cours sur le GPU (sinon le chronomètre ment)."""
    if device.type == "cuda":
        torch.cuda.synchronize()
    elif device.type == "mps":
        torch.mps.synchronize()


def peak_memory(device: torch.device) -> tuple[float | None, str]:
    """Pic de mémoire en Mio, et ce qui a été mesuré."""
    if device.type == "cuda":
        return torch.cuda.max_memory_allocated(device) / 2**20, "GPU, tenseurs alloués (pic)"
    if device.type == "mps":
        return torch.mps.driver_allocated_memory() / 2**20, "GPU Apple, mémoire du pilote (fin)"
    try:
        import resource
    except ImportError:  # Windows
        return None, "non mesurée sous Windows"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # Kio sous Linux, octets sur Mac
    return peak / (2**20 if sys.platform == "darwin" else 2**10), "processus, RSS (pic)"


def fr(value: float, decimals: int = 2) -> str:
    """Un nombre écrit à la française (virgule décimale)."""
    return f"{value:.{decimals}f}".replace(".", ",")


# --- Entraînement ----------------------------------------------------------------------------


@torch.no_grad()
def evaluate(model, x, y, loss_fn, batch_size=1000):
    """Perte et exactitude moyennes sur (x, y), sans calculer de gradients."""
    model.eval()
    total_loss = torch.zeros((), device=x.device)
    correct = torch.zeros((), device=x.device)
    for start in range(0, len(x), batch_size):
        xb, yb = x[start : start + batch_size], y[start : start + batch_size]
        logits = model(xb)
        total_loss += loss_fn(logits, yb) * len(xb)
        correct += (logits.argmax(dim=1) == yb).sum()
    return total_loss.item() / len(x), correct.item() / len(x)


def train(args: argparse.Namespace) -> dict:
    # 1. Vérifier tout ce qui peut échouer avant de lancer le moindre calcul.
    device = pick_device(args.device)
    logdir = prepare_logdir(args.logdir)
    x_train, y_train, x_test, y_test = load_fashion_mnist(args.limit)
    print(f"Données : {len(x_train)} images d'entraînement, {len(x_test)} images de test")

    # 2. Les graines : mêmes poids initiaux et même ordre des lots à chaque exécution.
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    x_train, y_train = x_train.to(device), y_train.to(device)
    x_test, y_test = x_test.to(device), y_test.to(device)
    model = build_model().to(device)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)

    # 3. Deux journaux, comme le rappel TensorBoard de Keras : train/ et validation/. Les mêmes
    # étiquettes (epoch_loss, epoch_accuracy) superposent les deux courbes dans TensorBoard.
    # SummaryWriter est importé ici : il charge TensorFlow s'il est installé (quelques secondes).
    from torch.utils.tensorboard import SummaryWriter

    train_log = SummaryWriter(str(logdir / "train"))
    val_log = SummaryWriter(str(logdir / "validation"))
    model.eval()
    with warnings.catch_warnings():
        # add_graph passe par torch.jit.trace, que PyTorch annonce comme obsolète.
        warnings.simplefilter("ignore", FutureWarning)
        train_log.add_graph(model, x_train[:1])  # le graphe du modèle, une fois

    epoch_seconds = []
    for epoch in range(args.epochs):
        model.train()
        synchronize(device)
        start = time.perf_counter()
        total_loss = torch.zeros((), device=device)
        correct = torch.zeros((), device=device)
        batches = minibatches(x_train, y_train, args.batch_size, generator)
        n_batches = -(-len(x_train) // args.batch_size)
        # Une barre de progression par époque (effacée à la fin, remplacée par le bilan).
        desc = f"Époque {epoch + 1}/{args.epochs}"
        for xb, yb in tqdm(batches, total=n_batches, desc=desc, unit="lot", leave=False):
            logits = model(xb)
            loss = loss_fn(logits, yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            # Cumuler sur l'appareil, sans .item() : pas d'attente du GPU à chaque lot.
            total_loss += loss.detach() * len(xb)
            correct += (logits.argmax(dim=1) == yb).sum()
        synchronize(device)
        epoch_seconds.append(time.perf_counter() - start)
        train_loss = total_loss.item() / len(x_train)
        train_accuracy = correct.item() / len(x_train)
        test_loss, test_accuracy = evaluate(model, x_test, y_test, loss_fn)

        train_log.add_scalar("epoch_loss", train_loss, epoch)
        train_log.add_scalar("epoch_accuracy", train_accuracy, epoch)
        val_log.add_scalar("epoch_loss", test_loss, epoch)
        val_log.add_scalar("epoch_accuracy", test_accuracy, epoch)
        for name, parameter in model.named_parameters():
            train_log.add_histogram(f"poids/{name}", parameter, epoch)
        print(
            f"Époque {epoch + 1}/{args.epochs} : perte {fr(train_loss, 3)}, "
            f"exactitude test {fr(100 * test_accuracy, 1)} %, {fr(epoch_seconds[-1], 1)} s"
        )
    train_log.close()
    val_log.close()

    # 4. Les mesures finales, à côté des journaux.
    memory, memory_kind = peak_memory(device)
    metrics = {
        "script": f"{SCRIPT}.py",
        "device": device.type,
        "device_name": describe_device(device),
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "lr": args.lr,
        "seed": args.seed,
        "train_images": len(x_train),
        "test_images": len(x_test),
        "parameters": sum(p.numel() for p in model.parameters()),
        "epoch_seconds": [round(s, 3) for s in epoch_seconds],
        "seconds_per_epoch": round(sum(epoch_seconds) / len(epoch_seconds), 3),
        "peak_memory_mib": None if memory is None else round(memory, 1),
        "peak_memory_kind": memory_kind,
        "train_accuracy": round(train_accuracy, 4),
        "test_accuracy": round(test_accuracy, 4),
        "test_loss": round(test_loss, 4),
        "versions": {
            "python": platform.python_version(),
            "torch": torch.__version__,
            "torchvision": torchvision.__version__,
        },
    }
    (logdir / "metrics.json").write_text(
        json.dumps(metrics, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    print(
        f"Exactitude sur les {len(x_test)} images de test : {fr(100 * test_accuracy, 1)} % ; "
        f"{fr(metrics['seconds_per_epoch'], 1)} s par époque en moyenne"
    )
    print(f"Journaux TensorBoard et metrics.json : {logdir}")
    return metrics


def main(argv: list[str] | None = None) -> int:
    parser, args = parse_args(argv)
    try:
        train(args)
    except InputError as exc:
        parser.error(str(exc))
    except KeyboardInterrupt:
        print("\nInterrompu.", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
