"""Realistic stand-ins at any scale: bilingual ~170-word policy passages cut from the sample corpus's own notes,
vectors made from real e5 vectors (mixed and perturbed, so they cluster like real ones), and stores of N passages
written through ``Store.put_document`` (the same manifest, chromadb and lexical index as an ingestion makes),
without paying ~0.3 s of model time per passage."""

from __future__ import annotations

import hashlib
import json
import random
import re
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterator

import numpy as np

from bench.common import PROJECT_ROOT, RESULTS
from kb.records import Chunk, Document, DocumentMeta

CORPUS = PROJECT_ROOT / "corpus"
DATA_VERSION = "1"  # bump when passages, vectors or documents change shape: cached bench stores are rebuilt
PASSAGE_WORDS = (150, 240)  # like the chunker's (KB_CHUNK_WORDS=170, KB_CHUNK_MAX_WORDS=240)
PASSAGES_PER_DOC = 25  # a ~15-page report
SPANISH_SHARE = 0.55
JURISDICTIONS = ("MX", "MX-TAB", "MX-QUE", "MX-NLE", "MX-GUA", "CL", "CO", "DO", "SG", "NL", "INT")
DOC_TYPES = ("plan", "policy brief", "case study", "diagnosis", "roadmap", "law", "report", "note")
LEVELS = ("international", "national", "state", "municipal")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[¿¡\"“(]?[A-ZÁÉÍÓÚÑ0-9])")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]+\)")

FALLBACK_TEXT = {  # used only when corpus/ is absent (a trimmed checkout)
    "es": (
        "El programa estatal de desarrollo de proveedores vincula a pequeñas y medianas empresas locales con "
        "empresas tractoras de los sectores aeroespacial y automotriz. Las empresas participantes reciben "
        "asesoría técnica y apoyo para obtener certificaciones de calidad. La estrategia portuaria busca ampliar "
        "la capacidad logística del puerto para atender a la agroindustria. Un consejo consultivo reúne a "
        "empresas, universidades y gobierno para dar seguimiento a los proyectos estratégicos."
    ),
    "en": (
        "Singapore's Economic Development Board works with the national skills agency so that workers are "
        "trained in the capabilities that new investors need. Eco-industrial parks share water, energy and "
        "materials among tenant firms. Investment promotion agencies offer aftercare to established investors. "
        "Training grants are tied to investment projects and firms co-design courses with polytechnics."
    ),
}


@dataclass(frozen=True)
class SourceNote:
    title: str
    language: str
    sections: tuple[str, ...]
    sentences: tuple[str, ...]


def _parse_note(path: Path) -> SourceNote | None:
    text = path.read_text(encoding="utf-8")
    front: dict[str, str] = {}
    if text.startswith("---"):
        head, _, text = text[3:].partition("\n---")
        for line in head.splitlines():
            key, sep, value = line.partition(":")
            if sep:
                front[key.strip()] = value.strip().strip('"')
    lang = front.get("language") or path.name[:2]
    if lang not in ("es", "en"):
        return None
    sections, paras = [], []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("#"):
            sections.append(line.lstrip("#").strip())
        elif line and not line.startswith(("|", "```", "---")):
            line = _LINK.sub(r"\1", re.sub(r"^([-*]|\d+\.)\s+", "", line)).replace("**", "").replace("`", "")
            paras.append(line)
    sentences = tuple(s for s in _SENTENCE.split(" ".join(paras)) if len(s.split()) >= 4)
    return SourceNote(front.get("title", path.stem), lang, tuple(sections) or ("",), sentences)


@lru_cache(maxsize=1)
def source_notes() -> tuple[SourceNote, ...]:
    """The sample corpus's notes (Markdown sources of its PDFs, and its Markdown notes), split into sentences."""
    paths = sorted(CORPUS.glob("_sources/*.md")) + sorted(CORPUS.glob("md/*.md"))
    notes = [n for n in (_parse_note(p) for p in paths) if n and len(n.sentences) >= 8]
    if {n.language for n in notes} >= {"es", "en"}:
        return tuple(notes)
    return tuple(
        SourceNote(f"Fallback {lang}", lang, ("Resumen",), tuple(_SENTENCE.split(text)))
        for lang, text in FALLBACK_TEXT.items()
    )


def queries(limit: int = 100) -> list[str]:
    """Distinct realistic questions: the evaluation set's (Spanish and English), else questions from the notes."""
    out: list[str] = []
    for path in sorted(CORPUS.glob("_eval/*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            # Question files only: elements_offtopic.jsonl holds hand labels of quoted sentences, not questions.
            text = json.loads(line).get("text") if line.strip() else None
            if text:
                out.append(text)
    if not out:
        out = [" ".join(s.split()[:10]) for n in source_notes() for s in n.sentences[:3]]
    random.Random(7).shuffle(out)
    return list(dict.fromkeys(out))[:limit]


@dataclass
class Passage:
    text: str
    language: str
    section: str
    base: tuple[int, int]  # indices of the base passages whose vectors it mixes


class PassageMaker:
    """~170-word passages: a run of sentences from one note continued by a run from another of the same language,
    so that passages are varied (no two alike at 100k) yet read like the notes."""

    def __init__(self, seed: int = 0, bases_per_language: int = 24) -> None:
        self.rng = random.Random(seed)
        self.notes = source_notes()
        self.by_lang = {lang: [i for i, n in enumerate(self.notes) if n.language == lang] for lang in ("es", "en")}
        # Base passages: real windows of the notes, embedded once with the real model (see base_vectors).
        brng = random.Random(1234)
        self.bases: list[tuple[int, int]] = []  # (note index, first sentence)
        for lang in ("es", "en"):
            for b in range(bases_per_language):
                note = self.by_lang[lang][b % len(self.by_lang[lang])]
                self.bases.append((note, brng.randrange(max(1, len(self.notes[note].sentences) - 6))))
        self.bases_by_lang = {
            lang: [i for i, (n, _) in enumerate(self.bases) if self.notes[n].language == lang] for lang in ("es", "en")
        }

    def _run(self, note: int, start: int, words: int) -> list[str]:
        sents = self.notes[note].sentences
        out, count, i = [], 0, start
        while count < words:
            s = sents[i % len(sents)]
            out.append(s)
            count += len(s.split())
            i += 1
        return out

    def base_text(self, b: int) -> str:
        note, start = self.bases[b]
        return " ".join(self._run(note, start, 170))

    def base_language(self, b: int) -> str:
        return self.notes[self.bases[b][0]].language

    def make(self, language: str) -> Passage:
        b1, b2 = (self.rng.choice(self.bases_by_lang[language]) for _ in range(2))
        target = self.rng.randint(*PASSAGE_WORDS)
        first = self.rng.randint(target // 3, 2 * target // 3)
        n1, s1 = self.bases[b1]
        n2, s2 = self.bases[b2]
        sents = self._run(n1, s1 + self.rng.randint(0, 4), first)
        sents += self._run(n2, s2 + self.rng.randint(0, 4), target - first)
        return Passage(" ".join(sents), language, self.rng.choice(self.notes[n1].sections), (b1, b2))


def base_vectors(maker: PassageMaker, embedder, say=print, cache: Path = RESULTS / "cache") -> np.ndarray:
    """Real vectors of the base passages, embedded once per model and cached in bench/results/cache/."""
    texts = [maker.base_text(b) for b in range(len(maker.bases))]
    key = hashlib.sha256("\x00".join([str(embedder.identity), *texts]).encode()).hexdigest()[:16]
    path = cache / f"base-{key}.npy"
    if path.exists():
        return np.load(path)
    say(f"  embedding {len(texts)} base passages with the real model (once; cached in {path.parent}) …")
    vecs = np.asarray(embedder.embed_passages(texts), dtype=np.float32)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, vecs)
    return vecs


def mix_vector(base: np.ndarray, p: Passage, rng: np.random.Generator, noise: float = 0.02) -> np.ndarray:
    """A unit vector near the base passages it was cut from: a random blend of the two, plus Gaussian noise."""
    w = rng.uniform(0.3, 0.7)
    v = w * base[p.base[0]] + (1 - w) * base[p.base[1]] + rng.normal(0.0, noise, base.shape[1])
    return (v / np.linalg.norm(v)).astype(np.float32)


@dataclass
class SyntheticDoc:
    doc_id: str
    source: str
    meta: DocumentMeta
    chunks: list[Chunk]
    vectors: np.ndarray


def documents(
    n_passages: int, base: np.ndarray, *, seed: int = 0, per_doc: int = PASSAGES_PER_DOC, bases_per_language: int = 24
) -> Iterator[SyntheticDoc]:
    """Documents of ``per_doc`` passages (the last one shorter) until ``n_passages``; each mostly in one language
    (one passage in ten in the other, like a report with an abstract in English)."""
    maker = PassageMaker(seed, bases_per_language)
    rng = random.Random(seed + 1)
    nrng = np.random.default_rng(seed + 2)
    made, d = 0, 0
    while made < n_passages:
        lang = "es" if rng.random() < SPANISH_SHARE else "en"
        count = min(per_doc, n_passages - made)
        passages = [maker.make(lang if rng.random() >= 0.1 else ("en" if lang == "es" else "es")) for _ in range(count)]
        title = f"{maker.notes[maker.bases[passages[0].base[0]][0]].title} (bench {d:06d})"
        meta = DocumentMeta(
            title=title,
            publisher="policy-kb bench",
            year=rng.randint(2010, 2026),
            jurisdiction=rng.choice(JURISDICTIONS),
            level=rng.choice(LEVELS),
            doc_type=rng.choice(DOC_TYPES),
            language=lang,
        )
        doc_id = hashlib.sha256(f"bench:{seed}:{d}".encode()).hexdigest()[:24]
        source = f"/bench/synthetic/{d:06d}.pdf"
        doc = Document.of(meta, doc_id=doc_id, source=source, page_count=1 + len(passages) // 2)
        chunks = [
            Chunk(
                chunk_id=f"{doc_id}:{i:05d}",
                doc_id=doc_id,
                ordinal=i,
                text=p.text,
                page_start=1 + i // 2,
                page_end=1 + (i + 1) // 2,
                section=p.section,
                language=p.language,
                doc=doc,
            )
            for i, p in enumerate(passages)
        ]
        vectors = np.stack([mix_vector(base, p, nrng) for p in passages])
        yield SyntheticDoc(doc_id, source, meta, chunks, vectors)
        made += count
        d += 1


BULK_PASSAGES = 5000  # vectors per chromadb write when building a bench store


def _put_bulk(kb, docs: list[SyntheticDoc], settings: str) -> None:
    """Many documents in one vector write, then one manifest commit each. A bench store is written once by one
    process, so the per-document journal of ``Store.put_document`` (crash safety) is skipped: per-document chromadb
    calls made the 100k store take 28 min to build, and a 300k store would not have been built at all."""
    chunks = [c for d in docs for c in d.chunks]
    store = kb.store
    with store.writing():
        store.vectors.upsert(
            [c.chunk_id for c in chunks], np.concatenate([d.vectors for d in docs]), [c.filter_values() for c in chunks]
        )
        for d in docs:
            doc = d.chunks[0].doc if d.chunks else Document.of(d.meta, doc_id=d.doc_id, source=d.source)
            doc.settings = settings
            store.manifest.commit_document(doc, d.chunks)
        store.vectors.saw(store.manifest.generation())


def build_store(
    kb, n_passages: int, *, seed: int = 0, bases_per_language: int = 24, cache: Path = RESULTS / "cache", say=print
) -> dict[str, float]:
    """Write ``n_passages`` synthetic passages into ``kb``'s store (documents of ~25 passages, written in bulk: see
    ``_put_bulk``), then let the knowledge base refresh its derived indexes (the lexical index) as after an
    ingestion. Returns seconds per phase."""
    base = base_vectors(PassageMaker(seed, bases_per_language), kb.store.embedder, say=say, cache=cache)
    settings = "bench-synthetic"
    t0 = time.perf_counter()
    put = make = 0.0
    done, next_report = 0, 0.1
    it = documents(n_passages, base, seed=seed, bases_per_language=bases_per_language)
    batch: list[SyntheticDoc] = []
    while True:
        t = time.perf_counter()
        doc = next(it, None)
        make += time.perf_counter() - t
        if doc is not None:
            batch.append(doc)
        if batch and (doc is None or sum(len(d.chunks) for d in batch) >= BULK_PASSAGES):
            t = time.perf_counter()
            _put_bulk(kb, batch, settings)
            put += time.perf_counter() - t
            done += sum(len(d.chunks) for d in batch)
            batch = []
            if done >= next_report * n_passages:
                say(f"  {done:,}/{n_passages:,} passages stored ({time.perf_counter() - t0:.0f} s)")
                next_report += 0.1
        if doc is None:
            break
    t = time.perf_counter()
    kb.index.refresh()
    derived = time.perf_counter() - t
    return {
        "make_passages_s": make,
        "put_document_s": put,
        "after_ingest_s": derived,
        "total_s": time.perf_counter() - t0,
    }
