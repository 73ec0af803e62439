"""The two cached resources of the front end: the embedding model and the store (one each per server process)."""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
import streamlit as st

from kb.api import KnowledgeBase
from kb.config import Config
from kb.embedding import Embedder, load_embedder
from kbapp.wiring import open_kb


class QueryCache:
    """The model, with its query vectors remembered: Compare asks the same theme once per jurisdiction, and every
    rerun of Search asks its query again. Everything else goes straight to the model."""

    def __init__(self, model: Embedder, size: int = 512) -> None:
        self._model = model
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def __getattr__(self, name: str):
        return getattr(self._model, name)

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            if text in self._cache:
                self._cache.move_to_end(text)
                return self._cache[text]
        vector = np.asarray(self._model.embed_query(text))
        vector.flags.writeable = False  # shared between sessions: nobody may change it in place
        with self._lock:
            self._cache[text] = vector
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)
        return vector


@st.cache_resource(show_spinner="Loading the model… / Cargando el modelo…")
def embedder(name: str, query_prompt: str, passage_prompt: str) -> Embedder:
    return QueryCache(load_embedder(name, query_prompt, passage_prompt))


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
