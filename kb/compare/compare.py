"""Compare jurisdictions on themes: a themes × jurisdictions matrix of the passages that speak to each theme, with
Markdown and CSV exports. No Streamlit here: the page, the CLI and tests share it.

How a cell is filled (measured on the labelled cells of ``corpus/_eval/compare/``, ``kb eval``):
1. A jurisdiction's passages are its candidates (reference lists and other non-content passages excluded, and
   strategy profiles, which have rows of their own).
2. Each passage is scored against each theme: dense = its best cosine to the theme's descriptions (embedded as
   passages, so a description meets a passage like a passage) minus its mean cosine to all preset themes (what is
   close to every theme says nothing about one), plus lexical = 0.03 · ln(1 + theme words it contains). Dense alone
   put an acceptable passage in 63 % of the dev cells, with the lexical side 93 %.
3. Themes take passages best pair first, one passage per theme; a theme whose candidates all went to other themes
   reuses its best one and the cell says so ("also under …").
4. A cell whose best score is under ``KB_COMPARE_MIN_SCORE`` says the collection has nothing on it.
5. Abstention: a preset theme's cell keeps its passage only if the passage really addresses the theme (``addresses``):
   its best cosine to the theme's descriptions is at least ``KB_COMPARE_MIN_SIMILARITY`` and one of its sentences
   uses at least as many of the theme's words as of any other theme's, words inside names ("Cambridge Industrial
   Innovation Policy", "Tecnológico Nacional de México") not counted. Otherwise the cell says the collection has
   nothing on the theme and keeps the passage as ``weak``, one click away. A one-note state otherwise fills every
   theme with some passage (one passage per theme), and a researcher reads a filled cell as "this place does X".
   Measured on the dev cells (README, Compare evaluation): correctly empty 4/11 -> 9/11 with no acceptable cell
   lost; with the words check too, 10/11 and one of 53 acceptable cells lost (a list sentence that names suppliers
   among more skills words). Free topics get only the words check: their one-line description is not calibrated
   (its cosines run ~0.05 lower than a preset theme's).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np

from kb.compare.profile_table import source_text
from kb.compare.profiles import DOC_TYPE as PROFILE_TYPE
from kb.compare.profiles import FIELDS, Profile, ProfileError, Source, load_profile
from kb.compare.themes import THEMES, THEMES_BY_KEY, Topic, free_topic  # noqa: F401 (re-exported for callers)
from kb.records import Chunk, Hit
from kb.search.citations import citation_for, cite_text, md_escape
from kb.text import sentences_at, split_sentences, stems

LEXICAL_WEIGHT = 0.03  # dev cells: 0.03-0.04 equally good (0.926), 0.12 worse (0.85)
BACKGROUND_WEIGHT = 1.0  # dev cells: 0.5-1.0 equally good; 0 (plain cosine) 0.85
FRAGMENT_WORDS = 5  # a quoted sentence shorter than this brings the next one along (``theme_sentences``)
MAX_CANDIDATES = 2000  # passages read per jurisdiction (the nearest to the themes), enough for any state's shelf

# A list of references matches every topic's words and says nothing about any: never the passage of a cell.
REFERENCE_SECTIONS = re.compile(
    r"^\s*(references|referencias|bibliograf[ií]a|bibliography|sources|fuentes|"
    r"works cited)\s*[:.]?\s*$",
    re.I,
)


# A note's questions for researchers are ours, not the document's: a cell that quoted "How does the plan's
# governance pillar survive…?" for Tabasco × governance told the reader nothing the plan does (issue 20).
QUESTION_SECTIONS = re.compile(
    r"^\s*(questions for (researchers|further research)|preguntas (abiertas )?para (la )?investigaci[oó]n)\b", re.I
)


def is_content(chunk: Chunk) -> bool:
    """A passage that can answer a theme: not a reference list, nor our questions for researchers, nor another
    non-content kind where the store records passage kinds (title blocks, tables of contents)."""
    kind = getattr(chunk, "kind", "") or ""
    section = chunk.section or ""
    return kind in ("", "content") and not REFERENCE_SECTIONS.match(section) and not QUESTION_SECTIONS.match(section)


@dataclass
class Cell:
    """The passages of one jurisdiction on one theme, best first; empty when the collection has nothing on it."""

    topic: Topic
    jurisdiction: str
    hits: list[Hit] = field(default_factory=list)
    score: float | None = None  # the shown passage's score (dense + lexical, see the module docstring)
    also_under: list[str] = field(default_factory=list)  # theme keys whose cell shows the same passage
    reused: bool = False  # the passage answers another theme better: nothing else of this jurisdiction fits this one
    sentences: list[str] = field(default_factory=list)  # the one or two sentences of the passage on the theme
    weak: Hit | None = None  # empty cell: the nearest passage, which does not really address the theme
    profile: list["ProfileEvidence"] = field(default_factory=list)  # profile items on the theme (``evidence``)

    @property
    def best(self) -> Hit | None:
        return self.hits[0] if self.hits else None

    @property
    def empty(self) -> bool:
        """Nothing of this jurisdiction speaks to the theme: no passage and no field of its strategy profile."""
        return not self.hits and not self.profile


@dataclass(frozen=True)
class ProfileEvidence:
    """One item of a jurisdiction's strategy profile (an instrument, an indicator, a sector, its governance body)
    that speaks to a theme, cited as the profile (its file, and the sources the field names)."""

    field: str  # the profile field (kb/profiles.py FIELDS)
    index: int  # the item's place in the field's list
    texts: tuple[tuple[str, str], ...]  # (language, the item's text), the same item in each language
    path: str  # the profile file
    sources: tuple[Source, ...] = ()

    def text(self, lang: str) -> str:
        """The item in ``lang``, else in the other language."""
        by_lang = dict(self.texts)
        return by_lang.get(lang) or next(iter(by_lang.values()), "")

    def label(self, lang: str) -> str:
        from kb.compare.profiles import FIELDS

        return FIELDS[self.field][0 if lang == "es" else 1]


# The profile fields Compare shows as its first rows (kb/profiles.py has the rest).
PROFILE_ROWS = ("plan", "period", "vision", "pillars", "sectors", "governance")


@dataclass
class Comparison:
    topics: list[Topic]
    jurisdictions: list[str]
    cells: dict[tuple[str, str], Cell]
    profiles: dict[str, Profile] = field(default_factory=dict)  # jurisdiction → its strategy profile, if any

    def cell(self, topic: Topic, jurisdiction: str) -> Cell:
        return self.cells[(topic.key, jurisdiction)]

    def column(self, jurisdiction: str) -> list[Cell]:
        return [self.cell(t, jurisdiction) for t in self.topics]


@lru_cache(maxsize=64)
def _description_vectors(embedder, topic: Topic) -> np.ndarray:
    return np.asarray(embedder.embed_passages(list(topic.descriptions)), dtype=np.float32)


@lru_cache(maxsize=256)
def _keyword_stems(topic: Topic) -> list[tuple[str, tuple[str, ...]]]:
    out = [("es", tuple(stems(k, "es"))) for k in topic.keywords_es]
    out += [("en", tuple(stems(k, "en"))) for k in topic.keywords_en]
    return [(lang, s) for lang, s in out if s]


def keyword_count(text: str, language: str, keywords: list[tuple[str, tuple[str, ...]]]) -> int:
    """How many of a theme's words (or phrases, all their stems) a text in ``language`` contains."""
    lang = language if language in ("es", "en") else "en"
    have = set(stems(text, lang))
    return sum(1 for kw_lang, kw in keywords if kw_lang == lang and all(s in have for s in kw))


# A word in capitals that does not start its sentence is part of a name ("Cambridge Industrial Innovation Policy",
# "Tecnológico Nacional de México"); acronyms (SMEs, FDI) are kept. Theme words inside names put the Annex B
# notes' opening passage ("...reviewed by Cambridge Industrial Innovation Policy") under Innovation in 2 dev cells.
_WORD = re.compile(r"[^\W\d_][\w'’-]*")


def without_names(sentence: str) -> str:
    """The sentence's words without those that are part of a name (capitalised, not the sentence's first word)."""
    kept = []
    for n, m in enumerate(_WORD.finditer(sentence)):
        w = m.group(0)
        if n and w[:1].isupper() and sum(ch.isupper() for ch in w) == 1:
            continue
        kept.append(w)
    return " ".join(kept)


def _distinct_keywords(have: set[str], lang: str, keywords: list[tuple[str, tuple[str, ...]]]) -> int:
    return len({kw for kw_lang, kw in keywords if kw_lang == lang and all(s in have for s in kw)})


def speaks_to(text: str, language: str, topic: Topic, *, spans: str = "") -> bool:
    """False when every sentence of ``text`` uses more words (outside names) of some other preset theme than of the
    topic: "Skills come from universities, technological institutes and research centres" is about skills, not
    innovation. ``spans``: the passage's stored sentence spans (``Chunk.sentences``), as for ``theme_sentences``."""
    lang = language if language in ("es", "en") else "en"
    own = _keyword_stems(topic)
    others = [_keyword_stems(t) for t in THEMES if t.key != topic.key]
    for sentence in sentences_at(text, spans) if spans else split_sentences(text, language or "en"):
        have = set(stems(without_names(sentence), lang))
        mine = _distinct_keywords(have, lang, own)
        if all(_distinct_keywords(have, lang, o) <= mine for o in others):
            return True
    return False


def addresses(chunk: Chunk, topic: Topic, similarity: float, min_similarity: float) -> bool:
    """Whether a cell may show ``chunk`` for ``topic`` (module docstring, step 5); ``similarity`` is the passage's
    best cosine to the topic's descriptions. A free topic is held only to the words check."""
    if topic.key in THEMES_BY_KEY and similarity < min_similarity:
        return False
    return speaks_to(chunk.text, chunk.language, topic, spans=chunk.sentences)


def theme_sentences(text: str, language: str, topic: Topic, *, most: int = 2, spans: str = "") -> list[str]:
    """The one or two sentences of a passage that use the theme's words most (in passage order); the first
    sentence when none does. ``spans``: the passage's sentences as ingestion stored them (``Chunk.sentences``, the
    same split), which spares pysbd (~20 ms a cell)."""
    sentences = sentences_at(text, spans) if spans else split_sentences(text, language or "en")
    if not sentences:
        return []
    keywords = _keyword_stems(topic)
    counts = [keyword_count(s, language, keywords) for s in sentences]
    ranked = sorted((i for i, c in enumerate(counts) if c > 0), key=lambda i: (-counts[i], i))[:most]
    # A fragment of a few words is a list item's heading ("Desigualdad en el uso."): quoted alone it says nothing
    # (Singapore × inclusion, issue 20), so the sentence that follows and explains it comes with it.
    chosen = set(ranked)
    for i in ranked:
        if len(sentences[i].split()) < FRAGMENT_WORDS and i + 1 < len(sentences):
            chosen.add(i + 1)
    return [sentences[i] for i in sorted(chosen)] or sentences[:1]


def _candidates(kb, jurisdiction: str, language: Sequence[str], probe: np.ndarray) -> tuple[list[Chunk], np.ndarray]:
    """A jurisdiction's content passages and their vectors, read from the vector index (nothing re-embedded)."""
    where: dict = {"jurisdiction": jurisdiction}
    if language:
        where = {"$and": [where, {"language": {"$in": list(language)}}]}
    found = kb.store.vectors.query(probe, MAX_CANDIDATES, where, with_embeddings=True)
    chunks = kb.store.manifest.chunks_by_id([d.chunk_id for d in found])
    # Strategy profiles have rows of their own (kb/profiles.py): their passages would only repeat them.
    keep = [
        (chunks[d.chunk_id], d.embedding)
        for d in found
        if d.chunk_id in chunks
        and d.embedding is not None
        and is_content(chunks[d.chunk_id])
        and chunks[d.chunk_id].doc.doc_type != PROFILE_TYPE
    ]
    if not keep:
        return [], np.zeros((0, probe.shape[0]), dtype=np.float32)
    return [c for c, _ in keep], np.stack([e for _, e in keep]).astype(np.float32)


def _scores(kb, topics: Sequence[Topic], chunks: list[Chunk], vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """topics × passages: best cosine to the theme's descriptions, minus the mean cosine to the preset themes,
    plus the lexical term; and the best cosines alone (the abstention's similarity)."""

    def best_cosine(t: Topic) -> np.ndarray:
        return (vectors @ _description_vectors(kb.embedder, t).T).max(axis=1)

    background = np.mean([best_cosine(t) for t in THEMES], axis=0)
    out = np.empty((len(topics), len(chunks)), dtype=np.float32)
    dense = np.empty_like(out)
    for i, t in enumerate(topics):
        keywords = _keyword_stems(t)
        lexical = np.array([keyword_count(c.text, c.language, keywords) for c in chunks], dtype=np.float32)
        dense[i] = best_cosine(t)
        out[i] = dense[i] - BACKGROUND_WEIGHT * background + LEXICAL_WEIGHT * np.log1p(lexical)
    return out, dense


def _assign(scores: np.ndarray, min_score: float) -> tuple[dict[int, int], set[int]]:
    """topic → passage: best pairs first, each passage to one topic; a topic left without one reuses its best
    (returned as the second value)."""
    assigned: dict[int, int] = {}
    reused: set[int] = set()
    used: set[int] = set()
    for flat in np.argsort(-scores, axis=None):
        ti, pi = np.unravel_index(flat, scores.shape)
        if scores[ti, pi] < min_score:
            break
        if ti not in assigned and pi not in used:
            assigned[int(ti)] = int(pi)
            used.add(int(pi))
    for ti in range(scores.shape[0]):
        if ti not in assigned and scores.shape[1] and scores[ti].max() >= min_score:
            assigned[ti] = int(scores[ti].argmax())
            reused.add(ti)
    return assigned, reused


def compare(
    kb,
    topics: Sequence[Topic],
    jurisdictions: Sequence[str],
    *,
    per_cell: int = 3,
    min_score: float | None = None,
    min_similarity: float | None = None,
    abstain: bool = True,
    language: Sequence[str] = (),
) -> Comparison:
    """Each jurisdiction's passages ranked for each topic (module docstring); a cell holds its passage and up to
    ``per_cell - 1`` runners-up, or nothing when no passage reaches ``min_score`` (default KB_COMPARE_MIN_SCORE)
    or, with ``abstain``, when its passage does not address the topic (``addresses``; ``min_similarity``, default
    KB_COMPARE_MIN_SIMILARITY), keeping that passage as the cell's ``weak`` one."""
    if min_score is None:
        min_score = kb.config.compare_min_score
    if min_similarity is None:
        min_similarity = kb.config.compare_min_similarity
    probe = np.mean([_description_vectors(kb.embedder, t).mean(axis=0) for t in THEMES], axis=0)
    probe = probe / np.linalg.norm(probe)
    cells: dict[tuple[str, str], Cell] = {}
    for jur in jurisdictions:
        chunks, vectors = _candidates(kb, jur, language, probe)
        if chunks:
            scores, dense = _scores(kb, topics, chunks, vectors)
            assigned, reused = _assign(scores, min_score)
        else:
            scores = dense = np.zeros((len(topics), 0), dtype=np.float32)
            assigned, reused = {}, set()
        weak: dict[int, int] = {}
        if abstain:
            for ti, pi in list(assigned.items()):
                if not addresses(chunks[pi], topics[ti], float(dense[ti, pi]), min_similarity):
                    weak[ti] = assigned.pop(ti)
        for ti, topic in enumerate(topics):
            cell = Cell(topic, jur)
            if ti not in assigned and scores.shape[1]:
                pi = weak.get(ti, int(scores[ti].argmax()))
                cell.weak = _hit(chunks[pi], float(scores[ti, pi]), 1)
            if ti in assigned:
                pi = assigned[ti]
                others: list[int] = []
                for i in np.argsort(-scores[ti]):
                    if len(others) == per_cell - 1 or scores[ti, i] < min_score:
                        break
                    if i != pi and (not abstain or addresses(chunks[i], topic, float(dense[ti, i]), min_similarity)):
                        others.append(int(i))
                cell.hits = [_hit(chunks[i], float(scores[ti, i]), r) for r, i in enumerate([pi, *others], 1)]
                cell.score = float(scores[ti, pi])
                cell.also_under = [topics[o].key for o, p in assigned.items() if p == pi and o != ti]
                cell.reused = ti in reused
                chunk = chunks[pi]
                cell.sentences = theme_sentences(chunk.text, chunk.language, topic, spans=chunk.sentences)
            cells[(topic.key, jur)] = cell
    profiles = profiles_for(kb, jurisdictions)
    for (_key, jur), cell in cells.items():
        if jur in profiles:
            cell.profile = evidence(profiles[jur], cell.topic)
    return Comparison(list(topics), list(jurisdictions), cells, profiles)


def owns(text: str, language: str, topic: Topic) -> bool:
    """A short text (a profile item) is on ``topic`` when it uses more of the topic's words (outside names) than of
    any other preset theme's. Stricter than ``speaks_to`` (at least as many): an item is a line, and a tie on one
    word each ("public investment … firms and academia") is no evidence for either theme."""
    lang = language if language in ("es", "en") else "en"
    have = set(stems(without_names(text), lang))
    mine = _distinct_keywords(have, lang, _keyword_stems(topic))
    return mine > 0 and all(
        _distinct_keywords(have, lang, _keyword_stems(t)) < mine for t in THEMES if t.key != topic.key
    )


# The profile fields that count as evidence in a theme's cell (issue 20): what a jurisdiction does (instruments), the
# numbers it watches (indicators), what it bets on (sectors), and who steers it (governance: the Governance theme's
# own field). Plan, period, vision and pillars are the profile rows above the themes.
EVIDENCE_FIELDS = ("instruments", "indicators", "sectors", "governance")


def evidence(profile: Profile, topic: Topic) -> list[ProfileEvidence]:
    """The profile's items that speak to ``topic``: the governance body for Governance; otherwise an item that
    uses the theme's words, at least as many as of any other theme's (``speaks_to``), in either language."""
    out: list[ProfileEvidence] = []
    for name in EVIDENCE_FIELDS:
        f = profile.fields.get(name)
        if f is None or not f.filled:
            continue
        langs = [lang for lang in ("es", "en") if f.items(lang)]
        for i in range(max(len(f.items(lang)) for lang in langs)):
            texts = tuple((lang, f.items(lang)[i]) for lang in langs if i < len(f.items(lang)))
            on_theme = (
                topic.key == "governance"
                if name == "governance"
                else any(owns(text, lang, topic) for lang, text in texts)
            )
            if on_theme:
                out.append(ProfileEvidence(name, i, texts, profile.path, f.sources))
    return out


def profiles_for(kb, jurisdictions: Sequence[str]) -> dict[str, Profile]:
    """The strategy profile of each jurisdiction that has one in the collection (read from its file, as ingested;
    a profile whose file is gone or unreadable is left out, the comparison goes on)."""
    out: dict[str, Profile] = {}
    for doc in kb.documents():
        jur = doc.jurisdiction
        if doc.doc_type != PROFILE_TYPE or jur not in jurisdictions or jur in out:
            continue
        try:
            out[jur] = load_profile(doc.source)
        except (OSError, ProfileError):
            continue
    return out


def _hit(chunk: Chunk, score: float, rank: int) -> Hit:
    return Hit(chunk=chunk, score=score, rank=rank, legs=["theme"], citation=citation_for(chunk))


def to_markdown(comp: Comparison, *, lang: str = "en", name=lambda code: code) -> str:
    """The matrix as Markdown: one section per topic, one entry per jurisdiction with its passage and citation."""
    nothing = "Sin pasajes sobre este tema en la colección." if lang == "es" else "Nothing in the collection on this."
    lines = [
        f"# {'Comparación' if lang == 'es' else 'Comparison'}: "
        + ", ".join(md_escape(name(j)) for j in comp.jurisdictions),
        "",
    ]
    if comp.profiles:
        lines += [f"## {'Perfil estratégico' if lang == 'es' else 'Strategy profile'}", ""]
        for row in PROFILE_ROWS:
            for jur in comp.jurisdictions:
                prof = comp.profiles.get(jur)
                f = prof.fields.get(row) if prof else None
                if f is None or not f.filled:
                    continue
                src = "; ".join(source_text(s, lang) for s in f.sources)
                lines.append(
                    f"- **{md_escape(name(jur))}, {md_escape(f.label(lang))}**: {md_escape(f.text(lang))}"
                    + (f" ({md_escape(src)})" if src else "")
                )
        lines.append("")
    for topic in comp.topics:
        lines += [f"## {md_escape(topic.label(lang))}", ""]
        for jur in comp.jurisdictions:
            cell = comp.cell(topic, jur)
            best = cell.best
            quote = " ".join(cell.sentences) or best.chunk.text if best else ""
            if best is None and cell.profile:
                head = "Perfil estratégico" if lang == "es" else "Strategy profile"
                items = "; ".join(f"{e.text(lang)} ({e.label(lang)})" for e in cell.profile)
                src = "; ".join(dict.fromkeys(s.cite() for e in cell.profile for s in e.sources))
                lines.append(
                    f"- **{md_escape(name(jur))}**: {head} ({md_escape(Path(cell.profile[0].path).name)})"
                    f"\n\n  > {md_escape(items)}" + (f"\n\n  ({md_escape(src)})" if src else "")
                )
                lines.append("")
                continue
            lines.append(
                f"- **{md_escape(name(jur))}**: "
                + (
                    f"{md_escape(cite_text(best.citation, lang))}\n\n  > " + md_escape(quote).replace("\n", " ")
                    if best
                    else f"_{nothing}_"
                )
            )
            lines.append("")
    return "\n".join(lines)


def to_csv(comp: Comparison, *, lang: str = "en") -> str:
    """One row per cell (topic, jurisdiction), with the best passage and its citation, or empty when none; the
    strategy profiles' fields first (topic "Strategy profile: <field>", the value in ``text``, the sources in
    ``citation``, the first source's address in ``url``)."""
    from kb.search.citations import _csv_safe

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(
        [
            "topic",
            "jurisdiction",
            "found",
            "title",
            "publisher",
            "year",
            "pages",
            "section",
            "language",
            "citation",
            "sentences",
            "text",
            "url",
            "as_of",
        ]
    )
    profile_head = "Perfil estratégico" if lang == "es" else "Strategy profile"
    for row in PROFILE_ROWS if comp.profiles else ():
        for jur in comp.jurisdictions:
            prof = comp.profiles.get(jur)
            f = prof.fields.get(row) if prof else None
            filled = f is not None and f.filled
            first = f.sources[0] if filled and f and f.sources else None
            w.writerow(
                [
                    _csv_safe(v)
                    for v in (
                        f"{profile_head}: {FIELDS[row][0 if lang == 'es' else 1]}",
                        jur,
                        "yes" if filled else "no",
                        first.title if first else "",
                        first.publisher if first else "",
                        (first.year or "") if first else "",
                        "",
                        "",
                        lang,
                        "; ".join(source_text(s, lang) for s in f.sources) if filled and f else "",
                        "",
                        f.text(lang) if filled and f else (f.note.get(lang, "") if f else ""),
                        first.url if first else "",
                        f.as_of if filled and f else "",
                    )
                ]
            )
    for topic in comp.topics:
        for jur in comp.jurisdictions:
            cell = comp.cell(topic, jur)
            h = cell.best
            c = h.citation if h else None
            w.writerow(
                [
                    _csv_safe(v)
                    for v in (
                        topic.label(lang),
                        jur,
                        "yes" if h else ("profile" if cell.profile else "no"),
                        c.title if c else "",
                        c.publisher if c else "",
                        (c.year or "") if c else "",
                        c.pages if c else "",
                        c.section if c else "",
                        c.language if c else "",
                        cite_text(c, lang) if c else "",
                        " ".join(cell.sentences) or "; ".join(e.text(lang) for e in cell.profile),
                        h.chunk.text if h else "",
                        c.url if c else "",
                        "",
                    )
                ]
            )
    return buf.getvalue()
