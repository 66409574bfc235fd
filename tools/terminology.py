"""Terminologie : un seul terme par notion, partout dans le cours.

Le glossaire (docs/glossaire.yml) fait autorité. Chaque entrée peut lister deux sortes de
variantes refusées :

* ``rejets`` : des variantes françaises (« pas d'apprentissage » pour « taux d'apprentissage »),
  refusées partout dans la prose ;
* ``rejets_anglais`` : des termes anglais (« learning rate »), admis seulement comme traduction
  donnée en passant, c'est-à-dire en italique entre parenthèses juste après le terme français
  (« taux d'apprentissage (*learning rate*) »), ou dans le texte d'un lien externe (le titre
  d'une ressource en anglais). Employés comme terme courant, même en italique
  (« le *weight decay* »), ils sont refusés.

S'y ajoutent quelques conventions de rédaction qui ne sont pas des notions du glossaire
(CONVENTIONS : « et coll. » et non « et al. »).

Sources vérifiées, code exclu : la prose des pages ``docs/**/*.md`` (blocs de code, code en
ligne, formules et adresses masqués par tools.prose), les champs ``fr``, ``definition`` et
``formes`` du glossaire, les cellules Markdown des tutoriels ``tutorials/NN_slug.py``, et les
messages des scripts ``snippets/*.py``, des figures ``docs/figures/*.py``, du code des
tutoriels et des blocs ```python des pages (titres de figures, lignes affichées) : leurs
chaînes de caractères qui contiennent une espace, pas les clés ni les noms d'options ; dans une
chaîne, l'anglais entre parenthèses est admis comme traduction, faute d'italique. Les
commentaires du code ne sont pas lus.

Les variantes se comparent sans tenir compte de la casse ni de la forme de l'apostrophe ; une
espace d'une variante vaut aussi une espace insécable ou un trait d'union.

``python -m tools.terminology`` affiche chaque emploi fautif sous la forme
``fichier:ligne: message`` et sort avec le code 1 s'il y en a.
"""

from __future__ import annotations

import io
import re
import sys
import textwrap
import tokenize
from dataclasses import dataclass
from pathlib import Path

from tools import glossary, paths, prose

ROOT = paths.ROOT

# Conventions de rédaction hors glossaire : terme retenu → variantes françaises refusées.
CONVENTIONS = {"et coll.": ["et al."]}


@dataclass(frozen=True)
class Rule:
    """Une variante refusée, le terme à employer à sa place et la nature de la variante."""

    variant: str
    accepted: str
    english: bool
    pattern: re.Pattern
    origin: str = "terme retenu par le glossaire"


def _pattern(variant: str) -> re.Pattern:
    parts = [re.escape(w) for w in variant.replace("’", "'").split()]
    body = r"[\s\u00a0\u202f-]+".join(parts).replace("'", "['’]")
    end = r"(?![\w-])" if variant[-1].isalnum() else ""
    return re.compile(rf"(?<![\w-]){body}{end}", re.IGNORECASE)


def rules(entries: list[dict] | None = None) -> list[Rule]:
    """Les variantes refusées du glossaire et des conventions, les plus longues d'abord."""
    entries = glossary.load() if entries is None else entries
    found = []
    for entry in entries:
        accepted = glossary._lower_first(entry["fr"])
        for key, english in (("rejets", False), ("rejets_anglais", True)):
            for variant in entry.get(key, []):
                found.append(Rule(variant, accepted, english, _pattern(variant)))
    for accepted, variants in CONVENTIONS.items():
        found += [
            Rule(v, accepted, False, _pattern(v), "convention de rédaction du cours")
            for v in variants
        ]
    return sorted(found, key=lambda r: len(r.variant), reverse=True)


# --- Où l'anglais est admis -------------------------------------------------------------------


def _in_parentheses(line: str, start: int, end: int) -> bool:
    """Le passage [start, end) est-il entre parenthèses, sur la même ligne ?"""
    opening = line.rfind("(", 0, start)
    if opening < 0 or ")" in line[opening:start]:
        return False
    closing = line.find(")", end)
    return closing >= 0 and "(" not in line[end:closing]


def _markdown_allowed(raw: str, masked: str, start: int, end: int) -> bool:
    """Un terme anglais est admis en italique entre parenthèses ou dans un lien externe.

    L'italique se lit sur la ligne brute, les parenthèses sur la ligne masquée (celles du code
    en ligne ne comptent pas) ; les deux ont les mêmes positions."""
    for m in prose.EXTERNAL_LINK_RE.finditer(raw):
        span = m.span(1) if m.group(1) is not None else m.span(2)
        if span[0] <= start and end <= span[1]:
            return True
    for m in prose.ITALIC_RE.finditer(raw):
        if m.start(1) <= start and end <= m.end(1):
            return _in_parentheses(masked, m.start(), m.end())
    return False


# --- Extraction de la prose -------------------------------------------------------------------


def markdown_lines(text: str) -> list[tuple[int, str, str]]:
    """(numéro, ligne brute, ligne masquée) de chaque ligne de prose d'un texte Markdown."""
    raws = text.splitlines()
    return [
        (n, raws[n - 1], masked)
        for n, masked in enumerate(prose.mask_markdown(text), 1)
        if masked.strip(prose.HIDDEN + " ")
    ]


def _is_prose(text: str) -> bool:
    """Une chaîne qui contient un mot et une espace : pas une clé, un nom d'option ou un chemin."""
    return bool(re.search(r"\s", text) and re.search(r"[^\W\d_]{2}", text))


def python_messages(text: str) -> list[tuple[int, str]]:
    """(numéro, texte) de chaque ligne des chaînes de caractères d'un script qui sont des
    phrases : messages, aide des options, légendes, docstrings."""
    found = []
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return found
    kinds = {tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)}
    for token in tokens:
        if token.type not in kinds or not _is_prose(token.string):
            continue
        for offset, line in enumerate(token.string.split("\n")):
            found.append((token.start[0] + offset, line))
    return found


def page_code_blocks(text: str) -> list[tuple[int, str]]:
    """(numéro de la première ligne, code) de chaque bloc ```python d'une page Markdown : ce
    qu'il affiche s'imprime sur le site, sous le bloc."""
    blocks, current, first, fence = [], [], 0, None
    for number, line in enumerate(text.splitlines(), 1):
        m = prose.FENCE_RE.match(line)
        if fence is None and m and line.strip()[len(m.group(1)) :].lstrip().startswith("python"):
            fence, current, first = m.group(1), [], number + 1
        elif fence is not None and line.strip() == fence:
            blocks.append((first, textwrap.dedent("\n".join(current))))
            fence = None
        elif fence is not None:
            current.append(line)
    return blocks


def _check_line(rules_: list[Rule], line: str, allowed) -> list[tuple[Rule, int]]:
    """Les emplois fautifs d'une ligne : (règle, position), sans chevauchement."""
    taken: list[tuple[int, int]] = []
    problems = []
    for rule in rules_:
        for m in rule.pattern.finditer(line):
            if any(s < m.end() and m.start() < e for s, e in taken):
                continue
            taken.append(m.span())
            if rule.english and allowed(m.start(), m.end()):
                continue
            problems.append((rule, m.start()))
    return sorted(problems, key=lambda p: p[1])


def message(rule: Rule, found: str) -> str:
    if rule.english:
        return (
            f"« {found} » employé comme terme courant : écrivez « {rule.accepted} » (l'anglais "
            "n'est admis qu'en traduction, en italique entre parenthèses)"
        )
    return f"« {found} » : écrivez « {rule.accepted} » ({rule.origin})"


def _scan(lines: list[tuple[int, str, str]], rules_: list[Rule], allowed) -> list[tuple[int, str]]:
    """(numéro, message) des variantes refusées de lignes (numéro, brute, masquée).

    Une variante de plusieurs mots peut être coupée par un retour à la ligne (« pas » en fin de
    ligne, « d'apprentissage » au début de la suivante) : chaque ligne est aussi lue jointe à la
    suivante, et l'emploi à cheval est signalé à la ligne où il commence.
    ``allowed(brute, masquée, début, fin)`` dit si un terme anglais est admis à cet endroit.
    """
    rules_found = []
    for i, (number, raw, masked) in enumerate(lines):
        for rule, start in _check_line(
            rules_, masked, lambda s, e, raw=raw, masked=masked: allowed(raw, masked, s, e)
        ):
            rules_found.append((number, rule, rule.pattern.match(masked, start).group()))
        if i + 1 < len(lines) and lines[i + 1][0] == number + 1:
            cut = len(masked)
            joined_raw, joined = raw + " " + lines[i + 1][1], masked + " " + lines[i + 1][2]
            for rule, start in _check_line(
                rules_, joined, lambda s, e, r=joined_raw, m=joined: allowed(r, m, s, e)
            ):
                found = rule.pattern.match(joined, start).group()
                if start < cut < start + len(found):
                    rules_found.append((number, rule, " ".join(found.split())))
    return [(number, message(rule, found)) for number, rule, found in rules_found]


def check_markdown(text: str, rules_: list[Rule]) -> list[tuple[int, str]]:
    """(numéro de ligne, message) pour chaque variante refusée de la prose d'un texte Markdown."""
    return _scan(markdown_lines(text), rules_, _markdown_allowed)


def check_python(text: str, rules_: list[Rule]) -> list[tuple[int, str]]:
    """(numéro de ligne, message) pour chaque variante refusée des messages d'un script."""
    lines = [(number, line, line) for number, line in python_messages(text)]
    return _scan(lines, rules_, lambda _raw, line, s, e: _in_parentheses(line, s, e))


def check_page_code(text: str, rules_: list[Rule]) -> list[tuple[int, str]]:
    """Les messages des blocs de code d'une page (ce qu'ils impriment), aux lignes de la page."""
    problems = []
    for first, code in page_code_blocks(text):
        problems += [(first + n - 1, m) for n, m in check_python(code, rules_)]
    return problems


def sources(root: Path = ROOT) -> list[tuple[Path, str, str]]:
    """(fichier, nature, texte) : ``markdown`` (déjà réduit à sa prose), ``page-code`` (une
    page dont on lit les chaînes des blocs ```python) ou ``python`` (dont seules les chaînes de
    caractères sont lues)."""
    found = [(path, "markdown", text) for path, text in prose.sources(root)]
    for page in sorted((root / "docs").rglob("*.md")):
        found.append((page, "page-code", page.read_text(encoding="utf-8")))
    scripts = [*sorted((root / "snippets").glob("*.py"))]
    scripts += sorted((root / "docs" / "figures").glob("*.py"))
    scripts += sorted((root / "tutorials").glob("*.py"))  # code commun de l'atelier compris
    for script in scripts:
        found.append((script, "python", script.read_text(encoding="utf-8")))
    return found


def check(root: Path = ROOT, entries: list[dict] | None = None) -> list[str]:
    """Tous les emplois fautifs, sous la forme « fichier:ligne: message »."""
    rules_ = rules(entries)
    messages = []
    for path, kind, text in sources(root):
        label = path.relative_to(root) if path.is_relative_to(root) else path
        checker = {"markdown": check_markdown, "page-code": check_page_code}.get(kind, check_python)
        messages += [f"{label}:{n}: {m}" for n, m in checker(text, rules_)]
    return messages


def main() -> int:
    try:
        messages = check()
    except glossary.GlossaryError as exc:
        print(exc, file=sys.stderr)
        return 1
    for line in messages:
        print(line)
    print(f"{len(messages)} emploi(s) d'une variante refusée.", file=sys.stderr)
    return 1 if messages else 0


if __name__ == "__main__":
    sys.exit(main())
