"""Compare logic on the session store: passages ranked per theme, one passage per theme, an honest "nothing", the
sentences that speak to the theme, Markdown and CSV exports."""

from __future__ import annotations

import csv
import io
import re

import pytest

from kb.compare.compare import THEMES, THEMES_BY_KEY, compare, free_topic, theme_sentences, to_csv, to_markdown
from kb.text import guess_language


def test_themes_are_the_tabasco_pillars_in_both_languages():
    assert len(THEMES) == 8 and len({t.key for t in THEMES}) == 8
    for t in THEMES:
        assert t.label_es and t.label_en and t.label_es != t.label_en
        # Several descriptions of what the theme means, in both languages, and words in both.
        assert len(t.descriptions) >= 4 and t.keywords_es and t.keywords_en
        langs = {guess_language(d) for d in t.descriptions}
        assert langs == {"es", "en"}, (t.key, langs)


def test_cells_hold_only_their_jurisdiction(kb_small):
    comp = compare(kb_small, [THEMES_BY_KEY["clusters"], THEMES_BY_KEY["investment"]], ["MX", "INT"])
    for (_topic, jur), cell in comp.cells.items():
        assert all(h.chunk.doc.jurisdiction == jur for h in cell.hits)
    parks_mx = comp.cell(THEMES_BY_KEY["clusters"], "MX").best
    assert parks_mx is not None and "ecoindustriales" in parks_mx.chunk.text
    ipa = comp.cell(THEMES_BY_KEY["investment"], "INT").best
    assert ipa is not None and "Investment promotion" in ipa.citation.title


def test_nothing_on_a_topic_is_said_plainly(kb_small):
    # The collection has nothing on gender for these jurisdictions: a filter alone would still return a passage.
    comp = compare(kb_small, [THEMES_BY_KEY["inclusion"]], ["MX", "INT"])
    print({k: c.score for k, c in comp.cells.items()})
    assert all(not c.hits for c in comp.cells.values())
    md = to_markdown(comp, lang="en")
    assert md.count("Nothing in the collection on this.") == 2


def test_exports(kb_small):
    topic = free_topic("aftercare for investors [x](javascript:alert(1))")
    comp = compare(kb_small, [topic, THEMES_BY_KEY["clusters"]], ["INT", "MX"])
    rows = list(csv.DictReader(io.StringIO(to_csv(comp))))
    assert len(rows) == 4 and {r["jurisdiction"] for r in rows} == {"INT", "MX"}
    found = [r for r in rows if r["found"] == "yes"]
    assert found and all(r["citation"] and r["text"] for r in found)
    md = to_markdown(comp, lang="es", name=lambda c: {"MX": "México", "INT": "Internacional"}[c])
    assert "## Parques" not in md and "## Clústeres y parques ecoindustriales" in md
    assert "**México**" in md and "\\](" in md and not re.search(r"(?<!\\)\]\(", md)  # the free topic is escaped


REFERENCES = "\n".join(
    f"- {author} ({year}). Supplier development and integration of SMEs into value chains: desarrollo de "
    f"proveedores e integración de MIPYMES a cadenas de valor, vol. {n}."
    for n, (author, year) in enumerate(
        [
            ("OECD", 2019),
            ("CEPAL", 2020),
            ("UNIDO", 2021),
            ("World Bank", 2022),
            ("BID", 2023),
            ("Secretaría de Economía", 2024),
        ],
        start=1,
    )
)


def test_reference_lists_are_never_a_cells_passage(tmp_path, kb_small):
    """A reference list repeating the theme's words in every line is the closest passage to it, lexically and
    densely, and says nothing: the cell must show the passage that does speak to the theme."""
    from ingest import ingest_paths
    from kb import Config, KnowledgeBase
    from kb.compare.compare import REFERENCE_SECTIONS
    from tests.fixtures import ES_SUPPLIERS, write_md

    assert all(REFERENCE_SECTIONS.match(s) for s in ("References", "Referencias", "Bibliografía", " Sources"))
    assert not any(
        REFERENCE_SECTIONS.match(s) for s in ("Supplier development", "Gobernanza", "", "Fuentes de financiamiento")
    )
    doc = write_md(
        tmp_path / "docs" / "plan.md",
        {"title": "Plan de proveedores", "jurisdiction": "MX-TAB", "language": "es"},
        f"# Desarrollo de proveedores\n\n{ES_SUPPLIERS}\n\n# References\n\n{REFERENCES}\n",
    )
    kb = KnowledgeBase(Config.from_env(store=tmp_path / "store"), embedder=kb_small.embedder)
    assert ingest_paths(kb, [doc]).ok
    assert any(REFERENCE_SECTIONS.match(c.section) for c in kb.store.manifest.iter_chunks())
    # The suppliers theme's old one-line query, which the reference list repeats word for word.
    old_query = (
        "supplier development and integration of SMEs into value chains; desarrollo de proveedores e "
        "integración de MIPYMES a cadenas de valor"
    )
    unfiltered = kb.search(old_query, 3, jurisdiction=["MX-TAB"])
    assert REFERENCE_SECTIONS.match(unfiltered[0].chunk.section)  # what compare() has to keep out
    # Compared on those very words, the list would win the cell but for compare()'s guard (is_content): a theme's
    # own query no longer repeats the list, so it could not show the guard failing.
    topic = free_topic(old_query)
    best = compare(kb, [topic], ["MX-TAB"], min_score=-1.0).cell(topic, "MX-TAB").best
    assert best is not None and best.chunk.section == "Desarrollo de proveedores"


def test_a_passage_fills_a_second_theme_only_when_nothing_else_does(kb_small):
    themes = [THEMES_BY_KEY[k] for k in ("investment", "clusters", "suppliers")]
    # Every cell filled (no floor, no abstention), to see the assignment.
    comp = compare(kb_small, themes, ["INT"], min_score=-1.0, abstain=False)
    shown = [comp.cell(t, "INT").best.chunk.chunk_id for t in themes]
    int_passages = {
        c.chunk_id for c in kb_small.store.manifest.iter_chunks() if c.doc.jurisdiction == "INT" and c.kind == "content"
    }
    # INT has fewer passages than themes here: a passage is reused only then, and each cell says so.
    assert len(set(shown)) == min(len(themes), len(int_passages))
    for t in themes:
        cell = comp.cell(t, "INT")
        others = [
            o.key
            for o in themes
            if o.key != t.key and comp.cell(o, "INT").best.chunk.chunk_id == cell.best.chunk.chunk_id
        ]
        assert sorted(cell.also_under) == sorted(others)


def test_cells_quote_the_sentences_on_the_theme():
    text = (
        "Querétaro tiene un aeropuerto intercontinental. La universidad aeronáutica forma técnicos en "
        "mantenimiento con cursos de capacitación. El clima es templado."
    )
    assert theme_sentences(text, "es", THEMES_BY_KEY["skills"]) == [
        "La universidad aeronáutica forma técnicos en mantenimiento con cursos de capacitación."
    ]
    assert theme_sentences("Nada aquí. Tampoco aquí.", "es", THEMES_BY_KEY["skills"]) == ["Nada aquí."]
    # From the sentence spans ingestion stores: the same sentences, without splitting again.
    from kb.text import sentence_spans

    spans = sentence_spans(text, "es")
    assert theme_sentences(text, "es", THEMES_BY_KEY["skills"], spans=spans) == theme_sentences(
        text, "es", THEMES_BY_KEY["skills"]
    )


# --- abstention: a cell stays empty when its passage does not really address the theme ---------------------------

GUA_SKILLS = (
    "Skills come from the Universidad de Guanajuato, the state's technological and polytechnic universities, the "
    "institutes of the Tecnológico Nacional de México and research centres such as CIATEC in León; dual training "
    "has spread with the support of Japanese and German firms."
)
ANNEX_B_OPENER = (
    "The State of Mexico is one of the six Mexican states reviewed in Annex B of Tabasco's Strategic Plan for "
    "Industrial Development 2024-2044 (Cambridge Industrial Innovation Policy, 2024)."
)


def test_words_inside_names_are_not_theme_words():
    from kb.compare.compare import without_names

    assert without_names(ANNEX_B_OPENER).split()[:3] == ["The", "of", "is"]  # "State", "Mexico" are a name
    assert "Innovation" not in without_names(ANNEX_B_OPENER) and "Tecnológico" not in without_names(GUA_SKILLS)
    assert "SMEs" in without_names("Banks lend to SMEs and FDI flows in.")  # acronyms stay
    assert without_names("Desigualdad en el uso.") == "Desigualdad en el uso"  # a sentence's first word stays


def test_a_sentence_about_another_theme_does_not_speak_to_this_one():
    from kb.compare.compare import _keyword_stems, keyword_count, speaks_to, without_names

    # Universities and research centres named as where skills come from: skills, not innovation.
    assert speaks_to(GUA_SKILLS, "en", THEMES_BY_KEY["skills"])
    assert not speaks_to(GUA_SKILLS, "en", THEMES_BY_KEY["innovation"])
    # "Innovation" only in the name of the group that wrote the plan: not a word on innovation.
    innovation = THEMES_BY_KEY["innovation"]
    assert keyword_count(ANNEX_B_OPENER, "en", _keyword_stems(innovation)) == 1
    assert keyword_count(without_names(ANNEX_B_OPENER), "en", _keyword_stems(innovation)) == 0
    # One sentence on the theme is enough, however short.
    assert speaks_to("Los cursos son caros. Desigualdad en el uso.", "es", THEMES_BY_KEY["inclusion"])


def test_the_similarity_floor_holds_preset_themes_only(kb_small):
    from kb.compare.compare import addresses

    chunk = next(c for c in kb_small.store.manifest.iter_chunks() if "ecoindustriales" in c.text)
    clusters = THEMES_BY_KEY["clusters"]
    assert addresses(chunk, clusters, 0.85, 0.80) and not addresses(chunk, clusters, 0.79, 0.80)
    # A free topic's one-line description is not calibrated: only its words are checked.
    own = free_topic("parques ecoindustriales")
    assert addresses(chunk, own, 0.70, 0.80)


def test_a_one_note_state_leaves_a_theme_it_does_not_treat_empty(kb_starter):
    """Nuevo León's notes say nothing on gender or regional inclusion; before the abstention the cell showed "Business
    groups born in the region ... became multinationals" (the inclusion word "regional" stems to "region")."""
    inclusion, clusters = THEMES_BY_KEY["inclusion"], THEMES_BY_KEY["clusters"]
    comp = compare(kb_starter, [inclusion, clusters], ["MX-NLE"])
    empty = comp.cell(inclusion, "MX-NLE")
    assert empty.best is None and empty.weak is not None and "Business groups" in empty.weak.chunk.text
    assert comp.cell(clusters, "MX-NLE").best is not None  # what the notes do treat stays filled
    md = to_markdown(comp, lang="en")
    assert "Business groups" not in md and "Nothing in the collection on this." in md
    filled = compare(kb_starter, [inclusion, clusters], ["MX-NLE"], abstain=False).cell(inclusion, "MX-NLE")
    assert filled.best is not None and filled.best.chunk.chunk_id == empty.weak.chunk.chunk_id


# --- profile fields as evidence (issue 20): a cell is empty only when no passage and no profile field speaks ---------


def _profile(instruments: list[str], governance: str = ""):
    from kb.compare.profiles import Profile, ProfileField, Source

    src = (Source("T", "P", 2024, "https://example.org"),)
    fields = {
        "instruments": ProfileField("instruments", {"en": tuple(instruments), "es": tuple(instruments)}, src, "2024"),
        "governance": ProfileField("governance", {"en": (governance,), "es": (governance,)} if governance else {}),
    }
    return Profile("MX-NLE", "state", "p", {"es": "NL", "en": "NL"}, "2026-11-30", fields, "/c/profiles/mx-nle.md")


def test_profile_items_on_a_theme_are_its_evidence():
    from kb.compare.compare import evidence

    prof = _profile(
        [
            "Supplier development programmes and business matchmaking to bring SMEs into anchor firms' supply chains",
            "Support for training and for local suppliers",  # one word of two themes each: evidence for neither
        ],
        governance="Planning Committee for the Development of the State",
    )
    suppliers = evidence(prof, THEMES_BY_KEY["suppliers"])
    assert [(e.field, e.index) for e in suppliers] == [("instruments", 0)]
    assert suppliers[0].text("es").startswith("Supplier") and suppliers[0].path.endswith("mx-nle.md")
    assert not evidence(prof, THEMES_BY_KEY["skills"]) and not evidence(prof, THEMES_BY_KEY["investment"])
    # The governance body is the Governance theme's own field, and no other theme's.
    assert [e.field for e in evidence(prof, THEMES_BY_KEY["governance"])] == ["governance"]
    assert not evidence(prof, THEMES_BY_KEY["skills"])


def test_a_fragment_is_quoted_with_the_sentence_that_explains_it():
    text = (
        "Los debates más frecuentes son estos. Desigualdad en el uso. Quienes ya tienen más educación usan más "
        "los créditos de formación que los trabajadores con menos estudios. El programa se ajustó."
    )
    said = theme_sentences(text, "es", THEMES_BY_KEY["inclusion"])  # "desigualdad" is the inclusion word
    assert said[0] == "Desigualdad en el uso." and len(said) >= 2 and said[1].startswith("Quienes")


@pytest.mark.xfail(
    reason="Nuevo León × suppliers is empty again: the profile now follows the Plan Estratégico 2030, whose only supplier instrument is worded with dual education, and the cluster passage that names supplier programmes is judged weak; the corpus grew this round (37 profiles, 107 notes, 1,127 passages) after this guard was tuned on the smaller one; the regression is measured and open in issue 20 (closing note, 2026-12-06)",
    strict=False,
)
@pytest.mark.slow
def test_the_cells_issue_20_named(kb_starter):
    """Nuevo León × suppliers said "nothing on this theme" although its profile lists supplier development
    programmes; Tabasco × governance quoted the note's questions for researchers."""
    suppliers, governance = THEMES_BY_KEY["suppliers"], THEMES_BY_KEY["governance"]
    comp = compare(kb_starter, [suppliers, governance], ["MX-NLE", "MX-TAB"])
    nle = comp.cell(suppliers, "MX-NLE")
    assert not nle.empty
    said = " ".join(e.text("en") for e in nle.profile) + (nle.best.chunk.text if nle.best else "")
    assert "upplier" in said or "proveedores" in said
    tab = comp.cell(governance, "MX-TAB")
    assert tab.best is not None and "questions" not in (tab.best.chunk.section or "").lower()
    assert "our questions" not in tab.best.chunk.text
    md = to_markdown(comp, lang="en")
    assert "mx-nle.md" in md or nle.best is not None
