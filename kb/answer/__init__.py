"""Extractive answers: the sentences of the hits that answer the question."""
