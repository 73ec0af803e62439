"""Build the shipped corpus: render corpus/_sources/*.md into PDFs and write corpus/catalog.csv.

Usage:
    python scripts/build_corpus.py [--corpus corpus] [--check]

Each ``_sources/<name>.md`` note (YAML front matter + Markdown body) becomes
``pdf/<name>.pdf``: A4, title block on page 1, styled headings, paragraphs and
bullet lists, a running header (short title + jurisdiction) and a footer
("policy-kb team · <year>", "Page N of M" / "Página N de M") on every page, and
PDF metadata (/Title, /Author, /Subject, /Keywords, /Lang). Output is
byte-for-byte deterministic (reportlab ``invariant=1``), so ``--check`` can
compare what is on disk with what would be built and exit non-zero on any
difference. (Byte-identical for the same reportlab version: a reportlab upgrade may
change the bytes, and then the corpus is simply rebuilt.)

The catalog has one row per ingestible document: ``md/*.md`` (metadata from
their own front matter) and ``pdf/<name>.pdf`` (metadata from
``_sources/<name>.md``). Rows a user added for other files are kept as long as
the file exists.
"""

from __future__ import annotations

import argparse
import csv
import functools
import io
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    HRFlowable,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Preformatted,
    Spacer,
    Table,
    TableStyle,
)

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent / "corpus"
CATALOG_FIELDS: tuple[str, ...] = (
    "file",
    "title",
    "publisher",
    "year",
    "jurisdiction",
    "level",
    "doc_type",
    "language",
    "topics",
    "url",
    "licence",
    # The primary document a research note summarises (#11): title, publisher, year and a deep link,
    # or in source_note why there is none ("no public copy found") or why a reference is a homepage.
    "source_title",
    "source_publisher",
    "source_year",
    "source_url",
    "source_note",
)
# Columns a note may leave empty without a warning: source_note always; source_url and source_year when
# source_note says why (no public copy, deep link not verified, a synthesis of several sources).
OPTIONAL_FIELDS = frozenset({"source_note", "source_url", "source_year"})
# Written into every generated PDF's /Creator, so stale generated PDFs can be told from user PDFs.
CREATOR = "policy-kb scripts/build_corpus.py"
FOOTER_TEAM = "policy-kb team"
PAGE_LABEL = {"es": "Página {n} de {m}", "en": "Page {n} of {m}"}
BASE_FONT, BOLD_FONT, ITALIC_FONT, BOLD_ITALIC_FONT = (
    "Helvetica",
    "Helvetica-Bold",
    "Helvetica-Oblique",
    "Helvetica-BoldOblique",
)
HEADER_TITLE_MAX = 70  # characters of the title kept in the running header
HEADING_MIN_LINES_AFTER = 4  # body lines that must fit below a heading on its page
HEADER_MIN_PREFIX = 25  # a title's part before ":" must be this long to stand for it

# Page geometry: generous margins and 11/16 pt text give ~350-450 words per page.
PAGE_W, PAGE_H = A4
MARGIN_X = 2.8 * cm
MARGIN_TOP = 2.8 * cm
MARGIN_BOTTOM = 2.6 * cm
HEADER_Y = PAGE_H - 1.6 * cm
FOOTER_Y = 1.4 * cm


# --------------------------------------------------------------------------- helpers

_SOURCE_PATH = re.compile(r"^(|.*/)_sources/([^/]+)\.md$")


def source_to_document(path: str) -> str:
    """Map a source note to the document the ingester sees: "_sources/x.md" -> "pdf/x.pdf".

    A leading folder is kept ("corpus/_sources/x.md" -> "corpus/pdf/x.pdf"); any other
    path (e.g. "md/y.md") is returned unchanged, so eval relevance keys can all be
    passed through this function.
    """
    match = _SOURCE_PATH.match(path.replace("\\", "/"))
    return f"{match.group(1)}pdf/{match.group(2)}.pdf" if match else path


@dataclass(frozen=True)
class Note:
    """A Markdown note split into its front matter and body."""

    path: Path
    meta: dict[str, Any]
    body: str

    @property
    def language(self) -> str:
        return str(self.meta.get("language") or "en").strip().lower()[:2]

    def value(self, key: str) -> str:
        """A front-matter value as catalog text (lists joined with "; ")."""
        value = self.meta.get(key)
        if value is None:
            return ""
        if isinstance(value, (list, tuple)):
            return "; ".join(str(v).strip() for v in value if str(v).strip())
        return str(value).strip()

    @property
    def topics(self) -> list[str]:
        value = self.meta.get("topics") or []
        if isinstance(value, str):
            value = re.split(r"\s*[;,]\s*", value)
        return [str(v).strip() for v in value if str(v).strip()]


_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)


def read_note(path: Path) -> Note:
    """Parse a Markdown file with optional YAML front matter."""
    text = path.read_text(encoding="utf-8")
    match = _FRONT_MATTER.match(text)
    if not match:
        return Note(path, {}, text.lstrip("\ufeff"))
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: front matter is not valid YAML: {exc}") from exc
    if not isinstance(meta, dict):
        raise ValueError(f"{path}: front matter is not a mapping")
    return Note(path, meta, text[match.end() :])


# --------------------------------------------------------------------------- text -> WinAnsi

# Characters outside Windows-1252 (what the standard Helvetica can show) and their stand-ins.
_WINANSI_SUBSTITUTES = {
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2212": "-",  # hyphens and minus
    "\u2192": "->",
    "\u2190": "<-",
    "\u2194": "<->",
    "\u21d2": "=>",
    "\u2264": "<=",
    "\u2265": ">=",
    "\u2248": "~",
    "\u2260": "!=",
    "\u2009": " ",
    "\u202f": " ",
    "\u2007": " ",
    "\u200b": "",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb00": "ff",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
}


def to_winansi(text: str, *, where: str = "") -> str:
    """Return text that the standard PDF fonts can render, warning about anything replaced."""
    out: list[str] = []
    for ch in text:
        try:
            ch.encode("cp1252")
            out.append(ch)
            continue
        except UnicodeEncodeError:
            pass
        if ch in _WINANSI_SUBSTITUTES:
            out.append(_WINANSI_SUBSTITUTES[ch])
            continue
        folded = unicodedata.normalize("NFKD", ch)
        folded = "".join(c for c in folded if not unicodedata.combining(c))
        try:
            folded.encode("cp1252")
            out.append(folded)
        except UnicodeEncodeError:
            print(
                f"warning: {where}: U+{ord(ch):04X} {unicodedata.name(ch, '?')} "
                "cannot be shown in Helvetica; replaced by '?'",
                file=sys.stderr,
            )
            out.append("?")
    return "".join(out)


# --------------------------------------------------------------------------- Markdown blocks


@dataclass
class Block:
    """One Markdown block: heading, paragraph, list item, quote, table or rule."""

    kind: str  # "h1" | "h2" | "h3" | "h4" | "p" | "li" | "quote" | "code" | "table" | "hr"
    text: str = ""
    bullet: str = ""  # "•" or "3." for list items
    depth: int = 0  # list nesting level
    rows: list[list[str]] = field(default_factory=list)


_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^(\s*)[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^(\s*)(\d+)[.)]\s+(.*)$")
_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,})\s*$")
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")


def parse_blocks(body: str) -> list[Block]:
    """Split a Markdown body into blocks (CommonMark subset used by the notes)."""
    blocks: list[Block] = []
    current: Block | None = None  # paragraph / list item / quote being continued
    lines = body.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].rstrip()
        i += 1
        if not line.strip():
            current = None
            continue
        if line.lstrip().startswith("```"):
            code: list[str] = []
            while i < len(lines) and not lines[i].lstrip().startswith("```"):
                code.append(lines[i].rstrip())
                i += 1
            i += 1  # the closing fence
            blocks.append(Block("code", "\n".join(code)))
            current = None
        elif m := _HEADING.match(line):
            blocks.append(Block(f"h{min(len(m.group(1)), 4)}", m.group(2)))
            current = None
        elif _RULE.match(line):
            blocks.append(Block("hr"))
            current = None
        elif line.lstrip().startswith("|"):
            rows = [line]
            while i < len(lines) and lines[i].lstrip().startswith("|"):
                rows.append(lines[i].rstrip())
                i += 1
            cells = [_split_row(r) for r in rows if not _TABLE_SEP.match(r)]
            blocks.append(Block("table", rows=cells))
            current = None
        elif m := _BULLET.match(line):
            current = Block("li", m.group(2), "\u2022", _depth(m.group(1)))
            blocks.append(current)
        elif m := _NUMBERED.match(line):
            current = Block("li", m.group(3), f"{m.group(2)}.", _depth(m.group(1)))
            blocks.append(current)
        elif line.lstrip().startswith(">"):
            text = line.lstrip()[1:].strip()
            if current is not None and current.kind == "quote":
                current.text += " " + text
            else:
                current = Block("quote", text)
                blocks.append(current)
        elif current is not None:
            current.text += " " + line.strip()  # lazy continuation line
        else:
            current = Block("p", line.strip())
            blocks.append(current)
    return blocks


def _depth(indent: str) -> int:
    return min(len(indent.expandtabs(4)) // 2, 2)


def _split_row(row: str) -> list[str]:
    row = row.strip()
    row = row[1:] if row.startswith("|") else row
    row = row[:-1] if row.endswith("|") else row
    return [c.strip() for c in row.split("|")]


# --------------------------------------------------------------------------- inline markup

_CODE = re.compile(r"`([^`]+)`")
_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
_BOLD = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_ITALIC = re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])")
_AUTOLINK = re.compile(r"<(https?://[^>\s]+)>")


def escape(text: str) -> str:
    """Escape text for reportlab's Paragraph mini-markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def inline_markup(text: str, *, where: str = "") -> str:
    """Convert Markdown inline syntax to reportlab Paragraph markup (everything else escaped)."""
    text = to_winansi(text, where=where)
    text = _AUTOLINK.sub(r"\1", text)
    stash: list[str] = []

    def keep(markup: str) -> str:
        stash.append(markup)
        return f"\x00{len(stash) - 1}\x00"

    # Code spans and links first, so their contents are not read as emphasis.
    text = _CODE.sub(lambda m: keep(f'<font face="Courier">{escape(m.group(1))}</font>'), text)
    text = _LINK.sub(lambda m: keep(_link(m.group(1), m.group(2))), text)
    text = _emphasis(escape(text))
    # Helvetica's bullet is code 0x7F, which pypdf extracts as DEL; Symbol's extracts as "•".
    text = text.replace("\u2022", '<font face="Symbol">\u2022</font>')
    return re.sub(r"\x00(\d+)\x00", lambda m: stash[int(m.group(1))], text)


def _link(label: str, url: str) -> str:
    """A clickable link that also prints its address, so the text keeps the URL."""
    href = escape(url).replace('"', "&quot;")
    shown = _emphasis(escape(label))
    if plain_text(label).strip() != url:
        shown += f" ({escape(url)})"
    return f'<link href="{href}" color="#1f4e79">{shown}</link>'


def _emphasis(text: str) -> str:
    text = _BOLD.sub(r"<b>\2</b>", text)
    return _ITALIC.sub(r"<i>\1</i>", text)


def plain_text(text: str) -> str:
    """Inline Markdown stripped to plain text (for titles, headers, outline entries)."""
    text = _LINK.sub(r"\1", _CODE.sub(r"\1", text))
    text = _BOLD.sub(r"\2", text)
    return _ITALIC.sub(r"\1", text).strip()


def short_title(title: str, limit: int = HEADER_TITLE_MAX) -> str:
    """A running-header form of a title: the part before a colon or dash if it says enough
    ("USMCA rules of origin: ..."), else the title itself ("Tabasco: ..."), cut at a word."""
    head = re.split(r"\s*(?::|\s[\u2013\u2014-]\s)\s*", title, maxsplit=1)[0].strip()
    if len(head) < HEADER_MIN_PREFIX:
        head = title.strip()
    if len(head) <= limit:
        return head
    words = head[: limit - 1].rsplit(" ", 1)[0].split()
    while len(words) > 1 and words[-1].lower().strip(",;:") in _DANGLING:
        words.pop()  # do not end on "and…" / "y…"
    return " ".join(words).rstrip(" ,;:.-") + "\u2026"


_DANGLING = frozenset("a and de del el en for in la las los of on the to y".split())


# --------------------------------------------------------------------------- styles


def _styles() -> dict[str, ParagraphStyle]:
    body = ParagraphStyle(
        "body",
        fontName=BASE_FONT,
        fontSize=11,
        leading=16,
        alignment=TA_LEFT,
        spaceAfter=7,
        textColor=colors.black,
    )
    return {
        "title": ParagraphStyle(
            "title",
            parent=body,
            fontName=BOLD_FONT,
            fontSize=20,
            leading=25,
            spaceAfter=8,
            textColor=colors.HexColor("#12304f"),
        ),
        "meta": ParagraphStyle(
            "meta", parent=body, fontSize=9.5, leading=13, textColor=colors.HexColor("#555555"), spaceAfter=2
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=body,
            fontName=BOLD_FONT,
            fontSize=14,
            leading=18,
            spaceBefore=12,
            spaceAfter=6,
            textColor=colors.HexColor("#12304f"),
        ),
        "h3": ParagraphStyle(
            "h3",
            parent=body,
            fontName=BOLD_FONT,
            fontSize=12,
            leading=16,
            spaceBefore=9,
            spaceAfter=4,
            textColor=colors.HexColor("#1f4e79"),
        ),
        "h4": ParagraphStyle(
            "h4", parent=body, fontName=BOLD_ITALIC_FONT, fontSize=11, leading=15, spaceBefore=6, spaceAfter=3
        ),
        "body": body,
        "quote": ParagraphStyle(
            "quote",
            parent=body,
            fontName=ITALIC_FONT,
            leftIndent=18,
            rightIndent=18,
            textColor=colors.HexColor("#333333"),
        ),
        "li": ParagraphStyle("li", parent=body, spaceAfter=3),
        "code": ParagraphStyle("code", parent=body, fontName="Courier", fontSize=9, leading=11, leftIndent=12),
        "cell": ParagraphStyle("cell", parent=body, fontSize=9.5, leading=12, spaceAfter=0),
    }


class Heading(Paragraph):
    """A section heading paragraph that also adds a PDF outline (bookmark) entry."""

    def __init__(self, text: str, style: ParagraphStyle, *, level: int, label: str) -> None:
        super().__init__(text, style)
        self.outline_level = level
        self.outline_label = label


# --------------------------------------------------------------------------- page decoration


@dataclass(frozen=True)
class PageDecor:
    """What is drawn on every page outside the text frame."""

    header_left: str
    header_right: str
    footer_left: str
    page_label: str  # "Page {n} of {m}" in the document's language


class DecoratedCanvas(Canvas):
    """A canvas that defers pages so it can write "Page N of M" once M is known."""

    def __init__(self, *args: Any, decor: PageDecor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._decor = decor
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 (reportlab API)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._draw_decor(number, total)
            super().showPage()
        super().save()

    def _draw_decor(self, number: int, total: int) -> None:
        d = self._decor
        grey = colors.HexColor("#666666")
        self.saveState()
        self.setFillColor(grey)
        self.setStrokeColor(colors.HexColor("#bbbbbb"))
        self.setLineWidth(0.5)
        self.setFont(BASE_FONT, 8.5)
        self.drawString(MARGIN_X, HEADER_Y, d.header_left)
        self.drawRightString(PAGE_W - MARGIN_X, HEADER_Y, d.header_right)
        self.line(MARGIN_X, HEADER_Y - 4, PAGE_W - MARGIN_X, HEADER_Y - 4)
        self.line(MARGIN_X, FOOTER_Y + 11, PAGE_W - MARGIN_X, FOOTER_Y + 11)
        self.drawString(MARGIN_X, FOOTER_Y, d.footer_left)
        self.drawRightString(PAGE_W - MARGIN_X, FOOTER_Y, d.page_label.format(n=number, m=total))
        self.restoreState()


class NoteDocTemplate(BaseDocTemplate):
    """A4 single-frame template whose headings become PDF outline entries."""

    _outline_level = -1  # level of the last outline entry (-1: none yet)

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 (reportlab API)
        if isinstance(flowable, Heading):
            key = f"h{self.seq.nextf('heading')}"
            # PDF outlines cannot skip a level ("#" then "###"): nest one deeper at most.
            level = min(flowable.outline_level, self._outline_level + 1)
            self._outline_level = level
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.outline_label, key, level=level)


# --------------------------------------------------------------------------- rendering


def build_story(note: Note) -> list[Flowable]:
    """Turn a note into platypus flowables: title block, then its body blocks."""
    st = _styles()
    where = note.path.name
    blocks = parse_blocks(note.body)
    title = str(note.meta.get("title") or "").strip()
    if blocks and blocks[0].kind == "h1":
        title = title or plain_text(blocks[0].text)
        blocks = blocks[1:]  # the "# Title" line is the title block below
    title = title or note.path.stem

    meta_line = " \u00b7 ".join(
        x for x in (note.value("publisher"), note.value("jurisdiction"), note.value("year")) if x
    )
    story: list[Flowable] = [
        Heading(
            inline_markup(title, where=where), st["title"], level=0, label=to_winansi(plain_text(title), where=where)
        ),
    ]
    if meta_line:
        story.append(Paragraph(inline_markup(meta_line, where=where), st["meta"]))
    story += [
        Spacer(1, 4),
        HRFlowable(width="100%", thickness=0.8, color=colors.HexColor("#12304f"), spaceAfter=10),
    ]
    for block in blocks:
        story.extend(_render_block(block, st, where))
    return story


def _render_block(block: Block, st: dict[str, ParagraphStyle], where: str) -> Iterator[Flowable]:
    if block.kind in ("h1", "h2", "h3", "h4"):
        style = st["h2"] if block.kind in ("h1", "h2") else st[block.kind]
        level = {"h1": 1, "h2": 1, "h3": 2, "h4": 3}[block.kind]
        # Never strand a heading at a page bottom: start a new page unless a few lines follow it.
        yield CondPageBreak(
            style.spaceBefore + style.leading + style.spaceAfter + HEADING_MIN_LINES_AFTER * st["body"].leading
        )
        yield Heading(
            inline_markup(block.text, where=where),
            style,
            level=level,
            label=to_winansi(plain_text(block.text), where=where),
        )
    elif block.kind == "p":
        yield Paragraph(inline_markup(block.text, where=where), st["body"])
    elif block.kind == "quote":
        yield Paragraph(inline_markup(block.text, where=where), st["quote"])
    elif block.kind == "li":
        indent = 16 + 16 * block.depth
        style = ParagraphStyle(f"li{block.depth}", parent=st["li"], leftIndent=indent, bulletIndent=indent - 12)
        if block.bullet == "\u2022":  # see inline_markup: Symbol's bullet extracts cleanly
            style.bulletFontName = "Symbol"
        yield Paragraph(inline_markup(block.text, where=where), style, bulletText=block.bullet)
    elif block.kind == "code":
        yield Preformatted(to_winansi(block.text, where=where), st["code"])
    elif block.kind == "hr":
        yield HRFlowable(width="100%", thickness=0.5, color=colors.HexColor("#bbbbbb"), spaceBefore=4, spaceAfter=8)
    elif block.kind == "table" and block.rows:
        width = max(len(r) for r in block.rows)
        data = [
            [Paragraph(inline_markup(c, where=where), st["cell"]) for c in r] + [""] * (width - len(r))
            for r in block.rows
        ]
        table = Table(data, colWidths=[(PAGE_W - 2 * MARGIN_X) / width] * width, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef4")),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        yield KeepTogether([table, Spacer(1, 8)]) if len(data) <= 8 else table


def render_pdf(note: Note) -> bytes:
    """Render one source note to PDF bytes (deterministic for the same input)."""
    where = note.path.name
    title = plain_text(str(note.meta.get("title") or note.path.stem))
    lang = note.language
    year = note.value("year")
    decor = PageDecor(
        header_left=to_winansi(short_title(title), where=where),
        header_right=to_winansi(note.value("jurisdiction"), where=where),
        footer_left=f"{FOOTER_TEAM} \u00b7 {year}" if year else FOOTER_TEAM,
        page_label=PAGE_LABEL.get(lang, PAGE_LABEL["en"]),
    )
    subject = " \u00b7 ".join(
        x for x in (note.value("doc_type"), note.value("jurisdiction"), note.value("level"), year) if x
    )
    buffer = io.BytesIO()
    doc = NoteDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN_X,
        rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=to_winansi(title, where=where),
        author=to_winansi(note.value("publisher"), where=where),
        subject=to_winansi(subject, where=where),
        keywords=[to_winansi(t, where=where) for t in note.topics],
        creator=CREATOR,
        lang=lang or None,
        invariant=1,
        displayDocTitle=1,
    )
    frame = Frame(
        doc.leftMargin,
        doc.bottomMargin,
        doc.width,
        doc.height,
        id="body",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc.addPageTemplates([PageTemplate(id="note", frames=[frame])])
    doc.build(build_story(note), canvasmaker=functools.partial(DecoratedCanvas, decor=decor))
    return buffer.getvalue()


# --------------------------------------------------------------------------- catalog


def catalog_row(file: str, note: Note) -> dict[str, str]:
    """One catalog row for a document whose metadata is in a note's front matter."""
    row = {name: note.value(name) for name in CATALOG_FIELDS[1:]}
    row["file"] = file
    return row


def read_catalog(path: Path) -> list[dict[str, str]]:
    """Rows of an existing catalog (empty if there is none)."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [{k: (v or "") for k, v in row.items() if k} for row in csv.DictReader(fh)]


def catalog_text(rows: Iterable[dict[str, str]]) -> str:
    """Rows as CSV text (UTF-8, comma-separated, header first, sorted by file)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(CATALOG_FIELDS), extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in sorted(rows, key=lambda r: r["file"]):
        writer.writerow({k: row.get(k, "") for k in CATALOG_FIELDS})
    return out.getvalue()


# --------------------------------------------------------------------------- build / check


@dataclass
class Plan:
    """Everything the corpus should contain: PDFs, the catalog, and stale PDFs to remove."""

    pdfs: dict[Path, bytes]
    catalog: str
    rows: int
    stale: list[Path]


def _is_generated(pdf: Path) -> bool:
    """True if a PDF on disk was written by this script (its /Creator says so)."""
    try:
        from pypdf import PdfReader

        meta = PdfReader(pdf).metadata
        return meta is not None and meta.get("/Creator") == CREATOR
    except Exception:  # noqa: BLE001 (an unreadable PDF is not ours to delete)
        return False


def plan_corpus(corpus: Path) -> Plan:
    """Compute the PDFs and catalog the corpus folder should hold."""
    sources = sorted((corpus / "_sources").glob("*.md"))
    markdown = sorted((corpus / "md").glob("*.md"))
    pdfs: dict[Path, bytes] = {}
    rows: dict[str, dict[str, str]] = {}
    for md in markdown:
        if md.name.lower().startswith("readme"):
            continue
        note = read_note(md)
        _warn_missing(note)
        rows[f"md/{md.name}"] = catalog_row(f"md/{md.name}", note)
    for src in sources:
        if src.name.lower().startswith("readme"):
            continue
        note = read_note(src)
        _warn_missing(note)
        doc = source_to_document(f"_sources/{src.name}")
        pdfs[corpus / doc] = render_pdf(note)
        rows[doc] = catalog_row(doc, note)
    # Keep rows a user wrote for files this script does not manage, while those files exist.
    for row in read_catalog(corpus / "catalog.csv"):
        file = row.get("file", "")
        if (
            file
            and file not in rows
            and (corpus / file).is_file()
            and (corpus / file) not in pdfs
            and not file.startswith("md/")
        ):
            rows[file] = row
    stale = [p for p in sorted((corpus / "pdf").glob("*.pdf")) if p not in pdfs and _is_generated(p)]
    for p in stale:
        rows.pop(p.relative_to(corpus).as_posix(), None)
    return Plan(pdfs, catalog_text(rows.values()), len(rows), stale)


def _warn_missing(note: Note) -> None:
    missing = [k for k in CATALOG_FIELDS[1:] if k not in OPTIONAL_FIELDS and not note.value(k)]
    missing += [k for k in ("source_url", "source_year") if not note.value(k) and not note.value("source_note")]
    if missing:
        print(f"warning: {note.path}: front matter lacks {', '.join(missing)}", file=sys.stderr)


def differences(corpus: Path, plan: Plan) -> list[str]:
    """What on disk differs from the plan (empty when the corpus is up to date)."""
    problems = []
    for path, data in plan.pdfs.items():
        if not path.exists():
            problems.append(f"missing {path}")
        elif path.read_bytes() != data:
            problems.append(f"outdated {path}")
    problems += [f"stale {p} (its source is gone)" for p in plan.stale]
    catalog = corpus / "catalog.csv"
    if not catalog.exists():
        problems.append(f"missing {catalog}")
    elif catalog.read_text(encoding="utf-8") != plan.catalog:
        problems.append(f"outdated {catalog}")
    return problems


def write_corpus(corpus: Path, plan: Plan) -> list[str]:
    """Write changed PDFs and the catalog, remove stale generated PDFs; return what changed."""
    changed = []
    (corpus / "pdf").mkdir(parents=True, exist_ok=True)
    for path, data in plan.pdfs.items():
        if not path.exists() or path.read_bytes() != data:
            path.write_bytes(data)
            changed.append(f"wrote {path} ({_page_count(data)} pages)")
    for path in plan.stale:
        path.unlink()
        changed.append(f"removed {path}")
    catalog = corpus / "catalog.csv"
    if not catalog.exists() or catalog.read_text(encoding="utf-8") != plan.catalog:
        catalog.write_text(plan.catalog, encoding="utf-8", newline="")
        changed.append(f"wrote {catalog}")
    return changed


def _page_count(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus folder (default: the repository's corpus/)"
    )
    parser.add_argument("--check", action="store_true", help="build in memory and exit 1 if the files on disk differ")
    args = parser.parse_args(argv)
    corpus: Path = args.corpus
    if not corpus.is_dir():
        parser.error(f"no such folder: {corpus}")
    try:
        plan = plan_corpus(corpus)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.check:
        problems = differences(corpus, plan)
        for line in problems:
            print(line, file=sys.stderr)
        print(f"{len(plan.pdfs)} PDFs and catalog: {'out of date' if problems else 'up to date'}")
        return 1 if problems else 0
    changed = write_corpus(corpus, plan)
    for line in changed:
        print(line)
    print(f"{len(plan.pdfs)} PDFs, catalog with {plan.rows} rows; {len(changed)} file(s) changed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
