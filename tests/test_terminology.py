"""Terminologie : un seul terme par notion ; le glossaire liste les variantes refusées."""

from __future__ import annotations

import textwrap

import pytest
from conftest import ROOT

from tools import glossary, terminology

NBSP = "\u00a0"


def test_no_rejected_variant_in_the_prose_of_the_course():
    problems = terminology.check()
    assert problems == [], "variantes refusées (fichier:ligne) :\n" + "\n".join(problems)


def test_every_rejected_variant_is_caught_by_its_own_rule():
    for rule in terminology.rules():
        assert rule.pattern.fullmatch(rule.variant), rule.variant
        assert rule.pattern.fullmatch(rule.variant.upper()), rule.variant


def test_no_term_is_both_accepted_by_one_entry_and_rejected_by_another():
    entries = glossary.load()
    accepted = {
        form.casefold(): entry["fr"]
        for entry in entries
        for form in (entry["fr"], *entry.get("formes", []))
    }
    clashes = [
        f"« {rule.variant} » refusé, mais admis par « {accepted[rule.variant.casefold()]} »"
        for rule in terminology.rules(entries)
        if rule.variant.casefold() in accepted
    ]
    assert clashes == []


def test_the_glossary_rejects_the_variants_the_course_used_to_mix():
    """Les notions de l'issue 10 ont leur terme retenu et leurs variantes refusées."""
    by_variant = {r.variant: r for r in terminology.rules()}
    expected = {
        "pas d'apprentissage": ("taux d'apprentissage", False),
        "learning rate": ("taux d'apprentissage", True),
        "périphérique": ("appareil", False),
        "device": ("appareil", True),
        "weight decay": ("décroissance des poids", True),
        "l'inertie": ("momentum", False),
        "pooling": ("couche d'agrégation", True),
        "sous-échantillonnage": ("couche d'agrégation", False),
        "mini-lot": ("lot", False),
        "batch": ("lot", True),
        "et al.": ("et coll.", False),
    }
    for variant, (accepted, english) in expected.items():
        rule = by_variant[variant]
        assert (rule.accepted, rule.english) == (accepted, english), variant


# --- Une violation plantée est trouvée, au bon fichier et à la bonne ligne ---------------------


@pytest.fixture
def course(tmp_path):
    """Un petit cours : une page, un tutoriel, un script et une figure, avec le vrai glossaire."""
    (tmp_path / "docs" / "figures").mkdir(parents=True)
    (tmp_path / "tutorials").mkdir()
    (tmp_path / "snippets").mkdir()
    return tmp_path


def _write(path, text):
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def test_a_planted_variant_is_reported_with_file_line_and_accepted_term(course):
    _write(
        course / "docs" / "page.md",
        f"""
        # Une page

        Le taux d'apprentissage (*learning rate*) fixe la longueur du pas.
        Un pas d'apprentissage trop grand fait diverger l'entraînement.

        ```python
        learning_rate = 0.1  # pas d'apprentissage, mini-lot : du code, jamais signalé
        print("Perte du mini-lot :", learning_rate)
        ```

        Le `pas d'apprentissage` en code en ligne n'est pas signalé non plus.
        Le calcul se fait sur le device choisi{NBSP}; voir [How to adjust learning rate](https://pytorch.org/docs/stable/optim.html).
        """,
    )
    _write(
        course / "tutorials" / "01_essai.py",
        """
        # %% [markdown]
        # # Essai
        #
        # Nous découpons les données en mini-lots.

        # %%
        # mini-lots de 64 : un commentaire de code n'est pas de la prose
        mini_lot = {"mini-lot": 64}
        for batch in range(3):
            print(f"Perte du mini-lot {batch}")
        """,
    )
    _write(
        course / "snippets" / "script.py",
        '''
        """Un script d'essai."""

        DEVICE = "device"  # une clé, pas un message
        print(f"Appareil : {DEVICE} (device)")
        print("Entraînement sur le device demandé")
        ''',
    )
    _write(
        course / "docs" / "figures" / "figure.py",
        """
        import matplotlib.pyplot as plt

        plt.title("Perte par mini-lot")
        """,
    )
    problems = terminology.check(course, glossary.load())
    assert problems == [
        "docs/page.md:4: « pas d'apprentissage » : écrivez « taux d'apprentissage » "
        "(terme retenu par le glossaire)",
        "docs/page.md:12: « device » employé comme terme courant : écrivez « appareil » "
        "(l'anglais n'est admis qu'en traduction, en italique entre parenthèses)",
        "tutorials/01_essai.py:4: « mini-lots » : écrivez « lot » (terme retenu par le glossaire)",
        "docs/page.md:8: « mini-lot » : écrivez « lot » (terme retenu par le glossaire)",
        "snippets/script.py:5: « device » employé comme terme courant : écrivez « appareil » "
        "(l'anglais n'est admis qu'en traduction, en italique entre parenthèses)",
        "docs/figures/figure.py:3: « mini-lot » : écrivez « lot » (terme retenu par le glossaire)",
        "tutorials/01_essai.py:10: « mini-lot » : écrivez « lot » (terme retenu par le glossaire)",
    ]


@pytest.mark.parametrize(
    ("line", "flagged"),
    [
        ("La décroissance des poids (*weight decay*) tire les poids vers zéro.", False),
        ("Le *weight decay* tire les poids vers zéro.", True),
        ("Le weight decay tire les poids vers zéro.", True),
        ("Le weight-decay tire les poids vers zéro.", True),
        ("Voir [Decoupled Weight Decay Regularization](https://arxiv.org/abs/1711.05101).", False),
        ("Le paramètre `weight_decay` de `AdamW`.", False),
        ("La normalisation par lots (*batch normalization*, `BatchNorm1d`) recentre.", False),
        ("Srivastava et coll. (2014).", False),
        ("Srivastava et al. (2014).", True),
        ("Le momentum agit comme une inertie.", False),
        ("L’inertie n'est pas un gain automatique.", True),
    ],
)
def test_english_is_allowed_only_as_a_translation_in_italics_between_parentheses(line, flagged):
    problems = terminology.check_markdown(line + "\n", terminology.rules())
    assert bool(problems) == flagged, problems


def test_a_variant_split_by_a_line_break_is_reported_where_it_starts():
    text = "Un texte.\nLe bon choix du pas\nd'apprentissage compte.\n"
    problems = terminology.check_markdown(text, terminology.rules())
    assert problems == [
        (
            2,
            "« pas d'apprentissage » : écrivez « taux d'apprentissage » "
            "(terme retenu par le glossaire)",
        )
    ]


def test_the_glossary_refuses_a_variant_that_is_also_an_accepted_form(tmp_path):
    source = tmp_path / "glossaire.yml"
    source.write_text(
        "- fr: Lot\n  en: batch\n  definition: Un groupe.\n  page: mlp.md\n"
        "  formes: [lots]\n  rejets: [lots]\n"
        "- fr: Époque\n  en: epoch\n  definition: Un passage.\n  page: mlp.md\n"
        "  rejets_anglais: epoch\n",
        encoding="utf-8",
    )
    with pytest.raises(glossary.GlossaryError) as info:
        glossary.load(source)
    message = str(info.value)
    assert "Lot : « lots » est à la fois admis et refusé" in message
    assert "Époque : « rejets_anglais » doit être une liste de textes" in message


def test_the_command_lists_nothing_on_the_course(capsys):
    assert terminology.main() == 0
    assert capsys.readouterr().err.startswith("0 emploi")


def test_the_glossary_header_and_the_contributing_guide_document_the_new_keys():
    header = (ROOT / "docs" / "glossaire.yml").read_text(encoding="utf-8").split("\n- ")[0]
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for text in (header, guide):
        assert "rejets" in text and "rejets_anglais" in text
