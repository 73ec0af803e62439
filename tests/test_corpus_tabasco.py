"""The Tabasco notes say what their source says (#11): the plan's Vision 2044, its four pillars as named in the
Cambridge Industrial Innovation Policy article (15 October 2024), the four priority sectors, the three roadmap
workshops (none for automotive), the method's three sources of evidence and the Annex B comparators, in Spanish
and in English. The source's facts are written out here by hand from /work/shared/sources/ (the article itself is
not shipped); when the shared copy is present, the test also checks that every quoted phrase appears in it."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "corpus" / "_sources"
SHARED_ARTICLE = ROOT.parent / "shared" / "sources" / "ciip_2024_making_nearshoring_work_for_mexico.txt"

VISION = (
    "Tabasco is a competitive state and a leader in industrial innovation. Its diversified, export-oriented, "
    "and sustainable productive base generates quality jobs and opportunities for all sectors of the "
    "population and regions of the state."
)
PILLARS = (
    "Diversified, competitive industry that generates quality jobs",
    "Innovative Tabasco for sustainable economic development and social welfare",
    "Balanced and inclusive industrial development",
    "Efficient and transparent governance and management of industrial development",
)
SECTORS = {
    "en": (r"agro-?industry", r"chemical industry", r"renewable energy", r"automotive"),
    "es": (r"agroindustria", r"industria química", r"energías renovables", r"automotriz"),
}
# The three roadmap workshops, each listed in one sentence/list with the others.
WORKSHOPS = {
    "en": r"three roadmap workshops[^.]*agroindustry[^.]*chemical industry[^.]*renewable energy",
    "es": r"tres talleres de hojas de ruta[^.]*agroindustria[^.]*industria química[^.]*energías renovables",
}
NO_AUTOMOTIVE_WORKSHOP = {
    "en": r"(no|not (?:report|mention)) a? ?roadmap workshop for the automotive",
    "es": r"no menciona (?:un|ningún) taller de hoja de ruta para el sector automotriz|no menciona ninguno para el sector automotriz",
}
METHOD = {
    "en": (
        r"statistical and documentary analysis",
        r"gender analysis",
        r"online sector[- ]prioriti[sz]ation workshop",
        r"national and international practice",
        r"Annex B",
        r"Diagnosis of Capacities and Opportunities",
    ),
    "es": (
        r"análisis estadístico y documental",
        r"análisis de género",
        r"taller en línea de priorización sectorial",
        r"prácticas nacionales e internacionales",
        r"Anexo B",
        r"Diagn\w+ de Capacidades y Oportunidades",
    ),
}
COMPARATORS = {
    "en": (
        "Estado de México",
        "Guanajuato",
        "Nuevo León",
        "Querétaro",
        "San Luis Potosí",
        "Sinaloa",
        "Chile",
        "Colombia",
        "Dominican Republic",
        "Netherlands",
        "Singapore",
    ),
    "es": (
        "Estado de México",
        "Guanajuato",
        "Nuevo León",
        "Querétaro",
        "San Luis Potosí",
        "Sinaloa",
        "Chile",
        "Colombia",
        "República Dominicana",
        "Países Bajos",
        "Singapur",
    ),
}
ROADMAPS_PER_PILLAR = {
    "en": r"(each|every) (priority )?sector and (each|every) pillar|roadmap for each of its four pillars",
    "es": r"cada uno de los cuatro sectores y cada uno de los cuatro pilares|hoja de ruta para cada pilar",
}
# What the flawed notes said and must never say again.
WRONG = (
    r"does not reproduce the official name",
    r"no reproduce la denominación oficial",
    r"Attracting and retaining productive investment\*\*",
    r"Atracción y retención de inversión\*\* productiva",
    r"Talent and skills\*\*",
    r"Talento y formación\*\*",
)


def _text(name: str) -> str:
    return re.sub(r"\s+", " ", (SOURCES / name).read_text(encoding="utf-8"))


def _notes(kind: str) -> dict[str, str]:
    """The notes of one kind ('plan', 'method', 'roadmaps') by language."""
    patterns = {
        "plan": "*_mx-tab_tabasco_plan_2044.md",
        "method": "*_mx-tab_*metodo*.md",
        "roadmaps": "*_mx-tab_*roadmap*.md",
    }
    found = {p.name[:2]: _text(p.name) for p in SOURCES.glob(patterns[kind])}
    found.update({p.name[:2]: _text(p.name) for p in SOURCES.glob("*_mx-tab_method*.md")} if kind == "method" else {})
    found.update(
        {p.name[:2]: _text(p.name) for p in SOURCES.glob("*_mx-tab_hojas_de_ruta*.md")} if kind == "roadmaps" else {}
    )
    return found


def _has(text: str, pattern: str) -> bool:
    return re.search(pattern, text, re.I) is not None


@pytest.mark.parametrize("lang", ["es", "en"])
def test_plan_note_quotes_the_vision_and_names_the_pillars(lang):
    note = _notes("plan")[lang]
    assert f'"{VISION}"' in note, "the Vision 2044 is quoted, not paraphrased"
    for pillar in PILLARS:
        assert f'"{pillar}' in note, pillar
    for sector in SECTORS[lang]:
        assert _has(note, sector), sector
    assert _has(note, ROADMAPS_PER_PILLAR[lang]), "roadmaps exist for each pillar as well as each sector"
    for place in COMPARATORS[lang]:
        assert place in note, place


@pytest.mark.parametrize("kind", ["plan", "method"])
@pytest.mark.parametrize("lang", ["es", "en"])
def test_method_as_the_source_describes_it(kind, lang):
    notes = _notes(kind)
    if lang not in notes:
        pytest.fail(f"no {lang} {kind} note for Tabasco")
    note = notes[lang]
    for pattern in METHOD[lang]:
        assert _has(note, pattern), pattern
    assert _has(note, WORKSHOPS[lang]), "the three roadmap workshops: agroindustry, chemical industry, renewable energy"
    assert _has(note, NO_AUTOMOTIVE_WORKSHOP[lang]), "no roadmap workshop for automotive"


def test_every_tabasco_note_is_free_of_the_corrected_claims():
    notes = sorted(SOURCES.glob("*_mx-tab_*.md"))
    assert len(notes) >= 6
    for path in notes:
        text = _text(path.name)
        for pattern in WRONG:
            assert not _has(text, pattern), f"{path.name}: {pattern}"
        assert "source_title:" in text and "source_year:" in text, path.name


@pytest.mark.skipif(not SHARED_ARTICLE.is_file(), reason="the shared source article is not present")
def test_quotations_are_the_sources_words():
    article = re.sub(r"\s+", " ", SHARED_ARTICLE.read_text(encoding="utf-8"))
    assert VISION in article
    for pillar in PILLARS:
        assert pillar in article, pillar
    assert re.search(WORKSHOPS["en"], article, re.I)
