"""Crochet MkDocs du parcours d'apprentissage, mince couche sur tools/learning_path.py.

* une fois la navigation connue : tire le parcours de la navigation de mkdocs.yml, des en-têtes
  des pages de cours et des enregistrements d'exécution des tutoriels, et fait échouer la
  construction si une page manque, si un renseignement manque ou si un prérequis vient après
  l'étape qui le demande ;
* sur la page « Parcours » : le tableau des étapes, section par section, avec durées et total ;
* sous le titre de chaque page de cours : son niveau, son temps de lecture et ses prérequis ;
* en bas de chaque étape : sa place dans le parcours et l'étape suivante.
"""

from __future__ import annotations

import html
import importlib
import json
import logging
import re

from mkdocs.exceptions import PluginError
from mkdocs.utils import get_relative_url

from tools import execute, learning_path
from tools.french import NBSP, thousands

# « make serve » recharge ce fichier à chaque reconstruction : recharger aussi le module.
learning_path = importlib.reload(learning_path)

log = logging.getLogger("mkdocs.hooks.atelier.parcours")
STEPS_MARKER = "<!-- parcours: étapes -->"
PROGRESS_MARKER = "<!-- parcours: progression -->"
BODY_RE = re.compile(r"<body\b[^>]*>")
KINDS = {"lecture": "Lecture", "tutoriel": "Tutoriel"}

_steps: list[learning_path.Step] = []
_urls: dict[str, str] = {}  # chemin source → adresse de la page (« mlp/ »)


def _markdown(file) -> str:
    if file.abs_src_path:
        with open(file.abs_src_path, encoding="utf-8-sig") as handle:
            return handle.read()
    return file.content_string


def on_nav(nav, config, files):
    pages = {
        f.src_uri: _markdown(f) for f in files.documentation_pages() if f.src_uri.endswith(".md")
    }
    records = learning_path.load_records(execute.OUT)
    settings, _ = learning_path.split_front_matter(pages.get(learning_path.PAGE, ""))
    entries = learning_path.nav_entries(config["nav"] or [])
    try:
        steps = learning_path.build(entries, pages, records, settings)
    except learning_path.PathError as exc:
        raise PluginError(str(exc)) from None
    _steps[:] = steps
    _urls.clear()
    _urls.update({f.src_uri: f.url for f in files.documentation_pages()})
    total = sum(s.minutes for s in steps)
    log.info(f"Parcours : {len(steps)} étapes, {learning_path.format_minutes(total)}")
    return nav


def _link(uri: str, page) -> str:
    return html.escape(get_relative_url(_urls[uri], page.url))


def _prerequisites(step, page) -> str:
    items = []
    for text, number in step.prerequisites:
        if number is None:
            items.append(f"<li>{html.escape(text)} <small>(hors du cours)</small></li>")
        else:
            target = _steps[number - 1]
            items.append(
                f'<li><a href="{_link(target.uri, page)}">{html.escape(text)}</a> '
                f"<small>(étape{NBSP}{number})</small></li>"
            )
    return f'<ul class="parcours-prerequis">{"".join(items)}</ul>' if items else "aucun"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def steps_markdown() -> str:
    """Le tableau du parcours en Markdown (la page est à la racine de docs/ : les liens sont les
    chemins des sources, vérifiés par la construction stricte), section par section."""
    fmt = learning_path.format_minutes
    reading = sum(s.minutes for s in _steps if s.kind == "lecture")
    practice = sum(s.minutes for s in _steps if s.kind == "tutoriel")
    parts = [
        f"**{len(_steps)} étapes, {fmt(reading + practice)} au total**{NBSP}: "
        f"{fmt(reading)} de lecture et {fmt(practice)} de tutoriels.\n"
    ]
    sections: dict[str, list] = {}
    for step in _steps:
        sections.setdefault(step.section, []).append(step)
    for section, steps in sections.items():
        parts.append(f"## {section}\n")
        parts.append(f"Durée de la section{NBSP}: {fmt(sum(s.minutes for s in steps))}.\n")
        parts.append("| Étape | Page | Nature | Niveau | Durée | Prérequis |")
        parts.append("|---:|---|---|---|---|---|")
        for s in steps:
            prerequisites = []
            for text, number in s.prerequisites:
                if number is None:
                    prerequisites.append(f"{text} (hors du cours)")
                else:
                    prerequisites.append(
                        f"[{text}]({_steps[number - 1].uri}) (étape{NBSP}{number})"
                    )
            parts.append(
                f"| {s.number} | [{_cell(s.title)}]({s.uri}) | {KINDS[s.kind]} | {s.level} "
                f"| {fmt(s.minutes)} | {_cell('<br>'.join(prerequisites) or 'aucun')} |"
            )
        parts.append("")
    return "\n".join(parts)


PROGRESS_HTML = """
<div class="parcours-progression" hidden>
<p class="parcours-bilan"></p>
<p><button type="button" class="md-button parcours-effacer">Effacer ma progression</button>
<span class="parcours-annonce" role="status" aria-live="polite"></span></p>
</div>
<noscript><p>La progression demande JavaScript, désactivé dans votre navigateur&#8239;: le
parcours ci-dessus reste lisible, sans les étapes cochées.</p></noscript>
"""


def on_page_markdown(markdown, page, config, files):
    if page.file.src_uri != learning_path.PAGE:
        return markdown
    for marker in (STEPS_MARKER, PROGRESS_MARKER):
        if marker not in markdown:
            raise PluginError(f"docs/{learning_path.PAGE} : le repère « {marker} » manque.")
    markdown = markdown.replace(STEPS_MARKER, steps_markdown())
    return markdown.replace(PROGRESS_MARKER, PROGRESS_HTML)


def concept_card(step, page) -> str:
    """Sous le titre d'une page de cours : niveau, temps de lecture, prérequis."""
    return (
        '<dl class="parcours-fiche">'
        f"<dt>Niveau</dt><dd>{html.escape(step.level)}</dd>"
        f"<dt>Lecture</dt><dd>{learning_path.format_minutes(step.minutes)} "
        f"({thousands(step.words or 0)}{NBSP}mots)</dd>"
        f"<dt>Prérequis</dt><dd>{_prerequisites(step, page)}</dd></dl>"
    )


def step_footer(step, page) -> str:
    """En bas d'une étape : sa place dans le parcours et ce qui vient ensuite."""
    parcours = _link(learning_path.PAGE, page)
    if step.number < len(_steps):
        following = _steps[step.number]
        after = (
            f'Étape suivante{NBSP}: <a href="{_link(following.uri, page)}" rel="next">'
            f"{html.escape(following.title)}</a> "
            f"({KINDS[following.kind].lower()}, "
            f"{learning_path.format_minutes(following.minutes)})."
        )
    else:
        after = "C'est la dernière étape du parcours."
    return (
        f'<aside class="parcours-suite" aria-label="Parcours" '
        f'data-etape="{html.escape(page.url)}">'
        f'<p>Étape {step.number} sur {len(_steps)} du <a href="{parcours}">parcours</a>. '
        f"{after}</p>"
        # La case de progression : affichée par docs/assets/parcours.js (inutile sans lui).
        '<p class="parcours-marque" hidden>'
        '<input type="checkbox" id="parcours-case" class="parcours-case"> '
        '<label for="parcours-case">J\'ai terminé cette étape</label> '
        '<span class="parcours-annonce" role="status" aria-live="polite"></span></p>'
        "</aside>"
    )


def on_page_content(html_text, page, config, files):
    uri = page.file.src_uri
    step = next((s for s in _steps if s.uri == uri), None)
    if step is None:
        return html_text
    if step.kind == "lecture":
        head, sep, tail = html_text.partition("</h1>")
        if sep:
            html_text = head + sep + concept_card(step, page) + tail
    return html_text + step_footer(step, page)


def on_post_page(output, page, config):
    """L'ordre des étapes, sur chaque page, pour le script de progression (menu, bilan)."""
    steps = [{"url": _urls[s.uri], "title": s.title} for s in _steps]
    data = json.dumps(steps, ensure_ascii=False).replace("</", "<\\/")
    script = f'<script type="application/json" id="parcours-etapes">{data}</script>'
    return BODY_RE.sub(lambda m: m.group() + script, output, count=1)
