"""Strategy profiles on screen: the profiles of the collection (read once per collection version), one field of one
jurisdiction as HTML, a side-by-side table for any number of jurisdictions, and the plan timeline."""

from __future__ import annotations

import threading

import altair as alt
import pandas as pd
import streamlit as st

from kb.compare.profile_table import TABLE_FIELDS, Span, period_label, publisher_text, span
from kb.compare.profiles import FIELDS, Profile, find_profiles
from kbapp.ui import jurisdictions
from kbapp.ui.highlight import safe_html
from kbapp.ui.i18n import t

_lock = threading.Lock()
_cache: dict[tuple[str, int], list[Profile]] = {}


def profiles(kb) -> list[Profile]:
    """The collection's strategy profiles (invalid ones left out), read from their files once per manifest
    generation: an ingest or delete bumps it, and every page then sees the new set."""
    key = (str(kb.config.store), kb.store.manifest.generation())
    with _lock:
        if key in _cache:
            return _cache[key]
    found, _errors = find_profiles(kb)
    seen: dict[str, Profile] = {}
    for p in found:  # one profile per jurisdiction (a copy ingested twice would repeat it)
        seen.setdefault(p.jurisdiction, p)
    out = sorted(seen.values(), key=lambda p: (not jurisdictions.is_mexican_state(p.jurisdiction), p.jurisdiction))
    with _lock:
        _cache.clear()
        _cache[key] = out
    return out


def field_html(prof: Profile | None, jur: str, row: str, lang: str, *, head: bool = True) -> str:
    """One profile field of one jurisdiction: its value, its sources (linked) and the date they state it. ``head``:
    the jurisdiction's name, shown when Compare's columns stack on a narrow screen."""
    top = f'<div class="kb-cell-jur">{safe_html(jurisdictions.label(jur, lang))}</div>' if head else ""
    f = prof.fields.get(row) if prof else None
    if prof is None:
        return top + f'<div class="kb-nothing">{safe_html(t("compare.no_profile", lang))}</div>'
    if f is None or not f.filled:
        note = (f.note.get(lang) if f else "") or t("compare.not_confirmed", lang)
        return top + f'<div class="kb-nothing">{safe_html(note)}</div>'
    items = [f"“{i}”" if lang in f.quoted else i for i in f.items(lang)]
    value = (
        "<ul class='kb-list'>" + "".join(f"<li>{safe_html(i)}</li>" for i in items) + "</ul>"
        if f.is_list
        else f'<div class="kb-passage">{safe_html(f.text(lang))}</div>'
    )
    undated = "s. f." if lang == "es" else "n.d."
    links = " · ".join(
        (
            f'<a href="{safe_html(src.url)}" target="_blank" rel="noopener noreferrer">'
            f"{safe_html(publisher_text(src, lang))}{safe_html(f', {src.year}' if src.year else f', {undated}')}</a>"
        )
        if src.url.startswith(("https://", "http://"))
        else safe_html(publisher_text(src, lang))
        for src in f.sources
    )
    as_of = f" · {safe_html(t('compare.as_of', lang, date=f.as_of_text(lang)))}" if f.as_of else ""
    return top + value + f'<div class="kb-meta">{safe_html(t("compare.source", lang))}: {links}{as_of}</div>'


def side_by_side_html(
    chosen: list[str], by_code: dict[str, Profile], lang: str, fields: tuple[str, ...] = TABLE_FIELDS
) -> str:
    """Fields as rows, jurisdictions as columns, for any number of them: the table scrolls sideways inside its
    box with the field names fixed on the left (CSS ``kb-sbs``), so a phone shows one column and a half at a time."""
    head = "".join(f"<th>{safe_html(jurisdictions.label(c, lang))}</th>" for c in chosen)
    body = "".join(
        f'<tr><th scope="row">{safe_html(FIELDS[row][0 if lang == "es" else 1])}</th>'
        + "".join(
            f'<td data-jur="{safe_html(c)}" data-field="{row}">{field_html(by_code.get(c), c, row, lang, head=False)}'
            "</td>"
            for c in chosen
        )
        + "</tr>"
        for row in fields
    )
    return f'<div class="kb-sbs"><table><thead><tr><th></th>{head}</tr></thead><tbody>{body}</tbody></table></div>'


KIND = {  # bar kind → (Spanish, English) legend
    "plan": ("Plan vigente", "Current plan"),
    "horizon": ("Horizonte de largo plazo", "Long-term horizon"),
    "open": ("En vigor desde (sin fin dado)", "In force since (no end given)"),
    "replaced": ("Plan sustituido", "Replaced plan"),
}
COLORS = {"plan": "#1f4e96", "horizon": "#9fb6dd", "open": "#6f8fc4", "replaced": "#b0b0b0"}


def timeline_frame(profs: list[Profile], lang: str, today: int) -> pd.DataFrame:
    """One row per bar: a plan's years, its long-term horizon, plans it replaced; only years the profiles give."""
    rows = []
    for p in profs:
        s: Span = span(p)
        name = jurisdictions.label(p.jurisdiction, lang)
        plan = p.fields["plan"].text(lang)

        def bar(kind: str, a: int, b: int, p=p, name=name, plan=plan, s=s) -> dict:
            return {
                "code": p.jurisdiction,
                "jurisdiction": name,
                "kind": KIND[kind][0 if lang == "es" else 1],
                "start": a,
                "end": b + 1,  # a plan "2024-2044" runs to the end of 2044
                "period": period_label(s, lang) if kind != "replaced" else f"{a}–{b}",
                "plan": plan,
            }

        for a, b in s.replaced:
            rows.append(bar("replaced", a, b))
        if s.start is not None and s.end is not None:
            rows.append(bar("plan", s.start, s.end))
            if s.horizon:
                rows.append(bar("horizon", s.end + 1, s.horizon))
        elif s.start is not None:
            rows.append(bar("open", s.start, today))
        elif s.end is not None:
            rows.append(bar("horizon", s.end, s.end))
    return pd.DataFrame(rows, columns=["code", "jurisdiction", "kind", "start", "end", "period", "plan"])


def timeline_chart(frame: pd.DataFrame, lang: str, today: int) -> alt.LayerChart:
    es = lang == "es"
    order = list(frame.sort_values(["start", "jurisdiction"]).drop_duplicates("jurisdiction")["jurisdiction"])
    kinds = [KIND[k][0 if es else 1] for k in KIND]
    base = alt.Chart(frame)
    bars = base.mark_bar(height=14, cornerRadius=2).encode(
        x=alt.X(
            "start:Q",
            title="Año" if es else "Year",
            axis=alt.Axis(format="d", tickMinStep=1),
            scale=alt.Scale(
                zero=False, nice=False, domain=[int(frame["start"].min()) - 1, int(frame["end"].max()) + 4]
            ),
        ),
        x2="end:Q",
        y=alt.Y("jurisdiction:N", sort=order, title=None, axis=alt.Axis(labelLimit=220, labelOverlap=False)),
        color=alt.Color(
            "kind:N",
            scale=alt.Scale(domain=kinds, range=[COLORS[k] for k in KIND]),
            legend=alt.Legend(title=None, orient="top", labelLimit=320),
        ),
        tooltip=[
            alt.Tooltip("jurisdiction:N", title="Jurisdicción" if es else "Jurisdiction"),
            alt.Tooltip("period:N", title="Periodo" if es else "Period"),
            alt.Tooltip("plan:N", title="Plan"),
            alt.Tooltip("kind:N", title="Tipo" if es else "Kind"),
        ],
        description=alt.Description("period:N"),  # each bar's ARIA label names its years
    )
    labels = (
        base.transform_filter(alt.datum.kind == KIND["plan"][0 if es else 1])
        .mark_text(align="left", dx=4, fontSize=11, color="#333")
        .encode(x="end:Q", y=alt.Y("jurisdiction:N", sort=order), text="period:N")
    )
    now = alt.Chart(pd.DataFrame({"year": [today]})).mark_rule(strokeDash=[4, 3], color="#8a4b08").encode(x="year:Q")
    return (bars + labels + now).properties(height=alt.Step(24))


def render_timeline(profs: list[Profile], lang: str, today: int) -> None:
    frame = timeline_frame(profs, lang, today)
    if frame.empty:
        st.info(t("strat.no_periods", lang))
        return
    st.altair_chart(timeline_chart(frame, lang, today), width="stretch")
    undated = [jurisdictions.label(p.jurisdiction, lang) for p in profs if p.jurisdiction not in set(frame["code"])]
    if undated:
        st.caption(t("strat.undated", lang, names=", ".join(undated)))
    # The same bars as text: readable by a screen reader and searchable on the page.
    items = "".join(
        f'<li data-jur="{safe_html(r.code)}" data-kind="{safe_html(r.kind)}">{safe_html(r.jurisdiction)}: '
        f"{safe_html(r.period)} ({safe_html(r.kind.lower())})</li>"
        for r in frame.itertuples()
    )
    with st.expander(t("strat.periods_text", lang)):
        st.markdown(f'<ul class="kb-periods">{items}</ul>', unsafe_allow_html=True)
