"""The last ingestion report of a store, kept as JSON beside it so the Library page can show each problem file
with its reason (whoever ran the ingestion: an upload in the app or ``kb ingest``)."""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from kb.config import Config
from kb.records import IngestReport

FILE_NAME = "last_ingest.json"


def path(config: Config) -> Path:
    return config.store / FILE_NAME


def save(config: Config, report: IngestReport, *, origin: str) -> Path:
    """Write atomically (a reader never sees half a file)."""
    data = {
        "finished_at": time.time(),
        "origin": origin,
        "seconds": round(report.seconds, 2),
        "embedded": report.embedded,
        "reused": report.reused,
        "pruned": list(report.pruned),
        "files": [{**asdict(f), "outcome": f.outcome.value} for f in report.files],
    }
    target = path(config)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{FILE_NAME}.{os.getpid()}")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, target)
    return target


def load(config: Config) -> dict[str, Any] | None:
    """The last report, or None when there is none or it cannot be read."""
    try:
        data: dict[str, Any] = json.loads(path(config).read_text(encoding="utf-8"))
        return data
    except (OSError, ValueError):
        return None
