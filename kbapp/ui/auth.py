"""Curators and readers in the app: who sees upload and delete, and the curator sign-in (kbapp/curators.py).

The check runs on the server for every run of the page: a reader's page never holds the upload or delete
widgets, so there is nothing to click. Signing in lives in the session only (never in the address bar)."""

from __future__ import annotations

import streamlit as st

from kb.config import Config
from kbapp import curators
from kbapp.ui.i18n import t

SESSION_KEY = "_curator"  # True once this browser session signed in with the curator password


def oidc_configured() -> bool:
    """Whether Streamlit's OIDC login is set up (an ``[auth]`` section in ``.streamlit/secrets.toml``)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file, or one Streamlit cannot parse: no OIDC
        return False


def served_locally() -> bool:
    return curators.is_loopback(st.get_option("server.address"))


def _logged_in() -> bool:
    # st.user is a mapping; "is_logged_in" is absent where no OIDC session was ever started (AppTest, old cookies).
    return bool(st.user.get("is_logged_in", False))


def _oidc_curator(config: Config) -> bool:
    if not oidc_configured() or not _logged_in():
        return False
    email = str(st.user.get("email") or "").lower()
    return email in curators.curator_emails(config)


def mode(config: Config) -> str:
    """ "open" (no curator configured, served on loopback: everyone may change the library, as before), "curators"
    (a password or OIDC is configured: readers until a curator signs in) or "readers" (nothing configured and
    served beyond this machine: read-only for everyone)."""
    if curators.has_password(config) or oidc_configured():
        return "curators"
    return "open" if served_locally() else "readers"


def is_curator(config: Config) -> bool:
    m = mode(config)
    if m == "open":
        return True
    if m == "readers":
        return False
    return bool(st.session_state.get(SESSION_KEY)) or _oidc_curator(config)


def _client() -> str:
    # The client's address when Streamlit knows it (None on loopback); the throttle is per client, not per tab.
    ip = getattr(st.context, "ip_address", None)
    return ip if isinstance(ip, str) and ip else "local"


def render_access(config: Config, lang: str) -> bool:
    """The curator's sign-in or sign-out, or why the library is read-only; returns whether this visitor is a
    curator (and may upload and delete)."""
    m = mode(config)
    if m == "open":
        return True
    if m == "readers":
        st.info(t("curator.readonly_unconfigured", lang))
        return False
    if is_curator(config):
        cols = st.columns([4, 1])
        cols[0].caption(t("curator.signed_in", lang))
        if st.session_state.get(SESSION_KEY) and cols[1].button(t("curator.sign_out", lang), key="curator_out"):
            st.session_state.pop(SESSION_KEY, None)
            st.rerun()
        elif not st.session_state.get(SESSION_KEY) and cols[1].button(t("curator.sign_out", lang), key="oidc_out"):
            st.logout()
        return True
    st.info(t("curator.readonly", lang))
    if curators.has_password(config):
        # A form: the password is sent once on submit and cleared, never kept in a widget's state or the URL.
        with st.form("curator_login", clear_on_submit=True):
            password = st.text_input(t("curator.password", lang), type="password", key="curator_password")
            sent = st.form_submit_button(t("curator.sign_in", lang), key="curator_in")
        if sent:
            if curators.sign_in(config, password, _client()):
                st.session_state[SESSION_KEY] = True
                st.rerun()
            st.error(t("curator.wrong", lang, n=curators.THROTTLE.failures(_client())))
    if oidc_configured():
        if _logged_in():
            st.warning(t("curator.not_listed", lang))
            if st.button(t("curator.sign_out", lang), key="oidc_out"):
                st.logout()
        elif st.button(t("curator.sign_in_oidc", lang), key="oidc_in"):
            st.login()
    return False
