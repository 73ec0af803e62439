"""Coverage page: every jurisdiction × Compare's preset themes, each cell shaded by the strength of its evidence (a
passage that addresses the theme, a profile field only, or nothing; both languages counted). A click on a cell, or
the two lists under the map, opens that cell's evidence: the same passage Compare shows, and the profile fields."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from kb.compare.compare import THEMES, THEMES_BY_KEY
from kb.compare.coverage import NOTHING, PASSAGE, PROFILE, Coverage
from kbapp.ui import coverage_cache, jurisdictions, state
from kbapp.ui.highlight import safe_html
from kbapp.ui.i18n import t, ui_lang
from kbapp.ui.pages.compare import SUGGESTED, cell_html
from kbapp.ui.pages.params import COVERAGE
from kbapp.ui.profiles_view import field_html
from kbapp.ui.resources import knowledge_base

COLORS = {PASSAGE: "#1f4e96", PROFILE: "#9fb6dd", NOTHING: "#f1f1f1"}


def strength_label(strength: str, lang: str) -> str:
    return t(f"cov.{strength}", lang)


def map_frame(cov: Coverage, lang: str) -> pd.DataFrame:
    rows = []
    for (theme, jur), c in cov.cells.items():
        rows.append(
            {
                "code": jur,
                "theme": theme,
                "jurisdiction": jurisdictions.label(jur, lang),
                "theme_label": THEMES_BY_KEY[theme].label(lang),
                "strength": strength_label(c.strength, lang),
            }
        )
    return pd.DataFrame(rows)


def map_chart(frame: pd.DataFrame, cov: Coverage, lang: str) -> alt.Chart:
    order = [jurisdictions.label(j, lang) for j in cov.jurisdictions]
    themes = [t_.label(lang) for t_ in THEMES]
    kinds = [strength_label(k, lang) for k in (PASSAGE, PROFILE, NOTHING)]
    pick = alt.selection_point(name="cell", fields=["code", "theme"], on="click")
    return (
        alt.Chart(frame)
        .mark_rect(stroke="#ffffff", strokeWidth=2, cursor="pointer")
        .encode(
            x=alt.X(
                "theme_label:N",
                sort=themes,
                title=None,
                axis=alt.Axis(orient="top", labelAngle=-35, labelLimit=200, labelOverlap=False),
            ),
            y=alt.Y("jurisdiction:N", sort=order, title=None, axis=alt.Axis(labelLimit=200, labelOverlap=False)),
            color=alt.Color(
                "strength:N",
                scale=alt.Scale(domain=kinds, range=[COLORS[k] for k in (PASSAGE, PROFILE, NOTHING)]),
                legend=alt.Legend(title=None, orient="bottom", labelLimit=320),
            ),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.85)),
            tooltip=[
                alt.Tooltip("jurisdiction:N", title=t("col.jurisdiction", lang)),
                alt.Tooltip("theme_label:N", title=t("cov.theme", lang)),
                alt.Tooltip("strength:N", title=t("cov.evidence", lang)),
            ],
            description=alt.Description("strength:N"),
        )
        .add_params(pick)
        .properties(height=alt.Step(24))
    )


def _picked_from_chart() -> None:
    """A click on the map chooses the cell shown below (the two lists follow it)."""
    event = st.session_state.get("cov_chart")
    selection = getattr(event, "selection", None) or (event or {}).get("selection", {})
    points = selection.get("cell") if hasattr(selection, "get") else None
    if points:
        point = points[0]
        if point.get("code") and point.get("theme"):
            st.session_state["cov_jur"], st.session_state["cov_theme"] = point["code"], point["theme"]


def render() -> None:
    lang = ui_lang()
    kb = knowledge_base()
    state.restore(COVERAGE)
    st.title(t("cov.title", lang))
    st.caption(t("cov.intro", lang))
    if not kb.documents():
        st.info(t("strat.none", lang))
        return
    if coverage_cache.ready(kb, lang):
        cov = coverage_cache.get(kb, lang)
    else:
        with st.spinner(t("cov.computing", lang)):
            cov = coverage_cache.get(kb, lang)
    counts = cov.counts()
    a, b, c = st.columns(3)
    for col, k in zip((a, b, c), (PASSAGE, PROFILE, NOTHING)):
        col.metric(strength_label(k, lang), counts[k])
    frame = map_frame(cov, lang)
    st.altair_chart(
        map_chart(frame, cov, lang),
        width="stretch",
        on_select=_picked_from_chart,
        selection_mode="cell",
        key="cov_chart",
    )
    st.subheader(t("cov.open", lang))
    state.valid("cov_jur", cov.jurisdictions)
    state.valid("cov_theme", [th.key for th in THEMES])
    left, right = st.columns(2)
    jur = left.selectbox(
        t("col.jurisdiction", lang),
        cov.jurisdictions,
        key="cov_jur",
        index=None,
        format_func=lambda c: jurisdictions.label(c, lang),
        placeholder=t("cov.pick", lang),
    )
    theme = right.selectbox(
        t("cov.theme", lang),
        [th.key for th in THEMES],
        key="cov_theme",
        index=None,
        format_func=lambda k: THEMES_BY_KEY[k].label(lang),
        placeholder=t("cov.pick", lang),
    )
    state.publish(COVERAGE)
    if not jur or not theme:
        st.caption(t("cov.click", lang))
        return
    cell = cov.cells[(theme, jur)]
    st.markdown(
        f'<div class="kb-cov-evidence" data-jur="{safe_html(jur)}" data-theme="{safe_html(theme)}" '
        f'data-strength="{cell.strength}"><div class="kb-theme">{safe_html(jurisdictions.label(jur, lang))} · '
        f"{safe_html(THEMES_BY_KEY[theme].label(lang))} — {safe_html(strength_label(cell.strength, lang))}</div>"
        "</div>",
        unsafe_allow_html=True,
    )
    with st.container(border=True):
        st.markdown(cell_html(cell.cell, lang), unsafe_allow_html=True)
    if cell.fields:
        st.markdown(f'<div class="kb-field">{safe_html(t("cov.fields", lang))}</div>', unsafe_allow_html=True)
        prof = cov.comparison.profiles.get(jur)
        for name in cell.fields:
            with st.container(border=True):
                st.markdown(
                    f'<div class="kb-cell-theme">{safe_html(prof.fields[name].label(lang) if prof else name)}</div>'
                    + field_html(prof, jur, name, lang, head=False),
                    unsafe_allow_html=True,
                )
    st.page_link(
        "kbapp/ui/pages/compare.py",
        label=t("cov.to_compare", lang),
        icon=":material/compare_arrows:",
        query_params={"cj": [jur, *[j for j in SUGGESTED if j != jur][:1]], "themes": [theme]},
    )


if __name__ == "__main__":
    render()
