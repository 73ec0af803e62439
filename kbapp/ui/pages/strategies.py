"""Strategies page: every strategy profile in one table (plan, period, vision, pillars, sectors, instruments,
indicators, governance, each with its source and as-of date), filtered by level, country and the years a plan is in
force, searched, sorted; any number of jurisdictions side by side; the plan timeline; exports of what is shown
(CSV for Excel, XLSX, Markdown), with sources."""

from __future__ import annotations

import datetime as dt
from typing import cast

import pandas as pd
import streamlit as st

from kb.compare import profile_table
from kb.compare.profile_table import TABLE_FIELDS, Row
from kb.search.citations import ascii_fold
from kbapp.ui import jurisdictions, state
from kbapp.ui.i18n import t, ui_lang
from kbapp.ui.pages.params import STRATEGIES
from kbapp.ui.profiles_view import profiles, render_timeline, side_by_side_html
from kbapp.ui.resources import knowledge_base

DOMAIN = r"^https?://(?:www\.)?([^/]+)"  # a source link shows its site's name


def level_name(level: str, lang: str) -> str:
    return t(f"level.{level}", lang, default=level)


def country_name(code: str, lang: str) -> str:
    return jurisdictions.name(code, lang)


def frame(table: list[Row], lang: str, sources: bool) -> pd.DataFrame:
    """The table as Streamlit shows it: who, the plan's years (numbers, so they sort), then each field's value and,
    with ``sources``, its source link and as-of date."""
    data: dict[str, list] = {
        "jurisdiction": [r.name for r in table],
        "level": [level_name(r.level, lang) for r in table],
        "country": [country_name(r.country, lang) for r in table],
        "start": [r.span.start for r in table],
        "end": [r.span.end for r in table],
    }
    for key in TABLE_FIELDS:
        data[key] = [r.values[key] or "—" for r in table]
        if sources:
            data[f"{key}_src"] = [r.links[key] or None for r in table]
            data[f"{key}_asof"] = [r.as_of[key] for r in table]
    out = pd.DataFrame(data)
    for col in ("start", "end"):
        out[col] = out[col].astype("Int64")
    return out


def column_config(lang: str, sources: bool) -> dict:
    cfg: dict = {
        "jurisdiction": st.column_config.TextColumn(t("col.jurisdiction", lang), pinned=True, width="medium"),
        "level": st.column_config.TextColumn(t("filter.level", lang), width="small"),
        "country": st.column_config.TextColumn(t("strat.country", lang), width="small"),
        "start": st.column_config.NumberColumn(t("strat.from", lang), format="%d", width="small"),
        "end": st.column_config.NumberColumn(t("strat.to", lang), format="%d", width="small"),
    }
    for key in TABLE_FIELDS:
        cfg[key] = st.column_config.TextColumn(profile_table.label(key, lang), width="large")
        if sources:
            cfg[f"{key}_src"] = st.column_config.LinkColumn(
                f"↗ {t('compare.source', lang)}", display_text=DOMAIN, width="small"
            )
            cfg[f"{key}_asof"] = st.column_config.TextColumn(t("strat.as_of", lang), width="small")
    return cfg


SORTS = ("jurisdiction", "level", "country", "start", "end", *TABLE_FIELDS)


def sort_label(key: str, lang: str) -> str:
    named = {
        "jurisdiction": t("col.jurisdiction", lang),
        "level": t("filter.level", lang),
        "country": t("strat.country", lang),
        "start": t("strat.from", lang),
        "end": t("strat.to", lang),
    }
    return named.get(key) or profile_table.label(key, lang)


def ordered(table: list[Row], key: str, descending: bool, lang: str) -> list[Row]:
    """Rows sorted by a column; blanks (no year, not confirmed) last either way."""

    def value(r: Row):
        if key in ("start", "end"):
            v = r.span.start if key == "start" else r.span.end
            return v
        text = {
            "jurisdiction": r.name,
            "level": level_name(r.level, lang),
            "country": country_name(r.country, lang),
        }.get(key, r.values.get(key, ""))
        return ascii_fold(text).casefold() or None

    filled = [r for r in table if value(r) is not None]
    blank = [r for r in table if value(r) is None]
    return sorted(filled, key=value, reverse=descending) + blank


def _select_rows(codes: list[str]) -> None:
    """Rows ticked in the table become the side-by-side choice (the multiselect below shows and edits it)."""
    event = st.session_state.get("st_table")
    rows = getattr(getattr(event, "selection", None), "rows", None)
    if rows is None and isinstance(event, dict):
        rows = event.get("selection", {}).get("rows")
    st.session_state["st_side"] = [codes[i] for i in rows or [] if i < len(codes)]


def render() -> None:
    lang = ui_lang()
    kb = knowledge_base()
    profs = profiles(kb)
    state.restore(STRATEGIES)
    st.title(t("strat.title", lang))
    st.caption(t("strat.intro", lang, n=len(profs)))
    if not profs:
        st.info(t("strat.none", lang))
        return
    all_rows = profile_table.rows(profs, lang, name=lambda c: jurisdictions.label(c, lang))
    levels = sorted({r.level for r in all_rows})
    countries = sorted({r.country for r in all_rows}, key=lambda c: country_name(c, lang).casefold())
    years = sorted({y for r in all_rows for y in (r.span.start, r.span.end, r.span.horizon) if y})
    state.valid("st_level", levels)
    state.valid("st_country", countries)
    state.valid("st_side", [r.code for r in all_rows])
    state.valid("st_sort", list(SORTS))

    a, b, c = st.columns([1, 1, 2])
    a.multiselect(
        t("filter.level", lang),
        levels,
        key="st_level",
        format_func=lambda v: level_name(v, lang),
        placeholder=t("any", lang),
    )
    b.multiselect(
        t("strat.country", lang),
        countries,
        key="st_country",
        format_func=lambda v: country_name(v, lang),
        placeholder=t("any", lang),
    )
    span_range: tuple[int, int] | None = None
    if years:
        lo, hi = years[0], years[-1]
        chosen = st.session_state.get("st_years")
        if not (isinstance(chosen, (tuple, list)) and len(chosen) == 2 and lo <= chosen[0] <= chosen[1] <= hi):
            st.session_state["st_years"] = (lo, hi)
        else:
            st.session_state["st_years"] = tuple(chosen)
        picked = cast(tuple[int, int], c.slider(t("strat.in_force", lang), lo, hi, key="st_years"))
        span_range = None if tuple(picked) == (lo, hi) else (picked[0], picked[1])
    d, e, f = st.columns([2, 1, 1])
    needle = d.text_input(t("strat.find", lang), key="st_find", placeholder=t("strat.find_hint", lang))
    st.session_state.setdefault("st_sort", "jurisdiction")
    e.selectbox(t("strat.sort", lang), list(SORTS), key="st_sort", format_func=lambda k: sort_label(k, lang))
    f.toggle(t("strat.descending", lang), key="st_desc")
    sources = st.toggle(t("strat.sources", lang), key="st_sources", value=True)

    chosen_levels = st.session_state.get("st_level") or []
    chosen_countries = st.session_state.get("st_country") or []
    shown = [
        r
        for r in all_rows
        if (not chosen_levels or r.level in chosen_levels)
        and (not chosen_countries or r.country in chosen_countries)
        and (span_range is None or r.span.covers(*span_range))
        and profile_table.matches(r, needle or "")
    ]
    shown = ordered(
        shown, st.session_state.get("st_sort") or "jurisdiction", bool(st.session_state.get("st_desc")), lang
    )
    codes = [r.code for r in shown]
    st.caption(t("strat.count", lang, shown=len(shown), total=len(all_rows)))
    if not shown:
        st.warning(t("strat.no_match", lang))
    else:
        st.dataframe(
            frame(shown, lang, sources),
            column_config=column_config(lang, sources),
            hide_index=True,
            on_select=lambda: _select_rows(codes),
            selection_mode="multi-row",
            key="st_table",
            height=min(38 + 35 * len(shown), 560),
            placeholder="—",
        )
    name = lambda code: jurisdictions.label(code, lang)  # noqa: E731
    levels_of = lambda v: level_name(v, lang)  # noqa: E731
    st.subheader(t("export.title", lang))
    st.caption(t("strat.export_help", lang, n=len(shown)))
    x, y, z, _ = st.columns([1, 1, 1, 2])
    # Made when clicked, on Streamlit's download thread (``data`` a callable): the workbook alone takes ~0.65 s of a
    # loaded machine's time (29 profiles), every run otherwise.
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    for col, fmt, make, mime in (
        (x, "csv", lambda: profile_table.to_csv(shown, lang, levels_of).encode("utf-8"), "text/csv"),
        (y, "xlsx", lambda: profile_table.to_xlsx(shown, lang, levels_of), xlsx),
        (z, "md", lambda: profile_table.to_markdown(shown, lang, levels_of).encode("utf-8"), "text/markdown"),
    ):
        col.download_button(
            {"csv": "CSV (Excel)", "xlsx": "XLSX", "md": "Markdown"}[fmt],
            make,
            file_name=f"policy-kb-{'estrategias' if lang == 'es' else 'strategies'}.{fmt}",
            mime=mime,
            key=f"st_export_{fmt}",
            icon=":material/download:",
            disabled=not shown,
            on_click="ignore",
        )

    st.subheader(t("strat.side", lang))
    by_code = {p.jurisdiction: p for p in profs}
    side = st.multiselect(
        t("strat.side_pick", lang),
        [r.code for r in all_rows],
        key="st_side",
        format_func=name,
        placeholder=t("strat.side_hint", lang),
    )
    state.publish(STRATEGIES, {"st_sort": "jurisdiction", "st_years": (years[0], years[-1]) if years else None})
    if side:
        st.markdown(side_by_side_html(list(side), by_code, lang), unsafe_allow_html=True)

    st.subheader(t("strat.timeline", lang))
    st.caption(t("strat.timeline_help", lang))
    render_timeline([by_code[c] for c in codes], lang, dt.date.today().year)


if __name__ == "__main__":
    render()
