"""The coverage map is Compare's cells, graded; a reader's language picks the twin passage where there is one."""

from __future__ import annotations

import pytest

from kb.compare.compare import THEMES, compare
from kb.compare.coverage import NOTHING, PASSAGE, PROFILE, compare_for_reader, coverage

pytestmark = pytest.mark.slow  # Compare over the starter store: ~5 s in all, on the session's kb_starter


def test_coverage_cells_are_compares(kb_starter):
    jurs = ["MX-TAB", "MX-NLE", "SG"]
    cov = coverage(kb_starter, jurs, "en")
    both = compare(kb_starter, THEMES, jurs)
    english = compare(kb_starter, THEMES, jurs, language=["en"])
    for (theme, jur), c in cov.cells.items():
        # The cell is Compare's over both languages, or its English one where that has a passage.
        candidates = [both.cells[(theme, jur)], english.cells[(theme, jur)]]
        got = c.cell.best.chunk.chunk_id if c.cell.best else None
        assert got in {x.best.chunk.chunk_id if x.best else None for x in candidates}
        assert (c.strength == PASSAGE) == (c.cell.best is not None)
        if c.strength == PROFILE:
            assert c.fields and jur in cov.comparison.profiles
    counts = cov.counts()
    assert sum(counts.values()) == len(jurs) * len(THEMES) and counts[PASSAGE] and counts[NOTHING] >= 0


def test_spanish_reader_gets_the_spanish_twin(kb_starter):
    comp = compare_for_reader(kb_starter, THEMES, ["MX-TAB"], "es")
    languages = [c.best.chunk.language for c in comp.cells.values() if c.best]
    plain = compare(kb_starter, THEMES, ["MX-TAB"])
    before = [c.best.chunk.language for c in plain.cells.values() if c.best]
    assert languages.count("es") > before.count("es")
