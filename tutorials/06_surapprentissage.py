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
#     titre: Le surapprentissage en pratique
#     description: Provoquer, mesurer et combattre le surapprentissage d'un MLP sur 1 000 images.
#     niveau: intermédiaire
#     duree: 1 h
#     prerequis:
#     - Premier réseau avec PyTorch (boucle d'entraînement, validation)
#     - Le perceptron multicouche (perte d'entropie croisée)
#     gpu: Inutile, le réseau est petit et les 1 000 images tiennent en mémoire.
#     metriques:
#     - nom: baseline_accuracy_gap
#       libelle: Écart d'exactitude entraînement − validation du modèle de base
#       unite: points
#       min: 0.1
#     - nom: best_accuracy_gain
#       libelle: Gain d'exactitude de validation de la meilleure régularisation
#       unite: points
#       min: 0.02
# ---

# %% [markdown]
# # Le surapprentissage en pratique
#
# Un réseau de neurones peut apprendre ses exemples d'entraînement par cœur.
# Il obtient alors un score excellent sur ces exemples, et décevant sur tous les autres.
# C'est le **surapprentissage** (*overfitting*) : le modèle a retenu le bruit et les détails
# propres à ses données au lieu de la règle générale.
#
# Dans ce tutoriel, vous allez le provoquer, le voir sur des courbes, le mesurer,
# puis le combattre avec trois outils classiques.
# Tout repose sur des mesures : chaque remède est jugé sur le même jeu de validation,
# avec la même graine.

# %% [markdown]
# ## Objectifs
#
# À la fin de ce tutoriel, vous saurez :
#
# - reconnaître le surapprentissage sur un exemple minuscule : cinq points et deux modèles ;
# - le provoquer sur un vrai réseau, en l'entraînant sur 1 000 images seulement,
#   dont nous faussons volontairement une partie des étiquettes ;
# - le détecter sur les courbes d'entraînement et de validation ;
# - appliquer trois remèdes : le *dropout*, la décroissance des poids et l'arrêt précoce ;
# - comparer ces remèdes dans un tableau construit à partir des mesures, et non à l'œil.
#
# ## Prérequis
#
# - Le tutoriel « Premier réseau avec PyTorch » : `nn.Module`, boucle d'entraînement,
#   jeux d'entraînement, de validation et de test.
# - Les notions de perte (entropie croisée) et d'exactitude.
# - Un environnement Python avec `numpy`, `matplotlib`, `torch` et `torchvision`.
#   Le processeur d'un portable suffit.

# %% [markdown]
# ## Mise en place
#
# Les imports d'abord. Nous fixons ensuite les graines des deux générateurs aléatoires
# utilisés : celui de NumPy pour l'exemple des points, celui de PyTorch pour le réseau.
# Chaque exécution part ainsi des mêmes données et des mêmes poids initiaux.
# Vous retrouverez les chiffres du site, à de petits écarts près selon la machine.

# %%
import copy
import os
import textwrap
import time

import matplotlib.pyplot as plt
import numpy as np
import torch
import torchvision
from torch import nn

SEED = 0
rng = np.random.default_rng(SEED)  # générateur NumPy : les cinq points
torch.manual_seed(SEED)  # générateur PyTorch : poids initiaux et mélanges


def fr(x, decimals=2):
    """Écrit un nombre à la française, avec une virgule décimale."""
    return f"{x:.{decimals}f}".replace(".", ",")


print(f"NumPy {np.__version__}, PyTorch {torch.__version__}")
threads = torch.get_num_threads()
print(f"Calculs sur le CPU ({threads} fil{'s' if threads > 1 else ''} d'exécution)")

# %% [markdown]
# Tout le tutoriel tourne sur le processeur. Le réseau de la deuxième partie est petit
# et ne voit que 1 000 images : un GPU n'accélérerait presque rien.

# %% [markdown]
# ## Cinq points et deux modèles
#
# Commençons loin des réseaux de neurones, avec une expérience que l'on peut dessiner.
# Nous fabriquons des données dont nous connaissons la vérité :
# une relation linéaire $y = 0{,}6\,x + 0{,}3$, à laquelle s'ajoute un bruit gaussien.
# Le bruit imite les erreurs de mesure de toute donnée réelle.
#
# Nous tirons **5 points d'entraînement**, ceux que le modèle verra.
# Nous tirons aussi **30 points de validation**, issus de la même relation avec le même bruit,
# que le modèle ne verra jamais. Ils jouent le rôle des données futures.

# %%
NOISE = 0.2  # écart-type du bruit


def true_relation(x):
    """La relation cachée que les modèles doivent retrouver : une droite."""
    return 0.6 * x + 0.3


x_points = np.sort(rng.uniform(-1, 1, 5))
y_points = true_relation(x_points) + rng.normal(0, NOISE, 5)
x_check = rng.uniform(-1, 1, 30)
y_check = true_relation(x_check) + rng.normal(0, NOISE, 30)

for x, y in zip(x_points, y_points, strict=True):
    print(f"x = {fr(x, 3):>6}   y = {fr(y, 3):>6}")

# %% [markdown]
# Ajustons deux modèles sur ces cinq points :
#
# - une **droite** $y = c_0 + c_1 x$, avec 2 paramètres ;
# - un **polynôme de degré 6** $y = c_0 + c_1 x + \dots + c_6 x^6$, avec 7 paramètres.
#
# Les deux s'ajustent par la méthode des moindres carrés : on cherche les coefficients
# qui minimisent l'**erreur quadratique moyenne** (*mean squared error*, MSE)
# sur les points d'entraînement,
#
# $$
# \text{MSE} = \frac{1}{n} \sum_{i=1}^{n} \left(\hat{y}_i - y_i\right)^2 .
# $$
#
# `np.vander` construit la matrice dont les colonnes sont $1, x, x^2, \dots$ ;
# `np.linalg.lstsq` résout le problème des moindres carrés.
# Avec 7 inconnues et 5 équations, le polynôme a une infinité de solutions qui passent
# exactement par les 5 points : `lstsq` renvoie celle dont les coefficients sont les plus petits.


# %%
def fit_polynomial(x, y, degree):
    """Moindres carrés : les coefficients c_0, …, c_degree du polynôme."""
    design = np.vander(x, degree + 1, increasing=True)  # colonnes 1, x, x², …
    coefs, *_ = np.linalg.lstsq(design, y, rcond=None)
    return coefs


def predict(coefs, x):
    return np.vander(x, len(coefs), increasing=True) @ coefs


def mse(coefs, x, y):
    return float(np.mean((predict(coefs, x) - y) ** 2))


line = fit_polynomial(x_points, y_points, degree=1)
poly = fit_polynomial(x_points, y_points, degree=6)
errors = {}
for name, coefs in (("droite", line), ("polynôme de degré 6", poly)):
    errors[name] = (mse(coefs, x_points, y_points), mse(coefs, x_check, y_check))
    print(
        f"{name:<20} {len(coefs)} paramètres   MSE entr. {fr(errors[name][0], 4)}"
        f"   MSE val. {fr(errors[name][1], 4)}"
    )

# %% [markdown]
# La sortie résume tout le problème. Sur ses 5 points, le polynôme ne fait aucune erreur :
# il passe exactement par chacun d'eux. La droite, elle, ne peut pas passer par
# 5 points bruités, et garde une petite erreur.
# Sur les 30 points qu'aucun modèle n'a vus, le classement s'inverse.
#
# Le dessin montre pourquoi.

# %% alt="Mêmes points : une droite suit la tendance, un polynôme de degré 6 épouse l'entraînement."
grid = np.linspace(-1, 1, 400)
fig, axes = plt.subplots(1, 2, figsize=(10, 4), sharey=True)
for ax, (name, coefs), color in zip(
    axes, (("droite", line), ("polynôme de degré 6", poly)), ("tab:blue", "tab:red"), strict=True
):
    ax.plot(grid, true_relation(grid), "--", color="gray", label="relation réelle")
    ax.plot(grid, predict(coefs, grid), color=color, linewidth=2, label="modèle ajusté")
    ax.scatter(x_check, y_check, facecolors="none", edgecolors="gray", label="validation")
    ax.scatter(x_points, y_points, color="black", zorder=3, label="entraînement")
    train_error, check_error = errors[name]
    ax.set_title(
        f"{name.capitalize()}\nMSE : {fr(train_error, 3)} (entr.), {fr(check_error, 3)} (val.)"
    )
    ax.set_xlabel("x")
    ax.grid(alpha=0.3)
axes[0].set_ylabel("y")
axes[0].set_ylim(y_check.min() - 0.6, y_check.max() + 0.6)
axes[0].legend(loc="upper left", fontsize=9)
fig.tight_layout()
plt.show()

# %% [markdown]
# *Figure 1. À gauche, la droite ajustée sur les 5 points noirs ; à droite, le polynôme
# de degré 6. Les cercles gris sont les points de validation, la ligne pointillée
# la relation réelle. Le titre de chaque graphique rappelle les deux erreurs mesurées.*
#
# Le polynôme se tord pour toucher chaque point noir : il a appris le bruit de ces 5 points.
# Entre eux, et surtout au-delà du dernier, il s'éloigne de la relation réelle.
# La droite rate chaque point de peu, mais elle suit la tendance générale :
# c'est elle qui **généralise**, c'est-à-dire qui prédit bien des données nouvelles.

# %% [markdown]
# ### Du sous-apprentissage au surapprentissage
#
# Faisons varier le degré du polynôme de 0 (une constante) à 6, sur les mêmes points.

# %%
print("degré   paramètres   MSE entraînement   MSE validation")
check_errors = []
for degree in range(7):
    coefs = fit_polynomial(x_points, y_points, degree)
    check_errors.append(mse(coefs, x_check, y_check))
    print(
        f"{degree:>5}   {degree + 1:>10}   {fr(mse(coefs, x_points, y_points), 4):>16}"
        f"   {fr(check_errors[-1], 4):>14}"
    )
best_degree = int(np.argmin(check_errors))
print(f"Plus petite erreur de validation : degré {best_degree}")

# %% [markdown]
# L'erreur d'entraînement ne fait que baisser quand le degré augmente.
# Dès 5 paramètres (degré 4), elle devient nulle : autant de paramètres que de points
# suffisent pour passer par tous.
# L'erreur de validation raconte autre chose. Un modèle trop simple, comme la constante
# du degré 0, se trompe partout : c'est le **sous-apprentissage** (*underfitting*),
# un **biais** trop fort. Un modèle trop souple colle au bruit des points qu'il a vus
# et change du tout au tout si l'on tire d'autres points : c'est le surapprentissage,
# une **variance** trop forte. Le bon modèle se trouve entre les deux :
# c'est le **compromis biais-variance**.
#
# Un seul tirage de cinq points pourrait être trompeur. Recommençons l'expérience
# 1 000 fois, avec 1 000 tirages différents, et comparons les erreurs de validation.


# %%
def compare_on_draws(n_points, n_draws=1000):
    """Erreurs de validation médianes de la droite et du polynôme de degré 6 sur n_draws tirages."""
    draw_errors = np.empty((n_draws, 2))
    for i in range(n_draws):
        x = rng.uniform(-1, 1, n_points)
        y = true_relation(x) + rng.normal(0, NOISE, n_points)
        x_new = rng.uniform(-1, 1, 200)
        y_new = true_relation(x_new) + rng.normal(0, NOISE, 200)
        for j, degree in enumerate((1, 6)):
            draw_errors[i, j] = mse(fit_polynomial(x, y, degree), x_new, y_new)
    median_line, median_poly = np.median(draw_errors, axis=0)
    poly_worse = np.mean(draw_errors[:, 1] > draw_errors[:, 0])
    print(f"MSE de validation médiane sur {n_draws} tirages de {n_points} points :")
    print(f"  droite              {fr(median_line, 3)}")
    print(f"  polynôme de degré 6 {fr(median_poly, 3)}")
    print(f"Le polynôme fait pire que la droite dans {fr(100 * poly_worse, 1)} % des tirages.")
    return median_line, median_poly


median_line, median_poly = compare_on_draws(5)
print(f"Pour comparaison, variance du bruit : {fr(NOISE**2, 3)}")

# %% [markdown]
# Le verdict ne dépend pas du tirage : avec cinq points, le polynôme à 7 paramètres
# perd presque toujours, et souvent de très loin. La médiane est la valeur du milieu
# des 1 000 erreurs ; elle n'est pas écrasée par les quelques tirages catastrophiques.
# La droite, elle, a une erreur médiane proche de la variance du bruit (dernière ligne),
# le mieux que l'on puisse espérer sur des données bruitées.
#
# Retenez les trois causes réunies ici : **peu de données** (5 points),
# un **modèle trop puissant** (7 paramètres) et des **données bruitées**.
# La suite du tutoriel les réunit toutes les trois autour d'un vrai réseau de neurones.

# %% [markdown]
# ## Un MLP qui apprend par cœur
#
# ### 1 000 images seulement
#
# Fashion-MNIST compte 60 000 images d'entraînement. Nous n'en gardons que 1 000,
# tirées au hasard, pour entraîner le réseau. 5 000 autres images du même jeu forment
# la validation : le réseau ne les voit jamais, nous mesurons dessus à chaque époque.
# Le jeu de test, lui, reste de côté jusqu'à la toute fin.
#
# Comme dans le tutoriel « Premier réseau avec PyTorch », les images sont converties
# **une seule fois** en tenseurs normalisés, gardés en mémoire.
# Ici, elles sont aplaties tout de suite : un MLP reçoit un vecteur de 784 pixels.

# %%
DATA_DIR = os.environ.get("ATELIER_DATA", "data")  # la construction du site n'y télécharge rien
train_set = torchvision.datasets.FashionMNIST(DATA_DIR, train=True, download=True)
test_set = torchvision.datasets.FashionMNIST(DATA_DIR, train=False, download=True)

N_TRAIN, N_VAL = 1000, 5000
order = torch.randperm(len(train_set), generator=torch.Generator().manual_seed(SEED))
train_index, val_index = order[:N_TRAIN], order[N_TRAIN : N_TRAIN + N_VAL]

pixels = train_set.data[train_index].float().div(255)
mean, std = pixels.mean(), pixels.std()


def prepare(images):
    """Images uint8 (N, 28, 28) -> vecteurs normalisés (N, 784)."""
    return (images.float().div(255).flatten(1) - mean) / std


x_train, y_clean = prepare(train_set.data[train_index]), train_set.targets[train_index]
x_val, y_val = prepare(train_set.data[val_index]), train_set.targets[val_index]
x_test, y_test = prepare(test_set.data), test_set.targets

print(f"Entraînement {tuple(x_train.shape)}, validation {tuple(x_val.shape)}")
print(f"Test {tuple(x_test.shape)}")
print(f"Images par classe : {torch.bincount(y_clean).tolist()}")

# Le découpage, rangé dans l'enregistrement de l'exécution : la construction du site vérifie
# qu'aucune image de validation n'est aussi une image d'entraînement.
DATA_SPLIT = {"train": train_index, "validation": val_index, "test": len(y_test)}

# %% [markdown]
# Le tirage au hasard donne environ 100 images par classe, pas exactement 100 :
# la dernière ligne affiche le compte réel. C'est peu pour apprendre dix sortes de vêtements.

# %% [markdown]
# ### Des étiquettes bruitées
#
# Les cinq points de la première partie étaient bruités. Pour des images,
# le bruit le plus courant est une **erreur d'étiquette** : une chemise annotée « T-shirt »,
# une sandale annotée « basket ». Les jeux de données réels en contiennent tous.
# En 2021, Northcutt, Athalye et Mueller ont estimé qu'en moyenne au moins 3,3 % des étiquettes
# des jeux de test de dix jeux de données très utilisés étaient fausses
# ([article](https://arxiv.org/abs/2103.14749)).
#
# Nous ajoutons nous-mêmes ce bruit aux images d'entraînement, de façon contrôlée :
# 20 % d'entre elles reçoivent une classe tirée au hasard.
# Le tirage retombe parfois sur la bonne classe, si bien qu'un peu moins de 20 %
# des étiquettes deviennent fausses. Les étiquettes de validation et de test restent exactes :
# elles mesurent ce que le réseau a vraiment appris.
#
# !!! warning "Un bruit ajouté exprès, et pourquoi"
#
#     Ce bruit est un choix de mise en scène. Sans lui, le réseau surapprend aussi,
#     mais au fil des époques cela se voit surtout dans la **perte** de validation,
#     qui remonte, alors que l'**exactitude** de validation ne baisse guère :
#     le réseau devient trop sûr de lui sans changer beaucoup de ses réponses.
#     L'exercice 1 vous le fait vérifier. Avec des étiquettes fausses, approcher 100 %
#     d'exactitude sur l'entraînement oblige le réseau à les apprendre par cœur,
#     et cela se paie en exactitude de validation : le surapprentissage devient visible
#     sur les deux courbes, et les remèdes se départagent nettement.
#     Les écarts mesurés dans ce tutoriel sont donc plus grands que ceux que vous
#     obtiendriez avec les étiquettes d'origine de Fashion-MNIST.

# %%
LABEL_NOISE = 0.2  # proportion d'images d'entraînement dont la classe est retirée au hasard


def add_label_noise(labels, rate, seed=SEED):
    """Copie des étiquettes où une proportion `rate` est remplacée par une classe au hasard."""
    generator = torch.Generator().manual_seed(seed)
    noisy = labels.clone()
    redrawn = torch.rand(len(labels), generator=generator) < rate
    noisy[redrawn] = torch.randint(0, 10, (int(redrawn.sum()),), generator=generator)
    return noisy


y_train = add_label_noise(y_clean, LABEL_NOISE)
mislabeled = y_train != y_clean  # masque des étiquettes devenues fausses
print(
    f"{int(mislabeled.sum())} étiquettes fausses sur {N_TRAIN} "
    f"({fr(100 * mislabeled.float().mean(), 1)} %)"
)

# %% [markdown]
# Le réseau ne sait pas lesquelles sont fausses. Nous, si : le masque `mislabeled`
# nous permettra de vérifier s'il les apprend par cœur.

# %% [markdown]
# ### Un réseau trop puissant pour ses données
#
# Notre MLP a deux couches cachées de 256 neurones, suivies chacune d'une ReLU.
# Une couche `nn.Dropout` suit chaque activation ; elle ne fait rien tant que sa
# probabilité vaut 0, ce qui est le cas du modèle de base. Nous l'activerons plus loin.
#
# Comptons les paramètres et comparons-les au nombre d'images.


# %%
def make_mlp(dropout=0.0, hidden=256):
    """MLP 784 -> hidden -> hidden -> 10, avec dropout après chaque couche cachée."""
    return nn.Sequential(
        nn.Linear(784, hidden),
        nn.ReLU(),
        nn.Dropout(dropout),
        nn.Linear(hidden, hidden),
        nn.ReLU(),
        nn.Dropout(dropout),
        nn.Linear(hidden, 10),
    )


n_parameters = sum(p.numel() for p in make_mlp().parameters())
print(f"Paramètres : {n_parameters}")
print(f"Soit {n_parameters // N_TRAIN} paramètres par image d'entraînement.")

# %% [markdown]
# Des centaines de paramètres pour chaque image : le réseau a largement de quoi retenir
# chaque exemple individuellement, étiquettes fausses comprises.
# C'est la situation du polynôme de degré 6, en bien plus grand.

# %% [markdown]
# ### Une fonction d'entraînement qui garde tout
#
# Pour comparer des variantes, chaque entraînement doit laisser une trace complète.
# La fonction `train` ci-dessous :
#
# - repart de la même graine : mêmes poids initiaux et même ordre des lots
#   pour toutes les variantes ;
# - mesure, à la fin de chaque époque, la perte et l'exactitude sur l'entraînement
#   **et** sur la validation, en mode évaluation (`model.eval()`) ;
# - retient l'époque où la perte de validation est la plus basse, et une copie des poids
#   à ce moment-là ;
# - range un résumé dans le dictionnaire `runs`. Le tableau final sera construit
#   à partir de ce dictionnaire, sans recopier un seul chiffre à la main.
#
# L'exactitude d'entraînement se mesure sur les étiquettes que le réseau a reçues,
# fausses comprises. Le résumé compte aussi la part des étiquettes fausses que le modèle
# final reproduit : c'est la mesure directe de ce qu'il a appris par cœur.
#
# Les paramètres `dropout`, `weight_decay` et `patience` activent les trois remèdes.
# L'optimiseur est `AdamW`, une variante d'Adam dont nous reparlerons avec la décroissance
# des poids.
# Comme dans le tutoriel « Premier réseau avec PyTorch », le taux d'apprentissage décroît
# selon un cosinus au fil des époques. Les derniers pas sont minuscules : le modèle final
# ne dépend pas d'un accident de la dernière époque, et les comparaisons restent fiables.

# %%
EPOCHS = 60
BATCH_SIZE = 50
LEARNING_RATE = 1e-3
loss_fn = nn.CrossEntropyLoss()
runs, models = {}, {}


@torch.no_grad()
def measure(model, x, y):
    """Perte et exactitude sur un jeu entier, en mode évaluation (dropout désactivé)."""
    model.eval()
    logits = model(x)
    return loss_fn(logits, y).item(), (logits.argmax(dim=1) == y).float().mean().item()


def train(name, dropout=0.0, weight_decay=0.0, patience=None, epochs=EPOCHS, data=None):
    """Entraîne une variante, range son résumé dans runs[name] et renvoie son historique."""
    x_fit, y_fit = data if data is not None else (x_train, y_train)
    torch.manual_seed(SEED)  # mêmes poids initiaux pour toutes les variantes
    model = make_mlp(dropout)
    optimizer = torch.optim.AdamW(model.parameters(), lr=LEARNING_RATE, weight_decay=weight_decay)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=epochs)
    shuffle = torch.Generator().manual_seed(SEED)  # même ordre des lots
    history = {"train_loss": [], "train_acc": [], "val_loss": [], "val_acc": []}
    best_loss, best_epoch, best_state = float("inf"), 0, None
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        model.train()  # active le dropout
        batch_order = torch.randperm(len(y_fit), generator=shuffle)
        for first in range(0, len(y_fit), BATCH_SIZE):
            batch = batch_order[first : first + BATCH_SIZE]
            loss = loss_fn(model(x_fit[batch]), y_fit[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        scheduler.step()  # taux d'apprentissage de l'époque suivante
        for split, (x, y) in (("train", (x_fit, y_fit)), ("val", (x_val, y_val))):
            split_loss, split_acc = measure(model, x, y)
            history[f"{split}_loss"].append(split_loss)
            history[f"{split}_acc"].append(split_acc)
        if history["val_loss"][-1] < best_loss:
            best_loss, best_epoch = history["val_loss"][-1], epoch
            best_state = copy.deepcopy(model.state_dict())
        if patience is not None and epoch - best_epoch >= patience:
            break  # arrêt précoce : aucun progrès depuis `patience` époques
    seconds = time.perf_counter() - start
    if patience is not None:
        model.load_state_dict(best_state)  # on garde les poids de la meilleure époque
    train_loss, train_acc = measure(model, x_fit, y_fit)
    val_loss, val_acc = measure(model, x_val, y_val)
    memorized = None
    if data is None:  # part des étiquettes fausses que le modèle reproduit
        memorized = measure(model, x_train[mislabeled], y_train[mislabeled])[1]
    runs[name] = {
        "epochs_run": len(history["val_loss"]),
        "best_epoch": best_epoch,
        "best_val_loss": best_loss,
        "best_val_acc": history["val_acc"][best_epoch - 1],
        "train_acc": train_acc,
        "val_acc": val_acc,
        "val_loss": val_loss,
        "gap": train_acc - val_acc,
        "memorized": memorized,
        "seconds": seconds,
        "history": history,
    }
    models[name] = model
    print(
        f"{name} : {runs[name]['epochs_run']} époques en {fr(seconds, 1)} s, "
        f"meilleure perte val. {fr(best_loss, 3)} (époque {best_epoch})"
    )
    print(
        f"  modèle final : entraînement {fr(100 * train_acc, 1)} %, "
        f"validation {fr(100 * val_acc, 1)} %, écart {fr(100 * (train_acc - val_acc), 1)} points"
    )
    if memorized is not None:
        print(f"  étiquettes fausses reproduites : {fr(100 * memorized, 1)} %")
    return history


# %% [markdown]
# ### Le modèle de base
#
# Entraînons le réseau sans aucun remède pendant 60 époques, par lots de 50 images.
# Avec 1 000 images, une époque ne compte que 20 lots : l'entraînement est rapide.

# %%
base = train("base")

# %% [markdown]
# Sur les images d'entraînement, l'exactitude finale est très élevée, alors qu'une étiquette
# sur cinq environ est fausse. Sur la validation, elle est bien plus basse : l'écart affiché
# est la marque du surapprentissage. La dernière ligne est la plus parlante : le réseau
# reproduit la plupart des étiquettes fausses. Il a appris par cœur que telle chemise
# est un « sac », ce qu'aucune règle générale ne pouvait lui apprendre.
#
# Les courbes montrent à quel moment cela se produit.


# %% alt="Modèle de base : perte et exactitude par époque, entraînement et validation s'écartent."
def plot_curves(history, title, best_epoch=None):
    """Perte et exactitude, entraînement et validation, époque par époque."""
    epochs = range(1, len(history["val_loss"]) + 1)
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.8))
    ax_loss.plot(epochs, history["train_loss"], label="entraînement")
    ax_loss.plot(epochs, history["val_loss"], label="validation")
    ax_loss.set_ylabel("Perte d'entropie croisée")
    ax_acc.plot(epochs, [100 * a for a in history["train_acc"]], label="entraînement")
    ax_acc.plot(epochs, [100 * a for a in history["val_acc"]], label="validation")
    ax_acc.set_ylabel("Exactitude (%)")
    for ax, where in ((ax_loss, "center right"), (ax_acc, "lower right")):
        if best_epoch is not None:
            ax.axvline(best_epoch, color="gray", linestyle=":", label="meilleure validation")
        ax.set_xlabel("Époque")
        ax.grid(alpha=0.3)
        ax.legend(loc=where)
    fig.suptitle(title)
    fig.tight_layout()
    plt.show()


plot_curves(base, "Modèle de base : 1 000 images, aucun remède", runs["base"]["best_epoch"])

# %% [markdown]
# *Figure 2. À gauche, la perte d'entropie croisée ; à droite, l'exactitude.
# En bleu l'entraînement, en orange la validation. La ligne pointillée marque l'époque
# où la perte de validation est la plus basse.*
#
# Les deux courbes descendent ensemble pendant quelques époques : le réseau apprend
# d'abord ce qui est commun à beaucoup d'images, la règle générale.
# Puis elles **divergent** : la perte d'entraînement continue vers zéro pendant que
# la perte de validation remonte. Le réseau apprend alors les exceptions, c'est-à-dire
# le bruit. C'est le signal à surveiller dans tous vos entraînements.
# Voici ce qu'il représente en chiffres :

# %%
rec = runs["base"]
print(
    f"Perte de validation minimale : {fr(rec['best_val_loss'], 3)} à l'époque {rec['best_epoch']}"
)
print(f"Perte de validation finale   : {fr(rec['val_loss'], 3)} à l'époque {rec['epochs_run']}")
print(f"Perte d'entraînement finale  : {fr(base['train_loss'][-1], 4)}")
print(
    f"Exactitude de validation : {fr(100 * rec['best_val_acc'], 1)} % au meilleur moment, "
    f"{fr(100 * rec['val_acc'], 1)} % à la fin"
)

# %% [markdown]
# Continuer l'entraînement après le meilleur moment n'a rien apporté : l'exactitude
# de validation a baissé et la perte de validation a fortement remonté.
# La perte remonte plus vite que l'exactitude ne baisse, car elle mesure aussi la **confiance**.
# Un réseau qui a appris par cœur devient très sûr de lui,
# et chacune de ses erreurs sur une image nouvelle coûte alors très cher.
# La baisse de l'exactitude, elle, vient surtout des étiquettes fausses apprises par cœur :
# sans elles, seule la perte remonterait nettement (exercice 1).

# %% [markdown]
# ## Trois remèdes
#
# Le meilleur remède est d'avoir plus de données, et de meilleure qualité
# (l'exercice 2 le vérifie). Quand on ne peut pas en obtenir, on peut réduire la taille
# du modèle, ou le **régulariser** : le contraindre pendant l'entraînement pour qu'il
# ne puisse pas tout mémoriser. Nous essayons trois régularisations, une à la fois,
# en gardant tout le reste identique : même réseau, mêmes données, même graine.
#
# ### Le dropout
#
# Le **dropout** éteint des neurones au hasard pendant l'entraînement.
# À chaque lot, chaque sortie d'une couche cachée est mise à zéro avec la probabilité $p$,
# et les sorties restantes sont multipliées par $1/(1-p)$ pour garder la même moyenne.
# Le réseau ne peut plus compter sur un neurone précis pour reconnaître une image :
# il doit répartir l'information, ce qui le rend plus robuste.
#
# En évaluation (`model.eval()`), le dropout ne fait plus rien : toutes les sorties passent.
# Nous prenons $p = 0{,}5$, la valeur la plus utilisée pour les couches cachées.

# %%
dropout = train("dropout", dropout=0.5)

# %% [markdown]
# Comparez l'exactitude de validation, l'écart et la part d'étiquettes fausses reproduites
# à celles du modèle de base : le tableau de la fin les rassemble.

# %% [markdown]
# ### La décroissance des poids
#
# La **décroissance des poids** (*weight decay*) tire chaque poids vers zéro à chaque pas
# d'optimisation. Avec la descente de gradient simple, cela revient à ajouter à la perte
# une pénalité proportionnelle à la somme des carrés des poids, la régularisation $L_2$ :
#
# $$
# \mathcal{L}_{\text{régularisée}} = \mathcal{L} + \frac{\lambda}{2} \sum_j w_j^2 .
# $$
#
# De grands poids permettent des fonctions très tordues, comme les grands coefficients
# du polynôme de degré 6. Les pénaliser favorise des fonctions plus régulières.
#
# Avec Adam, ajouter la pénalité à la perte et faire décroître les poids ne sont plus
# équivalents. `AdamW` applique la décroissance directement,
# $w \leftarrow w - \eta \lambda w$ à chaque pas (où $\eta$ est le taux d'apprentissage) :
# c'est la version qui fonctionne le mieux en pratique.
# Attention, `AdamW` utilise par défaut `weight_decay=0.01` :
# notre modèle de base passe explicitement `weight_decay=0.0`.

# %%
WEIGHT_DECAY = 3.0
weight_decay = train("décroissance des poids", weight_decay=WEIGHT_DECAY)

# %% [markdown]
# La valeur $\lambda = 3$ peut surprendre. Avec `AdamW`, chaque pas retire
# la fraction $\eta \lambda$ de chaque poids, au plus trois millièmes ici
# (le pas $\eta$ décroît ensuite avec le cosinus). La valeur par défaut, 0,01,
# n'aurait presque pas d'effet sur les 1 200 pas de cet entraînement. Le bon réglage dépend
# du taux d'apprentissage et de la durée de l'entraînement : il se cherche en mesurant,
# comme tout hyperparamètre.

# %% [markdown]
# ### L'arrêt précoce
#
# La figure 2 suggère un remède plus simple encore : s'arrêter au bon moment.
# L'**arrêt précoce** (*early stopping*) surveille la perte de validation et interrompt
# l'entraînement quand elle ne s'est pas améliorée depuis un certain nombre d'époques,
# la **patience**. On garde alors les poids de la meilleure époque, pas ceux de la dernière.
#
# Notre fonction `train` le fait déjà avec le paramètre `patience` : elle conserve une copie
# des meilleurs poids, s'arrête quand `patience` époques passent sans progrès,
# puis recharge cette copie.

# %%
early = train("arrêt précoce", patience=10)

# %% [markdown]
# L'entraînement s'est arrêté bien avant les 60 époques prévues : le temps gagné
# est un bénéfice de plus. Même réseau, mêmes données et même graine que le modèle de base :
# son historique coïncide avec celui du modèle de base jusqu'à l'arrêt.
#
# Son exactitude d'entraînement est bien plus basse que celle du modèle de base.
# Ce n'est pas un défaut : elle se mesure sur les étiquettes bruitées, et un modèle
# qui n'a pas appris le bruit « se trompe » justement sur les images mal étiquetées.
#
# Une patience trop courte risque de s'arrêter sur un simple accident de la courbe ;
# une patience trop longue gaspille des époques. 5 à 10 époques est un choix courant.

# %% [markdown]
# ## Comparer les variantes
#
# ### Le tableau
#
# Toutes les mesures sont dans `runs`. Le tableau ci-dessous en est tiré directement.

# %%
header = (
    f"{'variante':<14}{'époques':>8}{'meilleure':>10}{'perte':>7}"
    f"{'entr.':>9}{'val.':>8}{'écart':>7}{'par cœur':>10}"
)
print(header)
print("-" * len(header))
for name, rec in runs.items():
    print(
        f"{name:<14}{rec['epochs_run']:>8}{rec['best_epoch']:>10}"
        f"{fr(rec['best_val_loss'], 3):>7}{fr(100 * rec['train_acc'], 1) + ' %':>9}"
        f"{fr(100 * rec['val_acc'], 1) + ' %':>8}{fr(100 * rec['gap'], 1):>7}"
        f"{fr(100 * rec['memorized'], 1) + ' %' if rec['memorized'] is not None else '-':>10}"
    )

# %% [markdown]
# Pour lire le tableau :
#
# - `époques` : le nombre d'époques effectuées ;
# - `meilleure` : l'époque de la plus petite perte de validation, et `perte` cette perte ;
# - `entr.` et `val.` : les exactitudes du modèle **final**, celui que l'on garderait
#   (pour l'arrêt précoce, celui de la meilleure époque, rechargé) ;
# - `écart` : la différence entre ces deux exactitudes, en points ;
# - `par cœur` : la part des étiquettes fausses que ce modèle reproduit.
#
# La durée de chaque entraînement est affichée sous la cellule qui l'a lancé.
#
# Un bon remède réduit l'écart **et** améliore la validation.
# Réduire l'écart seul ne suffit pas : un réseau qui n'apprend rien n'a aucun écart.

# %% [markdown]
# ### Les courbes de validation côte à côte
#
# Superposons les exactitudes de validation des quatre variantes.

# %% alt="Exactitude de validation par époque : base, dropout, poids décroissants, arrêt précoce."
fig, ax = plt.subplots(figsize=(8, 4))
for name, rec in runs.items():
    val_acc = rec["history"]["val_acc"]
    ax.plot(range(1, len(val_acc) + 1), [100 * a for a in val_acc], label=name)
ax.set_xlabel("Époque")
ax.set_ylabel("Exactitude de validation (%)")
ax.set_title("Exactitude de validation des quatre variantes")
ax.grid(alpha=0.3)
ax.legend(loc="center left", bbox_to_anchor=(1, 0.5))  # légende à droite du graphique
fig.tight_layout()
plt.show()

# %% [markdown]
# *Figure 3. Exactitude de validation, époque par époque, pour le modèle de base
# et les trois remèdes. La courbe de l'arrêt précoce se confond avec celle du modèle
# de base, puis s'interrompt.*
#
# Le dropout et la décroissance des poids changent la trajectoire elle-même :
# l'exactitude de validation
# chute moins, ou plus tard. L'arrêt précoce ne change pas la trajectoire ; il choisit
# le meilleur moment pour l'interrompre.

# %% [markdown]
# ### La conclusion, calculée
#
# Laissons les mesures désigner la meilleure variante : celle dont le modèle final
# a la plus haute exactitude de validation. Le texte ci-dessous est produit par le code ;
# il reste juste si vous changez un réglage et relancez le notebook.

# %%
remedies = [name for name in runs if name != "base"]
best_name = max(remedies, key=lambda name: runs[name]["val_acc"])
best, ref = runs[best_name], runs["base"]
best_accuracy_gain = best["val_acc"] - ref["val_acc"]
baseline_accuracy_gap = ref["gap"]

conclusion = [
    f"Le modèle de base surapprend : {fr(100 * ref['train_acc'], 1)} % d'exactitude "
    f"sur ses images d'entraînement, {fr(100 * ref['val_acc'], 1)} % sur la validation "
    f"(écart de {fr(100 * baseline_accuracy_gap, 1)} points) ; "
    f"il reproduit {fr(100 * ref['memorized'], 1)} % des étiquettes fausses.",
    f"Meilleure variante : « {best_name} », avec {fr(100 * best['val_acc'], 1)} % "
    f"sur la validation, soit {'+' if best_accuracy_gain >= 0 else ''}"
    f"{fr(100 * best_accuracy_gain, 1)} points par rapport au modèle de base.",
]
for name in remedies:
    rec = runs[name]
    gain = rec["val_acc"] - ref["val_acc"]
    verdict = "fait mieux" if gain > 0 else "ne fait pas mieux"
    conclusion.append(
        f"« {name} » {verdict} que le modèle de base : {'+' if gain >= 0 else ''}"
        f"{fr(100 * gain, 1)} points de validation, écart {fr(100 * rec['gap'], 1)} points, "
        f"{fr(100 * rec['memorized'], 1)} % d'étiquettes fausses reproduites."
    )
for sentence in conclusion:  # textwrap coupe les phrases en lignes de 76 caractères au plus
    print(textwrap.fill(sentence, width=76), end="\n\n")

# %% [markdown]
# La meilleure variante a été choisie en regardant la validation.
# Son score de validation est donc un peu optimiste : c'est pour cela que le jeu de **test**
# existe. Mesurons-le une seule fois, pour le modèle de base et pour la variante retenue.

# %%
test_base = measure(models["base"], x_test, y_test)[1]
test_best = measure(models[best_name], x_test, y_test)[1]
print(f"Exactitude de test, modèle de base : {fr(100 * test_base, 1)} %")
print(f"Exactitude de test, {best_name} : {fr(100 * test_best, 1)} %")
print(f"Différence : {fr(100 * (test_best - test_base), 1)} points sur {len(y_test)} images")

# %% [markdown]
# Le test, mesuré sur 10 000 images que personne n'a regardées pendant les réglages,
# confirme ou non ce que la validation annonçait : lisez la dernière ligne.
# Gardez aussi l'ordre de grandeur en tête : avec 1 000 images, dont une partie
# mal étiquetée, aucun remède n'approche les scores des tutoriels précédents,
# entraînés sur 54 000 images aux étiquettes d'origine.
# La régularisation limite les dégâts du manque de données ; elle ne le remplace pas.

# %% [markdown]
# ## Récapitulatif
#
# - Le **surapprentissage** apparaît quand un modèle trop puissant apprend trop peu
#   de données bruitées : erreur d'entraînement très basse, erreur de validation élevée.
# - Il se **détecte** sur les courbes : la perte de validation remonte pendant que la perte
#   d'entraînement continue de baisser.
# - Sans erreurs d'étiquettes, il se lit surtout dans la perte de validation ;
#   les étiquettes faussées exprès dans ce tutoriel le rendent visible aussi dans l'exactitude.
# - Le **sous-apprentissage** est le défaut inverse ; le bon modèle réalise
#   le compromis biais-variance.
# - Remèdes : plus de données (et des données plus propres), un modèle plus petit,
#   et la **régularisation** : dropout, décroissance des poids (`AdamW`), arrêt précoce,
#   augmentation de données.
# - On compare des remèdes en ne changeant qu'une chose à la fois, avec la même graine,
#   et on tire le tableau et la conclusion des mesures elles-mêmes.
# - Le jeu de test ne sert qu'à la fin, une fois les choix faits sur la validation.

# %% [markdown]
# ## Exercices
#
# ### Exercice 1 : sans étiquettes fausses
#
# Entraînez le modèle de base sur les mêmes 1 000 images, avec leurs vraies étiquettes
# (`y_clean`). L'écart entre entraînement et validation disparaît-il ?
# L'exactitude de validation baisse-t-elle encore entre la meilleure époque et la fin ?
#
# Indice : la fonction `train` accepte un argument `data=(x, y)`.

# %%
# Solution
train("sans bruit", data=(x_train, y_clean))
clean = runs["sans bruit"]
print(
    f"Exactitude de validation : {fr(100 * clean['best_val_acc'], 1)} % à la meilleure époque "
    f"({clean['best_epoch']}), {fr(100 * clean['val_acc'], 1)} % à la fin"
)
print(
    f"Perte de validation : {fr(clean['best_val_loss'], 3)} au minimum, "
    f"{fr(clean['val_loss'], 3)} à la fin"
)

# %% [markdown]
# Sans étiquettes fausses, le réseau atteint encore une exactitude d'entraînement
# quasi parfaite : l'écart reste grand, car 1 000 images ne suffisent pas à généraliser.
# Comparez les deux dernières lignes : la perte de validation remonte toujours,
# signe que le réseau devient trop sûr de lui, mais l'exactitude de validation ne baisse pas
# entre la meilleure époque et la fin, contrairement au modèle de base.
# Sur des étiquettes exactes, le surapprentissage se lit donc dans la perte bien plus que
# dans l'exactitude : c'est la raison des étiquettes faussées de ce tutoriel.
# Le bruit rend aussi le surapprentissage bien plus coûteux.

# %% [markdown]
# ### Exercice 2 : plus de données
#
# Entraînez le modèle de base, sans remède et avec 20 % d'étiquettes retirées au hasard,
# sur 4 000 images au lieu de 1 000. Pour garder le même nombre de pas d'optimisation,
# limitez-vous à 15 époques. L'exactitude de validation s'améliore-t-elle ?
# Prenez les nouvelles images parmi celles qui ne sont ni dans l'entraînement
# ni dans la validation.

# %%
# Solution
more_index = order[N_TRAIN + N_VAL : N_TRAIN + N_VAL + 4000]  # jamais vues jusqu'ici
x_more = prepare(train_set.data[more_index])
y_more = add_label_noise(train_set.targets[more_index], LABEL_NOISE)
train("4 000 images", epochs=15, data=(x_more, y_more))
print(
    f"Validation : {fr(100 * runs['4 000 images']['val_acc'], 1)} % avec 4 000 images, "
    f"contre {fr(100 * runs['base']['val_acc'], 1)} % avec 1 000."
)

# %% [markdown]
# Quatre fois plus d'images pour le même nombre de pas : l'exactitude de validation
# progresse nettement et l'écart disparaît. L'exactitude d'entraînement, mesurée sur
# des étiquettes dont près d'une sur cinq est fausse, reste proche de la part d'étiquettes
# justes : le réseau n'a plus les moyens d'apprendre le bruit par cœur.
# Plus de données reste le meilleur remède.

# %% [markdown]
# ### Exercice 3 : un polynôme mieux nourri
#
# Reprenez l'expérience des 1 000 tirages avec 30 points d'entraînement au lieu de 5.
# Le polynôme de degré 6 est-il encore en surapprentissage ? De combien son erreur de validation
# médiane dépasse-t-elle celle de la droite, avec 5 points puis avec 30 ?

# %%
# Solution
line_30, poly_30 = compare_on_draws(30)
ratio_5, ratio_30 = median_poly / median_line, poly_30 / line_30
print(f"Rapport polynôme / droite : {fr(ratio_5, 1)} avec 5 points, {fr(ratio_30, 2)} avec 30.")

# %% [markdown]
# Avec 30 points, le polynôme de degré 6 fait encore un peu moins bien que la droite
# dans presque tous les tirages, mais son erreur médiane s'en approche : le rapport
# de la dernière ligne passe d'une valeur énorme à une valeur proche de 1.
# Plus de données rend un modèle trop souple bien moins dangereux,
# sans le rendre meilleur que le modèle adapté au problème.

# %% [markdown]
# ## Testez-vous
#
# Sept questions sur les expériences de ce tutoriel ; répondez avant de déplier l'explication de
# chaque choix.
#
# !!! quiz "Autant de paramètres que de points"
#     Sur les 5 points d'entraînement, à partir de quel degré l'erreur d'entraînement du polynôme
#     devient-elle nulle ?
#
#     - [ ] Au degré 6 seulement, le plus souple.
#       Inutile d'aller si loin : le degré 6 a plus de coefficients qu'il n'en faut.
#     - [x] Au degré 4.
#       Un polynôme de degré 4 a 5 coefficients : par 5 points d'abscisses distinctes, il en passe
#       exactement un.
#     - [ ] Au degré 1, si le bruit est faible.
#       Une droite ne passe par 5 points bruités que par hasard : il lui reste une erreur.
#     - [ ] Jamais, à cause du bruit.
#       Le bruit n'empêche pas un modèle assez souple de passer par chaque point : il l'y oblige, au
#       détriment de la généralisation.
#
# !!! quiz "Compter les paramètres du MLP"
#     `make_mlp()` a 784 entrées, deux couches cachées de 256 neurones et 10 sorties, avec un
#     `nn.Dropout` après chaque ReLU. Quelle expression donne son nombre de paramètres ?
#
#     - [x] (784 × 256 + 256) + (256 × 256 + 256) + (256 × 10 + 10)
#       Trois couches `nn.Linear`, chacune avec ses poids et un biais par sortie. Les ReLU et le
#       dropout n'ont aucun paramètre.
#     - [ ] (784 × 256 + 256) + (256 × 10 + 10)
#       Il manque la seconde couche cachée, `nn.Linear(hidden, hidden)`.
#     - [ ] (784 × 256 + 256) + (256 × 256 + 256) + (256 × 10 + 10) + 2 × 256
#       Le dropout n'apprend rien : il éteint des sorties au hasard, avec une probabilité fixée
#       d'avance.
#
# !!! quiz "Lire les courbes"
#     Lequel de ces comportements des courbes signale le surapprentissage ?
#
#     - [ ] Les pertes d'entraînement et de validation baissent ensemble.
#       C'est le début de tout entraînement sain : le réseau apprend ce qui est commun aux images.
#     - [x] La perte d'entraînement continue vers zéro pendant que la perte de validation remonte.
#       Le réseau apprend alors les particularités de ses 1 000 images, étiquettes fausses
#       comprises, au détriment des images nouvelles.
#     - [ ] Les deux pertes restent hautes et ne baissent presque pas.
#       C'est le signe du sous-apprentissage : le modèle n'apprend même pas ses propres exemples.
#     - [ ] La perte de validation reste un peu au-dessus de celle d'entraînement.
#       Un petit écart est normal, puisque le réseau a vu les unes et pas les autres : c'est la
#       tendance qui compte.
#
# !!! quiz "La patience"
#     Avec `patience=10`, la perte de validation la plus basse est atteinte à l'époque 12, puis ne
#     s'améliore plus. Que fait `train` ?
#
#     - [x] Elle s'arrête après l'époque 22 et garde les poids de l'époque 12.
#       À l'époque 22, `epoch - best_epoch` vaut 10 : la boucle s'interrompt, puis
#       `load_state_dict(best_state)` recharge la copie faite à l'époque 12.
#     - [ ] Elle s'arrête après l'époque 22 et garde les poids de l'époque 22.
#       Ces poids ont dix époques de surapprentissage de trop : la fonction recharge la meilleure
#       copie.
#     - [ ] Elle s'arrête après l'époque 12.
#       À l'époque 12, rien ne dit encore que la perte ne baissera plus : il faut attendre
#       `patience` époques pour le savoir.
#     - [ ] Elle va jusqu'à la soixantième époque, puis garde les poids de l'époque 12.
#       Ce serait un simple choix de la meilleure époque. L'arrêt précoce économise en plus les
#       époques inutiles.
#
# !!! quiz "Une valeur par défaut"
#     Le modèle de base crée `AdamW` avec `weight_decay=0.0`. Qu'arriverait-il si l'on omettait cet
#     argument ?
#
#     - [ ] Rien : sans cet argument, `AdamW` ne fait pas décroître les poids.
#       `AdamW` utilise par défaut `weight_decay=0.01`.
#     - [x] Le modèle de base aurait déjà une petite décroissance des poids.
#       Avec la valeur par défaut, 0,01, chaque pas retire une petite fraction de chaque poids.
#       L'effet serait faible, mais le modèle de base ne serait plus sans remède, et la comparaison
#       ne changerait plus une seule chose à la fois.
#     - [ ] Une erreur, car `AdamW` exige cet argument.
#       L'argument est facultatif : c'est justement pourquoi sa valeur par défaut passe inaperçue.
#
# !!! quiz "Combien d'étiquettes deviennent fausses ?"
#     `add_label_noise` tire une nouvelle classe au hasard, parmi les 10, pour une image
#     d'entraînement sur cinq en moyenne. Combien des 1 000 étiquettes deviennent fausses, en
#     moyenne ?
#
#     - [ ] Exactement 200, une sur cinq.
#       Chaque image est choisie avec la probabilité 0,2, indépendamment des autres : leur nombre
#       varie autour de 200. Et une nouvelle classe tirée au hasard retombe parfois sur la vraie.
#     - [x] Environ 180, soit 0,2 × 9/10 des images.
#       Une nouvelle classe tirée au hasard retombe sur la vraie une fois sur dix : seules 9
#       étiquettes tirées sur 10 deviennent fausses.
#     - [ ] Environ 20, soit 0,2 × 1/10 des images.
#       1/10 est la chance de retomber sur la vraie classe : c'est la part des étiquettes tirées qui
#       restent justes, pas de celles qui deviennent fausses.
#
# !!! quiz "Un score de validation optimiste"
#     La conclusion retient la variante dont l'exactitude de validation est la plus haute. Pourquoi
#     ce score est-il un peu optimiste, et que fait le tutoriel ?
#
#     - [x] C'est un maximum pris sur plusieurs variantes ; le test, lui, n'a servi à aucun choix.
#       Prendre le meilleur de plusieurs scores favorise celui que le hasard a avantagé. C'est
#       pourquoi le tutoriel mesure ensuite la variante retenue une seule fois, sur le test resté à
#       l'écart de tous les choix.
#     - [ ] La validation a servi à l'entraînement ; il faut entraîner de nouveau sur le test.
#       Aucune image de validation n'a servi à l'entraînement, et l'on n'entraîne jamais sur le
#       test.
#     - [ ] Il n'est pas optimiste : la validation vaut le test.
#       La validation a servi à choisir : elle a perdu la neutralité que seul le test garde.

# %% [markdown]
# ## Pour aller plus loin
#
# - [Regularization for Deep Learning][dlbook] : le chapitre 7 du livre de Goodfellow,
#   Bengio et Courville (2016), la référence sur la régularisation.
# - [L'article qui a introduit le dropout][dropout], par Srivastava
#   et ses coauteurs (2014).
# - [Decoupled Weight Decay Regularization][adamw] : l'article de Loshchilov et Hutter
#   qui introduit AdamW (2017, publié à ICLR 2019).
# - [Pervasive Label Errors in Test Sets][labelerrors] : les erreurs d'étiquettes
#   des jeux de données courants (Northcutt, Athalye et Mueller, 2021).
# - [L'exemple de scikit-learn sur le sous-apprentissage et le surapprentissage][sklearn],
#   avec des polynômes et une validation croisée.
# - La documentation de PyTorch pour [`nn.Dropout`][nn-dropout] et [`AdamW`][torch-adamw].
#
# [dlbook]: https://www.deeplearningbook.org/contents/regularization.html
# [dropout]: https://jmlr.org/papers/v15/srivastava14a.html
# [adamw]: https://arxiv.org/abs/1711.05101
# [labelerrors]: https://arxiv.org/abs/2103.14749
# [sklearn]: https://scikit-learn.org/stable/auto_examples/model_selection/plot_underfitting_overfitting.html
# [nn-dropout]: https://docs.pytorch.org/docs/stable/generated/torch.nn.Dropout.html
# [torch-adamw]: https://docs.pytorch.org/docs/stable/generated/torch.optim.AdamW.html
