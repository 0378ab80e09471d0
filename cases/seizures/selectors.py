"""Seizure reads: the one access-checked lookup, the filtered list and the history."""

from __future__ import annotations

import datetime as dt
from contextlib import AbstractContextManager
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from cases.seizures.models import (
    IdentifierValue,
    Seizure,
    SeizureIdentifier,
    SeizureItem,
    SeizureQuerySet,
    SeizureRevision,
    SeizureTransit,
)
from cases.seizures.permissions import can_write
from cases.seizures.validators import identifier_candidates

# Importable from here as before (cases.seizures.api_output, cases.alerts); the rule owns them.
from cases.seizures.visibility import operation_link_shown
from crackdown.db import postgresql, session_settings
from members.models import Agency

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


def as_datetime(value, *, end_of_day: bool = False) -> dt.datetime | None:
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


def apply_filters(
    queryset: QuerySet[Seizure], filters: dict[str, Any], *, agency_id: int | None, ordered: bool = True
) -> QuerySet[Seizure]:
    """Apply the API's seizure filters for a reader of agency `agency_id`; empty values are ignored.

    `ordered=False` for a caller that counts rather than reads a page (see `text_search`)."""
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
        if 0 < operation <= MAX_ID:
            # Only where the reader may know the link (operation_shown_to).
            queryset = queryset.filter(operation_link_shown(agency_id, operation))
        else:
            queryset = queryset.none()
    after = as_datetime(f.get("occurred_after"))
    if after is not None:
        queryset = queryset.filter(occurred_at__gte=after)
    before = as_datetime(f.get("occurred_before"), end_of_day=True)
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
            queryset = text_search(queryset, text, ordered=ordered)
    return queryset


# Text fields searched by `q`: the seizure's, its items' descriptions (and its identifiers).
TEXT_FIELDS = ("reference", "location", "concealment", "notes")
# Also searched: the external reference of an imported seizure (its own trigram index, 0013).
EXTERNAL_REFERENCE = "external_reference"
# Up to this many matching seizures, the list reads them by id; past it, it walks its order.
TEXT_MATCHES_BY_ID = 50_000
# Up to this many, the matches are read by primary key and sorted; beyond, the list walks its
# order testing each row against them (measured at 1,000,000 seizures: docs/performance.md).
TEXT_MATCHES_BY_KEY = 3_000
# The expression of the trigram index seizure_text_trgm (migration 0003), with qualified columns.
_TEXT_SQL = (
    "upper({0}.reference || chr(31) || {0}.location || chr(31) || {0}.concealment || chr(31) || {0}.notes)".format(
        f'"{Seizure._meta.db_table}"'
    )
)


def _like_pattern(text: str) -> str:
    # The unit separator joins the fields in the index: a term may not carry one across them.
    text = text.replace(chr(31), " ")
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def text_search_condition(text: str) -> RawSQL:
    """PostgreSQL: the seizure's own text fields contain `text`, as the trigram index reads them.

    Case is folded by PostgreSQL on both sides, as icontains does.
    """
    return RawSQL(f"{_TEXT_SQL} LIKE upper(%s)", [_like_pattern(text)], output_field=BooleanField())  # noqa: S611


def serial_plan() -> AbstractContextManager[None]:
    """Run the enclosed PostgreSQL statements without parallel workers.

    The search's id probe is a union of four index lookups that each take well under a
    millisecond; PostgreSQL plans it as a parallel append when its estimate is large, and
    starting the workers then costs 10-20 ms. Only for the (inner) transaction.
    """
    return session_settings(max_parallel_workers_per_gather="0")


def external_reference_condition(text: str) -> RawSQL:
    """PostgreSQL: the seizure's external reference contains `text`, as the partial trigram
    index seizure_external_reference_trgm (migration 0013) reads it: only rows that have one."""
    column = f'"{Seizure._meta.db_table}"."external_reference"'
    return RawSQL(  # noqa: S611 - our names, the pattern bound
        f"({column} <> '' AND upper({column}) LIKE upper(%s))", [_like_pattern(text)], output_field=BooleanField()
    )


def text_search(queryset: QuerySet[Seizure], text: str, *, ordered: bool = True) -> QuerySet[Seizure]:
    """Seizures whose reference, external reference, location, concealment, notes, an item's
    description or an identifier contains `text` (case-insensitive).

    On PostgreSQL the matches are found through the trigram indexes of migration 0003 first: a
    rare term (a reference, a name) then costs an index lookup instead of a scan of every
    seizure; a term found in more than TEXT_MATCHES_BY_ID places (or shorter than a trigram) is
    tested row by row while the list walks its index order, which finds a page of a common term
    quickly. Either way the visibility and the other filters of `queryset` apply as they are.
    """
    if not postgresql():
        in_items = SeizureItem.objects.filter(seizure_id=OuterRef("pk"), description__icontains=text)
        in_identifiers = SeizureIdentifier.objects.filter(seizure_id=OuterRef("pk")).filter(
            Q(normalized__in=identifier_candidates(text)) | Q(normalized__icontains=text) | Q(value__icontains=text)
        )
        by_field = Q()
        for name in (*TEXT_FIELDS, EXTERNAL_REFERENCE):
            by_field |= Q(**{f"{name}__icontains": text})
        return queryset.filter(by_field | Exists(in_items) | Exists(in_identifiers))
    pattern = _like_pattern(text)
    in_external = external_reference_condition(text)
    in_text = text_search_condition(text)
    # Identifiers: any normalised form of what was typed (CSQU3054383 for "csqu 305438-3",
    # 9074729 for "IMO 9074729"), or a normalised value containing it ("GOLDEN LOTUS" in
    # "GOLDEN LOTUS TRADING"): the values are found in the dictionary (its primary key and
    # trigram index identifier_value_trgm, a few rows), then the identifiers holding them
    # through seizure_identifier_norm_id, which carries their seizure (migration 0014).
    candidates = Q(normalized__in=sorted(identifier_candidates(text)))
    if len(text) >= 3:
        part = Q(RawSQL("upper(normalized) LIKE upper(%s)", [pattern], output_field=BooleanField()))  # noqa: S611
        values = IdentifierValue.objects.filter(candidates | part).order_by().values("normalized")
        in_identifiers = SeizureIdentifier.objects.filter(normalized__in=values).order_by()
    else:
        in_identifiers = SeizureIdentifier.objects.filter(candidates).order_by()
    # Unqualified: Django renames the items table when this becomes a subquery.
    item_text = "upper(description) LIKE upper(%s)"
    in_items = SeizureItem.objects.filter(RawSQL(item_text, [pattern], output_field=BooleanField())).order_by()  # noqa: S611
    if len(text) >= 3:
        # Trigrams need three characters; a shorter term would make this probe a scan.
        matches = (
            Seizure.objects.filter(in_text)
            .order_by()
            .values_list("pk", flat=True)
            .union(
                Seizure.objects.filter(in_external).order_by().values_list("pk", flat=True),
                in_items.values_list("seizure_id", flat=True),
                in_identifiers.values_list("seizure_id", flat=True),
                all=True,
            )
        )
        count, ids = _matched_ids(matches, TEXT_MATCHES_BY_ID + 1)
        if count <= TEXT_MATCHES_BY_ID:
            # One array parameter, however many ids (an IN list would bind each one).
            table = Seizure._meta.db_table
            if count <= TEXT_MATCHES_BY_KEY or not ordered:
                by_id = RawSQL(f'"{table}"."id" = ANY(%s::bigint[])', [ids], output_field=BooleanField())  # noqa: S611 - bound
            else:
                # A common term: fetching every match by key to sort them costs a row read per
                # match; walking the list's own order and testing each row against the ids (a
                # hashed test) finds a page after about page / share rows. `+ 0` keeps the
                # planner from reading the ids through the primary key. A count (`ordered=False`)
                # has no order to walk: it reads the ids by key.
                by_id = RawSQL(f'("{table}"."id" + 0) = ANY(%s::bigint[])', [ids], output_field=BooleanField())  # noqa: S611 - bound
            return queryset.filter(by_id)
    return queryset.filter(
        in_text
        | Q(in_external)
        | Q(pk__in=in_items.values("seizure_id"))
        | Q(pk__in=in_identifiers.values("seizure_id"))
    )


def _matched_ids(matches: QuerySet, limit: int) -> tuple[int, str]:
    """How many of the probe's ids there are (up to `limit`) and the ids as one PostgreSQL array
    literal, made by PostgreSQL: 15,000 ids read as Python integers and bound back one by one
    cost ~20 ms of Python per search; as one text they cost a string."""
    sql, params = matches[:limit].query.sql_with_params()
    with serial_plan(), connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), string_agg(found.id::text, ',') FROM ({sql}) AS found(id)", params)  # noqa: S608
        count, joined = cursor.fetchone()
    return count, "{" + (joined or "") + "}"


def seizure_list(
    *,
    user,
    filters: dict[str, Any] | None = None,
    paged: bool = False,
    details: bool = True,
    source: SeizureQuerySet | None = None,
    ordered: bool = True,
) -> QuerySet[Seizure]:
    """The seizures the user may see, filtered, newest first, with everything prefetched.

    paged=True for a list read a page at a time (see SeizureQuerySet.visible_to_agency);
    details=False for a caller that reads rows rather than model instances, and `source` to
    start from rows already shaped (cases.seizures.api_output.row_queryset); ordered=False for
    a count (no order, and a common search term read by key rather than walked).
    """
    source = Seizure.objects.all() if source is None else source
    queryset = apply_filters(
        source.visible_to(user, paged=paged),
        filters or {},
        agency_id=getattr(user, "agency_id", None),
        ordered=ordered,
    )
    if not ordered:
        return queryset
    return (with_details(queryset) if details else queryset).order_by("-occurred_at", "-id")


def seizure_history(seizure: Seizure, *, user) -> list[dict[str, Any]]:
    """Every recorded change of the seizure, oldest first, as the reader may see it.

    An agency other than the owner is not told which joint operations the seizure was linked
    to: the operation values are left out of the changes, and the link and unlink entries with
    them (the current operation, where operation_shown_to allows, is on the seizure itself).
    """
    owner = getattr(user, "agency_id", None) == seizure.agency_id
    revisions = SeizureRevision.objects.filter(seizure=seizure).select_related("by", "by__agency").order_by("at", "id")
    entries = []
    for r in revisions:
        changes = r.changes or {}
        if not owner:
            if r.action == SeizureRevision.Action.LINKED:
                continue
            changes = {name: change for name, change in changes.items() if name != "operation"}
        entries.append(
            {
                "at": r.at,
                "by": (
                    {"id": r.by.pk, "full_name": r.by.full_name, "agency": r.by.agency.code if r.by.agency else None}
                    if r.by
                    else None
                ),
                "action": r.action,
                "changes": changes,
                "reason": r.reason,
            }
        )
    return entries


# The list counts its matches exactly up to this many; beyond, it says "more than".
COUNT_LIMIT = 10_000


def count_up_to(queryset: QuerySet[Seizure], limit: int = COUNT_LIMIT) -> tuple[int, bool]:
    """(matches, exact): the number of rows of `queryset`, counted up to `limit` + 1 (a bounded
    query at any size); exact is False when there are more than `limit`."""
    found = queryset.order_by().values("pk")[: limit + 1].count()
    return (min(found, limit), found <= limit)
