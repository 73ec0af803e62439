"""Backups that lose nothing: a consistent copy of an embedded store while the app serves and an ingestion runs.

What is copied, and why it is consistent:

- The manifest (documents, passages, the write journal, the embedding cache) through SQLite's online backup API,
  in one step: a snapshot of one committed state, whatever other connections write meanwhile.
- The vectors, exported through chromadb's API (ids, vectors, filter fields per language collection) rather than
  its files: chromadb's on-disk layout is its own business and may be mid-flush in another process. Only the
  vectors of passages the snapshot commits are kept, so an ingestion's vectors written ahead of its commit
  (the write protocol's step 2) never come back as orphans.
- The lexical index's state in force (its pointer, state file and the immutable segments it names). It is derived
  from the manifest and at most as new as it; on the first search the restored store catches it up (or rebuilds it).
- Uploaded files (``files/``), the last ingestion report and the curator password's hash.

The manifest snapshot, the vector export and the lexical copy happen under the store's writer lock
(``Store.writing``): an ingestion holds it per document write, not while embedding, so a backup slips in between two
documents and the ingestion waits for it (up to ``KB_LOCK_TIMEOUT_S``); readers never wait. Under the lock no
vector, manifest row or lexical state changes, so the three agree. A journal entry left by a crash is copied as it
is, and the restored store's repair finishes it as it would have in the original.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kb.config import Config
from kb.embedding import EmbedderIdentity
from kb.errors import KbError
from kb.store import ingest_log
from kb.store.store import Store
from kb.store.vectors import VectorIndex

FORMAT = 1
MANIFEST = "manifest.sqlite"
INFO = "backup.json"
VECTORS = "vectors"  # <group>.npz: ids, vectors; <group>.jsonl: filter fields, one line per id
LEXICAL = "lexical"
FILES = "files"
PAGE = 2000  # vectors read from chromadb per call


class BackupError(KbError, ValueError):
    """A backup folder that is not empty, a restore into a store that already holds documents, or a folder that is
    not a policy-kb backup."""


@dataclass(frozen=True)
class BackupInfo:
    format: int
    created_at: float
    source_store: str
    generation: int
    documents: int
    passages: int
    vectors: int
    embedder: dict[str, Any]
    collection: str
    seconds: float


def _empty(folder: Path) -> bool:
    return not folder.exists() or (folder.is_dir() and not any(folder.iterdir()))


def _snapshot_sqlite(src: Path, dst: Path) -> None:
    """SQLite's online backup API, all pages in one step: a consistent snapshot while others read and write."""
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True, timeout=60)
    target = sqlite3.connect(dst)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def backup(store: Store, dest: Path) -> BackupInfo:
    """Copy ``store`` into the new or empty folder ``dest`` (see the module docstring)."""
    config = store.config
    if config.chroma_url:
        raise BackupError(
            "the vectors are on a Chroma server: back up the server's data with its own tools, and the store "
            "folder's manifest with `sqlite3 manifest.sqlite .backup`"
        )
    dest = Path(dest)
    if not _empty(dest):
        raise BackupError(f"{dest} is not empty: back up into a new folder")
    started = time.perf_counter()
    dest.mkdir(parents=True, exist_ok=True)
    with store.writing():
        _snapshot_sqlite(config.manifest_path, dest / MANIFEST)
        snap = sqlite3.connect(dest / MANIFEST)
        try:
            committed = {r[0] for r in snap.execute("SELECT chunk_id FROM chunks")}
            generation = int((snap.execute("SELECT value FROM meta WHERE key='generation'").fetchone() or [0])[0])
            documents = int(snap.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
        finally:
            snap.close()
        vectors = _export_vectors(store.vectors, committed, dest / VECTORS)
        _copy_lexical(config.lexical_path, dest / LEXICAL)
        if config.files_path.is_dir():
            shutil.copytree(config.files_path, dest / FILES)
    for extra in (ingest_log.path(config), config.store / "curator.hash"):
        if extra.is_file():
            shutil.copy2(extra, dest / extra.name)
    info = BackupInfo(
        FORMAT,
        time.time(),
        str(config.store.resolve()),
        generation,
        documents,
        len(committed),
        vectors,
        asdict(store.vectors.identity),
        config.collection,
        round(time.perf_counter() - started, 2),
    )
    (dest / INFO).write_text(json.dumps(asdict(info), indent=1), encoding="utf-8")  # last: a backup is complete
    return info


def _export_vectors(vectors: VectorIndex, committed: set[str], folder: Path) -> int:
    folder.mkdir()
    total = 0
    for group, col in vectors.collections().items():
        ids: list[str] = []
        rows: list[np.ndarray] = []
        metas: list[dict[str, Any]] = []
        for offset in range(0, col.count(), PAGE):
            got = col.get(include=["embeddings", "metadatas"], limit=PAGE, offset=offset)
            for cid, vec, md in zip(got["ids"], got["embeddings"], got["metadatas"]):
                if cid in committed:
                    ids.append(cid)
                    rows.append(np.asarray(vec, dtype=np.float32))
                    metas.append(dict(md or {}))
        dim = vectors.identity.dim
        matrix = np.vstack(rows) if rows else np.zeros((0, dim), dtype=np.float32)
        np.savez(folder / f"{group}.npz", ids=np.array(ids, dtype=str), vectors=matrix)
        with (folder / f"{group}.jsonl").open("w", encoding="utf-8") as out:
            for md in metas:
                out.write(json.dumps(md, ensure_ascii=False) + "\n")
        total += len(ids)
    return total


def _copy_lexical(src: Path, dst: Path) -> None:
    """The lexical state in force: the pointer, the state file it names and that state's segments."""
    pointer = src / "CURRENT"
    if not pointer.is_file():
        return
    name = pointer.read_text(encoding="utf-8").strip()
    try:
        state = json.loads((src / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return  # an older format: the restored store rebuilds it from the manifest
    (dst / "segments").mkdir(parents=True)
    for seg in state.get("segments", []):
        shutil.copytree(src / "segments" / seg, dst / "segments" / seg)
    shutil.copy2(src / name, dst / name)
    shutil.copy2(pointer, dst / "CURRENT")


def read_info(folder: Path) -> BackupInfo:
    try:
        data = json.loads((Path(folder) / INFO).read_text(encoding="utf-8"))
        info = BackupInfo(**data)
    except (OSError, ValueError, TypeError) as exc:
        raise BackupError(f"{folder} is not a complete policy-kb backup ({INFO}: {exc})") from None
    if info.format != FORMAT:
        raise BackupError(f"{folder} is a backup of format {info.format}; this version reads format {FORMAT}")
    return info


def restore(source: Path, config: Config) -> BackupInfo:
    """Make the store of ``config`` (a new or empty folder) a copy of the backup in ``source``. Uploaded files'
    paths are moved to the new store's files folder. Open the store afterwards (``KnowledgeBase``): its repair
    finishes any journalled work, and ``Store.verify`` checks vectors against the manifest."""
    source = Path(source)
    info = read_info(source)
    target = config.store
    if target.exists() and any(p.name not in ("ingest.lock",) for p in target.iterdir()):
        raise BackupError(f"{target} is not empty: restore into a new folder")
    target.mkdir(parents=True, exist_ok=True)
    _snapshot_sqlite(source / MANIFEST, config.manifest_path)
    old_files = str(Path(info.source_store) / FILES)
    new_files = str(config.files_path.resolve())
    if old_files != new_files:
        db = sqlite3.connect(config.manifest_path)
        try:
            with db:
                db.execute(
                    "UPDATE documents SET source = ? || substr(source, ?) WHERE substr(source, 1, ?) = ?",
                    (new_files, len(old_files) + 1, len(old_files) + 1, old_files + "/"),
                )
        finally:
            db.close()
    identity = EmbedderIdentity(**info.embedder)
    vectors = VectorIndex(path=config.chroma_path, url=config.chroma_url, name=config.collection, identity=identity)
    if vectors.count():
        raise BackupError(f"the Chroma collection {config.collection} already holds vectors: restore into a new one")
    for group, col in vectors.collections().items():  # each group's vectors back into the same collection
        npz = source / VECTORS / f"{group}.npz"
        if not npz.is_file():
            continue
        data = np.load(npz)
        ids = [str(i) for i in data["ids"]]
        metas = [json.loads(line) for line in (source / VECTORS / f"{group}.jsonl").read_text("utf-8").splitlines()]
        for start in range(0, len(ids), 1000):
            col.upsert(
                ids=ids[start : start + 1000],
                embeddings=data["vectors"][start : start + 1000],
                metadatas=[m or None for m in metas[start : start + 1000]],
            )
    if (source / LEXICAL).is_dir():
        shutil.copytree(source / LEXICAL, config.lexical_path)
    if (source / FILES).is_dir():
        shutil.copytree(source / FILES, config.files_path)
    for name in (ingest_log.FILE_NAME, "curator.hash"):
        if (source / name).is_file():
            shutil.copy2(source / name, target / name)
    return info
