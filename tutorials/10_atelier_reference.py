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
#     titre: Atelier 1 — La référence et la mesure commune
#     description: Mettre en place la mesure commune de l'atelier, entraîner le réseau de référence.
#     niveau: intermédiaire
#     duree: 45 min
#     prerequis:
#     - Premier réseau avec PyTorch
#     - Le perceptron multicouche (activation, perte, descente de gradient)
#     gpu: Inutile, le CPU d'un portable suffit ; sur GPU, le même code tourne sans modification.
#     metriques:
#     - nom: reference_test_accuracy
#       libelle: Exactitude de test de la référence
#       unite: pourcentage
#       min: 0.82
#     - nom: reference_seconds_per_epoch
#       libelle: Temps par époque de la référence (s)
#       unite: secondes
#       max_calibrations: 48
#     resultats:
#     - resultats/axe_1.json
# ---

# %% [markdown]
# # Atelier 1 — La référence et la mesure commune
#
# Ce notebook ouvre l'**atelier d'expériences**. Pendant une séance de travaux pratiques,
# vous allez modifier un seul élément d'un réseau à la fois et mesurer ce que cela change.
# Six axes sont étudiés, un par notebook :
#
# 1. la référence et la mesure commune (ce notebook) ;
# 2. les fonctions d'activation ;
# 3. les optimiseurs ;
# 4. le *dropout* ;
# 5. les hyperparamètres, par recherche en grille et validation croisée ;
# 6. la normalisation par lots et l'initialisation des poids.
#
# Chaque variante est jugée sur trois mesures : la **vitesse** (temps par époque),
# la **mémoire** (pic atteint pendant l'entraînement) et l'**exactitude** sur des images
# jamais vues.
# Chaque axe se termine par un tableau de comparaison, et la page
# [Rapport](../atelier/rapport.md) rassemble les six tableaux, calculés lors de la construction
# du site.

# %% [markdown]
# ## Objectifs
#
# À la fin de ce notebook, vous saurez :
#
# - expliquer pourquoi une comparaison n'a de sens qu'avec les mêmes données, les mêmes graines
#   et la même mesure pour toutes les variantes ;
# - mesurer le temps par époque, le pic de mémoire et l'exactitude d'un entraînement,
#   sur CPU comme sur GPU ;
# - entraîner le réseau de référence de l'atelier et lire son tableau de mesures ;
# - retrouver chaque essai dans TensorBoard grâce à un dossier `runs/` bien nommé.
#
# ## Prérequis
#
# - Le tutoriel [Premier réseau avec PyTorch](03_premier_reseau_pytorch.ipynb) : boucle
#   d'entraînement, tenseurs préchargés, `evaluate_model`, TensorBoard.
# - Le vocabulaire du perceptron multicouche : couche, activation, perte, époque, lot.
# - Un environnement avec `torch`, `torchvision`, `matplotlib` et `tensorboard`.

# %% [markdown]
# ## Mise en place
#
# ### Le déroulement de l'atelier
#
# Tous les notebooks de l'atelier partagent le même réseau : un perceptron multicouche à
# 784 entrées (les pixels d'une image 28 × 28), une couche cachée de 128 neurones et 10 sorties.
# Ils partagent aussi le même jeu de données, Fashion-MNIST, avec ses 60 000 images
# d'entraînement.
#
# Pour que chaque notebook reste autonome (vous pouvez l'ouvrir seul dans Colab), le code commun
# y est recopié dans cinq cellules. Elles commencent toutes par le commentaire
# `# Atelier, code commun` et sont identiques, au caractère près, dans les six notebooks :
# un test de la construction le vérifie. Ce notebook les explique une à une ; les suivants
# se contentent de les exécuter.
#
# !!! tip "Sur un GPU, sans rien changer"
#
#     Le code choisit lui-même le GPU quand PyTorch en voit un. Dans Colab, ouvrez le menu
#     **Exécution › Modifier le type d'exécution**, choisissez un accélérateur **GPU**,
#     puis exécutez toutes les cellules. La première ligne affichée indique alors `cuda`.
#     Deux mesures changent de sens : le temps par époque mesure le GPU, et la mémoire devient
#     celle des tenseurs sur la carte (`torch.cuda.max_memory_allocated`).

# %% [markdown]
# ### Code commun 1/5 : imports et réglages
#
# La première cellule importe les bibliothèques et fixe les réglages communs :
# la graine `SEED` et la taille des lots `BATCH_SIZE`.
# Elle choisit aussi le `device`, c'est-à-dire l'endroit où se font les calculs.
#
# Sur CPU, nous limitons PyTorch à un seul fil d'exécution (*thread*). Avec un réseau aussi petit
# et des lots de 64 images, chaque fil aurait trop peu de travail pour que plusieurs aillent
# beaucoup plus vite, et les durées deviendraient irrégulières dès qu'un autre programme tourne.
# Pour comparer des variantes, la régularité des mesures compte plus que la vitesse brute.
# L'exercice 2 vous fait mesurer la différence sur votre machine.
#
# Les fonctions `fr` et `pct` écrivent les nombres à la française : `fr(0.5)` donne `0,50`.

# %% atelier: commun 1/5
# Cellule 1 du code commun (tutorials/atelier_commun.py), insérée ici par la construction.

# %% [markdown]
# ### Code commun 2/5 : les données
#
# La deuxième cellule charge Fashion-MNIST avec le chargeur officiel de `torchvision`.
# Les images sont ensuite préparées une fois pour toutes, comme dans le tutoriel
# *Premier réseau avec PyTorch* :
#
# - chaque image devient un vecteur de 784 nombres ;
# - les pixels sont **normalisés** avec la moyenne et l'écart-type des images d'entraînement ;
# - tous les tenseurs sont copiés sur le `device` dès le départ.
#
# Le découpage entre entraînement et **validation** est tiré au hasard, mais avec la graine :
# c'est le même dans tous les notebooks. Le jeu de **test** (10 000 images) ne sert qu'à la mesure
# finale de chaque essai.

# %% atelier: commun 2/5
# Cellule 2 du code commun (tutorials/atelier_commun.py), insérée ici par la construction.

# %% [markdown]
# ### Code commun 3/5 : le réseau
#
# `make_mlp` construit le réseau de l'atelier avec `nn.Sequential`. Ses paramètres permettent
# de faire varier un élément à la fois : les couches cachées, l'activation, le *dropout* et la
# normalisation par lots. Les axes 2 à 6 s'en servent tous.
#
# La fonction commence par `torch.manual_seed(SEED)`. Deux réseaux de même forme partent donc
# exactement des mêmes poids initiaux : si leurs résultats diffèrent, c'est à cause de la
# variante étudiée, pas d'un tirage plus ou moins chanceux.


# %% atelier: commun 3/5
# Cellule 3 du code commun (tutorials/atelier_commun.py), insérée ici par la construction.

# %% [markdown]
# Le réseau de référence s'affiche ci-dessus : une couche `Linear` de 784 vers 128,
# l'activation ReLU, puis une couche `Linear` de 128 vers 10. Les 10 sorties sont des
# **logits**, des scores bruts que la perte d'entropie croisée transforme en probabilités.

# %% [markdown]
# ### Code commun 4/5 : entraîner et mesurer
#
# Voici le cœur de l'atelier. Cinq fonctions, utilisées à l'identique par tous les axes :
#
# - `reset_peak_memory` et `peak_memory_mib` mesurent le **pic de mémoire** d'un essai ;
# - `evaluate` calcule la perte et l'exactitude sur un jeu de données, sans gradient ;
# - `evaluate_model` regroupe les trois mesures de l'atelier ;
# - `train_model` entraîne un modèle, chronomètre chaque époque, écrit le journal TensorBoard
#   et renvoie un **enregistrement** : un dictionnaire avec les mesures et les courbes.
#
# Lisez le code attentivement avant de l'exécuter : chaque comparaison de l'atelier repose
# sur lui.


# %% atelier: commun 4/5
# Cellule 4 du code commun (tutorials/atelier_commun.py), insérée ici par la construction.


# %% [markdown]
# Quelques choix de cette cellule méritent une explication.
#
# **Le temps par époque.** Le chronomètre entoure seulement la boucle sur les lots.
# L'évaluation de fin d'époque et l'écriture du journal restent en dehors. Sur GPU, les calculs
# sont asynchrones : `torch.cuda.synchronize()` attend qu'ils soient finis avant d'arrêter
# le chronomètre. Nous retenons la **médiane** des époques plutôt que la moyenne : une époque
# ralentie par un autre programme ne fausse pas la mesure.
#
# **Le pic de mémoire.** Sur GPU, `torch.cuda.max_memory_allocated` donne le maximum de mémoire
# occupée par les tenseurs, et `torch.cuda.reset_peak_memory_stats` le remet à zéro avant chaque
# essai. Sur CPU, nous lisons le pic de mémoire résidente (RSS) du processus entier : Python,
# PyTorch, les données et le modèle. Sous Linux, écrire `5` dans le fichier spécial
# `/proc/self/clear_refs` ramène ce pic à la mémoire actuelle : chaque essai a ainsi son
# propre pic. Sous macOS et Windows, le pic court depuis le lancement du processus.
#
# **Les mêmes tirages pour tous.** `train_model` fixe la graine et tire l'ordre des lots
# avec son propre générateur aléatoire. Toutes les variantes voient donc les images dans le
# même ordre, époque après époque.
#
# **Les pertes.** Après chaque époque, la perte est recalculée en mode évaluation sur
# 6 000 images d'entraînement et sur les 6 000 images de validation. Les deux pertes sont ainsi
# comparables, même quand le *dropout* est actif pendant l'entraînement (axe 4).

# %% [markdown]
# ### Code commun 5/5 : le tableau et le fichier de résultats
#
# La dernière cellule commune produit le **tableau de comparaison** d'un axe à partir des
# enregistrements, et écrit ces enregistrements dans un fichier `resultats/axe_N.json`.
# La construction du site lit ces fichiers pour composer la page [Rapport](../atelier/rapport.md) :
# aucun chiffre n'y est recopié à la main.


# %% atelier: commun 5/5
# Cellule 5 du code commun (tutorials/atelier_commun.py), insérée ici par la construction.


# %% [markdown]
# ## Le protocole
#
# Une expérience compare des **variantes** qui ne diffèrent que par un élément. Tout le reste est
# fixé :
#
# - les mêmes images d'entraînement, de validation et de test ;
# - les mêmes poids initiaux, grâce à la graine fixée dans `make_mlp` ;
# - le même ordre des lots, tiré par le générateur de `train_model` ;
# - la même mesure, `evaluate_model`, appelée de la même façon.
#
# Chaque essai écrit son journal TensorBoard dans un dossier `runs/<axe>/<variante>`.
# Le nom du dossier dit ce qui a été comparé : `runs/optimizers/adam_lr0.001` se lit sans
# ouvrir aucun fichier.
#
# Les nombres d'époques sont choisis pour que tout l'atelier s'exécute sur le CPU d'un portable
# pendant la séance ; la page [Rapport](../atelier/rapport.md) donne la durée totale mesurée
# lors de la construction du site. La cellule suivante fixe les réglages de la référence.

# %%
EPOCHS = 10
LEARNING_RATE = 0.01
shutil.rmtree("runs/reference", ignore_errors=True)  # repartir d'un dossier vide
print(
    f"Référence : SGD, taux d'apprentissage {LEARNING_RATE}, lots de {BATCH_SIZE}, {EPOCHS} époques"
)

# %% [markdown]
# ## La référence : SGD, pas de 0,01, lots de 64
#
# La référence utilise l'optimiseur le plus simple, la **descente de gradient stochastique**
# (SGD) : après chaque lot, chaque poids $w$ recule d'un petit pas dans la direction
# de son gradient,
#
# $$
# w \leftarrow w - \eta \, \frac{\partial \mathcal{L}}{\partial w},
# $$
#
# où $\eta$ est le **taux d'apprentissage** (*learning rate*). Nous prenons $\eta = 0{,}01$.
#
# L'option `graph=True` ajoute le graphe du modèle au journal TensorBoard, et
# `histograms=True` les histogrammes des poids et des gradients à chaque époque.

# %%
model = make_mlp()
optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
reference = train_model(
    model, optimizer, "runs/reference/sgd_lr0.01", EPOCHS, histograms=True, graph=True
)

# %% [markdown]
# La ligne affichée résume l'essai. Les mesures détaillées sont dans l'enregistrement
# `reference`, un simple dictionnaire. Regardons ce qu'il contient, sans les courbes.

# %%
for key, value in reference.items():
    if key != "history":
        print(f"{key:<18} {value}")
print(f"history : {', '.join(reference['history'])}")

# %% [markdown]
# Deux valeurs servent de points de repère pour la suite de l'atelier :
# l'exactitude de test et le temps par époque. Gardons-les dans des variables ;
# la construction du site vérifie qu'elles restent dans des bornes raisonnables.

# %%
reference_test_accuracy = reference["test_accuracy"]
reference_seconds_per_epoch = reference["seconds_per_epoch"]
print(f"Exactitude de test : {pct(reference_test_accuracy)}")
print(f"Temps par époque   : {fr(reference_seconds_per_epoch)} s (médiane de {EPOCHS} époques)")


def thousands(n):
    """Un entier à la française : 54 000 (espace insécable entre les milliers)."""
    return f"{n:,}".replace(",", NBSP)


# La fiche de la référence, composée à partir de ses réglages. La construction du site la range
# dans l'enregistrement de l'exécution : les pages du cours la citent sans la recopier.
architecture = f"{model[0].in_features}-{model[0].out_features}-{model[-1].out_features}"
MODEL_CARD = {
    "architecture": architecture,
    "parameters": reference["n_parameters"],
    "optimizer": "SGD",
    "learning_rate": LEARNING_RATE,
    "batch_size": BATCH_SIZE,
    "epochs": EPOCHS,
    "description": (
        f"MLP {architecture} à activation ReLU ({thousands(reference['n_parameters'])} "
        f"paramètres), entraîné par la SGD la plus simple, sans momentum, avec un taux "
        f"d'apprentissage fixe de {fr(LEARNING_RATE)}, en lots de {BATCH_SIZE} images pendant "
        f"{EPOCHS} époques, sur {thousands(len(y_train))} images d'entraînement{NBSP}; "
        f"{thousands(len(y_val))} autres images d'entraînement servent à la validation, et les "
        f"{thousands(len(y_test))} images de test à la seule mesure finale."
    ),
}
print(MODEL_CARD["description"])

# %% [markdown]
# ## Les courbes d'apprentissage
#
# L'enregistrement contient une valeur par époque pour la perte d'entraînement, la perte
# de validation et l'exactitude de validation. Traçons-les.

# %% alt="Référence : exactitude de validation et pertes par époque (entraînement en tirets)."
plot_curves([reference], "Référence : SGD, taux de 0,01, lots de 64")

# %% [markdown]
# *Figure 1. À gauche, l'exactitude sur les 6 000 images de validation après chaque époque ;
# à droite, la perte de validation (trait plein) et la perte d'entraînement (tirets).
# La fonction `plot_curves`, du code commun, trace ces deux graphiques pour chaque axe.*
#
# Décrivons ces courbes avec les chiffres de l'exécution plutôt qu'à l'œil.

# %%
val_acc = reference["history"]["val_accuracy"]
gain_first, gain_last = val_acc[1] - val_acc[0], val_acc[-1] - val_acc[-2]
gap = reference["history"]["val_loss"][-1] - reference["history"]["train_loss"][-1]
if gain_last > 0:
    pace = "ralentit mais continue" if gain_last < gain_first else "continue au même rythme"
    verdict = "La référence n'a donc pas fini d'apprendre en " + f"{EPOCHS} époques."
else:
    pace, verdict = "plafonne", "Des époques supplémentaires n'apporteraient plus grand-chose."
if gap > 0.02:
    losses = f"la perte de validation dépasse la perte d'entraînement de {fr(gap, 3)}"
else:
    losses = f"les deux pertes restent proches (écart de {fr(gap, 3)}), sans surapprentissage"
display(
    Markdown(
        f"L'exactitude de validation passe de {pct(val_acc[0])} après la première époque "
        f"à {pct(val_acc[-1])} après la dernière. La deuxième époque lui fait gagner "
        f"{points(gain_first)}, la dernière {points(gain_last)}{NBSP}: "
        f"l'apprentissage {pace}. {verdict} En fin d'entraînement, {losses}."
    )
)

# %% [markdown]
# Une référence doit être simple et facile à reproduire, pas la meilleure possible.
# Les axes suivants cherchent ce qui l'améliore, et à quel prix en temps et en mémoire.
#
# C'est pourquoi elle n'utilise ni Adam, ni taux d'apprentissage décroissant, ni grands lots,
# contrairement au tutoriel [Premier réseau avec PyTorch](03_premier_reseau_pytorch.ipynb),
# qui entraîne un MLP deux fois plus large (256 neurones cachés) avec une recette plus riche.
# Chaque axe de l'atelier part de cette référence dépouillée et change un seul ingrédient
# à la fois : l'écart mesuré revient alors à cet ingrédient, et à lui seul.
# La fiche ci-dessus est la seule déclaration de la référence : la page
# [Cycle de vie d'un modèle](../cycle-de-vie.md) et le bandeau de ce notebook la reprennent
# telle quelle, depuis l'enregistrement de l'exécution.

# %% [markdown]
# ## Le tableau de comparaison
#
# Chaque axe se termine par un tableau construit par `comparison_table` à partir des
# enregistrements. Pour la référence, il n'a qu'une ligne.

# %%
display(Markdown(comparison_table([reference])))

# %% [markdown]
# La colonne « Essai » donne le dossier du journal TensorBoard, sous `runs/`.
# Le temps par époque est la médiane des époques. Le pic de mémoire suit la définition
# de `peak_memory_mib` ; la ligne suivante rappelle ce qu'il mesure sur la machine
# qui a exécuté ce notebook.

# %%
print(reference["memory_source"])

# %% [markdown]
# ## Ce que contient le pic de mémoire
#
# Sur CPU, le pic de mémoire résidente compte tout le processus. Comparons-le à la place
# qu'occupent vraiment les données et le modèle :
#
# - les tenseurs d'images préparés au début du notebook ;
# - les paramètres du réseau, leurs gradients, et l'état éventuel de l'optimiseur
#   (SGD sans *momentum* n'en a aucun).
#
# Un nombre `float32` occupe 4 octets, et `element_size()` le confirme.


# %%
def tensor_mib(*tensors):
    """Place occupée par des tenseurs, en Mio."""
    return sum(t.element_size() * t.nelement() for t in tensors) / 2**20


data_mib = tensor_mib(images, labels, x_train, y_train, x_val, y_val, x_test, y_test)
model_mib = 2 * tensor_mib(*model.parameters())  # paramètres + gradients
peak_mib = reference["peak_memory_mib"]
print(f"Données préparées          : {fr(data_mib, 0)} Mio")
print(f"Paramètres et gradients    : {fr(model_mib, 2)} Mio ({reference['n_parameters']} nombres)")
print(f"Pic mesuré pendant l'essai : {fr(peak_mib, 0)} Mio")
if device.type == "cpu":
    print(f"Reste (Python, bibliothèques, tampons) : {fr(peak_mib - data_mib - model_mib, 0)} Mio")

# %% [markdown]
# Sur CPU, le modèle ne pèse presque rien face aux données, et le reste du pic vient des
# bibliothèques chargées en mémoire : Python, PyTorch, et TensorFlow, que TensorBoard importe
# quand il est installé.
#
# !!! warning "Sur CPU, le pic change peu d'une variante à l'autre"
#
#     Pour ce petit réseau, les différences de mémoire entre variantes sont noyées dans
#     le poids des bibliothèques et des données. Lisez la colonne « Pic mémoire » comme un ordre
#     de grandeur. Sur GPU, la mesure ne compte que les tenseurs : les écarts dus au modèle,
#     à l'optimiseur ou à la taille des lots y deviennent visibles.

# %% [markdown]
# ## Ouvrir TensorBoard
#
# L'essai a écrit dans `runs/reference/sgd_lr0.01` :
#
# - des **scalaires** : les deux pertes, l'exactitude de validation et la durée de chaque époque ;
# - des **histogrammes** des poids et des gradients, une fois par époque ;
# - le **graphe** du modèle ;
# - un **texte** qui reprend les mesures finales.
#
# Vérifions que le dossier existe et contient un fichier d'événements.

# %%
run_files = sorted(p.name for p in Path("runs/reference/sgd_lr0.01").iterdir())
print(f"{len(run_files)} fichier(s) dans runs/reference/sgd_lr0.01 : {run_files[0][:30]}…")

# %% [markdown]
# Pour afficher ces journaux, lancez dans un terminal, depuis le dossier du notebook :
#
# ```bash
# tensorboard --logdir runs
# ```
#
# puis ouvrez dans votre navigateur l'adresse affichée, en général `http://localhost:6006`.
# Dans Jupyter ou Colab, les commandes magiques `%load_ext tensorboard` puis
# `%tensorboard --logdir runs` l'affichent sous la cellule.
# À la fin de l'atelier, `runs/` contiendra un dossier par axe et un sous-dossier par variante :
# TensorBoard superpose les courbes des variantes d'un même axe, une couleur par dossier.

# %% [markdown]
# ## Enregistrer les résultats de l'axe
#
# Pour finir, `save_results` écrit l'enregistrement dans `resultats/axe_1.json`, avec
# un court paragraphe d'interprétation. La page [Rapport](../atelier/rapport.md) reprend ce fichier.
# Le paragraphe est composé à partir des mesures elles-mêmes : il ne peut pas contredire
# le tableau.

# %%
conclusion = (
    f"Avec SGD (taux de 0,01), des lots de {BATCH_SIZE} et {EPOCHS} époques, la référence "
    f"atteint {pct(reference_test_accuracy)} d'exactitude sur le test, en "
    f"{fr(reference_seconds_per_epoch)}{NBSP}s par époque sur "
    f"{'le GPU' if device.type == 'cuda' else 'le CPU'}. "
)
if gain_last > 0:
    conclusion += (
        f"Son exactitude de validation a encore gagné {points(gain_last)} "
        f"à la dernière époque{NBSP}: l'apprentissage n'était pas terminé."
    )
else:
    conclusion += "Son exactitude de validation ne progressait plus à la dernière époque."
display(Markdown(conclusion))
save_results(1, f"Référence{NBSP}: SGD, taux de 0,01, lots de 64", [reference], conclusion)

# %% [markdown]
# ## Récapitulatif
#
# - Une comparaison n'est juste que si tout est fixé sauf la variante étudiée :
#   données, découpage, poids initiaux, ordre des lots et mesure.
# - Le temps par époque se chronomètre autour de la seule boucle d'entraînement, avec
#   `torch.cuda.synchronize()` sur GPU ; la médiane résiste aux perturbations.
# - Le pic de mémoire se mesure avec `torch.cuda.max_memory_allocated` sur GPU et avec le pic
#   de mémoire résidente du processus sur CPU, remis à zéro avant chaque essai.
# - Chaque essai écrit dans son propre dossier `runs/<axe>/<variante>`.
# - La référence de l'atelier est le MLP du cours, 784-128-10, entraîné par la SGD la plus simple ;
#   sa fiche, `MODEL_CARD`, donne tous ses réglages.

# %% [markdown]
# ## Exercices
#
# ### Exercice 1 : la mémoire d'Adam
#
# L'optimiseur Adam, étudié dans l'atelier 3, garde pour chaque paramètre deux moyennes
# glissantes. Calculez la place qu'occupent les paramètres, les gradients et cet état
# pour notre réseau, en Mio. Comparez-la au pic de mémoire mesuré : la différence
# entre SGD et Adam sera-t-elle visible sur CPU ?

# %%
# Solution
n_parameters = reference["n_parameters"]
bytes_per_float = 4
sgd_mib = 2 * n_parameters * bytes_per_float / 2**20  # paramètres + gradients
adam_mib = 4 * n_parameters * bytes_per_float / 2**20  # + deux moyennes par paramètre
print(f"SGD  : {fr(sgd_mib, 2)} Mio, Adam : {fr(adam_mib, 2)} Mio")
share = (adam_mib - sgd_mib) / reference["peak_memory_mib"]
print(f"Écart : {fr(adam_mib - sgd_mib, 2)} Mio, soit {fr(100 * share, 2)} % du pic mesuré")

# %% [markdown]
# L'état d'Adam ne pèse qu'une fraction infime du pic mesuré sur CPU, dominé par les
# bibliothèques et les données : la différence entre SGD et Adam y sera invisible. Sur GPU,
# où la mesure ne compte que les tenseurs, elle devient lisible.
#
# ### Exercice 2 : un fil ou deux ?
#
# Chronométrez 200 lots d'entraînement avec un seul fil d'exécution, puis avec tous les
# cœurs disponibles (`torch.set_num_threads(os.cpu_count())`). Entraînez pour cela un nouveau
# réseau, et remettez un seul fil à la fin. Quelle configuration est la plus rapide sur votre
# machine ?


# %%
# Solution
def time_batches(n_threads, n_batches=200):
    """Durée de n_batches pas de SGD avec n_threads fils d'exécution."""
    torch.set_num_threads(n_threads)
    trial = make_mlp()
    trial_optimizer = torch.optim.SGD(trial.parameters(), lr=LEARNING_RATE)
    start = time.perf_counter()
    for first in range(0, n_batches * BATCH_SIZE, BATCH_SIZE):
        xb, yb = x_train[first : first + BATCH_SIZE], y_train[first : first + BATCH_SIZE]
        loss = nn.functional.cross_entropy(trial(xb), yb)
        trial_optimizer.zero_grad()
        loss.backward()
        trial_optimizer.step()
    return time.perf_counter() - start


if device.type == "cpu":
    timings = {n: time_batches(n) for n in sorted({1, os.cpu_count()})}
    torch.set_num_threads(1)
    for n, seconds in timings.items():
        print(f"{n} fil(s) : {fr(seconds, 3)} s pour 200 lots")
    fastest = min(timings, key=timings.get)
    print(f"Le plus rapide ici : {fastest} fil(s).")
else:
    print("Exercice prévu pour le CPU : sur GPU, le nombre de fils CPU compte peu.")

# %% [markdown]
# Sur une machine chargée par d'autres programmes, relancez la cellule deux ou trois fois :
# les écarts entre essais vous diront quelle confiance accorder à une seule mesure.

# %% [markdown]
# ## Testez-vous
#
# Sept questions sur la mesure commune, dont dépendent tous les axes de l'atelier : répondez
# avant de déplier les explications, chaque choix a la sienne.
#
# !!! quiz "Compter les paramètres"
#     Combien de paramètres compte le réseau de référence 784-128-10, biais compris ?
#
#     - [ ] 100 352
#       C'est le nombre de poids de la première couche seule, 784 × 128.
#     - [ ] 101 632
#       C'est le compte des deux matrices de poids, 784 × 128 + 128 × 10, sans les biais : chaque
#       couche `Linear` a aussi un biais par neurone de sortie.
#     - [x] 101 770
#       784 × 128 poids et 128 biais pour la couche cachée, 128 × 10 poids et 10 biais pour la
#       sortie.
#     - [ ] 922
#       C'est le nombre de neurones des trois couches, entrées comprises, 784 + 128 + 10. Les
#       paramètres sont les poids des connexions et les biais.
#
# !!! quiz "La graine du réseau"
#     `make_mlp` commence par `torch.manual_seed(SEED)`. À quoi cela sert-il dans l'atelier ?
#
#     - [ ] Les images arrivent dans le même ordre à chaque essai.
#       C'est le rôle du générateur propre à `train_model`, qui tire l'ordre des lots avec sa
#       propre graine.
#     - [x] Deux réseaux de même forme partent des mêmes poids initiaux.
#       Si deux variantes obtiennent des résultats différents, l'écart vient de la variante, pas
#       d'un tirage plus ou moins chanceux.
#     - [ ] Le réseau obtient la meilleure exactitude possible.
#       Une graine fixe rend un tirage reproductible ; elle ne choisit pas le meilleur tirage.
#
# !!! quiz "Chronométrer sur un GPU"
#     Pourquoi `train_model` appelle-t-il `torch.cuda.synchronize()` avant d'arrêter le
#     chronomètre, quand il calcule sur un GPU ?
#
#     - [ ] Pour remettre à zéro le pic de mémoire du GPU.
#       C'est le rôle de `torch.cuda.reset_peak_memory_stats`, appelé par `reset_peak_memory`
#       avant l'essai.
#     - [ ] Pour copier les poids du GPU vers le CPU.
#       `synchronize` ne copie rien : elle attend que les calculs en cours se terminent.
#     - [x] Parce que les calculs sur GPU sont asynchrones.
#       Python peut atteindre la fin de la boucle alors que le GPU calcule encore : sans attente,
#       le chronomètre s'arrêterait trop tôt et sous-estimerait l'époque.
#
# !!! quiz "La médiane des époques"
#     Le temps par époque retenu est la médiane des durées des époques, pas leur moyenne.
#     Pourquoi ?
#
#     - [ ] La médiane écarte l'évaluation de fin d'époque.
#       L'évaluation est déjà hors du chronomètre, qui n'entoure que la boucle sur les lots.
#     - [x] Elle résiste à une époque ralentie par un autre programme.
#       Une fois les durées triées, la médiane ne dépend que de celles du milieu : une seule
#       valeur aberrante tire la moyenne vers le haut, pas la médiane.
#     - [ ] La médiane est toujours plus petite que la moyenne.
#       Ce n'est pas une règle : tout dépend de la répartition des durées. Ce qui compte ici,
#       c'est qu'elle résiste à une valeur aberrante.
#
# !!! quiz "Un seul fil d'exécution"
#     Sur CPU, le code commun limite PyTorch à un seul fil d'exécution. Pour quelle raison ?
#
#     - [ ] Un seul fil est toujours le plus rapide.
#       Ce n'est pas garanti : l'exercice 2 vous fait mesurer les deux configurations sur votre
#       machine.
#     - [ ] PyTorch ne sait pas répartir les calculs d'un MLP sur plusieurs fils.
#       Il le sait : c'est un choix de l'atelier, qui préfère la régularité des mesures à la
#       vitesse brute.
#     - [x] Des durées plus régulières, donc comparables d'une variante à l'autre.
#       Avec un si petit réseau, chaque fil aurait peu de travail, et les durées varieraient dès
#       qu'un autre programme tourne.
#
# !!! quiz "Le pic de mémoire sur CPU"
#     Sur CPU, que mesure la colonne « Pic mémoire » du tableau de comparaison ?
#
#     - [ ] Les seuls paramètres du réseau et leurs gradients.
#       Le tutoriel les calcule à part : ils ne forment qu'une petite partie du pic mesuré.
#     - [x] Le pic de mémoire résidente de tout le processus.
#       Python, les bibliothèques, les données et le modèle compris. C'est ce que lit
#       `peak_memory_mib` dans `/proc/self/status` (la ligne `VmHWM`) sous Linux.
#     - [x] Une grandeur où, pour ce petit réseau, l'état d'un optimiseur pèse très peu.
#       L'état d'Adam, par exemple, est noyé dans le poids des bibliothèques et des données
#       (exercice 1) : la colonne se lit comme un ordre de grandeur.
#     - [ ] La mémoire occupée par les tenseurs, comme sur GPU.
#       `torch.cuda.max_memory_allocated` n'existe que pour le GPU ; sur CPU, la mesure compte
#       tout le processus.
#
# !!! quiz "Une référence dépouillée"
#     La référence utilise SGD sans *momentum*, un taux d'apprentissage fixe et de petits lots,
#     alors que le tutoriel « Premier réseau avec PyTorch » a une recette plus riche. Pourquoi ?
#
#     - [x] Pour que chaque axe ne change qu'un ingrédient à la fois.
#       À partir d'un point de départ simple, l'écart mesuré revient alors à cet ingrédient, et à
#       lui seul ; une référence simple est aussi facile à reproduire.
#     - [ ] Parce que SGD donne toujours la meilleure exactitude.
#       Rien ne le garantit : l'atelier 3 compare justement plusieurs optimiseurs.
#     - [ ] Parce qu'Adam ne fonctionne pas sur CPU.
#       Adam fonctionne sur CPU comme sur GPU : l'atelier 3 l'entraîne avec le même code commun.

# %% [markdown]
# ## Pour aller plus loin
#
# - [Reproducibility][repro] : ce que garantissent les graines de PyTorch, et ce qu'elles
#   ne garantissent pas (sur GPU notamment).
# - [CUDA semantics, memory management][cuda-memory] : les compteurs de mémoire du GPU,
#   dont `max_memory_allocated`.
# - La page de manuel [`proc_pid_status(5)`][proc-status] : la signification de `VmHWM` et
#   `VmRSS` sous Linux, et [`proc_pid_clear_refs(5)`][clear-refs] pour la remise à zéro du pic.
# - [`torch.utils.tensorboard`][tb-doc] : toutes les méthodes `add_*` du `SummaryWriter`.
# - L'atelier continue avec [les fonctions d'activation](11_atelier_activations.ipynb).
#
# [repro]: https://docs.pytorch.org/docs/stable/notes/randomness.html
# [cuda-memory]: https://docs.pytorch.org/docs/stable/notes/cuda.html#memory-management
# [proc-status]: https://man7.org/linux/man-pages/man5/proc_pid_status.5.html
# [clear-refs]: https://man7.org/linux/man-pages/man5/proc_pid_clear_refs.5.html
# [tb-doc]: https://docs.pytorch.org/docs/stable/tensorboard.html
