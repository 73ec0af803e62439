"""The Streamlit front end: one module per page under ``kb.ui.pages`` and small helpers beside them."""
