"""One base for the errors policy-kb raises on purpose, so a caller can catch ours and still see real bugs."""

from __future__ import annotations


class KbError(Exception):
    """An expected failure with a message meant for the user: a locked store, a refused upload, a bad query file …

    Subclasses keep the built-in base they had before (``ValueError``, ``RuntimeError``) so existing callers that
    catch those still work."""
