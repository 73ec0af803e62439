"""Citations: a hit's source as a reader cites it, and exports (text, BibTeX, RIS, CSV, Markdown)."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence
from urllib.parse import quote, urlsplit

from kb.records import Chunk, Citation, Document, Hit


def citation_for(chunk: Chunk) -> Citation:
    doc = chunk.doc
    return Citation(
        title=doc.title or Path(doc.source).stem,
        publisher=doc.publisher,
        year=doc.year,
        summarises=doc.summarises,
        source_url=doc.source_url,
        source_title=doc.source_title,
        source_publisher=doc.source_publisher,
        source_year=doc.source_year,
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


BOM = "\ufeff"  # Excel on Windows reads a CSV as UTF-8 only when it starts with one

WORDS = {  # lang → (a research note summarising, undated)
    "es": ("nota de investigación que resume", "s. f."),
    "en": ("research note summarising", "n.d."),
}


def _year(year: int | None, lang: str) -> str:
    return str(year) if year else WORDS["es" if lang == "es" else "en"][1]


def attribution(c: Citation, lang: str = "en", *, italic: bool = False) -> str:
    """Who wrote the cited item and when, and, for a research note, what it summarises and when that was published,
    as one sentence: "policy-kb team (2026), research note summarising: Government of Tabasco (2024), *Plan…*".
    The card, the citation box and every export say it the same way. "" when nothing is known."""
    who = f"{c.publisher} ({_year(c.year, lang)})" if c.publisher else (f"({c.year})" if c.year else "")
    if not c.source_title:
        return who
    title = f"*{c.source_title}*" if italic else c.source_title
    src = f"{c.source_publisher} ({_year(c.source_year, lang)}), " if c.source_publisher else ""
    if not c.source_publisher and c.source_year:
        src = f"({c.source_year}), "
    words = WORDS["es" if lang == "es" else "en"][0]
    return f"{who}, {words}: {src}{title}" if who else f"{words[0].upper()}{words[1:]}: {src}{title}"


def cite_text(c: Citation, lang: str = "en") -> str:
    """The attribution sentence, then the cited item's title and where in it: "Gobierno de Tabasco (2024). Plan.
    § Pilares, p. 3." or "policy-kb team (2026), research note summarising: Government of Tabasco (2024), Plan….
    Research note: Tabasco. § Pilares."."""
    parts = []
    lead = attribution(c, lang)
    if lead:
        parts.append(lead.rstrip(".") + ".")
    parts.append(f"{c.title.rstrip('.')}.")
    where = ", ".join(x for x in (f"§ {c.section}" if c.section else "", c.pages) if x)
    if where:
        parts.append(where + ".")
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
    attribution: str = ""  # the one sentence the card and the citation box say (``attribution``), in English
    source_year: int | None = None  # the summarised document's year
    links: list[str] = field(
        default_factory=list
    )  # every address to open: the summarised document, a profile's sources

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


def deep_link(url: str | None) -> bool:
    """An http(s) address of a document rather than of a site: a bare domain (``https://edb.gov.sg``) or a
    language or section code (``https://www.oecd.org/sti``, ``https://www.gob.mx/se``) is a homepage, not what a note
    summarises, so an export leaves it out rather than send a reader there."""
    if not url or not re.match(r"^https?://[^\s/]+\.[^\s/]+", url):
        return False
    parts = urlsplit(url)
    path = parts.path.strip("/")
    return bool(parts.query) or (bool(path) and ("/" in path or "." in path or len(path) > 3))


def profile_links(source: str) -> list[str]:
    """The addresses of a strategy profile's sources, in the order it cites them ([] when its file is unreadable)."""
    from kb.compare.profiles import ProfileError, load_profile

    try:
        return list(dict.fromkeys(s.url for s in load_profile(source).sources()))
    except (OSError, ProfileError):
        return []


def group_documents(hits: Sequence[Hit], documents: Mapping[str, Document] | None = None) -> list[CitedDocument]:
    """The hits gathered by document, in the order of each document's best hit. ``documents`` maps a doc_id to
    its record (``KnowledgeBase.documents_for(hits)``); by default each hit's own (``hit.chunk.doc``).

    Each document's ``links``: the summarised document's address (a research note), its sources' (a strategy
    profile), or its own, deep links only (``deep_link``); ``url`` is the first of them."""
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
            doc_type = _field(doc, "doc_type") or ""
            candidates = [_field(doc, "source_url") or c.source_url]
            if doc_type == "profile":
                candidates += profile_links(_field(doc, "source") or c.source)
            if not src_title:  # a note's own url is its catalog entry's, not the summarised document's
                candidates.append(_field(doc, "url") or c.url)
            links = list(dict.fromkeys(u for u in candidates if deep_link(u)))
            whole = replace(
                c,
                title=_field(doc, "title") or c.title,
                publisher=_field(doc, "publisher") or c.publisher,
                year=_field(doc, "year") or c.year,
                source_title=src_title or "",
                source_publisher=src_pub or "",
                source_year=src_year,
            )
            out[doc_id] = CitedDocument(
                doc_id=doc_id,
                title=whole.title,
                publisher=whole.publisher,
                year=whole.year,
                url=links[0] if links else "",
                language=_field(doc, "language") or c.language,
                jurisdiction=_field(doc, "jurisdiction") or c.jurisdiction,
                doc_type=doc_type,
                file_name=Path(c.source).name if c.source else "",
                summarises=f"{src_title} ({tail})" if src_title and tail else (src_title or ""),
                attribution=attribution(whole),
                source_year=src_year,
                links=links,
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
                d.attribution if d.summarises else "",
                "Links: " + "; ".join(d.links[1:]) if len(d.links) > 1 else "",
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
            # A corporate author: the trailing comma makes the whole name the last name ("Lastname, Firstname"
            # per the RIS spec; EndNote's rule for corporate authors), so no reader splits off a first name.
            ("AU", f"{d.publisher}," if d.publisher else ""),
            ("PB", d.publisher),
            ("PY", str(d.year or "")),
            *(("UR", u) for u in d.links),
            ("LA", d.language),
            ("KW", d.jurisdiction),
            ("M3", d.doc_type),
        ]
        if len(d.hits) == 1 and d.hits[0].citation.page_start:
            c = d.hits[0].citation
            rows += [("SP", str(c.page_start)), ("EP", str(c.page_end or c.page_start))]
        if d.summarises:
            rows.append(("N1", d.attribution))
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
    "attribution",
    "source_year",
)


def to_csv(hits: Sequence[Hit], documents: Mapping[str, Document] | None = None) -> str:
    """One row per passage (a table of hits), with its document's URL and file name, never a server path; UTF-8
    with a byte-order mark, so Excel reads the accents."""
    docs = {d.doc_id: d for d in group_documents(hits, documents)}
    buf = io.StringIO()
    buf.write(BOM)
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
                    d.attribution,
                    d.source_year or "",
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
        lead = ". ".join(x for x in (d.attribution, d.title) if x)
        links = " ".join(f"<{u}>" for u in d.links if _safe_url(u))
        lines.append(f"{n}. {md_escape(lead)}." + (f" {links}" if links else ""))
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
