"""Cross-agency matching: writes.

A match is two seizures of different agencies that share a normalised identifier (container,
bill of lading, air waybill, flight, vessel IMO, plate, parcel, passport, phone, company).
Identifiers are looked up by the (kind, normalized) index, never by scanning. Both agencies
are alerted once per pair of seizures, however many identifiers the pair shares.
"""

from __future__ import annotations

import operator
from functools import reduce

from django.db import connections, transaction
from django.db.models import Q
from django.utils import timezone

from cases.matching.models import AccessRequest, Match
from cases.matching.notices import notify_access_request, notify_matches
from cases.matching.permissions import can_act_on_matches, can_grant_access
from cases.seizures.models import SHARED_STATUSES, Seizure, SeizureIdentifier, SeizureRevision
from crackdown.errors import Conflict, Forbidden
from members.models import Agency


def _pair(x: int, y: int) -> tuple[int, int]:
    return (x, y) if x < y else (y, x)


def match_on_submit(*, seizure: Seizure, by: object = None) -> list[Match]:
    """The submit hook: match a seizure that was a draft until now (no stored match to read)."""
    return match_seizure(seizure=seizure, just_submitted=True)


@transaction.atomic
def match_seizure(*, seizure: Seizure, just_submitted: bool = False) -> list[Match]:
    """Look the seizure's normalised identifiers up against other agencies' seizures.

    Called by seizure services after submit (`just_submitted`), and after identifiers change
    on a shared seizure. Returns the new matches (Match rows not stored before this call).

    Guarantees:
    - only a submitted or verified seizure matches, and only other agencies' submitted or
      verified seizures; a draft returns [] and changes nothing;
    - one index lookup: `(kind, normalized) IN (...)` on `seizure_identifier_lookup`;
    - each (pair, kind, normalized) is stored once (the unique constraint absorbs repeats and
      concurrent inserts); matches whose identifier the seizure no longer carries are removed;
    - both agencies are alerted once per pair of seizures that had no match before, all the
      new pairs' alerts written together (cases.matching.notices.notify_matches).
    """
    if seizure.status not in SHARED_STATUSES:
        return []
    keys = {
        (kind, normalized)
        for kind, normalized in SeizureIdentifier.objects.filter(seizure_id=seizure.pk).values_list(
            "kind", "normalized"
        )
        if normalized
    }

    # What is stored already, read once: matches whose identifier the seizure no longer
    # carries (removed or corrected since the last run) no longer link the pair. A seizure
    # just submitted has none to read: until now it was a draft, and a draft is never matched
    # on either side (nor does any seizure go back to draft).
    stored: dict[tuple[int, int, str, str], int] = {}
    if not just_submitted:
        mine = Q(seizure_a_id=seizure.pk) | Q(seizure_b_id=seizure.pk)
        stored = {
            (a, b, kind, normalized): pk
            for pk, a, b, kind, normalized in Match.objects.filter(mine)
            .order_by()
            .values_list("pk", "seizure_a_id", "seizure_b_id", "kind", "normalized")
        }
    stale = [pk for (_a, _b, kind, normalized), pk in stored.items() if (kind, normalized) not in keys]
    if stale:
        Match.objects.filter(pk__in=stale).delete()
    if not keys:
        return []

    hits = (
        SeizureIdentifier.objects.filter(reduce(operator.or_, (Q(kind=k, normalized=n) for k, n in keys)))
        .filter(seizure__status__in=SHARED_STATUSES)
        .exclude(seizure__agency_id=seizure.agency_id)
        .order_by()
        .values_list(
            "seizure_id",
            "kind",
            "normalized",
            # What the alerts say of the other side, read with it: no second read of the matches.
            "seizure__reference",
            "seizure__agency_id",
            "seizure__agency__code",
            "seizure__agency__name",
        )
        .distinct()
    )
    others: dict[int, Seizure] = {}
    candidates = set()
    for other_id, kind, normalized, reference, agency_id, code, name in hits:
        if other_id not in others:
            others[other_id] = _read_only_seizure(hits.db, other_id, reference, agency_id, code, name)
        candidates.add((*_pair(seizure.pk, other_id), kind, normalized))
    before = {key for key, pk in stored.items() if pk not in stale}
    new_keys = candidates - before
    if not new_keys:
        return []

    known_pairs = {(a, b) for a, b, _kind, _norm in before}
    sides = {seizure.pk: seizure, **others}
    now = timezone.now()
    new_matches = [
        Match(pk=pk, seizure_a=sides[a], seizure_b=sides[b], kind=k, normalized=n, created_at=now)
        for pk, a, b, k, n in _insert_matches(sorted(new_keys), now=now, using=hits.db)
    ]
    alerted: set[tuple[int, int]] = set()
    to_alert = []
    for match in new_matches:
        pair = (match.seizure_a_id, match.seizure_b_id)
        if pair in known_pairs or pair in alerted:
            continue
        alerted.add(pair)
        to_alert.append(match)
    # Only the Match goes to the alert: it must describe each side to each agency
    # without anything of a seizure that agency cannot see.
    notify_matches(matches=to_alert)
    return new_matches


def _insert_matches(keys: list[tuple[int, int, str, str]], *, now, using: str) -> list[tuple]:
    """Insert (seizure_a, seizure_b, kind, normalized) rows created at `now`; return the rows
    this call stored, as (id, seizure_a, seizure_b, kind, normalized), by id.

    `INSERT … ON CONFLICT DO NOTHING RETURNING` (PostgreSQL, SQLite ≥ 3.35): a row that is
    already stored, a concurrent call's included, is neither duplicated nor returned, so that
    only what this call stored is alerted. The ORM's bulk_create returns no ids with
    ignore_conflicts, and with update_conflicts returns the rows it did not insert too.
    """
    connection = connections[using]
    opts, quote = Match._meta, connection.ops.quote_name
    fields = {field.name: field for field in opts.concrete_fields}
    key_columns = [quote(fields[name].column) for name in ("seizure_a", "seizure_b", "kind", "normalized")]
    columns = ", ".join([*key_columns, quote(fields["created_at"].column)])
    rows = ", ".join(["(%s, %s, %s, %s, %s)"] * len(keys))
    sql = (
        f"INSERT INTO {quote(opts.db_table)} ({columns}) VALUES {rows} "  # noqa: S608 - our names
        f"ON CONFLICT ({', '.join(key_columns)}) DO NOTHING RETURNING {quote(opts.pk.column)}, {', '.join(key_columns)}"
    )
    created_at = connection.ops.adapt_datetimefield_value(now)
    params = [value for key in keys for value in (*key, created_at)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return sorted(cursor.fetchall())


def _read_only_seizure(db: str, pk: int, reference: str, agency_id: int, code: str, name: str) -> Seizure:
    """The other side of a match as the alerts read it: its id, reference and agency, the
    other fields deferred (as `.only()` leaves them)."""
    other = _deferred(Seizure, db, id=pk, reference=reference, agency_id=agency_id)
    other.agency = _deferred(Agency, db, id=agency_id, code=code, name=name)
    return other


def _deferred(model, db: str, **values):
    """An instance of `model` with the given column values, its other fields deferred."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(db, names, [values[name] for name in names])


def _other_seizure(match: Match, agency_id: int) -> Seizure:
    if match.seizure_a.agency_id == agency_id:
        return match.seizure_b
    if match.seizure_b.agency_id == agency_id:
        return match.seizure_a
    raise Forbidden("Your agency is not party to this match.")


@transaction.atomic
def access_request_create(*, match: Match, by) -> AccessRequest:
    """Ask the owner of the hidden side of a match to share it with the caller's agency.

    Guarantees: the caller is an officer or coordinator of an agency party to the match; the
    other seizure is still hidden from it (else 409); one request per (seizure, agency) —
    asking again returns the existing request without a second alert; the owner is alerted
    once, in the same transaction.
    """
    if not can_act_on_matches(by):
        raise Forbidden("Only officers and coordinators may request access.")
    seizure = _other_seizure(match, by.agency_id)
    return access_request_for_seizure(seizure=seizure, by=by, match=match, normalized=match.normalized)


@transaction.atomic
def access_request_for_seizure(
    *, seizure: Seizure, by, match: Match | None = None, normalized: str = ""
) -> AccessRequest:
    """Ask the owner of a seizure hidden from the caller's agency to share it.

    The one access request flow: a match's hidden side (`match`) or a blind lookout hit (no
    match; the caller checked that its agency has the hit). Guarantees: officers and
    coordinators only (403); a seizure the caller already sees is a Conflict (409); one
    request per (seizure, agency), the owner alerted once, in the same transaction.
    """
    if not can_act_on_matches(by):
        raise Forbidden("Only officers and coordinators may request access.")
    if Seizure.objects.visible_to(by).filter(pk=seizure.pk).exists():
        raise Conflict("Your agency can already see this seizure.")
    access_request, created = AccessRequest.objects.get_or_create(
        seizure=seizure,
        requesting_agency_id=by.agency_id,
        defaults={"match": match, "requested_by": by, "normalized": normalized},
    )
    if created:
        notify_access_request(access_request=access_request)
    return access_request


@transaction.atomic
def access_request_grant(*, access_request: AccessRequest, by) -> AccessRequest:
    """The owning agency shares the seizure with the requesting agency.

    Guarantees: only an officer or coordinator of the owning agency grants (else 403); a
    granted request is not granted twice (409); the requesting agency is added to the
    seizure's `shared_with` and a "shared" revision records who did it, in one transaction.
    """
    access_request = AccessRequest.objects.select_for_update().select_related("seizure").get(pk=access_request.pk)
    seizure = Seizure.objects.select_for_update().get(pk=access_request.seizure_id)
    if not can_grant_access(by, seizure.agency_id):
        raise Forbidden("Only officers and coordinators of the owning agency may share this seizure.")
    if access_request.granted_at is not None:
        raise Conflict("This request was already granted.")
    before = sorted(seizure.shared_with.values_list("code", flat=True))
    seizure.shared_with.add(access_request.requesting_agency_id)
    after = sorted(seizure.shared_with.values_list("code", flat=True))
    access_request.granted_at = timezone.now()
    access_request.save(update_fields=["granted_at"])
    SeizureRevision.objects.create(
        seizure=seizure,
        by=by,
        action=SeizureRevision.Action.SHARED,
        reason="Access requested after a cross-agency match",
        changes={"shared_with": [before, after]},
    )
    return access_request
