"""Ingestion end to end with the real model and a real chromadb on disk."""

import pytest

from ingest import ingest_paths
from ingest.pipeline import discover
from kb import KnowledgeBase, Outcome
from tests.fixtures import EN_PARKS, ES_PORT, make_pdf


def test_first_ingest_reports_every_file(kb_small, small_corpus):
    report = kb_small.first_report
    assert {f.outcome for f in report.files} == {Outcome.INGESTED}
    assert len(report.files) == len(small_corpus)
    # The two reference lists are stored (lexical only) and never reach the model.
    assert report.not_embedded == 2
    assert report.embedded == sum(f.chunks for f in report.files) - 2 > 0


def test_reference_lists_are_stored_as_such_in_the_documents_language(kb_small):
    refs = [c for c in kb_small.store.manifest.iter_chunks() if c.kind == "references"]
    assert {c.doc.title for c in refs} == {"Parques ecoindustriales en la práctica", "Investment promotion agencies"}
    # The Spanish note cites English works: its reference list is still tagged Spanish, like the note.
    assert {c.doc.title: c.language for c in refs}["Parques ecoindustriales en la práctica"] == "es"
    assert all(c.kind == "content" for c in kb_small.store.manifest.iter_chunks() if c not in refs)
    assert kb_small.store.verify() == {"orphan_vectors": [], "missing_vectors": []}


def test_metadata_comes_from_pdf_and_front_matter(kb_small):
    docs = {d.title: d for d in kb_small.documents()}
    assert docs["Plan industrial de prueba"].publisher == "Gobierno de Prueba"
    assert docs["Plan industrial de prueba"].page_count == 3
    assert docs["Parques ecoindustriales en la práctica"].jurisdiction == "MX"
    assert docs["Parques ecoindustriales en la práctica"].year == 2023
    # Nothing invented: the PDF carries no year or jurisdiction.
    assert docs["Skills for investment"].jurisdiction == ""
    assert docs["Skills for investment"].year is None  # the PDF's creation date is not a publication year


def test_each_chunk_has_its_language_page_and_section(kb_small):
    chunks = list(kb_small.store.manifest.iter_chunks())
    by_doc = {}
    for c in chunks:
        by_doc.setdefault(c.doc.title, []).append(c)
    es = by_doc["Plan industrial de prueba"]
    assert {c.language for c in es} == {"es"}
    assert {c.language for c in by_doc["Skills for investment"]} == {"en"}
    port = [c for c in es if "portuaria" in c.text]
    assert port and port[0].page_start == 2 and port[0].section == "Infraestructura portuaria"
    governance = [c for c in es if "consejo consultivo" in c.text]
    assert governance[0].page_start == 3
    # The running header printed on every page never reaches a passage.
    assert all("GOBIERNO DEL ESTADO" not in c.text and "Página" not in c.text for c in chunks)


def test_reingest_is_a_no_op(kb_small, small_corpus):
    report = ingest_paths(kb_small, [small_corpus["es_pdf"].parent])
    assert {f.outcome for f in report.files} == {Outcome.UNCHANGED}
    assert report.embedded == 0


def test_changed_file_replaces_its_old_chunks(tmp_path):
    kb = KnowledgeBase.open(tmp_path / "store")
    doc = make_pdf(tmp_path / "docs" / "plan.pdf", [["# Puertos", ES_PORT]], title="Plan portuario")
    first = ingest_paths(kb, [doc])
    old_id = first.files[0].doc_id
    make_pdf(doc, [["# Puertos", ES_PORT], ["# Parks", EN_PARKS]], title="Plan portuario")
    second = ingest_paths(kb, [doc])
    assert second.files[0].outcome is Outcome.UPDATED
    new_id = second.files[0].doc_id
    assert new_id != old_id
    assert [d.doc_id for d in kb.documents()] == [new_id]
    assert kb.store.vectors.ids_for_doc(old_id) == []
    assert len(kb.store.vectors.ids_for_doc(new_id)) == second.files[0].chunks
    # The Spanish passage did not change: its vector came from the cache, only the new page was embedded.
    assert second.reused >= 1 and second.embedded == second.files[0].chunks - second.reused
    assert kb.store.verify() == {"orphan_vectors": [], "missing_vectors": []}


def test_bad_files_are_reported_and_the_batch_goes_on(tmp_path):
    kb = KnowledgeBase.open(tmp_path / "store")
    folder = tmp_path / "docs"
    make_pdf(folder / "good.pdf", [["# Parks", EN_PARKS]], title="Good")
    (folder / "fake.pdf").write_bytes(b"<html><body>Not found</body></html>")
    (folder / "empty.pdf").write_bytes(b"")
    report = ingest_paths(kb, [folder])
    outcome = {f.path.rsplit("/", 1)[1]: (f.outcome, f.reason) for f in report.files}
    assert outcome["good.pdf"][0] is Outcome.INGESTED
    assert outcome["fake.pdf"] == (Outcome.SKIPPED, "not a PDF (looks like HTML page)")
    assert outcome["empty.pdf"] == (Outcome.SKIPPED, "empty file (0 bytes)")


def test_discover_skips_underscore_folders_and_readmes(tmp_path):
    (tmp_path / "_sources").mkdir()
    (tmp_path / "_sources" / "draft.md").write_text("x")
    (tmp_path / "README.md").write_text("x")
    (tmp_path / "catalog.csv").write_text("file\n")
    (tmp_path / "note.md").write_text("x")
    assert [p.name for p in discover([tmp_path])] == ["note.md"]


def test_each_pdf_in_a_batch_keeps_its_own_text(tmp_path):
    """PDFs are read by a worker process; a reply must never be matched to the wrong file."""
    kb = KnowledgeBase.open(tmp_path / "store")
    words = ["aeroespacial", "agroindustria", "semiconductores", "farmacéutica", "electromovilidad"]
    folder = tmp_path / "docs"
    for i, word in enumerate(words):
        make_pdf(
            folder / f"doc{i}.pdf",
            [
                [
                    f"# Sector {word}",
                    f"Este documento trata solo del sector {word} y de "
                    f"las políticas de apoyo al sector {word} en la región.",
                ]
            ],
            title=word,
        )
    (folder / "doc_bad.pdf").write_bytes(b"%PDF-1.4\n1 0 obj\n<<")  # an error reply in the middle of the batch
    report = ingest_paths(kb, [folder])
    assert sum(f.outcome is Outcome.INGESTED for f in report.files) == len(words)
    for doc in kb.documents():
        chunks = [c for c in kb.store.manifest.iter_chunks() if c.doc_id == doc.doc_id]
        assert chunks and all(doc.title in c.text for c in chunks), doc.source
        assert not any(w in c.text for c in chunks for w in words if w != doc.title)


def _discover_unprivileged(root, queue) -> None:
    import os

    if os.geteuid() == 0:  # root reads any folder: look as "nobody" (a forked child keeps the imported code)
        os.setgid(65534)
        os.setuid(65534)
    bad: list = []
    found = discover([root], bad)
    queue.put(([p.name for p in found], [(p.name, why) for p, why in bad]))


def test_an_unreadable_subfolder_is_reported_not_skipped_silently():
    import multiprocessing
    import os
    import shutil
    import tempfile
    from pathlib import Path

    root = Path(tempfile.mkdtemp(prefix="kb-unreadable-"))
    try:
        os.chmod(root, 0o755)
        (root / "ok").mkdir()
        (root / "ok" / "note.md").write_text("# Nota\n\nTexto.\n")
        (root / "locked").mkdir()
        (root / "locked" / "hidden.md").write_text("# Oculto\n\nTexto.\n")
        os.chmod(root / "locked", 0o000)
        ctx = multiprocessing.get_context("fork")
        queue = ctx.Queue()
        child = ctx.Process(target=_discover_unprivileged, args=(root, queue))
        child.start()
        found, bad = queue.get(timeout=60)
        child.join(timeout=60)
        assert found == ["note.md"]
        assert bad == [("locked", "Permission denied")]
    finally:
        os.chmod(root / "locked", 0o755)
        shutil.rmtree(root)


def test_the_document_language_is_its_body_not_its_first_pages(tmp_path):
    """A Spanish report that opens with ~25,000 characters of English summary is a Spanish document."""
    from ingest.chunk import ChunkSettings
    from ingest.pipeline import prepare
    from tests.fixtures import EN_PARKS, EN_SKILLS, ES_PORT, ES_SUPPLIERS

    english = "\n\n".join([EN_SKILLS, EN_PARKS] * 50)
    spanish = "\n\n".join([ES_SUPPLIERS, ES_PORT] * 160)
    md = tmp_path / "informe.md"
    md.write_text(f"# Executive summary\n\n{english}\n\n# Informe\n\n{spanish}\n")
    assert len(english) > 25000 and len(spanish) > 3 * len(english)
    assert prepare(md, md.read_bytes(), "doc", ChunkSettings()).meta.language == "es"


def _chart_pdf(path):
    from tests.fixtures import ES_PORT, ES_SUPPLIERS, make_pdf
    from tests.ingest.test_sections_and_chunks import CHART_PAGE

    return make_pdf(path, [["# Proveedores", ES_SUPPLIERS, *CHART_PAGE[1:], ES_PORT]], footer=False)


def test_a_chart_is_a_table_passage_that_is_not_embedded(tmp_path):
    from ingest.chunk import ChunkSettings
    from ingest.pipeline import prepare

    pdf = _chart_pdf(tmp_path / "informe.pdf")
    prepared = prepare(pdf, pdf.read_bytes(), "doc", ChunkSettings())
    tables = [c for c in prepared.chunks if c.kind == "table"]
    assert len(tables) == 1 and tables[0].text.startswith("31 15 10 9 allanamientos simultáneos")
    assert not any("allanamientos" in t for t in prepared.dense_texts)  # kept out of the dense index
    assert all("allanamientos" not in c.section and "Discurso" not in c.section for c in prepared.chunks)


@pytest.mark.slow
def test_a_table_passage_is_found_only_when_asked_for(tmp_path):
    """~10 s (the model, three passages)."""
    from kb import KnowledgeBase

    kb = KnowledgeBase.open(tmp_path / "store")
    ingest_paths(kb, [_chart_pdf(tmp_path / "docs" / "informe.pdf")])
    query = "allanamientos simultáneos sistema penitenciario frecuencia"
    assert all(h.chunk.kind == "content" for h in kb.search(query, 5))
    asked = kb.search(query, 5, kind="table")
    assert asked and asked[0].chunk.kind == "table" and "allanamientos" in asked[0].chunk.text
