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
#     titre: Atelier 6 — Normalisation par lots et initialisation
#     description: Croiser BatchNorm et trois initialisations, histogrammes de gradients à l'appui.
#     niveau: avancé
#     duree: 1 h
#     prerequis:
#     - Atelier 1 — La référence et la mesure commune
#     - Le perceptron multicouche (rétropropagation couche par couche)
#     gpu: Inutile, le CPU d'un portable suffit ; sur GPU, le même code tourne sans modification.
#     metriques:
#     - nom: best_init_accuracy
#       libelle: Exactitude de test de la variante en tête sur la validation
#       unite: pourcentage
#       min: 0.84
#     - nom: zeros_accuracy
#       libelle: Exactitude de test avec des poids nuls (échec attendu)
#       unite: pourcentage
#       max: 0.2
#     resultats:
#     - resultats/axe_6.json
# ---

# %% [markdown]
# # Atelier 6 — Normalisation par lots et initialisation
#
# Avant la première mise à jour, un réseau a des poids **initiaux**. Ce point de départ compte :
# s'il est mal choisi, les gradients deviennent nuls, minuscules (**gradients évanescents**,
# *vanishing gradients*) ou énormes (**gradients explosifs**), et le réseau n'apprend pas.
#
# La **normalisation par lots** (*batch normalization*, `BatchNorm1d`) recentre et remet à
# l'échelle les valeurs d'une couche, lot par lot. Elle rend l'entraînement moins
# sensible à l'initialisation. Dans ce notebook, vous croisez trois initialisations avec et
# sans normalisation par lots, sur un réseau à trois couches.

# %% [markdown]
# ## Objectifs
#
# À la fin de ce notebook, vous saurez :
#
# - initialiser les couches d'un réseau à zéro, selon Kaiming (He) ou par défaut ;
# - placer `BatchNorm1d` avant l'activation et expliquer ce qu'il calcule ;
# - lire des histogrammes de gradients, dans matplotlib et dans TensorBoard ;
# - expliquer pourquoi des poids tous nuls empêchent tout apprentissage.
#
# ## Prérequis
#
# - [L'atelier 1](10_atelier_reference.ipynb) : la mesure commune et la référence.
# - La rétropropagation : le gradient d'une couche dépend des poids des couches suivantes
#   et des activations de la couche précédente.

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
# ## Le réseau à trois couches
#
# Nous ajoutons une deuxième couche cachée de 128 neurones : le réseau a maintenant trois
# couches `Linear` (784 → 128 → 128 → 10). Avec `batchnorm=True`, `make_mlp` insère
# un `BatchNorm1d` entre chaque couche `Linear` cachée et son activation.
#
# Pour un lot, `BatchNorm1d` calcule la moyenne $\mu_B$ et la variance $\sigma_B^2$ de
# chaque neurone, puis
#
# $$
# \hat{z} = \frac{z - \mu_B}{\sqrt{\sigma_B^2 + \epsilon}}, \qquad y = \gamma\, \hat{z} + \beta,
# $$
#
# où $\gamma$ et $\beta$ sont appris. En mode évaluation, il utilise des moyennes glissantes
# de $\mu_B$ et $\sigma_B^2$ mémorisées pendant l'entraînement.

# %%
HIDDEN = (128, 128)
print(make_mlp(hidden=HIDDEN, batchnorm=True))

# %% [markdown]
# ## Trois initialisations
#
# - **Zéros** : tous les poids et tous les biais valent 0.
# - **Kaiming normal** (ou *He*) : poids tirés d'une loi normale d'écart-type
#   $\sqrt{2 / n_{\text{entrées}}}$, biais nuls. Ce choix conserve la variance du signal
#   d'une couche ReLU à la suivante.
# - **Défaut de PyTorch** : `nn.Linear` tire ses poids d'une loi uniforme sur
#   $\left[-1/\sqrt{n_{\text{entrées}}},\ 1/\sqrt{n_{\text{entrées}}}\right]$, et ses biais de même.
#
# La fonction `initialize` applique l'initialisation choisie à toutes les couches `Linear`.
# Elle refixe la graine : Kaiming tire les mêmes poids d'une variante à l'autre.


# %%
def initialize(model, init):
    """Applique l'initialisation « zeros », « kaiming » ou « default » aux couches Linear."""
    torch.manual_seed(SEED)
    for layer in model:
        if isinstance(layer, nn.Linear) and init == "zeros":
            nn.init.zeros_(layer.weight)
            nn.init.zeros_(layer.bias)
        elif isinstance(layer, nn.Linear) and init == "kaiming":
            nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
            nn.init.zeros_(layer.bias)
    return model  # « default » : les poids de make_mlp, inchangés


INITS = ["zeros", "kaiming", "default"]
for init in INITS:
    weights = [p for n, p in initialize(make_mlp(hidden=HIDDEN), init).named_parameters()]
    print(
        f"{init:<8} écart-type des poids de la première couche : {fr(weights[0].std().item(), 4)}"
    )

# %% [markdown]
# ## Les gradients au premier pas
#
# Avant d'entraîner quoi que ce soit, regardons les gradients que produit **un seul**
# lot, pour chaque initialisation sans normalisation. Chaque colonne de la figure est
# une couche, chaque ligne une initialisation.

# %% alt="Histogrammes des gradients d'un lot, par couche et initialisation ; nuls à poids nuls."
xb, yb = x_train[:BATCH_SIZE], y_train[:BATCH_SIZE]
first_step = {}
fig, axes = plt.subplots(len(INITS), 3, figsize=(9, 7.5))
for row, init in enumerate(INITS):
    model = initialize(make_mlp(hidden=HIDDEN), init)
    model.train()
    nn.functional.cross_entropy(model(xb), yb).backward()
    linear = [m for m in model if isinstance(m, nn.Linear)]
    first_step[init] = [m.weight.grad.norm().item() for m in linear]
    for col, m in enumerate(linear):
        ax = axes[row, col]
        ax.hist(m.weight.grad.flatten().numpy(force=True), bins=50, color=f"C{row}")
        ax.set_title(f"{init}, couche {col + 1}\nnorme {fr(first_step[init][col], 4)}", fontsize=10)
        ax.ticklabel_format(axis="x", style="sci", scilimits=(-2, 2))
fig.suptitle("Gradients des poids après un lot (sans normalisation par lots)")
fig.tight_layout()
plt.show()

# %% [markdown]
# *Figure 1. Histogrammes des gradients des poids des trois couches `Linear`, après un seul
# lot de 64 images. Une ligne par initialisation ; le titre de chaque case donne la norme
# du gradient.*
#
# Avec des poids nuls, chaque histogramme se réduit à une seule barre en 0. Voici pourquoi :
#
# 1. toutes les sorties de la première couche valent 0, et $\mathrm{ReLU}(0) = 0$ ;
# 2. il en va de même pour la deuxième couche, et la sortie du réseau ne dépend que des biais
#    de la dernière couche ;
# 3. le gradient des poids d'une couche est le produit de l'erreur qui revient de la couche
#    suivante par l'activation qui entre dans la couche : ici, l'un ou l'autre vaut 0 partout.
#
# Seuls les biais de la dernière couche reçoivent un gradient. Ils apprennent la fréquence de
# chaque classe, et rien d'autre. Vérifions-le sur les normes.

# %%
for init, norms in first_step.items():
    print(f"{init:<8} normes des gradients par couche : {' ; '.join(fr(n, 5) for n in norms)}")
zero_model = initialize(make_mlp(hidden=HIDDEN), "zeros")
nn.functional.cross_entropy(zero_model(xb), yb).backward()
bias_norm = zero_model[-1].bias.grad.norm().item()
print(f"Biais de sortie, poids nuls : norme du gradient {fr(bias_norm, 4)}")

# %% [markdown]
# ## L'expérience
#
# Six variantes : trois initialisations, avec et sans `BatchNorm1d`. Chaque essai dure
# 5 époques de SGD avec un pas de 0,01 et enregistre les histogrammes des poids et des
# gradients à chaque époque (`histograms=True`). Les dossiers s'appellent
# `runs/init_batchnorm/<initialisation>` ou `<initialisation>_bn`.

# %%
EPOCHS = 5
shutil.rmtree("runs/init_batchnorm", ignore_errors=True)  # repartir d'un dossier vide
records = []
for batchnorm in (False, True):
    for init in INITS:
        model = initialize(make_mlp(hidden=HIDDEN, batchnorm=batchnorm), init)
        optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
        run_dir = f"runs/init_batchnorm/{init}{'_bn' if batchnorm else ''}"
        records.append(
            train_model(model, optimizer, run_dir, EPOCHS, histograms=True, graph=not records)
        )

# %% [markdown]
# ## Les courbes

# %% alt="Exactitude de validation et pertes, 3 initialisations avec et sans normalisation."
plot_curves(records, "Initialisation et normalisation par lots (SGD, taux de 0,01)")

# %% [markdown]
# *Figure 2. Exactitude de validation (à gauche) et pertes (à droite, tirets pour
# l'entraînement) des six variantes. Les variantes à poids nuls restent à plat.*
#
# Dans TensorBoard, ouvrez l'onglet **Histograms** et comparez `gradients/0.weight` pour
# `zeros` et pour `kaiming` : une pointe immobile en 0 d'un côté, une distribution qui vit de
# l'autre.
#
# ## La norme des gradients pendant l'entraînement
#
# `train_model` a noté la norme du gradient de chaque couche au dernier lot de chaque
# époque. Comparons la première et la dernière couche, en moyenne sur les époques.

# %%
grad_table = {}
for r in records:
    norms = r["history"]["grad_norms"]
    layer_names = list(norms)  # couches Linear (et poids de BatchNorm de dimension 1 exclus)
    grad_table[r["variant"]] = [statistics.mean(norms[n]) for n in layer_names]
    first, last = grad_table[r["variant"]][0], grad_table[r["variant"]][-1]
    print(f"{r['variant']:<12} première couche {fr(first, 4):>8}, dernière couche {fr(last, 4):>8}")

# %% [markdown]
# ## Le tableau de comparaison

# %%
display(Markdown(comparison_table(records)))

# %% [markdown]
# L'interprétation suivante est calculée à partir des mesures.

# %%
by_name = {r["variant"]: r for r in records}
zeros_accuracy = max(by_name["zeros"]["test_accuracy"], by_name["zeros_bn"]["test_accuracy"])
learners = [r for r in records if not r["variant"].startswith("zeros")]
# Le choix se fait sur la validation : le test ne sert qu'à mesurer, jamais à choisir.
best = max(learners, key=lambda r: r["val_accuracy"])
best_init_accuracy = best["test_accuracy"]
bn_gain = {
    init: by_name[f"{init}_bn"]["val_accuracy"] - by_name[init]["val_accuracy"]
    for init in ("kaiming", "default")
}
bn_cost = statistics.mean(
    by_name[f"{i}_bn"]["seconds_per_epoch"] / by_name[i]["seconds_per_epoch"] - 1 for i in INITS
)
gains = " et ".join(
    f"{'+' if g >= 0 else ''}{points(g)} avec l'initialisation `{i}`" for i, g in bn_gain.items()
)
zero_runs = [by_name["zeros"], by_name["zeros_bn"]]
zero_norms = [norms for r in zero_runs for norms in r["history"]["grad_norms"].values()]
zero_grads = all(v == 0 for norms in zero_norms for v in norms)
chance = "le niveau du hasard sur 10 classes" if zeros_accuracy < 0.15 else "à peine mieux"
why = (
    "les gradients de tous les poids sont restés exactement nuls"
    if zero_grads
    else "les gradients des poids sont restés très faibles"
)
conclusion = (
    f"Avec des poids nuls, le réseau reste à {pct(by_name['zeros']['test_accuracy'])} "
    f"d'exactitude de test sans normalisation et à {pct(by_name['zeros_bn']['test_accuracy'])} "
    f"avec{NBSP}: {chance}, car {why}. Sur la validation, la meilleure variante est "
    f"`{best['variant']}` ({pct(best['val_accuracy'])}{NBSP}; {pct(best['test_accuracy'])} sur "
    f"le test, mesuré une seule fois). La normalisation par lots change l'exactitude de "
    f"validation de {gains}, "
    f"et allonge l'époque de {fr(100 * bn_cost, 0)}{NBSP}% en moyenne."
)
display(Markdown(conclusion))

# %% [markdown]
# La normalisation par lots ne sauve pas les poids nuls : elle normalise des valeurs toutes
# égales à 0, qui restent 0. Ce qu'il faut briser, c'est la **symétrie** entre neurones, et
# seul un tirage aléatoire des poids le fait. L'exercice 1 le montre.

# %%
save_results(6, "Initialisation et normalisation par lots, réseau à 3 couches", records, conclusion)

# %% [markdown]
# ## Récapitulatif
#
# - Des poids tous nuls donnent des gradients de poids nuls : le réseau n'apprend que ses
#   biais de sortie et reste au niveau du hasard.
# - Kaiming normal tire des poids dont la variance préserve le signal à travers les couches ReLU.
# - `BatchNorm1d`, placé avant l'activation, normalise chaque neurone sur le lot ;
#   il coûte un peu de temps par époque.
# - Les histogrammes de gradients, dans TensorBoard ou matplotlib, montrent d'un coup d'œil
#   une couche qui n'apprend pas.

# %% [markdown]
# ## Exercices
#
# ### Exercice 1 : la symétrie
#
# Des poids nuls ne sont pas le seul piège : des poids tous **égaux** bloquent aussi
# l'apprentissage. Initialisez les deux couches cachées avec la même constante, 0,01, et des
# biais nuls ; gardez l'initialisation par défaut pour la couche de sortie. Après un lot,
# le gradient de la première couche n'est pas nul. Vérifiez pourtant que toutes ses lignes sont
# identiques : les 128 neurones reçoivent la même mise à jour et resteront des copies les uns
# des autres.

# %%
# Solution
constant = make_mlp(hidden=HIDDEN)
for layer in list(constant)[:-1]:  # toutes les couches Linear sauf la sortie
    if isinstance(layer, nn.Linear):
        nn.init.constant_(layer.weight, 0.01)
        nn.init.zeros_(layer.bias)
nn.functional.cross_entropy(constant(xb), yb).backward()
grad = constant[0].weight.grad
print(f"Norme du gradient de la première couche : {fr(grad.norm().item(), 4)}")
print(f"Toutes les lignes identiques : {torch.allclose(grad, grad[:1].expand_as(grad))}")

# %% [markdown]
# ### Exercice 2 : l'échelle des activations
#
# Faites passer les 6 000 images de validation dans le réseau à trois couches, sans
# normalisation, pour les initialisations Kaiming et par défaut. Affichez l'écart-type des
# sorties de chaque couche `Linear`. Laquelle des deux initialisations conserve le mieux
# l'échelle du signal ?

# %%
# Solution
for init in ("kaiming", "default"):
    model = initialize(make_mlp(hidden=HIDDEN), init)
    signal, stds = x_val, []
    with torch.no_grad():
        for layer in model:
            signal = layer(signal)
            if isinstance(layer, nn.Linear):
                stds.append(fr(signal.std().item(), 3))
    print(f"{init:<8} écart-type après chaque couche Linear : {', '.join(stds)}")

# %% [markdown]
# ## Testez-vous
#
# Six questions sur l'initialisation des poids et la normalisation par lots : répondez avant de
# déplier les explications, chaque choix a la sienne.
#
# !!! quiz "Des poids tous nuls"
#     Tous les poids et tous les biais du réseau à trois couches valent 0. Après un premier lot,
#     quels paramètres ont reçu un gradient non nul ?
#
#     - [ ] Tous les poids, chaque neurone d'une couche recevant le même gradient.
#       C'est ce qui arrive à la première couche quand ses poids valent tous une même constante
#       non nulle (exercice 1). À zéro, les activations cachées sont nulles, et le gradient des
#       poids avec elles.
#     - [ ] Les poids de la première couche seulement.
#       Leur gradient est le produit de l'erreur qui revient de la couche suivante, nulle puisque
#       ses poids sont nuls, par l'entrée de la couche.
#     - [x] Les biais de la dernière couche, et eux seuls.
#       La sortie du réseau ne dépend que d'eux : ils apprennent la fréquence de chaque classe,
#       et rien d'autre.
#     - [ ] Aucun : le réseau ne calcule aucun gradient.
#       La perte n'est pas à son minimum : les logits nuls donnent la même probabilité à chaque
#       classe, et les biais de sortie reçoivent un gradient.
#
# !!! quiz "La normalisation face aux poids nuls"
#     Pourquoi `BatchNorm1d` ne sauve-t-il pas un réseau aux poids nuls ?
#
#     - [ ] Parce qu'il est placé après l'activation.
#       Dans `make_mlp`, il est placé avant l'activation ; sa place n'y changerait rien, les
#       valeurs restent nulles.
#     - [x] Il normalise des valeurs toutes égales à 0, qui restent 0.
#       La moyenne du lot vaut 0 et chaque valeur moins cette moyenne aussi : rien ne distingue
#       les neurones, la symétrie demeure.
#     - [ ] Parce que les lots de 64 images sont trop petits pour lui.
#       La taille du lot n'est pas en cause : même sur un grand lot, des valeurs toutes nulles
#       ont une moyenne nulle.
#
# !!! quiz "Des poids tous égaux"
#     Dans l'exercice 1, les deux couches cachées partent de poids tous égaux à 0,01, la couche
#     de sortie de poids aléatoires. Que devient la première couche ?
#
#     - [ ] Son gradient est nul, comme avec des poids nuls.
#       Les activations ne sont plus nulles : le gradient de la première couche n'est pas nul.
#     - [ ] Chaque neurone reçoit un gradient différent, grâce à la couche de sortie aléatoire.
#       La deuxième couche, aux poids tous égaux, renvoie la même erreur à chaque neurone de la
#       première : le tutoriel vérifie que les lignes sont identiques.
#     - [ ] Ajouter `BatchNorm1d` suffirait à différencier ses neurones.
#       Des neurones identiques ont la même moyenne et la même variance sur le lot : normalisés
#       de la même façon, ils restent identiques.
#     - [x] Son gradient a des lignes identiques : ses 128 neurones restent des copies.
#       Des neurones identiques reçoivent la même mise à jour : seul un tirage aléatoire des
#       poids brise cette symétrie.
#
# !!! quiz "L'écart-type de Kaiming"
#     Avec l'initialisation Kaiming normale, quel écart-type ont les poids de la première couche,
#     qui reçoit 784 entrées ?
#
#     - [ ] 2 / 784
#       C'est la variance des poids ; l'écart-type en est la racine.
#     - [x] La racine de 2 / 784.
#       Un peu plus de 0,05. L'écart-type vaut la racine du quotient de 2 par le nombre
#       d'entrées : la variance du signal se conserve d'une couche ReLU à la suivante.
#     - [ ] La racine de 2 / 128.
#       La formule utilise le nombre d'entrées de la couche, 784, pas son nombre de neurones.
#     - [ ] 1 / 28, la racine de 1 / 784.
#       C'est la borne de la loi uniforme de l'initialisation par défaut de PyTorch, pas
#       l'écart-type de Kaiming.
#
# !!! quiz "La normalisation en mode évaluation"
#     En mode évaluation, quelles statistiques `BatchNorm1d` utilise-t-il pour normaliser ?
#
#     - [ ] La moyenne et la variance du lot en cours.
#       C'est ce qu'il fait en mode entraînement. En évaluation, la prédiction d'une image
#       dépendrait alors des autres images du lot.
#     - [ ] Aucune : en mode évaluation, la couche laisse passer les valeurs telles quelles.
#       C'est le dropout qui ne fait rien en mode évaluation ; la normalisation par lots continue
#       de normaliser, avec ses statistiques mémorisées.
#     - [x] Des moyennes glissantes, mémorisées pendant l'entraînement.
#       Celles de la moyenne et de la variance des lots vus. La prédiction d'une image ne dépend
#       ainsi que d'elle, quelle que soit la taille ou la composition du lot.
#
# !!! quiz "Une pointe immobile en 0"
#     Dans TensorBoard, l'histogramme `gradients/0.weight` d'un essai reste une pointe en 0,
#     époque après époque. Que concluez-vous ?
#
#     - [ ] Le réseau a convergé : il n'a plus rien à apprendre.
#       Même près d'un minimum, les gradients d'un lot ne sont pas exactement nuls, car chaque
#       lot est différent ; une pointe en 0 dès le début signale une couche bloquée.
#     - [x] La première couche n'apprend pas : ses poids ne bougent pas.
#       C'est ce que montrent les variantes à poids nuls : un gradient nul ne déplace aucun
#       poids, et la couche reste figée.
#     - [ ] TensorBoard n'a pas reçu les gradients de cette couche.
#       Sans données, l'histogramme n'apparaîtrait pas du tout ; une pointe en 0 est une mesure,
#       celle de gradients nuls.

# %% [markdown]
# ## Pour aller plus loin
#
# - He et coll., [Delving Deep into Rectifiers][he] (2015) : l'article de l'initialisation
#   Kaiming.
# - Ioffe et Szegedy, [Batch Normalization][ioffe] (2015) : l'article de la normalisation
#   par lots.
# - [`torch.nn.init`][init-doc] : toutes les initialisations de PyTorch.
# - [Le rapport de l'atelier](../atelier/rapport.md) rassemble les tableaux des six axes.
#
# [he]: https://arxiv.org/abs/1502.01852
# [ioffe]: https://arxiv.org/abs/1502.03167
# [init-doc]: https://docs.pytorch.org/docs/stable/nn.init.html
