"""La feuille de style des notebooks réduite à ce qu'une page de tutoriel utilise.

mkdocs-jupyter insère dans chaque page de notebook toute la CSS de JupyterLab (près de 600 ko,
dont plus de 90 % ne concerne aucun élément d'un tutoriel publié : widgets, menus, éditeur…).
Elle bloque le premier affichage sur un téléphone. ``purge`` en garde, pour une page :

* chaque règle dont au moins un sélecteur peut viser un élément de la page : toutes les classes,
  tous les identifiants et toutes les balises que demande le sélecteur existent dans la page.
  Le test est prudent : pseudo-classes et pseudo-éléments (``:hover``, ``::before``,
  ``:not(…)``, ``:is(…)``…) et sélecteurs d'attribut (``[data-md-color-scheme=…]``, posé par
  le script de Material) sont ignorés, donc jamais une raison de retirer une règle ;
* dans ces règles, chaque propriété personnalisée (``--jp-…``) que lit (``var()``) une règle
  gardée, le HTML de la page ou une autre propriété lue, de proche en proche (variables du
  thème clair comme sombre) ; les autres (dont 80 ko d'icônes de JupyterLab) sont retirées ;
* les règles @font-face, @keyframes, @import, @property… telles quelles ; dans un bloc
  @media ou @supports, les règles gardées selon les mêmes critères.

Le résultat ne dépend que de la CSS, de l'ensemble des classes, identifiants et balises de la
page (``tokens`` les relève dans le HTML publié) et des variables qu'elle lit.
"""

from __future__ import annotations

import re

import tinycss2

# Version des règles de réduction (clé du cache de tools/hooks/tutorial_pages.py).
FORMAT = "notebook-css-1"

CLASS_ATTRIBUTE_RE = re.compile(r'\sclass="([^"]*)"')
ID_ATTRIBUTE_RE = re.compile(r'\sid="([^"]*)"')
TAG_RE = re.compile(r"<([a-zA-Z][\w-]*)")
# Ce qui, dans un sélecteur, ne restreint pas (ou pas sûrement) les éléments visés.
FUNCTIONAL_PSEUDO_RE = re.compile(r"::?[\w-]+\((?:[^()]|\([^()]*\))*\)")
PSEUDO_RE = re.compile(r"::?[\w-]+")
ATTRIBUTE_RE = re.compile(r"\[[^\]]*\]")
SELECTOR_CLASS_RE = re.compile(r"\.((?:[\w-]|\\.)+)")
SELECTOR_ID_RE = re.compile(r"#((?:[\w-]|\\.)+)")
SELECTOR_TAG_RE = re.compile(r"(?:^|[\s>+~(,])([a-zA-Z][\w-]*)")

# Blocs dont le contenu est une liste de règles, filtrée comme le reste.
GROUPING = {"media", "supports", "layer", "container", "document"}


def tokens(html: str) -> frozenset[str]:
    """Les classes (« .x »), identifiants (« #x ») et balises (« x ») d'une page HTML."""
    found = {f".{name}" for value in CLASS_ATTRIBUTE_RE.findall(html) for name in value.split()}
    found |= {f"#{value}" for value in ID_ATTRIBUTE_RE.findall(html)}
    found |= {tag.lower() for tag in TAG_RE.findall(html)}
    return frozenset(found)


def _unescape(name: str) -> str:
    return re.sub(r"\\(.)", r"\1", name)


def split_selectors(prelude: str) -> list[str]:
    """Les sélecteurs d'une liste, coupée aux virgules hors parenthèses."""
    parts, depth, current = [], 0, []
    for char in prelude:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


def requirements(selector: str) -> set[str]:
    """Ce qu'un élément de la page doit porter pour que le sélecteur puisse le viser."""
    plain = FUNCTIONAL_PSEUDO_RE.sub(" ", selector)
    plain = ATTRIBUTE_RE.sub("", plain)
    plain = PSEUDO_RE.sub("", plain)
    needed = {f".{_unescape(name)}" for name in SELECTOR_CLASS_RE.findall(plain)}
    needed |= {f"#{_unescape(name)}" for name in SELECTOR_ID_RE.findall(plain)}
    without = SELECTOR_CLASS_RE.sub("", SELECTOR_ID_RE.sub("", plain))
    needed |= {tag.lower() for tag in SELECTOR_TAG_RE.findall(without)}
    return needed


def may_match(prelude: str, present: frozenset[str]) -> bool:
    return any(requirements(selector) <= present for selector in split_selectors(prelude))


VAR_RE = re.compile(r"var\(\s*(--[\w-]+)")


def _declarations(content) -> list[tuple[str, str]]:
    """Les déclarations d'une règle : (nom, texte de la déclaration)."""
    found = []
    for item in tinycss2.parse_declaration_list(content, skip_comments=True, skip_whitespace=True):
        if item.type == "declaration":
            value = tinycss2.serialize(item.value).strip()
            important = " !important" if item.important else ""
            found.append((item.name, f"{item.name}:{value}{important}"))
    return found


def _select(rules, present: frozenset[str]) -> list:
    """Premier passage : les règles gardées, déclarations séparées, blocs @media compris."""
    kept = []
    for rule in rules:
        if rule.type == "qualified-rule":
            prelude = tinycss2.serialize(rule.prelude).strip()
            if may_match(prelude, present):
                kept.append(("rule", prelude, _declarations(rule.content)))
        elif rule.type == "at-rule":
            if rule.lower_at_keyword in GROUPING and rule.content is not None:
                inner = tinycss2.parse_rule_list(
                    rule.content, skip_comments=True, skip_whitespace=True
                )
                body = _select(inner, present)
                if body:
                    prelude = tinycss2.serialize(rule.prelude).strip()
                    kept.append(("group", f"@{rule.at_keyword} {prelude}", body))
            else:
                kept.append(("raw", rule.serialize(), None))
    return kept


def _walk(kept):
    for kind, head, body in kept:
        if kind == "group":
            yield from _walk(body)
        else:
            yield kind, head, body


def _used_variables(kept, html: str) -> set[str]:
    """Les propriétés personnalisées lues (var()) par les règles gardées ou par la page, et
    celles que lisent ces propriétés, de proche en proche."""
    used = set(VAR_RE.findall(html))
    custom: dict[str, list[str]] = {}
    for kind, head, body in _walk(kept):
        if kind == "raw":
            used |= set(VAR_RE.findall(head))
            continue
        for name, text in body:
            if name.startswith("--"):
                custom.setdefault(name, []).append(text)
            else:
                used |= set(VAR_RE.findall(text))
    pending = list(used)
    while pending:
        for text in custom.get(pending.pop(), []):
            for name in VAR_RE.findall(text):
                if name not in used:
                    used.add(name)
                    pending.append(name)
    return used


def _serialize(kept, used: set[str]) -> list[str]:
    out = []
    for kind, head, body in kept:
        if kind == "raw":
            out.append(head)
        elif kind == "group":
            inner = _serialize(body, used)
            if inner:
                out.append(f"{head}{{{''.join(inner)}}}")
        else:
            declarations = [t for n, t in body if not n.startswith("--") or n in used]
            if declarations:
                out.append(f"{head}{{{';'.join(declarations)}}}")
    return out


def purge(css: str, present: frozenset[str], html: str = "") -> str:
    """La CSS sans les règles qu'aucun élément de la page (``present``) ne peut viser, ni les
    propriétés personnalisées que rien ne lit (ni ces règles, ni le HTML ``html``)."""
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    kept = _select(rules, present)
    return "\n".join(_serialize(kept, _used_variables(kept, html))) + "\n"
