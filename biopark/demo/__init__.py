"""The demo data set: the facts the five corpus articles state, plus synthetic data for benchmarks."""
