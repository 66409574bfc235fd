# Code commun de l'atelier d'expériences (tutoriels 10 à 15), écrit une seule fois.
#
# Ce fichier n'est pas un tutoriel : la construction (tools/shared_code.py) insère ses cellules à
# la place de chaque cellule « # %% atelier: commun » d'un tutoriel de l'atelier. Le notebook
# exécuté et le .py proposés au téléchargement contiennent donc ce code et s'exécutent seuls ;
# le modifier ré-exécute les six tutoriels de l'atelier. Ces lignes de présentation, avant la
# première cellule, ne sont jamais insérées.

# %%
# Atelier, code commun 1/5 : imports, réglages, appareil et affichage à la française.
# Cette cellule est identique dans chaque notebook de l'atelier (un test le vérifie).
import json
import os
import shutil
import statistics
import time
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import torch
import torchvision
from IPython.display import Markdown, display
from torch import nn
from torch.utils.tensorboard import SummaryWriter

SEED = 0  # la même graine pour chaque variante de chaque axe
BATCH_SIZE = 64  # la même taille de lot partout
NBSP = "\u00a0"  # espace insécable de la typographie française (« 87,3 % »)

# Le GPU s'il existe, sinon le CPU : rien d'autre dans l'atelier ne dépend de ce choix.
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
if device.type == "cpu":
    # Un seul fil d'exécution : des durées régulières, comparables d'une variante à l'autre.
    torch.set_num_threads(1)


def fr(x, decimals=2):
    """Écrit un nombre à la française, avec une virgule décimale."""
    return f"{x:.{decimals}f}".replace(".", ",")


def pct(x, decimals=1):
    """Écrit une proportion (0.873) en pourcentage à la française (87,3 %)."""
    return f"{fr(100 * x, decimals)}{NBSP}%"


def points(x, decimals=1):
    """Un écart d'exactitude (0.031) en points de pourcentage : « 3,1 points », « 0,6 point »."""
    value = fr(100 * x, decimals)
    return f"{value}{NBSP}point{'s' if abs(float(value.replace(',', '.'))) >= 2 else ''}"


print(f"PyTorch {torch.__version__}, calculs sur {device} ({torch.get_num_threads()} fil(s) CPU)")

# %%
# Atelier, code commun 2/5 : les données, préparées et découpées de la même façon partout.
# Cette cellule est identique dans chaque notebook de l'atelier (un test le vérifie).
DATA_DIR = os.environ.get("ATELIER_DATA", "data")  # chez vous : ./data, téléchargé une fois
train_set = torchvision.datasets.FashionMNIST(DATA_DIR, train=True, download=True)
test_set = torchvision.datasets.FashionMNIST(DATA_DIR, train=False, download=True)

# Images aplaties en vecteurs de 784 pixels, normalisées avec les statistiques de l'entraînement.
images = train_set.data.reshape(-1, 28 * 28).float().div(255)
mean, std = images.mean(), images.std()
images = ((images - mean) / std).to(device)
labels = train_set.targets.to(device)
x_test = ((test_set.data.reshape(-1, 28 * 28).float().div(255) - mean) / std).to(device)
y_test = test_set.targets.to(device)

# Un seul découpage, tiré avec la graine : 54 000 images d'entraînement, 6 000 de validation.
N_VAL = 6000
split = torch.randperm(len(labels), generator=torch.Generator().manual_seed(SEED)).to(device)
x_train, y_train = images[split[N_VAL:]], labels[split[N_VAL:]]
x_val, y_val = images[split[:N_VAL]], labels[split[:N_VAL]]
print(f"Entraînement : {len(y_train)} images, validation : {len(y_val)}, test : {len(y_test)}")
# Le découpage, rangé dans l'enregistrement de l'exécution : la construction du site vérifie
# qu'aucune image de validation n'est aussi une image d'entraînement.
DATA_SPLIT = {"train": split[N_VAL:], "validation": split[:N_VAL], "test": len(y_test)}


# %%
# Atelier, code commun 3/5 : le réseau de l'atelier.
# Cette cellule est identique dans chaque notebook de l'atelier (un test le vérifie).
def make_mlp(hidden=(128,), activation=nn.ReLU, dropout=0.0, batchnorm=False):
    """MLP 784 -> couches cachées -> 10 logits, mêmes poids initiaux à chaque appel.

    Chaque couche cachée enchaîne Linear, BatchNorm1d (si batchnorm, avant l'activation),
    l'activation, puis Dropout (si dropout > 0, après l'activation).
    """
    torch.manual_seed(SEED)  # deux réseaux de même forme partent des mêmes poids
    layers, n_in = [], 28 * 28
    for n_out in hidden:
        layers.append(nn.Linear(n_in, n_out))
        if batchnorm:
            layers.append(nn.BatchNorm1d(n_out))
        layers.append(activation())
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
        n_in = n_out
    layers.append(nn.Linear(n_in, 10))
    return nn.Sequential(*layers).to(device)


print(make_mlp())


# %%
# Atelier, code commun 4/5 : entraîner et mesurer (vitesse, mémoire, exactitude).
# Cette cellule est identique dans chaque notebook de l'atelier (un test le vérifie).
def reset_peak_memory():
    """Remet à zéro le pic de mémoire avant un essai ; renvoie ce que mesurera le pic."""
    if device.type == "cuda":
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats(device)
        return "GPU : pic de torch.cuda.max_memory_allocated pendant l'essai"
    try:  # Linux : écrire 5 dans clear_refs ramène le pic (VmHWM) à la mémoire actuelle
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return "CPU : pic de mémoire résidente (RSS) du processus pendant l'essai"
    except OSError:  # macOS, Windows : le pic court depuis le lancement du processus
        return "CPU : pic de mémoire résidente (RSS) du processus depuis son lancement"


def peak_memory_mib():
    """Pic de mémoire en Mio : tenseurs sur le GPU, processus entier (RSS) sur le CPU."""
    if device.type == "cuda":
        return torch.cuda.max_memory_allocated(device) / 2**20
    if os.path.exists("/proc/self/status"):  # Linux, dont Colab
        with open("/proc/self/status") as f:
            return next(int(ln.split()[1]) for ln in f if ln.startswith("VmHWM")) / 1024
    try:
        import resource  # macOS : ru_maxrss est en octets
    except ImportError:  # Windows : le paquet psutil donne le pic de l'ensemble de travail
        import psutil

        return psutil.Process().memory_info().peak_wset / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20


@torch.no_grad()
def evaluate(model, x, y, batch_size=2000):
    """Perte moyenne et exactitude du modèle sur (x, y), en mode évaluation."""
    model.eval()
    loss_sum, correct = 0.0, 0
    for first in range(0, len(y), batch_size):
        logits, target = model(x[first : first + batch_size]), y[first : first + batch_size]
        loss_sum += nn.functional.cross_entropy(logits, target, reduction="sum").item()
        correct += (logits.argmax(dim=1) == target).sum().item()
    return loss_sum / len(y), correct / len(y)


def evaluate_model(model, epoch_seconds, memory_source):
    """La mesure commune : vitesse (s par époque), pic de mémoire (Mio), exactitude de test."""
    return {
        "test_accuracy": evaluate(model, x_test, y_test)[1],
        "seconds_per_epoch": statistics.median(epoch_seconds),
        "peak_memory_mib": peak_memory_mib(),
        "memory_source": memory_source,
    }


def train_model(
    model, optimizer, run_dir, epochs, scheduler=None, data=None, histograms=False, graph=False
):
    """Entraîne le modèle, journalise dans TensorBoard (run_dir) et renvoie son enregistrement."""
    x_tr, y_tr, x_va, y_va = data or (x_train, y_train, x_val, y_val)
    shutil.rmtree(run_dir, ignore_errors=True)  # un dossier propre par essai
    writer = SummaryWriter(run_dir)
    if graph:  # le graphe du modèle, une fois par axe (en mode évaluation : rien ne bouge)
        model.eval()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # add_graph passe par torch.jit.trace, annoncé obsolète
            writer.add_graph(model, x_tr[:2])
    torch.manual_seed(SEED)  # mêmes tirages (dropout…) pour chaque variante
    order_rng = torch.Generator().manual_seed(SEED)  # même ordre des lots partout
    weights = [(name, p) for name, p in model.named_parameters() if p.dim() > 1]
    history = {"train_loss": [], "val_loss": [], "val_accuracy": [], "epoch_seconds": []}
    history["grad_norms"] = {name: [] for name, _ in weights}
    memory_source = reset_peak_memory()
    for epoch in range(1, epochs + 1):
        model.train()
        start = time.perf_counter()
        order = torch.randperm(len(y_tr), generator=order_rng).to(device)
        for first in range(0, len(order), BATCH_SIZE):
            batch = order[first : first + BATCH_SIZE]
            loss = nn.functional.cross_entropy(model(x_tr[batch]), y_tr[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        if device.type == "cuda":
            torch.cuda.synchronize()  # attendre la fin des calculs avant d'arrêter le chronomètre
        history["epoch_seconds"].append(time.perf_counter() - start)
        if scheduler is not None:
            scheduler.step()
        # Hors chronomètre : pertes en mode évaluation (6 000 images d'entraînement, validation).
        train_loss, _ = evaluate(model, x_tr[:N_VAL], y_tr[:N_VAL])
        val_loss, val_accuracy = evaluate(model, x_va, y_va)
        history["train_loss"].append(train_loss)
        history["val_loss"].append(val_loss)
        history["val_accuracy"].append(val_accuracy)
        writer.add_scalar("perte/entrainement", train_loss, epoch)
        writer.add_scalar("perte/validation", val_loss, epoch)
        writer.add_scalar("exactitude/validation", val_accuracy, epoch)
        writer.add_scalar("duree_epoque_s", history["epoch_seconds"][-1], epoch)
        for name, p in weights:  # norme du gradient au dernier lot de l'époque
            history["grad_norms"][name].append(p.grad.norm().item())
        if histograms:
            for name, p in model.named_parameters():
                writer.add_histogram(f"poids/{name}", p, epoch)
                writer.add_histogram(f"gradients/{name}", p.grad, epoch)
    record = {"variant": Path(run_dir).name, "run_dir": run_dir, "epochs": epochs}
    record["val_accuracy"] = history["val_accuracy"][-1]
    record.update(evaluate_model(model, history["epoch_seconds"], memory_source))
    record["n_parameters"] = sum(p.numel() for p in model.parameters())
    record["history"] = history
    writer.add_text("mesures", json.dumps({k: v for k, v in record.items() if k != "history"}))
    writer.close()
    print(
        f"{run_dir} : validation {pct(record['val_accuracy'])}, test "
        f"{pct(record['test_accuracy'])}, {fr(record['seconds_per_epoch'])} s/époque, "
        f"pic {fr(record['peak_memory_mib'], 0)} Mio"
    )
    return record


# %%
# Atelier, code commun 5/5 : tableau de comparaison, courbes et fichier de résultats.
# Cette cellule est identique dans chaque notebook de l'atelier (un test le vérifie).
def comparison_table(records):
    """Tableau Markdown des mesures : une ligne par essai, nommé par son dossier runs/."""
    lines = [
        "| Essai (`runs/…`) | Validation | Test | Temps par époque | Pic mémoire | Époques |",
        "|:--|--:|--:|--:|--:|--:|",
    ]
    for r in records:
        lines.append(
            f"| `{r['run_dir'].removeprefix('runs/')}` | {pct(r['val_accuracy'])} "
            f"| {pct(r['test_accuracy'])} | {fr(r['seconds_per_epoch'])}{NBSP}s "
            f"| {fr(r['peak_memory_mib'], 0)}{NBSP}Mio | {r['epochs']} |"
        )
    lines.append("")
    lines.append(
        "*Exactitude sur la validation et sur le test, durée médiane d'une époque, "
        "pic de mémoire pendant l'essai.*"
    )
    return "\n".join(lines)


def plot_curves(records, title):
    """Exactitude de validation (à gauche) et pertes (à droite) de chaque essai, par époque."""
    fig, (ax_acc, ax_loss) = plt.subplots(1, 2, figsize=(11, 4))
    for r in records:
        h = r["history"]
        epochs = range(1, len(h["val_accuracy"]) + 1)
        accuracy = [100 * a for a in h["val_accuracy"]]
        (line,) = ax_acc.plot(epochs, accuracy, marker="o", markersize=3, label=r["variant"])
        ax_loss.plot(epochs, h["val_loss"], color=line.get_color())
        ax_loss.plot(epochs, h["train_loss"], color=line.get_color(), linestyle="--")
    ax_acc.set(xlabel="Époque", ylabel="Exactitude (%)", title="Exactitude de validation")
    ax_loss.set(xlabel="Époque", ylabel="Perte d'entropie croisée")
    ax_loss.set_title("Pertes : validation (trait plein), entraînement (tirets)")
    for ax in (ax_acc, ax_loss):
        ax.grid(alpha=0.3)
    ax_acc.legend()
    fig.suptitle(title)
    fig.tight_layout()
    plt.show()


def save_results(axis, title, records, conclusion, figure="accuracy", **extra):
    """Écrit resultats/axe_N.json : les mesures de l'axe, que lit la page « Rapport »."""
    path = Path("resultats") / f"axe_{axis}.json"
    path.parent.mkdir(exist_ok=True)
    payload = {
        "axis": axis,
        "title": title,
        "device": str(device),
        "seed": SEED,
        "batch_size": BATCH_SIZE,
        "data": {"train": len(y_train), "val": len(y_val), "test": len(y_test)},
        "figure": figure,
        "conclusion": conclusion,
        "runs": records,
        **extra,
    }
    path.write_text(json.dumps(payload, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"{len(records)} essai(s) enregistré(s) dans {path}")
