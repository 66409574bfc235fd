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
# ---

# %% [markdown]
# # Rapport de l'atelier d'expériences : votre version
#
# Ce notebook est le modèle du rapport que vous rédigez à la fin de l'atelier. Il ne contient
# aucune mesure : les chiffres viennent de **vos** exécutions des six notebooks de l'atelier,
# sur **votre** machine. Pour chaque axe, vous remplissez un tableau, puis vous répondez à
# quelques questions en vous appuyant sur vos chiffres.
#
# Comment procéder :
#
# 1. exécutez les notebooks de l'atelier, dans l'ordre, dans un même dossier (celui de ce
#    notebook) : chacun y écrit ses mesures dans `resultats/axe_N.json` ;
# 2. exécutez la cellule de code ci-dessous : elle affiche vos tableaux, prêts à être recopiés ;
# 3. complétez chaque tableau et écrivez vos réponses dans les cellules prévues (double-cliquez
#    sur une cellule de texte pour la modifier) ;
# 4. comparez ensuite avec le rapport publié sur le site, qui sert de corrigé : vos chiffres en
#    différeront un peu (autre machine, autre charge), vos conclusions devraient s'en
#    rapprocher. Un écart de conclusion mérite une explication.
#
# Un axe que vous n'avez pas encore exécuté reste vide : revenez-y plus tard.

# %%
# Vos mesures, lues dans les fichiers resultats/axe_N.json écrits par les notebooks de
# l'atelier, en tableaux Markdown à recopier dans les cellules de texte de ce rapport.
import json
from pathlib import Path

RESULTS = Path("resultats")


def french_number(value: float, digits: int) -> str:
    return f"{value:.{digits}f}".replace(".", ",")


def table(axis: dict) -> str:
    lines = [
        "| Essai | Exactitude (validation) | Exactitude (test) | Temps par époque | Époques |",
        "|:---|---:|---:|---:|---:|",
    ]
    for run in axis["runs"]:
        lines.append(
            f"| `{run['run_dir'].removeprefix('runs/')}` "
            f"| {french_number(100 * run['val_accuracy'], 1)}\u00a0% "
            f"| {french_number(100 * run['test_accuracy'], 1)}\u00a0% "
            f"| {french_number(run['seconds_per_epoch'], 2)}\u00a0s | {run['epochs']} |"
        )
    return "\n".join(lines)


for number in range(1, 7):
    path = RESULTS / f"axe_{number}.json"
    if not path.is_file():
        print(f"Axe {number}\u00a0: pas encore de mesures ({path} est absent).\n")
        continue
    try:
        axis = json.loads(path.read_text(encoding="utf-8"))
        print(f"Axe {number}\u00a0: {axis['title']}\n\n{table(axis)}\n")
    except (ValueError, KeyError, TypeError):
        print(
            f"Axe {number}\u00a0: {path} est illisible\u00a0; exécutez de nouveau son notebook.\n"
        )

# %% [markdown]
# ## Les conditions de vos mesures
#
# Un temps ou une mémoire ne se comparent qu'à matériel égal. Notez d'où viennent vos chiffres
# (le bandeau « Mesures » du rapport publié donne les mêmes informations pour le corrigé).
#
# | Élément | Votre valeur |
# |:---|:---|
# | Processeur et nombre de cœurs | |
# | Calculs sur le CPU ou sur un GPU (lequel) | |
# | Version de PyTorch | |
# | Durée totale des six notebooks | |

# %% [markdown]
# ## 1. La référence
#
# <!-- tableau: axe 1 -->
#
# **Questions.**
#
# 1. Votre exactitude de validation et celle du corrigé diffèrent-elles ? L'écart vous
#    paraît-il venir du réseau, des données ou seulement de la machine ? Justifiez avec
#    le protocole (graine, découpage, nombre d'époques).
# 2. Le notebook mesure l'exactitude de test une seule fois, à la fin. Que perdrait-on si
#    l'on choisissait le nombre d'époques en regardant le jeu de test ?

# %% [markdown]
# **Vos réponses.**
#
# 1.
# 2.

# %% [markdown]
# ## 2. Les fonctions d'activation
#
# <!-- tableau: axe 2 -->
#
# **Questions.**
#
# 1. Classez les trois activations par exactitude de validation à la dernière époque, puis
#    par vitesse de convergence sur les courbes de TensorBoard. Les deux classements
#    sont-ils les mêmes ?
# 2. Reliez la courbe de la sigmoïde à sa dérivée : que vaut cette dérivée au plus haut,
#    et qu'est-ce que cela change pour les gradients des premières couches ?
# 3. Les temps par époque diffèrent-ils de plus que le bruit de mesure ? Pourquoi le coût
#    de l'activation pèse-t-il peu dans ce réseau ?

# %% [markdown]
# **Vos réponses.**
#
# 1.
# 2.
# 3.

# %% [markdown]
# ## 3. Les optimiseurs
#
# <!-- tableau: axe 3 -->
#
# **Questions.**
#
# 1. Le notebook remet les poids dans leur état initial (`state_dict`) avant chaque
#    optimiseur. Que comparerait-on sans cette précaution ?
# 2. Comparez SGD et SGD avec momentum sur les premières époques : qu'apporte le momentum,
#    et pourquoi ?
# 3. Adam tourne avec un taux d'apprentissage de 0,001 et SGD avec 0,01. Cette comparaison
#    est-elle équitable ? Que faudrait-il faire pour conclure qu'un optimiseur est meilleur
#    qu'un autre ?

# %% [markdown]
# **Vos réponses.**
#
# 1.
# 2.
# 3.

# %% [markdown]
# ## 4. Le dropout
#
# <!-- tableau: axe 4 -->
#
# **Questions.**
#
# 1. Avec le dropout, comparez la perte d'entraînement et la perte de validation sur vos
#    courbes. Laquelle est la plus haute, et pourquoi est-ce attendu ?
# 2. Le dropout a-t-il amélioré l'exactitude de validation dans ce nombre d'époques ?
#    Qu'attendriez-vous avec un entraînement deux fois plus long, et comment le vérifieriez-vous ?

# %% [markdown]
# **Vos réponses.**
#
# 1.
# 2.

# %% [markdown]
# ## 5. Les hyperparamètres
#
# <!-- tableau: axe 5 -->
#
# **Questions.**
#
# 1. Quelle configuration arrive en tête sur la validation ? Est-elle aussi en tête sur le
#    test ? Expliquez pourquoi le choix se fait sur la validation.
# 2. La validation croisée donne une moyenne et un écart-type par configuration. L'écart
#    entre les deux meilleures configurations dépasse-t-il cet écart-type ? Que pouvez-vous
#    en conclure ?
# 3. La grille essaie deux valeurs de quatre hyperparamètres. Combien d'entraînements
#    faudrait-il avec trois valeurs de chacun, et quelle autre méthode de recherche
#    envisageriez-vous alors ?

# %% [markdown]
# **Vos réponses.**
#
# 1.
# 2.
# 3.

# %% [markdown]
# ## 6. L'initialisation et la normalisation par lots
#
# <!-- tableau: axe 6 -->
#
# **Questions.**
#
# 1. Avec des poids initialisés à zéro et sans normalisation par lots, que montrent les
#    histogrammes de gradients ? Pourquoi les neurones d'une même couche restent-ils
#    identiques ?
# 2. Qu'est-ce que la normalisation par lots change à ce résultat, et pourquoi ?
# 3. Entre l'initialisation de Kaiming (He) et celle de PyTorch par défaut, voyez-vous une
#    différence qui dépasse le bruit de mesure ?

# %% [markdown]
# **Vos réponses.**
#
# 1.
# 2.
# 3.

# %% [markdown]
# ## Synthèse
#
# Pour chaque axe, l'essai qui a la meilleure exactitude de validation, c'est-à-dire celui
# que vous retiendriez.
#
# <!-- tableau: synthese -->
#
# **Conclusion.** En quelques phrases : quels réglages retiendriez-vous pour un nouveau
# projet sur des images de cette taille, et lesquelles de vos mesures le justifient ? Quelle
# expérience ajouteriez-vous à l'atelier, et que mesureriez-vous ?

# %% [markdown]
# **Votre conclusion.**
