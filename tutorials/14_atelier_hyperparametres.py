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
#     titre: Atelier 5 — Les hyperparamètres
#     description: Régler couches, neurones et pas par une grille, puis valider par k plis.
#     niveau: intermédiaire
#     duree: 1 h
#     prerequis:
#     - Atelier 1 — La référence et la mesure commune
#     - Atelier 3 — Les optimiseurs
#     gpu: Utile pour une grille plus grande ; le CPU d'un portable suffit pour celle-ci.
#     metriques:
#     - nom: best_config_val_accuracy
#       libelle: Exactitude de validation de la meilleure configuration
#       unite: pourcentage
#       min: 0.85
#     - nom: cv_mean_accuracy
#       libelle: Exactitude moyenne de la validation croisée
#       unite: pourcentage
#       min: 0.84
#     - nom: cv_std_accuracy
#       libelle: Écart-type de la validation croisée
#       unite: points
#       max: 0.02
#     resultats:
#     - resultats/axe_5.json
# ---

# %% [markdown]
# # Atelier 5 — Les hyperparamètres
#
# Un **hyperparamètre** est un réglage que l'entraînement n'apprend pas : le nombre de couches,
# le nombre de neurones par couche, le taux d'apprentissage, la façon dont ce taux évolue.
# C'est à vous de les choisir, en mesurant.
#
# La méthode la plus simple est la **recherche en grille** (*grid search*) : on essaie toutes
# les combinaisons de quelques valeurs et on garde la meilleure sur le jeu de validation.
# Une seule validation peut cependant avoir de la chance. La **validation croisée**
# (*k-fold cross-validation*) répète l'entraînement sur plusieurs découpages pour estimer
# la dispersion du résultat.

# %% [markdown]
# ## Objectifs
#
# À la fin de ce notebook, vous saurez :
#
# - organiser une recherche en grille, avec un dossier TensorBoard par configuration ;
# - utiliser un calendrier du taux d'apprentissage (*learning-rate schedule*) ;
# - mesurer l'effet moyen de chaque hyperparamètre sur l'exactitude et sur le temps ;
# - estimer la dispersion d'un résultat par validation croisée à k plis.
#
# ## Prérequis
#
# - [L'atelier 1](10_atelier_reference.ipynb) : la mesure commune et la référence.
# - [L'atelier 3](12_atelier_optimiseurs.ipynb) : SGD et le taux d'apprentissage.

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
# ## La grille
#
# Quatre hyperparamètres, deux valeurs chacun, soit $2^4 = 16$ configurations :
#
# - le nombre de **couches cachées** : 1 ou 2 ;
# - le nombre de **neurones** par couche cachée : 64 ou 256 ;
# - le **taux d'apprentissage** de SGD : 0,01 ou 0,1 ;
# - le **calendrier** du taux : constant, ou décroissant selon un cosinus.
#
# Le calendrier en cosinus (`CosineAnnealingLR`) part du taux choisi $\eta_0$ et le fait
# décroître vers zéro au fil des $T$ époques : après $t$ époques, le taux vaut
# $\eta_t = \tfrac{\eta_0}{2}\left(1 + \cos \tfrac{\pi t}{T}\right)$.
# De grands pas au début pour avancer vite, des pas de plus en plus petits ensuite
# pour se stabiliser.
#
# Chaque configuration s'entraîne 5 époques : la grille entière tient ainsi en quelques minutes
# sur un CPU. Les classements seraient peut-être différents après plus d'époques ; c'est une
# limite à garder en tête.

# %%
import itertools

EPOCHS = 5
GRID = {
    "lr": [0.01, 0.1],
    "layers": [1, 2],
    "units": [64, 256],
    "schedule": ["constant", "cosine"],
}
configs = [dict(zip(GRID, values, strict=True)) for values in itertools.product(*GRID.values())]


def config_name(c):
    """Nom du dossier TensorBoard : il dit toute la configuration."""
    return f"lr{c['lr']}_layers{c['layers']}_units{c['units']}_{c['schedule']}"


print(f"{len(configs)} configurations de {EPOCHS} époques, par exemple {config_name(configs[0])}")

# %% [markdown]
# La fonction suivante entraîne une configuration. Elle crée le réseau, l'optimiseur SGD et,
# si besoin, le calendrier ; le reste passe par `train_model`, comme dans tous les axes.
# Le paramètre `data` permet de choisir d'autres découpages, ce qui servira pour la
# validation croisée.


# %%
def run_config(config, run_dir, data=None, graph=False):
    """Entraîne une configuration de la grille et renvoie son enregistrement."""
    model = make_mlp(hidden=(config["units"],) * config["layers"])
    optimizer = torch.optim.SGD(model.parameters(), lr=config["lr"])
    scheduler = None
    if config["schedule"] == "cosine":
        scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=EPOCHS)
    record = train_model(model, optimizer, run_dir, EPOCHS, scheduler, data=data, graph=graph)
    record["config"] = config
    return record


# %% [markdown]
# ## La recherche en grille
#
# Chaque configuration écrit son journal dans `runs/tuning/<configuration>`. Dans TensorBoard,
# l'onglet *Scalars* superpose alors les 16 courbes ; le champ de filtre (par exemple
# `lr0.1`) n'en garde qu'une partie.

# %%
shutil.rmtree("runs/tuning", ignore_errors=True)  # repartir d'un dossier vide
grid_start = time.perf_counter()
records = [
    run_config(c, f"runs/tuning/{config_name(c)}", graph=i == 0) for i, c in enumerate(configs)
]
grid_seconds = time.perf_counter() - grid_start
print(f"Grille complète : {fr(grid_seconds, 0)} s")

# %% [markdown]
# ## Le classement
#
# Trions les configurations par exactitude de **validation** : c'est elle qui sert à choisir.
# Le test reste une mesure finale, que l'on ne regarde pas pour décider.

# %%
records.sort(key=lambda r: r["val_accuracy"], reverse=True)
display(Markdown(comparison_table(records)))

# %% [markdown]
# Le même classement en image : une barre par configuration, colorée selon le taux
# d'apprentissage.

# %%
fig, ax = plt.subplots(figsize=(9, 5.5))
names = [r["variant"] for r in records][::-1]
values = [100 * r["val_accuracy"] for r in records][::-1]
colors = ["tab:orange" if r["config"]["lr"] == 0.1 else "tab:blue" for r in records][::-1]
ax.barh(names, values, color=colors)
ax.set_xlim(min(values) - 2, max(values) + 1)
ax.set(xlabel="Exactitude de validation (%)", title="Recherche en grille (orange : taux de 0,1)")
ax.grid(alpha=0.3, axis="x")
fig.tight_layout()
plt.show()

# %% [markdown]
# *Figure 1. Exactitude de validation des 16 configurations après 5 époques, de la meilleure
# (en haut) à la moins bonne. En orange, un taux d'apprentissage de 0,1 ; en bleu, de 0,01.*
#
# ## L'effet moyen de chaque hyperparamètre
#
# Pour chaque hyperparamètre, comparons la moyenne des 8 configurations qui prennent
# la première valeur à celle des 8 qui prennent la seconde. C'est l'**effet moyen**
# de ce réglage sur la grille, en exactitude et en temps par époque.

# %%
effects = {}
for key, (low, high) in GRID.items():
    group = {v: [r for r in records if r["config"][key] == v] for v in (low, high)}
    acc = {v: statistics.mean(r["val_accuracy"] for r in rs) for v, rs in group.items()}
    sec = {v: statistics.mean(r["seconds_per_epoch"] for r in rs) for v, rs in group.items()}
    effects[key] = {"from": low, "to": high, "accuracy": acc[high] - acc[low]}
    effects[key]["seconds"] = sec[high] / sec[low] - 1
    print(
        f"{key:<9} {low} → {high} : {points(effects[key]['accuracy'], 2):>13} "
        f"d'exactitude, {fr(100 * effects[key]['seconds'], 0):>4} % de temps par époque"
    )

# %% [markdown]
# ## La validation croisée de la meilleure configuration
#
# La meilleure configuration a gagné sur **un** découpage entraînement/validation.
# Avec un autre découpage, son exactitude aurait été un peu différente. Pour estimer de combien,
# la validation croisée à $k$ plis découpe les 60 000 images d'entraînement en $k$ parts :
# chaque part sert une fois de validation, les $k - 1$ autres servent à l'entraînement.
# Nous prenons $k = 5$ : cinq entraînements sur 48 000 images, validés sur 12 000.
# Le jeu de test n'intervient pas.

# %%
K = 5
best = records[0]
folds = torch.randperm(len(labels), generator=torch.Generator().manual_seed(SEED)).to(device)
folds = folds.chunk(K)
shutil.rmtree("runs/tuning_cv", ignore_errors=True)
cv_records = []
for k in range(K):
    train_index = torch.cat([f for j, f in enumerate(folds) if j != k])
    data = (images[train_index], labels[train_index], images[folds[k]], labels[folds[k]])
    cv_records.append(run_config(best["config"], f"runs/tuning_cv/fold{k + 1}", data=data))

fold_accuracies = [r["val_accuracy"] for r in cv_records]
cv_mean_accuracy = statistics.mean(fold_accuracies)
cv_std_accuracy = statistics.stdev(fold_accuracies)
print(f"Configuration : {best['variant']}")
print(f"Exactitude de validation des {K} plis : {', '.join(pct(a, 2) for a in fold_accuracies)}")
print(f"Moyenne {pct(cv_mean_accuracy, 2)}, écart-type {points(cv_std_accuracy, 2)}")

# %% [markdown]
# Comparons cette dispersion à l'écart qui sépare les meilleures configurations de la grille.

# %%
fig, ax = plt.subplots(figsize=(8, 3))
top = records[:5]
ax.scatter([100 * r["val_accuracy"] for r in top], [r["variant"] for r in top], color="tab:blue")
ax.scatter([100 * a for a in fold_accuracies], [best["variant"]] * K, marker="x", color="k")
ax.axvspan(
    100 * (cv_mean_accuracy - cv_std_accuracy),
    100 * (cv_mean_accuracy + cv_std_accuracy),
    color="gray",
    alpha=0.2,
)
ax.invert_yaxis()
ax.set(xlabel="Exactitude de validation (%)", title="Les 5 meilleures configurations et les plis")
ax.grid(alpha=0.3, axis="x")
fig.tight_layout()
plt.show()

# %% [markdown]
# *Figure 2. Points bleus : exactitude de validation des cinq meilleures configurations de
# la grille. Croix noires : les cinq plis de la validation croisée de la meilleure. Bande grise :
# moyenne des plis plus ou moins un écart-type.*
#
# Regardez aussi où tombe le point bleu de la meilleure configuration par rapport à ses propres
# plis. Le gagnant d'une grille est souvent un peu optimiste : parmi 16 mesures bruitées, on a
# retenu la plus haute, qui a pu profiter d'un découpage favorable.

# %% [markdown]
# ## Le bilan de l'axe
#
# L'interprétation suivante est calculée à partir des mesures.

# %%
best_config_val_accuracy = best["val_accuracy"]
main = max(effects, key=lambda k: abs(effects[k]["accuracy"]))
margin = records[0]["val_accuracy"] - records[1]["val_accuracy"]
if margin < cv_std_accuracy:
    verdict = (
        f"inférieur à l'écart-type de la validation croisée ({fr(100 * cv_std_accuracy, 2)}"
        f"{NBSP}point){NBSP}: sur un autre découpage, le classement de tête pourrait s'inverser"
    )
else:
    verdict = (
        f"supérieur à l'écart-type de la validation croisée ({fr(100 * cv_std_accuracy, 2)}"
        f"{NBSP}point){NBSP}: la première place est plus solide"
    )
conclusion = (
    f"Sur {len(records)} configurations de {EPOCHS} époques, la meilleure exactitude de "
    f"validation revient à `{best['variant']}` ({pct(best['val_accuracy'])}, "
    f"{pct(best['test_accuracy'])} sur le test). L'hyperparamètre le plus influent en moyenne "
    f"est `{main}`{NBSP}: passer de {str(effects[main]['from']).replace('.', ',')} à "
    f"{str(effects[main]['to']).replace('.', ',')} "
    f"change l'exactitude de {points(effects[main]['accuracy'], 2)}. "
    f"La validation croisée à {K}{NBSP}plis de cette configuration donne "
    f"{pct(cv_mean_accuracy, 2)} en moyenne, avec un écart-type de "
    f"{fr(100 * cv_std_accuracy, 2)}{NBSP}point. L'écart entre les deux premières "
    f"configurations de la grille ({fr(100 * margin, 2)}{NBSP}point) est {verdict}."
)
display(Markdown(conclusion))

# %%
save_results(
    5,
    f"Hyperparamètres{NBSP}: grille de {len(records)} configurations et validation croisée",
    records,
    conclusion,
    figure="grid",
    ranking="validation",  # le choix se fait sur la validation, pas sur le test
    cross_validation={
        "config": best["variant"],
        "k": K,
        "mean": cv_mean_accuracy,
        "std": cv_std_accuracy,
        "runs": cv_records,
    },
)

# %% [markdown]
# ## Récapitulatif
#
# - Une recherche en grille essaie toutes les combinaisons ; son coût est le produit des
#   nombres de valeurs, d'où l'intérêt d'une grille petite et de peu d'époques au départ.
# - On choisit sur la validation, jamais sur le test.
# - Un dossier TensorBoard par configuration, nommé d'après elle, rend la grille lisible.
# - L'effet moyen d'un hyperparamètre est l'écart entre la moyenne des configurations qui
#   prennent l'une de ses valeurs et celle des configurations qui prennent l'autre.
# - La validation croisée à k plis estime la dispersion d'un résultat : un écart plus petit
#   que cette dispersion ne permet pas de départager deux configurations.

# %% [markdown]
# ## Exercices
#
# ### Exercice 1 : le coût d'une grille plus fine
#
# Vous voulez essayer trois valeurs par hyperparamètre au lieu de deux, et 20 époques au lieu
# de 5. À partir du temps par époque moyen mesuré sur la grille, estimez la durée totale
# sur cette machine.

# %%
# Solution
mean_epoch = statistics.mean(r["seconds_per_epoch"] for r in records)
n_configs = 3 ** len(GRID)
estimate = n_configs * 20 * mean_epoch
print(f"{n_configs} configurations × 20 époques × {fr(mean_epoch)} s ≈ {fr(estimate / 60, 0)} min")

# %% [markdown]
# Le nombre de configurations est le nombre de valeurs élevé à la puissance du nombre
# d'hyperparamètres : il croît exponentiellement avec le nombre d'hyperparamètres. Au-delà de
# quelques-uns, on préfère une **recherche aléatoire** : tirer au hasard un nombre fixé de
# configurations dans les intervalles choisis.
#
# ### Exercice 2 : exactitude par seconde
#
# La meilleure exactitude n'est pas toujours le meilleur choix si le temps compte.
# Classez les configurations de la grille par exactitude de validation gagnée par seconde
# d'entraînement (exactitude divisée par le temps total des 5 époques), et affichez les trois
# premières.


# %%
# Solution
def accuracy_per_second(r):
    return r["val_accuracy"] / (r["seconds_per_epoch"] * r["epochs"])


for r in sorted(records, key=accuracy_per_second, reverse=True)[:3]:
    print(f"{r['variant']:<36} {pct(r['val_accuracy'])} en {fr(r['seconds_per_epoch'])} s/époque")

# %% [markdown]
# ## Pour aller plus loin
#
# - [How to adjust learning rate][schedulers] : les calendriers du taux d'apprentissage de
#   PyTorch, dont `CosineAnnealingLR`.
# - Bergstra et Bengio, [Random Search for Hyper-Parameter Optimization][bergstra] (2012) :
#   pourquoi la recherche aléatoire bat souvent la grille.
# - [Cross-validation][sklearn-cv] : le guide de scikit-learn, très clair sur les plis et leurs
#   variantes.
# - L'atelier continue avec [la normalisation par lots et
#   l'initialisation](15_atelier_batchnorm_init.ipynb).
#
# [schedulers]: https://docs.pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate
# [bergstra]: https://jmlr.org/papers/v13/bergstra12a.html
# [sklearn-cv]: https://scikit-learn.org/stable/modules/cross_validation.html
