"""Aucun tutoriel ne choisit son modèle sur le jeu de test.

Chaque tutoriel qui entraîne un modèle déclare son découpage dans la variable ``DATA_SPLIT``
(indices des images d'entraînement et de validation parmi les 60 000 images d'entraînement
officielles, nombre d'images de test). L'exécuteur (tools/execute.py) en range les tailles, le
recouvrement et une empreinte dans l'enregistrement ``build/notebooks/NN_slug.json``. On vérifie :

* que chaque tutoriel qui entraîne déclare son découpage (lecture du code) ;
* qu'aucun ne classe, ne compare ni ne valide des variantes sur le test (lecture du code) ;
* que les jeux enregistrés sont disjoints, sans doublon, pris parmi les 60 000 images
  d'entraînement, et que le test compte les 10 000 images officielles (enregistrements).

Chaque règle est aussi essayée sur une violation plantée, pour montrer qu'elle sait échouer.
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import ROOT, tutorial_names
from test_execute import write_tutorial

from tools import execute, shared_code

N_TRAIN_POOL = 60_000  # images d'entraînement officielles de Fashion-MNIST
N_TEST = 10_000  # images de test officielles
# Un tutoriel entraîne un modèle s'il rétropropage, appelle fit ou applique des gradients.
TRAINS = re.compile(r"\.backward\(|\.fit\(|apply_gradients\(|\bsgd_epoch\(|\btrain_model\(")
# Choisir sur le test : classer des essais, passer le test comme validation, arrêter tôt sur lui.
SELECTION_ON_TEST = [
    (
        re.compile(r"\b(?:sorted|max|min)\([^\n]*key=lambda \w+: \w+\[[\"']test_"),
        "classe des essais sur leur exactitude de test",
    ),
    (
        re.compile(r"\[[\"']test_\w*[\"']\]\s*[<>]=?\s*\w+\[[\"']test_"),
        "compare deux variantes sur le test",
    ),
    (re.compile(r"validation_data\s*=\s*\(?\s*[\w.]*test"), "passe le test comme validation"),
    (re.compile(r"EarlyStopping\([^)]*test"), "arrête l'entraînement en regardant le test"),
]


def complete_source(name: str) -> str:
    """Le tutoriel complet, code commun de l'atelier compris (où l'atelier déclare DATA_SPLIT)."""
    return shared_code.standalone(ROOT / "tutorials" / f"{name}.py").text


def code_of(source: str) -> str:
    """Le code des cellules (sans la prose Markdown ni les commentaires)."""
    notebook = execute.jupytext.reads(source, fmt="py:percent")
    cells = [c.source for c in notebook.cells if c.cell_type == "code"]
    return "\n".join(re.sub(r"#.*", "", line) for cell in cells for line in cell.splitlines())


def selection_problems(code: str) -> list[str]:
    return [why for pattern, why in SELECTION_ON_TEST if pattern.search(code)]


def split_problems(splits: dict | None) -> list[str]:
    """Ce qui ne va pas dans le découpage enregistré (liste vide s'il est sain)."""
    if not splits:
        return ["aucun découpage enregistré (variable DATA_SPLIT absente ou exécution ancienne)"]
    if "error" in splits:
        return [f"DATA_SPLIT illisible : {splits['error']}"]
    problems = []
    for name, s in splits.items():
        where = f"découpage « {name} »"
        if s["train"] == 0:
            problems.append(f"{where} : aucune image d'entraînement")
        if s["overlap"]:
            problems.append(
                f"{where} : {s['overlap']} image(s) à la fois en entraînement et en validation"
            )
        if s["distinct"] != s["train"] + s["validation"]:
            problems.append(
                f"{where} : {s['train']} + {s['validation']} images déclarées, mais "
                f"{s['distinct']} distinctes (doublons)"
            )
        if s["train"] + s["validation"] > N_TRAIN_POOL or (
            s["min_index"] is not None and not 0 <= s["min_index"] <= s["max_index"] < N_TRAIN_POOL
        ):
            problems.append(f"{where} : indices hors des {N_TRAIN_POOL} images d'entraînement")
        if s["test"] != N_TEST:
            problems.append(
                f"{where} : {s['test']} images de test au lieu des {N_TEST} officielles"
            )
    return problems


TRAINING = [name for name in tutorial_names() if TRAINS.search(code_of(complete_source(name)))]


def test_the_training_tutorials_are_found():
    # Le parcours (02 à 07) et les six notebooks de l'atelier entraînent des modèles.
    assert {"02_mlp_numpy", "03_premier_reseau_pytorch", "10_atelier_reference"} <= set(TRAINING)
    assert "01_tenseurs" not in TRAINING


@pytest.mark.parametrize("name", TRAINING)
def test_every_training_tutorial_declares_its_split_and_never_selects_on_test(name):
    code = code_of(complete_source(name))
    assert re.search(r"^DATA_SPLIT\s*=", code, re.M), f"{name} : DATA_SPLIT manquant"
    assert selection_problems(code) == [], name


def test_selection_on_the_test_set_is_caught_in_the_code():
    planted = (
        "# %%\nranked = sorted(records, key=lambda r: r['test_accuracy'], reverse=True)\n"
        "# %%\nmodel.fit(x, y, validation_data=(x_test, y_test))\n"
        "# %%\nif dropped['test_accuracy'] > plain['test_accuracy']:\n    print('dropout')\n"
    )
    assert selection_problems(code_of(planted)) == [
        "classe des essais sur leur exactitude de test",
        "compare deux variantes sur le test",
        "passe le test comme validation",
    ]
    honest = "# %%\nranked = sorted(records, key=lambda r: r['val_accuracy'])  # test_accuracy\n"
    assert selection_problems(code_of(honest)) == []


SPLIT_BODY = """
# %% [markdown]
# # Essai

# %%
import numpy as np

order = np.random.default_rng(0).permutation(60000)
score = 0.75
DATA_SPLIT = {"train": order[:54000], "validation": order[VAL], "test": 10000}
print(len(DATA_SPLIT["train"]))
"""


def test_the_executor_records_the_split_and_a_planted_overlap_is_caught(tmp_path):
    honest = write_tutorial(tmp_path / "t", "01_honnete", SPLIT_BODY.replace("VAL", "54000:"))
    record = execute.build_one(
        honest, out=tmp_path / "o", cache=tmp_path / "c", work=tmp_path / "w", log=print
    )
    split = record["data_split"]["main"]
    assert (split["train"], split["validation"], split["test"]) == (54000, 6000, 10000)
    assert split_problems(record["data_split"]) == []
    # Violation plantée : la validation reprend 1 000 images d'entraînement.
    leaky = write_tutorial(tmp_path / "t", "02_fuite", SPLIT_BODY.replace("VAL", "53000:"))
    record = execute.build_one(
        leaky, out=tmp_path / "o", cache=tmp_path / "c", work=tmp_path / "w", log=print
    )
    assert split_problems(record["data_split"]) == [
        "découpage « main » : 1000 image(s) à la fois en entraînement et en validation",
        "découpage « main » : 54000 + 7000 images déclarées, mais 60000 distinctes (doublons)",
        "découpage « main » : indices hors des 60000 images d'entraînement",
    ]


NESTED_BODY = """
# %% [markdown]
# # Essai

# %%
score = 0.75
DATA_SPLIT = {"pytorch": {"train": range(1000, 60000), "validation": range(1000), "test": 10000}}
DATA_SPLIT["keras"] = {"train": range(60000), "validation": [], "test": 10000}
print(sorted(DATA_SPLIT))
"""


def test_several_named_splits_ranges_and_an_empty_validation_are_recorded(tmp_path):
    path = write_tutorial(tmp_path / "t", "01_deux", NESTED_BODY)
    record = execute.build_one(
        path, out=tmp_path / "o", cache=tmp_path / "c", work=tmp_path / "w", log=print
    )
    splits = record["data_split"]
    assert {k: (s["train"], s["validation"]) for k, s in splits.items()} == {
        "pytorch": (59000, 1000),
        "keras": (60000, 0),
    }
    assert split_problems(splits) == []


def test_a_missing_or_wrong_test_set_is_caught():
    base = {"train": 54000, "validation": 6000, "test": 10000, "distinct": 60000, "overlap": 0}
    base.update(min_index=0, max_index=59999)
    assert split_problems({"main": base}) == []
    assert split_problems(None) != []
    assert split_problems({"main": {**base, "test": 6000}}) == [
        "découpage « main » : 6000 images de test au lieu des 10000 officielles"
    ]


@pytest.mark.slow
@pytest.mark.parametrize("name", TRAINING)
def test_the_published_record_holds_a_sound_split(name, built_site):
    record = json.loads((ROOT / "build" / "notebooks" / f"{name}.json").read_text())
    assert split_problems(record.get("data_split")) == [], name
