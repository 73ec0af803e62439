"""The BM25 leg: language-aware stems, filters, glossary expansion, persistence and reload on manifest changes."""

import json
from pathlib import Path

import numpy as np
import pytest

from kb.search.glossary import Glossary, parse
from kb.store.lexical import LexicalIndex, chunk_tokens, query_tokens, top_rows
from kb.store.manifest import Manifest
from kb.records import Chunk, Document, Filters

GLOSSARY = Glossary(parse("es\ten\tdomain\ndesarrollo de proveedores\tsupplier development\tindustry\n"))


def test_tokens_are_stems_prefixed_with_their_language():
    assert chunk_tokens("Las políticas", "es") == ["es:polit"]
    assert chunk_tokens("the policies", "en") == ["en:polici"]
    assert chunk_tokens("le politique", "fr") == ["xx:le", "xx:politique"]  # other languages: words, unstemmed


def test_hyphenated_names_match_written_either_way():
    assert {"es:mec", "es:tmec"} <= set(chunk_tokens("el T-MEC", "es"))
    assert "es:tmec" in query_tokens("TMEC")


def test_query_is_tokenized_for_every_language():
    toks = query_tokens("desarrollo de proveedores")
    assert "es:desarroll" in toks and any(t.startswith("en:") for t in toks) and "es:de" not in toks


def _chunk(doc: str, n: int, text: str, lang: str) -> Chunk:
    return Chunk(
        chunk_id=f"{doc}:{n}", doc_id=doc, ordinal=n, text=text, page_start=1, page_end=1, section="", language=lang
    )


def _commit(m: Manifest, doc: str, chunks: list[Chunk], jurisdiction: str = "") -> None:
    m.commit_document(
        Document(
            doc_id=doc,
            source=f"/x/{doc}",
            title=doc,
            jurisdiction=jurisdiction,
            page_count=1,
            file_size=1,
            settings="s",
        ),
        chunks,
    )


@pytest.fixture
def manifest(tmp_path):
    m = Manifest(tmp_path / "manifest.sqlite")
    _commit(
        m,
        "mx",
        [
            _chunk("mx", 0, "El programa de desarrollo de proveedores de Querétaro apoya a pymes.", "es"),
            _chunk("mx", 1, "La agroindustria de Tabasco exporta cacao.", "es"),
        ],
        "MX-QUE",
    )
    _commit(m, "sg", [_chunk("sg", 0, "Singapore's EDB links investment promotion with skills training.", "en")], "SG")
    return m


def test_bm25_ranks_by_words_and_applies_filters(tmp_path, manifest):
    lex = LexicalIndex(tmp_path / "lexical", manifest)
    assert lex.rebuild() == 3
    assert lex.search("cacao Tabasco", 5)[0] == "mx:1"
    assert lex.search("EDB skills", 5) == ["sg:0"]
    assert lex.search("EDB skills", 5, Filters(languages=("es",))) == []
    assert lex.search("EDB skills", 5, Filters(jurisdictions=("SG",))) == ["sg:0"]
    assert lex.search("quantum chromodynamics", 5) == []  # no shared word, no hit
    assert lex.search("?! %", 5) == []  # no word at all (bm25s itself raises on an empty query)


def test_filters_give_the_same_hits_when_asked_again(tmp_path, manifest):
    # Filter masks are kept per loaded index: a second search with the same or other filters must not reuse a
    # wrong one, and a changed manifest (a new loaded index) must not see the old one.
    lex = LexicalIndex(tmp_path / "lexical", manifest)
    for _ in range(2):
        assert lex.search("EDB skills", 5, Filters(languages=("es",))) == []
        assert lex.search("EDB skills", 5, Filters(jurisdictions=("SG",))) == ["sg:0"]
        assert lex.search("cacao Tabasco", 5, Filters(jurisdictions=("MX-QUE",)))[0] == "mx:1"
    _commit(manifest, "sg2", [_chunk("sg2", 0, "Singapore's EDB and SkillsFuture fund skills.", "en")], "SG")
    assert sorted(lex.search("EDB skills", 5, Filters(jurisdictions=("SG",)))) == ["sg2:0", "sg:0"]


def test_top_rows_is_a_stable_sort_of_the_positive_scores():
    rng = np.random.default_rng(3)
    for size in (0, 1, 5, 50, 2000):
        for n in (1, 3, 10, 40):
            scores = rng.integers(0, 4, size).astype(float)  # many ties and zeros
            order = np.argsort(-scores, kind="stable")[:n]
            assert top_rows(scores, n).tolist() == [int(i) for i in order if scores[i] > 0]


def test_glossary_expansion_bridges_languages(tmp_path, manifest):
    plain = LexicalIndex(tmp_path / "lexical", manifest)
    bridged = LexicalIndex(tmp_path / "lexical", manifest, glossary=GLOSSARY)
    assert "mx:0" not in plain.search("supplier development for small firms", 5)
    assert bridged.search("supplier development for small firms", 5)[0] == "mx:0"
    assert "mx:0" not in bridged.search("supplier development for small firms", 5, expand=False)


def test_index_is_persisted_and_reloaded_when_the_manifest_changes(tmp_path, manifest):
    writer = LexicalIndex(tmp_path / "lexical", manifest)
    writer.rebuild()
    assert (tmp_path / "lexical" / "CURRENT").exists()
    reader = LexicalIndex(tmp_path / "lexical", Manifest(manifest.path))
    assert reader.current().generation == manifest.generation()
    assert reader._load_disk() is not None  # the reader used the files on disk
    # A new document: the reader sees it after the writer rebuilds...
    _commit(manifest, "nl", [_chunk("nl", 0, "Brainport Eindhoven high-tech cluster.", "en")])
    writer.rebuild()
    assert reader.search("Brainport", 5) == ["nl:0"]
    # ...and even before (a stale index on disk is rebuilt in memory rather than trusted).
    manifest.remove_document("nl")
    assert reader.search("Brainport", 5) == []
    # Only the state in force and the segments it names stay on disk.
    writer.rebuild()
    root = Path(tmp_path / "lexical")
    state = json.loads((root / (root / "CURRENT").read_text()).read_text())
    assert [p.name for p in root.glob("g*.json")] == [(root / "CURRENT").read_text()]
    assert sorted(p.name for p in (root / "segments").iterdir()) == sorted(state["segments"])


def test_rebuild_is_skipped_when_nothing_changed(tmp_path, manifest):
    lex = LexicalIndex(tmp_path / "lexical", manifest)
    assert lex.rebuild() == 3
    pointer = (tmp_path / "lexical" / "CURRENT").read_text()
    assert lex.rebuild() == 0 and (tmp_path / "lexical" / "CURRENT").read_text() == pointer
    _commit(manifest, "nl", [_chunk("nl", 0, "Brainport Eindhoven high-tech cluster.", "en")])
    # Incremental: only the new passage is tokenised (into a segment of its own), and it is found.
    assert lex.rebuild() == 1 and (tmp_path / "lexical" / "CURRENT").read_text() != pointer
    assert len(lex.current().ids) == 4 and lex.search("Brainport", 5) == ["nl:0"]
    assert lex.rebuild(force=True) == 4


def test_empty_store(tmp_path):
    lex = LexicalIndex(tmp_path / "lexical", Manifest(tmp_path / "m.sqlite"))
    assert lex.rebuild() == 0 and lex.search("anything", 5) == []


def test_kb_search_has_a_lexical_leg_kept_in_step(kb_small):
    hits = kb_small.search("consejo consultivo industrial", k=3)
    assert "lexical" in hits[0].legs and "consejo consultivo" in hits[0].chunk.text
    assert kb_small.lexical.current().generation == kb_small.store.manifest.generation()
    assert len(kb_small.lexical.current().ids) == kb_small.store.manifest.chunk_count()


class _CountingIndex(LexicalIndex):
    """Counts how often the index is read from disk."""

    reads = 0

    def _load_disk(self):
        type(self).reads += 1
        return super()._load_disk()


def test_a_writer_reuses_its_index_unless_another_process_wrote(tmp_path, manifest):
    writer = _CountingIndex(tmp_path / "lexical", manifest)
    writer.rebuild()
    _commit(manifest, "cl", [_chunk("cl", 0, "CORFO financia fomento productivo en Chile.", "es")], "CL")
    _CountingIndex.reads = 0
    assert writer.rebuild() == 1
    assert _CountingIndex.reads == 0  # its own last state: not read again (1.6 s at 300,000 passages)
    assert writer.search("CORFO Chile", 5) == ["cl:0"]
    # Another process writes a new state: the writer must start from that one, not from its own older copy.
    other = LexicalIndex(tmp_path / "lexical", manifest)
    _commit(manifest, "co", [_chunk("co", 0, "iNNpulsa apoya clústeres en Colombia.", "es")], "CO")
    assert other.rebuild() == 1
    _commit(manifest, "nl", [_chunk("nl", 0, "Brainport Eindhoven cluster in the Netherlands.", "en")], "NL")
    assert writer.rebuild() == 1
    assert _CountingIndex.reads == 1
    fresh = LexicalIndex(tmp_path / "lexical", manifest)
    for q, cid in (("CORFO Chile", "cl:0"), ("iNNpulsa Colombia", "co:0"), ("Brainport Eindhoven", "nl:0")):
        assert fresh.search(q, 5)[0] == cid
    assert fresh.rebuild() == 0  # what the writer left on disk is current
