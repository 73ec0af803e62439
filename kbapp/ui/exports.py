"""Download buttons for a list of hits in every export format (BibTeX, RIS, CSV, Markdown)."""

from __future__ import annotations

from typing import Sequence

import streamlit as st

from kb.records import Hit
from kbapp.ui.i18n import t

FORMATS = {  # format → (file extension, MIME type, button label)
    "bibtex": ("bib", "application/x-bibtex", "BibTeX"),
    "ris": ("ris", "application/x-research-info-systems", "RIS (Zotero)"),
    "csv": ("csv", "text/csv", "CSV"),
    "markdown": ("md", "text/markdown", "Markdown"),
}


def download_buttons(kb, hits: Sequence[Hit], *, stem: str, key: str, lang: str) -> None:
    cols = st.columns(len(FORMATS))
    for col, (fmt, (ext, mime, label)) in zip(cols, FORMATS.items()):
        with col:
            st.download_button(
                label,
                kb.export(hits, fmt),
                file_name=f"{stem}.{ext}",
                mime=mime,
                key=f"{key}_{fmt}",
                icon=":material/download:",
                disabled=not hits,
                help=t("export.help", lang, n=len(hits)),
                on_click="ignore",
            )
