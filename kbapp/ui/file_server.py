"""Serve stored documents to the browser by doc_id, so a citation opens the PDF at its page.

Only documents the manifest knows are served: the URL names a doc_id, never a path, and the file must still hold
the bytes that were ingested (its content hash is the doc_id), or the page numbers could point elsewhere.
Mounted as a route of Streamlit's own server (``st.App``), so links work wherever the app is reachable.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from kb.config import Config
from kb.manifest import Manifest

ROUTE = "/files/{name}"
_NAME = re.compile(r"^([0-9a-f]{8,64})\.(pdf|md|txt)$")
MEDIA_TYPES = {".pdf": "application/pdf", ".md": "text/plain; charset=utf-8", ".txt": "text/plain; charset=utf-8"}


@dataclass
class Resolved:
    """A file to send, or the HTTP status and reason why not."""

    status: int
    path: Path | None = None
    media_type: str = ""
    reason: str = ""


def file_url(doc_id: str, source: str, page: int | None = None, *, base: str = "") -> str:
    """``/files/<doc_id>.pdf#page=N`` (PDF viewers open at that page); Markdown and text open whole."""
    suffix = Path(source).suffix.lower()
    if not re.fullmatch(r"[0-9a-f]{8,64}", doc_id or "") or suffix not in MEDIA_TYPES:
        return ""
    url = f"{base.rstrip('/')}/files/{quote(doc_id)}{suffix}"
    return f"{url}#page={int(page)}" if page and suffix == ".pdf" else url


def _sha(path: Path) -> str:
    stat = path.stat()
    return _sha_of(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=256)
def _sha_of(path: str, mtime_ns: int, size: int) -> str:
    # Keyed on mtime and size: a large PDF is hashed once, not on every page a reader opens.
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def resolve(config: Config, name: str) -> Resolved:
    """Which file ``name`` (``<doc_id>.<ext>``) stands for, checked against the manifest and the file's bytes."""
    m = _NAME.match(name or "")
    if not m:
        return Resolved(404, reason="not a document link")
    doc_id, ext = m.groups()
    if not config.manifest_path.exists():
        return Resolved(404, reason="no store")
    manifest = Manifest(config.manifest_path)
    try:
        doc = manifest.document(doc_id)
    finally:
        manifest.close()
    if doc is None:
        return Resolved(404, reason="no such document in the collection")
    path = Path(doc["source"])
    if path.suffix.lower() != f".{ext}":
        return Resolved(404, reason="no such document in the collection")
    if not path.is_file():
        return Resolved(410, reason=f"the file is gone from {path.parent}; re-ingest or prune the collection")
    if not _sha(path).startswith(doc_id):
        return Resolved(409, reason="the file has changed since it was ingested; re-ingest it so pages match")
    return Resolved(200, path, MEDIA_TYPES[path.suffix.lower()])


async def serve(request):
    """Starlette endpoint for ``ROUTE``."""
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import FileResponse, PlainTextResponse

    found = await run_in_threadpool(resolve, Config.from_env(), request.path_params.get("name", ""))
    if found.path is None:
        return PlainTextResponse(found.reason, status_code=found.status)
    response = FileResponse(found.path, media_type=found.media_type, content_disposition_type="inline",
                            filename=found.path.name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox"  # a document can never run script in our origin
    return response


def routes() -> list:
    from starlette.routing import Route

    return [Route(ROUTE, serve, methods=["GET", "HEAD"])]
