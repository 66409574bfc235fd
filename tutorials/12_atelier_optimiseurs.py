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
#     titre: Atelier 3 — Les optimiseurs
#     description: Comparer SGD, SGD avec momentum, Adam et RMSprop en partant des mêmes poids.
#     niveau: intermédiaire
#     duree: 45 min
#     prerequis:
#     - Atelier 1 — La référence et la mesure commune
#     - Le perceptron multicouche (descente de gradient stochastique)
#     gpu: Inutile, le CPU d'un portable suffit ; sur GPU, le même code tourne sans modification.
#     metriques:
#     - nom: best_optimizer_accuracy
#       libelle: Exactitude de test de l'optimiseur en tête sur la validation
#       unite: pourcentage
#       min: 0.86
#     - nom: sgd_accuracy
#       libelle: Exactitude de test de SGD seul
#       unite: pourcentage
#       min: 0.82
#     resultats:
#     - resultats/axe_3.json
# ---

# %% [markdown]
# # Atelier 3 — Les optimiseurs
#
# L'**optimiseur** décide comment les poids bougent à partir des gradients.
# La rétropropagation donne la direction de la plus forte pente ; l'optimiseur choisit
# la longueur du pas, et se souvient éventuellement des pas précédents.
#
# Dans ce notebook, le même réseau part quatre fois des mêmes poids initiaux, sauvegardés
# une fois pour toutes. Seul l'optimiseur change : SGD, SGD avec *momentum*, Adam et RMSprop.

# %% [markdown]
# ## Objectifs
#
# À la fin de ce notebook, vous saurez :
#
# - sauvegarder les poids d'un réseau avec `state_dict` et les recharger entre deux essais ;
# - écrire la règle de mise à jour de SGD, du *momentum*, d'Adam et de RMSprop ;
# - comparer leur vitesse de convergence, leur coût par époque et leur état en mémoire ;
# - expliquer le rôle du *momentum*.
#
# ## Prérequis
#
# - [L'atelier 1](10_atelier_reference.ipynb) : la mesure commune et la référence.
# - La descente de gradient : taux d'apprentissage, lot, époque.

# %% [markdown]
# ## Mise en place
#
# Les cinq cellules suivantes forment le code commun de l'atelier. Elles sont identiques,
# au caractère près, dans chaque notebook, et [l'atelier 1](10_atelier_reference.ipynb) les
# explique une à une : imports et réglages, données, réseau, mesure, tableau et résultats.
# Exécutez-les sans les modifier : c'est la garantie que cet axe se compare équitablement
# aux autres.
#
# !!! tip "Sur un GPU, sans rien changer"
#
#     Le code choisit le GPU tout seul quand PyTorch en voit un. Dans Colab, ouvrez le menu
#     **Exécution › Modifier le type d'exécution** et choisissez un accélérateur **GPU**.
#     Le pic de mémoire mesure alors les tenseurs sur la carte, et non plus tout le processus.

# %% atelier: commun
# Les cinq cellules de code commun de l'atelier (tutorials/atelier_commun.py) :
# la construction les insère ici, dans le notebook exécuté et dans le .py téléchargé.


# %% [markdown]
# ## Des poids initiaux sauvegardés une fois pour toutes
#
# Pour comparer des optimiseurs, il faut qu'ils partent exactement du même point.
# `model.state_dict()` renvoie un dictionnaire qui associe à chaque nom de paramètre
# son tenseur. `torch.save` l'écrit dans un fichier, `torch.load` le relit, et
# `model.load_state_dict` remet les valeurs en place.
#
# Nous créons donc un seul réseau, nous sauvegardons ses poids initiaux, puis nous les
# rechargeons avant chaque essai. Une empreinte (la somme des poids) permet de vérifier que
# le point de départ est bien le même.

# %%
model = make_mlp()
torch.save(model.state_dict(), "poids_initiaux.pt")


def reset_weights(model):
    """Recharge les poids initiaux sauvegardés ; renvoie leur empreinte."""
    model.load_state_dict(torch.load("poids_initiaux.pt", map_location=device, weights_only=True))
    return sum(p.double().sum().item() for p in model.parameters())


print(f"Empreinte des poids initiaux : {reset_weights(model):.6f}")
print(f"Paramètres sauvegardés : {list(model.state_dict())}")

# %% [markdown]
# ## Quatre règles de mise à jour
#
# Notons $g_t$ le gradient de la perte au pas $t$ et $\eta$ le taux d'apprentissage.
#
# **SGD** recule d'un pas proportionnel au gradient : $w \leftarrow w - \eta\, g_t$.
#
# **SGD avec momentum** accumule une « vitesse » $v$ : la somme des gradients passés, où la
# contribution de chaque gradient est multipliée par $\mu = 0{,}9$ à chaque nouveau pas :
#
# $$
# v \leftarrow \mu\, v + g_t, \qquad w \leftarrow w - \eta\, v.
# $$
#
# Quand les gradients successifs pointent dans la même direction, la vitesse s'accumule et
# les pas s'allongent (jusqu'à dix fois pour $\mu = 0{,}9$). Quand ils oscillent, ils
# s'annulent en partie : le *momentum* amortit les zigzags.
#
# **RMSprop** divise le pas de chaque poids par la racine d'une moyenne glissante des
# gradients au carré, $s \leftarrow \beta\, s + (1 - \beta)\, g_t^2$, puis
# $w \leftarrow w - \eta\, g_t / (\sqrt{s} + \epsilon)$. Un poids aux gradients
# toujours grands avance prudemment, un poids aux gradients faibles avance plus vite.
#
# **Adam** combine les deux idées : une moyenne glissante des gradients (comme le
# *momentum*) et une moyenne des carrés (comme RMSprop). Ces deux moyennes partent de zéro et
# sont donc trop petites au début : Adam les corrige pendant les premiers pas.
#
# Chaque vitesse ou moyenne glissante est un tenseur de la taille des poids : SGD n'a aucun
# état, le *momentum* et RMSprop en ont un, Adam deux.

# %% [markdown]
# ## L'expérience
#
# Les quatre optimiseurs et leurs taux d'apprentissage, fixés par l'énoncé de l'atelier :
# SGD et SGD avec *momentum* à 0,01, Adam à 0,001, RMSprop à 0,01.
# Chaque optimiseur est créé **après** le rechargement des poids : il part sans état.
# Le nom de chaque dossier `runs/optimizers/…` dit l'optimiseur et son réglage.

# %%
EPOCHS = 10
OPTIMIZERS = {
    "sgd_lr0.01": lambda params: torch.optim.SGD(params, lr=0.01),
    "sgd_momentum0.9_lr0.01": lambda params: torch.optim.SGD(params, lr=0.01, momentum=0.9),
    "adam_lr0.001": lambda params: torch.optim.Adam(params, lr=0.001),
    "rmsprop_lr0.01": lambda params: torch.optim.RMSprop(params, lr=0.01),
}
shutil.rmtree("runs/optimizers", ignore_errors=True)  # repartir d'un dossier vide

records, fingerprints = [], []
for name, make_optimizer in OPTIMIZERS.items():
    fingerprints.append(reset_weights(model))  # même point de départ pour tous
    optimizer = make_optimizer(model.parameters())
    run_dir = f"runs/optimizers/{name}"
    records.append(
        train_model(model, optimizer, run_dir, EPOCHS, histograms=True, graph=not records)
    )
    tensors = [t for s in optimizer.state.values() for t in s.values() if torch.is_tensor(t)]
    state = sum(t.numel() for t in tensors if t.dim() > 0)  # sans les compteurs de pas
    records[-1]["optimizer_state_floats"] = state
print(f"Empreintes de départ identiques : {len(set(fingerprints)) == 1}")

# %% [markdown]
# La dernière ligne confirme que les quatre essais sont partis des mêmes poids.
# Nous avons aussi compté la taille de l'état de chaque optimiseur, en nombre de valeurs.

# %%
for r in records:
    ratio = r["optimizer_state_floats"] / r["n_parameters"]
    state = r["optimizer_state_floats"]
    print(f"{r['variant']:<24} état : {state:>7} valeurs ({fr(ratio, 0)} par poids)")

# %% [markdown]
# ## Les courbes de convergence

# %% alt="Exactitude de validation et pertes par époque : SGD, SGD avec moment, Adam, RMSprop."
plot_curves(records, "Optimiseurs, à partir des mêmes poids initiaux")

# %% [markdown]
# *Figure 1. Exactitude de validation (à gauche) et pertes (à droite, tirets pour
# l'entraînement) des quatre optimiseurs, époque par époque.*
#
# ## Le rôle du momentum
#
# Comparons SGD avec et sans *momentum*, à taux d'apprentissage égal. Combien d'époques faut-il
# au *momentum* pour atteindre l'exactitude de validation que SGD seul obtient en fin
# d'entraînement ?

# %%
sgd, momentum = records[0], records[1]
target = sgd["history"]["val_accuracy"][-1]
reached = [e for e, a in enumerate(momentum["history"]["val_accuracy"], 1) if a >= target]
if reached:
    momentum_sentence = (
        f"Avec un *momentum* de 0,9, SGD atteint dès l'époque {reached[0]} l'exactitude de "
        f"validation que SGD seul obtient après {EPOCHS} époques ({pct(target)})."
    )
else:
    momentum_sentence = (
        f"Avec un *momentum* de 0,9, SGD n'atteint pas en {EPOCHS} époques l'exactitude de "
        f"validation de SGD seul ({pct(target)})."
    )
display(Markdown(momentum_sentence))

# %% [markdown]
# Le *momentum* agit comme une inertie : les pas s'allongent tant que la pente garde la même
# direction, et les oscillations d'un lot à l'autre se compensent.

# %% [markdown]
# ## Le tableau de comparaison

# %%
display(Markdown(comparison_table(records)))

# %% [markdown]
# L'interprétation suivante est calculée à partir du tableau.

# %%
# Le classement se fait sur la validation : le test ne sert qu'à mesurer, jamais à choisir.
ranked = sorted(records, key=lambda r: r["val_accuracy"], reverse=True)
best, worst = ranked[0], ranked[-1]
best_optimizer_accuracy = best["test_accuracy"]
sgd_accuracy = sgd["test_accuracy"]
by_time = sorted(records, key=lambda r: r["seconds_per_epoch"])
cost = by_time[-1]["seconds_per_epoch"] / by_time[0]["seconds_per_epoch"] - 1
conclusion = (
    f"Après {EPOCHS} époques, `{best['variant']}` obtient la meilleure exactitude de "
    f"validation ({pct(best['val_accuracy'])}, puis {pct(best['test_accuracy'])} sur le test, "
    f"mesuré une seule fois) et `{worst['variant']}` la moins bonne "
    f"({pct(worst['val_accuracy'])}). Classement complet sur la validation{NBSP}: "
    + ", ".join(f"`{r['variant']}` ({pct(r['val_accuracy'])})" for r in ranked)
    + f". {momentum_sentence} L'époque la plus rapide est celle de `{by_time[0]['variant']}` "
    f"({fr(by_time[0]['seconds_per_epoch'])}{NBSP}s), la plus lente celle de "
    f"`{by_time[-1]['variant']}` ({fr(by_time[-1]['seconds_per_epoch'])}{NBSP}s, "
    f"+{fr(100 * cost, 0)}{NBSP}%)"
)
if by_time[-1]["optimizer_state_floats"] > by_time[0]["optimizer_state_floats"]:
    conclusion += (
        f"{NBSP}: le plus lent tient à jour plus d'état, donc fait plus de calculs par pas."
    )
else:
    conclusion += f"{NBSP}: cet écart ne suit pas la taille de l'état et relève du bruit de mesure."
display(Markdown(conclusion))

# %% [markdown]
# Une exactitude plus haute après dix époques ne dit pas qu'un optimiseur est meilleur dans
# l'absolu : chacun a son taux d'apprentissage préféré. Le taux de 0,01 imposé à RMSprop, par
# exemple, est dix fois celui d'Adam. L'atelier 5 montre comment régler ces hyperparamètres
# au lieu de les imposer.

# %%
save_results(3, f"Optimiseurs{NBSP}: SGD, momentum, Adam, RMSprop", records, conclusion)

# %% [markdown]
# ## Récapitulatif
#
# - `state_dict`, `torch.save`, `torch.load` et `load_state_dict` remettent un réseau dans
#   un état connu : indispensable pour comparer des optimiseurs.
# - Un optimiseur se crée après le rechargement des poids, pour partir sans état.
# - Le *momentum* accumule les gradients passés : plus de chemin parcouru par époque.
# - RMSprop et Adam adaptent le pas de chaque poids ; ils gardent un ou deux tenseurs d'état
#   de la taille du modèle, et coûtent plus de calcul par pas : le tableau mesure l'écart.

# %% [markdown]
# ## Exercices
#
# ### Exercice 1 : vérifier le retour au point de départ
#
# Après les quatre essais, le réseau porte les poids appris avec RMSprop. Rechargez les poids
# initiaux, puis vérifiez que l'exactitude de validation est redevenue celle d'un réseau
# neuf construit par `make_mlp()`.

# %%
# Solution
reset_weights(model)
fresh = make_mlp()
reloaded_accuracy = evaluate(model, x_val, y_val)[1]
fresh_accuracy = evaluate(fresh, x_val, y_val)[1]
print(f"Poids rechargés : {pct(reloaded_accuracy, 2)}, réseau neuf : {pct(fresh_accuracy, 2)}")
same = all(torch.equal(a, b) for a, b in zip(model.parameters(), fresh.parameters(), strict=True))
print(f"Poids identiques : {same}")

# %% [markdown]
# ### Exercice 2 : Adam avec un pas trop grand
#
# Entraînez Adam deux époques avec un pas de 0,01 au lieu de 0,001, depuis les poids
# initiaux. Comparez son exactitude de validation à celle d'Adam (pas de 0,001) après
# deux époques, lue dans l'historique de l'essai.

# %%
# Solution
reset_weights(model)
adam_fast = train_model(
    model, torch.optim.Adam(model.parameters(), lr=0.01), "runs/optimizers_extra/adam_lr0.01", 2
)
adam_ref = records[2]["history"]["val_accuracy"][1]
print(f"Après 2 époques : Adam 0,01 {pct(adam_fast['val_accuracy'])}, Adam 0,001 {pct(adam_ref)}")

# %% [markdown]
# ## Testez-vous
#
# Six questions sur les règles de mise à jour et sur la façon de les comparer : répondez avant de
# déplier les explications, chaque choix a la sienne.
#
# !!! quiz "Recharger, puis créer l'optimiseur"
#     Avant chaque essai, le tutoriel recharge les poids initiaux, puis crée un nouvel
#     optimiseur. Pourquoi ne pas garder l'optimiseur de l'essai précédent ?
#
#     - [ ] Parce que `load_state_dict` remet aussi la graine aléatoire à zéro.
#       `load_state_dict` ne fait que recopier dans le réseau les valeurs enregistrées ; la
#       graine n'y est pour rien.
#     - [x] Pour partir sans état, comme tous les autres essais.
#       Un optimiseur neuf n'a ni vitesse ni moyenne glissante. Sinon, Adam ou le *momentum*
#       commenceraient avec la mémoire des gradients d'un autre entraînement, et le point de
#       départ ne serait plus le même pour tous.
#     - [ ] Pour changer de taux d'apprentissage à chaque époque.
#       Le taux reste fixe pendant chaque essai de cet axe ; la question est celle de l'état de
#       l'optimiseur, pas de son taux.
#
# !!! quiz "La taille de l'état"
#     Le réseau a *N* paramètres. Combien de valeurs Adam garde-t-il dans son état, sans compter
#     ses compteurs de pas ?
#
#     - [ ] 0
#       C'est le cas de SGD sans *momentum*, qui n'a besoin que du gradient du pas en cours.
#     - [ ] *N*
#       C'est le cas du *momentum* (une vitesse par poids) et de RMSprop (une moyenne des carrés
#       par poids).
#     - [x] 2 *N*
#       Adam tient deux moyennes glissantes par poids : celle des gradients et celle de leurs
#       carrés.
#     - [ ] 4 *N*
#       C'est le total des paramètres, des gradients et de l'état d'Adam : l'état seul en compte
#       la moitié.
#
# !!! quiz "Le momentum sur une pente régulière"
#     Avec *v* ← μ *v* + *g* et μ = 0,9, le gradient *g* reste le même pas après pas. Vers quoi
#     tend la vitesse *v* ?
#
#     - [ ] Vers 0,9 *g*.
#       Dès le premier pas, la vitesse vaut *g*, puis elle ne fait que grandir : chaque pas
#       ajoute *g* à 0,9 fois la vitesse précédente.
#     - [ ] Vers *g*, comme sans *momentum*.
#       Ce serait le cas pour μ = 0 : ici, chaque pas ajoute *g* à une vitesse qui garde 90 % de
#       la précédente.
#     - [ ] Elle grandit sans limite.
#       La somme *g* + 0,9 *g* + 0,9² *g* + … converge, parce que μ est plus petit que 1.
#     - [x] Vers 10 *g*.
#       *v* = *g* + 0,9 *g* + 0,9² *g* + … = *g* / (1 − 0,9) : les pas s'allongent jusqu'à dix
#       fois.
#
# !!! quiz "RMSprop, poids par poids"
#     Deux poids reçoivent, l'un des gradients toujours grands, l'autre des gradients toujours
#     petits. Que fait RMSprop, comparé à SGD ?
#
#     - [ ] Il fait avancer les deux comme SGD, proportionnellement à leur gradient.
#       C'est justement ce que RMSprop corrige : la division par la racine de la moyenne des
#       carrés change le pas de chaque poids.
#     - [ ] Il applique à tous les poids une même réduction du taux d'apprentissage.
#       L'adaptation est propre à chaque poids : chacun a sa moyenne des gradients au carré.
#     - [x] Il rapproche la taille de leurs pas.
#       Le pas de chaque poids est divisé par la racine de sa moyenne des gradients au carré : le
#       premier avance prudemment, le second relativement plus vite. Avec des gradients
#       constants, les deux pas finissent par avoir à peu près la taille du taux d'apprentissage.
#
# !!! quiz "Ce que compare le tableau"
#     Après dix époques, un optimiseur arrive en tête du classement sur la validation. Que
#     pouvez-vous en conclure ?
#
#     - [ ] Qu'il est le meilleur optimiseur dans l'absolu, pour tout réseau.
#       Chacun a son taux d'apprentissage préféré, et les taux sont imposés : RMSprop reçoit
#       0,01, dix fois le taux d'Adam.
#     - [x] Qu'il a le mieux appris avec ces taux imposés et dix époques.
#       Le tableau compare des couples optimiseur et taux, dans ces conditions-là ; l'atelier 5
#       montre comment régler le taux au lieu de l'imposer.
#     - [ ] Qu'il fera aussi le meilleur score sur le test.
#       Rien ne le garantit : le test est une mesure séparée, prise une seule fois, qui ne sert
#       pas à choisir.
#
# !!! quiz "La correction d'Adam"
#     Adam corrige ses deux moyennes glissantes pendant les premiers pas. Pourquoi ?
#
#     - [ ] Les premiers gradients sont trop grands et doivent être réduits.
#       La correction ne vise pas les gradients : elle agrandit les moyennes, trop petites parce
#       qu'elles partent de zéro.
#     - [x] Elles partent de zéro et sont donc trop petites au début.
#       Une moyenne glissante qui commence à 0 met plusieurs pas à rejoindre l'échelle des
#       gradients : la correction compense ce retard.
#     - [ ] Pour oublier les poids initiaux.
#       Les moyennes portent sur les gradients, pas sur les poids : les poids initiaux n'y
#       entrent pas.

# %% [markdown]
# ## Pour aller plus loin
#
# - [`torch.optim`][optim] : tous les optimiseurs de PyTorch, avec leur algorithme détaillé.
# - [Saving and loading models][saving] : `state_dict`, `torch.save` et `torch.load`.
# - Kingma et Ba, [l'article qui présente Adam][adam] (2014).
# - Sebastian Ruder, [An overview of gradient descent optimization algorithms][ruder] (2016) :
#   une synthèse claire de ces règles de mise à jour.
# - L'atelier continue avec [le dropout](13_atelier_dropout.ipynb).
#
# [optim]: https://docs.pytorch.org/docs/stable/optim.html
# [saving]: https://docs.pytorch.org/tutorials/beginner/saving_loading_models.html
# [adam]: https://arxiv.org/abs/1412.6980
# [ruder]: https://arxiv.org/abs/1609.04747
