"""The last ingestion report, kept beside the store."""

from kb.store import ingest_log
from kb.config import Config
from kb.records import FileReport, IngestReport, Outcome


def test_save_and_load(tmp_path):
    cfg = Config.from_env(store=tmp_path / "store")
    assert ingest_log.load(cfg) is None
    report = IngestReport(
        files=[
            FileReport("/a/x.pdf", Outcome.FAILED, reason="encrypted: needs a password"),
            FileReport("/a/y.md", Outcome.INGESTED, chunks=4),
        ],
        embedded=4,
        seconds=1.5,
    )
    ingest_log.save(cfg, report, origin="upload")
    data = ingest_log.load(cfg)
    assert data["origin"] == "upload" and data["embedded"] == 4
    assert [(f["outcome"], f["reason"]) for f in data["files"]] == [
        ("failed", "encrypted: needs a password"),
        ("ingested", ""),
    ]
    ingest_log.path(cfg).write_text("{not json")
    assert ingest_log.load(cfg) is None
