"""The reader's language (issue "Languages"): a user's saved language, else the browser's
`Accept-Language` (or the language cookie set by the switch before sign-in), else English.

Django's LocaleMiddleware chooses from the cookie and Accept-Language; UserLanguageMiddleware,
after authentication, puts a signed-in user's saved language first. The API's token
authentication calls `activate_for` once it knows the user (its user is known only there).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils import translation

LANGUAGE_CODES = frozenset(code for code, _name in settings.LANGUAGES)


def saved_language(user: Any) -> str | None:
    """The user's saved language when it is one the site speaks, else None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    language = getattr(user, "language", "") or ""
    return language if language in LANGUAGE_CODES else None


def activate_for(user: Any, request: HttpRequest | None = None) -> None:
    """Make the user's saved language the active one (nothing when none is saved)."""
    language = saved_language(user)
    if language is not None:
        translation.activate(language)
        if request is not None:
            request.LANGUAGE_CODE = language


class UserLanguageMiddleware:
    """A signed-in user's saved language wins over the cookie and Accept-Language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        activate_for(getattr(request, "user", None), request)
        return self.get_response(request)
