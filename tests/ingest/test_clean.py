import pytest

from ingest.clean import clean_pages, join_hyphenated, normalise, remove_repeated_edges, unspace_letters
from kb.records import Page


def test_ligatures_become_letters():
    assert normalise("ﬁnanciamiento eﬁciente ﬂujo diﬀerent") == "financiamiento eficiente flujo different"


def test_end_of_line_hyphenation_is_joined_only_between_words():
    assert join_hyphenated("desarro-\nllo regional") == "desarrollo regional"
    assert join_hyphenated("T-\nMEC") == "T-\nMEC"  # an upper-case continuation is a real hyphen


def test_letter_spaced_headings_are_closed_up():
    assert unspace_letters("P L A N  E S T R A T É G I C O") == "PLAN  ESTRATÉGICO"


def test_running_header_and_page_numbers_removed_but_body_kept():
    header = "LEY GENERAL DE CAMBIO CLIMÁTICO\nCÁMARA DE DIPUTADOS DEL H. CONGRESO DE LA UNIÓN\nÚltima Reforma DOF 06-11-2020"

    # A page's worth of body (the header is a small share of a real page's words: MAX_EDGE_SHARE).
    def body(n: int) -> str:
        return "\n".join(f"Párrafo {i} del artículo {n} con las obligaciones de la Secretaría." for i in range(20))

    pages = [
        Page(n, f"{header}\nArtículo {n}. Texto propio de la página {n} sobre mitigación.\n{body(n)}\n{n} de 5")
        for n in range(1, 6)
    ]
    cleaned, removed = remove_repeated_edges(pages)
    for p in cleaned:
        assert "CÁMARA DE DIPUTADOS" not in p.text
        assert f"Artículo {p.number}." in p.text
        assert "de 5" not in p.text
    assert any("CÁMARA" in r for r in removed)


def test_short_documents_keep_their_lines():
    pages = [Page(1, "Título\nTexto uno."), Page(2, "Título\nTexto dos.")]
    cleaned, removed = clean_pages(pages)
    assert removed == [] and "Título" in cleaned[0].text


def _repetitive_report(pages: int = 200, sentences: int = 12) -> list[Page]:
    """A report generated from a few sentences (body lines repeat across pages, at the edges too), with a real
    running header and page numbers."""
    import random

    rng = random.Random(7)
    words = (
        "programa desarrollo proveedores inversión empresas región puerto energía capacitación apoyo sector "
        "industria estado gobierno cadena valor"
    ).split()
    pool = [" ".join(rng.choice(words) for _ in range(rng.randint(9, 14))).capitalize() + "." for _ in range(sentences)]
    return [
        Page(
            n,
            "\n".join(
                ["PLAN ESTATAL DE DESARROLLO 2024-2030", "Secretaría de Economía"]
                + [rng.choice(pool) for _ in range(22)]
                + [f"Página {n} de {pages}"]
            ),
        )
        for n in range(1, pages + 1)
    ]


def test_body_text_that_repeats_across_pages_is_not_a_header():
    pages = _repetitive_report()
    body_words = sum(len(l.split()) for p in pages for l in p.text.split("\n")[2:-1])
    cleaned, removed = remove_repeated_edges(pages)
    assert sum(len(p.text.split()) for p in cleaned) == body_words  # every body word kept
    assert all("PLAN ESTATAL" not in p.text and "Página" not in p.text for p in cleaned)
    assert len(removed) == 3 * 200


def test_the_warning_says_what_was_removed():
    from ingest.clean import describe_removed

    _, removed = remove_repeated_edges(_repetitive_report())
    assert describe_removed(removed, 200) == (
        "removed 600 header/footer line(s) repeated across its 200 page(s) (3 kind(s)), "
        "e.g. 'PLAN ESTATAL DE DESARROLLO 2024-2030', 'Secretaría de Economía', 'Página 1 de 200'"
    )


PROGRESS = "Progress will be tracked every year against the baseline indicators agreed with the regional governments."


def _bilingual_report_pdf(path, pages: int = 1500):
    """A bilingual report of ``pages`` pages (issue 21): a running header, page numbers, three paragraphs a page,
    and one sentence repeated at the end of the body of every other page."""
    import random

    from tests.fixtures import EN_PARKS, ES_PORT, ES_SUPPLIERS, make_pdf

    rng = random.Random(1)
    sentences = [s.strip().rstrip(".") + "." for p in (ES_SUPPLIERS, ES_PORT, EN_PARKS) for s in p.split(". ")]
    body = [
        [" ".join(rng.sample(sentences, 2)) for _ in range(3)] + ([PROGRESS] if n % 2 == 0 else [])
        for n in range(1, pages + 1)
    ]
    return make_pdf(path, body, header="Regional Development Report 2026 / Informe de desarrollo regional")


@pytest.mark.slow
def test_a_sentence_in_the_body_of_every_other_page_of_a_1500_page_report_is_kept(tmp_path):
    """~10 s: 2 s to write the PDF, 7 s for pypdf to read it."""
    from ingest.extract import extract_pdf

    extracted = extract_pdf(_bilingual_report_pdf(tmp_path / "report.pdf").read_bytes())
    withheld: list[str] = []
    pages = [Page(p.number, normalise(p.text)) for p in extracted.pages]
    cleaned, removed = remove_repeated_edges(pages, withheld=withheld)
    joined = [" ".join(p.text.split("\n")) for p in cleaned]
    assert sum(PROGRESS in text for text in joined) == 750
    assert {r for r in removed if not r.startswith("Página")} == {
        "Regional Development Report 2026 / Informe de desarrollo regional"
    }
    assert not withheld
    words = sum(len(p.text.split()) for p in pages)
    header_and_numbers = 1500 * (9 + 4)
    assert sum(len(p.text.split()) for p in cleaned) == words - header_and_numbers


def test_a_line_that_runs_on_into_the_next_is_never_a_footer():
    lines = ["Texto propio de la página {n} sobre mitigación y adaptación.", PROGRESS[:60], PROGRESS[60:].strip()]
    pages = [Page(n, "\n".join(l.format(n=n) for l in lines) + f"\n{n}") for n in range(1, 11)]
    cleaned, removed = remove_repeated_edges(pages)
    assert all(PROGRESS[:60] in p.text and "governments." in p.text for p in cleaned)
    assert removed == [str(n) for n in range(1, 11)]


def test_repeated_edge_lines_that_are_too_large_a_share_are_kept_with_a_warning():
    from ingest.clean import describe_withheld

    # Short pages whose first two lines repeat: 38 % of the words, no running header takes that much.
    pages = [
        Page(
            n,
            f"Informe de avance del programa regional\nCapítulo de resultados\nDurante el periodo {n} el programa cumplió sus metas de inversión y de empleo.\n{n}",
        )
        for n in range(1, 21)
    ]
    withheld: list[str] = []
    cleaned, removed = remove_repeated_edges(pages, withheld=withheld)
    assert all(p.text.startswith("Informe de avance del programa regional\nCapítulo") for p in cleaned)
    assert removed == [str(n) for n in range(1, 21)]  # page numbers still go
    assert len(withheld) == 40
    words = sum(len(p.text.split()) for p in pages)
    assert describe_withheld(withheld, words) == (
        "kept 40 line(s) repeated at the top or bottom of pages: they are 38 % of its words, more than running "
        "headers and footers take (12 %), e.g. 'Informe de avance del programa regional', 'Capítulo de resultados'"
    )
