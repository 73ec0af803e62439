"""Orphan vectors after a crash (issue 14, item 6): an ingestion killed after writing a new document's vectors
leaves vectors the manifest does not name. They must not crowd committed passages out of a language leg's
candidates, and opening the knowledge base (not only the next ``kb ingest``) cleans them up."""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

import pytest

from kb import Config, KnowledgeBase
from kb.records import Filters
from kb.search.search import Searcher
from kb.store.store import Store
from tests.fixtures import write_md
from tests.reliability.conftest import ingest_command, run

pytestmark = pytest.mark.slow

QUERY = "skills agency training grants polytechnics"
# Twelve English sections close to QUERY: more than a leg's candidates at KB_CANDIDATES=4, k=2 (6 per leg).
SECTIONS = "\n\n".join(
    f"## Skills programme {i}\nThe national skills agency gives training grants to firms that co-design courses "
    f"with polytechnics, so that workers learn what investors need; round {i} funded {10 + i} new courses."
    for i in range(12)
)


@pytest.fixture
def crashed_store(workspace, tmp_path) -> Path:
    """The template store (one committed English passage, c_notes.md) after an ingestion of a new English
    document was SIGKILLed with its vectors written and its manifest commit not yet made."""
    store = tmp_path / "store"
    shutil.copytree(workspace.template, store)
    new = tmp_path / "new"
    write_md(new / "f_skills.md", {"title": "Skills rounds", "language": "en"}, SECTIONS)
    res = run(ingest_command(new, store), KB_TEST_HOOK="kill:put.upserted:1")
    assert res.returncode == -signal.SIGKILL, res.stderr[-3000:]
    return store


def test_orphans_do_not_crowd_out_committed_passages(workspace, crashed_store):
    config = Config.from_env(store=crashed_store, candidates=4, k=2)
    store = Store(config, workspace.embedder)  # a reader: it does not repair
    assert store.manifest.pending(), "the crash left no journal entry: the test does not test anything"
    orphans = store.verify()["orphan_vectors"]
    assert len(orphans) >= 12
    hits = Searcher(store).search(QUERY, 2, Filters(languages=("en",)))  # dense only
    assert [Path(h.chunk.doc.source).name for h in hits] == ["c_notes.md"]
    assert "dense:en" in hits[0].legs
    assert store.verify()["orphan_vectors"] == orphans  # a reader never writes


def test_opening_the_knowledge_base_repairs(workspace, crashed_store):
    kb = KnowledgeBase(Config.from_env(store=crashed_store), embedder=workspace.embedder)
    assert kb.store.manifest.pending() == []
    assert kb.store.verify() == {"orphan_vectors": [], "missing_vectors": []}
    assert "c_notes.md" in {Path(h.chunk.doc.source).name for h in kb.search(QUERY, 3, language="en")}


def test_opening_does_not_repair_while_an_ingestion_holds_the_lock(workspace, crashed_store):
    """The journal of a running ingestion is not a crash: a reader that opens meanwhile leaves it alone."""
    writer = Store(Config.from_env(store=crashed_store), workspace.embedder)
    with writer.writing():
        kb = KnowledgeBase(Config.from_env(store=crashed_store), embedder=workspace.embedder)
        assert kb.store.manifest.pending()
        assert kb.store.verify()["orphan_vectors"]
