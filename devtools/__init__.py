"""Helpers shared by the browser tests and the benchmarks (never imported by the app)."""
