"""Les crochets MkDocs (tools/hooks/) : des couches minces sur ce que les étapes ont produit."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files

from tools import execute, report
from tools.hooks import tutorial_pages


def test_mathjax_is_taken_from_atelier_vendor(tmp_path, monkeypatch):
    """Le crochet lit ATELIER_VENDOR comme « make vendor » : un seul dossier pour les deux."""
    vendor = tmp_path / "ailleurs"
    (vendor / "mathjax").mkdir(parents=True)
    (vendor / "mathjax" / "tex-svg.js").write_text("// MathJax", encoding="utf-8")
    (vendor / "mathjax" / "ui").mkdir()
    (vendor / "mathjax" / "ui" / "lazy.js").write_text("// MathJax, ui/lazy", encoding="utf-8")
    plugins = SimpleNamespace(_current_plugin=None)
    config = SimpleNamespace(site_dir=str(tmp_path), use_directory_urls=True, plugins=plugins)
    monkeypatch.setenv("ATELIER_VENDOR", str(vendor))
    [mathjax, lazy] = list(tutorial_pages.on_files(Files([]), config))
    assert mathjax.abs_src_path == str(vendor / "mathjax" / "tex-svg.js")
    assert lazy.dest_uri == "assets/vendor/mathjax/ui/lazy.js"
    # Sans le composant de composition paresseuse, la construction s'arrête aussi.
    (vendor / "mathjax" / "ui" / "lazy.js").unlink()
    with pytest.raises(PluginError, match="ailleurs"):
        tutorial_pages.on_files(Files([]), config)
    monkeypatch.setenv("ATELIER_VENDOR", str(tmp_path / "vide"))
    with pytest.raises(PluginError, match="vide"):
        tutorial_pages.on_files(Files([]), config)


def test_banner_needs_only_the_execution_record(monkeypatch):
    """L'en-tête d'une page de tutoriel vient de l'enregistrement : la source n'est pas relue."""

    def no_parsing(*args, **kwargs):
        raise AssertionError("la source du tutoriel ne doit pas être relue")

    monkeypatch.setattr(execute, "load", no_parsing)
    record = {
        "tutorial": "03_essai",
        "title": "Essai",
        "description": "Une phrase.",
        "level": "débutant",
        "duration": "5 min",
        "prerequisites": ["Démarrer"],
        "gpu": "inutile",
        "metric_checks": [
            {"name": "score", "label": "Score", "min": 0.5, "value": 0.75, "ok": True}
        ],
        "wall_seconds": 1.5,
        "peak_rss_mib": 100.0,
        "executed_at": "2026-12-01T10:00:00+0000",
    }
    banner = tutorial_pages.tutorial_banner(record, "https://colab.example/03_essai.ipynb")
    for shown in ("Une phrase.", "débutant", "5 min", "<li>Démarrer</li>", "inutile", "Score"):
        assert shown in banner
    assert "1er\u00a0décembre 2026" in banner


def test_report_reads_declared_results_from_the_records(tmp_path, monkeypatch):
    """Le rapport trouve les axes dans les enregistrements (result_files), sans relire la source."""
    monkeypatch.setattr(execute, "load", lambda *a, **k: pytest.fail("source relue"))
    tutorials, records = tmp_path / "tutorials", tmp_path / "records"
    tutorials.mkdir()
    records.mkdir()
    (tutorials / "19_essai.py").write_text("# pas un tutoriel lisible\n", encoding="utf-8")
    (records / "19_essai.json").write_text(
        '{"title": "Essai", "result_files": ["resultats/axe_9.json"], '
        '"results": {"resultats/axe_9.json": {"axis": 9, "title": "Axe"}}}',
        encoding="utf-8",
    )
    [axis] = report.load_axes(records, tutorials)
    assert axis["axis"] == 9 and axis["tutorial_title"] == "Essai" and axis["title"] == "Axe"


def test_inline_png_figures_become_sized_lazy_files(monkeypatch):
    import base64
    import struct

    monkeypatch.setattr(tutorial_pages, "_figures", {})
    png = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + struct.pack(">II", 640, 480)
    encoded = base64.b64encode(png + bytes(20)).decode()
    page = (
        f'<img alt="Courbe de perte par époque." class="" src="data:image/png;base64,{encoded}"/>'
    )
    out = tutorial_pages.with_figure_files(page, "tutoriels/03_essai/")
    assert "base64" not in out
    [uri] = tutorial_pages._figures
    assert out == (
        f'<img src="../../{uri}" alt="Courbe de perte par époque." class="" '
        'width="640" height="480" loading="lazy" decoding="async">'
    )
    # Ce qui n'est pas un PNG reste tel quel.
    other = '<img src="data:image/png;base64,AAAA">'
    assert tutorial_pages.with_figure_files(other, "tutoriels/03_essai/") == other
