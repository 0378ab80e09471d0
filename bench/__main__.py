"""Entry point: `python -m bench [--count N] [--skip-generate] [--quick] [--json PATH]`."""

from __future__ import annotations

import argparse
import os
import sys

import django


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--count", type=int, default=None, help="seizures in the database (default 1,000,000)")
    parser.add_argument("--skip-generate", action="store_true", help="use the seizures already there")
    parser.add_argument("--quick", action="store_true", help="small run: 20,000 seizures, fewer repeats")
    parser.add_argument("--json", default="var/bench/results.json", help="where to write the results")
    parser.add_argument("--only", default="", help="comma-separated case groups to run (default: all)")
    args = parser.parse_args(argv)
    if args.count is None:
        args.count = 20_000 if args.quick else 1_000_000
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crackdown.settings")
    # The bench sends thousands of requests as one user: measure the throttle's cost, not its limit.
    os.environ.setdefault("THROTTLE_USER", "1000000/min")
    os.environ.setdefault("THROTTLE_ANON", "1000000/min")
    django.setup()
    # Only now: the runner and the cases import the project's models, which need the app registry.
    from bench.runner import run

    return run(args)


if __name__ == "__main__":
    sys.exit(main())
