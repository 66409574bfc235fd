"""Le parcours d'apprentissage : l'ordre des étapes, leur durée, leurs prérequis.

La navigation de mkdocs.yml est la seule liste ordonnée des pages : le parcours en est tiré, dans
le même ordre, ce qui garde d'accord la page « Parcours », le menu et les liens « Précédent » et
« Suivant » du bas de chaque page. Chaque étape apporte ses propres renseignements :

* un tutoriel, par son en-tête ``atelier:`` (niveau, durée, prérequis), lu dans son
  enregistrement d'exécution (build/notebooks/NN_slug.json) ;
* une page de cours, par un court en-tête YAML (``niveau``, ``prerequis``) ; sa durée est un
  temps de lecture, calculé sur le nombre de mots de sa prose (WORDS_PER_MINUTE).

La page docs/parcours.md déclare dans son en-tête les pages de la navigation qui ne sont pas des
étapes (``hors_parcours``) et les connaissances que le cours suppose acquises
(``connaissances_exterieures``). Un prérequis nomme une étape par son titre, suivi au besoin
d'une précision entre parenthèses : « Le perceptron multicouche (rétropropagation) ».

La construction échoue, avec un message qui nomme la page, quand une page ou un tutoriel manque
au parcours, quand une étape n'a pas ses renseignements, quand un prérequis est inconnu ou quand
il vient après l'étape qui le demande.

``python -m tools.learning_path`` affiche le parcours (ou ses problèmes) sans construire le site.
"""

from __future__ import annotations

import json
import math
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tools import paths
from tools.french import NBSP

PAGE = "parcours.md"
LEVELS = ("débutant", "intermédiaire", "avancé")
# Vitesse de lecture silencieuse d'un texte documentaire : le bas de la fourchette de la plupart
# des adultes selon la méta-analyse de Brysbaert (2019), https://doi.org/10.1016/j.jml.2019.104047
# (175 à 300 mots par minute en anglais) ; un texte technique, lu pour être compris, va moins vite.
WORDS_PER_MINUTE = 175
ROUND_TO = 5  # minutes : un temps de lecture n'a pas la précision de la minute

FENCE_RE = re.compile(r"^[ \t]*(`{3,}|~{3,}).*?^[ \t]*\1[ \t]*$", re.S | re.M)
MATH_BLOCK_RE = re.compile(r"\$\$.*?\$\$", re.S)
DROPPED_RE = re.compile(
    r"<!--.*?-->"  # commentaires
    r"|^[ \t]*-{1,3}8<-{1,3}[^\n]*$"  # inclusions pymdownx.snippets
    r"|\]\([^)]*\)"  # adresses des liens et des images
    r"|`[^`\n]*`"  # code en ligne
    r"|\$[^$\n]+\$"  # formules en ligne
    r"|<[^>\n]+>"  # balises HTML
    r"|^[ \t]*\*\[[^\]]+\]:[^\n]*$",  # définitions d'abréviations
    re.S | re.M,
)
WORD_RE = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
DURATION_RE = re.compile(r"^\s*(?:(\d+)\s*h(?:\s*(\d{1,2}))?|(\d+)\s*min)\s*$")


class PathError(Exception):
    """Un parcours incohérent, avec un message français qui nomme chaque page en cause."""


@dataclass
class Entry:
    """Une page de la navigation : son fichier, son titre dans le menu, sa section."""

    uri: str
    title: str
    section: str


@dataclass
class Step:
    number: int
    uri: str
    title: str
    section: str
    kind: str  # « lecture » (page de cours) ou « tutoriel »
    level: str
    minutes: int
    words: int | None = None
    # (texte du prérequis, numéro de l'étape qu'il désigne ou None pour une connaissance
    # extérieure au cours)
    prerequisites: list[tuple[str, int | None]] = field(default_factory=list)
    names: tuple[str, ...] = ()


def split_front_matter(text: str) -> tuple[dict, str]:
    """(en-tête YAML, reste du texte) d'une page Markdown ; en-tête vide s'il n'y en a pas."""
    m = re.match(r"^---[ \t]*\n(.*?\n)---[ \t]*\n", text, re.S)
    if not m:
        return {}, text
    data = yaml.safe_load(m.group(1)) or {}
    return (data if isinstance(data, dict) else {}), text[m.end() :]


def prose_words(markdown: str) -> int:
    """Le nombre de mots de la prose d'une page : code, formules, adresses et balises exclus."""
    text = FENCE_RE.sub(" ", markdown)
    text = MATH_BLOCK_RE.sub(" ", text)
    text = DROPPED_RE.sub(" ", text)
    return len(WORD_RE.findall(text))


def reading_minutes(words: int) -> int:
    """Temps de lecture à WORDS_PER_MINUTE, arrondi aux ROUND_TO minutes supérieures."""
    return max(ROUND_TO, math.ceil(words / WORDS_PER_MINUTE / ROUND_TO) * ROUND_TO)


def parse_duration(text: str) -> int | None:
    """« 45 min », « 2 h », « 1 h 30 » → minutes ; None si l'écriture n'est pas reconnue."""
    m = DURATION_RE.match(str(text).replace(NBSP, " "))
    if not m:
        return None
    if m.group(3):
        return int(m.group(3))
    return int(m.group(1)) * 60 + int(m.group(2) or 0)


def format_minutes(minutes: int) -> str:
    """Une durée à la française : « 45 min », « 2 h », « 1 h 05 », « 27 h 40 »."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest}{NBSP}min"
    return f"{hours}{NBSP}h" + (f"{NBSP}{rest:02d}" if rest else "")


def nav_entries(nav: list) -> list[Entry]:
    """Les pages de la navigation (configuration brute de mkdocs.yml), dans l'ordre."""
    entries: list[Entry] = []

    def walk(item, section: str | None) -> None:
        if isinstance(item, str):
            entries.append(Entry(item, Path(item).stem, section or Path(item).stem))
        elif isinstance(item, list):
            for sub in item:
                walk(sub, section)
        elif isinstance(item, dict):
            for title, value in item.items():
                if isinstance(value, str):
                    entries.append(Entry(value, str(title), section or str(title)))
                else:
                    walk(value, section or str(title))

    walk(nav, None)
    return entries


def _first_heading(markdown: str) -> str | None:
    m = re.search(r"^#\s+(.+?)\s*#*\s*$", markdown, re.M)
    return m.group(1).strip() if m else None


def _resolve(prerequisite: str, steps: list[Step]) -> Step | None:
    """L'étape qu'un prérequis désigne : son titre, seul ou suivi d'une précision entre
    parenthèses. Le titre le plus long l'emporte."""
    text = " ".join(prerequisite.split())
    best, length = None, 0
    for step in steps:
        for name in (" ".join(n.split()) for n in step.names):
            if (text == name or text.startswith(name + " (")) and len(name) > length:
                best, length = step, len(name)
    return best


def build(
    entries: list[Entry],
    pages: dict[str, str],
    records: dict[str, dict],
    settings: dict,
) -> list[Step]:
    """Le parcours tiré de la navigation ; lève PathError en nommant chaque problème.

    ``pages`` : le Markdown (en-tête compris) de chaque page de cours, par chemin relatif à
    docs/ ; ``records`` : l'enregistrement d'exécution de chaque tutoriel, par chemin
    ``tutoriels/NN_slug.ipynb`` ; ``settings`` : l'en-tête de docs/parcours.md.
    """
    problems: list[str] = []
    outside = list(settings.get("hors_parcours") or [])
    external = [" ".join(str(k).split()) for k in settings.get("connaissances_exterieures") or []]
    in_nav = [e.uri for e in entries]
    for uri in sorted(set(pages) | set(records)):
        if uri not in in_nav:
            problems.append(
                f"« {uri} » n'est pas dans le parcours : ajoutez la page à la navigation de "
                f"mkdocs.yml, à sa place dans l'ordre (ou à hors_parcours de docs/{PAGE})."
            )
    for uri in outside:
        if uri not in in_nav:
            problems.append(
                f"docs/{PAGE} déclare hors du parcours « {uri} », qui n'est pas dans la "
                "navigation de mkdocs.yml."
            )
    steps: list[Step] = []
    wanted: list[tuple[Step, list[str]]] = []
    for entry in entries:
        if entry.uri in outside:
            continue
        number = len(steps) + 1
        if entry.uri in records:
            record = records[entry.uri]
            minutes = parse_duration(record.get("duration", ""))
            if minutes is None:
                problems.append(
                    f"tutoriel « {entry.uri} » : durée « {record.get('duration')} » illisible "
                    "(écrivez « 45 min », « 2 h » ou « 1 h 30 » dans son en-tête atelier:)."
                )
                minutes = 0
            step = Step(
                number,
                entry.uri,
                record.get("title") or entry.title,
                entry.section,
                "tutoriel",
                record.get("level", ""),
                minutes,
                names=tuple(dict.fromkeys([record.get("title") or entry.title, entry.title])),
            )
            prerequisites = list(record.get("prerequisites") or [])
        elif entry.uri in pages:
            meta, body = split_front_matter(pages[entry.uri])
            label = f"docs/{entry.uri}"
            level = meta.get("niveau")
            prerequisites = meta.get("prerequis")
            if level not in LEVELS:
                problems.append(
                    f"page « {label} » : en-tête « niveau » manquant ou inconnu ({level!r}) ; "
                    f"attendu : {', '.join(LEVELS)}."
                )
            if not isinstance(prerequisites, list):
                problems.append(
                    f"page « {label} » : en-tête « prerequis » manquant (une liste, vide "
                    "s'il n'y en a pas : « prerequis: [] »)."
                )
                prerequisites = []
            words = prose_words(body)
            title = _first_heading(body) or entry.title
            step = Step(
                number,
                entry.uri,
                title,
                entry.section,
                "lecture",
                str(level or ""),
                reading_minutes(words),
                words=words,
                names=tuple(dict.fromkeys([title, entry.title])),
            )
        else:
            problems.append(
                f"« {entry.uri} » est dans la navigation mais n'est ni une page de cours ni un "
                f"tutoriel exécuté : déclarez-la dans hors_parcours de docs/{PAGE}."
            )
            continue
        steps.append(step)
        wanted.append((step, [str(p) for p in prerequisites]))
    for step, prerequisites in wanted:
        for text in prerequisites:
            target = _resolve(text, steps)
            if target is None:
                if " ".join(text.split()) not in external:
                    problems.append(
                        f"« {step.uri} » (étape {step.number}) : prérequis inconnu « {text} », "
                        "qui n'est le titre d'aucune étape ni une connaissance extérieure "
                        f"déclarée dans docs/{PAGE}."
                    )
                step.prerequisites.append((text, None))
            elif target.number >= step.number:
                problems.append(
                    f"« {step.uri} » (étape {step.number}) demande « {text} », qui vient "
                    f"après elle dans le parcours (étape {target.number}, « {target.uri} ») : "
                    "déplacez l'une des deux pages dans la navigation de mkdocs.yml."
                )
            else:
                step.prerequisites.append((text, target.number))
    if problems:
        raise PathError("Parcours d'apprentissage incohérent :\n- " + "\n- ".join(problems))
    return steps


def load_records(folder: Path) -> dict[str, dict]:
    """Les enregistrements d'exécution des tutoriels, par chemin de page (tutoriels/…)."""
    records = {}
    for path in sorted(folder.glob("[0-9][0-9]_*.json")):
        records[f"tutoriels/{path.stem}.ipynb"] = json.loads(path.read_text(encoding="utf-8"))
    return records


def load(config: Path = paths.ROOT / "mkdocs.yml") -> list[Step]:
    """Le parcours du dépôt, hors de MkDocs (pour la ligne de commande et les tests)."""

    class Loader(yaml.SafeLoader):
        """mkdocs.yml a des étiquettes propres à MkDocs (!ENV, !!python/…) : sans objet ici."""

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, s, node: None)
    nav = yaml.load(config.read_text(encoding="utf-8"), Loader=Loader)["nav"]
    docs = config.parent / "docs"
    pages = {
        p.relative_to(docs).as_posix(): p.read_text(encoding="utf-8") for p in docs.rglob("*.md")
    }
    settings, _ = split_front_matter(pages.get(PAGE, ""))
    return build(nav_entries(nav), pages, load_records(paths.BUILD / "notebooks"), settings)


def main() -> int:
    try:
        steps = load()
    except PathError as exc:
        print(exc, file=sys.stderr)
        return 1
    for step in steps:
        print(f"{step.number:2d}. {step.title} ({step.kind}, {format_minutes(step.minutes)})")
    total = sum(s.minutes for s in steps)
    print(f"Durée totale : {format_minutes(total)}".replace(NBSP, " "))
    return 0


if __name__ == "__main__":
    sys.exit(main())
