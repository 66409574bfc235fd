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
#     titre: TensorFlow bas niveau
#     description: Variables, tf.GradientTape et une boucle d'entraînement écrite à la main.
#     niveau: intermédiaire
#     duree: 1 h 30
#     prerequis:
#     - Les tenseurs en pratique
#     - Premier réseau avec Keras
#     - Le perceptron multicouche (couches, activations, perte, descente de gradient)
#     gpu: Inutile, ce petit réseau s'entraîne en moins d'une minute sur le CPU d'un portable.
#     metriques:
#     - nom: test_accuracy
#       libelle: Exactitude sur le jeu de test
#       unite: pourcentage
#       min: 0.87
#     - nom: train_seconds
#       libelle: Durée d'entraînement
#       unite: secondes
#       max_calibrations: 690
# ---

# %% [markdown]
# # TensorFlow bas niveau
#
# Avec Keras, `fit` entraîne un réseau en une ligne. Mais que se passe-t-il à l'intérieur ?
# Dans ce tutoriel, vous descendez d'un étage : vous écrivez vous-même, avec TensorFlow,
# ce que `fit` fait pour vous.
#
# Trois outils suffisent. Les **variables** gardent les paramètres du modèle d'un pas
# à l'autre. `tf.GradientTape` enregistre les calculs pour en déduire les gradients.
# `tf.function` transforme une fonction Python en graphe de calcul, bien plus rapide
# à exécuter. Avec eux, vous entraînez un perceptron multicouche (MLP) sur Fashion-MNIST.

# %% [markdown]
# ## Objectifs
#
# À la fin de ce tutoriel, vous saurez :
#
# - distinguer un tenseur, immuable, d'une variable, modifiable ;
# - calculer des gradients avec `tf.GradientTape`, et savoir ce qu'elle enregistre ;
# - écrire une descente de gradient à la main ;
# - définir un modèle comme un `tf.Module` et un pas d'entraînement complet ;
# - accélérer ce pas avec `tf.function`, en connaissant le traçage et ses pièges ;
# - écrire la boucle d'entraînement et d'évaluation, avec un pipeline `tf.data`.
#
# ## Prérequis
#
# - Les tenseurs : forme, type, diffusion, produit matriciel
#   (tutoriel [Les tenseurs en pratique](01_tenseurs.ipynb)).
# - Le vocabulaire du perceptron multicouche : couche dense, activation, perte,
#   descente de gradient, lot, époque.
# - Avoir vu `compile` et `fit` dans le [tutoriel Keras](04_premier_reseau_keras.ipynb) aide
#   à mesurer ce qu'ils cachent. La page [Les frameworks](../frameworks.md) situe les deux
#   niveaux d'écriture.
# - Un environnement Python avec `tensorflow` et `matplotlib`.

# %% [markdown]
# ## Mise en place
#
# `tf.random.set_seed` fixe la graine globale de TensorFlow. Nous créons aussi un générateur
# explicite, `tf.random.Generator`, pour tirer les poids initiaux : son état ne dépend
# que de sa graine, quel que soit le nombre d'opérations aléatoires faites ailleurs.

# %%
import time

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf

SEED = 0
tf.random.set_seed(SEED)


def fr(x, decimals=2):
    """Écrit un nombre à la française, avec une virgule décimale."""
    return f"{x:.{decimals}f}".replace(".", ",")


print(f"TensorFlow {tf.__version__}")
print(f"Processeurs visibles : {[d.name for d in tf.config.list_logical_devices()]}")

# %% [markdown]
# ## Tenseurs et variables
#
# Un **tenseur** TensorFlow (`tf.Tensor`) est **immuable** : une fois créé,
# ses valeurs ne changent plus. Une opération crée toujours un nouveau tenseur.
# C'est parfait pour les données et les résultats intermédiaires, pas pour les poids
# d'un modèle, qu'il faut modifier à chaque pas d'entraînement.

# %%
t = tf.constant([1.0, 2.0, 3.0])
try:
    t[0] = 10.0
except TypeError as error:
    print(f"Modifier un tenseur : {error}")
print(f"Une opération crée un nouveau tenseur : {(t * 2).numpy()}, t reste {t.numpy()}")

# %% [markdown]
# Une **variable** (`tf.Variable`) contient un tenseur que l'on peut remplacer ou modifier
# sur place avec `assign`, `assign_add` et `assign_sub`. Les paramètres d'un modèle sont
# des variables : elles gardent leur valeur d'un pas à l'autre.

# %%
v = tf.Variable([1.0, 2.0, 3.0], name="v")
v.assign([10.0, 20.0, 30.0])  # remplacer toutes les valeurs
v.assign_sub([1.0, 1.0, 1.0])  # v -= 1, sur place
v[0].assign(0.0)  # une seule valeur
print(f"{v.name} : {v.numpy()}, type {v.dtype.name}, entraînable : {v.trainable}")
print(f"Une variable s'utilise comme un tenseur : {(v * 2).numpy()}")

# %% [markdown]
# `assign_sub` sera notre outil de mise à jour : $\theta \leftarrow \theta - \eta\,g$
# s'écrit `theta.assign_sub(learning_rate * g)`.

# %% [markdown]
# ## Calculer des gradients avec `tf.GradientTape`
#
# `tf.GradientTape` (littéralement « bande d'enregistrement des gradients ») enregistre
# les opérations exécutées dans son bloc `with`. Sa méthode `gradient` parcourt ensuite
# cet enregistrement à l'envers et applique la dérivation des fonctions composées :
# c'est la **différentiation automatique**, la rétropropagation faite par la machine.
#
# Premier essai avec $y = x^2$, dont la dérivée est $2x$. En $x = 3$, elle vaut 6.

# %%
x = tf.Variable(3.0)
with tf.GradientTape() as tape:
    y = x**2
dy_dx = tape.gradient(y, x)
print(f"y = {y.numpy()}, dy/dx = {dy_dx.numpy()}")

# %% [markdown]
# La bande surveille automatiquement les variables entraînables. Un tenseur ordinaire,
# lui, n'est pas surveillé : le gradient par rapport à lui vaut `None`,
# sauf si on le demande avec `tape.watch`.

# %%
c = tf.constant(3.0)
with tf.GradientTape() as tape:
    y = c**2
print(f"Constante non surveillée : {tape.gradient(y, c)}")

with tf.GradientTape() as tape:
    tape.watch(c)  # surveiller explicitement ce tenseur
    y = c**2
print(f"Avec tape.watch : {tape.gradient(y, c).numpy()}")

# %% [markdown]
# Un gradient `None` est une erreur silencieuse fréquente : un paramètre créé par erreur comme
# tenseur et non comme variable ne sera jamais mis à jour. Autre règle : une bande ne sert
# qu'une fois, `gradient` libère l'enregistrement (sauf avec `persistent=True`).

# %% [markdown]
# ### Plusieurs variables à la fois
#
# `gradient` accepte une liste de variables et renvoie la liste des gradients.
# Prenons un modèle linéaire $\hat{y} = w x + b$ et l'erreur quadratique moyenne
# sur trois points. Ses dérivées se calculent à la main :
#
# $$
# \frac{\partial L}{\partial w} = \frac{2}{n} \sum_i (\hat{y}_i - y_i)\,x_i
# \qquad
# \frac{\partial L}{\partial b} = \frac{2}{n} \sum_i (\hat{y}_i - y_i)
# $$
#
# Comparons-les à celles de TensorFlow.

# %%
xs = tf.constant([1.0, 2.0, 3.0])
ys = tf.constant([2.0, 4.0, 7.0])
w = tf.Variable(1.0)
b = tf.Variable(0.0)

with tf.GradientTape() as tape:
    predictions = w * xs + b
    loss = tf.reduce_mean((predictions - ys) ** 2)
grad_w, grad_b = tape.gradient(loss, [w, b])

errors = predictions - ys
print(f"TensorFlow : dL/dw = {grad_w.numpy():.4f}, dL/db = {grad_b.numpy():.4f}")
print(
    f"À la main  : dL/dw = {(2 * tf.reduce_mean(errors * xs)).numpy():.4f}, "
    f"dL/db = {(2 * tf.reduce_mean(errors)).numpy():.4f}"
)

# %% [markdown]
# Les valeurs coïncident. Vous n'aurez plus jamais à dériver une perte à la main :
# il suffit que le calcul soit fait sous une `GradientTape`.

# %% [markdown]
# ## Une descente de gradient à la main
#
# Nous avons tout ce qu'il faut pour entraîner ce modèle linéaire. Générons 200 points
# autour de la droite $y = 3x + 2$, avec un peu de bruit, puis répétons 200 fois
# les étapes d'un pas d'entraînement :
#
# 1. la **propagation avant** calcule les prédictions ;
# 2. la **perte** les compare aux valeurs attendues ;
# 3. la **bande** calcule les gradients ;
# 4. la **mise à jour** déplace chaque paramètre contre son gradient.

# %%
generator = tf.random.Generator.from_seed(SEED)
points_x = generator.uniform((200,), -1.0, 1.0)
points_y = 3.0 * points_x + 2.0 + generator.normal((200,), stddev=0.2)

w = tf.Variable(0.0)
b = tf.Variable(0.0)
learning_rate = 0.1
for step in range(200):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean((w * points_x + b - points_y) ** 2)  # 1 et 2
    grad_w, grad_b = tape.gradient(loss, [w, b])  # 3
    w.assign_sub(learning_rate * grad_w)  # 4
    b.assign_sub(learning_rate * grad_b)
    if step % 50 == 0 or step == 199:
        print(
            f"Pas {step:3d} : perte {fr(loss.numpy(), 4)}, "
            f"w = {fr(w.numpy(), 3)}, b = {fr(b.numpy(), 3)}"
        )

# %% [markdown]
# Les paramètres s'approchent de 3 et 2, les valeurs qui ont servi à fabriquer les données.
# La perte ne descend pas à zéro : le bruit ajouté ne peut pas être expliqué par une droite.
# Un réseau de neurones s'entraîne exactement ainsi, avec plus de paramètres.

# %% [markdown]
# ## Le MLP écrit à la main
#
# ### Les données et le pipeline `tf.data`
#
# Chargeons Fashion-MNIST : 60 000 images d'entraînement et 10 000 de test, de 28 × 28 pixels,
# en 10 classes. Nous aplatissons chaque image en 784 valeurs, nous les convertissons en
# `float32` et nous les **normalisons** avec la moyenne et l'écart-type des pixels
# d'entraînement. 6 000 images d'entraînement, tirées au hasard, servent à la validation.

# %%
(train_images, train_labels), (test_images, test_labels) = keras.datasets.fashion_mnist.load_data()


def prepare(images):
    return images.reshape(len(images), -1).astype("float32") / 255


x_all = prepare(train_images)
mean, std = x_all.mean(), x_all.std()
x_all = (x_all - mean) / std
x_test = (prepare(test_images) - mean) / std
y_all, y_test = train_labels.astype("int64"), test_labels.astype("int64")

order = np.random.default_rng(SEED).permutation(len(x_all))
x_val, y_val = x_all[order[:6000]], y_all[order[:6000]]
x_train, y_train = x_all[order[6000:]], y_all[order[6000:]]
print(f"Entraînement {x_train.shape}, validation {x_val.shape}, test {x_test.shape}")

# Le découpage, rangé dans l'enregistrement de l'exécution : la construction du site vérifie
# qu'aucune image de validation n'est aussi une image d'entraînement.
DATA_SPLIT = {"train": order[6000:], "validation": order[:6000], "test": len(y_test)}

# %% [markdown]
# Pour parcourir les images par lots, TensorFlow fournit `tf.data.Dataset`.
# `from_tensor_slices` découpe les tableaux en exemples ; `shuffle` les mélange
# (un nouvel ordre à chaque époque) ; `batch` les regroupe en lots de 256 ;
# `prefetch` prépare le lot suivant pendant que le modèle calcule sur le lot courant.
# Les données sont déjà en mémoire et normalisées : le pipeline ne fait que les découper.

# %%
BATCH_SIZE = 256
train_ds = (
    tf.data.Dataset.from_tensor_slices((x_train, y_train))
    .shuffle(len(x_train), seed=SEED)
    .batch(BATCH_SIZE)
    .prefetch(tf.data.AUTOTUNE)
)
xb, yb = next(iter(train_ds))
print(f"Un lot : images {xb.shape} {xb.dtype.name}, classes {yb.shape} {yb.dtype.name}")
print(f"Lots par époque : {train_ds.cardinality().numpy()}")

# %% [markdown]
# ### Le modèle : un `tf.Module`
#
# Nous regroupons les paramètres dans une classe qui hérite de `tf.Module`.
# Cette classe de base ne fait presque rien, mais elle fait l'essentiel : elle retrouve
# toutes les variables de ses attributs. `model.trainable_variables` renverra ainsi la liste
# des paramètres à entraîner, sans que nous ayons à la tenir à jour.
#
# Les poids suivent l'initialisation de He, adaptée à ReLU : une loi normale d'écart-type
# $\sqrt{2/n}$, où $n$ est le nombre d'entrées de la couche. Les biais partent de zéro.
# La méthode `__call__` calcule les **logits**, les 10 scores bruts, sans softmax :
# la fonction de perte s'en chargera.


# %%
class MLP(tf.Module):
    """Perceptron multicouche : 784 entrées, une couche cachée ReLU, 10 logits."""

    def __init__(self, seed, n_inputs=784, n_hidden=128, n_classes=10):
        super().__init__()
        init = tf.random.Generator.from_seed(seed)
        he1, he2 = (2 / n_inputs) ** 0.5, (2 / n_hidden) ** 0.5  # écarts-types de He
        self.W1 = tf.Variable(init.normal((n_inputs, n_hidden)) * he1, name="W1")
        self.b1 = tf.Variable(tf.zeros(n_hidden), name="b1")
        self.W2 = tf.Variable(init.normal((n_hidden, n_classes)) * he2, name="W2")
        self.b2 = tf.Variable(tf.zeros(n_classes), name="b2")

    def __call__(self, x):
        hidden = tf.nn.relu(x @ self.W1 + self.b1)
        return hidden @ self.W2 + self.b2


model = MLP(seed=SEED)
for variable in model.trainable_variables:
    print(f"{variable.name:<6} {variable.shape}")
print(f"Paramètres : {sum(int(tf.size(v)) for v in model.trainable_variables)}")

# %% [markdown]
# ### La perte, l'optimiseur et l'exactitude
#
# `tf.nn.sparse_softmax_cross_entropy_with_logits` calcule l'entropie croisée de chaque image
# à partir des logits et de la classe entière, softmax comprise, de façon numériquement stable.
# Nous en prenons la moyenne sur le lot.
#
# Pour la mise à jour, nous pourrions écrire la descente de gradient avec `assign_sub`,
# comme plus haut. Nous empruntons plutôt à Keras l'optimiseur **Adam**, qui adapte le pas
# de chaque paramètre. Il s'utilise à bas niveau : `apply_gradients` reçoit les couples
# (gradient, variable) et met les variables à jour. Son taux d'apprentissage décroît selon
# un cosinus sur tout l'entraînement.

# %%
EPOCHS = 12
LEARNING_RATE = 3e-3
steps_per_epoch = int(train_ds.cardinality())


def make_optimizer(model):
    schedule = keras.optimizers.schedules.CosineDecay(LEARNING_RATE, steps_per_epoch * EPOCHS)
    optimizer = keras.optimizers.Adam(learning_rate=schedule)
    optimizer.build(model.trainable_variables)  # crée l'état d'Adam (moyennes des gradients)
    return optimizer


def loss_fn(logits, labels):
    """Entropie croisée moyenne, calculée à partir des logits."""
    losses = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    return tf.reduce_mean(losses)


def accuracy(model, x, y, batch_size=2000):
    """Proportion d'images dont le plus grand logit est celui de la bonne classe."""
    correct = 0
    for first in range(0, len(y), batch_size):
        logits = model(x[first : first + batch_size])
        predicted = tf.argmax(logits, axis=1).numpy()
        correct += int((predicted == y[first : first + batch_size]).sum())
    return correct / len(y)


optimizer = make_optimizer(model)
print(f"Exactitude avant entraînement : {fr(100 * accuracy(model, x_val, y_val), 1)} %")

# %% [markdown]
# Sans entraînement, les poids sont aléatoires, et les réponses aussi : l'exactitude
# n'a aucune raison d'être bonne. Une classe tirée au hasard parmi dix serait juste
# une fois sur dix.

# %% [markdown]
# ## Le pas d'entraînement et `tf.function`
#
# Voici le cœur du tutoriel : un pas d'entraînement complet, écrit à la main.
# C'est exactement ce que `fit` exécute pour chaque lot.


# %%
@tf.function
def train_step(model, optimizer, x, y):
    """Un pas d'entraînement : propagation avant, perte, gradients, mise à jour."""
    with tf.GradientTape() as tape:
        logits = model(x)  # propagation avant
        loss = loss_fn(logits, y)  # perte
    grads = tape.gradient(loss, model.trainable_variables)  # rétropropagation
    optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))  # mise à jour
    return loss


# %% [markdown]
# ### Que fait `@tf.function` ?
#
# Sans décorateur, TensorFlow exécute chaque opération dès que Python la rencontre :
# c'est le mode *eager* (« immédiat »), pratique pour explorer et déboguer.
# Mais chaque opération repasse alors par l'interpréteur Python.
#
# Le décorateur `@tf.function` change cela. Au premier appel, TensorFlow exécute la fonction
# Python une fois pour **tracer** ses opérations, et en construit un **graphe de calcul**.
# Les appels suivants exécutent directement ce graphe, sans Python, et TensorFlow peut
# l'optimiser (fusion d'opérations, calculs en parallèle).
#
# Mesurons-le sur un modèle de brouillon, pour ne pas toucher au nôtre.
# `tf.config.run_functions_eagerly(True)` désactive temporairement tous les graphes :
# c'est aussi l'interrupteur à connaître pour déboguer une `tf.function`.

# %%
draft = MLP(seed=SEED + 1)
draft_optimizer = make_optimizer(draft)
batches = list(train_ds.take(40))

start = time.perf_counter()
train_step(draft, draft_optimizer, *batches[0])  # premier appel : traçage du graphe
trace_seconds = time.perf_counter() - start


def seconds_per_step():
    start = time.perf_counter()
    for x_batch, y_batch in batches:
        train_step(draft, draft_optimizer, x_batch, y_batch)
    return (time.perf_counter() - start) / len(batches)


graph_seconds = seconds_per_step()
tf.config.run_functions_eagerly(True)
try:
    eager_seconds = seconds_per_step()
finally:
    tf.config.run_functions_eagerly(False)

speedup = eager_seconds / graph_seconds
print(f"Premier appel (traçage compris) : {fr(1000 * trace_seconds, 0)} ms")
print(f"Mode eager : {fr(1000 * eager_seconds, 1)} ms par pas")
print(f"Graphe     : {fr(1000 * graph_seconds, 1)} ms par pas, {fr(speedup, 1)} fois plus rapide")
eager_epoch, graph_epoch = steps_per_epoch * eager_seconds, steps_per_epoch * graph_seconds
print(
    f"Une époque de {steps_per_epoch} pas : {fr(eager_epoch, 1)} s en eager, {fr(graph_epoch, 1)} s"
)

# %% [markdown]
# Le traçage se paie une fois, au premier appel ; chaque pas suivant est nettement plus rapide
# que le mode *eager*. La dernière ligne traduit l'écart en durée d'une époque.
#
# !!! warning "Les pièges du traçage"
#
#     Le code Python d'une `tf.function` ne s'exécute **que pendant le traçage**.
#     Un `print` n'affiche donc rien aux appels suivants (`tf.print`, lui, fait partie
#     du graphe), et une variable Python modifiée dans la fonction ne l'est qu'au traçage.
#     TensorFlow retrace la fonction quand la forme ou le type des tenseurs change, ou quand
#     on lui passe un autre objet Python : ici, chaque modèle a son propre graphe.
#     L'exercice 2 vous le fait observer.

# %% [markdown]
# ## La boucle d'entraînement
#
# La boucle parcourt les époques ; chaque époque parcourt les lots du pipeline et appelle
# `train_step`. À la fin de chaque époque, nous mesurons l'exactitude de validation.
# Un chronomètre entoure le tout : sa durée est rangée dans `train_seconds`.

# %%
history = {"train_loss": [], "val_accuracy": []}

train_start = time.perf_counter()
for epoch in range(EPOCHS):
    epoch_start = time.perf_counter()
    loss_sum = tf.zeros(())  # reste un tenseur : aucune attente à chaque pas
    for x_batch, y_batch in train_ds:
        loss = train_step(model, optimizer, x_batch, y_batch)
        loss_sum += loss * len(y_batch)
    train_loss = float(loss_sum) / len(y_train)
    val_accuracy = accuracy(model, x_val, y_val)
    history["train_loss"].append(train_loss)
    history["val_accuracy"].append(val_accuracy)
    print(
        f"Époque {epoch + 1:2d}/{EPOCHS}   perte {fr(train_loss, 4)}   "
        f"validation {fr(100 * val_accuracy, 1)} %   {fr(time.perf_counter() - epoch_start)} s"
    )
train_seconds = time.perf_counter() - train_start
print(f"Entraînement complet : {fr(train_seconds, 1)} s")

# %% [markdown]
# La première époque est plus longue que les suivantes : elle inclut le traçage du graphe
# pour notre modèle, et même un second traçage pour le dernier lot de l'époque,
# plus petit que les autres (le nombre d'images n'est pas un multiple de 256).
# Les époques suivantes réutilisent ces deux graphes.

# %% [markdown]
# ## Résultats
#
# Traçons la perte d'entraînement et l'exactitude de validation, puis mesurons l'exactitude
# sur le jeu de test, resté intact jusqu'ici.

# %% alt="Perte d'entraînement et exactitude de validation du MLP TensorFlow, par époque."
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
fig.suptitle("MLP écrit avec TensorFlow bas niveau")
fig.tight_layout()
plt.show()

test_accuracy = accuracy(model, x_test, y_test)
print(f"Exactitude sur le test : {fr(100 * test_accuracy, 2)} % ({len(y_test)} images)")

# %% [markdown]
# *Figure 1. À gauche, la perte d'entraînement moyenne de chaque époque ;
# à droite, l'exactitude sur les 6 000 images de validation.*
#
# Le résultat est du même ordre que celui du tutoriel Keras, avec le même type de réseau :
# normal, puisque nous avons réécrit à la main ce que fait `fit`.
# La construction du site vérifie que l'exactitude de test atteint le seuil déclaré dans
# l'en-tête du tutoriel, que rappelle la fiche en haut de cette page.

# %% [markdown]
# ## Récapitulatif
#
# - Un `tf.Tensor` est immuable ; une `tf.Variable` se modifie avec `assign`, `assign_add`,
#   `assign_sub` et garde les paramètres d'un pas à l'autre.
# - `tf.GradientTape` enregistre les calculs de son bloc et en déduit les gradients ;
#   elle surveille les variables, pas les tenseurs (sauf avec `tape.watch`).
# - Un pas d'entraînement : propagation avant et perte sous la bande, `tape.gradient`,
#   puis `optimizer.apply_gradients` (ou `assign_sub` pour une descente de gradient simple).
# - `tf.Module` rassemble les variables d'un modèle dans `trainable_variables`.
# - `@tf.function` trace la fonction une fois et exécute ensuite un graphe, bien plus vite
#   qu'en mode *eager* ; le code Python qu'elle contient ne s'exécute qu'au traçage.
# - `tf.data.Dataset` mélange et découpe en lots des données déjà en mémoire.

# %% [markdown]
# ## Exercices
#
# ### Exercice 1 : une descente de gradient simple, sans Adam
#
# Remplacez Adam par la descente de gradient stochastique écrite à la main :
# `variable.assign_sub(learning_rate * grad)` pour chaque paramètre.
# Écrivez un nouveau pas décoré par `@tf.function`, entraînez un modèle neuf pendant
# 2 époques avec un pas de 0,1, et comparez son exactitude de validation
# à celle de notre modèle après 2 époques.


# %%
# Solution
@tf.function
def sgd_step(model, x, y, learning_rate):
    with tf.GradientTape() as tape:
        loss = loss_fn(model(x), y)
    grads = tape.gradient(loss, model.trainable_variables)
    for variable, grad in zip(model.trainable_variables, grads, strict=True):
        variable.assign_sub(learning_rate * grad)
    return loss


sgd_model = MLP(seed=SEED)
for _epoch in range(2):
    for x_batch, y_batch in train_ds:
        sgd_step(sgd_model, x_batch, y_batch, tf.constant(0.1))
print(f"Après 2 époques, SGD à la main : {fr(100 * accuracy(sgd_model, x_val, y_val), 1)} %")
print(f"Après 2 époques, Adam          : {fr(100 * history['val_accuracy'][1], 1)} %")

# %% [markdown]
# À nombre d'époques égal, Adam fait mieux ici que la descente de gradient simple :
# c'est l'une des raisons pour lesquelles il est si souvent le premier optimiseur essayé.
#
# Le taux d'apprentissage est passé comme tenseur (`tf.constant(0.1)`) : un nombre Python
# ferait partie de la signature du graphe, et chaque nouvelle valeur déclencherait un traçage.

# %% [markdown]
# ### Exercice 2 : observer le traçage
#
# Écrivez une petite `tf.function` qui compte ses passages de deux façons :
# un compteur Python (`traces += 1`) et une variable TensorFlow (`calls.assign_add(1)`).
# Appelez-la trois fois avec des tenseurs de forme (2,), puis une fois avec un tenseur
# de forme (3,). Que valent les deux compteurs ? Vérifiez avec
# `experimental_get_tracing_count()`.

# %%
# Solution
traces = 0
calls = tf.Variable(0)


@tf.function
def double(x):
    global traces
    traces += 1  # code Python : exécuté seulement pendant le traçage
    calls.assign_add(1)  # opération TensorFlow : exécutée à chaque appel
    return 2 * x


for values in ([1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [1.0, 2.0, 3.0]):
    double(tf.constant(values))
print(f"Compteur Python : {traces}, variable TensorFlow : {int(calls.numpy())}")
print(f"experimental_get_tracing_count() : {double.experimental_get_tracing_count()}")

# %% [markdown]
# Le compteur Python n'avance qu'aux traçages, un par forme de tenseur rencontrée ;
# la variable TensorFlow avance à chaque appel, car son opération fait partie du graphe.
# Pour afficher une valeur à chaque appel, utilisez `tf.print` plutôt que `print`.
# Une `tf.function` appelée avec des formes toujours différentes se retrace sans cesse
# et devient plus lente que le mode *eager* : c'est pourquoi on garde des lots de taille fixe.
# Un dernier lot plus petit, comme dans notre boucle, ne coûte qu'un traçage de plus.

# %% [markdown]
# ## Testez-vous
#
# Cinq questions sur ce que `fit` vous cachait ; répondez avant de déplier l'explication de chaque
# choix.
#
# !!! quiz "Une constante au lieu d'une variable"
#     Dans la classe `MLP`, vous écrivez par erreur
#     `self.W1 = init.normal((n_inputs, n_hidden)) * he1`, sans `tf.Variable`. Que se passe-t-il
#     pendant l'entraînement ?
#
#     - [ ] Une erreur au premier pas.
#       Rien n'échoue : la propagation avant fonctionne aussi bien avec un tenseur qu'avec une
#       variable.
#     - [x] `W1` ne change jamais : la première couche garde ses poids aléatoires.
#       `tf.Module` ne range dans `trainable_variables` que des variables, et la bande ne surveille
#       pas un tenseur ordinaire. `W1` ne reçoit ni gradient ni mise à jour ; seuls `b1`, `W2` et
#       `b2` apprennent.
#     - [ ] `W1` est mis à jour comme les autres, car `tf.Module` retrouve tous ses attributs.
#       `tf.Module` retrouve les variables de ses attributs, pas les tenseurs. C'est l'erreur
#       silencieuse que le tutoriel signale avec les gradients `None`.
#
# !!! quiz "Un affichage dans le pas d'entraînement"
#     Vous ajoutez `print("pas")` au début de `train_step`, décorée par `@tf.function`, puis vous
#     lancez la boucle de 12 époques sur `model`. Combien de fois le mot s'affiche-t-il pendant
#     cette boucle ?
#
#     - [ ] Une fois par lot, soit 211 fois par époque.
#       Le code Python d'une `tf.function` ne s'exécute qu'au traçage ; les appels suivants
#       exécutent le graphe, sans Python.
#     - [ ] Une fois par époque.
#       Rien ne déclenche de traçage au début d'une époque : seul compte ce que reçoit la fonction.
#     - [x] Deux fois, pendant la première époque.
#       Un traçage au premier lot, puis un second pour le dernier lot de l'époque, de 240 images au
#       lieu de 256 : une forme nouvelle. Les époques suivantes réutilisent ces deux graphes.
#     - [ ] Une seule fois, au tout premier appel.
#       Le dernier lot, plus petit, a une autre forme : TensorFlow retrace la fonction pour lui.
#
# !!! quiz "Le signe des gradients"
#     Dans l'exemple du modèle linéaire, `w = 1`, `b = 0`, `xs = [1, 2, 3]` et `ys = [2, 4, 7]`. Que
#     fait le premier `assign_sub(learning_rate * grad)` ?
#
#     - [x] Il augmente `w` et `b`.
#       Les prédictions `[1, 2, 3]` sont toutes trop petites : les deux gradients sont négatifs, et
#       retrancher un nombre négatif augmente le paramètre.
#     - [ ] Il diminue `w` et `b`.
#       Ce serait le cas si le modèle prédisait trop grand. Ici, les trois erreurs
#       `predictions - ys` sont négatives.
#     - [ ] Il augmente `w` et laisse `b` inchangé, car `b` vaut 0.
#       Le gradient par rapport à `b` vaut deux fois la moyenne des erreurs, quelle que soit la
#       valeur de `b` : il est négatif lui aussi.
#
# !!! quiz "Jusqu'où la perte peut-elle descendre ?"
#     Les 200 points suivent la droite `3 * x + 2`, plus un bruit gaussien d'écart-type 0,2. Vers
#     quelle valeur l'erreur quadratique moyenne du modèle linéaire peut-elle descendre, au mieux ?
#
#     - [ ] Vers 0, à condition de faire assez de pas.
#       Aucune droite ne passe par 200 points bruités : le bruit ne s'explique pas par le modèle.
#     - [x] Vers la variance du bruit, environ 0,2 × 0,2 = 0,04.
#       Même la vraie droite se trompe, en chaque point, de la valeur du bruit : l'erreur
#       quadratique moyenne qui reste est de l'ordre de sa variance.
#     - [ ] Vers 0,2, l'écart-type du bruit.
#       L'erreur quadratique moyenne se mesure en carrés : elle se compare à la variance, pas à
#       l'écart-type.
#
# !!! quiz "Un taux d'apprentissage en nombre Python"
#     Dans l'exercice 1, le taux est passé à `sgd_step` comme tenseur, `tf.constant(0.1)`. Que
#     ferait un programme qui l'appellerait avec un nombre Python différent à chaque époque (`0.1`,
#     puis `0.09`, puis `0.08`…) ?
#
#     - [x] Il retracerait la fonction à chaque nouvelle valeur.
#       Un nombre Python fait partie de la signature du graphe : chaque valeur nouvelle déclenche un
#       traçage, lent, et garde un graphe de plus en mémoire.
#     - [ ] Il ne tracerait la fonction qu'une fois, comme avec un tenseur.
#       Seul un tenseur de même forme et de même type réutilise le graphe, quelle que soit sa
#       valeur.
#     - [ ] Il garderait `0.1`, la valeur vue au premier traçage, sans le signaler.
#       TensorFlow ne garde pas l'ancienne valeur en silence : il retrace, ce qui donne un calcul
#       juste mais coûteux.

# %% [markdown]
# ## Pour aller plus loin
#
# - [Introduction to Variables][variables] : le guide officiel des variables.
# - [Introduction to gradients and automatic differentiation][autodiff] :
#   `GradientTape` en détail, avec les cas où le gradient vaut `None`.
# - [Better performance with `tf.function`][tf-function] : le traçage, ses règles et ses pièges.
# - [Writing a training loop from scratch][custom-loop] : la même démarche, avec un modèle Keras.
# - [Build TensorFlow input pipelines][tf-data] : tout sur les pipelines de données.
#
# [variables]: https://www.tensorflow.org/guide/variable
# [autodiff]: https://www.tensorflow.org/guide/autodiff
# [tf-function]: https://www.tensorflow.org/guide/function
# [custom-loop]: https://keras.io/guides/writing_a_custom_training_loop_in_tensorflow/
# [tf-data]: https://www.tensorflow.org/guide/data
