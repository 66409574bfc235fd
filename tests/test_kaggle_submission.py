"""La soumission du projet Kaggle (tutoriel 16) respecte le format de sa compétition.

Le tutoriel écrit ``kaggle/submission.csv`` et en range le texte dans le fichier de résultats
``resultats/soumission.json``, que l'exécuteur reprend dans l'enregistrement de la construction
(``build/notebooks/16_projet_kaggle.json``). On vérifie ce fichier avec un contrôle écrit ici,
indépendamment de celui du notebook :

* l'en-tête est exactement ``id,label`` ;
* une ligne par image de test (10 000), chaque ``id`` à sa place (0, 1, 2… dans l'ordre de
  ``test.csv``), sans doublon ;
* chaque étiquette est un entier écrit en chiffres, de 0 à 9.

Le contrôle est aussi essayé sur des violations plantées, pour montrer qu'il sait échouer.
Enfin, l'exactitude du fichier, recalculée sur les étiquettes officielles, est celle que
l'enregistrement déclare.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from conftest import ROOT

from tools import execute

NAME = "16_projet_kaggle"
RESULT = "resultats/soumission.json"
N_TEST = 10_000
N_CLASSES = 10


def submission_problems(text: str, n_rows: int = N_TEST) -> list[str]:
    """Ce qui ne va pas dans le texte d'une soumission (liste vide si elle est conforme)."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return ["fichier vide"]
    header, body = rows[0], rows[1:]
    if header != ["id", "label"]:
        return [f"en-tête {header} au lieu de ['id', 'label']"]
    problems = []
    if len(body) != n_rows:
        problems.append(f"{len(body)} lignes au lieu de {n_rows}")
    for number, row in enumerate(body):
        where = f"ligne {number + 2}"
        if len(row) != 2:
            problems.append(f"{where} : {len(row)} champs au lieu de 2")
            continue
        identifier, label = row
        if identifier != str(number):
            problems.append(f"{where} : id {identifier!r} au lieu de {number}")
        if not label.isdigit() or not 0 <= int(label) < N_CLASSES:
            problems.append(f"{where} : étiquette {label!r} hors de 0 à {N_CLASSES - 1}")
    return problems


def good_submission(n_rows: int = N_TEST) -> str:
    return "id,label\n" + "".join(f"{i},{i % N_CLASSES}\n" for i in range(n_rows))


def test_a_well_formed_submission_passes():
    assert submission_problems(good_submission()) == []


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (lambda t: t.replace("id,label", "ImageId,Label"), "en-tête"),
        (lambda t: t.replace("id,label", "id,label,proba"), "en-tête"),
        (lambda t: t.rsplit("\n", 2)[0] + "\n", "9999 lignes au lieu de 10000"),
        (lambda t: t + "10000,3\n", "10001 lignes au lieu de 10000"),
        (lambda t: t.replace("\n0,0\n1,1\n", "\n1,1\n0,0\n"), "ligne 2 : id '1' au lieu de 0"),
        (lambda t: t.replace("\n5,5\n", "\n4,5\n"), "ligne 7 : id '4' au lieu de 5"),
        (lambda t: t.replace("\n12,2\n", "\n12,10\n"), "ligne 14 : étiquette '10'"),
        (lambda t: t.replace("\n12,2\n", "\n12,2.0\n"), "ligne 14 : étiquette '2.0'"),
        (lambda t: t.replace("\n12,2\n", "\n12,-1\n"), "ligne 14 : étiquette '-1'"),
        (lambda t: t.replace("\n12,2\n", "\n12,\n"), "ligne 14 : étiquette ''"),
        (lambda t: t.replace("\n12,2\n", "\n12,2,7\n"), "ligne 14 : 3 champs au lieu de 2"),
        (lambda t: "", "fichier vide"),
    ],
)
def test_a_planted_violation_is_caught_and_named(damage, expected):
    problems = submission_problems(damage(good_submission()))
    assert any(expected in p for p in problems), problems


def test_the_tutorial_declares_its_submission_as_a_result():
    tutorial = execute.load(ROOT / "tutorials" / f"{NAME}.py")
    assert RESULT in tutorial.header["resultats"]


@pytest.mark.slow
def test_the_built_submission_is_valid_and_scores_the_recorded_accuracy(built_site):
    import torchvision

    record = json.loads((ROOT / "build" / "notebooks" / f"{NAME}.json").read_text())
    text = record["results"][RESULT]["csv"]
    assert submission_problems(text) == []
    # Le score du fichier, recalculé sur les étiquettes officielles du test, est celui que
    # l'enregistrement déclare : la soumission vérifiée est bien celle qui a été notée.
    truth = torchvision.datasets.FashionMNIST(ROOT / "build" / "data", train=False).targets
    predicted = [int(row[1]) for row in list(csv.reader(io.StringIO(text)))[1:]]
    accuracy = sum(p == t for p, t in zip(predicted, truth.tolist(), strict=True)) / N_TEST
    assert accuracy == pytest.approx(record["metrics"]["test_accuracy"], abs=1e-12)
