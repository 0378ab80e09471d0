"""THE hook: a record carrying a watched value makes a hit (API.md "Lookouts").

`record_hits` is the one function every source calls: a submitted seizure (registered on
`cases.seizures.hooks.on_submitted`), a seizure found by a lookout's retro-hunt, an arriving
manifest line (targeting) and imported seizures (imports, with `notify=False` and one summary
alert of their own). Apps above lookouts call it; lookouts knows none of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import connections, router, transaction
from django.db.models import BooleanField, Case, F, Value, When
from django.utils import timezone

from cases.lookouts.models import Hit, HitSource, Lookout, LookoutStatus, LookoutValue
from cases.lookouts.notices import notify_hits
from cases.seizures.models import Seizure, SeizureIdentifier
from cases.seizures.visibility import condition, is_public

if TYPE_CHECKING:
    from members.models import Agency


def record_hits(
    *,
    source: str,
    agency: Agency,
    values: Iterable[tuple[str, str]],
    seizure: Seizure | None = None,
    subject_id: int | None = None,
    notify: bool = True,
) -> list[Hit]:
    """Record a hit for every active lookout that lists one of `values`; return the new hits.

    `values` are (identifier kind, normalised value) pairs carried by one record of `agency`:
    the seizure `seizure`, or the manifest line `subject_id`. `source` is `seizure`,
    `manifest_line` or `retro`.

    Guarantees:
    - one indexed lookup for the whole value set (`normalized IN (...)` on the partial index
      `lookout_value_active`), and a constant number of queries whatever the number of values,
      lookouts or hits (lookup, insert, counter update; with `notify`, one visibility read and
      the outbox's two inserts);
    - only active, unexpired lookouts hit; a lookout hits a record once per value (repeats and
      concurrent calls are absorbed by the unique constraints and not returned);
    - each hit carries its `lookout` (loaded, with its agency) so callers can weigh it;
    - with `notify`, each lookout's agency gets one urgent `lookout_hit` alert per record, in
      the caller's transaction; the seizure's reference only where that agency may see it.
    """
    if source not in HitSource.values:
        raise ValueError(f"unknown hit source {source!r}")
    if source == HitSource.MANIFEST_LINE and subject_id is None:
        raise ValueError("a manifest line hit needs subject_id")
    if source != HitSource.MANIFEST_LINE and seizure is None:
        raise ValueError("a seizure or retro hit needs the seizure")
    keys = {(kind, normalized) for kind, normalized in values if normalized}
    if not keys:
        return []
    now = timezone.now()
    watched = [
        value
        for value in LookoutValue.objects.filter(
            active=True,
            normalized__in=sorted({normalized for _kind, normalized in keys}),
            lookout__status=LookoutStatus.ACTIVE,
            lookout__expires_at__gt=now,
        )
        .select_related("lookout__agency")
        .order_by("lookout_id", "position", "id")
        if (value.kind, value.normalized) in keys
    ]
    if not watched:
        return []
    lookouts = {value.lookout_id: value.lookout for value in watched}
    # No savepoint: inside a submit (the usual caller) an error rolls the whole submit back anyway.
    with transaction.atomic(using=router.db_for_write(Hit), savepoint=False):
        hits = _insert_hits(
            [
                Hit(
                    lookout=value.lookout,
                    kind=value.kind,
                    normalized=value.normalized,
                    source=source,
                    agency=agency,
                    seizure=seizure,
                    subject_id=subject_id,
                    created_at=now,
                )
                for value in watched
            ],
            lookouts=lookouts,
        )
        if not hits:
            return []
        added: dict[int, int] = {}
        for hit in hits:
            added[hit.lookout_id] = added.get(hit.lookout_id, 0) + 1
        Lookout.objects.filter(pk__in=added).update(
            hit_count=F("hit_count") + Case(*(When(pk=pk, then=Value(n)) for pk, n in added.items()), default=0)
        )
        for pk, n in added.items():
            lookouts[pk].hit_count += n
        if notify:
            seen = agencies_seeing(seizure, {lk.agency_id for lk in lookouts.values()}, record_agency=agency)
            notify_hits(hits=hits, record_agency=agency, seizure=seizure, source=source, visible_to=seen)
    return hits


def agencies_seeing(seizure: Seizure | None, agency_ids: set[int], *, record_agency: Agency) -> set[int]:
    """Which of these agencies may see the record: at most one query (none for a seizure shared
    with all members, for the seizure's own agency, or for a manifest line, which its own
    agency alone sees)."""
    if seizure is None:
        return {record_agency.pk} & agency_ids
    if is_public(seizure.status, seizure.sharing):
        return set(agency_ids)  # shared with all members: every agency sees it, no query
    ids = sorted(agency_ids - {seizure.agency_id})
    own = {seizure.agency_id} & agency_ids
    if not ids:
        return own
    annotations = {
        f"sees_{pk}": Case(
            When(condition(Seizure, pk), then=Value(True)), default=Value(False), output_field=BooleanField()
        )
        for pk in ids
    }
    flags = Seizure.objects.filter(pk=seizure.pk).annotate(**annotations).values_list(*annotations).first()
    if flags is None:
        return own
    return own | {pk for pk, seen in zip(ids, flags, strict=True) if seen}


def _insert_hits(hits: list[Hit], *, lookouts: dict[int, Lookout]) -> list[Hit]:
    """Insert hits with `INSERT … ON CONFLICT DO NOTHING RETURNING`: only the rows this call
    stored come back (PostgreSQL, SQLite ≥ 3.35), each given its id and its loaded lookout."""
    db = router.db_for_write(Hit)
    connection = connections[db]
    opts, quote = Hit._meta, connection.ops.quote_name
    names = ["lookout", "kind", "normalized", "source", "agency", "seizure", "subject_id", "created_at"]
    fields = [field for field in opts.concrete_fields if field.name in names]
    fields.sort(key=lambda field: names.index(field.name))
    columns = ", ".join(quote(field.column) for field in fields)
    rows = ", ".join(["(" + ", ".join(["%s"] * len(fields)) + ")"] * len(hits))
    sql = (
        f"INSERT INTO {quote(opts.db_table)} ({columns}) VALUES {rows} "  # noqa: S608 - our names
        f"ON CONFLICT DO NOTHING RETURNING {quote(opts.pk.column)}, "
        f"{quote(fields[0].column)}, {quote(fields[1].column)}, {quote(fields[2].column)}"
    )
    params: list[Any] = []
    for hit in hits:
        params.extend(
            [
                hit.lookout_id,
                hit.kind,
                hit.normalized,
                hit.source,
                hit.agency_id,
                hit.seizure_id,
                hit.subject_id,
                connection.ops.adapt_datetimefield_value(hit.created_at),
            ]
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        stored = {(lookout_id, kind, normalized): pk for pk, lookout_id, kind, normalized in cursor.fetchall()}
    made = []
    for hit in hits:
        pk = stored.get((hit.lookout_id, hit.kind, hit.normalized))
        if pk is None:
            continue
        hit.pk = pk
        hit._state.adding = False
        hit._state.db = db
        hit.lookout = lookouts[hit.lookout_id]
        made.append(hit)
    return made


def hits_on_submit(*, seizure: Seizure, by: Any = None, notify: bool = True) -> list[Hit]:
    """The submit hook: a seizure just submitted hits the lookouts that watch its identifiers.

    Every submit runs it, and almost none hits: the check is one statement that joins the
    seizure's identifiers to the active lookout values (the identifiers' seizure index, then
    lookout_value_active per value) and returns only the watched pairs, so a seizure that hits
    nothing costs one round trip and no ORM work. A watched pair goes on to `record_hits`.
    """
    values = watched_identifiers(seizure.pk, now=timezone.now())
    if not values:
        return []
    return record_hits(source=HitSource.SEIZURE, agency=seizure.agency, values=values, seizure=seizure, notify=notify)


def watched_identifiers(seizure_id: int, *, now: Any) -> list[tuple[str, str]]:
    """The (kind, normalised value) pairs of the seizure's identifiers that an active, unexpired
    lookout lists: one statement."""
    identifier, value, lookout = SeizureIdentifier._meta, LookoutValue._meta, Lookout._meta
    connection = connections[router.db_for_read(LookoutValue)]
    quote = connection.ops.quote_name
    sql = (
        f"SELECT DISTINCT i.{quote('kind')}, i.{quote('normalized')} "  # noqa: S608 - our names
        f"FROM {quote(identifier.db_table)} i "
        f"JOIN {quote(value.db_table)} v ON v.{quote('normalized')} = i.{quote('normalized')} "
        f"AND v.{quote('kind')} = i.{quote('kind')} AND v.{quote('active')} "
        f"JOIN {quote(lookout.db_table)} l ON l.{quote('id')} = v.{quote('lookout_id')} "
        f"WHERE i.{quote('seizure_id')} = %s AND i.{quote('normalized')} <> '' "
        f"AND l.{quote('status')} = %s AND l.{quote('expires_at')} > %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [seizure_id, LookoutStatus.ACTIVE, connection.ops.adapt_datetimefield_value(now)])
        return [(kind, normalized) for kind, normalized in cursor.fetchall()]


def hits_on_identifiers_changed(*, seizure: Seizure) -> list[Hit]:
    """A shared seizure's identifiers changed: a value added since it was submitted may hit."""
    return hits_on_submit(seizure=seizure)
