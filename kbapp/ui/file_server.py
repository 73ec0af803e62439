"""Serve stored documents to the browser by doc_id, so a citation opens the PDF at its page.

Only documents the manifest knows are served: the URL names a doc_id, never a path, and the file must still hold
the bytes that were ingested (its content hash is the doc_id), or the page numbers could point elsewhere.
Mounted as a route of Streamlit's own server (``st.App``), so links work wherever the app is reachable.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from kb.config import Config
from kb.store.manifest import Manifest

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


def section_anchor(section: str) -> str:
    """The id a rendered Markdown document gives the heading ``section`` ("Formación de talento" →
    "formacion-de-talento"): the link of a passage and the heading it sits under meet on it."""
    folded = unicodedata.normalize("NFKD", section or "").encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


def file_url(doc_id: str, source: str, page: int | None = None, *, base: str = "", section: str = "") -> str:
    """``/files/<doc_id>.pdf#page=N`` (PDF viewers open at that page); Markdown opens rendered at its section
    (``#<anchor>``); text opens whole."""
    suffix = Path(source).suffix.lower()
    if not re.fullmatch(r"[0-9a-f]{8,64}", doc_id or "") or suffix not in MEDIA_TYPES:
        return ""
    url = f"{base.rstrip('/')}/files/{quote(doc_id)}{suffix}"
    if page and suffix == ".pdf":
        return f"{url}#page={int(page)}"
    if suffix == ".md" and section_anchor(section):
        return f"{url}#{section_anchor(section)}"
    return url


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
    path = Path(doc.source)
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
    from starlette.responses import FileResponse, PlainTextResponse, Response

    found = await run_in_threadpool(resolve, Config.from_env(), request.path_params.get("name", ""))
    if found.path is None:
        return PlainTextResponse(found.reason, status_code=found.status)
    if found.path.suffix.lower() == ".md":
        from starlette.responses import HTMLResponse

        text = await run_in_threadpool(found.path.read_text, encoding="utf-8", errors="replace")
        response: Response = HTMLResponse(render_markdown(text, found.path.name))
    else:
        response = FileResponse(
            found.path, media_type=found.media_type, content_disposition_type="inline", filename=found.path.name
        )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox"  # a document can never run script in our origin
    return response


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n---[ \t]*(?:\n|\Z)", re.S)
PAGE_STYLE = (
    "body{font:16px/1.55 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#222}"
    "h1,h2,h3{line-height:1.25}:target{background:#fff3a3}table{border-collapse:collapse}"
    "td,th{border:1px solid #ccc;padding:.2rem .4rem}code{background:#f4f4f4}"
)


def render_markdown(text: str, title: str) -> str:
    """A Markdown document as a page to read: its YAML header left out, raw HTML in it shown as text (markdown-it
    with ``html`` off), every heading with the id ``section_anchor`` gives it."""
    from html import escape

    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    tokens = md.parse(_FRONT_MATTER.sub("", text, count=1))
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open" and i + 1 < len(tokens):
            plain = "".join(c.content for c in tokens[i + 1].children or [] if c.type in ("text", "code_inline"))
            if section_anchor(plain):
                tok.attrSet("id", section_anchor(plain))
    body = md.renderer.render(tokens, md.options, {})
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{PAGE_STYLE}</style></head><body>{body}</body></html>"
    )


def routes() -> list:
    from starlette.routing import Route

    return [Route(ROUTE, serve, methods=["GET", "HEAD"])]
