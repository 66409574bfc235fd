"""Crochet MkDocs des pages de tutoriel, mince couche sur tools/execute.py.

* avant chaque construction : exécute les tutoriels (tools.execute, avec cache) ;
* en tête de chaque page de tutoriel : téléchargements (.ipynb exécuté, .py), lien Colab et
  mesures de la dernière exécution (modèle déclaré, durée, matériel, versions, métriques), tout
  cela lu dans l'enregistrement d'exécution (build/notebooks/NN_slug.json), jamais dans la source ;
* écrit l'encadré « modèle » de chaque tutoriel qui déclare MODEL_CARD (build/modeles/), que les
  pages de cours incluent au lieu de recopier la description ou les mesures du modèle ;
* sort la CSS que mkdocs-jupyter insère dans chaque page de notebook vers une feuille de style
  à part (mise en cache par le navigateur), réduite aux règles que la page peut utiliser
  (tools/notebook_css.py : 590 ko de CSS de JupyterLab bloquaient le premier affichage) ;
* accessibilité (tools/accessibility.py) : retire les arrêts de tabulation que nbconvert met sur
  chaque cellule et chaque sortie, donne à chaque figure le texte alternatif écrit par l'auteur
  (``# %% alt="…"``) et traduit le nom des boutons de copie ; une figure sans texte alternatif
  est un avertissement, donc un échec de la construction stricte.
"""

from __future__ import annotations

import base64
import hashlib
import html
import importlib
import json
import logging
import os
import re
import shutil
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.utils import get_relative_url
from mkdocs_jupyter import notebook_dirs
from mkdocs_jupyter import plugin as jupyter_plugin

from tools import (
    accessibility,
    execute,
    french,
    images,
    lock,
    notebook_css,
    paths,
    render_cache,
    report,
    shared_code,
    storage,
)
from tools.french import NBSP, in_unit, seconds, thousands

# « make serve » recharge ce fichier à chaque reconstruction : recharger aussi l'exécuteur pour
# qu'une modification de tools/execute.py soit prise en compte sans relancer le serveur.
execute = importlib.reload(execute)

log = logging.getLogger("mkdocs.hooks.atelier")
# Encadrés « modèle » des tutoriels, inclus par les pages (voir write_model_cards).
MODEL_CARDS = paths.BUILD / "modeles"
# CSS des notebooks réduite page par page (tools/notebook_css.py), gardée par empreinte.
NOTEBOOK_CSS_CACHE = paths.BUILD / "notebook-css"
TUTORIAL_PREFIX = "tutoriels/"
STYLE_RE = re.compile(r'<style type="text/css">.*?</style>\s*', re.S)

# mkdocs-jupyter réécrit les liens de chaque page de notebook en parcourant toutes ses balises
# avec BeautifulSoup, à chaque construction : la moitié d'une construction chaude, pour un
# résultat qui ne dépend que du HTML de la page et des adresses des fichiers du site. Ce résultat
# est gardé par contenu (tools/render_cache.py) : un notebook inchangé n'est pas réécrit deux fois.
_rewrite_notebook_urls = notebook_dirs.rewrite_notebook_urls


def _file_identity(file) -> str:
    inclusion = getattr(file, "inclusion", None)
    return "\t".join(
        str(part)
        for part in (
            file.abs_src_path,
            file.url,
            getattr(file, "_mkdocs_jupyter_mount", None),
            getattr(inclusion, "name", None),
        )
    )


def cached_rewrite_notebook_urls(html_text, current, files, *, markdown_processed=False):
    inputs = [
        html_text,
        _file_identity(current),
        str(markdown_processed),
        "\n".join(sorted(_file_identity(f) for f in files)),
    ]
    return render_cache.cached(
        "liens-notebook",
        inputs,
        lambda: _rewrite_notebook_urls(
            html_text, current, files, markdown_processed=markdown_processed
        ),
    )


jupyter_plugin.rewrite_notebook_urls = cached_rewrite_notebook_urls

# Figures des notebooks (PNG en base64 dans le HTML de nbconvert) : sorties en fichiers.
INLINE_PNG_RE = re.compile(r'<img ([^>]*?)src="data:image/png;base64,([A-Za-z0-9+/=\s]+)"([^>]*)>')
FIGURES_URI = "assets/figures-notebooks"

_records: dict[str, dict] = {}
_shared_css: dict[str, str] = {}
_figures: dict[str, bytes] = {}


@event_priority(100)
def on_config(config):
    # mkdocs-jupyter exige que le dossier monté existe avant sa propre configuration.
    execute.OUT.mkdir(parents=True, exist_ok=True)
    return config


def on_pre_build(config):
    """Exécute les tutoriels modifiés ; les autres viennent du cache (quelques dixièmes de s)."""
    try:
        records = execute.build_all(log=log.info)
    except execute.TutorialError as exc:
        raise PluginError(str(exc)) from None
    _records.clear()
    _records.update({r["tutorial"]: r for r in records})
    _shared_css.clear()
    write_model_cards(records)


def model_card_markdown(record: dict) -> str:
    """L'encadré qui présente le modèle d'un tutoriel, tiré de son enregistrement d'exécution.

    Le notebook déclare son modèle une seule fois (variable MODEL_CARD, dont « description » est
    composée à partir de ses propres réglages) ; les pages l'incluent par
    ``--8<-- "build/modeles/NN_slug.md"`` au lieu de recopier architecture, réglages ou mesures.
    """
    name, card = record["tutorial"], record["model_card"]
    metrics = "".join(
        f"\n    - {m['label']}{NBSP}: {in_unit(m['value'], m.get('unit'))}"
        for m in record.get("metric_checks", [])
        if "accuracy" in m["name"]
    )
    return (
        f'!!! abstract "Le modèle du tutoriel «{NBSP}{record["title"]}{NBSP}»"\n\n'
        f"    {card['description']}\n\n"
        f"    Mesuré lors de la dernière construction du site "
        f"([le tutoriel](tutoriels/{name}.ipynb) donne le détail){NBSP}:\n{metrics}\n"
    )


def write_model_cards(records: list[dict], out: Path = MODEL_CARDS) -> None:
    """Écrit build/modeles/NN_slug.md pour chaque tutoriel qui déclare son modèle."""
    for record in records:
        if isinstance(record.get("model_card"), dict) and record["model_card"].get("description"):
            execute.write_if_changed(out / f"{record['tutorial']}.md", model_card_markdown(record))


def _is_tutorial(page) -> bool:
    uri = page.file.src_uri
    return uri.startswith(TUTORIAL_PREFIX) and uri.endswith(".ipynb")


def _metric_text(metric: dict) -> str:
    bounds = []
    if "min" in metric:
        bounds.append(f"seuil ≥{NBSP}{in_unit(metric['min'], metric.get('unit'))}")
    if "max" in metric:
        bounds.append(f"seuil ≤{NBSP}{in_unit(metric['max'], metric.get('unit'))}")
    if metric.get("judged") is False:
        bounds.append(f"non jugée{NBSP}: d'autres programmes occupaient la machine")
    return (
        f"{html.escape(metric['label'])}{NBSP}: <strong>"
        f"{in_unit(metric['value'], metric.get('unit'))}</strong> ({', '.join(bounds)})"
    )


def _colab_url(config, name: str) -> str:
    repo = os.environ.get("GITHUB_REPOSITORY") or config["extra"].get("depot", "")
    return f"https://colab.research.google.com/github/{repo}/blob/notebooks/{name}.ipynb"


def locked_versions(record: dict, held: dict[str, str] | None = None) -> dict[str, str]:
    """Les versions à afficher : celles du verrou (requirements/complet.txt), pour chaque paquet
    que l'exécution a importé, et celle de Python. Un paquet exécuté à une autre version que celle
    du verrou (environnement pas à jour : make venv, puis make notebooks) est un avertissement, donc
    un échec de la construction stricte."""
    held = lock.locked_versions() if held is None else held
    shown = {}
    for module, version in record.get("versions", {}).items():
        if module == "python":
            shown[module] = version
            continue
        locked = held.get(lock.normalize(module))
        if locked is None or version.split("+")[0] != locked:
            log.warning(
                f"Le tutoriel {record['tutorial']} a été exécuté avec {module} {version}, "
                f"le verrou tient {locked or 'aucune version'}{NBSP}: lancez « make venv » puis "
                "« make notebooks »."
            )
        shown[module] = locked or version
    return shown


def tutorial_banner(record: dict, colab: str) -> str:
    """Le bloc affiché sous le titre d'une page de tutoriel."""
    name = record["tutorial"]
    esc = html.escape
    devices = ", ".join(record.get("devices") or []) or "CPU"
    versions = ", ".join(f"{k} {v}" for k, v in locked_versions(record).items())
    memory = f"{thousands(record['peak_rss_mib'])}{NBSP}Mio (pic du processus)"
    if "cuda_peak_mib" in record:
        memory += f", GPU {thousands(record['cuda_peak_mib'])}{NBSP}Mio"
    metrics = "".join(f"<li>{_metric_text(m)}</li>" for m in record["metric_checks"])
    card = record.get("model_card") or {}
    if card.get("description"):
        metrics = f"<li>Modèle{NBSP}: {esc(card['description'])}</li>" + metrics
    wall = seconds(record["wall_seconds"])
    prerequisites = "".join(f"<li>{esc(p)}</li>" for p in record["prerequisites"])
    workshop = ""
    if any(report.AXIS_RESULT.fullmatch(f) for f in record.get("result_files") or []):
        workshop = (
            '  <p class="atelier-rapport">Notez vos mesures de cet axe dans le '
            f'<a href="../../{report.TEMPLATE}" download>rapport à remplir (.ipynb)</a>{NBSP};'
            f' le <a href="../../{report.PAGE.removesuffix(".md")}/">rapport publié</a> '
            "en est le corrigé.</p>"
        )
    return f"""
<p class="atelier-description">{esc(record["description"])}</p>
<div class="atelier-tutoriel" data-tutoriel="{esc(name)}">
  <p class="atelier-actions">
    <a class="md-button md-button--primary" href="../{esc(name)}.ipynb" download
       data-telechargement="ipynb">Télécharger le notebook exécuté (.ipynb)</a>
    <a class="md-button" href="../{esc(name)}.py" download
       data-telechargement="py">Télécharger la source (.py)</a>
    <a class="md-button" href="{esc(colab)}" rel="noopener"
       data-colab>Ouvrir dans Colab</a>
  </p>
{workshop}
  <dl class="atelier-fiche">
    <dt>Niveau</dt><dd>{esc(record["level"])}</dd>
    <dt>Durée estimée</dt><dd>{esc(record["duration"])}</dd>
    <dt>Prérequis</dt><dd><ul class="atelier-prerequis">{prerequisites}</ul></dd>
    <dt>GPU</dt><dd>{esc(record["gpu"])}</dd>
  </dl>
  <details class="atelier-mesures" open>
    <summary>Mesures de l'exécution publiée</summary>
    <ul>
      {metrics}
      <li>Exécution complète du notebook{NBSP}: <strong>{wall}</strong>
        sur {esc(record.get("cpu", "CPU"))} ({esc(devices)})</li>
      <li>Mémoire{NBSP}: {memory}</li>
      <li>Versions{NBSP}: {esc(versions)}</li>
      <li>Exécuté le {esc(french.date(record["executed_at"]))}</li>
    </ul>
  </details>
</div>
"""


def on_page_content(html_text, page, config, files):
    if not _is_tutorial(page):
        return html_text
    name = Path(page.file.src_uri).stem
    record = _records.get(name)
    if record is None:
        raise PluginError(f"Aucune mesure d'exécution pour le tutoriel {name}.")
    banner = tutorial_banner(record, _colab_url(config, name))
    head, sep, tail = html_text.partition("</h1>")
    if not sep:
        raise PluginError(f"Le tutoriel {name} doit commencer par un titre « # … ».")
    return accessible_notebook(head + sep + banner + fold_solutions(tail), name)


# Le bouton de copie de mkdocs-jupyter (clipboard.umd.js) a un nom et un avis en anglais.
COPY_LABELS = (
    ('aria-label="Copy to Clipboard"', 'aria-label="Copier le code"'),
    (">Copied!<", ">Copié<"),
)


def accessible_notebook(html_text: str, name: str) -> str:
    """Arrêts de tabulation utiles seulement, figures décrites en français (voir
    tools/accessibility.py)."""
    html_text = accessibility.drop_cell_tabindex(html_text)
    for english, french_label in COPY_LABELS:
        html_text = html_text.replace(english, french_label)
    notebook = json.loads((execute.OUT / f"{name}.ipynb").read_text(encoding="utf-8"))
    problems = accessibility.alt_problems(notebook, name)
    if problems:  # la ligne « # %% » de chaque cellule fautive dans la source
        lines = execute.load(execute.TUTORIALS / f"{name}.py").cell_lines
        problems = accessibility.alt_problems(notebook, name, lines)
    for problem in problems:
        log.warning(f"Figure sans description{NBSP}: {problem}")
    html_text, _ = accessibility.apply_alts(html_text, notebook)
    return html_text


SOLUTION_CELL_RE = re.compile(r'<div\b[^>]*\bclass="[^"]*\bcelltag_solution\b[^"]*"[^>]*>')
DIV_TAG_RE = re.compile(r"<div\b|</div>")


def fold_solutions(html_text: str) -> str:
    """Replie chaque cellule de solution (code et sortie) dans un bloc « Solution » à déplier.

    tools/execute.py marque ces cellules (première ligne « # Solution ») de l'étiquette
    « solution », que nbconvert rend en classe celltag_solution. Le bloc est un <details> de
    Material : fermé par défaut, il s'ouvre d'un clic et s'imprime ouvert.
    """
    parts, position = [], 0
    for start in SOLUTION_CELL_RE.finditer(html_text):
        if start.start() < position:  # imbriquée dans une cellule déjà repliée
            continue
        depth, end = 0, None
        for tag in DIV_TAG_RE.finditer(html_text, start.start()):
            depth += 1 if tag.group() == "<div" else -1
            if depth == 0:
                end = tag.end()
                break
        if end is None:
            raise PluginError("Cellule de solution sans fin de bloc dans le HTML du notebook.")
        parts += [
            html_text[position : start.start()],
            '<details class="success solution"><summary>Solution</summary>\n',
            html_text[start.start() : end],
            "\n</details>",
        ]
        position = end
    parts.append(html_text[position:])
    return "".join(parts)


# mkdocs-jupyter 0.27 ajoute à la fin du notebook un bloc <style> indenté contenant la liste
# Python de ses CSS (déjà présentes dans la page) : passé au Markdown, il s'afficherait comme un
# bloc de code en bas de chaque tutoriel. On le retire avant le rendu.
STRAY_STYLE_RE = re.compile(r"\n[ \t]*<style>\n[ \t]*\[.*?\]\n[ \t]*</style>\s*$", re.S)


@event_priority(50)  # après mkdocs-jupyter (100), qui fournit le Markdown du notebook
def on_page_markdown(markdown, page, config, files):
    if _is_tutorial(page):
        return STRAY_STYLE_RE.sub("\n", markdown)
    return markdown


@event_priority(-100)
def on_post_page(output, page, config):
    if _is_tutorial(page):
        styles = STYLE_RE.findall(output)
        if styles:
            css = "\n".join(re.sub(r"</?style[^>]*>", "", s) for s in styles)
            output = STYLE_RE.sub("", output, count=len(styles) - 1)
            # La CSS réduite aux règles que la page peut utiliser (tools/notebook_css.py).
            css = page_css(css, STYLE_RE.sub("", output))
            digest = hashlib.sha256(css.encode()).hexdigest()[:12]
            uri = f"assets/notebook-{digest}.css"
            _shared_css[uri] = css
            link = f'<link rel="stylesheet" href="{get_relative_url(uri, page.url)}">\n'
            output = STYLE_RE.sub(link, output, count=1)
        output = with_figure_files(output, page.url)
    return output


def page_css(css: str, html: str, cache: Path = NOTEBOOK_CSS_CACHE) -> str:
    """La CSS des notebooks réduite pour une page, gardée dans build/ par empreinte de la CSS
    et de ce que la page contient (classes, identifiants, balises, variables lues)."""
    present = notebook_css.tokens(html)
    variables = sorted(set(notebook_css.VAR_RE.findall(html)))
    key = hashlib.sha256(
        "\n".join([notebook_css.FORMAT, css, *sorted(present), *variables]).encode()
    ).hexdigest()
    path = cache / f"{key}.css"
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        pass
    result = notebook_css.purge(css, present, html)
    storage.atomic_write(path, result)
    return result


def with_figure_files(output: str, page_url: str) -> str:
    """La page dont chaque figure PNG en base64 devient un fichier (nommé par son empreinte,
    mis en cache par le navigateur), avec sa taille (width, height : pas de décalage de mise en
    page) et un chargement différé : le texte de la page arrive sans les 100 à 200 ko d'images."""

    def replace(match: re.Match) -> str:
        before, encoded, after = match.groups()
        data = base64.b64decode(encoded)
        size = images.png_size(data)
        if size is None:
            return match.group(0)
        uri = f"{FIGURES_URI}/{hashlib.sha256(data).hexdigest()[:16]}.png"
        _figures[uri] = data
        attributes = (before + after.rstrip().removesuffix("/")).strip()
        if "width=" not in attributes:
            attributes += f' width="{size[0]}" height="{size[1]}"'
        attributes += ' loading="lazy" decoding="async"'
        return f'<img src="{get_relative_url(uri, page_url)}" {attributes.strip()}>'

    return INLINE_PNG_RE.sub(replace, output)


def on_post_build(config):
    site = Path(config["site_dir"])
    for uri, css in _shared_css.items():
        target = site / uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(css, encoding="utf-8")
    for uri, data in _figures.items():
        target = site / uri
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    # Téléchargements : le notebook exécuté et sa source complète (code commun de l'atelier
    # inséré, tools/shared_code.py), à côté de la page du tutoriel ; l'un et l'autre tournent seuls.
    out = site / TUTORIAL_PREFIX.rstrip("/")
    out.mkdir(parents=True, exist_ok=True)
    for name in _records:
        shutil.copyfile(execute.OUT / f"{name}.ipynb", out / f"{name}.ipynb")
        source = shared_code.standalone(execute.TUTORIALS / f"{name}.py").text
        (out / f"{name}.py").write_text(source, encoding="utf-8")
    (out / "mesures.json").write_text(
        json.dumps(list(_records.values()), indent=2, ensure_ascii=False), encoding="utf-8"
    )
