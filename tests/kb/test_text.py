"""The one text toolkit: folding, stems, stop words, fingerprints, sentences and the language of a short string."""

from kb.text import fingerprint, fold, fold_aligned, guess_language, is_stopword, light_stem, split_sentences, stems


def test_fold_drops_accents_and_case():
    assert fold("Política ÉXITO Ñandú") == "politica exito nandu"


def test_fold_aligned_keeps_positions():
    text = "Ñandú İstanbul ﬁnanzas Straße"
    assert len(fold_aligned(text)) == len(text) and fold_aligned("Ñandú") == "nandu"


def test_stems_are_by_language_and_accent_free():
    assert stems("Políticas de desarrollo", "es") == stems("politicas desarrollos", "es") == ["polit", "desarroll"]
    assert stems("supplier development programmes", "en") == ["supplier", "develop", "programm"]
    assert stems("le politique", "fr") == ["le", "politique"]  # other languages: folded words, unstemmed


def test_stop_words_in_either_language():
    assert is_stopword("the") and is_stopword("Qué") and not is_stopword("proveedores")


def test_light_stem_joins_plurals_of_both_languages():
    assert light_stem("proveedores") == "proveedor" and light_stem("clusters") == "cluster"
    assert light_stem("mes") == "mes"  # short words are left alone


def test_fingerprint_ignores_case_accents_digits_and_punctuation():
    assert fingerprint("1. La Política, industrial!") == fingerprint("la política   industrial")
    assert fingerprint("Supplier development, 2024.") == "supplier development"


def test_sentences_follow_the_language_rules():
    assert split_sentences("Mr. Smith arrived in the U.S. in 2020. Then he spoke.", "en") == [
        "Mr. Smith arrived in the U.S. in 2020.",
        "Then he spoke.",
    ]
    assert split_sentences("La primera frase. La segunda frase.", "es") == ["La primera frase.", "La segunda frase."]


def test_guess_language():
    assert guess_language("¿Qué programas tiene Querétaro?") == "es"
    assert guess_language("How does Singapore train workers for investors?") == "en"


def test_each_thread_stems_with_its_own_stemmer():
    """PyStemmer objects are not thread-safe, and the search stems its query in a worker thread."""
    import threading

    from kb.text import _stemmer

    other: list = []
    thread = threading.Thread(target=lambda: other.extend([_stemmer("es"), stems("las políticas industriales", "es")]))
    thread.start()
    thread.join()
    assert other[0] is not _stemmer("es") and _stemmer("es") is _stemmer("es")
    assert other[1] == stems("las políticas industriales", "es") == ["polit", "industrial"]
