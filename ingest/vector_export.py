"""Export a collection's passage vectors for shipping with it (``scripts/ship_vectors.py``; see shipped_vectors)."""

from __future__ import annotations

import sys
from pathlib import Path

from ingest import shipped_vectors
from ingest.chunk import ChunkSettings
from ingest.errors import IngestError
from ingest.pipeline import content_hash, discover, embed_with_cache, prepare, settings_key, version_tag
from ingest.sandbox import Extractor


def collection_texts(kb, folder: Path) -> list[str]:
    """The exact texts ``kb ingest`` would embed for every document of ``folder`` (content passages only)."""
    cfg = kb.config
    chunking = ChunkSettings(cfg.chunk_words, cfg.chunk_max_words, cfg.chunk_overlap_words)
    version = version_tag(settings_key(kb, chunking))
    texts: list[str] = []
    with Extractor(cfg.file_timeout_s, cfg.worker_memory_mb) as extractor:
        for path in discover([folder]):
            data = path.read_bytes()
            try:
                prepared = prepare(
                    path,
                    data,
                    content_hash(data),
                    chunking,
                    min_lang_words=cfg.min_lang_words,
                    extractor=extractor.extract,
                    structurer=extractor.structure,
                    version=version,
                )
            except IngestError as exc:
                print(f"  skipped {path.name}: {exc.reason}", file=sys.stderr)
                continue
            texts.extend(prepared.dense_texts)
    return list(dict.fromkeys(texts))


def target(kb, folder: Path) -> Path:
    return Path(folder) / shipped_vectors.VECTORS_DIR / shipped_vectors.file_name(kb.store.embedder.identity)


def coverage(kb, folder: Path) -> tuple[Path, int, int]:
    """(file, passages it covers, passages of the collection now)."""
    identity = kb.store.embedder.identity
    keys = {shipped_vectors.cache_key(identity, t) for t in collection_texts(kb, folder)}
    out = target(kb, folder)
    shipped = shipped_vectors.read(out, identity) if out.is_file() else {}
    return out, len(keys & shipped.keys()), len(keys)


def export_collection(kb, folder: Path) -> tuple[Path, int, int]:
    """Write the vectors of every passage of ``folder`` (cached ones reused, the rest embedded now); returns (file,
    passages, passages embedded now). Writes only the embedding cache of ``kb``'s store, never its documents."""
    identity = kb.store.embedder.identity
    texts = collection_texts(kb, folder)
    vectors, embedded = embed_with_cache(kb, texts, kb.config.embed_batch)
    keys = [shipped_vectors.cache_key(identity, t) for t in texts]
    out = target(kb, folder)
    shipped_vectors.write(out, identity, dict(zip(keys, vectors)))
    return out, len(keys), embedded
