"""The reasons a file is not ingested, as a person would say them."""

from __future__ import annotations

from kb.errors import KbError


class IngestError(KbError):
    """A file that cannot be ingested; ``skip`` means an expected condition (the batch is not failed by it)."""

    def __init__(self, reason: str, *, skip: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.skip = skip
