"""Benchmarks: adaptive versus fixed polling against a fake APIMart, and /video acknowledgements.

Run with ``make bench`` (``.venv/bin/python -m bench``); see docs/performance.md.
"""
