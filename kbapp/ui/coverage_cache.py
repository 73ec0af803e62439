"""The coverage map's data, computed once per collection version and interface language, shared by every session.

Computing it runs Compare over every jurisdiction twice (both languages, then the reader's): ~4 s warm on the starter
corpus (23 jurisdictions × 8 themes, two cores). ``warm`` starts that work in a background thread when any page
opens, so the map is usually ready by the time a reader asks for it; a reader who asks earlier waits for the same
computation, never a second one."""

from __future__ import annotations

import threading

from kb.compare.coverage import Coverage, coverage

_lock = threading.Lock()
_done: dict[tuple, Coverage] = {}
_running: dict[tuple, threading.Event] = {}


def _key(kb, lang: str) -> tuple:
    return (str(kb.config.store), kb.store.manifest.generation(), lang)


def _jurisdictions(kb) -> list[str]:
    return sorted({d.jurisdiction for d in kb.documents() if d.jurisdiction})


def get(kb, lang: str) -> Coverage:
    """The coverage of ``kb`` for a reader of ``lang``, computed here or by a running warm-up."""
    key = _key(kb, lang)
    with _lock:
        if key in _done:
            return _done[key]
        event = _running.get(key)
        mine = event is None
        if mine:
            event = _running[key] = threading.Event()
    assert event is not None
    if not mine:
        event.wait()
        with _lock:
            if key in _done:
                return _done[key]
        return get(kb, lang)  # the warm-up failed: compute here
    try:
        result = coverage(kb, _jurisdictions(kb), lang)
        with _lock:
            for old in [k for k in _done if k[:2] != key[:2]]:
                del _done[old]  # an older collection version
            _done[key] = result
        return result
    finally:
        with _lock:
            _running.pop(key, None)
        event.set()


def ready(kb, lang: str) -> bool:
    with _lock:
        return _key(kb, lang) in _done


def warm(kb, lang: str) -> None:
    """Compute in the background unless done or under way (a daemon thread: it never holds up a shutdown)."""
    key = _key(kb, lang)
    with _lock:
        if key in _done or key in _running:
            return

    def work() -> None:
        try:
            get(kb, lang)
        except Exception:  # noqa: BLE001 (a failed warm-up only means the page computes it itself)
            pass

    threading.Thread(target=work, name="kb-coverage-warm", daemon=True).start()
