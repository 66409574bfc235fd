"""Le code commun de l'atelier d'expériences : écrit une seule fois, inséré par la construction.

Les tutoriels de l'atelier (10 à 15) partagent leurs cellules de mise en place et de mesure.
Elles sont écrites une seule fois, dans ``tutorials/atelier_commun.py`` (jupytext py:percent,
sans en-tête : ce n'est pas un tutoriel). La source d'un tutoriel les appelle par une cellule
marqueur :

    # %% atelier: commun          toutes les cellules du code commun, dans l'ordre ;
    # %% atelier: commun 2/5      la cellule 2 seulement, des 5 du code commun.

Une cellule marqueur ne contient que des commentaires, destinés au lecteur de la source : elle
est remplacée, commentaires compris, par les cellules demandées. :func:`standalone` rend le
tutoriel complet ainsi obtenu, qui s'exécute seul. C'est lui que lit tools/execute.py (le
notebook exécuté et sa clé de cache contiennent donc le code commun : le modifier ré-exécute
tout l'atelier) et lui que le site propose au téléchargement (.py). Chaque ligne garde son
origine (fichier, ligne) pour les messages d'erreur.

Les lignes vides qui suivent une cellule marqueur sont celles qui suivent la dernière cellule
insérée : le tutoriel complet reste formaté comme ruff le demande.

    python -m tools.shared_code NN_slug     affiche le tutoriel complet
    python -m tools.shared_code --lint      ruff (vérification et formatage) sur les tutoriels
                                            complets qui appellent le code commun
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

COMMON_NAME = "atelier_commun.py"
CELL_START = "# %%"
MARKER_RE = re.compile(r"^# %% atelier:(.*)$")
SPEC_RE = re.compile(r"^commun(?: (\d+)/(\d+))?$")
EXPECTED = "« # %% atelier: commun » ou « # %% atelier: commun K/N »"


class SharedCodeError(Exception):
    """Code commun introuvable ou mal appelé, avec un message français qui dit où."""


@dataclass
class Standalone:
    """Un tutoriel complet : son texte et, pour chaque ligne, (fichier, numéro de ligne)."""

    text: str
    origins: list[tuple[str, int]]

    def origin(self, line: int) -> tuple[str, int]:
        """L'origine de la ligne ``line`` (comptée à partir de 1) du texte complet."""
        return self.origins[line - 1]


def _chunks(lines: list[str]) -> tuple[list[str], list[tuple[int, int]]]:
    """(lignes avant la première cellule, [(début, fin) de chaque cellule])."""
    starts = [i for i, line in enumerate(lines) if line.startswith(CELL_START)]
    ends = [*starts[1:], len(lines)] if starts else []
    bounds = list(zip(starts, ends, strict=True))
    return lines[: starts[0] if starts else len(lines)], bounds


def _split_tail(lines: list[str]) -> tuple[list[str], list[str]]:
    """(lignes de la cellule, lignes vides qui la terminent)."""
    end = len(lines)
    while end > 1 and not lines[end - 1].strip():
        end -= 1
    return lines[:end], lines[end:]


def _line(text: str) -> str:
    return text if text.endswith("\n") else text + "\n"


def common_path(tutorial: Path) -> Path:
    """Le fichier de code commun, à côté des sources de tutoriels."""
    return tutorial.parent / COMMON_NAME


@dataclass
class CommonCode:
    """Les cellules du code commun : leurs lignes (lignes vides finales comprises) et la ligne
    de leur « # %% » dans le fichier."""

    path: Path
    cells: list[list[str]]
    first_lines: list[int]


def read_common(path: Path) -> CommonCode:
    """Lit le code commun ; les lignes d'avant sa première cellule (sa présentation) ne sont
    jamais insérées."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    except FileNotFoundError:
        raise SharedCodeError(f"le code commun {path.name} est introuvable") from None
    _, bounds = _chunks(lines)
    for start, _ in bounds:
        if MARKER_RE.match(lines[start].rstrip("\n")):
            raise SharedCodeError(
                f"ligne {start + 1} de {path.name} : le code commun ne peut pas appeler "
                "lui-même le code commun"
            )
    if not bounds:
        raise SharedCodeError(f"{path.name} ne contient aucune cellule « # %% »")
    return CommonCode(
        path, [lines[start:end] for start, end in bounds], [start + 1 for start, _ in bounds]
    )


def marker_cells(text: str, name: str) -> list[tuple[int, list[int] | None, int | None]]:
    """Les cellules marqueurs d'une source : (ligne, cellules demandées ou None pour toutes,
    nombre de cellules annoncé ou None)."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        m = MARKER_RE.match(line)
        if not m:
            continue
        spec = SPEC_RE.match(m.group(1).strip())
        if spec is None or m.group(1)[:1] != " ":
            raise SharedCodeError(
                f"ligne {number} de {name} : marqueur « {line.strip()} » inconnu "
                f"(attendu : {EXPECTED})"
            )
        if spec.group(1) is None:
            found.append((number, None, None))
        else:
            found.append((number, [int(spec.group(1))], int(spec.group(2))))
    return found


def standalone(path: Path) -> Standalone:
    """Le tutoriel ``path`` complet : chaque cellule marqueur remplacée par le code commun.

    Une source sans marqueur est rendue telle quelle (sans lire le code commun).
    """
    text = path.read_text(encoding="utf-8")
    markers = {number: (cells, total) for number, cells, total in marker_cells(text, path.name)}
    lines = text.splitlines(keepends=True)
    origins = [(path.name, n) for n in range(1, len(lines) + 1)]
    if not markers:
        return Standalone(text, origins)
    common = read_common(common_path(path))
    cells = common.cells
    head, bounds = _chunks(lines)
    out, where = list(head), origins[: len(head)]
    for start, end in bounds:
        if start + 1 not in markers:
            out += lines[start:end]
            where += origins[start:end]
            continue
        wanted, total = markers[start + 1]
        body, tail = _split_tail(lines[start:end])
        for offset, line in enumerate(body[1:], start + 2):
            if line.strip() and not line.lstrip().startswith("#"):
                raise SharedCodeError(
                    f"ligne {offset} de {path.name} : une cellule « # %% atelier: commun » "
                    "ne contient que des commentaires (son code serait remplacé par le code commun)"
                )
        if total is not None and total != len(cells):
            raise SharedCodeError(
                f"ligne {start + 1} de {path.name} : le marqueur annonce {total} cellules de "
                f"code commun, {common.path.name} en compte {len(cells)}"
            )
        wanted = wanted or list(range(1, len(cells) + 1))
        if not all(1 <= k <= len(cells) for k in wanted):
            raise SharedCodeError(
                f"ligne {start + 1} de {path.name} : {common.path.name} n'a pas de cellule "
                f"{wanted[0]} (il en compte {len(cells)})"
            )
        for position, k in enumerate(wanted):
            cell = cells[k - 1]
            if position == len(wanted) - 1:
                cell = _split_tail(cell)[0]
            out += [_line(line) for line in cell]
            where += [(common.path.name, common.first_lines[k - 1] + i) for i in range(len(cell))]
        out += tail
        where += origins[end - len(tail) : end]
    if out and not text.endswith("\n"):
        out[-1] = out[-1].rstrip("\n")
    return Standalone("".join(out), where)


def included_cells(path: Path) -> list[int]:
    """Les cellules du code commun qu'appelle la source ``path``, dans l'ordre."""
    text = path.read_text(encoding="utf-8")
    found = []
    for _, wanted, _ in marker_cells(text, path.name):
        found += wanted or list(range(1, len(read_common(common_path(path)).cells) + 1))
    return found


def _body(cell: list[str]) -> str:
    """Le code d'une cellule, sans sa ligne « # %% » ni ses lignes vides."""
    return "".join(cell[1:]).strip()


def coverage_problems(path: Path) -> list[str]:
    """Ce qu'il manque à un tutoriel de l'atelier : chaque cellule du code commun appelée une
    fois, dans l'ordre, et aucune recopiée à la main dans la source."""
    common = read_common(common_path(path))
    expected = list(range(1, len(common.cells) + 1))
    problems = []
    included = included_cells(path)
    if included != expected:
        problems.append(
            f"{path.name} appelle les cellules {included or 'aucune'} du code commun au lieu "
            f"de {expected} dans l'ordre (cellule « # %% atelier: commun »)"
        )
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    shared = {_body(cell): k for k, cell in enumerate(common.cells, 1)}
    for start, end in _chunks(lines)[1]:
        k = shared.get(_body(lines[start:end]))
        if k is not None:
            problems.append(
                f"ligne {start + 1} de {path.name} : copie de la cellule {k} du code commun ; "
                "appelez-la par une cellule « # %% atelier: commun » au lieu de la recopier"
            )
    return problems


# --- ruff sur les tutoriels complets ------------------------------------------------------------

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
# Dans la source, les noms définis par le code commun sont inconnus de ruff : pyproject.toml y
# tolère F821 (nom indéfini). Le tutoriel complet, lui, est vérifié sans cette exception.
RUFF_CONFIG = ["--config", str(PYPROJECT), "--config", "lint.per-file-ignores = {}"]


def lint(path: Path) -> list[str]:
    """Les remarques de ruff (vérification et formatage) sur le tutoriel complet, chacune
    rapportée au fichier et à la ligne d'où vient le code (source ou code commun)."""
    import json

    full = standalone(path)
    name = f"{path.stem}.complet.py"
    check = subprocess.run(
        [sys.executable, "-m", "ruff", "check", *RUFF_CONFIG, "--output-format", "json"]
        + ["--stdin-filename", name, "-"],
        input=full.text,
        capture_output=True,
        text=True,
        cwd=path.parent,
    )
    try:
        found = json.loads(check.stdout or "[]")
    except ValueError:
        return [f"{path.name} : ruff n'a pas pu vérifier le tutoriel complet : {check.stderr}"]
    messages = []
    for item in found:
        file, line = full.origin(item["location"]["row"])
        messages.append(f"{file}:{line}: {item['code']} {item['message']} ({path.stem} complet)")
    form = subprocess.run(
        [sys.executable, "-m", "ruff", "format", *RUFF_CONFIG, "--diff"]
        + ["--stdin-filename", name, "-"],
        input=full.text,
        capture_output=True,
        text=True,
        cwd=path.parent,
    )
    if form.returncode != 0:
        messages.append(
            f"{path.name} : le tutoriel complet n'est pas formaté comme ruff le demande "
            f"(souvent les lignes vides après une cellule « # %% atelier: commun ») :\n"
            + (form.stdout or form.stderr).strip()
        )
    return messages


def main(argv: list[str] | None = None) -> int:
    from tools import execute  # import tardif : tools/execute.py importe ce module

    parser = argparse.ArgumentParser(
        prog="python -m tools.shared_code",
        description="Tutoriels de l'atelier complets : le code commun inséré à la place "
        "de chaque cellule « # %% atelier: commun ».",
    )
    parser.add_argument("noms", nargs="*", help="tutoriel(s) à afficher complets")
    parser.add_argument(
        "--lint", action="store_true", help="ruff sur chaque tutoriel complet qui appelle le code"
    )
    parser.add_argument("--tutorials", type=Path, default=execute.TUTORIALS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if not args.noms and not args.lint:
        parser.error("nommez un tutoriel, ou demandez --lint")
    try:
        paths = execute.discover(args.noms or None, args.tutorials)
        if not args.lint:
            for path in paths:
                sys.stdout.write(standalone(path).text)
            return 0
        messages, checked = [], 0
        for path in paths:
            if marker_cells(path.read_text(encoding="utf-8"), path.name):
                checked += 1
                messages += lint(path)
    except (SharedCodeError, execute.TutorialError) as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    for message in messages:
        print(message)
    print(f"{checked} tutoriel(s) complet(s) vérifié(s), {len(messages)} remarque(s).")
    return 1 if messages else 0


if __name__ == "__main__":
    sys.exit(main())
