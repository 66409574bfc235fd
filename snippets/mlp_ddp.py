"""Entraîne le MLP de mlp_pytorch.py sur plusieurs processus à la fois (données parallèles, DDP).

Exemples :
    torchrun --standalone --nproc-per-node 2 snippets/mlp_ddp.py --device cpu --limit 10000
    python snippets/mlp_ddp.py --nproc-per-node 2 --device cpu --limit 10000   # même lancement
    tensorboard --logdir runs                                                  # puis :6006

torchrun, le lanceur de PyTorch, démarre N copies de ce script : les processus de rang 0 à N-1.
Chacun garde une copie du modèle et ne voit qu'une part des images (DistributedSampler). Après
chaque rétropropagation, DistributedDataParallel fait la moyenne des gradients de tous les
processus (un « all-reduce ») : tous appliquent donc la même mise à jour et gardent les mêmes
poids. Les processus communiquent avec gloo sur CPU, avec nccl quand chacun a son GPU.

Lancé par « python » avec --nproc-per-node, le script appelle lui-même torchrun, vérifie les
options avant de démarrer les processus, et résume une erreur en une ligne au lieu du rapport
de torchrun. Seul le processus de rang 0 affiche, écrit les journaux TensorBoard et metrics.json.

Le modèle vient de mlp_pytorch.py, les outils de chargement et de mesure de
entrainement_pytorch.py et commun.py : gardez ces trois fichiers à côté de celui-ci.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import socket
import sys
import time
import warnings
from pathlib import Path

import torch
import torch.distributed as dist
import torchvision
from commun import (
    InputError,
    check_finite,
    fr,
    positive_int,
    prepare_logdir,
    save_metrics,
    training_parser,
    write_atomically,
)
from entrainement_pytorch import (
    describe_device,
    evaluate,
    load_fashion_mnist,
    peak_memory,
    split_tensors,
)
from mlp_pytorch import build_model
from torch import nn
from torch.distributed.algorithms.ddp_comm_hooks import default_hooks
from torch.nn.parallel import DistributedDataParallel
from torch.utils.data import BatchSampler, DistributedSampler, TensorDataset
from tqdm import tqdm

SCRIPT = "mlp_ddp"
DEVICE_HELP = (
    "où calculer ; auto prend CUDA si chaque processus a son GPU, sinon le CPU (défaut : auto)"
)
# Variable posée par le mode « python mlp_ddp.py --nproc-per-node N » pour ses processus : ils
# laissent alors le lanceur résumer une erreur en une ligne.
LAUNCHED_BY_SCRIPT = "MLP_DDP_LANCE_PAR_LE_SCRIPT"


# --- Options -----------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = training_parser(SCRIPT, __doc__, device_help=DEVICE_HELP)
    for action in parser._actions:
        if action.dest == "batch_size":
            action.help = "images par lot et par processus ; le lot effectif en vaut N fois plus"
            action.help += " (défaut : %(default)s)"
    parser.add_argument(
        "--nproc-per-node",
        type=positive_int,
        metavar="N",
        help="lancé par python : démarre N processus avec torchrun (sous torchrun : inutile)",
    )
    parser.add_argument(
        "--backend",
        choices=("auto", "gloo", "nccl"),
        default="auto",
        help="communication entre processus ; auto : nccl sur GPU CUDA, sinon gloo (défaut : auto)",
    )
    parser.add_argument(
        "--port",
        type=positive_int,
        metavar="PORT",
        help="lancé par python : port TCP du rendez-vous (défaut : un port libre)",
    )
    return parser


def check_options(args: argparse.Namespace, nproc: int) -> tuple[str, str]:
    """Vérifie appareil, nombre de processus et protocole ; renvoie (appareil, protocole)."""
    gpus = torch.cuda.device_count() if torch.cuda.is_available() else 0
    if args.device == "mps":
        raise InputError(
            "--device mps : l'entraînement distribué de PyTorch ne fonctionne pas sur MPS "
            "(essayez --device cpu)"
        )
    if args.device == "cuda" and gpus == 0:
        raise InputError("--device cuda : aucun GPU CUDA utilisable ici (essayez --device auto)")
    if args.device == "auto":
        device = "cuda" if gpus >= nproc else "cpu"
    else:
        device = args.device
    backend = args.backend if args.backend != "auto" else "nccl" if device == "cuda" else "gloo"
    if backend == "nccl" and device != "cuda":
        raise InputError("--backend nccl : nccl ne relie que des GPU CUDA (essayez --device cuda)")
    if device == "cuda" and nproc > gpus:
        raise InputError(
            f"{nproc} processus pour {gpus} GPU CUDA : il faut un GPU par processus "
            f"(--nproc-per-node {gpus} au plus, ou --device cpu)"
        )
    return device, backend


# --- Le lanceur : « python mlp_ddp.py --nproc-per-node N » --------------------------------------


def check_port(port: int) -> None:
    """Refuse un port déjà pris, avant de démarrer le moindre processus."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise InputError(
                f"--port {port} : ce port est déjà utilisé sur cette machine "
                "(choisissez-en un autre, ou laissez le script en prendre un libre)"
            ) from None


def failure_line(error) -> str:
    """Une ligne à partir du rapport de torchrun (ChildFailedError) : qui est tombé, et pourquoi."""

    # La vraie cause d'abord : un processus tué par un signal (torchrun arrête ensuite les autres
    # par SIGTERM), puis une entrée refusée (code 2), sinon la première panne observée.
    def priority(item):
        rank, failure = item
        killed = failure.exitcode < 0 and failure.exitcode != -signal.SIGTERM
        return (not killed, failure.exitcode != 2, failure.timestamp, rank)

    rank, failure = min(error.failures.items(), key=priority)
    if failure.exitcode < 0:
        return (
            f"le processus de rang {rank} a été tué ({failure.signal_name()}) ; torchrun a "
            "arrêté les autres"
        )
    message = failure.message if isinstance(failure.message, str) else ""
    if message.startswith("To enable traceback"):  # aucun message laissé par le processus
        message = ""
    reason = message or f"code de sortie {failure.exitcode}"
    return f"le processus de rang {rank} s'est arrêté : {reason}"


def launch(parser: argparse.ArgumentParser, args: argparse.Namespace, argv: list[str]) -> int:
    """Vérifie tout ce qui peut l'être, puis démarre les processus avec torchrun."""
    from torch.distributed.elastic.multiprocessing.api import SignalException
    from torch.distributed.elastic.multiprocessing.errors import ChildFailedError
    from torch.distributed.run import parse_args as torchrun_args
    from torch.distributed.run import run as torchrun

    nproc = args.nproc_per_node
    try:
        check_options(args, nproc)
        if args.port is not None:
            check_port(args.port)
        prepare_logdir(args.logdir or Path("runs"), SCRIPT)
        load_fashion_mnist(args.limit)  # téléchargé ici une fois, pas par chaque processus
    except InputError as exc:
        parser.error(str(exc))

    # Un fil de calcul par cœur : N processus se partagent les cœurs de la machine.
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    os.environ.setdefault("OMP_NUM_THREADS", str(max(1, (cores or 1) // nproc)))
    os.environ[LAUNCHED_BY_SCRIPT] = "1"
    rendezvous = ["--standalone"] if args.port is None else ["--master-port", str(args.port)]
    worker_argv = strip_launcher_options(argv)
    command = [*rendezvous, "--nproc-per-node", str(nproc), os.path.abspath(__file__)]
    print(
        f"Lancement : OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']} torchrun "
        + " ".join([*command[:-1], os.path.relpath(__file__), *worker_argv]),
        flush=True,
    )
    quiet_torchrun()
    try:
        torchrun(torchrun_args([*command, *worker_argv]))
    except ChildFailedError as exc:
        print(f"{parser.prog} : erreur : {failure_line(exc)}", file=sys.stderr)
        return 1
    except (KeyboardInterrupt, SignalException):
        print("\nInterrompu.", file=sys.stderr)
        return 130
    except Exception as exc:  # rendez-vous impossible : port pris entre-temps, réseau…
        line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"{parser.prog} : erreur : torchrun n'a pas pu démarrer : {line}", file=sys.stderr)
        return 1
    return 0


def strip_launcher_options(argv: list[str]) -> list[str]:
    """Les options à transmettre aux processus : sans --nproc-per-node ni --port."""
    kept, skip = [], False
    for item in argv:
        if skip:
            skip = False
        elif item in ("--nproc-per-node", "--port"):
            skip = True
        elif not item.startswith(("--nproc-per-node=", "--port=")):
            kept.append(item)
    return kept


def quiet_torchrun() -> None:
    """Fait taire les avertissements de torchrun : le lanceur résume lui-même les erreurs."""
    import logging

    for name in list(logging.root.manager.loggerDict):
        if name.startswith("torch.distributed"):
            logging.getLogger(name).setLevel(logging.CRITICAL + 1)


# --- Dans chaque processus ----------------------------------------------------------------------


def fr_int(value: int) -> str:
    """101770 -> « 101 770 » (espace fine insécable entre les milliers)."""
    return f"{value:,}".replace(",", "\u202f")


def weights_hash(model: nn.Module) -> str:
    """Empreinte SHA-256 des poids : égale d'un processus à l'autre, et d'une exécution à l'autre
    avec la même graine."""
    digest = hashlib.sha256()
    for name, tensor in model.state_dict().items():
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


class AllReduceTimer:
    """Le crochet de communication par défaut de DDP (moyenne des gradients par all-reduce),
    chronométré : du lancement de l'échange à la réception de la moyenne."""

    def __init__(self):
        self.seconds = 0.0

    def hook(self, state, bucket):
        start = time.perf_counter()
        future = default_hooks.allreduce_hook(state, bucket)

        def stop(fut):
            self.seconds += time.perf_counter() - start
            return fut.value()

        return future.then(stop)


def wrap_model(model: nn.Module, device: torch.device, timer: AllReduceTimer | None = None):
    """Le modèle enveloppé par DistributedDataParallel, qui diffuse les poids du rang 0 puis
    moyenne les gradients après chaque backward."""
    ids = [device.index] if device.type == "cuda" else None
    ddp = DistributedDataParallel(model, device_ids=ids)
    if timer is not None:
        ddp.register_comm_hook(None, timer.hook)
    return ddp


def all_ranks(values: list[float], device: torch.device) -> list[list[float]]:
    """Les valeurs de chaque processus, rassemblées dans tous les processus (all_gather)."""
    mine = torch.tensor(values, dtype=torch.float64, device=device)
    gathered = [torch.zeros_like(mine) for _ in range(dist.get_world_size())]
    dist.all_gather(gathered, mine)
    return [g.tolist() for g in gathered]


def time_allreduce_alone(numel: int, device: torch.device, repeats: int = 20) -> float:
    """Durée d'un all-reduce de numel nombres quand aucun processus n'a de calcul en cours :
    des échanges enchaînés après une barrière, la meilleure de trois séries (la moins
    dérangée par les autres programmes de la machine)."""
    buffer = torch.zeros(numel, device=device)
    best = float("inf")
    for _ in range(3):
        dist.barrier()
        start = time.perf_counter()
        for _ in range(repeats):
            dist.all_reduce(buffer)
        if device.type == "cuda":
            torch.cuda.synchronize()
        best = min(best, (time.perf_counter() - start) / repeats)
    return max(r[0] for r in all_ranks([best], device))


def train_worker(args: argparse.Namespace, rank: int, world: int, local_rank: int) -> dict | None:
    """Entraîne la part de ce processus ; le rang 0 écrit journaux et metrics.json."""
    device_name, backend = check_options(args, int(os.environ.get("LOCAL_WORLD_SIZE", world)))
    device = torch.device(device_name, local_rank) if device_name == "cuda" else torch.device("cpu")
    if device.type == "cuda":
        torch.cuda.set_device(device)
    dist.init_process_group(backend=backend, device_id=device if device.type == "cuda" else None)
    threads = torch.get_num_threads()
    print(
        f"Appareil : {device.type}, {world} processus ({backend}), "
        f"{threads} fil(s) de calcul chacun"
    )

    # 1. Le rang 0 prépare le dossier et télécharge les données s'il le faut ; les autres
    # attendent à la barrière, puis lisent les mêmes fichiers.
    logdir = prepare_logdir(args.logdir, SCRIPT) if rank == 0 else None
    data = load_fashion_mnist(args.limit) if rank == 0 else None
    dist.barrier()
    x_all, y_all, x_test, y_test = data or load_fashion_mnist(args.limit)
    # La même règle que les autres scripts (commun.validation_split) : 10 % des images utilisées,
    # tirées avec --seed, mises de côté pour la validation ; le test ne sert qu'à la fin.
    split, (x_train, y_train), (x_val, y_val) = split_tensors(x_all, y_all, args.seed)
    print(
        f"Données : {len(x_train)} images d'entraînement (≈ {len(x_train) // world} par "
        f"processus), {len(x_val)} de validation, {len(x_test)} de test"
    )
    print(f"Lot : {args.batch_size} images par processus, lot effectif {args.batch_size * world}")

    # 2. Même graine partout : mêmes poids initiaux (DDP les diffuse de toute façon depuis le
    # rang 0) ; le DistributedSampler découpe un même tirage en parts disjointes.
    torch.manual_seed(args.seed)
    x_train, y_train = x_train.to(device), y_train.to(device)
    x_val, y_val = x_val.to(device), y_val.to(device)
    x_test, y_test = x_test.to(device), y_test.to(device)
    timer = AllReduceTimer()
    model = wrap_model(build_model().to(device), device, timer)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    dataset = TensorDataset(x_train, y_train)
    sampler = DistributedSampler(dataset, num_replicas=world, rank=rank, seed=args.seed)
    batches = BatchSampler(sampler, args.batch_size, drop_last=False)

    train_log = val_log = None
    if rank == 0:
        from torch.utils.tensorboard import SummaryWriter

        train_log = SummaryWriter(str(logdir / "train"))
        val_log = SummaryWriter(str(logdir / "validation"))
        model.module.eval()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            train_log.add_graph(model.module, x_train[:1])

    epoch_seconds, allreduce_seconds = [], []
    for epoch in range(args.epochs):
        model.train()
        sampler.set_epoch(epoch)  # un nouvel ordre à chaque époque, le même dans tous les rangs
        timer.seconds = 0.0
        if device.type == "cuda":
            torch.cuda.synchronize()
        # Tous partent ensemble : sinon le premier all-reduce compterait l'attente d'un processus
        # encore occupé ailleurs (le rang 0 ouvre les journaux TensorBoard, par exemple).
        dist.barrier()
        start = time.perf_counter()
        sums = torch.zeros(3, dtype=torch.float64, device=device)  # perte, justes, images
        desc = f"Époque {epoch + 1}/{args.epochs}"
        for index in tqdm(batches, desc=desc, unit="lot", leave=False, disable=rank != 0):
            xb, yb = x_train[index], y_train[index]
            logits = model(xb)
            loss = loss_fn(logits, yb)
            optimizer.zero_grad()
            loss.backward()  # DDP moyenne ici les gradients de tous les processus
            optimizer.step()
            correct = (logits.argmax(1) == yb).sum()
            sums += torch.stack([loss.detach() * len(xb), correct, loss.new_tensor(len(xb))])
        if device.type == "cuda":
            torch.cuda.synchronize()
        elapsed = time.perf_counter() - start
        # Les mesures de tous les processus : l'époque dure autant que le plus lent.
        per_rank = all_ranks([elapsed, timer.seconds], device)
        epoch_seconds.append(max(r[0] for r in per_rank))
        allreduce_seconds.append(sum(r[1] for r in per_rank) / world)
        dist.all_reduce(sums)  # pertes et bonnes réponses de toutes les parts
        train_loss, train_accuracy = (sums[0] / sums[2]).item(), (sums[1] / sums[2]).item()
        val_loss, val_accuracy = evaluate(model.module, x_val, y_val, loss_fn)
        # Une perte non finie (taux d'apprentissage trop grand) arrête tous les processus pareil :
        # les pertes sont les mêmes partout après l'all-reduce.
        losses = {"perte d'entraînement": train_loss, "perte de validation": val_loss}
        check_finite(losses, f"à l'époque {epoch + 1}", args.lr)
        if rank == 0:
            train_log.add_scalar("epoch_loss", train_loss, epoch)
            train_log.add_scalar("epoch_accuracy", train_accuracy, epoch)
            val_log.add_scalar("epoch_loss", val_loss, epoch)
            val_log.add_scalar("epoch_accuracy", val_accuracy, epoch)
            for name, parameter in model.module.named_parameters():
                train_log.add_histogram(f"poids/{name}", parameter, epoch)
        print(
            f"Époque {epoch + 1}/{args.epochs} : perte {fr(train_loss, 3)}, "
            f"exactitude validation {fr(100 * val_accuracy, 1)} %, "
            f"{fr(epoch_seconds[-1], 2)} s dont all-reduce {fr(allreduce_seconds[-1], 2)} s"
        )

    # 3. Tous les processus doivent finir avec les mêmes poids : on compare leurs empreintes.
    digest = weights_hash(model.module)
    hashes = [None] * world
    dist.all_gather_object(hashes, digest)
    if len(set(hashes)) != 1:
        raise RuntimeError(f"poids différents d'un processus à l'autre : {hashes}")
    test_loss, test_accuracy = evaluate(model.module, x_test, y_test, loss_fn)  # une seule fois
    # L'échange seul, mesuré à part : ce que coûte un all-reduce quand personne n'est en retard.
    parameters = sum(p.numel() for p in model.parameters())
    alone = time_allreduce_alone(parameters, device)
    if rank != 0:
        return None
    train_log.close()
    val_log.close()
    share = sum(allreduce_seconds) / sum(epoch_seconds)
    same = f"les {world} processus finissent avec les mêmes poids" if world > 1 else "poids finaux"
    print(
        f"All-reduce : {fr(100 * share, 0)} % du temps d'entraînement ; "
        f"{same} (SHA-256 {digest[:12]}…)"
    )
    during = sum(allreduce_seconds) / len(allreduce_seconds) / len(batches)
    print(
        f"Un all-reduce de {fr_int(parameters)} nombres : {fr(1000 * during, 2)} ms en moyenne "
        f"pendant l'entraînement, attente comprise ; {fr(1000 * alone, 2)} ms mesuré seul, "
        "sans calcul entre deux échanges"
    )
    metrics = save_metrics(
        logdir,
        SCRIPT,
        args,
        device=device.type,
        device_name=describe_device(device),
        split=split,
        test_images=len(x_test),
        parameters=parameters,
        epoch_seconds=epoch_seconds,
        peak_memory=peak_memory(device),
        train_accuracy=train_accuracy,
        validation_accuracy=val_accuracy,
        validation_loss=val_loss,
        test_accuracy=test_accuracy,
        test_loss=test_loss,
        versions={"torch": torch.__version__, "torchvision": torchvision.__version__},
    )
    # Les champs propres à l'entraînement distribué, ajoutés au même fichier.
    metrics.update(
        world_size=world,
        backend=backend,
        threads_per_process=threads,
        effective_batch_size=args.batch_size * world,
        steps_per_epoch=len(batches),
        allreduce_seconds=[round(s, 3) for s in allreduce_seconds],
        allreduce_share=round(share, 4),
        allreduce_alone_ms=round(1000 * alone, 3),
        weights_sha256=digest,
    )
    text = json.dumps(metrics, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    write_atomically(logdir / "metrics.json", text)
    return metrics


def report_in_worker(rank: int, message: str) -> None:
    """Une erreur dans un processus : une ligne (rang 0 seulement) sous torchrun, ou le message
    laissé au lanceur du script, qui l'affichera seul."""
    error_file = os.environ.get("TORCHELASTIC_ERROR_FILE")
    if os.environ.get(LAUNCHED_BY_SCRIPT) and error_file:
        with open(error_file, "w", encoding="utf-8") as f:
            json.dump({"message": message, "timestamp": int(time.time())}, f)
    elif rank == 0:
        print(f"{SCRIPT}.py : erreur : {message}", file=sys.stderr)


class StoppedByLauncher(Exception):
    """torchrun arrête ce processus (SIGTERM), le plus souvent parce qu'un autre est tombé."""


def stop_on_sigterm(signum, frame):
    raise StoppedByLauncher


def worker(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    """Un des N processus démarrés par torchrun ; renvoie son code de sortie."""
    rank = int(os.environ["RANK"])
    world = int(os.environ["WORLD_SIZE"])
    local_rank = int(os.environ.get("LOCAL_RANK", 0))
    # torchrun arrête les autres processus par SIGTERM quand l'un d'eux tombe : on sort par
    # le bloc finally, qui ferme proprement le groupe de processus.
    signal.signal(signal.SIGTERM, stop_on_sigterm)
    code = 0
    try:
        if args.nproc_per_node is not None or args.port is not None:
            raise InputError(
                "sous torchrun, le nombre de processus et le port sont des options de torchrun "
                "(--nproc-per-node, --master-port), pas du script"
            )
        train_worker(args, rank, world, local_rank)
    except InputError as exc:
        report_in_worker(rank, str(exc))
        code = 2
    except StoppedByLauncher:
        code = 128 + signal.SIGTERM
    except KeyboardInterrupt:
        if rank == 0 and not os.environ.get(LAUNCHED_BY_SCRIPT):
            print("\nInterrompu.", file=sys.stderr)
        code = 130
    except Exception as exc:  # un autre processus tombé, mémoire pleine…
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        report_in_worker(rank, f"{type(exc).__name__} : {first}"[:300])
        code = 1
    finally:
        # Dès maintenant, un SIGTERM du lanceur (un autre processus est tombé pendant que
        # celui-ci finit) termine le processus sans rien afficher : levé pendant l'arrêt de
        # Python, StoppedByLauncher donnerait une trace au lecteur.
        signal.signal(signal.SIGTERM, lambda signum, frame: os._exit(code or 128 + signum))
        if dist.is_initialized():
            dist.destroy_process_group()
    return code


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = build_parser()
    if int(os.environ.get("RANK", 0)) != 0:
        # Sous torchrun, seul le rang 0 affiche : les autres se taisent, même sur --help ou sur
        # une option invalide (le rang 0 donne la même ligne d'erreur).
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        parser.exit = lambda status=0, message=None: sys.exit(status)
    args = parser.parse_args(argv)
    if "RANK" in os.environ and "WORLD_SIZE" in os.environ:  # lancé par torchrun
        return worker(parser, args)
    if args.nproc_per_node is None:
        parser.error(
            "lancez ce script avec torchrun (torchrun --standalone --nproc-per-node 2 "
            f"snippets/{SCRIPT}.py …) ou avec l'option --nproc-per-node N"
        )
    return launch(parser, args, argv)


if __name__ == "__main__":
    sys.exit(main())
