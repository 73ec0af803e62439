"""Vectors shipped with a collection seed the embedding cache: a fresh store embeds nothing it can reuse."""

from __future__ import annotations

import shutil

import numpy as np

from ingest import ingest_paths, shipped_vectors
from ingest.vector_export import coverage, export_collection
from kb import KnowledgeBase


def test_a_fresh_store_reuses_shipped_vectors_and_embeds_only_changed_text(kb_small, small_corpus, tmp_path):
    folder = tmp_path / "collection"
    shutil.copytree(small_corpus["es_pdf"].parent, folder)
    out, total, embedded = export_collection(kb_small.index, folder)
    assert out.is_file() and total > 0
    assert embedded == 0  # every passage was already in kb_small's cache: nothing embedded twice
    assert coverage(kb_small.index, folder)[1:] == (total, total)

    fresh = KnowledgeBase.open(tmp_path / "store")
    report = ingest_paths(fresh, [folder])
    assert report.ok, report
    assert report.seeded == total and report.embedded == 0 and report.reused == total
    # Same vectors, same ranking as the store that computed them.
    query = "desarrollo de proveedores"
    assert [h.chunk.text for h in fresh.search(query, 5)] == [h.chunk.text for h in kb_small.search(query, 5)]

    # A changed document: only its new passage text reaches the model.
    md = next(folder.rglob("*.md"))
    md.write_text(
        md.read_text(encoding="utf-8") + "\n\n## Agua\n\nUn párrafo nuevo sobre parques eco-industriales y agua.\n",
        encoding="utf-8",
    )
    again = ingest_paths(fresh, [folder])
    assert again.ok and 0 < again.embedded < total


def test_vectors_of_another_model_are_ignored(tmp_path, kb_small):
    path = tmp_path / shipped_vectors.VECTORS_DIR / "x.npz"
    shipped_vectors.write(path, "another model 1.0 (384-d)", {"k": np.ones(384, dtype=np.float32)})
    assert shipped_vectors.read(path, "another model 1.0 (384-d)")
    assert shipped_vectors.read(path, kb_small.store.embedder.identity) == {}


def test_files_are_found_above_the_ingested_folder(tmp_path):
    ident = "m 1 (3-d)"
    path = tmp_path / shipped_vectors.VECTORS_DIR / shipped_vectors.file_name(ident)
    shipped_vectors.write(path, ident, {"a": np.zeros(3, dtype=np.float32)})
    (tmp_path / "md" / "sub").mkdir(parents=True)
    assert shipped_vectors.find_files([tmp_path / "md" / "sub"], ident) == [path]
    assert shipped_vectors.find_files([tmp_path / "md"], "other 1 (3-d)") == []
