"""Chunking: blocks → sentence-aware passages of about ``chunk_words`` words that keep their pages and section."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.switches import sentence_language
from kb.records import Block
from kb.text import split_sentences


@dataclass(frozen=True)
class ChunkSettings:
    target_words: int = 170
    max_words: int = 240
    overlap_words: int = 30

    def key(self) -> str:
        return f"chunk:{self.target_words}/{self.max_words}/{self.overlap_words}"


@dataclass
class Passage:
    text: str
    page_start: int
    page_end: int
    section: str
    kind: str = ""  # "title" for a title block (ingest/sections.py); else told later from the text
    language: str = ""  # what its sentences' function words say (ingest.switches), "" when they do not agree


@dataclass
class _Sentence:
    text: str
    page: int
    section: str
    kind: str = ""
    language: str = ""  # "" when its function words do not say (ingest.switches)

    @property
    def words(self) -> int:
        return len(self.text.split())


def _sentences(blocks: list[Block], language: str, max_words: int) -> list[_Sentence]:
    out: list[_Sentence] = []
    for block in blocks:
        for sentence in split_sentences(block.text, language):
            words = sentence.split()
            # A "sentence" longer than a chunk (tables, run-on legal text) is cut into windows.
            lang = sentence_language(sentence)
            for start in range(0, len(words), max_words):
                out.append(
                    _Sentence(" ".join(words[start : start + max_words]), block.page, block.section, block.kind, lang)
                )
    return out


def _agreed_language(sentences: list[_Sentence]) -> str:
    """The language every sentence that tells agrees on, when they tell it for most of the passage's words."""
    told = [s for s in sentences if s.language]
    languages = {s.language for s in told}
    if len(languages) != 1 or 2 * sum(s.words for s in told) < sum(s.words for s in sentences):
        return ""
    return languages.pop()


def chunk_blocks(blocks: list[Block], settings: ChunkSettings, language: str = "en") -> list[Passage]:
    """Pack sentences into passages; a new section (or a title block's end) starts a new passage; neighbours overlap
    by a sentence or so."""
    passages: list[Passage] = []
    current: list[_Sentence] = []
    fresh = 0  # sentences in ``current`` that no passage holds yet (the rest is carried overlap)

    def flush(carry: bool) -> None:
        nonlocal current, fresh
        if fresh:
            passages.append(
                Passage(
                    text=" ".join(s.text for s in current),
                    page_start=min(s.page for s in current),
                    page_end=max(s.page for s in current),
                    section=current[-1].section,
                    kind=current[-1].kind,
                    language=_agreed_language(current),
                )
            )
        tail: list[_Sentence] = []
        if carry:
            for s in reversed(current[1:]):
                if sum(t.words for t in tail) + s.words > settings.overlap_words:
                    break
                tail.insert(0, s)
        current, fresh = tail, 0

    current_language = ""  # of the passage being filled, from its sentences that tell
    for sentence in _sentences(blocks, language, settings.max_words):
        if current and (sentence.section, sentence.kind) != (current[-1].section, current[-1].kind):
            flush(carry=False)
        elif current and sentence.language and current_language and sentence.language != current_language:
            # The text changes language: a new passage, so each passage keeps one language (and its label).
            flush(carry=False)
        elif current and sum(s.words for s in current) + sentence.words > settings.max_words:
            flush(carry=True)
        if not current:
            current_language = ""
        current_language = sentence.language or current_language
        current.append(sentence)
        fresh += 1
        if sum(s.words for s in current) >= settings.target_words:
            flush(carry=True)
    flush(carry=False)
    return passages
