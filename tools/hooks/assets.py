"""Crochet MkDocs : les feuilles de style du site (``extra_css`` de mkdocs.yml) servies en un
seul fichier.

Chaque feuille reste un fichier source à part dans docs/assets/ (une par fonction du site :
mise en page, cours, atelier, parcours, questions, formules, accessibilité). Servies telles
quelles, elles faisaient sept requêtes qui bloquent le premier affichage : sur un téléphone
(Lighthouse mobile), environ 150 ms chacune. La construction les met bout à bout, dans l'ordre
de mkdocs.yml (la dernière l'emporte toujours), dans ``assets/atelier-<empreinte>.css`` : le nom
change avec le contenu, un navigateur ne garde jamais une ancienne version en cache.

Les feuilles doivent être dans docs/assets/ même : une adresse relative (``url(…)``) y garde le
même sens une fois les feuilles réunies. Une feuille ailleurs, ou absente, fait échouer la
construction en la nommant.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

FOLDER = "assets"
_bundle: dict = {}


def bundle(docs: Path, sources: list[str]) -> tuple[str, str]:
    """(adresse, contenu) de la feuille unique faite de ``sources``, dans cet ordre."""
    parts = []
    for source in sources:
        if Path(source).parent.as_posix() != FOLDER:
            raise PluginError(
                f"Feuille de style {source} : placez-la dans docs/{FOLDER}/ (ses adresses "
                "relatives changeraient de sens une fois les feuilles réunies)."
            )
        try:
            text = (docs / source).read_text(encoding="utf-8")
        except OSError:
            raise PluginError(f"Feuille de style introuvable : docs/{source}.") from None
        parts.append(f"/* --- {source} --- */\n{text.rstrip()}\n")
    content = "\n".join(parts)
    digest = hashlib.sha256(content.encode("utf-8")).hexdigest()[:12]
    return f"{FOLDER}/atelier-{digest}.css", content


def on_config(config):
    sources = [str(source) for source in config["extra_css"]]
    name, content = bundle(Path(config["docs_dir"]), sources)
    _bundle.clear()
    _bundle.update(name=name, content=content, sources=sources)
    config["extra_css"] = [name]
    return config


def on_files(files, config):
    for file in list(files):
        if file.src_uri in _bundle["sources"]:
            files.remove(file)
    files.append(File.generated(config, _bundle["name"], content=_bundle["content"]))
    return files
