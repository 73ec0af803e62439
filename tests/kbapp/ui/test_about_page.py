"""The About page: collection statistics as charts, the model, the store, how to cite."""

from __future__ import annotations

from tests.kbapp.ui.conftest import open_app


def test_statistics_model_store_and_citation(kb_small, monkeypatch):
    at = open_app(kb_small.config.store, monkeypatch, page="about")
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    stats = kb_small.stats()
    assert metrics["Documents"] == str(stats.documents) and metrics["Passages"] == str(stats.chunks)
    # By language, jurisdiction and type: documents and passages each on a chart (an axis) of its own.
    assert len(at.get("vega_lite_chart")) == 3 * 2
    frames = [d.value for d in at.dataframe]
    by_language = frames[0]
    assert by_language.loc["Spanish", "Passages"] == stats.languages["es"]
    assert sum(by_language["Documents"]) == stats.documents
    by_jurisdiction = frames[1]
    assert "Mexico" in by_jurisdiction.index and "International" in by_jurisdiction.index
    text = " ".join(m.value for m in at.markdown)
    assert str(kb_small.config.store) in text and kb_small.embedder.identity.name in text
    assert any("policy-kb" in c.value and f"{stats.documents} documents" in c.value for c in at.code)


def test_about_in_spanish(kb_small, monkeypatch):
    at = open_app(kb_small.config.store, monkeypatch, page="about", lang="es")
    assert at.title[0].value == "Acerca de policy-kb"
    assert {"Documentos", "Pasajes"} <= {m.label for m in at.metric}
    assert any(c.value.startswith("policy-kb: base de conocimiento bilingüe") for c in at.code)  # how to cite
