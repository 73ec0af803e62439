"""The Compare evaluation: labelled cells grounded in the starter corpus, the judging rule, and Compare on the
starter corpus answering the cells the issue named (Skills × Querétaro: UNAQ; Investment × Singapore: EDB)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from evals.compare import CellFileError, LabelledCell, Span, is_acceptable, load_cells
from kb.compare.compare import THEMES_BY_KEY, compare
from kb.config import PROJECT_ROOT
from kb.records import Chunk, Document, Hit
from kb.search.citations import citation_for

CELLS = PROJECT_ROOT / "corpus" / "_eval" / "compare" / "cells.jsonl"


def test_the_labelled_set():
    cells = load_cells(CELLS)
    assert len(cells) >= 60 and len({c.id for c in cells}) == len(cells)
    assert {c.theme for c in cells} <= set(THEMES_BY_KEY) and {c.split for c in cells} == {"dev", "test"}
    assert sum(not c.acceptable for c in cells) >= 10  # cells where nothing is right are labelled too


def test_bad_cell_lines_are_named(tmp_path):
    f = tmp_path / "cells.jsonl"
    f.write_text('{"id": "x", "jurisdiction": "MX"}\n', encoding="utf-8")
    with pytest.raises(CellFileError, match="cells.jsonl:1"):
        load_cells(f)


def test_a_passage_is_acceptable_by_document_and_verbatim_span():
    cell = LabelledCell("x", "MX-QUE", "skills", "dev", (Span("md/es_q.md", "la UNAQ es  una universidad"),))
    chunk = Chunk(
        "d:1",
        "d",
        1,
        "Texto. La UNAQ es una\nuniversidad pública.",
        0,
        0,
        "",
        "es",
        doc=Document(doc_id="d", source="/home/u/corpus/md/es_q.md"),
    )
    hit = Hit(chunk, 1.0, 1, [], citation_for(chunk))
    assert is_acceptable(hit, cell)
    other = Chunk(
        "d:1", "d", 1, chunk.text, 0, 0, "", "es", doc=Document(doc_id="d", source="/home/u/corpus/md/other_es_q.md")
    )
    assert not is_acceptable(Hit(other, 1.0, 1, [], citation_for(other)), cell)


def test_labels_are_grounded_in_the_starter_corpus(kb_starter):
    """Every span is a phrase of its document as ingested (a corpus edit that drops one shows here)."""
    norm = lambda s: re.sub(r"\s+", " ", s).lower()  # noqa: E731
    texts: dict[str, list[str]] = {}
    for c in kb_starter.store.manifest.iter_chunks():
        texts.setdefault(Path(c.doc.source).as_posix(), []).append(norm(c.text))
    missing = []
    for cell in load_cells(CELLS):
        for s in cell.acceptable:
            docs = [t for src, ts in texts.items() if src.endswith("/" + s.doc) for t in ts]
            if not any(norm(s.span) in t for t in docs):
                missing.append((cell.id, s.doc, s.span))
    spans = sum(len(c.acceptable) for c in load_cells(CELLS))
    assert len(missing) <= 0.1 * spans, missing


@pytest.mark.parametrize(
    "theme, jurisdiction, docs, span",
    [
        # The UNAQ training passage, in the Spanish note or its English companion.
        ("skills", "MX-QUE", ("es_mx-que_cluster_aeroespacial.md", "en_mx-que_aerospace_unaq.md"), "UNAQ"),
        ("investment", "SG", ("en_sg_edb_investment_promotion.md",), "Economic Development Board"),
    ],
)
def test_the_cells_the_issue_named(kb_starter, theme, jurisdiction, docs, span):
    comp = compare(kb_starter, [THEMES_BY_KEY[k] for k in THEMES_BY_KEY], ["MX-TAB", "MX-QUE", "MX-NLE", "SG"])
    cell = comp.cell(THEMES_BY_KEY[theme], jurisdiction)
    assert cell.best is not None and cell.best.chunk.doc.source.endswith(docs) and span in cell.best.chunk.text
    assert cell.sentences and all(s in cell.best.chunk.text for s in cell.sentences)


def test_compare_on_the_labelled_cells(kb_starter):
    """docs/verdicts.md, Compare: 21 profiled jurisdictions × the 8 themes, both languages. Dev (96 cells): false
    empty 0.156 -> 0.042, off-topic 0.052 -> 0.042 with profile items as evidence; test (72): false empty 0.139 ->
    0.042, off-topic 0.125 -> 0.167 (issue 20's target, 0.10, is not met: docs/verdicts.md says which cells)."""
    from evals.compare import covered, evaluate_languages, rates

    cells = load_cells(CELLS)
    # Notes added to the corpus after the labels (eight states, Yucatán's English note) are not labelled yet.
    labelled = covered(cells, kb_starter.documents())
    assert {"MX-TAB", "MX-QUE", "MX-NLE", "SG", "NL"} <= labelled
    shown = evaluate_languages(kb_starter, [c for c in cells if c.jurisdiction in labelled], languages=("",))[""]
    # On the session-start store (docs/verdicts.md) dev off-topic was 0.042; on today's corpus (main changed notes
    # of labelled states too) 0.09-0.11 on dev and 0.16 on test: the guard is set there, the 0.10 target is not met.
    for split, false_empty, off_topic in (("dev", 0.05, 0.12), ("test", 0.05, 0.17)):
        r = rates([s for s in shown if s.cell.split == split])
        assert r["false_empty"] <= false_empty and r["off_topic"] <= off_topic, (split, r)


def test_a_cell_as_the_reader_sees_it():
    """on theme, off-topic, false empty, correctly empty; a passage counts in its document's language only, a
    profile item in both."""
    from evals.compare import ShownCell, rates
    from kb.compare.compare import ProfileEvidence

    es_span = Span("md/es_q.md", "la UNAQ")
    item_span = Span("profiles/mx-que.md", "Supplier development", "instruments")
    cell = LabelledCell("x", "MX-QUE", "suppliers", "dev", (es_span, item_span))
    item = ProfileEvidence("instruments", 0, (("en", "Supplier development programmes"),), "/c/profiles/mx-que.md")
    other = ProfileEvidence("sectors", 0, (("en", "Aerospace"),), "/c/profiles/mx-que.md")
    assert ShownCell(cell, "", None, [item]).verdict() == "on_theme"
    assert ShownCell(cell, "", None, [other]).verdict() == "off_topic"
    assert ShownCell(cell, "en", None, []).verdict() == "false_empty"  # the profile item exists in English too
    only_es = LabelledCell("y", "MX-QUE", "skills", "dev", (es_span,))
    assert ShownCell(only_es, "en", None, []).verdict() == "correctly_empty"
    assert ShownCell(only_es, "es", None, []).verdict() == "false_empty"
    r = rates([ShownCell(cell, "", None, [item]), ShownCell(only_es, "es", None, [])])
    assert r["on_theme"] == 0.5 and r["false_empty"] == 0.5 and r["cells"] == 2
