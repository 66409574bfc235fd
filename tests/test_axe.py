"""Audit d'accessibilité du site construit par axe-core (issue 15) : aucune violation d'impact
« serious » ou « critical » des règles WCAG 2.1 A et AA, sur chaque page du site, en schéma clair
(« default ») et sombre (« slate ») de Material, à 1 280 px et à 390 px de large.

axe-core vient de la copie épinglée et vérifiée de build/vendor (« make vendor »,
tools/vendor.py) ; il est injecté dans la page par Playwright, sans requête : le site est servi
sur 127.0.0.1 et toute autre requête fait échouer le test (fixtures de conftest.py).

Un seul navigateur et une seule page : chaque page du site est chargée une fois, puis auditée
dans les quatre combinaisons (schéma changé comme le fait le sélecteur de Material, largeur
changée sans recharger). En cas d'échec, les violations sont listées par page, schéma et
largeur.
"""

from __future__ import annotations

import time

import pytest
from conftest import wait_for_scroll_regions

from tools import paths, vendor

pytestmark = pytest.mark.slow
pytest.importorskip("playwright.sync_api")

AXE_JS = paths.vendor_dir() / vendor.AXE.folder / "axe.min.js"
SCHEMES = ("default", "slate")
WIDTHS = (1280, 390)
HEIGHT = 900
BLOCKING = ("serious", "critical")
# Les règles des niveaux A et AA de WCAG 2.0 et 2.1 (pas les « bonnes pratiques » d'axe).
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}

# Les transitions de couleur de Material (125 à 250 ms) fausseraient la mesure des contrastes
# juste après un changement de schéma : elles sont coupées pendant l'audit.
NO_TRANSITIONS = (
    "*, *::before, *::after { transition: none !important; animation: none !important; }"
)

# Ce que fait le sélecteur de thème de Material : les attributs data-md-color-* du corps.
SET_SCHEME = """
(scheme) => {
  const input = document.querySelector(`[data-md-color-scheme="${scheme}"][name="__palette"]`);
  for (const key of ["media", "scheme", "primary", "accent"]) {
    const value = input && input.getAttribute(`data-md-color-${key}`);
    if (value) document.body.setAttribute(`data-md-color-${key}`, value);
  }
  document.body.setAttribute("data-md-color-scheme", scheme);
  return getComputedStyle(document.body).backgroundColor;
}
"""


RUN_AXE = """
async (options) => {
  const result = await axe.run(document, options);
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({
      target: n.target.join(" "),
      summary: (n.failureSummary || "").split("\\n").slice(1, 2).join(" ").trim().slice(0, 160),
    })),
  }));
}
"""


def site_pages(site) -> list[str]:
    """Les adresses de toutes les pages du site construit (…/index.html), accueil d'abord."""
    found = sorted(p.parent.relative_to(site).as_posix() for p in site.rglob("index.html"))
    return ["/" if rel == "." else f"/{rel}/" for rel in found]


def blocking(violations: list[dict]) -> list[dict]:
    return [v for v in violations if v["impact"] in BLOCKING]


def audit_loaded_page(page) -> dict[tuple[str, int], list[dict]]:
    """Les violations d'axe de la page chargée, pour chaque schéma et chaque largeur."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
        page.add_style_tag(content=NO_TRANSITIONS)
    results = {}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": HEIGHT})
        # docs/assets/accessibility.js recalcule les blocs qui défilent après un redimensionnement.
        wait_for_scroll_regions(page)
        for scheme in SCHEMES:
            page.evaluate(SET_SCHEME, scheme)
            results[(scheme, width)] = page.evaluate(RUN_AXE, AXE_OPTIONS)
    return results


def describe(url: str, results: dict) -> list[str]:
    lines = []
    for (scheme, width), violations in results.items():
        for v in blocking(violations):
            lines.append(
                f"{url} [{scheme}, {width} px] {v['impact']} {v['id']} ({len(v['nodes'])} "
                f"éléments) : {v['help']}"
            )
            for node in v["nodes"][:4]:
                lines.append(f"    {node['target'][:110]} — {node['summary']}")
    return lines


@pytest.fixture(scope="module")
def axe_js():
    if not AXE_JS.is_file() or vendor.tampered_files(paths.vendor_dir(), vendor.AXE):
        pytest.fail(f"axe-core absent ou modifié ({AXE_JS}) : lancez « make vendor ».")
    return AXE_JS


def test_axe_finds_planted_violations(page, axe_js):
    """Le même audit signale un texte gris pâle, un lien distingué par sa seule couleur et une
    image sans texte alternatif ; la version corrigée passe."""
    planted = """<!doctype html><html lang="fr"><head><title>Essai</title></head><body
      data-md-color-scheme="default"><main>
      <p style="color:#aaa">Texte trop pâle sur fond blanc.</p>
      <p style="color:#222">Un paragraphe avec <a href="#x" style="color:#3f51b5;
      text-decoration:none">un lien</a> au milieu du texte.</p>
      <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
      </main></body></html>"""
    page.set_content(planted)
    found = audit_loaded_page(page)
    ids = {v["id"] for v in blocking(found[("default", 1280)])}
    assert {"color-contrast", "link-in-text-block", "image-alt"} <= ids, ids
    lines = describe("/essai/", found)
    assert any(
        line.startswith("/essai/ [default, 1280 px] serious color-contrast") for line in lines
    )
    fixed = planted.replace("#aaa", "#595959").replace("text-decoration:none", "")
    page.set_content(fixed.replace("<img ", '<img alt="Un point" '))
    assert all(blocking(v) == [] for v in audit_loaded_page(page).values())


def test_every_page_has_no_serious_axe_violation(page, server, built_site, axe_js):
    urls = site_pages(built_site["dir"])
    assert len(urls) >= 30, urls
    started = time.perf_counter()
    failures: list[str] = []
    counts: dict[str, list[int]] = {}
    for url in urls:
        page.set_viewport_size({"width": WIDTHS[0], "height": HEIGHT})
        page.goto(server + url, wait_until="load")
        results = audit_loaded_page(page)
        counts[url] = [sum(len(v["nodes"]) for v in blocking(r)) for r in results.values()]
        failures += describe(url, results)
    elapsed = time.perf_counter() - started
    header = " / ".join(f"{s} {w}" for w in WIDTHS for s in SCHEMES)
    table = "\n".join(f"  {url:45} {counts[url]}" for url in urls)
    print(
        f"\naxe-core {vendor.AXE.version}, {len(urls)} pages en {elapsed:.0f} s ; éléments en "
        f"violation sérieuse ou critique ({header}) :\n{table}"
    )
    assert failures == [], "\n".join(failures)
