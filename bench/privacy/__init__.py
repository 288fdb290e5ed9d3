"""The personal-data detection benchmark's corpus, table, scoring and peer (see bench/bench_privacy.py)."""
