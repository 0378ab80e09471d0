"""The time zones a person or an agency may choose (users' settings, agencies, the API schema)."""

from __future__ import annotations

import zoneinfo

# The tz database's "Area/Location" names and UTC. Its legacy aliases (GMT0, GMT-0, EST5EDT,
# Etc/GMT+1 and Etc/GMT-1…) are left out: they name no place, and several differ only by a sign,
# which generated API clients cannot tell apart.
TIME_ZONES = frozenset(
    name
    for name in zoneinfo.available_timezones()
    if name == "UTC" or ("/" in name and not name.startswith(("Etc/", "SystemV/", "US/", "posix", "right/")))
)
