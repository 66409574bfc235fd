"""Orthographe (hunspell-fr) et typographie françaises des pages, du glossaire et des tutoriels."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from conftest import ROOT

from tools import prose

SOURCES = prose.sources()
LABELS = [str(path.relative_to(ROOT)) for path, _ in SOURCES]


@pytest.fixture(scope="module", autouse=True)
def hunspell_installed():
    if not shutil.which("hunspell"):
        pytest.fail("hunspell introuvable : installez hunspell, hunspell-fr et hunspell-en-us.")


@pytest.fixture(scope="module")
def spelling():
    return prose.spelling_problems(dict(zip(LABELS, (t for _, t in SOURCES), strict=True)))


@pytest.mark.parametrize("label", LABELS)
def test_no_unknown_french_word(label, spelling):
    problems = [f"{label}:{line}: « {word} »" for line, word in spelling[label]]
    assert problems == [], (
        "mots inconnus (corrigez ou, pour un vrai terme technique, ajoutez-le "
        "à docs/mots-autorises.txt) :\n" + "\n".join(problems)
    )


@pytest.mark.parametrize(("path", "text"), SOURCES, ids=LABELS)
def test_french_typography(path, text):
    label = path.relative_to(ROOT)
    problems = [f"{label}:{line}: {message}" for line, message in prose.typography_problems(text)]
    assert problems == [], "\n".join(problems)


def test_the_word_list_is_sorted_unique_and_holds_only_words_hunspell_lacks():
    words = prose.WORDS.read_text(encoding="utf-8").splitlines()
    assert words == sorted(set(words), key=lambda w: (w.casefold(), w)), "liste non triée"
    stems = [w.split("/")[0] for w in words]
    # Chaque mot de la liste est inconnu du dictionnaire seul : sinon il n'a rien à y faire.
    known = subprocess.run(
        ["hunspell", "-d", prose.DICTIONARY, "-G", "-i", "utf-8"],
        input="\n".join(stems) + "\n",
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert known == [], f"déjà dans le dictionnaire : {known}"


def test_every_word_of_the_list_is_still_used():
    texts = "\n".join(t for _, t in SOURCES)
    unused = []
    for entry in prose.WORDS.read_text(encoding="utf-8").splitlines():
        stem = entry.split("/")[0]
        if stem not in texts and stem.casefold() not in texts.casefold():
            # une flexion (« perceptrons », « préentraînés ») compte comme un usage
            if not (("/" in entry) and stem[:-2].casefold() in texts.casefold()):
                unused.append(entry)
    assert unused == [], f"mots plus utilisés : {unused}"


# --- Le vérificateur lui-même : il voit les fautes et ignore le code ---------------------------

SAMPLE = """\
# Un titre

Une phrase corecte avec `unmotdecode` et $\\mathrm{formulle}$ et [un lien](https://exemple.org/motfaux).

```python
variabel = "texte entre guillemets droits"
```

!!! note "Titre d'encadré"

    Le *seed* (graine) est un mot anglais admis en italique\u00a0; *seeed* ne l'est pas.

Une erreur de typographie: ici. Un "guillemet droit". Des « guillemets» mal espacés. 88,7% ici.
"""


def test_the_checker_finds_misspellings_outside_code_and_maths_only():
    problems = prose.spelling_problems({"sample": SAMPLE})["sample"]
    assert problems == [(3, "corecte"), (11, "seeed")]


def test_the_checker_finds_each_typography_mistake_with_its_line():
    problems = prose.typography_problems(SAMPLE)
    lines = [line for line, _ in problems]
    messages = " ".join(message for _, message in problems)
    assert set(lines) == {13}
    assert "avant « : »" in messages
    assert "guillemet droit" in messages
    assert "après « (guillemet ouvrant)" in messages
    assert "avant » (guillemet fermant)" in messages
    assert "avant % : 7%" in messages
    assert len(problems) == 5


def test_tutorial_markdown_cells_keep_their_line_numbers():
    source = "# %%\nx = 1  # commentaire\n\n# %% [markdown]\n# Une phrase.\n#\n# Une autre.\n"
    assert prose.python_markdown(source).splitlines() == [
        "",
        "",
        "",
        "",
        "Une phrase.",
        "",
        "Une autre.",
    ]
