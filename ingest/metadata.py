"""Document metadata, in order of trust: catalog.csv, a sidecar file, front matter, the PDF's own, the file name."""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path

import yaml

from ingest.extract import meta_from_mapping
from kb.records import DocumentMeta

CATALOG_NAME = "catalog.csv"
SIDECAR_SUFFIXES = (".yaml", ".yml")


@lru_cache(maxsize=64)
def _read_catalog(path: Path, mtime: float) -> dict[str, dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as fh:
        sample = fh.read(4096)
        fh.seek(0)
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample else csv.excel
        rows = csv.DictReader(fh, dialect=dialect)
        return {
            Path(r["file"].strip()).as_posix(): {k.strip().lower(): (v or "").strip() for k, v in r.items() if k}
            for r in rows
            if r.get("file")
        }


def catalog_row(file: Path) -> dict[str, str]:
    """The row for ``file`` in the nearest catalog.csv in its folder or a parent folder (keyed by relative path)."""
    file = file.resolve()
    for folder in file.parents:
        catalog = folder / CATALOG_NAME
        if catalog.is_file():
            rows = _read_catalog(catalog, catalog.stat().st_mtime)
            row = rows.get(file.relative_to(folder).as_posix())
            if row is not None:
                return row
    return {}


def sidecar(file: Path) -> dict:
    """``plan.pdf.yaml`` (or ``.yml``) next to ``plan.pdf``."""
    for suffix in SIDECAR_SUFFIXES:
        side = file.with_name(file.name + suffix)
        if side.is_file():
            data = yaml.safe_load(side.read_text(encoding="utf-8")) or {}
            return data if isinstance(data, dict) else {}
    return {}


def from_filename(file: Path) -> DocumentMeta:
    return DocumentMeta(title=re.sub(r"[_]+", " ", file.stem).strip())


def resolve_metadata(file: Path, embedded: DocumentMeta) -> tuple[DocumentMeta, dict[str, str]]:
    """Merged metadata, plus the raw catalog/sidecar row (it may carry a ``password``)."""
    row = catalog_row(file)
    side = sidecar(file)
    meta = meta_from_mapping(row).merged_over(meta_from_mapping(side)).merged_over(embedded)
    meta = meta.merged_over(from_filename(file))
    extras = {**{k: str(v) for k, v in side.items()}, **row}
    return meta, extras
