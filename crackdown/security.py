"""Logging of refused accesses on the "crackdown.security" logger.

Only what an investigator needs and nothing secret: the status, the method, the path without
its query string (which may carry a token or personal data), the user's id and the client
address. Never headers, cookies, bodies or query strings.

Where a refusal is raised (the 403/404 page handlers, the API exception handler) it is logged
with its reason; RefusedAccessLogMiddleware catches every other 401/403 response, e.g. a view
that returns a 403 itself, so that no refusal goes unlogged whoever wrote the view.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponseBase

security_log = logging.getLogger("crackdown.security")

_LOGGED = "_crackdown_refusal_logged"


def log_refused(request: HttpRequest, status: int, *, reason: str = "") -> None:
    """Log one refused request (once: a later call for the same request does nothing)."""
    if getattr(request, _LOGGED, False):
        return
    setattr(request, _LOGGED, True)
    user = getattr(request, "user", None)
    user_id = user.pk if user is not None and getattr(user, "is_authenticated", False) else None
    security_log.info(
        "access refused status=%s method=%s path=%s user=%s addr=%s%s",
        status,
        request.method,
        request.path,
        user_id,
        request.META.get("REMOTE_ADDR", ""),
        f" reason={reason}" if reason else "",
    )


class RefusedAccessLogMiddleware:
    """Logs every 401/403 answer not logged already where it was raised."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.status_code in (401, 403):
            log_refused(request, response.status_code)
        return response
