"""L'entraînement commun aux scripts PyTorch de ce dossier (mlp_pytorch.py, cnn_pytorch.py).

Chaque script définit son modèle, puis appelle train(args, build_model, script) : choix de
l'appareil, chargement de Fashion-MNIST, boucle d'entraînement, journaux TensorBoard et
metrics.json. Les images sont chargées une fois en mémoire sous forme de tenseurs, puis
découpées en lots.
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import warnings
import zlib
from collections.abc import Callable
from pathlib import Path

import torch
import torchvision
from commun import (
    InputError,
    check_finite,
    damaged_data_error,
    damaged_data_file,
    describe_cpu,
    fr,
    prepare_logdir,
    process_peak_memory,
    save_metrics,
    startup_messages_held,
    stop_if_interrupted,
    torch_device_name,
    validation_split,
)
from torch import nn
from tqdm import tqdm

# --- Appareil et données ---------------------------------------------------------------------


def pick_device(requested: str) -> torch.device:
    """Vérifie l'appareil demandé ; « auto » prend CUDA, puis MPS, puis le CPU."""
    name = torch_device_name(torch, requested)
    how = " (choisi automatiquement : CUDA, sinon MPS, sinon CPU)" if requested == "auto" else ""
    print(f"Appareil : {name}{how}")
    return torch.device(name)


def describe_device(device: torch.device) -> str:
    if device.type == "cuda":
        return torch.cuda.get_device_name(device)
    if device.type == "mps":
        return f"GPU Apple (MPS), {platform.machine()}"
    return describe_cpu()


def load_fashion_mnist(limit: int | None):
    """Les images en tenseurs (N, 1, 28, 28) entre 0 et 1, chargées une fois pour toutes : les
    LIMIT premières images d'entraînement (toutes sans --limit), puis les 10 000 de test."""
    # Chez vous, les fichiers vont dans ./data (une trentaine de Mo, téléchargés une fois) ;
    # la construction du site fait pointer ATELIER_DATA vers sa copie locale.
    root = os.environ.get("ATELIER_DATA", "data")
    try:
        train = torchvision.datasets.FashionMNIST(root, train=True, download=True)
        test = torchvision.datasets.FashionMNIST(root, train=False, download=True)
    except (RuntimeError, OSError, ValueError, EOFError, zlib.error):
        # Des fichiers présents mais illisibles ou de la mauvaise taille : abîmés, pas absents.
        damaged = damaged_data_file(Path(root) / "FashionMNIST" / "raw")
        if damaged:
            raise damaged_data_error(*damaged, "ATELIER_DATA=build/data") from None
        raise InputError(
            f"Fashion-MNIST est introuvable dans « {root} » et ne peut pas être téléchargé : "
            "connectez-vous à Internet et relancez, ou, dans le dépôt de l'atelier, lancez "
            "« make data » (hors ligne : sudo apt-get install dataset-fashion-mnist d'abord) "
            "puis relancez avec ATELIER_DATA=build/data"
        ) from None
    x_train = train.data[:limit].unsqueeze(1).float() / 255
    x_test = test.data.unsqueeze(1).float() / 255
    return x_train, train.targets[:limit], x_test, test.targets


def split_tensors(x, y, seed: int):
    """Le tirage commun (commun.validation_split) appliqué aux tenseurs : renvoie le tirage,
    (x, y) d'entraînement et (x, y) de validation. mlp_ddp.py s'en sert aussi."""
    split = validation_split(len(x), seed)
    train_index, val_index = torch.tensor(split.train), torch.tensor(split.validation)
    return split, (x[train_index], y[train_index]), (x[val_index], y[val_index])


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
    return process_peak_memory()


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


def train(args: argparse.Namespace, build_model: Callable[[], nn.Module], script: str) -> dict:
    """Entraîne le modèle que renvoie build_model() et renvoie les mesures de metrics.json."""
    # 1. Vérifier tout ce qui peut échouer avant de lancer le moindre calcul.
    device = pick_device(args.device)
    logdir = prepare_logdir(args.logdir, script)
    x_used, y_used, x_test, y_test = load_fashion_mnist(args.limit)

    # 2. La validation : 10 % des images d'entraînement, mises de côté avant d'entraîner (le même
    # tirage que mlp_keras.py, voir commun.py). C'est sur elle qu'on suit et compare les modèles ;
    # le test ne sert qu'une fois, à la fin.
    split, (x_train, y_train), (x_val, y_val) = split_tensors(x_used, y_used, args.seed)
    print(
        f"Données : {len(x_train)} images d'entraînement, {len(x_val)} de validation "
        f"(tirées parmi les {len(x_used)} utilisées), {len(x_test)} de test"
    )

    # 3. Les graines : mêmes poids initiaux et même ordre des lots à chaque exécution.
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    x_train, y_train = x_train.to(device), y_train.to(device)
    x_val, y_val = x_val.to(device), y_val.to(device)
    model = build_model().to(device)
    # Le modèle sort des scores bruts (logits) : CrossEntropyLoss applique elle-même softmax.
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)

    # SummaryWriter est importé ici : il charge TensorFlow s'il est installé (quelques secondes),
    # dont les messages de démarrage, sans objet pour PyTorch, sont écartés.
    with startup_messages_held(replay=False):
        from torch.utils.tensorboard import SummaryWriter
    stop_if_interrupted()

    # --8<-- [start:journaux]
    # 4. Deux journaux, comme le rappel TensorBoard de Keras : train/ et validation/. Les mêmes
    # étiquettes (epoch_loss, epoch_accuracy) superposent les deux courbes dans TensorBoard.
    train_log = SummaryWriter(str(logdir / "train"))
    val_log = SummaryWriter(str(logdir / "validation"))
    model.eval()
    with warnings.catch_warnings():
        # add_graph passe par torch.jit.trace, que PyTorch annonce comme obsolète.
        warnings.simplefilter("ignore", FutureWarning)
        train_log.add_graph(model, x_train[:1])  # le graphe du modèle, une fois
    # --8<-- [end:journaux]

    epoch_seconds = []
    try:  # les journaux sont fermés même après une erreur ou un Ctrl+C
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
            # Dans un terminal seulement (disable=None) : pas de barre dans un fichier de sortie.
            bar = tqdm(batches, total=n_batches, desc=desc, unit="lot", leave=False, disable=None)
            for xb, yb in bar:
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
            val_loss, val_accuracy = evaluate(model, x_val, y_val, loss_fn)
            # Une perte infinie ou NaN (entraînement divergent) : une ligne d'erreur, code 2.
            losses = {"perte d'entraînement": train_loss, "perte de validation": val_loss}
            check_finite(losses, f"à l'époque {epoch + 1}", args.lr)
            stop_if_interrupted()  # un Ctrl+C qu'une bibliothèque aurait avalé

            # --8<-- [start:ecriture]
            train_log.add_scalar("epoch_loss", train_loss, epoch)
            train_log.add_scalar("epoch_accuracy", train_accuracy, epoch)
            val_log.add_scalar("epoch_loss", val_loss, epoch)
            val_log.add_scalar("epoch_accuracy", val_accuracy, epoch)
            for name, parameter in model.named_parameters():
                train_log.add_histogram(f"poids/{name}", parameter, epoch)
            # --8<-- [end:ecriture]
            print(
                f"Époque {epoch + 1}/{args.epochs} : perte {fr(train_loss, 3)}, "
                f"exactitude validation {fr(100 * val_accuracy, 1)} %, "
                f"{fr(epoch_seconds[-1], 1)} s"
            )
    finally:
        train_log.close()
        val_log.close()

    # 5. Le test, une seule fois, à la fin : le modèle est choisi, on mesure ce qu'il vaut.
    x_test, y_test = x_test.to(device), y_test.to(device)
    test_loss, test_accuracy = evaluate(model, x_test, y_test, loss_fn)

    # 6. Les mesures finales, à côté des journaux.
    return save_metrics(
        logdir,
        script,
        args,
        device=device.type,
        device_name=describe_device(device),
        split=split,
        test_images=len(x_test),
        parameters=sum(p.numel() for p in model.parameters()),
        epoch_seconds=epoch_seconds,
        peak_memory=peak_memory(device),
        train_accuracy=train_accuracy,
        validation_accuracy=val_accuracy,
        validation_loss=val_loss,
        test_accuracy=test_accuracy,
        test_loss=test_loss,
        versions={"torch": torch.__version__, "torchvision": torchvision.__version__},
    )
