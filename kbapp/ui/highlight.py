"""Untrusted text made safe for ``st.markdown(..., unsafe_allow_html=True)``, with the query's terms highlighted.

Order matters: match spans are found on the raw text, then every segment is escaped on its own, then the marks are
added around escaped segments. Nothing from a document is ever inserted unescaped.
"""

from __future__ import annotations

import re
from typing import Iterable

from kb.text import fold_aligned, is_stopword, light_stem

# Characters that Streamlit's Markdown would still read as syntax inside HTML (links, emphasis, LaTeX with $,
# emoji and colour directives with :, tables with |): written as numeric entities they render as themselves.
_MARKDOWN_CHARS = "[]()*_`~\\!#|$:{}<>&\"'"
_ENTITY = {ord(ch): f"&#{ord(ch)};" for ch in _MARKDOWN_CHARS}


def safe_html(text: str) -> str:
    """Text as inert HTML: escaped, Markdown syntax neutralised, newlines as <br> (a blank line would end the
    HTML block and let Markdown parse what follows)."""
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", " ", text or "")
    out = text.translate(_ENTITY)
    return re.sub(r"\s*\n\s*", "<br>", out)


def query_terms(query: str, extra: Iterable[str] = ()) -> list[str]:
    """Folded words to highlight, longest first: the query's words, plus ``extra`` phrases (e.g. the glossary's
    translations of the query's terms, so an English query marks the Spanish words that answer it)."""
    words = [w for w in re.findall(r"\w+", fold_aligned(query)) if len(w) > 2 and not is_stopword(w)]
    terms = {light_stem(w) for w in words} | {fold_aligned(p).strip() for p in extra if len(p.strip()) > 2}
    return sorted(terms, key=len, reverse=True)


def spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Non-overlapping (start, end) spans of ``terms`` in ``text``: each term starts a word and may run on to the
    end of that word (a prefix match), compared without case or accents."""
    if not terms or not text:
        return []
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(t) for t in terms) + r")\w*")
    return [(m.start(), m.end()) for m in pattern.finditer(fold_aligned(text))]


def highlight(text: str, query: str, extra: Iterable[str] = ()) -> str:
    """``text`` as safe HTML with the query's terms inside <mark>."""
    out, last = [], 0
    for start, end in spans(text, query_terms(query, extra)):
        out.append(safe_html(text[last:start]))
        out.append(f"<mark>{safe_html(text[start:end])}</mark>")
        last = end
    out.append(safe_html(text[last:]))
    return "".join(out)


def excerpt(text: str, query: str, extra: Iterable[str] = (), width: int = 360) -> str:
    """The ``width``-character window of ``text`` with the most query terms in it, cut at word boundaries, with
    "…" where text was left out (raw text: escape it with ``highlight``)."""
    if len(text) <= width:
        return text
    starts = [a for a, _ in spans(text, query_terms(query, extra))]
    best = 0
    if starts:
        # Windows begin a little before a match, so the first marked word has some context.
        best = max((max(0, a - 60) for a in starts), key=lambda b: sum(b <= a < b + width for a in starts))
    if best:
        cut = text.rfind(" ", 0, best)
        best = cut + 1 if cut > best - 40 else best
    end = best + width
    if end < len(text):
        cut = text.rfind(" ", best, end)
        end = cut if cut > best + width // 2 else end
    return ("… " if best else "") + text[best:end].strip() + (" …" if end < len(text) else "")
