"""The throughput floor: the wrk mix of bench/mix.lua served by a bare WSGI app.

Each request runs the baseline's hand-written SQL (bench/baseline.py) over one psycopg
connection per server thread and turns the rows into JSON with orjson: no Django, no ORM, no
DRF, no templates, no sessions. Run under the same gunicorn as ours (bench/load.py), its
requests per second are what this machine can serve at all; ours divided by it is the share
the framework leaves.

It reads the reader from the environment that bench/load.py sets: FLOOR_CONNINFO (libpq),
FLOOR_AGENCY (the reader's agency id), FLOOR_TZ (their time zone, for the dashboard's months),
FLOOR_TOKEN and FLOOR_COOKIE (what the mix sends; compared, never looked up, as a floor should).
"""

from __future__ import annotations

import hmac
import os
import re
import threading
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl, urlencode

import orjson
import psycopg

from bench import baseline as bl

StartResponse = Callable[[str, list[tuple[str, str]]], Any]

PAGE_SIZE = 50
LIST_PATH = "/api/v1/seizures/"
DETAIL = re.compile(r"^/api/v1/seizures/(\d+)/$")
JSON = [("Content-Type", "application/json")]

_local = threading.local()


def _connection() -> psycopg.Connection:
    # One connection per server thread, as a pool of one per thread would give; prepared
    # statements from the first call, as the baseline times them.
    conn = getattr(_local, "conn", None)
    if conn is None or conn.closed:
        conn = psycopg.connect(os.environ["FLOOR_CONNINFO"], autocommit=True, prepare_threshold=1)
        _local.conn = conn
    return conn


def _rows(sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    with _connection().cursor() as cur:
        cur.execute(sql, params)
        names = [c.name for c in cur.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _agency() -> int:
    return int(os.environ["FLOOR_AGENCY"])


def seizure_list(query: dict[str, str]) -> dict[str, Any]:
    """The list page as the API shapes it: results, and a next link when there is more."""
    filters = {name: query[name] for name in bl.FILTERS if query.get(name)}
    params = bl.list_params(agency_id=_agency(), limit=PAGE_SIZE + 1, filters=filters)
    rows = _rows(bl.list_sql(filters=filters), params)
    following = None
    if len(rows) > PAGE_SIZE:
        rows = rows[:PAGE_SIZE]
        last = rows[-1]
        cursor = f"{last['occurred_at'].isoformat()},{last['id']}"
        following = LIST_PATH + "?" + urlencode({**filters, "after": cursor})
    return {"next": following, "previous": None, "results": rows}


def seizure_detail(pk: int) -> dict[str, Any] | None:
    rows = _rows(bl.DETAIL_SQL, {"id": pk, "agency": _agency()})
    return rows[0] if rows else None


def dashboard() -> dict[str, Any]:
    params = bl.dashboard_params(agency_id=_agency(), tz_name=os.environ.get("FLOOR_TZ", "UTC"))
    return _rows(bl.DASHBOARD_SQL, params)[0]["dashboard"]


def _allowed(environ: dict[str, Any], path: str) -> bool:
    if path == "/":
        return hmac.compare_digest(environ.get("HTTP_COOKIE", ""), os.environ.get("FLOOR_COOKIE", ""))
    expected = "Token " + os.environ.get("FLOOR_TOKEN", "")
    return hmac.compare_digest(environ.get("HTTP_AUTHORIZATION", ""), expected)


def _answer(start_response: StartResponse, status: str, body: Any) -> Iterable[bytes]:
    payload = orjson.dumps(body)
    start_response(status, [*JSON, ("Content-Length", str(len(payload)))])
    return [payload]


def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
    path = environ.get("PATH_INFO", "/")
    if path == "/healthz":
        _rows("SELECT 1 AS ok", {})
        return _answer(start_response, "200 OK", {"status": "ok"})
    if environ.get("REQUEST_METHOD") != "GET":
        return _answer(start_response, "405 Method Not Allowed", {"detail": "GET only"})
    if not _allowed(environ, path):
        return _answer(start_response, "401 Unauthorized", {"detail": "not the bench's reader"})
    if path == LIST_PATH:
        query = dict(parse_qsl(environ.get("QUERY_STRING", "")))
        return _answer(start_response, "200 OK", seizure_list(query))
    if match := DETAIL.match(path):
        found = seizure_detail(int(match.group(1)))
        if found is None:
            return _answer(start_response, "404 Not Found", {"detail": "Not found."})
        return _answer(start_response, "200 OK", found)
    if path == "/":
        return _answer(start_response, "200 OK", dashboard())
    return _answer(start_response, "404 Not Found", {"detail": "Not found."})
