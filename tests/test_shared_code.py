"""Le code commun de l'atelier : écrit une fois, inséré par la construction (tools/shared_code.py).

* une cellule « # %% atelier: commun » devient les cellules de tutorials/atelier_commun.py,
  « # %% atelier: commun K/N » la cellule K seulement ; le tutoriel complet s'exécute seul ;
* la clé de cache d'un tutoriel contient le code commun : le modifier ré-exécute les tutoriels
  qui l'appellent, et eux seuls ;
* une cellule qui échoue dans le code commun est située dans atelier_commun.py ;
* un marqueur mal écrit, un code commun absent ou un tutoriel de l'atelier qui oublie le
  marqueur ou recopie le code commun sont signalés, en français, en nommant le fichier ;
* le .py publié à côté de chaque page est le tutoriel complet ;
* ruff, l'orthographe et la terminologie lisent aussi le code commun.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, run_module
from test_execute import HEADER

from tools import execute, glossary, prose, shared_code, terminology
from tools.hooks import tutorial_pages

COMMON = """\
# Présentation du code commun : jamais insérée.

# %%
# Commun 1/2 : la base.
BASE = 40


# %%
# Commun 2/2 : la fonction partagée.
def plus_two(x):
    return x + 2
"""

ALL = """
# %% [markdown]
# # Essai

# %% atelier: commun
# Le code commun, inséré ici par la construction.


# %%
score = plus_two(BASE) / 50
print("score :", score)
"""

COMPLETE = """
# %% [markdown]
# # Essai

# %%
# Commun 1/2 : la base.
BASE = 40


# %%
# Commun 2/2 : la fonction partagée.
def plus_two(x):
    return x + 2


# %%
score = plus_two(BASE) / 50
print("score :", score)
"""

ONE_BY_ONE = """
# %% atelier: commun 1/2
# La première cellule du code commun.

# %% [markdown]
# Entre les deux, une explication.

# %% atelier: commun 2/2


# %%
score = plus_two(BASE) / 50
"""

WORKSHOP = sorted(ROOT.glob("tutorials/1[0-9]_atelier_*.py"))


def write(folder: Path, name: str, body: str, common: str | None = COMMON) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    if common is not None:
        (folder / shared_code.COMMON_NAME).write_text(common, encoding="utf-8")
    path = folder / f"{name}.py"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


# --- L'insertion ---------------------------------------------------------------------------------


def test_the_marker_becomes_every_common_cell_with_each_line_keeping_its_origin(tmp_path):
    path = write(tmp_path / "tutorials", "01_essai", ALL)
    full = shared_code.standalone(path)
    assert full.text == HEADER + COMPLETE
    lines = full.text.splitlines()
    assert full.origin(lines.index("BASE = 40") + 1) == ("atelier_commun.py", 5)
    assert full.origin(lines.index("    return x + 2") + 1) == ("atelier_commun.py", 11)
    score = lines.index("score = plus_two(BASE) / 50") + 1
    in_source = (HEADER + ALL).splitlines().index("score = plus_two(BASE) / 50") + 1
    assert full.origin(score) == ("01_essai.py", in_source)
    # Le notebook lu par la construction est le tutoriel complet.
    tutorial = execute.load(path)
    sources = [c.source for c in tutorial.notebook.cells]
    assert sources[1].startswith("# Commun 1/2") and sources[2].startswith("# Commun 2/2")
    assert not any("Présentation" in s or "atelier: commun" in s for s in sources)
    assert tutorial.cell_lines[1] == ("atelier_commun.py", 3)


def test_a_numbered_marker_inserts_one_cell_and_a_source_without_marker_is_untouched(tmp_path):
    path = write(tmp_path / "tutorials", "01_essai", ONE_BY_ONE)
    cells = execute.load(path).notebook.cells
    assert [c.cell_type for c in cells] == ["code", "markdown", "code", "code"]
    assert cells[0].source == "# Commun 1/2 : la base.\nBASE = 40"
    assert cells[2].source.startswith("# Commun 2/2")
    plain = write(tmp_path / "autres", "02_seul", "\n# %%\nscore = 0.75\n", common=None)
    assert shared_code.standalone(plain).text == plain.read_text(encoding="utf-8")


def test_the_complete_tutorial_runs_alone_and_reruns_when_the_common_code_changes(tmp_path):
    folder = tmp_path / "tutorials"
    path = write(folder, "01_essai", ALL)
    kw = dict(out=tmp_path / "out", cache=tmp_path / "cache", work=tmp_path / "work")
    record = execute.build_one(path, log=lambda *a: None, **kw)
    # Le noyau travaille dans build/work/01_essai, où le code commun n'est pas : le notebook
    # exécuté le contient bien, il tourne seul.
    assert record["metrics"] == {"score": 0.84}
    nb = nbformat.read(tmp_path / "out" / "01_essai.ipynb", as_version=4)
    assert any("def plus_two" in c.source for c in nb.cells)
    (folder / shared_code.COMMON_NAME).write_text(
        COMMON.replace("return x + 2", "return x / 0"), encoding="utf-8"
    )
    # Le code commun a changé : pas de reprise du cache, le tutoriel est ré-exécuté et échoue
    # dans sa propre cellule, qui appelle la fonction commune (située dans sa source).
    with pytest.raises(execute.TutorialError) as err:
        execute.build_one(path, log=lambda *a: None, **kw)
    message = str(err.value)
    assert "ZeroDivisionError" in message and "à la cellule 4 (ligne" in message
    assert "de 01_essai.py)" in message


def test_an_error_inside_a_common_cell_names_the_common_file_and_its_line(tmp_path):
    folder = tmp_path / "tutorials"
    path = write(folder, "01_essai", ALL, common=COMMON.replace("BASE = 40", "BASE = 40 / 0"))
    with pytest.raises(execute.TutorialError) as err:
        execute.build_one(
            path,
            out=tmp_path / "out",
            cache=tmp_path / "cache",
            work=tmp_path / "work",
            log=lambda *a: None,
        )
    assert "à la cellule 2 (ligne 3 de atelier_commun.py)" in str(err.value)


def test_the_cache_key_contains_the_common_code(tmp_path):
    folder = tmp_path / "tutorials"
    with_marker = write(folder, "01_essai", ALL)
    without = write(folder, "02_seul", "\n# %%\nscore = 0.75\n")

    def keys():
        return [execute.cache_key(execute.load(p), "deps", "data") for p in (with_marker, without)]

    before = keys()
    (folder / shared_code.COMMON_NAME).write_text(COMMON.replace("40", "41"), encoding="utf-8")
    after = keys()
    assert after[0] != before[0] and after[1] == before[1]
    # La présentation du code commun n'est pas insérée : la changer ne ré-exécute rien.
    (folder / shared_code.COMMON_NAME).write_text(
        COMMON.replace("40", "41").replace("jamais insérée", "texte revu"), encoding="utf-8"
    )
    assert keys() == after


def test_the_real_common_code_is_in_the_cache_key_of_the_six_workshop_tutorials(tmp_path):
    folder = tmp_path / "tutorials"
    folder.mkdir()
    for path in [*WORKSHOP, ROOT / "tutorials" / shared_code.COMMON_NAME]:
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    copies = [folder / p.name for p in WORKSHOP]
    before = [execute.cache_key(execute.load(p), "d", "d") for p in copies]
    common = folder / shared_code.COMMON_NAME
    text = common.read_text(encoding="utf-8")
    common.write_text(text.replace("BATCH_SIZE = 64", "BATCH_SIZE = 128"), encoding="utf-8")
    after = [execute.cache_key(execute.load(p), "d", "d") for p in copies]
    assert len(copies) == 6
    assert all(a != b for a, b in zip(after, before, strict=True))


# --- Ce qui est refusé ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "common", "expected"),
    [
        (ALL.replace("# Le code commun", "x = 1  # Le code commun"), COMMON, "ligne 25 de"),
        (ALL.replace("atelier: commun", "atelier: comun"), COMMON, "marqueur « # %% atelier"),
        (ALL.replace("atelier: commun", "atelier:commun"), COMMON, "inconnu"),
        (ONE_BY_ONE.replace("2/2", "2/3"), COMMON, "annonce 3 cellules"),
        (ONE_BY_ONE.replace("1/2", "0/2"), COMMON, "pas de cellule 0"),
        (ALL, None, "atelier_commun.py est introuvable"),
        (ALL, COMMON + "\n# %% atelier: commun\n", "ne peut pas appeler lui-même"),
        (ALL, "# Rien que de la présentation.\n", "aucune cellule"),
    ],
)
def test_a_badly_called_common_code_is_refused_in_french(tmp_path, body, common, expected):
    path = write(tmp_path / "tutorials", "01_essai", body, common=common)
    with pytest.raises(execute.TutorialError) as err:
        execute.load(path)
    assert str(err.value).startswith("01_essai.py : ") and expected in str(err.value)


def test_the_command_line_refuses_bad_input_in_one_french_line(tmp_path):
    path = write(tmp_path / "tutorials", "01_essai", ALL.replace("commun", "comun", 1))
    result = run_module("tools.shared_code", "--tutorials", str(path.parent), "01_essai")
    assert result.returncode == 1
    assert result.stderr.startswith("Erreur : ligne ") and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    good = write(tmp_path / "bons", "01_essai", ALL)
    result = run_module("tools.shared_code", "--tutorials", str(good.parent), "01_essai")
    assert result.returncode == 0 and result.stdout == HEADER + COMPLETE


# --- Les tutoriels de l'atelier appellent tout le code commun, sans le recopier ------------------


def copy_workshop(tmp_path: Path, name: str) -> Path:
    folder = tmp_path / "tutorials"
    folder.mkdir(exist_ok=True)
    common = ROOT / "tutorials" / shared_code.COMMON_NAME
    (folder / common.name).write_text(common.read_text(encoding="utf-8"), encoding="utf-8")
    source = ROOT / "tutorials" / f"{name}.py"
    path = folder / source.name
    path.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def test_a_workshop_tutorial_that_lacks_the_marker_is_caught(tmp_path):
    path = copy_workshop(tmp_path, "11_atelier_activations")
    assert shared_code.coverage_problems(path) == []
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("# %% atelier: commun\n", "# %%\n"), encoding="utf-8")
    [problem] = shared_code.coverage_problems(path)
    assert "appelle les cellules aucune du code commun au lieu de [1, 2, 3, 4, 5]" in problem


def test_a_workshop_tutorial_that_skips_or_reorders_a_common_cell_is_caught(tmp_path):
    path = copy_workshop(tmp_path, "10_atelier_reference")
    assert shared_code.included_cells(path) == [1, 2, 3, 4, 5]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("commun 4/5", "commun 3/5"), encoding="utf-8")
    [problem] = shared_code.coverage_problems(path)
    assert "[1, 2, 3, 3, 5]" in problem


def test_a_common_cell_copied_back_by_hand_is_caught(tmp_path):
    path = copy_workshop(tmp_path, "12_atelier_optimiseurs")
    common = shared_code.read_common(path.parent / shared_code.COMMON_NAME)
    pasted = "".join(common.cells[2])
    text = path.read_text(encoding="utf-8")
    marker = "# %% atelier: commun\n"
    path.write_text(text.replace(marker, pasted + marker), encoding="utf-8")
    problems = shared_code.coverage_problems(path)
    assert len(problems) == 1 and "copie de la cellule 3 du code commun" in problems[0]


# --- Le .py publié, ruff, l'orthographe et la terminologie ---------------------------------------


def test_the_published_py_is_the_complete_tutorial(tmp_path, monkeypatch):
    folder = tmp_path / "tutorials"
    path = write(folder, "01_essai", ALL)
    out = tmp_path / "notebooks"
    out.mkdir()
    (out / "01_essai.ipynb").write_text("{}", encoding="utf-8")
    monkeypatch.setattr(tutorial_pages.execute, "TUTORIALS", folder)
    monkeypatch.setattr(tutorial_pages.execute, "OUT", out)
    monkeypatch.setattr(tutorial_pages, "_records", {"01_essai": {"tutorial": "01_essai"}})
    monkeypatch.setattr(tutorial_pages, "_shared_css", {})
    tutorial_pages.on_post_build({"site_dir": str(tmp_path / "site")})
    published = tmp_path / "site" / "tutoriels" / "01_essai.py"
    assert published.read_text(encoding="utf-8") == HEADER + COMPLETE
    assert path.read_text(encoding="utf-8") == HEADER + ALL


def test_ruff_checks_the_complete_tutorial_and_points_into_the_right_file(tmp_path):
    path = copy_workshop(tmp_path, "13_atelier_dropout")
    assert shared_code.lint(path) == []
    text = path.read_text(encoding="utf-8")
    # Un nom indéfini dans la source : toléré par ruff dans la source, trouvé dans le complet.
    marker = "# %% atelier: commun\n"
    planted = text.replace(marker, "# %%\nprint(undefined_name)\n\n\n" + marker)
    path.write_text(planted, encoding="utf-8")
    line = planted.splitlines().index("print(undefined_name)") + 1
    [message] = shared_code.lint(path)
    assert message.startswith(f"13_atelier_dropout.py:{line}: F821 ")
    # Une ligne vide de moins après le marqueur : la source reste formatée, mais plus le
    # tutoriel complet (la dernière cellule insérée finit par une fonction).
    last = "dans le .py téléchargé.\n"
    path.write_text(text.replace(last + "\n\n", last + "\n"), encoding="utf-8")
    [message] = shared_code.lint(path)
    assert "n'est pas formaté comme ruff le demande" in message


def test_spelling_and_terminology_read_the_common_code(tmp_path):
    assert ROOT / "tutorials" / shared_code.COMMON_NAME in [p for p, _ in prose.sources()]
    assert ROOT / "tutorials" / shared_code.COMMON_NAME in [p for p, *_ in terminology.sources()]
    (tmp_path / "tutorials").mkdir()
    (tmp_path / "tutorials" / shared_code.COMMON_NAME).write_text(
        textwrap.dedent(
            """\
            # %% [markdown]
            # Une cellule de texte partagée.

            # %%
            print("Perte du mini-lot")
            """
        ),
        encoding="utf-8",
    )
    assert terminology.check(tmp_path, glossary.load()) == [
        "tutorials/atelier_commun.py:5: « mini-lot » : écrivez « lot » "
        "(terme retenu par le glossaire)"
    ]
    [(path, markdown)] = prose.sources(tmp_path)
    assert path.name == shared_code.COMMON_NAME and "Une cellule de texte partagée." in markdown
