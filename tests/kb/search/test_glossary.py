"""The ES↔EN glossary: the data file, its parser's messages, term matching and query expansion."""

import pytest

from kb.search.glossary import DEFAULT_PATH, Glossary, GlossaryError, parse

TSV = """es\ten\tdomain
# a comment
cadenas de valor\tvalue chains\ttrade
cadenas globales de valor | CGV\tglobal value chains | GVCs\ttrade
desarrollo de proveedores\tsupplier development\tindustry
programa de desarrollo de proveedores\tsupplier development programme\tindustry
zona económica especial | ZEE\tspecial economic zone | SEZ\tplace

T-MEC\tUSMCA | CUSMA\ttrade
"""


@pytest.fixture
def glossary():
    return Glossary(parse(TSV))


def test_parse_reads_alternatives_and_skips_comments():
    terms = parse(TSV)
    assert len(terms) == 6
    assert terms[1].es == ("cadenas globales de valor", "CGV") and terms[1].en == ("global value chains", "GVCs")


@pytest.mark.parametrize(
    "text, message",
    [
        ("spanish\tenglish\n", "header"),
        ("es\ten\tdomain\nsolo una columna\n", "line 2"),
        ("es\ten\tdomain\nok\tfine\tx\n\t value\tx\n", "line 3: both"),
    ],
)
def test_parse_errors_name_the_line(text, message):
    with pytest.raises(GlossaryError, match=message):
        parse(text, "g.tsv")


def test_longest_term_wins_and_plurals_match(glossary):
    found = glossary.find("¿Qué programas de desarrollo de proveedores tiene Querétaro?")
    assert [t.en[0] for t, _ in found] == ["supplier development programme"]
    assert glossary.find("global value chains")[0][0].es[0] == "cadenas globales de valor"


def test_short_acronyms_only_in_capitals(glossary):
    assert glossary.find("incentivos en la ZEE")[0][0].en[0] == "special economic zone"
    assert glossary.find("la zee del sur") == []
    assert glossary.find("usmca rules")[0][0].es == ("T-MEC",)  # long acronyms match in any case


def test_expand_adds_the_other_language_and_synonyms_not_already_in_the_query(glossary):
    out = glossary.expand("reglas del T-MEC para la cadenas globales de valor")
    assert ("en", "USMCA") in out and ("en", "global value chains") in out and ("es", "CGV") in out
    assert ("es", "T-MEC") not in out
    assert glossary.expand("football results") == []


def test_shipped_glossary_has_enough_bilingual_terms():
    g = Glossary.load(DEFAULT_PATH)
    assert len(g) >= 200
    assert all(t.es and t.en for t in g.terms)
    assert ("es", "desarrollo de proveedores") in g.expand("supplier development")
    assert ("en", "agribusiness") in g.expand("agroindustria en Tabasco") or any(
        lang == "en" and "agri" in name for lang, name in g.expand("agroindustria en Tabasco")
    )


def test_unreadable_glossary_is_a_clear_error(tmp_path):
    with pytest.raises(GlossaryError, match="cannot read"):
        Glossary.load(tmp_path / "missing.tsv")
