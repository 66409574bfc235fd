"""Exécution des blocs Python des pages de cours (docs/*.md), avec cache et sans échec silencieux.

Chaque bloc ```` ```python ```` d'une page est exécuté au moment de la construction, y compris
dans un onglet (``=== "PyTorch"``) ou une admonition :

* l'unité d'exécution est la page : tous ses blocs s'exécutent dans l'ordre, dans un même
  processus Python neuf (les variables d'un bloc restent visibles dans les suivants) dont le
  dossier courant est temporaire ;
* ce que chaque bloc imprime est affiché juste après lui, dans un bloc « Sortie » de même
  indentation ; un bloc qui n'imprime rien n'ajoute rien ;
* un bloc qui lève une exception fait échouer la construction, en nommant la page, le numéro du
  bloc, la ligne dans le fichier Markdown et l'erreur ;
* le résultat est mis en cache dans ``build/pages-cache/`` sous une clé qui ne dépend que du code
  des blocs, des dépendances épinglées et des données : modifier la prose ne ré-exécute rien ;
* un bloc marqué ```` ```python {.sans-execution} ```` est affiché sans être exécuté.

Utilisé par le crochet MkDocs ``tools/hooks/concept_pages.py`` et par ``tests/test_docs_code.py``.
``python -m tools.docs_exec [page.md …] [--force]`` exécute les pages à la main.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tools import paths, storage

ROOT, DOCS = paths.ROOT, paths.DOCS
CACHE = paths.BUILD / "pages-cache"
# À incrémenter quand la manière d'exécuter ou de rendre les blocs change (invalide le cache).
EXEC_VERSION = "1"
TIMEOUT = int(os.environ.get("ATELIER_PAGE_TIMEOUT", "600"))
LANGUAGES = {"python", "py", "python3"}
OPT_OUT = "sans-execution"
OUTPUT_TITLE = "Sortie"
OUTPUT_CLASS = "atelier-sortie"
FENCE_RE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n]*?)[ \t]*$")


class PageCodeError(Exception):
    """Échec d'un bloc de code d'une page, avec un message français qui le nomme."""


@dataclass
class Block:
    """Un bloc de code délimité d'une page Markdown."""

    number: int  # rang parmi les blocs exécutés de la page (1, 2, …)
    start: int  # ligne de la clôture ouvrante (numérotée à partir de 1)
    end: int  # ligne de la clôture fermante
    indent: str
    code: str


def _language(info: str) -> tuple[str, list[str]]:
    """Langage et classes d'une ouverture : ``python``, ``python {.x}``, ``{.python .x}``."""
    info = info.strip()
    classes: list[str] = []
    lang = ""
    if info and not info.startswith("{"):
        lang = re.split(r"[\s{]", info, maxsplit=1)[0].lstrip(".")
        info = info[len(lang) :].strip()
    if info.startswith("{"):
        classes = re.findall(r"\.([\w-]+)", info.split("}", 1)[0])
        if not lang and classes:
            lang = classes.pop(0)
    return lang.lower(), classes


def fenced_blocks(text: str) -> list[tuple[int, int, str, str, str]]:
    """Tous les blocs délimités : (début, fin, indentation, ligne d'info, code désindenté).

    Un bloc non refermé s'étend jusqu'à la fin du texte, comme dans Python-Markdown.
    """
    lines = text.splitlines()
    blocks = []
    i = 0
    while i < len(lines):
        m = FENCE_RE.match(lines[i])
        if not m or (m["fence"][0] == "`" and "`" in m["info"]):
            i += 1
            continue
        indent, fence, info = m["indent"], m["fence"], m["info"]
        closing = re.compile(rf"^[ \t]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        body = []
        j = i + 1
        while j < len(lines) and not closing.match(lines[j]):
            line = lines[j]
            body.append(line[len(indent) :] if line.startswith(indent) else line.lstrip())
            j += 1
        # Ligne de la clôture fermante (la dernière ligne du texte si le bloc n'est pas refermé).
        blocks.append((i + 1, j + 1 if j < len(lines) else len(lines), indent, info, body))
        i = j + 1
    return [(s, e, ind, info, "\n".join(body) + "\n") for s, e, ind, info, body in blocks]


def extract_blocks(text: str) -> list[Block]:
    """Les blocs Python à exécuter, dans l'ordre de la page."""
    found = []
    for start, end, indent, info, code in fenced_blocks(text):
        lang, classes = _language(info)
        if lang in LANGUAGES and OPT_OUT not in classes:
            found.append(Block(len(found) + 1, start, end, indent, code))
    return found


def cache_key(blocks: list[Block]) -> str:
    """Le code des blocs seulement : modifier la prose de la page ne ré-exécute rien."""
    fingerprints = [paths.dependencies_fingerprint(), paths.data_fingerprint()]
    return paths.cache_key(EXEC_VERSION, fingerprints, [block.code for block in blocks])


# Le programme qui exécute les blocs d'une page dans un processus neuf. Il écrit ses résultats
# dans un fichier JSON : ce que les blocs impriment ne peut pas s'y mêler.
DRIVER = r"""
import contextlib, io, json, sys, traceback

with open(sys.argv[1], encoding="utf-8") as f:
    blocks = json.load(f)
namespace = {"__name__": "__main__"}
results = []
for number, code in enumerate(blocks, 1):
    name = f"<bloc {number}>"
    buffer = io.StringIO()
    try:
        compiled = compile(code, name, "exec")
        with contextlib.redirect_stdout(buffer):
            exec(compiled, namespace)
    except BaseException as exc:
        frames = traceback.extract_tb(exc.__traceback__)
        line = next((f.lineno for f in reversed(frames) if f.filename == name), None)
        if isinstance(exc, SyntaxError) and exc.filename == name:
            line = exc.lineno
        results.append({
            "stdout": buffer.getvalue(),
            "error": "".join(traceback.format_exception_only(exc)).strip(),
            "line": line,
            # sans le cadre de ce programme : la trace commence dans le bloc
            "trace": "".join(traceback.format_exception(
                type(exc), exc, exc.__traceback__.tb_next or exc.__traceback__
            )[-8:]),
        })
        break
    results.append({"stdout": buffer.getvalue()})
with open(sys.argv[2], "w", encoding="utf-8") as f:
    json.dump(results, f, ensure_ascii=False)
"""


def environment() -> dict[str, str]:
    """L'environnement des blocs (et des scripts de figure) : données de build/, MPLBACKEND=Agg."""
    return paths.child_env()


def run_blocks(blocks: list[Block], label: str, timeout: int = TIMEOUT) -> list[str]:
    """Exécute les blocs dans un processus neuf ; renvoie ce que chacun a imprimé."""
    if not blocks:
        return []
    with tempfile.TemporaryDirectory(prefix="atelier-page-") as tmp:
        source, result = Path(tmp) / "blocs.json", Path(tmp) / "resultats.json"
        source.write_text(json.dumps([b.code for b in blocks]), encoding="utf-8")
        work = Path(tmp) / "travail"
        work.mkdir()
        try:
            proc = subprocess.run(
                [sys.executable, "-c", DRIVER, str(source), str(result)],
                cwd=work,
                env=environment(),
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise PageCodeError(
                f"Les blocs de code de {label} ont dépassé le délai de {timeout} s."
            ) from None
        if not result.is_file():
            raise PageCodeError(
                f"Les blocs de code de {label} n'ont pas pu s'exécuter (code de sortie "
                f"{proc.returncode}) :\n{proc.stderr[-3000:]}"
            )
        results = json.loads(result.read_text(encoding="utf-8"))
    last = results[-1]
    if "error" in last:
        block = blocks[len(results) - 1]
        where = f"bloc {block.number}"
        if last["line"]:
            where += f", ligne {block.start + last['line']} de {label}"
        else:
            where += f" (ligne {block.start} de {label})"
        raise PageCodeError(
            f"Un bloc de code de {label} a échoué ({where}) : {last['error']}\n"
            f"--- code du bloc ---\n{block.code.strip()[:800]}\n"
            f"--- fin de la trace ---\n{last['trace'].strip()}"
        )
    return [r["stdout"] for r in results]


def outputs_for(
    blocks: list[Block], label: str, *, cache: Path = CACHE, force: bool = False, log=None
) -> tuple[list[str], bool]:
    """Les sorties des blocs, depuis le cache si leur code n'a pas changé ; (sorties, en_cache)."""
    if not blocks:
        return [], True
    path = cache / f"{cache_key(blocks)}.json"
    if not force and path.is_file():
        try:
            outputs = json.loads(path.read_text(encoding="utf-8"))["outputs"]
            if isinstance(outputs, list) and len(outputs) == len(blocks):
                return outputs, True
        except (OSError, ValueError, KeyError, TypeError):
            pass
        # Entrée tronquée ou illisible : un simple défaut de cache, signalé en la nommant.
        storage.warn(f"entrée de cache ignorée, la page sera ré-exécutée : {path}.")
    if paths.preview_mode():
        raise PageCodeError(paths.needs_full_environment(f"des blocs de code de la page {label}"))
    started = time.perf_counter()
    outputs = run_blocks(blocks, label)
    seconds = time.perf_counter() - started
    record = {"page": label, "seconds": round(seconds, 2), "outputs": outputs}
    storage.atomic_write(path, json.dumps(record, indent=1, ensure_ascii=False))
    if log:
        log(f"{label} : {len(blocks)} bloc(s) de code exécuté(s) en {seconds:.1f} s")
    return outputs, False


def output_block(output: str, indent: str) -> list[str]:
    """Le bloc « Sortie » affiché sous un bloc de code (vide si le bloc n'imprime rien)."""
    text = output.rstrip()
    if not text.strip():
        return []
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    body = [f"{indent}{line}".rstrip() for line in text.splitlines()]
    opening = f'{indent}{fence}{{.text .{OUTPUT_CLASS} title="{OUTPUT_TITLE}"}}'
    return ["", opening, *body, f"{indent}{fence}"]


def render(text: str, blocks: list[Block], outputs: list[str]) -> str:
    """Le Markdown de la page, avec la sortie de chaque bloc insérée juste après lui."""
    lines = text.splitlines()
    for block, output in sorted(zip(blocks, outputs, strict=True), key=lambda p: -p[0].end):
        lines[block.end : block.end] = output_block(output, block.indent)
    return "\n".join(lines) + ("\n" if text.endswith("\n") else "")


def process(text: str, label: str, *, line_offset: int = 0, log=None, **kw) -> str:
    """Exécute (ou reprend du cache) les blocs d'une page ; renvoie le Markdown avec sorties.

    ``line_offset`` : lignes retirées avant ``text`` (en-tête YAML), pour nommer la bonne ligne.
    """
    blocks = extract_blocks(text)
    if not blocks:
        return text
    shifted = [
        Block(b.number, b.start + line_offset, b.end + line_offset, b.indent, b.code)
        for b in blocks
    ]
    outputs, _ = outputs_for(shifted, label, log=log, **kw)
    return render(text, blocks, outputs)


def pages(folder: Path = DOCS) -> list[Path]:
    return sorted(folder.rglob("*.md"))


def prefill(paths_: list[Path], workers: int, *, cache: Path = CACHE, log=None) -> list[str]:
    """Exécute en même temps, sur ``workers`` processus, les blocs des pages absentes du cache
    (une construction propre : neuf pages, dont chacune passe des secondes à importer PyTorch ou
    TensorFlow). Les pages sont ensuite lues dans le cache. Une page qui échoue est laissée à
    MkDocs, qui la ré-exécute et nomme la page, le bloc et la ligne ; renvoie ces pages."""
    from concurrent.futures import ThreadPoolExecutor

    todo = []
    for path in paths_:
        blocks = extract_blocks(path.read_text(encoding="utf-8"))
        if blocks and not (cache / f"{cache_key(blocks)}.json").is_file():
            todo.append((path, blocks))
    if workers < 2 or len(todo) < 2 or paths.preview_mode():
        return []

    def run(item: tuple[Path, list[Block]]) -> str | None:
        path, blocks = item
        label = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
        try:
            outputs_for(blocks, label, cache=cache, log=log)
        except PageCodeError:
            return label
        return None

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return [label for label in pool.map(run, todo) if label]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.docs_exec",
        description="Exécute les blocs Python des pages de cours (avec cache).",
    )
    parser.add_argument("pages", nargs="*", type=Path, help="pages .md (défaut : toutes)")
    parser.add_argument("--force", action="store_true", help="ignorer le cache")
    args = parser.parse_args(argv)
    status = 0
    for path in args.pages or pages():
        full = path.resolve()
        label = str(full.relative_to(ROOT)) if full.is_relative_to(ROOT) else str(path)
        blocks = extract_blocks(path.read_text(encoding="utf-8"))
        try:
            outputs, cached = outputs_for(blocks, label, force=args.force)
        except PageCodeError as exc:
            print(f"Erreur : {exc}", file=sys.stderr)
            status = 1
            continue
        state = "en cache" if cached else "exécutée"
        printed = sum(bool(o.strip()) for o in outputs)
        print(f"{label} : {len(blocks)} bloc(s), {printed} sortie(s), {state}")
    return status


if __name__ == "__main__":
    sys.exit(main())
