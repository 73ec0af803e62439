"""Where a text changes language between sentences (an English abstract inside a Spanish page, a Portuguese
quotation), told by function words: langdetect costs ~5-100 ms a call on this machine, too much for every
sentence, and is unreliable on one sentence anyway. A passage then ends where the language changes, and
langdetect labels each passage as before."""

from __future__ import annotations

import re

_FUNCTION_WORDS = {
    "es": frozenset(
        "el la los las del de que y en por para con una un se es su sus al lo como más pero este esta "
        "entre sobre también fue son han ha sin no".split()
    ),
    "en": frozenset(
        "the of and to in is for that with on are by this as be was were from it an at which have has "
        "not or its their these been will".split()
    ),
    # Not "no", "dos", "e": Spanish words too ("e. No hacer uso de la concesión … dos (2) años" was called pt).
    "pt": frozenset(
        "não é de do da das em uma um que os as na nos nas ao aos às para com se por mais "
        "como foi são também pela pelo entre sobre ele ela".split()
    ),
}
_ONLY = {lang: vocab - _FUNCTION_WORDS["pt" if lang == "es" else "es"] for lang, vocab in _FUNCTION_WORDS.items()}
_WORDS = re.compile(r"[^\W\d_]+")
# Quoted words keep the language they were written in ('its subtitle: “El mandato del pueblo por el cambio”' is an
# English sentence): they do not vote.
_QUOTED = re.compile(r"“[^”]*”|«[^»]*»|\"[^\"]*\"|‘[^’]*’")
MIN_WORDS = 8  # a shorter sentence (a title, a label, a name) never decides a change
MIN_HITS = 3  # function words of the winning language
MARGIN = 2.0  # it must have at least twice the hits of the runner-up


def sentence_language(sentence: str) -> str:
    """ "es", "en" or "pt" when the sentence's function words say so clearly, else ""."""
    if len(_WORDS.findall(sentence)) < MIN_WORDS:
        return ""
    raw = _WORDS.findall(_QUOTED.sub(" ", sentence))
    # A function word between two capitalised words belongs to a name ("Coordinadora de Fomento al Comercio
    # Exterior del Estado de Guanajuato (COFOCE) helps local firms export" is English): it does not vote.
    words = [
        w.lower()
        for i, w in enumerate(raw)
        if not (0 < i < len(raw) - 1 and raw[i - 1][:1].isupper() and raw[i + 1][:1].isupper())
    ]
    hits = {lang: sum(w in vocab for w in words) for lang, vocab in _FUNCTION_WORDS.items()}
    ranked = sorted(hits.items(), key=lambda kv: -kv[1])
    if {ranked[0][0], ranked[1][0]} == {"es", "pt"}:
        # Spanish and Portuguese share "de", "que", "se", "para", "por", "como": counted for both, a Portuguese
        # paragraph never had twice the hits of Spanish and was glued to the Spanish passage (issue 21). Between the
        # two, only the words of one of them vote.
        hits = {lang: sum(w in _ONLY[lang] for w in words) for lang in ("es", "pt")}
        ranked = sorted(hits.items(), key=lambda kv: -kv[1])
    (best, n), (_, second) = ranked[0], ranked[1]
    return best if n >= MIN_HITS and n >= MARGIN * max(second, 0.5) else ""
