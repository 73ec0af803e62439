"""Reciprocal rank fusion: merges ranked lists by rank alone, so scores from different legs need no calibration."""

from __future__ import annotations

from typing import Mapping, Sequence


def reciprocal_rank_fusion(legs: Mapping[str, Sequence[str]], k: int = 60,
                           weights: Mapping[str, float] | None = None) -> list[tuple[str, float, list[str]]]:
    """(id, fused score, legs that found it), best first. Cormack et al. (2009): score = Σ w_leg / (k + rank),
    with every weight 1 unless given (a leg missing from ``weights`` keeps weight 1)."""
    weights = weights or {}
    scores: dict[str, float] = {}
    found_by: dict[str, list[str]] = {}
    for leg, ids in legs.items():
        w = weights.get(leg, 1.0)
        for rank, item in enumerate(ids, start=1):
            scores[item] = scores.get(item, 0.0) + w / (k + rank)
            found_by.setdefault(item, []).append(leg)
    return sorted(((i, s, found_by[i]) for i, s in scores.items()), key=lambda t: (-t[1], t[0]))
