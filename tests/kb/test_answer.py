"""Extractive answers: quoted sentences, each citing the hit it came from, across languages."""

import pytest

from kb.answer import Answer, extract_answer
from kb.citations import citation_for
from kb.glossary import Glossary, parse
from kb.records import Chunk, Hit

GLOSSARY = Glossary(parse("es\ten\tdomain\ndesarrollo de proveedores\tsupplier development\tindustry\n"))


def _hit(rank: int, text: str, lang: str) -> Hit:
    chunk = Chunk(chunk_id=f"d{rank}:0", doc_id=f"d{rank}", ordinal=0, text=text, page_start=rank, page_end=rank,
                  section="", language=lang, title=f"Doc {rank}", source=f"/x/d{rank}.pdf")
    return Hit(chunk=chunk, score=1.0 / rank, rank=rank, legs=["dense:" + lang], citation=citation_for(chunk))


HITS = [
    _hit(1, "Singapore has an airport. The Economic Development Board promotes investment in advanced "
            "manufacturing and links it with skills training for workers.", "en"),
    _hit(2, "Tabasco tiene ríos. El programa estatal de desarrollo de proveedores apoya a las pymes locales para "
            "entrar en las cadenas de suministro de las empresas tractoras.", "es"),
    _hit(3, "The weather in the port was pleasant during the whole visit of the delegation.", "en"),
]


def test_best_sentence_is_quoted_with_its_hit_number():
    ans = extract_answer("How does the Economic Development Board link investment and skills?", HITS, max_sentences=1)
    assert len(ans.sentences) == 1
    s = ans.sentences[0]
    assert s.ref == 1 and s.text in HITS[0].chunk.text and "skills training" in s.text
    assert ans.text() == f"{s.text} [1]"


def test_glossary_lets_an_english_question_quote_a_spanish_sentence():
    q = "Which supplier development programmes help local firms?"
    bridged = extract_answer(q, HITS, glossary=GLOSSARY)
    assert bridged.sentences[0].ref == 2 and "desarrollo de proveedores" in bridged.sentences[0].text
    plain = extract_answer(q, HITS)
    spanish = [s.score for s in plain.sentences if s.ref == 2]
    assert not spanish or spanish[0] < bridged.sentences[0].score  # only a stray word ("locales") in common


def test_off_topic_sentences_and_fragments_are_left_out():
    ans = extract_answer("Economic Development Board skills training", HITS)
    assert all("weather" not in s.text and s.text != "Singapore has an airport." for s in ans.sentences)
    assert extract_answer("quantum chromodynamics", HITS).sentences == []
    assert extract_answer("anything", []).sentences == []


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="unknown answer method"):
        extract_answer("x", HITS, method="llm")
    with pytest.raises(ValueError, match="embedder"):
        extract_answer("x", HITS, method="dense")


@pytest.mark.parametrize("method", ["lexical", "dense"])
def test_answer_from_the_knowledge_base_cites_its_hits(kb_small, method):
    ans = kb_small.answer("supplier development programme for small firms", k=4, method=method)
    assert isinstance(ans, Answer) and ans.sentences and ans.method == method
    by_rank = {h.rank: h for h in ans.hits}
    for s in ans.sentences:
        assert s.text in by_rank[s.ref].chunk.text
    assert ans.sentences[0].ref == 1 and "proveedores" in ans.sentences[0].text
    assert ans.to_json()["answer"].endswith("]")


def test_cli_ask_and_search_answer(kb_small):
    import json

    from typer.testing import CliRunner

    from kbapp.cli import app

    store = str(kb_small.config.store)
    res = CliRunner().invoke(app, ["ask", "¿Quién da seguimiento a los proyectos estratégicos?", "--store", store])
    assert res.exit_code == 0, res.output
    assert "consejo consultivo industrial" in res.output and "[1]" in res.output
    res = CliRunner().invoke(app, ["search", "consejo consultivo", "--answer", "--json", "--store", store])
    out = json.loads(res.output)
    assert out["answer"]["sentences"] and "legs" in out["hits"][0]
