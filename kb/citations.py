"""Citations: a hit's source as a reader cites it, and exports (text, BibTeX, RIS, CSV, Markdown)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Callable, Sequence
from urllib.parse import quote

from kb.records import Chunk, Citation, Hit


def citation_for(chunk: Chunk) -> Citation:
    return Citation(
        title=chunk.title or Path(chunk.source).stem, publisher=chunk.publisher, year=chunk.year,
        page_start=chunk.page_start, page_end=chunk.page_end, section=chunk.section, source=chunk.source,
        url=chunk.url, doc_id=chunk.doc_id, jurisdiction=chunk.jurisdiction, language=chunk.language,
    )


def file_link(c: Citation) -> str:
    """A link that opens the file at the cited page (PDF viewers honour ``#page=N``)."""
    uri = Path(c.source).as_uri() if c.source and Path(c.source).is_absolute() else quote(c.source)
    return f"{uri}#page={c.page_start}" if c.page_start and c.source.lower().endswith(".pdf") else uri


def cite_text(c: Citation) -> str:
    """One line: Publisher (Year). Title. Section, p. N."""
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
    return " ".join(parts)


def _bib_escape(value: str, *, verbatim: bool = False) -> str:
    """A field value that cannot end its braces early or run TeX: controls, braces and backslashes replaced,
    TeX specials escaped (except in a URL, which BibTeX tools read verbatim)."""
    value = re.sub(r"[\x00-\x1f\x7f]+", " ", value).strip()
    value = value.replace("\\", " ").replace("{", "(").replace("}", ")")
    if verbatim:
        return value.replace(" ", "%20")
    return re.sub(r"([%&$#_^~])", r"\\\1", value).replace("\\^", "\\^{}").replace("\\~", "\\~{}")


def _key(c: Citation, n: int) -> str:
    word = re.sub(r"[^a-z0-9]", "", (c.title.split() or ["doc"])[0].lower()) or "doc"
    return f"{word}{c.year or ''}_{c.doc_id[:6]}_{n}"


def to_bibtex(hits: Sequence[Hit]) -> str:
    """@misc entries; the publisher is a corporate author (double braces, so BibTeX never splits it at "and"),
    the title keeps its capitals, and the passage goes in ``annote``."""
    out = []
    for n, h in enumerate(hits, start=1):
        c = h.citation
        pages = c.pages.replace("pp. ", "").replace("p. ", "").replace("–", "--")
        fields = [("author", c.publisher, True), ("title", c.title, True), ("publisher", c.publisher, False),
                  ("year", str(c.year or ""), False), ("pages", pages, False), ("url", c.url, False),
                  ("note", f"Section: {c.section}" if c.section else "", False), ("language", c.language, False),
                  ("annote", h.chunk.text, False)]
        body = ",\n".join(f"  {k} = {{{{{_bib_escape(v)}}}}}" if protect
                          else f"  {k} = {{{_bib_escape(v, verbatim=k == 'url')}}}" for k, v, protect in fields if v)
        out.append(f"@misc{{{_key(c, n)},\n{body}\n}}")
    return "\n\n".join(out) + ("\n" if out else "")


def to_ris(hits: Sequence[Hit]) -> str:
    """RIS as Zotero reads it: ``TY`` first, ``ER`` last, one tag per line, the passage and section in a note."""
    out = []
    for h in hits:
        c = h.citation
        note = " ".join(x for x in (f"Section: {c.section}." if c.section else "",
                                    f"Passage ({c.pages}):" if c.pages else "Passage:", h.chunk.text) if x)
        rows = [("TY", "RPRT"), ("TI", c.title), ("AU", c.publisher), ("PB", c.publisher), ("PY", str(c.year or "")),
                ("SP", str(c.page_start or "")), ("EP", str(c.page_end or "")), ("UR", c.url), ("LA", c.language),
                ("KW", c.jurisdiction), ("N1", note), ("DB", "policy-kb")]
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


CSV_FIELDS = ("rank", "score", "title", "publisher", "year", "jurisdiction", "language", "pages", "section",
              "source", "url", "legs", "text")


def to_csv(hits: Sequence[Hit]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_FIELDS)
    for h in hits:
        c = h.citation
        writer.writerow([_csv_safe(v) for v in (h.rank, f"{h.score:.4f}", c.title, c.publisher, c.year or "",
                                                 c.jurisdiction, c.language, c.pages, c.section, c.source, c.url,
                                                 "+".join(h.legs), h.chunk.text)])
    return buf.getvalue()


def md_escape(text: str) -> str:
    # Inert in any Markdown renderer: no links, images, HTML or emphasis from document text.
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", text)
    return re.sub(r"([\\`*_{}\[\]()<>#+!|~])", r"\\\1", text)


def to_markdown(hits: Sequence[Hit], *, heading: str = "") -> str:
    lines = [f"# {md_escape(heading)}", ""] if heading else []
    for h in hits:
        c = h.citation
        lines.append(f"{h.rank}. **{md_escape(c.title)}** — {md_escape(cite_text(c))}")
        lines.append("")
        lines.append("   > " + md_escape(h.chunk.text).replace("\n", " "))
        lines.append("")
    return "\n".join(lines)


EXPORTERS: dict[str, Callable[[Sequence[Hit]], str]] = {
    "bibtex": to_bibtex, "ris": to_ris, "csv": to_csv, "markdown": to_markdown,
}
