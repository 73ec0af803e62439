"""Running headers and footers: the Mexican laws in the shared folder, and self-made pages with the same traps."""

import re

import pytest

from ingest.chunk import ChunkSettings
from ingest.clean import remove_repeated_edges
from ingest.pipeline import prepare
from ingest.sections import page_blocks
from kb.records import Page

# The header every page of the Cámara de Diputados' consolidated laws carries, and its "n de N" footer.
HEADER_LINES = (
    "CÁMARA DE DIPUTADOS DEL H. CONGRESO DE LA UNIÓN",
    "Secretaría de Servicios Parlamentarios",
    "Última Reforma DOF",
)
PAGE_FOOTER = re.compile(
    r"\b\d{1,3} de \d{2,3}\b(?! (?:enero|febrero|marzo|abril|mayo|junio|julio|agosto|"
    r"septiembre|octubre|noviembre|diciembre))"
)


@pytest.mark.slow
@pytest.mark.parametrize(
    "name",
    ["mx_ley_general_cambio_climatico.pdf", "mx_ley_aguas_nacionales.pdf", "mx_ley_desarrollo_rural_sustentable.pdf"],
)
def test_mexican_laws_have_no_running_header_in_any_chunk(shared_pdfs, name):
    path = shared_pdfs / "real" / name
    prepared = prepare(path, path.read_bytes(), "law", ChunkSettings())
    assert len(prepared.chunks) > 50
    for chunk in prepared.chunks:
        for line in HEADER_LINES:
            assert line not in chunk.text and line not in chunk.section, (chunk.page_start, chunk.text[:200])
        assert not PAGE_FOOTER.search(chunk.text), (chunk.page_start, PAGE_FOOTER.search(chunk.text))
        # Amendment notes annotate the text; they are not the section a passage is cited under.
        assert "DOF" not in chunk.section, chunk.section
    assert re.search(r"Artículo 1o?\. ", " ".join(c.text for c in prepared.chunks[:5]), re.I)


def _law_pages(n: int = 6) -> list[Page]:
    header = (
        "LEY DE PRUEBA\nCÁMARA DE DIPUTADOS DEL H. CONGRESO DE LA UNIÓN\nSecretaría General\n"
        "Última Reforma DOF 06-01-2020"
    )
    return [
        Page(
            i,
            f"{header}\n{i} de {n}\nArtículo {i}. La Secretaría promoverá la innovación en la región.\n"
            f"Fracción reformada DOF 13-07-2018\nII. Apoyar a las pequeñas empresas.\n"
            + "\n".join(f"{r}. Fracción con texto propio número {r}." for r in "III IV V VI VII".split()),
        )
        for i in range(1, n + 1)
    ]


def test_law_like_pages_lose_their_header_but_keep_articles():
    cleaned, removed = remove_repeated_edges(_law_pages())
    assert any("CÁMARA" in r for r in removed)
    for p in cleaned:
        assert "CÁMARA" not in p.text and "Última Reforma" not in p.text and f"{p.number} de 6" not in p.text
        assert f"Artículo {p.number}." in p.text


def test_amendment_notes_are_not_headings():
    cleaned, _ = remove_repeated_edges(_law_pages())
    blocks = page_blocks(cleaned)
    assert all("DOF" not in b.section for b in blocks)
    assert "Fracción reformada DOF 13-07-2018." in blocks[0].text


def test_alternating_headers_of_left_and_right_pages_are_removed():
    pages = [
        Page(
            i,
            ("Plan Estatal de Desarrollo Industrial" if i % 2 else "Gobierno del Estado de Tabasco")
            + f"\nTexto propio número {i} de la página, sobre proveedores y clústeres.\n{i}",
        )
        for i in range(1, 12)
    ]
    cleaned, _ = remove_repeated_edges(pages)
    for p in cleaned:
        assert "Plan Estatal" not in p.text and "Gobierno del Estado" not in p.text and f"número {p.number}" in p.text


def test_chapter_header_repeated_on_consecutive_pages_is_removed():
    pages = [
        Page(
            i,
            f"{'Capítulo 2. Diagnóstico' if 3 <= i <= 6 else 'Introducción'}\n"
            f"Párrafo distinto {i} sobre la economía regional y sus sectores.",
        )
        for i in range(1, 11)
    ]
    cleaned, _ = remove_repeated_edges(pages)
    assert all("Capítulo 2" not in p.text for p in cleaned)
    assert all(f"Párrafo distinto {p.number}" in p.text for p in cleaned)


def test_a_heading_that_starts_two_pages_is_kept():
    pages = [
        Page(
            i,
            f"{'Resumen' if i in (2, 5) else 'Otra cosa ' + str(i * 7) + ' y más palabras aquí'}\n"
            f"Párrafo {i} con texto corriente del documento.",
        )
        for i in range(1, 9)
    ]
    cleaned, _ = remove_repeated_edges(pages)
    assert "Resumen" in cleaned[1].text and "Resumen" in cleaned[4].text


@pytest.mark.slow
@pytest.mark.parametrize("name", ["cl_genchi_executive_report_es.pdf", "mx_ley_general_cambio_climatico.pdf"])
def test_stored_sentence_spans_are_the_split_answers_make(shared_pdfs, name):
    """Answers quote sentences from the spans ingestion stores (kb.answer.passage_sentences): on real passages,
    they must be exactly the sentences a fresh split at question time gives, or answers would change."""
    from kb.answer.answer import passage_sentences, split_sentences

    path = shared_pdfs / "real" / name
    prepared = prepare(path, path.read_bytes(), "real", ChunkSettings())
    content = [c for c in prepared.chunks if c.kind == "content"]
    assert len(content) >= 10 and all(c.sentences for c in content)
    for c in content:
        assert list(passage_sentences(c)) == list(split_sentences(c.text, c.language)), c.chunk_id
    assert not any(c.sentences for c in prepared.chunks if c.kind != "content")  # never quoted: not split
