"""JSON log lines (LOG_FORMAT=json) carrying the request id, the user's id and agency.

`RequestContextMiddleware` gives each request an id (a sane incoming `X-Request-ID`, else a
new one), answers it in `X-Request-ID`, and keeps the request in a context variable for the
length of the request; `JSONFormatter` writes one JSON object a line with `time`, `level`,
`logger`, `message`, `request_id`, `user_id`, `agency`, `method`, `path` (never the query
string), and the exception's traceback when there is one. The user is read only when
authentication has already resolved it (a log line never causes a sign-in lookup).

Nothing secret is written: no headers, cookies, bodies or query strings are added, and the
message itself is scrubbed of what looks like a token, a webhook secret or a password in a URL.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty

_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar("crackdown_request", default=None)
_SANE_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
REQUEST_ID_HEADER = "X-Request-ID"

# What must never reach a log line, even inside a message.
_SECRETS = (
    (re.compile(r"\b(Token|Bearer)\s+[A-Za-z0-9._~+/=-]+", re.I), r"\1 [redacted]"),
    (re.compile(r"whsec_[A-Za-z0-9+/=]+"), "whsec_[redacted]"),
    (re.compile(r"(://[^/\s:@]+):[^/\s@]+@"), r"\1:[redacted]@"),
    (re.compile(r"\b(password|secret|token|otp)=[^&\s]+", re.I), r"\1=[redacted]"),
)


def scrub(text: str) -> str:
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _SANE_ID.fullmatch(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _request.set(request)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


def _resolved_user(request: HttpRequest) -> object | None:
    user = getattr(request, "user", None)
    if isinstance(user, SimpleLazyObject) and user._wrapped is empty:  # type: ignore[attr-defined]
        return None  # not looked up yet: logging does not trigger it
    return user


def request_fields() -> dict[str, object]:
    """The current request's id, user id, agency code, method and path (empty outside a request)."""
    request = _request.get()
    if request is None:
        return {}
    fields: dict[str, object] = {
        "request_id": getattr(request, "request_id", None),
        "method": request.method,
        "path": request.path,
    }
    user = _resolved_user(request)
    if user is not None and getattr(user, "is_authenticated", False):
        fields["user_id"] = getattr(user, "pk", None)
        agency = getattr(user, "agency", None)
        fields["agency"] = getattr(agency, "code", None)
    return fields


class JSONFormatter(logging.Formatter):
    """One JSON object a line (see the module)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, tz=dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": scrub(record.getMessage()),
            "request_id": None,
            "user_id": None,
            "agency": None,
        }
        line.update(request_fields())
        status = getattr(record, "status_code", None)
        if isinstance(status, int):
            line["status"] = status
        if record.exc_info:
            line["exception"] = scrub(self.formatException(record.exc_info))
        return json.dumps(line, ensure_ascii=False, default=str)
