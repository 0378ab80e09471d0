"""Alert delivery benchmark: commit → webhook received, with a real worker process.

The entry point that sets Django up first; the benchmark itself, which imports the project's
models, is bench/fanout.py (the bench's "alerts" case runs the same).

Standalone, on PostgreSQL and Redis:
    DATABASE_URL=postgres://… REDIS_URL=redis://… DEBUG=true python -m bench.alerts --seizures 200
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import django


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.alerts", description=__doc__.splitlines()[0])
    parser.add_argument("--seizures", type=int, default=200)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crackdown.settings")
    django.setup()
    # Only now: the benchmark imports the project's models, which need the app registry.
    from bench.fanout import run

    result = run(args.seizures)
    print(json.dumps(result, indent=2))
    return 0 if result["lost"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
