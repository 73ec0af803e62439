"""policy-kb: a bilingual (Spanish/English) knowledge base of industrial and innovation policy documents."""

from kb.api import KnowledgeBase, make_filters
from kb.config import Config
from kb.ingestor import IngestOptions
from kb.records import Chunk, Citation, Filters, Hit, IngestReport, Outcome

__all__ = [
    "KnowledgeBase",
    "make_filters",
    "Config",
    "IngestOptions",
    "Chunk",
    "Citation",
    "Filters",
    "Hit",
    "IngestReport",
    "Outcome",
]
__version__ = "0.1.0"
