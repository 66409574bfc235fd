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
d'exécution des tutoriels utilise. Elle est calculée à partir du contenu réel des fichiers
installés, relus après écriture.

À chaque appel, la copie installée est entièrement revérifiée : empreinte SHA-256 de chaque
fichier idx, décompression complète et empreinte de chaque ``.gz`` de Keras. Un fichier
corrompu (octet modifié, archive tronquée) est signalé comme tel, en le nommant, puis remplacé
depuis la source ; un fichier absent est simplement recopié. Toute écriture est atomique
(tools/storage.py) : une erreur de disque donne une ligne qui nomme le fichier et la cause, et
ne laisse aucun fichier temporaire.

Les empreintes attendues sont dans ``tools/fashion-mnist.sha256`` : la CI y accroche la clé du
cache des données.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import struct
import sys
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass
from pathlib import Path

from tools import storage
from tools.paths import data_dir, keras_home

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


# Empreintes SHA-256 du contenu décompressé des fichiers publiés par Zalando Research, au format
# de sha256sum (la CI accroche la clé du cache des données à ce fichier).
CHECKSUMS = Path(__file__).resolve().with_name("fashion-mnist.sha256")
SHAPES = {
    "train-images-idx3-ubyte": (IMAGES_MAGIC, 60000),
    "train-labels-idx1-ubyte": (LABELS_MAGIC, 60000),
    "t10k-images-idx3-ubyte": (IMAGES_MAGIC, 10000),
    "t10k-labels-idx1-ubyte": (LABELS_MAGIC, 10000),
}


def _read_checksums(path: Path = CHECKSUMS) -> dict[str, str]:
    sums = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            digest, name = line.split()
            sums[name] = digest
    return sums


SPECS: dict[str, Spec] = {
    name: Spec(magic, count, _read_checksums()[name]) for name, (magic, count) in SHAPES.items()
}


class DataError(Exception):
    """Erreur destinée à l'apprenant : un message français, sans trace Python."""


class CorruptError(DataError):
    """Un fichier présent mais dont le contenu n'est pas le bon (à distinguer d'un absent)."""


def manifest_path(dest: Path | None = None) -> Path:
    return (dest or data_dir()) / "fashion-mnist.json"


def check_idx(name: str, content: bytes, spec: Spec) -> None:
    """Vérifie la structure puis l'empreinte d'un fichier idx décompressé."""
    if len(content) < 8:
        raise CorruptError(f"{name} est tronqué ({len(content)} octets).")
    magic, count = struct.unpack(">II", content[:8])
    if magic != spec.magic:
        raise CorruptError(f"{name} n'est pas un fichier idx attendu (nombre magique {magic}).")
    if count != spec.count:
        raise CorruptError(f"{name} contient {count} exemples au lieu de {spec.count}.")
    if spec.magic == IMAGES_MAGIC:
        rows, cols = struct.unpack(">II", content[8:16])
        if (rows, cols) != (28, 28):
            raise CorruptError(f"{name} contient des images {rows}x{cols} au lieu de 28x28.")
        expected = 16 + count * 28 * 28
    else:
        expected = 8 + count
    if len(content) != expected:
        raise CorruptError(f"{name} fait {len(content)} octets au lieu de {expected} (tronqué).")
    if spec.magic == LABELS_MAGIC and max(content[8:], default=0) >= N_CLASSES:
        raise CorruptError(f"{name} contient des étiquettes hors de l'intervalle 0 à 9.")
    digest = hashlib.sha256(content).hexdigest()
    if digest != spec.sha256:
        raise CorruptError(
            f"{name} a une empreinte SHA-256 inattendue ({digest[:12]}…) : corrompu."
        )


def read_gzip(path: Path) -> bytes:
    """Décompresse tout PATH ; CorruptError si l'archive est tronquée ou abîmée."""
    try:
        with gzip.open(path, "rb") as f:
            return f.read()
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise CorruptError(
            f"{path} est corrompu : archive gzip tronquée ou abîmée ({exc})."
        ) from None
    except OSError as exc:
        raise DataError(f"{path} est illisible : {storage.cause(exc)}.") from None


def read_local(folder: Path, name: str) -> bytes | None:
    """Lit NAME ou NAME.gz dans FOLDER ; None s'il n'y est pas."""
    plain, packed = folder / name, folder / f"{name}.gz"
    if packed.is_file():
        return read_gzip(packed)
    if plain.is_file():
        try:
            return plain.read_bytes()
        except OSError as exc:
            raise DataError(f"{plain} est illisible : {storage.cause(exc)}.") from None
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


def missing_message(searched: list[Path], reason: str, corrupt: list[str] = ()) -> str:
    places = "\n".join(f"  - {p}" for p in searched)
    damaged = (
        "La copie locale était corrompue (" + " ; ".join(corrupt) + ") et a été retirée.\n"
        if corrupt
        else ""
    )
    return damaged + (
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
    """Écriture atomique (tools/storage.py), éventuellement compressée en gzip."""
    with storage.atomic_open(path, "wb") as tmp:
        if compress:
            with gzip.GzipFile(fileobj=tmp, mode="wb", mtime=0, compresslevel=1) as gz:
                gz.write(content)
        else:
            tmp.write(content)


def fingerprint(digests: dict[str, str]) -> str:
    """L'empreinte des données : celle des empreintes SHA-256 des contenus, dans l'ordre."""
    return hashlib.sha256("".join(digests[n] for n in SPECS).encode()).hexdigest()


def expected_fingerprint() -> str:
    return fingerprint({n: s.sha256 for n, s in SPECS.items()})


def installed_files(dest: Path, kdir: Path) -> list[tuple[str, Path, bool]]:
    """(nom idx, chemin, compressé ?) de chaque fichier de la copie installée."""
    raw = dest / "FashionMNIST" / "raw"
    files = []
    for name in SPECS:
        files += [(name, raw / name, False), (name, kdir / f"{name}.gz", True)]
    return files


def inspect_copy(dest: Path, kdir: Path) -> tuple[dict[str, str], list[str], list[str]]:
    """Revérifie toute la copie installée : (empreintes relues, absents, corrompus).

    Chaque fichier est relu en entier : empreinte SHA-256 du fichier idx, décompression complète
    et empreinte du contenu de chaque .gz.
    """
    digests: dict[str, str] = {}
    missing, corrupt = [], []
    for name, path, packed in installed_files(dest, kdir):
        if not path.is_file():
            missing.append(str(path))
            continue
        try:
            if packed:
                content = read_gzip(path)
            else:
                try:
                    content = path.read_bytes()
                except OSError as exc:
                    raise CorruptError(f"{path} est illisible : {storage.cause(exc)}.") from None
            check_idx(name, content, SPECS[name])
        except DataError as exc:
            text = str(exc)
            corrupt.append(text if str(path) in text else f"{path} : {text}")
            continue
        digests[name] = hashlib.sha256(content).hexdigest()
    return digests, missing, corrupt


def already_seeded(dest: Path, kdir: Path) -> dict | None:
    """Le manifeste est lisible et la copie entière correspond à ce qu'il annonce."""
    try:
        manifest = json.loads(manifest_path(dest).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict):
        return None
    digests, missing, corrupt = inspect_copy(dest, kdir)
    if missing or corrupt or len(digests) != len(SPECS):
        return None
    if manifest.get("fingerprint") != fingerprint(digests):
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
    _, missing, corrupt = inspect_copy(dest, kdir)
    for problem in corrupt:
        storage.warn(f"copie locale corrompue, retirée pour être refaite : {problem}")
    if corrupt:
        # Plus rien ne doit passer pour bon tant que la copie n'est pas refaite.
        manifest_path(dest).unlink(missing_ok=True)
        for _, path, _ in installed_files(dest, kdir):
            if any(str(path) in problem for problem in corrupt):
                path.unlink(missing_ok=True)
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
                    raise CorruptError(
                        f"Fichier corrompu dans {folder} : {exc}\n"
                        "Supprimez ou remplacez ce fichier (ou réinstallez le paquet "
                        "dataset-fashion-mnist), puis relancez."
                    ) from None
                origins[name] = str(folder)
                break
        else:
            if offline:
                raise DataError(missing_message(searched, "mode hors ligne", corrupt))
            try:
                content = download(name)
            except ConnectionError as exc:
                raise DataError(
                    missing_message(searched, f"pas de réseau : {exc}", corrupt)
                ) from None
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
    # L'empreinte vient de ce qui est réellement sur le disque, relu après écriture.
    digests, missing, corrupt = inspect_copy(dest, kdir)
    if missing or corrupt:
        raise CorruptError(
            "la copie écrite ne se relit pas à l'identique : " + " ; ".join(missing + corrupt)
        )
    manifest = {
        "dataset": "Fashion-MNIST",
        "fingerprint": fingerprint(digests),
        "files": digests,
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
    parser.add_argument(
        "--empreinte",
        action="store_true",
        help="affiche l'empreinte attendue des données (celle de tools/fashion-mnist.sha256)",
    )
    args = parser.parse_args(argv)
    if args.empreinte:
        print(expected_fingerprint())
        return 0
    dest = args.dest or data_dir()
    try:
        with storage.build_lock(dest.parent):
            manifest = provision(args.dest, offline=args.offline or None)
    except DataError as exc:
        print(f"Erreur : {exc}", file=sys.stderr)
        return 2
    except storage.StorageError as exc:
        print(f"Erreur : Fashion-MNIST : {exc}.", file=sys.stderr)
        return 2
    except OSError as exc:  # lecture de la source, suppression d'une copie corrompue…
        where = exc.filename or dest
        print(f"Erreur : Fashion-MNIST : {where} : {storage.cause(exc)}.", file=sys.stderr)
        return 2
    where = args.dest or data_dir()
    sources = sorted(set(manifest.get("origins", {}).values())) or ["déjà en place"]
    print(f"Fashion-MNIST prêt dans {where} (source : {', '.join(sources)}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
