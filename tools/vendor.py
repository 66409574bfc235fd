"""Copie locale de MathJax, servie par le site lui-même (aucune requête vers un CDN).

Le paquet npm ``mathjax`` (version épinglée, empreinte vérifiée) est récupéré une fois avec
``npm pack`` dans ``build/vendor/`` ; le site n'en publie que ``tex-svg.js`` (sortie SVG : aucune
police à télécharger), ``ui/lazy.js`` (les formules sont composées quand elles approchent de
l'écran, pas toutes au chargement) et la licence.

À chaque appel, l'empreinte SHA-256 de chaque fichier publié est revérifiée (pas seulement le
tampon de version) : un fichier modifié ou tronqué est signalé en le nommant, puis récupéré de
nouveau ; toute écriture est atomique (tools/storage.py).
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from tools import paths, storage

VENDOR = paths.BUILD / "vendor"
MATHJAX_VERSION = "3.2.2"
MATHJAX_INTEGRITY = (
    "sha512-Bt+SSVU8eBG27zChVewOicYs7Xsdt40qm4+UpHyX7k0/"
    "O9NliPc+x77k1/FEsPsjKPZGJvtRZM1vO+geW0OhGw=="
)
# Fichiers du paquet publiés sur le site, et leur place dans build/vendor.
MATHJAX_FILES = {
    "package/es5/tex-svg.js": "mathjax/tex-svg.js",
    "package/es5/ui/lazy.js": "mathjax/ui/lazy.js",
    "package/LICENSE": "mathjax/LICENSE",
}
# Empreintes SHA-256 de ces fichiers tels qu'ils sont dans l'archive ci-dessus.
MATHJAX_SHA256 = {
    "mathjax/tex-svg.js": "d4295dc33744836935c1399feece5159577b34c5c8ffb9f1c6324cd82e03a882",
    "mathjax/ui/lazy.js": "64cb5353fc9766b7609a14806db030fe63ee21f76b31fa44d2fe3145e712247e",
    "mathjax/LICENSE": "cfc7749b96f63bd31c3c42b5c471bf756814053e847c10f3eb003417bc523d30",
}


def tampered_files(vendor: Path) -> list[str]:
    """Les fichiers publiés absents ou dont l'empreinte n'est pas celle attendue."""
    problems = []
    for target, expected in MATHJAX_SHA256.items():
        path = vendor / target
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except FileNotFoundError:
            problems.append(f"{path} absent")
            continue
        except OSError as exc:
            problems.append(f"{path} illisible ({storage.cause(exc)})")
            continue
        if digest != expected:
            problems.append(f"{path} modifié (empreinte SHA-256 {digest[:12]}…)")
    return problems


def integrity(path: Path) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode()


def fetch_mathjax(vendor: Path = VENDOR) -> Path:
    stamp = vendor / "mathjax" / ".version"
    if stamp.is_file() and stamp.read_text().strip() == MATHJAX_INTEGRITY:
        problems = tampered_files(vendor)
        if not problems:
            return vendor / "mathjax"
        for problem in problems:
            storage.warn(f"MathJax embarqué : {problem} ; nouvelle récupération.")
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit(
            "Erreur : npm est introuvable. Installez Node.js (paquet Debian « npm ») : il sert "
            "à récupérer une fois la copie locale de MathJax."
        )
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run(
            [npm, "pack", f"mathjax@{MATHJAX_VERSION}", "--silent", "--pack-destination", tmp],
            capture_output=True,
            text=True,
        )
        tarball = Path(tmp) / f"mathjax-{MATHJAX_VERSION}.tgz"
        if result.returncode != 0 or not tarball.is_file():
            raise SystemExit(
                f"Erreur : impossible de récupérer mathjax@{MATHJAX_VERSION} avec npm "
                f"(registre npm injoignable ?).\n{result.stderr.strip()}"
            )
        if integrity(tarball) != MATHJAX_INTEGRITY:
            raise SystemExit("Erreur : l'archive MathJax reçue n'a pas l'empreinte attendue.")
        with tarfile.open(tarball) as tar:
            for member, target in MATHJAX_FILES.items():
                data = tar.extractfile(member)
                if data is None:
                    raise SystemExit(f"Erreur : {member} manque dans l'archive MathJax.")
                storage.atomic_write(vendor / target, data.read())
    problems = tampered_files(vendor)
    if problems:
        raise SystemExit(
            "Erreur : MathJax extrait de l'archive n'a pas les empreintes attendues : "
            + " ; ".join(problems)
        )
    storage.atomic_write(stamp, MATHJAX_INTEGRITY + "\n")
    return vendor / "mathjax"


def main() -> int:
    try:
        where = fetch_mathjax(paths.vendor_dir())
    except storage.StorageError as exc:
        print(f"Erreur : MathJax : {exc}.", file=sys.stderr)
        return 1
    print(f"MathJax {MATHJAX_VERSION} prêt dans {where} (empreintes vérifiées).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
