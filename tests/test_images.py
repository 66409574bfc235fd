"""Taille intrinsèque des images (tools/images.py) : chaque <img> du site reçoit width et height."""

from __future__ import annotations

import pytest

from tools import images

# Une figure de Matplotlib : dimensions en points (1 pt = 4/3 px), viewBox en points.
MATPLOTLIB_SVG = (
    b'<?xml version="1.0" encoding="utf-8" standalone="no"?>\n<svg xmlns:xlink="http://www.w3.org'
    b'/1999/xlink" width="302.4pt" height="247.68pt" viewBox="0 0 302.4 247.68" '
    b'xmlns="http://www.w3.org/2000/svg" version="1.1">\n</svg>\n'
)


def png_header(width: int, height: int) -> bytes:
    return b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + width.to_bytes(4, "big") + height.to_bytes(4, "big")


@pytest.mark.parametrize(
    "root, size",
    [
        ('<svg width="302.4pt" height="247.68pt" viewBox="0 0 302.4 247.68">', (403, 330)),
        ('<svg width="120" height="80">', (120, 80)),
        ('<svg width="2in" height="1in">', (192, 96)),
        ('<svg viewBox="0 0 640 480">', (640, 480)),
        ('<svg viewBox="0,0,640,480" width="320px">', (320, 240)),
        ('<svg width="100%" height="100%" viewBox="0 0 50 25">', (50, 25)),
        ('<svg width="100%">', None),
        ('<svg viewBox="0 0 0 0">', None),
        ("<html></html>", None),
    ],
)
def test_svg_size_reads_the_root_dimensions_or_the_viewbox(root, size):
    assert images.svg_size(root + "</svg>") == size


def test_intrinsic_size_of_png_and_svg_files():
    assert images.intrinsic_size(png_header(1664, 1056)) == (1664, 1056)
    assert images.intrinsic_size(MATPLOTLIB_SVG) == (403, 330)
    assert images.intrinsic_size(b"GIF89a\x01\x00\x01\x00") is None


FILES = {"figures/a.svg": MATPLOTLIB_SVG, "captures/g.png": png_header(946, 1928)}


def test_with_sizes_adds_width_and_height_from_the_file():
    page = (
        '<p><img alt="Schéma" src="figures/a.svg" /></p>'
        '<p><img alt="Capture" src="captures/g.png" width="420" /></p>'
        '<p><img alt="Haute" src="captures/g.png" height="964"></p>'
    )
    sized, unsized = images.with_sizes(page, FILES.get)
    assert unsized == []
    assert '<img alt="Schéma" src="figures/a.svg" width="403" height="330" />' in sized
    # Une seule dimension donnée par l'auteur : l'autre suit les proportions de l'image.
    assert '<img alt="Capture" src="captures/g.png" width="420" height="856" />' in sized
    assert '<img alt="Haute" src="captures/g.png" height="964" width="473">' in sized


def test_with_sizes_leaves_sized_and_inline_images_and_reports_unreadable_ones():
    kept = '<img src="figures/a.svg" width="10" height="5"><img src="data:image/png;base64,AA">'
    assert images.with_sizes(kept, FILES.get) == (kept, [])
    missing = '<img src="figures/absente.svg"><img src="captures/g.png" width="50%">'
    assert images.with_sizes(missing, FILES.get) == (
        missing,
        ["figures/absente.svg", "captures/g.png"],
    )


def test_the_hook_reads_each_image_relative_to_its_page(tmp_path):
    """tools/hooks/concept_pages.py : l'adresse d'une image est relative à l'adresse de la page
    (``atelier/rapport/`` voit ``../figures/axe_1.svg``) ; une adresse externe ou absente du site
    ne lit rien."""
    from types import SimpleNamespace

    from mkdocs.structure.files import File, Files

    from tools.hooks import concept_pages

    docs = tmp_path / "docs"
    for uri in ("atelier/figures/axe_1.svg", "figures/a.svg"):
        (docs / uri).parent.mkdir(parents=True, exist_ok=True)
        (docs / uri).write_bytes(MATPLOTLIB_SVG)
    files = Files(
        [
            File(uri, str(docs), str(tmp_path / "site"), use_directory_urls=True)
            for uri in ("atelier/figures/axe_1.svg", "figures/a.svg")
        ]
    )
    read = concept_pages.image_reader(SimpleNamespace(url="atelier/rapport/"), files)
    assert read("../figures/axe_1.svg") == MATPLOTLIB_SVG
    assert read("../figures/absente.svg") is None
    assert read("https://exemple.org/a.svg") is None and read("/figures/a.svg") is None
    assert concept_pages.image_reader(SimpleNamespace(url=""), files)("figures/a.svg")
    assert concept_pages.image_reader(SimpleNamespace(url="404.html"), files)("figures/a.svg")


def test_a_figure_with_a_narrow_variant_is_offered_to_phones_in_a_picture():
    """``figures/NOM-etroit.svg`` à côté de ``figures/NOM.svg`` : un ``<source>`` la propose sous
    720 px, avec sa propre taille ; l'``<img>`` (adresse, texte alternatif) ne change pas et
    reçoit ensuite la taille de la figure large. Sans variante, rien ne change."""
    files = {
        "../figures/a.svg": MATPLOTLIB_SVG,
        "../figures/a-etroit.svg": MATPLOTLIB_SVG.replace(b"302.4", b"201.6"),
        "../figures/g.png": png_header(1500, 585),
        "../figures/g-etroit.png": png_header(630, 870),
        "../figures/seule.svg": MATPLOTLIB_SVG,
    }
    page = (
        '<p><img alt="Schéma « a »" src="../figures/a.svg" /></p>'
        '<p><img alt="Grille" src="../figures/g.png"></p>'
        '<p><img alt="Seule" src="../figures/seule.svg"></p>'
        '<p><img alt="Capture" src="../captures/a.svg"></p>'
    )
    wrapped = images.with_narrow_variants(page, files.get)
    assert wrapped.count("<picture>") == wrapped.count("</picture>") == 2
    assert (
        '<picture><source media="(max-width: 719px)" srcset="../figures/a-etroit.svg" '
        'width="269" height="330"><img alt="Schéma « a »" src="../figures/a.svg" /></picture>'
    ) in wrapped
    assert 'srcset="../figures/g-etroit.png" width="630" height="870"><img alt="Grille"' in wrapped
    assert '<p><img alt="Seule" src="../figures/seule.svg"></p>' in wrapped
    assert '<p><img alt="Capture" src="../captures/a.svg"></p>' in wrapped
    # Une seconde passe ne l'enveloppe pas deux fois ; la taille de l'<img> vient du fichier large.
    assert images.with_narrow_variants(wrapped, files.get) == wrapped
    sized, unsized = images.with_sizes(wrapped, files.get)
    assert unsized == ["../captures/a.svg"]
    assert 'src="../figures/a.svg" width="403" height="330" />' in sized
    assert images.narrow_variant("figures/a-etroit.svg") is None
    assert images.narrow_variant("figures/a.gif") is None
