"""Figures des pages de cours, produites par du code au moment de la construction.

Chaque script ``docs/figures/NOM.py`` reçoit en argument le dossier de sortie et y écrit
``NOM.svg`` ou ``NOM.png`` et, s'il le souhaite, ``NOM.md`` : un petit extrait Markdown avec les
nombres mesurés, qu'une page inclut par ``--8<-- "build/figures/NOM.md"``. Il peut écrire aussi
``NOM-etroit.svg`` (ou ``.png``) : la même figure dessinée pour un téléphone (texte d'au moins
10 px sur un écran de 390 px), que la page propose sous 720 px de large (tools/images.py).

* Les scripts s'exécutent dans un processus neuf (dossier courant temporaire, MPLBACKEND=Agg).
* Le cache ne dépend que du texte du script et des dépendances épinglées : un script inchangé
  n'est pas relancé (``build/figures/NOM.cle`` garde sa clé).
* Un script qui échoue, ou qui n'écrit pas son image, fait échouer la construction en le nommant.

Le crochet ``tools/hooks/concept_pages.py`` publie les images sous ``figures/`` sur le site ; une
page les affiche avec ``![texte alternatif](figures/NOM.svg)``.
``python -m tools.figures [NOM …] [--force]`` produit les figures à la main.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tools import paths, storage

ROOT = paths.ROOT
SOURCES = paths.DOCS / "figures"
OUT = paths.BUILD / "figures"
# À incrémenter quand la manière de produire les figures change (invalide le cache).
FIGURES_VERSION = "1"
IMAGE_SUFFIXES = (".svg", ".png")
# La variante étroite d'une figure (pour un téléphone) : NOM-etroit.svg ou NOM-etroit.png.
NARROW = "-etroit"
TIMEOUT = int(os.environ.get("ATELIER_FIGURE_TIMEOUT", "300"))


class FigureError(Exception):
    """Échec d'un script de figure, avec un message français qui le nomme."""


def scripts(folder: Path = SOURCES) -> list[Path]:
    return sorted(p for p in folder.glob("*.py") if not p.name.startswith("_"))


def cache_key(script: Path) -> str:
    """Le texte du script et les dépendances : un script inchangé n'est pas relancé."""
    fingerprints = [paths.dependencies_fingerprint()]
    return paths.cache_key(FIGURES_VERSION, fingerprints, [script.read_text("utf-8")])


def outputs(name: str) -> list[str]:
    """Les noms des fichiers qu'un script de figure peut écrire."""
    variants = [f"{name}{s}" for s in IMAGE_SUFFIXES]
    return [*variants, *(f"{name}{NARROW}{s}" for s in IMAGE_SUFFIXES), f"{name}.md"]


def produced(name: str, out: Path = OUT) -> list[Path]:
    """Les fichiers d'une figure déjà produits : image(s), variante étroite, extrait Markdown."""
    return [out / n for n in outputs(name) if (out / n).is_file()]


def images(out: Path = OUT, folder: Path = SOURCES) -> list[Path]:
    """Les images à publier : celles des scripts présents (pas celles d'un script supprimé)."""
    return [p for s in scripts(folder) for p in produced(s.stem, out) if p.suffix != ".md"]


def build_one(script: Path, *, out: Path = OUT, force: bool = False) -> bool:
    """Produit une figure si son script a changé ; renvoie True si le script a tourné."""
    name = script.stem
    key = cache_key(script)
    stamp = out / f"{name}.cle"
    has_image = any(p.suffix in IMAGE_SUFFIXES for p in produced(name, out))
    if not force and has_image and stamp.is_file() and stamp.read_text() == key:
        return False
    if paths.preview_mode():
        raise FigureError(paths.needs_full_environment(f"de la figure docs/figures/{script.name}"))
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f"atelier-figure-{name}-") as tmp:
        target = Path(tmp) / "sortie"
        target.mkdir()
        try:
            proc = subprocess.run(
                [sys.executable, str(script), str(target)],
                cwd=tmp,
                env=paths.child_env(),
                capture_output=True,
                text=True,
                timeout=TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise FigureError(
                f"La figure {script.name} a dépassé le délai de {TIMEOUT} s."
            ) from None
        if proc.returncode != 0:
            raise FigureError(
                f"Le script de figure docs/figures/{script.name} a échoué (code "
                f"{proc.returncode}) :\n{proc.stderr.strip()[-3000:]}"
            )
        made = [target / f"{name}{s}" for s in IMAGE_SUFFIXES if (target / f"{name}{s}").is_file()]
        if not made:
            written = ", ".join(sorted(p.name for p in target.iterdir())) or "rien"
            raise FigureError(
                f"Le script docs/figures/{script.name} n'a écrit ni {name}.svg ni {name}.png "
                f"dans le dossier reçu en argument (il a écrit : {written})."
            )
        for old in produced(name, out):
            old.unlink()
        for output in outputs(name):
            made_file = target / output
            if made_file.is_file():
                # Écriture atomique : une construction voisine ne lit jamais un fichier à moitié.
                storage.atomic_write(out / output, made_file.read_bytes())
    storage.atomic_write(stamp, key)
    return True


def build_all(*, out: Path = OUT, folder: Path = SOURCES, force: bool = False, log=print) -> None:
    failures = []
    for script in scripts(folder):
        started = time.perf_counter()
        try:
            ran = build_one(script, out=out, force=force)
        except FigureError as exc:
            failures.append(str(exc))
            continue
        if ran:
            log(f"figure {script.stem} produite en {time.perf_counter() - started:.1f} s")
    if failures:
        raise FigureError("\n\n".join(failures))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.figures", description="Produit les figures des pages (avec cache)."
    )
    parser.add_argument(
        "names", nargs="*", metavar="noms", help="figures à produire (défaut : toutes)"
    )
    parser.add_argument("--force", action="store_true", help="ignorer le cache")
    args = parser.parse_args(argv)
    try:
        for script in scripts():
            if not args.names or script.stem in args.names:
                build_one(script, force=args.force)
                print(f"{script.stem} : {', '.join(p.name for p in produced(script.stem))}")
    except FigureError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
