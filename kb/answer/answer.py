"""Extractive answers: the sentences of the top hits that best match the query, each with its [n] citation.

No text is generated: every sentence is copied from a passage, and ``[n]`` is the rank of the hit it came from,
so the answer reads against the result list it sits on. Only content passages are quoted (never a title block,
table of contents, reference list or index), and never a sentence shaped like a heading, a list stub or a reference
entry. Three scorers:

- ``semantic`` (default): multilingual sentence similarity to the question (Universal Sentence Encoder,
  kb/sentence_encoder.py), plus the share of the question's words the sentence covers, plus the hit's rank; a
  sentence's translation in the question's language takes its place, and two of three places go to the top
  passage's best sentences. See README (Extractive answers) for the measurements.

- ``lexical``: the share of the query's words a sentence covers, in the sentence's own language, with
  the glossary bridging an English question to a Spanish sentence and back; plus 1/rank of the hit. ~40 ms.
- ``dense``: cosine similarity of the e5 query vector and each sentence's vector. Measured on a third of the
  labelled queries, 87 % of its sentences cite a document judged relevant, against 82 % for ``lexical`` (73 % vs
  60 % for cross-language queries), but it embeds every candidate sentence: ~3.5 s per answer on two cores.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Sequence

import numpy as np

from kb import text as _text
from kb.passage_kind import REFERENCES, about_itself, is_content, kind_of, shape
from kb.records import Chunk, Hit
from kb.text import MAIN_LANGUAGES, fingerprint, fold, guess_language, is_stopword, is_useful, stems, stopwords, words

MIN_WORDS = 6  # shorter "sentences" are headings, list stubs or table cells
# Longer ones are tables or lists run together. Laws put one provision in one long sentence: at 70 words, 11 of the
# 16 real-PDF dev questions whose top passage held the answer and whose answer did not had it only in a 71-119-word
# sentence. Chosen on the dev halves (real PDFs, answer contains the span, cross-language / all): 70 → 0.447 / 0.532,
# 90 → 0.553 / 0.636, 110 → 0.596 / 0.662, 120 and 130 → 0.596 / 0.675; starter unchanged. Test: real 0.413 / 0.480
# → 0.500 / 0.613, starter unchanged (0.786 / 0.791).
MAX_WORDS = 120
RANK_BONUS = 1.0  # + 1/rank of the hit: the ranking is strong evidence (0.15 → 0.785, 1.0 → 0.815; see README)
RELATIVE_FLOOR = 0.5  # a sentence matching less than half as well as the best one is off the point
SAME_SENTENCE_JACCARD = 0.6  # two passages that say the same thing with a word changed: quote it once
METHODS = ("semantic", "lexical", "dense")
# The semantic scorer: similarity + LEXICAL_WEIGHT × word coverage + SEMANTIC_RANK_BONUS / rank (+ SAME_LANGUAGE
# when the sentence is in the question's language). Chosen on the dev half of the passage evaluation (README).
LEXICAL_WEIGHT = 0.2
SEMANTIC_RANK_BONUS = 0.2
SAME_LANGUAGE = 0.0
# + FOCUS_WEIGHT × the question words a sentence covers, weighted by their rarity among the candidates (focus_scores).
FOCUS_WEIGHT = 0.1
SEMANTIC_FLOOR = 0.5  # relative to the best sentence's score: further ones are off the point
SEMANTIC_MIN = 0.2  # below this similarity a sentence is not about the question at all (unrelated text: ~0.0–0.15)
TWIN_SIMILARITY = 0.7  # USE similarity of a sentence and its translation: 0.73–0.85 on Polos pairs, 0.4–0.5 for
# two different sentences on the same topic
TWIN_MARGIN = 0.08  # how much lower a same-language twin may score and still take the other's place
# Two of the answer's sentences are kept for the top passage: the ranking (e5 on the whole passage) is better
# evidence than one sentence's similarity, and USE is weakest across languages. On the dev halves, within the top
# passage USE's best sentence holds the span for 73 % (real PDFs) / 77 % (starter) of cross-language questions, one
# of its two best for 89 % / 92 %; without the reservation the answers of cross-language questions held the span less
# often than the top passage did (starter 0.708 vs 0.750). Dev, cross-language answer contains the span, real /
# starter: none 0.596 / 0.708; one sentence 0.617 / 0.722; two 0.638 / 0.750 (floor 0.1), 0.660 / 0.736 (0.15),
# 0.617 / 0.722 (0.2); three 0.638 / 0.750, with fewer first sentences that answer. Test, looked at once for two
# (0.1): real 0.500 -> 0.543 (top passage 0.543), starter 0.786 -> 0.757 (top passage 0.700).
TOP_PASSAGE_SENTENCES = 2
TOP_PASSAGE_MIN = 0.1  # similarity (with word coverage) under which even a top-passage sentence is off the point


@dataclass
class AnswerSentence:
    text: str
    ref: int  # 1-based rank of the hit the sentence comes from: the "[n]" of the answer
    score: float
    context: str = ""  # the sentence before it in the same passage, quoted with it (it opens by pointing back)

    @property
    def quote(self) -> str:
        """What the answer quotes: the sentence, after its context when it has one."""
        return f"{self.context} {self.text}" if self.context else self.text


@dataclass
class Answer:
    query: str
    sentences: list[AnswerSentence]
    hits: list[Hit] = field(default_factory=list)
    method: str = "semantic"

    def text(self) -> str:
        """The answer as one paragraph, each sentence followed by its citation marker."""
        return " ".join(f"{s.quote} [{s.ref}]" for s in self.sentences)

    def to_json(self) -> dict:
        return {
            "query": self.query,
            "method": self.method,
            "answer": self.text(),
            "sentences": [
                {"text": s.text, "context": s.context, "ref": s.ref, "score": round(s.score, 4)} for s in self.sentences
            ],
        }


@lru_cache(maxsize=8192)
def split_sentences(text: str, language: str = "en") -> tuple[str, ...]:
    # pysbd takes ~30 ms a passage and the same passages recur across queries: measured 155-165 ms of every answer.
    return tuple(_text.split_sentences(text, language))


def passage_sentences(chunk: Chunk) -> Sequence[str]:
    """A passage's sentences: where ingestion recorded them (``Chunk.sentences``, the same split), else split now
    (passages stored before the spans were; ``kb ingest`` re-chunks them, pipeline version 10)."""
    if chunk.sentences:
        return _text.sentences_at(chunk.text, chunk.sentences)
    return split_sentences(chunk.text, chunk.language)


@dataclass
class _Candidate:
    text: str
    ref: int
    language: str
    context: str = ""  # the sentence before it in its passage, when this one opens by pointing back to it
    members: frozenset[str] = frozenset()  # a list unit: the fingerprints of the sentences it is made of
    said_in: str = ""  # the language the sentence is written in (a Spanish note may quote an English name)

    def __post_init__(self) -> None:
        self.said_in = self.said_in or guess_language(self.text)


# A sentence that opens by pointing back ("They are selected sites where…", "Su papel en…") says little alone: it is
# quoted with the sentence before it. Pronouns and demonstratives only; "La", "El" are articles. 20 of 139 starter
# dev answers had one such sentence.
_POINTS_BACK = re.compile(
    r"^(?:They|Their|Its|It|Both|These|Those|This|Such|He|She|His|Her|"
    r"Su|Sus|Ello|Esto|Este|Esta|Estos|Estas|Ese|Esa|Esos|Esas|Dicho|Dicha|Dichos|Dichas|Ambos|Ambas)\b"
)
CONTEXT_MAX_WORDS = 160  # the sentence and its context together; longer pairs are quoted without the context


_URL = re.compile(r"https?://|www\.", re.I)
_QUOTED_TITLE = re.compile(r'^\s*["“«][^"”»]+["”»]\s*[.,;:]?\s*$')
_CITED_AUTHOR = re.compile(r"^\s*[A-ZÁÉÍÓÚÑ][\w'’-]+,\s+(?:[A-ZÁÉÍÓÚÑ]\.\s?){1,3}")
_DATED_END = re.compile(r"\b(?:1[89]|20)\d\d[a-z]?\)?\.?\s*$")
# "Plan Estatal de Desarrollo del Estado de Nayarit 2017-2021 (Periódico Oficial, 19 de marzo de 2018).": a work's
# title with its publication in brackets, from a profile's list of sources, was quoted as the answer to a question on
# another law's publication date.
_DATED_PAREN_END = re.compile(r"\([^()]*\b(?:1[89]|20)\d\d\)\.?\s*$")
CITATION_SENTENCE = 15.0  # citation marks per 100 words (kb/passage_kind.py) that make one sentence a reference entry


def _is_dated_title(sentence: str) -> bool:
    """A name followed by its publication in brackets: before the bracket, every word in lower case is a stop word
    ("Plan Estatal de Desarrollo del Estado de Nayarit 2017-2021 (Periódico Oficial, …)"); prose has a verb or
    a common noun there ("The board was created in 1961 (EDB, 2021).")."""
    end = _DATED_PAREN_END.search(sentence)
    if not end:
        return False
    head = [w for w in sentence[: end.start()].split() if w[:1].isalpha()]
    return bool(head) and all(w[0].isupper() or is_stopword(w.lower().strip(",;:")) for w in head)


def is_question(sentence: str) -> bool:
    """A sentence that asks: opens with "¿" (or does after its last colon), or ends with "?" with no "¿" or ":" before
    it. A question embedded in a statement ("Permite responder a la pregunta ¿qué conceptos…?", "It answers the
    question: what…?") is prose."""
    s = sentence.strip().strip("\"'“”«»")
    if s.startswith("¿") or (s.endswith("?") and s.rsplit(":", 1)[-1].lstrip().startswith("¿")):
        return True  # "Son preguntas nuestras, no conclusiones del plan: ¿Cómo…?" introduces questions
    return s.endswith("?") and "¿" not in s and ":" not in s


@lru_cache(maxsize=65536)
def quotable(sentence: str) -> bool:
    """Whether a sentence can stand in an answer: prose of a readable length, not a heading, title line, list stub
    or reference entry (told by shape, in either language). Cached: the same sentences recur across questions."""
    n = len(sentence.split())
    if not (MIN_WORDS <= n <= MAX_WORDS) or _URL.search(sentence):
        return False
    s = shape(sentence)
    if s.function_share < 0.12:
        return False  # a run of names and nouns: a title, a heading glued to a sentence, a table row
    if not sentence.rstrip().endswith((".", "!", "?", ":", ";", ")", "”", '"')) and s.capital_share > 0.5:
        return False  # a heading or a capitalised list stub
    if n <= 12 and s.capital_share >= 0.6:
        return False  # Title Case: a heading or a work's title cut out of a reference entry
    if is_question(sentence):
        return False  # a question does not answer one: the notes' "questions for research" matched questions best
    if n <= 20 and _is_dated_title(sentence):
        return False  # a title with its publication in brackets: a source list's entry
    if _QUOTED_TITLE.match(sentence) or _CITED_AUTHOR.match(sentence) or (n <= 12 and _DATED_END.search(sentence)):
        return False  # a quoted title, "Surname, I. …", "Publisher, 15 de octubre de 2024.": pieces of references
    if s.citation_density >= CITATION_SENTENCE and (s.function_share <= 0.35 or s.citation_density >= 30):
        return False  # one reference entry: names with initials, years, journal and page marks
    return kind_of(s) != REFERENCES


# --- list units ------------------------------------------------------------------------------------------------
# A sentence that introduces a list ("The four priority industries are: Agroindustry.") is quoted with its items as
# one unit. Ingestion flattens a Markdown list into the passage's prose and pysbd splits it at every item, so the
# items arrive as sentences of their own: stubs under MIN_WORDS ("Renewable energy.", "Automotive.") that are never
# quotable alone, or "Label: text" items ("Water: the 2022 water crisis…"), each perhaps followed by one sentence
# describing it. Before list units the answer quoted the introduction with its first item only, and the stubs never.
LIST_MAX_WORDS = 120  # the unit's length limit (as MAX_WORDS for one sentence): items past it are left out
ITEM_MAX_WORDS = 40
LABEL_MAX_WORDS = 4  # "Trade programmes: …", "Cuatro categorías de desempeño: …"; "El desarrollo de proveedores es lento: …" is prose  # a sentence between two items is the first one's description when it is at most this long
_LABEL = re.compile(r"^[^:;.!?]{1,60}:\s")  # "Water: …", "1991: …", "Desempeño social: …"


def _is_item(sentence: str) -> bool:
    """A list item as pysbd leaves it: a stub of a few words, or "Label: text" with a label of a few words."""
    if is_question(sentence) or about_itself(sentence):
        return False
    if len(sentence.split()) < MIN_WORDS:
        return True
    label = _LABEL.match(sentence)
    return label is not None and len(label.group(0).split()) <= LABEL_MAX_WORDS


def introduces(sentence: str) -> bool:
    """Whether a sentence can introduce a list: it ends with a colon, or its colon is followed by a capital or a
    digit, as the first item of a flattened bullet list is ("…are: Agroindustry.", "Son: Agroindustria, …",
    "…milestones: 1991: …"); a colon inside prose is followed by lower case ("…inversionista: la UNAQ nació…")."""
    if _URL.search(sentence) or is_question(sentence):
        return False
    head, colon, rest = sentence.partition(":")
    rest = rest.lstrip(' "“«*(')
    return bool(colon) and (not rest or rest[0].isupper() or rest[0].isdigit())


def list_end(sentences: Sequence[str], j: int) -> int | None:
    """The index of the last sentence of the list that ``sentences[j]`` introduces (it has a colon and items
    follow), within LIST_MAX_WORDS; None when it introduces none."""
    if not introduces(sentences[j]):
        return None
    words, end, items = len(sentences[j].split()), None, 0
    for k in range(j + 1, len(sentences)):
        s, n = sentences[k], len(sentences[k].split())
        item = _is_item(s)
        described = (
            not item and n <= ITEM_MAX_WORDS and k + 1 < len(sentences) and _is_item(sentences[k + 1])
        ) and not is_question(s)
        if not (item or described) or words + n > LIST_MAX_WORDS:
            break
        words, end, items = words + n, k, items + item
    return end if items else None


def _offsets(text: str, sentences: Sequence[str]) -> list[tuple[int, int]] | None:
    """Where each sentence is in the passage (they are verbatim pieces of it, in order); None if one is not."""
    out, pos = [], 0
    for sentence in sentences:
        start = text.find(sentence, pos)
        if start < 0:
            return None
        pos = start + len(sentence)
        out.append((start, pos))
    return out


def _quotable_unit(unit: str) -> bool:
    # A unit is held to the same reference test as one sentence: a profile line such as "Sectores prioritarios
    # (fuentes [3], [5]; dato a 2023-02-20): …" reads as a reference entry by its citation marks.
    n = len(unit.split())
    s = shape(unit)
    return (
        MIN_WORDS <= n <= LIST_MAX_WORDS
        and s.function_share >= 0.12
        and not _URL.search(unit)
        and kind_of(s) != REFERENCES
    )


def _editorial(sentences: Sequence[str], j: int) -> bool:
    """A sentence about the note itself (what it is, its sources, its own earlier error), or one that continues
    such a sentence by pointing back to it ("That list was wrong: …", "Era un error: …")."""
    if about_itself(sentences[j]):
        return True
    return j > 0 and about_itself(sentences[j - 1]) and bool(_CONTINUES.match(sentences[j].lstrip()))


_CONTINUES = re.compile(r"^(?:That|This|It|These|Those|Era|Eso|Esto|Esa|Ese|Esta|Este)\b")


def candidates(hits: Sequence[Hit], max_hits: int) -> list[_Candidate]:
    """Quotable sentences of the first ``max_hits`` content hits, each once (neighbouring passages overlap); a
    sentence that introduces a list comes with its items, as one unit."""
    out: list[_Candidate] = []
    seen: set[str] = set()
    for hit in [h for h in hits if is_content(h.chunk.kind)][:max_hits]:
        # A sentence that is (part of) the document's title or its source's title is a title, not an answer: a
        # reference entry quoting a work's title reads as prose ("La experiencia de CORFO y la transformación…").
        titles = [t for t in (fingerprint(hit.chunk.doc.title), fingerprint(hit.chunk.doc.source_title)) if t]
        sentences = list(passage_sentences(hit.chunk))
        offsets = None
        for j, sentence in enumerate(sentences):
            fp = fingerprint(sentence)
            if fp in seen or _in_titles(fp, titles) or _editorial(sentences, j):
                continue
            end = list_end(sentences, j)
            if end is not None and offsets is None:
                offsets = _offsets(hit.chunk.text, sentences) or []
            if end is not None and offsets:
                unit = hit.chunk.text[offsets[j][0] : offsets[end][1]]
                if _quotable_unit(unit):
                    seen.add(fp)
                    members = frozenset(fingerprint(x) for x in sentences[j : end + 1])
                    out.append(_Candidate(unit, hit.rank, hit.chunk.language, members=members))
                    continue
            if not quotable(sentence):
                continue
            seen.add(fp)
            out.append(_Candidate(sentence, hit.rank, hit.chunk.language, context_of(sentences, j, titles)))
    return out


def _in_titles(fp: str, titles: Sequence[str]) -> bool:
    """Whether a sentence (its fingerprint) is (part of) one of the document's titles."""
    return bool(fp) and any(fp in t for t in titles)


def context_of(sentences: Sequence[str], j: int, titles: Sequence[str] = ()) -> str:
    """The sentence before ``sentences[j]`` when ``sentences[j]`` points back to it and the pair is short enough;
    what could not be quoted itself (a heading, a list stub, a title, a question) is no context."""
    if j == 0 or not _POINTS_BACK.match(sentences[j].lstrip()):
        return ""
    before = sentences[j - 1]
    if not quotable(before) or _in_titles(fingerprint(before), titles) or about_itself(before):
        return ""
    return before if len(before.split()) + len(sentences[j].split()) <= CONTEXT_MAX_WORDS else ""


def lexical_scores(query: str, cands: Sequence[_Candidate], glossary=None) -> list[float]:
    """Share of the query's content words a sentence covers, in the sentence's own language: a word is covered when
    its stem is in the sentence, or when it is part of a glossary term one of whose names (in either language) is
    in the sentence. So "supplier development" is covered by "desarrollo de proveedores"."""
    covered, n = coverage(query, cands, glossary)
    return [len(c) / n if n else 0.0 for c in covered]


def focus_scores(query: str, cands: Sequence[_Candidate], glossary=None) -> list[float]:
    """Word coverage weighted by how rare each question word is among the candidate sentences: the words every
    sentence shares are the question's subject ("Tabasco", "plan"), the rare ones what it asks about ("sectors",
    "Hidalgo", "Evaluation Committee"). A sentence on the subject that says nothing of the focus scores low."""
    covered, n = coverage(query, cands, glossary)
    if not n or not cands:
        return [0.0] * len(cands)
    df = [sum(i in c for c in covered) for i in range(n)]
    weight = [float(np.log((len(cands) + 1) / (d + 0.5))) for d in df]
    whole = sum(weight) or 1.0
    out = [sum(weight[i] for i in c) / whole for c in covered]
    return out


def coverage(query: str, cands: Sequence[_Candidate], glossary=None) -> tuple[list[set[int]], int]:
    """For each candidate, which of the query's content words (by index) it covers; and how many there are."""
    qlang = guess_language(query)
    qwords = [w for w in words(query) if fold(w) not in stopwords(qlang) and is_useful(w)]
    qwords = list(dict.fromkeys(qwords))
    if not qwords:
        return [set() for _ in cands], 0
    qstems = set(stems(" ".join(qwords), qlang))
    # For each glossary term in the query: which query words it stands for, and its names' stems per language.
    terms = []
    for term, _lang in glossary.find(query) if glossary is not None else []:
        named = {s for name in term.names(qlang) for s in stems(name, qlang)}
        units = {i for i, w in enumerate(qwords) if set(stems(w, qlang)) & named}
        if units:
            names = {l: [set(stems(n, l)) for n in term.es + term.en] for l in MAIN_LANGUAGES}
            terms.append((units, names))
    per_lang = {l: [set(stems(w, l)) for w in qwords] for l in MAIN_LANGUAGES}
    out: list[set[int]] = []
    for c in cands:
        lang = c.language if c.language in MAIN_LANGUAGES else "en"
        found = set(stems(c.text, lang))
        covered = {i for i, st in enumerate(per_lang[lang]) if st and st <= found}
        for units, names in terms:
            if any(n and n <= found for n in names[lang]):
                covered |= units
        out.append(covered if qstems else set())
    return out, len(qwords)


def dense_scores(query: str, cands: Sequence[_Candidate], embedder) -> list[float]:
    if not cands:
        return []
    q = embedder.embed_query(query)
    vecs = embedder.embed_passages([c.text for c in cands])
    return [float(v) for v in np.asarray(vecs) @ np.asarray(q)]


def semantic_scores(
    query: str,
    cands: Sequence[_Candidate],
    glossary=None,
    encoder=None,
    vectors: list | None = None,
    focus: Sequence[float] | None = None,
) -> list[float]:
    """Multilingual similarity of each sentence to the question, plus its word coverage and language match.
    ``vectors``, when given a list, receives the sentences' vectors (for the same-language twin below)."""
    if not cands:
        return []
    from kb.answer import sentence_encoder

    encoder = encoder or sentence_encoder.shared()
    vecs = encoder.encode([query] + [c.text for c in cands])
    if vectors is not None:
        vectors.append(vecs[1:])
    sims = vecs[1:] @ vecs[0]
    lex = lexical_scores(query, cands, glossary) if LEXICAL_WEIGHT else [0.0] * len(cands)
    if not focus:
        focus = focus_scores(query, cands, glossary) if FOCUS_WEIGHT else [0.0] * len(cands)
    qlang = guess_language(query)
    return [
        float(s) + LEXICAL_WEIGHT * l + FOCUS_WEIGHT * f + (SAME_LANGUAGE if c.language == qlang else 0.0)
        for s, l, f, c in zip(sims, lex, focus, cands)
    ]


def prefer_question_language(
    order: list[int], cands: Sequence[_Candidate], total: Sequence[float], vecs: np.ndarray, qlang: str
) -> list[int]:
    """Candidate indices best first, where a sentence in the other language yields its place to its twin in the
    question's language (a translation: USE similarity ≥ TWIN_SIMILARITY) that scores almost as well: the same
    answer, in the reader's language."""
    out = list(order)
    for pos, i in enumerate(out):
        if cands[i].language == qlang:
            continue
        twins = [
            j
            for j in out[pos + 1 :]
            if cands[j].language == qlang
            and total[j] >= total[i] - TWIN_MARGIN
            and float(vecs[i] @ vecs[j]) >= TWIN_SIMILARITY
        ]
        if twins:
            j = twins[0]
            out.remove(j)
            out.insert(pos, j)
    return out


# When the same fact is stated in both languages, the answer opens in the question's language: the best sentence in
# the question's language goes first when it scores within FIRST_LANGUAGE_MARGIN of the best one (a translation
# pair scores within ~0.05 of each other; see docs/answers.md for the margin chosen on the dev halves).
FIRST_LANGUAGE_MARGIN = 0.1


# + ENUMERATION_BONUS for a list unit (a sentence introducing a list, with its items), for a question that asks
# for elements or a fact (asks_for_a_set): it is answered by the sentence that lists them; a "why" or "how" question
# is not (with the bonus on every question, "Why do Colombian chambers of commerce have stable funding…" was
# answered by a list of a note's issues). FOCUS_WEIGHT and ENUMERATION_BONUS were chosen on
# the dev halves of the element questions and of the passage questions (docs/answers.md).
ENUMERATION_BONUS = 0.2
_ASKS_FOR_A_SET = re.compile(
    r"^\W*(?:which|what|who|list|name|how many|cu[aá]l(?:es)?|qu[eé]|qui[eé]n(?:es)?|cu[aá]nt[oa]s)\b", re.I
)


def asks_for_a_set(query: str) -> bool:
    """Whether a question asks for elements or a fact ("Which sectors…", "¿Qué países…", "Who…") rather than for an
    explanation or a yes or no ("Why…", "How does…", "Does…")."""
    return bool(_ASKS_FOR_A_SET.match(query))


def enumeration(c: _Candidate) -> float:
    """Whether a candidate enumerates: a list unit. (Counting commas and semicolons as well favoured the long
    enumerations of the laws: real-PDF dev, first sentence holds the span 0.494 -> 0.416.)"""
    return 1.0 if c.members else 0.0


def question_language_first(
    order: list[int], cands: Sequence[_Candidate], total: Sequence[float], scores: Sequence[float], qlang: str
) -> list[int]:
    """``order`` with the best sentence written in the question's language moved to the front when the first one
    is written in the other language and it scores almost as well."""
    if not order or cands[order[0]].said_in == qlang:
        return order
    best = total[order[0]]
    for i in order[1:]:
        if total[i] < best - FIRST_LANGUAGE_MARGIN:
            break
        if cands[i].said_in == qlang and scores[i] > SEMANTIC_MIN:
            return [i] + [j for j in order if j != i]
    return order


def extract_answer(
    query: str,
    hits: Sequence[Hit],
    *,
    glossary=None,
    embedder=None,
    method: str = "semantic",
    max_sentences: int = 3,
    max_hits: int = 5,
    encoder=None,
) -> Answer:
    """The ``max_sentences`` best sentences from the first ``max_hits`` hits, best first, each with its [n]."""
    if method not in METHODS:
        raise ValueError(f"unknown answer method {method!r}: use {', '.join(repr(m) for m in METHODS)}")
    if method == "dense" and embedder is None:
        raise ValueError("the dense answer method needs the knowledge base's embedder")
    cands = candidates(hits, max_hits)
    vecs: list = []
    qlang = guess_language(query)
    focus: list[float] = []
    if method == "semantic":
        focus = focus_scores(query, cands, glossary) if FOCUS_WEIGHT else []
        scores = semantic_scores(query, cands, glossary, encoder, vectors=vecs, focus=focus)
        bonus, floor, minimum = SEMANTIC_RANK_BONUS, SEMANTIC_FLOOR, SEMANTIC_MIN
    else:
        scores = dense_scores(query, cands, embedder) if method == "dense" else lexical_scores(query, cands, glossary)
        bonus, floor, minimum = RANK_BONUS, RELATIVE_FLOOR, 0.0
    total = [s + bonus / c.ref for c, s in zip(cands, scores)]
    if method == "semantic" and ENUMERATION_BONUS and asks_for_a_set(query):
        total = [t + ENUMERATION_BONUS * enumeration(c) for c, t in zip(cands, total)]
    order = sorted(range(len(cands)), key=lambda i: (-total[i], cands[i].ref))
    if vecs:
        order = prefer_question_language(order, cands, total, vecs[0], qlang)
        order = question_language_first(order, cands, total, scores, qlang)
    best = max(total, default=0.0) if method == "semantic" else max(scores, default=0.0)
    chosen: list[AnswerSentence] = []
    kept: list[frozenset] = []
    kept_idx: list[int] = []
    used: set[str] = set()
    top_ref = min((c.ref for c in cands), default=0)
    # At least one place stays open to the best sentence of the other hits (a one-sentence answer is the best one).
    keep = min(TOP_PASSAGE_SENTENCES, max_sentences - 1) if method == "semantic" else 0
    reserved = [i for i in order if cands[i].ref == top_ref and scores[i] > TOP_PASSAGE_MIN][:keep]
    for i in order:
        c, s, tot = cands[i], scores[i], total[i]
        if len(chosen) >= max_sentences:
            break
        if i in reserved:
            reserved.remove(i)  # kept for the top passage: under the floors only when a better one is not there
        elif len(chosen) + len(reserved) >= max_sentences or (
            s <= minimum or (tot if method == "semantic" else s) < floor * best
        ):
            continue
        words = frozenset(fingerprint(c.text).split())
        if any(len(words & k) / len(words | k) >= SAME_SENTENCE_JACCARD for k in kept):
            continue
        mine = c.members or frozenset({fingerprint(c.text)})
        if mine & used:
            continue  # a list unit and one of its own sentences: quote the text once
        if vecs and any(float(vecs[0][i] @ vecs[0][j]) >= TWIN_SIMILARITY for j in kept_idx):
            continue  # the same sentence in the other language (the bilingual notes and profiles): quote it once
        used |= mine
        kept.append(words)
        kept_idx.append(i)
        chosen.append(AnswerSentence(c.text, c.ref, tot, c.context))
    return Answer(query, quote_context_once(chosen), list(hits), method)


def quote_context_once(chosen: list[AnswerSentence]) -> list[AnswerSentence]:
    """A context sentence that the answer also quotes on its own appears once: on its own when it comes first
    (the sentence pointing back follows it), else only as the context (read before the sentence it explains)."""
    position = {a.text: i for i, a in enumerate(chosen)}
    drop: set[int] = set()
    for i, a in enumerate(chosen):
        j = position.get(a.context) if a.context else None
        if j is not None and j < i:
            a.context = ""
        elif j is not None:
            drop.add(j)
    return [a for i, a in enumerate(chosen) if i not in drop]
