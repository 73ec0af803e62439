"""Uploads: untrusted bytes with an untrusted name, saved inside the store's files folder or refused."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

import yaml

from ingest.extract import sniff
from kb.config import Config
from kb.errors import KbError

ALLOWED = {"pdf": ".pdf", "markdown": ".md", "text": ".txt"}


class UploadRejected(KbError, ValueError):
    """An upload that is not stored, with the reason to show the user."""


MAX_NAME_BYTES = 150  # file systems allow 255 bytes; room is left for "-<n>" and the extension


def safe_filename(name: str) -> str:
    """A plain file name: no folders, no control or shell-special characters, no leading dots, at most
    MAX_NAME_BYTES of UTF-8 (120 Chinese characters are 360 bytes: too long for most file systems)."""
    name = unicodedata.normalize("NFKC", name).replace("\\", "/").split("/")[-1]
    name = re.sub(r"[^\w.\- ]+", "_", name).strip(" .")
    stem, dot, ext = name.rpartition(".") if "." in name else (name, "", "")
    ext = ext[:10] if dot else ""
    room = MAX_NAME_BYTES - len(ext.encode()) - len(dot)
    stem = stem.encode()[:room].decode("utf-8", errors="ignore").strip(" .")
    return (stem + dot + ext if stem else "") or "upload"


def detect_kind(data: bytes) -> str:
    """pdf, markdown or text, decided by the bytes; anything else is refused."""
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
    for n in range(10_000):
        target = folder / f"{stem}{f'-{n}' if n else ''}{ALLOWED[kind]}"
        if target.resolve().parent != folder:  # a symlink planted in the folder, or a name that escaped
            raise UploadRejected("invalid file name")
        if target.is_file() and not target.is_symlink() and target.read_bytes() == data:
            return target  # the same upload again
        try:
            # O_EXCL: never overwrite; O_NOFOLLOW: never write through a symlink.
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
        except FileExistsError:
            continue
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        return target
    raise UploadRejected("too many files with this name")


def write_sidecar(path: Path, meta: dict) -> None:
    """The upload form's metadata beside the upload (``plan.pdf.yaml``), which ingestion reads before the PDF's own;
    empty values are left out (unknown, never guessed)."""
    side = path.with_name(path.name + ".yaml")
    clean = {k: v for k, v in meta.items() if v not in ("", None)}
    if clean:
        side.write_text(yaml.safe_dump(clean, allow_unicode=True, sort_keys=False), encoding="utf-8")
    elif side.exists():
        side.unlink()
