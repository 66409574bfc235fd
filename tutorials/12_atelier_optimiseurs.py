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
#     titre: Atelier 3 — Les optimiseurs
#     description: Comparer SGD, SGD avec momentum, Adam et RMSprop en partant des mêmes poids.
#     niveau: intermédiaire
#     duree: 45 min
#     prerequis:
#     - Atelier 1 — La référence et la mesure commune
#     - La descente de gradient stochastique
#     gpu: Inutile, le CPU d'un portable suffit ; sur GPU, le même code tourne sans modification.
#     metriques:
#     - nom: best_optimizer_accuracy
#       libelle: Exactitude de test de l'optimiseur en tête sur la validation
#       unite: pourcentage
#       min: 0.86
#     - nom: sgd_accuracy
#       libelle: Exactitude de test de SGD seul
#       unite: pourcentage
#       min: 0.82
#     resultats:
#     - resultats/axe_3.json
# ---

# %% [markdown]
# # Atelier 3 — Les optimiseurs
#
# L'**optimiseur** décide comment les poids bougent à partir des gradients.
# La rétropropagation donne la direction de la plus forte pente ; l'optimiseur choisit
# la longueur du pas, et se souvient éventuellement des pas précédents.
#
# Dans ce notebook, le même réseau part quatre fois des mêmes poids initiaux, sauvegardés
# une fois pour toutes. Seul l'optimiseur change : SGD, SGD avec *momentum*, Adam et RMSprop.

# %% [markdown]
# ## Objectifs
#
# À la fin de ce notebook, vous saurez :
#
# - sauvegarder les poids d'un réseau avec `state_dict` et les recharger entre deux essais ;
# - écrire la règle de mise à jour de SGD, du *momentum*, d'Adam et de RMSprop ;
# - comparer leur vitesse de convergence, leur coût par époque et leur état en mémoire ;
# - expliquer le rôle du *momentum*.
#
# ## Prérequis
#
# - [L'atelier 1](10_atelier_reference.ipynb) : la mesure commune et la référence.
# - La descente de gradient : taux d'apprentissage, lot, époque.

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
# ## Des poids initiaux sauvegardés une fois pour toutes
#
# Pour comparer des optimiseurs, il faut qu'ils partent exactement du même point.
# `model.state_dict()` renvoie un dictionnaire qui associe à chaque nom de paramètre
# son tenseur. `torch.save` l'écrit dans un fichier, `torch.load` le relit, et
# `model.load_state_dict` remet les valeurs en place.
#
# Nous créons donc un seul réseau, nous sauvegardons ses poids initiaux, puis nous les
# rechargeons avant chaque essai. Une empreinte (la somme des poids) permet de vérifier que
# le point de départ est bien le même.

# %%
model = make_mlp()
torch.save(model.state_dict(), "poids_initiaux.pt")


def reset_weights(model):
    """Recharge les poids initiaux sauvegardés ; renvoie leur empreinte."""
    model.load_state_dict(torch.load("poids_initiaux.pt", map_location=device, weights_only=True))
    return sum(p.double().sum().item() for p in model.parameters())


print(f"Empreinte des poids initiaux : {reset_weights(model):.6f}")
print(f"Paramètres sauvegardés : {list(model.state_dict())}")

# %% [markdown]
# ## Quatre règles de mise à jour
#
# Notons $g_t$ le gradient de la perte au pas $t$ et $\eta$ le taux d'apprentissage.
#
# **SGD** recule d'un pas proportionnel au gradient : $w \leftarrow w - \eta\, g_t$.
#
# **SGD avec momentum** accumule une « vitesse » $v$ : la somme des gradients passés, où la
# contribution de chaque gradient est multipliée par $\mu = 0{,}9$ à chaque nouveau pas :
#
# $$
# v \leftarrow \mu\, v + g_t, \qquad w \leftarrow w - \eta\, v.
# $$
#
# Quand les gradients successifs pointent dans la même direction, la vitesse s'accumule et
# les pas s'allongent (jusqu'à dix fois pour $\mu = 0{,}9$). Quand ils oscillent, ils
# s'annulent en partie : le *momentum* amortit les zigzags.
#
# **RMSprop** divise le pas de chaque poids par la racine d'une moyenne glissante des
# gradients au carré, $s \leftarrow \beta\, s + (1 - \beta)\, g_t^2$, puis
# $w \leftarrow w - \eta\, g_t / (\sqrt{s} + \epsilon)$. Un poids aux gradients
# toujours grands avance prudemment, un poids aux gradients faibles avance plus vite.
#
# **Adam** combine les deux idées : une moyenne glissante des gradients (comme le
# *momentum*) et une moyenne des carrés (comme RMSprop). Ces deux moyennes partent de zéro et
# sont donc trop petites au début : Adam les corrige pendant les premiers pas.
#
# Chaque vitesse ou moyenne glissante est un tenseur de la taille des poids : SGD n'a aucun
# état, le *momentum* et RMSprop en ont un, Adam deux.

# %% [markdown]
# ## L'expérience
#
# Les quatre optimiseurs et leurs taux d'apprentissage, fixés par l'énoncé de l'atelier :
# SGD et SGD avec *momentum* à 0,01, Adam à 0,001, RMSprop à 0,01.
# Chaque optimiseur est créé **après** le rechargement des poids : il part sans état.
# Le nom de chaque dossier `runs/optimizers/…` dit l'optimiseur et son réglage.

# %%
EPOCHS = 10
OPTIMIZERS = {
    "sgd_lr0.01": lambda params: torch.optim.SGD(params, lr=0.01),
    "sgd_momentum0.9_lr0.01": lambda params: torch.optim.SGD(params, lr=0.01, momentum=0.9),
    "adam_lr0.001": lambda params: torch.optim.Adam(params, lr=0.001),
    "rmsprop_lr0.01": lambda params: torch.optim.RMSprop(params, lr=0.01),
}
shutil.rmtree("runs/optimizers", ignore_errors=True)  # repartir d'un dossier vide

records, fingerprints = [], []
for name, make_optimizer in OPTIMIZERS.items():
    fingerprints.append(reset_weights(model))  # même point de départ pour tous
    optimizer = make_optimizer(model.parameters())
    run_dir = f"runs/optimizers/{name}"
    records.append(
        train_model(model, optimizer, run_dir, EPOCHS, histograms=True, graph=not records)
    )
    tensors = [t for s in optimizer.state.values() for t in s.values() if torch.is_tensor(t)]
    state = sum(t.numel() for t in tensors if t.dim() > 0)  # sans les compteurs de pas
    records[-1]["optimizer_state_floats"] = state
print(f"Empreintes de départ identiques : {len(set(fingerprints)) == 1}")

# %% [markdown]
# La dernière ligne confirme que les quatre essais sont partis des mêmes poids.
# Nous avons aussi compté la taille de l'état de chaque optimiseur, en nombre de valeurs.

# %%
for r in records:
    ratio = r["optimizer_state_floats"] / r["n_parameters"]
    state = r["optimizer_state_floats"]
    print(f"{r['variant']:<24} état : {state:>7} valeurs ({fr(ratio, 0)} par poids)")

# %% [markdown]
# ## Les courbes de convergence

# %%
plot_curves(records, "Optimiseurs, à partir des mêmes poids initiaux")

# %% [markdown]
# *Figure 1. Exactitude de validation (à gauche) et pertes (à droite, tirets pour
# l'entraînement) des quatre optimiseurs, époque par époque.*
#
# ## Le rôle du momentum
#
# Comparons SGD avec et sans *momentum*, à taux d'apprentissage égal. Combien d'époques faut-il
# au *momentum* pour atteindre l'exactitude de validation que SGD seul obtient en fin
# d'entraînement ?

# %%
sgd, momentum = records[0], records[1]
target = sgd["history"]["val_accuracy"][-1]
reached = [e for e, a in enumerate(momentum["history"]["val_accuracy"], 1) if a >= target]
if reached:
    momentum_sentence = (
        f"Avec un *momentum* de 0,9, SGD atteint dès l'époque {reached[0]} l'exactitude de "
        f"validation que SGD seul obtient après {EPOCHS} époques ({pct(target)})."
    )
else:
    momentum_sentence = (
        f"Avec un *momentum* de 0,9, SGD n'atteint pas en {EPOCHS} époques l'exactitude de "
        f"validation de SGD seul ({pct(target)})."
    )
display(Markdown(momentum_sentence))

# %% [markdown]
# Le *momentum* agit comme une inertie : les pas s'allongent tant que la pente garde la même
# direction, et les oscillations d'un lot à l'autre se compensent.

# %% [markdown]
# ## Le tableau de comparaison

# %%
display(Markdown(comparison_table(records)))

# %% [markdown]
# L'interprétation suivante est calculée à partir du tableau.

# %%
# Le classement se fait sur la validation : le test ne sert qu'à mesurer, jamais à choisir.
ranked = sorted(records, key=lambda r: r["val_accuracy"], reverse=True)
best, worst = ranked[0], ranked[-1]
best_optimizer_accuracy = best["test_accuracy"]
sgd_accuracy = sgd["test_accuracy"]
by_time = sorted(records, key=lambda r: r["seconds_per_epoch"])
cost = by_time[-1]["seconds_per_epoch"] / by_time[0]["seconds_per_epoch"] - 1
conclusion = (
    f"Après {EPOCHS} époques, `{best['variant']}` obtient la meilleure exactitude de "
    f"validation ({pct(best['val_accuracy'])}, puis {pct(best['test_accuracy'])} sur le test, "
    f"mesuré une seule fois) et `{worst['variant']}` la moins bonne "
    f"({pct(worst['val_accuracy'])}). Classement complet sur la validation{NBSP}: "
    + ", ".join(f"`{r['variant']}` ({pct(r['val_accuracy'])})" for r in ranked)
    + f". {momentum_sentence} L'époque la plus rapide est celle de `{by_time[0]['variant']}` "
    f"({fr(by_time[0]['seconds_per_epoch'])}{NBSP}s), la plus lente celle de "
    f"`{by_time[-1]['variant']}` ({fr(by_time[-1]['seconds_per_epoch'])}{NBSP}s, "
    f"+{fr(100 * cost, 0)}{NBSP}%)"
)
if by_time[-1]["optimizer_state_floats"] > by_time[0]["optimizer_state_floats"]:
    conclusion += (
        f"{NBSP}: le plus lent tient à jour plus d'état, donc fait plus de calculs par pas."
    )
else:
    conclusion += f"{NBSP}: cet écart ne suit pas la taille de l'état et relève du bruit de mesure."
display(Markdown(conclusion))

# %% [markdown]
# Une exactitude plus haute après dix époques ne dit pas qu'un optimiseur est meilleur dans
# l'absolu : chacun a son taux d'apprentissage préféré. Le taux de 0,01 imposé à RMSprop, par
# exemple, est dix fois celui d'Adam. L'atelier 5 montre comment régler ces hyperparamètres
# au lieu de les imposer.

# %%
save_results(3, f"Optimiseurs{NBSP}: SGD, momentum, Adam, RMSprop", records, conclusion)

# %% [markdown]
# ## Récapitulatif
#
# - `state_dict`, `torch.save`, `torch.load` et `load_state_dict` remettent un réseau dans
#   un état connu : indispensable pour comparer des optimiseurs.
# - Un optimiseur se crée après le rechargement des poids, pour partir sans état.
# - Le *momentum* accumule les gradients passés : plus de chemin parcouru par époque.
# - RMSprop et Adam adaptent le pas de chaque poids ; ils gardent un ou deux tenseurs d'état
#   de la taille du modèle, et coûtent plus de calcul par pas : le tableau mesure l'écart.

# %% [markdown]
# ## Exercices
#
# ### Exercice 1 : vérifier le retour au point de départ
#
# Après les quatre essais, le réseau porte les poids appris avec RMSprop. Rechargez les poids
# initiaux, puis vérifiez que l'exactitude de validation est redevenue celle d'un réseau
# neuf construit par `make_mlp()`.

# %%
# Solution
reset_weights(model)
fresh = make_mlp()
reloaded_accuracy = evaluate(model, x_val, y_val)[1]
fresh_accuracy = evaluate(fresh, x_val, y_val)[1]
print(f"Poids rechargés : {pct(reloaded_accuracy, 2)}, réseau neuf : {pct(fresh_accuracy, 2)}")
same = all(torch.equal(a, b) for a, b in zip(model.parameters(), fresh.parameters(), strict=True))
print(f"Poids identiques : {same}")

# %% [markdown]
# ### Exercice 2 : Adam avec un pas trop grand
#
# Entraînez Adam deux époques avec un pas de 0,01 au lieu de 0,001, depuis les poids
# initiaux. Comparez son exactitude de validation à celle d'Adam (pas de 0,001) après
# deux époques, lue dans l'historique de l'essai.

# %%
# Solution
reset_weights(model)
adam_fast = train_model(
    model, torch.optim.Adam(model.parameters(), lr=0.01), "runs/optimizers_extra/adam_lr0.01", 2
)
adam_ref = records[2]["history"]["val_accuracy"][1]
print(f"Après 2 époques : Adam 0,01 {pct(adam_fast['val_accuracy'])}, Adam 0,001 {pct(adam_ref)}")

# %% [markdown]
# ## Pour aller plus loin
#
# - [`torch.optim`][optim] : tous les optimiseurs de PyTorch, avec leur algorithme détaillé.
# - [Saving and loading models][saving] : `state_dict`, `torch.save` et `torch.load`.
# - Kingma et Ba, [l'article qui présente Adam][adam] (2014).
# - Sebastian Ruder, [An overview of gradient descent optimization algorithms][ruder] (2016) :
#   une synthèse claire de ces règles de mise à jour.
# - L'atelier continue avec [le dropout](13_atelier_dropout.ipynb).
#
# [optim]: https://docs.pytorch.org/docs/stable/optim.html
# [saving]: https://docs.pytorch.org/tutorials/beginner/saving_loading_models.html
# [adam]: https://arxiv.org/abs/1412.6980
# [ruder]: https://arxiv.org/abs/1609.04747
