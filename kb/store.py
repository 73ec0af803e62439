"""The store: the manifest (what is committed) and the vector index, changed together in a crash-safe order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from kb.config import Config
from kb.embedding import Embedder
from kb.manifest import Manifest
from kb.records import Chunk, DocumentMeta
from kb.vectors import VectorIndex


@dataclass
class StoreStats:
    documents: int
    chunks: int
    vectors: int
    languages: dict[str, int]
    jurisdictions: dict[str, int]
    doc_types: dict[str, int]


class Store:
    """One knowledge base on disk (or on a Chroma server, with the manifest on disk).

    Writing a document: (1) journal it as pending, (2) write its vectors under new ids, (3) commit it in the
    manifest in one transaction, which also drops the old version's rows, (4) delete the old version's vectors,
    (5) clear the journal. Search reads only committed chunks, so a reader sees the old or the new version, and
    ``repair`` finishes or undoes whatever a crash interrupted.
    """

    def __init__(self, config: Config, embedder: Embedder) -> None:
        self.config = config
        self.embedder = embedder
        config.store.mkdir(parents=True, exist_ok=True)
        self.manifest = Manifest(config.manifest_path)
        self.vectors = VectorIndex(path=config.chroma_path, url=config.chroma_url, name=config.collection,
                                   identity=embedder.identity)
        self.manifest.set_meta("embedder", str(embedder.identity))

    def put_document(self, *, doc_id: str, source: str, meta: DocumentMeta, chunks: Sequence[Chunk],
                     vectors: np.ndarray, page_count: int, empty_pages: int, file_size: int, settings: str) -> str | None:
        """Store a document's new version as a unit; returns the doc_id it replaced, if any."""
        self.manifest.mark_pending(doc_id, "put")
        if chunks:
            self.vectors.upsert([c.chunk_id for c in chunks], vectors, [c.text for c in chunks],
                                [c.metadata() for c in chunks])
        old = self.manifest.commit_document(doc_id, source, meta, page_count=page_count, empty_pages=empty_pages,
                                            file_size=file_size, settings=settings, chunks=chunks)
        if old:
            self.manifest.mark_pending(old, "delete")
            self.vectors.delete_doc(old)
            self.manifest.clear_pending(old)
        self.manifest.clear_pending(doc_id)
        return old

    def delete_document(self, doc_id: str) -> bool:
        self.manifest.mark_pending(doc_id, "delete")
        existed = self.manifest.remove_document(doc_id)
        self.vectors.delete_doc(doc_id)
        self.manifest.clear_pending(doc_id)
        return existed

    def repair(self) -> list[str]:
        """Finish or undo writes that a crash interrupted; returns the doc_ids whose vectors were removed."""
        committed = self.manifest.doc_ids()
        cleaned = []
        for doc_id, action in self.manifest.pending():
            if action == "delete" or doc_id not in committed:
                self.vectors.delete_doc(doc_id)
                cleaned.append(doc_id)
            self.manifest.clear_pending(doc_id)
        return cleaned

    def verify(self) -> dict[str, list[str]]:
        """A full consistency check (slow on big stores): documents whose chunks and vectors disagree."""
        committed = self.manifest.doc_ids()
        with_vectors = self.vectors.doc_ids()
        return {
            "orphan_vectors": sorted(with_vectors - committed),
            "missing_vectors": sorted(d for d in committed - with_vectors
                                      if (self.manifest.document(d) or {}).get("chunk_count")),
        }

    def stats(self) -> StoreStats:
        docs = self.manifest.documents()
        langs: dict[str, int] = {}
        for c in self.manifest.iter_chunks():
            langs[c.language or "?"] = langs.get(c.language or "?", 0) + 1

        def tally(key: str) -> dict[str, int]:
            out: dict[str, int] = {}
            for d in docs:
                out[d.get(key) or "?"] = out.get(d.get(key) or "?", 0) + 1
            return dict(sorted(out.items()))

        return StoreStats(len(docs), self.manifest.chunk_count(), self.vectors.count(), dict(sorted(langs.items())),
                          tally("jurisdiction"), tally("doc_type"))
