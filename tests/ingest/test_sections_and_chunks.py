import pytest

from ingest.chunk import ChunkSettings, chunk_blocks, split_sentences
from ingest.sections import markdown_blocks, page_blocks
from kb.records import Block, Page


def _sentences(prefix: str, n: int) -> str:
    return " ".join(f"{prefix} oración número {i} habla de política industrial y cadenas de valor." for i in range(n))


def test_page_numbers_survive_chunking():
    blocks = [
        Block(1, "Uno", _sentences("Primera", 20)),
        Block(2, "Uno", _sentences("Segunda", 20)),
        Block(3, "Dos", _sentences("Tercera", 5)),
    ]
    passages = chunk_blocks(blocks, ChunkSettings(60, 90, 12), language="es")
    for p in passages:
        assert p.page_start <= p.page_end
        for word, page in (("Primera", 1), ("Segunda", 2), ("Tercera", 3)):
            if word in p.text:
                assert p.page_start <= page <= p.page_end
    assert any(p.page_start == 1 and p.page_end == 2 for p in passages), "a passage spanning a page break"
    assert passages[-1].section == "Dos" and passages[-1].page_start == 3


def test_passages_respect_size_and_overlap():
    blocks = [Block(1, "S", _sentences("Texto", 40))]
    passages = chunk_blocks(blocks, ChunkSettings(60, 90, 12), language="es")
    assert len(passages) > 3
    assert all(len(p.text.split()) <= 90 for p in passages)
    # Consecutive passages share their boundary sentence.
    first_last_sentence = split_sentences(passages[0].text, "es")[-1]
    assert passages[1].text.startswith(first_last_sentence)


def test_every_sentence_is_kept():
    text = _sentences("Frase", 25)
    passages = chunk_blocks([Block(1, "", text)], ChunkSettings(50, 80, 10), language="es")
    joined = " ".join(p.text for p in passages)
    for i in range(25):
        assert f"número {i} habla" in joined


def test_sections_do_not_mix():
    blocks = [Block(1, "A", _sentences("Alfa", 2)), Block(1, "B", _sentences("Beta", 2))]
    passages = chunk_blocks(blocks, ChunkSettings(200, 300, 20), language="es")
    assert [p.section for p in passages] == ["A", "B"]
    assert "Beta" not in passages[0].text


def test_markdown_headings_become_sections_and_syntax_goes():
    blocks = markdown_blocks(
        "# Título\n\n## Visión 2044\nUn texto con **negritas** y [un enlace](http://x.org).\n\n"
        "- primer punto\n- segundo punto\n"
    )
    assert blocks[0].section == "Visión 2044"
    assert blocks[0].text == "Un texto con negritas y un enlace."
    assert [b.text for b in blocks[1:]] == ["primer punto.", "segundo punto."]


def test_markdown_links_with_parentheses_leave_no_residue():
    blocks = markdown_blocks('Vea [el plan](https://es.wikipedia.org/wiki/Plan_(México)) y ![mapa](m.png "Mapa").\n')
    assert blocks[0].text == "Vea el plan y mapa."


def test_wrapped_pdf_list_items_stay_whole():
    page = Page(
        2,
        "Casos documentados:\n• Irlanda: la agencia de desarrollo, entonces la Industrial\nDevelopment Authority, "
        "creó un programa de enlaces\n• Costa Rica: PROCOMER opera Costa\nRica Provee.\nOtro párrafo.",
    )
    text = page_blocks([page])[0].text
    assert "Industrial Development Authority, creó un programa de enlaces." in text
    assert "opera Costa Rica Provee." in text


def test_pdf_headings_found_by_shape():
    page = Page(
        4,
        "1. Diagnóstico regional\nLa región concentra la producción agrícola y petrolera del estado, con\n"
        "una base manufacturera pequeña.\nSectores prioritarios\nLa agroindustria y la química destacan.",
    )
    blocks = page_blocks([page])
    assert [(b.section, b.page) for b in blocks] == [("1. Diagnóstico regional", 4), ("Sectores prioritarios", 4)]


def _not_first(page: Page):
    """Blocks of ``page`` when it is not a document's first page (the first page may open with a title block)."""
    return [
        b
        for b in page_blocks([Page(1, "La primera página es prosa corriente, sin título."), page])
        if b.page == page.number
    ]


def test_stacked_headings_make_one_label():
    """The Ley de Aguas Nacionales opens "TÍTULO PRIMERO / Disposiciones Preliminares / Capítulo Único": every
    level stays in the label instead of the last one replacing the others."""
    page = Page(
        3,
        "TÍTULO PRIMERO\nDisposiciones Preliminares\nCapítulo Único\nArtículo 1. La presente Ley es "
        "reglamentaria del Artículo 27 de la Constitución.\nSus disposiciones son de orden público.",
    )
    blocks = _not_first(page)
    assert [b.section for b in blocks] == ["TÍTULO PRIMERO — Disposiciones Preliminares — Capítulo Único"]


def test_a_wrapped_heading_is_joined():
    page = Page(
        5,
        "Texto anterior.\nARTÍCULO 3°. EJES DE TRANSFORMACIÓN DEL PLAN NACIONAL DE\nDESARROLLO\n"
        "El Plan se compone de cinco ejes.\nPrograma de Desarrollo de\nProveedores Locales\n"
        "Las empresas tractoras compran a las pequeñas.",
    )
    assert [b.section for b in _not_first(page)] == [
        "",
        "ARTÍCULO 3°. EJES DE TRANSFORMACIÓN DEL PLAN NACIONAL DE DESARROLLO",
        "Programa de Desarrollo de Proveedores Locales",
    ]


def test_body_lines_names_emails_and_table_rows_are_not_headings():
    page = Page(
        7,
        "\n".join(
            [
                "Capítulo II",
                "Las fracciones siguientes se aplican.",
                "XVIII. Difusión nacional sobre su contenido, y",  # a list item that goes on
                "XIX. Las demás que señale la ley.",
                'Cora Cecilia Pinedo Alonso, Secretaria.- Rúbricas."',  # a decree's signature
                "Juan Carlos Montiel",  # a name
                "Contacto",
                "jperez@economia.gob.mx",  # an e-mail
                "Sector Inversión Participación",
                "Cooperación 9,1 0,8",  # table rows
                "TOTAL 50,4",
                "Los montos están en billones de pesos.",
                "La política regional de desarrollo",  # a sentence wrapped onto the next line
                "productivo se aplica en todo el país.",
            ]
        ),
    )
    sections = {b.section for b in _not_first(page)}
    assert sections <= {"Capítulo II", "Contacto", "Sector Inversión Participación"}, sections


def test_a_page_in_two_languages_is_split_where_the_language_changes():
    from pathlib import Path

    from ingest.extract import Extracted
    from ingest.structure import structure
    from kb.records import DocumentMeta
    from tests.fixtures import EN_PARKS, EN_SKILLS, ES_PORT, ES_SUPPLIERS

    # One page, one section: a Spanish paragraph and an English one (a bilingual summary), then Portuguese.
    pt = (
        "O programa de desenvolvimento de fornecedores não é apenas uma política industrial: ele liga as pequenas "
        "empresas da região às grandes compradoras e aos centros de formação técnica."
    )
    page = Page(1, "Resumen\n" + "\n".join([ES_SUPPLIERS, ES_PORT, EN_SKILLS, EN_PARKS, pt]))
    ex = Extracted("pdf", [page, Page(2, "Anexo\n" + ES_PORT + " " + ES_SUPPLIERS)], DocumentMeta(), page_count=2)
    prepared = structure(Path("informe.pdf"), ex, "doc", ChunkSettings(170, 240, 30), min_lang_words=12)
    labelled = [(c.language, c.text[:30]) for c in prepared.chunks if c.page_start == 1]
    # Split at each change; the labels are langdetect's with the document's language as prior (a short Portuguese
    # passage in a Spanish document may stay "es": that is the prior's call, not the split's).
    assert [text[:12] for _, text in labelled] == ["El programa ", "Singapore's ", "O programa d"], labelled
    assert [lang for lang, _ in labelled][:2] == ["es", "en"], labelled
    assert not any("Singapore" in c.text for c in prepared.chunks if c.language == "es")


def test_text_after_a_heading_on_its_line_stays_text():
    page = Page(
        9,
        "Texto anterior.\nARTÍCULO 112. INVERSIÓN EN TÍTULOS DE\nDESARROLLO AGROPECUARIO. Las entidades "
        "financieras podrán\ninvertir en títulos de desarrollo.\nCAPÍTULO II\nADAPTACIÓN\nArtículo 27. "
        "La política de adaptación se aplica.",
    )
    blocks = _not_first(page)
    assert [b.section for b in blocks] == [
        "",
        "ARTÍCULO 112. INVERSIÓN EN TÍTULOS DE DESARROLLO AGROPECUARIO.",
        "CAPÍTULO II — ADAPTACIÓN",
    ]
    assert blocks[1].text.startswith("Las entidades financieras podrán invertir")


def test_a_quotation_does_not_change_the_language_of_its_sentence():
    from ingest.switches import sentence_language

    assert (
        sentence_language(
            "Press reports give its subtitle in two forms: “El mandato del pueblo por el cambio” "
            "and “Mandato del Pueblo para el Cambio”."
        )
        == "en"
    )


def test_a_spanish_name_does_not_make_an_english_sentence_spanish():
    from ingest.switches import sentence_language

    assert (
        sentence_language(
            "Coordinadora de Fomento al Comercio Exterior del Estado de Guanajuato (COFOCE) helps "
            "local firms export to the United States and to Europe."
        )
        == "en"
    )


def test_a_title_block_is_its_own_passage_and_the_first_heading_stays_a_heading():
    body = (
        "The plan was presented in 2024 and sets out a twenty-year vision for the industry of the state, with "
        "four pillars, four strategic projects and four priority sectors chosen after a diagnosis of its firms."
    )
    page = Page(
        1,
        "\n".join(
            [
                "Strategic Plan for the Industrial Development",
                "of Tabasco 2024-2044: vision and pillars",
                "policy-kb team · MX-TAB · 2026",
                "Summary",
                *[body[i : i + 90] for i in range(0, len(body), 90)],
            ]
        ),
    )
    blocks = page_blocks([page])
    assert blocks[0].kind == "title" and blocks[0].text.startswith("Strategic Plan") and "Summary" not in blocks[0].text
    assert blocks[1].section == "Summary" and blocks[1].text.startswith("The plan was presented")
    passages = chunk_blocks(blocks, ChunkSettings(60, 90, 12), language="en")
    assert passages[0].kind == "title" and "2026" in passages[0].text
    assert passages[1].kind == "" and passages[1].text.startswith("The plan")


def test_a_page_that_starts_with_prose_has_no_title_block():
    text = (
        "La estrategia portuaria busca ampliar la capacidad logística del puerto para atender a la agroindustria.\n"
        "Se prevé modernizar los muelles, mejorar los accesos carreteros y coordinar a las aduanas del estado.\n"
    )
    assert [b.kind for b in page_blocks([Page(1, text)])] == [""]


# --- a heading never swallows the text after it (issue 14, item 7) -------------------------------------------------
# Article headings in capitals that wrap over lines and end, on their last line, where the article's first sentence
# begins: the sentence is body text, whatever comes before the heading's full stop (an acronym between dashes, a
# "+", a word in mixed case, a closing quote).
_RUN_ON_CASES = [
    (
        [
            "ARTÍCULO 12°. GESTIÓN DE LOS PUERTOS FLUVIALES",
            "A CARGO DEL INSTITUTO NACIONAL DE VÍAS FLUVIALES -",
            "INVIF-. El Instituto Nacional de Vías Fluviales – INVIF- podrá concesionar",
            "los muelles de carga que priorice el Ministerio de Transporte.",
        ],
        "ARTÍCULO 12°. GESTIÓN DE LOS PUERTOS FLUVIALES A CARGO DEL INSTITUTO NACIONAL DE VÍAS FLUVIALES - INVIF-.",
        "El Instituto Nacional de Vías Fluviales – INVIF- podrá concesionar los muelles de carga",
    ),
    (
        [
            "ARTÍCULO 40°. ATENCIÓN A LA POBLACIÓN MIGRANTE",
            "EN ZONAS DE FRONTERA -PAMF-. Los",
            "municipios de frontera recibirán recursos para la atención en salud.",
        ],
        "ARTÍCULO 40°. ATENCIÓN A LA POBLACIÓN MIGRANTE EN ZONAS DE FRONTERA -PAMF-.",
        "Los municipios de frontera recibirán recursos",
    ),
    (
        [
            "ARTÍCULO 77°. FORTALECIMIENTO DEL FONDO PARA EL",
            "DESARROLLO DEL PLAN TODOS SOMOS PAZcífico. Se fortalecerán las",
            "fuentes de financiación del fondo con recursos de regalías.",
        ],
        "ARTÍCULO 77°. FORTALECIMIENTO DEL FONDO PARA EL DESARROLLO DEL PLAN TODOS SOMOS PAZcífico.",
        "Se fortalecerán las fuentes de financiación",
    ),
    (
        [
            "ARTÍCULO 90°. FONDO “TIERRA FÉRTIL DE LA",
            "VIDA”. Créese el Fondo “Tierra Fértil de la Vida” como un",
            "patrimonio autónomo sin estructura administrativa propia.",
        ],
        "ARTÍCULO 90°. FONDO “TIERRA FÉRTIL DE LA VIDA”.",
        "Créese el Fondo “Tierra Fértil de la Vida” como un patrimonio autónomo",
    ),
    (
        [
            "ARTÍCULO 41°. SISTEMA NACIONAL DE REGISTRO, ATENCIÓN,",
            "SEGUIMIENTO Y MONITOREO DE LAS VIOLENCIAS BASADAS EN",
            "GÉNERO -VBG-. Créese el Sistema Nacional de Registro, Atención,",
            "Seguimiento y Monitoreo de las Violencias Basadas en Género -VBG-, bajo el liderazgo de la Consejería.",
        ],
        "ARTÍCULO 41°. SISTEMA NACIONAL DE REGISTRO, ATENCIÓN, SEGUIMIENTO Y MONITOREO DE LAS VIOLENCIAS BASADAS EN "
        "GÉNERO -VBG-.",
        "Créese el Sistema Nacional de Registro, Atención, Seguimiento",
    ),
    (
        [
            "SECTION 4. RAIL CORRIDORS MANAGED BY THE",
            "NATIONAL INFRASTRUCTURE AGENCY (NIA). The Agency may manage",
            "the railway corridors that the Ministry of Transport gives priority to.",
        ],
        "SECTION 4. RAIL CORRIDORS MANAGED BY THE NATIONAL INFRASTRUCTURE AGENCY (NIA).",
        "The Agency may manage the railway corridors",
    ),
]


@pytest.mark.parametrize("lines, label, body", _RUN_ON_CASES)
def test_a_body_sentence_after_an_article_heading_stays_in_the_body(lines, label, body):
    page = Page(11, "\n".join(["El artículo anterior termina aquí.", *lines]))
    blocks = _not_first(page)
    assert [b.section for b in blocks] == ["", label]
    assert blocks[1].text.startswith(body)


def test_a_heading_in_title_case_after_a_bare_level_is_not_cut():
    page = Page(
        12,
        "Texto anterior.\nCAPÍTULO II. Disposiciones Generales\nArtículo 5. Las autoridades federales y estatales "
        "aplicarán esta ley\nen el ámbito de sus competencias respectivas.",
    )
    assert [b.section for b in _not_first(page)] == ["", "CAPÍTULO II. Disposiciones Generales"]


def test_an_article_heading_wraps_until_its_full_stop():
    """A title cut short left its tail ("DEL TERRITORIO.") in the body and, when the tail was a line of its own,
    stacked it as a second heading that pushed the first out of the label."""
    page = Page(
        13,
        "Texto anterior.\nARTÍCULO 14°. ADSCRIPCIÓN DE LA AGENCIA DE DESARROLLO\nDEL LITORAL. La Agencia de "
        "Desarrollo del Litoral estará\nadscrita al Departamento de Planeación.\nARTÍCULO 15°. COMISIÓN DE "
        "SEGUIMIENTO ESTABLECIDA EN EL\nARTÍCULO 188 DE LA LEY 1955 DE 2019. La Comisión se reunirá cada año.",
    )
    blocks = _not_first(page)
    assert [b.section for b in blocks] == [
        "",
        "ARTÍCULO 14°. ADSCRIPCIÓN DE LA AGENCIA DE DESARROLLO DEL LITORAL.",
        "ARTÍCULO 15°. COMISIÓN DE SEGUIMIENTO ESTABLECIDA EN EL ARTÍCULO 188 DE LA LEY 1955 DE 2019.",
    ]
    assert blocks[1].text.startswith("La Agencia de Desarrollo del Litoral estará adscrita")
    assert blocks[2].text == "La Comisión se reunirá cada año."


def test_a_pdf_article_keeps_its_first_sentence_in_a_passage(tmp_path):
    """The same through extraction, cleaning and chunking of a PDF made here: the article's first sentence is in a
    passage's text, and no passage's label holds a word of it."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    from ingest.pipeline import prepare

    lines = [
        "PLAN REGIONAL DE DESARROLLO",
        "Texto conciliado para el primer debate",
        "ARTÍCULO 1°. OBJETO. La presente ley adopta el plan regional de desarrollo del litoral.",
        "El plan se aplica a los municipios costeros y a sus zonas rurales.",
        *_RUN_ON_CASES[0][0],
        "La concesión no excederá de veinte años y podrá prorrogarse una vez.",
    ]
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4)
    for n, line in enumerate(lines):
        pdf.drawString(60, 780 - 18 * n, line)
    pdf.save()
    path = tmp_path / "plan.pdf"
    path.write_bytes(buf.getvalue())
    prepared = prepare(path, path.read_bytes(), "plan", ChunkSettings())
    sentence = "El Instituto Nacional de Vías Fluviales – INVIF- podrá concesionar los muelles de carga"
    assert any(sentence in c.text for c in prepared.chunks), [c.text for c in prepared.chunks]
    assert not any("podrá" in c.section or "Instituto Nacional de Vías" in c.section for c in prepared.chunks)
