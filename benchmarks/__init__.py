"""Benchmarks of the running service (the engine's own benchmark is `python -m matching bench`)."""
