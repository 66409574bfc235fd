"""Cache des rendus (tools/render_cache.py) : un rendu par contenu, jamais un rendu périmé."""

from __future__ import annotations

from tools import render_cache


def _counting():
    calls = []

    def render(text="rendu"):
        calls.append(text)
        return text

    return calls, render


def test_same_inputs_render_once(tmp_path, monkeypatch):
    monkeypatch.setattr(render_cache, "_memory", {})
    calls, render = _counting()
    assert render_cache.cached("essai", ["a"], render, cache=tmp_path) == "rendu"
    assert render_cache.cached("essai", ["a"], render, cache=tmp_path) == "rendu"
    assert calls == ["rendu"]
    # Un autre processus (mémoire vide) lit le disque sans refaire le rendu.
    monkeypatch.setattr(render_cache, "_memory", {})
    assert render_cache.cached("essai", ["a"], render, cache=tmp_path) == "rendu"
    assert calls == ["rendu"]


def test_changed_input_renders_again(tmp_path, monkeypatch):
    monkeypatch.setattr(render_cache, "_memory", {})
    calls, render = _counting()
    render_cache.cached("essai", ["a"], render, cache=tmp_path)
    render_cache.cached("essai", ["b"], lambda: render("autre"), cache=tmp_path)
    assert calls == ["rendu", "autre"]
    # Les parties sont séparées : « ab » en une partie n'est pas « a » puis « b ».
    render_cache.cached("essai", ["ab"], lambda: render("troisième"), cache=tmp_path)
    render_cache.cached("essai", ["a", "b"], lambda: render("quatrième"), cache=tmp_path)
    assert calls[-2:] == ["troisième", "quatrième"]


def test_dependencies_enter_the_key(tmp_path, monkeypatch):
    monkeypatch.setattr(render_cache, "_memory", {})
    calls, render = _counting()
    render_cache.cached("essai", ["a"], render, cache=tmp_path)
    monkeypatch.setattr(render_cache.paths, "dependencies_fingerprint", lambda: "autre==1")
    render_cache.cached("essai", ["a"], render, cache=tmp_path)
    assert len(calls) == 2


def test_unreadable_entry_is_rendered_again(tmp_path, monkeypatch):
    monkeypatch.setattr(render_cache, "_memory", {})
    calls, render = _counting()
    render_cache.cached("essai", ["a"], render, cache=tmp_path)
    [entry] = tmp_path.iterdir()
    entry.write_bytes(b"\xff\xfe illisible")
    monkeypatch.setattr(render_cache, "_memory", {})
    assert render_cache.cached("essai", ["a"], render, cache=tmp_path) == "rendu"
    assert len(calls) == 2


def test_search_entries_are_cached_by_everything_material_reads(tmp_path, monkeypatch):
    """Les entrées de l'index d'une page : reprises du cache pour la même page, recalculées dès
    que son HTML, son titre ou son adresse change (tools/hooks/search_fr.py)."""
    from types import SimpleNamespace

    from material.plugins.search.plugin import SearchIndex

    from tools.hooks import search_fr

    monkeypatch.setattr(render_cache, "_memory", {})
    monkeypatch.setattr(render_cache, "CACHE", tmp_path)
    calls = []
    original = search_fr._original

    def counting(self, page):
        calls.append(page.url)
        return original(self, page)

    monkeypatch.setattr(search_fr, "_original", counting)

    def entries(url="mlp/", title="MLP", content="<h1 id='mlp'>MLP</h1><p>Un neurone.</p>"):
        index = SearchIndex(lang=["fr"], separator=" ", pipeline=[], fields={})
        page = SimpleNamespace(url=url, title=title, content=content, toc=[], meta={})
        search_fr.add_entry_from_context(index, page)
        return index.entries

    first = entries()
    assert first and "Un neurone." in first[0]["text"]
    assert entries() == first and calls == ["mlp/"]
    changed = entries(content="<h1 id='mlp'>MLP</h1><p>Deux neurones.</p>")
    assert "Deux neurones." in changed[0]["text"] and len(calls) == 2
    assert entries(url="tenseurs/")[0]["location"].startswith("tenseurs/") and len(calls) == 3
    assert entries(title="Autre titre") and len(calls) == 4
