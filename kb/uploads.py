"""Uploads: untrusted bytes with an untrusted name, saved inside the store's files folder or refused."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from kb.config import Config

ALLOWED = {"pdf": ".pdf", "markdown": ".md", "text": ".txt"}


class UploadRejected(ValueError):
    """An upload that is not stored, with the reason to show the user."""


def safe_filename(name: str) -> str:
    """A plain file name: no folders, no control or shell-special characters, no leading dots."""
    name = unicodedata.normalize("NFKC", name).replace("\\", "/").split("/")[-1]
    name = re.sub(r"[^\w.\- ]+", "_", name).strip(" .")
    return name[:120] or "upload"


def detect_kind(data: bytes) -> str:
    """pdf, markdown or text, decided by the bytes; anything else is refused."""
    from ingest.extract import sniff  # lazy: kb does not depend on ingest at import time

    kind = sniff(data)
    if kind == "pdf":
        return "pdf"
    if kind == "text":
        return "text"
    raise UploadRejected("empty file" if kind == "empty" else f"not a supported document (looks like {kind})")


def save_upload(config: Config, filename: str, data: bytes) -> Path:
    """Write an upload under ``<store>/files/``; the extension follows the content, never the name alone."""
    limit = int(config.max_file_mb * 1024 * 1024)
    if len(data) > limit:
        raise UploadRejected(f"too large ({len(data) / 1e6:.1f} MB; the limit is {config.max_file_mb:g} MB)")
    kind = detect_kind(data)
    name = safe_filename(filename)
    stem = Path(name).stem or "upload"
    if kind == "text" and Path(name).suffix.lower() in (".md", ".markdown"):
        kind = "markdown"
    folder = config.files_path.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    target = (folder / f"{stem}{ALLOWED[kind]}").resolve()
    if folder not in target.parents:
        raise UploadRejected("invalid file name")
    n = 1
    while target.exists() and target.read_bytes() != data:
        target = folder / f"{stem}-{n}{ALLOWED[kind]}"
        n += 1
    target.write_bytes(data)
    return target
