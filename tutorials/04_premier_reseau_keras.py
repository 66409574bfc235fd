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
#     titre: Premier réseau avec Keras
#     description: Définir, entraîner, évaluer et inspecter un MLP sur Fashion-MNIST avec Keras.
#     niveau: débutant
#     duree: 1 h
#     prerequis:
#     - Python et NumPy de base
#     - Le perceptron multicouche (couches, activations, perte, descente de gradient)
#     gpu: Inutile, un portable sans GPU entraîne ce petit réseau en moins d'une minute.
#     metriques:
#     - nom: test_accuracy
#       libelle: Exactitude sur le jeu de test
#       unite: pourcentage
#       min: 0.875
#     - nom: train_seconds
#       libelle: Durée d'entraînement
#       unite: secondes
#       max_calibrations: 1100
# ---

# %% [markdown]
# # Premier réseau avec Keras
#
# Keras est une bibliothèque de haut niveau pour le deep learning. Depuis sa version 3, elle
# calcule au choix avec TensorFlow, JAX ou PyTorch (la page [Les frameworks](../frameworks.md)
# explique ces moteurs). Un réseau s'y décrit comme une **pile de couches**, et tout le cycle
# de vie du modèle tient en quelques méthodes :
# `compile` fixe la perte et l'optimiseur, `fit` entraîne, `evaluate` mesure,
# `predict` prédit. Vous n'écrivez pas la boucle d'entraînement : Keras la fournit.
#
# Dans ce tutoriel, vous entraînez un perceptron multicouche (MLP) sur Fashion-MNIST,
# des photos de vêtements. Il a une couche cachée de 128 neurones et 10 sorties,
# une par classe de vêtement.

# %% [markdown]
# ## Objectifs
#
# À la fin de ce tutoriel, vous saurez :
#
# - charger Fashion-MNIST avec `keras.datasets` et préparer les images ;
# - décrire un réseau avec `keras.Sequential` et lire son résumé (`summary`) ;
# - choisir une perte, un optimiseur et une métrique avec `compile` ;
# - entraîner avec `fit`, en gardant une partie des données pour la validation ;
# - choisir une taille de lot en connaissant son effet sur la durée d'une époque ;
# - mesurer le modèle avec `evaluate`, l'utiliser avec `predict` ;
# - suivre l'entraînement dans TensorBoard.
#
# ## Prérequis
#
# - Python et NumPy de base : fonctions, tableaux, `shape`.
# - Le vocabulaire du [perceptron multicouche](../mlp.md) : couche dense, activation,
#   fonction de perte, descente de gradient, lot, époque.
# - Un environnement Python avec `tensorflow` (qui installe Keras), `matplotlib` et `tensorboard`.
#   Un portable sans carte graphique suffit.

# %% [markdown]
# ## Mise en place
#
# Depuis sa version 3, Keras peut calculer avec plusieurs bibliothèques, appelées
# *backends* : TensorFlow, JAX ou PyTorch. Nous utilisons TensorFlow, le *backend* par défaut.
# Nous écrivons donc `import keras`, le paquet Keras lui-même, et non `tf.keras`, son nom
# historique à l'intérieur de TensorFlow.
#
# `keras.utils.set_random_seed` fixe d'un coup les graines de Python, de NumPy et du *backend* :
# les poids initiaux et l'ordre des exemples seront les mêmes à chaque exécution.

# %%
import os
import shutil
import time

import keras
import matplotlib.pyplot as plt
import numpy as np

SEED = 0
keras.utils.set_random_seed(SEED)


def fr(x, decimals=2):
    """Écrit un nombre à la française, avec une virgule décimale."""
    return f"{x:.{decimals}f}".replace(".", ",")


print(f"Keras {keras.__version__}, backend : {keras.backend.backend()}")

# %% [markdown]
# ## Les données
#
# Fashion-MNIST rassemble 70 000 images de vêtements de 28 × 28 pixels en niveaux de gris,
# réparties en 10 classes. `keras.datasets.fashion_mnist.load_data()` télécharge les fichiers
# la première fois, puis les relit sur le disque. Il renvoie quatre tableaux NumPy :
# les images et les classes d'entraînement, puis celles de test.

# %%
(x_train, y_train), (x_test, y_test) = keras.datasets.fashion_mnist.load_data()
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
print(f"Entraînement : images {x_train.shape} en {x_train.dtype}, classes {y_train.shape}")
print(f"Test : images {x_test.shape}, classes {y_test.shape}")
print(f"Premières classes : {y_train[:8]} ({', '.join(CLASS_NAMES[c] for c in y_train[:3])}…)")

# %% [markdown]
# Les classes sont des entiers de 0 à 9. Les pixels sont des entiers de 0 à 255 (`uint8`).
# Nous les convertissons une fois pour toutes en nombres à virgule entre 0 et 1 :
# un réseau apprend mieux sur des entrées de petite amplitude.

# %%
x_train = x_train.astype("float32") / 255
x_test = x_test.astype("float32") / 255
print(f"Pixels entre {fr(x_train.min(), 1)} et {fr(x_train.max(), 1)}, type {x_train.dtype}")

# %% [markdown]
# Les images restent des tableaux NumPy, entièrement en mémoire. Keras les découpera
# lui-même en lots pendant l'entraînement.

# %% [markdown]
# ## Le modèle : une pile de couches
#
# `keras.Sequential` empile des couches : la sortie de chacune est l'entrée de la suivante.
# Notre réseau en compte trois, précédées de la description de l'entrée :
#
# - `keras.Input((28, 28))` annonce la forme d'**un** exemple, sans l'axe du lot ;
# - `Flatten` aplatit chaque image de 28 × 28 pixels en un vecteur de 784 valeurs ;
# - `Dense(128, activation="relu")` est une couche dense (*fully connected*) de 128 neurones,
#   suivie de l'activation ReLU, $\max(0, z)$ ;
# - `Dense(10, activation="softmax")` produit 10 probabilités, une par classe,
#   dont la somme vaut 1.
#
# Ce réseau se termine donc par une softmax, contrairement à celui du tutoriel PyTorch,
# qui renvoie des logits. Les deux conventions sont justes, à condition que la perte le sache :
# la section suivante le dit à Keras. La page
# [Le perceptron multicouche](../mlp.md#logits-ou-probabilites-deux-conventions)
# compare les deux.

# %%
model = keras.Sequential(
    [
        keras.Input(shape=(28, 28)),
        keras.layers.Flatten(name="flatten"),
        keras.layers.Dense(128, activation="relu", name="hidden"),
        keras.layers.Dense(10, activation="softmax", name="output"),
    ],
    name="fashion_mlp",
)
model.summary(line_length=72, print_fn=print)  # tableau de 72 caractères, en texte simple

# %% [markdown]
# Le résumé donne, pour chaque couche, la forme de sa sortie et son nombre de paramètres.
# (Les deux arguments ne servent qu'à la mise en page : sans eux, `model.summary()` affiche
# le même tableau, en couleurs et à la largeur de la fenêtre.)
# `None` désigne l'axe du lot : sa taille n'est pas fixée, le modèle accepte des lots
# de n'importe quelle taille.
#
# Une couche dense de $n$ entrées et $m$ neurones possède $n \times m$ poids et $m$ biais.
# Vérifiez : $784 \times 128 + 128$ pour la couche cachée, $128 \times 10 + 10$ pour la sortie.
# Le résumé indique aussi la mémoire occupée par les paramètres : 4 octets chacun en `float32`.

# %% [markdown]
# ## Compiler : la perte, l'optimiseur, les métriques
#
# `compile` ne calcule rien. Elle fixe les trois ingrédients de l'entraînement :
#
# - la **perte**, que l'entraînement minimise. Nos classes sont des entiers,
#   d'où `SparseCategoricalCrossentropy`, l'entropie croisée pour des classes entières.
#   Avec des classes encodées en *one-hot* (un vecteur de 10 valeurs), on choisirait
#   `CategoricalCrossentropy`. Nous écrivons `from_logits=False`, la valeur par défaut :
#   la perte reçoit des probabilités, déjà calculées par la softmax de la dernière couche.
#   Un réseau qui se terminerait par `Dense(10)`, sans softmax, demanderait `from_logits=True` ;
# - l'**optimiseur**, qui met à jour les poids à partir des gradients. Adam adapte le pas
#   de chaque paramètre et converge vite sans réglage fin ;
# - les **métriques**, calculées pour vous informer : ici l'**exactitude** (*accuracy*),
#   la proportion d'images bien classées.
#
# Le taux d'apprentissage (*learning rate*) décroît au fil de l'entraînement selon un cosinus
# (`CosineDecay`) : de grands pas au début pour progresser vite, de petits pas à la fin
# pour se stabiliser. La décroissance se compte en pas d'optimisation, c'est-à-dire en lots.


# %%
def compile_model(model, batch_size, epochs, learning_rate=3e-3):
    """Compile le modèle avec Adam et un pas qui décroît selon un cosinus jusqu'à la fin."""
    steps_per_epoch = int(np.ceil(0.9 * len(x_train) / batch_size))  # 10 % gardés en validation
    schedule = keras.optimizers.schedules.CosineDecay(learning_rate, steps_per_epoch * epochs)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=schedule),
        # La sortie est déjà une softmax : la perte reçoit des probabilités, pas des logits.
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=False),
        metrics=["accuracy"],
    )


EPOCHS = 15
BATCH_SIZE = 256
compile_model(model, BATCH_SIZE, EPOCHS)
loss_config = model.loss.get_config()
print(f"Perte : {loss_config['name']} (from_logits={loss_config['from_logits']})")
print(f"Optimiseur : {type(model.optimizer).__name__}")

# %% [markdown]
# Nous avons écrit une petite fonction, car nous allons compiler d'autres copies du modèle
# dans la section suivante.

# %% [markdown]
# ## Quelle taille de lot ?
#
# `fit` découpe les données en lots de `batch_size` exemples et fait un pas
# d'optimisation par lot. Par défaut, `batch_size` vaut 32. C'est une valeur prudente,
# mais lente sur un petit réseau : chaque pas a un coût fixe (appels Python,
# lancement des calculs) qui ne dépend presque pas de la taille du lot.
#
# Mesurons une époque avec des lots de 32, puis de 256 images. Pour ne pas toucher à notre
# modèle, chaque mesure se fait sur une copie neuve (`clone_model`). Une première époque
# paie aussi la préparation du calcul : nous la mesurons à part, sur 2 000 images.

# %%
epoch_seconds = {}
for batch_size in (32, 256):
    trial = keras.models.clone_model(model)
    compile_model(trial, batch_size, epochs=1)
    trial.fit(x_train[:2000], y_train[:2000], batch_size=batch_size, epochs=1, verbose=0)
    start = time.perf_counter()
    trial.fit(x_train, y_train, batch_size=batch_size, epochs=1, verbose=0)
    epoch_seconds[batch_size] = time.perf_counter() - start
    steps = int(np.ceil(len(x_train) / batch_size))
    print(f"Lots de {batch_size:>3} : {steps:>4} pas, {fr(epoch_seconds[batch_size])} s par époque")

ratio = epoch_seconds[32] / epoch_seconds[256]
print(f"Les lots de 256 rendent une époque {fr(ratio, 1)} fois plus rapide.")

# %% [markdown]
# Avec des lots huit fois plus grands, il y a huit fois moins de pas par époque,
# et chaque pas ne coûte pas huit fois plus cher : l'époque est bien plus courte.
#
# Ce n'est pas gratuit : moins de pas, c'est aussi moins de mises à jour des poids.
# On compense par un taux d'apprentissage plus grand que celui par défaut d'Adam ($10^{-3}$),
# comme nous l'avons fait, et au besoin par quelques époques de plus.
# Au-delà de quelques centaines d'images par lot, le gain de temps s'amenuise sur un CPU
# et la qualité du modèle peut en souffrir : 256 est un bon compromis ici.

# %% [markdown]
# ## Entraîner avec `fit`
#
# Nous pouvons lancer l'entraînement. Quelques arguments méritent une explication :
#
# - `validation_split=0.1` garde les **derniers** 10 % des images d'entraînement pour la
#   **validation**. Le réseau n'apprend pas sur elles ; Keras mesure dessus la perte et
#   l'exactitude à la fin de chaque époque. Attention, ces images sont prises à la fin du
#   tableau, avant tout mélange : cela suppose des données déjà mélangées, ce qui est le cas
#   de Fashion-MNIST ;
# - `callbacks` reçoit des objets appelés à chaque étape de l'entraînement. Le rappel
#   `TensorBoard` écrit un journal dans `runs/keras`, que nous ouvrirons plus bas ;
#   `histogram_freq=1` y ajoute à chaque époque la distribution des poids.
#   Nous vidons d'abord ce dossier : sinon, chaque nouvelle exécution y ajouterait
#   un fichier, et TensorBoard superposerait les courbes de toutes les exécutions ;
# - `verbose=2` affiche un résumé par époque, sans barre de progression.
#
# `fit` renvoie un objet `History` : son dictionnaire `history` contient les valeurs
# de chaque époque.

# %%
shutil.rmtree("runs/keras", ignore_errors=True)  # un journal neuf à chaque exécution
tensorboard = keras.callbacks.TensorBoard(log_dir="runs/keras", histogram_freq=1)

train_start = time.perf_counter()
history = model.fit(
    x_train,
    y_train,
    batch_size=BATCH_SIZE,
    epochs=EPOCHS,
    validation_split=0.1,
    callbacks=[tensorboard],
    verbose=2,
)
train_seconds = time.perf_counter() - train_start
print(f"Entraînement : {fr(train_seconds, 1)} s, soit {fr(train_seconds / EPOCHS)} s par époque")

# Le découpage de validation_split, rangé dans l'enregistrement de l'exécution : les 10 %
# d'images de validation sont les dernières du tableau, les autres servent à l'entraînement.
n_fit = int(np.floor(len(x_train) * (1 - 0.1)))  # le calcul de Keras pour validation_split
DATA_SPLIT = {"train": range(n_fit), "validation": range(n_fit, len(x_train)), "test": len(x_test)}
print(f"Entraînement : {n_fit} images, validation : {len(x_train) - n_fit}, test : {len(x_test)}")

# %% [markdown]
# Pour chaque époque, Keras affiche le nombre de lots traités, la durée, puis la perte et
# l'exactitude sur l'entraînement (`loss`, `accuracy`) et sur la validation
# (`val_loss`, `val_accuracy`).
# La durée totale est rangée dans `train_seconds`.

# %% [markdown]
# ## Les courbes d'apprentissage
#
# Traçons les valeurs de `history.history`, entraînement et validation sur le même graphique.

# %% alt="Perte et exactitude par époque, entraînement en bleu, validation en orange."
values = history.history
epochs = range(1, EPOCHS + 1)
fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.8))

ax_loss.plot(epochs, values["loss"], marker="o", label="entraînement")
ax_loss.plot(epochs, values["val_loss"], marker="o", label="validation")
ax_loss.set_xlabel("Époque")
ax_loss.set_ylabel("Entropie croisée")
ax_loss.set_title("Perte")
ax_loss.legend()
ax_loss.grid(alpha=0.3)

ax_acc.plot(epochs, [100 * a for a in values["accuracy"]], marker="o", label="entraînement")
ax_acc.plot(epochs, [100 * a for a in values["val_accuracy"]], marker="o", label="validation")
ax_acc.set_xlabel("Époque")
ax_acc.set_ylabel("Exactitude (%)")
ax_acc.set_title("Exactitude")
ax_acc.legend()
ax_acc.grid(alpha=0.3)

fig.suptitle("Apprentissage du MLP Keras sur Fashion-MNIST")
fig.tight_layout()
plt.show()

gap = values["accuracy"][-1] - values["val_accuracy"][-1]
print(f"Écart final entre entraînement et validation : {fr(100 * gap, 1)} points")

# %% [markdown]
# *Figure 1. Perte (à gauche) et exactitude (à droite) à chaque époque,
# sur les images d'entraînement et sur celles de validation.*
#
# Les courbes d'entraînement continuent de s'améliorer jusqu'au bout. Celles de validation
# progressent moins vite et finissent par plafonner : l'écart qui se creuse entre les deux
# montre que le réseau commence à apprendre des détails propres aux images d'entraînement.
# Tant que la perte de validation baisse encore, ce n'est pas grave. Si elle se mettait
# à remonter, ce serait le signe d'un **surapprentissage**. La page
# [Le surapprentissage](../surapprentissage.md) lui est consacrée.

# %% [markdown]
# ## Évaluer sur le jeu de test
#
# Le jeu de test n'a servi à rien jusqu'ici : ni à l'entraînement, ni au choix des réglages.
# C'est ce qui rend sa mesure honnête. `evaluate` renvoie la perte puis chaque métrique compilée.

# %%
test_loss, test_accuracy = model.evaluate(x_test, y_test, batch_size=1000, verbose=0)
test_accuracy = float(test_accuracy)
print(f"Perte sur le test : {fr(test_loss, 4)}")
print(f"Exactitude sur le test : {fr(100 * test_accuracy, 2)} % ({len(y_test)} images)")

# %% [markdown]
# L'exactitude de test est proche de la dernière exactitude de validation : les deux jeux
# d'images sont différents mais tirés de la même façon, et le modèle n'a vu ni l'un ni l'autre.
# La construction du site vérifie que cette exactitude atteint le seuil déclaré dans
# l'en-tête du tutoriel, que rappelle la fiche en haut de cette page.

# %% [markdown]
# ## Prédire avec `predict`
#
# `predict` renvoie la sortie du réseau pour chaque image : ici 10 probabilités,
# puisque notre réseau se termine par une softmax (un réseau qui renvoie des logits
# demanderait d'appliquer `keras.ops.softmax` à la sortie de `predict`).
# La classe prédite est celle de plus grande probabilité, que donne `argmax`.

# %%
probabilities = model.predict(x_test, batch_size=1000, verbose=0)
predicted = probabilities.argmax(axis=1)
print(f"Sortie de predict : {probabilities.shape}")
print("Probabilités de la première image :")
print("  " + "  ".join(fr(p, 3) for p in probabilities[0]))
print(f"Somme : {fr(probabilities[0].sum(), 4)}, classe prédite : {CLASS_NAMES[predicted[0]]}")
print(f"Vraie classe : {CLASS_NAMES[y_test[0]]}")

# %% [markdown]
# Affichons douze images de test tirées au hasard, avec la classe prédite, sa probabilité
# et la vraie classe. Les titres en rouge signalent les erreurs.

# %% alt="Douze images de test : classe prédite, sa probabilité, vraie classe ; rouge si faux."
picked = np.random.default_rng(SEED).choice(len(x_test), size=12, replace=False)
fig, axes = plt.subplots(2, 6, figsize=(11, 5.4))
for ax, i in zip(axes.flat, picked, strict=True):
    ax.imshow(x_test[i], cmap="gray_r")
    color = "tab:green" if predicted[i] == y_test[i] else "tab:red"
    title = f"prédit : {CLASS_NAMES[predicted[i]]}\n({fr(100 * probabilities[i].max(), 0)} %)"
    ax.set_title(f"{title}\nvrai : {CLASS_NAMES[y_test[i]]}", color=color, fontsize=9)
    ax.axis("off")
fig.suptitle("Prédictions du MLP Keras sur des images de test")
fig.tight_layout()
plt.show()

# %% [markdown]
# *Figure 2. Douze images du jeu de test. Au-dessus de chacune : la classe prédite
# et sa probabilité, puis la vraie classe ; en vert si la prédiction est juste, en rouge sinon.*
#
# Regardez les probabilités : une erreur s'accompagne souvent d'une probabilité plus faible.
# Le réseau « hésite » entre deux classes voisines.

# %% [markdown]
# ## Suivre l'entraînement dans TensorBoard
#
# Pendant `fit`, le rappel `TensorBoard` a écrit ses fichiers dans `runs/keras` :
# un sous-dossier `train` et un sous-dossier `validation`, avec les pertes, les exactitudes,
# les histogrammes des poids et le graphe du modèle.

# %%
for folder, _, files in sorted(os.walk("runs/keras")):
    events = [f for f in files if f.startswith("events")]
    if events:
        print(f"{folder} : {len(events)} fichier(s) d'événements")

# %% [markdown]
# Pour ouvrir TensorBoard, lancez cette commande dans un terminal, depuis le dossier
# qui contient `runs` :
#
# ```bash
# tensorboard --logdir runs
# ```
#
# Puis ouvrez l'adresse affichée, en général `http://localhost:6006`. Dans un notebook Jupyter
# ou sur Colab, deux commandes magiques l'affichent sous la cellule :
# `%load_ext tensorboard`, puis `%tensorboard --logdir runs`.
#
# L'onglet *Scalars* superpose les courbes d'entraînement et de validation,
# *Histograms* montre l'évolution des poids de chaque couche, *Graphs* dessine le modèle.
#
# !!! tip "Comparer PyTorch et Keras"
#
#     Si vous avez suivi le [tutoriel PyTorch](03_premier_reseau_pytorch.ipynb),
#     son journal est dans `runs/premier_reseau`. Lancé sur le dossier `runs`,
#     TensorBoard affiche les deux expériences côte à côte.

# %% [markdown]
# ## Récapitulatif
#
# - `keras.Sequential` empile des couches ; `keras.Input` donne la forme d'un exemple,
#   sans l'axe du lot.
# - `summary` affiche la forme de sortie et le nombre de paramètres de chaque couche.
# - `compile` choisit la perte (`sparse_categorical_crossentropy` pour des classes entières),
#   l'optimiseur et les métriques.
# - `fit` entraîne ; `validation_split` réserve la fin des données à la validation ;
#   le rappel `TensorBoard` enregistre le tout dans un journal.
# - Des lots plus grands raccourcissent beaucoup une époque sur un petit réseau ;
#   on compense le plus petit nombre de pas par un taux d'apprentissage plus grand.
# - `evaluate` mesure le modèle sur le test, `predict` renvoie les probabilités.
#
# Le [tutoriel PyTorch](03_premier_reseau_pytorch.ipynb) construit un réseau de même forme,
# à la couche cachée deux fois plus large et sans softmax finale, et écrit la boucle à la main.
# La page [Cycle de vie d'un modèle](../cycle-de-vie.md) met les deux écritures côte à côte.
# Comparez les deux : `fit` cache exactement les cinq étapes que vous y écrivez.

# %% [markdown]
# ## Exercices
#
# ### Exercice 1 : prédire une seule image
#
# Essayez `model.predict(x_test[0])` : l'appel échoue ou renvoie une forme inattendue.
# Pourquoi ? Corrigez l'appel pour obtenir les probabilités de cette seule image,
# puis vérifiez qu'elles sont égales à `probabilities[0]`.
#
# Indice : le modèle attend toujours un **lot** d'images.

# %%
# Solution
single = x_test[0]  # forme (28, 28) : il manque l'axe du lot
batch_of_one = single[np.newaxis]  # forme (1, 28, 28), comme np.expand_dims(single, 0)
single_probabilities = model.predict(batch_of_one, verbose=0)
print(f"{single.shape} -> {batch_of_one.shape} -> sortie {single_probabilities.shape}")
same = np.allclose(single_probabilities[0], probabilities[0], atol=1e-6)
print(f"Mêmes probabilités que dans le lot complet : {same}")

# %% [markdown]
# ### Exercice 2 : sauvegarder et recharger le modèle
#
# Un modèle entraîné se sauvegarde dans un seul fichier `.keras` : architecture, poids et état
# de l'optimiseur. Sauvegardez `model`, rechargez-le avec `keras.models.load_model`,
# puis vérifiez que le modèle rechargé donne la même exactitude de test.

# %%
# Solution
model.save("fashion_mlp.keras")
reloaded = keras.models.load_model("fashion_mlp.keras")
_, reloaded_accuracy = reloaded.evaluate(x_test, y_test, batch_size=1000, verbose=0)
size_kib = os.path.getsize("fashion_mlp.keras") / 2**10
print(f"Fichier : {fr(size_kib, 0)} Kio")
print(
    f"Exactitude : {fr(100 * test_accuracy, 2)} % avant, {fr(100 * reloaded_accuracy, 2)} % après"
)

# %% [markdown]
# ### Exercice 3 : l'exactitude par classe
#
# À partir de `predicted` et `y_test`, calculez l'exactitude pour chacune des 10 classes,
# puis affichez les classes de la moins bien reconnue à la mieux reconnue.

# %%
# Solution
per_class = [(np.mean(predicted[y_test == c] == c), CLASS_NAMES[c]) for c in range(10)]
for class_accuracy, name in sorted(per_class):
    print(f"{name:<10} {fr(100 * class_accuracy, 1):>5} %")

# %% [markdown]
# ## Testez-vous
#
# Six questions sur les choix de ce tutoriel ; répondez avant de déplier l'explication de chaque
# choix.
#
# !!! quiz "Le résumé du modèle"
#     Dans le résumé affiché par `summary`, quelle forme de sortie a la couche `hidden` ?
#
#     - [x] `(None, 128)`
#       `None` est l'axe du lot, de taille libre ; 128 est le nombre de neurones de la couche.
#     - [ ] `(784, 128)`
#       C'est la forme de sa matrice de poids, pas celle de sa sortie.
#     - [ ] `(None, 28, 28, 128)`
#       `Flatten` a déjà aplati chaque image en 784 valeurs : la couche dense reçoit des vecteurs.
#     - [ ] `(128,)`
#       Le résumé garde l'axe du lot, noté `None`.
#
# !!! quiz "Un réseau qui renvoie des logits"
#     Vous remplacez la dernière couche par `keras.layers.Dense(10)`, sans activation. Les classes
#     restent des entiers de 0 à 9. Quelle perte donner à `compile` ?
#
#     - [ ] `SparseCategoricalCrossentropy(from_logits=False)`
#       La perte prendrait les logits pour des probabilités : des valeurs négatives, dont la somme
#       ne vaut pas 1, donnent une perte sans signification.
#     - [x] `SparseCategoricalCrossentropy(from_logits=True)`
#       Les classes sont des entiers, d'où la version `Sparse` ; `from_logits=True` dit à la perte
#       d'appliquer elle-même la softmax.
#     - [ ] `CategoricalCrossentropy(from_logits=True)`
#       Cette perte attend des classes en *one-hot*, de forme `(N, 10)`, alors que `y_train` a la
#       forme `(60000,)`.
#     - [ ] `MeanSquaredError()`
#       L'erreur quadratique moyenne convient à une régression ; une classification demande
#       l'entropie croisée.
#
# !!! quiz "Des images rangées par classe"
#     Imaginez un tableau d'entraînement trié par classe : les 6 000 T-shirts d'abord, les 6 000
#     bottines à la fin. Que ferait `validation_split=0.1` ?
#
#     - [x] La validation ne contiendrait que des bottines, absentes de l'entraînement.
#       `validation_split` prend les derniers 10 % du tableau, avant tout mélange : ici les 6 000
#       dernières images, toutes des bottines, que le réseau ne verrait jamais pendant
#       l'entraînement. Le tutoriel peut s'en servir parce que Fashion-MNIST est déjà mélangé.
#     - [ ] Rien de grave, car Keras tire la validation au hasard.
#       Keras prend la fin du tableau, sans tirage. Seules les images d'entraînement sont mélangées,
#       à chaque époque.
#     - [ ] La validation contiendrait 600 images de chaque classe.
#       Il faudrait pour cela mélanger le tableau avant l'appel, ou tirer soi-même une validation
#       équilibrée.
#
# !!! quiz "Un calendrier compté en pas"
#     `compile_model` donne à `CosineDecay` le nombre total de pas, `steps_per_epoch * epochs`. Que
#     se passerait-il si vous lui donniez seulement `epochs`, soit 15 ?
#
#     - [ ] Rien, car Keras convertit les époques en pas.
#       `CosineDecay` ne connaît que le compteur de l'optimiseur, qui avance d'une unité par lot.
#     - [x] Le taux d'apprentissage serait nul dès le seizième lot, et le réseau n'apprendrait plus.
#       Passé son nombre de pas, `CosineDecay` garde son taux final, nul par défaut. Les 15 premiers
#       lots ne sont qu'une infime partie de la première époque : toutes les mises à jour suivantes
#       seraient nulles.
#     - [ ] Le taux d'apprentissage décroîtrait quinze fois plus lentement.
#       C'est l'inverse : la décroissance complète tiendrait en 15 pas au lieu de 15 époques.
#
# !!! quiz "La taille des lots"
#     Vous passez de lots de 32 à des lots de 256 images, sans rien changer d'autre. Qu'est-ce qui
#     change pendant une époque ?
#
#     - [x] L'optimiseur fait huit fois moins de mises à jour des poids.
#       Un pas d'optimisation par lot : huit fois moins de lots, huit fois moins de pas. C'est
#       pourquoi le tutoriel prend un taux d'apprentissage plus grand que celui d'Adam par défaut.
#     - [x] L'époque dure beaucoup moins longtemps, sur un réseau aussi petit.
#       Chaque pas a un coût fixe (appels Python, lancement des calculs) qui dépend peu de la taille
#       du lot : moins de pas, moins de ces coûts.
#     - [ ] Le réseau voit huit fois moins d'images.
#       Une époque parcourt toujours toutes les images d'entraînement ; seul leur regroupement
#       change.
#     - [ ] Le nombre de paramètres du modèle est multiplié par huit.
#       Les paramètres ne dépendent pas du lot : le `None` du résumé indique justement qu'un lot
#       peut avoir n'importe quelle taille.
#
# !!! quiz "Ce que rend la prédiction"
#     Que renvoie `model.predict(x_test[:5])` pour le réseau de ce tutoriel ?
#
#     - [x] Un tableau de forme `(5, 10)` dont chaque ligne a une somme de 1.
#       Le réseau se termine par une softmax : une ligne de 10 probabilités par image.
#     - [ ] Un tableau de forme `(5,)` : la classe prédite de chaque image.
#       La classe prédite s'obtient ensuite avec `argmax(axis=1)` ; `predict` rend la sortie du
#       réseau.
#     - [ ] Un tableau de forme `(5, 10)` de logits, à passer dans une softmax.
#       Ce serait le cas avec une dernière couche `Dense(10)` sans activation ; ici, la softmax fait
#       partie du modèle.
#     - [ ] Un tableau de forme `(10,)`.
#       `predict` garde l'axe du lot : une ligne par image.

# %% [markdown]
# ## Pour aller plus loin
#
# - [The Sequential model][sequential] : le guide officiel du modèle `Sequential`.
# - [Training & evaluation with the built-in methods][fit-guide] : tout sur `compile`, `fit`,
#   `evaluate` et `predict`, avec les rappels.
# - [TensorBoard callback][tb-callback] : les options du rappel `TensorBoard`.
# - [Classify images of clothing][tf-tuto] : le tutoriel de TensorFlow
#   sur le même jeu de données.
# - [Introducing Keras 3.0][keras3] : la présentation de Keras 3 et de ses trois *backends*.
#
# [sequential]: https://keras.io/guides/sequential_model/
# [fit-guide]: https://keras.io/guides/training_with_built_in_methods/
# [tb-callback]: https://keras.io/api/callbacks/tensorboard/
# [tf-tuto]: https://www.tensorflow.org/tutorials/keras/classification
# [keras3]: https://keras.io/keras_3/
