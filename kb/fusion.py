"""Reciprocal rank fusion: merges ranked lists by rank alone, so scores from different legs need no calibration."""

from __future__ import annotations

from typing import Mapping, Sequence


def reciprocal_rank_fusion(legs: Mapping[str, Sequence[str]], k: int = 60) -> list[tuple[str, float, list[str]]]:
    """(id, fused score, legs that found it), best first. Cormack et al. (2009): score = Σ 1 / (k + rank)."""
    scores: dict[str, float] = {}
    found_by: dict[str, list[str]] = {}
    for leg, ids in legs.items():
        for rank, item in enumerate(ids, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (k + rank)
            found_by.setdefault(item, []).append(leg)
    return sorted(((i, s, found_by[i]) for i, s in scores.items()), key=lambda t: (-t[1], t[0]))
