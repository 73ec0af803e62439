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
    pages = [Page(n, f"{header}\nArtículo {n}. Texto propio de la página {n} sobre mitigación.\n{n} de 5")
             for n in range(1, 6)]
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
