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
#     titre: Atelier 4 — Le dropout
#     description: Mesurer l'effet d'un dropout de 0,5 sur les pertes (entraînement, validation).
#     niveau: intermédiaire
#     duree: 40 min
#     prerequis:
#     - Atelier 1 — La référence et la mesure commune
#     - Le surapprentissage (entraînement, validation, régularisation)
#     gpu: Inutile, le CPU d'un portable suffit ; sur GPU, le même code tourne sans modification.
#     metriques:
#     - nom: dropout_test_accuracy
#       libelle: Exactitude de test avec dropout
#       unite: pourcentage
#       min: 0.85
#     - nom: no_dropout_test_accuracy
#       libelle: Exactitude de test sans dropout
#       unite: pourcentage
#       min: 0.85
#     resultats:
#     - resultats/axe_4.json
# ---

# %% [markdown]
# # Atelier 4 — Le dropout
#
# Un réseau qui **surapprend** continue de s'améliorer sur ses images d'entraînement
# alors qu'il se dégrade sur des images qu'il n'a jamais vues. Le signe le plus net : la perte
# de validation remonte pendant que la perte d'entraînement descend.
#
# Le **dropout** est une technique de régularisation : pendant l'entraînement, chaque neurone
# caché est éteint au hasard avec une probabilité $p$. Le réseau ne peut plus compter sur un
# neurone précis et doit répartir ce qu'il apprend. Dans ce notebook, vous comparez le réseau
# de l'atelier avec et sans dropout de 0,5, placé après l'activation de la couche cachée.

# %% [markdown]
# ## Objectifs
#
# À la fin de ce notebook, vous saurez :
#
# - expliquer ce que fait `nn.Dropout` en mode entraînement et en mode évaluation ;
# - repérer le surapprentissage sur les courbes de perte d'entraînement et de validation ;
# - mesurer l'effet du dropout sur l'écart entre ces deux pertes, et sur l'exactitude ;
# - justifier le rôle du jeu de validation dans cette comparaison.
#
# ## Prérequis
#
# - [L'atelier 1](10_atelier_reference.ipynb) : la mesure commune et la référence.
# - Les notions d'entraînement, de validation et de surapprentissage.

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
# ## Le dropout sur un petit exemple
#
# Appliquons `nn.Dropout(0.5)` à un vecteur de huit 1. En mode entraînement (`train()`),
# environ la moitié des valeurs devient 0, et les autres sont multipliées par
# $1 / (1 - p) = 2$ : la moyenne reste la même en espérance. En mode évaluation (`eval()`),
# le dropout ne fait rien.

# %%
dropout = nn.Dropout(0.5)
ones = torch.ones(8)
torch.manual_seed(SEED)
dropout.train()
print(f"Mode entraînement : {dropout(ones).tolist()}")
dropout.eval()
print(f"Mode évaluation   : {dropout(ones).tolist()}")

# %% [markdown]
# C'est pour cela que `evaluate` appelle `model.eval()` avant de mesurer : les pertes et
# exactitudes de l'atelier sont toujours calculées sans dropout, sur le réseau complet.

# %% [markdown]
# ## L'expérience
#
# Pour voir le surapprentissage apparaître en peu d'époques, il faut un optimiseur qui apprend
# vite. Nous prenons donc Adam avec un pas de 0,001, présenté dans l'atelier 3, et 20 époques,
# deux fois plus que dans les autres axes.
#
# Les deux réseaux ont les mêmes poids initiaux (`nn.Dropout` n'a pas de paramètre) et voient
# les lots dans le même ordre. La seule différence est la couche `Dropout(p=0.5)`.

# %%
EPOCHS = 20
VARIANTS = {"no_dropout": 0.0, "dropout0.5": 0.5}
shutil.rmtree("runs/dropout", ignore_errors=True)  # repartir d'un dossier vide

records = []
for name, p in VARIANTS.items():
    model = make_mlp(dropout=p)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    records.append(train_model(model, optimizer, f"runs/dropout/{name}", EPOCHS, graph=p > 0))
print(model)

# %% [markdown]
# Le réseau affiché est le second, avec sa couche `Dropout` juste après `ReLU`.

# %% [markdown]
# ## Perte d'entraînement et perte de validation
#
# Traçons les deux pertes de chaque variante côte à côte. Rappel : les deux sont calculées
# en mode évaluation, sur 6 000 images d'entraînement et sur les 6 000 images de validation.

# %% alt="Pertes d'entraînement et de validation sans, puis avec dropout, et minimum de validation."
fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
for ax, r in zip(axes, records, strict=True):
    h = r["history"]
    epochs = range(1, len(h["val_loss"]) + 1)
    ax.plot(epochs, h["train_loss"], marker="o", markersize=3, label="entraînement")
    ax.plot(epochs, h["val_loss"], marker="o", markersize=3, label="validation")
    best_epoch = h["val_loss"].index(min(h["val_loss"])) + 1
    ax.axvline(best_epoch, color="gray", linestyle=":", label="minimum de validation")
    ax.set(title=r["variant"], xlabel="Époque")
    ax.grid(alpha=0.3)
    ax.legend()
axes[0].set_ylabel("Perte d'entropie croisée")
fig.suptitle("Dropout : pertes d'entraînement et de validation (Adam, taux de 0,001)")
fig.tight_layout()
plt.show()

# %% [markdown]
# *Figure 1. Pertes d'entraînement et de validation, sans dropout (à gauche) et avec un dropout
# de 0,5 (à droite). La ligne pointillée marque l'époque où la perte de validation est minimale.*
#
# Lisons ces courbes avec des chiffres : l'époque du minimum de validation, la remontée
# de la perte de validation depuis ce minimum, et l'écart final entre les deux pertes.

# %%
summary = {}
for r in records:
    h = r["history"]
    low = min(h["val_loss"])
    summary[r["variant"]] = {
        "best_epoch": h["val_loss"].index(low) + 1,
        "rise": h["val_loss"][-1] - low,
        "gap": h["val_loss"][-1] - h["train_loss"][-1],
    }
    s = summary[r["variant"]]
    print(
        f"{r['variant']:<11} minimum de validation à l'époque {s['best_epoch']:>2}, "
        f"remontée {fr(s['rise'], 3)}, écart final validation - entraînement {fr(s['gap'], 3)}"
    )

# %% [markdown]
# ## Les courbes d'exactitude

# %% alt="Exactitude de validation et pertes par époque, avec et sans dropout."
plot_curves(records, "Avec et sans dropout (Adam, taux de 0,001)")

# %% [markdown]
# *Figure 2. Exactitude de validation (à gauche) et pertes (à droite, tirets pour
# l'entraînement) des deux variantes.*
#
# ## Le tableau de comparaison

# %%
display(Markdown(comparison_table(records)))

# %% [markdown]
# L'interprétation suivante est calculée à partir des courbes et du tableau.

# %%
plain, dropped = records
no_dropout_test_accuracy = plain["test_accuracy"]
dropout_test_accuracy = dropped["test_accuracy"]
sp, sd = summary["no_dropout"], summary["dropout0.5"]
smaller = "plus petit" if sd["gap"] < sp["gap"] else "plus grand"
# La comparaison se fait sur la validation : le test ne sert qu'à mesurer, jamais à choisir.
if dropped["val_accuracy"] > plain["val_accuracy"]:
    accuracy_sentence = "Le dropout améliore l'exactitude de validation"
elif dropped["val_accuracy"] < plain["val_accuracy"]:
    accuracy_sentence = "Le dropout réduit l'exactitude de validation"
else:
    accuracy_sentence = "Les deux variantes ont la même exactitude de validation"
conclusion = (
    f"Sans dropout, la perte de validation atteint son minimum à l'époque {sp['best_epoch']} "
    f"puis remonte de {fr(sp['rise'], 3)} jusqu'à l'époque {EPOCHS}{NBSP}; avec un dropout de "
    f"0,5, son minimum arrive à l'époque {sd['best_epoch']} et la remontée est de "
    f"{fr(sd['rise'], 3)}. En fin d'entraînement, l'écart entre perte de validation et perte "
    f"d'entraînement vaut {fr(sp['gap'], 3)} sans dropout et {fr(sd['gap'], 3)} avec{NBSP}: "
    f"il est {smaller} avec dropout. {accuracy_sentence} ({pct(plain['val_accuracy'])} "
    f"sans, {pct(dropped['val_accuracy'])} avec){NBSP}; sur le test, mesuré une seule fois, "
    f"les deux variantes obtiennent {pct(plain['test_accuracy'])} et "
    f"{pct(dropped['test_accuracy'])}. Le temps par époque passe de "
    f"{fr(plain['seconds_per_epoch'])}{NBSP}s à {fr(dropped['seconds_per_epoch'])}{NBSP}s."
)
display(Markdown(conclusion))

# %% [markdown]
# Retenez la logique de la comparaison : le jeu de validation sert à décider (par exemple, à
# quelle époque s'arrêter), et le jeu de test reste réservé à la mesure finale. Arrêter
# l'entraînement au minimum de la perte de validation s'appelle l'**arrêt précoce**
# (*early stopping*), une autre régularisation.

# %%
save_results(
    4, "Dropout 0,5 après l'activation, avec et sans", records, conclusion, figure="losses"
)

# %% [markdown]
# ## Récapitulatif
#
# - `nn.Dropout(p)` éteint chaque valeur avec la probabilité $p$ en mode entraînement et
#   multiplie les autres par $1/(1-p)$ ; il ne fait rien en mode évaluation.
# - Le surapprentissage se lit sur la perte de validation qui remonte pendant que la perte
#   d'entraînement descend.
# - Le dropout réduit l'écart entre ces deux pertes ; son effet sur l'exactitude se mesure,
#   il ne se devine pas.
# - Comparer deux variantes exige les mêmes poids initiaux et le même ordre des lots.

# %% [markdown]
# ## Exercices
#
# ### Exercice 1 : la proportion de neurones éteints
#
# Passez un lot de 64 images de validation dans la première couche et l'activation du
# réseau avec dropout, en mode entraînement. Quelle proportion des sorties du `Dropout` vaut
# 0 ? Comparez-la à la proportion de zéros après ReLU seul, en mode évaluation.

# %%
# Solution
with torch.no_grad():
    hidden = model[1](model[0](x_val[:64]))  # Linear puis ReLU
    model.train()
    dropped_out = model[2](hidden)  # Dropout en mode entraînement
    model.eval()
relu_zeros = (hidden == 0).float().mean().item()
all_zeros = (dropped_out == 0).float().mean().item()
expected = relu_zeros + (1 - relu_zeros) * 0.5
print(f"Zéros après ReLU : {pct(relu_zeros)}, après ReLU et dropout : {pct(all_zeros)}")
print(f"Proportion attendue après dropout : {pct(expected)}")

# %% [markdown]
# Le dropout éteint chaque neurone avec une probabilité de 0,5, y compris ceux que ReLU avait
# déjà mis à 0. Si une part $z$ des sorties est nulle après ReLU, on attend donc une part
# $z + (1 - z)/2$ de zéros après le dropout : c'est la dernière ligne affichée, à comparer
# à la proportion observée.
#
# ### Exercice 2 : l'arrêt précoce
#
# Pour chaque variante, quelle exactitude de validation le réseau avait-il à l'époque
# où sa perte de validation était minimale ? Comparez-la à l'exactitude de la dernière époque.

# %%
# Solution
for r in records:
    h = r["history"]
    best_epoch = summary[r["variant"]]["best_epoch"]
    print(
        f"{r['variant']:<11} époque {best_epoch:>2} : {pct(h['val_accuracy'][best_epoch - 1])}, "
        f"dernière époque : {pct(h['val_accuracy'][-1])}"
    )

# %% [markdown]
# ## Testez-vous
#
# Six questions sur le dropout et sur la lecture des courbes de perte : répondez avant de déplier
# les explications, chaque choix a la sienne.
#
# !!! quiz "Huit 1 à travers le dropout"
#     En mode entraînement, `nn.Dropout(0.5)` reçoit un vecteur de huit 1. Quelles affirmations
#     sur sa sortie sont justes ?
#
#     - [ ] Exactement quatre valeurs valent 0.
#       Chaque valeur est éteinte indépendamment des autres, avec la probabilité 0,5 : le nombre
#       de zéros varie d'un tirage à l'autre.
#     - [x] Chaque valeur vaut 0 ou 2.
#       Une valeur éteinte devient 0 ; une valeur gardée est multipliée par 1 / (1 − *p*) = 2.
#     - [ ] Chaque valeur vaut 0 ou 1.
#       Ce serait oublier la remise à l'échelle : sans elle, la sortie serait en moyenne deux
#       fois plus petite qu'en mode évaluation.
#     - [x] En espérance, chaque valeur reste égale à 1.
#       Elle vaut 2 avec la probabilité 0,5 et 0 sinon : la moyenne attendue est celle de
#       l'entrée, d'où le facteur 2.
#
# !!! quiz "Des pertes mesurées en mode évaluation"
#     `evaluate` appelle `model.eval()` avant de mesurer, y compris pour la perte d'entraînement.
#     Que change cet appel pour le réseau avec dropout ?
#
#     - [ ] Le dropout éteint toujours la moitié des neurones, mais sans gradient.
#       `eval()` désactive le dropout ; c'est `torch.no_grad()` qui supprime le calcul des
#       gradients, et il ne change pas la sortie.
#     - [ ] Toutes les sorties sont multipliées par 0,5.
#       La remise à l'échelle se fait pendant l'entraînement, sur les valeurs gardées ; en mode
#       évaluation, la couche laisse tout passer tel quel.
#     - [x] Le dropout ne fait plus rien : la perte est celle du réseau complet.
#       La perte d'entraînement et la perte de validation sont alors mesurées sur le même réseau,
#       et restent comparables.
#
# !!! quiz "Reconnaître le surapprentissage"
#     Sur laquelle de ces descriptions de courbes reconnaissez-vous le surapprentissage ?
#
#     - [ ] Les deux pertes baissent ensemble, époque après époque, sans s'écarter.
#       Le réseau progresse sur les images qu'il voit comme sur les autres : il généralise
#       encore.
#     - [ ] Les deux pertes restent hautes et presque plates.
#       Un réseau qui n'apprend ni l'un ni l'autre jeu sous-apprend : le problème est ailleurs
#       (taux d'apprentissage, modèle, données).
#     - [x] La perte d'entraînement baisse pendant que celle de validation remonte.
#       Le réseau s'améliore sur ses images d'entraînement et se dégrade sur des images jamais
#       vues : c'est la signature du surapprentissage.
#
# !!! quiz "Pourquoi Adam et vingt époques"
#     Les autres axes entraînent dix époques de SGD ; celui-ci, vingt époques d'Adam. Pourquoi ?
#
#     - [ ] Parce que le dropout ne fonctionne pas avec SGD.
#       Le dropout agit sur les activations, quel que soit l'optimiseur ; le choix d'Adam sert
#       seulement à apprendre vite.
#     - [x] Pour voir le surapprentissage apparaître à temps.
#       Adam apprend vite, et vingt époques laissent au réseau sans dropout le temps de
#       surapprendre : sinon, le dropout n'aurait rien de visible à corriger.
#     - [ ] Parce qu'Adam régularise à la place du dropout.
#       Adam choisit la taille des pas ; il ne cherche pas à réduire l'écart entre entraînement
#       et validation.
#
# !!! quiz "Des zéros en plus"
#     Après ReLU, une part *z* des sorties de la couche cachée vaut déjà 0. Quelle part de zéros
#     attendez-vous après un dropout de 0,5, en mode entraînement ?
#
#     - [ ] 1/2
#       1/2 ne compte que les valeurs éteintes par le dropout. S'y ajoutent les zéros de ReLU que
#       le dropout a gardés, soit la moitié de *z*.
#     - [ ] *z* / 2
#       Le dropout n'allume aucune valeur : il ne peut qu'ajouter des zéros, jamais en retirer.
#     - [x] *z* + (1 − *z*) / 2
#       Les zéros de ReLU le restent, et le dropout éteint en plus la moitié des autres valeurs,
#       en moyenne.
#     - [ ] *z* + 1/2
#       Cette part dépasserait 1 dès que *z* dépasse 1/2 : le dropout n'éteint, en moyenne, que
#       la moitié des valeurs encore non nulles, soit (1 − *z*) / 2.
#
# !!! quiz "Quand s'arrêter"
#     Vous voulez appliquer l'arrêt précoce : garder les poids d'une époque plutôt que ceux de la
#     dernière. Sur quelle courbe choisissez-vous cette époque ?
#
#     - [ ] Celle de la perte d'entraînement, à son minimum.
#       Elle baisse presque jusqu'au bout : vous garderiez presque toujours la dernière époque,
#       la plus surapprise.
#     - [x] Celle de la perte de validation, à son minimum.
#       La validation sert à décider ; c'est là que la généralisation se mesure pendant
#       l'entraînement.
#     - [ ] Celle de l'exactitude sur le test, à son maximum.
#       Le test est réservé à la mesure finale : le consulter pour choisir une époque rendrait
#       cette mesure trop optimiste.

# %% [markdown]
# ## Pour aller plus loin
#
# - Srivastava et coll., [l'article de référence sur le dropout][srivastava] (2014), qui a
#   popularisé la méthode.
# - [`torch.nn.Dropout`][dropout-doc] : la documentation de la couche.
# - L'atelier continue avec [les hyperparamètres](14_atelier_hyperparametres.ipynb).
#
# [srivastava]: https://jmlr.org/papers/v15/srivastava14a.html
# [dropout-doc]: https://docs.pytorch.org/docs/stable/generated/torch.nn.Dropout.html
