"""One Streamlit page per module; Streamlit runs each as a script (``__main__``), tests import them."""

from kbapp.ui.pages.params import PAGE_STATE_KEYS

__all__ = ["PAGE_STATE_KEYS"]
