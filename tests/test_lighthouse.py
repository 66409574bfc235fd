"""make lighthouse (tools/lighthouse.py) : serveur compressé comme GitHub Pages, budgets.

Lighthouse lui-même (npm, Chromium, quatre pages en mobile et en bureau, quelques minutes) n'est
lancé que par « make lighthouse », que la CI appelle dans son propre job.
"""

from __future__ import annotations

import gzip
import json
import urllib.request
from pathlib import Path

from conftest import ROOT

from tools import lighthouse


def test_a_missed_budget_is_named():
    scores = {
        ("tutoriel-03", "mobile"): {"performance": 89, "accessibility": 100},
        ("tutoriel-03", "bureau"): {"performance": 50, "accessibility": 99},
        ("accueil", "mobile"): {"performance": 90, "accessibility": 100},
    }
    assert lighthouse.misses(scores) == [
        "tutoriel-03 (mobile) : performance 89 < 90",
        "tutoriel-03 (bureau) : accessibility 99 < 100",
    ]
    assert "tutoriel-03    mobile           89           100" in lighthouse.table(scores)


def test_the_site_is_served_compressed_like_github_pages(tmp_path):
    (tmp_path / "mlp").mkdir()
    page = "<!doctype html><title>MLP</title>" + "<p>perceptron</p>" * 200
    (tmp_path / "mlp" / "index.html").write_text(page, encoding="utf-8")
    (tmp_path / "figure.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    httpd, base = lighthouse.serve(tmp_path)
    try:
        request = urllib.request.Request(base + "mlp/", headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request) as response:
            assert response.headers["Content-Encoding"] == "gzip"
            assert response.headers["Cache-Control"] == "max-age=600"
            body = response.read()
        assert gzip.decompress(body).decode() == page
        assert len(body) < len(page) / 5
        # Une image n'est pas recompressée ; un client sans gzip reçoit le texte brut.
        request = urllib.request.Request(base + "figure.png", headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request) as response:
            assert response.headers["Content-Encoding"] is None
        with urllib.request.urlopen(base + "mlp/index.html") as response:
            assert response.read().decode() == page
        # Un dossier sans « / » final est redirigé, comme sur GitHub Pages.
        with urllib.request.urlopen(base + "mlp") as response:
            assert response.url.endswith("/mlp/")
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_missing_site_is_one_french_line(tmp_path, capsys):
    assert lighthouse.main(["--site", str(tmp_path / "absent")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Erreur : ") and "make site" in err and "Traceback" not in err


def test_lighthouse_is_pinned_by_its_lock_file():
    package = json.loads((ROOT / "tools/lighthouse/package.json").read_text(encoding="utf-8"))
    lock = json.loads((ROOT / "tools/lighthouse/package-lock.json").read_text(encoding="utf-8"))
    version = package["dependencies"]["lighthouse"]
    assert version.startswith("12.") and version[0].isdigit()  # version exacte, sans ^ ni ~
    entry = lock["packages"]["node_modules/lighthouse"]
    assert entry["version"] == version and entry["integrity"].startswith("sha512-")
    unpinned = [
        name
        for name, entry in lock["packages"].items()
        if name and not entry.get("link") and not entry.get("integrity", "").startswith("sha512-")
    ]
    assert unpinned == []


def planted_runs(scores):
    """Un faux Lighthouse qui rend ces scores de performance, un par passage, avec ses rapports."""
    runs = iter(scores)

    def fake_run(url, form, out, chrome):
        score = next(runs)
        for suffix in (".report.json", ".report.html"):
            out.with_name(out.name + suffix).write_text(str(score), encoding="utf-8")
        return {"performance": score, "accessibility": 100}

    return fake_run


def test_the_median_run_is_kept_with_its_reports(tmp_path, monkeypatch):
    monkeypatch.setattr(lighthouse, "run_one", planted_runs([40, 95, 70]))
    out = tmp_path / "cours-mlp-mobile"
    scores = lighthouse.median_run("http://127.0.0.1:1/mlp/", "mobile", out, "chromium", 3)
    assert scores == {"performance": 70, "accessibility": 100}
    assert (tmp_path / "cours-mlp-mobile.report.json").read_text(encoding="utf-8") == "70"


def test_pinned_material_still_reads_the_lazy_code_block_option():
    """mkdocs.yml active « content.lazy », option non documentée de Material qui n'équipe un
    bloc de code qu'à l'approche de l'écran (performance mobile) : le script de la version
    épinglée doit toujours la lire, sinon l'option serait ignorée sans bruit."""
    import material

    assert "- content.lazy" in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    scripts = Path(material.__file__).parent / "templates" / "assets" / "javascripts"
    (bundle,) = scripts.glob("bundle.*.min.js")
    assert '"content.lazy"' in bundle.read_text(encoding="utf-8")


def test_a_second_and_third_run_only_when_the_first_misses_the_budget(tmp_path, monkeypatch):
    out = tmp_path / "tutoriel-03-mobile"
    monkeypatch.setattr(lighthouse, "run_one", planted_runs([97]))
    assert lighthouse.median_run("u", "mobile", out, "c", 0, 90)["performance"] == 97
    assert (tmp_path / "tutoriel-03-mobile.report.json").read_text(encoding="utf-8") == "97"
    # Un premier passage ralenti : trois passages, la médiane tranche.
    monkeypatch.setattr(lighthouse, "run_one", planted_runs([84, 96, 95]))
    assert lighthouse.median_run("u", "mobile", out, "c", 0, 90)["performance"] == 95
    monkeypatch.setattr(lighthouse, "run_one", planted_runs([84, 86, 95]))
    assert lighthouse.median_run("u", "mobile", out, "c", 0, 90)["performance"] == 86
    # Sans budget de performance (bureau) : un passage.
    monkeypatch.setattr(lighthouse, "run_one", planted_runs([70]))
    assert lighthouse.median_run("u", "bureau", out, "c", 0, None)["performance"] == 70
