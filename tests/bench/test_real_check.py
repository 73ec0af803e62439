"""The real-document check's questions (bench/real_check.py): 10 Spanish and 10 English, each labelled with a real
PDF that exists and a span that PDF contains."""

from __future__ import annotations

import json

from bench.real_check import QUESTIONS


def test_ten_questions_per_language_labelled_on_the_real_pdfs(shared_pdfs):
    from pypdf import PdfReader

    questions = [json.loads(line) for line in QUESTIONS.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert sorted(q["lang"] for q in questions) == ["en"] * 10 + ["es"] * 10
    readers: dict[str, tuple] = {}

    def contains(doc: str, span: str) -> bool:
        """Pages are read only until the span is found (the Colombian plan has hundreds)."""
        reader, pages = readers.setdefault(doc, (PdfReader(shared_pdfs / doc), []))
        for i in range(len(reader.pages)):
            if i == len(pages):
                pages.append(" ".join((reader.pages[i].extract_text() or "").split()).lower())
            if span.lower() in pages[i]:
                return True
        return False

    for q in questions:
        assert q["answers"] and all((shared_pdfs / a["doc"]).is_file() for a in q["answers"]), q["id"]
        assert any(contains(a["doc"], a["span"]) for a in q["answers"]), q["id"]
