"""Formules composées à la construction : une image SVG par formule, aucun MathJax chez le lecteur.

* pymdownx.arithmatex (mode générique) laisse chaque formule dans la page, pages de cours comme
  cellules Markdown des notebooks : ``<span class="arithmatex">\\(…\\)</span>`` en ligne,
  ``<div class="arithmatex">\\[…\\]</div>`` hors texte ;
* ``render_page`` remplace le TeX de chaque formule par une image : le SVG que MathJax (paquet
  npm ``mathjax-full``, épinglé par tools/maths/package-lock.json et installé par ``npm ci``
  dans build/vendor/maths) en fait, publié sous assets/formules/ (nommé par son empreinte, mis
  en cache par le navigateur), avec pour texte alternatif sa lecture en français
  (speech-rule-engine, règles ClearSpeak), la taille de la formule (pas de décalage de mise en
  page) et un chargement différé : seules les formules proches de l'écran sont chargées ;
* une image par formule plutôt que le SVG dans la page : les milliers d'éléments des SVG de
  MathJax (un par glyphe et par nœud) et du MathML coûtaient au téléphone plus de temps de
  style et de mise en page que tout le reste de la page ;
* chaque formule composée est gardée dans build/maths, nommée par l'empreinte de son TeX, de
  son mode et du compositeur : une construction chaude ne lance pas Node ; sinon, un seul
  processus Node (tools/maths/compose.js) compose, à la demande, toutes les formules nouvelles
  de la construction ;
* une erreur TeX fait échouer la construction, en français, en nommant la page et la formule.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
import subprocess
from pathlib import Path

from tools import npm, paths, storage

SOURCE = paths.ROOT / "tools" / "maths"
CACHE = paths.BUILD / "maths"
# Une formule d'arithmatex : la balise (span en ligne, div hors texte) et le TeX échappé.
ARITHMATEX_RE = re.compile(r'<(span|div) class="arithmatex">(.*?)</\1>', re.S)
SVG_ROOT_RE = re.compile(r"<svg\b[^>]*>")
SVG_ATTRIBUTE_RE = re.compile(r'\s(style|width|height)="([^"]*)"')
# Les règles de la feuille de MathJax qui touchent au dessin : elles suivent le SVG dans l'image.
SVG_STYLE = (
    "<style>path[data-c],use[data-c]{stroke-width:3}"
    "line[data-line],rect[data-frame]{stroke-width:70px;fill:none}"
    ".mjx-dashed{stroke-dasharray:140}.mjx-dotted{stroke-linecap:round;stroke-dasharray:0,140}"
    "</style>"
)
# Version du format des formules gardées dans build/maths (change avec ce format).
FORMAT = "image-1"
# Dossier des images des formules dans le site publié.
FORMULAS_URI = "assets/formules"
DELIMITERS = {"span": ("\\(", "\\)"), "div": ("\\[", "\\]")}


class MathError(Exception):
    """Une ligne française : la page, la formule et l'erreur de TeX."""


def install_dir() -> Path:
    return paths.vendor_dir() / "maths"


def composer_fingerprint() -> str:
    """Ce dont dépend une formule composée : le script et les versions verrouillées."""
    digest = hashlib.sha256()
    for name in ("compose.js", "package.json", "package-lock.json"):
        digest.update((SOURCE / name).read_bytes())
    return digest.hexdigest()


def install(target: Path | None = None) -> Path:
    """mathjax-full installé par ``npm ci`` depuis le verrou (empreintes vérifiées par npm) ;
    rien n'est refait si le verrou et le script n'ont pas changé."""
    files = ("package.json", "package-lock.json", "compose.js")
    try:
        return npm.install(
            SOURCE,
            target or install_dir(),
            files,
            composer_fingerprint(),
            "pour composer les formules des pages (MathJax)",
        )
    except npm.NpmError as exc:
        raise MathError(str(exc)) from None


class Composer:
    """Un processus Node, lancé à la première formule absente du cache, gardé jusqu'à close()."""

    def __init__(self, cache: Path | None = None):
        self.cache = cache or CACHE
        self.process: subprocess.Popen | None = None
        self.memory: dict[str, dict] = {}
        # Les images des formules de la construction : adresse dans le site -> SVG.
        self.images: dict[str, str] = {}
        self.fingerprint = composer_fingerprint()

    def key(self, tex: str, display: bool) -> str:
        text = f"{FORMAT}\n{self.fingerprint}\n{int(display)}\n{tex}"
        return hashlib.sha256(text.encode()).hexdigest()

    def compose(self, tex: str, display: bool) -> dict:
        """La formule composée ({"svg", "speech"}) ; MathError (le message de TeX) si elle est
        fausse."""
        key = self.key(tex, display)
        if key in self.memory:
            return self.memory[key]
        path = self.cache / key[:2] / f"{key}.json"
        try:
            result = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            result = self._run(tex, display)
            storage.atomic_write(path, json.dumps(result, ensure_ascii=False))
        self.memory[key] = result
        return result

    def _run(self, tex: str, display: bool) -> dict:
        if self.process is None:
            node = shutil.which("node")
            if node is None:
                raise MathError(
                    "node est introuvable : installez Node.js (paquet Debian « nodejs ») ; il "
                    "compose une fois chaque formule des pages."
                )
            folder = install()
            self.process = subprocess.Popen(
                [node, str(folder / "compose.js")],
                cwd=folder,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
                encoding="utf-8",
            )
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps({"tex": tex, "display": display}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            self.close()
            raise MathError("le compositeur de formules (Node, MathJax) s'est arrêté")
        answer = json.loads(line)
        if "error" in answer:
            raise MathError(answer["error"])
        return {"svg": answer["svg"], "speech": answer["speech"]}

    def close(self) -> None:
        if self.process is not None:
            process, self.process = self.process, None
            if process.stdin:
                process.stdin.close()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def image(svg: str) -> tuple[str, str]:
    """Le fichier SVG autonome d'une formule et le style de son image : la taille et le
    placement sur la ligne de base que MathJax donne au SVG (en ex, relatifs au texte)."""
    root = SVG_ROOT_RE.match(svg)
    if root is None:
        raise MathError("sortie de MathJax sans SVG")
    attributes = dict(SVG_ATTRIBUTE_RE.findall(root.group(0)))
    tag = re.sub(r'\s(?:style|role|focusable|aria-hidden)="[^"]*"', "", root.group(0))
    content = tag + SVG_STYLE + svg[root.end() :]
    style = f"width:{attributes.get('width', '0')};height:{attributes.get('height', '0')}"
    align = attributes.get("style", "").strip().rstrip(";")
    return content, style + (f";{align}" if align else "")


def formula(tag: str, escaped: str) -> tuple[str, bool]:
    """Le TeX d'une formule d'arithmatex, sans ses délimiteurs, et s'il est hors texte."""
    tex = html.unescape(escaped).strip()
    opening, closing = DELIMITERS[tag]
    if tex.startswith(opening) and tex.endswith(closing):
        tex = tex[len(opening) : -len(closing)]
    # Un environnement (\begin{align}…) hors texte est gardé tel quel, délimiteurs compris.
    return tex, tag == "div"


# Ce que les règles françaises de speech-rule-engine laissent en anglais ou lisent mot à mot :
# l'indice (« sub ») et la transposée (« à la puissance taquet vers le bas en normal », le
# nom du symbole ⊤). Appliqué à la lecture rangée dans le cache : aucune formule recomposée.
READING_FIXES = (
    (re.compile(r"\bsub\b"), "indice"),
    (re.compile(r"à l['’]exposant taquet vers le bas(?: en normal)? fin exposant"), "transposée"),
    (re.compile(r"(?:à la puissance )?taquet vers le bas(?: en normal)?"), "transposée"),
)


def french_reading(speech: str) -> str:
    """La lecture de la formule, en français de bout en bout."""
    for pattern, replacement in READING_FIXES:
        speech = pattern.sub(replacement, speech)
    return speech


def render_page(output: str, page: str, composer: Composer, url_for=lambda uri: uri) -> str:
    """La page dont chaque formule est une image ; MathError nommant la page et la formule.
    ``url_for`` donne l'adresse d'un fichier du site relative à la page."""

    def replace(match: re.Match) -> str:
        tag, escaped = match.groups()
        tex, display = formula(tag, escaped)
        try:
            composed = composer.compose(tex, display)
            content, style = image(composed["svg"])
        except MathError as exc:
            short = " ".join(tex.split())
            short = short if len(short) <= 80 else short[:79] + "…"
            raise MathError(
                f"{page} : la formule « {short} » ne peut pas être composée (erreur TeX : {exc})."
            ) from None
        uri = f"{FORMULAS_URI}/{hashlib.sha256(content.encode()).hexdigest()[:16]}.svg"
        composer.images[uri] = content
        classes = "formule formule--bloc" if display else "formule"
        alt = html.escape(french_reading(composed["speech"]), quote=True)
        return (
            f'<{tag} class="arithmatex"><img class="{classes}" src="{url_for(uri)}" alt="{alt}" '
            f'style="{style}" loading="lazy" decoding="async"></{tag}>'
        )

    return ARITHMATEX_RE.sub(replace, output)
