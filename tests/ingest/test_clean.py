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
    pages = [
        Page(n, f"{header}\nArtículo {n}. Texto propio de la página {n} sobre mitigación.\n{n} de 5")
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
