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
#     titre: Apprentissage par transfert
#     description: Réutiliser un CNN entraîné sur cinq classes pour en apprendre cinq autres
#       avec peu d'étiquettes, puis mesurer un transfert lointain.
#     niveau: intermédiaire
#     duree: 1 h 15
#     prerequis:
#     - Premier réseau convolutif (CNN)
#     - Le surapprentissage (validation et test)
#     gpu: Facultatif, tous les entraînements tiennent en quelques minutes sur un portable.
#     metriques:
#     - nom: source_test_accuracy
#       libelle: Exactitude du réseau source sur le test de ses cinq classes
#       unite: pourcentage
#       min: 0.95
#     - nom: finetune_test_accuracy
#       libelle: Exactitude de l'affinage, 5 étiquettes par classe (moyenne des graines)
#       unite: pourcentage
#       min: 0.53
#     - nom: finetune_gain
#       libelle: Gain de l'affinage sur l'entraînement de zéro, 5 étiquettes par classe
#       unite: points
#       min: 0.01
#     - nom: train_seconds
#       libelle: Durée de tous les entraînements
#       unite: secondes
#       max_calibrations: 3540
# ---

# %% [markdown]
# # Apprentissage par transfert
#
# Entraîner un réseau demande beaucoup d'exemples étiquetés. Or, dans un vrai projet,
# les étiquettes coûtent cher : quelqu'un doit regarder chaque image et dire ce qu'elle montre.
# L'**apprentissage par transfert**
# (*transfer learning*) contourne ce problème : on part d'un réseau déjà entraîné
# sur une autre tâche, qui disposait de beaucoup d'exemples, et on l'adapte à la nôtre.
#
# En vision, le point de départ habituel est un réseau entraîné sur ImageNet
# et ses 1,2 million de photos ([Russakovsky et coll., 2015](https://arxiv.org/abs/1409.0575)).
# Ce tutoriel ne télécharge aucun poids : il reproduit toute la démarche, en petit,
# à l'intérieur de Fashion-MNIST. Un CNN apprend d'abord cinq classes avec toutes leurs images.
# Il sert ensuite de point de départ pour apprendre les cinq autres classes
# avec seulement quelques étiquettes par classe.

# %% [markdown]
# ## Objectifs
#
# À la fin de ce tutoriel, vous saurez :
#
# - séparer un réseau en un extracteur de caractéristiques et une tête de classification ;
# - remplacer la tête d'un réseau entraîné pour une nouvelle tâche ;
# - comparer trois façons d'apprendre avec peu d'étiquettes : les caractéristiques figées,
#   l'affinage de tout le réseau et l'entraînement de zéro ;
# - donner à chaque groupe de paramètres son propre taux d'apprentissage ;
# - choisir ce taux sur la validation, puis mesurer une seule fois sur le test ;
# - reconnaître un transfert lointain, où le réseau source aide moins ;
# - charger chez vous un ResNet entraîné sur ImageNet avec `torchvision`.
#
# ## Prérequis
#
# - Le tutoriel « Premier réseau convolutif (CNN) » : convolution, agrégation, le petit CNN
#   rapide que nous reprenons ici, la politique OneCycle et le lissage des étiquettes.
# - Le rôle des jeux d'entraînement, de validation et de test, vu dans le tutoriel
#   « Le surapprentissage en pratique ».
# - Un environnement Python avec `torch`, `torchvision`, `matplotlib` et `scikit-learn`.
#   Scikit-learn (`pip install scikit-learn`) ne sert qu'à fournir
#   un petit jeu de chiffres manuscrits, livré avec le paquet.

# %% [markdown]
# ## Mise en place
#
# Les imports, la graine aléatoire et le choix du `device`, comme dans les tutoriels précédents.
#
# Une différence : nous demandons à PyTorch un seul fil d'exécution (*thread*) sur le processeur.
# La plupart des entraînements de ce tutoriel portent sur quelques dizaines d'images par lot,
# trop peu pour que le travail gagne à être partagé entre plusieurs cœurs : chaque fil
# passerait son temps à attendre les autres, surtout sur une machine déjà occupée.

# %%
import copy
import os
import time

import matplotlib.pyplot as plt
import sklearn
import torch
import torch.nn.functional as F
import torchvision
from sklearn.datasets import load_digits
from torch import nn

SEED = 0
torch.manual_seed(SEED)
torch.set_num_threads(1)  # de petits lots : un seul fil de calcul suffit
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")


def fr(x, decimals=2):
    """Écrit un nombre à la française : virgule décimale, vrai signe moins."""
    return f"{x:.{decimals}f}".replace(".", ",").replace("-", "\u2212")


def thousands(n):
    """Un entier à la française : 205 888 (espace insécable entre les milliers)."""
    return f"{n:,}".replace(",", "\u00a0")


def points(x):
    """L'écart entre deux proportions, en points (« point » au singulier sous 2)."""
    return fr(100 * x, 1) + (" points" if abs(100 * x) >= 2 else " point")


n_threads = torch.get_num_threads()
print(f"PyTorch {torch.__version__}, torchvision {torchvision.__version__}")
print(f"scikit-learn {sklearn.__version__}")
print(f"Calculs sur : {device} ({n_threads} fil{'s' * (n_threads > 1)} d'exécution CPU)")

# %% [markdown]
# ## Deux tâches dans Fashion-MNIST
#
# Nous coupons les dix classes de Fashion-MNIST en deux groupes de cinq :
#
# - la **tâche source** : pantalon, sandale, basket, sac et bottine. Le réseau source
#   l'apprend avec toutes ses images d'entraînement ;
# - la **tâche cible** : T-shirt, pull, robe, manteau et chemise, les hauts et la robe,
#   aux silhouettes voisines. C'est entre eux que le CNN du tutoriel précédent
#   faisait ses confusions les plus fréquentes (son exercice 3 les compte) : la moitié
#   difficile du jeu de données. Nous ne disposerons que de quelques étiquettes par classe.
#
# Les deux tâches partagent le même genre d'images (des vêtements en niveaux de gris,
# centrés, sur fond noir), mais aucune classe. C'est un transfert **proche**.
#
# Le découpage suit les règles du cours. 10 % des images d'entraînement officielles sont mises
# de côté pour la validation, qui sert à tous les choix. Le test officiel ne sert qu'à
# la mesure finale : ses images des classes source mesurent le réseau source,
# celles des classes cibles mesurent les modèles de la tâche cible.

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
SOURCE_CLASSES = [1, 5, 7, 8, 9]  # pantalon, sandale, basket, sac, bottine
TARGET_CLASSES = [0, 2, 3, 4, 6]  # T-shirt, pull, robe, manteau, chemise

images = train_set.data.float().div(255)
mean, std = images.mean(), images.std()
images = ((images - mean) / std).unsqueeze(1)  # (60000, 1, 28, 28)
test_images = ((test_set.data.float().div(255) - mean) / std).unsqueeze(1)
labels, test_labels = train_set.targets, test_set.targets

split = torch.randperm(len(images), generator=torch.Generator().manual_seed(SEED))
n_val = len(images) // 10
val_index, train_index = split[:n_val], split[n_val:]


def task(index, targets, classes):
    """Les indices des images de `classes` parmi `index`, et leurs étiquettes numérotées 0 à 4."""
    classes = torch.tensor(classes)
    kept = index[torch.isin(targets[index], classes)]
    renumber = torch.full((10,), -1)
    renumber[classes] = torch.arange(len(classes))
    return kept, renumber[targets[kept]]


def prepare(x):
    """Envoie des images sur l'appareil de calcul, au format channels_last (voir le tutoriel 07)."""
    return x.to(device).contiguous(memory_format=torch.channels_last)


all_test = torch.arange(len(test_labels))
source_train_index, source_train_y = task(train_index, labels, SOURCE_CLASSES)
source_val_index, source_val_y = task(val_index, labels, SOURCE_CLASSES)
source_test_index, source_test_y = task(all_test, test_labels, SOURCE_CLASSES)
target_pool_index, target_pool_y = task(train_index, labels, TARGET_CLASSES)
target_val_index, target_val_y = task(val_index, labels, TARGET_CLASSES)
target_test_index, target_test_y = task(all_test, test_labels, TARGET_CLASSES)

# Toutes les images préparées une fois pour toutes, comme dans les tutoriels 03 et 07.
source_train_x = prepare(images[source_train_index])
source_val_x = prepare(images[source_val_index])
source_test_x = prepare(test_images[source_test_index])
target_pool_x = prepare(images[target_pool_index])
target_val_x = prepare(images[target_val_index])
target_test_x = prepare(test_images[target_test_index])
source_train_y, source_val_y = source_train_y.to(device), source_val_y.to(device)
source_test_y, target_test_y = source_test_y.to(device), target_test_y.to(device)
target_pool_y, target_val_y = target_pool_y.to(device), target_val_y.to(device)

print(f"{'':<8}{'entraînement':>14}{'validation':>12}{'test':>8}")
for name, parts in (
    ("source", (source_train_y, source_val_y, source_test_y)),
    ("cible", (target_pool_y, target_val_y, target_test_y)),
):
    train, val, test = (thousands(len(part)) for part in parts)
    print(f"{name:<8}{train:>14}{val:>12}{test:>8}")

# %% [markdown]
# Pour la tâche cible, la colonne « entraînement » est une **réserve** : des images dont
# nous ferons semblant de ne pas connaître la classe. Nous n'en étiquetterons que
# quelques-unes par classe. Regardons une image de chaque classe, source en haut,
# cible en bas.

# %% alt="Une image par classe : tâche source en haut, tâche cible (hauts) en bas."
fig, axes = plt.subplots(2, 5, figsize=(9, 4))
for row, (classes, name) in enumerate([(SOURCE_CLASSES, "source"), (TARGET_CLASSES, "cible")]):
    for ax, label in zip(axes[row], classes, strict=True):
        first = int(torch.nonzero(labels == label)[0])
        ax.imshow(train_set.data[first], cmap="gray")
        ax.set_title(f"{CLASS_NAMES[label]} ({name})", fontsize=9)
        ax.axis("off")
fig.tight_layout()
plt.show()

# %% [markdown]
# *Figure 1. En haut, les cinq classes de la tâche source ; en bas, les cinq classes
# de la tâche cible.*
#
# Aucune classe n'est commune, mais les images se ressemblent : mêmes contours nets
# sur fond noir, mêmes textures de tissu. Un réseau qui a appris à décrire les premières
# devrait avoir appris des motifs utiles pour les secondes.

# %% [markdown]
# ## Le réseau source
#
# ### Un extracteur de caractéristiques et une tête
#
# Nous reprenons le CNN rapide du tutoriel « Premier réseau convolutif (CNN) »,
# rangé en deux parties :
#
# - `features`, l'**extracteur de caractéristiques** : les deux convolutions, l'agrégation
#   et la couche dense de 128 neurones. Il transforme une image en un vecteur de 128 nombres ;
# - `head`, la **tête** : une seule couche linéaire, qui transforme ces 128 nombres en
#   un logit par classe.
#
# Seule la tête dépend du nombre de classes. C'est elle que l'on remplace pour changer de tâche.
# Les grands réseaux entraînés sur ImageNet sont rangés de la même façon :
# chez ResNet, la tête s'appelle `fc`.


# %%
class CNN(nn.Module):
    """Le CNN rapide du tutoriel 07 : un extracteur de caractéristiques, puis une tête."""

    def __init__(self, n_classes):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, kernel_size=5, stride=2, padding=2),  # 16 cartes 14 × 14
            nn.ReLU(),
            nn.Conv2d(16, 32, kernel_size=3, padding=1),  # 32 cartes 14 × 14
            nn.ReLU(),
            nn.MaxPool2d(2),  # 32 cartes 7 × 7
            nn.Flatten(),
            nn.Linear(32 * 7 * 7, 128),  # un vecteur de 128 caractéristiques
            nn.ReLU(),
        )
        self.head = nn.Linear(128, n_classes)  # un logit par classe

    def forward(self, x):
        return self.head(self.features(x))


n_features = sum(p.numel() for p in CNN(5).features.parameters())
n_head = sum(p.numel() for p in CNN(5).head.parameters())
print(
    f"Extracteur : {thousands(n_features)} paramètres ; "
    f"tête à 5 classes : {thousands(n_head)} paramètres"
)

# %% [markdown]
# Presque tous les paramètres sont dans l'extracteur. Avec peu d'étiquettes, les régler tous
# à partir de rien est difficile ; les reprendre d'un réseau déjà entraîné ne coûte rien.

# %% [markdown]
# ### Entraîner et mesurer
#
# Une seule fonction d'entraînement servira partout. Elle reprend la recette du tutoriel 07 :
# Adam, la politique OneCycle et un lissage des étiquettes de 0,1. Elle reçoit des **groupes
# de paramètres**, chacun avec son propre taux d'apprentissage maximal : c'est ce qui
# permettra tout à l'heure d'affiner l'extracteur plus doucement que la tête.
# Elle compte un nombre fixe de pas, et non d'époques : avec 25 images, une époque
# ne ferait qu'un seul pas. Toutes les durées d'entraînement s'additionnent dans `train_seconds`.

# %%
LOSS = nn.CrossEntropyLoss(label_smoothing=0.1)
train_seconds = 0.0


def train(model, x, y, groups, steps, batch_size, seed):
    """Adam et OneCycle pendant `steps` pas ; chaque groupe a son taux d'apprentissage maximal."""
    global train_seconds
    start = time.perf_counter()
    optimizer = torch.optim.Adam(groups)
    scheduler = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=[group["lr"] for group in groups], total_steps=steps
    )
    generator = torch.Generator(device=device).manual_seed(seed)
    batch_size = min(batch_size, len(y))
    model.train()
    step = 0
    while step < steps:
        order = torch.randperm(len(y), device=device, generator=generator)
        for first in range(0, len(y), batch_size):
            if step == steps:
                break
            batch = order[first : first + batch_size]
            loss = LOSS(model(x[batch]), y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            scheduler.step()
            step += 1
    train_seconds += time.perf_counter() - start
    return model


@torch.no_grad()
def accuracy(model, x, y, batch_size=2500):
    """Proportion d'images dont la classe prédite (logit maximal) est la bonne."""
    model.eval()
    correct = 0
    for first in range(0, len(y), batch_size):
        logits = model(x[first : first + batch_size])
        correct += (logits.argmax(dim=1) == y[first : first + batch_size]).sum().item()
    return correct / len(y)


# %% [markdown]
# ### Le préentraînement
#
# Le réseau source apprend la tâche source pendant 3 époques, par lots de 256 images.
# C'est lui qui jouera le rôle du réseau entraîné sur ImageNet. Sa validation vérifie
# que l'entraînement s'est bien passé ; son test est mesuré une seule fois, ici.

# %%
LR = 3e-3  # taux maximal, celui du tutoriel 07
SOURCE_EPOCHS = 3
SOURCE_BATCH = 256

torch.manual_seed(SEED)
source_model = CNN(len(SOURCE_CLASSES)).to(device, memory_format=torch.channels_last)
source_steps = SOURCE_EPOCHS * -(-len(source_train_y) // SOURCE_BATCH)
train(
    source_model,
    source_train_x,
    source_train_y,
    [{"params": source_model.parameters(), "lr": LR}],
    steps=source_steps,
    batch_size=SOURCE_BATCH,
    seed=SEED,
)
source_val_accuracy = accuracy(source_model, source_val_x, source_val_y)
source_test_accuracy = accuracy(source_model, source_test_x, source_test_y)
print(f"Préentraînement : {source_steps} pas en {fr(train_seconds, 1)} s")
print(
    f"Exactitude source : validation {fr(100 * source_val_accuracy)} %, "
    f"test {fr(100 * source_test_accuracy)} %"
)

# %% [markdown]
# La tâche source est facile : un pantalon, une sandale et un sac ne se ressemblent guère.
# Le réseau la réussit presque parfaitement. La question est maintenant de savoir
# si ce qu'il a appris sert ailleurs.

# %% [markdown]
# ## La tâche cible, avec peu d'étiquettes
#
# ### Tirer quelques exemples étiquetés
#
# Nous simulons un projet où l'on n'a étiqueté que $n$ images par classe, avec $n$ égal
# à 5, 10, 50 ou 200. Chaque tirage dépend d'une graine ; nous en prenons trois,
# car avec 5 images par classe, le hasard du tirage pèse lourd. Les tirages sont emboîtés :
# les 5 images d'une classe font partie de ses 10, qui font partie de ses 50.

# %%
BUDGETS = [5, 10, 50, 200]  # étiquettes par classe
SEEDS = [0, 1, 2]


def draw_labelled(seed):
    """Pour chaque classe cible, max(BUDGETS) positions dans la réserve, tirées au hasard."""
    n_max = max(BUDGETS)
    generator = torch.Generator().manual_seed(1000 + seed)
    rows = []
    for label in range(len(TARGET_CLASSES)):
        positions = torch.nonzero(target_pool_y.cpu() == label).flatten()
        rows.append(positions[torch.randperm(len(positions), generator=generator)[:n_max]])
    return torch.stack(rows)  # (5 classes, n_max)


draws = {seed: draw_labelled(seed) for seed in SEEDS}


def labelled(n_per_class, seed):
    """Les images étiquetées du tirage `seed` : les `n_per_class` premières de chaque classe."""
    positions = draws[seed][:, :n_per_class].flatten().to(device)
    return target_pool_x[positions], target_pool_y[positions]


used = torch.unique(torch.cat([target_pool_index[d.flatten()] for d in draws.values()]))
# Le découpage, rangé dans l'enregistrement de l'exécution. Le test est le test officiel
# (10 000 images) : ses 5 000 images des classes source mesurent le réseau source,
# ses 5 000 images des classes cibles les modèles de la tâche cible.
DATA_SPLIT = {
    "source": {"train": source_train_index, "validation": source_val_index, "test": len(all_test)},
    "cible": {"train": used, "validation": target_val_index, "test": len(all_test)},
}
x_small, y_small = labelled(BUDGETS[0], SEEDS[0])
print(f"Plus petit budget : {tuple(x_small.shape)}, classes {torch.bincount(y_small).tolist()}")
print(f"Images cibles étiquetées, tous tirages confondus : {len(used)}")

# %% [markdown]
# Avec le plus petit budget, l'entraînement ne voit que 25 images.
# La validation de la tâche cible, elle, est grande : nous la gardons entière pour que
# nos choix soient fiables. Dans un vrai projet, elle serait petite aussi, et
# les choix plus hasardeux ; c'est une limite de cette expérience.

# %% [markdown]
# ### Trois façons d'apprendre
#
# Pour la tâche cible, nous comparons trois méthodes, avec le même budget de 150 pas
# par lots d'au plus 64 images :
#
# 1. **Les caractéristiques figées** : on copie le réseau source, on remplace sa tête
#    par une tête neuve à 5 sorties, et seule cette tête apprend. L'extracteur ne change pas :
#    c'est l'**extraction de caractéristiques**.
# 2. **L'affinage** (*fine-tuning*) : même départ, mais tout le réseau apprend. La tête neuve
#    prend le taux d'apprentissage habituel. L'extracteur, déjà bon, reçoit d'ordinaire
#    un taux plus petit, pour ne pas effacer ce qu'il sait dès les premiers pas ;
#    nous choisirons ce taux sur la validation.
# 3. **L'entraînement de zéro** : un CNN neuf, aux poids tirés au hasard, la référence
#    sans transfert.
#
# `make_model` construit le modèle et ses groupes de paramètres selon la méthode.

# %%
METHODS = {"frozen": "figées", "finetune": "affinage", "scratch": "de zéro"}
TARGET_STEPS = 150
TARGET_BATCH = 64


def make_model(method, n_classes, seed, body_factor):
    """Un modèle pour la tâche cible, et ses groupes de paramètres avec leur taux."""
    torch.manual_seed(seed)  # la tête neuve (ou tout le réseau neuf) dépend de la graine
    if method == "scratch":
        model = CNN(n_classes).to(device, memory_format=torch.channels_last)
        return model, [{"params": model.parameters(), "lr": LR}]
    model = copy.deepcopy(source_model)
    model.head = nn.Linear(128, n_classes)
    model = model.to(device, memory_format=torch.channels_last)
    if method == "frozen":
        model.features.requires_grad_(False)  # ni gradient ni mise à jour pour l'extracteur
        return model, [{"params": model.head.parameters(), "lr": LR}]
    return model, [
        {"params": model.head.parameters(), "lr": LR},
        {"params": model.features.parameters(), "lr": LR * body_factor},
    ]


def fit(method, x, y, n_classes, seed, body_factor):
    """Construit puis entraîne un modèle de la tâche cible."""
    model, groups = make_model(method, n_classes, seed, body_factor)
    return train(model, x, y, groups, TARGET_STEPS, TARGET_BATCH, seed)


for method, name in METHODS.items():
    model, groups = make_model(method, 5, SEED, body_factor=0.1)
    trained = sum(p.numel() for group in groups for p in group["params"])
    print(f"{name:<9}: {thousands(trained):>7} paramètres entraînés")

# %% [markdown]
# Avec les caractéristiques figées, seuls les poids de la tête apprennent : quelques centaines
# de nombres, que 25 images suffisent presque à régler. L'affinage et l'entraînement
# de zéro règlent tous les paramètres ; seul leur point de départ diffère.

# %% [markdown]
# ### Choisir le taux d'apprentissage de l'affinage
#
# Quel taux donner à l'extracteur pendant l'affinage ? Nous essayons trois facteurs
# appliqués au taux de la tête : 1 (le même taux), 0,3 et 0,1. Le choix se fait au plus petit
# budget, celui où il compte le plus, sur la **validation**, en moyenne sur les trois tirages.

# %%
FACTORS = [1.0, 0.3, 0.1]
factor_scores = {}
for factor in FACTORS:
    scores = []
    for seed in SEEDS:
        x, y = labelled(BUDGETS[0], seed)
        model = fit("finetune", x, y, len(TARGET_CLASSES), seed, factor)
        scores.append(accuracy(model, target_val_x, target_val_y))
    factor_scores[factor] = sum(scores) / len(scores)
    print(f"facteur {fr(factor, 1)} : validation {fr(100 * factor_scores[factor])} %")
BODY_FACTOR = max(factor_scores, key=factor_scores.get)
print(f"Facteur retenu : {fr(BODY_FACTOR, 1)}, soit un taux maximal de {fr(LR * BODY_FACTOR, 4)}")

# %% [markdown]
# Les écarts entre facteurs sont faibles : bien plus faibles que les écarts entre tirages
# que montrera le tableau suivant. Un taux plus petit pour l'extracteur n'est donc pas
# indispensable ici. Une explication probable : la politique OneCycle commence déjà par
# un taux très bas, qui monte progressivement ; les premiers pas, ceux où une tête encore
# aléatoire renvoie les gradients les plus désordonnés, ne bousculent pas l'extracteur.
# Avec un taux constant, le facteur compterait sans doute davantage.
#
# Nous gardons le meilleur facteur sur la validation, sans regarder le test. Il servira
# pour toutes les mesures qui suivent, y compris pour le transfert lointain de la fin
# du tutoriel.

# %% [markdown]
# ### Les trois méthodes face au nombre d'étiquettes
#
# Voici l'expérience principale : pour chaque budget, chaque tirage et chaque méthode,
# un entraînement puis une mesure sur les 5 000 images de test des classes cibles.
# Aucun choix n'est fait ici : le test mesure, il ne départage rien.

# %%
results = {method: {n: [] for n in BUDGETS} for method in METHODS}
experiment_start = time.perf_counter()
for n in BUDGETS:
    for seed in SEEDS:
        x, y = labelled(n, seed)
        for method in METHODS:
            model = fit(method, x, y, len(TARGET_CLASSES), seed, BODY_FACTOR)
            results[method][n].append(accuracy(model, target_test_x, target_test_y))
n_runs = len(BUDGETS) * len(SEEDS) * len(METHODS)
print(f"{n_runs} entraînements en {fr(time.perf_counter() - experiment_start, 1)} s")


def average(values):
    """La moyenne d'une liste de mesures."""
    return sum(values) / len(values)


print(f"\n{'par classe':<12}" + "".join(f"{name:>20}" for name in METHODS.values()))
for n in BUDGETS:
    cells = [
        f"{fr(100 * average(r[n]), 1)} % [{fr(100 * min(r[n]), 1)}–{fr(100 * max(r[n]), 1)}]"
        for r in results.values()
    ]
    print(f"{n:<12}" + "".join(f"{cell:>20}" for cell in cells))

finetune_test_accuracy = average(results["finetune"][BUDGETS[0]])
scratch_test_accuracy = average(results["scratch"][BUDGETS[0]])
finetune_gain = finetune_test_accuracy - scratch_test_accuracy
print(
    f"\nAvec {BUDGETS[0]} étiquettes par classe, écart de l'affinage sur l'entraînement "
    f"de zéro : {points(finetune_gain)}."
)

# %% [markdown]
# Chaque case donne l'exactitude de test moyenne des trois tirages et, entre crochets,
# la plus basse et la plus haute. La figure rend la lecture plus facile ; l'axe horizontal
# est logarithmique, car les budgets vont de 5 à 200.

# %% alt="Exactitude de test selon les étiquettes par classe : couches figées, affinage, de zéro."
colors = {"frozen": "tab:blue", "finetune": "tab:orange", "scratch": "tab:gray"}
fig, ax = plt.subplots(figsize=(7, 4.2))
for method, name in METHODS.items():
    means = [100 * average(results[method][n]) for n in BUDGETS]
    low = [100 * min(results[method][n]) for n in BUDGETS]
    high = [100 * max(results[method][n]) for n in BUDGETS]
    ax.plot(BUDGETS, means, marker="o", color=colors[method], label=name)
    ax.fill_between(BUDGETS, low, high, color=colors[method], alpha=0.15)
ax.set_xscale("log")
ax.minorticks_off()
ax.set_xticks(BUDGETS, [str(n) for n in BUDGETS])
ax.set_xlabel("Étiquettes par classe (échelle logarithmique)")
ax.set_ylabel("Exactitude sur le test (%)")
ax.set_title("Tâche cible : T-shirt, pull, robe, manteau, chemise")
ax.grid(alpha=0.3)
ax.legend(title="Méthode")
fig.tight_layout()
plt.show()

# %% [markdown]
# *Figure 2. Exactitude de test des trois méthodes selon le nombre d'étiquettes par classe :
# la moyenne des trois tirages (points) et l'écart entre le plus bas et le plus haut
# (zone colorée).*
#
# ### Ce que disent ces mesures
#
# Lisez la figure de gauche à droite.
#
# - **Avec très peu d'étiquettes**, l'affinage part d'un extracteur qui sait déjà décrire
#   un vêtement : il fait mieux que l'entraînement de zéro, de l'écart affiché sous le tableau.
#   La construction du site vérifie ce gain à chaque exécution, contre le seuil que donne
#   la fiche en tête de page.
# - **Quand les étiquettes deviennent nombreuses**, l'entraînement de zéro rattrape
#   presque l'affinage : il a assez d'exemples pour apprendre seul ses propres
#   caractéristiques. L'avantage du transfert fond à mesure que le budget grandit.
# - **Les caractéristiques figées** progressent à peine avec le budget, et finissent loin
#   derrière les deux autres méthodes. L'extracteur a été réglé
#   pour séparer des pantalons, des chaussures et des sacs ; il n'a jamais eu besoin de
#   distinguer un pull d'un manteau. Une tête linéaire ne peut pas créer les caractéristiques
#   qui manquent : il faut laisser l'extracteur bouger, c'est tout l'intérêt de l'affinage.
#
# Le gain mesuré ici est modeste, et c'est attendu : le réseau est minuscule, les images sont
# petites, et un CNN apprend vite sur Fashion-MNIST, même de zéro. Avec un grand réseau
# préentraîné sur ImageNet et de petits jeux de vraies photos, l'écart peut être bien
# plus grand : [Kornblith, Shlens et Le (2019)](https://arxiv.org/abs/1805.08974) comparent
# l'affinage et l'entraînement de zéro sur douze jeux d'images.

# %% [markdown]
# ## Un transfert lointain : des chiffres manuscrits
#
# Le transfert aide-t-il toujours ? Essayons une tâche **lointaine** : reconnaître
# des chiffres manuscrits. Scikit-learn livre avec son paquet un petit jeu de 1 797 chiffres
# de 8 × 8 pixels, codés de 0 (fond) à 16 (encre), décrit dans
# [sa documentation](https://scikit-learn.org/stable/datasets/toy_dataset.html#optical-recognition-of-handwritten-digits-dataset).
# Aucun téléchargement n'est nécessaire.
#
# Le réseau source attend des images 28 × 28 normalisées comme Fashion-MNIST. Nous ramenons
# les pixels entre 0 et 1, agrandissons les images à 28 × 28 par interpolation bilinéaire
# (`F.interpolate`), puis appliquons la même normalisation. C'est exactement ce que fait
# un prétraitement ImageNet : mettre les nouvelles images au format que le réseau connaît.
#
# Ce jeu n'a pas de découpage officiel. Nous gardons 30 % des images, tirées au hasard,
# pour le test. Aucun choix n'est fait sur ces chiffres : les réglages sont ceux de la tâche
# cible de Fashion-MNIST, facteur de l'affinage compris. Il n'y a donc pas de validation.

# %% alt="Chiffres manuscrits en 8 × 8 en haut, agrandis en 28 × 28 en bas."
digits = load_digits()
digits_x = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16  # (N, 1, 8, 8)
digits_x = F.interpolate(digits_x, size=(28, 28), mode="bilinear", align_corners=False)
digits_x = prepare((digits_x - mean) / std)  # la normalisation de Fashion-MNIST
digits_y = torch.tensor(digits.target).to(device)

order = torch.randperm(len(digits_y), generator=torch.Generator().manual_seed(SEED))
n_digits_test = len(order) * 3 // 10
digits_test_index, digits_pool_index = order[:n_digits_test], order[n_digits_test:]
print(f"{len(digits_y)} chiffres : réserve {len(digits_pool_index)}, test {n_digits_test}")
print(f"Forme après agrandissement : {tuple(digits_x.shape)}")

fig, axes = plt.subplots(2, 6, figsize=(9, 3.4))
for i in range(6):
    axes[0, i].imshow(digits.images[i], cmap="gray")
    axes[0, i].set_title(f"{digits.target[i]} (8 × 8)", fontsize=9)
    axes[1, i].imshow(digits_x[i, 0].cpu(), cmap="gray")
    axes[1, i].set_title("28 × 28", fontsize=9)
for ax in axes.flat:
    ax.axis("off")
fig.tight_layout()
plt.show()

# %% [markdown]
# *Figure 3. En haut, six chiffres du jeu de scikit-learn à leur taille d'origine ;
# en bas, les mêmes agrandis à 28 × 28, tels que le réseau les reçoit.*
#
# Les chiffres agrandis sont flous et épais : ni leurs formes ni leurs textures ne ressemblent
# à des vêtements. Reprenons les trois méthodes avec 5 et 20 étiquettes par classe,
# cette fois pour dix classes.

# %%
DIGIT_BUDGETS = [5, 20]
digits_results = {method: {n: [] for n in DIGIT_BUDGETS} for method in METHODS}
for n in DIGIT_BUDGETS:
    for seed in SEEDS:
        generator = torch.Generator().manual_seed(2000 + seed)
        pool_y = digits_y[digits_pool_index].cpu()
        chosen = torch.cat(
            [
                digits_pool_index[pool_y == label][
                    torch.randperm(int((pool_y == label).sum()), generator=generator)[:n]
                ]
                for label in range(10)
            ]
        ).to(device)
        for method in METHODS:
            model = fit(method, digits_x[chosen], digits_y[chosen], 10, seed, BODY_FACTOR)
            score = accuracy(model, digits_x[digits_test_index], digits_y[digits_test_index])
            digits_results[method][n].append(score)

print(f"{'par classe':<12}" + "".join(f"{name:>20}" for name in METHODS.values()))
for n in DIGIT_BUDGETS:
    cells = [
        f"{fr(100 * average(r[n]), 1)} % [{fr(100 * min(r[n]), 1)}–{fr(100 * max(r[n]), 1)}]"
        for r in digits_results.values()
    ]
    print(f"{n:<12}" + "".join(f"{cell:>20}" for cell in cells))

digits_gain = average(digits_results["finetune"][5]) - average(digits_results["scratch"][5])
digits_frozen_gap = average(digits_results["frozen"][5]) - average(digits_results["scratch"][5])
print("\nAvec 5 étiquettes par classe, gain de l'affinage sur l'entraînement de zéro :")
print(f"  vêtements (transfert proche)   : {points(finetune_gain)}")
print(f"  chiffres (transfert lointain)  : {points(digits_gain)}")
print(f"Caractéristiques figées moins entraînement de zéro, chiffres : {points(digits_frozen_gap)}")

# %% [markdown]
# Comparez les deux dernières lignes de gain, puis la colonne des caractéristiques figées.
#
# Sur les chiffres, l'extracteur figé fait nettement moins bien que l'entraînement de zéro :
# les 128 caractéristiques décrivent des chaussures et des sacs, pas des boucles et des barres.
# L'affinage rattrape ce retard, car il laisse l'extracteur s'adapter, mais son avance
# sur l'entraînement de zéro s'efface : comparez les deux lignes de gain. Sur les chiffres,
# partir du réseau source n'apporte presque rien.
# C'est ce qu'avaient observé [Yosinski et coll. (2014)](https://arxiv.org/abs/1411.1792) :
# plus la tâche cible s'éloigne de la tâche source, moins les caractéristiques se transfèrent,
# surtout celles des dernières couches.
#
# La règle pratique qui en découle : partez d'un réseau entraîné sur des données
# qui ressemblent aux vôtres, et mesurez toujours, sur la validation, une référence
# entraînée de zéro. Le transfert n'est pas gratuit quand les domaines s'éloignent.

# %% [markdown]
# ## Chez vous : un ResNet entraîné sur ImageNet
#
# Le même code s'applique à un vrai réseau préentraîné. `torchvision` fournit les poids
# de nombreux modèles entraînés sur ImageNet ; chaque jeu de poids connaît aussi
# le prétraitement qu'il attend. Le code ci-dessous n'est pas exécuté par la construction
# du site, car il télécharge les poids de ResNet-18 (44,7 Mo et 11,7 millions de paramètres
# selon [la documentation de torchvision](https://docs.pytorch.org/vision/stable/models/generated/torchvision.models.resnet18.html)).
# Il suppose un dossier `mes_images/train` avec un sous-dossier par classe.
#
# ```python
# import torch
# from torch import nn
# from torchvision import datasets
# from torchvision.models import ResNet18_Weights, resnet18
#
# weights = ResNet18_Weights.DEFAULT  # les meilleurs poids disponibles
# model = resnet18(weights=weights)  # téléchargés une seule fois
# preprocess = weights.transforms()  # taille 224 × 224, normalisation
#
# # ImageFolder lit chaque image en RVB, même en niveaux de gris.
# train_set = datasets.ImageFolder("mes_images/train", transform=preprocess)
#
# # La tête s'appelle fc : une tête neuve, une sortie par classe.
# model.fc = nn.Linear(model.fc.in_features, len(train_set.classes))
#
# # Deux variantes : gardez a) ou b), pas les deux à la suite.
# # a) Caractéristiques figées : seule la tête apprend.
# for name, parameter in model.named_parameters():
#     parameter.requires_grad = name.startswith("fc.")
# optimizer = torch.optim.Adam(model.fc.parameters(), lr=3e-3)
#
# # b) Affinage : tout apprend, l'extracteur avec un taux plus petit.
# head = list(model.fc.parameters())
# body = [p for n, p in model.named_parameters() if not n.startswith("fc.")]
# optimizer = torch.optim.Adam(
#     [{"params": head, "lr": 3e-3}, {"params": body, "lr": 3e-4}]
# )
# ```
#
# La suite est la boucle d'entraînement habituelle, avec un `DataLoader` sur `train_set`.
# Deux différences avec notre petit CNN :
#
# - ResNet a appris sur des images en couleurs de 224 × 224 pixels : `weights.transforms()`
#   redimensionne vos images, les recadre au centre et les normalise avec la moyenne et
#   l'écart-type calculés sur ImageNet (le chargeur par défaut de la classe `ImageFolder`,
#   lui, convertit déjà toute image en trois canaux de couleur). N'utilisez pas votre propre
#   normalisation : le réseau a appris avec celle-ci ;
# - ResNet contient des couches de normalisation par lots, qui tiennent à jour des moyennes
#   en mode entraînement. Avec des caractéristiques figées, gardez l'extracteur en mode
#   évaluation (`model.eval()` puis `model.fc.train()`) pour ne pas modifier ces moyennes.
#
# Sur un processeur, chaque image de 224 × 224 coûte des centaines de fois plus de calcul
# qu'une image de Fashion-MNIST dans notre CNN (la fiche de ResNet-18 dans la documentation
# de torchvision, citée plus haut, donne son coût par image en GFLOPS) : c'est là qu'un GPU
# devient utile.
# Le tutoriel officiel de PyTorch sur le transfert, cité plus bas, montre la boucle complète.

# %% [markdown]
# ## Récapitulatif
#
# - Un réseau de classification se range en un **extracteur de caractéristiques** et une
#   **tête**. Pour changer de tâche, on garde l'extracteur et on remplace la tête.
# - **Caractéristiques figées** : seule la tête apprend. C'est rapide et sans risque de tout
#   dérégler, mais limité par ce que l'extracteur sait déjà décrire.
# - **Affinage** : tout le réseau apprend. Les groupes de paramètres de l'optimiseur
#   permettent de donner à l'extracteur un taux plus petit ; ce taux se choisit
#   sur la validation, comme tout réglage.
# - Le transfert aide surtout quand les étiquettes sont rares ; avec assez d'étiquettes,
#   un réseau entraîné de zéro rattrape presque son retard.
# - Plus la tâche cible s'éloigne de la tâche source, moins le transfert aide :
#   comparez toujours à une référence entraînée de zéro.
# - Chez vous, `resnet18(weights=ResNet18_Weights.DEFAULT)` et `weights.transforms()`
#   donnent un extracteur entraîné sur ImageNet ; `model.fc` est sa tête.

# %% [markdown]
# ## Exercices
#
# ### Exercice 1 : figer seulement les convolutions
#
# Entre les caractéristiques figées et l'affinage complet, il existe un intermédiaire :
# figer les deux convolutions, et laisser apprendre la couche dense de 128 neurones avec
# la tête. Les premières couches décrivent des motifs simples (bords, textures),
# qui se transfèrent le mieux. Mesurez cette variante au plus petit budget, sur la
# validation et pour les trois tirages, et comparez-la à l'affinage complet.
#
# Indice : `model.features[:4]` regroupe les deux convolutions et leurs ReLU.

# %%
# Solution
scores = []
for seed in SEEDS:
    x, y = labelled(BUDGETS[0], seed)
    model, groups = make_model("finetune", len(TARGET_CLASSES), seed, BODY_FACTOR)
    model.features[:4].requires_grad_(False)  # les deux convolutions ne bougent plus
    groups[1]["params"] = [p for p in model.features.parameters() if p.requires_grad]
    train(model, x, y, groups, TARGET_STEPS, TARGET_BATCH, seed)
    scores.append(accuracy(model, target_val_x, target_val_y))
print(f"Convolutions figées : validation {fr(100 * average(scores))} %")
print(f"Affinage complet    : validation {fr(100 * factor_scores[BODY_FACTOR])} %")

# %% [markdown]
# Les deux variantes sont proches. Figer les premières couches réduit le nombre de paramètres
# à régler sans perdre grand-chose : avec un grand réseau et très peu d'étiquettes,
# c'est souvent un bon compromis.

# %% [markdown]
# ### Exercice 2 : les classes qui profitent du transfert
#
# Avec 5 étiquettes par classe et le premier tirage, entraînez un modèle affiné et un modèle
# de zéro, puis calculez l'exactitude de chacun **classe par classe** sur la validation.
# Quelles classes profitent le plus du transfert ?

# %%
# Solution
x, y = labelled(BUDGETS[0], SEEDS[0])
per_class = {}
for method in ("finetune", "scratch"):
    model = fit(method, x, y, len(TARGET_CLASSES), SEEDS[0], BODY_FACTOR)
    model.eval()
    with torch.no_grad():
        predicted = model(target_val_x).argmax(dim=1)
    per_class[method] = [
        (predicted[target_val_y == label] == label).float().mean().item()
        for label in range(len(TARGET_CLASSES))
    ]
for label, original in enumerate(TARGET_CLASSES):
    tuned, scratch = per_class["finetune"][label], per_class["scratch"][label]
    print(
        f"{CLASS_NAMES[original]:<8} affinage {fr(100 * tuned, 1):>5} %   "
        f"de zéro {fr(100 * scratch, 1):>5} %   écart {points(tuned - scratch):>11}"
    )

# %% [markdown]
# Le gain n'est pas le même pour toutes les classes, et l'une d'elles peut même y perdre.
# La chemise reste presque toujours mal classée par les deux modèles : avec 5 exemples,
# rien ne la distingue assez des autres hauts. Une moyenne cache ces différences ;
# regardez toujours le détail par classe.

# %% [markdown]
# ## Testez-vous
#
# Six questions sur les expériences de transfert de ce tutoriel ; répondez avant de déplier
# l'explication de chaque choix.
#
# !!! quiz "Une tête pour les chiffres"
#     Pour la tâche des chiffres manuscrits, avec la méthode des caractéristiques figées, combien de
#     paramètres l'optimiseur met-il à jour ?
#
#     - [x] 128 × 10 + 10
#       Seule la tête neuve apprend : 128 entrées, 10 sorties (une par chiffre) et 10 biais.
#     - [ ] 128 × 5 + 5
#       C'est la tête de la tâche cible de Fashion-MNIST, à cinq classes ; les chiffres en ont dix.
#     - [ ] Tous les paramètres du réseau.
#       C'est le cas de l'affinage et de l'entraînement de zéro ; ici, `requires_grad_(False)` fige
#       l'extracteur.
#     - [ ] Les paramètres de l'extracteur seulement.
#       C'est l'inverse : l'extracteur est figé et la tête apprend.
#
# !!! quiz "150 pas, combien d'époques ?"
#     Chaque modèle de la tâche cible fait 150 pas, par lots d'au plus 64 images
#     (`batch_size = min(batch_size, len(y))`). Quelles affirmations sont justes ?
#
#     - [x] Avec 5 étiquettes par classe, les 150 pas font 150 époques.
#       `min(64, 25)` vaut 25 : chaque lot contient les 25 images étiquetées, et un pas est une
#       époque.
#     - [ ] Avec 5 étiquettes par classe, les 150 pas font à peu près 2 époques.
#       Ce serait vrai avec des lots de 64 images ; mais un lot ne peut pas dépasser les 25 images
#       disponibles.
#     - [x] Avec 200 étiquettes par classe, les 150 pas font un peu plus de 9 époques.
#       1 000 images en lots de 64 donnent 15 lots complets et un lot de 40, soit 16 pas par
#       époque ; 150/16 ≈ 9,4.
#     - [ ] Le nombre d'époques est le même pour tous les budgets.
#       Le nombre de pas est fixe, pas le nombre d'époques : plus il y a d'images, moins il y a
#       d'époques.
#
# !!! quiz "Où le test fuiterait-il ?"
#     Lesquels de ces choix feraient servir le test de la tâche cible à un réglage ?
#
#     - [x] Choisir `BODY_FACTOR` d'après l'exactitude sur `target_test_x`.
#       Le facteur serait réglé sur le test, dont le score deviendrait optimiste. Le tutoriel le
#       choisit sur la validation.
#     - [x] Retoucher `TARGET_STEPS` jusqu'à ce que l'affinage gagne dans le tableau des résultats.
#       Ce tableau est mesuré sur le test : retoucher un réglage jusqu'à obtenir le résultat voulu
#       revient à régler sur le test.
#     - [ ] Normaliser les images cibles avec la moyenne et l'écart-type de l'entraînement.
#       Ces statistiques viennent des images d'entraînement ; le test n'y a aucune part.
#     - [ ] Mesurer une seule fois le réseau source sur le test de ses classes.
#       Une mesure unique, une fois les choix faits, est précisément le rôle du test.
#
# !!! quiz "Ce qui limite les caractéristiques figées"
#     Qu'est-ce qui limite la méthode des caractéristiques figées sur la tâche cible, quel que soit
#     le nombre d'étiquettes ?
#
#     - [ ] Le manque de pas : 150 ne suffisent pas à régler la tête.
#       La tête n'a que quelques centaines de paramètres et reçoit les mêmes 150 pas que les autres
#       méthodes. C'est ce qu'elle reçoit en entrée qui la limite.
#     - [x] Les 128 caractéristiques de l'extracteur, réglées pour la tâche source.
#       L'extracteur a appris à séparer pantalons, chaussures et sacs, pas un pull d'un manteau ;
#       une tête linéaire ne peut pas créer les caractéristiques qui manquent. L'affinage, lui,
#       laisse l'extracteur les apprendre.
#     - [ ] Un taux d'apprentissage plus petit pour la tête.
#       La tête reçoit le même taux maximal, `LR`, dans les trois méthodes.
#
# !!! quiz "La normalisation d'un ResNet"
#     Vous affinez chez vous `resnet18(weights=ResNet18_Weights.DEFAULT)` sur vos propres photos.
#     Comment préparer les images ?
#
#     - [x] Avec `weights.transforms()`, le prétraitement associé à ces poids.
#       Taille, recadrage et normalisation par la moyenne et l'écart-type calculés sur ImageNet : le
#       réseau attend les entrées de son préentraînement. Le tutoriel fait de même pour les
#       chiffres, ramenés au format de Fashion-MNIST.
#     - [ ] Avec une normalisation calculée sur vos propres photos.
#       L'extracteur a appris sur des entrées normalisées avec les statistiques calculées sur
#       ImageNet : d'autres statistiques décaleraient toutes ses entrées.
#     - [ ] Sans normalisation, car l'affinage corrigera l'écart.
#       L'affinage part justement de l'extracteur préentraîné : des entrées à une autre échelle
#       gâcheraient son point de départ.
#
# !!! quiz "Des chiffres au format du réseau"
#     Le jeu de scikit-learn contient 1 797 images de 8 × 8 pixels. Quelle forme a `digits_x` après
#     `unsqueeze(1)` et `F.interpolate` vers `size=(28, 28)` ?
#
#     - [x] `(1797, 1, 28, 28)`
#       `unsqueeze(1)` ajoute l'axe du canal, que la première convolution attend ; l'interpolation
#       n'agrandit que les deux derniers axes.
#     - [ ] `(1797, 28, 28)`
#       Sans axe de canal, l'interpolation bilinéaire et la convolution, qui attendent des lots
#       `(N, C, H, W)`, ne conviendraient pas.
#     - [ ] `(1797, 1, 8, 8)`
#       C'est la forme avant l'agrandissement ; le réseau source attend des images de 28 × 28.
#     - [ ] `(1797, 28, 28, 1)`
#       C'est l'ordre de Keras. En PyTorch, le canal suit l'axe du lot.

# %% [markdown]
# ## Pour aller plus loin
#
# - [Le tutoriel de PyTorch sur l'apprentissage par transfert][pt-transfer] : un ResNet-18
#   préentraîné, affiné puis figé, sur un petit jeu de photos de fourmis et d'abeilles.
# - [La page des modèles de torchvision][tv-models] : les poids disponibles,
#   leurs exactitudes sur ImageNet et leurs prétraitements.
# - [Le guide de Keras sur le transfert et l'affinage][keras-transfer], pour la même démarche
#   avec Keras.
# - [Yosinski et coll. (2014)][yosinski] : quelles couches se transfèrent, et comment
#   la distance entre tâches réduit le gain.
# - [Kornblith, Shlens et Le (2019)][kornblith] : les réseaux qui font mieux sur ImageNet
#   se transfèrent-ils mieux ?
#
# [pt-transfer]: https://docs.pytorch.org/tutorials/beginner/transfer_learning_tutorial.html
# [tv-models]: https://docs.pytorch.org/vision/stable/models.html
# [keras-transfer]: https://keras.io/guides/transfer_learning/
# [yosinski]: https://arxiv.org/abs/1411.1792
# [kornblith]: https://arxiv.org/abs/1805.08974
