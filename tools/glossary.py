"""Le glossaire de l'atelier : une seule source (docs/glossaire.yml), deux produits.

* la page ``glossaire.md`` du site (terme français, terme anglais, définition, page qui
  l'explique), où chaque terme porte une ancre explicite : son nom français en minuscules, sans
  accents, espaces et apostrophes remplacés par des tirets (« Taux d'apprentissage » donne
  ``taux-d-apprentissage``) ; une page renvoie à un terme par
  ``[taux d'apprentissage](glossaire.md#taux-d-apprentissage)`` ;
* le glossaire de l'extension abbr (option ``glossary``, fixée par tools/hooks/concept_pages.py) :
  partout où un terme apparaît, dans les pages comme dans les tutoriels, abbr l'entoure d'une
  balise ``<abbr>`` dont l'infobulle donne la définition. Aucune page n'a rien à inclure.

Chaque entrée du YAML : ``fr``, ``en``, ``definition`` (une phrase, sans Markdown), ``page``
(lien relatif à docs/, ancre comprise) et, facultatif, ``formes`` (autres formes du terme qui
reçoivent aussi l'infobulle, par exemple un pluriel ou un sigle), ``casse: exacte`` (seules
les graphies écrites reçoivent l'infobulle, pour un nom qui est aussi un mot courant),
``rejets`` (variantes françaises refusées partout dans la prose) et ``rejets_anglais`` (termes
anglais admis seulement en traduction, en italique entre parenthèses) : tools/terminology.py
les cherche dans tout le cours.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import yaml

from tools import paths

ROOT = paths.ROOT
SOURCE = paths.DOCS / "glossaire.yml"
PAGE = "glossaire.md"
FIELDS = ("fr", "en", "definition", "page")
REJECTIONS = ("rejets", "rejets_anglais")  # variantes refusées (voir tools/terminology.py)
NBSP = "\u00a0"

INTRO = f"""\
# Glossaire

Ce glossaire rassemble les termes du cours. Pour chacun, vous trouverez son nom français, le
terme anglais que vous croiserez dans la documentation des bibliothèques et dans les articles,
une définition en une phrase et la page qui l'explique en détail.

Partout sur le site, ces termes sont soulignés en pointillés{NBSP}: survolez-les pour lire leur
définition sans quitter la page.

| Terme français | Terme anglais | Définition | Expliqué dans |
|---|---|---|---|
"""


class GlossaryError(Exception):
    """Glossaire mal formé, avec un message français qui nomme l'entrée fautive."""


def slug(term: str) -> str:
    """« Taux d'apprentissage » → « taux-d-apprentissage » (ancre du terme)."""
    text = unicodedata.normalize("NFKD", term.lower())
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("œ", "oe").replace("æ", "ae")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def load(path: Path = SOURCE) -> list[dict]:
    """Les entrées du glossaire, validées et triées par terme français."""
    try:
        # Le chargeur en C de libyaml quand PyYAML l'a (dix fois plus rapide : le glossaire est
        # relu à chaque construction, et à chaque page reconstruite par make serve).
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        entries = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except (OSError, yaml.YAMLError) as exc:
        raise GlossaryError(f"Lecture de {path.name} impossible : {exc}") from None
    if not isinstance(entries, list) or not entries:
        raise GlossaryError(f"{path.name} doit contenir une liste d'entrées.")
    problems, seen = [], {}
    for i, entry in enumerate(entries, 1):
        name = entry.get("fr", f"entrée {i}") if isinstance(entry, dict) else f"entrée {i}"
        if not isinstance(entry, dict):
            problems.append(f"{name} : dictionnaire attendu")
            continue
        for key in FIELDS:
            if not isinstance(entry.get(key), str) or not entry[key].strip():
                problems.append(f"{name} : champ « {key} » manquant ou vide")
        unknown = set(entry) - {*FIELDS, "formes", "casse", *REJECTIONS}
        if unknown:
            problems.append(f"{name} : champ(s) inconnu(s) {', '.join(sorted(unknown))}")
        if entry.get("casse", "exacte") != "exacte":
            problems.append(f"{name} : « casse » ne peut valoir que « exacte »")
        forms = entry.get("formes", [])
        if not isinstance(forms, list) or not all(isinstance(f, str) for f in forms):
            problems.append(f"{name} : « formes » doit être une liste de textes")
        for key in REJECTIONS:
            rejected = entry.get(key, [])
            if not isinstance(rejected, list) or not all(
                isinstance(r, str) and r.strip() for r in rejected
            ):
                problems.append(f"{name} : « {key} » doit être une liste de textes")
                continue
            kept = {str(f).casefold() for f in (entry.get("fr", ""), *forms) if f}
            for variant in rejected:
                if variant.casefold() in kept:
                    problems.append(f"{name} : « {variant} » est à la fois admis et refusé")
        definition = entry.get("definition") or ""
        if re.search(r"[\[\]`*$<>|]|\n", definition):
            problems.append(f"{name} : la définition doit être une phrase sans Markdown")
        anchor = slug(str(entry.get("fr", "")))
        if anchor in seen:
            problems.append(f"{name} : même ancre que « {seen[anchor]} » ({anchor})")
        seen[anchor] = name
    if problems:
        raise GlossaryError(f"{path.name} : " + " ; ".join(problems) + ".")
    return sorted(entries, key=lambda e: slug(e["fr"]))


def page_titles(docs: Path) -> dict[str, str]:
    """Titre (premier « # … ») de chaque page Markdown, pour nommer les liens."""
    titles = {}
    for page in docs.rglob("*.md"):
        for line in page.read_text(encoding="utf-8").splitlines():
            if line.startswith("# "):
                titles[page.relative_to(docs).as_posix()] = line[2:].strip()
                break
    return titles


def render_page(entries: list[dict], docs: Path) -> str:
    """Le Markdown de la page du glossaire."""
    titles = page_titles(docs)
    rows = []
    for e in entries:
        target = e["page"].split("#", 1)[0]
        title = titles.get(target, target)
        cell = e["definition"].strip().replace("|", "\\|")
        rows.append(
            f"| **{e['fr']}** {{#{slug(e['fr'])}}} | *{e['en']}* | {cell} | "
            f"[{title}]({e['page']}) |"
        )
    return INTRO + "\n".join(rows) + "\n"


def _lower_first(term: str) -> str:
    """« Époque » → « époque », mais « GPU » reste « GPU »."""
    if len(term) > 1 and term[1].isupper():
        return term
    return term[:1].lower() + term[1:]


def variants(entry: dict) -> list[str]:
    """Les graphies qui reçoivent l'infobulle d'une entrée.

    Un terme français vaut aussi en début de phrase (majuscule) ou au fil du texte (minuscule).
    Un terme anglais ne prend pas de majuscule ajoutée : « Dataset » dans « Google Dataset
    Search » est un nom propre, pas le terme *dataset*. Une entrée ``casse: exacte`` n'accepte
    que ses graphies écrites : « Transformer » (l'architecture) n'est pas le verbe
    « transformer ».
    """
    exact = entry.get("casse") == "exacte"
    found = []
    for form in (entry["fr"], *entry.get("formes", [])):
        found += [form] if exact else [form, _lower_first(form), form[:1].upper() + form[1:]]
    found += [entry["en"]] if exact else [entry["en"], _lower_first(entry["en"])]
    return list(dict.fromkeys(found))


def abbreviations(entries: list[dict]) -> dict[str, str]:
    """Terme (et chacune de ses formes) → définition : le glossaire de l'extension abbr.

    Une page peut redéfinir un terme pour elle seule avec la syntaxe de l'extension abbr,
    ``*[biais]: autre définition``, quand elle l'emploie dans un autre sens.
    """
    found: dict[str, str] = {}
    for e in entries:
        definition = " ".join(e["definition"].split())
        for variant in variants(e):
            found.setdefault(variant, definition)
    return found
