"""Profile one page or API path as the bench's reader: `python -m bench.profile PATH [--repeats N]`.

Runs on the bench's database (make profile sets it): 10 warm-up requests, then N profiled
requests through Django's test client with pyinstrument, and prints the call tree with the
time spent below each call. Paths under /api/ use a knox token, the others the session.
"""

from __future__ import annotations

import argparse
import os
import sys

import django
from pyinstrument import Profiler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("path", help="e.g. /api/v1/seizures/ or /")
    parser.add_argument("--repeats", type=int, default=100)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crackdown.settings")
    os.environ.setdefault("THROTTLE_USER", "1000000/min")
    django.setup()
    # Only now: knox's models and the runner (which imports the project's models) need the app registry.
    from knox.models import AuthToken
    from knox.settings import CONSTANTS

    from bench.runner import reader_clients

    officer, token, api, web = reader_clients()
    client = api if args.path.startswith("/api/") else web
    try:
        for _ in range(10):
            response = client.get(args.path)
            if response.status_code != 200:
                print(f"{args.path} answered {response.status_code}", file=sys.stderr)
                return 1
        profiler = Profiler(interval=0.0005)
        with profiler:
            for _ in range(args.repeats):
                client.get(args.path)
        print(profiler.output_text(unicode=True, color=False))
    finally:
        AuthToken.objects.filter(user=officer, token_key=token[: CONSTANTS.TOKEN_KEY_LENGTH]).delete()
    return 0


if __name__ == "__main__":
    sys.exit(main())
