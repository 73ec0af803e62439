"""Compare logic on the session store: passages ranked per theme, one passage per theme, an honest "nothing", the
sentences that speak to the theme, Markdown and CSV exports."""

from __future__ import annotations

import csv
import io
import re

from kb.compare import THEMES, THEMES_BY_KEY, compare, free_topic, theme_sentences, to_csv, to_markdown
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
    from kb.compare import REFERENCE_SECTIONS
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
    comp = compare(kb_small, themes, ["INT"], min_score=-1.0)  # every cell filled, to see the assignment
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
