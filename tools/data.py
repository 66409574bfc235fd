"""Fashion-MNIST pour toute la construction : le seul module qui va chercher des données.

Ordre de recherche des quatre fichiers idx originaux (compressés .gz ou non) :

1. le dossier indiqué par la variable d'environnement ``ATELIER_FASHION_MNIST_DIR`` ;
2. le paquet Debian ``dataset-fashion-mnist`` (``/usr/share/datasets/fashion-mnist``) ;
3. le téléchargement officiel (sauf si ``ATELIER_OFFLINE=1``).

Chaque fichier est vérifié (nombres magiques, dimensions, étiquettes entre 0 et 9, puis empreinte
SHA-256 du contenu décompressé), puis recopié dans les deux caches canoniques :

* ``$ATELIER_DATA/FashionMNIST/raw/`` : ``torchvision.datasets.FashionMNIST(ATELIER_DATA,
  download=True)`` y trouve les fichiers et ne télécharge rien ;
* ``$KERAS_HOME/datasets/fashion-mnist/`` : ``keras.datasets.fashion_mnist.load_data()`` aussi.

Un manifeste ``$ATELIER_DATA/fashion-mnist.json`` donne l'empreinte des données, que le cache
d'exécution des tutoriels utilise.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import struct
import sys
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SYSTEM_DIR = Path("/usr/share/datasets/fashion-mnist")
MIRRORS = (
    "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
    "https://storage.googleapis.com/tensorflow/tf-keras-datasets/",
)
IMAGES_MAGIC = 2051
LABELS_MAGIC = 2049
N_CLASSES = 10


@dataclass(frozen=True)
class Spec:
    """Ce que doit contenir un fichier idx décompressé."""

    magic: int
    count: int
    sha256: str


# Empreintes du contenu décompressé des fichiers publiés par Zalando Research.
SPECS: dict[str, Spec] = {
    "train-images-idx3-ubyte": Spec(
        IMAGES_MAGIC, 60000, "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"
    ),
    "train-labels-idx1-ubyte": Spec(
        LABELS_MAGIC, 60000, "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"
    ),
    "t10k-images-idx3-ubyte": Spec(
        IMAGES_MAGIC, 10000, "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"
    ),
    "t10k-labels-idx1-ubyte": Spec(
        LABELS_MAGIC, 10000, "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"
    ),
}


class DataError(Exception):
    """Erreur destinée à l'apprenant : un message français, sans trace Python."""


def data_dir() -> Path:
    return Path(os.environ.get("ATELIER_DATA", ROOT / "build" / "data"))


def keras_home() -> Path:
    return Path(os.environ.get("KERAS_HOME", data_dir() / "keras"))


def manifest_path(dest: Path | None = None) -> Path:
    return (dest or data_dir()) / "fashion-mnist.json"


def check_idx(name: str, content: bytes, spec: Spec) -> None:
    """Vérifie la structure puis l'empreinte d'un fichier idx décompressé."""
    if len(content) < 8:
        raise DataError(f"{name} est tronqué ({len(content)} octets).")
    magic, count = struct.unpack(">II", content[:8])
    if magic != spec.magic:
        raise DataError(f"{name} n'est pas un fichier idx attendu (nombre magique {magic}).")
    if count != spec.count:
        raise DataError(f"{name} contient {count} exemples au lieu de {spec.count}.")
    if spec.magic == IMAGES_MAGIC:
        rows, cols = struct.unpack(">II", content[8:16])
        if (rows, cols) != (28, 28):
            raise DataError(f"{name} contient des images {rows}x{cols} au lieu de 28x28.")
        expected = 16 + count * 28 * 28
    else:
        expected = 8 + count
    if len(content) != expected:
        raise DataError(f"{name} fait {len(content)} octets au lieu de {expected} (tronqué).")
    if spec.magic == LABELS_MAGIC and max(content[8:], default=0) >= N_CLASSES:
        raise DataError(f"{name} contient des étiquettes hors de l'intervalle 0 à 9.")
    digest = hashlib.sha256(content).hexdigest()
    if digest != spec.sha256:
        raise DataError(f"{name} a une empreinte SHA-256 inattendue ({digest[:12]}…) : corrompu.")


def read_local(folder: Path, name: str) -> bytes | None:
    """Lit NAME ou NAME.gz dans FOLDER ; None s'il n'y est pas."""
    plain, packed = folder / name, folder / f"{name}.gz"
    try:
        if packed.is_file():
            with gzip.open(packed, "rb") as f:
                return f.read()
        if plain.is_file():
            return plain.read_bytes()
    except (OSError, EOFError) as exc:
        raise DataError(f"{packed if packed.exists() else plain} est illisible ({exc}).") from exc
    return None


def download(name: str) -> bytes:
    """Télécharge NAME.gz depuis le premier miroir qui répond."""
    mirrors = os.environ.get("ATELIER_DOWNLOAD_URL")
    errors = []
    for base in mirrors.split() if mirrors else MIRRORS:
        url = f"{base.rstrip('/')}/{name}.gz"
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                return gzip.decompress(response.read())
        except (urllib.error.URLError, OSError, EOFError) as exc:
            errors.append(f"{url} : {exc}")
    raise ConnectionError("; ".join(errors))


def missing_message(searched: list[Path], reason: str) -> str:
    places = "\n".join(f"  - {p}" for p in searched)
    return (
        "Fashion-MNIST est introuvable et ne peut pas être téléchargé "
        f"({reason}).\nDossiers consultés :\n{places}\n"
        "Pour continuer, au choix :\n"
        "  - installez le paquet Debian : sudo apt-get install dataset-fashion-mnist\n"
        "  - ou placez les quatre fichiers train-images-idx3-ubyte.gz,\n"
        "    train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz et t10k-labels-idx1-ubyte.gz\n"
        "    dans un dossier et indiquez-le :\n"
        "    export ATELIER_FASHION_MNIST_DIR=/chemin/vers/le/dossier\n"
        "  - ou connectez-vous à Internet et relancez."
    )


def candidate_dirs() -> list[Path]:
    dirs = []
    if os.environ.get("ATELIER_FASHION_MNIST_DIR"):
        dirs.append(Path(os.environ["ATELIER_FASHION_MNIST_DIR"]).expanduser())
    dirs.append(Path(os.environ.get("ATELIER_SYSTEM_DATASETS", SYSTEM_DIR)))
    return dirs


def write_atomic(path: Path, content: bytes, *, compress: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
        if compress:
            with gzip.GzipFile(fileobj=tmp, mode="wb", mtime=0, compresslevel=1) as gz:
                gz.write(content)
        else:
            tmp.write(content)
    os.replace(tmp.name, path)


def already_seeded(dest: Path, kdir: Path) -> dict | None:
    """Le manifeste existe, correspond aux empreintes attendues et les fichiers sont là."""
    try:
        manifest = json.loads(manifest_path(dest).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if manifest.get("files") != {n: s.sha256 for n, s in SPECS.items()}:
        return None
    raw = dest / "FashionMNIST" / "raw"
    for name, spec in SPECS.items():
        target = raw / name
        if not target.is_file() or not (kdir / f"{name}.gz").is_file():
            return None
        size = 16 + spec.count * 784 if spec.magic == IMAGES_MAGIC else 8 + spec.count
        if target.stat().st_size != size:
            return None
    return manifest


def provision(dest: Path | None = None, *, offline: bool | None = None) -> dict:
    """Trouve, vérifie et installe Fashion-MNIST ; renvoie le manifeste."""
    dest = dest or data_dir()
    kdir = keras_home() / "datasets" / "fashion-mnist"
    if offline is None:
        offline = os.environ.get("ATELIER_OFFLINE", "") not in ("", "0")
    if manifest := already_seeded(dest, kdir):
        return manifest
    searched = candidate_dirs()
    origins = {}
    contents = {}
    for name, spec in SPECS.items():
        for folder in searched:
            content = read_local(folder, name)
            if content is not None:
                try:
                    check_idx(name, content, spec)
                except DataError as exc:
                    raise DataError(
                        f"Fichier corrompu dans {folder} : {exc}\n"
                        "Supprimez ou remplacez ce fichier (ou réinstallez le paquet "
                        "dataset-fashion-mnist), puis relancez."
                    ) from None
                origins[name] = str(folder)
                break
        else:
            if offline:
                raise DataError(missing_message(searched, "mode hors ligne"))
            try:
                content = download(name)
            except ConnectionError as exc:
                raise DataError(missing_message(searched, f"pas de réseau : {exc}")) from None
            try:
                check_idx(name, content, spec)
            except DataError as exc:
                raise DataError(f"Le fichier téléchargé est invalide : {exc}") from None
            origins[name] = "téléchargement"
        contents[name] = content
    raw = dest / "FashionMNIST" / "raw"
    for name, content in contents.items():
        write_atomic(raw / name, content)
        write_atomic(kdir / f"{name}.gz", content, compress=True)
    fingerprint = hashlib.sha256("".join(s.sha256 for s in SPECS.values()).encode()).hexdigest()
    manifest = {
        "dataset": "Fashion-MNIST",
        "fingerprint": fingerprint,
        "files": {n: s.sha256 for n, s in SPECS.items()},
        "origins": origins,
    }
    write_atomic(manifest_path(dest), json.dumps(manifest, indent=2).encode())
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.data",
        description="Installe une copie vérifiée de Fashion-MNIST pour torchvision et Keras.",
    )
    parser.add_argument(
        "--dest", type=Path, help="dossier cible (défaut : $ATELIER_DATA ou build/data)"
    )
    parser.add_argument("--offline", action="store_true", help="ne jamais télécharger")
    args = parser.parse_args(argv)
    try:
        manifest = provision(args.dest, offline=args.offline or None)
    except DataError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    where = args.dest or data_dir()
    sources = sorted(set(manifest.get("origins", {}).values())) or ["déjà en place"]
    print(f"Fashion-MNIST prêt dans {where} (source : {', '.join(sources)}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
