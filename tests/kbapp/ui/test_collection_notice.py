"""The start page and About say what the starter collection is (#11): research notes by the policy-kb team that
summarise public documents, with their sources, and how to add the primary PDFs; in both interface languages.
A collection without such notes says nothing of the kind."""

from __future__ import annotations

import html

import pytest

from ingest.extract import meta_from_mapping
from kb.records import Chunk, Document, Hit
from kb.search.citations import citation_for
from kbapp.ui.cards import card_html, meta_line
from tests.kbapp.ui.conftest import open_app

SAYS = {
    "en": (
        "research notes written by the policy-kb team",
        "summarise public documents",
        "Library page",
        "kb ingest corpus/",
    ),
    "es": (
        "notas de investigación escritas por el equipo de policy-kb",
        "resumen documentos públicos",
        "Biblioteca",
        "kb ingest corpus/",
    ),
}


@pytest.mark.parametrize("page", ["search", "about"])
@pytest.mark.parametrize("lang", ["en", "es"])
def test_starter_collection_is_described(kb_starter, monkeypatch, page, lang):
    at = open_app(kb_starter.config.store, monkeypatch, page=page, lang=lang)
    assert not at.exception, at.exception
    text = " ".join(m.value for m in at.markdown)
    for phrase in SAYS[lang]:
        assert phrase in text, (page, lang, phrase)


def test_other_collections_are_not_called_notes(kb_small, monkeypatch):
    at = open_app(kb_small.config.store, monkeypatch, page="search")
    assert not any("research notes written by the policy-kb team" in m.value for m in at.markdown)


ROW = {
    "title": "Research note: Tabasco 2024-2044",
    "publisher": "policy-kb team",
    "year": "2026",
    "source_title": "Strategic Plan for the Industrial Development of Tabasco 2024-2044",
    "source_publisher": "Government of the State of Tabasco",
    "source_year": "2024",
}


def test_card_shows_the_primary_source_in_both_languages(tmp_path):
    meta = meta_from_mapping(ROW)
    chunk = Chunk(
        chunk_id="d1:0",
        doc_id="d1",
        ordinal=0,
        text="Cuatro pilares y cuatro sectores.",
        page_start=1,
        page_end=1,
        section="Pilares",
        language="es",
        doc=Document.of(meta, doc_id="d1", source="/x/d1.pdf"),
    )
    hit = Hit(chunk=chunk, score=1.0, rank=1, legs=["dense:es"], citation=citation_for(chunk))
    en, es = (html.unescape(card_html(hit, "pilares", lang)) for lang in ("en", "es"))
    assert "Research note summarising: Strategic Plan for the Industrial Development of Tabasco 2024-2044" in en
    assert "Nota de investigación que resume: Strategic Plan" in es
    assert "2024" in meta_line(hit, "en") and "2026" not in meta_line(hit, "en")  # the content year on the card


def _hit(**fields):
    doc = Document(
        doc_id="d1",
        title="Research note",
        publisher="policy-kb team",
        year=2026,
        source_title="Plan México decree",
        source_publisher="DOF",
        source_year=2025,
        source="/x/d1.pdf",
        **fields,
    )
    chunk = Chunk(
        chunk_id="d1:0",
        doc_id="d1",
        ordinal=0,
        text="Cuatro pilares.",
        page_start=1,
        page_end=1,
        section="Pilares",
        language="es",
        doc=doc,
    )
    return Hit(chunk=chunk, score=1.0, rank=1, legs=["dense:es"], citation=citation_for(chunk))


def test_card_links_the_primary_source_where_the_catalog_gives_one():
    url = 'https://example.org/decreto?a=1&b="2"'
    card = card_html(_hit(source_url=url), "pilares", "en")
    assert f'href="{html.escape(url, quote=True)}"' in card  # escaped like every other value
    assert '&b="2"' not in card
    assert "Research note summarising: Plan México decree" in html.unescape(card)
    plain = card_html(_hit(), "pilares", "en")  # no public copy: the name, no link
    assert "kb-primary" not in plain and "Research note summarising" in plain


def test_card_never_links_a_non_web_address():
    card = card_html(_hit(source_url="javascript:alert(1)"), "pilares", "en")
    assert "javascript:" not in card and "kb-primary" not in card


def test_starter_hits_carry_the_primary_source_url(kb_starter):
    hits = kb_starter.search("decreto de estímulos fiscales Plan México deducción inmediata", k=10)
    linked = [h for h in hits if h.citation.source_url]
    assert linked, [h.citation.title for h in hits]
    assert all(h.citation.source_url.startswith("https://") for h in linked)
    assert 'class="kb-primary"' in card_html(linked[0], "decreto", "es")
