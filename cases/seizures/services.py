"""Seizure services: every write of a seizure goes through one of these functions.

Each runs in one transaction, validates everything before it writes anything (so a bad
field leaves the database as it was), and records a SeizureRevision with who, when, why and
which fields changed. Each write that can move a seizure between statistics keys also
updates the seizure summary (SeizureStat) through `stats_apply` in that transaction.
Validation errors are django ValidationErrors keyed by field; rows of
nested lists are keyed "items.0.quantity" (see `nest_errors` for the API shape).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.choices import (
    DetectionMethod,
    Drug,
    IdentifierKind,
    ParticipantStatus,
    PersonRole,
    SeizureStatus,
    Sex,
    Sharing,
    TransportMode,
    Unit,
)
from cases.seizures import hooks
from cases.seizures import validators as v
from cases.seizures.models import (
    Seizure,
    SeizureAccess,
    SeizureIdentifier,
    SeizureItem,
    SeizurePerson,
    SeizureRevision,
    SeizureTransit,
)
from cases.seizures.notices import notify_seizure_submitted
from cases.seizures.permissions import can_report, can_verify, can_write
from cases.seizures.stats import stats_apply
from crackdown.errors import Conflict, Forbidden
from crackdown.sequences import next_value

SCALAR_FIELDS = (
    "occurred_at",
    "location",
    "country",
    "transport_mode",
    "detection_method",
    "concealment",
    "origin_country",
    "destination_country",
    "sharing",
    "notes",
)
LIST_FIELDS = ("items", "identifiers", "persons")
TEXT_LIMITS = {"location": 200, "concealment": 300, "notes": 20000}
MAX_ROWS = 50
REQUIRED_ON_CREATE = ("occurred_at", "transport_mode", "detection_method", "items")
ENUMS: dict[str, list[str]] = {
    "transport_mode": TransportMode.values,
    "detection_method": DetectionMethod.values,
    "sharing": Sharing.values,
}


# --- errors ------------------------------------------------------------------------------


class _Errors:
    """Collects every problem of a request so that the caller sees them all at once."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = defaultdict(list)

    def add(self, field: str, error: ValidationError | str) -> None:
        messages = error.messages if isinstance(error, ValidationError) else [str(error)]
        self.by_field[field].extend(messages)

    def check(self, field: str, func, *args):
        """Run a validator; on failure record its message under `field` and return None."""
        try:
            return func(*args)
        except ValidationError as exc:
            self.add(field, exc)
            return None

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(dict(self.by_field))


def nest_errors(message_dict: dict[str, list[str]], data: dict | None = None) -> dict[str, Any]:
    """Turn {"items.1.quantity": [..]} into DRF's shape {"items": [{}, {"quantity": [..]}]}.

    `data` (the submitted payload) gives each list its length so that every row has an entry.
    """
    nested: dict[str, Any] = {}
    for key, messages in message_dict.items():
        parts = key.split(".")
        if len(parts) != 3 or not parts[1].isdigit():
            nested[key] = list(messages)
            continue
        field, index, sub = parts[0], int(parts[1]), parts[2]
        rows = nested.get(field)
        if not isinstance(rows, list) or (rows and not isinstance(rows[0], dict)):
            rows = []
            nested[field] = rows
        size = len((data or {}).get(field) or []) if isinstance((data or {}).get(field), list) else 0
        while len(rows) < max(index + 1, size):
            rows.append({})
        rows[index].setdefault(sub, []).extend(messages)
    return nested


# --- permission --------------------------------------------------------------------------


def _require_writer(seizure: Seizure, by) -> None:
    if not can_write(by, seizure):
        raise Forbidden(_("Only officers and coordinators of the reporting agency may change this seizure."))


# --- cleaning ----------------------------------------------------------------------------


def _text(errors: _Errors, field: str, value) -> str | None:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors.add(field, _("Enter text."))
        return None
    value = value.strip()
    limit = TEXT_LIMITS.get(field, 300)
    if len(value) > limit:
        errors.add(field, _("At most %(n)s characters.") % {"n": limit})
        return None
    return value


def _choice(errors: _Errors, field: str, value, allowed: list[str]) -> str | None:
    if value not in allowed:
        errors.add(field, _("“%(value)s” is not a valid choice.") % {"value": value})
        return None
    return value


def _optional_country(errors: _Errors, field: str, value) -> str | None:
    if value in (None, ""):
        return ""
    if not isinstance(value, str):
        errors.add(field, _("Enter a country code."))
        return None
    return errors.check(field, v.validate_country, value)


def _rows(errors: _Errors, field: str, rows, *, required: bool) -> list[dict] | None:
    if rows is None:
        rows = []
    if not isinstance(rows, list | tuple):
        errors.add(field, _("Give a list."))
        return None
    if required and not rows:
        errors.add(field, _("Add at least one item."))
        return None
    if len(rows) > MAX_ROWS:
        errors.add(field, _("At most %(n)s rows.") % {"n": MAX_ROWS})
        return None
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            errors.add(f"{field}.{index}.non_field_errors", _("Give an object."))
    return list(rows)


def _clean_items(errors: _Errors, rows) -> list[SeizureItem] | None:
    rows = _rows(errors, "items", rows, required=True)
    if rows is None:
        return None
    items = []
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            continue
        key = f"items.{index}."
        drug = _choice(errors, key + "drug", row.get("drug"), Drug.values)
        unit = _choice(errors, key + "unit", row.get("unit"), Unit.values)
        description = _text(errors, key + "description", row.get("description"))
        quantity = None
        if row.get("quantity") in (None, ""):
            errors.add(key + "quantity", _("Enter the quantity."))
        elif unit is not None:
            quantity = errors.check(key + "quantity", v.validate_quantity, row.get("quantity"), unit)
        if None in (drug, unit, description, quantity):
            continue
        items.append(
            SeizureItem(
                drug=drug,
                description=description,
                quantity=quantity,
                unit=unit,
                weight_kg=v.item_weight_kg(quantity, unit),
                position=index,
            )
        )
    return items


def _clean_identifiers(errors: _Errors, rows) -> list[SeizureIdentifier] | None:
    rows = _rows(errors, "identifiers", rows, required=False)
    if rows is None:
        return None
    identifiers = []
    seen: set[tuple[str, str]] = set()
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            continue
        key = f"identifiers.{index}."
        kind = _choice(errors, key + "kind", row.get("kind"), IdentifierKind.values)
        value = row.get("value")
        if not isinstance(value, str) or not value.strip():
            errors.add(key + "value", _("Enter the identifier."))
            continue
        if kind is None:
            continue
        normalized = errors.check(key + "value", v.normalize_identifier, kind, value)
        if normalized is None:
            continue
        if (kind, normalized) in seen:
            errors.add(key + "value", _("This identifier is listed twice."))
            continue
        seen.add((kind, normalized))
        identifiers.append(SeizureIdentifier(kind=kind, value=value.strip(), normalized=normalized, position=index))
    return identifiers


def _clean_persons(errors: _Errors, rows) -> list[SeizurePerson] | None:
    rows = _rows(errors, "persons", rows, required=False)
    if rows is None:
        return None
    persons = []
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            continue
        key = f"persons.{index}."
        role = _choice(errors, key + "role", row.get("role"), PersonRole.values)
        nationality = _optional_country(errors, key + "nationality", row.get("nationality"))
        sex = _choice(errors, key + "sex", row.get("sex") or Sex.UNKNOWN, Sex.values)
        birth_year = row.get("birth_year")
        ok = True
        try:
            birth_year = v.validate_birth_year(birth_year)
        except ValidationError as exc:
            errors.add(key + "birth_year", exc)
            ok = False
        if None in (role, nationality, sex) or not ok:
            continue
        persons.append(
            SeizurePerson(role=role, nationality=nationality, sex=sex, birth_year=birth_year, position=index)
        )
    return persons


def _clean_operation(errors: _Errors, value, *, agency):
    """The operation must be one the agency leads or has accepted; anything else is one answer."""
    from cases.operations.models import JointOperation

    if value in (None, ""):
        return None
    pk = value.pk if isinstance(value, JointOperation) else value
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        errors.add("operation", _("Choose a joint operation your agency has accepted."))
        return False
    operation = (
        # One filter() call: agency and status must hold for the same participation row.
        JointOperation.objects.filter(
            pk=pk, participations__agency=agency, participations__status=ParticipantStatus.ACCEPTED
        )
        .exclude(status="cancelled")
        .first()
    )
    if operation is None:
        errors.add("operation", _("Choose a joint operation your agency has accepted."))
        return False
    return operation


def _clean_shared_with(errors: _Errors, value, *, agency) -> list | None:
    from members.models import Agency

    if value is None:
        return []
    if isinstance(value, str | dict) or not hasattr(value, "__iter__"):
        errors.add("shared_with", _("Give a list of agency codes."))
        return None
    result: dict[int, Agency] = {}
    codes = []
    for entry in value:
        if isinstance(entry, Agency):
            if entry.pk != agency.pk:
                result[entry.pk] = entry
        elif isinstance(entry, str):
            codes.append(entry.strip().upper())
        else:
            errors.add("shared_with", _("Give a list of agency codes."))
            return None
    if codes:
        found = {a.code: a for a in Agency.objects.active().filter(code__in=codes)}
        unknown = sorted(set(codes) - set(found))
        if unknown:
            errors.add("shared_with", _("Unknown agency: %(codes)s.") % {"codes": ", ".join(unknown)})
            return None
        result.update({a.pk: a for a in found.values() if a.pk != agency.pk})
    return sorted(result.values(), key=lambda a: a.code)


def _clean(data: dict, *, agency, current: Seizure | None) -> dict[str, Any]:
    """Validate the keys present in `data`; return clean values or raise one ValidationError."""
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": [_("Give an object.")]})
    errors = _Errors()
    clean: dict[str, Any] = {}
    if current is None:
        for field in REQUIRED_ON_CREATE:
            if data.get(field) in (None, "") and field != "items":
                errors.add(field, _("This field is required."))

    for field in SCALAR_FIELDS:
        if field not in data or (current is None and field in REQUIRED_ON_CREATE and data[field] in (None, "")):
            continue
        value = data[field]
        if field == "occurred_at":
            if isinstance(value, str):
                from django.utils.dateparse import parse_datetime

                value = parse_datetime(value) or value
            result = errors.check(field, v.validate_occurred_at, value)
        elif field in ENUMS:
            result = _choice(errors, field, value, ENUMS[field])
        elif field == "country":
            if value in (None, ""):
                result = agency.country
            else:
                result = errors.check(field, v.validate_country, value) if isinstance(value, str) else None
                if not isinstance(value, str):
                    errors.add(field, _("Enter a country code."))
        elif field in ("origin_country", "destination_country"):
            result = _optional_country(errors, field, value)
        else:
            result = _text(errors, field, value)
        if result is not None:
            clean[field] = result

    if "transit_countries" in data:
        transits = errors.check("transit_countries", v.validate_transits, data["transit_countries"])
        if transits is not None:
            clean["transit_countries"] = transits
    if "operation" in data:
        current_op = current.operation_id if current else None
        raw = data["operation"]
        raw_pk = getattr(raw, "pk", raw)
        if current is not None and raw_pk is not None and str(raw_pk) == str(current_op):
            clean["operation"] = current.operation
        else:
            operation = _clean_operation(errors, raw, agency=agency)
            if operation is not False:
                clean["operation"] = operation
    if "shared_with" in data:
        shared = _clean_shared_with(errors, data["shared_with"], agency=agency)
        if shared is not None:
            clean["shared_with"] = shared
    if "items" in data or current is None:
        items = _clean_items(errors, data.get("items"))
        if items is not None:
            clean["items"] = items
    if "identifiers" in data:
        identifiers = _clean_identifiers(errors, data["identifiers"])
        if identifiers is not None:
            clean["identifiers"] = identifiers
    if "persons" in data:
        persons = _clean_persons(errors, data["persons"])
        if persons is not None:
            clean["persons"] = persons

    # Cross-field rules, on the values the seizure will have after the change.
    sharing = clean.get("sharing", current.sharing if current else Sharing.MEMBERS)
    operation = clean.get("operation", current.operation if current else None)
    if sharing == Sharing.OPERATION and operation is None and "operation" not in errors.by_field:
        errors.add("operation", _("Choose the joint operation to share with, or another sharing level."))
    origin = clean.get("origin_country", current.origin_country if current else "")
    destination = clean.get("destination_country", current.destination_country if current else "")
    transits = clean.get("transit_countries", current.transit_countries if current else [])
    if transits and "transit_countries" not in errors.by_field:
        if origin and origin in transits:
            errors.add("transit_countries", _("The origin country cannot also be a transit country."))
        elif destination and destination in transits:
            errors.add("transit_countries", _("The destination country cannot also be a transit country."))
    errors.raise_if_any()
    return clean


# --- snapshots for the history ------------------------------------------------------------


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
    data["items"] = [
        {"drug": i.drug, "description": i.description, "quantity": str(i.quantity), "unit": i.unit}
        for i in seizure.items.all()
    ]
    data["identifiers"] = [{"kind": i.kind, "value": i.value} for i in seizure.identifiers.all()]
    data["persons"] = [
        {"role": p.role, "nationality": p.nationality, "sex": p.sex, "birth_year": p.birth_year}
        for p in seizure.persons.all()
    ]
    return data


def _diff(before: dict, after: dict) -> dict[str, list]:
    return {key: [before.get(key), after[key]] for key in after if before.get(key) != after[key]}


def _revision(seizure: Seizure, by, action: str, *, changes: dict | None = None, reason: str = "") -> None:
    SeizureRevision.objects.create(seizure=seizure, by=by, action=action, changes=changes or {}, reason=reason)


def _write_nested(seizure: Seizure, clean: dict[str, Any], *, replace: bool) -> None:
    for field, model in (("items", SeizureItem), ("identifiers", SeizureIdentifier), ("persons", SeizurePerson)):
        if field not in clean:
            continue
        if replace:
            model.objects.filter(seizure=seizure).delete()
        for row in clean[field]:
            row.seizure = seizure
        model.objects.bulk_create(clean[field])
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
    clean = _clean(data, agency=agency, current=None)
    year = timezone.now().year
    number = next_value(f"seizure:{agency.code}:{year}")
    seizure = Seizure(
        reference=format_reference(agency.code, year, number),
        agency=agency,
        reported_by=by,
        status=SeizureStatus.DRAFT,
        country=clean.get("country") or agency.country,
        transit_countries=clean.get("transit_countries", []),
        operation=clean.get("operation"),
        total_weight_kg=v.total_weight_kg(i.weight_kg for i in clean["items"]),
        **{f: clean[f] for f in SCALAR_FIELDS if f in clean and f != "country"},
    )
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


@transaction.atomic
def seizure_update(*, seizure: Seizure, by, data: dict, amendment_reason: str = "") -> Seizure:
    """Change the keys present in `data`; nested lists present are replaced whole.

    Guarantees: only officers and coordinators of the owning agency write (Forbidden); a
    verified seizure changes only with an amendment reason and is recorded as "amended";
    nothing is written when any field is wrong; the history records every changed field with
    its old and new value; identifiers changed on a shared seizure are matched again.
    """
    _require_writer(seizure, by)
    seizure = _lock(seizure)
    _require_writer(seizure, by)
    amendment_reason = (amendment_reason or "").strip()
    is_amendment = seizure.status == SeizureStatus.VERIFIED
    clean = _clean(data, agency=seizure.agency, current=seizure)
    if is_amendment and not amendment_reason:
        raise ValidationError({"amendment_reason": [_("A verified seizure changes only with an amendment reason.")]})
    before = snapshot(seizure)
    stats_apply(seizure, -1)
    for field in SCALAR_FIELDS:
        if field in clean:
            setattr(seizure, field, clean[field])
    if "transit_countries" in clean:
        seizure.transit_countries = clean["transit_countries"]
    if "operation" in clean:
        seizure.operation = clean["operation"]
    if "items" in clean:
        seizure.total_weight_kg = v.total_weight_kg(i.weight_kg for i in clean["items"])
    seizure.save()
    _write_nested(seizure, clean, replace=True)
    stats_apply(seizure, +1)
    changes = _diff(before, snapshot(seizure))
    if changes or amendment_reason:
        action = SeizureRevision.Action.AMENDED if is_amendment else SeizureRevision.Action.UPDATED
        _revision(seizure, by, action, changes=changes, reason=amendment_reason)
    if "identifiers" in changes and seizure.status != SeizureStatus.DRAFT:
        hooks.identifiers_changed(seizure=seizure)
    return seizure


@transaction.atomic
def seizure_submit(*, seizure: Seizure, by) -> Seizure:
    """Submit a draft: from now on partner agencies see it as its sharing allows.

    Guarantees: only the owning agency's officers and coordinators (Forbidden); only a draft
    (Conflict); the alert to the agencies on the route and the identifier matching are
    written in the same transaction.
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
    notify_seizure_submitted(seizure=seizure, by=by)
    hooks.seizure_submitted(seizure=seizure, by=by)
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
    seizure.status = SeizureStatus.VERIFIED
    seizure.verified_at = timezone.now()
    seizure.verified_by = by
    seizure.save(update_fields=["status", "verified_at", "verified_by", "updated_at"])
    stats_apply(seizure, +1)
    _revision(seizure, by, SeizureRevision.Action.VERIFIED, changes={"status": ["submitted", "verified"]})
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
        SeizureAccess(seizure_id=pk, user=user, agency_id=user.agency_id, action=action)
        for pk, agency_id in owners.items()
        if agency_id != user.agency_id
    ]
    SeizureAccess.objects.bulk_create(rows)
    return len(rows)
