"""Questions d'autoévaluation écrites en Markdown, rendues en HTML lisible sans JavaScript.

Une question s'écrit comme une admonition de type ``quiz`` ; chaque choix est une case, cochée
(``[x]``) pour une bonne réponse, suivie de son explication, indentée sous le choix :

    !!! quiz "Forme de la sortie"
        Un lot de forme `(32, 784)` traverse `nn.Linear(784, 128)`. Quelle forme sort ?

        - [ ] `(784, 128)`
          C'est la forme de la matrice de poids, pas celle de la sortie.
        - [x] `(32, 128)`
          Chaque image du lot donne 128 valeurs.

Sans JavaScript, la question, ses choix et l'explication de chacun (repliée) restent lisibles ;
docs/assets/quiz.js ajoute la réponse immédiate. Une question mal formée (moins de deux choix,
aucune bonne réponse, un choix sans explication) fait échouer la construction, avec un message
qui nomme la page et la ligne.
"""

from __future__ import annotations

import html
import re

import markdown

START_RE = re.compile(r'^!!! quiz "(?P<title>[^"]+)"\s*$')
NBSP = "\u00a0"
BLANK_LINE_RE = re.compile(r"\n[ \t]*\n")
CHOICE_RE = re.compile(r"^- \[(?P<mark>[ xX])\] (?P<text>.+)$")


class QuizError(Exception):
    """Une question mal formée, avec un message français qui nomme la page et la ligne."""


def _inline(text: str) -> str:
    """Le Markdown d'une ligne (code, italique, gras) en HTML, sans paragraphe autour."""
    rendered = markdown.markdown(text.strip())
    return re.sub(r"^<p>|</p>$", "", rendered.strip())


def _block(text: str) -> str:
    return markdown.markdown(text.strip())


def parse_block(lines: list[str], label: str, first_line: int) -> dict:
    """Corps et choix d'une question (lignes déjà désindentées de quatre espaces)."""
    body, choices = [], []
    for offset, line in enumerate(lines):
        m = CHOICE_RE.match(line)
        if m:
            choices.append(
                {
                    "text": m.group("text"),
                    "correct": m.group("mark") != " ",
                    "explanation": [],
                    "line": first_line + offset,
                }
            )
        elif choices:
            if line.strip() and not line.startswith("  "):
                raise QuizError(
                    f"{label}:{first_line + offset} : dans une question, l'explication d'un "
                    "choix s'indente de deux espaces sous lui."
                )
            choices[-1]["explanation"].append(line[2:])
        else:
            body.append(line)
    problems = []
    if len(choices) < 2:
        problems.append("il faut au moins deux choix « - [ ] … »")
    if choices and not any(c["correct"] for c in choices):
        problems.append("aucun choix n'est marqué juste « - [x] … »")
    for choice in choices:
        if not "".join(choice["explanation"]).strip():
            problems.append(f"le choix de la ligne {choice['line']} n'a pas d'explication")
    if not "".join(body).strip():
        problems.append("la question n'a pas d'énoncé")
    if problems:
        raise QuizError(f"{label}:{first_line - 1} : question mal formée : {' ; '.join(problems)}.")
    return {"body": "\n".join(body), "choices": choices}


def render(question: dict, title: str, ident: str) -> str:
    """Le HTML d'une question : lisible sans script, explications repliées sous chaque choix."""
    correct = sum(c["correct"] for c in question["choices"])
    kind = "radio" if correct == 1 else "checkbox"
    hint = "Une seule réponse juste." if correct == 1 else "Plusieurs réponses justes."
    items = []
    for i, choice in enumerate(question["choices"]):
        verdict = "Juste" if choice["correct"] else "Faux"
        explanation = _block("\n".join(choice["explanation"]))
        items.append(
            f'<li class="quiz-choix" data-juste="{str(choice["correct"]).lower()}">'
            f'<label><input type="{kind}" name="{ident}" value="{i}" disabled> '
            f"{_inline(choice['text'])}</label>"
            f'<details class="quiz-explication"><summary>{verdict}{NBSP}: '
            f"pourquoi{NBSP}?</summary>{explanation}</details></li>"
        )
    rendered = (
        f'<div class="quiz" id="{ident}" data-quiz="{kind}">\n'
        f'<fieldset><legend class="quiz-titre">{html.escape(title)}</legend>'
        f'<div class="quiz-enonce">{_block(question["body"])}</div>'
        f'<p class="quiz-consigne">{hint}</p>'
        f'<ol class="quiz-choix-liste">{"".join(items)}</ol></fieldset>'
        '<p class="quiz-actions" hidden><button type="button" class="md-button quiz-verifier">'
        "Vérifier ma réponse</button></p>"
        '<p class="quiz-retour" role="status" aria-live="polite"></p>\n</div>\n'
    )
    # Une ligne vide (un exemple de code sur plusieurs paragraphes) terminerait le bloc HTML
    # pour le Markdown des notebooks (nbconvert, Jupyter) : un commentaire vide la remplace.
    return BLANK_LINE_RE.sub("\n<!-- -->\n", rendered)


def process(text: str, label: str, prefix: str, line_offset: int = 0) -> tuple[str, int]:
    """Remplace chaque question du Markdown par son HTML ; renvoie (texte, nombre de questions)."""
    lines = text.split("\n")
    out: list[str] = []
    count = 0
    i = 0
    while i < len(lines):
        m = START_RE.match(lines[i])
        if not m:
            out.append(lines[i])
            i += 1
            continue
        start = i
        i += 1
        block = []
        while i < len(lines) and (not lines[i].strip() or lines[i].startswith("    ")):
            block.append(lines[i][4:])
            i += 1
        while block and not block[-1].strip():
            block.pop()
        count += 1
        question = parse_block(block, label, start + 2 + line_offset)
        out.append(render(question, m.group("title"), f"{prefix}-q{count}"))
        out.append("")
    return "\n".join(out), count
