"""Seizure services: every write of a seizure goes through one of these functions.

Each runs in one transaction, validates everything before it writes anything (so a bad
field leaves the database as it was), and records a SeizureRevision with who, when, why and
which fields changed. Each write that can move a seizure between statistics keys also
updates the seizure summary (SeizureStat) through `stats_apply` in that transaction.
Input is validated through the one description of a seizure (cases.seizures.inputs) against
the models' rules; errors are django ValidationErrors keyed by field, rows of nested lists
keyed "items.0.quantity" (`inputs.nest_errors` gives the API's shape).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.choices import SeizureStatus
from cases.seizures import hooks
from cases.seizures import validators as v
from cases.seizures.batch_rows import write_new
from cases.seizures.fields import ROW_INPUT_FIELDS, ROW_LISTS, SCALAR_FIELDS
from cases.seizures.inputs import clean_seizure_input, flatten_errors
from cases.seizures.models import (
    ROW_MODELS,
    Seizure,
    SeizureAccess,
    SeizureRevision,
    SeizureTransit,
)
from cases.seizures.notices import notify_seizure_submitted
from cases.seizures.permissions import can_report, can_verify, can_write
from cases.seizures.summary import Deltas, apply_deltas, contribution, merge, stats_apply
from crackdown.errors import Conflict, Forbidden
from crackdown.sequences import next_value
from crackdown.services import model_update

# What an update may set on the seizure's own row (its rows and shares are written beside it).
UPDATABLE_FIELDS = (
    *SCALAR_FIELDS,
    "transit_countries",
    "operation",
    "total_weight_kg",
    "tablets",
    "items_without_weight",
)
# Set from rows already looked up (the operation by the input, the people by the caller) or
# drawn unique (the reference): full_clean need not read them again.
CHECKED_FIELDS = ("agency", "reported_by", "operation", "verified_by", "reference")


def _validated(data: Any, *, agency: Any, current: Seizure | None) -> dict[str, Any]:
    """The cleaned input, or one ValidationError naming every problem (nothing is written)."""
    clean, errors = clean_seizure_input(data, agency=agency, current=current)
    if errors is not None:
        raise ValidationError(flatten_errors(errors))
    assert clean is not None
    return clean


# --- permission --------------------------------------------------------------------------


def _require_writer(seizure: Seizure, by) -> None:
    if not can_write(by, seizure):
        raise Forbidden(_("Only officers and coordinators of the reporting agency may change this seizure."))


# --- the history --------------------------------------------------------------------------


def _jsonable(value):
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)


def snapshot(seizure: Seizure) -> dict[str, Any]:
    """The seizure's recorded fields as JSON, for diffs in the history."""
    data = {field: _jsonable(getattr(seizure, field)) for field in SCALAR_FIELDS}
    data["transit_countries"] = list(seizure.transit_countries or [])
    data["operation"] = seizure.operation_id
    data["shared_with"] = sorted(a.code for a in seizure.shared_with.all())
    for rows in ROW_LISTS:
        data[rows] = [
            {name: _jsonable(getattr(row, name)) for name in ROW_INPUT_FIELDS[rows]}
            for row in getattr(seizure, rows).all()
        ]
    return data


def _diff(before: dict, after: dict) -> dict[str, list]:
    return {key: [before.get(key), after[key]] for key in after if before.get(key) != after[key]}


def status_change(before: str, after: str) -> dict[str, list[str]]:
    """The changes a transition records."""
    return {"status": [before, after]}


def revision_row(
    *,
    seizure_id: int,
    by_id: int | None,
    action: str,
    changes: dict | None = None,
    reason: str = "",
    at: dt.datetime | None = None,
) -> SeizureRevision:
    """One entry of a seizure's history, unsaved: every writer of the history builds it here.

    The services save it at once (its time is the save's); the demo and benchmark generator
    writes many in bulk with the historical time it gives as `at`.
    """
    revision = SeizureRevision(seizure_id=seizure_id, by_id=by_id, action=action, changes=changes or {}, reason=reason)
    if at is not None:
        revision.at = at
    return revision


def _revision(seizure: Seizure, by, action: str, *, changes: dict | None = None, reason: str = "") -> None:
    revision_row(
        seizure_id=seizure.pk, by_id=getattr(by, "pk", None), action=action, changes=changes, reason=reason
    ).save()


def _write_nested(seizure: Seizure, clean: dict[str, Any], *, replace: bool) -> None:
    for rows, model in ROW_MODELS.items():
        if rows not in clean:
            continue
        if replace:
            model._default_manager.filter(seizure=seizure).delete()
        model._default_manager.bulk_create(
            model(seizure=seizure, position=index, **row) for index, row in enumerate(clean[rows])
        )
    if "transit_countries" in clean:
        if replace:
            SeizureTransit.objects.filter(seizure=seizure).delete()
        SeizureTransit.objects.bulk_create(
            [SeizureTransit(seizure=seizure, country=c, position=i) for i, c in enumerate(clean["transit_countries"])]
        )
    if "shared_with" in clean:
        seizure.shared_with.set(clean["shared_with"])


def _lock(seizure: Seizure) -> Seizure:
    """Re-read the seizure under a row lock so that concurrent transitions serialise."""
    return Seizure.objects.select_for_update(of=("self",)).select_related("agency", "operation").get(pk=seizure.pk)


def format_reference(code: str, year: int, number: int) -> str:
    return f"{code}-{year}-{number:06d}"


def _totals(clean: dict[str, Any]) -> dict[str, Any]:
    """The seizure's figures from its items: kg equivalents, tablets, items without weight."""
    items = clean["items"]
    return {
        "total_weight_kg": v.total_weight_kg(row["kg_equivalent"] for row in items),
        "tablets": sum((v.tablets(row["quantity"], row["unit"]) for row in items), v.ZERO_KG),
        "items_without_weight": sum(1 for row in items if row["kg_equivalent"] is None),
    }


# --- services ----------------------------------------------------------------------------


@transaction.atomic
def seizure_create(*, by, data: dict) -> Seizure:
    """Record a new draft seizure of the caller's agency, with its items, identifiers and persons.

    Guarantees: only officers and coordinators create (Forbidden otherwise); every field is
    validated before anything is written and a ValidationError keyed by field leaves no row
    behind; the reference `<AGENCY>-<YEAR>-<NNNNNN>` is unique even under concurrent creates;
    weights are normalised to kg; a "created" revision is recorded.
    """
    if not can_report(by):
        raise Forbidden(_("Only officers and coordinators of a member agency record seizures."))
    agency = by.agency
    clean = _validated(data, agency=agency, current=None)
    year = timezone.now().year
    number = next_value(f"seizure:{agency.code}:{year}")
    seizure = Seizure(
        reference=format_reference(agency.code, year, number),
        agency=agency,
        reported_by=by,
        status=SeizureStatus.DRAFT,
        **_totals(clean),
        **{name: clean[name] for name in UPDATABLE_FIELDS if name in clean},
    )
    seizure.full_clean(exclude=CHECKED_FIELDS, validate_unique=False, validate_constraints=False)
    seizure.save()
    clean.setdefault("transit_countries", [])
    _write_nested(seizure, clean, replace=False)
    stats_apply(seizure, +1)
    after = snapshot(seizure)
    _revision(
        seizure,
        by,
        SeizureRevision.Action.CREATED,
        changes={k: [None, val] for k, val in after.items() if val not in (None, "", [])},
    )
    return seizure


def _input_snapshot(seizure: Seizure, clean: dict[str, Any]) -> dict[str, Any]:
    """What `snapshot` would read back of a seizure written from `clean`, without reading it."""
    data = {field: _jsonable(getattr(seizure, field)) for field in SCALAR_FIELDS}
    data["transit_countries"] = list(seizure.transit_countries or [])
    data["operation"] = seizure.operation_id
    data["shared_with"] = sorted(a.code for a in clean.get("shared_with") or [])
    for rows in ROW_LISTS:
        data[rows] = [
            {name: _jsonable(row.get(name)) for name in ROW_INPUT_FIELDS[rows]} for row in clean.get(rows) or []
        ]
    return data


@transaction.atomic
def seizure_bulk_create(
    *, by, rows: list[dict[str, Any]], submit: bool = False, reason: str = "", summary: Deltas | None = None
) -> list[Seizure]:
    """Record many seizures of the caller's agency at once: a bulk import's new rows.

    `rows` are inputs already cleaned by `clean_seizure_input` (the caller validated every
    row of its file first). Guarantees, as `seizure_create` for each row: only officers and
    coordinators (Forbidden); unique references drawn from the agency's counter in one
    reservation; weights in kg; the summary and an "imported" revision (with `reason`)
    written in the same transaction. With `submit` each seizure is recorded as submitted and
    the submit hooks run with `notify=False`: matches and hits are recorded, no per-seizure
    alert is sent (the caller sends one summary per partner agency). A few statements per
    batch, not per row. A caller writing several batches in one transaction may pass
    `summary`: the batch's contribution is added to it, and the caller applies it
    (`summary.apply_deltas`) before its transaction ends; new seizures of one file share most
    of their summary keys (month, route, mode), so one upsert serves many batches.
    """
    if not can_report(by):
        raise Forbidden(_("Only officers and coordinators of a member agency record seizures."))
    if not rows:
        return []
    agency = by.agency
    now = timezone.now()
    year = now.year
    first = next_value(f"seizure:{agency.code}:{year}", count=len(rows))
    status = SeizureStatus.SUBMITTED if submit else SeizureStatus.DRAFT
    seizures = []
    for offset, clean in enumerate(rows):
        seizure = Seizure(
            reference=format_reference(agency.code, year, first + offset),
            agency=agency,
            reported_by=by,
            status=status,
            submitted_at=now if submit else None,
            **_totals(clean),
            **{name: clean[name] for name in UPDATABLE_FIELDS if name in clean},
        )
        if "transit_countries" not in clean:
            seizure.transit_countries = []
        seizures.append(seizure)
    deltas: dict = {}
    for seizure, clean in zip(seizures, rows, strict=True):
        fields = {name: getattr(seizure, name) for name in ("occurred_at", "agency_id", "status", "sharing")}
        for name in ("transport_mode", "country", "origin_country", "destination_country", "transit_countries"):
            fields[name] = getattr(seizure, name)
        for name in ("total_weight_kg", "tablets", "items_without_weight"):
            fields[name] = getattr(seizure, name)
        items = ((item["drug"], item["kg_equivalent"], item["quantity"], item["unit"]) for item in clean["items"])
        merge(deltas, contribution(fields, items))
    if summary is None:
        apply_deltas(deltas)
    else:
        merge(summary, deltas)
    revisions = []
    for seizure, clean in zip(seizures, rows, strict=True):
        after = _input_snapshot(seizure, clean)
        after["status"] = seizure.status
        changes = {k: [None, val] for k, val in after.items() if val not in (None, "", [])}
        revisions.append(
            revision_row(
                seizure_id=0,  # set by write_new once the seizure has its id
                by_id=by.pk,
                action=SeizureRevision.Action.IMPORTED,
                changes=changes,
                reason=reason,
            )
        )
    write_new(seizures, rows, revisions)
    if submit:
        for seizure in seizures:
            hooks.seizure_submitted(seizure=seizure, by=by, notify=False)
    return seizures


@transaction.atomic
def seizure_update(
    *,
    seizure: Seizure,
    by,
    data: dict,
    amendment_reason: str = "",
    imported: bool = False,
    clean: dict[str, Any] | None = None,
) -> Seizure:
    """Change the keys present in `data`; nested lists present are replaced whole.

    Guarantees: only officers and coordinators of the owning agency write (Forbidden); a
    verified seizure changes only with an amendment reason and is recorded as "amended";
    nothing is written when any field is wrong; the history records every changed field with
    its old and new value; identifiers changed on a shared seizure are matched again.
    A bulk import (`imported`, with the input it has already validated as `clean`) is
    recorded as "imported", its reason the import.
    """
    _require_writer(seizure, by)
    seizure = _lock(seizure)
    _require_writer(seizure, by)
    amendment_reason = (amendment_reason or "").strip()
    is_amendment = seizure.status == SeizureStatus.VERIFIED
    if clean is None:
        clean = _validated(data, agency=seizure.agency, current=seizure)
    if is_amendment and not amendment_reason:
        raise ValidationError({"amendment_reason": [_("A verified seizure changes only with an amendment reason.")]})
    before = snapshot(seizure)
    stats_apply(seizure, -1)
    values = dict(clean)
    if "items" in clean:
        values.update(_totals(clean))
    seizure, changed = model_update(
        instance=seizure, fields=UPDATABLE_FIELDS, data=values, clean_exclude=CHECKED_FIELDS
    )
    if not changed:
        # A change of rows or shares alone is still a change of the seizure.
        seizure.save(update_fields=["updated_at"])
    _write_nested(seizure, clean, replace=True)
    stats_apply(seizure, +1)
    changes = _diff(before, snapshot(seizure))
    if changes or amendment_reason:
        action = SeizureRevision.Action.AMENDED if is_amendment else SeizureRevision.Action.UPDATED
        if imported:
            action = SeizureRevision.Action.IMPORTED
        _revision(seizure, by, action, changes=changes, reason=amendment_reason)
    if "identifiers" in changes and seizure.status != SeizureStatus.DRAFT:
        hooks.identifiers_changed(seizure=seizure)
    return seizure


@transaction.atomic
def seizure_submit(*, seizure: Seizure, by, notify: bool = True) -> Seizure:
    """Submit a draft: from now on partner agencies see it as its sharing allows.

    Guarantees: only the owning agency's officers and coordinators (Forbidden); only a draft
    (Conflict); the alert to the agencies on the route and the identifier matching are
    written in the same transaction. With `notify=False` (a bulk import, which sends one
    summary per partner agency) matches and hits are recorded and no per-seizure alert sent.
    """
    _require_writer(seizure, by)
    seizure = _lock(seizure)
    if seizure.status != SeizureStatus.DRAFT:
        raise Conflict(_("Only a draft can be submitted; this seizure is %(status)s.") % {"status": seizure.status})
    stats_apply(seizure, -1)
    seizure.status = SeizureStatus.SUBMITTED
    seizure.submitted_at = timezone.now()
    seizure.save(update_fields=["status", "submitted_at", "updated_at"])
    stats_apply(seizure, +1)
    _revision(seizure, by, SeizureRevision.Action.SUBMITTED, changes={"status": ["draft", "submitted"]})
    if notify:
        notify_seizure_submitted(seizure=seizure, by=by)
    hooks.seizure_submitted(seizure=seizure, by=by, notify=notify)
    return seizure


@transaction.atomic
def seizure_verify(*, seizure: Seizure, by) -> Seizure:
    """A coordinator of the owning agency confirms a submitted seizure (Forbidden / Conflict otherwise)."""
    if not can_verify(by, seizure):
        raise Forbidden(_("Only a coordinator of the reporting agency verifies a seizure."))
    seizure = _lock(seizure)
    if seizure.status != SeizureStatus.SUBMITTED:
        raise Conflict(
            _("Only a submitted seizure can be verified; this seizure is %(status)s.") % {"status": seizure.status}
        )
    stats_apply(seizure, -1)
    seizure, _changed = model_update(
        instance=seizure,
        fields=("status", "verified_at", "verified_by"),
        data={"status": SeizureStatus.VERIFIED, "verified_at": timezone.now(), "verified_by": by},
        clean_exclude=CHECKED_FIELDS,
    )
    stats_apply(seizure, +1)
    _revision(
        seizure,
        by,
        SeizureRevision.Action.VERIFIED,
        changes=status_change(SeizureStatus.SUBMITTED, SeizureStatus.VERIFIED),
    )
    return seizure


@transaction.atomic
def seizure_delete(*, seizure: Seizure, by) -> None:
    """Delete a draft of the caller's agency; a submitted or verified seizure stays (Conflict)."""
    _require_writer(seizure, by)
    seizure = _lock(seizure)
    if seizure.status != SeizureStatus.DRAFT:
        raise Conflict(_("Only a draft can be deleted."))
    stats_apply(seizure, -1)
    seizure.delete()


def seizure_record_access(*, seizure: Seizure | list[Seizure], user, action: str) -> int:
    """Record that a user of another agency viewed or exported seizures; own ones are not logged.

    Accepts one seizure or a list (exports log in one bulk insert). Returns the rows written.
    """
    seizures = seizure if isinstance(seizure, list | tuple) else [seizure]
    return seizure_record_access_by_id(owners={s.pk: s.agency_id for s in seizures}, user=user, action=action)


def seizure_record_access_by_id(*, owners: dict[int, int], user, action: str) -> int:
    """seizure_record_access for seizures named by id, with their owning agency's id: {seizure: agency}."""
    if not getattr(user, "agency_id", None):
        return 0
    rows = [
        SeizureAccess(seizure_id=pk, owner_id=agency_id, user=user, agency_id=user.agency_id, action=action)
        for pk, agency_id in owners.items()
        if agency_id != user.agency_id
    ]
    SeizureAccess.objects.bulk_create(rows)
    return len(rows)


class ExportAudit:
    """The access audit of one export: one entry per owning agency, counting the rows it sent.

    `add` is called per chunk as the file streams; the first chunk with an agency's seizures
    writes its entry, the later ones add to its count. Own seizures are not logged.
    """

    def __init__(self, user) -> None:
        self.user = user
        self.entries: dict[int, int] = {}  # owning agency -> SeizureAccess id

    def add(self, owners: dict[int, int]) -> None:
        """Count the seizures of a chunk, given as {seizure: owning agency}."""
        agency_id = getattr(self.user, "agency_id", None)
        if not agency_id:
            return
        counts = Counter(owner for owner in owners.values() if owner != agency_id)
        for owner, count in sorted(counts.items()):
            entry = self.entries.get(owner)
            if entry is None:
                self.entries[owner] = SeizureAccess.objects.create(
                    owner_id=owner, user=self.user, agency_id=agency_id, action=SeizureAccess.Action.EXPORT, rows=count
                ).pk
            else:
                SeizureAccess.objects.filter(pk=entry).update(rows=F("rows") + count)
