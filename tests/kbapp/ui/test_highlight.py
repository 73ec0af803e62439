"""Escape first, then highlight: no document text can become HTML, Markdown, LaTeX or a link."""

import re

from kbapp.ui.highlight import highlight, query_terms, safe_html

HOSTILE = (
    "<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) ![i](http://e/x.png) "
    '$x^2$ :red[rojo] :tada: **bold** <a href="javascript:alert(2)">a</a>\n\nafter a blank line # heading'
)


def test_safe_html_leaves_nothing_active():
    out = safe_html(HOSTILE)
    for bad in ("<script", "<img", "<a ", "](", "$x", ":red[", ":tada:", "**", "\n", "javascript:"):
        assert bad not in out, bad
    assert "<br>" in out and "&#60;script&#62;" in out


def test_terms_are_marked_across_accents_and_plurals():
    out = highlight("Los PROVEEDORES y la Innovación tecnológica", "proveedor innovacion")
    assert "<mark>PROVEEDORES</mark>" in out and "<mark>Innovación</mark>" in out


def test_marks_wrap_escaped_text_only():
    out = highlight("supplier <b>development</b> & more", "development supplier")
    assert out.count("<mark>") == 2 and "<b>" not in out and "&#38;" in out


def test_glossary_phrases_bridge_languages():
    out = highlight("El desarrollo de proveedores locales", "supplier development", ["desarrollo de proveedores"])
    assert re.search(r"<mark>desarrollo de proveedores</mark>", out)


def test_stopwords_and_short_words_are_not_marked():
    assert query_terms("what is the plan de la") == ["plan"]


def test_excerpt_keeps_the_window_with_the_query_terms():
    from kbapp.ui.highlight import excerpt

    text = (
        " ".join(f"a{i}" for i in range(300))
        + " supplier development programme "
        + " ".join(f"b{i}" for i in range(300))
    )
    out = excerpt(text, "supplier development", width=150)
    assert "supplier development" in out and out.startswith("… ") and out.endswith(" …")
    assert len(out) <= 160 and not out[2:].startswith(" ")
    assert excerpt("short", "x") == "short"
