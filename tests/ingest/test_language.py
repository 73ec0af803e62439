from ingest.language import detect_language


def test_spanish_and_english():
    assert (
        detect_language(
            "El programa de desarrollo de proveedores vincula a las pequeñas empresas con las "
            "empresas tractoras del estado."
        )
        == "es"
    )
    assert (
        detect_language(
            "The supplier development programme links small firms with the anchor companies located in the state."
        )
        == "en"
    )


def test_short_text_takes_the_fallback():
    assert detect_language("Plan México", fallback="es") == "es"


# Word salads on which unseeded langdetect answers es, ca, it, pt or en from one call to the next (measured: 160
# of 300 such mixes vary within 15 calls); a passage's language must not depend on the run.
AMBIGUOUS = (
    "industrial development desarrollo la the skills Tabasco CORFO policy talento talent el",
    "programa el programme política Tabasco firms CORFO of development talent empresas talento",
    "Tabasco firms empresas industrial el inversión programme skills of CORFO industrial programa",
)


def test_deterministic():
    for text in AMBIGUOUS:
        assert len({detect_language(text) for _ in range(20)}) == 1, text


# --- a passage's language, with its document's language as the prior (issue 14, item 1) ------------------------
from ingest.language import passage_language  # noqa: E402

PT = (
    "O programa brasileiro de apoio à indústria de semicondutores oferece crédito a juros baixos para empresas que "
    "instalam fábricas no país. As empresas beneficiadas devem investir uma parte do faturamento em pesquisa e "
    "desenvolvimento, em parceria com universidades públicas, e contratar engenheiros formados nas instituições "
    "brasileiras. O governo avalia os resultados a cada dois anos e pode suspender os benefícios."
)
EN = (
    "The state programme links small local firms with the large manufacturers that buy from them. Firms that join "
    "receive technical advice, help to obtain quality certifications and support to enter supply chains; the "
    "programme is evaluated every two years by an independent panel that reports to the state congress and "
    "publishes its findings, including the firms that left the programme and why."
)


def test_a_title_page_or_list_inside_a_spanish_document_stays_spanish():
    # Both were tagged "pt" by plain detection on the real PDFs (the Colombian plan's title page) or are the kind
    # of text that is: capitals, names, numbers.
    title = (
        "TEXTO CONCILIADO DEL PROYECTO DE LEY NÚMERO 274 de 2023 CÁMARA – 338 de 202 SENADO “POR EL CUAL SE "
        "EXPIDE EL PLAN NACIONAL DE DESARROLLO 2022- 2026 COLOMBIA POTENCIA MUNDIAL DE LA VIDA”"
    )
    assert detect_language(title, fallback="es") != "es"  # what plain detection says
    assert passage_language(title, "es") == "es"
    names = "Gustavo Petro Urrego Francia Márquez Mina Jorge Iván González Ospina Luis Fernando Velasco Chaves " * 2
    assert passage_language(names, "es") == "es"


def test_a_real_paragraph_in_another_language_keeps_its_language():
    assert passage_language(PT, "es") == "pt"
    assert passage_language(EN, "es") == "en"
    assert passage_language(PT, "pt") == "pt"  # a Portuguese document


def test_without_a_document_language_plain_detection():
    assert passage_language(PT, "") == "pt"
    assert passage_language("Plan México", "") == ""
