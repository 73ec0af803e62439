"""policy-kb front end: `streamlit run app.py` (or `kb app`).

Streamlit runs this file as ``__main__`` on every rerun: that draws the pages. Its server imports it once as a
module to find ``app``, which adds the route that serves cited documents (opening a PDF at its page).
"""

import streamlit as st

if __name__ == "__main__":
    from kbapp.ui.shell import run

    run()
else:
    from kbapp.ui.file_server import routes

    app = st.App(__file__, routes=routes())
