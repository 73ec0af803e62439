"""The Compare page: jurisdictions × themes matrix and columns, "nothing on this" cells, exports, URL state."""

from __future__ import annotations

import csv
import io
from html import unescape

from tests.kbapp.ui.conftest import all_markdown, download, open_app


def test_matrix_columns_and_exports(kb_small, monkeypatch):
    at = open_app(kb_small.config.store, monkeypatch, page="compare")
    # With two jurisdictions in the store, both are preselected and every theme is compared.
    assert at.multiselect(key="cmp_jur").value == ["MX", "INT"] or set(at.multiselect(key="cmp_jur").value) == {
        "MX",
        "INT",
    }
    at.multiselect(key="cmp_themes").set_value(["clusters", "inclusion"]).run()
    assert not at.exception, at.exception
    html = all_markdown(at)
    assert "Clusters and eco-industrial parks" in html and "Gender and regional inclusion" in html
    assert "ecoindustriales" in html  # Mexico's best passage on clusters
    assert "Nothing on this theme in the collection for this jurisdiction." in html  # nobody covers gender here
    assert [t.label for t in at.tabs] == ["Themes × jurisdictions matrix", "By jurisdiction"]
    rows = list(csv.DictReader(io.StringIO(download(at, "cmp_csv"))))
    assert {(r["topic"], r["jurisdiction"]) for r in rows} == {
        (t, j) for t in ("Clusters and eco-industrial parks", "Gender and regional inclusion") for j in ("MX", "INT")
    }
    assert {r["found"] for r in rows if r["topic"].startswith("Gender")} == {"no"}
    md = download(at, "cmp_md")
    assert md.startswith("# Comparison:") and "Nothing in the collection on this." in md
    assert "cj" in at.query_params and "themes" in at.query_params


def test_free_topic_and_spanish_labels(kb_small, monkeypatch):
    at = open_app(
        kb_small.config.store,
        monkeypatch,
        page="compare",
        lang="es",
        params={"cj": ["MX", "INT"], "themes": [], "topic": "agencias de promoción de inversiones"},
    )
    assert at.text_input(key="cmp_topic").value == "agencias de promoción de inversiones"
    html = all_markdown(at)
    assert "Investment promotion agencies offer aftercare" in html  # INT answers the free topic
    assert "Matriz temas × jurisdicciones" in [t.label for t in at.tabs]


def test_needs_two_jurisdictions(kb_small, monkeypatch):
    at = open_app(kb_small.config.store, monkeypatch, page="compare")
    at.multiselect(key="cmp_jur").set_value(["MX"]).run()
    assert any("at least two" in i.value for i in at.info)


def test_profiles_are_the_first_rows_and_cells_quote_their_sentences(kb_starter, monkeypatch):
    at = open_app(
        kb_starter.config.store,
        monkeypatch,
        page="compare",
        params={"cj": ["MX-TAB", "MX-QUE", "SG"], "themes": ["skills", "investment"]},
    )
    assert not at.exception, at.exception
    html = all_markdown(at)
    profile = html.index("Strategy profile")
    assert profile < html.index("Skills and quality jobs")  # the profile rows come first
    for label in ("Strategy or plan", "Pillars or axes", "Priority sectors", "Governance body"):
        assert label in html
    assert "Source" in html and 'href="https' in html  # every filled field names its source (linked)
    assert "UNAQ" in html and "Economic Development Board" in html  # Skills × Querétaro, Investment × Singapore
    assert 'class="kb-say"' in html and "<details" in html  # the sentences, and the whole passage one click away
    assert html.count('class="kb-cell-jur"') >= 3 * 2  # each cell names its jurisdiction (shown on narrow screens)


def test_an_empty_cell_says_so_in_both_languages_with_the_weak_passage_closed(kb_starter, monkeypatch):
    """Nuevo León's notes say nothing on gender or regional inclusion: the cell says so, and the nearest passage
    (the abstention's) is one click away, marked weak, never the cell's quoted sentences."""
    for lang, nothing, weak in (
        ("en", "Nothing on this theme in the collection for this jurisdiction.", "Nearest passage (weak match"),
        (
            "es",
            "Nada sobre este tema en la colección para esta jurisdicción.",
            "Pasaje más cercano (coincidencia débil",
        ),
    ):
        at = open_app(
            kb_starter.config.store,
            monkeypatch,
            page="compare",
            lang=lang,
            params={"cj": ["MX-NLE", "MX-GUA"], "themes": ["inclusion", "clusters"]},
        )
        assert not at.exception, at.exception
        html = all_markdown(at)
        cell = html[html.index('data-theme="inclusion" data-jur="MX-NLE"') :]
        cell = cell[: cell.index('<div class="kb-cell"')] if '<div class="kb-cell"' in cell else cell
        assert nothing in unescape(cell) and weak in unescape(cell), cell[:400]
        assert 'class="kb-say"' not in cell  # no sentence quoted as if it answered the theme
        assert cell.index('<details class="kb-weak">') < cell.index("Business groups born in the")
        assert 'data-theme="clusters" data-jur="MX-NLE"' in html and "kb-say" in html  # clusters stays filled
