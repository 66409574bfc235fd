"""Le serveur de prévisualisation (tools/serve.py) : une page dont seule la prose change est
reconstruite seule, avec les mêmes vérifications qu'une construction ; tout le reste passe par
la construction complète."""

from __future__ import annotations

import json
import shutil
import time

import pytest
from mkdocs.exceptions import Abort

from tests.conftest import ROOT
from tools import serve


@pytest.fixture(scope="module")
def served(built_site, tmp_path_factory):
    """Une construction complète faite par le serveur, sur une copie de docs/."""
    docs = tmp_path_factory.mktemp("docs")
    shutil.copytree(ROOT / "docs", docs, dirs_exist_ok=True)
    site = tmp_path_factory.mktemp("site")
    builder = serve.Builder(
        serve.CONFIG_FILE,
        str(site),
        "http://127.0.0.1:8000/",
        "127.0.0.1:8000",
        docs_dir=str(docs),
    )
    started = time.perf_counter()
    builder(builder.startup_config())
    assert builder.last == "complète"
    return {"builder": builder, "docs": docs, "site": site, "full": time.perf_counter() - started}


def _append(path, text: str) -> str:
    original = path.read_text(encoding="utf-8")
    path.write_text(original.rstrip() + f"\n\n{text}\n", encoding="utf-8")
    return original


def test_prose_edit_rebuilds_only_that_page(served):
    builder, docs, site = served["builder"], served["docs"], served["site"]
    other = site / "mlp" / "index.html"
    other_before = other.stat().st_mtime_ns
    _append(docs / "deep-learning.md", "Phrase ajoutée par le test jetonprose.")
    started = time.perf_counter()
    builder()
    partial = time.perf_counter() - started
    assert builder.last == "partielle"
    assert "jetonprose" in (site / "deep-learning" / "index.html").read_text(encoding="utf-8")
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    hits = [d["location"] for d in index["docs"] if "jetonprose" in d["text"]]
    assert hits and all(h.startswith("deep-learning/") for h in hits)
    # Une seule copie des entrées de la page, et le champ du glossaire toujours là.
    locations = [d["location"] for d in index["docs"]]
    assert len(locations) == len(set(locations))
    assert any("glossaire" in d for d in index["docs"])
    assert other.stat().st_mtime_ns == other_before, "une autre page a été réécrite"
    # Mesuré dans la même exécution : au moins quatre fois plus court que le site entier.
    assert partial * 4 < served["full"], (partial, served["full"])


def test_a_warning_stops_the_partial_rebuild(served):
    builder, docs, site = served["builder"], served["docs"], served["site"]
    page = docs / "deep-learning.md"
    original = _append(page, "Un [lien cassé](page-absente.md) jetoncasse.")
    with pytest.raises(Abort, match="avertissement"):
        builder()
    page.write_text(original, encoding="utf-8")
    builder()
    assert builder.last == "partielle"
    assert "jetoncasse" not in (site / "deep-learning" / "index.html").read_text(encoding="utf-8")


def test_an_anchor_removed_elsewhere_is_caught(served):
    """Une autre page vise un titre de la page modifiée : toutes les ancres sont revalidées."""
    builder, docs = served["builder"], served["docs"]
    page = docs / "mlp.md"
    original = page.read_text(encoding="utf-8")
    # Un titre de mlp.md que vise une autre page (lien « mlp.md#ancre »).
    targets = {
        line.split("mlp.md#", 1)[1].split(")", 1)[0]
        for other in docs.glob("*.md")
        if other.name != "mlp.md"
        for line in other.read_text(encoding="utf-8").splitlines()
        if "mlp.md#" in line
    }
    assert targets, "aucune page ne vise une ancre de mlp.md"
    # Le titre source de l'une de ces ancres, d'après la table des matières de la page.
    mlp = next(f.page for f in builder.state.doc_files if f.src_uri == "mlp.md")
    items, lines = list(mlp.toc), original.splitlines()
    heading = None
    while items and heading is None:
        item = items.pop(0)
        items.extend(item.children)
        if item.id in targets:
            heading = next((x for x in lines if x.startswith("#") and x.endswith(item.title)), None)
    assert heading, f"aucun titre source trouvé pour {sorted(targets)}"
    page.write_text(original.replace(heading, heading + " renommé"), encoding="utf-8")
    try:
        with pytest.raises(Abort, match="avertissement"):
            builder()
    finally:
        page.write_text(original, encoding="utf-8")
    builder()
    assert builder.last == "partielle"


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ("titre", "titre"),
        ("parcours", "parcours change"),
        ("glossaire", "glossaire.yml modifié"),
        ("nouvelle page", "ajouté ou supprimé"),
    ],
)
def test_what_needs_the_full_build(served, change, reason):
    builder, docs = served["builder"], served["docs"]
    page = docs / "deep-learning.md"
    original = page.read_text(encoding="utf-8")
    if change == "titre":
        first = next(line for line in original.splitlines() if line.startswith("# "))
        page.write_text(original.replace(first, first + " bis", 1), encoding="utf-8")
        modified, added = {page.resolve()}, set()
    elif change == "parcours":
        _append(page, " ".join(["mot"] * 3000))
        modified, added = {page.resolve()}, set()
    elif change == "glossaire":
        modified, added = {(docs / "glossaire.yml").resolve()}, set()
    else:
        modified, added = set(), {(docs / "nouvelle.md").resolve()}
    try:
        with pytest.raises(serve.FullRebuild, match=reason):
            builder.rebuild_pages(modified, added)
    finally:
        page.write_text(original, encoding="utf-8")


def test_busy_port_and_bad_address_are_one_french_line(capsys):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert serve.main(["-a", f"127.0.0.1:{port}"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"Erreur : 127.0.0.1:{port} est déjà pris") and "Traceback" not in err
    assert "make serve PORT=8001" in err
    assert serve.main(["-a", "nimportequoi"]) == 2
    assert "invalide" in capsys.readouterr().err
