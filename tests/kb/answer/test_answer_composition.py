"""Answers composed for the question (issue 20): a list quoted with its items as one unit, the question's language
first, and never a sentence in which a note speaks about itself."""

from kb.answer import answer
from kb.answer.answer import _Candidate, extract_answer, list_end, question_language_first
from kb.passage_kind import CONTENT, NOTE, about_itself, classify, is_content
from tests.kb.answer.test_answer import _kind_hit

# The Tabasco note's priority sectors, as ingestion stores them: the Markdown list flattened into the passage.
SECTORS = (
    "According to CIIP, the sectors were chosen through a participatory sector-prioritisation exercise aimed at "
    "the sectors with the greatest potential to add value to the state's productive vocations. The four priority "
    "industries are: Agroindustry. Tabasco's fertile soils and water, which CIIP lists among the state's natural "
    "advantages, support agriculture and agribusiness. Chemical industry. CIIP notes that the state's natural "
    "resources, including oil reserves, fostered petrochemicals. Renewable energy. Automotive. The three roadmap "
    "workshops held while the plan was prepared covered agroindustry, the chemical industry and renewable energy."
)
SECTORS_QUESTION = "Which priority sectors did Tabasco's industrial plan select?"


def test_a_sentence_that_introduces_a_list_is_quoted_with_its_items():
    hits = [_kind_hit(1, SECTORS, "en")]
    ans = extract_answer(SECTORS_QUESTION, hits)
    unit = next(s.text for s in ans.sentences if "four priority industries are" in s.text)
    # One quoted unit holds every item; before list units it was "The four priority industries are: Agroindustry."
    for item in ("Agroindustry", "Chemical industry", "Renewable energy", "Automotive"):
        assert item in unit, unit
    assert "roadmap workshops" not in unit  # the sentence after the list is not one of its items
    assert unit in SECTORS  # verbatim: a piece of the passage, not a rewriting
    # Its sentences are not quoted a second time on their own.
    assert sum("fertile soils" in s.quote for s in ans.sentences) == 1


def test_a_list_unit_keeps_to_its_length_limit(monkeypatch):
    items = " ".join(f"Sector number {i}." for i in range(1, 60))
    sentences = ["The priority sectors are: Agroindustry.", *[f"Sector number {i}." for i in range(1, 60)]]
    end = list_end(sentences, 0)
    assert end is not None
    assert sum(len(s.split()) for s in sentences[: end + 1]) <= answer.LIST_MAX_WORDS < len(items.split())
    monkeypatch.setattr(answer, "LIST_MAX_WORDS", 14)
    assert list_end(sentences, 0) == 3  # 5 + 3 × 3 words: the introduction and three items


def test_a_colon_inside_prose_introduces_no_list():
    prose = [
        "La formación a la medida reduce el riesgo para el inversionista: la UNAQ nació para responder a necesidades.",
        "La infraestructura compartida genera economías de aglomeración.",
        "El desarrollo de proveedores es lento: las certificaciones toman años.",
    ]
    assert list_end(prose, 0) is None
    labelled = [
        "Several bottlenecks could limit nearshoring gains: Electricity: insufficient transmission capacity.",
        "Water: the 2022 water crisis in Monterrey highlighted the risk.",
        "Security: crime and cargo theft raise costs.",
        "Nearshoring has reinforced the concentration of investment in the north of the country.",
    ]
    assert list_end(labelled, 0) == 2


def test_the_question_language_goes_first_when_it_scores_almost_as_well():
    en = _Candidate("The four priority sectors are agroindustry and chemicals.", 1, "en")
    es = _Candidate("Los cuatro sectores prioritarios son la agroindustria y la química.", 2, "es")
    assert (en.said_in, es.said_in) == ("en", "es")
    scores = [0.6, 0.55]
    assert question_language_first([0, 1], [en, es], [1.0, 0.93], scores, "es") == [1, 0]
    assert question_language_first([0, 1], [en, es], [1.0, 0.93], scores, "en") == [0, 1]
    # Further behind than the margin, the better answer stays first whatever its language.
    assert question_language_first([0, 1], [en, es], [1.0, 0.7], scores, "es") == [0, 1]


def test_a_sentence_is_written_in_its_own_language_not_its_passage_s():
    # A Spanish note quoting the English name of a pillar: the quote is English.
    quoted = _Candidate('"Balanced and inclusive industrial development" is the third of the four pillars.', 1, "es")
    assert quoted.said_in == "en"


SELF = (
    "This is a research note written by the policy-kb team. It summarises the Strategic Plan for the Industrial "
    "Development of the State of Tabasco 2024-2044 as public sources describe it. It is not the plan. We found no "
    "public copy of the plan itself. Quotations below are taken from the English version of the CIIP article."
)
QUESTIONS = (
    "The following are our questions, not findings of the plan: How are the pillar roadmaps and the sector "
    "roadmaps linked? Which indicators does the plan use for the Vision 2044? How does the governance pillar "
    "survive the change of state administration?"
)
PREGUNTAS = (
    "Son preguntas nuestras, no conclusiones del plan: ¿Cómo se articulan las hojas de ruta de los pilares con las "
    "de los sectores? ¿Con qué indicadores se medirán las brechas regionales y de género del tercer pilar?"
)


def test_a_note_speaking_about_itself_is_a_passage_kind_of_its_own():
    assert classify(SELF) == NOTE and classify(QUESTIONS) == NOTE and classify(PREGUNTAS) == NOTE
    assert not is_content(NOTE)  # not embedded, never quoted, never a Compare cell, no result slot by default
    # Content that mentions the collection's notes, or a note's first paragraph about its subject, stays content.
    assert classify(SECTORS) == CONTENT
    assert (
        classify(
            "In January 2025 the federal government launched Plan México, which includes tax incentives for "
            "investment. None of the fifteen hubs was in Tabasco (see the policy-kb notes on Plan México and on "
            "the hubs). How the state plan connects with federal instruments is an open question for research."
        )
        == CONTENT
    )


def test_sentences_about_the_note_itself_are_never_quoted():
    assert about_itself("Esta es una nota de investigación del equipo de policy-kb, no el plan.")
    assert about_itself("This note by the policy-kb team summarises the governance of the port.")
    assert not about_itself("The plan appeared as federal industrial policy changed.")
    pillars = (
        "The CIIP article names the pillars as follows. An earlier version of this note did not name the pillars "
        "and listed four themes of its own. That list was wrong: it left out the innovation pillar and the "
        "balanced-and-inclusive pillar. The third pillar, balanced and inclusive industrial development, aims to "
        "narrow regional and gender gaps within the state."
    )
    hits = [_kind_hit(1, SELF, "en"), _kind_hit(2, pillars, "en")]
    ans = extract_answer("What are the pillars of the Tabasco industrial plan?", hits)
    quoted = " ".join(s.quote for s in ans.sentences)
    assert ans.sentences and "balanced and inclusive industrial development" in quoted
    for editorial in ("research note", "earlier version", "That list was wrong", "not the plan", "Quotations"):
        assert editorial not in quoted, quoted


def test_the_starter_notes_questions_for_researchers_are_note_passages(kb_starter):
    rows = kb_starter.store.manifest._db.execute("SELECT text, kind FROM chunks").fetchall()
    notes = [r["text"] for r in rows if r["kind"] == NOTE]
    assert any(t.startswith("The following are our questions") for t in notes)
    assert any(t.startswith("This is a research note written by the policy-kb team") for t in notes)
    ans = kb_starter.answer("¿Cuáles son los cuatro pilares del plan de política industrial de Tabasco?")
    assert ans.sentences and not about_itself(ans.sentences[0].text)
    assert "Innovative Tabasco" in ans.text() or "Tabasco innovador" in ans.text()


def test_only_a_question_for_elements_or_a_fact_favours_enumerations():
    from kb.answer.answer import asks_for_a_set

    for q in (
        "Which priority sectors did Tabasco select?",
        "¿Qué países revisa el Anexo B?",
        "Who sits on the council?",
        "¿Cuáles son los cuatro pilares?",
        "¿Quiénes integran la Comisión?",
    ):
        assert asks_for_a_set(q), q
    for q in (
        "Why do chambers of commerce have stable funding?",
        "¿Por qué vendió la EDB terrenos?",
        "How does Querétaro develop suppliers?",
        "Does the agency offer large incentives?",
    ):
        assert not asks_for_a_set(q), q
