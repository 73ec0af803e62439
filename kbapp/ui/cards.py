"""A search hit as a card: title, source details, language badge, highlighted passage, link to the page, citation."""

from __future__ import annotations

import html
from typing import Sequence
from urllib.parse import urlsplit

import streamlit as st

from kb.records import Citation, Hit
from kb.search.citations import cite_text
from kbapp.ui import jurisdictions
from kbapp.ui.file_server import file_url
from kbapp.ui.highlight import highlight, safe_html
from kbapp.ui.i18n import t


def meta_line(hit: Hit, lang: str) -> str:
    """Publisher · year · jurisdiction · type · pages · section, as safe HTML. The year is the content's: for a
    research note, the year of the document it summarises (the note's own year is in its citation)."""
    c, ch = hit.citation, hit.chunk
    parts = [
        c.publisher,
        str(ch.doc.content_year or ""),
        jurisdictions.label(c.jurisdiction, lang) if c.jurisdiction else "",
        t(f"type.{ch.doc.doc_type}", lang, default=ch.doc.doc_type) if ch.doc.doc_type else "",
        c.pages,
        f"§ {c.section}" if c.section else "",
    ]
    badge = f'<span class="kb-badge {safe_html(c.language)}">{safe_html(c.language or "?")}</span>'
    return badge + " · ".join(safe_html(p) for p in parts if p)


def open_label_for(c, lang: str) -> str:
    """ "Open the PDF at p. N", "Open the document at § Section" (Markdown opens rendered there), or plainly."""
    if c.source.lower().endswith(".pdf") and c.page_start:
        return t("card.open_pdf", lang, page=c.page_start)
    if c.source.lower().endswith(".md") and c.section:
        return t("card.open_section", lang, section=c.section)
    return t("card.open_file", lang)


def summarises_html(c: Citation, lang: str) -> str:
    """ "Research note summarising: <primary document>", the document a link to its ``source_url`` when the catalog
    gives one. Only http(s) addresses become links (a catalog is user input: no javascript: or file: URLs)."""
    text = safe_html(t("card.summarises", lang, source=c.summarises))
    if not c.source_url or urlsplit(c.source_url).scheme not in ("http", "https"):
        return text
    href = html.escape(c.source_url, quote=True)
    return f'<a href="{href}" target="_blank" rel="noopener noreferrer" class="kb-primary">{text}</a>'


def card_html(hit: Hit, query: str, lang: str, extra_terms: Sequence[str] = ()) -> str:
    """The whole card body as one HTML block (no blank lines, so Markdown never re-enters)."""
    c = hit.citation
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    link = file_url(c.doc_id, c.source, c.page_start, base=f"/{base}" if base else "", section=c.section)
    open_label = open_label_for(c, lang)
    anchor = (
        f'<a href="{link}" target="_blank" rel="noopener noreferrer" class="kb-open">{safe_html(open_label)}</a>'
        if link
        else ""
    )
    return (
        f'<div class="kb-card" id="hit-{hit.rank}">'
        f'<div class="kb-card-title">[{hit.rank}] {safe_html(c.title)}</div>'
        f'<div class="kb-meta">{meta_line(hit, lang)}</div>'
        + (f'<div class="kb-source">{summarises_html(c, lang)}</div>' if c.summarises else "")
        + f'<div class="kb-passage">{highlight(hit.chunk.text, query, extra_terms)}</div>'
        f"{anchor}</div>"
    )


def render(hit: Hit, query: str, lang: str, *, select_key: str | None = None, extra_terms: Sequence[str] = ()) -> None:
    with st.container(border=True):
        st.markdown(card_html(hit, query, lang, extra_terms), unsafe_allow_html=True)
        left, right = st.columns([5, 1])
        with left:
            # st.code shows plain text with a copy button: nothing in it is interpreted.
            st.code(cite_text(hit.citation), language=None, wrap_lines=True)
        with right:
            if select_key:
                st.checkbox(t("card.select", lang), key=select_key)
