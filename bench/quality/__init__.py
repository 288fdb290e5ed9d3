"""Pieces of the data-quality benchmark (bench/bench_quality.py): the synthetic population, and the
same rules in Great Expectations and pandera."""
