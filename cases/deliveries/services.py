"""Writes of controlled deliveries: request, answers, departure, handovers, completion, abort.

Every service checks who may act (Forbidden → 403) and in which state (Conflict → 409),
validates everything before it writes (ValidationError keyed "legs.0.eta" → 400), runs in
one transaction with the delivery row locked, appends a DeliveryEvent to the timeline and
alerts the delivery's other agencies through the outbox, all in that transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.choices import DeliveryState, Drug, LegState, TransportMode, Unit
from cases.deliveries import permissions
from cases.deliveries.models import ControlledDelivery, DeliveryEvent, DeliveryLeg
from cases.deliveries.notices import notify_step
from cases.deliveries.places import validate_place
from cases.operations.models import JointOperation, Participation
from cases.seizures.models import Seizure
from cases.seizures.validators import normalize_identifier
from crackdown import sequences
from crackdown.errors import Conflict, Forbidden
from members.models import Agency, User

MAX_LEGS = 10
MAX_IDENTIFIERS = 50
# A leg still not handed over this long after its ETA escalates to every agency of the delivery.
OVERDUE_AFTER = dt.timedelta(hours=2)
# ETAs within a sane window: a delivery is planned days or months ahead, not decades.
ETA_PAST = dt.timedelta(days=7)
ETA_FUTURE = dt.timedelta(days=366)
OPEN_STATES = (DeliveryState.REQUESTED, DeliveryState.ACCEPTED, DeliveryState.IN_TRANSIT)


def _event(
    delivery: ControlledDelivery, by: User | None, action: str, *, notes: str = "", at: dt.datetime | None = None
) -> DeliveryEvent:
    return DeliveryEvent.objects.create(
        delivery=delivery,
        at=at or timezone.now(),
        by=by,
        agency_id=getattr(by, "agency_id", None),
        action=action,
        notes=notes,
    )


def _lock(delivery: ControlledDelivery) -> ControlledDelivery:
    return (
        ControlledDelivery.objects.select_for_update(of=("self",))
        .select_related("requesting_agency", "operation")
        .prefetch_related("legs__agency")
        .get(pk=delivery.pk)
    )


def _require_state(delivery: ControlledDelivery, *states: str) -> None:
    if delivery.status not in states:
        raise Conflict(_("The controlled delivery is %(status)s.") % {"status": delivery.get_status_display().lower()})


def _step(delivery: ControlledDelivery, by: User | None, action: str, *, notes: str = "") -> None:
    _event(delivery, by, action, notes=notes)
    agency = by.agency if by is not None and by.agency_id else None
    notify_step(delivery=delivery, action=action, agency=agency, by=by, notes=notes)


# --- input ------------------------------------------------------------------------------------


def _clean_identifiers(rows: Iterable[dict[str, Any]], errors: dict[str, list[str]]) -> list[dict[str, str]]:
    cleaned = []
    rows = list(rows or [])
    if len(rows) > MAX_IDENTIFIERS:
        errors["identifiers"] = [_("At most %(n)d identifiers.") % {"n": MAX_IDENTIFIERS}]
        return []
    for index, row in enumerate(rows):
        kind, value = str(row.get("kind") or ""), str(row.get("value") or "")
        try:
            normalized = normalize_identifier(kind, value)
        except ValidationError as exc:
            errors.setdefault(f"identifiers.{index}.value", []).extend(exc.messages)
            continue
        cleaned.append({"kind": kind, "value": value.strip(), "normalized": normalized})
    return cleaned


def _clean_legs(rows: list[dict[str, Any]], errors: dict[str, list[str]], now: dt.datetime) -> list[DeliveryLeg]:
    if not rows:
        errors["legs"] = [_("Give at least one leg.")]
        return []
    if len(rows) > MAX_LEGS:
        errors["legs"] = [_("At most %(n)d legs.") % {"n": MAX_LEGS}]
        return []
    legs = []
    previous_eta: dt.datetime | None = None
    for index, row in enumerate(rows):
        key = f"legs.{index}."
        agency = row.get("agency")
        if not isinstance(agency, Agency) or not agency.is_active:
            errors.setdefault(key + "agency", []).append(_("Choose an active member agency."))
        places = {}
        for field in ("from_place", "to_place"):
            try:
                places[field] = validate_place(row.get(field) or "")
            except ValidationError as exc:
                errors.setdefault(key + field, []).extend(exc.messages)
        if places.get("from_place") and places.get("from_place") == places.get("to_place"):
            errors.setdefault(key + "to_place", []).append(_("A leg ends somewhere else than it starts."))
        mode = row.get("transport_mode")
        if mode not in TransportMode.values:
            errors.setdefault(key + "transport_mode", []).append(_("Choose a transport mode."))
        eta = row.get("eta")
        if not isinstance(eta, dt.datetime):
            errors.setdefault(key + "eta", []).append(_("Enter the expected arrival (date and time)."))
        elif not (now - ETA_PAST <= eta <= now + ETA_FUTURE):
            errors.setdefault(key + "eta", []).append(
                _("The expected arrival must lie between a week ago and a year ahead.")
            )
        elif previous_eta and eta < previous_eta:
            errors.setdefault(key + "eta", []).append(_("A leg cannot arrive before the leg before it."))
        else:
            previous_eta = eta
        legs.append(
            DeliveryLeg(
                seq=index + 1,
                agency=agency if isinstance(agency, Agency) else None,
                from_place=places.get("from_place", ""),
                to_place=places.get("to_place", ""),
                transport_mode=mode or "",
                eta=eta if isinstance(eta, dt.datetime) else now,
            )
        )
    return legs


def _clean_quantity(value: Any, errors: dict[str, list[str]]) -> Decimal | None:
    try:
        quantity = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        errors["estimated_quantity"] = [_("Enter a number.")]
        return None
    if not quantity.is_finite() or quantity <= 0 or quantity >= Decimal("1e11"):
        errors["estimated_quantity"] = [_("Enter a quantity above zero.")]
        return None
    return quantity.quantize(Decimal("0.001"))


def _clean_operation(operation: JointOperation | None, by: User, errors: dict[str, list[str]]) -> None:
    if operation is None:
        return
    accepted = Participation.objects.accepted_by(by.agency_id).filter(operation=operation).exists()
    if not accepted:
        errors["operation"] = [_("Choose a joint operation your agency takes part in.")]


# --- lifecycle --------------------------------------------------------------------------------


def delivery_request(
    *,
    by: User,
    legal_basis: str,
    description: str,
    drug: str,
    estimated_quantity: Any,
    unit: str,
    legs: list[dict[str, Any]],
    identifiers: Iterable[dict[str, Any]] = (),
    operation: JointOperation | None = None,
) -> ControlledDelivery:
    """A coordinator requests a controlled delivery for the agency; each leg's agency is asked.

    Legs run by the requesting agency itself are accepted at once.
    """
    if not permissions.can_request(by):
        raise Forbidden(_("Only a coordinator requests a controlled delivery."))
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    if not (legal_basis or "").strip():
        errors["legal_basis"] = [_("State the legal basis of the controlled delivery.")]
    if not (description or "").strip():
        errors["description"] = [_("Describe the consignment.")]
    if drug not in Drug.values:
        errors["drug"] = [_("Choose a drug.")]
    if unit not in Unit.values:
        errors["unit"] = [_("Choose a unit.")]
    quantity = _clean_quantity(estimated_quantity, errors)
    cleaned_identifiers = _clean_identifiers(identifiers, errors)
    cleaned_legs = _clean_legs(list(legs or []), errors, now)
    _clean_operation(operation, by, errors)
    if errors or quantity is None or by.agency_id is None:
        raise ValidationError(errors)
    delivery = ControlledDelivery(
        operation=operation,
        requesting_agency_id=by.agency_id,
        legal_basis=legal_basis.strip(),
        description=description.strip(),
        drug=drug,
        estimated_quantity=quantity,
        unit=unit,
        identifiers=cleaned_identifiers,
        created_by=by,
    )
    with transaction.atomic():
        year = now.year
        delivery.code = f"CD-{year}-{sequences.next_value(f'controlled-delivery:{year}'):03d}"
        delivery.save()
        for leg in cleaned_legs:
            leg.delivery = delivery
            if leg.agency_id == by.agency_id:
                leg.status = LegState.ACCEPTED
        DeliveryLeg.objects.bulk_create(cleaned_legs)
        locked = _lock(delivery)
        _step(locked, by, "requested")
        if _all_accepted(locked):
            locked.status = DeliveryState.ACCEPTED
            locked.save(update_fields=["status", "updated_at"])
            _event(locked, None, "accepted")
    return locked


def _all_accepted(delivery: ControlledDelivery) -> bool:
    return all(leg.status == LegState.ACCEPTED for leg in delivery.legs.all())


def delivery_respond(*, delivery: ControlledDelivery, accept: bool, by: User, notes: str = "") -> ControlledDelivery:
    """A coordinator of an agency on the route accepts or declines its legs, once."""
    permissions.require_respond(by, delivery)
    with transaction.atomic():
        locked = _lock(delivery)
        _require_state(locked, DeliveryState.REQUESTED)
        own = [leg for leg in locked.legs.all() if leg.agency_id == by.agency_id]
        if all(leg.status != LegState.PENDING for leg in own):
            raise Conflict(_("Your agency has already answered."))
        target = LegState.ACCEPTED if accept else LegState.DECLINED
        DeliveryLeg.objects.filter(pk__in=[leg.pk for leg in own]).update(status=target)
        for leg in own:
            leg.status = target
        _step(locked, by, "accepted" if accept else "declined", notes=notes)
        if not accept:
            locked.status = DeliveryState.DECLINED
        elif _all_accepted(locked):
            locked.status = DeliveryState.ACCEPTED
        locked.save(update_fields=["status", "updated_at"])
    return locked


def delivery_depart(*, delivery: ControlledDelivery, by: User) -> ControlledDelivery:
    """The requesting agency lets the consignment go: the delivery and its first leg are in transit."""
    permissions.require_requesting_coordinator(by, delivery)
    with transaction.atomic():
        locked = _lock(delivery)
        _require_state(locked, DeliveryState.ACCEPTED)
        first = locked.legs.all()[0]
        DeliveryLeg.objects.filter(pk=first.pk).update(status=LegState.IN_TRANSIT)
        first.status = LegState.IN_TRANSIT
        locked.status = DeliveryState.IN_TRANSIT
        locked.save(update_fields=["status", "updated_at"])
        _step(locked, by, "departed")
    return locked


def delivery_handover(*, delivery: ControlledDelivery, seq: int, by: User, notes: str = "") -> ControlledDelivery:
    """The leg's agency records that it handed the consignment on; the next leg is then in transit."""
    legs = {leg.seq: leg for leg in delivery.legs.all()}
    if seq not in legs:
        raise ValidationError({"seq": [_("No such leg.")]})
    permissions.require_hand_over(by, legs[seq])
    with transaction.atomic():
        locked = _lock(delivery)
        _require_state(locked, DeliveryState.IN_TRANSIT)
        legs = {leg.seq: leg for leg in locked.legs.all()}
        leg = legs[seq]
        if leg.status != LegState.IN_TRANSIT:
            raise Conflict(_("Leg %(seq)d is %(status)s.") % {"seq": seq, "status": leg.get_status_display().lower()})
        now = timezone.now()
        DeliveryLeg.objects.filter(pk=leg.pk).update(status=LegState.HANDED_OVER, handed_over_at=now)
        leg.status, leg.handed_over_at = LegState.HANDED_OVER, now
        following = legs.get(seq + 1)
        if following is not None:
            DeliveryLeg.objects.filter(pk=following.pk).update(status=LegState.IN_TRANSIT)
            following.status = LegState.IN_TRANSIT
        locked.save(update_fields=["updated_at"])
        _step(locked, by, "handed_over", notes=notes or _("Leg %(seq)d handed over.") % {"seq": seq})
    return locked


def delivery_complete(
    *, delivery: ControlledDelivery, seizures: Iterable[int], by: User, notes: str = ""
) -> ControlledDelivery:
    """The requesting agency closes the delivery with the seizures it led to (ones it may see)."""
    permissions.require_requesting_coordinator(by, delivery)
    ids = sorted({int(pk) for pk in seizures})
    found = list(Seizure.objects.visible_to(by).filter(pk__in=ids).values_list("pk", flat=True))
    missing = sorted(set(ids) - set(found))
    if missing:
        raise ValidationError({"seizures": [_("No such seizure: %(ids)s.") % {"ids": ", ".join(map(str, missing))}]})
    with transaction.atomic():
        locked = _lock(delivery)
        _require_state(locked, DeliveryState.IN_TRANSIT)
        locked.status = DeliveryState.COMPLETED
        locked.save(update_fields=["status", "updated_at"])
        locked.seizures.add(*found)
        _step(locked, by, "completed", notes=notes)
    return locked


def delivery_abort(*, delivery: ControlledDelivery, reason: str, by: User) -> ControlledDelivery:
    """The requesting agency stops the delivery (the consignment is intercepted or lost)."""
    permissions.require_requesting_coordinator(by, delivery)
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Say why the delivery is aborted.")]})
    with transaction.atomic():
        locked = _lock(delivery)
        _require_state(locked, *OPEN_STATES)
        locked.status = DeliveryState.ABORTED
        locked.save(update_fields=["status", "updated_at"])
        _step(locked, by, "aborted", notes=reason.strip())
    return locked


def escalate_overdue_legs(*, now: dt.datetime | None = None) -> int:
    """Escalate, once, every leg of a delivery in transit not handed over 2 hours after its ETA.

    `now` is the clock (the beat task passes none; tests pass their own). Returns the legs escalated.
    """
    now = now or timezone.now()
    due = list(
        DeliveryLeg.objects.filter(
            delivery__status=DeliveryState.IN_TRANSIT,
            status__in=(LegState.ACCEPTED, LegState.IN_TRANSIT),
            escalated_at__isnull=True,
            eta__lt=now - OVERDUE_AFTER,
        ).values_list("pk", flat=True)
    )
    count = 0
    for leg_id in due:
        with transaction.atomic():
            leg = DeliveryLeg.objects.select_for_update().select_related("delivery").get(pk=leg_id)
            if leg.escalated_at is not None or leg.status == LegState.HANDED_OVER:
                continue
            leg.escalated_at = now
            leg.save(update_fields=["escalated_at"])
            delivery = _lock(leg.delivery)
            notes = _("Leg %(seq)d (%(agency)s, %(from)s → %(to)s) was due at %(eta)s and is not handed over.") % {
                "seq": leg.seq,
                "agency": leg.agency.code,
                "from": leg.from_place,
                "to": leg.to_place,
                "eta": leg.eta.isoformat(timespec="minutes"),
            }
            _event(delivery, None, "overdue", notes=notes, at=now)
            notify_step(delivery=delivery, action="overdue", agency=None, by=None, notes=notes)
            count += 1
    return count


__all__ = [
    "delivery_abort",
    "delivery_complete",
    "delivery_depart",
    "delivery_handover",
    "delivery_request",
    "delivery_respond",
    "escalate_overdue_legs",
]
