"""The two cached resources of the front end: the embedding model and the store (one each per server process)."""

from __future__ import annotations

import streamlit as st

from kb.api import KnowledgeBase
from kb.config import Config
from kb.embedding import Embedder, load_embedder
from kbapp.wiring import open_kb


@st.cache_resource(show_spinner="Loading the model… / Cargando el modelo…")
def embedder(name: str, query_prompt: str, passage_prompt: str) -> Embedder:
    # One model per server process, shared by every configuration's store. Query vectors are remembered by the
    # library's ask path (KnowledgeBase.query_vectors), which every page's search goes through.
    return load_embedder(name, query_prompt, passage_prompt)


@st.cache_resource(show_spinner="Opening the store… / Abriendo el acervo…")
def _knowledge_base(config: Config) -> KnowledgeBase:
    model = embedder(config.embedder, config.query_prompt, config.passage_prompt)
    return open_kb(config=config, embedder=model)


def config() -> Config:
    """Settings from ``KB_*`` variables, read on every rerun (cheap) so a test can point the app at its own store."""
    return Config.from_env()


def knowledge_base() -> KnowledgeBase:
    """The store for the current settings; one per distinct configuration, shared by all sessions and reruns."""
    return _knowledge_base(config())
