"""Access audit reads: "who of other agencies looked at our seizures", for the owning agency's admins.

Rows are SeizureAccess entries written by the seizure services whenever a user of another
agency views, exports or reports on a seizure. Nothing here writes: there is no page,
endpoint or admin that edits or deletes an entry.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.audit.permissions import can_read_audit
from cases.seizures.models import SeizureAccess
from crackdown.errors import Forbidden
from members.models import User


def accesses_for(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[SeizureAccess]:
    """Accesses by other agencies to the seizures of `user`'s agency, newest first.

    Only the agency's admins read them (Forbidden for anyone else, platform admins included:
    they belong to no agency and the audit is the agency's own business).
    """
    agency_id = user.agency_id
    # can_read_audit() already refuses a user of no agency; the second test tells mypy so.
    if not can_read_audit(user) or agency_id is None:
        raise Forbidden(_("Only an admin of the agency reads its access audit."))
    queryset = (
        SeizureAccess.objects.filter(owner_id=agency_id)
        .exclude(agency_id=agency_id)
        .select_related("user", "agency", "seizure")
        .only(
            "id",
            "at",
            "action",
            "rows",
            "user__id",
            "user__full_name",
            "user__email",
            "agency__id",
            "agency__code",
            "agency__name",
            "seizure__id",
            "seizure__reference",
        )
        .order_by("-at", "-id")
    )
    filters = filters or {}
    if filters.get("agency"):
        queryset = queryset.filter(agency=filters["agency"])
    if filters.get("action"):
        queryset = queryset.filter(action=filters["action"])
    if filters.get("since"):
        queryset = queryset.filter(at__gte=_start_of(filters["since"]))
    if filters.get("until"):
        queryset = queryset.filter(at__lt=_start_of(filters["until"] + dt.timedelta(days=1)))
    return queryset


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight of `day` in the reader's time zone (UTC on the API)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_current_timezone())
