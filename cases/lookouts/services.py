"""Lookouts: writes (API.md "Lookouts").

Create, change, withdraw and expire a lookout, each with a revision; deconfliction when two
agencies watch the same value; the retro-hunt over earlier seizures. Hits themselves are made
by `cases.lookouts.watch.record_hits`, the one hook every kind of record goes through.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.alerts.outbox import BROKER_ERRORS
from cases.lookouts.inputs import clean_lookout_input
from cases.lookouts.models import (
    Deconfliction,
    Hit,
    HitSource,
    Lookout,
    LookoutRevision,
    LookoutStatus,
    LookoutValue,
    RetroStatus,
)
from cases.lookouts.notices import notify_deconflictions, notify_retro_hits
from cases.lookouts.permissions import can_create_lookout, can_request_hit_access, can_write_lookout
from cases.lookouts.watch import _insert_hits
from cases.matching.services import access_request_for_seizure
from cases.seizures.inputs import flatten_errors
from cases.seizures.models import SHARED_STATUSES, Seizure, SeizureIdentifier
from crackdown.celery import app
from crackdown.errors import Conflict, Forbidden

logger = logging.getLogger(__name__)

RETRO_TASK = "lookouts.retro_hunt"
RETRO_YEARS = 3
# Values looked up per step of a retro-hunt: the progress moves after each step.
RETRO_STEP = 100


def _validated(data: Any, *, agency, current: Lookout | None) -> dict[str, Any]:
    clean, errors = clean_lookout_input(data, agency=agency, current=current)
    if errors is not None:
        raise ValidationError(flatten_errors(errors))
    assert clean is not None
    return clean


def _snapshot(lookout: Lookout, values: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    return {
        "title": lookout.title,
        "reason": lookout.reason,
        "expires_at": lookout.expires_at.isoformat() if lookout.expires_at else None,
        "sharing": lookout.sharing,
        "shared_with": sorted(lookout.shared_with.values_list("code", flat=True)),
        "values": sorted(f"{k}:{n}" for k, n in (values if values is not None else _values(lookout))),
    }


def _values(lookout: Lookout) -> list[tuple[str, str]]:
    return list(LookoutValue.objects.filter(lookout=lookout).values_list("kind", "normalized"))


def _write_values(lookout: Lookout, rows: list[dict[str, Any]]) -> None:
    LookoutValue.objects.filter(lookout=lookout).delete()
    LookoutValue.objects.bulk_create(
        LookoutValue(
            lookout=lookout,
            kind=row["kind"],
            value=row["value"],
            normalized=row["normalized"],
            active=lookout.status == LookoutStatus.ACTIVE,
            position=index,
        )
        for index, row in enumerate(rows)
    )


@transaction.atomic
def lookout_create(*, by, data: Any, retro: bool = True) -> Lookout:
    """A new active lookout of the caller's agency.

    Guarantees: only officers and coordinators (Forbidden otherwise); every field is validated
    before anything is written (a ValidationError keyed by field, nothing saved); a "created"
    revision; other agencies' active lookouts on the same values are deconflicted (both
    alerted) in the same transaction; with `retro`, the retro-hunt is queued after commit.
    """
    if not can_create_lookout(by):
        raise Forbidden(_("Only officers and coordinators of a member agency create lookouts."))
    clean = _validated(data, agency=by.agency, current=None)
    lookout = Lookout.objects.create(
        agency=by.agency,
        created_by=by,
        title=clean["title"],
        reason=clean.get("reason", ""),
        expires_at=clean["expires_at"],
        sharing=clean["sharing"],
        retro_status=RetroStatus.QUEUED if retro else "",
    )
    lookout.shared_with.set(clean.get("shared_with") or [])
    _write_values(lookout, clean["values"])
    LookoutRevision.objects.create(
        lookout=lookout, by=by, action=LookoutRevision.Action.CREATED, changes=_snapshot(lookout)
    )
    deconflict(lookout=lookout)
    if retro:
        queue_retro_hunt(lookout)
    return lookout


@transaction.atomic
def lookout_update(*, lookout: Lookout, by, data: Any) -> Lookout:
    """Change an active lookout of the caller's agency; `values`, when given, replace the list.

    Guarantees: only officers and coordinators of its agency (Forbidden); an ended lookout is
    not changed (Conflict); validated first, nothing half-saved; an "updated" revision holds
    [before, after] of each changed field; new values are deconflicted and hunted back.
    """
    lookout = Lookout.objects.select_for_update().get(pk=lookout.pk)
    if not can_write_lookout(by, lookout):
        raise Forbidden(_("Only officers and coordinators of the lookout's agency change it."))
    if lookout.status != LookoutStatus.ACTIVE:
        raise Conflict(_("This lookout has ended and can no longer be changed."))
    clean = _validated(data, agency=lookout.agency, current=lookout)
    before = _snapshot(lookout)
    for name in ("title", "reason", "expires_at", "sharing"):
        if name in clean:
            setattr(lookout, name, clean[name])
    lookout.save()
    if "shared_with" in clean:
        lookout.shared_with.set(clean["shared_with"])
    values_changed = False
    if "values" in clean:
        old = {(k, n) for k, n in _values(lookout)}
        new = {(row["kind"], row["normalized"]) for row in clean["values"]}
        values_changed = old != new
        _write_values(lookout, clean["values"])
    after = _snapshot(lookout)
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if changes:
        LookoutRevision.objects.create(lookout=lookout, by=by, action=LookoutRevision.Action.UPDATED, changes=changes)
    if values_changed:
        deconflict(lookout=lookout)
        Lookout.objects.filter(pk=lookout.pk).update(retro_status=RetroStatus.QUEUED, retro_done=0, retro_total=0)
        lookout.retro_status, lookout.retro_done, lookout.retro_total = RetroStatus.QUEUED, 0, 0
        queue_retro_hunt(lookout)
    return lookout


def _end(lookout: Lookout, *, status: str, by, action: str) -> None:
    now = timezone.now()
    Lookout.objects.filter(pk=lookout.pk).update(status=status, ended_at=now, updated_at=now)
    LookoutValue.objects.filter(lookout_id=lookout.pk).update(active=False)
    LookoutRevision.objects.create(lookout=lookout, by=by, action=action, changes={"status": [lookout.status, status]})
    lookout.status, lookout.ended_at, lookout.updated_at = status, now, now


@transaction.atomic
def lookout_withdraw(*, lookout: Lookout, by) -> Lookout:
    """End an active lookout now: it makes no further hit. Conflict when it has ended already."""
    lookout = Lookout.objects.select_for_update().get(pk=lookout.pk)
    if not can_write_lookout(by, lookout):
        raise Forbidden(_("Only officers and coordinators of the lookout's agency withdraw it."))
    if lookout.status != LookoutStatus.ACTIVE:
        raise Conflict(_("This lookout has already ended."))
    _end(lookout, status=LookoutStatus.WITHDRAWN, by=by, action=LookoutRevision.Action.WITHDRAWN)
    return lookout


def expire_due(*, now: dt.datetime | None = None) -> int:
    """End every active lookout whose expiry has passed (the beat task); returns how many."""
    now = now or timezone.now()
    ended = 0
    due = Lookout.objects.filter(status=LookoutStatus.ACTIVE, expires_at__lte=now).values_list("pk", flat=True)
    for pk in list(due[:1000]):
        with transaction.atomic():
            lookout = Lookout.objects.select_for_update().filter(pk=pk, status=LookoutStatus.ACTIVE).first()
            if lookout is None:
                continue
            _end(lookout, status=LookoutStatus.EXPIRED, by=None, action=LookoutRevision.Action.EXPIRED)
            ended += 1
    return ended


def deconflict(*, lookout: Lookout) -> list[Deconfliction]:
    """Pair the lookout with other agencies' active lookouts that hold one of its values.

    One indexed lookup for all its values; each (pair, value) stored once; both agencies are
    alerted once per pair of lookouts that was not deconflicted before.
    """
    keys = set(_values(lookout))
    if not keys or lookout.status != LookoutStatus.ACTIVE:
        return []
    others = [
        value
        for value in LookoutValue.objects.filter(
            active=True,
            normalized__in=sorted({n for _k, n in keys}),
            lookout__status=LookoutStatus.ACTIVE,
            lookout__expires_at__gt=timezone.now(),
        )
        .exclude(lookout__agency_id=lookout.agency_id)
        .select_related("lookout__agency", "lookout__created_by")
        if (value.kind, value.normalized) in keys
    ]
    if not others:
        return []
    mine = Q(lookout_a_id=lookout.pk) | Q(lookout_b_id=lookout.pk)
    stored = set(Deconfliction.objects.filter(mine).values_list("lookout_a_id", "lookout_b_id", "kind", "normalized"))
    known_pairs = {(a, b) for a, b, _k, _n in stored}
    lookout = Lookout.objects.select_related("agency", "created_by").get(pk=lookout.pk)
    made = []
    for other in others:
        a, b = sorted((lookout, other.lookout), key=lambda item: item.pk)
        key = (a.pk, b.pk, other.kind, other.normalized)
        if key in stored:
            continue
        stored.add(key)
        made.append(Deconfliction(lookout_a=a, lookout_b=b, kind=other.kind, normalized=other.normalized))
    Deconfliction.objects.bulk_create(made, ignore_conflicts=True)
    notify_deconflictions(deconflictions=[d for d in made if (d.lookout_a_id, d.lookout_b_id) not in known_pairs])
    return made


def queue_retro_hunt(lookout: Lookout) -> None:
    """Queue the retro-hunt once the caller's transaction commits (a broker that is down
    leaves it `queued`; the page offers to run it again)."""
    transaction.on_commit(partial(_send_retro, lookout.pk))


def _send_retro(pk: int) -> None:
    try:
        app.signature(RETRO_TASK, args=(pk,)).delay()
    except BROKER_ERRORS:  # the status stays queued, shown on the page
        logger.warning("retro-hunt of lookout %s not queued (broker unavailable)", pk)


def retro_hunt(*, lookout_id: int, now: dt.datetime | None = None) -> int:
    """Run a lookout over the seizures submitted in the past three years (`source: retro`).

    Its values are looked up RETRO_STEP at a time on the `seizure_identifier_norm_id` index; the
    progress (`retro_done` of `retro_total` values) is committed after each step so that the
    page shows it. Hits are recorded once per (seizure, value); at the end the lookout's agency
    gets one summary alert. Returns the number of new hits.
    """
    now = now or timezone.now()
    lookout = Lookout.objects.select_related("agency").filter(pk=lookout_id).first()
    if lookout is None or lookout.status != LookoutStatus.ACTIVE:
        if lookout is not None:
            Lookout.objects.filter(pk=lookout_id).update(retro_status=RetroStatus.DONE)
        return 0
    values = sorted(_values(lookout))
    Lookout.objects.filter(pk=lookout_id).update(
        retro_status=RetroStatus.RUNNING, retro_done=0, retro_total=len(values)
    )
    since = now - dt.timedelta(days=365 * RETRO_YEARS + 1)
    total_hits = 0
    seizures: set[int] = set()
    try:
        for start in range(0, len(values), RETRO_STEP):
            step = values[start : start + RETRO_STEP]
            keys = set(step)
            found = [
                row
                for row in SeizureIdentifier.objects.filter(
                    normalized__in=sorted({n for _k, n in step}),
                    seizure__status__in=SHARED_STATUSES,
                    seizure__occurred_at__gte=since,
                )
                .order_by()
                .values_list("seizure_id", "kind", "normalized", "seizure__agency_id")
                .distinct()
                if (row[1], row[2]) in keys
            ]
            with transaction.atomic():
                hits = (
                    _insert_hits(
                        [
                            Hit(
                                lookout=lookout,
                                kind=kind,
                                normalized=normalized,
                                source=HitSource.RETRO,
                                agency_id=agency_id,
                                seizure_id=seizure_id,
                                created_at=now,
                            )
                            for seizure_id, kind, normalized, agency_id in found
                        ],
                        lookouts={lookout.pk: lookout},
                    )
                    if found
                    else []
                )
                total_hits += len(hits)
                seizures.update(hit.seizure_id for hit in hits if hit.seizure_id)
                Lookout.objects.filter(pk=lookout_id).update(
                    retro_done=start + len(step), hit_count=F("hit_count") + len(hits)
                )
        with transaction.atomic():
            Lookout.objects.filter(pk=lookout_id).update(retro_status=RetroStatus.DONE)
            notify_retro_hits(lookout=lookout, hits=total_hits, records=len(seizures))
    except Exception:
        Lookout.objects.filter(pk=lookout_id).update(retro_status=RetroStatus.FAILED)
        raise
    return total_hits


@transaction.atomic
def hit_access_request(*, hit: Hit, by):
    """Ask the owner of a blind hit's seizure to share it: matching's access request flow.

    Guarantees: officers and coordinators of the lookout's agency only (Forbidden); a hit on
    no seizure (a manifest line) or on a seizure the agency already sees is a Conflict; one
    request per (seizure, agency), the owner alerted once.
    """
    if not can_request_hit_access(by, hit.lookout):
        raise Forbidden(_("Only officers and coordinators of the lookout's agency request access."))
    if hit.seizure_id is None:
        raise Conflict(_("This hit is on a manifest line, not a seizure."))
    seizure = Seizure.objects.select_related("agency").get(pk=hit.seizure_id)
    return access_request_for_seizure(seizure=seizure, by=by, normalized=hit.normalized)


def mark_hits_seen(*, lookout: Lookout, by) -> None:
    """Its own agency opened the lookout: its hits are no longer new (the badge)."""
    if by.agency_id == lookout.agency_id and lookout.hit_count:
        now = timezone.now()
        Lookout.objects.filter(pk=lookout.pk).update(hits_seen_at=now)


def lookout_from_seizure(*, seizure: Seizure, by, days: int = 90) -> Lookout:
    """One click on a seizure's page: watch its identifiers for `days`, shared with all members.

    The title names the seizure's reference (the caller sees the seizure); the new lookout is
    then edited like any other. A seizure without identifiers is refused (ValidationError).
    """
    values = [
        {"kind": kind, "value": value}
        for kind, value in SeizureIdentifier.objects.filter(seizure_id=seizure.pk).values_list("kind", "value")
    ]
    if not values:
        raise ValidationError({"values": [_("This seizure has no identifier to watch.")]})
    data = {
        "title": _("Identifiers of seizure %(ref)s") % {"ref": seizure.reference},
        "reason": "",
        "expires_at": timezone.now() + dt.timedelta(days=days),
        "sharing": "members",
        "shared_with": [],
        "values": values[:500],
    }
    return lookout_create(by=by, data=data)
