"""The vector index keeps one collection per language group: chunks land in their group, a language leg never
returns another language, and only filter fields reach chromadb."""

from __future__ import annotations

import pytest

from kb import Config, KnowledgeBase
from kb.store.chroma_adapter import chroma_client
from kb.records import Chunk, Document, Filters
from kb.store.vectors import FILTER_KEYS
from tests.fixtures import EN_PARKS, ES_PORT, ES_SUPPLIERS

FR_TEXT = "Les parcs éco-industriels partagent l'énergie, l'eau et les déchets entre les entreprises voisines."


@pytest.fixture(scope="module")
def embedder(kb_small):
    return kb_small.embedder


def _client(config: Config):
    return chroma_client(str(config.chroma_path), "")


def _put(store, doc_id: str, language: str, texts: list[str]) -> list[Chunk]:
    doc = Document(
        doc_id=doc_id,
        source=f"/docs/{doc_id}.md",
        title=doc_id,
        publisher="Pub",
        year=2020,
        jurisdiction="MX",
        page_count=1,
        file_size=1,
        settings="s",
    )
    chunks = [
        Chunk(
            chunk_id=f"{doc_id}:v1-{i:05d}",
            doc_id=doc_id,
            ordinal=i,
            text=t,
            page_start=1,
            page_end=1,
            section="Intro",
            language=language,
            doc=doc,
        )
        for i, t in enumerate(texts)
    ]
    store.put_document(doc, chunks, store.embedder.embed_passages(texts))
    return chunks


def test_vectors_go_to_their_language_collection_with_filter_fields_only(tmp_path, embedder):
    kb = KnowledgeBase(Config.from_env(store=tmp_path / "store"), embedder=embedder)
    _put(kb.store, "es1", "es", [ES_PORT, ES_SUPPLIERS])
    _put(kb.store, "en1", "en", [EN_PARKS])
    _put(kb.store, "fr1", "fr", [FR_TEXT])
    name = kb.config.collection
    client = _client(kb.config)
    got = {
        g: client.get_collection(f"{name}_{g}", embedding_function=None).get(include=["metadatas", "documents"])
        for g in ("es", "en", "other")
    }
    assert sorted(got["es"]["ids"]) == ["es1:v1-00000", "es1:v1-00001"]
    assert got["en"]["ids"] == ["en1:v1-00000"] and got["other"]["ids"] == ["fr1:v1-00000"]
    for res in got.values():
        assert all(doc is None for doc in res["documents"])  # the text lives in the manifest
        assert all(set(md) <= set(FILTER_KEYS) and md["doc_id"] for md in res["metadatas"])
    assert got["es"]["metadatas"][0] == {
        "doc_id": "es1",
        "language": "es",
        "kind": "content",
        "jurisdiction": "MX",
        "year": 2020,
    }
    assert kb.store.vectors.count() == 4 and sorted(kb.store.vectors.doc_ids()) == ["en1", "es1", "fr1"]
    assert name not in {c.name for c in client.list_collections()}
    # Search still shows the citation fields, read from the manifest.
    hit = kb.search("eco-industrial parks", 1, filters=Filters(languages=("en",)))[0]
    assert hit.chunk.section == "Intro" and hit.chunk.doc.title == "en1" and hit.chunk.text == EN_PARKS
    # Deleting a document clears it from its group only.
    kb.store.delete_document("es1")
    assert kb.store.vectors.ids_for_doc("es1") == [] and kb.store.vectors.count() == 2


def test_language_legs_never_return_another_language(kb_small):
    searcher = kb_small.searcher
    legs = searcher.dense_legs(Filters())
    assert [(n, g) for n, g, _ in legs] == [("dense:es", "es"), ("dense:en", "en")]
    assert all(where is None for _, _, where in legs)  # no language pre-filter: the collection is the language
    lang = {
        cid: c.language for cid, c in kb_small.store.manifest.chunks_by_id(kb_small.store.vectors.all_ids()).items()
    }
    assert set(lang.values()) == {"es", "en"}
    qvec = kb_small.embedder.embed_query("desarrollo de proveedores supplier development")
    for group in ("es", "en"):
        found = kb_small.store.vectors.query(qvec, 1000, None, group=group)
        assert found and {lang[h.chunk_id] for h in found} == {group}
    # Without a group the query spans every collection, merged by distance.
    merged = kb_small.store.vectors.query(qvec, 1000, None)
    assert len(merged) == len(lang) and [h.distance for h in merged] == sorted(h.distance for h in merged)
    for wanted in ("es", "en"):
        hits = kb_small.search("supplier development", 20, filters=Filters(languages=(wanted,)), extra=False)
        assert hits and {h.chunk.language for h in hits} == {wanted}


def test_other_leg_filters_languages_only_when_asked(kb_small):
    searcher = kb_small.searcher
    searcher._languages = (kb_small.store.manifest.generation(), ["en", "es", "fr", "pt"])  # as if present
    try:
        asked = dict((n, w) for n, _, w in searcher.dense_legs(Filters(languages=("fr", "es"), jurisdictions=("MX",))))
        assert asked == {
            "dense:es": {"jurisdiction": {"$in": ["MX"]}},
            "dense:other": {"$and": [{"jurisdiction": {"$in": ["MX"]}}, {"language": {"$in": ["fr"]}}]},
        }
        assert dict((n, w) for n, _, w in searcher.dense_legs(Filters()))["dense:other"] is None
    finally:
        searcher._languages = (-1, [])


def test_vectors_read_from_the_language_collection_equal_those_read_from_all(kb_starter):
    """The lexical leg fetches a BM25 hit's vector from its language's collection only."""
    found = kb_starter.lexical.scored("desarrollo industrial investment policy", 60, Filters())
    languages = {cid: lang for cid, _, lang in found}
    assert {"es", "en"} <= set(languages.values())
    ids = list(languages)
    everywhere = kb_starter.store.vectors.vectors(ids)
    by_language = kb_starter.store.vectors.vectors(ids, languages)
    assert everywhere and by_language.keys() == everywhere.keys()
    assert all((by_language[i] == everywhere[i]).all() for i in ids if i in everywhere)
    # A wrong language label (a label changed without its vector moving) still finds the vector elsewhere.
    mislabelled = {cid: ("en" if lang == "es" else "es") for cid, lang in languages.items()}
    assert kb_starter.store.vectors.vectors(ids, mislabelled).keys() == everywhere.keys()
