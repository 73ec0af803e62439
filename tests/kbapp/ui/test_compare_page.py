"""The Compare page: jurisdictions × themes matrix and columns, "nothing on this" cells, exports, URL state."""

from __future__ import annotations

import csv
import io

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
    assert "The collection has nothing on this for this jurisdiction." in html  # nobody covers gender here
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
