"""Le code commun aux scripts de ce dossier : options, erreurs, journaux et mesures.

Ce module n'utilise que la bibliothèque standard de Python, ni PyTorch ni TensorFlow. Il traduit
argparse en français, arrête un script sur une erreur d'une seule ligne, prépare le dossier des
journaux, décrit le processeur, mesure le pic de mémoire du processus et écrit metrics.json.
Les scripts l'importent depuis leur propre dossier : si vous les copiez, gardez-le à côté d'eux.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import gzip
import hashlib
import json
import math
import os
import platform
import random
import re
import signal
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# --- Options de la ligne de commande --------------------------------------------------------


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
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text} n'est pas un nombre fini")
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text} n'est pas un nombre strictement positif")
    return value


MAX_SEED = 2**32 - 1  # la plus grande graine qu'acceptent à la fois NumPy, Keras et PyTorch


def seed_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas un nombre entier") from None
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"{value} n'est pas entre 0 et {MAX_SEED}")
    return value


# Le choix « auto » des scripts PyTorch ; le script Keras passe le sien.
DEVICE_HELP = "où calculer ; auto prend CUDA, sinon MPS (Mac), sinon le CPU (défaut : auto)"


def training_parser(script: str, doc: str, device_help: str = DEVICE_HELP) -> FrenchParser:
    """Les options communes aux scripts d'entraînement ; doc est la docstring du script."""
    parser = FrenchParser(
        prog=f"{script}.py",
        description=doc.splitlines()[0],
        epilog="Les journaux se lisent avec : tensorboard --logdir runs",
    )
    parser.add_argument(
        "--device",
        choices=("auto", "cpu", "cuda", "mps"),
        default="auto",
        help=device_help,
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
        type=seed_int,
        default=0,
        metavar="GRAINE",
        help="graine aléatoire (défaut : %(default)s)",
    )
    parser.add_argument(
        "--limit",
        type=positive_int,
        metavar="N",
        help="n'utiliser que les N premières images d'entraînement, dont 10 %% pour la "
        "validation (défaut : les 60 000)",
    )
    parser.add_argument(
        "--logdir",
        type=Path,
        metavar="DOSSIER",
        help=f"dossier des journaux et de metrics.json (défaut : runs/{script}-DATE-HEURE)",
    )
    return parser


class _Interruption:
    """Se souvient d'un Ctrl+C, même si une bibliothèque a avalé le KeyboardInterrupt."""

    requested = False

    @classmethod
    def handler(cls, signum, frame):
        cls.requested = True
        raise KeyboardInterrupt


def stop_if_interrupted() -> None:
    """Relance l'interruption si un Ctrl+C a eu lieu : quelques bibliothèques interceptent toutes
    les exceptions (``except:``) à certains moments, KeyboardInterrupt compris, puis continuent.
    Les scripts l'appellent à chaque lot ou à chaque époque."""
    if _Interruption.requested:
        raise KeyboardInterrupt


@contextlib.contextmanager
def interruption_deferred():
    """Pendant un calcul qu'il ne faut pas couper n'importe où, un Ctrl+C est seulement noté.

    Couper fit de Keras au milieu d'une opération de TensorFlow peut laisser son code C++ dans
    un état incohérent : le processus meurt alors d'une erreur de mémoire (« free(): invalid
    next size ») au lieu de s'arrêter proprement. Ici, le signal ne fait que lever le drapeau ;
    le script le lit à la fin de chaque lot (stop_if_interrupted, appelé par un rappel de Keras)
    et s'arrête là, à un endroit sûr, avec le même message et le même code 130.
    """

    def note(signum, frame):
        _Interruption.requested = True

    try:
        previous = signal.signal(signal.SIGINT, note)
    except ValueError:  # hors du fil principal : rien à différer
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def run(
    parser: argparse.ArgumentParser,
    command: Callable[[argparse.Namespace], object],
    argv: list[str] | None = None,
) -> int:
    """Lit les options, lance command(args) et renvoie le code de sortie du script.

    Une InputError devient une ligne d'explication et le code 2, comme une option invalide ;
    Ctrl+C arrête proprement le script avec le code 130, sans trace Python. Les scripts importent
    PyTorch ou TensorFlow dans command, et non en tête de fichier : un Ctrl+C pendant ce
    chargement (plusieurs secondes) arrive donc ici, et --help répond tout de suite.
    """
    _Interruption.requested = False
    try:
        previous = signal.signal(signal.SIGINT, _Interruption.handler)
    except ValueError:  # hors du fil principal : le comportement par défaut suffit
        previous = None
    try:
        try:
            args = parser.parse_args(argv)
            command(args)
            stop_if_interrupted()  # un Ctrl+C avalé en route : le script n'a pas fini normalement
        except InputError as exc:
            if _Interruption.requested:
                raise KeyboardInterrupt from None
            parser.error(str(exc))
        except Exception:
            # Une erreur qui suit un Ctrl+C en est la conséquence (un import interrompu, par
            # exemple) : c'est l'interruption qu'on signale.
            if _Interruption.requested:
                raise KeyboardInterrupt from None
            raise
    except KeyboardInterrupt:
        # Un second Ctrl+C n'interrompt pas la sortie : le script s'arrête déjà.
        if previous is not None:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            previous = None
        print("\nInterrompu.", file=sys.stderr)
        return 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    return 0


@contextlib.contextmanager
def startup_messages_held(replay: bool = True):
    """Met de côté ce que TensorFlow écrit sur la sortie d'erreur pendant son chargement.

    Au chargement, TensorFlow affiche des messages C++ (oneDNN, pilotes CUDA absents) que
    TF_CPP_MIN_LOG_LEVEL ne coupe plus. Avec REPLAY (le script Keras), ils sont réaffichés
    ensuite, sauf si le script s'arrête sur une erreur qu'il explique lui-même en une ligne, ou
    sur un Ctrl+C. Sans REPLAY (les scripts PyTorch, dont le SummaryWriter charge TensorFlow
    s'il est installé), ils ne sont réaffichés que si le chargement lui-même échoue.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    held = tempfile.TemporaryFile()
    os.dup2(held.fileno(), 2)
    show = replay
    try:
        yield
    except (InputError, KeyboardInterrupt):
        show = False
        raise
    except BaseException:
        show = not _Interruption.requested
        raise
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        if show:
            held.seek(0)
            sys.stderr.buffer.write(held.read())
            sys.stderr.flush()
        held.close()


# --- Jeu de validation ---------------------------------------------------------------------------

VALIDATION_SHARE = 10  # en pourcentage des images d'entraînement utilisées
VALIDATION_RULE = (
    "validation : 10 % des images d'entraînement utilisées (les --limit premières), au moins "
    "une, tirées avec random.Random(--seed) ; entraînement : les autres"
)


def index_fingerprint(indices: list[int]) -> str:
    """Une empreinte courte d'un ensemble d'indices (SHA-256 de la liste triée)."""
    text = ",".join(str(i) for i in sorted(indices))
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:16]


@dataclass(frozen=True)
class Split:
    """Les indices (dans les images d'entraînement utilisées) des deux parties, triés."""

    seed: int
    train: list[int]
    validation: list[int]

    def record(self) -> dict:
        """Ce que metrics.json garde du tirage : de quoi vérifier qu'il n'a pas changé."""
        return {
            "rule": VALIDATION_RULE,
            "seed": self.seed,
            "images_used": len(self.train) + len(self.validation),
            "train_sha256": index_fingerprint(self.train),
            "validation_sha256": index_fingerprint(self.validation),
        }


def validation_split(n_images: int, seed: int) -> Split:
    """Met de côté 10 % des N_IMAGES images d'entraînement (au moins une) pour la validation.

    Le tirage ne dépend que de N_IMAGES et de la graine, et n'utilise que la bibliothèque
    standard : les scripts PyTorch et Keras mettent de côté exactement les mêmes images. Les
    images de test ne servent jamais pendant l'entraînement : une seule évaluation, à la fin.
    """
    if n_images < 2:
        raise InputError(
            f"--limit {n_images} : il faut au moins 2 images, une pour l'entraînement et une "
            "pour la validation"
        )
    order = list(range(n_images))
    random.Random(seed).shuffle(order)
    n_validation = max(1, n_images * VALIDATION_SHARE // 100)
    return Split(seed, sorted(order[n_validation:]), sorted(order[:n_validation]))


# --- Données absentes ou abîmées ------------------------------------------------------------

# Les quatre fichiers d'origine de Fashion-MNIST (format idx), tels que les chargeurs les rangent.
FASHION_MNIST_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)
# Taille exacte de chaque fichier décompressé : en-tête idx puis un octet par pixel ou étiquette.
FASHION_MNIST_SIZES = {
    "train-images-idx3-ubyte": 16 + 60_000 * 28 * 28,
    "train-labels-idx1-ubyte": 8 + 60_000,
    "t10k-images-idx3-ubyte": 16 + 10_000 * 28 * 28,
    "t10k-labels-idx1-ubyte": 8 + 10_000,
}


def damaged_data_file(folder: Path, suffix: str = "") -> tuple[Path, str] | None:
    """Si les quatre fichiers sont là mais que l'un est abîmé, renvoie ce fichier et ce qui ne
    va pas ; None quand un fichier manque (les données sont alors absentes, pas abîmées) ou
    quand tous sont lisibles et de la bonne taille. SUFFIX vaut « .gz » pour les archives."""
    paths = [folder / f"{name}{suffix}" for name in FASHION_MNIST_FILES]
    if not all(path.is_file() for path in paths):
        return None
    for name, path in zip(FASHION_MNIST_FILES, paths, strict=True):
        try:
            if suffix == ".gz":
                with gzip.open(path, "rb") as f:
                    size = sum(len(chunk) for chunk in iter(lambda f=f: f.read(1 << 20), b""))
            else:
                size = path.stat().st_size
        # gzip.BadGzipFile (somme de contrôle fausse) est une OSError ; un octet abîmé au milieu
        # du flux compressé lève zlib.error, qui n'en est pas une.
        except (OSError, EOFError, ValueError, zlib.error) as exc:
            return path, f"archive gzip tronquée ou abîmée, {type(exc).__name__}"
        if size != FASHION_MNIST_SIZES[name]:
            return path, f"{size} octets au lieu de {FASHION_MNIST_SIZES[name]}"
    return None


def damaged_data_error(path: Path, why: str, variable: str) -> InputError:
    """Le message d'une copie abîmée : la supprimer suffit, le chargeur la retélécharge."""
    return InputError(
        f"Fashion-MNIST est abîmé dans « {path} » ({why}) : supprimez ce fichier puis relancez "
        f"pour le télécharger de nouveau ; dans le dépôt de l'atelier, « make data » vérifie la "
        f"copie locale et la refait, puis relancez avec {variable}"
    )


# --- Dossier des journaux, processeur, mémoire, mesures ---------------------------------------


LOGDIR_ERRORS = {
    errno.EEXIST: "un fichier porte déjà ce nom",
    errno.ENOTDIR: "un élément du chemin est un fichier",
    errno.EACCES: "permission refusée",
    errno.EPERM: "permission refusée",
    errno.EROFS: "disque en lecture seule",
    errno.ENOSPC: "disque plein",
}


def torch_device_name(torch, requested: str) -> str:
    """Vérifie l'appareil PyTorch demandé et renvoie son nom ; « auto » prend CUDA, puis MPS,
    puis le CPU. PyTorch est passé en argument : ce module n'importe que la bibliothèque
    standard."""

    cuda = torch.cuda.is_available()
    mps = torch.backends.mps.is_available()
    if requested == "cuda" and not cuda:
        raise InputError("--device cuda : aucun GPU CUDA utilisable ici (essayez --device auto)")
    if requested == "mps" and not mps:
        raise InputError(
            "--device mps : MPS n'existe que sur les Mac Apple (essayez --device auto)"
        )
    if requested == "auto":
        return "cuda" if cuda else "mps" if mps else "cpu"
    return requested


def prepare_logdir(logdir: Path | None, script: str) -> Path:
    """Crée le dossier des journaux et vérifie qu'on peut y écrire."""
    logdir = logdir or Path("runs") / f"{script}-{time.strftime('%Y%m%d-%H%M%S')}"
    try:
        logdir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=logdir):
            pass
    except OSError as exc:
        reason = LOGDIR_ERRORS.get(exc.errno, exc.strerror or str(exc))
        message = f"--logdir {logdir} : impossible d'écrire dans ce dossier ({reason})"
        raise InputError(message) from None
    return logdir


def describe_cpu() -> str:
    """Le nom du processeur (lu dans /proc/cpuinfo sous Linux) et son nombre de cœurs."""
    name = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            name = next(
                line.split(":", 1)[1].strip() for line in f if line.startswith("model name")
            )
    except (OSError, StopIteration):
        pass
    return f"{name}, {os.cpu_count()} cœurs logiques"


def process_peak_memory() -> tuple[float | None, str]:
    """Pic de mémoire du processus en Mio, et ce qui a été mesuré."""
    try:
        import resource
    except ImportError:  # Windows
        return None, "non mesurée sous Windows"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # Kio sous Linux, octets sur Mac
    return peak / (2**20 if sys.platform == "darwin" else 2**10), "processus, RSS (pic)"


def fr(value: float, decimals: int = 2) -> str:
    """Un nombre écrit à la française (virgule décimale)."""
    return f"{value:.{decimals}f}".replace(".", ",")


class DivergenceError(InputError):
    """L'entraînement a divergé : une perte ou un poids n'est plus un nombre fini."""


def check_finite(values: dict[str, float], when: str, lr: float) -> None:
    """Arrête le script (code 2, une ligne) si l'une des valeurs n'est pas un nombre fini.

    Une perte infinie ou NaN (*not a number*) signale un entraînement qui a divergé, le plus
    souvent parce que le taux d'apprentissage est trop grand.
    """
    bad = {name: float(value) for name, value in values.items() if not math.isfinite(value)}
    if bad:
        what = ", ".join(f"{name} = {value}" for name, value in bad.items())
        raise DivergenceError(
            f"l'entraînement a divergé {when} ({what}) ; relancez avec un taux "
            f"d'apprentissage plus petit que --lr {lr:g}"
        )


def save_metrics(
    logdir: Path,
    script: str,
    args: argparse.Namespace,
    *,
    device: str,
    device_name: str,
    split: Split,
    test_images: int,
    parameters: int,
    epoch_seconds: list[float],
    peak_memory: tuple[float | None, str],
    train_accuracy: float,
    validation_accuracy: float,
    validation_loss: float,
    test_accuracy: float,
    test_loss: float,
    versions: dict[str, str],
) -> dict:
    """Écrit metrics.json à côté des journaux, affiche le bilan de l'entraînement et renvoie
    les mesures : les mêmes champs, arrondis de la même façon, pour PyTorch et pour Keras.

    Le fichier est toujours du JSON valide : une valeur non finie (NaN, infini) arrête le script
    sur une ligne d'erreur au lieu d'être écrite, et le fichier est écrit d'un seul coup (fichier
    temporaire puis renommage), jamais à moitié.
    """
    check_finite(
        {
            "exactitude d'entraînement": train_accuracy,
            "perte de validation": validation_loss,
            "exactitude de validation": validation_accuracy,
            "perte de test": test_loss,
            "exactitude de test": test_accuracy,
        },
        "à la fin",
        args.lr,
    )
    memory, memory_kind = peak_memory
    metrics = {
        "script": f"{script}.py",
        "device": device,
        "device_name": device_name,
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "lr": args.lr,
        "seed": args.seed,
        "train_images": len(split.train),
        "validation_images": len(split.validation),
        "test_images": test_images,
        "validation_split": split.record(),
        "parameters": parameters,
        "epoch_seconds": [round(s, 3) for s in epoch_seconds],
        "seconds_per_epoch": round(sum(epoch_seconds) / len(epoch_seconds), 3),
        "peak_memory_mib": None if memory is None else round(memory, 1),
        "peak_memory_kind": memory_kind,
        "train_accuracy": round(float(train_accuracy), 4),
        "validation_accuracy": round(float(validation_accuracy), 4),
        "validation_loss": round(float(validation_loss), 4),
        "test_accuracy": round(float(test_accuracy), 4),
        "test_loss": round(float(test_loss), 4),
        "versions": {"python": platform.python_version(), **versions},
    }
    try:
        text = json.dumps(metrics, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    except ValueError:  # un nombre non fini a échappé aux vérifications
        raise DivergenceError("metrics.json contiendrait un nombre non fini") from None
    write_atomically(logdir / "metrics.json", text)
    print(
        f"Exactitude sur les {metrics['validation_images']} images de validation : "
        f"{fr(100 * metrics['validation_accuracy'], 1)} % ; "
        f"{fr(metrics['seconds_per_epoch'], 1)} s par époque en moyenne"
    )
    print(
        f"Exactitude sur les {metrics['test_images']} images de test, mesurée une seule fois, "
        f"à la fin : {fr(100 * metrics['test_accuracy'], 1)} %"
    )
    print(f"Journaux TensorBoard et metrics.json : {logdir}")
    return metrics


def write_atomically(path: Path, text: str) -> None:
    """Écrit PATH en entier ou pas du tout : fichier temporaire voisin, puis renommage."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
