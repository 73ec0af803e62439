"""The facade ingests (through the ingestor the apps plug in) and deletes, uploads included: the apps never touch
the store's files themselves."""

from __future__ import annotations

import pytest

from kb import Config, KnowledgeBase
from kb.errors import KbError
from kb.store import ingest_log
from kbapp import open_kb
from kbapp.uploads import save_upload, write_sidecar
from tests.fixtures import EN_SKILLS, ES_PORT, make_pdf, write_md


def test_a_knowledge_base_without_an_ingestor_says_how_to_get_one(tmp_path, kb_small):
    kb = KnowledgeBase(Config.from_env(store=tmp_path / "s"), embedder=kb_small.embedder)
    with pytest.raises(KbError, match="open_kb"):
        kb.ingest([tmp_path])


def test_upload_ingest_and_delete_go_through_the_facade(tmp_path, kb_small):
    kb = open_kb(tmp_path / "store", embedder=kb_small.embedder)
    data = make_pdf(tmp_path / "src" / "puerto.pdf", [[ES_PORT]]).read_bytes()
    upload = save_upload(kb.config, "puerto.pdf", data)
    write_sidecar(upload, {"title": "Puerto de prueba", "year": 2024, "level": ""})
    corpus_file = write_md(tmp_path / "corpus" / "skills.md", {"title": "Skills"}, EN_SKILLS)

    report = kb.ingest([upload, corpus_file], origin="upload")

    assert report.ok and len(kb.documents()) == 2
    assert ingest_log.load(kb.config)["origin"] == "upload"
    docs = {d.title: d for d in kb.documents()}
    assert kb.is_upload(docs["Puerto de prueba"].source) and not kb.is_upload(docs["Skills"].source)

    assert kb.delete(docs["Puerto de prueba"].doc_id)
    assert not upload.exists() and not upload.with_name(upload.name + ".yaml").exists()
    assert kb.delete(docs["Skills"].doc_id)
    assert corpus_file.exists()  # the user's own files are never deleted
    assert kb.documents() == []
