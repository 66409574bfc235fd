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
#     titre: Attention et petit Transformer
#     description: Écrire l'attention à la main, puis entraîner un petit Vision Transformer
#       sur Fashion-MNIST et regarder ce qu'il regarde.
#     niveau: avancé
#     duree: 1 h 30
#     prerequis:
#     - Premier réseau avec PyTorch (boucle d'entraînement, validation, test)
#     - Premier réseau convolutif (CNN)
#     - Les grandes familles de réseaux (l'auto-attention)
#     gpu: Facultatif, ce petit Transformer est conçu pour s'entraîner en quelques minutes sur CPU.
#     enregistrements:
#     - 03_premier_reseau_pytorch
#     - 07_premier_cnn
#     metriques:
#     - nom: attention_max_abs_diff
#       libelle: Écart maximal entre notre attention et scaled_dot_product_attention
#       max: 1e-5
#     - nom: encoder_max_abs_diff
#       libelle: Écart maximal entre notre bloc et nn.TransformerEncoderLayer
#       max: 1e-4
#     - nom: test_accuracy
#       libelle: Exactitude sur le jeu de test
#       unite: pourcentage
#       min: 0.87
#     - nom: train_seconds
#       libelle: Durée d'entraînement
#       unite: secondes
#       max_calibrations: 10800
# ---

# %% [markdown]
# # Attention et petit Transformer
#
# Le réseau du tutoriel « Premier réseau convolutif (CNN) » regarde une image à travers
# de petites fenêtres :
# chaque filtre ne voit que quelques pixels voisins, et il faut empiler les couches pour relier
# deux régions éloignées. Un **Transformer** fait l'inverse. Dès sa première couche,
# chaque morceau de l'image peut consulter tous les autres, grâce à un mécanisme appelé
# **attention**. C'est l'architecture des grands modèles de langage, et, depuis les
# [Vision Transformers](https://arxiv.org/abs/2010.11929) de Dosovitskiy et coll. (2020),
# une architecture courante en vision.
#
# Dans ce tutoriel, vous allez écrire l'attention vous-même, ligne par ligne, et vérifier
# que votre calcul donne celui de PyTorch, aux arrondis près. Vous assemblerez ensuite un petit
# Vision Transformer, l'entraînerez sur Fashion-MNIST sur un simple processeur, afficherez
# ce que regarde chacune de ses couches, et le comparerez au MLP et au CNN des tutoriels
# précédents, avec les mesures de leur propre exécution.

# %% [markdown]
# ## Objectifs
#
# À la fin de ce tutoriel, vous saurez :
#
# - écrire l'attention par produit scalaire et donner la forme de chaque tenseur ;
# - expliquer pourquoi on divise les scores par $\sqrt{d_k}$ ;
# - assembler un bloc d'encodeur : attention à plusieurs têtes, perceptron, normalisations
#   et connexions résiduelles ;
# - vérifier un calcul écrit à la main contre celui d'une bibliothèque ;
# - découper une image en patchs et en faire une suite de jetons, avec un plongement
#   de position et un jeton de classe ;
# - entraîner un petit Vision Transformer sur CPU et afficher ses cartes d'attention ;
# - comparer honnêtement trois architectures : exactitude, taille et coût d'une époque.
#
# ## Prérequis
#
# - Le tutoriel « Premier réseau avec PyTorch » : `nn.Module`, boucle d'entraînement,
#   validation et test, tenseurs préchargés.
# - Le tutoriel « Premier réseau convolutif (CNN) » : la politique OneCycle, le lissage
#   des étiquettes, et le CNN auquel nous comparerons notre modèle.
# - La section sur l'[auto-attention](../familles.md#lauto-attention) de la page
#   « Les grandes familles de réseaux » : requêtes, clés, valeurs.
# - Le produit matriciel (`@`) sur des tenseurs à plus de deux axes : les axes de tête
#   sont des axes de lot, le produit porte sur les deux derniers.

# %% [markdown]
# ## Mise en place
#
# Les imports, la graine aléatoire et le choix du `device`, comme dans les tutoriels précédents.
# Trois petites fonctions écrivent les nombres à la française.

# %%
import json
import math
import os
import time

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F
import torchvision
from torch import nn

SEED = 0
torch.manual_seed(SEED)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


def fr(x, decimals=2):
    """Écrit un nombre à la française : virgule décimale, vrai signe moins."""
    return f"{x:.{decimals}f}".replace(".", ",").replace("-", "\u2212")


def points(x):
    """L'écart entre deux proportions, en points (« point » au singulier sous 2)."""
    return fr(100 * x, 1) + (" points" if abs(100 * x) >= 2 else " point")


def thousands(n):
    """Un entier à la française : 54 000 (espace insécable entre les milliers)."""
    return f"{n:,}".replace(",", "\u00a0")


def sci(x):
    """Un petit écart en notation scientifique, à la française : 3,6e-07."""
    return f"{x:.1e}".replace(".", ",")


print(f"PyTorch {torch.__version__}, torchvision {torchvision.__version__}")
n_threads = torch.get_num_threads()
print(f"Calculs sur : {device} ({n_threads} fil{'s' * (n_threads > 1)} d'exécution CPU)")

# %% [markdown]
# Les données sont préparées exactement comme dans le tutoriel « Premier réseau convolutif » :
# normalisation, un axe de canal, et le même tirage de 10 % des images d'entraînement
# pour la validation. Le test ne servira qu'une fois, tout à la fin.

# %%
DATA_DIR = os.environ.get("ATELIER_DATA", "data")  # la construction du site n'y télécharge rien
train_set = torchvision.datasets.FashionMNIST(DATA_DIR, train=True, download=True)
test_set = torchvision.datasets.FashionMNIST(DATA_DIR, train=False, download=True)
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

images = train_set.data.float().div(255)
mean, std = images.mean(), images.std()
images = ((images - mean) / std).unsqueeze(1)  # (60000, 1, 28, 28)
test_images = ((test_set.data.float().div(255) - mean) / std).unsqueeze(1)

split = torch.randperm(len(images), generator=torch.Generator().manual_seed(SEED))
n_val = len(images) // 10
x_val, y_val = images[split[:n_val]], train_set.targets[split[:n_val]]
x_train, y_train = images[split[n_val:]], train_set.targets[split[n_val:]]
x_test, y_test = test_images, test_set.targets
print(f"Entraînement {tuple(x_train.shape)}, validation {tuple(x_val.shape)}")
print(f"Test {tuple(x_test.shape)}")

# Le découpage, rangé dans l'enregistrement de l'exécution : la construction du site vérifie
# qu'aucune image de validation n'est aussi une image d'entraînement.
DATA_SPLIT = {"train": split[n_val:], "validation": split[:n_val], "test": len(y_test)}

# %% [markdown]
# ## L'attention, écrite à la main
#
# ### La formule
#
# Un Transformer travaille sur une **suite de jetons** (*tokens*) : des vecteurs de même taille,
# un par élément de la séquence (un mot, ou ici un morceau d'image). Une couche d'attention
# calcule pour chaque jeton un nouveau vecteur, qui mélange les informations de tous
# les jetons. Trois projections de chaque jeton entrent en jeu :
#
# - sa **requête** $q$, ce que le jeton cherche ;
# - sa **clé** $k$, ce que le jeton offre aux requêtes des autres ;
# - sa **valeur** $v$, ce que le jeton transmet quand on le regarde.
#
# Rangeons les $L$ requêtes dans une matrice $Q$ de forme $(L, d_k)$, les $S$ clés dans $K$,
# de forme $(S, d_k)$, et les $S$ valeurs dans $V$, de forme $(S, d_v)$.
# L'**attention par produit scalaire** (*scaled dot-product attention*, où *scaled* désigne
# la division par $\sqrt{d_k}$) s'écrit :
#
# $$
# \operatorname{Attention}(Q, K, V)
# = \operatorname{softmax}\!\left(\frac{Q K^\top}{\sqrt{d_k}}\right) V
# $$
#
# Suivons les formes, de gauche à droite :
#
# 1. $Q K^\top$ a la forme $(L, S)$ : la case $(i, j)$ est le produit scalaire de la requête $i$
#    et de la clé $j$, le **score** de $j$ pour $i$ ;
# 2. la division par $\sqrt{d_k}$ garde ces scores à une échelle raisonnable
#    (nous verrons pourquoi) ;
# 3. la softmax s'applique **à chaque ligne** : la ligne $i$ devient une suite de $S$ poids
#    positifs de somme 1, les **poids d'attention** du jeton $i$ ;
# 4. le produit par $V$, de forme $(S, d_v)$, donne une sortie $(L, d_v)$ : chaque ligne est
#    la moyenne des valeurs, pondérée par les poids d'attention.
#
# En **auto-attention**, les requêtes, les clés et les valeurs viennent de la même suite,
# et $L = S$. En pratique, les tenseurs ont des axes de plus devant : le lot, puis
# les têtes (plus bas). Le produit matriciel `@` de PyTorch traite ces axes comme des lots
# et ne multiplie que les deux derniers. Voici la formule en trois lignes.


# %%
def attention(q, k, v):
    """Attention par produit scalaire : softmax(q kᵀ / √d_k) v.

    q : (..., L, d_k), k : (..., S, d_k), v : (..., S, d_v).
    Renvoie la sortie (..., L, d_v) et les poids d'attention (..., L, S).
    """
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])  # (..., L, S)
    weights = scores.softmax(dim=-1)  # chaque ligne : des poids positifs de somme 1
    return weights @ v, weights


generator = torch.Generator().manual_seed(SEED)
q = torch.randn(3, 4, generator=generator)  # 3 requêtes de taille d_k = 4
k = torch.randn(5, 4, generator=generator)  # 5 clés de taille d_k = 4
v = torch.randn(5, 2, generator=generator)  # 5 valeurs de taille d_v = 2
output, weights = attention(q, k, v)
print(f"Q {tuple(q.shape)}, K {tuple(k.shape)}, V {tuple(v.shape)}")
print(f"Poids d'attention {tuple(weights.shape)}, sortie {tuple(output.shape)}")
print("Poids d'attention (une ligne par requête) :")
print(weights.round(decimals=3))
print("Somme de chaque ligne :", weights.sum(dim=-1))

# %% [markdown]
# Trois requêtes, cinq clés : une matrice de poids de 3 lignes et 5 colonnes, dont chaque ligne
# somme à 1. La sortie a une ligne par requête et la taille des valeurs.

# %% [markdown]
# ### Vérifier contre PyTorch
#
# PyTorch fournit la même opération, `torch.nn.functional.scaled_dot_product_attention`,
# écrite pour être rapide : sur GPU, elle peut choisir un calcul fusionné (FlashAttention)
# qui évite de ranger toute la matrice des scores en mémoire, et sa documentation donne
# la formule qu'elle calcule dans tous les cas
# ([documentation de la fonction](https://docs.pytorch.org/docs/stable/generated/torch.nn.functional.scaled_dot_product_attention.html)).
# Comparons-la à notre version
# sur un lot de 8 suites, 4 têtes, 17 jetons de taille 16 : l'écart maximal, en valeur
# absolue, doit être de l'ordre des erreurs d'arrondi des nombres à virgule sur 32 bits.

# %%
q, k, v = torch.randn(3, 8, 4, 17, 16, generator=generator)  # (lot, têtes, jetons, d_k)
ours, _ = attention(q, k, v)
reference = F.scaled_dot_product_attention(q, k, v)
attention_max_abs_diff = (ours - reference).abs().max().item()
print(f"Forme de la sortie : {tuple(ours.shape)}")
print(f"Écart absolu maximal avec PyTorch : {sci(attention_max_abs_diff)}")

# %% [markdown]
# L'écart est minuscule : les deux calculs sont les mêmes, aux arrondis près (ils n'additionnent
# pas les termes dans le même ordre). La construction du site vérifie ce nombre à chaque
# exécution contre le seuil déclaré en tête du tutoriel.

# %% [markdown]
# ### Pourquoi diviser les scores ?
#
# Si les composantes des requêtes et des clés sont des variables aléatoires indépendantes,
# de moyenne 0 et de variance 1, le produit scalaire de deux vecteurs de taille $d_k$
# est une somme de $d_k$ termes de variance 1, deux à deux non corrélés : sa variance
# vaut $d_k$, son écart-type $\sqrt{d_k}$
# ([Vaswani et coll., 2017](https://arxiv.org/abs/1706.03762), note de la section 3.2.1).
# Avec de grands vecteurs, les scores deviennent grands, et la softmax donne presque tout
# le poids à un seul jeton. Son gradient devient alors presque nul, et l'apprentissage
# s'enlise. Mesurons-le sur des vecteurs aléatoires et 17 jetons.

# %%
print(f"{'d_k':>6}{'écart-type des scores':>24}{'poids maximal moyen':>22}{'après division':>17}")
for d_k in (4, 64, 1024):
    q, k = torch.randn(2, 1000, 17, d_k, generator=generator)  # 1000 requêtes, 17 clés chacune
    scores = q[:, :1] @ k.transpose(-2, -1)  # (1000, 1, 17) : une requête contre 17 clés
    raw = scores.softmax(dim=-1).amax(dim=-1).mean()
    scaled = (scores / math.sqrt(d_k)).softmax(dim=-1).amax(dim=-1).mean()
    print(
        f"{d_k:>6}{fr(scores.std().item(), 1):>24}{fr(raw.item(), 2):>22}{fr(scaled.item(), 2):>17}"
    )

# %% [markdown]
# La deuxième colonne suit bien $\sqrt{d_k}$. Sans division (troisième colonne), le plus grand
# des 17 poids se rapproche de 1 quand $d_k$ grandit : chaque requête ne regarde plus
# qu'un jeton. Après division (dernière colonne), la répartition ne dépend plus de $d_k$.

# %% [markdown]
# ## Plusieurs têtes, puis un bloc d'encodeur
#
# ### L'attention à plusieurs têtes
#
# Une seule attention mélange les jetons d'une seule façon. Une couche de Transformer en calcule
# plusieurs en parallèle, les **têtes**. Pour un jeton de taille $D$ et $h$ têtes :
#
# 1. une couche linéaire produit, pour chaque jeton, sa requête, sa clé et sa valeur,
#    chacune de taille $D$ ;
# 2. chacune est coupée en $h$ morceaux de taille $D / h$ : un par tête ;
# 3. chaque tête calcule son attention, avec ses propres poids ;
# 4. les $h$ sorties sont remises bout à bout (taille $D$), puis passent par une dernière
#    couche linéaire.
#
# Le coût est à peu près celui d'une seule grande tête, mais chaque tête peut apprendre
# à regarder autre chose : les voisins, les bords, le jeton de classe…
#
# ### Le bloc d'encodeur
#
# Un **bloc d'encodeur** enchaîne deux étapes, chacune précédée d'une **normalisation de couche**
# (`nn.LayerNorm`, qui ramène chaque jeton à une moyenne nulle et un écart-type de 1, puis
# applique un gain et un décalage appris) et entourée d'une **connexion résiduelle**
# (la sortie de l'étape est **ajoutée** à son entrée, au lieu de la remplacer) :
#
# $$
# x \leftarrow x + \operatorname{Attention}(\operatorname{LN}_1(x)), \qquad
# x \leftarrow x + \operatorname{MLP}(\operatorname{LN}_2(x))
# $$
#
# Le MLP est appliqué à chaque jeton séparément, avec les mêmes poids pour tous :
# deux couches denses et une activation GELU, une variante adoucie de la ReLU.
# Placer la normalisation avant chaque étape rend l'entraînement plus stable que
# la disposition de l'article d'origine
# ([Xiong et coll., 2020](https://arxiv.org/abs/2002.04745)).
# Les connexions résiduelles laissent passer le gradient d'un bloc à l'autre sans l'affaiblir,
# comme dans les [ResNet](https://arxiv.org/abs/1512.03385).
#
# Voici ce bloc, écrit avec notre fonction `attention`. Il garde, si on le lui demande,
# les poids d'attention de son dernier appel : nous les afficherons plus loin.


# %%
class EncoderBlock(nn.Module):
    """Bloc d'encodeur : attention à plusieurs têtes puis MLP, normalisations et résidus."""

    def __init__(self, dim, heads, hidden):
        super().__init__()
        self.heads = heads
        self.norm1 = nn.LayerNorm(dim)
        self.qkv = nn.Linear(dim, 3 * dim)  # requêtes, clés et valeurs en un seul produit
        self.proj = nn.Linear(dim, dim)  # recombine les têtes
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, hidden), nn.GELU(), nn.Linear(hidden, dim))
        self.keep_weights = False  # True : garder les poids d'attention du dernier appel
        self.weights = None

    def forward(self, x):
        n, length, dim = x.shape  # (lot, jetons, D)
        qkv = self.qkv(self.norm1(x))  # (N, L, 3D)
        # (N, L, 3, h, D/h) puis (3, N, h, L, D/h) : q, k et v, tête par tête
        q, k, v = qkv.reshape(n, length, 3, self.heads, dim // self.heads).permute(2, 0, 3, 1, 4)
        heads_out, weights = attention(q, k, v)  # (N, h, L, D/h) et (N, h, L, L)
        if self.keep_weights:
            self.weights = weights.detach()
        x = x + self.proj(heads_out.transpose(1, 2).reshape(n, length, dim))
        return x + self.mlp(self.norm2(x))


torch.manual_seed(SEED)
block = EncoderBlock(dim=64, heads=4, hidden=128)
tokens = torch.randn(8, 17, 64, generator=generator)  # 8 suites de 17 jetons de taille 64
print(f"Entrée {tuple(tokens.shape)} -> sortie {tuple(block(tokens).shape)}")
print(f"Paramètres du bloc : {thousands(sum(p.numel() for p in block.parameters()))}")

# %% [markdown]
# La sortie a la forme de l'entrée : on peut empiler autant de blocs qu'on veut.
#
# PyTorch propose ce bloc tout fait : `nn.TransformerEncoderLayer`, avec `norm_first=True`
# pour placer la normalisation avant chaque étape. Ses paramètres portent d'autres noms
# que les nôtres, mais ont les mêmes formes. Recopions nos poids dans une couche de PyTorch
# et comparons les deux sorties : si notre bloc est juste, elles coïncident aux arrondis près.

# %%
# Nom du paramètre dans nn.TransformerEncoderLayer -> nom dans notre bloc
SAME_PARAMETERS = {
    "self_attn.in_proj_weight": "qkv.weight",
    "self_attn.in_proj_bias": "qkv.bias",
    "self_attn.out_proj.weight": "proj.weight",
    "self_attn.out_proj.bias": "proj.bias",
    "linear1.weight": "mlp.0.weight",
    "linear1.bias": "mlp.0.bias",
    "linear2.weight": "mlp.2.weight",
    "linear2.bias": "mlp.2.bias",
    "norm1.weight": "norm1.weight",
    "norm1.bias": "norm1.bias",
    "norm2.weight": "norm2.weight",
    "norm2.bias": "norm2.bias",
}
torch_layer = nn.TransformerEncoderLayer(
    d_model=64,
    nhead=4,
    dim_feedforward=128,
    dropout=0.0,
    activation="gelu",
    batch_first=True,
    norm_first=True,
)
ours_state = block.state_dict()
torch_layer.load_state_dict({theirs: ours_state[name] for theirs, name in SAME_PARAMETERS.items()})
block.eval()
torch_layer.eval()
with torch.no_grad():
    encoder_max_abs_diff = (block(tokens) - torch_layer(tokens)).abs().max().item()
print(f"Écart absolu maximal avec nn.TransformerEncoderLayer : {sci(encoder_max_abs_diff)}")

# %% [markdown]
# L'écart est nul, ou de l'ordre des arrondis selon la machine et le nombre de fils de calcul :
# notre bloc calcule bien ce que calcule la couche de PyTorch.
# Dans un vrai projet, on prendrait `nn.TransformerEncoderLayer`. Nous gardons le nôtre pour
# la suite, parce qu'il nous donne accès aux poids d'attention de chaque tête.

# %% [markdown]
# ## Une image, une suite de patchs
#
# Un Transformer lit une suite de jetons. Le Vision Transformer (ViT) en fabrique à partir
# d'une image en la découpant en **patchs**, de petits carrés de même taille, lus ligne
# par ligne comme les mots d'un texte. Nos images de 28 × 28 pixels donnent 16 patchs
# de 7 × 7 pixels, soit 16 jetons de 49 valeurs.
#
# `Tensor.unfold(axe, taille, pas)` découpe un axe en fenêtres : appliqué aux lignes puis
# aux colonnes, avec un pas égal à la taille, il donne une grille de 4 × 4 patchs
# sans recouvrement.

# %% alt="Une bottine découpée en 16 patchs de 7 × 7, puis ces 16 jetons ligne par ligne."
PATCH = 7


def patchify(images, patch=PATCH):
    """(N, 1, 28, 28) -> (N, nombre de patchs, patch × patch) : les patchs, ligne par ligne."""
    n = images.shape[0]
    grid = images.unfold(2, patch, patch).unfold(3, patch, patch)  # (N, 1, 4, 4, 7, 7)
    return grid.reshape(n, -1, patch * patch)


patches = patchify(x_test[:1])
print(f"Image {tuple(x_test[:1].shape)} -> patchs {tuple(patches.shape)}")

fig = plt.figure(figsize=(10, 3.4))
ax = fig.add_subplot(1, 3, 1)
ax.imshow(x_test[0, 0], cmap="gray")
for line in range(PATCH, 28, PATCH):
    ax.axhline(line - 0.5, color="tab:orange", linewidth=1.5)
    ax.axvline(line - 0.5, color="tab:orange", linewidth=1.5)
ax.set_title(f"Image : {CLASS_NAMES[y_test[0]]}, grille de patchs", fontsize=10)
ax.axis("off")
sequence = fig.add_gridspec(2, 8, left=0.38, right=0.99, top=0.85, bottom=0.08)
for i in range(patches.shape[1]):
    ax = fig.add_subplot(sequence[i // 8, i % 8])
    ax.imshow(
        patches[0, i].reshape(PATCH, PATCH), cmap="gray", vmin=x_test.min(), vmax=x_test.max()
    )
    ax.set_title(f"jeton {i}", fontsize=8)
    ax.axis("off")
fig.suptitle("Une image découpée en 16 patchs, lus ligne par ligne", x=0.68, y=0.98, fontsize=10)
plt.show()

# %% [markdown]
# *Figure 1. À gauche, une image de test et la grille qui la découpe. À droite, la suite
# des 16 patchs qu'en tire `patchify`, dans l'ordre de lecture.*
#
# Une fois les patchs mis bout à bout, rien ne dit plus que le jeton 5 est sous le jeton 1 :
# l'attention traite sa suite d'entrée comme un **ensemble**. Si l'on permute les jetons,
# les sorties sont permutées de la même façon, sans autre changement. Le modèle a donc besoin
# qu'on lui donne la position de chaque patch (l'exercice 3 le vérifie).

# %% [markdown]
# ## Le Vision Transformer
#
# ### L'architecture
#
# Notre ViT suit le schéma de [Dosovitskiy et coll. (2020)](https://arxiv.org/abs/2010.11929),
# en miniature :
#
# 1. le **plongement des patchs** : une couche linéaire transforme chaque patch de 49 pixels
#    en un jeton de taille $D$, la même pour tous les patchs ;
# 2. le **jeton de classe** : un vecteur appris, placé en tête de la suite. Il ne vient
#    d'aucun patch ; au fil des blocs, il rassemble par l'attention ce qui sert à classer
#    l'image, et c'est lui seul que lit la tête de classification ;
# 3. le **plongement de position** : un vecteur appris par position (17 positions,
#    jeton de classe compris), **ajouté** au jeton qui l'occupe ;
# 4. une pile de blocs d'encodeur, puis une normalisation de couche ;
# 5. une couche linéaire qui lit le jeton de classe et donne les 10 logits.
#
# Une autre solution courante remplace le jeton de classe par la **moyenne** des jetons
# de sortie ; l'exercice 2 permet de comparer les tailles.


# %%
class ViT(nn.Module):
    """Petit Vision Transformer : patchs 7 × 7, jeton de classe, plongement de position appris."""

    def __init__(self, patch=PATCH, dim=64, depth=4, heads=4, hidden=128, classes=10):
        super().__init__()
        self.patch = patch
        n_patches = (28 // patch) ** 2
        self.embed = nn.Linear(patch * patch, dim)  # plongement des patchs
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.position = nn.Parameter(0.02 * torch.randn(1, n_patches + 1, dim))
        self.blocks = nn.ModuleList(EncoderBlock(dim, heads, hidden) for _ in range(depth))
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, classes)

    def forward(self, images):
        tokens = self.embed(patchify(images, self.patch))  # (N, 16, D)
        cls = self.cls_token.expand(len(tokens), -1, -1)  # (N, 1, D)
        x = torch.cat([cls, tokens], dim=1) + self.position  # (N, 17, D)
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x[:, 0]))  # le jeton de classe seul -> 10 logits


DIM, DEPTH, HEADS, HIDDEN = 64, 4, 4, 128
torch.manual_seed(SEED)
model = ViT(dim=DIM, depth=DEPTH, heads=HEADS, hidden=HIDDEN).to(device)
n_parameters = sum(p.numel() for p in model.parameters())
parts = [
    ("plongement des patchs", model.embed.parameters()),
    ("jeton de classe et positions", [model.cls_token, model.position]),
    *[(f"bloc {i + 1}", b.parameters()) for i, b in enumerate(model.blocks)],
    ("normalisation et tête", [*model.norm.parameters(), *model.head.parameters()]),
]
for name, params in parts:
    print(f"{name:<32}{thousands(sum(p.numel() for p in params)):>10}")
print(f"{'total':<32}{thousands(n_parameters):>10}")
print(f"Sortie pour 2 images : {tuple(model(x_train[:2].to(device)).shape)}")

# %% [markdown]
# Presque tous les paramètres sont dans les blocs, et aucun ne dépend du nombre de jetons,
# sauf le plongement de position : comme les filtres d'un CNN, les poids d'un bloc sont
# partagés par tous les jetons. Le tableau de comparaison, plus bas, met ce total
# en regard de ceux du MLP et du CNN.

# %% [markdown]
# ### Entraîner sur un processeur
#
# Nous reprenons la recette du tutoriel « Premier réseau convolutif » : lots de 256 images
# préchargées, politique OneCycle et lissage des étiquettes de 0,1. L'optimiseur est AdamW,
# la variante d'Adam dont la décroissance des poids est séparée du gradient
# ([Loshchilov et Hutter, 2019](https://arxiv.org/abs/1711.05101)) : c'est l'usage pour
# les Transformers.
#
# Ces réglages, comme la taille du modèle (jetons de 64 valeurs, 4 blocs, 4 têtes),
# ont été choisis sur la **validation**, avec une contrainte : l'entraînement doit tenir
# en quelques minutes sur le processeur à deux cœurs qui construit ce site.
# Le nombre de jetons compte plus que tout : le coût de l'attention croît comme le carré
# de leur nombre, et celui des couches denses comme leur nombre. Des patchs de 7 × 7 donnent
# 17 jetons ; des patchs de 4 × 4 en donneraient 50 : près de trois fois plus de calcul
# dans les couches denses, et des matrices d'attention plus de huit fois plus grandes
# (exercice 2).

# %%
EPOCHS = 12
BATCH_SIZE = 256
MAX_LR = 2e-3
WEIGHT_DECAY = 0.05
LABEL_SMOOTHING = 0.1

x_train, y_train = x_train.to(device), y_train.to(device)
x_val, y_val = x_val.to(device), y_val.to(device)
x_test, y_test = x_test.to(device), y_test.to(device)
steps_per_epoch = -(-len(y_train) // BATCH_SIZE)  # division arrondie au-dessus
loss_fn = nn.CrossEntropyLoss(label_smoothing=LABEL_SMOOTHING)
optimizer = torch.optim.AdamW(model.parameters(), lr=MAX_LR, weight_decay=WEIGHT_DECAY)
scheduler = torch.optim.lr_scheduler.OneCycleLR(
    optimizer, max_lr=MAX_LR, epochs=EPOCHS, steps_per_epoch=steps_per_epoch
)


@torch.no_grad()
def accuracy(model, features, labels, batch_size=2000):
    """Proportion d'images dont la classe prédite (logit maximal) est la bonne."""
    model.eval()
    correct = 0
    for first in range(0, len(labels), batch_size):
        logits = model(features[first : first + batch_size])
        correct += (logits.argmax(dim=1) == labels[first : first + batch_size]).sum().item()
    return correct / len(labels)


# La fiche du modèle, composée à partir des réglages ci-dessus. La construction du site la range
# dans l'enregistrement de l'exécution : les pages du cours la citent sans la recopier.
MODEL_CARD = {
    "architecture": "ViT",
    "parameters": n_parameters,
    "optimizer": "AdamW",
    "max_learning_rate": MAX_LR,
    "batch_size": BATCH_SIZE,
    "epochs": EPOCHS,
    "description": (
        f"Vision Transformer à {DEPTH} blocs d'encodeur de {HEADS} têtes, jetons de {DIM} "
        f"valeurs, {(28 // PATCH) ** 2} patchs de {PATCH} × {PATCH} pixels, jeton de classe et "
        f"plongement de position appris ({thousands(n_parameters)} paramètres), entraîné par "
        f"AdamW selon la politique OneCycle (taux maximal {fr(MAX_LR, 3)}, décroissance des "
        f"poids {fr(WEIGHT_DECAY, 2)}) avec un lissage des étiquettes de "
        f"{fr(LABEL_SMOOTHING, 1)}, en lots de {BATCH_SIZE} images pendant {EPOCHS} époques, "
        f"sur {thousands(len(y_train))} images d'entraînement\u00a0; {thousands(len(y_val))} "
        f"autres images d'entraînement servent à la validation, et les "
        f"{thousands(len(y_test))} images de test à la seule mesure finale."
    ),
}
print(f"{EPOCHS} époques de {steps_per_epoch} lots")
print(MODEL_CARD["description"])

# %% [markdown]
# La boucle est celle du tutoriel « Premier réseau convolutif ». Le chronomètre entoure toute
# la boucle, évaluation de validation comprise, comme dans les tutoriels auxquels nous
# comparerons ce modèle ; sa durée est rangée dans `train_seconds`.

# %%
history = {"train_loss": [], "val_accuracy": []}
shuffle = torch.Generator(device=device).manual_seed(SEED)
train_start = time.perf_counter()
for epoch in range(EPOCHS):
    model.train()
    order = torch.randperm(len(y_train), device=device, generator=shuffle)
    loss_sum = torch.zeros((), device=device)
    for first in range(0, len(y_train), BATCH_SIZE):
        batch = order[first : first + BATCH_SIZE]
        loss = loss_fn(model(x_train[batch]), y_train[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()  # OneCycle : le taux d'apprentissage change à chaque lot
        loss_sum += loss.detach() * len(batch)
    history["train_loss"].append(loss_sum.item() / len(y_train))
    history["val_accuracy"].append(accuracy(model, x_val, y_val))
    print(
        f"Époque {epoch + 1:2d}/{EPOCHS}   perte {fr(history['train_loss'][-1], 4)}   "
        f"validation {fr(100 * history['val_accuracy'][-1], 2)} %   "
        f"{fr(time.perf_counter() - train_start, 1)} s écoulées"
    )
train_seconds = time.perf_counter() - train_start
print(
    f"Entraînement complet : {fr(train_seconds, 1)} s, "
    f"soit {fr(train_seconds / EPOCHS, 1)} s par époque"
)

# %% [markdown]
# La durée dépend de votre machine et de ce qui tourne en même temps ; la construction
# du site la juge par rapport à une charge de calibration chronométrée au même moment
# (voir le guide du contributeur). Traçons les courbes d'apprentissage.

# %% alt="Perte d'entraînement et exactitude de validation du petit Transformer, par époque."
epochs = range(1, EPOCHS + 1)
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.6))
ax_loss.plot(epochs, history["train_loss"], marker="o")
ax_loss.set_xlabel("Époque")
ax_loss.set_ylabel("Perte d'entropie croisée")
ax_loss.set_title("Perte sur l'entraînement")
ax_acc.plot(epochs, [100 * a for a in history["val_accuracy"]], marker="o", color="tab:green")
ax_acc.set_xlabel("Époque")
ax_acc.set_ylabel("Exactitude (%)")
ax_acc.set_title("Exactitude sur la validation")
for ax in (ax_loss, ax_acc):
    ax.grid(alpha=0.3)
fig.tight_layout()
plt.show()

# %% [markdown]
# *Figure 2. À gauche, la perte d'entraînement moyenne à chaque époque (lissage des étiquettes
# compris, elle ne descend donc pas jusqu'à zéro) ; à droite, l'exactitude de validation.*
#
# ### L'exactitude sur le test
#
# Les réglages sont arrêtés : mesurons le modèle, une seule fois, sur les 10 000 images de test.

# %%
test_accuracy = accuracy(model, x_test, y_test)
print(f"Exactitude de test : {fr(100 * test_accuracy, 2)} %")
print(f"Dernière exactitude de validation : {fr(100 * history['val_accuracy'][-1], 2)} %")

# %% [markdown]
# Les deux nombres sont proches : la validation était une bonne estimation de ce que le modèle
# fait sur des images jamais vues.

# %% [markdown]
# ## Ce que regarde le modèle : les cartes d'attention
#
# Chaque bloc calcule, pour chaque tête, une matrice de poids 17 × 17. Sa première ligne dit
# combien le **jeton de classe** regarde chacun des jetons, et en particulier chacun des 16
# patchs. Remise en grille 4 × 4 et posée sur l'image, cette ligne devient une **carte
# d'attention**. Nous faisons la moyenne des 4 têtes, bloc par bloc, pour six images de test
# de six classes différentes.

# %% alt="Six images de test et, bloc par bloc, les patchs que regarde le jeton de classe."
for block in model.blocks:
    block.keep_weights = True
model.eval()
# La première image de test de six classes différentes (l'ordre du test, pas un choix).
chosen = [int((y_test == c).nonzero()[0, 0]) for c in (9, 2, 1, 6, 8, 5)]
shown = x_test[chosen]
with torch.no_grad():
    predicted = model(shown).argmax(dim=1).cpu()
side = 28 // PATCH
# Pour chaque bloc : poids du jeton de classe (ligne 0) vers les 16 patchs (colonnes 1 à 16),
# en moyenne sur les têtes, remis en grille 4 × 4.
maps = [b.weights[:, :, 0, 1:].mean(dim=1).reshape(-1, side, side).cpu() for b in model.blocks]
for block in model.blocks:
    block.keep_weights = False

fig, axes = plt.subplots(len(shown), 1 + DEPTH, figsize=(2 * (1 + DEPTH), 2 * len(shown)))
for row in range(len(shown)):
    picture = shown[row, 0].cpu()
    axes[row, 0].imshow(picture, cmap="gray")
    axes[row, 0].set_title(
        f"{CLASS_NAMES[y_test[chosen[row]]]} (prédit : {CLASS_NAMES[predicted[row]]})", fontsize=8
    )
    for layer in range(DEPTH):
        ax = axes[row, 1 + layer]
        ax.imshow(picture, cmap="gray")
        ax.imshow(maps[layer][row], cmap="inferno", alpha=0.6, extent=(-0.5, 27.5, 27.5, -0.5))
        ax.set_title(f"bloc {layer + 1}", fontsize=8)
for ax in axes.flat:
    ax.axis("off")
fig.suptitle("Où regarde le jeton de classe, bloc par bloc (moyenne des 4 têtes)")
fig.tight_layout()
plt.show()

# %% [markdown]
# *Figure 3. Chaque ligne est une image de test, avec sa vraie classe et la classe prédite.
# Les colonnes suivantes superposent à l'image le poids que le jeton de classe donne à chaque
# patch, dans chacun des 4 blocs : plus la case est claire, plus le patch pèse dans
# la moyenne. L'échelle des couleurs est propre à chaque carte : comparez les cases d'une
# même carte, pas les teintes de deux cartes.*
#
# Regardez surtout comment les cartes changent d'un bloc à l'autre, et si les patchs du fond
# reçoivent du poids. Une carte d'attention se lit avec prudence : elle dit où le jeton
# de classe prend l'information dans **un** bloc, pas ce qui a décidé de la classe, car
# les autres jetons ont eux-mêmes déjà mélangé les patchs dans les blocs précédents
# ([Jain et Wallace, 2019](https://arxiv.org/abs/1902.10186)). Pour combiner les blocs,
# [Abnar et Zuidema (2020)](https://arxiv.org/abs/2005.00928) proposent
# l'*attention rollout*.

# %% [markdown]
# ## Comparaison avec le MLP et le CNN
#
# Comment ce Transformer se situe-t-il face au MLP du tutoriel « Premier réseau avec PyTorch »
# et au CNN du tutoriel « Premier réseau convolutif » ? Nous ne les ré-entraînons pas,
# et nous ne recopions pas non plus leurs résultats à la main : la construction du site
# donne à ce notebook les **enregistrements d'exécution** de ces deux tutoriels
# (le dossier que nomme la variable d'environnement `ATELIER_ENREGISTREMENTS`). Chacun contient
# la fiche du modèle (`MODEL_CARD` : paramètres, époques), l'exactitude de test
# et la durée d'entraînement mesurées lors de sa dernière exécution. Quand l'un d'eux change,
# la construction ré-exécute ce notebook.
#
# Les durées viennent d'exécutions différentes, à des moments où la machine pouvait être
# plus ou moins occupée. Pour les comparer, la dernière colonne divise la durée d'une époque
# par celle d'une **charge de calibration** fixe, chronométrée par la construction juste
# avant chaque exécution, sur la même machine (voir le guide du contributeur) : une machine
# chargée ralentit les deux ensemble. Cette mesure reste bruitée, à quelques dizaines
# de pour cent près, et elle ne compare bien que des exécutions faites dans des conditions
# voisines : sur une machine saturée, la charge de calibration ralentit beaucoup plus que
# la plupart des tutoriels, et le rapport d'une exécution faite à ce moment-là paraît
# trop petit. Si une ligne détonne, regardez la charge de la machine que son enregistrement
# a notée (`load_average`, dans `calibration`).
#
# Si vous exécutez ce notebook chez vous, ces enregistrements n'existent pas : seule
# la ligne du Transformer s'affiche, et la page du tutoriel sur le site donne le tableau complet.

# %%
RECORDS_DIR = os.environ.get("ATELIER_ENREGISTREMENTS")
COMPARED = {"03_premier_reseau_pytorch": "MLP (tutoriel 03)", "07_premier_cnn": "CNN (tutoriel 07)"}


def row_from_record(record, label):
    """Une ligne du tableau, tirée de l'enregistrement d'exécution d'un tutoriel."""
    card, metrics = record["model_card"], record["metrics"]
    timing = next(m for m in record["metric_checks"] if m["name"] == "train_seconds")
    return {
        "modèle": label,
        "paramètres": card["parameters"],
        "époques": card["epochs"],
        "exactitude": metrics["test_accuracy"],
        "s_par_époque": metrics["train_seconds"] / card["epochs"],
        "calibrations_par_époque": timing.get("calibration_ratio", math.nan) / card["epochs"],
    }


rows = []
if RECORDS_DIR is None:
    print(
        "Enregistrements des tutoriels 03 et 07 absents (notebook exécuté hors de la "
        "construction du site) : seule la ligne du Transformer s'affiche."
    )
else:
    for name, label in COMPARED.items():
        with open(os.path.join(RECORDS_DIR, f"{name}.json"), encoding="utf-8") as file:
            rows.append(row_from_record(json.load(file), label))
calibration_seconds = float(os.environ.get("ATELIER_CALIBRATION", "nan"))
rows.append(
    {
        "modèle": "ViT (ce tutoriel)",
        "paramètres": n_parameters,
        "époques": EPOCHS,
        "exactitude": test_accuracy,
        "s_par_époque": train_seconds / EPOCHS,
        "calibrations_par_époque": train_seconds / EPOCHS / calibration_seconds,
    }
)
print(
    f"{'modèle':<20}{'paramètres':>11}{'époques':>9}{'test':>9}{'s/époque':>10}{'époque/calib.':>15}"
)
for row in rows:
    ratio = row["calibrations_par_époque"]
    print(
        f"{row['modèle']:<20}{thousands(row['paramètres']):>11}{row['époques']:>9}"
        f"{fr(100 * row['exactitude'], 1) + ' %':>9}{fr(row['s_par_époque'], 1):>10}"
        f"{'inconnue' if math.isnan(ratio) else thousands(round(ratio)):>15}"
    )

# %% [markdown]
# Lisez le tableau colonne par colonne :
#
# - les **paramètres** : les trois modèles ont des tailles du même ordre ; le Transformer
#   n'est pas plus gros que les autres ;
# - l'**exactitude de test** : c'est la mesure finale de chaque tutoriel, prise une seule fois ;
# - le **coût d'une époque**, en secondes de la machine de construction et en unités
#   de calibration : le MLP ne fait qu'un produit matriciel par couche, le CNN applique
#   ses filtres en des centaines de positions, le Transformer fait passer 17 jetons
#   dans chacun de ses blocs.
#
# La cellule suivante calcule les écarts entre le Transformer et les deux autres modèles.

# %%
vit = rows[-1]
for other in rows[:-1]:
    gap = vit["exactitude"] - other["exactitude"]
    print(
        f"ViT contre {other['modèle']} : {points(gap)} d'exactitude, "
        f"{fr(vit['paramètres'] / other['paramètres'], 2)} fois ses paramètres, "
        f"{fr(vit['calibrations_par_époque'] / other['calibrations_par_époque'], 1)} fois "
        "le coût d'une époque (en unités de calibration)"
    )
if len(rows) == 1:
    print("Pas de comparaison possible sans les enregistrements des tutoriels 03 et 07.")

# %% [markdown]
# Sur des images aussi petites, et avec si peu de données, un Vision Transformer n'a pas
# d'avantage naturel sur un CNN. Le CNN sait d'avance, par construction, que les pixels
# voisins vont ensemble et qu'un motif se reconnaît partout : c'est son **biais inductif**.
# Le Transformer doit apprendre ces régularités à partir des exemples. Dosovitskiy
# et coll. (2020) le constatent : entraînés sur un jeu de taille moyenne comme ImageNet,
# leurs ViT restent quelques points derrière des ResNet de taille comparable ; il faut
# les préentraîner sur 14 à 300 millions d'images pour qu'ils rattrapent puis dépassent
# les meilleurs CNN ([introduction et section 4.3 de l'article](https://arxiv.org/abs/2010.11929)).
# Ce tutoriel ne montre donc pas que le Transformer est « meilleur » : il montre qu'il
# apprend, qu'on peut l'écrire entièrement soi-même, et ce qu'il coûte.
#
# *[biais]: Ici, ce qu'une architecture suppose d'avance sur ses données (pas le biais du neurone).

# %% [markdown]
# ## Récapitulatif
#
# - L'**attention** : $\operatorname{softmax}(QK^\top/\sqrt{d_k})\,V$. Les scores forment
#   une matrice (jetons × jetons), la softmax en fait des poids de somme 1 ligne par ligne,
#   et chaque sortie est une moyenne pondérée des valeurs.
# - La division par $\sqrt{d_k}$ empêche les scores de grandir avec la taille des vecteurs
#   et la softmax de se figer sur un seul jeton.
# - Un **bloc d'encodeur** : normalisation de couche, attention à plusieurs têtes,
#   connexion résiduelle, puis la même chose avec un MLP appliqué jeton par jeton.
# - Un calcul écrit à la main se **vérifie** contre celui de la bibliothèque :
#   `F.scaled_dot_product_attention` et `nn.TransformerEncoderLayer` donnent nos résultats,
#   aux arrondis près.
# - Un **Vision Transformer** découpe l'image en patchs, les projette en jetons, ajoute
#   un jeton de classe et un plongement de position, puis empile des blocs d'encodeur.
# - Le nombre de jetons fixe le coût : le calcul de l'attention croît comme son carré.
# - Les cartes d'attention montrent où le jeton de classe prend l'information, bloc par bloc ;
#   elles ne suffisent pas à expliquer une décision.

# %% [markdown]
# ## Exercices
#
# ### Exercice 1 : le masque causal
#
# Dans un modèle de langage, un mot ne doit pas regarder les mots qui le suivent :
# on **masque** les scores au-dessus de la diagonale en les remplaçant par $-\infty$
# avant la softmax, ce qui leur donne un poids nul. Écrivez `causal_attention(q, k, v)`
# et comparez-la à `F.scaled_dot_product_attention(q, k, v, is_causal=True)`.


# %%
# Solution
def causal_attention(q, k, v):
    """Attention où le jeton i ne regarde que les jetons 0 à i."""
    length = q.shape[-2]
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    # Vrai au-dessus de la diagonale : les jetons qui suivent le jeton i.
    future = torch.ones(length, length, dtype=torch.bool).triu(diagonal=1)
    weights = scores.masked_fill(future, float("-inf")).softmax(dim=-1)
    return weights @ v, weights


q, k, v = torch.randn(3, 2, 4, 6, 8, generator=generator)
ours, causal_weights = causal_attention(q, k, v)
reference = F.scaled_dot_product_attention(q, k, v, is_causal=True)
print(f"Écart absolu maximal : {sci((ours - reference).abs().max().item())}")
print("Poids de la première suite, première tête :")
print(causal_weights[0, 0].round(decimals=2))

# %% [markdown]
# ### Exercice 2 : la taille des patchs
#
# Pour des patchs de 14, 7, 4 et 2 pixels de côté (des diviseurs de 28), calculez le nombre
# de jetons (jeton de classe compris), le nombre de cases de chaque matrice d'attention,
# et le nombre de paramètres du ViT, avec les mêmes réglages que le nôtre.
# Qu'est-ce qui grandit, et qu'est-ce qui ne bouge presque pas ?
# Comptez aussi les paramètres de la variante qui remplace le jeton de classe
# par la moyenne des jetons de sortie.

# %%
# Solution
print(f"{'patch':>6}{'jetons':>8}{'cases par matrice':>19}{'paramètres':>12}")
for patch in (14, 7, 4, 2):
    n_tokens = (28 // patch) ** 2 + 1
    size = sum(p.numel() for p in ViT(patch=patch, dim=DIM, depth=DEPTH, heads=HEADS).parameters())
    print(f"{patch:>6}{n_tokens:>8}{thousands(n_tokens**2):>19}{thousands(size):>12}")
# Sans jeton de classe : un vecteur de DIM valeurs et une position de moins.
print(f"Variante à moyenne : {thousands(n_parameters - 2 * DIM)} paramètres")

# %% [markdown]
# Le nombre de paramètres ne change presque pas : seuls le plongement des patchs et celui
# des positions dépendent de la taille des patchs. Le calcul, lui, suit le nombre de jetons,
# et le nombre de cases de chaque matrice d'attention en suit le carré : des patchs
# de 2 pixels feraient des matrices plus de cent fois plus grandes que les nôtres.
# Le jeton de classe, lui, ne coûte presque rien en paramètres.

# %% [markdown]
# ### Exercice 3 : sans position, pas d'ordre
#
# Vérifiez l'affirmation de la section sur les patchs : sans plongement de position,
# les blocs d'encodeur traitent leurs jetons comme un ensemble. Mélangez les 16 patchs
# de quelques images et comparez la sortie du jeton de classe, calculée par les blocs
# entraînés, avec et sans plongement de position. Mesurez ensuite, sur la **validation**,
# l'exactitude du modèle quand les patchs de chaque image sont mélangés.


# %%
# Solution
def class_token_output(images, permutation, with_position):
    """Sortie du jeton de classe après les blocs entraînés, patchs mélangés selon `permutation`.

    Les positions, elles, restent dans l'ordre : un patch déplacé prend celle de sa nouvelle place.
    """
    tokens = model.embed(patchify(images))[:, permutation]  # (N, 16, D), patchs mélangés
    x = torch.cat([model.cls_token.expand(len(images), -1, -1), tokens], dim=1)
    if with_position:
        x = x + model.position
    for block in model.blocks:
        x = block(x)
    return x[:, 0]


permutation = torch.randperm(16, generator=generator).to(device)
identity = torch.arange(16, device=device)
sample = x_val[:8]
with torch.no_grad():
    for with_position in (False, True):
        before = class_token_output(sample, identity, with_position)
        after = class_token_output(sample, permutation, with_position)
        label = "avec" if with_position else "sans"
        print(
            f"{label} plongement de position : écart maximal du jeton de classe "
            f"{sci((before - after).abs().max().item())}"
        )


class ShuffledPatches(nn.Module):
    """Le modèle entraîné, appliqué à des images dont les patchs sont mélangés."""

    def forward(self, images):
        side, n = 28 // PATCH, images.shape[0]
        grid = images.unfold(2, PATCH, PATCH).unfold(3, PATCH, PATCH)  # (N, 1, 4, 4, 7, 7)
        grid = grid.reshape(n, side * side, PATCH, PATCH)[:, permutation]
        grid = grid.reshape(n, 1, side, side, PATCH, PATCH).permute(0, 1, 2, 4, 3, 5)
        return model(grid.reshape(n, 1, 28, 28))


print(f"Validation, patchs en ordre : {fr(100 * accuracy(model, x_val, y_val), 2)} %")
print(f"Validation, patchs mélangés : {fr(100 * accuracy(ShuffledPatches(), x_val, y_val), 2)} %")

# %% [markdown]
# Sans plongement de position, l'écart est de l'ordre des arrondis : mélanger les patchs
# ne change rien pour le jeton de classe. Avec lui, la sortie change, et l'exactitude
# baisse sur les images mélangées : le modèle s'appuie bien sur la place de chaque patch.

# %% [markdown]
# ## Testez-vous
#
# Sept questions sur l'attention et le petit Vision Transformer que vous venez d'écrire :
# répondez avant de déplier les explications, chaque choix a la sienne.
#
# !!! quiz "La forme des poids d'attention"
#     Dans la vérification contre PyTorch, `q`, `k` et `v` ont la forme `(8, 4, 17, 16)` : 8
#     suites, 4 têtes, 17 jetons de taille 16. Quelle forme ont les poids d'attention que renvoie
#     `attention(q, k, v)` ?
#
#     - [ ] `(8, 4, 17, 16)`
#       C'est la forme de la sortie : une ligne par requête, de la taille des valeurs. Les poids
#       n'ont pas d'axe de taille `d_k`.
#     - [x] `(8, 4, 17, 17)`
#       Pour chaque suite et chaque tête, une ligne par requête et une colonne par clé : 17
#       jetons en regardent 17.
#     - [ ] `(8, 4, 16, 16)`
#       Le produit `q @ k.transpose(-2, -1)` somme le long de l'axe de taille `d_k` : cet axe
#       disparaît, il reste jetons × jetons.
#     - [ ] `(17, 17)`
#       Le produit matriciel `@` traite les axes du lot et des têtes comme des lots : ils sont
#       conservés.
#
# !!! quiz "Des lignes de somme 1"
#     Le tutoriel affiche la somme de chaque ligne des poids d'attention : elle vaut 1. D'où
#     vient cette propriété ?
#
#     - [ ] De la division des scores par la racine de `d_k`.
#       Cette division change l'écart entre les poids, pas leur somme : sans elle, chaque ligne
#       somme aussi à 1.
#     - [ ] De la normalisation de couche appliquée avant l'attention.
#       La fonction `attention` a été essayée sur des tenseurs tirés au hasard, sans aucune
#       normalisation, et ses lignes sommaient déjà à 1.
#     - [x] De la softmax, calculée le long du dernier axe, celui des clés.
#       Elle transforme les scores d'une requête en poids positifs de somme 1 : la sortie de
#       cette requête est une moyenne pondérée des valeurs.
#     - [ ] Du fait que chaque colonne somme, elle aussi, à 1.
#       Seules les lignes sont normalisées : une clé très regardée peut recevoir au total bien
#       plus que 1, une autre presque rien.
#
# !!! quiz "Sans la division des scores"
#     Les requêtes et les clés ont des composantes indépendantes, de moyenne 0 et de variance 1.
#     On oublie de diviser les scores par la racine de `d_k`. Que se passe-t-il quand `d_k`
#     grandit ?
#
#     - [ ] Rien : la softmax ramène toujours les scores à la même échelle.
#       La softmax ramène la somme des poids à 1, pas leur répartition : des scores plus écartés
#       donnent des poids plus inégaux.
#     - [ ] Les poids se répartissent de plus en plus également entre les jetons.
#       C'est l'inverse : des scores de plus en plus grands creusent les écarts entre les poids
#       au lieu de les niveler.
#     - [ ] Les lignes des poids ne somment plus à 1.
#       La softmax donne toujours des poids de somme 1, quelle que soit l'échelle des scores.
#     - [x] Chaque requête ne regarde presque plus qu'un jeton.
#       L'écart-type des scores croît comme la racine de `d_k` : le plus grand poids de chaque
#       ligne se rapproche de 1, le gradient de la softmax devient presque nul et l'apprentissage
#       s'enlise.
#
# !!! quiz "Des patchs plus petits"
#     Vous découpez les images de 28 × 28 pixels en patchs de 4 × 4 au lieu de 7 × 7, avec
#     toujours un jeton de classe. Combien de jetons chaque bloc reçoit-il, et combien de cases
#     compte chaque matrice d'attention ?
#
#     - [ ] 49 jetons et 2 401 cases.
#       C'est oublier le jeton de classe, placé en tête de la suite et traité par les blocs comme
#       les autres jetons.
#     - [ ] 50 jetons et 50 cases.
#       La matrice d'attention met chaque jeton en regard de chaque jeton : son nombre de cases
#       est le carré du nombre de jetons.
#     - [x] 50 jetons et 2 500 cases.
#       Chaque côté compte 28 / 4 = 7 patchs, soit 49 patchs, plus le jeton de classe ; la
#       matrice a une ligne et une colonne par jeton.
#     - [ ] 17 jetons et 289 cases, comme avant.
#       Le nombre de jetons dépend de la taille des patchs : ce sont les 16 patchs de 7 × 7 et le
#       jeton de classe qui en donnaient 17.
#
# !!! quiz "Ce qui dépend de la taille des patchs"
#     Parmi les paramètres du ViT, lesquels changent de taille quand on change la taille des
#     patchs ?
#
#     - [ ] Les poids des blocs d'encodeur.
#       Ils sont partagés par tous les jetons, comme les filtres d'un CNN : leur taille ne dépend
#       que de celle des jetons.
#     - [x] Le plongement des patchs.
#       Cette couche linéaire reçoit les pixels d'un patch : 49 valeurs pour 7 × 7, 16 pour
#       4 × 4.
#     - [ ] La tête de classification.
#       Elle ne lit que le jeton de classe, de taille fixe, quel que soit le nombre de patchs.
#     - [x] Le plongement de position.
#       Il garde un vecteur appris par position : plus de patchs, plus de positions.
#
# !!! quiz "Mélanger les patchs"
#     L'exercice 3 mélange les 16 patchs d'une image, en laissant le jeton de classe en tête.
#     Quelles affirmations sont justes ?
#
#     - [ ] Sans plongement de position, chaque jeton de patch garde aussi la même sortie.
#       Les sorties des patchs sont permutées comme leurs entrées : chacune suit son patch. Seul
#       le jeton de classe, resté en tête, ne bouge pas.
#     - [x] Sans plongement de position, la sortie du jeton de classe ne change pas.
#       Aux arrondis près : l'attention traite sa suite comme un ensemble, les poids sont
#       permutés avec les jetons, et la moyenne pondérée reste la même.
#     - [ ] Le mélange provoque une erreur de forme dans les blocs.
#       La suite garde 17 jetons de même taille : les formes ne changent pas.
#     - [x] Avec le plongement de position, la sortie du jeton de classe change.
#       Un patch déplacé reçoit la position de sa nouvelle place : le modèle voit une autre
#       image.
#
# !!! quiz "Lire une carte d'attention"
#     Sur une carte du bloc 4, un patch du col d'une chemise est le plus clair. Que pouvez-vous
#     en conclure ?
#
#     - [ ] Que ce patch a décidé de la classe prédite.
#       Une carte ne dit pas ce qui a décidé : dans les blocs précédents, les jetons avaient déjà
#       mélangé les informations de tous les patchs.
#     - [ ] Que ce patch reçoit aussi le plus grand poids dans les trois autres blocs.
#       Chaque bloc a ses propres poids d'attention : les cartes changent d'un bloc à l'autre.
#     - [x] Que, dans ce bloc, le jeton de classe donne à ce patch le plus grand poids.
#       C'est exactement ce qu'affiche la carte : la ligne du jeton de classe, moyennée sur les
#       têtes, pour un seul bloc.

# %% [markdown]
# ## Pour aller plus loin
#
# - [L'article du Transformer][vaswani] (Vaswani et coll., 2017), et
#   [*The Annotated Transformer*][annotated], qui le réécrit ligne par ligne en PyTorch.
# - [L'article du Vision Transformer][vit] (Dosovitskiy et coll., 2020), et
#   [celui de DeiT][deit] (Touvron et coll., 2021), qui entraîne des ViT sans jeu
#   de données géant, grâce à la distillation et à une forte augmentation de données.
# - [Le chapitre sur l'attention et les Transformers][d2l] du livre en ligne
#   *Dive into Deep Learning*, avec du code PyTorch.
# - La documentation de [`scaled_dot_product_attention`][sdpa], de
#   [`nn.TransformerEncoderLayer`][encoder-layer] et de [`nn.MultiheadAttention`][mha].
# - Pour aller au-delà des cartes d'un seul bloc : [*attention rollout*][rollout]
#   (Abnar et Zuidema, 2020).
#
# [vaswani]: https://arxiv.org/abs/1706.03762
# [annotated]: https://nlp.seas.harvard.edu/annotated-transformer/
# [vit]: https://arxiv.org/abs/2010.11929
# [deit]: https://arxiv.org/abs/2012.12877
# [d2l]: https://d2l.ai/chapter_attention-mechanisms-and-transformers/index.html
# [sdpa]: https://docs.pytorch.org/docs/stable/generated/torch.nn.functional.scaled_dot_product_attention.html
# [encoder-layer]: https://docs.pytorch.org/docs/stable/generated/torch.nn.TransformerEncoderLayer.html
# [mha]: https://docs.pytorch.org/docs/stable/generated/torch.nn.MultiheadAttention.html
# [rollout]: https://arxiv.org/abs/2005.00928
