"""Extractive answers: quoted sentences, each citing the hit it came from, across languages."""

import pytest

from kb.answer.answer import Answer, extract_answer
from kb.records import Chunk, Document, Hit
from kb.search.citations import citation_for
from kb.search.glossary import Glossary, parse

GLOSSARY = Glossary(parse("es\ten\tdomain\ndesarrollo de proveedores\tsupplier development\tindustry\n"))


def _hit(rank: int, text: str, lang: str) -> Hit:
    chunk = Chunk(
        chunk_id=f"d{rank}:0",
        doc_id=f"d{rank}",
        ordinal=0,
        text=text,
        page_start=rank,
        page_end=rank,
        section="",
        language=lang,
        doc=Document(doc_id=f"d{rank}", title=f"Doc {rank}", source=f"/x/d{rank}.pdf"),
    )
    return Hit(chunk=chunk, score=1.0 / rank, rank=rank, legs=["dense:" + lang], citation=citation_for(chunk))


HITS = [
    _hit(
        1,
        "Singapore has an airport. The Economic Development Board promotes investment in advanced "
        "manufacturing and links it with skills training for workers.",
        "en",
    ),
    _hit(
        2,
        "Tabasco tiene ríos. El programa estatal de desarrollo de proveedores apoya a las pymes locales para "
        "entrar en las cadenas de suministro de las empresas tractoras.",
        "es",
    ),
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
    bridged = extract_answer(q, HITS, glossary=GLOSSARY, method="lexical")
    assert bridged.sentences[0].ref == 2 and "desarrollo de proveedores" in bridged.sentences[0].text
    plain = extract_answer(q, HITS, method="lexical")
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


@pytest.mark.parametrize("method", ["semantic", "lexical", "dense"])
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


def _kind_hit(rank: int, text: str, lang: str, kind: str = "content", section: str = "") -> Hit:
    hit = _hit(rank, text, lang)
    hit.chunk.kind, hit.chunk.section = kind, section
    return hit


def test_semantic_answer_finds_the_sentence_that_answers_in_the_other_language():
    hits = [
        _kind_hit(
            1,
            "Querétaro atrajo inversiones aeroespaciales desde 2005. El estado creó un programa de "
            "desarrollo de proveedores que certifica a pymes locales para abastecer a Safran y Bombardier.",
            "es",
        ),
        _kind_hit(
            2,
            "Ireland, Singapore and the Czech Republic are often cited as examples of investment "
            "promotion agencies that work closely with multinational firms.",
            "en",
        ),
    ]
    ans = extract_answer("How does Querétaro develop local suppliers for the aerospace industry?", hits)
    assert ans.method == "semantic" and ans.sentences
    texts = [s.text for s in ans.sentences]
    assert any("proveedores" in t for t in texts), texts
    assert not any("Ireland" in t for t in texts[: texts.index(next(t for t in texts if "proveedores" in t))])


def test_the_question_language_wins_when_two_sentences_answer_alike():
    hits = [
        _kind_hit(
            1,
            "The Polos de Desarrollo para el Bienestar offer tax incentives to firms that invest "
            "in the south-southeast of Mexico.",
            "en",
        ),
        _kind_hit(
            2,
            "Los Polos de Desarrollo para el Bienestar ofrecen incentivos fiscales a las empresas "
            "que invierten en el sur-sureste de México.",
            "es",
        ),
    ]
    for question, lang in (
        ("¿Qué incentivos ofrecen los Polos de Desarrollo para el Bienestar?", "es"),
        ("What incentives do the Polos de Desarrollo para el Bienestar offer?", "en"),
    ):
        # Rank order aside (the Spanish hit is second), the sentence in the question's language comes first.
        first = extract_answer(question, hits, max_sentences=1).sentences[0]
        assert hits[first.ref - 1].chunk.language == lang, question


def test_titles_headings_list_stubs_and_references_are_never_quoted():
    title = (
        "Strategic Plan for the Industrial Development of Tabasco 2024-2044: vision and pillars policy-kb "
        "team MX-TAB 2026"
    )
    hits = [
        _kind_hit(1, title, "en", kind="title"),
        _kind_hit(
            2,
            "UNIDO (2024). UNIDO to advise Mexican state Tabasco on industrial policy. https://www.unido.org. "
            "Gobierno de Tabasco (2024). Plan Estratégico de Desarrollo Industrial. https://tabasco.gob.mx.",
            "en",
            kind="references",
        ),
        _kind_hit(
            3,
            "Vision And Pillars Of The Tabasco Industrial Plan For 2044 Investment Skills Energy Governance "
            "The plan sets four pillars for the industrial development of Tabasco: skills, suppliers, "
            "innovation and investment.",
            "en",
        ),
        _kind_hit(
            4,
            "Rodrik, D. (2004). Industrial Policy for the Twenty-First Century. Harvard University, "
            "Working Paper RWP04-047, pp. 1-57.",
            "en",
        ),
    ]
    ans = extract_answer("What are the pillars of the Tabasco industrial plan?", hits)
    assert ans.sentences, "the prose sentence of hit 3 answers"
    for s in ans.sentences:
        assert s.ref == 3 and "policy-kb team" not in s.text and "Rodrik" not in s.text and "https" not in s.text


def test_quotable_by_shape():
    from kb.answer.answer import quotable

    assert quotable("The plan sets four pillars for the industrial development of the state.")
    assert quotable("El plan define cuatro pilares para el desarrollo industrial del estado.")
    assert not quotable("Plan Estratégico para el Desarrollo Industrial de Tabasco 2024-2044 Visión y Pilares")
    assert not quotable(
        "Hausmann, R., Hwang, J. and Rodrik, D. (2007). What you export matters. Journal of "
        "Economic Growth, 12(1), 1-25."
    )
    assert not quotable("Secretaría de Economía. Portal oficial. https://www.gob.mx/se")
    assert not quotable("Desarrollo de proveedores")
    assert not quotable('"UNIDO to advise Mexican state Tabasco on industrial policy".')
    assert not quotable(
        'Castañeda-Navarrete, J. y Aranda-Aranda, D. "Making nearshoring work for Mexico: the role of '
        'industrial innovation policy".'
    )
    assert not quotable("Cambridge Industrial Innovation Policy, 15 de octubre de 2024.")
    assert quotable("The plan was presented in 2024 by the state government and UNIDO.")


def test_answers_from_stored_sentence_spans_equal_answers_from_a_fresh_split(kb_starter):
    """Ingestion stores each content passage's sentence spans so answers need not split at question time; the
    answers must be the ones a fresh split gives (a store ingested before the spans answers that way)."""
    import json
    from dataclasses import replace

    from kb.answer.answer import passage_sentences, split_sentences
    from kb.config import PROJECT_ROOT

    chunks = [c for c in kb_starter.store.manifest.iter_chunks() if c.kind == "content"]
    assert chunks and all(c.sentences for c in chunks)
    for c in chunks[::5]:
        assert list(passage_sentences(c)) == list(split_sentences(c.text, c.language)), c.chunk_id
    lines = (PROJECT_ROOT / "corpus" / "_eval" / "passages_starter.jsonl").read_text(encoding="utf-8").splitlines()
    questions = [json.loads(line) for line in lines if line.strip()]
    asked = [q["text"] for q in questions if q["answers"]][::6]
    assert len(asked) >= 30
    for question in asked:
        hits = kb_starter.search(question)
        unsplit = [replace(h, chunk=replace(h.chunk, sentences="")) for h in hits]
        stored = extract_answer(question, hits, glossary=kb_starter.glossary)
        assert stored.sentences, question
        assert stored.text() == extract_answer(question, unsplit, glossary=kb_starter.glossary).text(), question


# A provision of a law is one long sentence; the answer to a question about it is inside (the real PDFs' dev half:
# 11 of 16 missed answers were in 71-119-word sentences when the limit was 70 words).
LONG_PROVISION = (
    "La concesión de aguas nacionales a que se refiere el presente artículo podrá prorrogarse hasta por igual "
    "término por el que se hubiere otorgado, siempre que sus titulares no incurran en las causales de terminación "
    "previstas en la presente Ley, lo soliciten antes del vencimiento de su concesión y se cumpla con los requisitos "
    "que establezcan esta Ley y sus reglamentos, para lo cual la Autoridad del Agua contará con un plazo de cuarenta "
    "días hábiles para resolver la solicitud."
)


def test_a_long_provision_of_a_law_is_quoted():
    from kb.answer.answer import quotable

    assert 70 < len(LONG_PROVISION.split()) <= 120
    assert quotable(LONG_PROVISION)
    hits = [_hit(1, "Artículo 24. " + LONG_PROVISION + " Las solicitudes se presentarán por escrito.", "es")]
    answer = extract_answer("Can a water concession be extended, and for how long?", hits)
    assert any("prorrogarse hasta por igual término" in s.text for s in answer.sentences)


def test_a_run_of_list_items_stays_out():
    from kb.answer.answer import quotable

    run_on = " ".join(f"fracción {i} del inciso {i} relativo al rubro número {i} y" for i in range(1, 16)) + "."
    assert len(run_on.split()) > 120
    assert not quotable(run_on)


COUNCIL_HITS = [
    _kind_hit(
        1,
        "Artículo 52. El consejo tendrá un presidente y un secretario, electos por la mayoría de sus miembros; "
        "durarán en su cargo tres años. Artículo 51. El consejo es el órgano permanente de consulta de la comisión "
        "y se integrará por mínimo quince miembros provenientes de los sectores social, privado y académico.",
        "es",
    ),
    _kind_hit(
        2,
        "Climate councils in many countries advise governments on mitigation targets and carbon budgets.",
        "en",
    ),
    _kind_hit(
        3,
        "The council members discussed climate change adaptation for coastal cities during the meeting.",
        "en",
    ),
]
COUNCIL_QUESTION = "How many members does the climate change council have and where do they come from?"


def test_the_top_passage_keeps_two_places_in_the_answer(monkeypatch):
    import kb.answer.answer as answer

    def quoted(ans):
        return any("quince miembros" in s.text for s in ans.sentences)

    answer_now = extract_answer(COUNCIL_QUESTION, COUNCIL_HITS)
    assert quoted(answer_now), answer_now.text()
    assert sum(s.ref == 1 for s in answer_now.sentences) == 2
    # Without the places kept for it, sentence similarity alone leaves the answering sentence out (across languages
    # it scores under the English sentences that share the question's words): the case the reservation is for.
    monkeypatch.setattr(answer, "TOP_PASSAGE_SENTENCES", 0)
    assert not quoted(extract_answer(COUNCIL_QUESTION, COUNCIL_HITS))


def test_a_one_sentence_answer_is_still_the_best_sentence():
    one = extract_answer(COUNCIL_QUESTION, COUNCIL_HITS, max_sentences=1)
    three = extract_answer(COUNCIL_QUESTION, COUNCIL_HITS)
    assert len(one.sentences) == 1 and one.sentences[0].text == three.sentences[0].text


def test_a_question_is_never_quoted_as_an_answer():
    from kb.answer.answer import is_question, quotable

    asked = [
        "¿Qué continuidad tuvo el plan tras el cambio de administración estatal de octubre de 2024?",
        "How does the Diagnosis treat flood risk and the Olmeca refinery at Dos Bocas?",
        "“¿Con qué indicadores se medirán las brechas regionales y de género del tercer pilar?”",
        "Son preguntas nuestras, no conclusiones del plan: ¿Cómo se articulan las hojas de ruta de los sectores?",
    ]
    embedded = [
        "Permite responder a la pregunta ¿qué conceptos de una palabra resaltan en un discurso respecto de otros?",
        "It allows one to answer the question: what concepts of one word stand out in a speech?",
    ]
    assert all(is_question(s) and not quotable(s) for s in asked)
    assert not any(is_question(s) for s in embedded) and all(quotable(s) for s in embedded)
    hits = [
        _kind_hit(
            1,
            "¿Qué pilares tiene el plan industrial de Tabasco y cómo se relacionan entre sí? El plan se organiza en "
            "cuatro pilares: industria diversificada, innovación, desarrollo incluyente y gobernanza eficiente.",
            "es",
        )
    ]
    answer = extract_answer("¿Qué pilares tiene el plan industrial de Tabasco?", hits)
    assert answer.sentences and all(not is_question(s.text) for s in answer.sentences)
    assert "cuatro pilares" in answer.sentences[0].text


def test_a_sentence_that_points_back_is_quoted_with_the_one_before_it():
    from kb.answer.answer import context_of

    polos = (
        "The Polos de Desarrollo Económico para el Bienestar are the main territorial tool of Plan México. They are "
        "selected sites where the state promotes productive investment and provides infrastructure and public services."
    )
    answer = extract_answer(
        "What are the Polos de Desarrollo Económico para el Bienestar sites?", [_hit(1, polos, "en")]
    )
    # Both sentences answer; the one that points back is never read before the one it points to, which is quoted once.
    text = answer.text()
    assert text.count("main territorial tool") == 1 and text.index("main territorial") < text.index("They are selected")
    they = next(s for s in answer.sentences if s.text.startswith("They are selected sites"))
    if they.context:
        assert they.context.startswith("The Polos de Desarrollo")
        assert answer.to_json()["sentences"][answer.sentences.index(they)]["context"] == they.context
    from kb.answer.answer import AnswerSentence, quote_context_once

    a, b = AnswerSentence("B points back.", 1, 0.9, context="A is said."), AnswerSentence("A is said.", 1, 0.8)
    assert [(s.text, s.context) for s in quote_context_once([a, b])] == [("B points back.", "A is said.")]
    a, b = AnswerSentence("A is said.", 1, 0.9), AnswerSentence("B points back.", 1, 0.8, context="A is said.")
    assert [(s.text, s.context) for s in quote_context_once([a, b])] == [("A is said.", ""), ("B points back.", "")]
    # Only a sentence that points back gets its context, and never a heading or a title as context.
    sentences = ["El programa se creó en 2019 con apoyo federal.", "Su objetivo es formar proveedores locales."]
    assert context_of(sentences, 1) == sentences[0] and context_of(sentences, 0) == ""
    assert context_of(["Desarrollo de Proveedores", sentences[1]], 1) == ""
    from kb.text import fingerprint

    assert context_of(sentences, 1, titles=[fingerprint("Informe: " + sentences[0])]) == ""
    assert context_of(["La agencia fue creada en 1990 por decreto del gobierno.", "La agencia promueve."], 1) == ""


def test_a_title_with_its_publication_in_brackets_is_not_quoted():
    from kb.answer.answer import quotable

    # A profile's source entry was quoted as the answer to "When was Mexico's National Waters Law published?".
    assert not quotable(
        "Plan Estatal de Desarrollo del Estado de Nayarit 2017-2021 (Periódico Oficial, 19 de marzo de 2018)."
    )
    assert quotable("The law was published in the Official Gazette on 1 December 1992 (DOF, 1992).")
