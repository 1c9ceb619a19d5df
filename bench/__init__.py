"""Benchmark of Sinergi at scale: page runs, the browser, memory per viewer and concurrent writes."""
