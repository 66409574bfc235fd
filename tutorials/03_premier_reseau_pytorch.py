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
#     titre: Premier réseau avec PyTorch
#     description: Entraîner puis mesurer un premier MLP sur Fashion-MNIST avec PyTorch.
#     niveau: débutant
#     duree: 1 h 30
#     prerequis:
#     - Python et NumPy de base
#     - Le perceptron multicouche (couches, activations, perte, descente de gradient)
#     - Les tenseurs (forme, type, appareil)
#     gpu: Inutile, un portable sans GPU entraîne ce petit réseau en moins d'une minute.
#     metriques:
#     - nom: test_accuracy
#       libelle: Exactitude sur le jeu de test
#       unite: pourcentage
#       min: 0.88
#     - nom: train_seconds
#       libelle: Durée d'entraînement
#       unite: secondes
#       max_calibrations: 470
# ---

# %% [markdown]
# # Premier réseau avec PyTorch
#
# Dans ce tutoriel, vous entraînez votre premier réseau de neurones avec PyTorch.
# C'est un perceptron multicouche (MLP) : une couche cachée de 256 neurones, dix sorties.
# Sa couche cachée est deux fois plus large que celle du MLP des tutoriels NumPy, Keras
# et TensorFlow bas niveau et de l'atelier d'expériences (128 neurones) : le tutoriel sur les
# réseaux convolutifs le prend comme point de comparaison, car il a à peu près autant
# de paramètres que son CNN.
# Il apprend à reconnaître des vêtements sur les petites images de Fashion-MNIST.
#
# Vous n'allez pas seulement écrire un modèle. Vous allez aussi le mesurer :
# temps par époque, mémoire occupée, exactitude sur des images jamais vues.
# Ces trois mesures reviennent dans tout l'atelier, autant prendre l'habitude dès maintenant.

# %% [markdown]
# ## Objectifs
#
# À la fin de ce tutoriel, vous saurez :
#
# - charger Fashion-MNIST avec `torchvision` et en afficher des exemples ;
# - comparer, chronomètre en main, un `DataLoader` classique et des tenseurs préchargés en mémoire ;
# - définir un réseau en écrivant une classe `nn.Module` ;
# - écrire vous-même la boucle d'entraînement, étape par étape ;
# - mesurer un modèle avec une fonction `evaluate_model` (vitesse, mémoire, exactitude) ;
# - suivre un entraînement dans TensorBoard.
#
# ## Prérequis
#
# - Python et NumPy de base : fonctions, boucles, tableaux.
# - Le vocabulaire du perceptron multicouche : couche, activation, fonction de perte,
#   descente de gradient, lot, époque.
# - Les tenseurs PyTorch : forme (`shape`), type (`dtype`), appareil (`device`).
# - Un environnement Python avec `torch`, `torchvision`, `matplotlib`, `tensorboard` et `psutil`.
#   Un portable sans carte graphique suffit.

# %% [markdown]
# ## Mise en place
#
# Commençons par les imports. Nous fixons ensuite la graine (*seed*) du générateur aléatoire.
# Les poids initiaux et l'ordre des exemples seront alors les mêmes à chaque exécution :
# vous obtiendrez les mêmes courbes que sur le site, à de petits écarts près selon la machine.
#
# Nous choisissons enfin le `device`, c'est-à-dire l'endroit où vivent les tenseurs et où
# se font les calculs : la carte graphique (`cuda`) si elle existe, sinon le processeur (`cpu`).
# Le reste du code ne dépend pas de ce choix.

# %%
import os
import shutil
import sys
import time
import warnings

import matplotlib.pyplot as plt
import psutil
import torch
import torchvision
from torch import nn
from torch.utils.tensorboard import SummaryWriter
from torchvision import transforms

SEED = 0
torch.manual_seed(SEED)  # mêmes poids initiaux et même mélange à chaque exécution

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


def fr(x, decimals=2):
    """Écrit un nombre à la française, avec une virgule décimale."""
    return f"{x:.{decimals}f}".replace(".", ",")


print(f"Python {sys.version.split()[0]}")
print(f"PyTorch {torch.__version__}, torchvision {torchvision.__version__}")
threads = torch.get_num_threads()
print(f"Calculs sur : {device} ({threads} fil{'s' if threads > 1 else ''} d'exécution CPU)")

# %% [markdown]
# Si TensorFlow est installé dans le même environnement, l'import de `SummaryWriter` le charge
# aussi : la cellule prend alors quelques secondes de plus et peut afficher des messages
# d'information de TensorFlow (oneDNN, pilotes CUDA absents). Ils sont sans conséquence ici.
#
# La dernière ligne indique combien de fils d'exécution (*threads*) PyTorch utilise
# sur le processeur. Par défaut, PyTorch en prend autant que de cœurs disponibles.
# Nous gardons ce réglage : c'est celui que vous aurez chez vous.

# %% [markdown]
# ## Les données : Fashion-MNIST
#
# Fashion-MNIST a été publié par Zalando en 2017. Il contient 70 000 images de vêtements,
# en niveaux de gris, de 28 × 28 pixels, réparties en 10 classes.
# 60 000 images servent à l'entraînement et 10 000 au test.
# Le format est exactement celui de MNIST (les chiffres manuscrits),
# mais la tâche est plus difficile : une chemise ressemble beaucoup à un T-shirt.
#
# `torchvision.datasets.FashionMNIST` télécharge les fichiers la première fois,
# puis les relit sur le disque.
# Sans transformation, chaque exemple est un couple (image PIL, numéro de classe).

# %%
# La construction du site fait pointer ATELIER_DATA vers une copie locale des fichiers :
# rien n'est téléchargé. Chez vous, la variable n'existe pas : les fichiers vont dans ./data
# et torchvision les télécharge une seule fois (une trentaine de Mo).
DATA_DIR = os.environ.get("ATELIER_DATA", "data")
train_set = torchvision.datasets.FashionMNIST(DATA_DIR, train=True, download=True)
test_set = torchvision.datasets.FashionMNIST(DATA_DIR, train=False, download=True)

print(f"{len(train_set)} images d'entraînement, {len(test_set)} images de test")
image, label = train_set[0]
print(f"Premier exemple : {type(image).__name__} de taille {image.size}, classe {label}")

# %% [markdown]
# Les classes sont numérotées de 0 à 9. `train_set.classes` donne leurs noms anglais ;
# nous leur ajoutons une traduction, qui servira dans les figures.

# %%
CLASS_NAMES = [
    "T-shirt",
    "Pantalon",
    "Pull",
    "Robe",
    "Manteau",
    "Sandale",
    "Chemise",
    "Basket",
    "Sac",
    "Bottine",
]
for index, (english, french) in enumerate(zip(train_set.classes, CLASS_NAMES, strict=True)):
    print(f"{index}  {english:<12} {french}")

# %% [markdown]
# Regardons une image de chaque classe. Nous prenons le premier exemple de chaque classe
# dans le jeu d'entraînement.

# %% alt="Une image de chaque classe de Fashion-MNIST, du t-shirt à la bottine."
first_of_class = [(train_set.targets == c).nonzero()[0].item() for c in range(10)]

fig, axes = plt.subplots(2, 5, figsize=(9, 5))
for ax, i in zip(axes.flat, first_of_class, strict=True):
    image, label = train_set[i]
    ax.imshow(image, cmap="gray_r")
    ax.set_title(CLASS_NAMES[label])
    ax.axis("off")
fig.suptitle("Fashion-MNIST : un exemple par classe")
fig.tight_layout()
plt.show()

# %% [markdown]
# *Figure 1. Dix images de Fashion-MNIST, une par classe, avec leur nom en français.
# Les pixels foncés correspondent au vêtement, le fond est blanc.*
#
# Repérez les classes proches : T-shirt, pull, manteau et chemise ont des silhouettes voisines.
# Attendez-vous à ce que le réseau les confonde plus souvent que les autres.

# %% [markdown]
# ## `Dataset` et `DataLoader`
#
# PyTorch sépare deux rôles :
#
# - un **`Dataset`** sait rendre *un* exemple : `train_set[i]` renvoie l'image numéro `i`
#   et sa classe ;
# - un **`DataLoader`** parcourt un `Dataset`, mélange l'ordre des exemples
#   et les regroupe en **lots** (*batches*).
#
# ### La méthode classique
#
# La méthode que vous verrez dans la plupart des tutoriels ajoute une transformation au `Dataset`.
# `transforms.ToTensor()` convertit chaque image PIL en un tenseur de forme (1, 28, 28),
# aux valeurs entre 0 et 1. Le `DataLoader` empile ensuite 64 de ces tenseurs pour former un lot.

# %%
to_tensor_set = torchvision.datasets.FashionMNIST(
    DATA_DIR, train=True, download=True, transform=transforms.ToTensor()
)
classic_loader = torch.utils.data.DataLoader(to_tensor_set, batch_size=64, shuffle=True)

images, labels = next(iter(classic_loader))
print(f"Un lot : images {tuple(images.shape)}, classes {tuple(labels.shape)}")

# %% [markdown]
# Combien de temps faut-il pour parcourir une fois tout le jeu d'entraînement ?
# Nous mesurons une passe complète, sans aucun modèle : seul le coût des données compte ici.
# `time.perf_counter()` est l'horloge de Python prévue pour chronométrer.

# %%
start = time.perf_counter()
n_batches = 0
for _batch in classic_loader:
    n_batches += 1
classic_seconds = time.perf_counter() - start

print(f"DataLoader classique : {n_batches} lots en {fr(classic_seconds)} s")

# %% [markdown]
# ### Des tenseurs préchargés en mémoire
#
# Fashion-MNIST est petit : toutes les images tiennent dans un seul tenseur.
# `train_set.data` contient déjà les 60 000 images en entiers de 0 à 255 (`uint8`).
# Nous les convertissons **une seule fois** en nombres à virgule entre 0 et 1.
#
# Nous les **normalisons** aussi : on retire la moyenne des pixels et on divise par leur écart-type,
# $x' = (x - \mu) / \sigma$. Les entrées sont alors centrées sur 0, avec un écart-type de 1.
# La descente de gradient converge plus facilement sur des entrées de cette échelle.

# %%
start = time.perf_counter()
train_images = train_set.data.float().div(255)  # (60000, 28, 28), valeurs dans [0, 1]
mean, std = train_images.mean(), train_images.std()
train_images.sub_(mean).div_(std)  # moyenne 0, écart-type 1, sur place (voir ci-dessous)
train_labels = train_set.targets
prepare_seconds = time.perf_counter() - start

size_mib = train_images.element_size() * train_images.nelement() / 2**20
print(f"Moyenne {fr(mean, 4)}, écart-type {fr(std, 4)}")
print(f"Tenseur {tuple(train_images.shape)} en {train_images.dtype} : {fr(size_mib, 0)} Mio")
print(f"Préparation faite une fois pour toutes en {fr(prepare_seconds, 3)} s")

# %% [markdown]
# Les méthodes dont le nom finit par `_`, comme `sub_` et `div_`, modifient le tenseur
# **sur place**. Écrire `(train_images - mean) / std` créerait deux nouveaux tenseurs
# de même taille : plus de mémoire, et du temps perdu à la réserver.
#
# Il reste à découper ce tenseur en lots. Pas besoin de `DataLoader` :
# nous tirons une permutation aléatoire des indices, puis nous prenons des tranches successives.
# Indexer un tenseur par un tenseur d'indices, `features[batch]`, extrait toutes les lignes
# d'un coup.


# %%
def iterate_minibatches(features, labels, batch_size, shuffle=True):
    """Découpe des tenseurs déjà en mémoire en lots (features, labels)."""
    n = len(labels)
    if shuffle:  # un nouvel ordre aléatoire à chaque appel, donc à chaque époque
        order = torch.randperm(n, device=labels.device)
    else:
        order = torch.arange(n, device=labels.device)
    for first in range(0, n, batch_size):
        batch = order[first : first + batch_size]
        yield features[batch], labels[batch]


# %% [markdown]
# Mesurons une passe complète avec la même taille de lot, 64, pour comparer à armes égales.

# %%
start = time.perf_counter()
n_batches = 0
for _batch in iterate_minibatches(train_images, train_labels, batch_size=64):
    n_batches += 1
preloaded_seconds = time.perf_counter() - start

speedup = classic_seconds / preloaded_seconds
print(f"DataLoader classique : {fr(classic_seconds)} s par passe")
print(f"Tenseurs préchargés  : {fr(preloaded_seconds, 3)} s par passe ({n_batches} lots de 64)")
print(f"Une passe sur les tenseurs préchargés est {fr(speedup, 0)} fois plus rapide.")

n_epochs = 10  # un entraînement typique
print(f"Coût des données sur {n_epochs} époques :")
print(f"  DataLoader classique : {fr(n_epochs * classic_seconds, 1)} s")
preloaded_total = prepare_seconds + n_epochs * preloaded_seconds
print(f"  Tenseurs préchargés  : {fr(preloaded_total, 1)} s, préparation comprise")

# %% [markdown]
# La sortie ci-dessus donne les durées mesurées sur la machine qui a construit ce site.
# Chez vous, elles seront différentes, mais l'écart restera du même ordre de grandeur.
# La préparation se paie une seule fois ; le coût du `DataLoader` classique, lui,
# revient à chaque époque : sur un entraînement complet, la différence se cumule.
#
# !!! note "Pourquoi les tenseurs préchargés vont-ils plus vite ?"
#
#     Avec le `DataLoader` classique, *chaque image* passe par du code Python :
#     `__getitem__` crée une image PIL, `ToTensor` la convertit en tenseur,
#     puis le `DataLoader` empile 64 petits tenseurs pour former un lot.
#     Pour une époque, cela fait 60 000 appels Python.
#
#     Avec les tenseurs préchargés, la conversion est faite une fois au début.
#     Un lot ne coûte plus qu'une indexation, exécutée en C++ sur un bloc de mémoire contigu.
#     Une époque se réduit à moins d'un millier d'opérations de ce type.
#
#     Sur GPU, l'avantage grandit encore : les tenseurs sont copiés une seule fois sur la carte,
#     au lieu d'un transfert par lot.

# %% [markdown]
# Cette technique a une limite : les données doivent tenir en mémoire.
# Gardez le `DataLoader` quand le jeu de données est trop gros (des images lues sur le disque),
# ou quand chaque exemple subit une transformation aléatoire différente à chaque époque
# (augmentation de données). Vous pourrez alors l'accélérer avec son option `num_workers`,
# qui prépare les lots dans des processus parallèles.
#
# Pour le reste de ce tutoriel, nous utilisons les tenseurs préchargés.

# %% [markdown]
# ## Le modèle : une classe `nn.Module`
#
# En PyTorch, un réseau est une classe qui hérite de `nn.Module`. Elle contient deux méthodes :
#
# - `__init__` déclare les couches, donc les paramètres à apprendre ;
# - `forward` décrit le calcul, de l'entrée jusqu'à la sortie.
#
# Notre réseau aplatit l'image en un vecteur de 784 valeurs (28 × 28).
# Une couche dense (`nn.Linear`) le transforme en 256 valeurs, suivies de l'activation ReLU,
# $\mathrm{ReLU}(z) = \max(0, z)$. Une seconde couche dense produit 10 scores, un par classe.
#
# Ces 10 scores bruts s'appellent des **logits**. Nous n'ajoutons pas de softmax à la fin :
# la fonction de perte utilisée plus bas s'en charge elle-même.


# %%
class MLP(nn.Module):
    """Perceptron multicouche : 784 entrées, une couche cachée ReLU, 10 sorties."""

    def __init__(self, n_inputs=28 * 28, n_hidden=256, n_classes=10):
        super().__init__()
        self.flatten = nn.Flatten()  # (N, 28, 28) -> (N, 784)
        self.hidden = nn.Linear(n_inputs, n_hidden)
        self.activation = nn.ReLU()
        self.output = nn.Linear(n_hidden, n_classes)

    def forward(self, x):
        x = self.flatten(x)
        x = self.activation(self.hidden(x))
        return self.output(x)  # logits, sans softmax


# %% [markdown]
# Créons le modèle et plaçons-le sur le `device` choisi plus haut.
# `print(model)` affiche ses couches ; nous comptons aussi ses paramètres.

# %%
torch.manual_seed(SEED)
model = MLP().to(device)
print(model)

n_parameters = sum(p.numel() for p in model.parameters() if p.requires_grad)
print(f"Paramètres entraînables : {n_parameters}")

# %% [markdown]
# Une couche dense de $n$ entrées vers $m$ sorties possède une matrice de poids $m \times n$
# et un vecteur de $m$ biais, soit $n \times m + m$ paramètres. Pour notre réseau :
#
# $$
# (784 \times 256 + 256) + (256 \times 10 + 10)
# $$
#
# Faites le calcul : vous retrouvez le total affiché ci-dessus.
# Presque tous les paramètres sont dans la première couche.

# %% [markdown]
# Avant tout entraînement, le réseau répond au hasard. Vérifions-le sur quatre images :
# la softmax transforme les logits en probabilités,
# et chaque classe reçoit à peu près 1 chance sur 10.

# %%
with torch.no_grad():
    logits = model(train_images[:4].to(device))
probabilities = logits.softmax(dim=1)
print(f"Logits : forme {tuple(logits.shape)}")
top_probability = probabilities.max(dim=1).values.cpu().numpy().round(3)
print(f"Plus forte probabilité par image : {top_probability}")

# %% [markdown]
# ## Préparer l'entraînement
#
# ### Validation et test
#
# Nous mettons de côté 10 % des images d'entraînement pour la **validation**.
# Le réseau n'apprend pas sur elles ; nous mesurons dessus l'exactitude à chaque époque.
# Le jeu de **test** reste intact jusqu'à la mesure finale.
# Si vous régliez vos choix (nombre d'époques, taux d'apprentissage…) en regardant le test,
# son score deviendrait trop optimiste.
#
# Les images de test sont normalisées avec la moyenne et l'écart-type de l'*entraînement* :
# le modèle doit voir des entrées préparées exactement de la même façon.

# %%
n_val = len(train_labels) // 10
split = torch.randperm(len(train_labels), generator=torch.Generator().manual_seed(SEED))
val_index, train_index = split[:n_val], split[n_val:]

# Tous les tenseurs vont sur l'appareil une fois pour toutes.
x_train, y_train = train_images[train_index].to(device), train_labels[train_index].to(device)
x_val, y_val = train_images[val_index].to(device), train_labels[val_index].to(device)
x_test = ((test_set.data.float().div(255) - mean) / std).to(device)
y_test = test_set.targets.to(device)

print(f"Entraînement : {len(y_train)} images, validation : {len(y_val)}, test : {len(y_test)}")

# Le découpage, rangé dans l'enregistrement de l'exécution : la construction du site vérifie
# qu'aucune image de validation n'est aussi une image d'entraînement.
DATA_SPLIT = {"train": train_index, "validation": val_index, "test": len(y_test)}

# %% [markdown]
# ### Perte, optimiseur et hyperparamètres
#
# La **perte d'entropie croisée** (`nn.CrossEntropyLoss`) applique la softmax aux logits,
# puis pénalise une faible probabilité $\hat{p}_{i,y_i}$ donnée à la bonne classe $y_i$.
# Sur un lot de $B$ images :
#
# $$
# \mathcal{L} = -\frac{1}{B} \sum_{i=1}^{B} \log \hat{p}_{i,y_i}
# $$
#
# Les autres choix :
#
# - L'**optimiseur Adam** met à jour les poids à partir des gradients.
#   Il adapte le pas de chaque paramètre et converge vite sans réglage fin.
# - Le **taux d'apprentissage** (*learning rate*) décroît d'une époque à l'autre
#   selon un cosinus (`CosineAnnealingLR`) : de grands pas au début pour avancer vite,
#   de petits pas à la fin pour se stabiliser.
# - Des **lots de 256 images** et **12 époques** : chaque époque parcourt une fois
#   toutes les images d'entraînement.
#
# Nous ouvrons aussi un journal TensorBoard dans le dossier `runs/premier_reseau`.
# Nous vidons d'abord ce dossier : sinon, chaque nouvelle exécution du notebook y ajouterait
# un fichier, et TensorBoard superposerait les courbes de toutes les exécutions.
# Nous y reviendrons plus bas.

# %%
EPOCHS = 12
BATCH_SIZE = 256
LEARNING_RATE = 2e-3

loss_fn = nn.CrossEntropyLoss()  # softmax + log-vraisemblance négative, calculées sur les logits
optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=EPOCHS)
shutil.rmtree("runs/premier_reseau", ignore_errors=True)  # un journal neuf à chaque exécution
writer = SummaryWriter("runs/premier_reseau")


def thousands(n):
    """Un entier à la française : 54 000 (espace insécable entre les milliers)."""
    return f"{n:,}".replace(",", "\u00a0")


# La fiche du modèle, composée à partir des réglages ci-dessus. La construction du site la range
# dans l'enregistrement de l'exécution : les pages du cours la citent sans la recopier.
MODEL_CARD = {
    "architecture": f"{model.hidden.in_features}-{model.hidden.out_features}-10",
    "parameters": n_parameters,
    "optimizer": "Adam",
    "learning_rate": LEARNING_RATE,
    "batch_size": BATCH_SIZE,
    "epochs": EPOCHS,
    "description": (
        f"MLP {model.hidden.in_features}-{model.hidden.out_features}-10 à activation ReLU "
        f"({thousands(n_parameters)} paramètres), entraîné par Adam, avec un taux "
        f"d'apprentissage de {fr(LEARNING_RATE, 3)} qui décroît selon un cosinus, en lots de "
        f"{BATCH_SIZE} images pendant {EPOCHS} époques, sur {thousands(len(y_train))} images "
        f"d'entraînement\u00a0; {thousands(len(y_val))} autres images d'entraînement servent à la "
        f"validation, et les {thousands(len(y_test))} images de test à la seule mesure finale."
    ),
}
print(MODEL_CARD["description"])

# %% [markdown]
# Il nous faut enfin une fonction qui calcule l'**exactitude** (*accuracy*) :
# la proportion d'images dont la classe prédite, celle du plus grand logit, est la bonne.
#
# Deux détails comptent ici. `model.eval()` met le modèle en mode évaluation
# (sans effet sur notre MLP, mais indispensable dès qu'il contient du *dropout*).
# `torch.no_grad()` évite de mémoriser le graphe de calcul, inutile sans rétropropagation.


# %%
@torch.no_grad()
def accuracy(model, features, labels, batch_size=2000):
    """Proportion d'exemples dont la classe prédite (logit maximal) est la bonne."""
    model.eval()
    correct = 0
    for xb, yb in iterate_minibatches(features, labels, batch_size, shuffle=False):
        correct += (model(xb).argmax(dim=1) == yb).sum().item()
    return correct / len(labels)


# %% [markdown]
# ## La boucle d'entraînement
#
# Voici le cœur du tutoriel. Pour chaque lot, la boucle enchaîne cinq étapes :
#
# 1. la **propagation avant** calcule les logits, `model(xb)` ;
# 2. la **perte** compare les logits aux vraies classes ;
# 3. `optimizer.zero_grad()` efface les gradients du lot précédent
#    (PyTorch les additionne sinon) ;
# 4. la **rétropropagation**, `loss.backward()`, calcule le gradient de la perte
#    par rapport à chaque paramètre ;
# 5. `optimizer.step()` **met à jour** les paramètres dans la direction qui fait baisser la perte.
#
# À la fin de chaque époque, nous faisons avancer le taux d'apprentissage, nous mesurons
# l'exactitude de validation et nous écrivons ces valeurs dans le journal TensorBoard,
# avec un histogramme de chaque tenseur de poids.
# Un chronomètre entoure toute la boucle : sa durée est rangée dans `train_seconds`.

# %%
history = {"train_loss": [], "val_accuracy": [], "epoch_seconds": []}
if device.type == "cuda":
    torch.cuda.reset_peak_memory_stats(device)

train_start = time.perf_counter()
for epoch in range(EPOCHS):
    epoch_start = time.perf_counter()
    model.train()  # mode entraînement
    loss_sum = torch.zeros((), device=device)
    for xb, yb in iterate_minibatches(x_train, y_train, BATCH_SIZE):
        logits = model(xb)  # 1. propagation avant
        loss = loss_fn(logits, yb)  # 2. perte
        optimizer.zero_grad()  # 3. remise à zéro des gradients
        loss.backward()  # 4. rétropropagation
        optimizer.step()  # 5. mise à jour des paramètres
        loss_sum += loss.detach() * len(yb)  # reste sur l'appareil : pas de synchronisation
    scheduler.step()  # taux d'apprentissage de l'époque suivante

    # .item() attend la fin des calculs (utile sur GPU) avant d'arrêter le chronomètre.
    train_loss = loss_sum.item() / len(y_train)
    val_accuracy = accuracy(model, x_val, y_val)
    epoch_seconds = time.perf_counter() - epoch_start

    history["train_loss"].append(train_loss)
    history["val_accuracy"].append(val_accuracy)
    history["epoch_seconds"].append(epoch_seconds)
    writer.add_scalar("perte/entrainement", train_loss, epoch)
    writer.add_scalar("exactitude/validation", val_accuracy, epoch)
    writer.add_scalar("duree_epoque_s", epoch_seconds, epoch)
    for name, parameter in model.named_parameters():
        writer.add_histogram(f"poids/{name}", parameter, epoch)

    print(
        f"Époque {epoch + 1:2d}/{EPOCHS}   perte {fr(train_loss, 4)}   "
        f"validation {fr(100 * val_accuracy, 1)} %   {fr(epoch_seconds)} s"
    )

train_seconds = time.perf_counter() - train_start
print(f"Entraînement complet : {fr(train_seconds, 1)} s")

# %% [markdown]
# Lisez la sortie ligne à ligne. La perte d'entraînement baisse à chaque époque.
# L'exactitude de validation monte vite au début, puis progresse de moins en moins :
# le réseau a appris l'essentiel de ce qu'il peut apprendre.
#
# La durée d'une époque dépend de votre processeur et de ce qui tourne en même temps sur la machine.
# Relancez le notebook depuis le début : sur la même machine, les pertes seront identiques
# (même graine), pas les durées. Relancer cette seule cellule, en revanche, poursuivrait
# l'entraînement du modèle déjà entraîné.

# %% [markdown]
# ## Mesurer le modèle : `evaluate_model`
#
# Un modèle ne se résume pas à son exactitude. Pour comparer des variantes,
# vous aurez besoin de trois mesures :
#
# - la **vitesse** : le temps moyen d'une époque d'entraînement ;
# - la **mémoire** : le pic de mémoire atteint ;
# - l'**exactitude** sur le jeu de test.
#
# La mémoire ne se mesure pas de la même façon selon le `device`.
# Sur GPU, `torch.cuda.max_memory_allocated` donne le pic de mémoire occupée par les tenseurs
# sur la carte. Sur CPU, nous lisons le pic de mémoire résidente (RSS) du processus entier :
# il inclut Python, les bibliothèques et les données, pas seulement le modèle.
# C'est donc une borne haute, utile surtout pour comparer deux exécutions entre elles.


# %%
def peak_memory_mib(device):
    """Pic de mémoire en Mio : tenseurs sur GPU, processus entier (RSS) sur CPU."""
    if device.type == "cuda":
        return torch.cuda.max_memory_allocated(device) / 2**20, "GPU, max_memory_allocated"
    try:
        import resource  # Linux et macOS uniquement
    except ImportError:  # Windows : psutil fournit le pic de l'ensemble de travail
        info = psutil.Process().memory_info()
        return getattr(info, "peak_wset", info.rss) / 2**20, "pic RSS du processus (psutil)"
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # ru_maxrss est exprimé en Kio sous Linux, mais en octets sous macOS.
    peak_mib = peak / 2**20 if sys.platform == "darwin" else peak / 2**10
    return peak_mib, "pic RSS du processus"


def evaluate_model(model, features, labels, epoch_seconds, device, verbose=True):
    """Mesure la vitesse, la mémoire et l'exactitude d'un modèle entraîné."""
    start = time.perf_counter()
    acc = accuracy(model, features, labels)
    inference_seconds = time.perf_counter() - start
    memory_mib, memory_source = peak_memory_mib(device)
    metrics = {
        "accuracy": acc,
        "seconds_per_epoch": sum(epoch_seconds) / len(epoch_seconds),
        "inference_seconds": inference_seconds,
        "peak_memory_mib": memory_mib,
        "memory_source": memory_source,
    }
    if verbose:
        print(f"Exactitude         : {fr(100 * acc, 2)} % sur {len(labels)} images")
        print(f"Temps par époque   : {fr(metrics['seconds_per_epoch'])} s (moyenne)")
        print(f"Inférence          : {fr(inference_seconds, 3)} s pour {len(labels)} images")
        print(f"Mémoire maximale   : {fr(memory_mib, 0)} Mio ({memory_source})")
    return metrics


# %% [markdown]
# Appliquons-la au jeu de test, que le modèle n'a jamais vu.
# Nous gardons l'exactitude dans la variable `test_accuracy`.

# %%
metrics = evaluate_model(model, x_test, y_test, history["epoch_seconds"], device)
test_accuracy = float(metrics["accuracy"])
train_seconds = float(train_seconds)

# %% [markdown]
# Le résumé ci-dessus est le point de repère de ce modèle : le tutoriel sur les réseaux
# convolutifs y compare son CNN, qui a à peu près autant de paramètres.
# La construction du site vérifie deux de ces mesures, l'exactitude de test et la durée
# d'entraînement, contre les seuils déclarés dans l'en-tête du tutoriel ; la fiche en haut
# de cette page les rappelle.
#
# L'atelier d'expériences part, lui, d'une autre référence, déclarée dans son premier notebook :
# un MLP deux fois plus étroit (128 neurones cachés), entraîné par la descente de gradient
# stochastique la plus simple (SGD), à taux d'apprentissage fixe et en lots de 64 images.
# C'est voulu. Chaque axe de l'atelier
# change un seul ingrédient à la fois (l'optimiseur, le taux d'apprentissage, la taille des
# lots…) pour mesurer ce qu'il apporte, et il lui faut pour cela un point de départ dépouillé.
# Ce tutoriel change plusieurs choses d'un coup (un réseau plus large, Adam, un taux
# d'apprentissage qui décroît, de grands lots) : ne comparez pas ses chiffres à ceux de la
# référence de l'atelier comme s'il s'agissait d'une variante.
#
# L'exactitude de test est proche de la dernière exactitude de validation, sans lui être égale :
# les deux jeux contiennent des images différentes, et c'est normal.
# Un écart important signalerait un problème (données mal préparées, validation trop petite…).

# %% [markdown]
# ## Courbes d'apprentissage
#
# Le dictionnaire `history` contient une valeur par époque. Traçons la perte d'entraînement
# et l'exactitude de validation côte à côte.

# %% alt="Perte d'entraînement et exactitude de validation par époque ; tirets : le test."
epochs = range(1, EPOCHS + 1)
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.8))

ax_loss.plot(epochs, history["train_loss"], marker="o")
ax_loss.set_xlabel("Époque")
ax_loss.set_ylabel("Perte d'entropie croisée")
ax_loss.set_title("Perte sur l'entraînement")
ax_loss.grid(alpha=0.3)

ax_acc.plot(epochs, [100 * a for a in history["val_accuracy"]], marker="o", color="tab:green")
ax_acc.axhline(100 * test_accuracy, linestyle="--", color="gray", label="test (final)")
ax_acc.set_xlabel("Époque")
ax_acc.set_ylabel("Exactitude (%)")
ax_acc.set_title("Exactitude sur la validation")
ax_acc.legend()
ax_acc.grid(alpha=0.3)

fig.suptitle("Apprentissage du MLP sur Fashion-MNIST")
fig.tight_layout()
plt.show()

# %% [markdown]
# *Figure 2. À gauche, la perte d'entraînement moyenne à chaque époque.
# À droite, l'exactitude sur les images de validation ; la ligne pointillée indique
# l'exactitude finale sur le test.*
#
# Les deux courbes progressent de moins en moins vite : chaque époque supplémentaire
# rapporte moins que la précédente.
# Si la perte d'entraînement continuait de baisser pendant que l'exactitude de validation chute,
# ce serait le signe d'un **surapprentissage**, sujet d'un prochain tutoriel.

# %% [markdown]
# ## Suivre l'entraînement dans TensorBoard
#
# Pendant la boucle, le `SummaryWriter` a déjà écrit dans `runs/premier_reseau` :
#
# - des **scalaires** avec `add_scalar` : perte, exactitude et durée de chaque époque ;
# - des **histogrammes** avec `add_histogram` : la distribution des valeurs de chaque tenseur
#   de poids, époque après époque.
#
# Ajoutons le **graphe** du modèle avec `add_graph`. PyTorch le reconstruit en faisant passer
# un exemple dans le réseau. Ajoutons aussi un **texte** avec `add_text`, qui résume l'expérience.
# `close()` vide enfin les tampons sur le disque.

# %%
example = x_test[:1]  # une image, de forme (1, 28, 28)
with warnings.catch_warnings():
    # add_graph s'appuie sur torch.jit.trace, que PyTorch annonce comme obsolète :
    # l'avertissement ne vous concerne pas, nous le masquons.
    warnings.simplefilter("ignore", FutureWarning)
    writer.add_graph(model, example)
writer.add_text(
    "resume",
    f"{MODEL_CARD['description']} "
    f"Exactitude de test : {fr(100 * test_accuracy, 2)} %. "
    f"Entraînement : {fr(train_seconds, 1)} s sur {device}.",
)
writer.close()

event_files = [f for f in os.listdir("runs/premier_reseau") if f.startswith("events")]
print(f"{len(event_files)} fichier(s) d'événements dans runs/premier_reseau")

# %% [markdown]
# Pour ouvrir TensorBoard, lancez cette commande dans un terminal, depuis le dossier
# qui contient `runs` :
#
# ```bash
# tensorboard --logdir runs
# ```
#
# Puis ouvrez l'adresse affichée, en général `http://localhost:6006`, dans votre navigateur.
# Dans un notebook Jupyter ou sur Colab, deux commandes magiques affichent TensorBoard
# directement sous la cellule : `%load_ext tensorboard`, puis `%tensorboard --logdir runs`.
#
# Vous y trouverez un onglet par type de donnée : *Scalars* pour les courbes,
# *Histograms* et *Distributions* pour les poids, *Graphs* pour le modèle, *Text* pour le résumé.
#
# !!! tip "Un dossier par expérience"
#
#     Un `SummaryWriter` ajoute un fichier d'événements à son dossier à chaque exécution,
#     et TensorBoard superpose alors les courbes : c'est pourquoi nous avons vidé
#     `runs/premier_reseau` avant l'entraînement. Pour comparer plusieurs essais, donnez plutôt
#     un nom de dossier à chacun, par exemple `runs/premier_reseau_lr_1e-3` :
#     TensorBoard les affichera côte à côte, avec une couleur par dossier.

# %% [markdown]
# ## Quelques prédictions
#
# Un chiffre global ne dit pas *comment* le modèle se trompe.
# Affichons douze images de test tirées au hasard, avec la classe prédite et la vraie classe.
# Les titres en rouge signalent les erreurs.

# %% alt="Douze images de test, classe prédite et vraie classe ; en rouge, les erreurs."
picked = torch.randperm(len(y_test), generator=torch.Generator().manual_seed(SEED))[:12]
model.eval()
with torch.no_grad():
    predicted = model(x_test[picked.to(device)]).argmax(dim=1).cpu()
true = y_test[picked.to(device)].cpu()

fig, axes = plt.subplots(2, 6, figsize=(11, 5.4))
for ax, i, pred, target in zip(axes.flat, picked, predicted, true, strict=True):
    ax.imshow(test_set.data[i], cmap="gray_r")
    color = "tab:green" if pred == target else "tab:red"
    ax.set_title(
        f"prédit : {CLASS_NAMES[pred]}\nvrai : {CLASS_NAMES[target]}", color=color, fontsize=9
    )
    ax.axis("off")
fig.suptitle("Prédictions du MLP sur des images de test")
fig.tight_layout()
plt.show()

# %% [markdown]
# *Figure 3. Douze images du jeu de test. Au-dessus de chacune : la classe prédite,
# puis la vraie classe, en vert si la prédiction est juste et en rouge sinon.*
#
# Quand le modèle se trompe, regardez l'image : l'erreur vous paraît-elle compréhensible ?
# Le plus souvent, elle porte sur des classes proches : chemise, T-shirt, pull, manteau.

# %% [markdown]
# ## Récapitulatif
#
# - Un `Dataset` rend un exemple, un `DataLoader` les regroupe en lots mélangés.
# - Quand les données tiennent en mémoire, des tenseurs préchargés et normalisés une fois
#   pour toutes sont bien plus rapides qu'une transformation appliquée image par image.
# - Un réseau est une classe `nn.Module` : les couches dans `__init__`, le calcul dans `forward`.
# - La boucle d'entraînement tient en cinq lignes : propagation avant, perte, `zero_grad`,
#   `backward`, `step`.
# - On suit l'entraînement sur un jeu de validation et on garde le test pour la mesure finale.
# - `evaluate_model` résume un modèle en trois mesures : temps par époque, pic de mémoire,
#   exactitude.
# - `SummaryWriter` enregistre scalaires, histogrammes, graphe et texte pour TensorBoard.

# %% [markdown]
# ## Exercices
#
# ### Exercice 1 : compter les paramètres d'un réseau plus large
#
# On remplace la couche cachée par deux couches cachées de 512 puis 128 neurones,
# toutes deux suivies d'une ReLU. Combien de paramètres ce réseau possède-t-il ?
# Faites le calcul à la main avec la formule $n \times m + m$, puis vérifiez-le avec PyTorch.
# De combien de fois le nombre de paramètres augmente-t-il par rapport à notre MLP ?

# %%
# Solution
wider = nn.Sequential(
    nn.Flatten(),
    nn.Linear(784, 512),
    nn.ReLU(),
    nn.Linear(512, 128),
    nn.ReLU(),
    nn.Linear(128, 10),
)
by_hand = (784 * 512 + 512) + (512 * 128 + 128) + (128 * 10 + 10)
counted = sum(p.numel() for p in wider.parameters())
print(f"À la main : {by_hand}, selon PyTorch : {counted}")
print(f"Soit {fr(counted / n_parameters, 2)} fois les paramètres de notre MLP ({n_parameters})")

# %% [markdown]
# ### Exercice 2 : exactitude par classe
#
# L'exactitude globale cache des différences entre classes.
# Calculez l'exactitude du modèle entraîné pour chacune des 10 classes du jeu de test,
# puis affichez les classes de la moins bien reconnue à la mieux reconnue.
# Les classes les plus difficiles sont-elles celles que vous attendiez en regardant la figure 1 ?
#
# Indice : calculez toutes les prédictions d'un coup, puis filtrez avec un masque `y_test == c`.

# %%
# Solution
model.eval()
with torch.no_grad():
    test_predictions = model(x_test).argmax(dim=1)

per_class = []
for c in range(10):
    mask = y_test == c
    per_class.append(((test_predictions[mask] == c).float().mean().item(), CLASS_NAMES[c]))

for class_accuracy, name in sorted(per_class):
    print(f"{name:<10} {fr(100 * class_accuracy, 1):>5} %")

# %% [markdown]
# ## Testez-vous
#
# Six questions sur les données, le modèle et la boucle de ce tutoriel ; répondez avant de déplier
# l'explication de chaque choix.
#
# !!! quiz "Un lot du DataLoader classique"
#     `classic_loader` lit Fashion-MNIST avec `transforms.ToTensor()`, en lots de 64. Quelle forme a
#     le tenseur d'images d'un lot ?
#
#     - [x] `(64, 1, 28, 28)`
#       `ToTensor` rend chaque image sous la forme `(1, 28, 28)`, avec un axe de canal, et le
#       `DataLoader` en empile 64.
#     - [ ] `(64, 28, 28)`
#       C'est la forme d'un lot tiré des tenseurs préchargés, construits à partir de
#       `train_set.data`, sans axe de canal.
#     - [ ] `(64, 784)`
#       Rien n'aplatit encore les images : c'est la couche `nn.Flatten` du modèle qui le fera.
#     - [ ] `(1, 28, 28)`
#       C'est la forme d'un seul exemple ; le `DataLoader` ajoute l'axe du lot en tête.
#
# !!! quiz "Le dernier lot"
#     `iterate_minibatches` découpe les 54 000 images d'entraînement en lots de 256. Que se
#     passe-t-il à la fin de chaque époque ?
#
#     - [x] Il y a 211 lots : 210 lots de 256 images, puis un dernier de 240.
#       54 000 = 210 × 256 + 240. La tranche `order[first : first + batch_size]` s'arrête simplement
#       à la fin du tableau : aucune image n'est perdue.
#     - [ ] Il y a 210 lots, et les 240 images restantes attendent l'époque suivante.
#       La boucle `range(0, n, batch_size)` va jusqu'au dernier départ possible, 53 760 : le dernier
#       lot, plus petit, est bien traité.
#     - [ ] Le dernier lot est complété par 16 images du début, pour en faire 256.
#       Rien ne complète le lot : il garde ses 240 images. La boucle multiplie d'ailleurs sa perte
#       par `len(yb)`, sa taille réelle.
#
# !!! quiz "Sans remise à zéro des gradients"
#     Vous supprimez la ligne `optimizer.zero_grad()` de la boucle d'entraînement. Que se
#     passe-t-il ?
#
#     - [ ] Une erreur à la deuxième itération.
#       PyTorch ne signale rien : il ajoute les nouveaux gradients à ceux déjà rangés dans
#       l'attribut `.grad` de chaque paramètre.
#     - [x] Les gradients s'accumulent d'un lot à l'autre, sans aucun message.
#       Chaque mise à jour suit la somme des gradients de tous les lots précédents :
#       `loss.backward()` additionne ses gradients à ceux qui sont déjà là. Sans remise à zéro,
#       chaque pas mêle tout le passé et l'entraînement se dégrade.
#     - [ ] Rien : `loss.backward()` remplace les anciens gradients.
#       C'est justement ce qu'il ne fait pas, et c'est la raison d'être de l'étape 3 de la boucle.
#
# !!! quiz "Une softmax en trop"
#     Vous ajoutez `nn.Softmax(dim=1)` à la fin de `forward`, en gardant `nn.CrossEntropyLoss()`.
#     Qu'observez-vous ?
#
#     - [ ] Une erreur de forme au premier lot.
#       Les formes ne changent pas : la softmax rend toujours 10 valeurs par image.
#     - [ ] Le même entraînement, car une softmax appliquée deux fois ne change rien.
#       Appliquée à des probabilités, entre 0 et 1, une seconde softmax les resserre autour de 1/10.
#     - [x] Aucune erreur, mais la perte applique une seconde softmax : l'apprentissage en souffre.
#       `nn.CrossEntropyLoss` attend des logits et applique elle-même la softmax. Des entrées entre
#       0 et 1 donnent des probabilités resserrées autour de 1/10 : les gradients s'affaiblissent et
#       la perte ne peut plus descendre bien bas.
#
# !!! quiz "Où le test fuiterait-il ?"
#     Lesquels de ces choix feraient perdre au jeu de test son rôle de mesure honnête ?
#
#     - [x] Choisir le nombre d'époques d'après l'exactitude de test à chaque époque.
#       Le test servirait à un réglage : son score, choisi parce qu'il est le meilleur, deviendrait
#       trop optimiste. C'est le rôle de la validation.
#     - [x] Garder le taux d'apprentissage qui donne la meilleure exactitude de test.
#       Même défaut : un maximum pris sur le test surestime ce que le modèle fera sur des images
#       nouvelles.
#     - [ ] Mesurer l'exactitude de validation à la fin de chaque époque.
#       C'est ce que fait la boucle : les images de validation ne servent pas à l'apprentissage,
#       elles sont là pour guider les choix.
#     - [ ] Normaliser le test avec la moyenne et l'écart-type de l'entraînement.
#       C'est ce que fait le tutoriel : les statistiques viennent de l'entraînement, le test ne
#       décide de rien.
#
# !!! quiz "Relancer une seule cellule"
#     L'entraînement est terminé. Vous relancez seulement la cellule de la boucle d'entraînement.
#     Que se passe-t-il ?
#
#     - [ ] Le même entraînement recommence depuis des poids aléatoires, avec les mêmes pertes.
#       Le modèle et l'optimiseur sont créés dans des cellules précédentes : la boucle reprend ces
#       objets tels qu'ils sont.
#     - [x] L'entraînement se poursuit à partir du modèle déjà entraîné.
#       `model` garde ses poids et `optimizer` son état : 12 nouvelles époques s'ajoutent aux
#       premières. Pour repartir de zéro, relancez le notebook depuis le début.
#     - [ ] Une erreur, car l'historique `history` existe déjà.
#       La cellule recrée `history`, vide, dès sa première ligne : rien ne l'empêche de s'exécuter.

# %% [markdown]
# ## Pour aller plus loin
#
# - [Learn the Basics][basics] : la série officielle d'introduction à PyTorch,
#   sur Fashion-MNIST elle aussi.
# - [Datasets & DataLoaders][data] : écrire son propre `Dataset` et bien utiliser le `DataLoader`.
# - [Optimizing Model Parameters][optim] : la boucle d'entraînement expliquée
#   par l'équipe de PyTorch.
# - [How to use TensorBoard with PyTorch][tb-recipe] : une recette courte sur `SummaryWriter`.
# - [`torch.utils.tensorboard`][tb-doc] : la référence de toutes les méthodes `add_*`.
# - [`torchvision.datasets.FashionMNIST`][fmnist] : la documentation du chargeur utilisé ici,
#   et la [liste des jeux de données de torchvision][datasets].
# - [Le dépôt de Fashion-MNIST][zalando] : l'origine du jeu de données
#   et des résultats de référence.
#
# [basics]: https://docs.pytorch.org/tutorials/beginner/basics/intro.html
# [data]: https://docs.pytorch.org/tutorials/beginner/basics/data_tutorial.html
# [optim]: https://docs.pytorch.org/tutorials/beginner/basics/optimization_tutorial.html
# [tb-recipe]: https://docs.pytorch.org/tutorials/recipes/recipes/tensorboard_with_pytorch.html
# [tb-doc]: https://docs.pytorch.org/docs/stable/tensorboard.html
# [fmnist]: https://docs.pytorch.org/vision/stable/generated/torchvision.datasets.FashionMNIST.html
# [datasets]: https://docs.pytorch.org/vision/stable/datasets.html
# [zalando]: https://github.com/zalandoresearch/fashion-mnist
