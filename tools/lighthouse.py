"""Lighthouse (épinglé) sur le site construit, servi comme GitHub Pages le sert : make lighthouse.

* Lighthouse et ses dépendances : versions et empreintes fixées par tools/lighthouse/
  package-lock.json, installées une fois par ``npm ci`` dans build/vendor/lighthouse (aucun
  navigateur téléchargé : Lighthouse pilote le Chromium de Debian, variable CHROME_PATH) ;
* site/ est servi sur 127.0.0.1, compressé par gzip (HTML, CSS, JavaScript, JSON, SVG) avec
  l'en-tête de cache de GitHub Pages (max-age=600) ;
* quatre pages (accueil, une page de cours, un tutoriel, le rapport de l'atelier), en mobile
  (réglages par défaut de Lighthouse : téléphone, réseau et processeur ralentis par simulation)
  et en bureau (--preset=desktop) ; rapports JSON et HTML dans build/lighthouse ;
* budgets : accessibilité 100 partout, performance mobile d'au moins 90 ; un budget manqué
  est nommé (page, forme, score) et la commande sort avec le code 1.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tools import browser, npm, paths

SOURCE = paths.ROOT / "tools" / "lighthouse"
INSTALL = paths.BUILD / "vendor" / "lighthouse"
REPORTS = paths.BUILD / "lighthouse"
SITE = paths.ROOT / "site"
CLI = INSTALL / "node_modules" / "lighthouse" / "cli" / "index.js"
PAGES = {
    "accueil": "",
    "cours-mlp": "mlp/",
    "tutoriel-03": "tutoriels/03_premier_reseau_pytorch/",
    "rapport": "atelier/rapport/",
}
FORMS = ("mobile", "bureau")
CATEGORIES = ("performance", "accessibility")
# Budgets : (forme, catégorie) → score minimal sur 100.
BUDGETS = {
    ("mobile", "performance"): 90,
    ("mobile", "accessibility"): 100,
    ("bureau", "accessibility"): 100,
}
COMPRESSED = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".map"}


class LighthouseError(Exception):
    """Une ligne française : ce qui manque et quoi faire."""


def install(target: Path = INSTALL) -> Path:
    """Lighthouse installé par ``npm ci`` depuis le fichier de verrouillage (empreintes
    vérifiées par npm) ; rien n'est refait si le verrou n'a pas changé."""
    lock = (SOURCE / "package-lock.json").read_bytes()
    digest = hashlib.sha256(lock + (SOURCE / "package.json").read_bytes()).hexdigest()
    try:
        return npm.install(
            SOURCE,
            target,
            ("package.json", "package-lock.json"),
            digest,
            "pour make lighthouse",
            ready=target / CLI.relative_to(INSTALL),
            # Puppeteer ne télécharge pas de Chromium : celui de Debian sert.
            env={"PUPPETEER_SKIP_DOWNLOAD": "1", "PUPPETEER_SKIP_CHROMIUM_DOWNLOAD": "1"},
        )
    except npm.NpmError as exc:
        raise LighthouseError(str(exc)) from None


class PagesHandler(SimpleHTTPRequestHandler):
    """site/ servi comme GitHub Pages : gzip pour le texte, cache de 10 minutes."""

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?")[0].endswith("/"):
            path = path / "index.html"
        wants_gzip = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (path.is_file() and wants_gzip and path.suffix in COMPRESSED):
            return super().send_head()  # binaires, redirections, 404
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return _Body(body)

    def end_headers(self):
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()


class _Body:
    """Le corps compressé, lu comme un fichier par SimpleHTTPRequestHandler."""

    def __init__(self, data: bytes):
        self.data = data

    def read(self, *args) -> bytes:
        data, self.data = self.data, b""
        return data

    def close(self):
        pass


def serve(site: Path) -> tuple[ThreadingHTTPServer, str]:
    handler = functools.partial(PagesHandler, directory=str(site))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}/"


def run_one(url: str, form: str, out: Path, chrome: str) -> dict[str, int]:
    """Un passage de Lighthouse ; renvoie les scores (sur 100) des catégories."""
    args = [
        "node",
        str(CLI),
        url,
        "--quiet",
        "--output=json",
        "--output=html",
        f"--output-path={out}",
        "--only-categories=" + ",".join(CATEGORIES),
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run",
        "--locale=fr",
    ]
    if form == "bureau":
        args.append("--preset=desktop")
    result = subprocess.run(
        args, env={**os.environ, "CHROME_PATH": chrome}, capture_output=True, text=True
    )
    report = out.with_name(out.name + ".report.json")
    if result.returncode != 0 or not report.is_file():
        raise LighthouseError(
            f"Lighthouse a échoué sur {url} ({form}) : "
            + (result.stderr.strip().splitlines() or ["sans message"])[-1]
        )
    data = json.loads(report.read_text(encoding="utf-8"))
    if data.get("runtimeError"):
        raise LighthouseError(f"Lighthouse sur {url} ({form}) : {data['runtimeError']['message']}")
    return {c: round(100 * (data["categories"][c]["score"] or 0)) for c in CATEGORIES}


def median_run(
    url: str, form: str, out: Path, chrome: str, runs: int, minimum: int | None = None
) -> dict[str, int]:
    """``runs`` passages de Lighthouse (la performance varie d'un passage à l'autre sur une
    machine partagée) ; le passage de performance médiane est gardé, rapports compris.

    ``runs`` à 0 : un passage, et deux de plus seulement si sa performance est sous
    ``minimum`` (le budget) ; la médiane des trois tranche. Un budget n'échoue donc pas sur un
    seul passage ralenti par une machine occupée, et une page nettement au-dessus ne coûte
    qu'un passage."""

    def one(number: int) -> tuple[dict[str, int], Path]:
        path = out.with_name(f"{out.name}-passage{number}")
        return run_one(url, form, path, chrome), path

    results = [one(1)]
    if runs > 0:
        more = runs - 1
    else:
        missed = minimum is not None and results[0][0]["performance"] < minimum
        more = 2 if missed else 0
    results += [one(number) for number in range(2, 2 + more)]
    results.sort(key=lambda item: item[0]["performance"])
    scores, path = results[len(results) // 2]
    for suffix in (".report.json", ".report.html"):
        shutil.copyfile(path.with_name(path.name + suffix), out.with_name(out.name + suffix))
    if len(results) > 1:
        print(f"{out.name} : performance {[r[0]['performance'] for r in results]}, médiane retenue")
    return scores


def misses(scores: dict[tuple[str, str], dict[str, int]]) -> list[str]:
    """Les budgets manqués, une ligne chacun."""
    found = []
    for (page, form), values in scores.items():
        for (budget_form, category), minimum in BUDGETS.items():
            if form == budget_form and values[category] < minimum:
                found.append(f"{page} ({form}) : {category} {values[category]} < {minimum}")
    return found


def table(scores: dict[tuple[str, str], dict[str, int]]) -> str:
    lines = [f"{'page':<14} {'forme':<7} {'performance':>11} {'accessibilité':>13}"]
    for (page, form), values in scores.items():
        lines.append(
            f"{page:<14} {form:<7} {values['performance']:>11} {values['accessibility']:>13}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=SITE, help="dossier du site construit")
    parser.add_argument("--page", action="append", choices=sorted(PAGES), help="pages à mesurer")
    parser.add_argument("--forme", action="append", choices=FORMS, help="mobile, bureau")
    parser.add_argument(
        "--passages",
        type=int,
        default=int(os.environ.get("LIGHTHOUSE_PASSAGES", "0")),
        help="passages par page et forme, le médian (performance) retenu ; 0 (défaut) : un "
        "passage, trois si le premier manque le budget de performance",
    )
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        print(
            f"Erreur : {args.site}/index.html absent ; construisez d'abord le site (make site).",
            file=sys.stderr,
        )
        return 1
    try:
        chrome = browser.chromium_path()
        install()
    except (browser.BrowserNotFound, LighthouseError) as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 1
    REPORTS.mkdir(parents=True, exist_ok=True)
    httpd, base = serve(args.site)
    scores = {}
    try:
        for page in args.page or PAGES:
            for form in args.forme or FORMS:
                out = REPORTS / f"{page}-{form}"
                try:
                    scores[page, form] = median_run(
                        base + PAGES[page],
                        form,
                        out,
                        chrome,
                        args.passages,
                        BUDGETS.get((form, "performance")),
                    )
                except LighthouseError as exc:
                    print(f"Erreur : {exc}", file=sys.stderr)
                    return 1
                print(f"{page} ({form}) : {scores[page, form]}", flush=True)
    finally:
        httpd.shutdown()
        httpd.server_close()
    print(table(scores))
    (REPORTS / "scores.json").write_text(
        json.dumps([{"page": p, "forme": f, **v} for (p, f), v in scores.items()], indent=2),
        encoding="utf-8",
    )
    failed = misses(scores)
    if failed:
        print("Budgets Lighthouse manqués :\n  " + "\n  ".join(failed), file=sys.stderr)
        return 1
    print(f"Budgets Lighthouse tenus (rapports dans {REPORTS}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
