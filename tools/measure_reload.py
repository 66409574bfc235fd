"""Mesure, sous le serveur de ``make serve`` (tools/serve.py), le temps entre l'écriture d'une
page Markdown et son rechargement dans le navigateur (``make mesure-rechargement``).

Le serveur est lancé comme par ``make serve`` (site entier, mode strict, rechargement
automatique ; une page dont seule la prose change est reconstruite seule), sur un port libre ;
Chromium ouvre la page ; on ajoute à sa source une phrase qui porte un jeton unique et l'on
chronomètre, de la fin de l'écriture du fichier jusqu'à ce que la page rechargée par le
navigateur montre ce jeton. La source est remise telle quelle à la fin, même en cas d'erreur.
``--apercu`` mesure de même sous ``make apercu`` (ATELIER_APERCU=1).
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tools import browser, paths

DEFAULT_PAGE = "docs/deep-learning.md"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_served(url: str, process: subprocess.Popen, timeout: float) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if process.poll() is not None:
            raise RuntimeError("le serveur s'est arrêté avant de servir le site.")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return time.perf_counter() - started
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"le site n'est pas servi après {timeout:.0f} s.")


def measure(page_source: Path, repeats: int, python: str, preview: bool, timeout: float) -> dict:
    from playwright.sync_api import sync_playwright

    port = free_port()
    relative = page_source.relative_to(paths.DOCS).with_suffix("")
    url = f"http://127.0.0.1:{port}/{'' if relative.name == 'index' else f'{relative}/'}"
    env = paths.child_env()
    if preview:
        env[paths.PREVIEW_ENV] = "1"
    command = [python, "-m", "tools.serve"]
    journal = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
    server = subprocess.Popen(
        [*command, "-a", f"127.0.0.1:{port}"],
        cwd=paths.ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=journal,
        text=True,
        start_new_session=True,
    )
    original = page_source.read_text(encoding="utf-8")
    reloads = []
    try:
        first = wait_until_served(url, server, timeout)
        with sync_playwright() as p:
            chromium = p.chromium.launch(executable_path=browser.chromium_path())
            page = chromium.new_page()
            page.goto(url)
            for i in range(repeats):
                token = f"jeton{os.getpid()}x{i}"
                text = f"{original.rstrip()}\n\nPhrase de mesure du rechargement {token}.\n"
                page_source.write_text(text, encoding="utf-8")
                written = time.perf_counter()
                page.wait_for_selector(f"text={token}", timeout=timeout * 1000)
                reloads.append(time.perf_counter() - written)
                time.sleep(1.0)  # laisse le serveur au repos entre deux mesures
            chromium.close()
    finally:
        page_source.write_text(original, encoding="utf-8")
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        journal.seek(0)
        log = journal.read()
        journal.close()
    # Ce que le serveur a fait à chaque enregistrement : page seule, ou construction complète
    # (avec sa raison).
    rebuilds = [
        line.split("-  ", 1)[-1].strip()
        for line in log.splitlines()
        if "reconstruite seule" in line or "Construction complète" in line
    ]
    return {"first_serve": first, "reloads": reloads, "rebuilds": rebuilds}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.measure_reload",
        description="Temps entre l'écriture d'une page et son rechargement (make serve).",
    )
    parser.add_argument("page", nargs="?", default=DEFAULT_PAGE, help="page de docs/ à modifier")
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--apercu", action="store_true", help="sous make apercu (ATELIER_APERCU)")
    parser.add_argument("--python", default=sys.executable, help="Python qui lance mkdocs")
    parser.add_argument("--delai", type=float, default=900.0, help="délai maximal, en secondes")
    args = parser.parse_args(argv)
    source = (paths.ROOT / args.page).resolve()
    if not source.is_file() or source.suffix != ".md" or not source.is_relative_to(paths.DOCS):
        print(f"Erreur : {args.page} n'est pas une page Markdown de docs/.", file=sys.stderr)
        return 2
    try:
        result = measure(source, args.repetitions, args.python, args.apercu, args.delai)
    except (RuntimeError, browser.BrowserNotFound) as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    reloads = ", ".join(f"{r:.2f} s" for r in result["reloads"])
    print(f"Site servi après {result['first_serve']:.1f} s.")
    print(
        f"Écriture de {args.page} → page rechargée : {reloads} "
        f"(médiane {statistics.median(result['reloads']):.2f} s)."
    )
    for line in result["rebuilds"]:
        print(f"  serveur : {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
