"""Orthographe et typographie de la prose française du cours (pages, glossaire, tutoriels).

La prose est extraite ligne par ligne, les numéros de ligne conservés : le code (blocs
délimités, code en ligne), les formules (``$…$``, ``$$…$$``), les adresses, les balises HTML, les
listes d'attributs et la syntaxe Markdown (``!!!``, ``===``, abréviations…) sont masqués.

* orthographe : hunspell, dictionnaire français (``hunspell -d fr_FR``), complété par la liste de
  mots du projet ``docs/mots-autorises.txt`` (un mot par ligne, triée ; ``mot/modèle`` donne au
  mot les flexions d'un mot connu, par exemple ``perceptron/neurone`` accepte « perceptrons ») ;
* typographie : espace insécable (U+00A0 ou U+202F) avant ``: ; ! ?`` et ``%``, à l'intérieur des
  « guillemets », aucun guillemet droit ``"`` dans la prose.

Sources vérifiées : ``docs/**/*.md``, les champs ``fr`` et ``definition`` de
``docs/glossaire.yml`` et les cellules Markdown de ``tutorials/NN_slug.py``.
``python -m tools.prose`` affiche chaque problème sous la forme ``fichier:ligne: message``.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tools import paths

ROOT, DOCS = paths.ROOT, paths.DOCS
WORDS = DOCS / "mots-autorises.txt"
DICTIONARY = "fr_FR"
HIDDEN = "\x00"  # remplace un caractère masqué (qui n'est pas de la prose)
NBSPS = "\u00a0\u202f"

FENCE_RE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
INLINE_PATTERNS = [
    re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)"),  # code en ligne
    re.compile(r"(?<![\\$])\$(?![\s$]).*?(?<![\s\\])\$(?!\d)"),  # formule en ligne $…$
    re.compile(r"\\\(.*?\\\)"),  # formule en ligne \( … \)
    re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)"),  # adresse d'un lien ou d'une image
    re.compile(r"<!--.*?-->"),  # commentaire HTML sur une ligne
    re.compile(r"<code>.*?</code>"),  # code en ligne écrit en HTML
    re.compile(r"</?[A-Za-z][^>]*>"),  # balise HTML (le texte entre les balises reste)
    re.compile(r"https?://\S+"),  # adresse nue
    re.compile(r"\{[:#.][^}]*\}|\{\s*[\w-]+=[^}]*\}"),  # liste d'attributs {#id .classe}
    re.compile(r"\[\^[^\]]+\]:?"),  # note de bas de page
    re.compile(r"&[a-z]+;|&#\d+;"),  # entité HTML
    re.compile(r"!(?=\[)"),  # image ![texte](adresse)
    re.compile(r"\]\[[^\]]*\]"),  # référence d'un lien [texte][reference]
]
ITALIC_RE = re.compile(r"(?<![*\w])\*(?!\*)([^*]+?)(?<!\s)\*(?![*\w])")
EXTERNAL_LINK_RE = re.compile(r"\[([^\]]+)\]\(https?://[^)]*\)|\[([^\]]+)\]\[[^\]]*\]")
LINE_PATTERNS = [
    # admonitions, blocs repliables, onglets : on garde le titre entre guillemets
    (re.compile(r'^(\s*(?:!!!|\?\?\?\+?|===\+?!?)(?:\s+[\w-]+)*\s*)"(.*)"\s*$'), (1,), (2,)),
    (re.compile(r"^(\s*(?:!!!|\?\?\?\+?|===\+?!?)(?:\s+[\w-]+)*\s*)$"), (1,), ()),
    (re.compile(r"^(\s*\*\[[^\]]+\]:.*)$"), (1,), ()),  # définition d'abréviation
    (re.compile(r"^(\s*\[[^\]]+\]:\s*\S+.*)$"), (1,), ()),  # définition de lien
    (re.compile(r"^(\s*:\s{3})"), (1,), ()),  # définition (def_list)
    (re.compile(r"^(\s*-{1,3}8<-{1,3}.*)$"), (1,), ()),  # inclusion pymdownx.snippets
    (re.compile(r"^(\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*)$"), (1,), ()),  # tableau
]


YAML_SYNTAX_RE = re.compile(
    r"^\s*(?:---\s*$|#.*$|-\s+(?:[\w./-]+\.(?:md|ipynb)\s*$)?|[\w-]+:\s*(?:\[\s*\]\s*$)?)"
)


def _hide(line: str, start: int, end: int) -> str:
    return line[:start] + HIDDEN * (end - start) + line[end:]


def mask_markdown(text: str) -> list[str]:
    """Les lignes du texte, où tout ce qui n'est pas de la prose est remplacé par HIDDEN."""
    lines = text.splitlines()
    out = []
    fence = None  # clôture du bloc de code en cours
    in_math = in_comment = False
    # L'en-tête YAML d'une page (niveau, prérequis du parcours) : les clés et la syntaxe sont
    # masquées, les valeurs (des titres, de la prose) restent vérifiées.
    front = 0
    if lines and lines[0].strip() == "---":
        front = next((i + 1 for i in range(1, len(lines)) if lines[i].strip() == "---"), 0)
    for number, line in enumerate(lines):
        if number < front:
            m = YAML_SYNTAX_RE.match(line)
            out.append(_hide(line, 0, m.end()) if m else line)
            continue
        if fence:
            out.append(HIDDEN * len(line))
            if re.match(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$", line):
                fence = None
            continue
        m = FENCE_RE.match(line)
        if m:
            fence = m.group(1)
            out.append(HIDDEN * len(line))
            continue
        if in_comment:
            out.append(HIDDEN * len(line))
            in_comment = "-->" not in line
            continue
        if line.strip().startswith("<!--") and "-->" not in line:
            in_comment = True
            out.append(HIDDEN * len(line))
            continue
        if in_math:
            out.append(HIDDEN * len(line))
            in_math = "$$" not in line and "\\]" not in line
            continue
        stripped = line.strip()
        if stripped.startswith("$$") or stripped.startswith("\\["):
            closed = stripped.count("$$") >= 2 or "\\]" in stripped
            in_math = not closed
            out.append(HIDDEN * len(line))
            continue
        out.append(_mask_line(line))
    return out


def _mask_line(line: str) -> str:
    for pattern, hidden, _kept in LINE_PATTERNS:
        m = pattern.match(line)
        if m:
            for group in hidden:
                line = _hide(line, m.start(group), m.end(group))
            # les guillemets droits d'un titre d'admonition sont de la syntaxe Markdown
            if _kept:
                line = _hide(line, m.start(2) - 1, m.start(2))
                line = _hide(line, m.end(2), m.end(2) + 1)
    for pattern in INLINE_PATTERNS:
        for m in pattern.finditer(line):
            line = _hide(line, m.start(), m.end())
    return line


# Le texte alternatif d'une figure, sur la ligne « # %% » de la cellule qui la dessine
# (tools/accessibility.py) : une chaîne JSON ou une liste de chaînes.
ALT_RE = re.compile(r'\balt=("(?:[^"\\]|\\.)*"|\[.*?\])')


def python_markdown(text: str) -> str:
    """Les cellules Markdown d'un tutoriel jupytext (py:percent) et les textes alternatifs des
    figures (``# %% alt="…"``), aux mêmes numéros de ligne."""
    out, in_markdown = [], False
    for line in text.splitlines():
        if line.startswith("# %%"):
            in_markdown = "[markdown]" in line
            alt = ALT_RE.search(line)
            try:
                value = json.loads(alt.group(1)) if alt else ""
            except ValueError:
                value = alt.group(1)
            out.append(" ".join(value) if isinstance(value, list) else value)
        elif in_markdown and (line == "#" or line.startswith("# ")):
            out.append(line[2:])
        else:
            in_markdown = in_markdown and line.strip() == ""
            out.append("")
    return "\n".join(out)


def glossary_prose(text: str) -> str:
    """Les champs ``fr``, ``definition`` et ``formes`` du glossaire YAML, aux mêmes numéros de
    ligne ; les formes mêlent français et anglais : elles sont rendues en italique."""
    out = []
    for line in text.splitlines():
        m = re.match(r"^\s*-?\s*(fr|definition|formes):\s*(.*)$", line)
        if not m:
            out.append("")
            continue
        value = m.group(2).strip().strip("'\"")
        if m.group(1) == "formes":
            value = " ".join(f"*{f.strip()}*" for f in value.strip("[]").split(",") if f.strip())
        out.append(value)
    return "\n".join(out)


def sources(root: Path = ROOT) -> list[tuple[Path, str]]:
    """Chaque fichier de prose et son texte Markdown (aux numéros de ligne du fichier)."""
    found = []
    for page in sorted((root / "docs").rglob("*.md")):
        found.append((page, page.read_text(encoding="utf-8")))
    glossary = root / "docs" / "glossaire.yml"
    if glossary.is_file():
        found.append((glossary, glossary_prose(glossary.read_text(encoding="utf-8"))))
    # Les tutoriels et le code commun de l'atelier (tutorials/atelier_commun.py).
    for tutorial in sorted((root / "tutorials").glob("*.py")):
        found.append((tutorial, python_markdown(tutorial.read_text(encoding="utf-8"))))
    return found


def hunspell_text(masked: str) -> str:
    """Une ligne masquée, prête pour hunspell : syntaxe et espaces spéciales deviennent blancs."""
    text = masked.replace(HIDDEN, " ").replace("’", "'")
    return re.sub(r"[*_«»|\u00a0\u202f]", " ", text)


def foreign_spans(line: str) -> list[tuple[int, int]]:
    """Les passages où l'anglais est admis : l'italique (*seed*) et le texte des liens externes
    (souvent le titre d'une ressource en anglais)."""
    spans = [m.span(1) for m in ITALIC_RE.finditer(line)]
    for m in EXTERNAL_LINK_RE.finditer(line):
        spans.append(m.span(1) if m.group(1) is not None else m.span(2))
    return spans


def split_languages(text: str) -> tuple[list[str], list[str]]:
    """(prose à vérifier en français, passages où le français et l'anglais sont admis)."""
    french, foreign = [], []
    for raw, masked in zip(text.splitlines(), mask_markdown(text), strict=True):
        spans = foreign_spans(raw) if masked.strip(HIDDEN + " ") else []
        fr, en = list(masked), [" "] * len(masked)
        for start, end in spans:
            for i in range(start, end):
                en[i], fr[i] = masked[i], " "
        french.append(hunspell_text("".join(fr)))
        foreign.append(hunspell_text("".join(en)))
    return french, foreign


def hunspell_unknown(lines: list[str], dictionaries: str, words: Path = WORDS) -> set[str]:
    """Les mots de ces lignes que hunspell ne connaît pas (ni la liste de mots du projet)."""
    if not shutil.which("hunspell"):
        raise RuntimeError(
            "hunspell est introuvable : installez les paquets Debian hunspell, hunspell-fr et "
            "hunspell-en-us (make system)."
        )
    command = ["hunspell", "-d", dictionaries, "-l", "-i", "utf-8"]
    if words.is_file():
        command += ["-p", str(words)]
    result = subprocess.run(
        command, input="\n".join(lines) + "\n", capture_output=True, text=True, check=False
    )
    if result.returncode != 0 or "Can't open affix or dictionary" in result.stderr:
        raise RuntimeError(f"hunspell -d {dictionaries} a échoué : {result.stderr.strip()}")
    return {w.rstrip(".") for w in result.stdout.split()} - {""}


def locate(lines: list[str], unknown: set[str]) -> list[tuple[int, str]]:
    """(numéro de ligne, mot) de chaque occurrence d'un mot inconnu."""
    found = []
    for word in sorted(unknown, key=len, reverse=True):
        pattern = re.compile(rf"(?<![\w'-]){re.escape(word)}(?![\w-])")
        found += [(n, word) for n, line in enumerate(lines, 1) if pattern.search(line)]
    return sorted(set(found))


def spelling_problems(
    texts: dict[str, str], words: Path = WORDS
) -> dict[str, list[tuple[int, str]]]:
    """Pour chaque texte (Markdown), ses mots inconnus : {nom: [(ligne, mot), …]}.

    Deux appels à hunspell pour tous les textes : le français partout, le français et l'anglais
    dans les passages où l'anglais est admis (voir foreign_spans).
    """
    split = {name: split_languages(text) for name, text in texts.items()}
    french = [line for fr, _ in split.values() for line in fr]
    foreign = [line for _, en in split.values() for line in en]
    unknown_fr = hunspell_unknown(french, DICTIONARY, words)
    unknown_en = (
        hunspell_unknown(foreign, f"{DICTIONARY},en_US", words)
        if any(s.strip() for s in foreign)
        else set()
    )
    return {
        name: sorted(set(locate(fr, unknown_fr)) | set(locate(en, unknown_en)))
        for name, (fr, en) in split.items()
    }


def typography_problems(text: str) -> list[tuple[int, str]]:
    """(numéro de ligne, message) pour chaque écart aux règles de typographie française.

    L'espace avant ``: ; ! ?`` n'est pas exigée dans les passages où l'anglais est admis (un
    titre anglais cité en lien, un terme anglais en italique).
    """
    problems = []
    raws = text.splitlines()
    for number, line in enumerate(mask_markdown(text), 1):
        english = foreign_spans(raws[number - 1])
        for m in re.finditer(r"[:;!?]", line):
            i = m.start()
            if any(start <= i < end for start, end in english):
                continue
            before = line[i - 1] if i else ""
            if before in NBSPS or before in ":;!?" or not before:
                continue
            after = line[i + 1 : i + 2]
            if m.group() == ":" and after.isdigit() and before.isdigit():
                continue  # une heure ou un ratio écrit 10:30
            context = line[max(0, i - 20) : i + 1].replace(HIDDEN, "…").lstrip()
            problems.append(
                (number, f"espace insécable attendue avant « {m.group()} » : {context}")
            )
        for _ in re.finditer(r"«(?![\u00a0\u202f])", line):
            problems.append((number, "espace insécable attendue après « (guillemet ouvrant)"))
        for _ in re.finditer(r"(?<![\u00a0\u202f])»", line):
            problems.append((number, "espace insécable attendue avant » (guillemet fermant)"))
        for m in re.finditer(r"\d ?%", line):
            problems.append((number, f"espace insécable attendue avant % : {m.group()}"))
        if '"' in line:
            i = line.index('"')
            context = line[max(0, i - 20) : i + 20].replace(HIDDEN, "…").strip()
            problems.append((number, f"guillemet droit dans la prose (utilisez « ») : {context}"))
    return problems


def check(root: Path = ROOT, words: Path = WORDS) -> list[str]:
    """Tous les problèmes, sous la forme « fichier:ligne: message »."""
    found = sources(root)
    labels = {str(p.relative_to(root) if p.is_relative_to(root) else p): t for p, t in found}
    messages = []
    for label, problems in spelling_problems(labels, words).items():
        messages += [f"{label}:{n}: mot inconnu « {w} »" for n, w in problems]
    for label, text in labels.items():
        for number, message in typography_problems(text):
            messages.append(f"{label}:{number}: {message}")
    return messages


def main() -> int:
    messages = check()
    for message in messages:
        print(message)
    print(f"{len(messages)} problème(s) d'orthographe ou de typographie.", file=sys.stderr)
    return 1 if messages else 0


if __name__ == "__main__":
    sys.exit(main())
