"""Aperçu de la prose sans PyTorch ni TensorFlow : l'archive du cache de la construction.

Tout ce que la construction calcule est déjà rangé par contenu sous ``build/`` : notebooks
exécutés et leurs enregistrements (``build/cache``, clé : code des cellules, verrou, données),
sorties des blocs de code des pages (``build/pages-cache``), figures (``build/figures``, clé dans
``NOM.cle``). Les sorties des scripts (``build/snippets``) et les captures de TensorBoard
(``build/screenshots``) reçoivent ici une clé du même genre : texte des scripts, verrou, données
(et l'outil de capture pour les captures). Les formules composées (``build/maths``, tools/maths.py)
sont nommées par l'empreinte de leur TeX et du compositeur : reprises telles quelles.

* ``python -m tools.preview pack [--out FICHIER]`` (``make archive-apercu``, workflow de
  publication) : une archive ``cache-apercu.tar.gz`` des seules entrées de la construction
  actuelle, avec ``manifeste.json`` qui donne la clé de chacune ; le site la publie sous
  ``apercu/cache-apercu.tar.gz`` ;
* ``python -m tools.preview restore [SOURCE]`` (``make apercu``) : SOURCE, sinon
  ``ATELIER_CACHE_ARCHIVE``, sinon l'adresse publiée ; un fichier ``.tar.gz``, un dossier (archive
  décompressée) ou une adresse ``https://``. Les entrées sont copiées sous ``build/``, puis chaque
  tutoriel, page et figure est repris du cache sans rien exécuter (``ATELIER_APERCU=1``) : une
  entrée dont la clé ne correspond pas à l'arbre de travail n'est pas utilisée, et une phrase en
  français nomme ce qui demande l'environnement complet.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import json
import os
import shutil
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

from tools import paths

ROOT, BUILD = paths.ROOT, paths.BUILD
ARCHIVE_NAME = "cache-apercu.tar.gz"
# Là où le workflow de publication la dépose, dans le site publié (voir main) ; à côté du site.
PUBLISHED_PATH = f"apercu/{ARCHIVE_NAME}"
ARCHIVE_ENV = "ATELIER_CACHE_ARCHIVE"
MANIFEST = "manifeste.json"
FORMAT = 1
# Dossiers de build/ que l'archive reprend, et ce qu'on en garde.
SNIPPET_SUFFIXES = (".txt", ".md", ".json")
SNIPPETS_PAGE = "docs/scripts.md"
SCREENSHOTS_PAGE = "docs/tensorboard.md"


class PreviewError(Exception):
    """Archive absente, illisible ou incomplète : une phrase française."""


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:24]


def _texts(files) -> list[str]:
    return [f"{p.relative_to(ROOT)}\0{p.read_text(encoding='utf-8')}" for p in sorted(files)]


def snippets_key() -> str:
    """Les sorties des scripts : leur texte, le verrou et les données."""
    return paths.cache_key(
        "apercu-scripts-1",
        [paths.dependencies_fingerprint(), paths.data_fingerprint()],
        _texts(paths.SNIPPETS.glob("*.py")),
    )


def screenshots_key() -> str:
    """Les captures : les journaux des scripts (même clé) et l'outil de capture."""
    return paths.cache_key(
        "apercu-captures-1", [snippets_key()], _texts([ROOT / "tools" / "screenshots.py"])
    )


def current_keys() -> dict:
    """La clé de chaque entrée pour l'arbre de travail, sauf celles des tutoriels (leur clé
    dépend des enregistrements qu'ils citent : tools.execute la recalcule à la reprise)."""
    from tools import docs_exec, figures

    pages = {}
    for page in docs_exec.pages():
        blocks = docs_exec.extract_blocks(page.read_text(encoding="utf-8"))
        if blocks:
            pages[str(page.relative_to(ROOT))] = docs_exec.cache_key(blocks)
    return {
        "pages": pages,
        "figures": {s.stem: figures.cache_key(s) for s in figures.scripts()},
        "snippets": snippets_key(),
        "screenshots": screenshots_key(),
    }


# --- Archive -----------------------------------------------------------------------------------


def pack(out: Path, build: Path = BUILD) -> dict:
    """Écrit l'archive des entrées de la construction actuelle ; renvoie son manifeste."""
    from tools import figures

    keys = current_keys()
    members: list[tuple[str, Path]] = []
    tutorials = {}
    for record_path in sorted((build / "notebooks").glob("[0-9][0-9]_*.json")):
        record = json.loads(record_path.read_text(encoding="utf-8"))
        key = record["cache_key"]
        tutorials[record["tutorial"]] = key
        members += [(f"cache/{key}{s}", build / "cache" / f"{key}{s}") for s in (".ipynb", ".json")]
    for key in keys["pages"].values():
        members.append((f"pages-cache/{key}.json", build / "pages-cache" / f"{key}.json"))
    for name, key in keys["figures"].items():
        stamp = build / "figures" / f"{name}.cle"
        if not stamp.is_file() or stamp.read_text() != key:
            raise PreviewError(f"La figure {name} n'est pas à jour : lancez « make site ».")
        # Image(s), variante étroite, extrait Markdown et clé : tout ce que le script a produit.
        made = [*figures.produced(name, build / "figures"), stamp]
        members += [(f"figures/{p.name}", p) for p in made]
    for folder, suffixes in (("snippets", SNIPPET_SUFFIXES), ("screenshots", (".png", ".json"))):
        files = [p for p in sorted((build / folder).rglob("*")) if p.suffix in suffixes]
        members += [(str(p.relative_to(build)), p) for p in files if p.is_file()]
    # Les formules composées (build/maths) ; aucune copie de build/vendor : Lighthouse et
    # axe-core ne servent qu'aux tests (des dizaines de mégaoctets).
    members += [(str(p.relative_to(build)), p) for p in sorted((build / "maths").rglob("*.json"))]
    missing = [str(path) for _, path in members if not path.is_file()]
    if not tutorials or missing:
        raise PreviewError(
            "La construction n'est pas complète ("
            + (", ".join(missing[:3]) or "aucun tutoriel")
            + ") : lancez « make site » avant « make archive-apercu »."
        )
    manifest = {"format": FORMAT, "dependencies": _digest(paths.dependencies_fingerprint())}
    manifest.update(keys, tutorials=tutorials)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with tarfile.open(tmp, "w:gz") as tar:
        data = json.dumps(manifest, indent=1, ensure_ascii=False, sort_keys=True).encode()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime = len(data), 0
        tar.addfile(info, io.BytesIO(data))
        for name, path in sorted(set(members)):
            info = tar.gettarinfo(str(path), arcname=name)
            info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "", ""
            with path.open("rb") as handle:
                tar.addfile(info, handle)
    tmp.replace(out)
    return manifest


def published_url() -> str:
    """L'adresse de l'archive publiée, dans le site GitHub Pages du dépôt."""
    import yaml  # paquet du site (dépendance de mkdocs)

    config = yaml.load(paths.MKDOCS_CONFIG.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    owner, _, name = os.environ.get("GITHUB_REPOSITORY", config["extra"]["depot"]).partition("/")
    return f"https://{owner}.github.io/{name}/{PUBLISHED_PATH}"


def _unpack(source: str, into: Path) -> Path:
    """Le dossier décompressé de l'archive (``source`` : fichier, dossier ou adresse)."""
    if source.startswith(("https://", "http://")):
        target = into / ARCHIVE_NAME
        try:
            with urllib.request.urlopen(source, timeout=60) as response, target.open("wb") as f:
                shutil.copyfileobj(response, f)
        except OSError as exc:
            raise PreviewError(
                f"L'archive du cache est injoignable ({source} : {exc}) ; donnez un fichier "
                f"local dans {ARCHIVE_ENV}."
            ) from None
        source = str(target)
    path = Path(source).expanduser()
    if path.is_dir():
        if not (path / MANIFEST).is_file():
            raise PreviewError(f"Le dossier {path} n'a pas de {MANIFEST} : ce n'est pas le cache.")
        return path
    if not path.is_file():
        raise PreviewError(f"L'archive du cache {path} est introuvable ({ARCHIVE_ENV}).")
    folder = into / "archive"
    try:
        with tarfile.open(path, "r:gz") as tar:
            tar.extractall(folder, filter="data")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise PreviewError(f"L'archive du cache {path} est illisible ({exc}).") from None
    if not (folder / MANIFEST).is_file():
        raise PreviewError(f"L'archive {path} n'a pas de {MANIFEST} : ce n'est pas le cache.")
    return folder


def _copy_tree(source: Path, target: Path, overwrite: bool) -> None:
    for path in sorted(source.rglob("*")):
        if path.is_file():
            dest = target / path.relative_to(source)
            if overwrite or not dest.exists():
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, dest)


def restore(source: str, build: Path = BUILD) -> list[str]:
    """Copie les entrées de l'archive sous build/ ; renvoie une phrase par entrée refusée."""
    from tools import figures

    with preview_environment(), tempfile.TemporaryDirectory(prefix="atelier-apercu-") as tmp:
        folder = _unpack(source, Path(tmp))
        try:
            manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise PreviewError(f"Le manifeste de l'archive est illisible ({exc}).") from None
        if manifest.get("format") != FORMAT:
            raise PreviewError("L'archive du cache a un format inconnu : mettez le dépôt à jour.")
        keys, refused = current_keys(), []
        # Rangées par contenu : une entrée de plus ne gêne pas, celle du code actuel sert.
        for folder_name in ("cache", "pages-cache", "maths"):
            if (folder / folder_name).is_dir():
                _copy_tree(folder / folder_name, build / folder_name, overwrite=False)
        for name, key in keys["figures"].items():
            if manifest.get("figures", {}).get(name) == key:
                for file_name in (*figures.outputs(name), f"{name}.cle"):
                    path = folder / "figures" / file_name
                    if path.is_file():
                        (build / "figures").mkdir(parents=True, exist_ok=True)
                        shutil.copy2(path, build / "figures" / file_name)
        for part, page in (("snippets", SNIPPETS_PAGE), ("screenshots", SCREENSHOTS_PAGE)):
            if manifest.get(part) == keys[part]:
                _copy_tree(folder / part, build / part, overwrite=True)
            else:
                what = "des scripts de snippets/" if part == "snippets" else "des captures"
                refused.append(paths.needs_full_environment(f"{what} (page {page})"))
    return refused


@contextlib.contextmanager
def preview_environment():
    """ATELIER_APERCU=1 le temps d'un bloc : rien ne s'exécute, données attendues."""
    previous = os.environ.get(paths.PREVIEW_ENV)
    os.environ[paths.PREVIEW_ENV] = "1"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(paths.PREVIEW_ENV)
        else:
            os.environ[paths.PREVIEW_ENV] = previous


def prepare(build: Path = BUILD, tutorials: Path = paths.TUTORIALS) -> list[str]:
    """Reprend du cache chaque tutoriel, page et figure, sans rien exécuter (ATELIER_APERCU) ;
    renvoie une phrase par sortie que l'arbre de travail demande et que le cache n'a pas."""
    from tools import docs_exec, execute, figures

    with preview_environment():
        return _prepare(build, tutorials, docs_exec, execute, figures)


def _prepare(build: Path, tutorials: Path, docs_exec, execute, figures) -> list[str]:
    problems = []
    try:
        execute.build_all(
            folder=tutorials,
            out=build / "notebooks",
            cache=build / "cache",
            work=build / "work",
            log=lambda *_: None,
        )
    except execute.TutorialError as exc:
        problems += [line for line in str(exc).split("\n\n") if line]
    try:
        figures.build_all(out=build / "figures", log=lambda *_: None)
    except figures.FigureError as exc:
        problems += [line for line in str(exc).split("\n\n") if line]
    for page in docs_exec.pages():
        blocks = docs_exec.extract_blocks(page.read_text(encoding="utf-8"))
        try:
            docs_exec.outputs_for(blocks, str(page.relative_to(ROOT)), cache=build / "pages-cache")
        except docs_exec.PageCodeError as exc:
            problems.append(str(exc))
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.preview",
        description="Archive du cache de la construction, pour l'aperçu sans exécution.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    pack_parser = sub.add_parser("pack", help="écrire l'archive du cache")
    pack_parser.add_argument("--out", type=Path, default=paths.ROOT / "site" / PUBLISHED_PATH)
    restore_parser = sub.add_parser(
        "restore", help="restaurer l'archive et tout reprendre du cache"
    )
    restore_parser.add_argument(
        "source", nargs="?", help=f"fichier, dossier ou adresse ({ARCHIVE_ENV})"
    )
    args = parser.parse_args(argv)
    try:
        if args.command == "pack":
            manifest = pack(args.out)
            size = args.out.stat().st_size / 2**20
            print(
                f"Archive du cache : {args.out} ({size:.1f} Mio, "
                f"{len(manifest['tutorials'])} tutoriels, {len(manifest['pages'])} pages)."
            )
            return 0
        source = args.source or os.environ.get(ARCHIVE_ENV) or published_url()
        problems = restore(source) + prepare()
    except PreviewError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1
    print(f"Cache restauré depuis {source} : tout le site vient du cache, rien n'est exécuté.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
