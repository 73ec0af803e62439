"""Fusion: the per-language dense lists merged by calibrated similarity, then fused with the lexical leg.

Why calibrated and not by rank: e5 gives a passage in the query's language a bonus in cosine similarity, so
dense retrieval runs once per language group (es, en, other). Fusing those lists by rank (reciprocal rank fusion)
gave every group's rank 1 the same score however weak its match: in a library of 1,318 Spanish passages and 12
English ones, the English leg's best (unrelated) passage took a top-2 slot for every Spanish question, and a
Spanish title page tagged "pt" took rank 1 of "concesiones de agua" (issue 14). Here a passage keeps its
similarity, less the same-language bonus when it is in the query's language, and the lists are merged by that.
"""

from __future__ import annotations

from typing import Mapping, Sequence

MAIN_LANGUAGES = ("es", "en")  # the languages with a dense leg of their own; the rest share "other"


def leg_language(leg: str) -> str:
    """ "dense:es" → "es"; "dense:other" → "other"."""
    return leg.split(":", 1)[1] if ":" in leg else leg


def calibrated_dense(
    legs: Mapping[str, Sequence[tuple[str, float]]], query_language: str, bias: float
) -> list[tuple[str, float, str]]:
    """(id, calibrated similarity, leg) of every dense candidate, best first: the cosine similarity, less ``bias``
    for passages in the query's language (``query_language`` "es" or "en"; "" when unknown: no correction) and in
    any third language. Only the other main language keeps its similarity whole: a Portuguese or Catalan passage
    shares much of a Spanish query's bonus (a Brazilian programme scored 0.81 for a Spanish question on supplier
    development, as high as the Spanish passages that do not answer it), so it is not the cross-language case."""
    out: list[tuple[str, float, str]] = []
    for leg, found in legs.items():
        group = leg_language(leg)
        out.extend((cid, calibrate(sim, group, query_language, bias), leg) for cid, sim in found)
    out.sort(key=lambda t: (-t[1], t[0]))
    return out


def calibrate(similarity: float, group: str, query_language: str, bias: float) -> float:
    """One passage's calibrated similarity (see ``calibrated_dense``); ``group`` is "es", "en" or "other"."""
    if query_language and (group == query_language or group not in MAIN_LANGUAGES):
        return similarity - bias
    return similarity


def lexical_bonus(
    found: Sequence[tuple[str, float, str]], weight: float, query_language: str = "", cross_weight: float = 1.0
) -> dict[str, float]:
    """``weight`` × BM25 score / the best BM25 score among the passages of the same language, per chunk id
    (``found``: (id, score, language)), × ``cross_weight`` for a passage not in the query's language.

    Normalising Spanish and English apart keeps the leg neutral between them: the query's own words favour passages
    in its language, and an unnormalised bonus cost cross-language questions. A passage in the other language
    matches only through glossary terms and shared names, weaker evidence, hence ``cross_weight``. Any third
    language is normalised by the best score overall: its few passages must not get the full bonus for a stray
    shared word ("empresas" in a Portuguese passage)."""
    overall = max((score for _, score, _ in found), default=0.0)
    best: dict[str, float] = {"*": overall}
    for _, score, lang in found:
        if lang in MAIN_LANGUAGES:
            best[lang] = max(best.get(lang, 0.0), score)
    out: dict[str, float] = {}
    for cid, score, lang in found:
        top = best[lang if lang in MAIN_LANGUAGES else "*"]
        if top > 0:
            same = not query_language or lang == query_language
            out[cid] = weight * score / top * (1.0 if same else cross_weight)
    return out


def within_groups(
    scores: Mapping[str, float], bonus: Mapping[str, float], group: Mapping[str, str]
) -> dict[str, float]:
    """The lexical bonus as a reordering inside each language group (``group``: chunk id → "es", "en", "other"):
    the passages of one group are re-sorted by score + bonus, then take that group's own scores in the new order.

    The interleaving of languages stays the dense one, so BM25 cannot move a passage past one in another language
    (issue 10: an additive bonus, tuned on the dev halves, still cost cross-language test cells a question or two:
    the query's own words lift passages in its language over the other-language one that answers, and glossary and
    look-alike matches reorder the other language's passages at random). A passage moves only past passages of its
    own language whose score is within the bonus of its own."""
    members: dict[str, list[str]] = {}
    for cid in scores:
        members.setdefault(group.get(cid, ""), []).append(cid)
    out: dict[str, float] = {}
    for ids in members.values():
        slots = sorted((scores[c] for c in ids), reverse=True)
        order = sorted(ids, key=lambda c: (-(scores[c] + bonus.get(c, 0.0)), -scores[c], c))
        out.update(zip(order, slots))
    return out
