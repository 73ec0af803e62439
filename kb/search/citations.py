"""Citations: a hit's source as a reader cites it, and exports (text, BibTeX, RIS, CSV, Markdown)."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence
from urllib.parse import quote

from kb.records import Chunk, Citation, Document, Hit


def citation_for(chunk: Chunk) -> Citation:
    doc = chunk.doc
    return Citation(
        title=doc.title or Path(doc.source).stem,
        publisher=doc.publisher,
        year=doc.year,
        summarises=doc.summarises,
        source_url=doc.source_url,
        page_start=chunk.page_start,
        page_end=chunk.page_end,
        section=chunk.section,
        source=doc.source,
        url=doc.url,
        doc_id=chunk.doc_id,
        jurisdiction=doc.jurisdiction,
        language=chunk.language,
    )


def file_link(c: Citation) -> str:
    """A link that opens the file at the cited page (PDF viewers honour ``#page=N``)."""
    uri = Path(c.source).as_uri() if c.source and Path(c.source).is_absolute() else quote(c.source)
    return f"{uri}#page={c.page_start}" if c.page_start and c.source.lower().endswith(".pdf") else uri


def cite_text(c: Citation) -> str:
    """One line: Publisher (Year). Title. Section, p. N. [Summarising: primary document, publisher, year.]"""
    parts = []
    lead = c.publisher or ""
    if c.year:
        lead = f"{lead} ({c.year})" if lead else f"({c.year})"
    if lead:
        parts.append(lead + ".")
    parts.append(f"{c.title}.")
    where = ", ".join(x for x in (f"§ {c.section}" if c.section else "", c.pages) if x)
    if where:
        parts.append(where + ".")
    if c.summarises:
        parts.append(f"Summarising: {c.summarises}.")
    return " ".join(parts)


def _bib_escape(value: str, *, verbatim: bool = False) -> str:
    """A field value that cannot end its braces early or run TeX: controls, braces and backslashes replaced,
    TeX specials escaped (except in a URL, which BibTeX tools read verbatim)."""
    value = re.sub(r"[\x00-\x1f\x7f]+", " ", value).strip()
    value = value.replace("\\", " ").replace("{", "(").replace("}", ")")
    if verbatim:
        return value.replace(" ", "%20")
    return re.sub(r"([%&$#_^~])", r"\\\1", value).replace("\\^", "\\^{}").replace("\\~", "\\~{}")


# --- one entry per document ----------------------------------------------------------------------------


@dataclass
class CitedDocument:
    """A document as a citation manager holds it, with the passages of it that were cited (best rank first)."""

    doc_id: str
    title: str
    publisher: str
    year: int | None
    url: str  # the primary source's address where the catalog gives one, else the document's own
    language: str  # the document's language, never one passage's
    jurisdiction: str
    doc_type: str
    file_name: str  # the file's name only: a server path means nothing to whoever reads the export
    summarises: str = ""  # "Title (Publisher, Year)" of the primary document a research note summarises
    hits: list[Hit] = field(default_factory=list)

    @property
    def pages(self) -> list[str]:
        """The cited pages, in page order, without repeats ("3", "4–5")."""
        seen: dict[str, None] = {}
        for h in sorted(self.hits, key=lambda h: (h.chunk.page_start or 0, h.chunk.page_end or 0)):
            p = h.citation.pages.replace("pp. ", "").replace("p. ", "")
            if p:
                seen.setdefault(p)
        return list(seen)


def _field(doc: Document | None, name: str) -> Any:
    return getattr(doc, name, None) or None


def group_documents(hits: Sequence[Hit], documents: Mapping[str, Document] | None = None) -> list[CitedDocument]:
    """The hits gathered by document, in the order of each document's best hit. ``documents`` maps a doc_id to
    its record (``KnowledgeBase.documents_for(hits)``); by default each hit's own (``hit.chunk.doc``)."""
    out: dict[str, CitedDocument] = {}
    for h in hits:
        c, doc_id = h.citation, h.chunk.doc_id
        if doc_id not in out:
            doc = (documents or {}).get(doc_id) or h.chunk.doc
            src_title, src_pub, src_year = (
                _field(doc, "source_title"),
                _field(doc, "source_publisher"),
                _field(doc, "source_year"),
            )
            tail = ", ".join(str(x) for x in (src_pub, src_year) if x)
            out[doc_id] = CitedDocument(
                doc_id=doc_id,
                title=_field(doc, "title") or c.title,
                publisher=_field(doc, "publisher") or c.publisher,
                year=_field(doc, "year") or c.year,
                url=_field(doc, "source_url") or _field(doc, "url") or c.url,
                language=_field(doc, "language") or c.language,
                jurisdiction=_field(doc, "jurisdiction") or c.jurisdiction,
                doc_type=_field(doc, "doc_type") or "",
                file_name=Path(c.source).name if c.source else "",
                summarises=f"{src_title} ({tail})" if src_title and tail else (src_title or ""),
            )
        out[doc_id].hits.append(h)
    return list(out.values())


_KEY_STOPWORDS = {"a", "an", "the", "of", "and", "el", "la", "los", "las", "un", "una", "de", "del", "y", "en"}


def ascii_fold(text: str) -> str:
    """Accents dropped, letters kept: "Querétaro" → "Queretaro", "Año" → "Ano" (citation keys are ASCII)."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def cite_key(title: str, year: int | None, doc_id: str) -> str:
    """``queretaro2026_ab12cd``: the title's first significant word transliterated, the year, and the start of the
    content hash, so a key is stable across exports and unique per document."""
    words = [re.sub(r"[^a-z0-9]", "", w) for w in ascii_fold(title).lower().split()]
    word = next((w for w in words if w and w not in _KEY_STOPWORDS), "") or "doc"
    return f"{word[:24]}{year or ''}_{doc_id[:6]}"


def _where(h: Hit) -> str:
    c = h.citation
    return ", ".join(x for x in (c.pages, f"§ {c.section}" if c.section else "") if x)


def passage_note(h: Hit) -> str:
    """One cited passage as a note line: "p. 3, § Section: text"."""
    where = _where(h)
    return f"{where}: {_one_line(h.chunk.text)}" if where else _one_line(h.chunk.text)


LANGID = {"es": "spanish", "en": "english", "fr": "french", "pt": "portuguese", "de": "german", "nl": "dutch"}


def to_bibtex(hits: Sequence[Hit], documents: Mapping[str, Document] | None = None) -> str:
    """One @misc entry per document; the publisher is a corporate author (double braces, so BibTeX never splits
    it at "and"), the title keeps its capitals, the cited pages go in ``pages`` and the passages in ``annote``."""
    out = []
    for d in group_documents(hits, documents):
        pages = ", ".join(p.replace("–", "--") for p in d.pages)
        note = "; ".join(
            x
            for x in (
                f"Summarises: {d.summarises}" if d.summarises else "",
                "Cited: " + "; ".join(_where(h) for h in d.hits if _where(h)) if any(_where(h) for h in d.hits) else "",
            )
            if x
        )
        fields = [
            ("author", d.publisher, True),
            ("title", d.title, True),
            ("publisher", d.publisher, False),
            ("year", str(d.year or ""), False),
            ("pages", pages, False),
            ("url", d.url, False),
            ("language", d.language, False),
            ("langid", LANGID.get(d.language, ""), False),
            ("keywords", d.jurisdiction, False),
            ("note", note, False),
            ("annote", " || ".join(passage_note(h) for h in d.hits), False),
        ]
        body = ",\n".join(
            f"  {k} = {{{{{_bib_escape(v)}}}}}" if protect else f"  {k} = {{{_bib_escape(v, verbatim=k == 'url')}}}"
            for k, v, protect in fields
            if v
        )
        out.append(f"@misc{{{cite_key(d.title, d.year, d.doc_id)},\n{body}\n}}")
    return "\n\n".join(out) + ("\n" if out else "")


def to_ris(hits: Sequence[Hit], documents: Mapping[str, Document] | None = None) -> str:
    """RIS as Zotero reads it: ``TY`` first, ``ER`` last, one tag per line; one record per document, one ``N1``
    note per cited passage (Zotero makes each a child note)."""
    out = []
    for d in group_documents(hits, documents):
        rows = [
            ("TY", "RPRT"),
            ("ID", cite_key(d.title, d.year, d.doc_id)),
            ("TI", d.title),
            ("AU", d.publisher),
            ("PB", d.publisher),
            ("PY", str(d.year or "")),
            ("UR", d.url),
            ("LA", d.language),
            ("KW", d.jurisdiction),
            ("M3", d.doc_type),
        ]
        if len(d.hits) == 1 and d.hits[0].citation.page_start:
            c = d.hits[0].citation
            rows += [("SP", str(c.page_start)), ("EP", str(c.page_end or c.page_start))]
        if d.summarises:
            rows.append(("N1", f"Summarises: {d.summarises}"))
        rows += [("N1", passage_note(h)) for h in d.hits]
        rows.append(("DB", "policy-kb"))
        lines = [f"{tag}  - {_one_line(val)}" for tag, val in rows if _one_line(val)]
        out.append("\n".join(lines + ["ER  - "]))
    return "\n\n".join(out) + ("\n" if out else "")


def _one_line(text: str) -> str:
    # RIS is line-based: a newline inside a value would start a forged tag.
    return re.sub(r"[\x00-\x1f\x7f]+", " ", text).strip()


def _csv_safe(value: object) -> str:
    # Spreadsheets run cells that start with = + - @ as formulas.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


CSV_FIELDS = (
    "rank",
    "score",
    "title",
    "publisher",
    "year",
    "jurisdiction",
    "language",
    "document_language",
    "pages",
    "section",
    "url",
    "file",
    "legs",
    "text",
    "summarises",
)


def to_csv(hits: Sequence[Hit], documents: Mapping[str, Document] | None = None) -> str:
    """One row per passage (a table of hits), with its document's URL and file name, never a server path."""
    docs = {d.doc_id: d for d in group_documents(hits, documents)}
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_FIELDS)
    for h in hits:
        c, d = h.citation, docs[h.chunk.doc_id]
        writer.writerow(
            [
                _csv_safe(v)
                for v in (
                    h.rank,
                    f"{h.score:.4f}",
                    d.title,
                    d.publisher,
                    d.year or "",
                    d.jurisdiction,
                    c.language,
                    d.language,
                    c.pages,
                    c.section,
                    d.url,
                    d.file_name,
                    "+".join(h.legs),
                    h.chunk.text,
                    d.summarises,
                )
            ]
        )
    return buf.getvalue()


def md_escape(text: str) -> str:
    """Inert in any Markdown renderer (no links, images, HTML, code or emphasis from document text) yet readable
    as plain text: only the characters that could start such a construct are escaped, so "Tabasco (MX)" and
    "plan_2044" stay as written."""
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", text)
    text = re.sub(r"\\(?=[!-/:-@\[-`{-~])", r"\\\\", text)  # a backslash that would escape what follows
    text = re.sub(r"([`*\[\]])", r"\\\1", text)  # code, emphasis, links and images
    text = re.sub(r"<(?=[A-Za-z/!?])", r"\\<", text)  # HTML tags and autolinks
    text = re.sub(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])", r"\\_", text)  # emphasis (intraword _ is inert)
    text = text.replace("~~", "\\~\\~")
    return re.sub(r"^(\s*)([#>+=|-])", r"\1\\\2", text)  # block markers at the start of a line


def to_markdown(hits: Sequence[Hit], documents: Mapping[str, Document] | None = None, *, heading: str = "") -> str:
    """One numbered entry per document (its citation and address), its cited passages quoted under it."""
    lines = [f"# {md_escape(heading)}", ""] if heading else []
    for n, d in enumerate(group_documents(hits, documents), start=1):
        lead = ". ".join(x for x in (f"{d.publisher} ({d.year})" if d.year else d.publisher, d.title) if x)
        lines.append(f"{n}. {md_escape(lead)}." + (f" <{d.url}>" if d.url and _safe_url(d.url) else ""))
        if d.summarises:
            lines.append(f"   Summarises: {md_escape(d.summarises)}.")
        lines.append("")
        for h in d.hits:
            where = _where(h)
            lines.append("   > " + (f"{md_escape(where)}: " if where else "") + md_escape(_one_line(h.chunk.text)))
            lines.append("")
    return "\n".join(lines)


def _safe_url(url: str) -> bool:
    return bool(re.match(r"^https?://[^\s<>]+$", url))


EXPORTERS: dict[str, Callable[..., str]] = {
    "bibtex": to_bibtex,
    "ris": to_ris,
    "csv": to_csv,
    "markdown": to_markdown,
}
