"""Benchmarks: ingestion against the encoder's own rate, search latency by stage at 1k/10k/100k passages, memory,
store size and start-up time. Each module runs alone (``python -m bench.<name>``) and prints Markdown tables;
``python -m bench.run_all`` (``make bench``) runs them all and writes ``bench/results/``."""
