"""The store: the manifest (SQLite), the vectors (Chroma), the lexical index (BM25) and the crash-ordered
write protocol that keeps them in step."""
