"""L'atelier d'expériences : code commun identique, résultats enregistrés, rapport, dossiers runs/.

* le code commun (mesure comprise) est écrit une fois (tutorials/atelier_commun.py) ; chaque
  source de l'atelier l'appelle en entier, dans l'ordre, sans le recopier ; chaque notebook
  exécuté est sa source où le code commun remplace les cellules « # %% atelier: commun », et
  aucun axe ne redéfinit la mesure ;
* l'exécuteur range les fichiers de résultats déclarés dans l'enregistrement de l'exécution ;
* la page « Rapport » est composée à partir de ces enregistrements et leur est fidèle ;
* chaque essai a son dossier TensorBoard, nommé comme la variante comparée.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT

from tools import execute, french, report, shared_code

WORKSHOP = sorted(ROOT.glob("tutorials/1[0-9]_atelier_*.py"))
COMMON = "# Atelier, code commun"
MEASURE = ("def evaluate_model", "def train_model", "def peak_memory_mib", "def reset_peak_memory")


# --- Le code commun -----------------------------------------------------------------------------


def test_workshop_has_six_axes_in_order():
    names = [p.stem for p in WORKSHOP]
    assert len(names) == 6, names
    axes = [execute.load(p).header.get("resultats") for p in WORKSHOP]
    assert axes == [[f"resultats/axe_{n}.json"] for n in range(1, 7)]


def test_every_workshop_source_calls_the_whole_common_code_in_order_without_copying_it():
    common = shared_code.read_common(ROOT / "tutorials" / shared_code.COMMON_NAME)
    assert len(common.cells) == 5
    assert any("def evaluate_model" in "".join(cell) for cell in common.cells)
    for path in WORKSHOP:
        assert shared_code.coverage_problems(path) == [], path.name
        copies = [c for c in read_cells(path) if c.source.startswith(COMMON)]
        assert copies == [], f"{path.name} : code commun recopié dans la source"


def read_cells(path: Path) -> list:
    """Les cellules d'un fichier py:percent ; ce qui précède le premier « # %% » (l'en-tête
    d'un tutoriel, la présentation du code commun) n'en est pas une."""
    text = path.read_text(encoding="utf-8")
    text = text[text.index("\n# %%") + 1 :]
    return execute.jupytext.reads(text, fmt="py:percent").cells


def expected_cells(path: Path) -> list[tuple[str, str]]:
    """Les cellules attendues du notebook : celles de la source, chaque cellule marqueur
    remplacée par les cellules du code commun, lues par jupytext indépendamment de
    tools/shared_code.py (type et code de chaque cellule)."""
    common = read_cells(ROOT / "tutorials" / shared_code.COMMON_NAME)
    common = [(c.cell_type, c.source) for c in common]
    cells = []
    for cell in read_cells(path):
        title = cell.metadata.get("title", "")
        if not title.startswith("atelier: commun"):
            cells.append((cell.cell_type, cell.source))
        elif title == "atelier: commun":
            cells += common
        else:  # « atelier: commun K/N »
            cells.append(common[int(title.split()[-1].split("/")[0]) - 1])
    return cells


def test_every_workshop_notebook_is_its_source_with_the_common_code_in_place():
    for path in WORKSHOP:
        loaded = [(c.cell_type, c.source) for c in execute.load(path).notebook.cells]
        expected = expected_cells(path)
        assert len(loaded) == len(expected), path.name
        for index, (got, want) in enumerate(zip(loaded, expected, strict=True), 1):
            assert got == want, f"{path.name}, cellule {index}"
        assert sum(source.startswith(COMMON) for _, source in loaded) == 5, path.name


def test_every_axis_measures_with_the_shared_code_only():
    """La mesure n'est définie que dans le code commun, et chaque axe entraîne avec elle."""
    for path in WORKSHOP:
        cells = [c for c in execute.load(path).notebook.cells if c.cell_type == "code"]
        own = [c.source for c in cells if not c.source.startswith(COMMON)]
        for definition in MEASURE:
            assert not any(definition in source for source in own), (path.name, definition)
        assert any("train_model(" in source for source in own), path.name
        assert any("save_results(" in source for source in own), path.name


# --- L'exécuteur garde les résultats déclarés ---------------------------------------------------

HEADER = """\
# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
#   atelier:
#     titre: Essai d'atelier
#     description: Un axe minuscule fabriqué par les tests.
#     niveau: débutant
#     duree: 1 min
#     prerequis:
#     - aucun
#     gpu: inutile
#     metriques:
#     - nom: score
#       libelle: score de l'essai
#       min: 0.5
#     resultats:
#     - resultats/axe_9.json
# ---
"""

WRITES = """
# %%
import json
from pathlib import Path

score = 0.75
Path("resultats").mkdir(exist_ok=True)
Path("resultats/axe_9.json").write_text(json.dumps({"axis": 9, "score": score}))
print("écrit")
"""

FORGETS = """
# %%
score = 0.75
print("rien d'écrit")
"""


def build_sample_tutorial(tmp_path, body):
    tutorials = tmp_path / "tutorials"
    tutorials.mkdir(exist_ok=True)
    path = tutorials / "19_essai.py"
    path.write_text(HEADER + body, encoding="utf-8")
    return execute.build_one(
        path,
        out=tmp_path / "out",
        cache=tmp_path / "cache",
        work=tmp_path / "work",
        log=lambda *a: None,
    )


def test_executor_keeps_declared_results_in_the_cached_record(tmp_path):
    first = build_sample_tutorial(tmp_path, WRITES)
    assert first["cached"] is False
    assert first["results"] == {"resultats/axe_9.json": {"axis": 9, "score": 0.75}}
    published = json.loads((tmp_path / "out" / "19_essai.json").read_text(encoding="utf-8"))
    assert published["results"] == first["results"]
    again = build_sample_tutorial(tmp_path, WRITES)
    assert again["cached"] is True
    assert again["results"] == first["results"]


def test_executor_refuses_a_missing_or_stale_results_file(tmp_path):
    # Un fichier laissé par une exécution précédente ne doit pas passer pour un résultat.
    stale = tmp_path / "work" / "19_essai" / "resultats" / "axe_9.json"
    stale.parent.mkdir(parents=True)
    stale.write_text('{"axis": 9, "score": 0.1}', encoding="utf-8")
    with pytest.raises(execute.TutorialError, match=r"resultats/axe_9\.json"):
        build_sample_tutorial(tmp_path, FORGETS)
    assert not stale.exists()


@pytest.mark.parametrize("value", ["resultats/axe.json", ["../dehors.json"], ["/abs.json"], [3]])
def test_header_results_must_be_relative_json_paths(value):
    header = {
        "titre": "t",
        "description": "d",
        "niveau": "débutant",
        "duree": "1 min",
        "prerequis": ["aucun"],
        "gpu": "inutile",
        "metriques": [{"nom": "x", "libelle": "x", "min": 0}],
        "resultats": value,
    }
    assert any("resultats" in p for p in execute.validate_header(header, "19_essai"))


# --- Le rapport ---------------------------------------------------------------------------------


def fake_run(variant, val, test, seconds, axis="axe"):
    history = {
        "train_loss": [0.6, 0.4],
        "val_loss": [0.62, 0.45],
        "val_accuracy": [val - 0.02, val],
        "epoch_seconds": [seconds, seconds],
        "grad_norms": {"0.weight": [0.1, 0.1]},
    }
    return {
        "variant": variant,
        "run_dir": f"runs/{axis}/{variant}",
        "epochs": 2,
        "val_accuracy": val,
        "test_accuracy": test,
        "seconds_per_epoch": seconds,
        "peak_memory_mib": 1234.0,
        "memory_source": "CPU",
        "n_parameters": 10,
        "history": history,
    }


def fake_axis(n, runs, **extra):
    return {
        "axis": n,
        "title": f"Axe numéro {n}",
        "device": "cpu",
        "seed": 0,
        "batch_size": 64,
        "data": {"train": 54000, "val": 6000, "test": 10000},
        "figure": "accuracy",
        "conclusion": f"Conclusion calculée de l'axe {n}.",
        "runs": runs,
        **extra,
    }


@pytest.fixture
def fake_workshop(tmp_path):
    """Deux axes : leurs tutoriels (en-têtes) et leurs enregistrements d'exécution."""
    tutorials, records = tmp_path / "tutorials", tmp_path / "records"
    tutorials.mkdir()
    records.mkdir()
    axes = {
        1: fake_axis(1, [fake_run("sgd", 0.861, 0.853, 1.25)]),
        2: fake_axis(
            2,
            [fake_run("relu", 0.87, 0.8612, 1.5), fake_run("sigmoid", 0.81, 0.8049, 1.75)],
            figure="losses",
        ),
    }
    for n, payload in axes.items():
        name = f"1{n}_essai"
        body = HEADER.replace("axe_9", f"axe_{n}") + FORGETS
        (tutorials / f"{name}.py").write_text(body, encoding="utf-8")
        record = {
            "tutorial": name,
            "title": f"Essai {n}",
            "executed_at": "2026-01-02T03:04:05+0000",
            "cpu": "CPU d'essai, 2 cœurs",
            "versions": {"torch": "9.9"},
            "wall_seconds": 60.0 * n,
            "peak_rss_mib": 1500.0 + n,
            "result_files": [f"resultats/axe_{n}.json"],
            "results": {f"resultats/axe_{n}.json": payload},
        }
        (records / f"{name}.json").write_text(json.dumps(record), encoding="utf-8")
    return tutorials, records, axes


def test_report_tables_and_figures_come_from_the_records(fake_workshop):
    tutorials, records, axes = fake_workshop
    loaded = report.load_axes(records, tutorials)
    assert [a["axis"] for a in loaded] == [1, 2]
    markdown, figures = report.render(loaded)
    # Chaque mesure de chaque essai figure dans la page, à la française.
    for payload in axes.values():
        for run in payload["runs"]:
            assert f"`{run['run_dir'].removeprefix('runs/')}`" in markdown
            assert f"{100 * run['test_accuracy']:.1f}\u00a0%".replace(".", ",") in markdown
            assert f"{run['seconds_per_epoch']:.2f}\u00a0s".replace(".", ",") in markdown
        assert payload["conclusion"] in markdown
    # La synthèse met en tête l'essai à la meilleure exactitude de validation : relu.
    summary = markdown.split("## Synthèse", 1)[1].split("## 1.", 1)[0]
    assert "`relu`" in summary and "`sigmoid`" not in summary
    # Durée totale : 60 s + 120 s = 3,0 min ; pic : le plus grand des deux notebooks.
    assert "3,0\u00a0min" in markdown and "1\u202f502\u00a0Mio" in markdown
    assert set(figures) == {"atelier/figures/axe_1.svg", "atelier/figures/axe_2.svg"}
    assert all(svg.lstrip().startswith("<?xml") and "<svg" in svg for svg in figures.values())
    assert "sigmoid" in figures["atelier/figures/axe_2.svg"]  # légende tracée depuis les essais


def test_report_ranks_the_grid_on_validation(fake_workshop):
    grid = fake_axis(
        5,
        [fake_run("a", 0.88, 0.85, 1.0), fake_run("b", 0.86, 0.87, 1.0)],
        figure="grid",
        ranking="validation",
        cross_validation={
            "config": "a",
            "k": 2,
            "mean": 0.875,
            "std": 0.004,
            "runs": [fake_run("fold1", 0.871, 0.85, 1.0), fake_run("fold2", 0.879, 0.85, 1.0)],
        },
    )
    grid.update(tutorial="15_essai", tutorial_title="Essai 5", executed_at="2026-01-02", cpu="CPU")
    grid.update(versions={}, wall_seconds=1.0, peak_rss_mib=1.0)
    markdown, figures = report.render([grid])
    summary = markdown.split("## Synthèse", 1)[1].split("## 5.", 1)[0]
    assert "`a`" in summary and "`b`" not in summary
    assert "87,10\u00a0%, 87,90\u00a0%" in markdown  # les plis de la validation croisée
    assert "<svg" in figures["atelier/figures/axe_5.svg"]


def test_report_never_ranks_an_axis_on_the_test_set():
    # « b » a la meilleure exactitude de test, « a » la meilleure exactitude de validation :
    # la synthèse retient « a », quel que soit l'axe (choisir sur le test serait de la triche).
    axis = fake_axis(3, [fake_run("a", 0.88, 0.85, 1.0), fake_run("b", 0.86, 0.87, 1.0)])
    axis.update(tutorial="13_essai", tutorial_title="Essai 3", executed_at="2026-01-02", cpu="CPU")
    axis.update(versions={}, wall_seconds=1.0, peak_rss_mib=1.0)
    markdown, _ = report.render([axis])
    summary = markdown.split("## Synthèse", 1)[1].split("## 3.", 1)[0]
    assert "`a`" in summary and "`b`" not in summary


def test_report_refuses_a_record_without_its_results(fake_workshop):
    tutorials, records, _ = fake_workshop
    path = records / "12_essai.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    del record["results"]
    path.write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(report.ReportError, match="12_essai"):
        report.load_axes(records, tutorials)


def test_report_ignores_results_that_are_not_workshop_axes(fake_workshop):
    # Le projet Kaggle (tutoriel 16) range sa soumission dans « resultats/soumission.json » :
    # ce n'est pas un axe de l'atelier, et le rapport ne doit ni le lire ni échouer dessus.
    tutorials, records, axes = fake_workshop
    header = HEADER.replace("axe_9", "soumission") + FORGETS
    (tutorials / "16_kaggle.py").write_text(header, encoding="utf-8")
    record = {
        "tutorial": "16_kaggle",
        "result_files": ["resultats/soumission.json"],
        "results": {"resultats/soumission.json": {"csv": ""}},
    }
    (records / "16_kaggle.json").write_text(json.dumps(record), encoding="utf-8")
    assert [a["axis"] for a in report.load_axes(records, tutorials)] == sorted(axes)
    # Violation plantée : un fichier d'axe mal nommé n'est pas pris pour un axe non plus.
    assert not report.AXIS_RESULT.fullmatch("resultats/axe_1.json.bak")
    assert report.AXIS_RESULT.fullmatch("resultats/axe_12.json")


def test_report_page_is_never_committed():
    tracked = subprocess.run(
        ["git", "ls-files", "docs/atelier"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert tracked == ""
    assert not (ROOT / "docs" / report.PAGE).exists()


# --- Le site construit et les dossiers runs/ ----------------------------------------------------


@pytest.mark.slow
def test_built_report_shows_every_recorded_run(built_site):
    page = (built_site["dir"] / "atelier" / "rapport" / "index.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", page).replace("&nbsp;", "\u00a0")
    axes = report.load_axes()
    assert [a["axis"] for a in axes] == [1, 2, 3, 4, 5, 6]
    for axis in axes:
        assert (built_site["dir"] / "atelier" / "figures" / f"axe_{axis['axis']}.svg").is_file()
        for run in axis["runs"]:
            # Une ligne du tableau : le dossier de l'essai puis ses cellules, une par ligne.
            folder = re.escape(run["run_dir"].removeprefix("runs/"))
            row = re.search(folder + r"(?:\n[^\n]+)*", text)
            assert row, run["run_dir"]
            assert french.percent(run["test_accuracy"]) in row.group(0)
            assert french.percent(run["val_accuracy"]) in row.group(0)


@pytest.mark.slow
def test_every_run_has_its_tensorboard_folder_named_as_compared(built_site):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    for axis in report.load_axes():
        work = ROOT / "build" / "work" / axis["tutorial"]
        if not (work / "runs").is_dir():
            # Notebook repris du cache d'une construction précédente (CI avec cache restauré) :
            # ses journaux TensorBoard sont restés sur l'autre machine.
            pytest.skip(f"{axis['tutorial']} vient du cache : pas de journaux sur cette machine")
        runs = axis["runs"] + axis.get("cross_validation", {}).get("runs", [])
        folders = {Path(r["run_dir"]).parent for r in runs}
        for run in runs:
            folder = work / run["run_dir"]
            assert folder.name == run["variant"]
            events = sorted(folder.glob("events.out.tfevents.*"))
            assert len(events) == 1, folder
            accumulator = EventAccumulator(str(folder)).Reload()
            logged = accumulator.Scalars("exactitude/validation")
            assert len(logged) == run["epochs"]
            assert logged[-1].value == pytest.approx(run["val_accuracy"], abs=1e-6)
        # Pas de dossier en trop : chaque dossier d'un axe est un essai comparé.
        for parent in folders:
            present = {p.name for p in (work / parent).iterdir() if p.is_dir()}
            expected = {Path(r["run_dir"]) for r in runs}
            expected = {path.name for path in expected if path.parent == parent}
            assert present == expected, parent


# --- Le rapport à remplir ----------------------------------------------------------------------


def _template(built_site) -> dict:
    import nbformat

    path = built_site["dir"] / report.TEMPLATE
    return nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)


def test_the_template_has_an_empty_table_per_axis_with_every_run_and_questions(built_site):
    nb = _template(built_site)
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "<!-- tableau" not in text
    for axis in report.load_axes():
        heading = f"\n## {axis['axis']}. "
        section = text[text.index(heading) :].split("\n## ", 2)[1]
        for run in axis["runs"]:
            assert f"| `{run['run_dir'].removeprefix('runs/')}` | | | | |" in section
        assert "**Questions.**" in section
    # Aucune mesure dans le modèle : ni pourcentage ni durée (les chiffres sont ceux de l'élève).
    assert not re.search(r"\d+,\d+\s*%|\d+,\d+\s*s\b", text)
    assert nb.metadata.kernelspec.name == "python3" and "jupytext" not in nb.metadata


def test_the_template_reads_the_learners_own_results(built_site, tmp_path):
    from nbclient import NotebookClient

    nb = _template(built_site)
    (tmp_path / "resultats").mkdir()
    axes = report.load_axes()
    for axis in axes[:-1]:  # le dernier axe n'est pas encore exécuté
        clean = {k: v for k, v in axis.items() if k in ("title", "runs")}
        (tmp_path / "resultats" / f"axe_{axis['axis']}.json").write_text(json.dumps(clean))
    NotebookClient(nb, timeout=120, resources={"metadata": {"path": str(tmp_path)}}).execute()
    shown = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    for axis in axes[:-1]:
        run = axis["runs"][0]
        value = f"{100 * run['val_accuracy']:.1f}".replace(".", ",")
        assert f"`{run['run_dir'].removeprefix('runs/')}` | {value}\u00a0% |" in shown
    assert f"Axe {axes[-1]['axis']}\u00a0: pas encore de mesures" in shown
    assert "Traceback" not in shown


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ("<!-- tableau: axe 3 -->", "", "manquants : 3"),
        ("<!-- tableau: axe 3 -->", "<!-- tableau: axe 9 -->", "axe 9 --> » ne correspond"),
        ("<!-- tableau: axe 2 -->", "<!-- tableau: axe 1 -->", "en double : 1"),
        ("<!-- tableau: synthese -->", "", "un seul « <!-- tableau: synthese --> »"),
    ],
)
def test_a_template_marker_missing_or_unknown_is_named(tmp_path, old, new, expected):
    source = report.TEMPLATE_SOURCE.read_text(encoding="utf-8")
    assert f"# {old}" in source
    planted = tmp_path / "rapport_a_remplir.py"
    planted.write_text(source.replace(f"# {old}", f"# {new}"), encoding="utf-8")
    axes = [{"axis": n, "title": f"Axe {n}", "runs": [{"run_dir": "runs/a"}]} for n in range(1, 7)]
    with pytest.raises(report.ReportError, match=re.escape(expected)):
        report.template_notebook(axes, planted)


def test_every_workshop_step_and_the_report_link_the_template(built_site):
    site = built_site["dir"]
    for source in WORKSHOP:
        page = (site / "tutoriels" / source.stem / "index.html").read_text(encoding="utf-8")
        assert f'href="../../{report.TEMPLATE}" download' in page, source.stem
    other = (site / "tutoriels" / "07_premier_cnn" / "index.html").read_text(encoding="utf-8")
    assert report.TEMPLATE not in other
    page = (site / "atelier" / "rapport" / "index.html").read_text(encoding="utf-8")
    assert "<strong>corrigé</strong>" in page
    assert page.count('<a download href="../rapport-a-remplir.ipynb">') == 2
