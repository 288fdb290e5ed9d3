"""The one-stop services benchmark's database, world and measuring process (bench/bench_eservices.py)."""
