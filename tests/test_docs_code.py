"""Blocs Python des pages de cours : extraction, exécution, cache, et sorties affichées exactes."""

from __future__ import annotations

import html
import json
import re
import textwrap
import time
from pathlib import Path

import pytest
from conftest import ROOT

from tools import docs_exec

PAGE = textwrap.dedent(
    """\
    # Essai

    Texte d'introduction.

    ```python
    x = 6 * 7
    print("x vaut", x)
    ```

    === "PyTorch"

        ```python
        y = x + 1  # la variable du bloc précédent est visible
        print(y)
        ```

    === "Keras"

        ```{.python .sans-execution}
        raise RuntimeError("jamais exécuté")
        ```

    ```bash
    echo pas du Python
    ```

    ```python
    z = 3  # n'imprime rien
    ```
    """
)


def test_blocks_are_found_in_order_with_their_indentation_and_opt_out():
    blocks = docs_exec.extract_blocks(PAGE)
    assert [b.number for b in blocks] == [1, 2, 3]
    assert blocks[0].code == 'x = 6 * 7\nprint("x vaut", x)\n'
    assert blocks[1].indent == "    "
    assert blocks[1].code.startswith("y = x + 1")
    assert blocks[2].code == "z = 3  # n'imprime rien\n"
    lines = PAGE.splitlines()
    assert lines[blocks[1].start - 1].strip() == "```python"
    assert lines[blocks[1].end - 1].strip() == "```"


@pytest.mark.parametrize(
    ("info", "executed"),
    [
        ("python", True),
        ("py", True),
        ('python title="exemple.py"', True),
        ("{.python}", True),
        ("python {.sans-execution}", False),
        ("{.python .sans-execution}", False),
        ("pycon", False),
        ("bash", False),
        ("", False),
    ],
)
def test_language_and_opt_out_are_read_from_the_opening_fence(info, executed):
    text = f"```{info}\nprint(1)\n```\n"
    assert bool(docs_exec.extract_blocks(text)) is executed


def test_outputs_are_rendered_under_each_block_and_silent_blocks_show_nothing(tmp_path):
    rendered = docs_exec.process(PAGE, "docs/essai.md", cache=tmp_path)
    lines = rendered.splitlines()
    first = lines.index('```{.text .atelier-sortie title="Sortie"}')
    assert lines[first + 1] == "x vaut 42"
    nested = lines.index('    ```{.text .atelier-sortie title="Sortie"}')
    assert lines[nested + 1] == "    43"
    assert rendered.count("atelier-sortie") == 2
    # Le reste de la page est intact.
    assert rendered.replace("\n", "").count("Texte d'introduction.") == 1
    assert "jamais exécuté" in rendered


def test_a_backtick_fence_in_the_output_cannot_close_the_output_block():
    output = docs_exec.output_block("```\ndu texte\n", "")
    assert output[1].startswith("````") and output[-1] == "````"


def test_a_failing_block_names_the_page_block_line_and_error(tmp_path):
    text = "# Page\n\n```python\na = 1\n```\n\nTexte.\n\n```python\nb = 2\nprint(1 / 0)\n```\n"
    with pytest.raises(docs_exec.PageCodeError) as info:
        docs_exec.process(text, "docs/casse.md", cache=tmp_path)
    message = str(info.value)
    assert "docs/casse.md" in message and "bloc 2" in message
    assert "ligne 11 de docs/casse.md" in message
    assert "ZeroDivisionError" in message
    assert list(tmp_path.iterdir()) == []  # un échec n'est jamais mis en cache


def test_the_front_matter_offset_points_at_the_right_line(tmp_path):
    text = "```python\nraise ValueError('ici')\n```\n"
    with pytest.raises(docs_exec.PageCodeError, match="ligne 6 de docs/x.md"):
        docs_exec.process(text, "docs/x.md", cache=tmp_path, line_offset=4)


def test_a_prose_edit_reuses_the_cache_and_a_code_edit_runs_again(tmp_path):
    log: list[str] = []
    docs_exec.process(PAGE, "docs/essai.md", cache=tmp_path, log=log.append)
    assert len(log) == 1 and len(list(tmp_path.glob("*.json"))) == 1
    docs_exec.process(
        PAGE + "\nUne phrase de plus.\n", "docs/essai.md", cache=tmp_path, log=log.append
    )
    assert len(log) == 1  # rien n'a été ré-exécuté
    changed = PAGE.replace("6 * 7", "6 * 8")
    rendered = docs_exec.process(changed, "docs/essai.md", cache=tmp_path, log=log.append)
    assert len(log) == 2 and "x vaut 48" in rendered


def test_prefill_runs_uncached_pages_together_and_leaves_failures_to_the_page(tmp_path):
    """Construction propre : les pages absentes du cache s'exécutent en même temps ; une page
    qui échoue n'entre pas au cache et reste à signaler par MkDocs (page, bloc, ligne)."""
    docs, cache = tmp_path / "docs", tmp_path / "cache"
    docs.mkdir()
    slow = "```python\nimport time\ntime.sleep(2)\nprint({n})\n```\n"
    for n in range(3):
        (docs / f"p{n}.md").write_text(f"# Page {n}\n\n" + slow.format(n=n), encoding="utf-8")
    (docs / "casse.md").write_text("```python\nprint(1 / 0)\n```\n", encoding="utf-8")
    (docs / "texte.md").write_text("# Sans code\n", encoding="utf-8")
    started = time.perf_counter()
    failed = docs_exec.prefill(docs_exec.pages(docs), 3, cache=cache)
    elapsed = time.perf_counter() - started
    assert [Path(label).name for label in failed] == ["casse.md"]
    assert len(list(cache.glob("*.json"))) == 3
    assert elapsed < 3 * 2  # trois pages de 2 s chacune, pas l'une après l'autre
    text = (docs / "p1.md").read_text(encoding="utf-8")
    log: list[str] = []
    assert "1" in docs_exec.process(text, "docs/p1.md", cache=cache, log=log.append)
    assert log == []  # lue dans le cache
    # Il ne reste qu'une page à faire (celle qui échoue) : laissée à MkDocs.
    assert docs_exec.prefill(docs_exec.pages(docs), 3, cache=cache) == []
    assert docs_exec.prefill(docs_exec.pages(docs), 1, cache=cache) == []


def test_blocks_run_in_a_fresh_process_in_a_temporary_folder(tmp_path):
    text = "```python\nimport os\nprint(os.getcwd())\nprint(os.environ['MPLBACKEND'])\n```\n"
    (output,) = docs_exec.run_blocks(docs_exec.extract_blocks(text), "docs/x.md")
    cwd, backend = output.splitlines()
    assert "atelier-page-" in cwd and not cwd.startswith(str(ROOT))
    assert backend == "Agg"


# --- Les vraies pages : sorties affichées = exécution fraîche ------------------------------------

PAGES = [p for p in docs_exec.pages() if docs_exec.extract_blocks(p.read_text(encoding="utf-8"))]


def shown_outputs(page_html: str) -> list[str]:
    """Le texte des blocs « Sortie » d'une page HTML construite."""
    blocks = re.findall(
        r'<div class="[^"]*atelier-sortie[^"]*">.*?<code>(.*?)</code>', page_html, re.S
    )
    return [html.unescape(re.sub(r"<[^>]+>", "", b)).rstrip() for b in blocks]


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_every_block_of_the_page_runs_and_the_site_shows_its_exact_output(page, built_site):
    label = str(page.relative_to(ROOT))
    blocks = docs_exec.extract_blocks(page.read_text(encoding="utf-8"))
    fresh = docs_exec.run_blocks(blocks, label)  # sans cache : une vraie exécution
    expected = [o.rstrip() for o in fresh if o.strip()]
    built = built_site["dir"] / page.relative_to(docs_exec.DOCS).with_suffix("") / "index.html"
    if page.stem == "index":
        built = built_site["dir"] / page.relative_to(docs_exec.DOCS).parent / "index.html"
    shown = shown_outputs(built.read_text(encoding="utf-8"))
    assert shown == expected, f"{label} : sorties affichées différentes d'une exécution fraîche"
    # Le cache de la construction contient exactement ces sorties.
    cached = json.loads((docs_exec.CACHE / f"{docs_exec.cache_key(blocks)}.json").read_text())
    assert cached["outputs"] == fresh
