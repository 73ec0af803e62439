"""The passage-kind classifier on self-made passages, Spanish and English: what it must recognise and what must stay
content (prose that cites sources, legal text dense in years and article numbers, a short summary)."""

import random
import re
from pathlib import Path

import pytest

from kb.passage_kind import CONTENT, INDEX, REFERENCES, TITLE, TOC, _toc_entry_count, classify

EN_REFERENCES = (
    "Amsden, A. H. (1989). Asia's Next Giant: South Korea and Late Industrialization. Oxford University Press. "
    "Rodrik, D. (2004). Industrial Policy for the Twenty-First Century. Working Paper RWP04-047, Harvard University. "
    "Hausmann, R., Hwang, J. and Rodrik, D. (2007). What you export matters. Journal of Economic Growth, 12(1), "
    "1-25. https://doi.org/10.1007/s10887-006-9009-4 OECD (2013). Perspectives on Global Development 2013: "
    "Industrial Policies in a Changing World. OECD Publishing, Paris."
)
ES_REFERENCES = (
    "CEPAL (2020). Construir un nuevo futuro: una recuperación transformadora con igualdad y sostenibilidad. "
    "Santiago: Naciones Unidas. https://www.cepal.org Secretaría de Economía (2023). Programa Sectorial de "
    "Economía 2020-2024. Diario Oficial de la Federación, 24 de junio. https://www.gob.mx/se Dussel Peters, E. "
    "(coord.) (2018). Cadenas globales de valor: metodología, teoría y debates. México: UNAM, Facultad de "
    "Economía, pp. 45-78. Rivas, G. (2012). La experiencia de CORFO. CAF, Serie Políticas Públicas No. 3."
)
ES_WEB_SOURCES = (  # the starter notes' style: organisation, what, URL
    "Gobierno del Estado de Guanajuato. Portal oficial. https://guanajuato.gob.mx. Secretaría de Desarrollo "
    "Económico Sustentable. Guanajuato Puerto Interior. https://sde.guanajuato.gob.mx. Banco Mundial. Informe "
    "sobre corredores logísticos. https://www.worldbank.org."
)
EN_TOC = (
    "Contents Foreword ........ 3 1. Introduction ........ 5 2. Diagnosis of the state economy ........ 9 "
    "3. Vision 2044 and pillars ........ 17 4. Strategic projects ........ 28 5. Governance ........ 41 Annexes ........ 52"
)
ES_TOC = (
    "Índice Presentación 3 Capítulo 1 Diagnóstico económico del estado 7 Capítulo 2 Visión y pilares 15 "
    "Capítulo 3 Proyectos estratégicos 24 Capítulo 4 Sectores prioritarios 31 Capítulo 5 Gobernanza y "
    "seguimiento 40 Anexo estadístico 47"
)
ES_INDEX = (
    "Acuíferos, 12, 45, 67-69; aguas nacionales, 3, 5, 18-22, 101; asignación, 34, 36; Comisión Nacional del "
    "Agua, 7, 9, 11, 56-60; concesión, 28, 30-33, 88; cuencas, 14, 15, 40; descargas, 71, 73-75; distritos de "
    "riego, 90, 92; veda, 52, 53."
)
EN_TITLE = "Strategic Plan for the Industrial Development of Tabasco 2024-2044: vision and pillars policy-kb team · MX-TAB · 2026"
ES_TITLE = "Análisis de texto de las Cuentas Públicas Participativas Informe Ejecutivo Autores: Fabián Álvarez / Roberto Rodríguez"

EN_PROSE_CITING = (
    "Supplier development programmes work best when the buyer firm commits to them: evaluations of Chile's CORFO "
    "programme (Rivas, 2012) and of Costa Rica's linkage scheme (OECD, 2007) found that the share of local "
    "purchases rose only where the multinational shared its quality requirements and trained the suppliers' staff. "
    "Both studies warn that subsidies alone did not create lasting linkages."
)
ES_PROSE_CITING = (
    "Según la CEPAL (2020) y el Banco Mundial (2019), la relocalización de cadenas de suministro hacia México se "
    "concentra en el norte y el Bajío, donde ya existen parques industriales y proveedores certificados. El sur "
    "del país recibe una fracción menor de la inversión extranjera directa, lo que el plan de Tabasco busca "
    "cambiar con proyectos de infraestructura y formación técnica."
)
ES_LAW = (
    "ARTÍCULO 43°. Modifíquese el artículo 79 de la Ley 1955 de 2019, el cual quedará así: Los recursos del "
    "Fondo se destinarán a los proyectos de inversión aprobados en 2023, 2024 y 2025 conforme al artículo 12 de "
    "la Ley 2056 de 2020 y al Decreto 1082 de 2015, sin perjuicio de lo dispuesto en el artículo 361 de la "
    "Constitución Política."
)
EN_SUMMARY_FIRST = (
    "This note summarises the Tabasco plan, presented in 2024 with the technical assistance of UNIDO. "
    "It describes the vision, the four pillars and the priority sectors."
)


@pytest.mark.parametrize(
    "text,kind",
    [
        (EN_REFERENCES, REFERENCES),
        (ES_REFERENCES, REFERENCES),
        (ES_WEB_SOURCES, REFERENCES),
        (EN_TOC, TOC),
        (ES_TOC, TOC),
        (ES_INDEX, INDEX),
    ],
)
def test_non_content_is_recognised_in_both_languages(text, kind):
    assert classify(text) == kind
    assert classify(text, first=True) == kind


@pytest.mark.parametrize("text", [EN_TITLE, ES_TITLE])
def test_a_title_block_opens_a_document(text):
    assert classify(text, first=True) == TITLE
    assert classify(text) == CONTENT  # the same words inside a document are a heading's business, not a title


@pytest.mark.parametrize("text", [EN_PROSE_CITING, ES_PROSE_CITING, ES_LAW, EN_SUMMARY_FIRST])
def test_content_stays_content(text):
    assert classify(text) == CONTENT
    assert classify(text, first=True) == CONTENT


def test_short_and_empty_passages_are_content():
    assert classify("") == CONTENT
    assert classify("Artículo reformado DOF 29-04-2004.") == CONTENT  # an amendment note, not a reference list


# --- the table-of-contents entry count: the linear scan counts what the quadratic regex counted ------------------
_REFERENCE_TOC = re.compile(r"[^\W\d_][^\d]{2,}?\s(?:\.\s?)*\s*\d{1,3}(?=\s|$)")


def _corpus_texts() -> list[str]:
    root = Path(__file__).resolve().parents[2] / "corpus"
    texts = [p.read_text(encoding="utf-8") for p in sorted(root.rglob("*.md"))]
    # Cut into passage-sized pieces so the reference regex (quadratic) stays fast.
    return [t[i : i + 300] for t in texts for i in range(0, len(t), 300)]


def test_toc_entry_count_equals_the_reference_regex_on_the_corpus():
    texts = _corpus_texts()
    assert len(texts) > 200
    assert [_toc_entry_count(t) for t in texts] == [len(_REFERENCE_TOC.findall(t)) for t in texts]


def test_toc_entry_count_equals_the_reference_regex_on_random_text():
    rng = random.Random(7)
    alphabet = ["a", "Ñ", "é", "x", " ", "  ", ".", ". ", "…", "\n", "1", "12", "123", "2024", "-", ",", "(", ")", "_"]
    for _ in range(3000):
        t = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 40)))
        assert _toc_entry_count(t) == len(_REFERENCE_TOC.findall(t)), repr(t)
    toc = "Índice\nIntroducción .......... 5\nPilares . . . . 12\nAnexo B  104\nTotal 2024 páginas 7 "
    assert _toc_entry_count(toc) == len(_REFERENCE_TOC.findall(toc)) == 4


def test_toc_entry_count_is_linear_in_a_long_digit_free_stretch():
    # The reference regex needs minutes for this (it is quadratic in a digit-free stretch); the scan jumps from
    # the first letter to the first digit. Speed is measured in bench/passage_kinds.py, not here.
    text = "palabra " * 20_000 + "Capítulo 5"
    assert _toc_entry_count(text) == 1
