"""Serveur de prévisualisation de ``make serve`` et ``make apercu`` : ``mkdocs serve``, sans
reconstruire tout le site quand seule la prose d'une page a changé.

``mkdocs serve`` refait la construction complète à chaque enregistrement (une dizaine de
secondes ici, pour une phrase). Ce serveur fait d'abord la même construction complète, stricte
(``build`` de MkDocs, avec tous les crochets), et garde ce qu'elle a établi : fichiers,
navigation, environnement Jinja, index de recherche. Ensuite, à chaque modification :

* si seuls des fichiers Markdown de pages existantes ont changé, et que chacun garde son titre,
  son en-tête YAML et la place du parcours (durées des étapes inchangées), la page seule est
  relue et réécrite, par les mêmes fonctions de MkDocs et les mêmes crochets qu'une
  construction ; puis les ancres de toutes les pages sont revalidées (une autre page peut viser
  un titre modifié) et l'index de recherche est réécrit, entrées de cette page remplacées ;
* sinon (configuration, outil, tutoriel, script, glossaire, page ajoutée ou supprimée, titre ou
  durée changés), c'est la construction complète, comme ``mkdocs serve``.

Un avertissement pendant une reconstruction partielle est une erreur, comme en mode strict : la
page n'est pas rechargée et le message dit pourquoi. Aucune vérification de ``make site`` ni de
la CI n'est sautée : elles font toujours la construction complète.

``python -m tools.serve [-a HÔTE:PORT]`` ; ``make mesure-rechargement`` chronomètre
l'enregistrement d'une page jusqu'au rechargement du navigateur.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import shutil
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from tools import paths

log = logging.getLogger("mkdocs.atelier.serve")
CONFIG_FILE = paths.ROOT / "mkdocs.yml"
LEARNING_PATH_HOOK = "tools/hooks/learning_path.py"
SEARCH_HOOK = "tools/hooks/search_fr.py"
SEARCH_PLUGIN = "material/search"
# Sondage des fichiers surveillés (mkdocs serve : 0,5 s).
POLLING_INTERVAL = 0.2
IGNORED_PARTS = ("__pycache__", ".ruff_cache", ".pytest_cache", ".ipynb_checkpoints")


class Snapshot(dict):
    """Chemin → (date de modification, taille) de chaque fichier surveillé."""

    @classmethod
    def of(cls, roots: list[Path]) -> Snapshot:
        snapshot = cls()
        for root in roots:
            if root.is_file():
                stat = root.stat()
                snapshot[root] = (stat.st_mtime_ns, stat.st_size)
                continue
            for folder, dirs, names in os.walk(root):
                dirs[:] = [d for d in dirs if d not in IGNORED_PARTS]
                for name in names:
                    path = Path(folder, name)
                    with contextlib.suppress(OSError):
                        stat = path.stat()
                        snapshot[path] = (stat.st_mtime_ns, stat.st_size)
        return snapshot

    def changes(self, newer: Snapshot) -> tuple[set[Path], set[Path]]:
        """(fichiers modifiés, fichiers ajoutés ou supprimés)."""
        modified = {p for p in self.keys() & newer.keys() if self[p] != newer[p]}
        return modified, set(self.keys() ^ newer.keys())


class State:
    """Ce que la dernière construction complète a établi, capté pendant ``build``."""

    def __init__(self) -> None:
        self.config = None
        self.files = None
        self.nav = None
        self.env = None
        self.doc_files = None


@contextlib.contextmanager
def capturing(state: State):
    """Pendant ``build`` : garde la configuration, les fichiers, la navigation et l'environnement
    que MkDocs passe à la lecture et à l'écriture des pages."""
    from mkdocs.commands import build as mkdocs_build

    populate, write = mkdocs_build._populate_page, mkdocs_build._build_page

    def _populate_page(page, config, files, dirty=False):
        state.config, state.files = config, files
        return populate(page, config, files, dirty)

    def _build_page(page, config, doc_files, nav, env, dirty=False, excluded=False):
        state.doc_files, state.nav, state.env = doc_files, nav, env
        return write(page, config, doc_files, nav, env, dirty, excluded)

    mkdocs_build._populate_page, mkdocs_build._build_page = _populate_page, _build_page
    try:
        yield state
    finally:
        mkdocs_build._populate_page, mkdocs_build._build_page = populate, write


class FullRebuild(Exception):
    """La modification touche plus qu'une page : construction complète (la raison en clair)."""


def _path_summary(hook) -> list[dict]:
    """Le parcours tel que les autres pages le montrent : tout sauf le nombre de mots, qui
    n'apparaît que sur la page elle-même."""
    return [{k: v for k, v in asdict(step).items() if k != "words"} for step in hook._steps]


class Builder:
    """Appelé par le serveur au démarrage puis à chaque modification des fichiers surveillés."""

    def __init__(
        self, config_file: Path, site_dir: str, serve_url: str, dev_addr: str, **overrides
    ) -> None:
        self.config_file = config_file
        self.overrides = overrides  # réglages de mkdocs.yml remplacés (tests : docs_dir)
        self.site_dir = site_dir
        self.serve_url = serve_url
        self.dev_addr = dev_addr
        self.state: State | None = None
        self.snapshot = Snapshot()
        self.roots: list[Path] = []
        self.last: str = ""  # « partielle » ou « complète », pour les tests et la mesure

    def load_config(self):
        from mkdocs.config import load_config

        config = load_config(
            config_file=str(self.config_file),
            site_dir=self.site_dir,
            strict=True,
            dev_addr=self.dev_addr,
            **self.overrides,
        )
        config.site_url = self.serve_url
        return config

    def startup_config(self):
        """La configuration du premier build : les extensions apprennent qu'il s'agit d'un
        serveur (on_startup), comme sous mkdocs serve."""
        config = self.load_config()
        config.plugins.on_startup(command="serve", dirty=False)
        return config

    def watched(self, config) -> list[Path]:
        roots = [Path(config.docs_dir), Path(config.config_file_path)]
        roots += [Path(item) for item in config.watch]
        return [root.resolve() for root in roots]

    def __call__(self, config=None) -> None:
        # Le serveur de MkDocs dit qu'un fichier a changé, pas lequel : l'état des fichiers
        # surveillés, relevé à chaque appel, le dit.
        current = Snapshot.of(self.roots) if self.roots else None
        modified, added_or_removed = (
            self.snapshot.changes(current) if current is not None else (set(), set())
        )
        if current is not None:
            self.snapshot = current
        if self.state is not None and (modified or added_or_removed):
            started = time.perf_counter()
            try:
                pages = self.rebuild_pages(modified, added_or_removed)
            except FullRebuild as reason:
                log.info(f"Construction complète : {reason}")
            else:
                names = ", ".join(f"docs/{p.file.src_uri}" for p in pages)
                self.last = "partielle"
                log.info(
                    f"{names} reconstruite seule en {time.perf_counter() - started:.2f} s "
                    "(le reste du site n'a pas changé)"
                )
                return
        self.full_build(config)

    def full_build(self, config=None) -> None:
        from mkdocs.commands.build import build

        if config is None:
            config = self.load_config()
        roots = self.watched(config)
        if roots != self.roots:
            self.roots, self.snapshot = roots, Snapshot.of(roots)
        self.state = None
        state = State()
        with capturing(state):
            build(config, serve_url=self.serve_url)
        self.state = state
        self.last = "complète"

    def rebuild_pages(self, modified: set[Path], added_or_removed: set[Path]) -> list:
        """Réécrit les pages dont seule la source Markdown a changé, ou lève FullRebuild."""
        from mkdocs import utils
        from mkdocs.commands.build import _build_page, _populate_page
        from mkdocs.exceptions import Abort

        state = self.state
        config, files = state.config, state.files
        if added_or_removed:
            raise FullRebuild(f"{_names(added_or_removed)} ajouté ou supprimé")
        by_path = {
            Path(f.abs_src_path).resolve(): f.page
            for f in state.doc_files
            if f.abs_src_path and f.page is not None and f.src_uri.endswith(".md")
        }
        others = {p for p in modified if p not in by_path}
        if others:
            raise FullRebuild(f"{_names(others)} modifié")
        pages = [by_path[p] for p in sorted(modified)]

        counter = utils.CountHandler()
        counter.setLevel(logging.WARNING)
        logging.getLogger("mkdocs").addHandler(counter)
        try:
            hook = config.plugins[LEARNING_PATH_HOOK]
            before = _path_summary(hook)
            hook.on_nav(state.nav, config=config, files=files)
            if _path_summary(hook) != before:
                raise FullRebuild("le parcours change (durée, titre ou prérequis d'une étape)")
            search = config.plugins[SEARCH_PLUGIN]
            for page in pages:
                title, meta = page.title, dict(page.meta)
                _populate_page(page, config, files)
                if page.title != title or dict(page.meta) != meta:
                    raise FullRebuild(
                        f"le titre ou l'en-tête YAML de docs/{page.file.src_uri} a changé"
                    )
                url = page.url
                search.search_index.entries = [
                    e
                    for e in search.search_index.entries
                    if not (e["location"] == url or e["location"].startswith(url + "#"))
                ]
                _build_page(
                    page,
                    config,
                    state.doc_files,
                    state.nav,
                    state.env,
                    excluded=page.file.inclusion.is_excluded(),
                )
            level = config.validation.links.anchors
            for file in state.doc_files:
                file.page.validate_anchor_links(files=files, log_level=level)
            search.on_post_build(config=config)
            config.plugins[SEARCH_HOOK].on_post_build(config)
            if counts := counter.get_counts():
                total = sum(v for _, v in counts)
                raise Abort(
                    f"{total} avertissement(s) en mode strict (ci-dessus) : page non rechargée, "
                    "corrigez puis enregistrez de nouveau."
                )
        finally:
            logging.getLogger("mkdocs").removeHandler(counter)
        return pages


def _names(paths_: set[Path]) -> str:
    shown = sorted(
        str(p.relative_to(paths.ROOT)) if p.is_relative_to(paths.ROOT) else str(p) for p in paths_
    )
    return ", ".join(shown[:3]) + (f" (et {len(shown) - 3} autres)" if len(shown) > 3 else "")


def _check_free(host: str, port: int) -> None:
    """Avant la construction (des secondes) : l'adresse est-elle libre ?"""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            import errno

            why = "est déjà pris" if exc.errno == errno.EADDRINUSE else "est refusé"
            raise OSError(
                f"{host}:{port} {why} ; un autre « make serve » tourne peut-être : arrêtez-le, "
                "ou choisissez un autre port : « make serve PORT=8001 »"
            ) from None


def serve(dev_addr: str, config_file: Path = CONFIG_FILE) -> int:
    from urllib.parse import urlsplit

    from mkdocs.livereload import LiveReloadServer, _serve_url

    host, _, port = dev_addr.rpartition(":")
    _check_free(host, int(port))
    site_dir = tempfile.mkdtemp(prefix="atelier_")
    builder = Builder(config_file, site_dir, "", dev_addr)
    config = builder.startup_config()
    mount_path = urlsplit(config.site_url or "/").path
    builder.serve_url = config.site_url = _serve_url(host, int(port), mount_path)
    server = LiveReloadServer(
        builder=builder,
        host=host,
        port=int(port),
        root=site_dir,
        mount_path=mount_path,
        polling_interval=POLLING_INTERVAL,
    )

    def error_page(code: int) -> bytes | None:
        page = Path(site_dir, f"{code}.html")
        return page.read_bytes() if code in (404, 500) and page.is_file() else None

    server.error_handler = error_page
    try:
        builder(config)
        for root in builder.roots:
            server.watch(str(root))
        server = config.plugins.on_serve(server, config=config, builder=builder)
        try:
            server.serve()
        except KeyboardInterrupt:
            log.info("Arrêt du serveur.")
        finally:
            server.shutdown()
    finally:
        config.plugins.on_shutdown()
        shutil.rmtree(site_dir, ignore_errors=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.serve",
        description="Sert le site avec rechargement ; une page dont seule la prose change est "
        "reconstruite seule.",
    )
    parser.add_argument("-a", "--dev-addr", default="127.0.0.1:8000", help="HÔTE:PORT")
    args = parser.parse_args(argv)
    host, sep, port = args.dev_addr.rpartition(":")
    if not sep or not host or not port.isdigit():
        print(
            f"Erreur : adresse « {args.dev_addr} » invalide (attendu HÔTE:PORT).", file=sys.stderr
        )
        return 2
    from mkdocs.exceptions import Abort

    _configure_logging()
    try:
        return serve(args.dev_addr)
    except Abort as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"Erreur : {exc}.", file=sys.stderr)
        return 1


def _configure_logging() -> None:
    """Le journal de ``mkdocs serve`` : « INFO    -  message » sur la sortie d'erreur."""
    from mkdocs.__main__ import State

    # State retire son gestionnaire quand il disparaît : on le garde pour toute la session.
    _logging.append(State())


_logging: list = []


if __name__ == "__main__":
    sys.exit(main())
