"""`make run`: prepare the database, then serve in the foreground until Ctrl-C or SIGTERM.

Runs the web server, and with REDIS_URL set also a Celery worker and beat. Every child dies
with this process (PR_SET_PDEATHSIG), and this process dies with `make`, so nothing is left
running after a stop, whatever signal ended it.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:  # not Linux: Ctrl-C still reaches the whole process group
        pass


def _manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], check=True)


def main() -> int:
    _die_with_parent()
    port = os.environ.get("PORT", "8000")
    for step in (("migrate", "--no-input", "-v", "0"), ("load_agencies",), ("seed_demo",)):
        try:
            _manage(*step)
        except subprocess.CalledProcessError:
            print(f"make run: `manage.py {' '.join(step)}` failed (see above); nothing is served.", file=sys.stderr)
            return 1

    commands = [[sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]]
    if os.environ.get("REDIS_URL"):
        celery = [sys.executable, "-m", "celery", "-A", "crackdown"]
        commands.append([*celery, "worker", "--loglevel", "INFO", "--concurrency", "2"])
        commands.append([*celery, "beat", "--loglevel", "INFO", "--schedule", "var/celerybeat-schedule"])

    children = [subprocess.Popen(cmd, preexec_fn=_die_with_parent) for cmd in commands]
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    print(f"\nCrackdown is serving http://127.0.0.1:{port}/ — stop with Ctrl-C.\n", flush=True)
    try:
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.5)
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + 10
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
