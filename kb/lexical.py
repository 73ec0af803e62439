"""The lexical leg: BM25 (bm25s) over the committed chunks, stemmed by each chunk's language, persisted beside the vectors.

Every token is prefixed with the language whose stemmer made it ("es:desarroll", "en:develop"), so a Spanish
passage is matched only through Spanish stems and an English one through English stems. A query is tokenized once
per language, because we do not know (and need not know) which language it is in; glossary expansions are
tokenized only in their own language. Names and acronyms (IMMEX, CORFO) stem to themselves in both languages,
which is what makes this leg precise where embeddings blur.

The index is derived from the manifest: ``rebuild`` writes it after every ingestion or deletion, tagged with the
manifest's generation; a reader reloads it when the generation changes, and rebuilds it in memory if the files on
disk are older than the manifest (an ingestion still running, or a store written by an older version).
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import threading
import unicodedata
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import numpy as np

from kb.records import Chunk, Filters

STEMMED_LANGUAGES = ("es", "en")
OTHER = "xx"  # prefix for chunks in any other language: lower-cased, not stemmed
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")
_POINTER = "CURRENT"
_META = "chunks.json"
log = logging.getLogger(__name__)


@lru_cache(maxsize=4)
def _stemmer(language: str):
    import Stemmer

    return Stemmer.Stemmer({"es": "spanish", "en": "english"}[language])


@lru_cache(maxsize=4)
def stopwords_for(language: str) -> frozenset[str]:
    from bm25s import stopwords

    words = {"es": stopwords.STOPWORDS_SPANISH, "en": stopwords.STOPWORDS_EN_PLUS}.get(language, ())
    return frozenset(fold(w) for w in words)


def fold(text: str) -> str:
    """Lower case without accents: "Política" and "politica" are the same word to a searcher."""
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """Lower-cased words; a hyphenated word also yields its parts and its closed-up form (T-MEC → t, mec, tmec)."""
    out: list[str] = []
    for m in _WORD.finditer(unicodedata.normalize("NFKC", text)):
        w = m.group(0).lower().replace("’", "'")
        parts = [p for p in re.split(r"[-']", w) if p]
        if len(parts) > 1:
            out.extend(parts)
            out.append("".join(parts))
        else:
            out.append(w)
    return out


def stems(text: str, language: str, *, keep_stopwords: bool = False) -> list[str]:
    """Folded stems of ``text`` as ``language`` would stem them, without stop words (unless asked)."""
    ws = words(text)
    if language in STEMMED_LANGUAGES:
        stop = stopwords_for(language)
        # Stem the accented form (the Snowball rules know Spanish accents), then fold the stem.
        out = [fold(s) for s in _stemmer(language).stemWords(ws)]
        return [s for w, s in zip(ws, out) if keep_stopwords or (fold(w) not in stop and is_useful(w))]
    return [fold(w) for w in ws if keep_stopwords or is_useful(w)]


def guess_language(text: str) -> str:
    """"es" or "en" by stop-word count (langdetect is unreliable on a short query); "en" on a tie."""
    ws = [fold(w) for w in words(text)]
    es = sum(w in stopwords_for("es") for w in ws)
    en = sum(w in stopwords_for("en") for w in ws)
    return "es" if es > en or (es == en and any(c in text for c in "áéíóúñ¿¡")) else "en"


def is_useful(word: str) -> bool:
    return len(word) > 1 or word.isdigit()


def chunk_tokens(text: str, language: str) -> list[str]:
    """Index tokens of one passage: its words stemmed by its own language, prefixed with that language."""
    lang = language if language in STEMMED_LANGUAGES else OTHER
    return [f"{lang}:{s}" for s in stems(text, lang)]


def query_tokens(text: str, languages: Iterable[str] = (*STEMMED_LANGUAGES, OTHER)) -> list[str]:
    """Query tokens for every language the query may match (unknown tokens are ignored by BM25)."""
    out: list[str] = []
    for lang in languages:
        out.extend(f"{lang}:{s}" for s in dict.fromkeys(stems(text, lang)))
    return out


def _filter_fields(c: Chunk) -> dict:
    return {"doc_id": c.doc_id, "language": c.language, "jurisdiction": c.jurisdiction, "level": c.level,
            "doc_type": c.doc_type, "year": c.year}


@dataclass
class _Loaded:
    generation: int
    ids: list[str]
    fields: list[dict]
    bm25: object | None  # bm25s.BM25, None for an empty store


def build(chunks: Iterable[Chunk], generation: int) -> _Loaded:
    import bm25s

    ids: list[str] = []
    fields: list[dict] = []
    corpus: list[list[str]] = []
    for c in chunks:
        ids.append(c.chunk_id)
        fields.append(_filter_fields(c))
        # Title and section are part of what a passage is about (the dense leg embeds them too).
        corpus.append(chunk_tokens(" ".join(x for x in (c.title, c.section, c.text) if x), c.language))
    if not ids:
        return _Loaded(generation, [], [], None)
    bm25 = bm25s.BM25()
    bm25.index(corpus, show_progress=False)
    return _Loaded(generation, ids, fields, bm25)


class LexicalIndex:
    """BM25 over the manifest's committed chunks; a retrieval leg for the searcher (``name``, ``search``)."""

    name = "lexical"

    def __init__(self, path: Path, manifest, *, glossary=None, expansion_weight: float = 1.0) -> None:
        self.path = Path(path)
        self.manifest = manifest
        self.glossary = glossary
        self.expansion_weight = expansion_weight
        self._loaded: _Loaded | None = None
        self._lock = threading.Lock()

    # --- writing ------------------------------------------------------------------------------------
    def rebuild(self, *, force: bool = False) -> int:
        """Rebuild from the committed chunks and persist it; returns the number of passages indexed (0 if skipped).

        Skipped when the index on disk already belongs to the manifest's generation (a re-ingest that changed
        nothing): tokenising every passage again costs minutes at 100k passages.
        """
        generation = self.manifest.generation()
        if not force and self._disk_generation() == generation:
            return 0
        loaded = build(self.manifest.iter_chunks(), generation)
        self._persist(loaded)
        with self._lock:
            self._loaded = loaded
        return len(loaded.ids)

    def _persist(self, loaded: _Loaded) -> None:
        # A new folder per version, then an atomic switch of the pointer: a reader sees the old or the new index.
        self.path.mkdir(parents=True, exist_ok=True)
        name = f"g{loaded.generation}-{uuid.uuid4().hex[:8]}"
        folder = self.path / name
        folder.mkdir()
        if loaded.bm25 is not None:
            loaded.bm25.save(str(folder), show_progress=False)
        (folder / _META).write_text(json.dumps({"generation": loaded.generation, "ids": loaded.ids,
                                                "fields": loaded.fields}, ensure_ascii=False), encoding="utf-8")
        tmp = self.path / f".{_POINTER}.{name}"
        tmp.write_text(name, encoding="utf-8")
        os.replace(tmp, self.path / _POINTER)
        for old in self.path.iterdir():
            if old.is_dir() and old.name != name:
                shutil.rmtree(old, ignore_errors=True)

    def _disk_generation(self) -> int | None:
        """The generation of the index the pointer names (its folder is ``g<generation>-<id>``), if it is complete."""
        try:
            name = (self.path / _POINTER).read_text(encoding="utf-8").strip()
        except OSError:
            return None
        if not name.startswith("g") or not (self.path / name / _META).is_file():
            return None
        try:
            return int(name[1:].split("-", 1)[0])
        except ValueError:
            return None

    # --- reading ------------------------------------------------------------------------------------
    def _load_disk(self) -> _Loaded | None:
        import bm25s

        try:
            name = (self.path / _POINTER).read_text(encoding="utf-8").strip()
            folder = self.path / name
            meta = json.loads((folder / _META).read_text(encoding="utf-8"))
            bm25 = bm25s.BM25.load(str(folder), show_progress=False) if meta["ids"] else None
        except (OSError, ValueError, KeyError) as exc:  # absent, or replaced while we read it
            log.debug("lexical index on disk not usable: %s", exc)
            return None
        return _Loaded(int(meta["generation"]), meta["ids"], meta["fields"], bm25)

    def current(self) -> _Loaded:
        """The index for the manifest's current generation: in memory, else from disk, else rebuilt in memory."""
        generation = self.manifest.generation()
        with self._lock:
            if self._loaded is None or self._loaded.generation != generation:
                loaded = self._load_disk()
                if loaded is None or loaded.generation != generation:
                    loaded = build(self.manifest.iter_chunks(), generation)
                self._loaded = loaded
            return self._loaded

    def scores(self, query: str, filters: Filters = Filters(), *, expand: bool = True) -> tuple[_Loaded, np.ndarray]:
        """BM25 score of every indexed passage (0 where filtered out); expansions count ``expansion_weight``."""
        idx = self.current()
        if idx.bm25 is None:
            return idx, np.zeros(0, dtype=np.float32)
        tokens = query_tokens(query)
        # bm25s raises IndexError on an empty token list ("?!", "%"): such a query simply matches nothing.
        scores = (np.asarray(idx.bm25.get_scores(tokens), dtype=np.float32) if tokens
                  else np.zeros(len(idx.ids), dtype=np.float32))
        if expand and self.glossary is not None:
            extra = [f"{lang}:{s}" for lang, phrase in self.glossary.expand(query) for s in stems(phrase, lang)]
            if extra:
                scores = scores + self.expansion_weight * np.asarray(idx.bm25.get_scores(extra), dtype=np.float32)
        if filters != Filters():
            mask = np.fromiter((filters.matches(f) for f in idx.fields), dtype=bool, count=len(idx.fields))
            scores = np.where(mask, scores, 0.0)
        return idx, scores

    def search(self, query: str, n: int, filters: Filters = Filters(), *, expand: bool = True) -> list[str]:
        """Chunk ids of the ``n`` best-scoring passages that match ``filters`` (only those with a positive score)."""
        idx, scores = self.scores(query, filters, expand=expand)
        if n <= 0 or not len(scores):
            return []
        top = np.argsort(-scores, kind="stable")[:n]
        return [idx.ids[i] for i in top if scores[i] > 0]
