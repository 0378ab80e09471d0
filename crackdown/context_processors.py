"""Navigation by role: each entry shows only to the roles that may use it.

Entries whose URL does not resolve are left out, so the layout never breaks on a page that
is not installed.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

AGENCY_ROLES = ("officer", "coordinator", "agency_admin")

NAVIGATION = [
    # (label, url name, who: "agency" = any agency user, a role name, or "platform")
    (_("Dashboard"), "home", AGENCY_ROLES),
    (_("Seizures"), "seizures:list", AGENCY_ROLES),
    (_("Operations"), "operations:list", AGENCY_ROLES),
    (_("Alerts"), "alerts:inbox", AGENCY_ROLES),
    (_("Matches"), "matching:list", AGENCY_ROLES),
    (_("My agency"), "members:agency", AGENCY_ROLES),
    (_("Access audit"), "audit:page", ("agency_admin",)),
    (_("Agencies"), "members:platform_agencies", ("platform",)),
    (_("Django admin"), "admin:index", ("platform",)),
]


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    who = "platform" if user.is_platform_admin else user.role
    items = []
    for label, name, roles in NAVIGATION:
        if who not in roles:
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append(
            {
                "label": label,
                "name": name,
                "url": url,
                "active": request.path.startswith(url) and url != "/" or request.path == url,
            }
        )
    return {"nav_items": items}
