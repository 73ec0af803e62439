"""The Streamlit front end: one module per page under ``kbapp.ui.pages`` and small helpers beside them."""
