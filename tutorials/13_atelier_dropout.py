# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   atelier:
#     titre: Atelier 4 — Le dropout
#     description: Mesurer l'effet d'un dropout de 0,5 sur les pertes (entraînement, validation).
#     niveau: intermédiaire
#     duree: 40 min
#     prerequis:
#     - Atelier 1 — La référence et la mesure commune
#     - Le surapprentissage (entraînement, validation, régularisation)
#     gpu: Inutile, le CPU d'un portable suffit ; sur GPU, le même code tourne sans modification.
#     metriques:
#     - nom: dropout_test_accuracy
#       libelle: Exactitude de test avec dropout
#       unite: pourcentage
#       min: 0.85
#     - nom: no_dropout_test_accuracy
#       libelle: Exactitude de test sans dropout
#       unite: pourcentage
#       min: 0.85
#     resultats:
#     - resultats/axe_4.json
# ---

# %% [markdown]
# # Atelier 4 — Le dropout
#
# Un réseau qui **surapprend** continue de s'améliorer sur ses images d'entraînement
# alors qu'il se dégrade sur des images qu'il n'a jamais vues. Le signe le plus net : la perte
# de validation remonte pendant que la perte d'entraînement descend.
#
# Le **dropout** est une technique de régularisation : pendant l'entraînement, chaque neurone
# caché est éteint au hasard avec une probabilité $p$. Le réseau ne peut plus compter sur un
# neurone précis et doit répartir ce qu'il apprend. Dans ce notebook, vous comparez le réseau
# de l'atelier avec et sans dropout de 0,5, placé après l'activation de la couche cachée.

# %% [markdown]
# ## Objectifs
#
# À la fin de ce notebook, vous saurez :
#
# - expliquer ce que fait `nn.Dropout` en mode entraînement et en mode évaluation ;
# - repérer le surapprentissage sur les courbes de perte d'entraînement et de validation ;
# - mesurer l'effet du dropout sur l'écart entre ces deux pertes, et sur l'exactitude ;
# - justifier le rôle du jeu de validation dans cette comparaison.
#
# ## Prérequis
#
# - [L'atelier 1](10_atelier_reference.ipynb) : la mesure commune et la référence.
# - Les notions d'entraînement, de validation et de surapprentissage.

# %% [markdown]
# ## Mise en place
#
# Les cinq cellules suivantes forment le code commun de l'atelier. Elles sont identiques,
# au caractère près, dans chaque notebook, et [l'atelier 1](10_atelier_reference.ipynb) les
# explique une à une : imports et réglages, données, réseau, mesure, tableau et résultats.
# Exécutez-les sans les modifier : c'est la garantie que cet axe se compare équitablement
# aux autres.
#
# !!! tip "Sur un GPU, sans rien changer"
#
#     Le code choisit le GPU tout seul quand PyTorch en voit un. Dans Colab, ouvrez le menu
#     **Exécution › Modifier le type d'exécution** et choisissez un accélérateur **GPU**.
#     Le pic de mémoire mesure alors les tenseurs sur la carte, et non plus tout le processus.

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


# %% [markdown]
# ## Le dropout sur un petit exemple
#
# Appliquons `nn.Dropout(0.5)` à un vecteur de huit 1. En mode entraînement (`train()`),
# environ la moitié des valeurs devient 0, et les autres sont multipliées par
# $1 / (1 - p) = 2$ : la moyenne reste la même en espérance. En mode évaluation (`eval()`),
# le dropout ne fait rien.

# %%
dropout = nn.Dropout(0.5)
ones = torch.ones(8)
torch.manual_seed(SEED)
dropout.train()
print(f"Mode entraînement : {dropout(ones).tolist()}")
dropout.eval()
print(f"Mode évaluation   : {dropout(ones).tolist()}")

# %% [markdown]
# C'est pour cela que `evaluate` appelle `model.eval()` avant de mesurer : les pertes et
# exactitudes de l'atelier sont toujours calculées sans dropout, sur le réseau complet.

# %% [markdown]
# ## L'expérience
#
# Pour voir le surapprentissage apparaître en peu d'époques, il faut un optimiseur qui apprend
# vite. Nous prenons donc Adam avec un pas de 0,001, présenté dans l'atelier 3, et 20 époques,
# deux fois plus que dans les autres axes.
#
# Les deux réseaux ont les mêmes poids initiaux (`nn.Dropout` n'a pas de paramètre) et voient
# les lots dans le même ordre. La seule différence est la couche `Dropout(p=0.5)`.

# %%
EPOCHS = 20
VARIANTS = {"no_dropout": 0.0, "dropout0.5": 0.5}
shutil.rmtree("runs/dropout", ignore_errors=True)  # repartir d'un dossier vide

records = []
for name, p in VARIANTS.items():
    model = make_mlp(dropout=p)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    records.append(train_model(model, optimizer, f"runs/dropout/{name}", EPOCHS, graph=p > 0))
print(model)

# %% [markdown]
# Le réseau affiché est le second, avec sa couche `Dropout` juste après `ReLU`.

# %% [markdown]
# ## Perte d'entraînement et perte de validation
#
# Traçons les deux pertes de chaque variante côte à côte. Rappel : les deux sont calculées
# en mode évaluation, sur 6 000 images d'entraînement et sur les 6 000 images de validation.

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
for ax, r in zip(axes, records, strict=True):
    h = r["history"]
    epochs = range(1, len(h["val_loss"]) + 1)
    ax.plot(epochs, h["train_loss"], marker="o", markersize=3, label="entraînement")
    ax.plot(epochs, h["val_loss"], marker="o", markersize=3, label="validation")
    best_epoch = h["val_loss"].index(min(h["val_loss"])) + 1
    ax.axvline(best_epoch, color="gray", linestyle=":", label="minimum de validation")
    ax.set(title=r["variant"], xlabel="Époque")
    ax.grid(alpha=0.3)
    ax.legend()
axes[0].set_ylabel("Perte d'entropie croisée")
fig.suptitle("Dropout : pertes d'entraînement et de validation (Adam, taux de 0,001)")
fig.tight_layout()
plt.show()

# %% [markdown]
# *Figure 1. Pertes d'entraînement et de validation, sans dropout (à gauche) et avec un dropout
# de 0,5 (à droite). La ligne pointillée marque l'époque où la perte de validation est minimale.*
#
# Lisons ces courbes avec des chiffres : l'époque du minimum de validation, la remontée
# de la perte de validation depuis ce minimum, et l'écart final entre les deux pertes.

# %%
summary = {}
for r in records:
    h = r["history"]
    low = min(h["val_loss"])
    summary[r["variant"]] = {
        "best_epoch": h["val_loss"].index(low) + 1,
        "rise": h["val_loss"][-1] - low,
        "gap": h["val_loss"][-1] - h["train_loss"][-1],
    }
    s = summary[r["variant"]]
    print(
        f"{r['variant']:<11} minimum de validation à l'époque {s['best_epoch']:>2}, "
        f"remontée {fr(s['rise'], 3)}, écart final validation - entraînement {fr(s['gap'], 3)}"
    )

# %% [markdown]
# ## Les courbes d'exactitude

# %%
plot_curves(records, "Avec et sans dropout (Adam, taux de 0,001)")

# %% [markdown]
# *Figure 2. Exactitude de validation (à gauche) et pertes (à droite, tirets pour
# l'entraînement) des deux variantes.*
#
# ## Le tableau de comparaison

# %%
display(Markdown(comparison_table(records)))

# %% [markdown]
# L'interprétation suivante est calculée à partir des courbes et du tableau.

# %%
plain, dropped = records
no_dropout_test_accuracy = plain["test_accuracy"]
dropout_test_accuracy = dropped["test_accuracy"]
sp, sd = summary["no_dropout"], summary["dropout0.5"]
smaller = "plus petit" if sd["gap"] < sp["gap"] else "plus grand"
# La comparaison se fait sur la validation : le test ne sert qu'à mesurer, jamais à choisir.
if dropped["val_accuracy"] > plain["val_accuracy"]:
    accuracy_sentence = "Le dropout améliore l'exactitude de validation"
elif dropped["val_accuracy"] < plain["val_accuracy"]:
    accuracy_sentence = "Le dropout réduit l'exactitude de validation"
else:
    accuracy_sentence = "Les deux variantes ont la même exactitude de validation"
conclusion = (
    f"Sans dropout, la perte de validation atteint son minimum à l'époque {sp['best_epoch']} "
    f"puis remonte de {fr(sp['rise'], 3)} jusqu'à l'époque {EPOCHS}{NBSP}; avec un dropout de "
    f"0,5, son minimum arrive à l'époque {sd['best_epoch']} et la remontée est de "
    f"{fr(sd['rise'], 3)}. En fin d'entraînement, l'écart entre perte de validation et perte "
    f"d'entraînement vaut {fr(sp['gap'], 3)} sans dropout et {fr(sd['gap'], 3)} avec{NBSP}: "
    f"il est {smaller} avec dropout. {accuracy_sentence} ({pct(plain['val_accuracy'])} "
    f"sans, {pct(dropped['val_accuracy'])} avec){NBSP}; sur le test, mesuré une seule fois, "
    f"les deux variantes obtiennent {pct(plain['test_accuracy'])} et "
    f"{pct(dropped['test_accuracy'])}. Le temps par époque passe de "
    f"{fr(plain['seconds_per_epoch'])}{NBSP}s à {fr(dropped['seconds_per_epoch'])}{NBSP}s."
)
display(Markdown(conclusion))

# %% [markdown]
# Retenez la logique de la comparaison : le jeu de validation sert à décider (par exemple, à
# quelle époque s'arrêter), et le jeu de test reste réservé à la mesure finale. Arrêter
# l'entraînement au minimum de la perte de validation s'appelle l'**arrêt précoce**
# (*early stopping*), une autre régularisation.

# %%
save_results(
    4, "Dropout 0,5 après l'activation, avec et sans", records, conclusion, figure="losses"
)

# %% [markdown]
# ## Récapitulatif
#
# - `nn.Dropout(p)` éteint chaque valeur avec la probabilité $p$ en mode entraînement et
#   multiplie les autres par $1/(1-p)$ ; il ne fait rien en mode évaluation.
# - Le surapprentissage se lit sur la perte de validation qui remonte pendant que la perte
#   d'entraînement descend.
# - Le dropout réduit l'écart entre ces deux pertes ; son effet sur l'exactitude se mesure,
#   il ne se devine pas.
# - Comparer deux variantes exige les mêmes poids initiaux et le même ordre des lots.

# %% [markdown]
# ## Exercices
#
# ### Exercice 1 : la proportion de neurones éteints
#
# Passez un lot de 64 images de validation dans la première couche et l'activation du
# réseau avec dropout, en mode entraînement. Quelle proportion des sorties du `Dropout` vaut
# 0 ? Comparez-la à la proportion de zéros après ReLU seul, en mode évaluation.

# %%
# Solution
with torch.no_grad():
    hidden = model[1](model[0](x_val[:64]))  # Linear puis ReLU
    model.train()
    dropped_out = model[2](hidden)  # Dropout en mode entraînement
    model.eval()
relu_zeros = (hidden == 0).float().mean().item()
all_zeros = (dropped_out == 0).float().mean().item()
expected = relu_zeros + (1 - relu_zeros) * 0.5
print(f"Zéros après ReLU : {pct(relu_zeros)}, après ReLU et dropout : {pct(all_zeros)}")
print(f"Proportion attendue après dropout : {pct(expected)}")

# %% [markdown]
# Le dropout éteint chaque neurone avec une probabilité de 0,5, y compris ceux que ReLU avait
# déjà mis à 0. Si une part $z$ des sorties est nulle après ReLU, on attend donc une part
# $z + (1 - z)/2$ de zéros après le dropout : c'est la dernière ligne affichée, à comparer
# à la proportion observée.
#
# ### Exercice 2 : l'arrêt précoce
#
# Pour chaque variante, quelle exactitude de validation le réseau avait-il à l'époque
# où sa perte de validation était minimale ? Comparez-la à l'exactitude de la dernière époque.

# %%
# Solution
for r in records:
    h = r["history"]
    best_epoch = summary[r["variant"]]["best_epoch"]
    print(
        f"{r['variant']:<11} époque {best_epoch:>2} : {pct(h['val_accuracy'][best_epoch - 1])}, "
        f"dernière époque : {pct(h['val_accuracy'][-1])}"
    )

# %% [markdown]
# ## Pour aller plus loin
#
# - Srivastava et coll., [l'article de référence sur le dropout][srivastava] (2014), qui a
#   popularisé la méthode.
# - [`torch.nn.Dropout`][dropout-doc] : la documentation de la couche.
# - L'atelier continue avec [les hyperparamètres](14_atelier_hyperparametres.ipynb).
#
# [srivastava]: https://jmlr.org/papers/v15/srivastava14a.html
# [dropout-doc]: https://docs.pytorch.org/docs/stable/generated/torch.nn.Dropout.html
