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
#     titre: Les tenseurs en pratique
#     description: Créer, décrire et transformer des tenseurs avec PyTorch et TensorFlow.
#     niveau: débutant
#     duree: 45 min
#     prerequis:
#     - Python et NumPy de base
#     gpu: Inutile, chaque cellule s'exécute en une fraction de seconde sur un CPU.
#     metriques:
#     - nom: matmul_max_abs_diff
#       libelle: Écart maximal entre les produits matriciels NumPy, PyTorch et TensorFlow
#       max: 1.0e-5
# ---

# %% [markdown]
# # Les tenseurs en pratique
#
# Un réseau de neurones ne voit jamais une image, une phrase ou un tableau de chiffres.
# Il ne voit que des **tenseurs** : des tableaux de nombres à plusieurs dimensions.
# Savoir lire la forme d'un tenseur, la changer et combiner deux tenseurs de formes différentes,
# c'est la moitié du travail quand on écrit un réseau.
#
# Ce tutoriel fait tout en double : chaque opération est écrite avec PyTorch, puis avec
# TensorFlow, sur les mêmes données. Vous verrez que les deux bibliothèques se ressemblent
# beaucoup, et vous repérerez leurs quelques différences.

# %% [markdown]
# ## Objectifs
#
# À la fin de ce tutoriel, vous saurez :
#
# - créer un tenseur et lire ses attributs : forme, rang, taille, type, appareil ;
# - donner la forme attendue de données réelles : tableau, série temporelle, texte,
#   images en niveaux de gris ou en couleurs, vidéo ;
# - passer d'un tableau NumPy à un tenseur et inversement, en sachant quand la mémoire
#   est partagée ;
# - prévoir le résultat d'une diffusion (*broadcasting*) et d'un produit matriciel ;
# - changer la forme d'un tenseur sans mélanger ses valeurs ;
# - éviter les erreurs de type (`dtype`) et d'appareil (`device`) les plus courantes.
#
# ## Prérequis
#
# - Python de base : listes, boucles, fonctions.
# - Un peu de NumPy : créer un tableau, lire `shape`, indexer.
# - La page [Les tenseurs](../tenseurs.md) du cours présente les notions que ce tutoriel
#   met en pratique.
# - Un environnement Python avec `numpy`, `torch` et `tensorflow`.
#   Aucune carte graphique n'est nécessaire.

# %% [markdown]
# ## Mise en place
#
# Nous importons NumPy, PyTorch et TensorFlow. L'import de TensorFlow prend quelques secondes
# et peut afficher des messages d'information dans le terminal : ils sont sans conséquence.
#
# Nous fixons aussi une graine (*seed*) pour chaque générateur aléatoire.
# Les valeurs « au hasard » seront ainsi les mêmes à chaque exécution.
# La petite fonction `fr` écrit les nombres avec une virgule décimale.

# %%
import time

import numpy as np
import torch

# Le GPU pour PyTorch s'il y en a un, sinon le processeur (voir la section sur l'appareil).
# La question est posée avant d'importer TensorFlow : dans l'ordre inverse, une machine
# sans GPU afficherait un avertissement de PyTorch sans intérêt.
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")

import keras
import tensorflow as tf

SEED = 0
rng = np.random.default_rng(SEED)  # générateur NumPy
torch.manual_seed(SEED)  # générateur PyTorch
tf.random.set_seed(SEED)  # générateur TensorFlow


def fr(x, decimals=2):
    """Écrit un nombre à la française, avec une virgule décimale."""
    return f"{x:.{decimals}f}".replace(".", ",")


print(f"NumPy {np.__version__}, PyTorch {torch.__version__}, TensorFlow {tf.__version__}")
print(f"Calculs PyTorch sur : {device}")

# %% [markdown]
# ## Créer un tenseur et le décrire
#
# Un tenseur est un tableau de nombres, tous du même type, rangés selon plusieurs **axes**
# (ou dimensions). Cinq attributs le décrivent :
#
# - sa **forme** (*shape*) : le nombre d'éléments le long de chaque axe ;
# - son **rang** : le nombre d'axes (un vecteur est de rang 1, une matrice de rang 2) ;
# - sa **taille** : le nombre total d'éléments, produit des valeurs de la forme ;
# - son **type** (`dtype`) : entier, nombre à virgule sur 32 ou 64 bits… ;
# - son **appareil** (*device*), là où il est stocké : la mémoire du processeur ou celle
#   d'une carte graphique.
#
# Créons la même matrice de 2 lignes et 3 colonnes avec les trois bibliothèques.

# %%
values = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]

a_np = np.array(values)
a_pt = torch.tensor(values)
a_tf = tf.constant(values)

for name, a in [("NumPy", a_np), ("PyTorch", a_pt), ("TensorFlow", a_tf)]:
    print(f"{name:<11} forme {tuple(a.shape)}  rang {a.ndim}  type {a.dtype}")

print(f"Taille : {a_np.size} (NumPy), {a_pt.numel()} (PyTorch), {tf.size(a_tf)} (TensorFlow)")
print(f"Appareil PyTorch    : {a_pt.device}")
print(f"Appareil TensorFlow : {a_tf.device}")

# %% [markdown]
# Les formes et les rangs sont identiques. Une différence saute aux yeux : le **type par défaut**.
# À partir de nombres Python à virgule, NumPy crée des `float64` (64 bits),
# PyTorch et TensorFlow des `float32` (32 bits). Les frameworks choisissent 32 bits parce que
# c'est deux fois moins de mémoire et des calculs plus rapides, sans perte utile pour un réseau.
# Gardez ce détail en tête : il reviendra dans la section sur les types.
#
# L'appareil s'écrit différemment : PyTorch dit `cpu`, TensorFlow donne le nom complet
# du processeur logique sur lequel vit le tenseur.

# %% [markdown]
# Voici les mêmes attributs, bibliothèque par bibliothèque. Les onglets sont liés :
# choisissez-en un, tous les onglets de même nom du site suivent.
#
# === "PyTorch"
#
#     ```python
#     x = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
#     x.shape      # torch.Size([2, 2])
#     x.ndim       # rang
#     x.numel()    # taille
#     x.dtype      # torch.float32
#     x.device     # device(type='cpu')
#     ```
#
# === "TensorFlow"
#
#     ```python
#     x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
#     x.shape      # TensorShape([2, 2])
#     x.ndim       # rang
#     tf.size(x)   # taille
#     x.dtype      # tf.float32
#     x.device     # '/job:localhost/replica:0/task:0/device:CPU:0'
#     ```

# %% [markdown]
# ## Les formes des vraies données
#
# Le rang d'un tenseur dépend de ce que représentent les données.
# La convention est presque universelle : **le premier axe compte les exemples**.
# Un lot de 64 images commence donc par 64, un tableau de 1 000 clients par 1 000.
# Les axes suivants décrivent un exemple.
#
# ### Des données tabulaires : rang 2
#
# Un tableau de données, comme une feuille de calcul, a une ligne par exemple et une colonne
# par variable (*feature*). Prenons cinq logements décrits par trois variables :
# surface en m², nombre de pièces et distance au centre-ville en km.

# %%
housing = np.array(
    [
        [35.0, 1, 2.5],
        [72.0, 3, 5.0],
        [54.0, 2, 1.2],
        [110.0, 5, 12.0],
        [88.0, 4, 7.5],
    ],
    dtype=np.float32,
)
housing_pt = torch.from_numpy(housing)
housing_tf = tf.constant(housing)
print(f"Forme (exemples, variables) : {tuple(housing_pt.shape)} et {tuple(housing_tf.shape)}")
print(f"Une ligne, un logement : {housing[1]}")

# %% [markdown]
# Un exemple seul, une ligne, est un vecteur de rang 1. Le lot complet est de rang 2.
# Un seul nombre, comme la valeur d'une perte, est un tenseur de rang 0 : un **scalaire**,
# de forme vide `()`.

# %% [markdown]
# ### Des séries temporelles et du texte : rang 3
#
# Une série temporelle ajoute un axe : le temps. Imaginons le cours d'une action relevé chaque
# minute pendant une séance de bourse de 390 minutes (de 9 h 30 à 16 h), avec trois indicateurs
# par minute : prix, volume échangé, écart entre le plus haut et le plus bas.
# Sur 20 séances, la forme est (séances, minutes, indicateurs).
#
# Nous fabriquons ces données au hasard ; seule la forme nous intéresse ici.

# %%
n_days, n_minutes, n_indicators = 20, 390, 3
price = 100 + np.cumsum(rng.normal(0, 0.1, size=(n_days, n_minutes)), axis=1)
volume = rng.poisson(500, size=(n_days, n_minutes))
spread = rng.gamma(2.0, 0.05, size=(n_days, n_minutes))
stock = np.stack([price, volume, spread], axis=-1).astype(np.float32)  # nouvel axe à la fin

stock_pt = torch.from_numpy(stock)
stock_tf = tf.constant(stock)
print(f"Forme (séances, minutes, indicateurs) : {tuple(stock_pt.shape)}")
price_0, volume_0, spread_0 = stock[0, 0]
print(f"Séance 0, minute 0 : prix {fr(price_0)}, volume {volume_0:.0f}, écart {fr(spread_0)}")

# %% [markdown]
# Le texte suit le même schéma. Un message court est une suite de caractères ; chaque caractère
# devient un vecteur de 128 valeurs, toutes nulles sauf celle de son code ASCII
# (un **encodage** *one-hot*). Un message de $L$ caractères a la forme $(L, 128)$,
# un lot de messages la forme (messages, caractères, 128).

# %%
message = "Fashion-MNIST: 70000 images"
codes = np.array([ord(c) for c in message])  # codes ASCII, tous < 128
one_hot = np.eye(128, dtype=np.float32)[codes]  # une ligne de la matrice identité par caractère

print(f"{len(message)} caractères -> forme {one_hot.shape}")
print(f"Valeurs non nulles par ligne : {set(np.count_nonzero(one_hot, axis=1).tolist())}")

# %% [markdown]
# `np.eye(128)` est la matrice identité ; l'indexer par la liste des codes extrait la ligne
# correspondant à chaque caractère. C'est une manière très compacte d'encoder un texte.

# %% [markdown]
# ### Des images en niveaux de gris : rang 3
#
# Passons à de vraies données : Fashion-MNIST, des photos de vêtements de 28 × 28 pixels
# en niveaux de gris. `keras.datasets.fashion_mnist.load_data()` renvoie directement
# des tableaux NumPy. Prenons un lot de 64 images.

# %%
(x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
print(f"Tableau modifiable : {x_train.flags.writeable}")
x_train = x_train.copy()  # une copie modifiable, que PyTorch pourra partager sans avertissement
batch_np = x_train[:64]

print(f"Jeu d'entraînement complet : {x_train.shape}, type {x_train.dtype}")
print(f"Un lot : {batch_np.shape}, pixels entre {batch_np.min()} et {batch_np.max()}")

# %% [markdown]
# La forme (64, 28, 28) se lit (N, H, W) : N images, H lignes (*height*), W colonnes (*width*).
# Chaque pixel est un entier de 0 à 255, stocké sur un octet (`uint8`).
#
# Keras renvoie des tableaux en lecture seule. Or `torch.from_numpy`, que nous utiliserons
# plus bas, partage la mémoire du tableau et afficherait un avertissement : PyTorch ne sait pas
# garantir qu'un tenseur ne sera jamais modifié. Une copie règle la question une fois pour toutes.

# %% [markdown]
# ### L'axe des canaux : NCHW ou NHWC
#
# Une image en couleurs possède trois **canaux** (rouge, vert, bleu). Les couches de convolution
# attendent un axe de canaux, même pour une image en niveaux de gris qui n'en a qu'un.
# Et les deux frameworks ne le placent pas au même endroit :
#
# - PyTorch range les canaux **avant** les pixels : (N, C, H, W), le format NCHW ;
# - TensorFlow et Keras les rangent **après** : (N, H, W, C), le format NHWC.
#
# Ajoutons cet axe de taille 1 à notre lot, à la bonne place pour chacun.

# %%
batch_pt = torch.from_numpy(batch_np).unsqueeze(1)  # nouvel axe en position 1
batch_tf = tf.expand_dims(tf.constant(batch_np), axis=-1)  # nouvel axe à la fin

print(f"PyTorch, NCHW    : {tuple(batch_pt.shape)}")
print(f"TensorFlow, NHWC : {tuple(batch_tf.shape)}")

# %% [markdown]
# Ajouter un axe de taille 1 ne change aucune valeur : le tenseur contient toujours
# 64 × 28 × 28 pixels. Seule la manière de les indexer change.
#
# Pour des images en couleurs, passer d'un format à l'autre demande une **permutation des axes**.
# Prenons un lot de 8 images de 32 × 32 pixels en couleurs, au format NHWC.

# %%
colour_nhwc = rng.integers(0, 256, size=(8, 32, 32, 3), dtype=np.uint8)

colour_nchw_pt = torch.from_numpy(colour_nhwc).permute(0, 3, 1, 2)  # N, C, H, W
colour_nchw_tf = tf.transpose(colour_nhwc, perm=[0, 3, 1, 2])

print(f"NHWC : {colour_nhwc.shape} -> NCHW : {tuple(colour_nchw_pt.shape)} (PyTorch)")
print(f"NHWC : {colour_nhwc.shape} -> NCHW : {tuple(colour_nchw_tf.shape)} (TensorFlow)")
same = np.array_equal(colour_nchw_pt.numpy(), colour_nchw_tf.numpy())
print(f"Mêmes valeurs dans les deux bibliothèques : {same}")

# %% [markdown]
# `permute(0, 3, 1, 2)` se lit : le nouvel axe 0 est l'ancien axe 0, le nouvel axe 1
# est l'ancien axe 3 (les canaux), et ainsi de suite. `tf.transpose` prend la même liste.

# %% [markdown]
# ### Une vidéo : rang 5
#
# Une vidéo est une suite d'images. Un lot de 4 clips de 16 images de 64 × 64 pixels en couleurs
# a la forme (clips, images, H, W, canaux) : c'est un tenseur de rang 5.
# Comptons ce qu'il occupe en mémoire en `float32` (4 octets par nombre).

# %%
video = torch.zeros(4, 16, 64, 64, 3)
video_mib = video.numel() * video.element_size() / 2**20
print(f"Forme {tuple(video.shape)}, rang {video.ndim}")
print(f"{video.numel()} nombres, soit {fr(video_mib, 1)} Mio en float32")

# %% [markdown]
# La taille grandit vite avec le rang. Des clips plus longs ou plus grands remplissent
# rapidement la mémoire d'une carte graphique : c'est une contrainte réelle des modèles vidéo.
#
# Récapitulons les formes rencontrées.

# %%
shapes = [
    ("perte (scalaire)", torch.tensor(0.5)),
    ("un logement", housing_pt[0]),
    ("tableau de logements", housing_pt),
    ("séries boursières", stock_pt),
    ("lot d'images, NHW", torch.from_numpy(batch_np)),
    ("lot d'images, NCHW", batch_pt),
    ("lot de clips vidéo", video),
]
for name, tensor in shapes:
    print(f"{name:<22} rang {tensor.ndim}   forme {tuple(tensor.shape)}")

# %% [markdown]
# ## NumPy et les frameworks
#
# Vos données arrivent souvent sous forme de tableaux NumPy. Les deux frameworks savent
# les convertir dans les deux sens, mais pas de la même manière :
#
# - `torch.from_numpy(a)` crée un tenseur qui **partage la mémoire** du tableau :
#   aucune copie, et une modification de l'un se voit dans l'autre ;
# - `torch.tensor(a)` fait au contraire une **copie** ;
# - `tf.constant(a)` copie aussi : un tenseur TensorFlow est **immuable**, on ne peut pas
#   modifier ses valeurs après sa création ;
# - dans l'autre sens, `.numpy()` renvoie un tableau NumPy dans les deux frameworks.
#
# Vérifions le partage de mémoire en modifiant le tableau après la conversion.

# %%
source = np.zeros(3, dtype=np.float32)
shared_pt = torch.from_numpy(source)
copied_pt = torch.tensor(source)
copied_tf = tf.constant(source)

source[0] = 42.0  # on modifie le tableau NumPy d'origine

print(f"torch.from_numpy : {shared_pt.tolist()}")
print(f"torch.tensor     : {copied_pt.tolist()}")
print(f"tf.constant      : {copied_tf.numpy().tolist()}")
print(f"Mémoire partagée avec .numpy() (PyTorch) : {np.shares_memory(shared_pt.numpy(), source)}")

# %% [markdown]
# Seul le tenseur créé par `torch.from_numpy` voit la modification.
# Ce partage est une force : convertir 60 000 images ne coûte rien.
# C'est aussi un piège : si vous modifiez le tableau plus tard, le tenseur change en silence.
# La dernière ligne montre que le partage vaut aussi dans l'autre sens : sur le CPU,
# `.numpy()` ne copie rien, le tableau obtenu utilise la mémoire du tenseur.
#
# !!! warning "Sur GPU, `.numpy()` ne suffit pas"
#
#     NumPy ne connaît que la mémoire du processeur. Un tenseur PyTorch placé sur une carte
#     graphique doit d'abord revenir sur le CPU : `x.cpu().numpy()`. Pour un tenseur qui
#     participe au calcul des gradients, écrivez `x.detach().cpu().numpy()`.
#     TensorFlow fait cette copie pour vous quand vous appelez `.numpy()`.

# %% [markdown]
# ## Opérations élément par élément et diffusion
#
# Les opérations arithmétiques `+`, `-`, `*`, `/` s'appliquent **élément par élément** :
# le premier élément avec le premier, le deuxième avec le deuxième, et ainsi de suite.
# Convertir nos pixels de [0, 255] vers [0, 1] est une division élément par élément.

# %%
images_pt = torch.from_numpy(x_train).float() / 255  # (60000, 28, 28)
images_tf = tf.cast(x_train, tf.float32) / 255

print(f"PyTorch    : {tuple(images_pt.shape)}, max {images_pt.max().item()}")
print(f"TensorFlow : {tuple(images_tf.shape)}, max {tf.reduce_max(images_tf).numpy()}")

# %% [markdown]
# Ici, le diviseur est un simple nombre. Comment le framework combine-t-il un tenseur
# de 60 000 × 28 × 28 valeurs avec un seul nombre ? Par la **diffusion** (*broadcasting*).
#
# ### La règle de diffusion
#
# Pour combiner deux tenseurs de formes différentes, on aligne leurs formes **par la droite**.
# Axe par axe, les deux tailles doivent être égales, ou l'une des deux doit valoir 1
# (un axe absent compte comme un axe de taille 1). L'axe de taille 1 est alors répété,
# sans copie en mémoire, pour atteindre la taille de l'autre.
#
# | Forme A | Forme B | Résultat |
# |---|---|---|
# | (60000, 28, 28) | () | (60000, 28, 28) |
# | (5, 3) | (3,) | (5, 3) |
# | (64, 28, 28) | (28, 28) | (64, 28, 28) |
# | (64, 28, 28) | (64, 1, 1) | (64, 28, 28) |
# | (64, 28, 28) | (64,) | erreur : 28 et 64 ne s'accordent pas |
#
# Premier cas utile : **standardiser** un tableau, c'est-à-dire centrer et réduire chaque colonne.
# La moyenne par colonne a la forme (3,) ; la diffusion la soustrait de chacune des 5 lignes.

# %%
mean_pt, std_pt = housing_pt.mean(dim=0), housing_pt.std(dim=0)  # forme (3,)
standard_pt = (housing_pt - mean_pt) / std_pt  # (5, 3) - (3,) -> (5, 3)

mean_tf = tf.reduce_mean(housing_tf, axis=0)
std_tf = tf.math.reduce_std(housing_tf, axis=0)
standard_tf = (housing_tf - mean_tf) / std_tf

print(f"Moyennes par colonne : {mean_pt.numpy().round(2)}")
print(f"Écarts-types par colonne, PyTorch    : {std_pt.numpy().round(3)}")
print(f"Écarts-types par colonne, TensorFlow : {std_tf.numpy().round(3)}")
print(f"Moyennes après standardisation : {standard_pt.mean(dim=0).abs().numpy().round(6)}")
same = np.allclose(standard_pt.numpy(), standard_tf.numpy())
print(f"Mêmes valeurs standardisées dans les deux bibliothèques : {same}")

# %% [markdown]
# Les moyennes des colonnes standardisées sont bien nulles. Mais les deux bibliothèques
# ne calculent pas le même écart-type : PyTorch divise par $n - 1$ par défaut
# (écart-type *corrigé*), TensorFlow par $n$. Sur 5 lignes, la différence se voit, et les valeurs
# standardisées diffèrent ; sur des milliers d'exemples, elle deviendrait négligeable.
# Pour obtenir en PyTorch le calcul de TensorFlow, écrivez `std(dim=0, correction=0)`.
# C'est typiquement le genre de détail qu'on découvre en comparant deux bibliothèques.

# %% [markdown]
# Deuxième cas : retirer à chaque image l'**image moyenne** du jeu de données.
# L'image moyenne a la forme (28, 28) ; la diffusion la soustrait des 60 000 images.
#
# C'est aussi l'occasion de mesurer une habitude lente, fréquente chez les débutants :
# parcourir les images une par une dans une boucle Python.
# Pour ne chronométrer que le calcul, les deux versions travaillent **sur place** (`-=`),
# dans une copie préparée à l'avance : aucune nouvelle mémoire n'est réservée pendant la mesure.

# %%
mean_image = images_pt.mean(dim=0)  # (28, 28)
centred_loop = images_pt.clone()
centred = images_pt.clone()

start = time.perf_counter()
for i in range(len(centred_loop)):  # une opération par image : 60 000 appels
    centred_loop[i] -= mean_image
loop_seconds = time.perf_counter() - start

start = time.perf_counter()
centred -= mean_image  # (60000, 28, 28) - (28, 28) : une seule opération
broadcast_seconds = time.perf_counter() - start

print(f"Boucle Python : {fr(loop_seconds, 3)} s")
speedup = loop_seconds / broadcast_seconds
print(f"Diffusion     : {fr(broadcast_seconds, 3)} s, soit {fr(speedup, 0)} fois plus rapide")
print(f"Mêmes résultats : {torch.equal(centred, centred_loop)}")
del centred_loop  # la copie de la boucle ne sert plus : libérons sa mémoire

# %% [markdown]
# Le résultat est identique, mais la boucle paie un appel Python par image.
# La diffusion fait tout le travail en une seule opération, écrite en C++ :
# préférez-la chaque fois que c'est possible.

# %% [markdown]
# Dernier cas : une forme qui ne s'accorde pas. Nous voulons multiplier chaque image du lot
# par son propre coefficient, soit 64 coefficients. Le vecteur de forme (64,) s'aligne
# à droite avec l'axe des colonnes, de taille 28 : les deux bibliothèques refusent.

# %%
lot_pt = images_pt[:64]
lot_tf = images_tf[:64]
weights = np.linspace(0.5, 1.5, 64, dtype=np.float32)

try:
    lot_pt * torch.from_numpy(weights)
except RuntimeError as error:
    print(f"PyTorch    : {error}")
try:
    lot_tf * tf.constant(weights)
except tf.errors.InvalidArgumentError as error:
    # Le message commence par le nom interne de l'opération, entre {{ }} : on le retire.
    print(f"TensorFlow : {error.message.split('}} ')[-1].split(' [Op:')[0]}")

# %% [markdown]
# La solution consiste à donner explicitement au vecteur la forme (64, 1, 1).
# Les axes de taille 1 se diffusent alors sur les lignes et les colonnes de chaque image.

# %%
scaled_pt = lot_pt * torch.from_numpy(weights).reshape(64, 1, 1)
scaled_tf = lot_tf * tf.reshape(weights, (64, 1, 1))
print(f"Formes du résultat : {tuple(scaled_pt.shape)} et {tuple(scaled_tf.shape)}")

# %% [markdown]
# ## Le produit matriciel
#
# Une couche dense d'un réseau calcule $Y = XW + b$ : le lot d'entrées $X$,
# de forme $(N, n)$, est multiplié par une matrice de poids $W$ de forme $(n, m)$,
# puis on ajoute le vecteur de biais $b$, de forme $(m,)$, par diffusion.
# Le résultat a la forme $(N, m)$.
#
# Le **produit matriciel** ne suit pas la règle de diffusion : les deux dimensions intérieures
# doivent être égales ($n$ ici). Chaque élément du résultat est la somme de $n$ produits :
#
# $$
# Y_{ij} = \sum_{k=1}^{n} X_{ik} W_{kj} + b_j
# $$
#
# En Python, l'opérateur `@` calcule le produit matriciel, dans les trois bibliothèques.
# Attention à ne pas le confondre avec `*`, qui multiplie élément par élément.

# %% [markdown]
# Calculons ce produit pour 256 images aplaties en vecteurs de 784 pixels
# et une couche de 128 neurones. Nous centrons et réduisons les pixels, et nous tirons
# les poids au hasard avec l'écart-type $\sqrt{2/784}$, comme le ferait l'initialisation
# d'un vrai réseau : les sorties restent ainsi de l'ordre de l'unité.

# %%
x = centred[:256].reshape(256, 784).numpy()  # (256, 784), float32
x = x / x.std()
w = (rng.standard_normal((784, 128)) * np.sqrt(2 / 784)).astype(np.float32)
b = np.zeros(128, dtype=np.float32)

y_np = x @ w + b
y_pt = (torch.from_numpy(x) @ torch.from_numpy(w) + torch.from_numpy(b)).numpy()
with tf.device("/CPU:0"):  # même processeur pour les trois calculs
    y_tf = (tf.constant(x) @ tf.constant(w) + tf.constant(b)).numpy()

print(f"Formes : X {x.shape} @ W {w.shape} + b {b.shape} -> Y {y_np.shape}")
print(f"Plus grande valeur absolue de Y : {fr(np.abs(y_np).max(), 3)}")

# %% [markdown]
# Les trois bibliothèques donnent-elles exactement le même résultat ? Comparons-les deux à deux,
# ainsi qu'à un calcul de référence en `float64`, bien plus précis.

# %%
y_ref = x.astype(np.float64) @ w.astype(np.float64)
results = {"NumPy": y_np, "PyTorch": y_pt, "TensorFlow": y_tf}
names = list(results)
pair_diffs = []
for i, first in enumerate(names):
    for second in names[i + 1 :]:
        diff = np.abs(results[first] - results[second]).max()
        pair_diffs.append(diff)
        print(f"{first:<10} vs {second:<10} : écart maximal {diff:.1e}")
for name, y in results.items():
    print(f"{name:<10} vs float64    : écart maximal {np.abs(y - y_ref).max():.1e}")

matmul_max_abs_diff = float(max(pair_diffs))
print(f"Bits identiques NumPy/PyTorch : {np.array_equal(y_np, y_pt)}")

# %% [markdown]
# Les résultats sont presque égaux, mais pas identiques au bit près. Un `float32` garde environ
# 7 chiffres significatifs, et chaque élément de $Y$ est une somme de 784 produits.
# Chaque bibliothèque additionne ces produits dans un ordre différent, optimisé pour
# le processeur. Or l'addition des nombres à virgule n'est pas associative :
# $(a + b) + c$ et $a + (b + c)$ peuvent différer au dernier chiffre.
#
# Des écarts aussi petits sont sans importance pour un réseau de neurones.
# Retenez la leçon : on compare deux calculs en virgule flottante avec une **tolérance**,
# jamais avec `==`. C'est ce que font `np.allclose` et `torch.allclose`.
# La construction de ce site vérifie d'ailleurs que l'écart maximal reste sous $10^{-5}$.

# %% [markdown]
# ## Changer de forme : `reshape` et `flatten`
#
# Une couche dense attend des vecteurs. Il faut donc **aplatir** chaque image de 28 × 28 pixels
# en un vecteur de 784 valeurs : le lot passe de (64, 28, 28) à (64, 784).
#
# `reshape` change la forme sans changer l'ordre des valeurs en mémoire.
# La nouvelle forme doit contenir le même nombre d'éléments ; la valeur `-1` demande
# au framework de calculer lui-même la taille d'un axe.

# %%
lot_np = batch_np  # (64, 28, 28), uint8
flat_pt = torch.from_numpy(lot_np).reshape(64, -1)
flat_pt_bis = torch.from_numpy(lot_np).flatten(start_dim=1)  # tout aplatir sauf l'axe 0
flat_tf = tf.reshape(lot_np, (64, -1))
flat_keras = keras.layers.Flatten()(tf.constant(lot_np))  # la couche de Keras

print(f"reshape (PyTorch)    : {tuple(flat_pt.shape)}")
print(f"flatten (PyTorch)    : {tuple(flat_pt_bis.shape)}")
print(f"reshape (TensorFlow) : {tuple(flat_tf.shape)}")
print(f"Flatten (Keras)      : {tuple(flat_keras.shape)}")
print(f"Même ordre des pixels : {np.array_equal(flat_pt.numpy(), flat_tf.numpy())}")

# %% [markdown]
# Les quatre écritures donnent le même résultat. La vingt-neuvième valeur d'un vecteur aplati est
# le premier pixel de la deuxième ligne de l'image : les lignes sont mises bout à bout.

# %% [markdown]
# ### Le piège : `reshape` n'est pas une permutation
#
# Pour passer de NHWC à NCHW, il est tentant d'écrire `reshape(8, 3, 32, 32)`.
# La forme obtenue est la bonne, mais les valeurs sont mélangées : `reshape` redécoupe
# la suite des valeurs sans les déplacer, alors que la permutation les réordonne.

# %%
wrong = torch.from_numpy(colour_nhwc).reshape(8, 3, 32, 32)
right = torch.from_numpy(colour_nhwc).permute(0, 3, 1, 2)
print(f"Mêmes formes : {wrong.shape == right.shape}")
print(f"Mêmes valeurs : {torch.equal(wrong, right)}")
print(f"Pixels différents : {fr(100 * (wrong != right).float().mean().item(), 1)} %")

# %% [markdown]
# Aucune erreur n'est levée : le réseau s'entraînerait sur des images brouillées,
# et le bogue ne se verrait qu'à la fin, par une exactitude décevante.
# Retenez : `reshape` pour regrouper ou séparer des axes voisins, `permute` (ou `tf.transpose`)
# pour changer leur ordre.
#
# Un détail propre à PyTorch : après `permute`, le tenseur n'est plus **contigu** en mémoire.
# La méthode `view`, une variante de `reshape` qui ne copie jamais, le refuse alors.

# %%
try:
    right.view(8, -1)
except RuntimeError as error:
    print(f"view : {str(error).split(' (')[0]}…")  # le début du message
print(f"contiguous().view : {tuple(right.contiguous().view(8, -1).shape)}")
print(f"reshape           : {tuple(right.reshape(8, -1).shape)} (copie si nécessaire)")

# %% [markdown]
# `reshape` fait une copie seulement quand c'est nécessaire : c'est le choix le plus simple.
# TensorFlow n'a pas cette distinction, `tf.reshape` suffit toujours.

# %% [markdown]
# ## Type et appareil
#
# ### Le type : mémoire et précision
#
# Le type des nombres fixe la mémoire occupée. Comparons le jeu d'entraînement de Fashion-MNIST
# dans trois types : les entiers d'origine sur un octet, puis des nombres à virgule
# sur 32 et sur 64 bits.

# %%
for dtype in (np.uint8, np.float32, np.float64):
    info = np.dtype(dtype)
    size = x_train.size * info.itemsize / 2**20  # nombre de pixels × octets par pixel
    print(f"{info.name:<8} {info.itemsize} octet(s) par pixel : {fr(size, 0):>4} Mio")

# %% [markdown]
# Le passage de `uint8` à `float32` multiplie la mémoire par 4 : c'est le prix de calculs
# en nombres à virgule. Le `float64` la double encore, pour une précision dont un réseau
# n'a pas besoin. Les frameworks travaillent donc en `float32` par défaut.

# %% [markdown]
# ### Les erreurs de type les plus courantes
#
# Un tableau NumPy à virgule est en `float64` par défaut, et `torch.from_numpy` conserve ce type.
# Si vous donnez ce tenseur à une couche PyTorch, dont les poids sont en `float32`,
# le calcul échoue. TensorFlow, lui, refuse même d'additionner un entier et un nombre à virgule.

# %%
layer = torch.nn.Linear(3, 2)  # poids en float32
housing64 = np.array(housing, dtype=np.float64)  # le type par défaut de NumPy
try:
    layer(torch.from_numpy(housing64))
except RuntimeError as error:
    print(f"PyTorch    : {error}")
print(f"PyTorch, après .float() : sortie {tuple(layer(torch.from_numpy(housing64).float()).shape)}")

try:
    tf.constant([1, 2]) + tf.constant([0.5, 0.5])
except tf.errors.InvalidArgumentError as error:
    essential = error.message.split(" was ")[-1].split(" [Op:")[0]  # l'essentiel du message
    print(f"TensorFlow : {essential}")
print(f"TensorFlow, après tf.cast : {tf.cast(tf.constant([1, 2]), tf.float32) + 0.5}")

# %% [markdown]
# La correction est toujours la même : convertir explicitement, avec `.float()`
# ou `.to(torch.float32)` pour PyTorch, `tf.cast(x, tf.float32)` pour TensorFlow.
# Le plus simple est de convertir les données une fois pour toutes, dès le chargement.

# %% [markdown]
# ### L'appareil : CPU ou GPU
#
# Un calcul combine des tenseurs situés au même endroit. Avec PyTorch, c'est vous qui déplacez
# les tenseurs avec `.to(device)` ; un calcul entre un tenseur du CPU et un tenseur du GPU
# lève une erreur. TensorFlow place lui-même les tenseurs sur le GPU s'il en trouve un,
# et `with tf.device(...)` permet d'imposer un appareil, comme pour le produit matriciel
# plus haut.

# %%
moved = images_pt[:64].to(device)  # copie vers le GPU s'il existe, rien sinon
print(f"PyTorch : GPU disponible : {torch.cuda.is_available()}, tenseur sur {moved.device}")
print(f"TensorFlow : GPU visibles : {tf.config.list_physical_devices('GPU')}")
print(f"TensorFlow : tenseur sur {tf.constant(1.0).device}")

# %% [markdown]
# Sur la machine qui a construit ce site, il n'y a pas de GPU : tout vit sur le CPU.
# Le même code fonctionne sur Colab avec un GPU, sans changer une ligne.

# %% [markdown]
# ## Récapitulatif
#
# - Un tenseur se décrit par sa forme, son rang, sa taille, son type et son appareil.
# - Le premier axe compte les exemples. Tableau : (N, variables) ; série temporelle :
#   (N, temps, variables) ; images : (N, H, W, C) pour TensorFlow, (N, C, H, W) pour PyTorch ;
#   vidéo : un rang de plus.
# - `torch.from_numpy` partage la mémoire du tableau, `torch.tensor` et `tf.constant` la copient.
# - La diffusion aligne les formes par la droite ; elle remplace avantageusement les boucles Python.
# - Le produit matriciel `@` exige des dimensions intérieures égales ; deux bibliothèques
#   donnent des résultats égaux à une tolérance près, pas au bit près.
# - `reshape` regroupe des axes, `permute` et `tf.transpose` les réordonnent : ne les confondez pas.
# - Travaillez en `float32` et convertissez les données une fois, dès le chargement.
#
# Voici un aide-mémoire des opérations vues ici.
#
# === "PyTorch"
#
#     ```python
#     torch.from_numpy(a)      # NumPy vers tenseur, mémoire partagée
#     x.numpy()                # tenseur vers NumPy (x.cpu() d'abord sur GPU)
#     x.unsqueeze(1)           # ajouter un axe de taille 1
#     x.permute(0, 3, 1, 2)    # NHWC vers NCHW
#     x.reshape(n, -1)         # aplatir chaque exemple
#     x @ w + b                # couche dense
#     x.float()                # convertir en float32
#     x.to(device)             # changer d'appareil
#     ```
#
# === "TensorFlow"
#
#     ```python
#     tf.constant(a)                  # NumPy vers tenseur, copie
#     x.numpy()                       # tenseur vers NumPy
#     tf.expand_dims(x, -1)           # ajouter un axe de taille 1
#     tf.transpose(x, [0, 3, 1, 2])   # NHWC vers NCHW
#     tf.reshape(x, (n, -1))          # aplatir chaque exemple
#     x @ w + b                       # couche dense
#     tf.cast(x, tf.float32)          # convertir en float32
#     with tf.device("/GPU:0"): ...   # imposer un appareil
#     ```

# %% [markdown]
# ## Exercices
#
# ### Exercice 1 : aller et retour entre NCHW et NHWC
#
# Partez du lot `colour_nchw_pt` (format NCHW). Remettez-le au format NHWC avec PyTorch,
# puis vérifiez que vous retrouvez exactement `colour_nhwc`. Faites de même avec TensorFlow
# à partir de `colour_nchw_tf`.
#
# Indice : quelle permutation annule `(0, 3, 1, 2)` ?

# %%
# Solution
back_pt = colour_nchw_pt.permute(0, 2, 3, 1)  # N, H, W, C
back_tf = tf.transpose(colour_nchw_tf, perm=[0, 2, 3, 1])
for name, back in [("PyTorch", back_pt), ("TensorFlow", back_tf)]:
    same = np.array_equal(back.numpy(), colour_nhwc)
    print(f"{name:<10} : {tuple(back.shape)}, identique à colour_nhwc : {same}")

# %% [markdown]
# ### Exercice 2 : encoder les classes en *one-hot*
#
# Les classes des 64 images du lot sont dans `y_train[:64]`, des entiers de 0 à 9.
# Encodez-les en *one-hot* avec `torch.nn.functional.one_hot` et avec `tf.one_hot`.
# Vérifiez que les deux résultats ont la forme (64, 10) et les mêmes valeurs.
# Déduisez-en, par une somme sur le bon axe, le nombre d'images de chaque classe dans le lot.

# %%
# Solution
labels = y_train[:64].astype(np.int64)
one_hot_pt = torch.nn.functional.one_hot(torch.from_numpy(labels), num_classes=10)
one_hot_tf = tf.one_hot(labels, depth=10)
print(f"Formes : {tuple(one_hot_pt.shape)} et {tuple(one_hot_tf.shape)}")
print(f"Mêmes valeurs : {np.array_equal(one_hot_pt.numpy(), one_hot_tf.numpy())}")
print(f"Images par classe : {one_hot_pt.sum(dim=0).tolist()}")  # somme sur l'axe des exemples

# %% [markdown]
# ### Exercice 3 : des distances par diffusion
#
# Les 5 logements sont 5 points dans un espace à 3 dimensions. Partez de leurs variables
# standardisées, `standard_pt`, et calculez la matrice (5, 5) des distances euclidiennes
# entre tous les couples de logements, **sans boucle** : donnez aux données les formes
# (5, 1, 3) et (1, 5, 3), soustrayez, puis réduisez le dernier axe.
# Comparez avec `torch.cdist`.

# %%
# Solution
rows = standard_pt.unsqueeze(1)  # (5, 1, 3)
columns = standard_pt.unsqueeze(0)  # (1, 5, 3)
difference = rows - columns  # diffusion : (5, 5, 3)
distances = difference.pow(2).sum(dim=-1).sqrt()  # (5, 5)
print(distances.numpy().round(2))
reference = torch.cdist(standard_pt, standard_pt)
print(f"Égal à torch.cdist : {torch.allclose(distances, reference, atol=1e-5)}")

# %% [markdown]
# Pourquoi partir des données standardisées ? Sans cela, la surface (des dizaines de m²)
# écraserait le nombre de pièces dans le calcul des distances.

# %% [markdown]
# ## Testez-vous
#
# Six questions sur les tenseurs que ce tutoriel a construits ; répondez avant de déplier
# l'explication de chaque choix.
#
# !!! quiz "Empiler trois indicateurs"
#     `price`, `volume` et `spread` ont chacun la forme `(20, 390)` : 20 séances de 390 minutes.
#     Quelle forme a `np.stack([price, volume, spread], axis=0)` ?
#
#     - [ ] `(20, 390, 3)`
#       C'est la forme obtenue avec `axis=-1`, comme dans le tutoriel : le nouvel axe s'ajoute alors
#       à la fin.
#     - [x] `(3, 20, 390)`
#       `np.stack` crée un nouvel axe à la position demandée. Avec `axis=0`, il vient en tête et
#       compte les trois indicateurs.
#     - [ ] `(60, 390)`
#       Ce serait `np.concatenate` sur l'axe 0, qui met les tableaux bout à bout sans créer d'axe.
#     - [ ] `(20, 1170)`
#       Ce serait une concaténation sur l'axe des minutes. `np.stack` ne fusionne aucun axe, il en
#       ajoute un.
#
# !!! quiz "Un pixel dans le vecteur aplati"
#     Une image de 28 × 28 pixels est aplatie par `reshape(64, -1)`, qui met ses lignes bout à bout.
#     Les indices partent de 0. Quel pixel de l'image se trouve à la position 30 du vecteur ?
#
#     - [x] Ligne 1, colonne 2.
#       Chaque ligne occupe 28 positions : la ligne 0 va de 0 à 27, la ligne 1 commence à 28, et
#       30 = 28 × 1 + 2.
#     - [ ] Ligne 2, colonne 1.
#       La position vaut 28 × ligne + colonne : la ligne 2, colonne 1 est à la position 57.
#     - [ ] Ligne 30, colonne 0.
#       L'image n'a que 28 lignes. `reshape` parcourt toutes les colonnes d'une ligne avant de
#       passer à la suivante.
#     - [ ] Cela dépend de la bibliothèque.
#       Le tutoriel l'a vérifié : PyTorch, TensorFlow et la couche `Flatten` de Keras rangent les
#       pixels dans le même ordre.
#
# !!! quiz "Passer au format NCHW"
#     `colour_nhwc` est un lot de forme `(8, 32, 32, 3)`, au format NHWC. Quelles écritures donnent
#     ce lot au format NCHW, chaque valeur à sa place ?
#
#     - [x] `torch.from_numpy(colour_nhwc).permute(0, 3, 1, 2)`
#       Le nouvel axe 1 est l'ancien axe 3, celui des canaux : la forme devient `(8, 3, 32, 32)` et
#       les valeurs sont réordonnées.
#     - [x] `tf.transpose(colour_nhwc, perm=[0, 3, 1, 2])`
#       Même liste d'axes, même résultat : le tutoriel a vérifié que les deux bibliothèques donnent
#       les mêmes valeurs.
#     - [ ] `torch.from_numpy(colour_nhwc).reshape(8, 3, 32, 32)`
#       La forme est la bonne et aucune erreur n'est levée, mais `reshape` redécoupe la suite des
#       valeurs sans les déplacer : les pixels sont brouillés.
#     - [ ] `torch.from_numpy(colour_nhwc).permute(0, 2, 3, 1)`
#       Cette permutation donne la forme `(8, 32, 3, 32)` : elle met en position 1 l'ancien axe 2,
#       la largeur, et non les canaux.
#
# !!! quiz "Un coefficient par image"
#     `lot_pt` a la forme `(64, 28, 28)`. Vous voulez multiplier chaque image par son propre
#     coefficient, pris dans un vecteur de 64 valeurs. Quelle forme donner à ce vecteur pour que la
#     diffusion fasse le travail ?
#
#     - [ ] `(64,)`
#       Les formes s'alignent par la droite : 64 fait face à l'axe des colonnes, de taille 28, et
#       les deux bibliothèques lèvent une erreur.
#     - [ ] `(64, 1)`
#       Alignée par la droite, elle est vue comme `(1, 64, 1)` : 64 fait face à l'axe des lignes, de
#       taille 28, d'où une erreur.
#     - [x] `(64, 1, 1)`
#       Le 64 fait face à l'axe des images ; les deux axes de taille 1 se répètent sur les lignes et
#       les colonnes de chaque image.
#     - [ ] `(1, 1, 64)`
#       Le 64 tombe encore sur l'axe des colonnes : 64 et 28 ne s'accordent pas.
#
# !!! quiz "Qui voit la modification ?"
#     `source = np.zeros(3, dtype=np.float32)`, puis `shared_pt = torch.from_numpy(source)`,
#     `copied_pt = torch.tensor(source)` et `copied_tf = tf.constant(source)`. Après
#     `source[0] = 42.0`, lesquels de ces objets commencent par 42 ?
#
#     - [x] `shared_pt`
#       `torch.from_numpy` partage la mémoire du tableau : aucune copie, la modification se voit des
#       deux côtés.
#     - [ ] `copied_pt`
#       `torch.tensor` copie les valeurs au moment de l'appel : il garde ses zéros.
#     - [ ] `copied_tf`
#       `tf.constant` copie lui aussi, et un tenseur TensorFlow est de toute façon immuable.
#     - [x] `shared_pt.numpy()`
#       Ce tableau NumPy partage la mémoire de `shared_pt`, donc celle de `source` : le tutoriel l'a
#       vérifié avec `np.shares_memory`.
#
# !!! quiz "Deux écarts-types"
#     Le tutoriel standardise les 5 logements avec PyTorch (`housing_pt.std(dim=0)`) puis avec
#     TensorFlow (`tf.math.reduce_std`). Comment se comparent les deux écarts-types d'une même
#     colonne ?
#
#     - [x] Celui de PyTorch est plus grand, d'un facteur √(5/4).
#       PyTorch divise la somme des carrés des écarts par n − 1 = 4, TensorFlow par n = 5 ;
#       l'écart-type est la racine de ce quotient.
#     - [ ] Celui de TensorFlow est plus grand, d'un facteur √(5/4).
#       C'est l'inverse : diviser par 4 plutôt que par 5 donne un résultat plus grand.
#     - [ ] Celui de PyTorch est plus grand, d'un facteur 5/4.
#       5/4 est le rapport des variances ; celui des écarts-types en est la racine carrée.
#     - [ ] Ils sont égaux, à l'arrondi près.
#       Les deux bibliothèques n'emploient pas la même formule par défaut, et sur 5 lignes la
#       différence se voit. En PyTorch, `std(dim=0, correction=0)` fait le calcul de TensorFlow.

# %% [markdown]
# ## Pour aller plus loin
#
# - [Tensors][pt-tensors] : le tutoriel officiel de PyTorch sur les tenseurs.
# - [Introduction to Tensors][tf-tensors] : le guide de TensorFlow, avec de nombreux schémas
#   de formes et de diffusion.
# - [Broadcasting][np-broadcast] : la règle de diffusion expliquée par NumPy,
#   que PyTorch et TensorFlow reprennent à l'identique ([sémantique de PyTorch][pt-broadcast]).
# - [NumPy API on TensorFlow][tf-numpy] : l'interopérabilité entre TensorFlow et NumPy.
# - [What Every Computer Scientist Should Know About Floating-Point Arithmetic][goldberg] :
#   l'article de référence de David Goldberg (1991) sur les calculs en virgule flottante.
#
# [pt-tensors]: https://docs.pytorch.org/tutorials/beginner/basics/tensorqs_tutorial.html
# [tf-tensors]: https://www.tensorflow.org/guide/tensor
# [np-broadcast]: https://numpy.org/doc/stable/user/basics.broadcasting.html
# [pt-broadcast]: https://docs.pytorch.org/docs/stable/notes/broadcasting.html
# [tf-numpy]: https://www.tensorflow.org/guide/tf_numpy
# [goldberg]: https://docs.oracle.com/cd/E19957-01/806-3568/ncg_goldberg.html
