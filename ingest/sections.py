"""Structure: cleaned pages → blocks of text, each on one page and under the section heading that governs it."""

from __future__ import annotations

import re
import statistics

from kb.records import Block, Page

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)")  # one level of (…) in URLs
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|`)")
_MD_LIST = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_NUMBERED_HEADING = re.compile(r"^(?:\d+(?:\.\d+)*\.?|[IVXLC]+\.)\s+\S")
_BULLET = re.compile(r"^\s*[-•▪◦·*]\s")
_TERMINAL = (".", ",", ";", ":", "!", "?")
# Amendment notes of Mexican laws ("Fracción reformada DOF 13-07-2018", "Última reforma publicada DOF ..."): short,
# unpunctuated and capitalised like a heading, but they annotate the text above them.
_LEGAL_NOTE = re.compile(r"\b(?:DOF|D\.O\.F\.|P\.O\.)\s+\d{1,2}[-/]\d{1,2}[-/]\d{2,4}\b")


def markdown_blocks(text: str) -> list[Block]:
    """Paragraphs of a Markdown body with the nearest heading above each; Markdown syntax removed."""
    blocks: list[Block] = []
    section = ""
    para: list[str] = []

    def flush() -> None:
        if para:
            joined = " ".join(para).strip()
            if joined:
                blocks.append(Block(0, section, joined))
            para.clear()

    for raw in text.split("\n"):
        heading = _MD_HEADING.match(raw)
        if heading:
            flush()
            section = _inline(heading.group(2))
            continue
        line = raw.strip()
        if not line or line.startswith("|---") or set(line) <= {"-", "=", "*", "_", " "}:
            flush()
            continue
        if _MD_LIST.match(line):
            flush()
            line = _MD_LIST.sub("", line)
            para.append(_as_sentence(_inline(line)))
            flush()
            continue
        para.append(_inline(line))
    flush()
    return blocks


def _inline(text: str) -> str:
    text = _MD_LINK.sub(lambda m: m.group(1), text)
    return _MD_EMPHASIS.sub("", text).replace("|", " ").strip()


def _as_sentence(text: str) -> str:
    # A list item is a thought of its own; end it so the sentence splitter does not glue it to the next.
    return text if not text or text.endswith(_TERMINAL) else text + "."


TITLE_MAX_LINES = 10  # a title block (title, subtitle, authors, date, report type) is a handful of short lines


def title_block(lines: list[str], typical: float) -> int:
    """How many of the first page's leading lines form its title block: the run of short, unpunctuated lines above
    the first line of body text, less its last line when that is a heading ("Summary", "Introducción") that governs
    the body. 0 when there is none (the page starts with prose, or the run is one line: a plain heading).
    Without this, the title, the authors and the first heading ran into the first passage and were quoted as the
    first sentence of answers ("… of Tabasco 2024-2044: vision and pillars policy-kb team · MX-TAB · 2026 Summary")."""
    run = 0
    for line in lines[: TITLE_MAX_LINES + 1]:
        text = line.strip()
        if _mostly_capitals(text) and len(text.split()) <= 14:
            run += 1  # capitals: a title line however wide (narrow pages make every line look long)
            continue
        if len(text) > 0.75 * typical or text.endswith((".", "!", "?", ";")) and len(text.split()) > 8:
            break
        run += 1
    if run == len(lines) or run > TITLE_MAX_LINES or run < 2:
        return 0  # all short lines (a slide, a form), too long a run (a list), or a lone heading
    last = lines[run - 1].strip()
    if len(last.split()) <= 8 and (last[:1].isupper() or _NUMBERED_HEADING.match(last)):
        run -= 1  # the heading of the first body paragraph stays a heading
    return run if run >= 2 else 0


# Lines of a title block that are not the title: a byline, a date, a version, an address, a report type.
_NOT_TITLE = re.compile(
    r"^(?:authors?|autor(?:es|as?)?|prepared by|elaborado por|written by|updated by|actualizado por|by|por|"
    r"editores?|editors?|coordinador(?:es|a)?)\b|\S+@\S+|https?://|www\.|"
    r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|\b(?:versi[óo]n|version|edici[óo]n|edition)\b",
    re.I,
)
TITLE_MAX_CHARS = 250


def first_page_title(pages: list[Page]) -> str:
    """The document's title as its first page's title block gives it: the block's lines up to the end of the title
    (a line that closes with "." or ":", a byline, a date, a person's name), at most ``TITLE_MAX_CHARS``. "" when
    the first page has no title block."""
    for page in pages:
        lines = [l.strip() for l in page.text.split("\n") if l.strip()]
        if not lines:
            continue
        long_lines = [len(l) for l in lines if len(l) > 40]
        typical = statistics.median(long_lines) if long_lines else 80
        title: list[str] = []
        for line in lines[: title_block(lines, typical)]:
            if _NOT_TITLE.search(line) or _looks_like_a_name(line.split()):
                break
            if title and len(" ".join(title + [line])) > TITLE_MAX_CHARS:
                break
            title.append(line)
            if line.endswith((".", ":")):
                break
        return " ".join(title).rstrip(".:").strip()
    return ""


def _mostly_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


# Charts and tables as a text layer gives them: runs of lines that are numbers ("31", "0 10 20 30", "0.000 0.005"),
# rows ending in figures ("TOTAL NACIONAL 43") and short labels between them ("prison population", "frequency").
_FIGURES = re.compile(r"\d[\d.,]*\d|\d")
_NUMBERS_LINE = re.compile(r"^[\s\d.,%$€()+\-−–]+$")
_DATA_ROW = re.compile(r"^[^.!?;:]{1,60}?\s[(\[]?[-+$€]?\d[\d.,%]*[)\]]?$")
DATA_MIN_NUMBER_LINES = 3  # a run needs this many lines of figures …
DATA_MIN_LINES = 5  # … and this many lines in all
DATA_LABEL_WORDS = 5  # a label is a short line
DATA_LONG_RUN = 12


def _is_number_line(line: str) -> bool:
    text = line.strip()
    figures = _FIGURES.sub("0", text)  # "1.154,8" is one figure, not the end of a sentence
    return any(c.isdigit() for c in text) and bool(_NUMBERS_LINE.match(figures) or _DATA_ROW.match(figures))


def _is_label_line(line: str) -> bool:
    text = line.strip()
    return 0 < len(text.split()) <= DATA_LABEL_WORDS and not text.endswith((".", "!", "?", ";", ":", ","))


def data_runs(lines: list[str]) -> list[tuple[int, int]]:
    """(start, end) of each run of chart or table lines: lines of figures and short labels, with at least
    ``DATA_MIN_NUMBER_LINES`` of figures and ``DATA_MIN_LINES`` in all (or one line of figures, an axis, among
    ``DATA_LONG_RUN`` lines: a chart of many labels). After the last figures the run keeps its labels in lower case
    ("frequency", "prison population"); a capitalised line is the next heading ("TF-IDF Analysis")."""
    runs: list[tuple[int, int]] = []
    i = 0
    while i < len(lines):
        if not (_is_number_line(lines[i]) or _is_label_line(lines[i])):
            i += 1
            continue
        j, numbers, last_number = i, 0, -1
        while j < len(lines) and (_is_number_line(lines[j]) or _is_label_line(lines[j])):
            if _is_number_line(lines[j]):
                numbers, last_number = numbers + 1, j
            j += 1
        end = last_number + 1
        while numbers and end < j and lines[end].strip()[:1].islower():
            end += 1
        if (numbers >= DATA_MIN_NUMBER_LINES and end - i >= DATA_MIN_LINES) or (numbers and end - i >= DATA_LONG_RUN):
            runs.append((i, end))
            i = end
        else:
            i = j
    return runs


def page_blocks(pages: list[Page], *, initial_section: str = "") -> list[Block]:
    """Blocks of PDF or plain-text pages; headings found by their shape (short, unpunctuated, capitalised lines).
    Headings stacked with no text between them ("TÍTULO PRIMERO" / "Disposiciones Preliminares" / "Capítulo
    Único") make one label, and a heading wrapped onto a second line is joined again. The first page's title block,
    if any, is a block of its own marked ``kind="title"``."""
    blocks: list[Block] = []
    section = initial_section
    stacked = False  # the last line was a heading: another one adds to the label instead of replacing it
    first_page = True
    for page in pages:
        lines = [l for l in page.text.split("\n") if l.strip()]
        long_lines = [len(l) for l in lines if len(l) > 40]
        typical = statistics.median(long_lines) if long_lines else 80
        if first_page and lines:
            first_page = False
            n = title_block(lines, typical)
            if n:
                blocks.append(Block(page.number, section, " ".join(l.strip() for l in lines[:n]), kind="title"))
                lines = lines[n:]
        buf: list[str] = []
        prev = ""
        in_item = False
        skip = 0
        # A chart or a table is a block of its own (kind "table"): its figures and labels are no section heading and
        # no part of the paragraph before them.
        table_at = {start: end for start, end in data_runs(lines)}
        for i, line in enumerate(lines):
            if skip:
                skip -= 1
                continue
            if i in table_at:
                if buf:
                    blocks.append(Block(page.number, section, " ".join(buf)))
                    buf, in_item = [], False
                blocks.append(
                    Block(page.number, section, " ".join(l.strip() for l in lines[i : table_at[i]]), kind="table")
                )
                skip = table_at[i] - i - 1
                prev, stacked = "", False
                continue
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            if _LEGAL_NOTE.search(line):
                buf.append(_as_sentence(line.strip()))
                prev = buf[-1]
                stacked = False
                continue
            if is_heading(line, prev, nxt, typical):
                if buf:
                    if in_item:
                        buf[-1] = _as_sentence(buf[-1])
                    blocks.append(Block(page.number, section, " ".join(buf)))
                    buf = []
                    stacked = False
                label = line.strip()
                while _wraps(label, lines[i + 1 + skip] if i + 1 + skip < len(lines) else ""):
                    label = f"{label} {lines[i + 1 + skip].strip()}"
                    skip += 1
                # "ARTÍCULO 2°. PARTE INTEGRAL DE ESTA LEY. El documento …", "… INFRAESTRUCTURA - ANI-. La Agencia
                # … podrá administrar": the article's text starts on the heading's (last) line; it stays text, not
                # part of the label.
                after = lines[i + 1 + skip] if i + 1 + skip < len(lines) else ""
                run_on = _run_on(label, after)
                if run_on:
                    label, body = label[: run_on.start() + 1], label[run_on.end() :]
                    buf.append(body)
                    prev = body
                label = label.rstrip(":")
                section = _stack(section, label) if stacked else label
                in_item, stacked = False, not run_on
                prev = prev if run_on else ""
                continue
            stacked = False
            if _BULLET.match(line):
                # A list item may wrap onto more lines: it ends where the next item (or a heading) starts, not at
                # the end of its first line ("the Industrial. Development Authority" was the result of that).
                if buf and in_item:
                    buf[-1] = _as_sentence(buf[-1])
                buf.append(line.strip()[1:].strip())
                in_item = True
            else:
                buf.append(line)
            prev = line
        if buf:
            blocks.append(Block(page.number, section, " ".join(buf)))
    return blocks


# A stacked label longer than this keeps its last headings (the most specific). The Colombian plan's article titles
# run to ~190 characters; at 160, a title cut short left its last line to be taken for a heading of its own, and a
# section title dropped from a stack was in no label and no body (32 words of the plan were nowhere; 5 at 240).
MAX_LABEL = 240
# Words a heading cannot end on unless it continues on the next line ("PLAN NACIONAL DE" / "DESARROLLO").
_CONNECTORS = frozenset(
    "de del la las los el y e o u para en por con a al sobre entre que of the and or for to in on at with by from".split()
)
# A line that starts a heading of its own, never the second line of a wrapped one.
_HEADING_START = re.compile(
    r"^(?:t[íi]tulo|cap[íi]tulo|secci[óo]n|art[íi]culo|parte|libro|anexo|transitorio|"
    r"chapter|section|article|part|annex|\d+(?:\.\d+)*\.?\s|[IVXLC]+\.\s)",
    re.I,
)
# Common given names: a line of two to five capitalised words that starts with one is a signature or a byline.
_GIVEN_NAMES = frozenset(
    """juan josé jose maría maria carlos luis jorge miguel pedro francisco antonio manuel
javier fernando ricardo roberto eduardo alejandro rafael sergio raúl raul andrés andres diego daniel david pablo
gabriel alberto arturo enrique héctor hector gustavo óscar oscar ana laura patricia carmen rosa lucía lucia
claudia martha marta sofía sofia isabel elena beatriz verónica veronica alicia mónica monica silvia teresa
gloria adriana lilia cora margarita guadalupe fabián fabian john james robert michael william richard thomas
mary jennifer linda elizabeth susan sarah jeannette michelle sebastián sebastian gabriela camila valentina
josefina catalina francisca javiera constanza paula andrea natalia carolina marcela paola evelyn ximena lorena
cristina victoria rodrigo felipe ignacio cristián cristian gonzalo álvaro alvaro tomás tomas matías matias
nicolás nicolas joaquín joaquin vicente martín martin marco franco gustavo hernán hernan mauricio claudio
patricio ramón ramon julio césar cesar emilio esteban germán german guillermo iván ivan jaime julián julian
lorenzo mario octavio orlando rubén ruben salvador santiago simón simon ulises víctor victor andrés""".split()
)
# Words before a number that make "… 12" a heading ("Capítulo 3", "Eje 4", "Pilar 2"); any other line ending in a
# bare number is a table row ("TOTAL NACIONAL 43", "Cooperación 9,1").
_LEVEL_WORDS = frozenset(
    """título titulo capítulo capitulo sección seccion artículo articulo parágrafo paragrafo parte libro anexo eje
pilar objetivo meta estrategia línea linea programa componente transitorio chapter section article part annex
appendix pillar goal objective target step phase fase etapa tabla table cuadro gráfico grafico figura figure
box recuadro""".split()
)
_TOTAL_ROW = re.compile(r"^(?:sub)?totale?s?\b|^suma\b", re.I)
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_NAME_PARTICLES = frozenset("de del la las los y e da van von".split())
# Articles and pronouns a heading never ends on ("… -ICBF-. Los" / "niños, niñas …").
_ARTICLES = frozenset("el la los las lo un una unos unas su sus se que cual quien the a an its their this that".split())
_NUMBER = re.compile(r"^[(\[]?[-+$€]?\d[\d.,%]*[)\]]?$")
_FIGURE = re.compile(r"\d[.,]\d|%|\$")


# A full stop, then a word in sentence case: where an upper-case heading may give way to its text on one line
# ("… DESARROLLO AGROPECUARIO. Las entidades", "… -ANI-. La Agencia", "… LGBTIQ+. El Ministerio", "… PAZcífico. Se").
_SENTENCE_AFTER_STOP = re.compile(r"\.\s+(?=[¿¡\"“«(]?[A-ZÁÉÍÓÚÑ][a-záéíóúñü])")
# "ARTÍCULO 5°", "CAPÍTULO II", "PARÁGRAFO 1": a level and its number, no title.
_LEVEL_MARK = re.compile(
    r"^(?:t[íi]tulo|cap[íi]tulo|secci[óo]n|art[íi]culo|par[áa]grafo|parte|libro|anexo|chapter|section|article|part|"
    r"annex)\s+\S+(?:\s+bis)?$",
    re.I,
)
# "CAPÍTULO II", "TÍTULO PRIMERO": a heading complete in itself; the line after it is another heading, stacked.
_LEVEL_ONLY = re.compile(
    r"^(?:t[íi]tulo|cap[íi]tulo|secci[óo]n|parte|libro|chapter|section|part)\s+\S+(?:\s+bis)?$", re.I
)


def _run_on(label: str, nxt: str = "") -> re.Match[str] | None:
    """Where an upper-case heading ends and its text begins on the same line, if it does: a full stop after text in
    capitals, then ordinary text that reads as prose (``nxt``, the line after the label, helps say so). A heading
    whose second half is in title case ("CAPÍTULO II. Disposiciones Generales") is not cut."""
    for stop in _SENTENCE_AFTER_STOP.finditer(label):
        head, rest = label[: stop.start()], label[stop.end() :]
        if not _mostly_capitals(head) or _mostly_capitals(rest):
            continue
        # After a heading with a title of its own ("ARTÍCULO 34°. CONSEJOS TERRITORIALES DEL AGUA. Créense"),
        # ordinary text is the article's; after a bare level ("CAPÍTULO II. Disposiciones Generales") it may be
        # the title, so it is cut only when it reads as prose.
        if not _LEVEL_MARK.match(head) or _reads_as_prose(rest, nxt):
            return stop
    return None


def _reads_as_prose(text: str, nxt: str) -> bool:
    """Whether ``text`` (followed by the line ``nxt``) is the start of a paragraph rather than a heading: it ends a
    sentence or breaks off mid-phrase (a connector, an article, a comma), the next line goes on in lower case, or
    it is a run of words that is not in title case ("La Agencia Nacional de Infraestructura – ANI- podrá
    administrar" / "aquellos corredores …"; "Los" / "niños, niñas …"; "Créese el Sistema …, Atención,")."""
    words = text.split()
    if not words:
        return False
    if text.endswith(_TERMINAL) or text.endswith(("-", "–")) or words[-1].lower() in _CONNECTORS | _ARTICLES:
        return True
    if nxt.strip()[:1].islower():
        return True
    return len(words) >= 4 and not _title_case(words)


def _wraps(label: str, nxt: str) -> bool:
    """Whether the heading ``label`` goes on in ``nxt``: it ends on a connector ("… DEL PLAN NACIONAL DE"), or an
    upper-case heading is followed by an upper-case line that does not start a heading of its own (a heading that
    ends on that line before its text begins, "DEL TERRITORIO. La Agencia …", included)."""
    text = nxt.strip()
    if not text or text[:1].islower() or _BULLET.match(text):
        return False  # a line in lower case goes on a sentence, never a heading
    if _LEVEL_ONLY.match(label) or _run_on(label):
        return False
    run_on = _run_on(text)
    upper = text[: run_on.start() + 1] if run_on else text  # the part of the line that may belong to the heading
    if len(label) + len(upper) > MAX_LABEL:
        return False
    last = label.split()[-1].lower() if label.split() else ""
    if last in _CONNECTORS or label.endswith((",", "-", "–")):
        return True  # even onto "ARTÍCULO 188 DE LA LEY 1955 DE 2019." after "… ESTABLECIDA EN EL"
    if _HEADING_START.match(text):
        return False
    # In capitals, give or take a letter ("ARTÍCULO 3o.", "PAZcífico").
    if not _mostly_capitals(label) or label.endswith((".", ";", ":")) or not _mostly_capitals(upper):
        return False
    if run_on and len(label.split()) < 2:
        return False  # "TRANSITORIOS" / "PRIMERO. El presente Decreto …": the next line starts an article of its own
    # An article's heading runs until its full stop ("ARTÍCULO 18°. PROCESO DE ACOMPAÑAMIENTO A MIEMBROS" /
    # "ACTIVOS Y RETIRADOS DE LA FUERZA PÚBLICA DURANTE LA"), so it may wrap onto longer lines than a plain heading.
    limit = 14 if _HEADING_START.match(label) else 8
    words = [w for w in upper.split() if any(c.isalnum() for c in w)]  # "INFRAESTRUCTURA -": the dash is no word
    return len(words) <= limit and (bool(run_on) or not text.endswith((".", ";", ":")))


def _stack(section: str, label: str) -> str:
    joined = f"{section} — {label}" if section else label
    while len(joined) > MAX_LABEL and " — " in joined:
        joined = joined.split(" — ", 1)[1]
    return joined


def _title_case(words: list[str]) -> bool:
    """ "Programa de Desarrollo de": the words that are not connectors are capitalised."""
    content = [w for w in words if w.lower() not in _CONNECTORS]
    return bool(content) and sum(w[:1].isupper() for w in content) >= 0.75 * len(content)


def _ends_in_number(line: str) -> bool:
    """A row of figures: a short line that ends in a number (not a sentence that ends in one, "… en 2030.")."""
    words = line.split()
    return 0 < len(words) <= 8 and bool(_NUMBER.match(words[-1])) and not line.rstrip().endswith((".", ";", ":"))


def _table_row(words: list[str], prev: str, nxt: str) -> bool:
    """A row of a table: a label and its figure ("TOTAL NACIONAL 43"). A heading ends in a number only after a
    level word ("Capítulo 3", "Eje 4") or as a year ("Informe anual 2023"), and not among rows that end in numbers."""
    if len(words) < 2 or not _NUMBER.match(words[-1]) or _NUMBERED_HEADING.match(" ".join(words)):
        return False
    if _TOTAL_ROW.match(words[0]) or _ends_in_number(prev) or _ends_in_number(nxt):
        return True
    # "Capítulo V BIS 1": the level word may come first.
    levels = {words[0].lower().strip(".:"), words[-2].lower().strip(".:")}
    return not (levels & _LEVEL_WORDS or _YEAR.match(words[-1]))


def _looks_like_a_name(words: list[str]) -> bool:
    if not 2 <= len(words) <= 5 or words[0].lower().strip(",.") not in _GIVEN_NAMES:
        return False
    return all(w[:1].isupper() or w.lower() in _NAME_PARTICLES for w in words)


def is_heading(line: str, prev: str, nxt: str, typical_len: float) -> bool:
    text = line.strip()
    words = text.split()
    if not (2 <= len(text) <= 100) or len(words) > 14 or not nxt:
        return False
    if _BULLET.match(text):
        return False
    if text.endswith(_TERMINAL) and not (text.endswith(",") and _mostly_capitals(text) and _mostly_capitals(nxt)):
        return False  # a sentence; but "ARTÍCULO 341°. SISTEMA NACIONAL DE REGISTRO, ATENCIÓN," goes on in capitals
    if "@" in text or "http" in text.lower() or "www." in text.lower() or ".-" in text:
        return False  # an e-mail, a web address, a signature ("Cora Cecilia Pinedo Alonso, Secretaria.- Rúbricas")
    rest = words[1:] if _NUMBERED_HEADING.match(text) else words
    numbers = [w for w in rest if _NUMBER.match(w)]
    if len(numbers) >= 2 or any(_FIGURE.search(w) for w in numbers):
        return False  # a table row ("Cooperación 9,1 0,8", "TOTAL 50,4")
    if _looks_like_a_name(words):
        return False
    if _table_row(words, prev, nxt):
        return False
    last = words[-1].lower()
    if last in _CONNECTORS and not text.isupper() and ("," in text or not _title_case(words)):
        return False  # a body line that goes on in the next one ("… sobre su contenido, y")
    nxt_text = nxt.strip()
    if nxt_text[:1].islower() and not re.match(r"^[a-z]\)", nxt_text) and not text.isupper():
        return False  # the sentence continues on the next line
    first = text[0]
    if not (first.isupper() or _NUMBERED_HEADING.match(text)):
        return False
    if len(text) > 0.75 * typical_len and not text.isupper():
        return False  # a full-width line is body text that merely lacks a full stop
    # A heading follows the end of a paragraph (or the top of the page).
    if prev and not prev.rstrip().endswith((".", ":", "!", "?", ")")) and not prev.isupper():
        return False
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3
