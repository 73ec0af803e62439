"""A hostile document (script, event handlers, Markdown links, javascript: URLs) in a store of its own."""

from __future__ import annotations

import pytest

from tests.fixtures import write_md

# Everything a document could carry to attack a page that renders it: script, event handlers, Markdown links and
# images, javascript: URLs, LaTeX and Streamlit's own Markdown directives.
HOSTILE_TITLE = 'Plan <script>alert("title")</script> [evil](javascript:alert(1))'
HOSTILE_TEXT = (
    "El programa de desarrollo de proveedores <script>alert('xss')</script> apoya a las empresas locales "
    "<img src=x onerror=\"alert('img')\"> con certificaciones. [Haga clic aquí](javascript:alert('md')) y "
    "![imagen](https://example.invalid/x.png) :red[rojo] $x^2$ cuesta **mucho**.\n\n<b>negrita</b> "
    "<a href=\"javascript:alert('a')\">enlace</a> sobre proveedores locales y cadenas de suministro regionales."
)


@pytest.fixture(scope="session")
def hostile_kb(tmp_path_factory):
    """A store of its own (tests here upload and delete) holding one hostile Markdown document."""
    from ingest import ingest_paths
    from kb import KnowledgeBase

    folder = tmp_path_factory.mktemp("hostile")
    write_md(
        folder / "hostile.md",
        {
            "title": f"'{HOSTILE_TITLE}'",
            "publisher": '"<i>Evil</i> & Co"',
            "year": 2024,
            "jurisdiction": "MX-TAB",
            "level": "state",
            "doc_type": "plan",
            "language": "es",
        },
        HOSTILE_TEXT,
    )
    kb = KnowledgeBase.open(tmp_path_factory.mktemp("hostile-store"))
    report = ingest_paths(kb, [folder])
    assert report.ok, report
    return kb
