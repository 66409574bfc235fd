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
#     titre: Un MLP avec NumPy seul
#     description: Écrire à la main les gradients d'un MLP, les vérifier, puis l'entraîner.
#     niveau: intermédiaire
#     duree: 2 h
#     prerequis:
#     - Python et NumPy de base
#     - Le perceptron multicouche (couches, activations, perte, descente de gradient)
#     - Les dérivées et la dérivation des fonctions composées
#     gpu: Inutile, NumPy calcule sur le processeur et ce réseau s'y entraîne en moins d'une minute.
#     metriques:
#     - nom: test_accuracy
#       libelle: Exactitude sur le jeu de test
#       unite: pourcentage
#       min: 0.85
#     - nom: grad_check_error
#       libelle: Erreur relative des gradients (différences finies, float64)
#       max: 1.0e-6
#     - nom: train_seconds
#       libelle: Durée d'entraînement
#       unite: secondes
#       max_calibrations: 330
# ---

# %% [markdown]
# # Un MLP avec NumPy seul
#
# Les frameworks comme PyTorch ou Keras calculent les gradients à votre place.
# C'est confortable, mais tant que vous ne l'avez pas fait vous-même, la rétropropagation
# reste une boîte noire. Dans ce tutoriel, vous écrivez un perceptron multicouche (MLP)
# avec NumPy seul : la propagation avant, la perte, puis **la rétropropagation à la main**.
#
# Un calcul de gradient écrit à la main contient presque toujours une erreur au premier essai.
# Vous apprendrez donc aussi à le **vérifier** numériquement, avant d'entraîner le réseau
# sur Fashion-MNIST.

# %% [markdown]
# ## Objectifs
#
# À la fin de ce tutoriel, vous saurez :
#
# - écrire la propagation avant d'un MLP à une couche cachée, pour un lot entier à la fois ;
# - calculer une softmax et une entropie croisée sans débordement numérique ;
# - dériver et programmer les gradients de chaque paramètre ;
# - vérifier ces gradients par différences finies, et savoir pourquoi en `float64` ;
# - entraîner le réseau par descente de gradient stochastique sur des lots ;
# - mesurer ce que coûte une boucle Python par rapport à un calcul vectorisé.
#
# ## Prérequis
#
# - Python et NumPy : tableaux, indexation, produit matriciel `@`, diffusion.
# - Le vocabulaire du [perceptron multicouche](../mlp.md) : couche, activation, perte,
#   descente de gradient, lot, époque.
# - La dérivée d'une fonction composée : si $y = f(g(x))$, alors $y' = f'(g(x))\,g'(x)$.
# - Un environnement Python avec `numpy`, `matplotlib` et `keras` (qui ne sert qu'à lire
#   les données).

# %% [markdown]
# ## Mise en place
#
# Tous les tirages aléatoires passent par un seul générateur NumPy, créé avec une graine fixe.
# Les poids initiaux et l'ordre des exemples seront donc les mêmes à chaque exécution,
# et vous retrouverez les nombres affichés sur cette page.
#
# Un réglage de plus, avant d'importer NumPy : le nombre de fils d'exécution (*threads*)
# de la bibliothèque d'algèbre linéaire qui calcule les produits matriciels.
# Par défaut, elle répartit chaque produit sur tous les cœurs. Nos matrices sont petites :
# synchroniser les cœurs coûte alors plus cher que le calcul lui-même, et bien davantage encore
# quand d'autres programmes occupent le processeur. Un seul fil est ici le choix le plus rapide
# et le plus régulier.

# %%
import os

os.environ["OMP_NUM_THREADS"] = "1"  # à faire avant l'import de NumPy pour être pris en compte

import time

import keras
import matplotlib.pyplot as plt
import numpy as np

SEED = 0
rng = np.random.default_rng(SEED)  # le seul générateur aléatoire du tutoriel


def fr(x, decimals=2):
    """Écrit un nombre à la française, avec une virgule décimale."""
    return f"{x:.{decimals}f}".replace(".", ",")


print(f"NumPy {np.__version__}")

# %% [markdown]
# ## Les données
#
# Fashion-MNIST contient 70 000 images de vêtements de 28 × 28 pixels en niveaux de gris,
# réparties en 10 classes : 60 000 pour l'entraînement, 10 000 pour le test.
#
# Pour les charger, nous utilisons `keras.datasets.fashion_mnist.load_data()` :
# il renvoie directement des tableaux NumPy, sans conversion. C'est le seul usage d'un
# framework dans ce tutoriel ; tout le reste est écrit avec NumPy.

# %%
(train_images, train_labels), (test_images, test_labels) = keras.datasets.fashion_mnist.load_data()
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
print(f"Entraînement : {train_images.shape} {train_images.dtype}, test : {test_images.shape}")

# %% [markdown]
# Un MLP prend des vecteurs en entrée : chaque image est **aplatie** en 784 valeurs.
# Nous convertissons les pixels en `float32` une fois pour toutes, puis nous les
# **normalisons** avec la moyenne $\mu$ et l'écart-type $\sigma$ des pixels d'entraînement :
# $x' = (x - \mu)/\sigma$.
# Les entrées centrées et réduites facilitent la descente de gradient.
#
# Nous mettons enfin 6 000 images d'entraînement de côté pour la **validation** :
# elles servent à suivre l'apprentissage, le test reste intact jusqu'à la mesure finale.

# %%
x_all = train_images.reshape(len(train_images), -1).astype(np.float32) / 255
mean, std = x_all.mean(), x_all.std()
x_all = (x_all - mean) / std
x_test = ((test_images.reshape(len(test_images), -1).astype(np.float32) / 255) - mean) / std
y_test = test_labels.astype(np.int64)

order = rng.permutation(len(x_all))
val_index, train_index = order[:6000], order[6000:]
x_train, y_train = x_all[train_index], train_labels[train_index].astype(np.int64)
x_val, y_val = x_all[val_index], train_labels[val_index].astype(np.int64)

print(f"Moyenne {fr(mean, 4)}, écart-type {fr(std, 4)}")
print(f"Entraînement {x_train.shape}, validation {x_val.shape}, test {x_test.shape}")

# Le découpage, rangé dans l'enregistrement de l'exécution : la construction du site vérifie
# qu'aucune image de validation n'est aussi une image d'entraînement.
DATA_SPLIT = {"train": train_index, "validation": val_index, "test": len(y_test)}

# %% [markdown]
# ## Le réseau
#
# ### Les calculs de la propagation avant
#
# Notre réseau a 784 entrées, une couche cachée de 128 neurones avec l'activation ReLU,
# et 10 sorties, une par classe. Pour un lot de $B$ images rangées dans une matrice $X$
# de forme $(B, 784)$, la **propagation avant** enchaîne :
#
# $$
# \begin{gathered}
# Z_1 = X W_1 + b_1 \quad (B, 128) \\
# A_1 = \mathrm{ReLU}(Z_1) = \max(0, Z_1) \quad (B, 128) \\
# Z_2 = A_1 W_2 + b_2 \quad (B, 10) \\
# P = \mathrm{softmax}(Z_2) \quad (B, 10)
# \end{gathered}
# $$
#
# $Z_1$ et $Z_2$ sont les **pré-activations**, $A_1$ l'**activation** de la couche cachée.
# Les 10 valeurs de $Z_2$ sont les scores bruts des classes, les **logits**.
# La **softmax** les transforme en probabilités positives dont la somme vaut 1 :
# $P_{ik} = e^{Z_{ik}} / \sum_{j} e^{Z_{ij}}$.
#
# La perte est l'**entropie croisée** moyenne : pour chaque image $i$ de classe $y_i$,
# on pénalise une faible probabilité donnée à la bonne classe.
#
# $$
# L = -\frac{1}{B} \sum_{i=1}^{B} \log P_{i, y_i}
# $$

# %% [markdown]
# ### L'initialisation
#
# Les poids ne peuvent pas partir de zéro : tous les neurones cachés calculeraient
# la même chose et recevraient le même gradient, ils resteraient identiques pour toujours.
# On les tire donc au hasard. L'**initialisation de He**, adaptée à ReLU, utilise une loi normale
# d'écart-type $\sqrt{2 / n}$, où $n$ est le nombre d'entrées de la couche :
# les activations gardent alors une échelle stable d'une couche à l'autre.
# Les biais, eux, peuvent partir de zéro.


# %%
def init_params(rng, n_inputs=784, n_hidden=128, n_classes=10, dtype=np.float32):
    """Poids tirés selon l'initialisation de He, biais nuls."""
    return {
        "W1": (rng.standard_normal((n_inputs, n_hidden)) * np.sqrt(2 / n_inputs)).astype(dtype),
        "b1": np.zeros(n_hidden, dtype=dtype),
        "W2": (rng.standard_normal((n_hidden, n_classes)) * np.sqrt(2 / n_hidden)).astype(dtype),
        "b2": np.zeros(n_classes, dtype=dtype),
    }


params = init_params(rng)
for name, value in params.items():
    print(f"{name} : forme {value.shape}, écart-type {fr(value.std(), 4)}")
n_parameters = sum(value.size for value in params.values())
print(f"Paramètres : {n_parameters}")

# %% [markdown]
# ### Une softmax qui ne déborde pas
#
# La formule de la softmax calcule $e^{z}$. Or un `float32` a une valeur maximale
# (affichée ci-dessous) : au-delà, $e^{z}$ vaut l'infini, et l'infini divisé par l'infini
# donne `nan` (*not a number*). Les logits d'un réseau en cours d'entraînement peuvent
# atteindre ces valeurs.
#
# L'astuce : soustraire à chaque ligne son maximum avant l'exponentielle. Le résultat
# mathématique ne change pas, car $e^{z - m} / \sum_j e^{z_j - m} = e^{z} / \sum_j e^{z_j}$,
# mais la plus grande exponentielle vaut maintenant $e^0 = 1$.

# %%
largest = np.finfo(np.float32).max
largest_text = f"{largest:.2e}".replace(".", ",")
print(
    f"Plus grand float32 : {largest_text}, donc exp(z) déborde dès que z > {fr(np.log(largest), 1)}"
)

logits = np.array([[2.0, 1.0, 0.1], [1000.0, 999.0, 990.0]], dtype=np.float32)

with np.errstate(over="ignore", invalid="ignore"):  # on laisse le calcul naïf déborder
    naive = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
shifted = logits - logits.max(axis=1, keepdims=True)
stable = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)

print(f"Softmax naïve :\n{naive.round(4)}")
print(f"Softmax stable :\n{stable.round(4)}")

# %% [markdown]
# La deuxième ligne est la première, décalée de 998 : la softmax stable donne des probabilités
# voisines de la première ligne, quand la version naïve ne renvoie que des `nan`.
#
# Pour l'entropie croisée, nous avons besoin du **logarithme** des probabilités.
# Avec la même astuce, $\log P_{ik} = (Z_{ik} - m_i) - \log \sum_j e^{Z_{ij} - m_i}$ :
# ce calcul direct évite aussi de prendre le logarithme d'une probabilité arrondie à zéro.

# %% [markdown]
# ### La propagation avant en code
#
# Nous écrivons trois fonctions. `forward` calcule les logits et garde dans un **cache**
# les valeurs intermédiaires dont la rétropropagation aura besoin. `log_softmax` applique
# l'astuce ci-dessus. `loss_fn` enchaîne les deux et renvoie la perte moyenne.


# %%
def forward(params, x):
    """Propagation avant d'un lot x de forme (B, 784) : logits (B, 10) et valeurs utiles."""
    z1 = x @ params["W1"] + params["b1"]  # (B, 128)
    a1 = np.maximum(z1, 0)  # ReLU
    z2 = a1 @ params["W2"] + params["b2"]  # (B, 10), les logits
    return z2, (x, z1, a1)


def log_softmax(z):
    """Logarithme de la softmax de chaque ligne, calculé sans débordement."""
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def loss_fn(params, x, y):
    """Entropie croisée moyenne du lot (x, y)."""
    logits, _ = forward(params, x)
    return -log_softmax(logits)[np.arange(len(y)), y].mean()


print(f"Perte initiale sur 1 000 images : {fr(loss_fn(params, x_train[:1000], y_train[:1000]), 4)}")
print(f"Perte d'un modèle qui répond au hasard, log(10) : {fr(np.log(10), 4)}")

# %% [markdown]
# Avant tout entraînement, le réseau répond au hasard. Comparez sa perte à $\log 10$,
# celle d'un modèle qui donne la probabilité $1/10$ à chaque classe : elle est du même ordre,
# mais plus élevée. Les poids aléatoires produisent des logits assez dispersés : le réseau
# se trompe avec une certaine assurance, et l'entropie croisée pénalise ces erreurs.
# C'est un premier contrôle simple, à faire sur tout nouveau réseau de classification :
# une perte initiale très loin de $\log 10$ signale souvent une initialisation mal réglée.

# %% [markdown]
# ### Pourquoi calculer un lot entier d'un coup ?
#
# Nous avons écrit `forward` pour un lot entier : une seule multiplication de matrices
# traite toutes les images. On pourrait aussi parcourir les images une à une, ou même écrire
# les sommes avec des boucles Python. Mesurons ces trois façons de faire sur la même couche cachée.

# %%
W1_list, b1_list = params["W1"].tolist(), params["b1"].tolist()


def hidden_layer_pure_python(image):
    """La couche cachée pour une image, avec des boucles Python et des listes."""
    out = []
    for j in range(len(b1_list)):
        total = b1_list[j]
        for i in range(len(image)):
            total += image[i] * W1_list[i][j]
        out.append(max(total, 0.0))
    return out


def best_time(function, repeat=3):
    """Meilleure durée de plusieurs essais : la moins perturbée par le reste de la machine."""
    durations = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        durations.append(time.perf_counter() - start)
    return min(durations)


batch = x_train[:1000]
first_image = batch[0].tolist()


def numpy_one_by_one():
    for image in batch:
        np.maximum(image @ params["W1"] + params["b1"], 0)


def numpy_whole_batch():
    np.maximum(batch @ params["W1"] + params["b1"], 0)


timings = [
    ("boucles Python", best_time(lambda: hidden_layer_pure_python(first_image))),
    ("NumPy, image par image", best_time(numpy_one_by_one) / len(batch)),
    ("NumPy, lot de 1000", best_time(numpy_whole_batch) / len(batch)),
]
for label, seconds in timings:
    epoch = seconds * len(x_train)
    print(f"{label:<24} {fr(seconds * 1e6, 1):>8} µs par image, {fr(epoch, 2):>7} s par époque")

# %% [markdown]
# Chaque durée est la meilleure de trois mesures : la moins perturbée par les autres
# programmes de la machine. La colonne de droite extrapole à une époque entière,
# pour la seule couche cachée de la propagation avant.
#
# Les boucles Python sont hors jeu : chaque multiplication passe par l'interpréteur.
# Avec NumPy, le calcul part dans une bibliothèque d'algèbre linéaire compilée (BLAS),
# et c'est là que se fait l'essentiel du gain. Le lot entier va plus vite encore :
# un seul appel au lieu de mille, et un produit de matrices que BLAS organise bien mieux
# qu'une suite de produits matrice-vecteur. Sur un GPU, qui a besoin de gros calculs
# pour occuper ses milliers de cœurs, cet écart devient considérable.
#
# C'est pour cette raison que les réseaux s'entraînent par **lots** :
# une multiplication de matrices par lot, plutôt qu'une multiplication de vecteurs par exemple.

# %% [markdown]
# ## La rétropropagation à la main
#
# Pour la descente de gradient, il nous faut la dérivée de la perte $L$ par rapport à chaque
# paramètre. La **rétropropagation** les calcule en remontant le réseau, de la perte vers
# l'entrée, en appliquant la dérivation des fonctions composées à chaque étape.
# Notons $\delta_2 = \partial L / \partial Z_2$ et $\delta_1 = \partial L / \partial Z_1$
# les **termes d'erreur** des deux couches.
#
# Nos conventions : chaque image est une **ligne** de $X$, $W_1$ a la forme
# (entrées, sorties) et $L$ est la **moyenne** des pertes du lot. La page
# [Le perceptron multicouche](../mlp.md#les-quatre-equations) écrit les mêmes équations pour
# une image rangée en colonne, avec des poids de forme (sorties, entrées) ; son tableau
# [pour un lot](../mlp.md#les-memes-equations-pour-un-lot) fait la correspondance
# terme à terme avec les formules ci-dessous.
#
# **Couche de sortie.** La softmax suivie de l'entropie croisée a une dérivée remarquablement
# simple. Prenons $Y$ la matrice *one-hot* des vraies classes ($Y_{ik} = 1$ si $k = y_i$,
# 0 sinon) : la perte de l'image $i$ s'écrit $\ell_i = -\sum_k Y_{ik} \log P_{ik}$.
# La softmax mélange toutes les colonnes d'une ligne, et sa dérivée vaut
# $\partial P_{ik} / \partial Z_{ij} = P_{ik} \left(\mathbb{1}[k = j] - P_{ij}\right)$. Donc
#
# $$
# \frac{\partial \ell_i}{\partial Z_{ij}}
# = -\sum_k \frac{Y_{ik}}{P_{ik}} \, P_{ik} \left(\mathbb{1}[k = j] - P_{ij}\right)
# = -Y_{ij} + P_{ij} \sum_k Y_{ik} = P_{ij} - Y_{ij},
# $$
#
# car chaque ligne de $Y$ contient un seul 1. Comme $L = \frac{1}{B} \sum_i \ell_i$,
# chaque ligne reçoit le facteur $1/B$ :
#
# $$
# \delta_2 = \frac{1}{B}\,(P - Y) \qquad (B, 10)
# $$
#
# **Paramètres de la sortie.** Comme $Z_2 = A_1 W_2 + b_2$ :
#
# $$
# \frac{\partial L}{\partial W_2} = A_1^\top \delta_2 \quad (128, 10)
# \qquad
# \frac{\partial L}{\partial b_2} = \sum_{i=1}^{B} \delta_{2,i} \quad (10,)
# $$
#
# où $\delta_{2,i}$ est la ligne $i$ de $\delta_2$. Le facteur $1/B$ est déjà dans $\delta_2$ :
# ces gradients sont bien des moyennes sur le lot, et il ne faut pas diviser une seconde fois.
#
# **Couche cachée.** L'erreur remonte à travers $W_2$, puis à travers ReLU,
# dont la dérivée vaut 1 là où $Z_1 \gt 0$ et 0 ailleurs
# ($\odot$ est le produit élément par élément) :
#
# $$
# \delta_1 = \left(\delta_2 W_2^\top\right) \odot \mathbb{1}[Z_1 \gt 0] \qquad (B, 128)
# $$
#
# **Paramètres de la couche cachée**, sur le même modèle que la sortie :
#
# $$
# \frac{\partial L}{\partial W_1} = X^\top \delta_1 \quad (784, 128)
# \qquad
# \frac{\partial L}{\partial b_1} = \sum_{i=1}^{B} \delta_{1,i} \quad (128,)
# $$
#
# Vérifiez les formes : chaque gradient a exactement la forme du paramètre qu'il met à jour.
# C'est un excellent garde-fou quand on écrit ces formules.

# %% [markdown]
# Le code suit les équations ligne à ligne. Soustraire 1 à la probabilité de la bonne classe
# revient à calculer $P - Y$ sans construire la matrice $Y$.


# %%
def loss_and_grads(params, x, y):
    """Perte moyenne du lot et gradient de chaque paramètre, calculés à la main."""
    n = len(y)
    logits, (x, z1, a1) = forward(params, x)
    log_probs = log_softmax(logits)
    loss = -log_probs[np.arange(n), y].mean()

    delta2 = np.exp(log_probs)  # P, les probabilités
    delta2[np.arange(n), y] -= 1  # P - Y
    delta2 /= n  # (B, 10)
    grads = {"W2": a1.T @ delta2, "b2": delta2.sum(axis=0)}

    delta1 = (delta2 @ params["W2"].T) * (z1 > 0)  # (B, 128)
    grads["W1"] = x.T @ delta1
    grads["b1"] = delta1.sum(axis=0)
    return loss, grads


loss, grads = loss_and_grads(params, x_train[:64], y_train[:64])
for name in params:
    print(f"{name} : paramètre {params[name].shape}, gradient {grads[name].shape}")

# %% [markdown]
# Les formes concordent. Mais des formes justes ne prouvent pas que les valeurs le sont :
# un facteur oublié ou un signe inversé passent inaperçus. Il faut un vrai contrôle.

# %% [markdown]
# ## Vérifier les gradients par différences finies
#
# La dérivée d'une fonction en un point s'approche par un taux d'accroissement.
# La **différence centrée** est la plus précise :
#
# $$
# \frac{\partial L}{\partial \theta} \approx
# \frac{L(\theta + \varepsilon) - L(\theta - \varepsilon)}{2\varepsilon}
# $$
#
# Son erreur décroît comme $\varepsilon^2$. Pour chaque coordonnée vérifiée d'un paramètre,
# il suffit de calculer la perte deux fois, en poussant cette seule coordonnée de $\pm\varepsilon$.
# C'est lent (deux propagations avant par coordonnée), mais d'une simplicité à toute épreuve.
#
# On compare ensuite le gradient analytique $g_a$ (le nôtre) et le gradient numérique $g_n$
# par leur **erreur relative** :
#
# $$
# e = \frac{\lVert g_a - g_n \rVert}{\lVert g_a \rVert + \lVert g_n \rVert}
# $$
#
# Une erreur relative proche de 1 signale un gradient faux ; un gradient juste donne
# une erreur relative minuscule.

# %% [markdown]
# ### Pourquoi en `float64` ?
#
# Avec $\varepsilon$ petit, $L(\theta + \varepsilon)$ et $L(\theta - \varepsilon)$
# sont très proches : leur différence ne garde que les derniers chiffres significatifs.
# Un `float32` n'en a qu'environ 7, un `float64` environ 16. La vérification se fait donc
# en `float64`, sur une copie des paramètres ; l'entraînement, lui, restera en `float32`,
# plus rapide.
#
# La fonction suivante tire au hasard quelques coordonnées de chaque paramètre
# (toutes pour les petits) et calcule leur gradient numérique.


# %%
def gradient_check(params, x, y, grads, loss=loss_fn, eps=1e-6, n_checks=20, seed=SEED):
    """Erreur relative entre les gradients fournis et les différences finies centrées."""
    check_rng = np.random.default_rng(seed)
    errors = {}
    for name, value in params.items():
        flat = value.reshape(-1)  # une vue : modifier flat modifie le paramètre
        picked = check_rng.choice(flat.size, size=min(n_checks, flat.size), replace=False)
        numeric = np.empty(len(picked))
        for k, index in enumerate(picked):
            saved = flat[index]
            flat[index] = saved + eps
            loss_plus = loss(params, x, y)
            flat[index] = saved - eps
            loss_minus = loss(params, x, y)
            flat[index] = saved  # on remet la valeur d'origine
            numeric[k] = (loss_plus - loss_minus) / (2 * eps)
        analytic = grads[name].reshape(-1)[picked]
        norm = np.linalg.norm(analytic) + np.linalg.norm(numeric)
        errors[name] = np.linalg.norm(analytic - numeric) / norm
    return errors


# %% [markdown]
# Vérifions nos gradients sur un lot de 32 images, avec des paramètres convertis en `float64`.

# %%
params64 = {name: value.astype(np.float64) for name, value in params.items()}
x_check, y_check = x_train[:32].astype(np.float64), y_train[:32]

_, grads64 = loss_and_grads(params64, x_check, y_check)
errors = gradient_check(params64, x_check, y_check, grads64)
for name, error in errors.items():
    print(f"{name} : erreur relative {error:.1e}")

grad_check_error = float(max(errors.values()))
print(f"Plus grande erreur relative : {grad_check_error:.1e}")

# %% [markdown]
# Les erreurs relatives sont infimes : nos gradients analytiques sont justes.
# La construction de ce site vérifie que la plus grande reste sous $10^{-6}$.
#
# Faisons maintenant deux contre-épreuves. D'abord, le même contrôle en `float32` :
# les pertes n'ont plus assez de chiffres pour mesurer une différence de $2\varepsilon$.

# %%
x_check32 = x_check.astype(np.float32)
_, grads32 = loss_and_grads(params, x_check32, y_check)
errors32 = gradient_check(params, x_check32, y_check, grads32)
print(f"float32, même epsilon : plus grande erreur relative {fr(max(errors32.values()))}")

# %% [markdown]
# En `float32`, l'erreur relative n'a plus de sens : le même gradient, pourtant juste,
# paraît faux. Ensuite, un gradient réellement faux. Oublions de diviser par la taille
# du lot $B$, une erreur classique : tous les gradients sont alors $B$ fois trop grands.

# %%
wrong_grads = {name: grad * len(y_check) for name, grad in grads64.items()}
wrong_errors = gradient_check(params64, x_check, y_check, wrong_grads)
worst_wrong = max(wrong_errors.values())
print(f"Gradients sans la division par B : plus grande erreur relative {fr(worst_wrong)}")

# %% [markdown]
# Le contrôle détecte immédiatement l'erreur. Gardez ce réflexe : à chaque nouvelle couche
# écrite à la main, une vérification par différences finies, en `float64`, sur un petit lot.

# %% [markdown]
# ## L'entraînement par lots
#
# Les gradients sont justes : nous pouvons entraîner le réseau.
# La **descente de gradient stochastique** (SGD) met à jour chaque paramètre $\theta$
# dans la direction opposée à son gradient, calculé sur un lot :
#
# $$
# \theta \leftarrow \theta - \eta \, \frac{\partial L}{\partial \theta}
# $$
#
# où $\eta$ est le **taux d'apprentissage** (*learning rate*). Une **époque** parcourt une fois
# toutes les images d'entraînement, dans un ordre tiré au hasard à chaque époque.
#
# Nos choix : des lots de 64 images, un pas de 0,05 et 10 époques.
# Les données sont déjà en mémoire, en `float32` : un lot ne coûte qu'une indexation.


# %%
def accuracy(params, x, y, batch_size=2000):
    """Proportion d'images dont la classe de plus grand logit est la bonne."""
    correct = 0
    for first in range(0, len(y), batch_size):
        logits, _ = forward(params, x[first : first + batch_size])
        correct += (logits.argmax(axis=1) == y[first : first + batch_size]).sum()
    return correct / len(y)


def sgd_epoch(params, x, y, learning_rate, batch_size, rng):
    """Une époque de descente de gradient ; renvoie la perte moyenne d'entraînement."""
    order = rng.permutation(len(y))  # un nouvel ordre à chaque époque
    total = 0.0
    for first in range(0, len(y), batch_size):
        batch = order[first : first + batch_size]
        loss, grads = loss_and_grads(params, x[batch], y[batch])
        for name in params:
            params[name] -= learning_rate * grads[name]  # mise à jour sur place
        total += loss * len(batch)
    return total / len(y)


# %% [markdown]
# Nous repartons de paramètres tout neufs, tirés avec une graine fixe. Un chronomètre entoure
# la boucle : sa durée est rangée dans `train_seconds`.

# %%
EPOCHS = 10
BATCH_SIZE = 64
LEARNING_RATE = 0.05

params = init_params(np.random.default_rng(SEED))
history = {"train_loss": [], "val_accuracy": []}

train_start = time.perf_counter()
for epoch in range(EPOCHS):
    epoch_start = time.perf_counter()
    train_loss = sgd_epoch(params, x_train, y_train, LEARNING_RATE, BATCH_SIZE, rng)
    val_accuracy = accuracy(params, x_val, y_val)
    history["train_loss"].append(train_loss)
    history["val_accuracy"].append(val_accuracy)
    print(
        f"Époque {epoch + 1:2d}/{EPOCHS}   perte {fr(train_loss, 4)}   "
        f"validation {fr(100 * val_accuracy, 1)} %   {fr(time.perf_counter() - epoch_start)} s"
    )
train_seconds = time.perf_counter() - train_start
print(f"Entraînement complet : {fr(train_seconds, 1)} s")

# %% [markdown]
# Chaque époque ne prend que quelques instants : le calcul tient en quelques multiplications
# de matrices par lot, exactement comme dans un framework. La perte baisse à chaque époque.
# L'exactitude de validation progresse de moins en moins vite, avec de petites oscillations
# d'une époque à l'autre : chaque mise à jour ne voit qu'un lot, la descente est bruitée.

# %% [markdown]
# ## Courbes d'apprentissage et résultat final
#
# Traçons la perte d'entraînement et l'exactitude de validation au fil des époques.

# %% alt="Perte d'entraînement et exactitude de validation du MLP NumPy, époque par époque."
epochs = range(1, EPOCHS + 1)
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.8))
ax_loss.plot(epochs, history["train_loss"], marker="o")
ax_loss.set_xlabel("Époque")
ax_loss.set_ylabel("Entropie croisée")
ax_loss.set_title("Perte sur l'entraînement")
ax_loss.grid(alpha=0.3)
ax_acc.plot(epochs, [100 * a for a in history["val_accuracy"]], marker="o", color="tab:green")
ax_acc.set_xlabel("Époque")
ax_acc.set_ylabel("Exactitude (%)")
ax_acc.set_title("Exactitude sur la validation")
ax_acc.grid(alpha=0.3)
fig.suptitle("MLP écrit avec NumPy seul, sur Fashion-MNIST")
fig.tight_layout()
plt.show()

# %% [markdown]
# *Figure 1. À gauche, la perte d'entraînement moyenne de chaque époque ; à droite,
# l'exactitude sur les 6 000 images de validation.*
#
# Mesurons enfin l'exactitude sur le jeu de test, jamais utilisé jusqu'ici.

# %%
test_accuracy = float(accuracy(params, x_test, y_test))
print(f"Exactitude sur le test : {fr(100 * test_accuracy, 2)} % ({len(y_test)} images)")

# %% [markdown]
# Ce score est celui d'un réseau écrit en quelques dizaines de lignes, sans framework.
# Un MLP de même taille entraîné avec PyTorch ou Keras atteint le même ordre de grandeur :
# les frameworks n'apportent pas de magie, ils vous épargnent d'écrire les gradients
# et savent calculer sur un GPU.

# %% [markdown]
# ### Où le réseau se trompe-t-il ?
#
# Une **matrice de confusion** compte, pour chaque vraie classe (ligne), les classes prédites
# (colonnes). La diagonale contient les bonnes réponses. `np.add.at` la remplit en une ligne :
# il ajoute 1 à la case (vraie classe, classe prédite) de chaque image.

# %% alt="Matrice de confusion 10 × 10 du test, vraie classe en ligne : la diagonale domine."
logits, _ = forward(params, x_test)
predicted = logits.argmax(axis=1)
confusion = np.zeros((10, 10), dtype=np.int64)
np.add.at(confusion, (y_test, predicted), 1)

fig, ax = plt.subplots(figsize=(6.5, 5.5))
heatmap = ax.imshow(confusion, cmap="Blues")
ax.set_xticks(range(10), CLASS_NAMES, rotation=45, ha="right")
ax.set_yticks(range(10), CLASS_NAMES)
ax.set_xlabel("Classe prédite")
ax.set_ylabel("Vraie classe")
for i in range(10):
    for j in range(10):
        color = "white" if confusion[i, j] > confusion.max() / 2 else "black"
        ax.text(j, i, confusion[i, j], ha="center", va="center", fontsize=7, color=color)
fig.colorbar(heatmap, ax=ax)
ax.set_title("Matrice de confusion sur le test")
fig.tight_layout()
plt.show()

worst = np.argmin(np.diag(confusion) / confusion.sum(axis=1))
print(f"Classe la moins bien reconnue : {CLASS_NAMES[worst]}")

# %% [markdown]
# *Figure 2. Matrice de confusion du réseau sur les 10 000 images de test.
# Chaque ligne correspond à une vraie classe, chaque colonne à une classe prédite.*
#
# Les erreurs ne se répartissent pas au hasard : elles se concentrent sur quelques cases,
# celles de classes qui se ressemblent. T-shirt, pull, manteau et chemise se confondent
# souvent à 28 × 28 pixels ; sandale, basket et bottine, dans une moindre mesure.

# %% [markdown]
# ## Récapitulatif
#
# - La propagation avant d'un MLP tient en deux produits matriciels, une ReLU et une softmax.
# - Une softmax et une entropie croisée stables soustraient le maximum de chaque ligne.
# - La rétropropagation applique la dérivation des fonctions composées couche par couche :
#   $\delta_2 = (P - Y)/B$, puis $\delta_1 = (\delta_2 W_2^\top) \odot \mathbb{1}[Z_1 \gt 0]$,
#   et chaque gradient de poids est un produit $(\text{entrée})^\top \delta$.
# - Un gradient écrit à la main se vérifie par différences centrées, en `float64`,
#   avec l'erreur relative.
# - Calculer un lot entier en une multiplication de matrices est des ordres de grandeur plus
#   rapide que des boucles ; c'est la raison d'être des lots.

# %% [markdown]
# ## Exercices
#
# ### Exercice 1 : remplacer ReLU par tanh
#
# La tangente hyperbolique $\tanh$ est une autre activation classique. Sa dérivée s'exprime
# avec sa propre valeur : $\tanh'(z) = 1 - \tanh^2(z)$.
# Écrivez une version de `forward` et de `loss_and_grads` avec tanh dans la couche cachée,
# puis vérifiez vos gradients avec `gradient_check`.
#
# Indice : l'argument `loss` de `gradient_check` reçoit la fonction de perte à dériver
# numériquement.


# %%
# Solution
def forward_tanh(params, x):
    z1 = x @ params["W1"] + params["b1"]
    a1 = np.tanh(z1)
    return a1 @ params["W2"] + params["b2"], (x, z1, a1)


def loss_and_grads_tanh(params, x, y):
    n = len(y)
    logits, (x, z1, a1) = forward_tanh(params, x)
    log_probs = log_softmax(logits)
    delta2 = np.exp(log_probs)
    delta2[np.arange(n), y] -= 1
    delta2 /= n
    grads = {"W2": a1.T @ delta2, "b2": delta2.sum(axis=0)}
    delta1 = (delta2 @ params["W2"].T) * (1 - a1**2)  # dérivée de tanh
    grads["W1"] = x.T @ delta1
    grads["b1"] = delta1.sum(axis=0)
    return -log_probs[np.arange(n), y].mean(), grads


def loss_tanh(params, x, y):
    return loss_and_grads_tanh(params, x, y)[0]


_, grads_tanh = loss_and_grads_tanh(params64, x_check, y_check)
errors_tanh = gradient_check(params64, x_check, y_check, grads_tanh, loss=loss_tanh)
print(f"tanh : plus grande erreur relative {max(errors_tanh.values()):.1e}")

# %% [markdown]
# ### Exercice 2 : la SGD avec momentum
#
# La **SGD avec momentum** garde en mémoire une vitesse $v$ pour chaque paramètre :
# $v \leftarrow \mu v - \eta g$, puis $\theta \leftarrow \theta + v$, avec $\mu = 0{,}9$
# en général. Les gradients successifs qui vont dans le même sens s'additionnent.
# Entraînez un réseau neuf pendant 2 époques avec $\mu = 0{,}9$ et $\eta = 0{,}01$,
# puis comparez l'exactitude de validation à celle de notre SGD après 2 époques
# (elle est dans `history`).

# %%
# Solution
momentum_params = init_params(np.random.default_rng(SEED))
velocity = {name: np.zeros_like(value) for name, value in momentum_params.items()}
momentum_rng = np.random.default_rng(SEED)
for _epoch in range(2):
    order = momentum_rng.permutation(len(y_train))
    for first in range(0, len(y_train), BATCH_SIZE):
        batch = order[first : first + BATCH_SIZE]
        _, grads = loss_and_grads(momentum_params, x_train[batch], y_train[batch])
        for name in momentum_params:
            velocity[name] = 0.9 * velocity[name] - 0.01 * grads[name]
            momentum_params[name] += velocity[name]
momentum_accuracy = accuracy(momentum_params, x_val, y_val)
print(f"Après 2 époques, SGD           : {fr(100 * history['val_accuracy'][1], 1)} %")
print(f"Après 2 époques, avec momentum : {fr(100 * momentum_accuracy, 1)} %")

# %% [markdown]
# Comparez les deux lignes. Le *momentum* n'est pas un gain automatique : avec $\mu = 0{,}9$,
# la vitesse accumule une dizaine de gradients, et le pas effectif vaut $\eta / (1 - \mu)$,
# du même ordre que le pas de notre SGD. Le *momentum* brille surtout quand la perte forme
# un ravin étroit, où la SGD simple zigzague d'une paroi à l'autre.

# %% [markdown]
# ## Testez-vous
#
# Six questions sur le réseau que vous venez d'écrire à la main ; répondez avant de déplier
# l'explication de chaque choix.
#
# !!! quiz "Compter les paramètres"
#     Quelle expression donne `n_parameters`, le nombre de paramètres du réseau 784-128-10 de ce
#     tutoriel ?
#
#     - [ ] 784 × 128 + 128 × 10
#       Il manque les biais : un par neurone caché (128) et un par sortie (10).
#     - [x] (784 × 128 + 128) + (128 × 10 + 10)
#       Chaque couche dense a une matrice de poids (entrées × sorties) et un biais par sortie :
#       `W1`, `b1`, `W2` et `b2`.
#     - [ ] 784 + 128 + 10
#       C'est le nombre de neurones, entrées comprises. Chaque connexion entre deux couches porte
#       son propre poids.
#     - [ ] 784 × 128 × 10
#       Les couches ne se multiplient pas entre elles : les paramètres de chaque couche
#       s'additionnent.
#
# !!! quiz "La forme d'un gradient"
#     `loss_and_grads` reçoit un lot de 64 images. Quelle forme a `grads["W1"]` ?
#
#     - [x] `(784, 128)`
#       `x.T @ delta1` multiplie une matrice `(784, 64)` par une matrice `(64, 128)` : l'axe du lot
#       disparaît dans la somme. Un gradient a toujours la forme du paramètre qu'il met à jour.
#     - [ ] `(64, 128)`
#       C'est la forme de `delta1`, le terme d'erreur de la couche cachée, avec une ligne par image.
#     - [ ] `(64, 784, 128)`
#       Le produit matriciel additionne les contributions des 64 images : aucun gradient par image
#       n'est gardé.
#     - [ ] `(128, 784)`
#       Ce serait la convention d'une image rangée en colonne, avec des poids de forme (sorties,
#       entrées). Ici, `W1` a la forme (entrées, sorties).
#
# !!! quiz "Un facteur oublié"
#     Vous oubliez la ligne `delta2 /= n` : tous les gradients deviennent B fois trop grands, avec
#     B = 32 images dans le lot de contrôle. Que renvoie `gradient_check`, en `float64` ?
#
#     - [ ] Une erreur relative minuscule, car seule l'échelle change.
#       L'erreur relative mesure la norme de la différence entre les deux gradients : un gradient 32
#       fois trop grand en est très loin.
#     - [x] Une erreur relative proche de 1, égale à (B − 1)/(B + 1).
#       Si le gradient analytique vaut B fois le gradient numérique, la formule de l'erreur relative
#       donne (B − 1)/(B + 1), soit 31/33 pour B = 32. C'est la contre-épreuve du tutoriel.
#     - [ ] Une erreur de Python, car les formes ne concordent plus.
#       Multiplier par un nombre ne change aucune forme : c'est pourquoi vérifier les formes ne
#       suffit pas.
#
# !!! quiz "Pourquoi vérifier sur 64 bits ?"
#     Le même contrôle, lancé en `float32` avec `eps=1e-6`, fait paraître faux des gradients justes.
#     Pourquoi ?
#
#     - [x] Les deux pertes ne diffèrent qu'au-delà de la précision d'un `float32`.
#       Un `float32` garde environ 7 chiffres significatifs, un `float64` environ 16. Pousser un
#       seul poids de ε ne change la perte que bien au-delà du septième chiffre : en `float32`, la
#       différence des deux pertes n'est plus que du bruit d'arrondi.
#     - [ ] Les gradients analytiques deviennent faux en `float32`.
#       Ce sont les mêmes formules, justes dans les deux types ; c'est le gradient numérique qui
#       perd toute précision.
#     - [ ] ε est trop grand pour un `float32`.
#       C'est l'inverse : la différence des deux pertes est trop petite. Un ε plus grand la rendrait
#       visible, au prix d'une approximation moins fine.
#
# !!! quiz "Une softmax décalée"
#     La softmax stable du tutoriel reçoit la ligne de logits `[1000, 999, 990]`, puis la ligne
#     `[10, 9, 0]`. Que donne-t-elle ?
#
#     - [x] Exactement les mêmes probabilités pour les deux lignes.
#       La seconde ligne est la première moins 990, et la softmax ne change pas quand on soustrait
#       une même valeur à toute une ligne. La version stable soustrait d'ailleurs le maximum : dans
#       les deux cas, elle calcule l'exponentielle de `[0, -1, -10]`.
#     - [ ] Des `nan` pour la première ligne.
#       C'est ce que renvoie la version naïve, dont l'exponentielle déborde pour des logits aussi
#       grands. La version stable ne prend que des exponentielles de nombres négatifs ou nuls.
#     - [ ] Des probabilités plus tranchées pour la première ligne, aux logits plus grands.
#       Seuls les écarts entre logits comptent, et ils sont identiques dans les deux lignes.
#
# !!! quiz "Une perte initiale suspecte"
#     Vous changez l'initialisation des poids. Avant tout entraînement, la perte sur 1 000 images
#     vaut maintenant 40, au lieu d'une valeur proche de log 10, soit environ 2,3. Qu'en
#     concluez-vous ?
#
#     - [x] L'initialisation est mal réglée : les logits sont bien trop grands.
#       Le réseau se trompe avec une très forte assurance. Une perte de 40 veut dire que le
#       logarithme de la probabilité de la bonne classe vaut −40 en moyenne : seuls des logits
#       énormes et très dispersés y conduisent.
#     - [ ] Rien : avant l'entraînement, n'importe quelle perte est normale.
#       Un réseau bien initialisé répond presque au hasard : sa perte est du même ordre que log 10,
#       celle d'un modèle qui donne la probabilité 1/10 à chaque classe.
#     - [ ] Le réseau a déjà appris quelque chose.
#       Une perte plus haute que log 10 veut dire que la bonne classe reçoit en moyenne moins que le
#       hasard, pas un début d'apprentissage.

# %% [markdown]
# ## Pour aller plus loin
#
# - [Neural networks][3b1b] : la série de vidéos de 3Blue1Brown ; les chapitres 3 et 4
#   expliquent la rétropropagation, avec l'intuition puis les calculs.
# - [Neural Networks and Deep Learning, chapitre 2][nielsen] : le livre en ligne de
#   Michael Nielsen dérive les quatre équations de la rétropropagation pas à pas.
# - [Backpropagation, Intuitions][cs231n-bp] et [Gradient checks][cs231n-gc] : les notes du
#   cours CS231n de Stanford, dont nous reprenons l'erreur relative.
# - [Dive into Deep Learning, section 5.3][d2l] : la propagation avant, la rétropropagation
#   et les graphes de calcul.
#
# [3b1b]: https://www.3blue1brown.com/topics/neural-networks
# [nielsen]: http://neuralnetworksanddeeplearning.com/chap2.html
# [cs231n-bp]: https://cs231n.github.io/optimization-2/
# [cs231n-gc]: https://cs231n.github.io/neural-networks-3/#gradcheck
# [d2l]: https://d2l.ai/chapter_multilayer-perceptrons/backprop.html
