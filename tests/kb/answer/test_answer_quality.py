"""The issue's done-when test for answers: over the evaluation questions, on the starter corpus, no answer sentence
(CLI and API share ``KnowledgeBase.answer``) is a title, a heading or a reference entry; nor a question (the notes'
"questions for research" are the sentences closest to a question)."""

from __future__ import annotations

import json
import re
import unicodedata

from kb.answer.answer import is_question
from kb.config import PROJECT_ROOT
from kb.passage_kind import REFERENCES, classify

BYLINE = re.compile(r"policy-kb team\s*·", re.I)  # the starter notes' title-page line


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


def _questions() -> list[str]:
    out: list[str] = []
    for path in sorted((PROJECT_ROOT / "corpus" / "_eval").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                if item.get("text") and (item.get("answers") is None or item.get("answers")):
                    out.append(item["text"])
    return list(dict.fromkeys(out))


def test_no_answer_sentence_is_a_title_heading_or_reference_entry(kb_starter):
    chunks = list(kb_starter.store.manifest.iter_chunks())
    titles = {_norm(d.title) for d in kb_starter.documents() if len(d.title.split()) >= 4}
    headings = {_norm(c.section) for c in chunks if c.section}
    non_content = [_norm(c.text) for c in chunks if c.kind != "content"]
    assert non_content, "the starter notes' reference lists are recognised"
    questions = _questions()
    assert len(questions) >= 100
    quoted = 0
    for q in questions:
        answer = kb_starter.answer(q)
        for s in answer.sentences:
            quoted += 1
            assert answer.hits[s.ref - 1].chunk.kind == "content", f"{q!r} → {s.text!r}"
            for text in [s.text] + ([s.context] if s.context else []):  # a sentence and the one it points back to
                n = _norm(text)
                where = f"{q!r} → {text!r}"
                assert n not in headings and not BYLINE.search(text), where
                assert not any(t in n for t in titles) or len(n.split()) > 2 * max(
                    len(t.split()) for t in titles if t in n
                ), where
                assert classify(text) != REFERENCES and "http" not in text, where
                assert not is_question(text), where
                assert not any(n in passage for passage in non_content), where
    assert quoted >= len(questions)  # answers were given, not withheld
