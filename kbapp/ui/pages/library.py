"""Library page: the documents in the store (sortable, filterable), the last ingestion report, uploads ingested in
the background with a progress bar, and deletion with a confirmation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import streamlit as st

from ingest.messages import translate
from kb.records import Document, Outcome
from kb.store import ingest_log
from kb.text import MAIN_LANGUAGES
from kbapp import ingest_job
from kbapp.ui import jurisdictions, state
from kbapp.ui.file_server import file_url
from kbapp.ui.i18n import t, tn, ui_lang
from kbapp.ui.pages.params import LIBRARY
from kbapp.ui.resources import knowledge_base
from kbapp.uploads import UploadRejected, save_upload, write_sidecar

LEVELS = ("", "international", "national", "state", "municipal")
TYPES = ("", "plan", "policy brief", "case study", "diagnosis", "roadmap", "law", "report", "note")


def table(docs: list[Document], lang: str) -> pd.DataFrame:
    base = (st.get_option("server.baseUrlPath") or "").strip("/")
    rows = [
        {
            t("col.title", lang): d.title or Path(d.source).stem,
            t("col.publisher", lang): d.publisher or "",
            t("col.jurisdiction", lang): jurisdictions.label(d.jurisdiction or "", lang),
            t("col.type", lang): t(f"type.{d.doc_type}", lang, default=d.doc_type or ""),
            t("col.year", lang): d.content_year,
            t("col.summarises", lang): d.source_title or "",
            t("col.language", lang): d.language or "",
            t("col.pages", lang): d.page_count or None,  # Markdown has no pages: blank, not 0
            t("col.url", lang): d.source_url or d.url or None,
            t("col.open", lang): file_url(d.doc_id, d.source, base=f"/{base}" if base else "") or None,
            t("col.chunks", lang): d.chunk_count or 0,
            t("col.ingested", lang): dt.datetime.fromtimestamp(d.ingested_at) if d.ingested_at else None,
            t("col.file", lang): Path(d.source).name,
        }
        for d in docs
    ]
    frame = pd.DataFrame(rows)
    if len(frame):  # a whole number or blank (Streamlit shows a missing float as "None")
        frame[t("col.pages", lang)] = frame[t("col.pages", lang)].astype("Int64")
        frame[t("col.year", lang)] = frame[t("col.year", lang)].astype("Int64")
    return frame


def matches(doc: Document, needle: str, lang: str) -> bool:
    hay = " ".join(
        str(getattr(doc, k) or "")
        for k in ("title", "publisher", "jurisdiction", "doc_type", "language", "year", "source")
    )
    hay += " " + jurisdictions.name(doc.jurisdiction or "", lang)
    return needle.casefold() in hay.casefold()


def render_documents(kb, lang: str) -> None:
    docs = kb.documents()
    st.text_input(t("lib.filter", lang), key="lib_filter", placeholder=t("lib.filter_hint", lang))
    state.publish(LIBRARY)
    needle = (st.session_state.get("lib_filter") or "").strip()
    shown = [d for d in docs if matches(d, needle, lang)] if needle else docs
    st.caption(t("lib.count", lang, shown=len(shown), total=len(docs)))
    if shown:
        st.dataframe(
            table(shown, lang),
            hide_index=True,
            width="stretch",
            key="lib_table",
            column_config={
                t("col.title", lang): st.column_config.TextColumn(width=380),
                t("col.url", lang): st.column_config.LinkColumn(width=160),
                t("col.open", lang): st.column_config.LinkColumn(display_text=t("col.open", lang), width="small"),
                t("col.year", lang): st.column_config.NumberColumn(format="%d"),
                t("col.ingested", lang): st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
            },
        )


def render_report(kb, lang: str) -> None:
    report = ingest_log.load(kb.config)
    if report is None:
        st.caption(t("lib.no_report", lang))
        return
    files = report.get("files", [])
    when = dt.datetime.fromtimestamp(report.get("finished_at", 0)).strftime("%Y-%m-%d %H:%M")
    counts = {o.value: sum(1 for f in files if f["outcome"] == o.value) for o in Outcome}
    st.caption(
        tn(
            "lib.report_summary",
            lang,
            len(files),
            when=when,
            seconds=report.get("seconds", 0),
            counts=", ".join(f"{n} {tn('outcome.' + k, lang, n)}" for k, n in counts.items() if n),
        )
    )
    # A document of the report deleted since (by anyone): said, so the report never reads as the present state.
    current = {d.doc_id for d in kb.documents()}
    gone = sum(
        1
        for f in files
        if f.get("doc_id")
        and f["outcome"] in (Outcome.INGESTED.value, Outcome.UPDATED.value)
        and f["doc_id"] not in current
    )
    if gone:
        st.caption(tn("lib.report_gone", lang, gone))
    problems = [f for f in files if f["outcome"] in (Outcome.FAILED.value, Outcome.SKIPPED.value) or f["warnings"]]
    if not problems:
        st.success(t("lib.no_problems", lang))
        return
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("col.file", lang): Path(f["path"]).name,
                    t("col.outcome", lang): t("outcome." + f["outcome"], lang),
                    t("col.reason", lang): translate(f["reason"], lang)
                    or "; ".join(translate(w, lang) for w in f["warnings"]),
                }
                for f in problems
            ]
        ),
        hide_index=True,
        width="stretch",
    )


def render_upload(kb, lang: str) -> None:
    if ingest_job.running(kb.config.store):
        st.info(t("upload.busy", lang))
        return
    with st.form("upload", clear_on_submit=True):
        files = st.file_uploader(
            t("upload.files", lang),
            type=["pdf", "md", "markdown", "txt"],
            accept_multiple_files=True,
            key="upload_files",
        )
        a, b, c = st.columns(3)
        title = a.text_input(t("upload.title", lang), help=t("upload.title_help", lang), key="up_title")
        publisher = b.text_input(t("upload.publisher", lang), key="up_publisher")
        year = c.number_input(t("col.year", lang), min_value=0, max_value=2100, value=None, step=1, key="up_year")
        d, e, f, g = st.columns(4)
        jurisdiction = d.text_input(
            t("col.jurisdiction", lang),
            placeholder="MX-TAB, SG…",
            help=t("upload.jurisdiction_help", lang),
            key="up_jurisdiction",
        )
        level = e.selectbox(
            t("filter.level", lang),
            LEVELS,
            key="up_level",
            format_func=lambda v: t(f"level.{v}", lang, default=v) if v else "—",
        )
        doc_type = f.selectbox(
            t("filter.type", lang),
            TYPES,
            key="up_type",
            format_func=lambda v: t(f"type.{v}", lang, default=v) if v else "—",
        )
        language = g.selectbox(
            t("col.language", lang), ("", *MAIN_LANGUAGES), key="up_language", format_func=lambda v: v or "auto"
        )
        ocr = st.checkbox(t("upload.ocr", lang), value=kb.config.ocr, help=t("upload.ocr_help", lang), key="up_ocr")
        submitted = st.form_submit_button(t("upload.submit", lang), type="primary", key="up_submit")
    if not submitted:
        return
    if not files:
        st.warning(t("upload.none", lang))
        return
    saved: list[Path] = []
    for up in files:
        try:
            path = save_upload(kb.config, up.name, up.getvalue())
        except UploadRejected as exc:
            st.error(t("upload.rejected", lang, name=up.name, reason=str(exc)))
            continue
        write_sidecar(
            path,
            {
                "title": title.strip() if len(files) == 1 else "",
                "publisher": publisher.strip(),
                "year": int(year) if year else None,
                "jurisdiction": jurisdiction.strip().upper(),
                "level": level,
                "doc_type": doc_type,
                "language": language,
            },
        )
        saved.append(path)
    if saved:
        try:
            ingest_job.start(kb, saved, ocr=ocr)
        except ingest_job.JobRunning:
            st.info(t("upload.busy", lang))


@st.fragment(run_every=1.0)
def poll_progress(kb, lang: str) -> None:
    """Shown only while a job runs: a progress bar that refreshes itself; at the end, one full rerun so the table
    and the report show the new documents."""
    job = ingest_job.current(kb.config.store)
    if job is None or job.finished:
        st.rerun(scope="app")
    st.progress(job.fraction, text=progress_text(job, lang))
    if job.waiting:
        st.caption(t("upload.waiting", lang, reason=job.waiting))


def progress_text(job, lang: str) -> str:
    """Which file, which stage (reading; N of M passages embedded; storing), how far through the files."""
    values = dict(
        current=job.current,
        n=min(job.done + 1, job.total),
        total=job.total,
        seconds=time_since(job.started),
        done=job.stage_done,
        todo=job.stage_total,
    )
    if job.stage in ("reading", "embedding", "storing"):
        return t(f"upload.stage.{job.stage}", lang, **values)
    return t("upload.progress", lang, **values)


def render_job(kb, lang: str) -> None:
    job = ingest_job.current(kb.config.store)
    if job is None:
        return
    if job.finished and job.generation is not None and job.generation != kb.store.manifest.generation():
        return  # the collection changed since (a delete, another upload): its results no longer describe it
    if not job.finished:
        poll_progress(kb, lang)
        return
    if job.error:
        st.error(t("upload.failed", lang, reason=job.error))
        return
    for f in job.files:
        name = Path(f.path).name
        if f.outcome in (Outcome.FAILED, Outcome.SKIPPED):
            st.error(t("upload.file_failed", lang, name=name, reason=translate(f.reason, lang)))
        else:
            st.success(
                t(
                    "upload.file_done",
                    lang,
                    name=name,
                    outcome=tn("outcome." + f.outcome.value, lang, 1),
                    chunks=f.chunks,
                )
            )


def time_since(started: float) -> int:
    return int(dt.datetime.now().timestamp() - started)


def render_delete(kb, lang: str) -> None:
    docs = kb.documents()
    if not docs:
        return
    by_id = {d.doc_id: d for d in docs}
    state.valid("lib_delete", list(by_id))
    doc_id = st.selectbox(
        t("delete.pick", lang),
        list(by_id),
        key="lib_delete",
        index=None,
        placeholder=t("delete.placeholder", lang),
        format_func=lambda i: f"{by_id[i].title or Path(by_id[i].source).stem} ({Path(by_id[i].source).name})",
    )
    if doc_id is None:
        return
    doc = by_id[doc_id]
    if st.session_state.get("lib_confirm") != doc_id:
        if st.button(t("delete.button", lang), key="lib_delete_btn", icon=":material/delete:"):
            st.session_state["lib_confirm"] = doc_id
            st.rerun()
        return
    uploaded = kb.is_upload(doc.source)
    st.warning(
        t("delete.confirm", lang, title=doc.title or Path(doc.source).name, chunks=doc.chunk_count or 0)
        + " "
        + (t("delete.upload_file", lang) if uploaded else t("delete.corpus_file", lang))
    )
    yes, no, _ = st.columns([1, 1, 4])
    if yes.button(t("delete.yes", lang), key="lib_delete_yes", type="primary"):
        kb.delete(doc_id)  # an upload's file goes with it
        st.session_state.pop("lib_confirm", None)  # the list's value is cleared by state.valid on the rerun
        st.session_state["_deleted"] = doc.title or Path(doc.source).name
        st.rerun()
    if no.button(t("delete.no", lang), key="lib_delete_no"):
        st.session_state.pop("lib_confirm", None)
        st.rerun()


@st.fragment(run_every=2.0)
def watch_collection(kb) -> None:
    """Every visitor's page follows the collection: when anyone adds or deletes a document, the table, the
    report, the upload results and the delete list are drawn again."""
    if kb.store.manifest.generation() != st.session_state.get("_lib_generation"):
        st.rerun(scope="app")


def render() -> None:
    lang = ui_lang()
    kb = knowledge_base()
    st.session_state["_lib_generation"] = kb.store.manifest.generation()
    watch_collection(kb)
    state.restore(LIBRARY)
    st.title(t("lib.title", lang))
    if st.session_state.get("_deleted"):
        st.success(t("delete.done", lang, title=st.session_state.pop("_deleted")))
    render_documents(kb, lang)
    st.subheader(t("lib.report", lang))
    render_report(kb, lang)
    st.subheader(t("upload.heading", lang))
    render_upload(kb, lang)
    render_job(kb, lang)
    st.subheader(t("delete.heading", lang))
    render_delete(kb, lang)


if __name__ == "__main__":
    render()
