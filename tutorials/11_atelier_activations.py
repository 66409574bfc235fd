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
#     titre: Atelier 2 — Les fonctions d'activation
#     description: Comparer ReLU, Tanh et Sigmoid à réseau, données et mesure identiques.
#     niveau: intermédiaire
#     duree: 40 min
#     prerequis:
#     - Atelier 1 — La référence et la mesure commune
#     - Le perceptron multicouche (fonctions d'activation)
#     gpu: Inutile, le CPU d'un portable suffit ; sur GPU, le même code tourne sans modification.
#     metriques:
#     - nom: best_activation_accuracy
#       libelle: Exactitude de test de l'activation en tête sur la validation
#       unite: pourcentage
#       min: 0.83
#     - nom: worst_activation_accuracy
#       libelle: Exactitude de test de l'activation en queue sur la validation
#       unite: pourcentage
#       min: 0.6
#     resultats:
#     - resultats/axe_2.json
# ---

# %% [markdown]
# # Atelier 2 — Les fonctions d'activation
#
# Sans **fonction d'activation**, un réseau de couches linéaires resterait une seule fonction
# linéaire, incapable de séparer des classes aussi proches qu'une chemise et un T-shirt.
# L'activation, appliquée à chaque neurone caché, apporte la non-linéarité.
#
# Dans ce notebook, vous entraînez trois fois le réseau de l'atelier en ne changeant que
# cette fonction : ReLU, Tanh, puis Sigmoid. Tout le reste est identique : données, poids
# initiaux, ordre des lots, optimiseur et mesure.

# %% [markdown]
# ## Objectifs
#
# À la fin de ce notebook, vous saurez :
#
# - tracer les trois activations classiques et leurs dérivées ;
# - comparer leur vitesse de convergence sur des courbes d'apprentissage ;
# - relier une convergence lente à des gradients trop petits ;
# - lire les histogrammes de gradients dans TensorBoard.
#
# ## Prérequis
#
# - [L'atelier 1](10_atelier_reference.ipynb) : la mesure commune et la référence.
# - La notion de dérivée, et la rétropropagation dans les grandes lignes : le gradient
#   d'une couche est multiplié par la dérivée de l'activation.

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
# ## Trois activations et leurs dérivées
#
# Les trois fonctions comparées :
#
# - **ReLU** : $\mathrm{ReLU}(z) = \max(0, z)$. Sa dérivée vaut 1 pour $z > 0$ et 0 sinon.
# - **Tanh** : $\tanh(z) = \dfrac{e^{z} - e^{-z}}{e^{z} + e^{-z}}$, à valeurs entre −1 et 1.
# - **Sigmoid** : $\sigma(z) = \dfrac{1}{1 + e^{-z}}$, à valeurs entre 0 et 1.
#
# Pendant la rétropropagation, le gradient qui traverse une couche est multiplié par la
# dérivée de son activation. Plutôt que de dériver à la main, demandons ces dérivées à
# l'autograd de PyTorch, sur 401 points entre −5 et 5.

# %% alt="Courbes de relu, tanh et sigmoïde, puis de leurs dérivées, de part et d'autre de z = 0."
ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}

z = torch.linspace(-5, 5, 401, requires_grad=True)
fig, (ax_f, ax_d) = plt.subplots(1, 2, figsize=(10, 3.6))
max_slope = {}
for name, activation in ACTIVATIONS.items():
    (slope,) = torch.autograd.grad(activation()(z).sum(), z)
    max_slope[name] = slope.max().item()
    ax_f.plot(z.detach(), activation()(z).detach(), label=name)
    ax_d.plot(z.detach(), slope, label=name)
ax_f.set(title="Activation", xlabel="z")
ax_d.set(title="Dérivée", xlabel="z")
for ax in (ax_f, ax_d):
    ax.grid(alpha=0.3)
    ax.legend()
fig.tight_layout()
plt.show()
for name, value in max_slope.items():
    print(f"{name:<8} dérivée maximale : {fr(value, 3)}")

# %% [markdown]
# *Figure 1. À gauche, les trois activations entre −5 et 5 ; à droite, leurs dérivées,
# calculées par l'autograd de PyTorch.*
#
# La dérivée de la sigmoïde ne dépasse jamais la valeur affichée ci-dessus, bien inférieure à 1.
# À chaque couche traversée, l'activation multiplie donc le gradient par un facteur au plus égal
# à cette valeur : avec plusieurs couches, le gradient fond très vite. Pour de grandes
# valeurs de $|z|$, Tanh et Sigmoid sont **saturées** : leur dérivée est presque nulle et le
# neurone n'apprend presque plus. ReLU ne sature pas du côté positif.

# %% [markdown]
# ## L'expérience
#
# Les réglages sont ceux de la référence de l'atelier 1 : SGD, pas de 0,01, lots de 64.
# La variante ReLU reproduit donc exactement la référence.
#
# Pour chaque activation, `make_mlp` construit un réseau neuf. Comme il fixe la graine,
# les trois réseaux partent des mêmes poids : seule l'activation diffère.
# Nous demandons les histogrammes des poids et des gradients (`histograms=True`) :
# c'est précisément ce que l'activation modifie.

# %%
EPOCHS = 10
LEARNING_RATE = 0.01
shutil.rmtree("runs/activations", ignore_errors=True)  # repartir d'un dossier vide
print(f"SGD, taux {LEARNING_RATE}, lots de {BATCH_SIZE}, {EPOCHS} époques par activation")

records = []
for name, activation in ACTIVATIONS.items():
    model = make_mlp(activation=activation)
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    run_dir = f"runs/activations/{name}"
    records.append(
        train_model(model, optimizer, run_dir, EPOCHS, histograms=True, graph=not records)
    )

# %% [markdown]
# Chaque ligne résume un essai. Le nom du dossier `runs/activations/…` est aussi celui que
# TensorBoard affiche : ouvrez-le avec `tensorboard --logdir runs` pour superposer les trois
# courbes, une couleur par activation.

# %% [markdown]
# ## Les courbes de convergence

# %% alt="Exactitude de validation et pertes par époque pour relu, tanh et sigmoïde."
plot_curves(records, "Fonctions d'activation (SGD, taux de 0,01)")

# %% [markdown]
# *Figure 2. Exactitude de validation (à gauche) et pertes (à droite) de chaque activation,
# époque par époque. Les tirets donnent la perte d'entraînement, le trait plein celle de
# validation.*
#
# Une courbe qui monte plus vite signale une convergence plus rapide. Repérons, pour chaque
# activation, la première époque où elle atteint 80 % d'exactitude de validation.

# %%
THRESHOLD = 0.80
for r in records:
    reached = [e for e, a in enumerate(r["history"]["val_accuracy"], 1) if a >= THRESHOLD]
    when = f"à l'époque {reached[0]}" if reached else f"jamais en {r['epochs']} époques"
    print(f"{r['variant']:<8} atteint {pct(THRESHOLD, 0)} {when}")

# %% [markdown]
# ## Les gradients
#
# L'enregistrement de chaque essai contient, pour chaque matrice de poids, la norme du
# gradient au dernier lot de chaque époque. Comparons la première couche
# (`0.weight`, la plus éloignée de la sortie) pour les trois activations.

# %% alt="Norme du gradient de la première couche par époque, échelle log, pour chaque activation."
fig, ax = plt.subplots(figsize=(6.5, 3.6))
first_layer = {}
for r in records:
    norms = r["history"]["grad_norms"]["0.weight"]
    first_layer[r["variant"]] = sum(norms) / len(norms)
    ax.plot(range(1, len(norms) + 1), norms, marker="o", markersize=3, label=r["variant"])
ax.set(xlabel="Époque", ylabel="Norme du gradient", title="Gradient de la première couche")
ax.set_yscale("log")
ax.grid(alpha=0.3)
ax.legend()
fig.tight_layout()
plt.show()
for name, value in first_layer.items():
    print(f"{name:<8} norme moyenne du gradient de la première couche : {fr(value, 4)}")

# %% [markdown]
# *Figure 3. Norme du gradient des poids de la première couche, au dernier lot de chaque
# époque, en échelle logarithmique.*
#
# Dans TensorBoard, l'onglet **Histograms** montre la distribution complète de ces gradients
# (`gradients/0.weight`), époque après époque, pour chaque activation.

# %% [markdown]
# ## Le tableau de comparaison

# %%
display(Markdown(comparison_table(records)))

# %% [markdown]
# Le paragraphe suivant est calculé à partir du tableau : les activations y sont classées
# par les mesures elles-mêmes.

# %%
# Le classement se fait sur la validation : le test ne sert qu'à mesurer, jamais à choisir.
ranked = sorted(records, key=lambda r: r["val_accuracy"], reverse=True)
best, worst = ranked[0], ranked[-1]
best_activation_accuracy = best["test_accuracy"]
worst_activation_accuracy = worst["test_accuracy"]
slowest_grad = min(first_layer, key=first_layer.get)
fastest = min(records, key=lambda r: r["seconds_per_epoch"])
slowest = max(records, key=lambda r: r["seconds_per_epoch"])
time_gap = slowest["seconds_per_epoch"] / fastest["seconds_per_epoch"] - 1
conclusion = (
    f"Après {EPOCHS} époques de SGD, `{best['variant']}` obtient la meilleure exactitude de "
    f"validation ({pct(best['val_accuracy'])}), devant "
    + " puis ".join(f"`{r['variant']}` ({pct(r['val_accuracy'])})" for r in ranked[1:])
    + f". L'écart de validation entre la première et la dernière est de "
    f"{points(best['val_accuracy'] - worst['val_accuracy'])}{NBSP}; sur le test, mesuré une "
    f"seule fois, `{best['variant']}` obtient {pct(best['test_accuracy'])}. "
    f"Le gradient de la première couche est le plus faible avec `{slowest_grad}` "
    f"({fr(first_layer[slowest_grad], 4)} en moyenne, contre "
    f"{fr(first_layer[best['variant']], 4)} pour `{best['variant']}`). "
    f"Les durées par époque vont de {fr(fastest['seconds_per_epoch'])}{NBSP}s "
    f"(`{fastest['variant']}`) à {fr(slowest['seconds_per_epoch'])}{NBSP}s "
    f"(`{slowest['variant']}`), soit {fr(100 * time_gap, 0)}{NBSP}% d'écart."
)
display(Markdown(conclusion))

# %% [markdown]
# Pour la durée, gardez les ordres de grandeur en tête : l'activation s'applique à 128 valeurs
# par image, alors que la première couche effectue 784 × 128 multiplications. Un écart de
# temps de quelques pour cent peut donc venir du bruit de mesure autant que de l'activation :
# relancez l'expérience avant de conclure.

# %%
save_results(2, f"Fonctions d'activation{NBSP}: ReLU, Tanh, Sigmoid", records, conclusion)

# %% [markdown]
# ## Récapitulatif
#
# - L'activation apporte la non-linéarité ; sa dérivée multiplie le gradient à chaque couche.
# - Sigmoid et Tanh saturent pour de grandes valeurs : leur dérivée y devient presque nulle.
# - À réglages égaux, une dérivée plus petite donne des gradients plus petits et une
#   convergence plus lente avec SGD.
# - ReLU est le choix par défaut des couches cachées : simple, rapide, sans saturation
#   du côté positif.

# %% [markdown]
# ## Exercices
#
# ### Exercice 1 : la dérivée moyenne au départ
#
# Faites passer les 6 000 images de validation dans la première couche `Linear` du réseau
# initial (celui de `make_mlp()`), pour obtenir les pré-activations $z$ des 128 neurones cachés.
# Calculez ensuite la valeur moyenne de la dérivée de chaque activation sur ces $z$.
# Ce facteur multiplie, en moyenne, le gradient qui redescend vers la première couche :
# comparez-le aux normes de gradient mesurées plus haut.

# %%
# Solution
with torch.no_grad():
    pre_activation = make_mlp()[0](x_val)  # la première couche Linear seule, (6000, 128)
pre_activation.requires_grad_(True)
for name, activation in ACTIVATIONS.items():
    (slope,) = torch.autograd.grad(activation()(pre_activation).sum(), pre_activation)
    print(f"{name:<8} dérivée moyenne au départ : {fr(slope.mean().item(), 3)}")

# %% [markdown]
# ### Exercice 2 : LeakyReLU
#
# LeakyReLU laisse passer une petite pente pour $z < 0$ : $\max(0{,}01\,z, z)$.
# Entraînez-la trois époques avec les réglages de l'expérience, puis comparez son exactitude
# de validation à celle de ReLU après trois époques, lue dans l'historique de l'essai ReLU.

# %%
# Solution
leaky = make_mlp(activation=nn.LeakyReLU)
leaky_record = train_model(
    leaky, torch.optim.SGD(leaky.parameters(), lr=LEARNING_RATE), "runs/activations_extra/leaky", 3
)
relu_after_3 = records[0]["history"]["val_accuracy"][2]
print(f"Après 3 époques : LeakyReLU {pct(leaky_record['val_accuracy'])}, ReLU {pct(relu_after_3)}")
print(f"Écart : {points(leaky_record['val_accuracy'] - relu_after_3, 2)}")

# %% [markdown]
# Même départ, même ordre des lots : l'écart, s'il existe, vient de la seule pente négative.
# Comparez-le au bruit de mesure avant d'en tirer une conclusion.

# %% [markdown]
# ## Testez-vous
#
# Six questions sur les activations et sur ce que l'expérience a montré de leurs gradients :
# répondez avant de déplier les explications, chaque choix a la sienne.
#
# !!! quiz "Sans activation"
#     Vous retirez l'activation du réseau de l'atelier : il ne reste que `Linear(784, 128)`
#     suivie de `Linear(128, 10)`. Que calcule ce réseau ?
#
#     - [ ] Une fonction plus riche qu'une seule couche, puisqu'il a deux couches.
#       Sans non-linéarité entre elles, deux couches se réduisent à une seule : c'est
#       l'activation qui rend la profondeur utile.
#     - [x] La même chose qu'une unique couche `Linear(784, 10)`.
#       Le réseau calcule une fonction affine des pixels, car la composée de deux fonctions
#       affines est affine : la couche cachée n'ajoute aucune capacité à séparer des classes.
#     - [ ] Rien : PyTorch refuse deux couches `Linear` qui se suivent.
#       `nn.Sequential` enchaîne les couches sans rien vérifier de tel ; le réseau s'entraîne,
#       mais reste linéaire.
#
# !!! quiz "La pente de la sigmoïde"
#     La sigmoïde vérifie σ'(*z*) = σ(*z*) (1 − σ(*z*)). Quelle est la plus grande valeur de sa
#     dérivée ?
#
#     - [ ] 1, comme Tanh et ReLU.
#       La dérivée de Tanh atteint 1 en 0, celle de ReLU vaut 1 pour *z* > 0 ; celle de la
#       sigmoïde reste bien plus petite.
#     - [ ] 1/2, atteinte en *z* = 0.
#       1/2 est la valeur de la sigmoïde en 0, pas celle de sa dérivée.
#     - [x] 1/4, atteinte en *z* = 0.
#       En *z* = 0, σ vaut 1/2, et le produit 1/2 × 1/2 donne 1/4 : c'est le maximum du produit
#       de deux nombres positifs de somme 1.
#
# !!! quiz "Un neurone saturé"
#     Un neurone caché reçoit une pré-activation *z* = 5. Pour quelles activations sa dérivée
#     est-elle presque nulle ?
#
#     - [ ] ReLU
#       Pour *z* > 0, la dérivée de ReLU vaut exactement 1 : elle ne sature pas du côté positif.
#     - [x] Tanh
#       Tanh vaut presque 1 en *z* = 5 : sa courbe y est presque plate, sa dérivée presque nulle.
#     - [x] Sigmoid
#       La sigmoïde vaut presque 1 en *z* = 5 : elle est saturée, et le gradient qui traverse ce
#       neurone s'éteint presque.
#
# !!! quiz "Une convergence plus lente"
#     Mêmes poids initiaux, même ordre des lots, même SGD au même taux : pourquoi la sigmoïde
#     converge-t-elle plus lentement que ReLU ?
#
#     - [ ] Elle est plus lente à calculer, donc chaque époque apprend moins.
#       La durée d'une époque ne change pas ce qu'apprend un pas ; et l'activation pèse peu face
#       au produit matriciel de la première couche.
#     - [ ] Ses poids initiaux sont moins bons.
#       `make_mlp` fixe la graine : les trois réseaux partent des mêmes poids, seule l'activation
#       diffère.
#     - [x] Sa dérivée, au plus 1/4, réduit le gradient qui la traverse.
#       Des gradients plus petits donnent, au même taux d'apprentissage, des pas plus petits : il
#       faut plus d'époques pour arriver au même point.
#
# !!! quiz "Pourquoi la première couche"
#     Pour comparer les gradients, le tutoriel regarde ceux de la première couche (`0.weight`).
#     Pourquoi celle-là ?
#
#     - [ ] C'est la seule couche qui a des poids.
#       La couche de sortie, `2.weight`, a aussi une matrice de poids : `train_model` note la
#       norme de son gradient également.
#     - [x] C'est la plus éloignée de la sortie.
#       Son gradient a traversé l'activation avant de l'atteindre. Si la dérivée de l'activation
#       réduit le gradient, c'est là que l'effet se voit : la dernière couche reçoit le gradient
#       de la perte directement.
#     - [ ] Son gradient est toujours le plus grand du réseau.
#       Rien ne le garantit : avec la sigmoïde, il est justement affaibli par la dérivée de
#       l'activation.
#
# !!! quiz "Quelques pour cent de temps"
#     Le tableau montre un écart de temps par époque de quelques pour cent entre deux
#     activations. Que faut-il en penser ?
#
#     - [x] Il peut venir du bruit de mesure autant que de l'activation.
#       Relancez l'expérience avant de conclure : un autre programme qui tourne au même moment
#       peut ralentir un essai de quelques pour cent ; seul un écart qui résiste à plusieurs
#       exécutions compte.
#     - [ ] Il mesure sûrement le coût de l'activation.
#       L'activation ne s'applique qu'à 128 valeurs par image, quand la première couche fait
#       784 × 128 multiplications : son coût pèse peu.
#     - [ ] Il prouve que l'activation la plus lente apprend mieux.
#       La durée d'une époque ne dit rien de l'exactitude : ce sont deux mesures distinctes du
#       tableau.

# %% [markdown]
# ## Pour aller plus loin
#
# - [Non-linear Activations][activations] : toutes les activations de PyTorch,
#   avec leur formule et leur graphe.
# - Glorot et Bengio (2010),
#   [Understanding the difficulty of training deep feedforward neural networks][glorot] :
#   l'article qui a analysé la saturation de la sigmoïde dans les réseaux profonds.
# - L'atelier continue avec [les optimiseurs](12_atelier_optimiseurs.ipynb).
#
# [activations]: https://docs.pytorch.org/docs/stable/nn.html#non-linear-activations-weighted-sum-nonlinearity
# [glorot]: https://proceedings.mlr.press/v9/glorot10a.html
