"""The sign-in lockout policy, on django-axes (README "Sign-in lockout").

- Failures are counted per (account, client address): 5 wrong passwords (or second-factor
  codes) for one account from one address lock that pair for 30 minutes. A stranger elsewhere
  who knows an officer's e-mail address cannot lock the officer out of their own desk.
- A per-account ceiling stops a brute force spread over many addresses: 50 failures for one
  account within the 30 minutes, from wherever, lock the account for every address until
  the failures age out.
- The account is the e-mail address as it signs in, case and spaces aside, so that
  "Kim@KCS.test" and "kim@kcs.test " count as one.
- Web and API sign-ins count together; the API's per-address throttle (THROTTLE_LOGIN) holds
  back one address trying many accounts.

The client address is REMOTE_ADDR unless AXES_IPWARE_PROXY_COUNT says how many trusted
proxies stand in front (TRUSTED_PROXY_COUNT in the environment).
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


def username_of(request, credentials: dict[str, Any] | None) -> str:
    """The account a sign-in is for: the e-mail address given, trimmed and lower-cased."""
    field = settings.AXES_USERNAME_FORM_FIELD
    raw = (credentials or {}).get(field)
    if raw is None and request is not None:
        raw = getattr(request, "POST", {}).get(field)
    return str(raw or "").strip().lower()


def account_failures(username: str, request=None) -> int:
    """Failed sign-ins for the account from every address within the cool-off period."""
    if not username:
        return 0
    since = timezone.now() - get_cool_off(request)
    total = AccessAttempt.objects.filter(username=username, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return total or 0


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with the per-account ceiling added to its per-pair limit."""

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        if super().is_locked(request, credentials):
            return True
        username = get_client_username(request, credentials)
        return account_failures(username, request) >= settings.AXES_ACCOUNT_FAILURE_CEILING
