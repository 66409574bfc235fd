"""Outils partagés des tests."""

from __future__ import annotations

import functools
import gzip
import hashlib
import os
import struct
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pytest

# PyTorch (et son compilateur, torch._dynamo) avant TensorFlow dans un même processus : dans
# l'ordre inverse, le chargement de triton plante (erreur de segmentation) avec ces versions.
import torch._dynamo  # noqa: F401

from tools import paths

ROOT = paths.ROOT
PYTHON = sys.executable


def idx_bytes(kind: str, count: int, *, seed: int = 0, magic: int | None = None) -> bytes:
    """Un petit fichier idx (format de MNIST) fabriqué par les tests."""
    rng = np.random.default_rng(seed)
    if kind == "images":
        header = struct.pack(">IIII", magic or 2051, count, 28, 28)
        body = rng.integers(0, 256, size=count * 28 * 28, dtype=np.uint8).tobytes()
    else:
        header = struct.pack(">II", magic or 2049, count)
        body = rng.integers(0, 10, size=count, dtype=np.uint8).tobytes()
    return header + body


@pytest.fixture
def synthetic_dataset(tmp_path, monkeypatch):
    """Quatre fichiers idx .gz synthétiques et les SPECS correspondantes."""
    from tools import data

    folder = tmp_path / "source"
    folder.mkdir()
    specs = {}
    sizes = {"train": 12, "t10k": 5}
    for name in data.SPECS:
        split, kind = name.split("-")[0], name.split("-")[1]
        content = idx_bytes(kind, sizes[split], seed=len(specs))
        (folder / f"{name}.gz").write_bytes(gzip.compress(content))
        magic = 2051 if kind == "images" else 2049
        specs[name] = data.Spec(magic, sizes[split], hashlib.sha256(content).hexdigest())
    monkeypatch.setattr(data, "SPECS", specs)
    return folder, specs


def survivors(marker: str) -> list[str]:
    """Processus encore en vie qui portent la marque du test (ATELIER_TEST_MARKER) dans leur
    environnement : ce qu'une panne ou une interruption ne doit jamais laisser derrière elle."""
    import psutil

    found = []
    for process in psutil.process_iter(["pid", "status"]):
        try:
            if process.info["status"] == psutil.STATUS_ZOMBIE:
                continue
            if process.environ().get("ATELIER_TEST_MARKER") == marker:
                found.append(f"{process.info['pid']} {' '.join(process.cmdline())[:120]}")
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            continue
    return found


def run_module(module: str, *args: str, env: dict | None = None, cwd: Path = ROOT):
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [PYTHON, "-m", module, *args],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="session")
def built_site():
    """Le site construit une fois par session par « make site » (mkdocs build --strict, site/)."""
    import time

    started = time.perf_counter()
    # La cible même qu'appellent les workflows : exécution des tutoriels puis build strict.
    result = subprocess.run(
        ["make", "site"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    print(f"\nmake site : {elapsed:.1f} s")
    return {"dir": ROOT / "site", "seconds": elapsed, "log": result.stderr}


def tutorial_names() -> list[str]:
    return sorted(p.stem for p in (ROOT / "tutorials").glob("[0-9][0-9]_*.py"))


def nav_pages(*sections: str, config: Path = ROOT / "mkdocs.yml") -> list[str]:
    """Les pages (chemins relatifs à docs/) de la navigation de mkdocs.yml, dans son ordre ;
    avec ``sections``, seulement les entrées de premier niveau qui portent l'un de ces titres
    (une page seule ou une section entière). La navigation est la seule liste des pages."""
    import yaml

    class Loader(yaml.SafeLoader):
        """mkdocs.yml a des étiquettes propres à MkDocs (!ENV, !!python/…) : sans objet ici."""

    Loader.add_multi_constructor("", lambda loader, suffix, node: None)
    Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, s, node: None)
    nav = yaml.load(config.read_text(encoding="utf-8"), Loader=Loader)["nav"]

    def walk(entry) -> list[str]:
        if isinstance(entry, str):
            return [entry]
        if isinstance(entry, list):
            return [page for item in entry for page in walk(item)]
        return [page for value in entry.values() for page in walk(value)]

    chosen = [
        entry
        for entry in nav
        if not sections or (isinstance(entry, dict) and set(entry) & set(sections))
    ]
    return walk(chosen)


# --- Le site construit dans Chromium (tests/test_browser*.py) -------------------------------


def chromium_path() -> str:
    """La même recherche que la construction (tools/browser.py)."""
    from tools import browser

    try:
        return browser.chromium_path()
    except browser.BrowserNotFound as exc:
        pytest.fail(str(exc))


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(built_site):
    handler = functools.partial(QuietHandler, directory=str(built_site["dir"]))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_path(),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


def guarded_page(context, allowed) -> tuple:
    """Une page du contexte dont toute requête que ``allowed(parties de l'adresse)`` refuse est
    bloquée et notée ; renvoie (page, requêtes bloquées, erreurs JavaScript)."""
    foreign: list[str] = []

    def guard(route):
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about") or allowed(parts):
            route.continue_()
        else:
            foreign.append(url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return page, foreign, errors


@pytest.fixture
def page(browser):
    """Une page dont toute requête hors de 127.0.0.1 est bloquée et notée."""
    context = browser.new_context(accept_downloads=True, locale="fr-FR")
    page, foreign, errors = guarded_page(context, lambda parts: parts.hostname == "127.0.0.1")
    yield page
    context.close()
    assert foreign == [], f"requêtes sorties de 127.0.0.1 : {foreign}"
    assert errors == [], f"erreurs JavaScript : {errors}"


def wait_for_scroll_regions(page, timeout: float = 15_000) -> None:
    """Attend la fin de la passe de docs/assets/accessibility.js à la largeur actuelle : elle
    mesure les blocs qui défilent par tranches, quand le navigateur est au repos, et écrit sur
    <html> la largeur mesurée une fois finie (data-atelier-defilement-pret). Une page sans ce
    script (HTML planté par un test) n'a rien à attendre."""
    page.wait_for_function(
        "() => !document.querySelector('script[src*=\"accessibility.js\"]')"
        " || document.documentElement.getAttribute('data-atelier-defilement-pret')"
        " === String(window.innerWidth)",
        timeout=timeout,
    )


def scroll_through(page) -> None:
    """Fait défiler la page d'un bout à l'autre, puis revient en haut, comme un lecteur : les
    blocs différés (content-visibility de docs/assets/atelier.css) sont mis en page à leur
    passage, et Material équipe les blocs de code (bouton de copie) quand ils apparaissent
    (option content.lazy de mkdocs.yml)."""
    page.evaluate(
        """async () => {
          const frame = () => new Promise(done => requestAnimationFrame(() => done()));
          for (let y = 0; y < document.documentElement.scrollHeight; y += innerHeight / 2) {
            window.scrollTo(0, y);
            await frame();
            await frame();
          }
          window.scrollTo(0, 0);
          await frame();
        }"""
    )
