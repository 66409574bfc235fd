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
#     titre: Un projet Kaggle de bout en bout
#     description: Un CSV de Kaggle exploré, une base scikit-learn battue, une soumission vérifiée.
#     niveau: intermédiaire
#     duree: 1 h 30
#     prerequis:
#     - Premier réseau convolutif (CNN)
#     - Le surapprentissage (validation, augmentation de données)
#     - Jeux de données et Kaggle
#     gpu: Facultatif, tout le tutoriel s'exécute en quelques minutes sur le CPU d'un portable.
#     metriques:
#     - nom: test_accuracy
#       libelle: Exactitude de la soumission sur le jeu de test
#       unite: pourcentage
#       min: 0.9
#     - nom: baseline_accuracy
#       libelle: Exactitude de validation de la base scikit-learn
#       unite: pourcentage
#       min: 0.82
#     - nom: train_seconds
#       libelle: Durée des deux entraînements du CNN
#       unite: secondes
#       max_calibrations: 5000
#     resultats:
#     - resultats/soumission.json
# ---

# %% [markdown]
# # Un projet Kaggle de bout en bout
#
# [Kaggle](https://www.kaggle.com/) organise des compétitions d'apprentissage automatique :
# l'organisateur publie des données d'entraînement étiquetées et des données de test sans
# étiquettes ; chaque participant envoie un fichier de prédictions, une **soumission**,
# que Kaggle note et range dans un classement.
#
# Ce tutoriel suit ce parcours du début à la fin, sur Fashion-MNIST : les fichiers CSV tels
# que Kaggle les distribue, une exploration avec pandas, une base de référence avec
# scikit-learn, puis un réseau convolutif entraîné avec de l'augmentation de données, et enfin
# un fichier `submission.csv` vérifié par du code. Chaque choix se fait sur un jeu de validation ;
# le jeu de test ne sert qu'une fois, à la fin, comme le ferait le classement de Kaggle.
#
# Tout s'exécute hors ligne : le tutoriel fabrique lui-même les fichiers de Kaggle à partir
# des données du chargeur officiel, et montre les commandes qui les téléchargent chez vous.

# %% [markdown]
# ## Objectifs
#
# À la fin de ce tutoriel, vous saurez :
#
# - lire et explorer un jeu de données tabulaire de Kaggle avec pandas ;
# - fixer un découpage de validation une fois pour toutes, et y faire tous vos choix ;
# - construire d'abord une base de référence rapide avec scikit-learn ;
# - écrire un `Dataset` PyTorch au-dessus d'un `DataFrame`, et augmenter les données par lots ;
# - produire un fichier de soumission au format attendu, et le vérifier avant de l'envoyer ;
# - expliquer la différence entre classement public et classement privé, et pourquoi Kaggle
#   limite le nombre de soumissions par jour.
#
# ## Prérequis
#
# - Le tutoriel « Premier réseau convolutif (CNN) » : nous reprenons son réseau et sa recette
#   d'entraînement (Adam, OneCycle, lissage des étiquettes).
# - La page [Le surapprentissage](../surapprentissage.md) : validation, augmentation de données.
# - La page [Jeux de données et Kaggle](../donnees.md) : ce qu'est Kaggle, compte et compétitions.
# - Un environnement avec `torch`, `torchvision`, `pandas`, `scikit-learn` et `matplotlib`.

# %% [markdown]
# ## Mise en place
#
# Les imports, la graine aléatoire et une petite fonction qui écrit les nombres à la française.
# Tous les fichiers de ce tutoriel sont écrits dans le dossier `kaggle/`, à côté du notebook.

# %%
import json
import os
import time
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import sklearn
import torch
import torch.nn.functional as F
import torchvision
from sklearn.dummy import DummyClassifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from torch import nn
from torch.utils.data import DataLoader, Dataset

SEED = 0
torch.manual_seed(SEED)
KAGGLE_DIR = Path("kaggle")
KAGGLE_DIR.mkdir(exist_ok=True)


def fr(x, decimals=2):
    """Écrit un nombre à la française : virgule décimale, vrai signe moins."""
    return f"{x:.{decimals}f}".replace(".", ",").replace("-", "\u2212")


def thousands(n):
    """Un entier à la française : 77 028 (espace insécable entre les milliers)."""
    return f"{n:,}".replace(",", "\u00a0")


def pct(x, decimals=2):
    """Une proportion en pourcentage, à la française."""
    return fr(100 * x, decimals) + "\u00a0%"


def points(x, decimals=2, sign=False):
    """L'écart entre deux proportions, en points de pourcentage (« point » au singulier sous 2)."""
    text = f"{100 * x:{'+' if sign else ''}.{decimals}f}".replace(".", ",").replace("-", "\u2212")
    return text + (" points" if abs(100 * x) >= 2 else " point")


print(f"pandas {pd.__version__}, scikit-learn {sklearn.__version__}")
n_threads = torch.get_num_threads()
print(f"PyTorch {torch.__version__} ({n_threads} fil{'s' * (n_threads > 1)} d'exécution CPU)")

# %% [markdown]
# ## Les fichiers de Kaggle
#
# ### Ce que Kaggle distribue
#
# Zalando Research publie Fashion-MNIST sur Kaggle sous l'identifiant
# [`zalando-research/fashionmnist`](https://www.kaggle.com/datasets/zalando-research/fashionmnist).
# On y trouve deux fichiers CSV, `fashion-mnist_train.csv` (60 000 lignes) et
# `fashion-mnist_test.csv` (10 000 lignes). Chaque ligne est une image : une colonne `label`
# (la classe, de 0 à 9), puis 784 colonnes `pixel1` à `pixel784`, les pixels de l'image
# 28 × 28 lus ligne par ligne, de 0 (fond) à 255.
#
# Chez vous, avec un compte Kaggle, le client en ligne de commande officiel télécharge ces fichiers.
# Il s'installe avec `pip install kaggle` et s'authentifie avec un jeton créé dans les réglages
# de votre compte ([documentation de l'API Kaggle](https://www.kaggle.com/docs/api)).
# Voici les commandes, que ce tutoriel **n'exécute pas** (syntaxe tirée de la documentation
# du client pour [les jeux de données][kaggle-datasets] et
# [les compétitions][kaggle-competitions]) :
#
# ```bash
# # Le jeu de données, décompressé dans le dossier kaggle/
# kaggle datasets download zalando-research/fashionmnist -p kaggle --unzip
#
# # Pour une compétition (après avoir accepté son règlement sur le site) :
# kaggle competitions download NOM-DE-LA-COMPETITION -p kaggle
# kaggle competitions submit NOM-DE-LA-COMPETITION -f kaggle/submission.csv -m "CNN + augmentation"
# kaggle competitions submissions NOM-DE-LA-COMPETITION
# ```
#
# `NOM-DE-LA-COMPETITION` est le suffixe de l'adresse de la compétition, par exemple `titanic`
# pour `https://www.kaggle.com/competitions/titanic`. L'option `-m` donne un message qui
# décrit la soumission : vous le retrouverez dans la liste de vos soumissions.
#
# [kaggle-datasets]: https://github.com/Kaggle/kaggle-api/blob/main/documentation/datasets.md
# [kaggle-competitions]: https://github.com/Kaggle/kaggle-api/blob/main/documentation/competitions.md

# %% [markdown]
# ### Les mêmes fichiers, fabriqués ici
#
# La construction de ce site n'a pas accès à Internet. Nous **fabriquons donc ces deux fichiers
# nous-mêmes**, au même format, à partir des images que fournit le chargeur officiel de
# `torchvision`, rangées dans l'ordre de ce chargeur. Si vous avez téléchargé les fichiers
# de Kaggle, sautez cette cellule : la suite du tutoriel ne lit plus que les fichiers CSV.

# %%
DATA_DIR = os.environ.get("ATELIER_DATA", "data")  # la construction du site n'y télécharge rien
PIXELS = [f"pixel{i}" for i in range(1, 28 * 28 + 1)]

start = time.perf_counter()
for train, name in [(True, "fashion-mnist_train.csv"), (False, "fashion-mnist_test.csv")]:
    official = torchvision.datasets.FashionMNIST(DATA_DIR, train=train, download=True)
    table = pd.DataFrame(official.data.reshape(len(official.data), -1).numpy(), columns=PIXELS)
    table.insert(0, "label", official.targets.numpy())
    table.to_csv(KAGGLE_DIR / name, index=False)
    size = (KAGGLE_DIR / name).stat().st_size / 2**20
    print(f"{name:<26}{thousands(len(table)):>7} lignes {fr(size, 1):>7} Mio")
print(f"Écriture des fichiers : {fr(time.perf_counter() - start, 1)} s")
with open(KAGGLE_DIR / "fashion-mnist_train.csv") as f:
    print("Début de la première ligne :", f.readline()[:60], "…")

# %% [markdown]
# Un fichier CSV est du texte : chaque pixel y occupe jusqu'à quatre caractères (trois chiffres
# et une virgule) au lieu d'un octet. Les fichiers sont donc bien plus gros que les fichiers
# binaires du chargeur officiel, mais tout outil sait les lire.

# %% [markdown]
# ### Une compétition, jouée à la maison
#
# Dans une compétition, le fichier de test n'a **pas** d'étiquettes : Kaggle les garde
# pour noter les soumissions. Chaque ligne de test porte en revanche un identifiant, que
# la soumission doit reprendre. Nous jouons les deux rôles :
#
# - l'**organisateur** retire la colonne `label` du fichier de test et la range à part
#   (`solution`), puis numérote les lignes dans une colonne `id`, de 0 à 9 999 ;
# - le **participant** ne voit que `train` et `test`, sans étiquettes, et un exemple
#   de soumission, `sample_submission.csv`.
#
# Le format `id,label` (une ligne par image de test, dans l'ordre de `test.csv`) est celui
# que nous choisissons pour cette compétition. Chaque compétition de Kaggle décrit le sien
# dans son onglet *Evaluation* et fournit un fichier d'exemple : la compétition d'initiation
# [*Digit Recognizer*](https://www.kaggle.com/competitions/digit-recognizer), sur les chiffres
# de MNIST, attend par exemple les colonnes `ImageId,Label`, avec des identifiants qui
# commencent à 1.
#
# Pandas lit un CSV avec `read_csv`. Sans indication, il range chaque entier sur 8 octets
# (`int64`) ; or nos valeurs tiennent dans un octet (`uint8`, de 0 à 255). Comparons la mémoire
# occupée par le fichier de test dans les deux cas.

# %%
test_int64 = pd.read_csv(KAGGLE_DIR / "fashion-mnist_test.csv")
test_df = pd.read_csv(KAGGLE_DIR / "fashion-mnist_test.csv", dtype=np.uint8)
for label, frame in [("sans dtype", test_int64), ("dtype=np.uint8", test_df)]:
    mib = frame.memory_usage(index=False).sum() / 2**20
    print(f"{label:<16}{frame.dtypes.iloc[1]!s:>7} {fr(mib, 1):>6} Mio")
del test_int64

# Le rôle de l'organisateur : les étiquettes de test sont mises de côté.
solution = test_df.pop("label").astype(np.int64).to_numpy()
test_df = pd.concat([pd.Series(np.arange(len(test_df)), name="id"), test_df], axis=1)
sample_submission = pd.DataFrame({"id": test_df["id"], "label": 0})
sample_submission.to_csv(KAGGLE_DIR / "sample_submission.csv", index=False)
print(f"test : {thousands(test_df.shape[0])} lignes, colonnes {list(test_df.columns[:3])} …")
print(sample_submission.head(3).to_string(index=False))

# %% [markdown]
# Huit fois moins de mémoire avec `dtype=np.uint8` : pour des fichiers plus gros que la mémoire
# de votre machine, ce réglage fait la différence entre pouvoir travailler ou non.
# Le participant lit maintenant le fichier d'entraînement de la même façon.

# %%
start = time.perf_counter()
train_df = pd.read_csv(KAGGLE_DIR / "fashion-mnist_train.csv", dtype=np.uint8)
print(f"Lecture de fashion-mnist_train.csv : {fr(time.perf_counter() - start, 1)} s")
print(f"Forme : {train_df.shape}, mémoire {fr(train_df.memory_usage().sum() / 2**20, 1)} Mio")
train_df.iloc[:5, :8]

# %% [markdown]
# ## Explorer les données
#
# Avant tout modèle, on regarde les données. Quatre questions simples évitent bien
# des surprises : manque-t-il des valeurs ? Y a-t-il des doublons ? Les classes sont-elles
# équilibrées ? À quoi ressemblent les images ?
#
# ### Valeurs manquantes, doublons, équilibre des classes

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
print(f"Valeurs manquantes : {int(train_df.isna().sum().sum())}")
print(f"Lignes en double dans l'entraînement : {int(train_df.duplicated().sum())}")
print("Images de test identiques à une image d'entraînement : ", end="")
train_keys = set(pd.util.hash_pandas_object(train_df[PIXELS], index=False))
print(sum(key in train_keys for key in pd.util.hash_pandas_object(test_df[PIXELS], index=False)))

counts = train_df["label"].value_counts().sort_index()
balance = pd.DataFrame({"classe": CLASS_NAMES, "images": counts.to_numpy()})
balance["part"] = [pct(c / len(train_df), 1) for c in counts]
print(balance.to_string(index=False))

# %% [markdown]
# Lisez les compteurs : valeurs manquantes, doublons, images de test déjà vues à
# l'entraînement. Une image de test présente aussi dans l'entraînement donnerait un score
# trop facile, qui ne dirait rien de la généralisation. Chaque classe a le même nombre
# d'images : l'exactitude est donc une mesure raisonnable, et un modèle qui répondrait
# toujours la même classe n'aurait qu'une image sur dix de juste. Un jeu de Kaggle moins
# soigné mérite ces mêmes vérifications, et souvent davantage.
#
# ### Les pixels
#
# `describe` résume une colonne : effectif, moyenne, écart-type, minimum, quartiles, maximum.
# Regardons un pixel du coin de l'image, un pixel du centre, puis la luminosité moyenne
# de chaque classe.

# %%
print(train_df[["pixel1", "pixel407"]].describe().round(1).to_string())
pixel_values = train_df[PIXELS].to_numpy()
print(f"\nPixels nuls (fond) : {pct((pixel_values == 0).mean(), 1)}")
brightness = train_df[PIXELS].mean(axis=1).groupby(train_df["label"]).mean()
print("Luminosité moyenne par classe (0 à 255) :")
print(", ".join(f"{CLASS_NAMES[c]} {fr(v, 0)}" for c, v in brightness.items()))

# %% [markdown]
# Le pixel du coin vaut presque toujours 0 : il n'apprend rien au modèle. Une bonne part des
# pixels sont du fond. Les classes n'ont pas la même luminosité moyenne : un sac ou un pull
# couvrent plus de surface qu'une sandale. Cette seule information permettrait déjà
# de distinguer quelques classes.
#
# ### Quelques images
#
# Une ligne du `DataFrame` redevient une image avec `reshape(28, 28)`. En haut, la première
# image de chaque classe ; en bas, l'image moyenne de la classe.

# %% alt="Une image par classe en haut, l'image moyenne de chaque classe en bas."
fig, axes = plt.subplots(2, 10, figsize=(12, 3))
class_means = train_df.groupby("label")[PIXELS].mean()
for c in range(10):
    first = train_df.loc[train_df["label"] == c, PIXELS].iloc[0].to_numpy()
    axes[0, c].imshow(first.reshape(28, 28), cmap="gray_r")
    axes[0, c].set_title(CLASS_NAMES[c], fontsize=9)
    axes[1, c].imshow(class_means.loc[c].to_numpy().reshape(28, 28), cmap="gray_r")
for ax in axes.flat:
    ax.axis("off")
fig.tight_layout()
plt.show()

# %% [markdown]
# *Figure 1. En haut, une image de chaque classe (foncé = valeur élevée). En bas, la moyenne
# des 6 000 images de la classe.*
#
# Les moyennes sont nettes : les images sont centrées et cadrées de la même façon.
# Les silhouettes du T-shirt, du pull, du manteau et de la chemise se ressemblent beaucoup :
# attendez-vous à ce que les modèles les confondent.

# %% [markdown]
# ## Un découpage de validation, fixé une fois pour toutes
#
# Le classement de Kaggle ne doit pas servir à choisir un modèle (nous verrons pourquoi plus bas).
# Nous mettons donc de côté 10 % des images d'entraînement comme **jeu de validation** :
# chaque choix de ce tutoriel (base ou réseau, avec ou sans augmentation) se fera sur lui.
#
# `train_test_split` de scikit-learn tire ce découpage avec une graine fixe (`random_state`),
# et l'option `stratify` garde dans chaque partie les proportions des classes.
# Le découpage porte sur les numéros de lignes du fichier d'entraînement.

# %%
labels = train_df["label"].to_numpy().astype(np.int64)
train_index, val_index = train_test_split(
    np.arange(len(train_df)), test_size=0.1, stratify=labels, random_state=SEED
)
print(
    f"Entraînement : {thousands(len(train_index))} images, "
    f"validation : {thousands(len(val_index))} images"
)
val_counts = np.bincount(labels[val_index], minlength=10)
if val_counts.min() == val_counts.max():
    print(f"Images de validation par classe : {val_counts.min()} pour chacune")
else:
    print(f"Images de validation par classe : de {val_counts.min()} à {val_counts.max()}")

# %% [markdown]
# ## D'abord une base de référence
#
# Avant un réseau de neurones, on entraîne un modèle simple et rapide. Il donne un
# **score à battre** : un réseau qui ne fait pas mieux cache un problème (données mal
# préparées, erreur dans la boucle). Et il est souvent bien meilleur qu'on ne le croit.
#
# Deux bases, avec scikit-learn :
#
# - `DummyClassifier` répond toujours la classe la plus fréquente : c'est le plancher ;
# - la **régression logistique** (`LogisticRegression`) est un modèle linéaire : un score
#   par classe, somme pondérée des pixels, puis softmax. C'est un réseau sans couche cachée.
#
# Pour rester rapide, la régression logistique n'apprend que sur 10 000 images d'entraînement
# tirées au hasard, avec au plus 100 itérations de son optimiseur (`lbfgs`, le réglage par défaut).
# Les pixels sont divisés par 255.

# %%
rng = np.random.default_rng(SEED)
subset_index = rng.choice(train_index, size=10_000, replace=False)
x_subset = pixel_values[subset_index] / 255.0
x_val_flat = pixel_values[val_index] / 255.0
y_val_np = labels[val_index]

dummy = DummyClassifier(strategy="most_frequent").fit(x_subset, labels[subset_index])
dummy_accuracy = dummy.score(x_val_flat, y_val_np)

start = time.perf_counter()
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always", ConvergenceWarning)
    logistic = LogisticRegression(max_iter=100).fit(x_subset, labels[subset_index])
baseline_seconds = time.perf_counter() - start
baseline_accuracy = logistic.score(x_val_flat, y_val_np)
converged = not any(issubclass(w.category, ConvergenceWarning) for w in caught)

print(f"Classe la plus fréquente : validation {pct(dummy_accuracy)}")
print(f"Régression logistique   : validation {pct(baseline_accuracy)}")
print(f"  {logistic.n_iter_[0]} itérations en {fr(baseline_seconds, 1)} s", end="")
print(" (convergée)" if converged else " (arrêtée avant convergence)")

# %% [markdown]
# La régression logistique fait bien mieux que le hasard avec un modèle linéaire,
# sur une fraction des données et en quelques secondes. Si l'optimiseur s'est arrêté avant
# convergence, plus d'itérations ou plus d'images gagneraient encore un peu.
# Le réseau de neurones devra battre ce score sur la même validation.
#
# ## Un `Dataset` PyTorch au-dessus du `DataFrame`
#
# ### La classe
#
# Un `Dataset` PyTorch n'a besoin que de deux méthodes : `__len__` (le nombre d'exemples)
# et `__getitem__` (un exemple par son numéro). Le nôtre convertit le `DataFrame`
# **une seule fois** en tenseurs : pixels normalisés, forme (N, 1, 28, 28), et étiquettes
# s'il y en a (le fichier de test n'en a pas). Lire le `DataFrame` ligne par ligne à chaque
# lot serait bien trop lent.
#
# Nous ajoutons une troisième méthode, `__getitems__` : quand elle existe, le `DataLoader`
# lui demande tout un lot d'un coup, en une seule indexation du tenseur, au lieu d'appeler
# `__getitem__` image par image puis d'empiler le résultat. La
# [documentation de `Dataset`](https://docs.pytorch.org/docs/stable/data.html#torch.utils.data.Dataset)
# prévoit que `__getitems__` renvoie une liste d'exemples, que la fonction `collate_fn`
# du `DataLoader` assemble ensuite en lot ; la nôtre renvoie le lot déjà assemblé,
# et nous donnerons au `DataLoader` une `collate_fn` qui le laisse tel quel.
# La normalisation (moyenne et écart-type) est calculée sur les images d'entraînement
# seulement : la validation et le test ne doivent rien influencer.


# %%
class KaggleImages(Dataset):
    """Les images d'un DataFrame au format de Kaggle (colonnes pixel1 à pixel784, label
    facultative), converties une fois pour toutes en tenseurs normalisés."""

    def __init__(self, frame, mean, std):
        pixels = torch.tensor(frame[PIXELS].to_numpy(dtype=np.float32))  # une copie
        self.images = ((pixels / 255 - mean) / std).reshape(-1, 1, 28, 28)
        self.labels = (
            torch.tensor(frame["label"].to_numpy(dtype=np.int64))
            if "label" in frame
            else torch.full((len(frame),), -1)  # pas d'étiquette : -1
        )

    def __len__(self):
        return len(self.images)

    def __getitem__(self, i):
        return self.images[i], self.labels[i]

    def __getitems__(self, indices):
        batch = torch.as_tensor(indices)
        return self.images[batch], self.labels[batch]


train_pixels = pixel_values[train_index] / 255.0
MEAN, STD = float(train_pixels.mean()), float(train_pixels.std())
del train_pixels
train_ds = KaggleImages(train_df.iloc[train_index], MEAN, STD)
val_ds = KaggleImages(train_df.iloc[val_index], MEAN, STD)
test_ds = KaggleImages(test_df, MEAN, STD)
print(f"Moyenne {fr(MEAN, 4)}, écart-type {fr(STD, 4)} (entraînement seul)")
print(f"Entraînement {tuple(train_ds.images.shape)}, validation {len(val_ds)}, test {len(test_ds)}")
image, label = train_ds[0]
print(f"Un exemple : image {tuple(image.shape)}, étiquette {int(label)} ({CLASS_NAMES[label]})")

# %% [markdown]
# ### Image par image, ou lot par lot
#
# Le `DataLoader` forme les lots. Avec `__getitems__`, il nous passe le lot tout fait :
# la fonction `collate_fn` n'a plus rien à empiler et le renvoie tel quel. Chronométrons
# 50 lots de 256 images dans les deux cas : le chemin classique (`__getitem__` image par image,
# puis empilement par la fonction par défaut) et le chemin par lots.


# %%
def keep_batch(batch):
    """collate_fn : le lot est déjà formé par __getitems__."""
    return batch


class OneByOne(Dataset):
    """Le même jeu, sans __getitems__ : le DataLoader le lit image par image."""

    def __init__(self, dataset):
        self.dataset = dataset

    def __len__(self):
        return len(self.dataset)

    def __getitem__(self, i):
        return self.dataset[i]


def seconds_for(loader, n_batches=50):
    start = time.perf_counter()
    for i, _batch in enumerate(loader):
        if i + 1 == n_batches:
            break
    return time.perf_counter() - start


one_by_one = DataLoader(OneByOne(train_ds), batch_size=256, shuffle=True)
batched = DataLoader(train_ds, batch_size=256, shuffle=True, collate_fn=keep_batch)
slow, fast = seconds_for(one_by_one), seconds_for(batched)
xb, yb = next(iter(batched))
print(f"Un lot : images {tuple(xb.shape)}, étiquettes {tuple(yb.shape)}")
print(f"50 lots image par image : {fr(1000 * slow, 0)} ms ; par lots : {fr(1000 * fast, 0)} ms")
if fast < slow:
    print(f"Par lots : {fr(slow / fast, 1)} fois plus rapide.")
else:
    print(f"Par lots : {fr(fast / slow, 1)} fois plus lent sur cette machine, en ce moment.")

# %% [markdown]
# Le `DataLoader` reste l'outil standard : il mélange, découpe en lots et peut charger en
# parallèle des données lues sur disque. Quand tout le jeu tient déjà en mémoire, indexer tout
# un lot d'un coup évite des milliers de petits appels Python par époque, et c'est en général
# nettement plus rapide. Une exception, que vous pourriez observer ci-dessus : sur une
# machine que d'autres programmes occupent entièrement, l'indexation d'un lot, que PyTorch
# répartit sur plusieurs fils d'exécution, attend que chacun obtienne un cœur, et peut
# devenir plus lente que le chemin image par image. Mesurez toujours sur votre machine.

# %% [markdown]
# ## L'augmentation de données, par lots
#
# L'[augmentation de données](../surapprentissage.md#laugmentation-de-donnees) montre au
# réseau, à chaque époque, des versions légèrement modifiées des images d'entraînement.
# Les transformations ne doivent pas changer la classe. Pour des vêtements photographiés
# de face, deux transformations sont sûres :
#
# - le **retournement horizontal** : une chemise retournée reste une chemise. Ce ne serait
#   pas vrai pour des chiffres ou des lettres ;
# - un **petit décalage**, ici de deux pixels au plus dans chaque direction : on ajoute deux
#   rangées de fond autour de l'image, puis on y découpe une fenêtre 28 × 28 au hasard.
#
# Nous les appliquons à tout un lot d'un coup, avec des opérations sur tenseurs
# (chaque image tire son propre retournement et son propre décalage), et seulement
# pendant l'entraînement : la validation et le test voient les images d'origine.

# %% alt="Une image originale et ses variantes augmentées : décalées ou retournées."
BACKGROUND = -MEAN / STD  # la valeur d'un pixel de fond après normalisation
SHIFT = 2
OFFSETS = torch.arange(28)


def augment(images, generator):
    """Retournement horizontal et décalage de -SHIFT à +SHIFT pixels, image par image."""
    n = len(images)
    flip = torch.rand(n, generator=generator) < 0.5
    images = torch.where(flip[:, None, None, None], images.flip(-1), images)
    padded = F.pad(images, (SHIFT, SHIFT, SHIFT, SHIFT), value=BACKGROUND)
    dy, dx = torch.randint(0, 2 * SHIFT + 1, (2, n), generator=generator)
    rows = (dy[:, None] + OFFSETS)[:, :, None]  # (n, 28, 1)
    cols = (dx[:, None] + OFFSETS)[:, None, :]  # (n, 1, 28)
    return padded[torch.arange(n)[:, None, None], 0, rows, cols].unsqueeze(1)


demo_generator = torch.Generator().manual_seed(SEED)
examples = augment(train_ds.images[:1].repeat(8, 1, 1, 1), demo_generator)
fig, axes = plt.subplots(1, 9, figsize=(11, 1.8))
# Une seule échelle de gris pour les neuf images : sinon chaque image serait étalée
# entre son propre minimum et son propre maximum, et un décalage qui coupe le pixel
# le plus clair changerait le contraste apparent.
shades = {"cmap": "gray_r", "vmin": BACKGROUND, "vmax": float(train_ds.images[0].max())}
axes[0].imshow(train_ds.images[0, 0], **shades)
axes[0].set_title("originale", fontsize=9)
for ax, picture in zip(axes[1:], examples, strict=True):
    ax.imshow(picture[0], **shades)
for ax in axes:
    ax.axis("off")
plt.show()

start = time.perf_counter()
for _ in range(20):
    augment(xb, demo_generator)
print(
    f"Augmentation d'un lot de 256 images : {fr(1000 * (time.perf_counter() - start) / 20, 1)} ms"
)

# %% [markdown]
# *Figure 2. À gauche, une image d'entraînement ; à droite, huit versions augmentées tirées
# au hasard : retournées ou non, décalées de quelques pixels.*
#
# L'augmentation coûte peu : comparez sa durée à celle d'une époque entière, affichée plus bas
# pendant l'entraînement (une époque compte plus de deux cents lots).

# %% [markdown]
# ## Le réseau, avec et sans augmentation
#
# ### Le modèle et la boucle
#
# Le réseau est celui du tutoriel « Premier réseau convolutif (CNN) » : une convolution 5 × 5
# de stride 2, une convolution 3 × 3 puis une agrégation par maximum, et un classifieur dense.
# La recette d'entraînement aussi, en moins d'époques : Adam, politique OneCycle, lissage
# des étiquettes, format mémoire `channels_last`. Seule nouveauté : l'option `augmented`
# de la fonction `train`, qui augmente chaque lot d'entraînement.
#
# La fonction renvoie le modèle, l'exactitude de validation après chaque époque et la durée.


# %%
class CNN(nn.Module):
    """Le CNN rapide du tutoriel « Premier réseau convolutif »."""

    def __init__(self, hidden=128):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, kernel_size=5, stride=2, padding=2),  # 16 cartes 14 × 14
            nn.ReLU(),
            nn.Conv2d(16, 32, kernel_size=3, padding=1),  # 32 cartes 14 × 14
            nn.ReLU(),
            nn.MaxPool2d(2),  # 32 cartes 7 × 7
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(32 * 7 * 7, hidden),
            nn.ReLU(),
            nn.Linear(hidden, 10),
        )

    def forward(self, x):
        return self.classifier(self.features(x))


EPOCHS = 8
BATCH_SIZE = 256
MAX_LR = 3e-3


@torch.no_grad()
def predict(model, dataset, batch_size=2000):
    """Les classes prédites pour tout un jeu, dans son ordre."""
    model.eval()
    images = dataset.images.contiguous(memory_format=torch.channels_last)
    return torch.cat(
        [model(images[i : i + batch_size]).argmax(1) for i in range(0, len(images), batch_size)]
    )


def train(augmented):
    """Entraîne un CNN neuf ; renvoie le modèle, l'historique de validation et la durée."""
    torch.manual_seed(SEED)
    model = CNN().to(memory_format=torch.channels_last)
    loader = DataLoader(
        train_ds,
        batch_size=BATCH_SIZE,
        shuffle=True,
        collate_fn=keep_batch,
        generator=torch.Generator().manual_seed(SEED),
    )
    optimizer = torch.optim.Adam(model.parameters(), lr=MAX_LR)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=MAX_LR, epochs=EPOCHS, steps_per_epoch=len(loader)
    )
    loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)
    generator = torch.Generator().manual_seed(SEED)
    history = []
    start = time.perf_counter()
    for epoch in range(EPOCHS):
        model.train()
        for xb, yb in loader:
            if augmented:
                xb = augment(xb, generator)
            loss = loss_fn(model(xb.contiguous(memory_format=torch.channels_last)), yb)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
        history.append((predict(model, val_ds) == val_ds.labels).float().mean().item())
        print(
            f"  époque {epoch + 1}/{EPOCHS} : validation {pct(history[-1])}, "
            f"{fr(time.perf_counter() - start, 1)} s écoulées"
        )
    return model, history, time.perf_counter() - start


print(f"{EPOCHS} époques de {-(-len(train_ds) // BATCH_SIZE)} lots de {BATCH_SIZE} images")

# %% [markdown]
# ### Les deux entraînements
#
# Même graine, mêmes lots, mêmes époques : seule l'augmentation change. C'est la condition
# pour que la comparaison dise quelque chose. D'abord sans augmentation :

# %%
runs = {}
runs[False] = train(augmented=False)

# %% [markdown]
# Puis avec augmentation, sur les mêmes lots :

# %%
runs[True] = train(augmented=True)
train_seconds = runs[False][2] + runs[True][2]
print(f"Durée des deux entraînements : {fr(train_seconds, 1)} s")

# Les découpages, rangés dans l'enregistrement de l'exécution : la construction du site vérifie
# que la validation ne recoupe jamais l'entraînement et que le test compte 10 000 images.
DATA_SPLIT = {
    "logistique": {"train": subset_index, "validation": val_index, "test": len(test_df)},
    "cnn": {"train": train_index, "validation": val_index, "test": len(test_df)},
}

# %% [markdown]
# ### Le choix, sur la validation
#
# Rassemblons les candidats et leur exactitude de validation : le plancher, la base linéaire,
# et les deux réseaux. Nous gardons celui qui a la meilleure exactitude de validation.

# %% alt="Exactitude de validation : CNN avec, sans augmentation, régression logistique en tirets."
candidates = {
    "classe la plus fréquente": dummy_accuracy,
    "régression logistique": baseline_accuracy,
    "CNN sans augmentation": runs[False][1][-1],
    "CNN avec augmentation": runs[True][1][-1],
}
for name, accuracy in candidates.items():
    print(f"{name:<26}{pct(accuracy):>9}")
chosen_augmented = runs[True][1][-1] >= runs[False][1][-1]
chosen_name = "CNN avec augmentation" if chosen_augmented else "CNN sans augmentation"
model = runs[chosen_augmented][0]
gain = runs[True][1][-1] - runs[False][1][-1]
print(
    f"Choix : {chosen_name} (effet de l'augmentation sur la validation : {points(gain, sign=True)})"
)

fig, ax = plt.subplots(figsize=(6.5, 3.4))
epochs = range(1, EPOCHS + 1)
for augmented, style in [(False, "o-"), (True, "s-")]:
    label = "CNN avec augmentation" if augmented else "CNN sans augmentation"
    ax.plot(epochs, [100 * a for a in runs[augmented][1]], style, label=label)
ax.axhline(100 * baseline_accuracy, linestyle="--", color="gray", label="régression logistique")
ax.set_xlabel("Époque")
ax.set_ylabel("Exactitude de validation (%)")
ax.legend()
ax.grid(alpha=0.3)
fig.tight_layout()
plt.show()

# %% [markdown]
# *Figure 3. L'exactitude de validation des deux réseaux après chaque époque, et celle de la
# régression logistique en pointillé.*
#
# Les deux réseaux dépassent nettement la base linéaire. Regardez ensuite la courbe du réseau
# sans augmentation : tant que son exactitude de validation monte encore, ou presque, à la
# dernière époque, ce petit réseau ne surapprend pas, et l'augmentation n'a rien à corriger.
# La variété qu'elle ajoute rend alors la tâche plus difficile, et elle fait jeu égal, voire
# un peu moins bien : l'écart est affiché au-dessus de la figure.
# L'augmentation paie quand le réseau surapprend : plus d'époques, moins d'images, ou un
# réseau plus grand. La règle du jeu ne change pas : on garde ce que dit la validation,
# sans regarder le test.

# %% [markdown]
# ## La soumission
#
# ### Écrire `submission.csv`
#
# Le modèle choisi prédit une classe pour chaque ligne de `test.csv`, sans étiquettes.
# La soumission reprend la colonne `id` du fichier de test, dans le même ordre, et ajoute
# la classe prédite, un entier de 0 à 9. Pas de colonne d'index : `index=False`.

# %%
submission = pd.DataFrame({"id": test_df["id"], "label": predict(model, test_ds).numpy()})
submission.to_csv(KAGGLE_DIR / "submission.csv", index=False)

# Le fichier, rangé dans l'enregistrement de la construction : un test du dépôt le vérifie.
Path("resultats").mkdir(exist_ok=True)
Path("resultats/soumission.json").write_text(
    json.dumps(
        {
            "file": "kaggle/submission.csv",
            "csv": (KAGGLE_DIR / "submission.csv").read_text(),
        }
    )
)

print(open(KAGGLE_DIR / "submission.csv").read()[:40])
print(f"… {thousands(len(submission))} lignes ; classes prédites par ordre de fréquence :")
print(", ".join(f"{CLASS_NAMES[c]} {n}" for c, n in submission["label"].value_counts().items()))

# %% [markdown]
# ### Vérifier avant d'envoyer
#
# Une soumission mal formée est refusée par Kaggle, ou pire, acceptée et notée n'importe
# comment (des `id` dans le désordre donnent un score de hasard). Elle coûte alors une des
# soumissions du jour. Une fonction de vérification, appelée avant chaque envoi, s'écrit
# en quelques lignes : bonnes colonnes, bon nombre de lignes, `id` identiques et dans l'ordre,
# étiquettes entières entre 0 et 9.


# %%
def submission_problems(path, expected_ids, n_classes=10):
    """Ce qui ne va pas dans un fichier de soumission (liste vide s'il est conforme)."""
    try:
        frame = pd.read_csv(path)
    except (OSError, ValueError) as exc:
        return [f"fichier illisible : {exc}"]
    if list(frame.columns) != ["id", "label"]:
        return [f"colonnes {list(frame.columns)} au lieu de ['id', 'label']"]
    problems = []
    if frame.isna().any().any():
        problems.append(f"{int(frame.isna().sum().sum())} valeur(s) manquante(s)")
    if len(frame) != len(expected_ids):
        problems.append(f"{len(frame)} lignes au lieu de {len(expected_ids)}")
    elif not np.array_equal(frame["id"].to_numpy(), expected_ids):
        problems.append("les id ne sont pas ceux de test.csv, dans le même ordre")
    if not pd.api.types.is_integer_dtype(frame["label"]):
        problems.append(f"étiquettes de type {frame['label'].dtype}, entiers attendus")
    elif not frame["label"].between(0, n_classes - 1).all():
        problems.append(f"étiquettes hors de 0 à {n_classes - 1}")
    return problems


expected_ids = test_df["id"].to_numpy()
print(
    "submission.csv :",
    submission_problems(KAGGLE_DIR / "submission.csv", expected_ids) or "conforme",
)

# %% [markdown]
# Une vérification qui ne peut pas échouer ne vérifie rien. Essayons-la sur trois fichiers
# volontairement faux : une ligne perdue, deux lignes échangées, une étiquette écrite
# comme un nombre à virgule.

# %%
broken = {
    "ligne perdue": submission.iloc[:-1],
    "lignes échangées": submission.iloc[[1, 0, *range(2, len(submission))]],
    "étiquette 3.0": submission.assign(label=submission["label"].astype(float)),
}
for name, frame in broken.items():
    path = KAGGLE_DIR / "mauvaise_soumission.csv"
    frame.to_csv(path, index=False)
    print(f"{name:<18}: {submission_problems(path, expected_ids)}")
path.unlink()

# %% [markdown]
# Chaque défaut est repéré et nommé. Le même contrôle, écrit indépendamment, est refait par
# un test du dépôt de ce cours sur le fichier que la construction du site a produit.

# %% [markdown]
# ## Le score, une seule fois
#
# Jouons maintenant le rôle de Kaggle : comparer la soumission à la solution que
# l'organisateur avait mise de côté. C'est la **seule** fois que les étiquettes de test
# servent dans ce tutoriel.
#
# Kaggle ne montre pas ce score en entier pendant la compétition. Le **classement public**
# (*public leaderboard*) est calculé sur une partie seulement des lignes de test ; le
# **classement privé** (*private leaderboard*), calculé sur les autres lignes, n'est révélé
# qu'à la fin et décide du classement final
# ([documentation des compétitions Kaggle](https://www.kaggle.com/docs/competitions)).
# Les participants ne savent pas quelles lignes comptent pour l'un ou pour l'autre.
# Imitons ce partage, avec 30 % des lignes pour le public, comme dans la compétition
# étudiée par [Blum et Hardt (2015)](https://arxiv.org/abs/1502.04585).

# %%
scored = pd.read_csv(KAGGLE_DIR / "submission.csv").merge(
    pd.DataFrame({"id": np.arange(len(solution)), "truth": solution}), on="id"
)
correct = (scored["label"] == scored["truth"]).to_numpy()
test_accuracy = float(correct.mean())
public_rows = np.random.default_rng(2024).permutation(len(correct))[: int(0.3 * len(correct))]
is_public = np.zeros(len(correct), dtype=bool)
is_public[public_rows] = True
print(f"Exactitude sur tout le test     : {pct(test_accuracy)}")
print(f"Classement public (30 % du test) : {pct(correct[is_public].mean())}")
print(f"Classement privé (70 % du test)  : {pct(correct[~is_public].mean())}")
print(f"Validation du modèle choisi     : {pct(runs[chosen_augmented][1][-1])}")

# %% [markdown]
# Les deux classements ne donnent pas tout à fait le même nombre, alors que c'est la même
# soumission : chaque partie du test est un échantillon, et son exactitude fluctue d'autant
# plus qu'elle est petite. L'exactitude de validation, mesurée sur d'autres images encore,
# est du même ordre : notre validation était un bon guide.

# %% [markdown]
# ## Classement public, classement privé
#
# ### Surapprendre le classement public
#
# Le classement public est tentant : il répond à chaque soumission. Mais s'en servir pour
# choisir entre des variantes, c'est l'utiliser comme un jeu de validation, en plus petit,
# et partagé avec tous les concurrents. À force de soumettre, on finit par garder la variante
# que le **hasard** a favorisée sur ces lignes-là, et le classement privé la ramène à son vrai
# niveau.
#
# Simulons-le, **sur notre validation** (jamais sur le test) : nous la partageons elle aussi
# en une partie « publique » (30 %) et une partie « privée » (70 %). Un participant soumet
# des variantes de ses prédictions, toutes aussi bonnes en réalité : chacune remplace
# au hasard 10 % des prédictions par des classes tirées au hasard. Après chaque soumission,
# il garde celle qui a le meilleur score public.

# %% alt="Meilleur score public et son score privé selon le nombre de soumissions (échelle log)."
val_predictions = predict(model, val_ds).numpy()
sim_rng = np.random.default_rng(SEED)
n_val = len(val_predictions)
sim_public = np.zeros(n_val, dtype=bool)
sim_public[sim_rng.permutation(n_val)[: int(0.3 * n_val)]] = True

N_SUBMISSIONS = 500
variants = np.tile(val_predictions, (N_SUBMISSIONS, 1))
noisy = sim_rng.random(variants.shape) < 0.10
variants[noisy] = sim_rng.integers(0, 10, size=int(noisy.sum()))
hits = variants == y_val_np
public_scores = hits[:, sim_public].mean(axis=1)
private_scores = hits[:, ~sim_public].mean(axis=1)

budgets = [1, 2, 5, 10, 20, 50, 100, 200, 500]
best = [int(np.argmax(public_scores[:n])) for n in budgets]
print(f"{'soumissions':>11}{'public':>10}{'privé':>10}")
for n, b in zip(budgets, best, strict=True):
    print(f"{n:>11}{pct(public_scores[b]):>10}{pct(private_scores[b]):>10}")
print(f"Moyenne privée de toutes les variantes : {pct(private_scores.mean())}")

fig, ax = plt.subplots(figsize=(6.5, 3.4))
ax.plot(budgets, [100 * public_scores[b] for b in best], "o-", label="score public de la meilleure")
ax.plot(budgets, [100 * private_scores[b] for b in best], "s-", label="son score privé")
ax.set_xscale("log")
ax.minorticks_off()
ax.set_xticks(budgets, [str(n) for n in budgets])
ax.set_xlabel("Nombre de soumissions (échelle logarithmique)")
ax.set_ylabel("Exactitude (%)")
ax.legend()
ax.grid(alpha=0.3)
fig.tight_layout()
plt.show()

# %% [markdown]
# *Figure 4. Pour chaque nombre de soumissions, le score public de la variante qui a le meilleur
# score public, et le score privé de cette même variante.*
#
# Plus le participant soumet, plus son meilleur score public monte, alors que les variantes
# ne valent pas mieux les unes que les autres : il ne mesure que sa chance. Le score privé
# de la variante gardée, lui, monte bien moins et reste proche de la moyenne privée
# de toutes les variantes, affichée sous le tableau. L'écart entre les deux courbes, c'est le
# surapprentissage du classement public.
#
# ### Pourquoi limiter les soumissions
#
# Kaggle fixe pour chaque compétition un nombre maximal de soumissions par jour, et demande
# de choisir à la fin quelques soumissions seulement pour le classement privé
# ([documentation des compétitions Kaggle](https://www.kaggle.com/docs/competitions)).
# La simulation montre pourquoi : le gain illusoire grandit avec le nombre de soumissions,
# et la limite quotidienne freine cette recherche à l'aveugle. Blum et Hardt citent la limite
# du rythme des soumissions parmi les parades courantes à ce surapprentissage, qu'ils jugent
# mal comprises, et proposent un classement qui y résiste mieux
# ([Blum et Hardt, 2015](https://arxiv.org/abs/1502.04585)).
# En pratique, le mal reste souvent limité : une étude de plus de cent compétitions
# de Kaggle trouve peu de surapprentissage marqué du classement public
# ([Roelofs et coll., 2019][roelofs]).
#
# La bonne pratique découle de tout cela : faites vos choix sur **votre** validation (ou
# une validation croisée), soumettez peu, et choisissez vos soumissions finales sur la
# validation plutôt que sur le classement public.
#
# [roelofs]: https://proceedings.neurips.cc/paper/2019/hash/ee39e503b6bedf0c98c388b7e8589aca-Abstract.html

# %% [markdown]
# ## Récapitulatif
#
# - Kaggle distribue Fashion-MNIST en CSV : une colonne `label` et 784 colonnes `pixel1`
#   à `pixel784` ; `read_csv(..., dtype=np.uint8)` les lit avec huit fois moins de mémoire.
# - Explorez avant de modéliser : valeurs manquantes, doublons, équilibre des classes,
#   statistiques des pixels, quelques images.
# - Fixez un découpage de validation avec une graine, et faites-y **tous** vos choix.
# - Commencez par une base simple (régression logistique) : c'est le score à battre.
# - Un `Dataset` convertit le `DataFrame` une seule fois en tenseurs ; `__getitems__` sert
#   des lots entiers, et l'augmentation s'applique lot par lot, à l'entraînement seulement.
# - Une soumission suit le format de la compétition (`id,label` ici) ; vérifiez-la par du code
#   avant chaque envoi.
# - Le classement public n'est qu'un échantillon du test : l'utiliser pour choisir, c'est le
#   surapprendre. D'où la limite quotidienne de soumissions, et le classement privé.

# %% [markdown]
# ## Exercices
#
# ### Exercice 1 : les classes difficiles
#
# Avec `pd.crosstab`, construisez la matrice de confusion du modèle choisi sur la validation
# (lignes : vraie classe, colonnes : classe prédite), puis l'exactitude de chaque classe.
# Quelle classe est la plus difficile ?

# %%
# Solution
confusion = pd.crosstab(
    pd.Series([CLASS_NAMES[c] for c in y_val_np], name="vraie"),
    pd.Series([CLASS_NAMES[c] for c in val_predictions], name="prédite"),
).reindex(index=CLASS_NAMES, columns=CLASS_NAMES, fill_value=0)  # une classe jamais prédite : 0
per_class = pd.Series(
    {name: confusion.loc[name, name] / confusion.loc[name].sum() for name in CLASS_NAMES}
).sort_values()
print(", ".join(f"{name} {pct(acc, 1)}" for name, acc in per_class.items()))
hardest = per_class.index[0]
print(f"La plus difficile : {hardest}, le plus souvent prise pour :")
print(confusion.loc[hardest].drop(hardest).sort_values(ascending=False).head(3).to_string())

# %% [markdown]
# ### Exercice 2 : une soumission au format de *Digit Recognizer*
#
# La compétition *Digit Recognizer* attend les colonnes `ImageId,Label`, avec des identifiants
# qui commencent à 1. Écrivez notre soumission dans ce format, puis passez-la à
# `submission_problems` (qui attend notre format) : que répond-elle ? Adaptez ensuite la
# vérification en lui passant les colonnes attendues.

# %%
# Solution
digit_style = submission.rename(columns={"id": "ImageId", "label": "Label"})
digit_style["ImageId"] += 1
digit_style.to_csv(KAGGLE_DIR / "submission_digit.csv", index=False)
print(
    "Notre vérification :", submission_problems(KAGGLE_DIR / "submission_digit.csv", expected_ids)
)
back = pd.read_csv(KAGGLE_DIR / "submission_digit.csv").rename(
    columns={"ImageId": "id", "Label": "label"}
)
back["id"] -= 1
back.to_csv(KAGGLE_DIR / "submission_digit_converti.csv", index=False)
print(
    "Après conversion :",
    submission_problems(KAGGLE_DIR / "submission_digit_converti.csv", expected_ids) or "conforme",
)

# %% [markdown]
# ### Exercice 3 : la taille du classement public
#
# Une exactitude mesurée sur $n$ images fluctue d'environ $\sqrt{p(1-p)/n}$ (l'écart-type d'une
# proportion), où $p$ est la vraie exactitude. Pour la valeur de $p$ de notre modèle,
# calculez cet écart-type pour un classement public de 300, 3 000 et 30 000 images.
# Combien d'images faut-il pour que cet écart-type descende à 0,1 point ?

# %%
# Solution
p = test_accuracy
for n in (300, 3_000, 30_000):
    print(f"n = {thousands(n):>6} : écart-type {points(np.sqrt(p * (1 - p) / n))}")
# sqrt(p (1 - p) / n) <= 0,001, soit n >= p (1 - p) / 0,001².
needed = int(np.ceil(p * (1 - p) / 0.001**2))
print(f"Pour un écart-type de 0,1 point : au moins {thousands(needed)} images")

# %% [markdown]
# Un classement public de quelques milliers d'images ne sépare donc pas des soumissions
# à quelques dixièmes de point l'une de l'autre : leurs écarts sont dans le bruit.

# %% [markdown]
# ## Testez-vous
#
# Huit questions sur le parcours d'une compétition, des fichiers CSV à la soumission : répondez
# avant de déplier les explications, chaque choix a la sienne.
#
# !!! quiz "Une soumission refusée"
#     Lesquels de ces fichiers `submission_problems` refuse-t-elle ?
#
#     - [ ] Un fichier `id,label` de 10 000 lignes, entiers de 0 à 9, dans l'ordre de `test.csv`.
#       C'est exactement le format de cette compétition : la fonction le déclare conforme.
#     - [x] Un fichier écrit avec `to_csv(..., index=True)`.
#       L'index devient une première colonne sans nom : les colonnes ne sont plus exactement `id`
#       et `label`.
#     - [x] Un fichier dont deux lignes ont été échangées.
#       Les `id` doivent être ceux de `test.csv`, dans le même ordre ; des lignes dans le
#       désordre seraient notées n'importe comment.
#     - [x] Un fichier dont les étiquettes sont écrites `3.0`, `7.0`…
#       La fonction attend des entiers : une colonne de nombres à virgule est signalée, même si
#       les valeurs sont justes.
#
# !!! quiz "La moyenne des pixels"
#     La moyenne et l'écart-type qui normalisent les pixels sont calculés sur les seules images
#     d'entraînement. Pourquoi pas sur toutes les images, test compris ?
#
#     - [ ] Parce que le fichier de test n'a pas d'étiquettes.
#       La moyenne des pixels n'a pas besoin d'étiquettes : on pourrait la calculer sur le test,
#       c'est justement ce qu'on s'interdit.
#     - [x] Pour que la validation et le test n'influencent rien.
#       Ils doivent rester des images jamais vues : une statistique tirée d'eux ferait entrer
#       dans la préparation un peu de ce qu'ils contiennent.
#     - [ ] Parce que le calcul sur toutes les images serait trop lent.
#       Le calcul est rapide ; la raison est de principe, pas de durée.
#
# !!! quiz "La base de référence"
#     Votre réseau de neurones fait moins bien que la régression logistique sur la même
#     validation. Que faut-il soupçonner d'abord ?
#
#     - [ ] Rien : une régression logistique est toujours meilleure sur des images.
#       Ce n'est pas une règle : la base est justement le score à battre, et un réseau qui ne le
#       bat pas doit vous alerter.
#     - [ ] La validation : il faut en tirer une autre jusqu'à ce que le réseau gagne.
#       Changer de découpage jusqu'à obtenir le résultat voulu, c'est choisir sur le hasard ; le
#       découpage est fixé une fois pour toutes.
#     - [x] Un problème : des données mal préparées, ou une erreur dans la boucle.
#       La base donne un score à battre : un réseau qui ne le bat pas cache le plus souvent une
#       erreur qu'il faut trouver avant de régler quoi que ce soit.
#
# !!! quiz "Augmenter des chiffres"
#     Vous passez à la compétition *Digit Recognizer*, sur des chiffres manuscrits. Lesquelles
#     des deux augmentations du tutoriel gardez-vous ?
#
#     - [ ] Les deux.
#       Un chiffre retourné horizontalement n'est souvent plus le même chiffre, ni même un
#       chiffre : cette transformation changerait la classe.
#     - [ ] Le retournement horizontal seulement.
#       C'est l'inverse : le retournement convient aux vêtements photographiés de face, pas aux
#       chiffres.
#     - [x] Le petit décalage seulement.
#       Déplacer un chiffre de deux pixels ne change pas sa classe ; le retourner, si.
#
# !!! quiz "Quand l'augmentation paie"
#     D'après ce tutoriel, dans quelle situation l'augmentation de données a-t-elle le plus de
#     chances d'améliorer l'exactitude de validation ?
#
#     - [ ] Quand l'exactitude de validation monte encore à la dernière époque.
#       Le réseau ne surapprend pas encore : la variété ajoutée rend surtout la tâche plus
#       difficile.
#     - [x] Quand le réseau surapprend.
#       Avec plus d'époques, moins d'images ou un réseau plus grand. L'augmentation combat le
#       surapprentissage ; sans surapprentissage, elle n'a rien à corriger.
#     - [ ] Toujours : plus de variété ne peut jamais nuire.
#       Elle rend la tâche plus difficile ; si le réseau ne surapprend pas, elle peut faire jeu
#       égal, voire un peu moins bien.
#
# !!! quiz "Choisir sur le classement public"
#     Le classement public répond à chaque soumission. Pourquoi ne pas s'en servir pour choisir
#     entre vos variantes ?
#
#     - [ ] Parce qu'il est calculé sur les mêmes lignes que le classement privé.
#       Les deux portent sur des lignes différentes du test, et les participants ne savent pas
#       lesquelles comptent pour l'un ou pour l'autre.
#     - [ ] Parce que Kaggle l'interdit par son règlement.
#       Rien ne l'interdit : Kaggle limite seulement le nombre de soumissions par jour, ce qui
#       freine cette recherche à l'aveugle.
#     - [x] Choisir d'après lui revient à le surapprendre.
#       Il n'est calculé que sur une partie du test : à force de soumettre, vous gardez la
#       variante que le hasard a favorisée sur ces lignes-là, et le classement privé la ramène à
#       son vrai niveau.
#
# !!! quiz "Beaucoup de soumissions"
#     Un participant soumet de nombreuses variantes qui, en réalité, se valent toutes, et garde
#     celle qui a le meilleur score public. Que prévoir ?
#
#     - [x] Son score public surestime la variante gardée.
#       Son score privé reste proche de la moyenne privée de toutes les variantes. C'est ce que
#       montre la simulation sur la validation : l'écart entre les deux courbes est le
#       surapprentissage du classement public.
#     - [ ] Son score privé sera aussi haut que son score public.
#       Le score public de la variante gardée contient sa part de chance sur ces lignes-là ; les
#       lignes du classement privé ne la lui rendent pas.
#     - [ ] Son score privé dépassera son score public.
#       Rien ne le favorise sur les lignes privées : la sélection s'est faite sur les lignes
#       publiques seulement.
#
# !!! quiz "La taille du classement public"
#     Une exactitude *p* mesurée sur *n* images fluctue d'un écart-type d'environ
#     `np.sqrt(p * (1 - p) / n)`. Pour diviser cet écart-type par deux, combien d'images
#     faut-il ?
#
#     - [ ] Deux fois plus.
#       L'écart-type varie comme l'inverse de la racine de *n* : doubler *n* ne le divise que par
#       la racine de 2.
#     - [x] Quatre fois plus.
#       La racine de 4 vaut 2 : quatre fois plus d'images divisent l'écart-type par deux.
#     - [ ] Deux fois moins.
#       Moins d'images donnent une mesure plus bruitée : l'écart-type grandit.

# %% [markdown]
# ## Pour aller plus loin
#
# - Avant de soumettre pour de bon, beaucoup de participants entraînent de nouveau le modèle
#   choisi sur toutes les images d'entraînement, validation comprise, avec les réglages
#   trouvés : essayez, en gardant les mêmes époques.
# - Entraînez les deux réseaux pendant deux fois plus d'époques : l'augmentation prend-elle
#   l'avantage sur la validation ? Gardez le même découpage pour comparer.
# - [La documentation des compétitions Kaggle](https://www.kaggle.com/docs/competitions) :
#   classements, limites de soumission, choix des soumissions finales.
# - [Le client en ligne de commande de Kaggle](https://github.com/Kaggle/kaggle-api) et
#   [les cours gratuits de Kaggle Learn](https://www.kaggle.com/learn), dont un cours de pandas.
# - [Le guide de l'utilisateur de pandas](https://pandas.pydata.org/docs/user_guide/index.html),
#   en particulier [`read_csv`](https://pandas.pydata.org/docs/reference/api/pandas.read_csv.html).
# - La documentation de [`LogisticRegression`][logistic] et de [`train_test_split`][split]
#   dans scikit-learn, et celle de [`Dataset` et `DataLoader`][torch-data] dans PyTorch.
# - [Blum et Hardt (2015)](https://arxiv.org/abs/1502.04585), un classement protégé contre
#   le surapprentissage, et [Roelofs et coll. (2019)][roelofs2], l'étude de plus de cent
#   compétitions de Kaggle.
#
# [logistic]: https://scikit-learn.org/stable/modules/generated/sklearn.linear_model.LogisticRegression.html
# [split]: https://scikit-learn.org/stable/modules/generated/sklearn.model_selection.train_test_split.html
# [torch-data]: https://docs.pytorch.org/docs/stable/data.html
# [roelofs2]: https://proceedings.neurips.cc/paper/2019/hash/ee39e503b6bedf0c98c388b7e8589aca-Abstract.html
