"""Alert services: manual alerts, acknowledgement, escalation and e-mail preferences.

Alerts are written through the outbox (cases/alerts/outbox.py) in the caller's transaction;
what a domain event says lives beside its domain (`notices.py` in seizures, operations and
matching), not here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.alerts.models import Alert, AlertPreference, Delivery
from cases.alerts.notices import NOT_ACKNOWLEDGED, not_acknowledged_params
from cases.alerts.outbox import publish, requeue_on_commit
from cases.alerts.permissions import can_send_alerts, can_set_preferences
from cases.choices import MANUAL_ALERT_KINDS, AlertKind, DeliveryStatus, Drug, Priority, TransportMode

# A manual alert may link a seizure or an operation that its sender can see: only their
# access-checked managers are read (the apps contract in .importlinter names this exception).
from cases.operations.models import JointOperation
from cases.seizures.models import Seizure
from crackdown.errors import Conflict, Forbidden
from members.models import Agency

MAX_OUTCOME = 2000


# --- Manual alerts and acknowledgement ------------------------------------------------------


def _resolve_recipients(recipients: Iterable, own_agency_id: int) -> list[Agency]:
    wanted = [r.code if isinstance(r, Agency) else str(r).strip().upper() for r in recipients]
    if not wanted:
        raise ValidationError({"recipients": [_("Choose at least one recipient agency.")]})
    found = {a.code: a for a in Agency.objects.active().filter(code__in=wanted)}
    unknown = sorted(set(wanted) - set(found))
    if unknown:
        raise ValidationError(
            {"recipients": [_("Unknown or inactive agency: %(codes)s.") % {"codes": ", ".join(unknown)}]}
        )
    if any(a.pk == own_agency_id for a in found.values()):
        raise ValidationError({"recipients": [_("An alert goes to other agencies, not your own.")]})
    return list(found.values())


def _named(visible, value, field: str):
    """The visible object given as an instance, an id, or its reference/code as typed (any case)."""
    if hasattr(value, "pk"):
        value = value.pk
    if isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit()):
        return visible.filter(pk=int(value)).first() if 0 < int(value) < 2**63 else None
    return visible.filter(**{field: str(value).strip().upper()}).first()


def alert_create(
    *,
    by,
    kind: str,
    recipients: Iterable,
    priority: str,
    title: str,
    body: str = "",
    seizure=None,
    operation=None,
    ack_due_at: dt.datetime | None = None,
) -> Alert:
    """A manual lookout, pre-arrival notice or controlled-delivery request by an officer or coordinator.

    Guarantees: only officers and coordinators of an active agency send (else Forbidden);
    recipients are active agencies other than the sender's; a linked seizure or operation is
    one the sender may see (else a field error, as if it did not exist); the deadline, when
    given, is in the future. Alert and deliveries are written in one transaction.
    """
    if not can_send_alerts(by):
        raise Forbidden(_("Only officers and coordinators send alerts."))
    errors: dict[str, list[str]] = {}
    if kind not in [k.value for k in MANUAL_ALERT_KINDS]:
        errors["kind"] = [_("Choose lookout, pre_arrival or controlled_delivery.")]
    if priority not in Priority.values:
        errors["priority"] = [_("Choose routine, urgent or flash.")]
    if not (title or "").strip():
        errors["title"] = [_("Give the alert a title.")]
    if ack_due_at is not None and ack_due_at <= timezone.now():
        errors["ack_due_at"] = [_("The acknowledgement deadline must be in the future.")]
    if seizure is not None:
        seizure = _named(Seizure.objects.visible_to(by), seizure, "reference")
        if seizure is None:
            errors["seizure"] = [_("No seizure you can see has this reference.")]
    if operation is not None:
        operation = _named(JointOperation.objects.visible_to(by), operation, "code")
        if operation is None:
            errors["operation"] = [_("No operation you take part in has this code.")]
    try:
        agencies = _resolve_recipients(recipients, by.agency_id)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    alert = publish(
        kind=kind,
        priority=priority,
        title=title.strip(),
        body=body or "",
        recipients=agencies,
        sender_agency=by.agency,
        sender=by,
        seizure=seizure,
        operation=operation,
        ack_due_at=ack_due_at,
    )
    assert alert is not None  # recipients is never empty here
    return alert


def alert_acknowledge(
    *, by, outcome: str = "", delivery: Delivery | None = None, alert: Alert | None = None
) -> Delivery:
    """Acknowledge the alert for the user's own agency, with an outcome.

    Guarantees: only a user of a recipient agency acknowledges (anyone else, the sender
    included, gets 404 as if the alert did not exist for them); each delivery is acknowledged
    once (a second time is a Conflict). The acknowledgement is recorded, and a delivery still
    being sent goes on by each channel (the agency's national system hears of the alert,
    acknowledgement included, even when the in-app acknowledgement came first).
    """
    if delivery is None:
        if alert is None:
            raise TypeError("alert_acknowledge needs a delivery or an alert")
        delivery = Delivery.objects.filter(alert=alert, agency_id=by.agency_id).first() if by.agency_id else None
    if delivery is None or not by.is_active or delivery.agency_id != by.agency_id:
        raise Http404
    outcome = (outcome or "").strip()
    if len(outcome) > MAX_OUTCOME:
        raise ValidationError({"outcome": [_("At most %(n)d characters.") % {"n": MAX_OUTCOME}]})
    now = timezone.now()
    updated = Delivery.objects.filter(pk=delivery.pk, acknowledged_at__isnull=True).update(
        status=DeliveryStatus.ACKNOWLEDGED,
        acknowledged_at=now,
        acknowledged_by=by,
        outcome=outcome,
    )
    if not updated:
        raise Conflict(_("This alert was already acknowledged."))
    delivery.refresh_from_db()
    return delivery


# --- Escalation -----------------------------------------------------------------------------


def alert_escalate(*, alert: Alert) -> list[str]:
    """Send an overdue urgent/flash alert again to the agencies that have not acknowledged it.

    Guarantees: each delivery escalates at most once (conditional update on escalated_at);
    the sender agency gets an in-app alert naming who has not acknowledged; returns the ids
    of the deliveries escalated (queued on commit).
    """
    now = timezone.now()
    with transaction.atomic():
        candidates = list(
            Delivery.objects.filter(alert=alert, acknowledged_at__isnull=True, escalated_at__isnull=True)
            .select_related("agency")
            .order_by("agency__code")
        )
        escalated = []
        for delivery in candidates:
            updated = Delivery.objects.filter(
                pk=delivery.pk, acknowledged_at__isnull=True, escalated_at__isnull=True
            ).update(
                escalated_at=now,
                status=DeliveryStatus.PENDING,
                email_sent_at=None,
                webhook_sent_at=None,
                attempts=0,
                next_attempt_at=now,
                claimed_until=None,
            )
            if updated:
                escalated.append(delivery)
        if not escalated:
            return []
        Alert.objects.filter(pk=alert.pk).update(escalated_at=now)
        requeue_on_commit([str(delivery.pk) for delivery in escalated])
        if alert.sender_agency_id:
            publish(
                kind=AlertKind.MESSAGE,
                priority=Priority.URGENT,
                notice=NOT_ACKNOWLEDGED,
                params=not_acknowledged_params(alert, [d.agency.code for d in escalated]),
                recipients=[alert.sender_agency] if alert.sender_agency else [],
                seizure=alert.seizure,
                operation=alert.operation,
            )
    return [str(d.pk) for d in escalated]


# --- Preferences ----------------------------------------------------------------------------


def alert_preference_update(
    *,
    agency: Agency,
    by,
    email_enabled: bool,
    email_kinds: list[str],
    email_drugs: list[str],
    email_transport_modes: list[str],
    routine_as_digest: bool,
) -> AlertPreference:
    """Set which alerts the agency also receives by e-mail; only its own agency admins may."""
    if not can_set_preferences(by, agency):
        raise Forbidden(_("Only this agency's admins set its alert preferences."))
    errors = {}
    for field, values, allowed in (
        ("email_kinds", email_kinds, AlertKind.values),
        ("email_drugs", email_drugs, Drug.values),
        ("email_transport_modes", email_transport_modes, TransportMode.values),
    ):
        bad = sorted(set(values) - set(allowed))
        if bad:
            errors[field] = [_("Unknown value: %(v)s.") % {"v": ", ".join(bad)}]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        preference, _created = AlertPreference.objects.select_for_update().get_or_create(agency=agency)
        preference.email_enabled = email_enabled
        preference.email_kinds = sorted(set(email_kinds))
        preference.email_drugs = sorted(set(email_drugs))
        preference.email_transport_modes = sorted(set(email_transport_modes))
        preference.routine_as_digest = routine_as_digest
        preference.full_clean()
        preference.save()
    return preference
