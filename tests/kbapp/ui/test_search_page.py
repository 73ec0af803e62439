"""The Search page, run for real by AppTest on the session store: cards, filters, URL state, answer, exports."""

from __future__ import annotations

import re

from tests.kbapp.ui.conftest import HOSTILE_TEXT, all_markdown, download, open_app


def cards(at) -> list[str]:
    return [m.value for m in at.markdown if 'class="kb-card"' in m.value]


def test_english_query_finds_cited_spanish_passage(kb_small, monkeypatch):
    at = open_app(kb_small.config.store, monkeypatch)
    at.text_input(key="query").input("supplier development").run()
    assert not at.exception, at.exception
    found = cards(at)
    assert found, "no result cards"
    first = found[0]
    assert "Plan industrial de prueba" in first and "proveedores" in first.lower()
    assert '<span class="kb-badge es">es</span>' in first
    assert "p. 1" in first
    assert re.search(r'href="/files/[0-9a-f]{24}\.pdf#page=1"', first), first
    # The citation is copy-ready plain text (st.code has a copy button).
    assert any("Plan industrial de prueba" in c.value and "p. 1" in c.value for c in at.code)
    if getattr(kb_small, "glossary", None) is not None:
        # The glossary bridges the query: the Spanish words are highlighted.
        assert re.search(r"<mark>[^<]*[Pp]roveedores</mark>", first), first
    if hasattr(kb_small, "answer"):
        # The extractive answer's [n] markers link to the cards they come from.
        answer = next(m.value for m in at.markdown if 'class="kb-answer"' in m.value)
        refs = re.findall(r'href="#hit-(\d+)">\[(\d+)\]', answer)
        assert refs and all(a == b for a, b in refs)
        assert all(f'id="hit-{n}"' in " ".join(found) for n, _ in refs)


def test_filters_restrict_results_and_live_in_the_url(kb_small, monkeypatch):
    at = open_app(kb_small.config.store, monkeypatch)
    at.multiselect(key="f_lang").set_value(["en"]).run()
    at.text_input(key="query").input("desarrollo de proveedores").run()
    assert not at.exception
    found = cards(at)
    assert found and all("kb-badge en" in c for c in found)
    assert at.query_params["q"] == ["desarrollo de proveedores"] or at.query_params["q"] == "desarrollo de proveedores"
    assert "en" in str(at.query_params["lang"])
    at.multiselect(key="f_countries").set_value(["INT"]).run()
    found = cards(at)
    assert found and all("Investment promotion agencies" in c for c in found)


def test_state_is_restored_from_a_shared_link(kb_small, monkeypatch):
    at = open_app(
        kb_small.config.store,
        monkeypatch,
        params={"q": "eco-industrial parks", "lang": "es", "state": [], "jur": "MX", "k": "3"},
    )
    assert at.text_input(key="query").value == "eco-industrial parks"
    assert at.multiselect(key="f_countries").value == ["MX"]
    found = cards(at)
    assert found and len(found) <= 3
    assert all("Parques ecoindustriales" in c for c in found)


def test_mexican_states_are_listed_apart_from_countries(kb_small, monkeypatch):
    at = open_app(kb_small.config.store, monkeypatch)
    countries = at.multiselect(key="f_countries").options
    states = at.multiselect(key="f_states").options
    assert "Mexico" in countries and "International" in countries
    assert all("MX-" not in s for s in states)  # shown by name, never by code


def test_exports_of_results_and_of_a_selection(kb_small, monkeypatch):
    at = open_app(kb_small.config.store, monkeypatch)
    at.text_input(key="query").input("eco-industrial parks").run()
    n = len(cards(at))
    assert n >= 2
    bib = download(at, "search_export_bibtex")
    docs = {h.chunk.doc_id for h in kb_small.search("eco-industrial parks", n)}
    assert bib.count("@misc{") == len(docs)  # one entry per document, its passages inside
    first_box = [c for c in at.checkbox if c.key.startswith("sel_")][0]
    first_box.check().run()
    assert not at.exception
    bib = download(at, "search_export_bibtex")
    ris = download(at, "search_export_ris")
    assert bib.count("@misc{") == 1 and ris.count("TY  - RPRT") == 1
    assert "selected" in " ".join(c.value for c in at.caption)


def test_interface_language_switch(kb_small, monkeypatch):
    at = open_app(kb_small.config.store, monkeypatch, lang="es")
    assert at.text_input(key="query").label.startswith("Pregunta")
    at.radio(key="ui_lang").set_value("en").run()
    assert at.text_input(key="query").label.startswith("Question")
    assert at.query_params["ui"] in ("en", ["en"])


def test_hostile_document_is_shown_as_text(hostile_kb, monkeypatch):
    at = open_app(hostile_kb.config.store, monkeypatch)
    at.text_input(key="query").input("proveedores locales").run()
    assert not at.exception
    html = all_markdown(at)
    assert cards(at)
    for bad in (
        "<script",
        "<img",
        'onerror="',
        "javascript:",
        "](",
        "<b>",
        '<a href="javascript',
        "$x^2$",
        ":red[",
        "<i>",
    ):
        assert bad not in html, bad
    assert "&#60;script&#62;" in html and "javascript&#58;" in html
    assert HOSTILE_TEXT[:20] in html  # the words themselves are all there


def test_a_query_longer_than_the_limit_is_refused_with_a_message(kb_small, monkeypatch):
    monkeypatch.setenv("KB_MAX_QUERY_CHARS", "40")
    at = open_app(kb_small.config.store, monkeypatch, params={"q": "supplier development " * 5})
    assert not at.exception, at.exception
    assert at.text_input(key="query").proto.max_chars == 40  # the box itself stops at the limit
    assert any("query too long" in e.value and "KB_MAX_QUERY_CHARS" in e.value for e in at.error)
    assert not cards(at)
