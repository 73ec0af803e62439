"""Page state that survives reruns and page switches and is shareable: widget values mirrored in the URL.

Each page declares its parameters (widget key → URL name and kind). ``restore`` seeds widgets from the URL the first
time a session sees them; ``publish`` writes the current values back, so the address bar is always a link to what
is on screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

import streamlit as st


@dataclass(frozen=True)
class Param:
    key: str  # session-state / widget key
    name: str  # URL query parameter
    kind: str = "str"  # str, list, int, range (two ints, "2010-2024"), bool


def _parse(param: Param, values: list[str]) -> Any:
    raw = values[-1] if values else ""
    if param.kind == "list":
        return [v for item in values for v in item.split(",") if v]
    if param.kind == "int":
        return int(raw)
    if param.kind == "range":
        lo, _, hi = raw.partition("-")
        return (int(lo), int(hi or lo))
    if param.kind == "bool":
        return raw.lower() in ("1", "true", "yes")
    return raw


def _format(param: Param, value: Any) -> str | list[str] | None:
    if value in (None, "", [], ()):
        return None
    if param.kind == "list":
        return [str(v) for v in value]
    if param.kind == "range":
        return f"{value[0]}-{value[1]}"
    if param.kind == "bool":
        return "1" if value else None
    return str(value)


def restore(params: Iterable[Param]) -> None:
    """Seed session state from the URL for keys the session has not set yet; malformed values are ignored."""
    for p in params:
        if p.key in st.session_state or p.name not in st.query_params:
            continue
        try:
            st.session_state[p.key] = _parse(p, st.query_params.get_all(p.name))
        except ValueError:
            pass  # a hand-edited link with a bad number keeps the default rather than failing the page


def publish(params: Iterable[Param], defaults: dict[str, Any] | None = None) -> None:
    """Mirror the current values into the URL; defaults are left out so a link stays short."""
    defaults = defaults or {}
    for p in params:
        current_value = st.session_state.get(p.key)
        value = None if p.key in defaults and current_value == defaults[p.key] else _format(p, current_value)
        current = st.query_params.get_all(p.name)
        if value is None:
            if current:
                del st.query_params[p.name]
        elif (value if isinstance(value, list) else [value]) != current:
            st.query_params[p.name] = value


def keep(keys: Iterable[str]) -> None:
    """Keep widget values when their page is not on screen (Streamlit drops state of widgets not rendered)."""
    for key in keys:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def valid(key: str, options: list) -> None:
    """Drop values (from an old link, or a deleted document) that a select widget no longer offers.

    The value is set (to the kept items, or None), never deleted: only a value set in session state is sent to the
    browser, so after a delete the widget would otherwise go on showing the deleted document's name."""
    value = st.session_state.get(key)
    if isinstance(value, list):
        st.session_state[key] = [v for v in value if v in options]
    elif value is not None and value not in options:
        st.session_state[key] = None
