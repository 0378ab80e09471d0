"""Session lifetime and per-user time zone."""

from __future__ import annotations

import time
import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponseBase
from django.utils import timezone

SESSION_STARTED_KEY = "crackdown_started_at"
SESSION_STAMP_KEY = "crackdown_security_stamp"


class SessionLifetimeMiddleware:
    """Ends a session 12 h after sign-in, or when the user's security stamp changed.

    The 30-minute idle limit is Django's own: SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(SESSION_STARTED_KEY)
            now = time.time()
            if started is None:
                request.session[SESSION_STARTED_KEY] = now
                request.session[SESSION_STAMP_KEY] = user.security_stamp
            elif (
                now - float(started) > settings.SESSION_ABSOLUTE_LIFETIME
                or request.session.get(SESSION_STAMP_KEY) != user.security_stamp
                or not user.is_active
            ):
                logout(request)
        return self.get_response(request)


class UserTimezoneMiddleware:
    """Show times in the reader's time zone: the user's own, else its agency's, else UTC."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = getattr(request, "user", None)
        name = ""
        if user is not None and user.is_authenticated:
            name = user.timezone or (user.agency.timezone if user.agency_id else "")
        if name:
            try:
                timezone.activate(zoneinfo.ZoneInfo(name))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)
