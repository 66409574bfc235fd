"""Les fiches des modèles : déclarées une fois dans le notebook, citées par les pages.

Un tutoriel déclare son modèle dans la variable ``MODEL_CARD`` ; l'exécuteur la range dans
l'enregistrement, et tools/hooks/tutorial_pages.py en tire ``build/modeles/NN_slug.md``, que
les pages incluent par ``--8<--`` au lieu de recopier l'architecture, les réglages ou les mesures.
Un tutoriel qui compare son modèle à d'autres (champ « enregistrements ») cite de même leurs
enregistrements d'exécution : ses sorties publiées en donnent les mesures.
"""

from __future__ import annotations

import json
import re

import nbformat
import pytest
from conftest import ROOT

from tools.hooks import tutorial_pages

DOCS = ROOT / "docs"
INCLUDE = re.compile(r'--8<-- "build/modeles/(\d\d_[a-z0-9_]+)\.md"')


def fake_record(**extra) -> dict:
    return {
        "tutorial": "03_essai",
        "title": "Premier essai",
        "model_card": {"description": "MLP 784-256-10, entraîné par Adam."},
        "metric_checks": [
            {
                "name": "test_accuracy",
                "label": "Exactitude sur le jeu de test",
                "unit": "pourcentage",
                "min": 0.8,
                "value": 0.8922,
            },
            {
                "name": "train_seconds",
                "label": "Durée",
                "unit": "secondes",
                "max": 30,
                "value": 6.1,
            },
        ],
        **extra,
    }


def test_the_card_quotes_the_declaration_and_the_measured_accuracy():
    text = tutorial_pages.model_card_markdown(fake_record())
    assert text.startswith('!!! abstract "Le modèle du tutoriel «\u00a0Premier essai\u00a0»"')
    assert "    MLP 784-256-10, entraîné par Adam." in text
    assert "- Exactitude sur le jeu de test\u00a0: 89,2\u00a0%" in text
    assert "Durée" not in text  # une durée dépend de la machine : la fiche du tutoriel la donne
    assert "(tutoriels/03_essai.ipynb)" in text


def test_only_declared_cards_are_written(tmp_path):
    undeclared = fake_record(tutorial="04_sans_fiche")
    del undeclared["model_card"]
    tutorial_pages.write_model_cards([fake_record(), undeclared], out=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["03_essai.md"]


def test_every_included_card_comes_from_a_tutorial_that_declares_its_model():
    included = {
        (page.name, name)
        for page in sorted(DOCS.rglob("*.md"))
        for name in INCLUDE.findall(page.read_text(encoding="utf-8"))
    }
    assert included, "aucune page ne cite de fiche de modèle"
    for page, name in included:
        source = ROOT / "tutorials" / f"{name}.py"
        assert source.is_file(), f"{page} : tutoriel {name} introuvable"
        assert re.search(r"^MODEL_CARD = ", source.read_text(encoding="utf-8"), re.M), (
            f"{page} cite la fiche de {name}, qui ne déclare pas MODEL_CARD"
        )


# --- Un tutoriel qui compare son modèle à d'autres cite leurs enregistrements ------------------


def unquoted_measures(outputs: str, record: dict) -> list[str]:
    """Les mesures d'un enregistrement cité qui n'apparaissent pas dans les sorties du notebook
    qui le cite (paramètres et exactitude de test, écrits à la française)."""
    parameters = f"{record['model_card']['parameters']:,}".replace(",", "\u00a0")
    accuracy = f"{100 * record['metrics']['test_accuracy']:.1f} %".replace(".", ",")
    return [text for text in (parameters, accuracy) if text not in outputs]


def test_a_changed_record_is_no_longer_found_in_the_outputs():
    record = {"model_card": {"parameters": 203530}, "metrics": {"test_accuracy": 0.8922}}
    outputs = "MLP (tutoriel 03)       203\u00a0530       12   89,2 %"
    assert unquoted_measures(outputs, record) == []
    record["metrics"]["test_accuracy"] = 0.9011  # une autre exécution, que la sortie ignore
    assert unquoted_measures(outputs, record) == ["90,1 %"]


@pytest.mark.slow
def test_the_published_comparison_quotes_the_cited_records(built_site):
    from tools import execute

    for path in execute.discover():
        cited = execute.load(path).header.get("enregistrements", [])
        if not cited:
            continue
        notebook = nbformat.read(execute.OUT / f"{path.stem}.ipynb", as_version=4)
        outputs = "\n".join(
            o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.outputs
        )
        for name in cited:
            record = json.loads((execute.OUT / f"{name}.json").read_text(encoding="utf-8"))
            assert unquoted_measures(outputs, record) == [], (path.stem, name)
