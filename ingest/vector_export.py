"""Export a collection's passage vectors for shipping with it (``scripts/ship_vectors.py``; see shipped_vectors)."""

from __future__ import annotations

import sys
from pathlib import Path

from ingest import shipped_vectors
from ingest.chunk import ChunkSettings
from ingest.errors import IngestError
from ingest.pipeline import content_hash, discover, prepare, settings_key, version_tag
from ingest.sandbox import Extractor
from kb.index import Index


def collection_texts(index: Index, folder: Path) -> list[str]:
    """The exact texts ``kb ingest`` would embed for every document of ``folder`` (content passages only)."""
    cfg = index.config
    chunking = ChunkSettings(cfg.chunk_words, cfg.chunk_max_words, cfg.chunk_overlap_words)
    version = version_tag(settings_key(index.identity, chunking))
    texts: list[str] = []
    with Extractor(cfg.file_timeout_s) as extractor:
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


def target(index: Index, folder: Path) -> Path:
    return Path(folder) / shipped_vectors.VECTORS_DIR / shipped_vectors.file_name(index.identity)


def coverage(index: Index, folder: Path) -> tuple[Path, int, int]:
    """(file, passages it covers, passages of the collection now)."""
    keys = set(index.cache_keys(collection_texts(index, folder)))
    out = target(index, folder)
    shipped = shipped_vectors.read(out, index.identity) if out.is_file() else {}
    return out, len(keys & shipped.keys()), len(keys)


def export_collection(index: Index, folder: Path) -> tuple[Path, int, int]:
    """Write the vectors of every passage of ``folder`` (cached ones reused, the rest embedded now); returns (file,
    passages, passages embedded now). Writes only the embedding cache of the store, never its documents."""
    texts = collection_texts(index, folder)
    vectors, embedded = index.embed(texts)
    keys = index.cache_keys(texts)
    out = target(index, folder)
    shipped_vectors.write(out, index.identity, dict(zip(keys, vectors)))
    return out, len(keys), embedded
