"""Navigation: each entry shows only to the users its app's permission admits
(crackdown/navigation.py, registered by the apps).

Entries whose URL does not resolve are left out, so the layout never breaks on a page that
is not installed.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from crackdown import navigation as nav


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for entry in nav.entries():
        if not entry.allowed(user):
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        items.append(
            {
                "label": entry.label,
                "name": entry.url_name,
                "url": url,
                "active": request.path.startswith(url) and url != "/" or request.path == url,
            }
        )
    return {"nav_items": items}
