"""Sentence splitting: long text is cut into pieces first, so the cost stays linear and the sentences the same."""

from kb.text import PIECE_CHARS, pieces, split_sentences
from tests.fixtures import EN_PARKS, ES_PORT, ES_SUPPLIERS


def test_long_text_is_cut_at_sentence_ends_into_bounded_pieces():
    text = " ".join([ES_SUPPLIERS, ES_PORT, "Art. 5. Las PYMES del H. Congreso."] * 40)
    cut = pieces(text)
    assert len(cut) > 5 and all(len(p) <= PIECE_CHARS for p in cut)
    assert "".join(cut) == text
    # Every cut falls after a full stop that ends a sentence, never after an abbreviation ("Art.", "H.").
    assert all(p.rstrip().endswith(".") and not p.rstrip().endswith(("Art.", "H.", "5.")) for p in cut[:-1])


def test_pieces_split_like_the_whole_text():
    import pysbd

    text = " ".join([ES_SUPPLIERS, ES_PORT] * 12)
    whole = [s.strip() for s in pysbd.Segmenter(language="es", clean=False).segment(text) if s.strip()]
    assert len(text) > 2 * PIECE_CHARS and split_sentences(text, "es") == whole


def test_text_without_full_stops_is_cut_at_spaces():
    table = " ".join(f"fila {i} valor {i * 7}" for i in range(2000))  # a table: no sentence ends at all
    cut = pieces(table)
    assert all(len(p) <= PIECE_CHARS for p in cut) and "".join(cut) == table
    assert all(q.startswith(" ") for q in cut[1:])  # cut between tokens, never inside one
    assert " ".join(split_sentences(table, "es")).split() == table.split()


def test_short_text_is_untouched():
    assert pieces(EN_PARKS) == [EN_PARKS]


def test_sentence_spans_give_back_the_same_sentences():
    from kb.text import sentence_spans, sentences_at

    long = " ".join([ES_SUPPLIERS, ES_PORT, "Art. 5. Las PYMES del H. Congreso."] * 12)
    for text, lang in ((ES_SUPPLIERS, "es"), (EN_PARKS, "en"), (long, "es"), ("  Una frase.  Otra. ", "es")):
        spans = sentence_spans(text, lang)
        assert spans and sentences_at(text, spans) == split_sentences(text, lang)
    assert sentence_spans("", "es") == "" and sentences_at("", "") == []
