"""`make test` first checks that PostgreSQL and Redis answer, and says how to start them."""

from __future__ import annotations

import socket
import sys
from urllib.parse import urlparse

HINTS = {
    "PostgreSQL": "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start",
    "Redis": (
        'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no '
        "--dir /var/lib/redis --logfile /var/log/redis/ci.log"
    ),
}


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def main(argv: list[str]) -> int:
    database_url, redis_url = argv[1], argv[2]
    failed = False
    for name, url, default_port in (("PostgreSQL", database_url, 5432), ("Redis", redis_url, 6379)):
        parsed = urlparse(url)
        host, port = parsed.hostname or "127.0.0.1", parsed.port or default_port
        if not _reachable(host, port):
            failed = True
            print(
                f"{name} is not reachable at {host}:{port}. Start it, for example with:\n  {HINTS[name]}",
                file=sys.stderr,
            )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
