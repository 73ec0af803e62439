"""The evaluations: document-level, passage- and answer-level, and Compare. They use ``kb``; ``kb`` never
imports them."""
