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
#     titre: Premier réseau convolutif (CNN)
#     description: Comprendre la convolution et entraîner un petit CNN rapide sur Fashion-MNIST.
#     niveau: intermédiaire
#     duree: 1 h 30
#     prerequis:
#     - Premier réseau avec PyTorch (boucle d'entraînement, évaluation)
#     - Les tenseurs (formes, format des images)
#     gpu: Facultatif, ce réseau est conçu pour s'entraîner en moins de deux minutes sur CPU.
#     metriques:
#     - nom: test_accuracy
#       libelle: Exactitude sur le jeu de test
#       unite: pourcentage
#       min: 0.91
#     - nom: train_seconds
#       libelle: Durée d'entraînement
#       unite: secondes
#       max_calibrations: 3500
# ---

# %% [markdown]
# # Premier réseau convolutif (CNN)
#
# Le perceptron multicouche du tutoriel « Premier réseau avec PyTorch » traite une image
# comme une longue liste de 784 nombres. Il ignore que deux pixels voisins ont un lien,
# et qu'un col de chemise reste un col s'il est décalé de trois pixels.
#
# Les **réseaux convolutifs** (*convolutional neural networks*, CNN) tiennent compte
# de cette structure. Ils sont au cœur de la vision par ordinateur depuis le succès
# d'[AlexNet](https://proceedings.neurips.cc/paper/2012/hash/c399862d3b9d6b76c8436e924a68c45b-Abstract.html)
# au concours ImageNet de 2012.
# Dans ce tutoriel, vous allez comprendre leurs briques de base, puis entraîner
# un petit CNN conçu pour être **rapide sur un processeur**. Son exactitude sur Fashion-MNIST
# et sa durée d'entraînement sont vérifiées à chaque construction du site : la fiche en haut
# de cette page donne les seuils et les mesures de la dernière exécution.

# %% [markdown]
# ## Objectifs
#
# À la fin de ce tutoriel, vous saurez :
#
# - expliquer ce que calcule une convolution, et appliquer un filtre à une image ;
# - prévoir la taille de sortie d'une couche selon son filtre, son *padding* et son *stride* ;
# - utiliser l'agrégation (*pooling*) pour réduire la taille des cartes de caractéristiques ;
# - compter les paramètres d'un CNN et les comparer à ceux d'un MLP ;
# - rendre un CNN rapide sur CPU, chronomètre en main ;
# - afficher ce que la première couche a appris ;
# - écrire le même réseau avec Keras.
#
# ## Prérequis
#
# - Le tutoriel « Premier réseau avec PyTorch » : `nn.Module`, boucle d'entraînement,
#   validation et test, tenseurs préchargés.
# - La forme des images en PyTorch : (N, C, H, W), soit nombre d'images, canaux,
#   hauteur et largeur.
# - Un environnement Python avec `torch`, `torchvision`, `matplotlib`, et `keras`
#   avec `tensorflow` pour la dernière partie.

# %% [markdown]
# ## Mise en place
#
# Les imports, la graine aléatoire et le choix du `device`, comme dans les tutoriels précédents.
# La dernière ligne affiche le nombre de fils d'exécution (*threads*) que PyTorch utilise
# sur le processeur : par défaut, un par cœur. Nous gardons ce réglage.

# %%
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
    """Écrit un nombre à la française, avec une virgule décimale."""
    return f"{x:.{decimals}f}".replace(".", ",")


print(f"PyTorch {torch.__version__}, torchvision {torchvision.__version__}")
threads = torch.get_num_threads()
print(f"Calculs sur : {device} ({threads} fil{'s' if threads > 1 else ''} d'exécution CPU)")

# %% [markdown]
# ## Les données
#
# Nous chargeons Fashion-MNIST avec `torchvision`, puis nous préparons les images
# **une seule fois** : conversion en nombres à virgule, normalisation (moyenne 0, écart-type 1),
# et ajout d'une dimension de **canal**. Une image en niveaux de gris n'a qu'un canal ;
# une image en couleurs en aurait trois (rouge, vert, bleu).
# Les couches de convolution attendent des tenseurs de forme (N, C, H, W).
#
# Comme dans le tutoriel « Premier réseau avec PyTorch », 10 % des images d'entraînement
# servent à la validation.

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
images = ((images - mean) / std).unsqueeze(1)  # (60000, 1, 28, 28) : un seul canal
test_images = ((test_set.data.float().div(255) - mean) / std).unsqueeze(1)

split = torch.randperm(len(images), generator=torch.Generator().manual_seed(SEED))
n_val = len(images) // 10
x_val, y_val = images[split[:n_val]], train_set.targets[split[:n_val]]
x_train, y_train = images[split[n_val:]], train_set.targets[split[n_val:]]
x_test, y_test = test_images, test_set.targets
print(f"Entraînement {tuple(x_train.shape)}, validation {tuple(x_val.shape)}")
print(f"Test {tuple(x_test.shape)}")
print(f"Un pixel de fond (noir) vaut {fr(float(-mean / std), 3)} après normalisation")

# Le découpage, rangé dans l'enregistrement de l'exécution : la construction du site vérifie
# qu'aucune image de validation n'est aussi une image d'entraînement.
DATA_SPLIT = {"pytorch": {"train": split[n_val:], "validation": split[:n_val], "test": len(y_test)}}

# %% [markdown]
# ## Pourquoi des convolutions ?
#
# Pour un MLP, l'image est aplatie en un vecteur de 784 valeurs. Chaque neurone
# de la première couche possède un poids par pixel : il regarde toute l'image à la fois,
# et rien ne lui dit que le pixel (10, 12) est voisin du pixel (10, 13).
# Un motif appris en haut à gauche doit être appris de nouveau en bas à droite.
#
# Une couche de convolution repose sur deux idées :
#
# - des **connexions locales** : chaque sortie ne regarde qu'une petite fenêtre de l'image,
#   par exemple 3 × 3 pixels ;
# - des **poids partagés** : la même petite fenêtre de poids, le **filtre** (*filter* ou
#   *kernel*), glisse sur toute l'image. Un motif appris à un endroit est reconnu partout.
#
# ## La convolution
#
# ### Un filtre posé à la main
#
# Le filtre est une petite matrice de poids. En chaque position, on multiplie les pixels
# de la fenêtre par les poids correspondants et on additionne :
#
# $$
# y_{i,j} = b + \sum_{u=0}^{k-1} \sum_{v=0}^{k-1} w_{u,v} \, x_{i+u,\,j+v}
# $$
#
# où $k$ est la taille du filtre et $b$ un biais. Le tableau des $y_{i,j}$ s'appelle
# une **carte de caractéristiques** (*feature map*).
# Au sens strict des mathématiques, ce calcul est une corrélation croisée : une vraie
# convolution retournerait le filtre. Les bibliothèques l'appellent pourtant convolution,
# et comme les poids sont appris, la différence n'a aucune importance.
#
# Avant de laisser un réseau apprendre ses filtres, posons-en deux à la main.
# Le premier répond aux bords verticaux (un pixel sombre à gauche, clair à droite),
# le second aux bords horizontaux. `F.conv2d` applique un filtre à une image.

# %% alt="Une bottine et ses deux images filtrées : bords verticaux, puis bords horizontaux."
vertical = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
filters = torch.stack([vertical, vertical.T]).unsqueeze(1)  # (2 filtres, 1 canal, 3, 3)
sample = x_test[:1]  # une image de test normalisée, forme (1, 1, 28, 28)
# Pour cette démonstration, l'image brute (fond à 0) : le padding ajoute des zéros
# qui prolongent le fond, sans créer de faux contour sur le cadre.
raw = test_set.data[:1].float().div(255).unsqueeze(1)
edges = F.conv2d(raw, filters, padding=1)
print(f"Image {tuple(raw.shape)} -> cartes {tuple(edges.shape)}")

fig, axes = plt.subplots(1, 3, figsize=(9, 3.4))
panels = [
    (raw[0, 0], f"Image : {CLASS_NAMES[y_test[0]]}"),
    (edges[0, 0], "Filtre « bords verticaux »"),
    (edges[0, 1], "Filtre « bords horizontaux »"),
]
limit = edges.abs().max()  # même échelle pour les deux cartes, blanc = 0
for ax, (picture, title) in zip(axes, panels, strict=True):
    if ax is axes[0]:
        ax.imshow(picture, cmap="gray")
    else:
        ax.imshow(picture, cmap="RdBu_r", vmin=-limit, vmax=limit)
    ax.set_title(title, fontsize=10)
    ax.axis("off")
fig.tight_layout()
plt.show()

# %% [markdown]
# *Figure 1. À gauche, une image de test. Au centre et à droite, les deux cartes produites
# par les filtres posés à la main : rouge pour une réponse positive, bleu pour une réponse
# négative, blanc pour une absence de réponse.*
#
# Chaque carte garde la forme de l'objet, mais n'en montre qu'un aspect : les contours
# verticaux d'un côté, les horizontaux de l'autre. Un CNN fait la même chose avec
# des dizaines de filtres, dont il **apprend** les poids par rétropropagation.

# %% [markdown]
# ### Le padding et le stride
#
# Deux réglages fixent la taille des cartes de sortie :
#
# - le **padding** (remplissage) ajoute $p$ rangées de zéros autour de l'image ;
#   avec un filtre 3 × 3, `padding=1` garde la taille de l'image ;
# - le **stride** (pas) $s$ est le déplacement du filtre entre deux positions ;
#   avec `stride=2`, on ne calcule qu'une position sur deux dans chaque direction,
#   et la carte est deux fois plus petite en hauteur comme en largeur.
#
# Pour une entrée de taille $n$, un filtre de taille $k$, un padding $p$ et un stride $s$,
# la sortie a pour taille
#
# $$
# n_{\text{sortie}} = \left\lfloor \frac{n + 2p - k}{s} \right\rfloor + 1 .
# $$
#
# Vérifions la formule sur quelques couches `nn.Conv2d` appliquées à notre image.

# %%
for kernel, padding, stride in [(3, 0, 1), (3, 1, 1), (5, 2, 1), (3, 1, 2), (5, 2, 2)]:
    layer = nn.Conv2d(1, 8, kernel_size=kernel, padding=padding, stride=stride)
    formula = (28 + 2 * padding - kernel) // stride + 1
    print(
        f"filtre {kernel}, padding {padding}, stride {stride} : "
        f"sortie {tuple(layer(sample).shape)}, formule {formula}"
    )

# %% [markdown]
# Sans padding, chaque couche rogne l'image sur les bords. Avec le bon padding,
# la taille est conservée. Le stride 2 divise la hauteur et la largeur par deux,
# donc le nombre de positions, et le calcul, par quatre.
# Le deuxième nombre de chaque forme, 8, est le nombre de filtres de la couche :
# chaque filtre produit sa propre carte, ou **canal de sortie**.

# %% [markdown]
# ### L'agrégation
#
# L'**agrégation** (*pooling*) réduit aussi la taille des cartes, sans aucun paramètre à apprendre.
# L'agrégation par maximum (*max pooling*) 2 × 2 découpe chaque carte en carrés de 2 × 2 et ne garde
# que la plus grande valeur de chaque carré. Le réseau retient ainsi qu'un motif est présent
# dans une zone, sans sa position exacte au pixel près.

# %%
grid = torch.arange(16.0).reshape(1, 1, 4, 4)
print("Entrée 4 × 4 :")
print(grid[0, 0])
print("Après nn.MaxPool2d(2) :")
print(nn.MaxPool2d(2)(grid)[0, 0])

# %% [markdown]
# Chaque valeur de sortie est le maximum d'un carré 2 × 2 de l'entrée.
# La sortie est quatre fois plus petite, et la couche suivante coûtera quatre fois moins cher.

# %% [markdown]
# ## Notre CNN
#
# ### L'architecture
#
# Notre réseau enchaîne deux blocs de convolution, puis un classifieur dense :
#
# 1. une convolution 5 × 5 à **16 filtres**, avec un **stride de 2** et un padding de 2 :
#    les cartes passent tout de suite de 28 × 28 à 14 × 14 ;
# 2. une convolution 3 × 3 à **32 filtres** avec un padding de 1, puis une
#    **agrégation par maximum** 2 × 2 : les cartes passent à 7 × 7 ;
# 3. une couche dense de 128 neurones, puis les 10 sorties (les logits).
#
# Chaque convolution est suivie d'une ReLU. L'architecture classique ferait deux blocs
# « convolution 3 × 3 puis agrégation » avec 32 puis 64 filtres. La nôtre réduit l'image
# dès la première couche, et garde peu de filtres là où les cartes sont grandes :
# c'est là que se concentre le calcul. Nous mesurerons la différence plus bas.


# %%
class CNN(nn.Module):
    """Deux blocs convolutifs, puis un classifieur dense."""

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
            nn.Flatten(),  # 32 × 7 × 7 = 1568 valeurs
            nn.Linear(32 * 7 * 7, hidden),
            nn.ReLU(),
            nn.Linear(hidden, 10),  # logits
        )

    def forward(self, x):
        return self.classifier(self.features(x))


torch.manual_seed(SEED)
model = CNN()
print(model)

# %% [markdown]
# Suivons une image à travers le réseau, couche par couche, et comptons les paramètres
# de chacune. Une convolution de $C_{\text{in}}$ canaux vers $C_{\text{out}}$ canaux
# avec un filtre $k \times k$ a $k \times k \times C_{\text{in}} \times C_{\text{out}}$ poids
# et $C_{\text{out}}$ biais, **quelle que soit la taille de l'image**.

# %%
x = sample
print(f"{'couche':<12}{'forme de sortie':>20}{'paramètres':>12}")
for layer in [*model.features, *model.classifier]:
    x = layer(x)
    n_params = sum(p.numel() for p in layer.parameters())
    print(f"{type(layer).__name__:<12}{str(tuple(x.shape)):>20}{n_params:>12}")

n_conv = sum(p.numel() for p in model.features.parameters())
n_cnn = sum(p.numel() for p in model.parameters())
mlp = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
n_mlp = sum(p.numel() for p in mlp.parameters())
print(f"CNN : {n_cnn} paramètres, dont {n_conv} dans les convolutions")
print(f"MLP 784-256-10 (premier réseau avec PyTorch) : {n_mlp} paramètres")

# %% [markdown]
# Les deux convolutions n'ont que quelques milliers de paramètres : leurs filtres sont petits
# et partagés sur toute l'image. Presque tous les paramètres du CNN sont dans la couche dense
# qui suit. Au total, le CNN a à peu près autant de paramètres que le MLP :
# s'il fait mieux, ce sera grâce à son architecture, pas à sa taille.

# %% [markdown]
# ## Entraîner vite sur un processeur
#
# ### Ce qui coûte, mesuré
#
# Un CNN fait bien plus de calculs qu'un MLP de même taille : chaque filtre est appliqué
# en des centaines de positions. Sur un processeur, quelques choix font une grande différence :
#
# - **réduire tôt** : le stride 2 de la première couche divise par quatre
#   le travail de tout ce qui suit ;
# - **peu de filtres sur les grandes cartes**, davantage une fois l'image réduite ;
# - le format mémoire **`channels_last`** : PyTorch range par défaut les tenseurs d'images
#   canal par canal (N, C, H, W) ; `torch.channels_last` range côte à côte les valeurs
#   des différents canaux d'un même pixel, l'ordre que préfèrent les bibliothèques
#   de calcul des processeurs (oneDNN) ;
# - des **lots de 256 images** et des **tenseurs préchargés**, comme dans le tutoriel
#   « Premier réseau avec PyTorch ».
#
# Chronométrons un pas d'entraînement (propagation avant, rétropropagation, mise à jour)
# pour notre réseau et pour l'architecture classique à 32 puis 64 filtres,
# dans les deux formats mémoire. Nous répétons le pas dix fois et gardons le plus rapide,
# comme le recommande le module `timeit` de Python : les pas plus lents ont été
# ralentis par autre chose (un autre programme, le système), pas par le réseau.


# %%
def plain_cnn():
    """L'architecture classique : deux blocs convolution 3 × 3 + agrégation, 32 puis 64 filtres."""
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(64 * 7 * 7, 128),
        nn.ReLU(),
        nn.Linear(128, 10),
    )


def seconds_per_step(net, memory_format, batch_size=256, steps=10):
    """Durée du pas d'entraînement le plus rapide parmi `steps`, sur un lot de vraies images."""
    net = net.to(device, memory_format=memory_format)
    xb = x_train[:batch_size].to(device).contiguous(memory_format=memory_format)
    yb = y_train[:batch_size].to(device)
    optimizer = torch.optim.Adam(net.parameters())
    durations = []
    for _ in range(steps + 2):
        start = time.perf_counter()
        loss = F.cross_entropy(net(xb), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if device.type == "cuda":
            torch.cuda.synchronize()  # attendre la fin des calculs avant d'arrêter le chronomètre
        durations.append(time.perf_counter() - start)
    return min(durations[2:])  # les deux premiers pas servent d'échauffement


steps_per_epoch = -(-len(y_train) // 256)  # division arrondie au-dessus
print(f"{'réseau':<12}{'format':<16}{'ms par pas':>11}{'s par époque':>14}")
timings = {}
for name, make in [("classique", plain_cnn), ("le nôtre", CNN)]:
    for label, memory_format in [
        ("contiguous", torch.contiguous_format),
        ("channels_last", torch.channels_last),
    ]:
        torch.manual_seed(SEED)
        timings[name, label] = seconds_per_step(make(), memory_format)
        print(
            f"{name:<12}{label:<16}{fr(1000 * timings[name, label], 1):>11}"
            f"{fr(steps_per_epoch * timings[name, label], 1):>14}"
        )
for name in ("classique", "le nôtre"):
    gain = timings[name, "contiguous"] / timings[name, "channels_last"]
    print(f"channels_last, réseau {name} : pas {fr(gain, 2)} fois plus rapide qu'en contiguous")
speedup = timings["classique", "contiguous"] / timings["le nôtre", "channels_last"]
print(f"Notre réseau en channels_last : {fr(speedup, 1)} fois plus rapide que le classique.")

# %% [markdown]
# La dernière colonne estime la durée d'une époque (les pas d'une époque entière,
# sans l'évaluation). Les mesures dépendent de votre processeur, et de ce qui tourne
# en même temps que lui : relancez la cellule pour voir leur variabilité.
#
# Lisez aussi les deux lignes consacrées à `channels_last`. Le format ne fait pas gagner
# du temps à tous les réseaux : selon les couches, le processeur et la version
# de PyTorch, le gain varie, et il peut même devenir une perte (un rapport inférieur à 1).
# Sur GPU, le résultat peut encore être différent. D'où la règle de ce tutoriel :
# on ne garde une astuce de vitesse qu'après l'avoir mesurée.
#
# !!! note "Pourquoi ne pas prendre le réseau classique ?"
#
#     Le réseau classique a deux fois plus de filtres dans chaque couche, et sa première
#     couche travaille sur des cartes quatre fois plus grandes. Chaque essai coûte donc
#     plusieurs fois plus cher, dans la proportion qu'indique la dernière ligne ci-dessus.
#     Or, pour mettre un réseau au point, on lance des dizaines d'essais :
#     un réseau rapide vous fait gagner des heures.

# %% [markdown]
# ### Le taux d'apprentissage : OneCycle
#
# Nous entraînons avec Adam, en faisant varier le taux d'apprentissage au fil des lots
# selon la politique **OneCycle** (`OneCycleLR`) : il monte d'abord progressivement
# jusqu'à un maximum, puis redescend presque jusqu'à zéro.
# La montée évite les grands pas désordonnés du début, quand les poids sont encore aléatoires ;
# la descente finale stabilise le modèle. Cette politique permet de converger
# en peu d'époques, exactement ce qu'il faut ici.
#
# Nous ajoutons un **lissage des étiquettes** (*label smoothing*) de 0,1 à la perte d'entropie
# croisée. La cible n'est plus une probabilité de 1 pour la bonne classe et de 0 pour les autres,
# mais de 0,91 pour la bonne classe et de 0,01 pour chacune des neuf autres.
# Le réseau n'a plus intérêt à devenir infiniment sûr de lui, ce qui limite le surapprentissage
# et améliore souvent un peu l'exactitude
# ([Müller, Kornblith et Hinton, 2019](https://arxiv.org/abs/1906.02629)).
#
# Le modèle et les données passent au format `channels_last` une fois pour toutes.
#
# La cellule compose enfin la fiche du modèle, `MODEL_CARD`, à partir de ces réglages :
# le tutoriel « Attention et petit Transformer » la cite pour comparer son modèle à celui-ci.

# %%
EPOCHS = 12
BATCH_SIZE = 256
MAX_LR = 3e-3

torch.manual_seed(SEED)
model = CNN().to(device, memory_format=torch.channels_last)
x_train_cl = x_train.to(device).contiguous(memory_format=torch.channels_last)
x_val_cl = x_val.to(device).contiguous(memory_format=torch.channels_last)
x_test_cl = x_test.to(device).contiguous(memory_format=torch.channels_last)
y_train, y_val, y_test = y_train.to(device), y_val.to(device), y_test.to(device)

loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)  # cibles 0,91 et 0,01 au lieu de 1 et 0
optimizer = torch.optim.Adam(model.parameters(), lr=MAX_LR)
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


def thousands(n):
    """Un entier à la française : 54 000 (espace insécable entre les milliers)."""
    return f"{n:,}".replace(",", "\u00a0")


# La fiche du modèle, composée à partir des réglages ci-dessus. La construction du site la range
# dans l'enregistrement de l'exécution : d'autres pages et tutoriels la citent sans la recopier.
conv1, conv2 = model.features[0], model.features[2]
MODEL_CARD = {
    "architecture": "CNN",
    "parameters": n_cnn,
    "optimizer": "Adam",
    "max_learning_rate": MAX_LR,
    "batch_size": BATCH_SIZE,
    "epochs": EPOCHS,
    "description": (
        f"CNN à deux convolutions ({conv1.out_channels} filtres {conv1.kernel_size[0]} × "
        f"{conv1.kernel_size[0]} de stride {conv1.stride[0]}, puis {conv2.out_channels} filtres "
        f"{conv2.kernel_size[0]} × {conv2.kernel_size[0]} et une agrégation par maximum) et une "
        f"couche dense de {model.classifier[1].out_features} neurones "
        f"({thousands(n_cnn)} paramètres), entraîné par Adam selon la politique OneCycle "
        f"(taux maximal {fr(MAX_LR, 3)}) avec un lissage des étiquettes de "
        f"{fr(loss_fn.label_smoothing, 1)}, en lots de "
        f"{BATCH_SIZE} images pendant {EPOCHS} époques, sur {thousands(len(y_train))} images "
        f"d'entraînement\u00a0; {thousands(len(y_val))} autres images d'entraînement servent à la "
        f"validation, et les {thousands(len(y_test))} images de test à la seule mesure finale."
    ),
}
print(f"{EPOCHS} époques de {steps_per_epoch} lots, taux maximal {fr(MAX_LR, 3)}")
print(MODEL_CARD["description"])

# %% [markdown]
# ### La boucle d'entraînement
#
# La boucle est celle du tutoriel « Premier réseau avec PyTorch », à un détail près :
# `scheduler.step()` est appelé après **chaque lot**, car OneCycle règle le pas lot par lot.
# Le chronomètre entoure toute la boucle, évaluation de validation comprise ;
# sa durée est rangée dans `train_seconds`.

# %%
history = {"train_loss": [], "val_accuracy": []}
generator = torch.Generator(device=device).manual_seed(SEED)
train_start = time.perf_counter()
for epoch in range(EPOCHS):
    model.train()
    order = torch.randperm(len(y_train), device=device, generator=generator)
    loss_sum = torch.zeros((), device=device)
    for first in range(0, len(y_train), BATCH_SIZE):
        batch = order[first : first + BATCH_SIZE]
        loss = loss_fn(model(x_train_cl[batch]), y_train[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()  # OneCycle : le taux d'apprentissage change à chaque lot
        loss_sum += loss.detach() * len(batch)
    history["train_loss"].append(loss_sum.item() / len(y_train))
    history["val_accuracy"].append(accuracy(model, x_val_cl, y_val))
    print(
        f"Époque {epoch + 1:2d}/{EPOCHS}   perte {fr(history['train_loss'][-1], 4)}   "
        f"validation {fr(100 * history['val_accuracy'][-1], 2)} %   "
        f"{fr(time.perf_counter() - train_start, 1)} s écoulées"
    )
train_seconds = time.perf_counter() - train_start
print(f"Entraînement complet : {fr(train_seconds, 1)} s")

# %% [markdown]
# L'exactitude de validation monte vite, puis se stabilise pendant les dernières époques,
# quand le taux d'apprentissage redescend. La durée totale dépend de votre machine ;
# la construction du site vérifie qu'elle reste sous deux minutes sur la sienne.

# %% [markdown]
# ### L'exactitude sur le test
#
# Mesurons enfin le modèle sur les 10 000 images de test, qu'il n'a jamais vues.

# %%
test_accuracy = accuracy(model, x_test_cl, y_test)
print(f"Exactitude de test : {fr(100 * test_accuracy, 2)} %")
print(f"Entraînement : {fr(train_seconds, 1)} s, soit {fr(train_seconds / EPOCHS, 1)} s par époque")

# %% [markdown]
# La construction du site vérifie ces deux nombres contre les seuils déclarés dans l'en-tête
# du tutoriel, que rappelle la fiche en haut de cette page. Pour comparaison, la fiche du
# tutoriel « Premier réseau avec PyTorch » donne l'exactitude et le seuil du MLP, qui a
# à peu près le même nombre de paramètres.
#
# Traçons les courbes d'apprentissage.

# %% alt="Perte d'entraînement et exactitude de validation du CNN par époque ; tirets : le test."
epochs = range(1, EPOCHS + 1)
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.6))
ax_loss.plot(epochs, history["train_loss"], marker="o")
ax_loss.set_xlabel("Époque")
ax_loss.set_ylabel("Perte d'entropie croisée")
ax_loss.set_title("Perte sur l'entraînement")
ax_acc.plot(epochs, [100 * a for a in history["val_accuracy"]], marker="o", color="tab:green")
ax_acc.axhline(100 * test_accuracy, linestyle="--", color="gray", label="test (final)")
ax_acc.set_xlabel("Époque")
ax_acc.set_ylabel("Exactitude (%)")
ax_acc.set_title("Exactitude sur la validation")
ax_acc.legend()
for ax in (ax_loss, ax_acc):
    ax.grid(alpha=0.3)
fig.tight_layout()
plt.show()

# %% [markdown]
# *Figure 2. À gauche, la perte d'entraînement moyenne à chaque époque ; à droite,
# l'exactitude de validation, et en pointillé l'exactitude finale sur le test.*

# %% [markdown]
# ## Ce que le réseau a appris
#
# ### Les filtres de la première couche
#
# La première couche a 16 filtres de 5 × 5 poids. Affichons-les comme de petites images :
# rouge pour un poids positif, bleu pour un poids négatif.

# %% alt="Les 16 filtres 5 × 5 appris par la première convolution, en carrés colorés."
weights = model.features[0].weight.detach().cpu()  # (16, 1, 5, 5)
fig, axes = plt.subplots(2, 8, figsize=(10, 3.4))
for i, ax in enumerate(axes.flat):
    limit = weights[i].abs().max()
    ax.imshow(weights[i, 0], cmap="RdBu_r", vmin=-limit, vmax=limit)
    ax.set_title(f"filtre {i}", fontsize=8)
    ax.axis("off")
fig.suptitle("Les 16 filtres 5 × 5 de la première convolution")
fig.tight_layout(h_pad=1.5)  # de la place pour les titres de la seconde rangée
plt.show()

# %% [markdown]
# *Figure 3. Les 16 filtres appris par la première couche, chacun avec sa propre échelle
# de couleurs.*
#
# Plusieurs ressemblent à des détecteurs de bords ou de contrastes orientés, une bande rouge
# le long d'une bande bleue, comme les filtres posés à la main plus haut. D'autres sont
# plus difficiles à interpréter. Personne ne les a programmés : ils sont sortis
# de la rétropropagation.

# %% [markdown]
# ### Les cartes de caractéristiques
#
# Faisons passer une image de test dans la première couche (convolution puis ReLU)
# et affichons les 16 cartes obtenues.

# %% alt="Une bottine de test et les 16 cartes de caractéristiques de la première couche."
model.eval()
with torch.no_grad():
    maps = model.features[:2](x_test_cl[:1])[0].cpu()  # (16, 14, 14)
fig, axes = plt.subplots(2, 9, figsize=(11, 3.6))
axes[0, 0].imshow(x_test[0, 0], cmap="gray")
axes[0, 0].set_title(CLASS_NAMES[y_test[0]], fontsize=8)
axes[1, 0].axis("off")
for i, ax in enumerate([*axes[0, 1:], *axes[1, 1:]]):
    ax.imshow(maps[i], cmap="magma")
    ax.set_title(f"carte {i}", fontsize=8)
for ax in axes.flat:
    ax.axis("off")
fig.suptitle("Une image de test et ses 16 cartes après la première couche")
fig.tight_layout()
plt.show()

# %% [markdown]
# *Figure 4. En haut à gauche, l'image d'entrée. Les 16 autres vignettes sont les cartes
# de caractéristiques (14 × 14, à cause du stride 2) produites par les 16 filtres,
# après la ReLU : les zones claires sont celles où le filtre répond fort.*
#
# Certaines cartes s'allument sur les contours du vêtement, d'autres sur le fond
# ou sur toute sa surface, d'autres presque nulle part pour cette image.
# La deuxième couche combine ces cartes pour repérer des motifs plus grands ;
# la couche dense décide enfin de la classe.
#
# Le cadre de l'image s'allume aussi sur plusieurs cartes. Ce n'est pas un motif
# du vêtement, mais un effet du padding : il ajoute des zéros autour de l'image,
# alors qu'un pixel de fond devient négatif une fois normalisé (sa valeur est affichée
# dans la section des données). Pour le filtre, le bord ressemble donc à un contour.

# %% [markdown]
# ## La même chose avec Keras
#
# Voici le même réseau écrit avec Keras. Quelques différences de vocabulaire et de format :
#
# - Keras range les images au format **canaux en dernier** (N, H, W, C), le format
#   `channels_last` que nous avons choisi pour la vitesse en PyTorch ;
# - `Conv2D` se configure avec `filters`, `kernel_size`, `strides` et `padding="same"`,
#   qui choisit lui-même le remplissage pour obtenir une sortie de taille $\lceil n/s \rceil$ ;
# - la boucle d'entraînement est cachée dans `fit`.
#
# Nous chargeons les données avec le chargeur de Keras et les normalisons
# avec la même moyenne et le même écart-type.

# %%
import keras  # noqa: E402  (import tardif : seule cette partie utilise Keras)

keras.utils.set_random_seed(SEED)
(k_train_images, k_train_labels), (k_test_images, k_test_labels) = (
    keras.datasets.fashion_mnist.load_data()
)
k_x_train = ((k_train_images / 255 - float(mean)) / float(std)).astype("float32")[..., None]
k_x_test = ((k_test_images / 255 - float(mean)) / float(std)).astype("float32")[..., None]
print(f"Keras {keras.__version__} (moteur {keras.backend.backend()})")
print(f"Entraînement {k_x_train.shape}, test {k_x_test.shape}")

# %% [markdown]
# Remarquez la forme : le canal est la **dernière** dimension.
# Définissons le modèle avec `keras.Sequential`, couche par couche, dans le même ordre
# qu'en PyTorch.

# %%
keras_model = keras.Sequential(
    [
        keras.Input(shape=(28, 28, 1)),
        keras.layers.Conv2D(16, kernel_size=5, strides=2, padding="same", activation="relu"),
        keras.layers.Conv2D(32, kernel_size=3, padding="same", activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10),  # logits, comme en PyTorch
    ]
)
keras_model.summary(line_length=72, print_fn=print)  # tableau de 72 caractères, en texte simple
print(f"Paramètres : Keras {keras_model.count_params()}, PyTorch {n_cnn}")

# %% [markdown]
# Le résumé donne, pour chaque couche, la forme de sortie et le nombre de paramètres.
# Les totaux sont identiques à ceux de PyTorch : c'est bien la même architecture.
# L'ordre des poids diffère (Keras range un filtre de convolution
# en `(k, k, C_in, C_out)`, PyTorch en `(C_out, C_in, k, k)`), et deux détails aussi :
# Keras tire les poids initiaux selon une autre loi (Glorot uniforme par défaut),
# et avec un stride de 2, `padding="same"` ajoute ici une rangée de zéros en haut
# et à gauche, mais deux en bas et à droite, là où notre `padding=2` en met deux partout.
#
# Nous entraînons ce modèle moins longtemps que la version PyTorch, pour que le tutoriel
# reste rapide : 3 époques, sur les 60 000 images d'entraînement et sans validation.
# Le taux d'apprentissage décroît selon un cosinus. Le lissage des étiquettes existe aussi
# en Keras, mais seulement pour des étiquettes codées en **one-hot** (un vecteur de 10 valeurs,
# 1 pour la bonne classe et 0 ailleurs) : `keras.utils.to_categorical` fait la conversion.

# %%
KERAS_EPOCHS = 3
keras_steps = KERAS_EPOCHS * -(-len(k_x_train) // BATCH_SIZE)
keras_model.compile(
    optimizer=keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(MAX_LR, keras_steps)),
    loss=keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1),
    metrics=[keras.metrics.CategoricalAccuracy(name="accuracy")],
)
k_y_train = keras.utils.to_categorical(k_train_labels, 10)  # one-hot : (60000, 10)
k_y_test = keras.utils.to_categorical(k_test_labels, 10)
keras_start = time.perf_counter()
keras_model.fit(k_x_train, k_y_train, epochs=KERAS_EPOCHS, batch_size=BATCH_SIZE, verbose=2)
keras_seconds = time.perf_counter() - keras_start
# Le modèle Keras apprend sur les 60 000 images, sans validation : ses réglages sont
# repris de la version PyTorch, rien n'est choisi en regardant le test.
DATA_SPLIT["keras"] = {"train": range(len(k_x_train)), "validation": [], "test": len(k_x_test)}
keras_loss, keras_test_accuracy = keras_model.evaluate(k_x_test, k_y_test, verbose=0)
print(f"Keras : {KERAS_EPOCHS} époques en {fr(keras_seconds, 1)} s")
print(f"Exactitude de test : {fr(100 * keras_test_accuracy, 2)} % (Keras, {KERAS_EPOCHS} époques)")
print(f"                     {fr(100 * test_accuracy, 2)} % (PyTorch, {EPOCHS} époques)")

# %% [markdown]
# Comparez les deux dernières lignes. Le modèle Keras n'a eu que 3 époques,
# contre 12 pour la version PyTorch, avec un autre calendrier du taux d'apprentissage :
# l'écart d'exactitude vient surtout de cette différence d'entraînement, pas de
# la bibliothèque, puisque l'architecture est la même. Les durées, elles, ne se comparent
# pas directement :
# PyTorch et TensorFlow n'utilisent pas les mêmes bibliothèques de calcul sur CPU.
#
# `fit` a fait pour nous ce que notre boucle faisait à la main : découpage en lots mélangés,
# propagation avant, perte, rétropropagation, mise à jour, suivi de l'exactitude.

# %% [markdown]
# ## Récapitulatif
#
# - Une **convolution** fait glisser un petit filtre de poids sur l'image ;
#   chaque filtre produit une **carte de caractéristiques**.
# - **Connexions locales** et **poids partagés** : une convolution a peu de paramètres,
#   et un motif appris à un endroit est reconnu partout.
# - Taille de sortie : $\lfloor (n + 2p - k)/s \rfloor + 1$. Le **padding** préserve la taille,
#   le **stride** et l'**agrégation** la réduisent.
# - Sur un processeur, on réduit l'image tôt, on garde peu de filtres sur les grandes cartes,
#   et on passe au format `channels_last` : mesurez chaque choix.
# - Plusieurs filtres appris par la première couche ressemblent à des détecteurs de bords.
# - Keras décrit le même réseau avec `Conv2D`, `MaxPooling2D` et `Dense`, au format (N, H, W, C).

# %% [markdown]
# ## Exercices
#
# ### Exercice 1 : prévoir les formes
#
# Sans rien exécuter, calculez la forme de sortie de cette pile de couches pour une image
# de 28 × 28 : convolution 3 × 3 sans padding à 8 filtres, puis convolution 3 × 3
# de stride 2 et padding 1 à 16 filtres, puis agrégation par maximum 2 × 2.
# Vérifiez ensuite avec PyTorch.

# %%
# Solution
stack = nn.Sequential(
    nn.Conv2d(1, 8, kernel_size=3),  # (28 - 3) / 1 + 1 = 26
    nn.Conv2d(8, 16, kernel_size=3, stride=2, padding=1),  # (26 + 2 - 3) // 2 + 1 = 13
    nn.MaxPool2d(2),  # 13 // 2 = 6
)
print(f"Forme de sortie : {tuple(stack(sample).shape)}")

# %% [markdown]
# ### Exercice 2 : le prix du partage des poids
#
# La deuxième convolution de notre réseau transforme 16 cartes 14 × 14 en 32 cartes 14 × 14.
# Combien de paramètres faudrait-il à une couche **dense** qui relierait ces mêmes entrées
# à ces mêmes sorties ? Comparez au nombre de paramètres de la convolution.

# %%
# Solution
n_in, n_out = 16 * 14 * 14, 32 * 14 * 14
dense_params = n_in * n_out + n_out
conv_params = sum(p.numel() for p in model.features[2].parameters())
print(f"Couche dense : {dense_params} paramètres")
print(f"Convolution  : {conv_params} paramètres ({16 * 32 * 3 * 3} poids + 32 biais)")
print(f"Soit {dense_params // conv_params} fois moins pour la convolution.")

# %% [markdown]
# ### Exercice 3 : les confusions du CNN
#
# Quelles sont les trois paires de classes que le CNN confond le plus souvent sur le test ?
# Comptez, pour chaque couple (vraie classe, classe prédite) différent, le nombre d'images.
#
# Indice : avec `n` classes, l'entier `n * vraie + prédite` numérote les couples ;
# `torch.bincount` compte alors toutes les paires en une fois.

# %%
# Solution
model.eval()
with torch.no_grad():
    batches = range(0, len(x_test_cl), 2000)
    predicted = torch.cat([model(x_test_cl[i : i + 2000]).argmax(1) for i in batches])
pairs = torch.bincount(10 * y_test + predicted, minlength=100).reshape(10, 10).cpu()
pairs.fill_diagonal_(0)  # on ne garde que les erreurs
counts, indices = pairs.flatten().topk(3)
for count, index in zip(counts.tolist(), indices.tolist(), strict=True):
    true_class, predicted_class = divmod(index, 10)
    print(
        f"{CLASS_NAMES[true_class]:<8} pris pour {CLASS_NAMES[predicted_class]:<8} : {count} fois"
    )

# %% [markdown]
# Les confusions les plus fréquentes opposent des vêtements du haut du corps
# aux silhouettes voisines, la chemise en tête : à 28 × 28 pixels et en niveaux de gris,
# une chemise, un T-shirt et un manteau se ressemblent beaucoup. Certaines de ces images
# sont ambiguës même pour un humain ; un réseau plus grand ou l'augmentation de données
# réduisent ces erreurs sans les faire disparaître.

# %% [markdown]
# ## Testez-vous
#
# Sept questions sur les formes, les paramètres et l'entraînement de ce CNN ; répondez avant de
# déplier l'explication de chaque choix.
#
# !!! quiz "Un padding trop petit"
#     Dans la première convolution (`kernel_size=5, stride=2`), vous écrivez `padding=1` au lieu de
#     `padding=2`. Que se passe-t-il pour une image de 28 × 28 ?
#
#     - [ ] Rien de visible : les cartes font toujours 14 × 14.
#       La formule donne ⌊(28 + 2 − 5)/2⌋ + 1 = 12 + 1 = 13 : la carte perd une ligne et une
#       colonne.
#     - [x] Les cartes font 13 × 13, puis 6 × 6 : la couche dense lève une erreur.
#       ⌊(28 + 2 − 5)/2⌋ + 1 = 13 ; la deuxième convolution garde 13 × 13 ; l'agrégation 2 × 2 donne
#       ⌊13/2⌋ = 6. `nn.Linear(32 * 7 * 7, 128)` attend 32 × 7 × 7 valeurs par image et en reçoit 32
#       × 6 × 6.
#     - [ ] Les cartes font 12 × 12, et tout fonctionne.
#       Le calcul donne 13, et la couche dense n'accepte que des cartes de 7 × 7 après l'agrégation.
#
# !!! quiz "Les paramètres de la deuxième convolution"
#     Combien de paramètres a `nn.Conv2d(16, 32, kernel_size=3, padding=1)`, la deuxième convolution
#     de notre CNN ?
#
#     - [x] 3 × 3 × 16 × 32 + 32
#       Chacun des 32 filtres couvre une fenêtre 3 × 3 sur les 16 canaux d'entrée, et a son propre
#       biais.
#     - [ ] 3 × 3 × 32 + 32
#       Ce compte oublie les canaux d'entrée : un filtre regarde à la fois les 16 cartes de la
#       couche précédente.
#     - [ ] 14 × 14 × 16 × 32 + 32
#       Les poids sont partagés sur toute l'image : leur nombre ne dépend pas de la taille des
#       cartes.
#     - [ ] (16 × 14 × 14) × (32 × 14 × 14) + 32 × 14 × 14
#       C'est le compte d'une couche dense qui relierait les mêmes entrées aux mêmes sorties, celui
#       de l'exercice 2.
#
# !!! quiz "Des images plus grandes"
#     Vous donnez au même CNN des images de 56 × 56 au lieu de 28 × 28, en adaptant ce qu'il faut.
#     Quelles couches changent de nombre de paramètres ?
#
#     - [ ] La première convolution.
#       Ses 16 filtres 5 × 5 restent les mêmes, quelle que soit la taille de l'image.
#     - [ ] La deuxième convolution.
#       Pour la même raison : 3 × 3 × 16 × 32 poids et 32 biais, pour toute taille de carte.
#     - [x] La couche dense qui suit `nn.Flatten`.
#       Les cartes font maintenant 14 × 14 après l'agrégation : la couche reçoit 32 × 14 × 14
#       valeurs, quatre fois plus, et devient `nn.Linear(32 * 14 * 14, 128)`.
#     - [ ] La couche de sortie, `nn.Linear(hidden, 10)`.
#       Elle reçoit toujours les 128 valeurs de la couche précédente et rend 10 logits.
#
# !!! quiz "Une agrégation par maximum"
#     `grid = torch.arange(16.0).reshape(1, 1, 4, 4)` contient les nombres de 0 à 15, ligne par
#     ligne. Que rend `nn.MaxPool2d(2)(grid)[0, 0]` ?
#
#     - [x] `[[5, 7], [13, 15]]`
#       Le carré en haut à gauche contient 0, 1, 4 et 5 : son maximum est 5. De même 7, 13 et 15
#       pour les trois autres carrés.
#     - [ ] `[[0, 2], [8, 10]]`
#       Ce sont les minimums de chaque carré. L'agrégation par maximum garde la plus grande valeur.
#     - [ ] `[[2.5, 4.5], [10.5, 12.5]]`
#       Ce sont les moyennes de chaque carré, que calculerait `nn.AvgPool2d(2)`.
#     - [ ] Une carte 3 × 3.
#       Par défaut, le pas de `nn.MaxPool2d(2)` vaut la taille de sa fenêtre : les carrés ne se
#       chevauchent pas, et la sortie fait 2 × 2.
#
# !!! quiz "Un lissage plus fort"
#     Le tutoriel lisse les étiquettes avec `label_smoothing=0.1`, d'où des cibles de 0,91 et 0,01.
#     Quelles cibles donnerait `label_smoothing=0.2`, avec 10 classes ?
#
#     - [x] 0,82 pour la bonne classe, 0,02 pour chacune des neuf autres.
#       PyTorch mélange la cible *one-hot* et une répartition uniforme : (1 − 0,2) + 0,2/10 = 0,82
#       pour la bonne classe, 0,2/10 = 0,02 pour les autres. La somme vaut bien 1.
#     - [ ] 0,8 pour la bonne classe, 0,02 pour chacune des neuf autres.
#       La somme ne vaudrait que 0,98 : la part uniforme, 0,2/10, revient aussi à la bonne classe.
#     - [ ] 0,8 pour la bonne classe, 0,2 pour chacune des neuf autres.
#       La somme dépasserait 1 : les 0,2 retirés se répartissent sur les 10 classes.
#
# !!! quiz "La forme des filtres"
#     Quelle forme a `model.features[0].weight`, le tenseur des poids de la première convolution ?
#
#     - [x] `(16, 1, 5, 5)`
#       PyTorch range les filtres en `(C_out, C_in, k, k)` : 16 filtres, 1 canal d'entrée, 5 × 5
#       poids.
#     - [ ] `(5, 5, 1, 16)`
#       C'est l'ordre de Keras, `(k, k, C_in, C_out)`, pour la même couche.
#     - [ ] `(16, 14, 14)`
#       C'est la forme des 16 cartes de sortie d'une image, pas celle des poids.
#     - [ ] `(16, 5, 5)`
#       Il manque l'axe du canal d'entrée, présent même quand l'image n'a qu'un canal.
#
# !!! quiz "OneCycle appelé une fois par époque"
#     Vous déplacez `scheduler.step()` hors de la boucle des lots, pour l'appeler une fois par
#     époque. `OneCycleLR` a été créé pour `EPOCHS * steps_per_epoch` pas. Que devient le taux
#     d'apprentissage ?
#
#     - [ ] Rien ne change, car OneCycle s'adapte.
#       Le calendrier compte ses appels à `step()` : il ne sait pas s'ils correspondent à des lots
#       ou à des époques.
#     - [x] Il reste très bas pendant tout l'entraînement, au début de sa phase de montée.
#       Après 12 appels sur plus de deux mille prévus, le calendrier n'a parcouru qu'une infime
#       partie de sa montée : le réseau s'entraîne avec un taux proche du taux de départ.
#     - [ ] Il monte jusqu'au maximum puis redescend en 12 époques, comme prévu.
#       Il faudrait pour cela créer `OneCycleLR` avec `total_steps=EPOCHS`, un pas par époque.

# %% [markdown]
# ## Pour aller plus loin
#
# - [Les notes du cours CS231n][cs231n] de Stanford sur les réseaux convolutifs,
#   avec des animations de la convolution.
# - [Le guide de l'arithmétique des convolutions][arith] de Dumoulin et Visin (2016) :
#   toutes les combinaisons de padding et de stride, en figures.
# - [Le chapitre sur les réseaux convolutifs][d2l] du livre en ligne *Dive into Deep Learning*,
#   avec du code PyTorch.
# - [Le tutoriel de PyTorch sur le format mémoire][channels-last] `channels_last`.
# - La documentation de [`nn.Conv2d`][conv2d], de [`OneCycleLR`][onecycle]
#   et de [`keras.layers.Conv2D`][keras-conv].
#
# [cs231n]: https://cs231n.github.io/convolutional-networks/
# [arith]: https://arxiv.org/abs/1603.07285
# [d2l]: https://d2l.ai/chapter_convolutional-neural-networks/index.html
# [channels-last]: https://docs.pytorch.org/tutorials/intermediate/memory_format_tutorial.html
# [conv2d]: https://docs.pytorch.org/docs/stable/generated/torch.nn.Conv2d.html
# [onecycle]: https://docs.pytorch.org/docs/stable/generated/torch.optim.lr_scheduler.OneCycleLR.html
# [keras-conv]: https://keras.io/api/layers/convolution_layers/convolution2d/
