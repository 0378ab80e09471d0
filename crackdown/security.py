"""Logging of refused accesses on the "crackdown.security" logger.

Only what an investigator needs and nothing secret: the status, the method, the path without
its query string (which may carry a token or personal data), the user's id and the client
address. Never headers, cookies, bodies or query strings.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest

security_log = logging.getLogger("crackdown.security")


def log_refused(request: HttpRequest, status: int, *, reason: str = "") -> None:
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
