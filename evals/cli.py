"""``kb eval --passages FILE…``: passage questions and element questions through one command, one report per
file. It sits above both evaluations (``evals.passages``, ``evals.elements``), which therefore need not know each
other's command line (they imported each other before: a cycle)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

from evals.elements import format_element_report, is_element_file, load_element_questions, run_elements
from evals.passages import MODES, SPLITS, QuestionFileError, format_report, load_questions, run
from kb.records import Filters


def evaluate_cli(
    kb,
    files: Sequence[Path],
    *,
    mode: str = "all",
    split: str = "dev",
    answers: bool = True,
    worst: int = 10,
    as_json: bool = False,
    echo=print,
    filters: Filters = Filters(),
) -> int:
    """``kb eval --passages FILE…``: one report per file (each file is meant for its own store); exit status."""
    import sys

    if mode not in (*MODES, "all"):
        print(f"error: --mode must be one of {', '.join(MODES)} or all, not {mode!r}", file=sys.stderr)
        return 2
    halves = [h.strip() for h in split.split(",")]
    if not halves or any(h not in (*SPLITS, "all") for h in halves):
        print(
            f"error: --split must be dev, test, all or a comma-separated list of them, not {split!r}", file=sys.stderr
        )
        return 2
    try:
        element_sets = [(Path(f), load_element_questions(f)) for f in files if is_element_file(f)]
        sets = [(Path(f), load_questions(f)) for f in files if not is_element_file(f)]
    except (OSError, QuestionFileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not kb.documents():
        print(
            f"error: the store {kb.config.store} is empty: ingest the documents the questions are about first",
            file=sys.stderr,
        )
        return 2
    out = []
    for path, questions in sets:
        # One run over every half asked for; each half is then reported on its own.
        report = run(
            kb,
            questions,
            MODES if mode == "all" else (mode,),
            split=halves[0] if len(halves) == 1 else "all",
            answers=answers,
            filters=filters,
        )
        out += [(path, h, report.subset(h)) for h in halves]
    # Element questions (corpus/_eval/elements_*.jsonl): what the answer quotes, element by element.
    elements = []
    for path, eqs in element_sets:
        ereport = run_elements(kb, eqs, split=halves[0] if len(halves) == 1 else "all")
        elements += [(path, h, ereport.subset(h)) for h in halves]
    if as_json:
        data: dict = {}
        for p, h, r in out:
            data.setdefault(p.name, {})[h] = r.to_json()
        for p, h, e in elements:
            data.setdefault(p.name, {})[h] = e.to_json()
        echo(json.dumps(data, ensure_ascii=False, indent=1))
    else:
        texts = [format_report(r, p.name, worst) for p, _, r in out]
        texts += [format_element_report(e, p.name, worst) for p, _, e in elements]
        echo("\n\n".join(texts))
    return 0
