"""Which jurisdictions have evidence on which theme: Compare's cells (``kb.compare.compare``, the same code, so the
map and the Compare page never disagree) for every jurisdiction × preset theme, each graded by the strength of its
evidence: a passage that addresses the theme, a profile field only, or nothing. Both languages are counted.

``compare_for_reader`` is Compare as a reader in one language sees it: where the collection holds a passage on the
theme in the reader's language (the Spanish twin of an English note, say), the cell shows it; otherwise the cell is
the one found over both languages. The Compare page and the coverage map both call it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from kb.compare.compare import THEMES, Cell, Comparison, _keyword_stems, compare, keyword_count, speaks_to
from kb.compare.profile_table import TABLE_FIELDS
from kb.compare.profiles import LANGUAGES, Profile
from kb.compare.themes import Topic

PASSAGE, PROFILE, NOTHING = "passage", "profile", "none"  # the strengths, strongest first


def compare_for_reader(
    kb, topics: Sequence[Topic], jurisdictions: Sequence[str], reader: str, language: Sequence[str] = ()
) -> Comparison:
    """``compare`` over ``language`` (both when empty); with both, each cell that has a passage in the reader's
    language takes it instead of one in the other language (the themes' passages are assigned within one language,
    so the cell keeps Compare's rule: one passage per theme, abstention when nothing addresses it)."""
    both = compare(kb, topics, jurisdictions, language=language)
    if language or reader not in LANGUAGES:
        return both
    own = compare(kb, topics, jurisdictions, language=[reader])
    for key, cell in both.cells.items():
        mine = own.cells.get(key)
        if mine is not None and mine.best is not None and (cell.best is None or cell.best.chunk.language != reader):
            both.cells[key] = mine
    return both


def profile_evidence(profile: Profile | None, topic: Topic) -> list[str]:
    """The profile fields whose value speaks to the theme (in either language): it uses the theme's words, and at
    least as many of them as of any other preset theme's (``kb.compare.speaks_to``, the test Compare's cells pass)."""
    if profile is None:
        return []
    keywords = _keyword_stems(topic)
    found = []
    for name in TABLE_FIELDS:
        f = profile.fields[name]
        if not f.filled or name in ("plan", "period"):
            continue  # a plan's title or years say nothing about what it does
        for lang in LANGUAGES:
            text = " ".join(f.items(lang))
            if text and keyword_count(text, lang, keywords) and speaks_to(text, lang, topic):
                found.append(name)
                break
    return found


@dataclass
class CoverageCell:
    topic: Topic
    jurisdiction: str
    cell: Cell  # Compare's cell: its passage (or its weak one)
    fields: list[str] = field(default_factory=list)  # profile fields on the theme

    @property
    def strength(self) -> str:
        if self.cell.best is not None:
            return PASSAGE
        return PROFILE if self.fields else NOTHING


@dataclass
class Coverage:
    comparison: Comparison
    cells: dict[tuple[str, str], CoverageCell]

    @property
    def jurisdictions(self) -> list[str]:
        return self.comparison.jurisdictions

    @property
    def topics(self) -> list[Topic]:
        return self.comparison.topics

    def counts(self) -> dict[str, int]:
        out = {PASSAGE: 0, PROFILE: 0, NOTHING: 0}
        for c in self.cells.values():
            out[c.strength] += 1
        return out


def coverage(kb, jurisdictions: Sequence[str], reader: str = "en") -> Coverage:
    """Every jurisdiction × preset theme, graded (module docstring)."""
    comp = compare_for_reader(kb, THEMES, jurisdictions, reader)
    cells = {
        (t.key, j): CoverageCell(t, j, comp.cell(t, j), profile_evidence(comp.profiles.get(j), t))
        for t in comp.topics
        for j in comp.jurisdictions
    }
    return Coverage(comp, cells)
