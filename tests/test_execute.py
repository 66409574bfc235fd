"""Exécution des tutoriels : en-têtes, cache, invalidation et rapport d'échec."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import nbformat
import pytest
from conftest import run_module

from tools import execute, shared_code

HEADER = """\
# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   atelier:
#     titre: Essai
#     description: Un tutoriel minuscule fabriqué par les tests.
#     niveau: débutant
#     duree: 1 min
#     prerequis:
#     - aucun
#     gpu: inutile
#     metriques:
#     - nom: score
#       libelle: score de l'essai
#       min: 0.5
# ---
"""

BODY = """
# %% [markdown]
# # Essai
# Premier texte.

# %%
import time
debut = time.time()
score = 0.75
print("score calculé :", score, "à", debut)

# %% [markdown]
# Une seconde cellule de texte.

# %%
print(score * 2)
"""


def write_tutorial(folder: Path, name="01_essai", body=BODY, header=HEADER) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.py"
    path.write_text(header + body, encoding="utf-8")
    return path


def build(tmp_path, names=None):
    return execute.build_all(
        names,
        folder=tmp_path / "tutorials",
        out=tmp_path / "out",
        cache=tmp_path / "cache",
        work=tmp_path / "work",
        log=lambda *a: None,
    )


def first_output(nb_path: Path) -> str:
    nb = nbformat.read(nb_path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    return code[0].outputs[0]["text"]


def test_first_build_executes_and_records_measures(tmp_path):
    write_tutorial(tmp_path / "tutorials")
    [record] = build(tmp_path)
    assert record["cached"] is False
    assert record["metrics"] == {"score": 0.75}
    assert record["metric_checks"][0]["ok"] is True
    assert record["wall_seconds"] > 0
    assert record["peak_rss_mib"] > 10
    assert "cœurs" in record["cpu"]
    assert record["versions"]["python"].startswith("3.12")
    saved = json.loads((tmp_path / "out" / "01_essai.json").read_text())
    assert saved["metrics"] == {"score": 0.75}
    assert "score calculé" in first_output(tmp_path / "out" / "01_essai.ipynb")


def test_unchanged_tutorial_is_a_cache_hit(tmp_path):
    write_tutorial(tmp_path / "tutorials")
    build(tmp_path)
    before = first_output(tmp_path / "out" / "01_essai.ipynb")
    [record] = build(tmp_path)
    assert record["cached"] is True
    # Même sortie (l'horodatage imprimé n'a pas changé) : rien n'a été ré-exécuté.
    assert first_output(tmp_path / "out" / "01_essai.ipynb") == before


def test_code_change_invalidates_the_cache(tmp_path):
    path = write_tutorial(tmp_path / "tutorials")
    build(tmp_path)
    path.write_text(HEADER + BODY.replace("score = 0.75", "score = 0.8"), encoding="utf-8")
    [record] = build(tmp_path)
    assert record["cached"] is False
    assert record["metrics"] == {"score": 0.8}


def test_markdown_edit_reuses_outputs_and_shows_new_text(tmp_path):
    path = write_tutorial(tmp_path / "tutorials")
    build(tmp_path)
    before = first_output(tmp_path / "out" / "01_essai.ipynb")
    path.write_text(HEADER + BODY.replace("Premier texte.", "Texte corrigé."), encoding="utf-8")
    [record] = build(tmp_path)
    assert record["cached"] is True
    nb = nbformat.read(tmp_path / "out" / "01_essai.ipynb", as_version=4)
    assert "Texte corrigé." in nb.cells[0].source
    assert first_output(tmp_path / "out" / "01_essai.ipynb") == before


QUIZ_CELL = """
# %% [markdown]
# ## Testez-vous
#
# !!! quiz "Le double"
#     Que vaut `score * 2` ?
#
#     - [ ] `0.75`
#       C'est le score lui-même.
#     - [x] `1.5`
#       Le double de 0,75.
"""


def test_a_question_in_a_tutorial_becomes_html_without_reexecution(tmp_path):
    path = write_tutorial(tmp_path / "tutorials")
    build(tmp_path)
    path.write_text(HEADER + BODY + QUIZ_CELL, encoding="utf-8")
    [record] = build(tmp_path)
    assert record["cached"] is True and record["questions"] == 1
    nb = nbformat.read(tmp_path / "out" / "01_essai.ipynb", as_version=4)
    last = nb.cells[-1].source
    assert "!!! quiz" not in last and '<div class="quiz" id="01_essai-0-q1"' in last
    assert "<code>1.5</code>" in last and "Le double de 0,75." in last
    # Aucune ligne vide dans le HTML : le Markdown des notebooks garderait le bloc entier.
    html_part = last[last.index("<div") :]
    assert "\n\n" not in html_part.strip()


def test_a_malformed_question_in_a_tutorial_names_the_py_line(tmp_path):
    broken = QUIZ_CELL.replace("#     - [x] `1.5`", "#     - [ ] `1.5`")
    write_tutorial(tmp_path / "tutorials", body=BODY + broken)
    with pytest.raises(execute.TutorialError) as err:
        build(tmp_path)
    source = (tmp_path / "tutorials" / "01_essai.py").read_text(encoding="utf-8").splitlines()
    line = source.index('# !!! quiz "Le double"') + 1
    assert f"tutorials/01_essai.py:{line}" in str(err.value)
    assert "aucun choix n'est marqué juste" in str(err.value)


def test_dependency_or_data_change_invalidates_the_cache(tmp_path, monkeypatch):
    write_tutorial(tmp_path / "tutorials")
    build(tmp_path)
    monkeypatch.setattr(execute, "dependencies_fingerprint", lambda: '["torch==9.9.9"]')
    assert build(tmp_path)[0]["cached"] is False
    monkeypatch.setattr(execute, "data_fingerprint", lambda: "autres-donnees")
    assert build(tmp_path)[0]["cached"] is False


KERNEL_ENV_BODY = BODY.replace(
    "print(score * 2)",
    "import os\n"
    'print({k: os.environ.get(k) for k in ("MPLBACKEND", "ATELIER_DATA", "OMP_NUM_THREADS")})',
)


def test_kernel_gets_its_environment_without_touching_os_environ(tmp_path, monkeypatch):
    """Le noyau reçoit données, MPLBACKEND et fils de calcul ; le processus appelant (MkDocs,
    par exemple) garde son os.environ tel quel, même avec un chemin de données relatif."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ATELIER_DATA", "donnees-relatives")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    before = dict(os.environ)
    write_tutorial(tmp_path / "tutorials", body=KERNEL_ENV_BODY)
    [record] = build(tmp_path)
    assert dict(os.environ) == before
    nb = nbformat.read(tmp_path / "out" / "01_essai.ipynb", as_version=4)
    seen = eval([c for c in nb.cells if c.cell_type == "code"][-1].outputs[0]["text"])
    assert seen["MPLBACKEND"] == execute.KERNEL_MPLBACKEND
    assert seen["ATELIER_DATA"] == str(tmp_path / "donnees-relatives")
    # Les cœurs que d'autres processus laissent libres, les mêmes pour le noyau et la sonde.
    assert seen["OMP_NUM_THREADS"] == str(record["calibration"]["threads"])
    assert 1 <= record["calibration"]["threads"] <= execute.available_cores()
    # Sans durée jugée ni mesure citée, pas de sonde de calibration : pas de durée de référence.
    assert "seconds" not in record["calibration"]


# Un tutoriel qui cite les mesures d'un tutoriel précédent (champ « enregistrements ») : il les
# lit dans le dossier que nomme ATELIER_ENREGISTREMENTS, et les affiche.
CITING_HEADER = HEADER.replace(
    "#     metriques:\n", "#     enregistrements:\n#     - 01_essai\n#     metriques:\n"
)
CITING_BODY = """
# %% [markdown]
# # Citation

# %%
import json, os
dossier = os.environ["ATELIER_ENREGISTREMENTS"]
with open(os.path.join(dossier, "01_essai.json"), encoding="utf-8") as f:
    cite = json.load(f)["metrics"]["score"]
score = 0.9
print("score cité :", cite, "calibration :", float(os.environ["ATELIER_CALIBRATION"]) > 0)
"""


def test_cited_records_reach_the_kernel_and_key_the_cache(tmp_path):
    first = write_tutorial(tmp_path / "tutorials")
    write_tutorial(tmp_path / "tutorials", "02_cite", CITING_BODY, CITING_HEADER)
    build(tmp_path)
    text = first_output(tmp_path / "out" / "02_cite.ipynb")
    assert "score cité : 0.75 calibration : True" in text
    # Rien de changé : le tutoriel qui cite reste en cache.
    assert [r["cached"] for r in build(tmp_path)] == [True, True]
    # Le tutoriel cité change de mesure : celui qui le cite est ré-exécuté et affiche la nouvelle.
    first.write_text(HEADER + BODY.replace("score = 0.75", "score = 0.8"), encoding="utf-8")
    assert [r["cached"] for r in build(tmp_path)] == [False, False]
    assert "score cité : 0.8 " in first_output(tmp_path / "out" / "02_cite.ipynb")
    # Un nouveau seuil du tutoriel cité ne change rien à ce que lit celui qui le cite : il est
    # revérifié sur l'enregistrement en cache, et aucun des deux n'est ré-exécuté.
    first.write_text(
        HEADER.replace("min: 0.5", "min: 0.6") + BODY.replace("score = 0.75", "score = 0.8"),
        encoding="utf-8",
    )
    assert [r["cached"] for r in build(tmp_path)] == [True, True]


def test_cited_content_leaves_out_thresholds_and_dates():
    record = {
        "title": "Essai",
        "executed_at": "2026-12-01T10:00:00+0000",
        "metrics": {"score": 0.8},
        "metric_checks": [{"name": "score", "value": 0.8, "min": 0.5, "ok": True}],
    }
    later = {**record, "executed_at": "2026-12-02T10:00:00+0000"}
    later["metric_checks"] = [{**record["metric_checks"][0], "min": 0.6}]
    assert execute.cited_content(later) == execute.cited_content(record)
    changed = {**record, "metrics": {"score": 0.81}}
    assert execute.cited_content(changed) != execute.cited_content(record)
    renamed = {**record, "title": "Autre titre"}
    assert execute.cited_content(renamed) != execute.cited_content(record)


def test_a_tutorial_that_cites_nothing_does_not_see_the_records(tmp_path):
    body = BODY.replace(
        "score = 0.75", 'import os\nscore = 0.75 + ("ATELIER_ENREGISTREMENTS" in os.environ)'
    )
    write_tutorial(tmp_path / "tutorials", "02_cite", CITING_BODY, CITING_HEADER)
    write_tutorial(tmp_path / "tutorials", "03_essai", body)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "01_essai.json").write_text('{"metrics": {"score": 0.7}}')
    records = build(tmp_path)
    assert records[1]["metrics"] == {"score": 0.75}


def test_a_missing_cited_record_is_named(tmp_path):
    write_tutorial(tmp_path / "tutorials", "02_cite", CITING_BODY, CITING_HEADER)
    with pytest.raises(execute.TutorialError) as err:
        build(tmp_path)
    assert "02_cite.py cite les mesures de 01_essai" in str(err.value)
    assert "python -m tools.execute 01_essai 02_cite" in str(err.value)


def test_only_earlier_tutorials_can_be_cited(tmp_path):
    path = write_tutorial(tmp_path / "tutorials", "01_cite", CITING_BODY, CITING_HEADER)
    with pytest.raises(execute.TutorialError, match="« enregistrements »"):
        execute.load(path)


def test_failing_cell_names_tutorial_cell_line_and_error(tmp_path):
    body = BODY.replace("print(score * 2)", "rapport = score / 0")
    write_tutorial(tmp_path / "tutorials", "02_panne", body)
    with pytest.raises(execute.TutorialError) as err:
        build(tmp_path)
    message = str(err.value)
    assert "02_panne.py" in message
    assert "cellule 4" in message
    line = (tmp_path / "tutorials" / "02_panne.py").read_text().splitlines().index("# %%", 30)
    assert f"ligne {line + 1}" in message
    assert "ZeroDivisionError" in message and "rapport = score / 0" in message
    assert not (tmp_path / "out" / "02_panne.ipynb").exists()


def test_dead_kernel_names_the_tutorial_and_quotes_the_kernel_log(tmp_path):
    """Un noyau qui meurt (erreur de segmentation, mémoire épuisée) n'a pas de trace Python :
    le message cite la fin de ce que le noyau a écrit, qui ne va pas dans le terminal."""
    # Ce qu'écrirait une bibliothèque compilée : directement sur le descripteur 2.
    crash = 'import os\nos.write(2, "plantage simulé du noyau\\n".encode())\nos._exit(3)'
    write_tutorial(tmp_path / "tutorials", "02_crash", BODY.replace("print(score * 2)", crash))
    with pytest.raises(execute.TutorialError) as err:
        build(tmp_path)
    message = str(err.value)
    assert "02_crash.py a échoué à la cellule 4" in message and "os._exit(3)" in message
    assert "journal du noyau" in message and "plantage simulé du noyau" in message


def test_failing_tutorial_fails_the_cli_without_traceback(tmp_path):
    write_tutorial(tmp_path / "tutorials", "02_panne", BODY.replace("score = 0.75", "1 / 0"))
    result = run_module(
        "tools.execute",
        "--tutorials",
        str(tmp_path / "tutorials"),
        "--out",
        str(tmp_path / "out"),
        "--cache",
        str(tmp_path / "cache"),
        "--work",
        str(tmp_path / "work"),
    )
    assert result.returncode == 1
    # La trace montrée est celle de la cellule, pas celle de l'outil de construction.
    assert "tools/execute.py" not in result.stderr and "nbclient" not in result.stderr
    assert "02_panne.py a échoué à la cellule 2" in result.stderr


def test_metric_below_threshold_fails_the_build(tmp_path):
    write_tutorial(tmp_path / "tutorials", body=BODY.replace("score = 0.75", "score = 0.25"))
    with pytest.raises(execute.TutorialError, match=r"score de l'essai : score = 0\.25.*≥ 0\.5"):
        build(tmp_path)


def test_run_missing_its_threshold_is_not_cached(tmp_path):
    write_tutorial(tmp_path / "tutorials", body=BODY.replace("score = 0.75", "score = 0.25"))
    with pytest.raises(execute.TutorialError):
        build(tmp_path)
    assert not list((tmp_path / "cache").glob("*.ipynb"))


def test_missing_metric_variable_fails_the_build(tmp_path):
    write_tutorial(tmp_path / "tutorials", body=BODY.replace("score", "note"))
    with pytest.raises(execute.TutorialError, match="« score » n'est pas définie"):
        build(tmp_path)


def test_tutorial_without_output_fails_the_build(tmp_path):
    body = textwrap.dedent(
        """
        # %% [markdown]
        # # Silence

        # %%
        score = 1.0
        """
    )
    write_tutorial(tmp_path / "tutorials", body=body)
    with pytest.raises(execute.TutorialError, match="aucune sortie"):
        build(tmp_path)


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("#     titre: Essai\n", "", "« titre » manquant"),
        ("#     niveau: débutant\n", "#     niveau: expert\n", "niveau « expert » inconnu"),
        ("#       min: 0.5\n", "", "seuil « min » ou « max » manquant"),
        ("#     - nom: score\n", "#     - nom: 2score\n", "nom de variable Python"),
        ("#     gpu: inutile\n", "", "« gpu » manquant"),
        ("#       min: 0.5\n", "#       min: 0.5\n#       unite: kg\n", "unité « kg » inconnue"),
    ],
)
def test_header_validation_names_the_problem(tmp_path, old, new, expected):
    assert old in HEADER
    path = write_tutorial(tmp_path / "tutorials", header=HEADER.replace(old, new))
    with pytest.raises(execute.TutorialError, match="en-tête invalide") as err:
        execute.load(path)
    assert expected in str(err.value)


def test_header_without_atelier_block_is_rejected(tmp_path):
    path = write_tutorial(tmp_path / "tutorials", header="")
    with pytest.raises(execute.TutorialError, match="pas de bloc « atelier: »"):
        execute.load(path)


def test_bad_file_name_is_rejected(tmp_path):
    path = write_tutorial(tmp_path / "tutorials", name="01_Mauvais-Nom")
    with pytest.raises(execute.TutorialError, match="NN_slug"):
        execute.load(path)


def jupytext_block(text: str) -> str:
    """Les lignes de l'en-tête d'un tutoriel entre « # jupyter: » et « #   atelier: »."""
    start = text.index("# jupyter:\n")
    return text[start : text.index("#   atelier:\n", start)]


def contributing_example(text: str) -> str:
    """Le premier exemple d'en-tête de tutoriel de CONTRIBUTING.md (bloc ```python)."""
    return text.split("```python\n# ---\n", 1)[1].split("```", 1)[0]


def test_contributing_header_example_is_the_tutorials_header():
    """L'exemple que copie un auteur a le même bloc jupyter que chaque tutoriel."""
    guide = (execute.ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    example = jupytext_block(contributing_example(guide))
    for path in execute.discover():
        assert jupytext_block(path.read_text(encoding="utf-8")) == example, path.name
    # L'ancien exemple (« formats: py:percent ») ne passerait pas.
    planted = example.replace(
        "#     text_representation:\n#       extension: .py\n#       format_name: percent\n",
        "#     formats: py:percent\n",
    )
    assert planted != example
    tutorial = execute.discover()[0].read_text(encoding="utf-8")
    assert jupytext_block(tutorial) != planted


def test_every_project_tutorial_has_a_valid_header():
    paths = execute.discover()
    assert paths, "aucun tutoriel dans tutorials/"
    for path in paths:
        tutorial = execute.load(path)
        assert tutorial.cell_lines, f"{path.name} : cellules sans marqueur « # %% »"
        skeleton = [c.source for c in tutorial.notebook.cells if c.cell_type == "markdown"]
        text = "\n".join(skeleton)
        for section in ("## Objectifs", "## Prérequis", "## Mise en place", "## Récapitulatif"):
            assert section in text, f"{path.name} : section « {section} » absente"
        assert "## Exercices" in text and "## Pour aller plus loin" in text
        solutions = [c for c in tutorial.notebook.cells if c.source.startswith("# Solution")]
        assert solutions, f"{path.name} : aucune solution d'exercice exécutée"


def test_banner_writes_each_metric_in_its_declared_unit():
    from tools.hooks import tutorial_pages

    def shown(unit, value):
        metric = {"name": "m", "label": "Mesure", "value": value, "min": value}
        if unit:
            metric["unit"] = unit
        return tutorial_pages._metric_text(metric).split("<strong>")[1].split("</strong>")[0]

    nbsp = "\u00a0"
    assert shown("pourcentage", 0.8925) == f"89,2{nbsp}%"
    assert shown("points", 0.2736) == f"27,4{nbsp}points"
    assert shown("points", 0.006) == f"0,6{nbsp}point"
    assert shown("secondes", 33.56) == f"33,6{nbsp}s"
    assert shown(None, 3.8e-6) == "3,8e-06"


# Ce qu'un notebook téléchargé peut importer : la bibliothèque standard et des paquets pip
# (installés par « pip install torch torchvision tensorflow matplotlib psutil pandas
# scikit-learn », présents dans Colab). Jamais un module du dépôt : le notebook doit tourner seul.
PIP_MODULES = {"numpy", "torch", "torchvision", "tensorflow", "keras", "tensorboard"}
PIP_MODULES |= {"matplotlib", "psutil", "tqdm", "IPython"}
# scikit-learn et pandas (présents dans Colab) : le petit jeu de chiffres manuscrits du tutoriel
# 08, la base de comparaison et les fichiers CSV du projet Kaggle (tutoriel 16).
PIP_MODULES |= {"pandas", "sklearn"}


def test_every_tutorial_is_self_contained_and_uses_the_canonical_loaders():
    import ast
    import sys

    for path in sorted(execute.TUTORIALS.glob("[0-9][0-9]_*.py")):
        # Le tutoriel complet, tel qu'exécuté et téléchargé (code commun de l'atelier inséré).
        source = shared_code.standalone(path).text
        tree = ast.parse(source)
        modules = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                modules.add((node.module or "").split(".")[0])
        foreign = {m for m in modules if m not in sys.stdlib_module_names | PIP_MODULES}
        assert foreign == set(), f"{path.name} importe {foreign}"
        assert "FashionMNIST(" in source or "fashion_mnist.load_data(" in source, path.name
