"""Copies locales de paquets npm épinglés : axe-core, le moteur d'audit d'accessibilité des
tests (jamais publié). Le site ne publie aucun script tiers : les formules sont composées à la
construction (tools/maths.py, mathjax-full installé par ``npm ci`` depuis tools/maths).

Chaque paquet npm (version épinglée, empreinte SHA-512 de l'archive vérifiée) est récupéré une
fois avec ``npm pack`` dans ``build/vendor/`` ; on n'en garde que les fichiers utiles :
``axe.min.js`` et la licence pour axe-core, que tests/test_axe.py injecte dans les pages du site
construit.

À chaque appel, l'empreinte SHA-256 de chaque fichier gardé est revérifiée (pas seulement le
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
from dataclasses import dataclass
from pathlib import Path

from tools import paths, storage

VENDOR = paths.BUILD / "vendor"


@dataclass(frozen=True)
class Package:
    """Un paquet npm épinglé et les fichiers qu'on en garde."""

    label: str  # le nom dans les messages
    name: str  # le nom npm
    version: str
    integrity: str  # empreinte SHA-512 de l'archive, telle que la publie le registre
    files: dict[str, str]  # fichier de l'archive -> place dans build/vendor
    sha256: dict[str, str]  # place dans build/vendor -> empreinte SHA-256
    purpose: str  # pourquoi npm est nécessaire, pour le message d'erreur

    @property
    def folder(self) -> str:
        return next(iter(self.sha256)).split("/")[0]


# axe-core (Deque, licence MPL 2.0) : règles WCAG 2.1 AA vérifiées par tests/test_axe.py.
AXE = Package(
    label="axe-core",
    name="axe-core",
    version="4.14.1",
    integrity=(
        "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFoo"
        "JpZe37OgudVGtQ=="
    ),
    files={"package/axe.min.js": "axe-core/axe.min.js", "package/LICENSE": "axe-core/LICENSE"},
    sha256={
        "axe-core/axe.min.js": "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c",
        "axe-core/LICENSE": "af175b9d96ee93c21a036152e1b905b0b95304d4ae8c2c921c7609100ba8df7e",
    },
    purpose="le moteur d'audit d'accessibilité des tests (axe-core)",
)
PACKAGES = (AXE,)


def tampered_files(vendor: Path, package: Package = AXE) -> list[str]:
    """Les fichiers gardés absents ou dont l'empreinte n'est pas celle attendue."""
    problems = []
    for target, expected in package.sha256.items():
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


def fetch(package: Package, vendor: Path = VENDOR) -> Path:
    """Le dossier du paquet dans ``vendor``, vérifié ; récupéré par npm s'il manque ou diffère."""
    where = vendor / package.folder
    stamp = where / ".version"
    if stamp.is_file() and stamp.read_text().strip() == package.integrity:
        problems = tampered_files(vendor, package)
        if not problems:
            return where
        for problem in problems:
            storage.warn(f"{package.label} embarqué : {problem} ; nouvelle récupération.")
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit(
            "Erreur : npm est introuvable. Installez Node.js (paquet Debian « npm ») : il sert "
            f"à récupérer une fois {package.purpose}."
        )
    spec = f"{package.name}@{package.version}"
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run(
            [npm, "pack", spec, "--silent", "--pack-destination", tmp],
            capture_output=True,
            text=True,
        )
        tarball = Path(tmp) / f"{package.name}-{package.version}.tgz"
        if result.returncode != 0 or not tarball.is_file():
            raise SystemExit(
                f"Erreur : impossible de récupérer {spec} avec npm "
                f"(registre npm injoignable ?).\n{result.stderr.strip()}"
            )
        if integrity(tarball) != package.integrity:
            raise SystemExit(
                f"Erreur : l'archive {package.label} reçue n'a pas l'empreinte attendue."
            )
        with tarfile.open(tarball) as tar:
            for member, target in package.files.items():
                data = tar.extractfile(member)
                if data is None:
                    raise SystemExit(f"Erreur : {member} manque dans l'archive {package.label}.")
                storage.atomic_write(vendor / target, data.read())
    problems = tampered_files(vendor, package)
    if problems:
        raise SystemExit(
            f"Erreur : {package.label} extrait de l'archive n'a pas les empreintes attendues : "
            + " ; ".join(problems)
        )
    storage.atomic_write(stamp, package.integrity + "\n")
    return where


def main() -> int:
    vendor = paths.vendor_dir()
    for package in PACKAGES:
        try:
            where = fetch(package, vendor)
        except storage.StorageError as exc:
            print(f"Erreur : {package.label} : {exc}.", file=sys.stderr)
            return 1
        print(f"{package.label} {package.version} prêt dans {where} (empreintes vérifiées).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
