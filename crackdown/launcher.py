"""`make run`: prepare the database, then serve in the foreground until Ctrl-C or SIGTERM.

Runs what production runs (DESIGN.md "The embedded default keeps every promise"): gunicorn for
the web, a Celery worker and Celery beat. With no environment the broker is embedded (kombu's
SQLAlchemy transport over SQLite under var/, see crackdown/settings.py); REDIS_URL and
DATABASE_URL switch to Redis and PostgreSQL. var/ is created whatever the database.

A child that dies (a crash, a `kill -9`) is started again after a backoff (1 s, doubling up to
30 s, back to 1 s once it has run for a minute), and the log says so; the others keep running.
Ctrl-C or SIGTERM stops every child (SIGTERM, then SIGKILL after 10 s). Each child also dies
with this process (PR_SET_PDEATHSIG), so nothing is left running whatever signal ended it.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

PR_SET_PDEATHSIG = 1
BASE_DIR = Path(__file__).resolve().parent.parent
FIRST_BACKOFF = 1.0
MAX_BACKOFF = 30.0
# A child that ran this long before dying gets the first backoff again.
HEALTHY_AFTER = 60.0
STOP_GRACE = 10.0
POLL = 0.2


def _die_with_parent() -> None:
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:  # not Linux: Ctrl-C still reaches the whole process group
        pass


def _say(message: str) -> None:
    print(f"make run: {message}", file=sys.stderr, flush=True)


def _manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], check=True, cwd=BASE_DIR)


def _debug() -> bool:
    return os.environ.get("DEBUG", "true").strip().lower() not in ("0", "false", "no", "off")


def var_dir() -> Path:
    return Path(os.environ.get("CRACKDOWN_VAR_DIR") or BASE_DIR / "var")


def commands(port: str, host: str, var: Path) -> dict[str, list[str]]:
    celery = [sys.executable, "-m", "celery", "-A", "crackdown"]
    return {
        "web": [
            *(sys.executable, "-m", "gunicorn", "crackdown.wsgi:application"),
            *("--bind", f"{host}:{port}", "--workers", "2", "--threads", "4"),
            *("--access-logfile", "-", "--graceful-timeout", "5", "--no-control-socket"),
        ],
        # Threads, not forked pool processes: a killed worker leaves no orphan behind.
        "worker": [*celery, "worker", "--loglevel", "INFO", "--pool", "threads", "--concurrency", "4"],
        "beat": [*celery, "beat", "--loglevel", "INFO", "--schedule", str(var / "celerybeat-schedule")],
    }


@dataclass
class Child:
    name: str
    command: list[str]
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    backoff: float = FIRST_BACKOFF
    start_at: float = 0.0
    restarts: int = field(default=0)

    def start(self) -> None:
        self.process = subprocess.Popen(self.command, cwd=BASE_DIR, preexec_fn=_die_with_parent)
        self.started_at = time.monotonic()
        if self.restarts:
            _say(f"{self.name} started again (pid {self.process.pid})")

    def check(self, now: float) -> None:
        """Start the child when due; notice that it died and schedule its restart."""
        if self.process is None:
            if now >= self.start_at:
                self.start()
            return
        code = self.process.poll()
        if code is None:
            return
        if now - self.started_at >= HEALTHY_AFTER:
            self.backoff = FIRST_BACKOFF
        _say(f"{self.name} (pid {self.process.pid}) exited with code {code}; restarting in {self.backoff:.0f} s")
        self.process = None
        self.restarts += 1
        self.start_at = now + self.backoff
        self.backoff = min(self.backoff * 2, MAX_BACKOFF)

    def terminate(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()

    def wait_or_kill(self, deadline: float) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _say(f"{self.name} did not stop in {STOP_GRACE:.0f} s; killing it")
            self.process.kill()
            self.process.wait()


def prepare(var: Path) -> bool:
    var.mkdir(parents=True, exist_ok=True)
    steps = [("migrate", "--no-input", "-v", "0"), ("load_agencies",), ("seed_demo",)]
    if not _debug():
        steps.insert(0, ("collectstatic", "--no-input", "-v", "0"))
    for step in steps:
        try:
            _manage(*step)
        except subprocess.CalledProcessError:
            _say(f"`manage.py {' '.join(step)}` failed (see above); nothing is served.")
            return False
    return True


def main() -> int:
    _die_with_parent()
    port = os.environ.get("PORT", "8000")
    host = os.environ.get("HOST", "127.0.0.1")
    var = var_dir()
    if not prepare(var):
        return 1

    children = [Child(name, command) for name, command in commands(port, host, var).items()]
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    broker = "Redis" if os.environ.get("REDIS_URL") else f"the embedded broker in {var}"
    print(f"\nCrackdown is serving http://{host}:{port}/ (worker and beat on {broker}).", flush=True)
    print("Stop with Ctrl-C.\n", flush=True)
    try:
        while not stopping:
            now = time.monotonic()
            for child in children:
                child.check(now)
            time.sleep(POLL)
    finally:
        for child in children:
            child.terminate()
        deadline = time.monotonic() + STOP_GRACE
        for child in children:
            child.wait_or_kill(deadline)
    _say("stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
