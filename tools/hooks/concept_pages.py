"""Crochet MkDocs des pages de cours (docs/*.md), mince couche sur leurs étapes.

* à la lecture de la configuration : donne à l'extension abbr le glossaire de docs/glossaire.yml
  (infobulles des termes sur tout le site, tools.glossary) ;
* avant chaque construction : produit les figures de docs/figures/ (tools.figures, avec cache) ;
* publie les figures produites sous ``figures/`` et la page ``glossaire.md``, générée depuis
  docs/glossaire.yml ; les sources (scripts de figures, YAML, liste de mots) ne sont pas publiées ;
* exécute les blocs Python de chaque page de cours et affiche leur sortie sous chacun d'eux
  (tools.docs_exec, avec cache : une modification de la prose ne ré-exécute rien).
* sur chaque page, tutoriels compris : la première occurrence de chaque terme du glossaire
  reçoit le focus, qui montre sa définition au clavier (tools.accessibility) ; chaque image
  reçoit sa taille (width, height), lue dans son fichier, et une figure qui a une variante
  étroite (``figures/NOM-etroit.svg``) la propose aux téléphones dans un ``<picture>``
  (tools.images).
"""

from __future__ import annotations

import importlib
import logging
import posixpath
import re
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

from tools import accessibility, calibration, docs_exec, figures, glossary, images

# « make serve » recharge ce fichier à chaque reconstruction : recharger aussi les modules pour
# qu'une modification des outils soit prise en compte sans relancer le serveur.
docs_exec = importlib.reload(docs_exec)
figures = importlib.reload(figures)
glossary = importlib.reload(glossary)
images = importlib.reload(images)

log = logging.getLogger("mkdocs.hooks.atelier.cours")
# Fichiers de docs/ qui servent à la construction mais ne sont pas des pages du site.
NOT_PUBLISHED = ("glossaire.yml", "mots-autorises.txt")


def _docs(config) -> Path:
    return Path(config["docs_dir"])


def on_config(config):
    try:
        entries = glossary.load(_docs(config) / glossary.SOURCE.name)
    except glossary.GlossaryError as exc:
        raise PluginError(str(exc)) from None
    # Les termes deviennent des abréviations connues de toutes les pages (option glossary de
    # l'extension abbr) : rien à analyser page par page, contrairement à un fichier inclus.
    config["mdx_configs"].setdefault("abbr", {})["glossary"] = glossary.abbreviations(entries)
    return config


def on_pre_build(config):
    try:
        figures.build_all(folder=_docs(config) / "figures", log=log.info)
    except figures.FigureError as exc:
        raise PluginError(str(exc)) from None
    # Construction propre : les blocs des pages absentes du cache, un processus par cœur libre
    # (mesuré : 88 s l'une après l'autre) ; chaque page les lit ensuite dans le cache.
    docs_exec.prefill(docs_exec.pages(_docs(config)), calibration.free_cores(), log=log.info)


def on_files(files, config):
    docs = _docs(config)
    for file in list(files):
        uri = file.src_uri
        if uri in NOT_PUBLISHED or (uri.startswith("figures/") and uri.endswith(".py")):
            files.remove(file)
    for image in figures.images(folder=docs / "figures"):
        files.append(File.generated(config, f"figures/{image.name}", abs_src_path=str(image)))
    entries = glossary.load(docs / glossary.SOURCE.name)
    content = glossary.render_page(entries, docs)
    files.append(File.generated(config, glossary.PAGE, content=content))
    return files


def _front_matter_lines(page, markdown: str) -> int:
    """Lignes de l'en-tête YAML que MkDocs a retirées avant le Markdown (pour nommer la ligne)."""
    path = page.file.abs_src_path
    if not path:
        return 0
    raw = Path(path).read_text(encoding="utf-8-sig")
    return max(0, raw.count("\n") - markdown.count("\n"))


def on_page_markdown(markdown, page, config, files):
    if not page.file.src_uri.endswith(".md"):
        return markdown
    label = f"{Path(config['docs_dir']).name}/{page.file.src_uri}"
    try:
        return docs_exec.process(
            markdown,
            label,
            line_offset=_front_matter_lines(page, markdown),
            log=log.info,
        )
    except docs_exec.PageCodeError as exc:
        raise PluginError(str(exc)) from None


# L'extension toc reconstruit le texte des titres en normalisant les espaces : l'espace
# insécable avant « ? », « ! », « : », « ; » et « » » devient une espace simple, et le signe
# passe seul à la ligne dans la table des matières. On la remet.
TOC_SPACE_RE = re.compile(r" (?=[?!:;»])|(?<=«) ")


def _fix_toc(items) -> None:
    for item in items:
        item.title = TOC_SPACE_RE.sub("\u00a0", item.title)
        _fix_toc(item.children)


def image_reader(page, files):
    """Lit une image de la page d'après son adresse relative à la page (None : hors du site)."""
    folder = page.url if page.url.endswith("/") or not page.url else posixpath.dirname(page.url)

    def read(src: str) -> bytes | None:
        if re.match(r"^[a-z][a-z0-9+.-]*:|^/", src, re.I):
            return None
        uri = posixpath.normpath(posixpath.join(folder, src.split("#")[0].split("?")[0]))
        file = files.get_file_from_path(uri)
        return file.content_bytes if file is not None else None

    return read


def on_page_content(html_text, page, config, files):
    # Chaque image reçoit sa taille, lue dans son fichier : pas de décalage de mise en page
    # pendant le chargement (tools/images.py).
    read = image_reader(page, files)
    # Une figure dessinée aussi pour un téléphone : sa variante étroite sous 720 px de large.
    html_text = images.with_narrow_variants(html_text, read)
    html_text, unsized = images.with_sizes(html_text, read)
    for src in unsized:
        log.warning(f"{page.file.src_uri} : image sans taille lisible (width, height) : {src}")
    # Au clavier : la première occurrence de chaque terme du glossaire reçoit le focus, qui
    # montre sa définition (tools/accessibility.py). Toutes les pages, tutoriels compris, sauf
    # le glossaire, où chaque définition est écrite en toutes lettres.
    if page.file.src_uri == glossary.PAGE:
        return html_text
    return accessibility.focusable_terms(html_text)[0]


def on_page_context(context, page, config, nav):
    _fix_toc(page.toc)
    return context
