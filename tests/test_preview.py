"""Aperçu de la prose (make apercu) : rien n'est exécuté, une sortie absente du cache pour le code
actuel est refusée par une phrase qui la nomme, et l'archive du cache fait l'aller-retour."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tarfile

import pytest

from tests.test_execute import BODY, HEADER, build, write_tutorial
from tools import docs_exec, execute, figures, paths, preview

ROOT = paths.ROOT
SENTENCE_END = (
    "installez l'environnement complet et lancez «\u00a0make serve\u00a0», qui le calcule."
)


@pytest.fixture
def apercu(monkeypatch):
    monkeypatch.setenv(paths.PREVIEW_ENV, "1")


def test_preview_reuses_the_cache_after_a_prose_edit(tmp_path, monkeypatch):
    path = write_tutorial(tmp_path / "tutorials")
    build(tmp_path)
    monkeypatch.setenv(paths.PREVIEW_ENV, "1")
    path.write_text(HEADER + BODY.replace("Premier texte.", "Texte corrigé."), encoding="utf-8")
    [record] = build(tmp_path)
    assert record["cached"] is True


def test_preview_refuses_a_stale_tutorial(tmp_path, monkeypatch):
    path = write_tutorial(tmp_path / "tutorials")
    build(tmp_path)
    entries = sorted((tmp_path / "cache").iterdir())
    monkeypatch.setenv(paths.PREVIEW_ENV, "1")
    path.write_text(HEADER + BODY.replace("score = 0.75", "score = 0.8"), encoding="utf-8")
    with pytest.raises(execute.TutorialError) as error:
        build(tmp_path)
    message = str(error.value)
    assert message.startswith("Aucun résultat publié ne correspond à la version actuelle du ")
    assert "tutoriel 01_essai" in message and message.endswith(SENTENCE_END)
    assert "\n" not in message
    assert sorted((tmp_path / "cache").iterdir()) == entries  # rien n'a tourné


def test_preview_refuses_stale_page_blocks(tmp_path, apercu):
    blocks = docs_exec.extract_blocks("```python\nprint(41 + 1)\n```\n")
    with pytest.raises(docs_exec.PageCodeError) as error:
        docs_exec.outputs_for(blocks, "docs/essai.md", cache=tmp_path)
    assert "des blocs de code de la page docs/essai.md" in str(error.value)
    assert str(error.value).endswith(SENTENCE_END)
    # La même page, en cache : reprise sans exécution.
    key = docs_exec.cache_key(blocks)
    (tmp_path / f"{key}.json").write_text(json.dumps({"outputs": ["42\n"]}), encoding="utf-8")
    assert docs_exec.outputs_for(blocks, "docs/essai.md", cache=tmp_path) == (["42\n"], True)


def test_preview_refuses_a_stale_figure(tmp_path, apercu):
    script = tmp_path / "courbe.py"
    script.write_text("import sys\nopen(sys.argv[1] + '/courbe.svg', 'w').write('<svg/>')\n")
    out = tmp_path / "out"
    out.mkdir()
    (out / "courbe.svg").write_text("<svg/>")
    (out / "courbe.cle").write_text("ancienne-cle")
    with pytest.raises(figures.FigureError) as error:
        figures.build_one(script, out=out)
    assert "de la figure docs/figures/courbe.py" in str(error.value)
    (out / "courbe.cle").write_text(figures.cache_key(script))
    assert figures.build_one(script, out=out) is False


def test_preview_uses_the_expected_data_fingerprint(monkeypatch, tmp_path):
    from tools import data

    monkeypatch.setenv("ATELIER_DATA", str(tmp_path))  # aucune donnée ici
    assert paths.data_fingerprint() == "sans-donnees"
    monkeypatch.setenv(paths.PREVIEW_ENV, "1")
    assert paths.data_fingerprint() == data.expected_fingerprint()


def _archive_folder(tmp_path, **manifest) -> str:
    folder = tmp_path / "archive"
    (folder / "snippets").mkdir(parents=True)
    (folder / "snippets" / "mlp_pytorch.txt").write_text("sortie publiée\n")
    (folder / preview.MANIFEST).write_text(json.dumps({"format": preview.FORMAT, **manifest}))
    return str(folder)


def test_restore_refuses_stale_script_outputs(tmp_path):
    source = _archive_folder(tmp_path, snippets="ancienne-cle")
    refused = preview.restore(source, build=tmp_path / "build")
    assert any(
        "des scripts de snippets/ (page docs/scripts.md)" in line and line.endswith(SENTENCE_END)
        for line in refused
    )
    assert not (tmp_path / "build" / "snippets" / "mlp_pytorch.txt").exists()


def test_restore_takes_matching_script_outputs(tmp_path):
    source = _archive_folder(tmp_path, snippets=preview.snippets_key())
    refused = preview.restore(source, build=tmp_path / "build")
    assert not any("scripts de snippets" in line for line in refused)
    assert (tmp_path / "build" / "snippets" / "mlp_pytorch.txt").read_text() == "sortie publiée\n"


def test_bad_archive_is_one_french_line(tmp_path):
    bad = tmp_path / "cache-apercu.tar.gz"
    bad.write_bytes(b"pas une archive")
    for source in (str(tmp_path / "absente.tar.gz"), str(bad), str(tmp_path)):
        result = subprocess.run(
            [sys.executable, "-m", "tools.preview", "restore", source],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 1
        assert result.stderr.startswith("Erreur : ") and result.stderr.count("\n") == 1
        assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_archive_round_trip_offline(built_site, tmp_path, monkeypatch):
    """L'archive de la construction, restaurée dans un build/ vide : tout vient du cache ; un
    tutoriel dont le code change est refusé avec la phrase qui le nomme."""
    archive = tmp_path / preview.ARCHIVE_NAME
    manifest = preview.pack(archive)
    assert len(manifest["tutorials"]) == len(list(paths.TUTORIALS.glob("[0-9][0-9]_*.py")))
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert preview.MANIFEST in names and not any(n.startswith("data/") for n in names)
    # Les outils de test (Lighthouse, axe-core) ne voyagent pas avec le cache du site.
    assert not any(n.startswith("vendor/") for n in names)
    assert any(n.startswith("maths/") for n in names)
    assert archive.stat().st_size < 10 * 2**20, archive.stat().st_size
    fresh = tmp_path / "build"
    monkeypatch.setenv("ATELIER_VENDOR", str(fresh / "vendor"))
    monkeypatch.setenv("ATELIER_DATA", str(tmp_path / "sans-donnees"))
    monkeypatch.setattr(preview.urllib.request, "urlopen", None)  # hors ligne
    assert preview.restore(str(archive), build=fresh) == []
    assert preview.prepare(build=fresh) == []
    assert (fresh / "notebooks" / "03_premier_reseau_pytorch.ipynb").is_file()
    # Une figure voyage avec sa variante étroite (pour un téléphone) et sa clé.
    assert {"figures/activations-etroit.svg", "figures/activations.cle"} <= set(names)
    assert (fresh / "figures" / "activations-etroit.svg").is_file()
    # Une cellule de code modifiée dans l'arbre de travail : son entrée n'est plus utilisée.
    tutorials = tmp_path / "tutorials"
    shutil.copytree(paths.TUTORIALS, tutorials)
    source = tutorials / "01_tenseurs.py"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("import torch", "import torch  # modifié", 1), "utf-8")
    problems = preview.prepare(build=fresh, tutorials=tutorials)
    assert problems == [
        "Aucun résultat publié ne correspond à la version actuelle du tutoriel 01_tenseurs"
        "\u00a0: pour le voir, " + SENTENCE_END
    ]
