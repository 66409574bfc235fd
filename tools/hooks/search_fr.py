"""Crochet MkDocs de la recherche en français.

Chaque page (et la page 404) charge docs/assets/javascripts/workers/recherche-fr.js à la place
du moteur de recherche de Material : cette enveloppe replie les accents des mots indexés et de la
requête, et retire l'article élidé de la requête (d', l'…). Le séparateur de mots (apostrophes
droite et typographique comprises) est réglé dans mkdocs.yml (plugin search).

Après la construction, chaque section qui définit un terme du glossaire (champ « page » de
docs/glossaire.yml) reçoit dans l'index un champ « glossaire » : le terme et ses autres formes.
Ce champ compte plus que le titre (mkdocs.yml, fields) : la requête d'un terme du glossaire
donne d'abord la section qui l'explique.

Chaque page contient aussi, dans <head>, docs/assets/javascripts/recherche-differee.js : l'index
(350 ko compressés) n'est demandé qu'au premier geste vers la recherche, plus à chaque page.

Les entrées d'une page dans l'index (Material découpe son HTML en sections avec html.parser : un
tiers d'une construction chaude) sont mises en cache par tools/render_cache.py, la clé étant
faite de tout ce que Material en lit : adresse, titre, HTML, table des matières, en-tête.

Une page où l'adresse du moteur de Material n'est pas trouvée fait échouer la construction : une
autre version de Material l'aurait écrite autrement, et la recherche ne serait plus repliée.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from material.plugins.search.plugin import SearchIndex
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

from tools import glossary, render_cache

WRAPPER = "recherche-fr.js"
INDEX = Path("search") / "search_index.json"
FIELD = "glossaire"
DEFERRED = "assets/javascripts/recherche-differee.js"
# L'adresse du moteur dans la configuration JSON de la page (relative à la page).
# La fenêtre de recherche de Material (role="dialog") n'a pas de nom accessible (axe :
# aria-dialog-name) ; elle reçoit celui du bouton qui l'ouvre.
DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
NAMED_DIALOG = DIALOG.replace('role="dialog"', 'role="dialog" aria-label="Recherche"')
ENGINE_RE = re.compile(
    r'("search": "[^"]*assets/javascripts/workers/)(search\.[0-9a-f]+\.min\.js)"'
)


def _toc(items) -> list:
    return [[item.id, item.url, _toc(item.children)] for item in items]


def search_inputs(page) -> list[str]:
    """Tout ce que SearchIndex.add_entry_from_context lit de la page."""
    meta = {k: page.meta.get(k) for k in ("title", "tags", "search")}
    return [
        page.url,
        str(page.title),
        page.content or "",
        json.dumps(_toc(page.toc), ensure_ascii=False),
        json.dumps(meta, ensure_ascii=False, sort_keys=True, default=str),
    ]


# Ce crochet est rechargé à chaque construction : la méthode d'origine est gardée sur la classe.
_original = SearchIndex.__dict__.get("_atelier_original", SearchIndex.add_entry_from_context)
SearchIndex._atelier_original = _original


def add_entry_from_context(self, page):
    """Les entrées de la page, calculées par Material ou reprises du cache."""

    def render() -> str:
        start = len(self.entries)
        _original(self, page)
        entries = self.entries[start:]
        del self.entries[start:]
        return json.dumps(entries, ensure_ascii=False, default=str)

    inputs = [json.dumps(self.config, sort_keys=True, default=str), *search_inputs(page)]
    self.entries.extend(json.loads(render_cache.cached("recherche", inputs, render)))


SearchIndex.add_entry_from_context = add_entry_from_context


def with_french_search(output: str, where: str) -> str:
    """La page dont la configuration pointe vers l'enveloppe française du moteur."""
    output, count = ENGINE_RE.subn(rf'\g<1>{WRAPPER}?moteur=\g<2>"', output)
    if count != 1:
        raise PluginError(
            f"{where} : adresse du moteur de recherche de Material introuvable "
            f"({count} trouvée(s)) ; la recherche en français n'y serait pas branchée."
        )
    return output.replace(DIALOG, NAMED_DIALOG)


def with_deferred_index(output: str, script: str, where: str) -> str:
    """La page dont <head> contient le script qui diffère la demande de l'index : écrit dans la
    page (un kilo-octet), il ne coûte pas une requête qui bloquerait le premier affichage."""
    if "</head>" not in output:
        raise PluginError(f"{where} : pas de </head> où placer {DEFERRED}.")
    if "</script" in script.lower():
        raise PluginError(f"{DEFERRED} : « </script » ne peut pas être écrit dans une page.")
    return output.replace("</head>", f"<script>{script}</script>\n</head>", 1)


def _deferred_script(config) -> str:
    try:
        return (Path(config["docs_dir"]) / DEFERRED).read_text(encoding="utf-8").strip()
    except OSError:
        raise PluginError(f"Script introuvable : docs/{DEFERRED}.") from None


def on_post_page(output, page, config):
    output = with_french_search(output, page.file.src_uri)
    return with_deferred_index(output, _deferred_script(config), page.file.src_uri)


def on_post_template(output, template_name, config):
    # La page 404 est un gabarit, que on_post_page ne voit pas.
    if template_name == "404.html":
        output = with_french_search(output, template_name)
        return with_deferred_index(output, _deferred_script(config), template_name)
    return output


def location(page: str) -> str:
    """« mlp.md#descendre-la-pente » → « mlp/#descendre-la-pente » (adresse dans l'index)."""
    path, _, anchor = page.partition("#")
    path = path.removesuffix(".md")
    path = "" if path == "index" else path.removesuffix("/index") + "/"
    return f"{path}#{anchor}" if anchor else path


def with_glossary_terms(index: dict, entries: list[dict]) -> dict:
    """L'index où chaque section qui définit un terme du glossaire porte ce terme (champ
    « glossaire ») ; une section absente de l'index est une erreur qui la nomme."""
    docs = {doc["location"]: doc for doc in index["docs"]}
    terms: dict[str, list[str]] = {}
    missing = []
    for entry in entries:
        where = location(entry["page"])
        if where not in docs:
            missing.append(f"{entry['fr']} ({entry['page']})")
            continue
        terms.setdefault(where, []).extend([entry["fr"], *entry.get("formes", [])])
    if missing:
        raise PluginError(
            "Recherche : section du glossaire absente de l'index : " + ", ".join(missing)
        )
    for where, words in terms.items():
        docs[where][FIELD] = " ; ".join(dict.fromkeys(words))
    return index


@event_priority(-100)  # après le plugin search, qui écrit l'index
def on_post_build(config):
    path = Path(config["site_dir"]) / INDEX
    index = json.loads(path.read_text(encoding="utf-8"))
    try:
        entries = glossary.load()
    except glossary.GlossaryError as exc:
        raise PluginError(str(exc)) from None
    index = with_glossary_terms(index, entries)
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
