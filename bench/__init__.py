"""`make bench`: the performance benchmark at national scale (issue 8).

Run with `make bench` (PostgreSQL and Redis), or `python -m bench --quick` for a small run.
See docs/performance.md for what is measured and the figures of the last full run.
"""
