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
#     titre: Atelier 5 — Les hyperparamètres
#     description: Régler couches, neurones et pas par une grille, puis valider par k plis.
#     niveau: intermédiaire
#     duree: 1 h
#     prerequis:
#     - Atelier 1 — La référence et la mesure commune
#     - Atelier 3 — Les optimiseurs
#     gpu: Utile pour une grille plus grande ; le CPU d'un portable suffit pour celle-ci.
#     metriques:
#     - nom: best_config_val_accuracy
#       libelle: Exactitude de validation de la meilleure configuration
#       unite: pourcentage
#       min: 0.85
#     - nom: cv_mean_accuracy
#       libelle: Exactitude moyenne de la validation croisée
#       unite: pourcentage
#       min: 0.84
#     - nom: cv_std_accuracy
#       libelle: Écart-type de la validation croisée
#       unite: points
#       max: 0.02
#     resultats:
#     - resultats/axe_5.json
# ---

# %% [markdown]
# # Atelier 5 — Les hyperparamètres
#
# Un **hyperparamètre** est un réglage que l'entraînement n'apprend pas : le nombre de couches,
# le nombre de neurones par couche, le taux d'apprentissage, la façon dont ce taux évolue.
# C'est à vous de les choisir, en mesurant.
#
# La méthode la plus simple est la **recherche en grille** (*grid search*) : on essaie toutes
# les combinaisons de quelques valeurs et on garde la meilleure sur le jeu de validation.
# Une seule validation peut cependant avoir de la chance. La **validation croisée**
# (*k-fold cross-validation*) répète l'entraînement sur plusieurs découpages pour estimer
# la dispersion du résultat.

# %% [markdown]
# ## Objectifs
#
# À la fin de ce notebook, vous saurez :
#
# - organiser une recherche en grille, avec un dossier TensorBoard par configuration ;
# - utiliser un calendrier du taux d'apprentissage (*learning-rate schedule*) ;
# - mesurer l'effet moyen de chaque hyperparamètre sur l'exactitude et sur le temps ;
# - estimer la dispersion d'un résultat par validation croisée à k plis.
#
# ## Prérequis
#
# - [L'atelier 1](10_atelier_reference.ipynb) : la mesure commune et la référence.
# - [L'atelier 3](12_atelier_optimiseurs.ipynb) : SGD et le taux d'apprentissage.

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
# ## La grille
#
# Quatre hyperparamètres, deux valeurs chacun, soit $2^4 = 16$ configurations :
#
# - le nombre de **couches cachées** : 1 ou 2 ;
# - le nombre de **neurones** par couche cachée : 64 ou 256 ;
# - le **taux d'apprentissage** de SGD : 0,01 ou 0,1 ;
# - le **calendrier** du taux : constant, ou décroissant selon un cosinus.
#
# Le calendrier en cosinus (`CosineAnnealingLR`) part du taux choisi $\eta_0$ et le fait
# décroître vers zéro au fil des $T$ époques : après $t$ époques, le taux vaut
# $\eta_t = \tfrac{\eta_0}{2}\left(1 + \cos \tfrac{\pi t}{T}\right)$.
# De grands pas au début pour avancer vite, des pas de plus en plus petits ensuite
# pour se stabiliser.
#
# Chaque configuration s'entraîne 5 époques : la grille entière tient ainsi en quelques minutes
# sur un CPU. Les classements seraient peut-être différents après plus d'époques ; c'est une
# limite à garder en tête.

# %%
import itertools

EPOCHS = 5
GRID = {
    "lr": [0.01, 0.1],
    "layers": [1, 2],
    "units": [64, 256],
    "schedule": ["constant", "cosine"],
}
configs = [dict(zip(GRID, values, strict=True)) for values in itertools.product(*GRID.values())]


def config_name(c):
    """Nom du dossier TensorBoard : il dit toute la configuration."""
    return f"lr{c['lr']}_layers{c['layers']}_units{c['units']}_{c['schedule']}"


print(f"{len(configs)} configurations de {EPOCHS} époques, par exemple {config_name(configs[0])}")

# %% [markdown]
# La fonction suivante entraîne une configuration. Elle crée le réseau, l'optimiseur SGD et,
# si besoin, le calendrier ; le reste passe par `train_model`, comme dans tous les axes.
# Le paramètre `data` permet de choisir d'autres découpages, ce qui servira pour la
# validation croisée.


# %%
def run_config(config, run_dir, data=None, graph=False):
    """Entraîne une configuration de la grille et renvoie son enregistrement."""
    model = make_mlp(hidden=(config["units"],) * config["layers"])
    optimizer = torch.optim.SGD(model.parameters(), lr=config["lr"])
    scheduler = None
    if config["schedule"] == "cosine":
        scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=EPOCHS)
    record = train_model(model, optimizer, run_dir, EPOCHS, scheduler, data=data, graph=graph)
    record["config"] = config
    return record


# %% [markdown]
# ## La recherche en grille
#
# Chaque configuration écrit son journal dans `runs/tuning/<configuration>`. Dans TensorBoard,
# l'onglet *Scalars* superpose alors les 16 courbes ; le champ de filtre (par exemple
# `lr0.1`) n'en garde qu'une partie.

# %%
shutil.rmtree("runs/tuning", ignore_errors=True)  # repartir d'un dossier vide
grid_start = time.perf_counter()
records = [
    run_config(c, f"runs/tuning/{config_name(c)}", graph=i == 0) for i, c in enumerate(configs)
]
grid_seconds = time.perf_counter() - grid_start
print(f"Grille complète : {fr(grid_seconds, 0)} s")

# %% [markdown]
# ## Le classement
#
# Trions les configurations par exactitude de **validation** : c'est elle qui sert à choisir.
# Le test reste une mesure finale, que l'on ne regarde pas pour décider.

# %%
records.sort(key=lambda r: r["val_accuracy"], reverse=True)
display(Markdown(comparison_table(records)))

# %% [markdown]
# Le même classement en image : une barre par configuration, colorée selon le taux
# d'apprentissage.

# %% alt="Barres : exactitude de validation de chaque configuration de la grille, triées."
fig, ax = plt.subplots(figsize=(9, 5.5))
names = [r["variant"] for r in records][::-1]
values = [100 * r["val_accuracy"] for r in records][::-1]
colors = ["tab:orange" if r["config"]["lr"] == 0.1 else "tab:blue" for r in records][::-1]
ax.barh(names, values, color=colors)
ax.set_xlim(min(values) - 2, max(values) + 1)
ax.set(xlabel="Exactitude de validation (%)", title="Recherche en grille (orange : taux de 0,1)")
ax.grid(alpha=0.3, axis="x")
fig.tight_layout()
plt.show()

# %% [markdown]
# *Figure 1. Exactitude de validation des 16 configurations après 5 époques, de la meilleure
# (en haut) à la moins bonne. En orange, un taux d'apprentissage de 0,1 ; en bleu, de 0,01.*
#
# ## L'effet moyen de chaque hyperparamètre
#
# Pour chaque hyperparamètre, comparons la moyenne des 8 configurations qui prennent
# la première valeur à celle des 8 qui prennent la seconde. C'est l'**effet moyen**
# de ce réglage sur la grille, en exactitude et en temps par époque.

# %%
effects = {}
for key, (low, high) in GRID.items():
    group = {v: [r for r in records if r["config"][key] == v] for v in (low, high)}
    acc = {v: statistics.mean(r["val_accuracy"] for r in rs) for v, rs in group.items()}
    sec = {v: statistics.mean(r["seconds_per_epoch"] for r in rs) for v, rs in group.items()}
    effects[key] = {"from": low, "to": high, "accuracy": acc[high] - acc[low]}
    effects[key]["seconds"] = sec[high] / sec[low] - 1
    print(
        f"{key:<9} {low} → {high} : {points(effects[key]['accuracy'], 2):>13} "
        f"d'exactitude, {fr(100 * effects[key]['seconds'], 0):>4} % de temps par époque"
    )

# %% [markdown]
# ## La validation croisée de la meilleure configuration
#
# La meilleure configuration a gagné sur **un** découpage entraînement/validation.
# Avec un autre découpage, son exactitude aurait été un peu différente. Pour estimer de combien,
# la validation croisée à $k$ plis découpe les 60 000 images d'entraînement en $k$ parts :
# chaque part sert une fois de validation, les $k - 1$ autres servent à l'entraînement.
# Nous prenons $k = 5$ : cinq entraînements sur 48 000 images, validés sur 12 000.
# Le jeu de test n'intervient pas.

# %%
K = 5
best = records[0]
folds = torch.randperm(len(labels), generator=torch.Generator().manual_seed(SEED)).to(device)
folds = folds.chunk(K)
shutil.rmtree("runs/tuning_cv", ignore_errors=True)
cv_records = []
for k in range(K):
    train_index = torch.cat([f for j, f in enumerate(folds) if j != k])
    data = (images[train_index], labels[train_index], images[folds[k]], labels[folds[k]])
    cv_records.append(run_config(best["config"], f"runs/tuning_cv/fold{k + 1}", data=data))

fold_accuracies = [r["val_accuracy"] for r in cv_records]
cv_mean_accuracy = statistics.mean(fold_accuracies)
cv_std_accuracy = statistics.stdev(fold_accuracies)
print(f"Configuration : {best['variant']}")
print(f"Exactitude de validation des {K} plis : {', '.join(pct(a, 2) for a in fold_accuracies)}")
print(f"Moyenne {pct(cv_mean_accuracy, 2)}, écart-type {points(cv_std_accuracy, 2)}")

# %% [markdown]
# Comparons cette dispersion à l'écart qui sépare les meilleures configurations de la grille.

# %% alt="Les 5 meilleures configurations (points), les plis de la meilleure (croix) et leur bande."
fig, ax = plt.subplots(figsize=(8, 3))
top = records[:5]
ax.scatter([100 * r["val_accuracy"] for r in top], [r["variant"] for r in top], color="tab:blue")
ax.scatter([100 * a for a in fold_accuracies], [best["variant"]] * K, marker="x", color="k")
ax.axvspan(
    100 * (cv_mean_accuracy - cv_std_accuracy),
    100 * (cv_mean_accuracy + cv_std_accuracy),
    color="gray",
    alpha=0.2,
)
ax.invert_yaxis()
ax.set(xlabel="Exactitude de validation (%)", title="Les 5 meilleures configurations et les plis")
ax.grid(alpha=0.3, axis="x")
fig.tight_layout()
plt.show()

# %% [markdown]
# *Figure 2. Points bleus : exactitude de validation des cinq meilleures configurations de
# la grille. Croix noires : les cinq plis de la validation croisée de la meilleure. Bande grise :
# moyenne des plis plus ou moins un écart-type.*
#
# Regardez aussi où tombe le point bleu de la meilleure configuration par rapport à ses propres
# plis. Le gagnant d'une grille est souvent un peu optimiste : parmi 16 mesures bruitées, on a
# retenu la plus haute, qui a pu profiter d'un découpage favorable.

# %% [markdown]
# ## Le bilan de l'axe
#
# L'interprétation suivante est calculée à partir des mesures.

# %%
best_config_val_accuracy = best["val_accuracy"]
main = max(effects, key=lambda k: abs(effects[k]["accuracy"]))
margin = records[0]["val_accuracy"] - records[1]["val_accuracy"]
if margin < cv_std_accuracy:
    verdict = (
        f"inférieur à l'écart-type de la validation croisée ({fr(100 * cv_std_accuracy, 2)}"
        f"{NBSP}point){NBSP}: sur un autre découpage, le classement de tête pourrait s'inverser"
    )
else:
    verdict = (
        f"supérieur à l'écart-type de la validation croisée ({fr(100 * cv_std_accuracy, 2)}"
        f"{NBSP}point){NBSP}: la première place est plus solide"
    )
conclusion = (
    f"Sur {len(records)} configurations de {EPOCHS} époques, la meilleure exactitude de "
    f"validation revient à `{best['variant']}` ({pct(best['val_accuracy'])}, "
    f"{pct(best['test_accuracy'])} sur le test). L'hyperparamètre le plus influent en moyenne "
    f"est `{main}`{NBSP}: passer de {str(effects[main]['from']).replace('.', ',')} à "
    f"{str(effects[main]['to']).replace('.', ',')} "
    f"change l'exactitude de {points(effects[main]['accuracy'], 2)}. "
    f"La validation croisée à {K}{NBSP}plis de cette configuration donne "
    f"{pct(cv_mean_accuracy, 2)} en moyenne, avec un écart-type de "
    f"{fr(100 * cv_std_accuracy, 2)}{NBSP}point. L'écart entre les deux premières "
    f"configurations de la grille ({fr(100 * margin, 2)}{NBSP}point) est {verdict}."
)
display(Markdown(conclusion))

# %%
save_results(
    5,
    f"Hyperparamètres{NBSP}: grille de {len(records)} configurations et validation croisée",
    records,
    conclusion,
    figure="grid",
    ranking="validation",  # le choix se fait sur la validation, pas sur le test
    cross_validation={
        "config": best["variant"],
        "k": K,
        "mean": cv_mean_accuracy,
        "std": cv_std_accuracy,
        "runs": cv_records,
    },
)

# %% [markdown]
# ## Récapitulatif
#
# - Une recherche en grille essaie toutes les combinaisons ; son coût est le produit des
#   nombres de valeurs, d'où l'intérêt d'une grille petite et de peu d'époques au départ.
# - On choisit sur la validation, jamais sur le test.
# - Un dossier TensorBoard par configuration, nommé d'après elle, rend la grille lisible.
# - L'effet moyen d'un hyperparamètre est l'écart entre la moyenne des configurations qui
#   prennent l'une de ses valeurs et celle des configurations qui prennent l'autre.
# - La validation croisée à k plis estime la dispersion d'un résultat : un écart plus petit
#   que cette dispersion ne permet pas de départager deux configurations.

# %% [markdown]
# ## Exercices
#
# ### Exercice 1 : le coût d'une grille plus fine
#
# Vous voulez essayer trois valeurs par hyperparamètre au lieu de deux, et 20 époques au lieu
# de 5. À partir du temps par époque moyen mesuré sur la grille, estimez la durée totale
# sur cette machine.

# %%
# Solution
mean_epoch = statistics.mean(r["seconds_per_epoch"] for r in records)
n_configs = 3 ** len(GRID)
estimate = n_configs * 20 * mean_epoch
print(f"{n_configs} configurations × 20 époques × {fr(mean_epoch)} s ≈ {fr(estimate / 60, 0)} min")

# %% [markdown]
# Le nombre de configurations est le nombre de valeurs élevé à la puissance du nombre
# d'hyperparamètres : il croît exponentiellement avec le nombre d'hyperparamètres. Au-delà de
# quelques-uns, on préfère une **recherche aléatoire** : tirer au hasard un nombre fixé de
# configurations dans les intervalles choisis.
#
# ### Exercice 2 : exactitude par seconde
#
# La meilleure exactitude n'est pas toujours le meilleur choix si le temps compte.
# Classez les configurations de la grille par exactitude de validation gagnée par seconde
# d'entraînement (exactitude divisée par le temps total des 5 époques), et affichez les trois
# premières.


# %%
# Solution
def accuracy_per_second(r):
    return r["val_accuracy"] / (r["seconds_per_epoch"] * r["epochs"])


for r in sorted(records, key=accuracy_per_second, reverse=True)[:3]:
    print(f"{r['variant']:<36} {pct(r['val_accuracy'])} en {fr(r['seconds_per_epoch'])} s/époque")

# %% [markdown]
# ## Testez-vous
#
# Sept questions sur la recherche en grille et la validation croisée : répondez avant de déplier
# les explications, chaque choix a la sienne.
#
# !!! quiz "La taille d'une grille"
#     La grille du tutoriel essaie deux valeurs pour chacun de ses quatre hyperparamètres. Avec
#     trois valeurs pour chacun, combien de configurations faudrait-il entraîner ?
#
#     - [ ] 12
#       C'est 3 × 4 : on additionnerait les valeurs au lieu de les combiner. Chaque valeur d'un
#       hyperparamètre se combine avec toutes celles des autres.
#     - [ ] 16
#       C'est la grille actuelle, 2 × 2 × 2 × 2 : une valeur de plus par hyperparamètre multiplie
#       le nombre de configurations par plus de cinq.
#     - [ ] 64
#       C'est 4 × 4 × 4 : la base et l'exposant sont inversés.
#     - [x] 81
#       3 × 3 × 3 × 3 : le nombre de valeurs élevé à la puissance du nombre d'hyperparamètres.
#
# !!! quiz "Le calendrier en cosinus"
#     Avec `CosineAnnealingLR`, le taux après *t* époques sur *T* vaut le taux initial multiplié
#     par (1 + cos(π *t* / *T*)) / 2. Que vaut-il au milieu de l'entraînement, pour *t* = *T* /
#     2 ?
#
#     - [ ] Le taux initial.
#       C'est sa valeur au départ, pour *t* = 0, quand le cosinus vaut 1 : (1 + 1) / 2 = 1.
#     - [x] La moitié du taux initial.
#       Le cosinus de π / 2 vaut 0 : il reste (1 + 0) / 2 = 1/2. De grands pas au début, des pas
#       de plus en plus petits ensuite.
#     - [ ] Zéro.
#       C'est sa valeur à la fin, pour *t* = *T*, quand le cosinus vaut −1 : (1 − 1) / 2 = 0.
#
# !!! quiz "Classer sur la validation"
#     Les configurations sont triées par exactitude de validation, et non par exactitude de test.
#     Pourquoi ?
#
#     - [ ] Parce que le jeu de validation est plus grand que le jeu de test.
#       C'est l'inverse dans l'atelier : 6 000 images de validation, 10 000 de test. La taille
#       n'est pas la raison.
#     - [ ] Parce que l'exactitude de test n'est calculée qu'après le classement.
#       `train_model` mesure le test à la fin de chaque essai : il est disponible, c'est à vous
#       de ne pas vous en servir pour choisir.
#     - [x] Pour que le test reste une mesure honnête de la configuration choisie.
#       Parmi seize configurations, celle qui réussit le mieux sur le test y a aussi profité du
#       hasard : choisie ainsi, son score de test serait trop optimiste.
#
# !!! quiz "L'effet moyen d'un hyperparamètre"
#     Comment le tutoriel calcule-t-il l'effet moyen du taux d'apprentissage sur la grille ?
#
#     - [ ] L'écart entre la meilleure et la moins bonne configuration de la grille.
#       Ces deux configurations diffèrent souvent par plusieurs hyperparamètres : leur écart ne
#       peut pas être attribué au seul taux.
#     - [x] L'écart entre la moyenne des 8 configurations à 0,1 et celle des 8 à 0,01.
#       Chaque moitié de la grille contient les mêmes combinaisons des trois autres
#       hyperparamètres : leur effet se compense dans l'écart.
#     - [ ] L'écart entre deux configurations qui ne diffèrent que par le taux.
#       C'est un seul des huit couples possibles : l'effet moyen fait la moyenne sur toute la
#       grille.
#
# !!! quiz "La validation croisée à cinq plis"
#     Quelles affirmations décrivent la validation croisée du tutoriel ?
#
#     - [ ] Le jeu de test forme l'un des cinq plis.
#       Le test n'intervient pas : la validation croisée ne découpe que les images
#       d'entraînement.
#     - [x] Chaque image d'entraînement sert une fois, et une seule, à la validation.
#       Les 60 000 images sont réparties en cinq parts ; chaque part sert de validation à l'un
#       des cinq entraînements.
#     - [ ] Les cinq entraînements partent de configurations différentes.
#       C'est la même configuration, la meilleure de la grille, entraînée cinq fois : seul le
#       découpage change.
#     - [x] Chaque entraînement apprend sur 48 000 images et se valide sur 12 000.
#       Quatre parts de 12 000 images pour apprendre, la cinquième pour valider.
#
# !!! quiz "Départager les deux premières"
#     L'écart d'exactitude entre les deux premières configurations de la grille est plus petit
#     que l'écart-type mesuré par la validation croisée. Que conclure ?
#
#     - [x] Elles ne sont pas départagées : leur ordre pourrait s'inverser.
#       Sur un autre découpage, l'écart pourrait changer de signe : plus petit que la dispersion
#       du résultat, il reste dans le bruit de la mesure.
#     - [ ] La première est meilleure : elle a la plus haute exactitude de validation.
#       Sur un seul découpage, oui ; mais la dispersion entre découpages est plus grande que cet
#       écart.
#     - [ ] La validation croisée a échoué : son écart-type devrait être nul.
#       Chaque pli valide sur d'autres images : les exactitudes diffèrent forcément un peu, et
#       c'est ce que mesure l'écart-type.
#
# !!! quiz "Le gagnant d'une grille"
#     Pourquoi l'exactitude de validation de la configuration gagnante est-elle souvent un peu
#     optimiste ?
#
#     - [ ] Parce qu'elle a été entraînée plus longtemps que les autres.
#       Toutes les configurations de la grille s'entraînent cinq époques.
#     - [ ] Parce que sa validation contient des images de test.
#       Le découpage est le même pour toutes, et le test en reste séparé : le biais vient du
#       choix, pas des données.
#     - [x] On a retenu la plus haute de seize mesures bruitées.
#       Elle a pu profiter d'un découpage favorable. Choisir le maximum de plusieurs mesures
#       bruitées sélectionne aussi leur part de chance : la validation croisée de cette
#       configuration la ramène vers une valeur plus juste.

# %% [markdown]
# ## Pour aller plus loin
#
# - [How to adjust learning rate][schedulers] : les calendriers du taux d'apprentissage de
#   PyTorch, dont `CosineAnnealingLR`.
# - Bergstra et Bengio, [Random Search for Hyper-Parameter Optimization][bergstra] (2012) :
#   pourquoi la recherche aléatoire bat souvent la grille.
# - [Cross-validation][sklearn-cv] : le guide de scikit-learn, très clair sur les plis et leurs
#   variantes.
# - L'atelier continue avec [la normalisation par lots et
#   l'initialisation](15_atelier_batchnorm_init.ipynb).
#
# [schedulers]: https://docs.pytorch.org/docs/stable/optim.html#how-to-adjust-learning-rate
# [bergstra]: https://jmlr.org/papers/v13/bergstra12a.html
# [sklearn-cv]: https://scikit-learn.org/stable/modules/cross_validation.html
