"""The applications above the library: the ``kb`` command line, the Streamlit front end and its uploads.

``kb`` (search, store) and ``ingest`` (files → passages) are libraries; this package wires them together
(``kbapp.wiring``), so that ``kb`` never imports ``ingest``.
"""

from kbapp.wiring import open_kb

__all__ = ["open_kb"]
