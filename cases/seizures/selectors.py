"""Seizure reads: the one access-checked lookup, the filtered list and the history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Upper
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from cases.choices import Sharing
from cases.seizures.models import Seizure, SeizureIdentifier, SeizureItem, SeizureRevision, SeizureTransit
from cases.seizures.services import can_write
from cases.seizures.validators import identifier_candidates

# Largest primary key the database can hold: a bigger number is simply absent (never a 500).
MAX_ID = 2**63 - 1

# The filters of GET /api/v1/seizures/ (API.md), shared by the API, the pages and the export.
FILTER_NAMES = (
    "drug",
    "agency",
    "country",
    "origin_country",
    "destination_country",
    "transit_country",
    "transport_mode",
    "detection_method",
    "status",
    "operation",
    "occurred_after",
    "occurred_before",
    "identifier",
    "q",
)


def with_details(queryset: QuerySet[Seizure]) -> QuerySet[Seizure]:
    """Everything a seizure's representation needs, in a fixed number of queries."""
    from members.models import Agency

    return queryset.select_related("agency", "reported_by", "operation", "verified_by").prefetch_related(
        "items",
        "identifiers",
        "persons",
        Prefetch("shared_with", queryset=Agency.objects.only("id", "code").order_by("code")),
    )


def get_seizure_for(user, pk, *, write: bool = False, details: bool = True) -> Seizure:
    """The seizure `pk` if the user may see it (else 404); with write=True also may change it (else 403).

    With details=False only the seizure's own row is read (for a caller that reads the rest itself).
    """
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404(_("No such seizure.")) from None
    if not 0 < pk <= MAX_ID:
        raise Http404(_("No such seizure."))
    visible = Seizure.objects.visible_to(user)
    seizure = (with_details(visible) if details else visible).filter(pk=pk).first()
    if seizure is None:
        raise Http404(_("No such seizure."))
    if write and not can_write(user, seizure):
        raise PermissionDenied(_("Only officers and coordinators of the reporting agency may change this seizure."))
    return seizure


def _as_datetime(value, *, end_of_day: bool = False) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        parsed = parse_datetime(value)
        if parsed is None:
            day = parse_date(value)
            if day is None:
                return None
            value = day
        else:
            value = parsed
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time.max if end_of_day else dt.time.min)
    if isinstance(value, dt.datetime):
        try:
            aware = value if timezone.is_aware(value) else timezone.make_aware(value)
            # In UTC: PostgreSQL refuses offsets beyond ±15:59 that ISO 8601 text may carry.
            return aware.astimezone(dt.UTC)
        except (OverflowError, ValueError):
            # Beyond the representable range: the bound excludes nothing on that side.
            return dt.datetime.min.replace(tzinfo=dt.UTC) if value.year < 2 else dt.datetime.max.replace(tzinfo=dt.UTC)
    return None


def apply_filters(queryset: QuerySet[Seizure], filters: dict[str, Any]) -> QuerySet[Seizure]:
    """Apply the API's seizure filters; empty values are ignored."""
    f = {k: v for k, v in (filters or {}).items() if v not in (None, "", [])}
    if "drug" in f:
        queryset = queryset.filter(Exists(SeizureItem.objects.filter(seizure_id=OuterRef("pk"), drug=f["drug"])))
    if "agency" in f:
        code = getattr(f["agency"], "code", f["agency"])
        queryset = queryset.filter(agency__code=str(code).upper())
    for field in ("country", "origin_country", "destination_country"):
        if field in f:
            queryset = queryset.filter(**{field: str(f[field]).upper()})
    if "transit_country" in f:
        queryset = queryset.filter(
            Exists(SeizureTransit.objects.filter(seizure_id=OuterRef("pk"), country=str(f["transit_country"]).upper()))
        )
    for field in ("transport_mode", "detection_method", "status"):
        if field in f:
            queryset = queryset.filter(**{field: f[field]})
    if "operation" in f:
        operation = getattr(f["operation"], "pk", f["operation"])
        try:
            operation = int(operation)
        except (TypeError, ValueError, OverflowError):
            operation = 0
        queryset = queryset.filter(operation_id=operation) if 0 < operation <= MAX_ID else queryset.none()
    after = _as_datetime(f.get("occurred_after"))
    if after is not None:
        queryset = queryset.filter(occurred_at__gte=after)
    before = _as_datetime(f.get("occurred_before"), end_of_day=True)
    if before is not None:
        queryset = queryset.filter(occurred_at__lte=before)
    if "identifier" in f:
        candidates = identifier_candidates(str(f["identifier"]))
        queryset = queryset.filter(
            Exists(SeizureIdentifier.objects.filter(seizure_id=OuterRef("pk"), normalized__in=candidates))
        )
    if "q" in f:
        text = str(f["q"]).strip()
        if text:
            queryset = text_search(queryset, text)
    return queryset


# Text fields searched by `q`: the seizure's, and its items' descriptions.
TEXT_FIELDS = ("reference", "location", "concealment", "notes")
# Up to this many matching seizures, the list reads them by id; past it, it walks its order.
TEXT_MATCHES_BY_ID = 50_000
# The expression of the trigram index seizure_text_trgm (migration 0003), with qualified columns.
_TEXT_SQL = (
    "upper({0}.reference || chr(31) || {0}.location || chr(31) || {0}.concealment || chr(31) || {0}.notes)".format(
        f'"{Seizure._meta.db_table}"'
    )
)


def text_search(queryset: QuerySet[Seizure], text: str) -> QuerySet[Seizure]:
    """Seizures whose reference, location, concealment, notes or an item's description contains
    `text` (case-insensitive).

    On PostgreSQL the matches are found through the trigram indexes of migration 0003 first: a
    rare term (a reference, a name) then costs an index lookup instead of a scan of every
    seizure; a term found in more than TEXT_MATCHES_BY_ID seizures is tested row by row while
    the list walks its index order, which finds a page of them quickly. Either way the
    visibility and the other filters of `queryset` apply as they are.
    """
    if connection.vendor != "postgresql":
        in_items = SeizureItem.objects.filter(seizure_id=OuterRef("pk"), description__icontains=text)
        by_field = Q()
        for name in TEXT_FIELDS:
            by_field |= Q(**{f"{name}__icontains": text})
        return queryset.filter(by_field | Exists(in_items))
    escaped = text.upper().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    in_text = RawSQL(f"{_TEXT_SQL} LIKE %s", [pattern], output_field=BooleanField())  # noqa: S611 - bound
    in_items = SeizureItem.objects.annotate(text=Upper("description")).filter(text__contains=text.upper()).order_by()
    matches = (
        Seizure.objects.filter(in_text)
        .values_list("pk", flat=True)
        .union(in_items.values_list("seizure_id", flat=True))
    )
    found = list(matches[: TEXT_MATCHES_BY_ID + 1])
    if len(found) <= TEXT_MATCHES_BY_ID:
        # One array parameter, however many ids (an IN list would bind each one).
        table = Seizure._meta.db_table
        by_id = RawSQL(f'"{table}"."id" = ANY(%s)', [found], output_field=BooleanField())  # noqa: S611 - bound
        return queryset.filter(by_id)
    return queryset.filter(in_text | Q(pk__in=in_items.values("seizure_id")))


def seizure_list(
    *, user, filters: dict[str, Any] | None = None, paged: bool = False, details: bool = True
) -> QuerySet[Seizure]:
    """The seizures the user may see, filtered, newest first, with everything prefetched.

    paged=True for a list read a page at a time (see SeizureQuerySet.visible_to_agency);
    details=False for a caller that reads rows rather than model instances.
    """
    queryset = apply_filters(Seizure.objects.visible_to(user, paged=paged), filters or {})
    return (with_details(queryset) if details else queryset).order_by("-occurred_at", "-id")


def seizure_history(seizure: Seizure) -> list[dict[str, Any]]:
    """Every recorded change of the seizure, oldest first."""
    revisions = SeizureRevision.objects.filter(seizure=seizure).select_related("by", "by__agency").order_by("at", "id")
    return [
        {
            "at": r.at,
            "by": (
                {"id": r.by.pk, "full_name": r.by.full_name, "agency": r.by.agency.code if r.by.agency else None}
                if r.by
                else None
            ),
            "action": r.action,
            "changes": r.changes,
            "reason": r.reason,
        }
        for r in revisions
    ]


def operation_shown_to(user, seizure: Seizure) -> bool:
    """Whether the reader may learn which joint operation the seizure belongs to.

    The owner always may (it linked it); another agency only when the seizure reaches it
    through that operation (sharing=operation, so the agency accepted it). A partner that
    sees the seizure because it is shared with all members learns nothing of the operation.
    """
    return operation_shown_to_agency(
        getattr(user, "agency_id", None), agency_id=seizure.agency_id, sharing=seizure.sharing
    )


def operation_shown_to_agency(reader_agency_id: int | None, *, agency_id: int, sharing: str) -> bool:
    """operation_shown_to for a reader's agency and a seizure's owner and sharing (plain rows)."""
    return agency_id == reader_agency_id or sharing == Sharing.OPERATION
