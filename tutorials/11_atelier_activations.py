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
#     titre: Atelier 2 — Les fonctions d'activation
#     description: Comparer ReLU, Tanh et Sigmoid à réseau, données et mesure identiques.
#     niveau: intermédiaire
#     duree: 40 min
#     prerequis:
#     - Atelier 1 — La référence et la mesure commune
#     - Le perceptron multicouche (fonctions d'activation)
#     gpu: Inutile, le CPU d'un portable suffit ; sur GPU, le même code tourne sans modification.
#     metriques:
#     - nom: best_activation_accuracy
#       libelle: Exactitude de test de l'activation en tête sur la validation
#       unite: pourcentage
#       min: 0.83
#     - nom: worst_activation_accuracy
#       libelle: Exactitude de test de l'activation en queue sur la validation
#       unite: pourcentage
#       min: 0.6
#     resultats:
#     - resultats/axe_2.json
# ---

# %% [markdown]
# # Atelier 2 — Les fonctions d'activation
#
# Sans **fonction d'activation**, un réseau de couches linéaires resterait une seule fonction
# linéaire, incapable de séparer des classes aussi proches qu'une chemise et un T-shirt.
# L'activation, appliquée à chaque neurone caché, apporte la non-linéarité.
#
# Dans ce notebook, vous entraînez trois fois le réseau de l'atelier en ne changeant que
# cette fonction : ReLU, Tanh, puis Sigmoid. Tout le reste est identique : données, poids
# initiaux, ordre des lots, optimiseur et mesure.

# %% [markdown]
# ## Objectifs
#
# À la fin de ce notebook, vous saurez :
#
# - tracer les trois activations classiques et leurs dérivées ;
# - comparer leur vitesse de convergence sur des courbes d'apprentissage ;
# - relier une convergence lente à des gradients trop petits ;
# - lire les histogrammes de gradients dans TensorBoard.
#
# ## Prérequis
#
# - [L'atelier 1](10_atelier_reference.ipynb) : la mesure commune et la référence.
# - La notion de dérivée, et la rétropropagation dans les grandes lignes : le gradient
#   d'une couche est multiplié par la dérivée de l'activation.

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
# ## Trois activations et leurs dérivées
#
# Les trois fonctions comparées :
#
# - **ReLU** : $\mathrm{ReLU}(z) = \max(0, z)$. Sa dérivée vaut 1 pour $z > 0$ et 0 sinon.
# - **Tanh** : $\tanh(z) = \dfrac{e^{z} - e^{-z}}{e^{z} + e^{-z}}$, à valeurs entre −1 et 1.
# - **Sigmoid** : $\sigma(z) = \dfrac{1}{1 + e^{-z}}$, à valeurs entre 0 et 1.
#
# Pendant la rétropropagation, le gradient qui traverse une couche est multiplié par la
# dérivée de son activation. Plutôt que de dériver à la main, demandons ces dérivées à
# l'autograd de PyTorch, sur 401 points entre −5 et 5.

# %%
ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}

z = torch.linspace(-5, 5, 401, requires_grad=True)
fig, (ax_f, ax_d) = plt.subplots(1, 2, figsize=(10, 3.6))
max_slope = {}
for name, activation in ACTIVATIONS.items():
    (slope,) = torch.autograd.grad(activation()(z).sum(), z)
    max_slope[name] = slope.max().item()
    ax_f.plot(z.detach(), activation()(z).detach(), label=name)
    ax_d.plot(z.detach(), slope, label=name)
ax_f.set(title="Activation", xlabel="z")
ax_d.set(title="Dérivée", xlabel="z")
for ax in (ax_f, ax_d):
    ax.grid(alpha=0.3)
    ax.legend()
fig.tight_layout()
plt.show()
for name, value in max_slope.items():
    print(f"{name:<8} dérivée maximale : {fr(value, 3)}")

# %% [markdown]
# *Figure 1. À gauche, les trois activations entre −5 et 5 ; à droite, leurs dérivées,
# calculées par l'autograd de PyTorch.*
#
# La dérivée de la sigmoïde ne dépasse jamais la valeur affichée ci-dessus, bien inférieure à 1.
# À chaque couche traversée, l'activation multiplie donc le gradient par un facteur au plus égal
# à cette valeur : avec plusieurs couches, le gradient fond très vite. Pour de grandes
# valeurs de $|z|$, Tanh et Sigmoid sont **saturées** : leur dérivée est presque nulle et le
# neurone n'apprend presque plus. ReLU ne sature pas du côté positif.

# %% [markdown]
# ## L'expérience
#
# Les réglages sont ceux de la référence de l'atelier 1 : SGD, pas de 0,01, lots de 64.
# La variante ReLU reproduit donc exactement la référence.
#
# Pour chaque activation, `make_mlp` construit un réseau neuf. Comme il fixe la graine,
# les trois réseaux partent des mêmes poids : seule l'activation diffère.
# Nous demandons les histogrammes des poids et des gradients (`histograms=True`) :
# c'est précisément ce que l'activation modifie.

# %%
EPOCHS = 10
LEARNING_RATE = 0.01
shutil.rmtree("runs/activations", ignore_errors=True)  # repartir d'un dossier vide
print(f"SGD, taux {LEARNING_RATE}, lots de {BATCH_SIZE}, {EPOCHS} époques par activation")

records = []
for name, activation in ACTIVATIONS.items():
    model = make_mlp(activation=activation)
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    run_dir = f"runs/activations/{name}"
    records.append(
        train_model(model, optimizer, run_dir, EPOCHS, histograms=True, graph=not records)
    )

# %% [markdown]
# Chaque ligne résume un essai. Le nom du dossier `runs/activations/…` est aussi celui que
# TensorBoard affiche : ouvrez-le avec `tensorboard --logdir runs` pour superposer les trois
# courbes, une couleur par activation.

# %% [markdown]
# ## Les courbes de convergence

# %%
plot_curves(records, "Fonctions d'activation (SGD, taux de 0,01)")

# %% [markdown]
# *Figure 2. Exactitude de validation (à gauche) et pertes (à droite) de chaque activation,
# époque par époque. Les tirets donnent la perte d'entraînement, le trait plein celle de
# validation.*
#
# Une courbe qui monte plus vite signale une convergence plus rapide. Repérons, pour chaque
# activation, la première époque où elle atteint 80 % d'exactitude de validation.

# %%
THRESHOLD = 0.80
for r in records:
    reached = [e for e, a in enumerate(r["history"]["val_accuracy"], 1) if a >= THRESHOLD]
    when = f"à l'époque {reached[0]}" if reached else f"jamais en {r['epochs']} époques"
    print(f"{r['variant']:<8} atteint {pct(THRESHOLD, 0)} {when}")

# %% [markdown]
# ## Les gradients
#
# L'enregistrement de chaque essai contient, pour chaque matrice de poids, la norme du
# gradient au dernier lot de chaque époque. Comparons la première couche
# (`0.weight`, la plus éloignée de la sortie) pour les trois activations.

# %%
fig, ax = plt.subplots(figsize=(6.5, 3.6))
first_layer = {}
for r in records:
    norms = r["history"]["grad_norms"]["0.weight"]
    first_layer[r["variant"]] = sum(norms) / len(norms)
    ax.plot(range(1, len(norms) + 1), norms, marker="o", markersize=3, label=r["variant"])
ax.set(xlabel="Époque", ylabel="Norme du gradient", title="Gradient de la première couche")
ax.set_yscale("log")
ax.grid(alpha=0.3)
ax.legend()
fig.tight_layout()
plt.show()
for name, value in first_layer.items():
    print(f"{name:<8} norme moyenne du gradient de la première couche : {fr(value, 4)}")

# %% [markdown]
# *Figure 3. Norme du gradient des poids de la première couche, au dernier lot de chaque
# époque, en échelle logarithmique.*
#
# Dans TensorBoard, l'onglet **Histograms** montre la distribution complète de ces gradients
# (`gradients/0.weight`), époque après époque, pour chaque activation.

# %% [markdown]
# ## Le tableau de comparaison

# %%
display(Markdown(comparison_table(records)))

# %% [markdown]
# Le paragraphe suivant est calculé à partir du tableau : les activations y sont classées
# par les mesures elles-mêmes.

# %%
# Le classement se fait sur la validation : le test ne sert qu'à mesurer, jamais à choisir.
ranked = sorted(records, key=lambda r: r["val_accuracy"], reverse=True)
best, worst = ranked[0], ranked[-1]
best_activation_accuracy = best["test_accuracy"]
worst_activation_accuracy = worst["test_accuracy"]
slowest_grad = min(first_layer, key=first_layer.get)
fastest = min(records, key=lambda r: r["seconds_per_epoch"])
slowest = max(records, key=lambda r: r["seconds_per_epoch"])
time_gap = slowest["seconds_per_epoch"] / fastest["seconds_per_epoch"] - 1
conclusion = (
    f"Après {EPOCHS} époques de SGD, `{best['variant']}` obtient la meilleure exactitude de "
    f"validation ({pct(best['val_accuracy'])}), devant "
    + " puis ".join(f"`{r['variant']}` ({pct(r['val_accuracy'])})" for r in ranked[1:])
    + f". L'écart de validation entre la première et la dernière est de "
    f"{points(best['val_accuracy'] - worst['val_accuracy'])}{NBSP}; sur le test, mesuré une "
    f"seule fois, `{best['variant']}` obtient {pct(best['test_accuracy'])}. "
    f"Le gradient de la première couche est le plus faible avec `{slowest_grad}` "
    f"({fr(first_layer[slowest_grad], 4)} en moyenne, contre "
    f"{fr(first_layer[best['variant']], 4)} pour `{best['variant']}`). "
    f"Les durées par époque vont de {fr(fastest['seconds_per_epoch'])}{NBSP}s "
    f"(`{fastest['variant']}`) à {fr(slowest['seconds_per_epoch'])}{NBSP}s "
    f"(`{slowest['variant']}`), soit {fr(100 * time_gap, 0)}{NBSP}% d'écart."
)
display(Markdown(conclusion))

# %% [markdown]
# Pour la durée, gardez les ordres de grandeur en tête : l'activation s'applique à 128 valeurs
# par image, alors que la première couche effectue 784 × 128 multiplications. Un écart de
# temps de quelques pour cent peut donc venir du bruit de mesure autant que de l'activation :
# relancez l'expérience avant de conclure.

# %%
save_results(2, f"Fonctions d'activation{NBSP}: ReLU, Tanh, Sigmoid", records, conclusion)

# %% [markdown]
# ## Récapitulatif
#
# - L'activation apporte la non-linéarité ; sa dérivée multiplie le gradient à chaque couche.
# - Sigmoid et Tanh saturent pour de grandes valeurs : leur dérivée y devient presque nulle.
# - À réglages égaux, une dérivée plus petite donne des gradients plus petits et une
#   convergence plus lente avec SGD.
# - ReLU est le choix par défaut des couches cachées : simple, rapide, sans saturation
#   du côté positif.

# %% [markdown]
# ## Exercices
#
# ### Exercice 1 : la dérivée moyenne au départ
#
# Faites passer les 6 000 images de validation dans la première couche `Linear` du réseau
# initial (celui de `make_mlp()`), pour obtenir les pré-activations $z$ des 128 neurones cachés.
# Calculez ensuite la valeur moyenne de la dérivée de chaque activation sur ces $z$.
# Ce facteur multiplie, en moyenne, le gradient qui redescend vers la première couche :
# comparez-le aux normes de gradient mesurées plus haut.

# %%
# Solution
with torch.no_grad():
    pre_activation = make_mlp()[0](x_val)  # la première couche Linear seule, (6000, 128)
pre_activation.requires_grad_(True)
for name, activation in ACTIVATIONS.items():
    (slope,) = torch.autograd.grad(activation()(pre_activation).sum(), pre_activation)
    print(f"{name:<8} dérivée moyenne au départ : {fr(slope.mean().item(), 3)}")

# %% [markdown]
# ### Exercice 2 : LeakyReLU
#
# LeakyReLU laisse passer une petite pente pour $z < 0$ : $\max(0{,}01\,z, z)$.
# Entraînez-la trois époques avec les réglages de l'expérience, puis comparez son exactitude
# de validation à celle de ReLU après trois époques, lue dans l'historique de l'essai ReLU.

# %%
# Solution
leaky = make_mlp(activation=nn.LeakyReLU)
leaky_record = train_model(
    leaky, torch.optim.SGD(leaky.parameters(), lr=LEARNING_RATE), "runs/activations_extra/leaky", 3
)
relu_after_3 = records[0]["history"]["val_accuracy"][2]
print(f"Après 3 époques : LeakyReLU {pct(leaky_record['val_accuracy'])}, ReLU {pct(relu_after_3)}")
print(f"Écart : {points(leaky_record['val_accuracy'] - relu_after_3, 2)}")

# %% [markdown]
# Même départ, même ordre des lots : l'écart, s'il existe, vient de la seule pente négative.
# Comparez-le au bruit de mesure avant d'en tirer une conclusion.
#
# ## Pour aller plus loin
#
# - [Non-linear Activations][activations] : toutes les activations de PyTorch,
#   avec leur formule et leur graphe.
# - Glorot et Bengio (2010),
#   [Understanding the difficulty of training deep feedforward neural networks][glorot] :
#   l'article qui a analysé la saturation de la sigmoïde dans les réseaux profonds.
# - L'atelier continue avec [les optimiseurs](12_atelier_optimiseurs.ipynb).
#
# [activations]: https://docs.pytorch.org/docs/stable/nn.html#non-linear-activations-weighted-sum-nonlinearity
# [glorot]: https://proceedings.mlr.press/v9/glorot10a.html
