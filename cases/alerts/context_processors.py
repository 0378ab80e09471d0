"""`alerts_unacknowledged` for every page: the nav badge (one query, cached per request)."""

from __future__ import annotations

from django.http import HttpRequest

from cases.alerts.selectors import unacknowledged_count

_CACHE_ATTR = "_alerts_unacknowledged"


def unacknowledged_for(request: HttpRequest) -> int:
    """The count for the signed-in user's agency, computed once per request."""
    if not hasattr(request, _CACHE_ATTR):
        setattr(request, _CACHE_ATTR, unacknowledged_count(getattr(request, "user", None)))
    return getattr(request, _CACHE_ATTR)


def alerts(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"alerts_unacknowledged": unacknowledged_for(request)}
