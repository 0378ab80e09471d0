"""Alert services: the transactional outbox (DESIGN.md "Alerts").

Other modules call these inside their own transaction; each writes an Alert and one Delivery
per recipient agency, and queues delivery on commit. Nothing here talks to the broker before
the transaction commits, and a broker that is down then loses nothing: the Delivery rows stay
pending and the sweeper (cases.alerts.tasks.sweep_deliveries) queues them again.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from functools import partial

import redis.exceptions
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from kombu.exceptions import KombuError

from cases.alerts.models import Alert, AlertPreference, Delivery, SeizureNotice
from cases.choices import (
    MANUAL_ALERT_KINDS,
    AlertKind,
    DeliveryStatus,
    Drug,
    ParticipantStatus,
    Priority,
    TransportMode,
)
from crackdown.errors import Conflict, Forbidden
from members.models import Agency, Role

logger = logging.getLogger(__name__)

# What a broker that is down or unreachable raises when a task is published.
BROKER_ERRORS: tuple[type[BaseException], ...] = (KombuError, OSError, redis.exceptions.RedisError)

MAX_TITLE = 300
MAX_OUTCOME = 2000


# --- The outbox -----------------------------------------------------------------------------


def queue_delivery(delivery_id: str) -> bool:
    """Publish the delivery task; False (logged) when the broker is unreachable.

    Never raises for a broker error: the caller's transaction has committed and the row is
    pending, so the sweeper will queue it again once the broker is back.
    """
    from cases.alerts.tasks import deliver

    try:
        deliver.delay(delivery_id)
    except BROKER_ERRORS as exc:
        logger.warning(
            "alert delivery %s not queued (broker unavailable: %s); the sweeper will retry", delivery_id, exc
        )
        return False
    return True


def _create_alert(
    *,
    kind: str,
    title: str,
    body: str,
    agencies: Iterable[Agency],
    priority: str = Priority.ROUTINE,
    sender_agency: Agency | None = None,
    sender=None,
    seizure=None,
    operation=None,
    ack_due_at: dt.datetime | None = None,
) -> Alert | None:
    """Write the alert and one pending delivery per agency; queue each delivery on commit.

    Returns None (and writes nothing) when there is no recipient.
    """
    alert = Alert(
        kind=kind,
        priority=priority,
        title=title[:MAX_TITLE],
        body=body,
        sender_agency=sender_agency,
        sender=sender,
        seizure=seizure,
        operation=operation,
        ack_due_at=ack_due_at,
    )
    created = _create_alerts([(alert, agencies)])
    return created[0] if created else None


# Objects the services hand over already loaded: full_clean need not look each one up again.
_ALERT_RELATIONS = ["sender_agency", "sender", "seizure", "operation"]


def _create_alerts(drafts: Iterable[tuple[Alert, Iterable[Agency]]]) -> list[Alert]:
    """Write unsaved alerts, each with one pending delivery per recipient agency, in two
    multi-row INSERTs, and queue every delivery on commit. Alerts without a recipient are skipped.

    Guarantees: each alert's fields are validated (full_clean) before anything is written; the
    rows go in inside the caller's transaction or not at all; the broker hears of them only
    after commit.
    """
    pending = []
    for alert, agencies in drafts:
        recipients = list({a.pk: a for a in agencies}.values())
        if recipients:
            alert.title = alert.title[:MAX_TITLE]
            # The database checks the relations and the choice constraints; full_clean gives
            # field-level messages without a query per relation and constraint.
            alert.full_clean(exclude=_ALERT_RELATIONS, validate_constraints=False)
            pending.append((alert, recipients))
    if not pending:
        return []
    now = timezone.now()
    with transaction.atomic(savepoint=False):
        alerts = Alert.objects.bulk_create([alert for alert, _recipients in pending])
        deliveries = Delivery.objects.bulk_create(
            [
                Delivery(alert=alert, agency=agency, next_attempt_at=now)
                for alert, recipients in pending
                for agency in recipients
            ]
        )
        ids = [str(delivery.pk) for delivery in deliveries]
        transaction.on_commit(partial(_queue_deliveries, ids))
    return alerts


def _queue_deliveries(delivery_ids: list[str]) -> None:
    """After commit: queue the deliveries of one event with a single broker message.

    One delivery is queued as itself. Several go as one `alerts.queue_deliveries` message,
    which a worker splits into a delivery task each (each claims, sends and retries on its
    own): the request publishes once (~1 ms on the 2-core bench machine) however many
    agencies the event reaches. A broker that is down leaves every row pending for the sweeper.
    """
    if len(delivery_ids) == 1:
        queue_delivery(delivery_ids[0])
        return
    from cases.alerts.tasks import queue_deliveries

    try:
        queue_deliveries.delay(delivery_ids)
    except BROKER_ERRORS as exc:
        logger.warning(
            "%d alert deliveries not queued (broker unavailable: %s); the sweeper will retry", len(delivery_ids), exc
        )


def _english():
    # Alert texts are stored once and read in eleven countries: write them in the site language,
    # not in the language of whoever triggered the event.
    return translation.override(settings.LANGUAGE_CODE)


# --- Events that alert ----------------------------------------------------------------------


def seizure_notice_recipients(seizure) -> list[Agency]:
    """Active member agencies of the countries on the route, other than the owner, that may see it."""
    from cases.seizures.models import Seizure

    route = set(seizure.route)
    if not route:
        return []
    candidates = (
        Agency.objects.active()
        .filter(country__in=route)
        .exclude(pk=seizure.agency_id)
        .exclude(pk__in=SeizureNotice.objects.filter(seizure_id=seizure.pk).values("agency_id"))
        .order_by("code")
    )
    return [a for a in candidates if Seizure.objects.visible_to_agency(a.pk).filter(pk=seizure.pk).exists()]


def _seizure_summary(seizure) -> tuple[str, str]:
    items = list(seizure.items.all())
    drugs = ", ".join(sorted({str(Drug(i.drug).label) if i.drug in Drug.values else i.drug for i in items}))
    weight = f"{seizure.total_weight_kg.normalize():f} kg " if seizure.total_weight_kg else ""
    route = " → ".join(seizure.route)
    title = _("Seizure %(ref)s: %(weight)s%(drugs)s, %(route)s") % {
        "ref": seizure.reference,
        "weight": weight,
        "drugs": drugs or _("drugs"),
        "route": route,
    }
    mode = TransportMode(seizure.transport_mode).label if seizure.transport_mode in TransportMode.values else ""
    lines = [
        _("Reported by %(agency)s.") % {"agency": seizure.agency.name},
        _("Transport mode: %(mode)s.") % {"mode": mode},
        _("Route: %(route)s.") % {"route": route},
    ]
    if seizure.location:
        lines.append(_("Location: %(location)s.") % {"location": seizure.location})
    for item in items:
        lines.append(f"- {item.quantity.normalize():f} {item.unit} {item.drug} {item.description}".rstrip())
    return title, "\n".join(lines)


def alert_seizure_submitted(*, seizure, by) -> Alert | None:
    """Tell the agencies of the countries on the seizure's route that may see it (once each).

    Guarantees: each (seizure, agency) pair is told at most once, whatever number of
    amendments follow (SeizureNotice); an agency that cannot see the seizure is not told;
    the alert and its deliveries commit or roll back with the caller's transaction.
    """
    from cases.seizures.models import Seizure

    with transaction.atomic():
        # Serialise concurrent submits/amendments of one seizure so a notice is written once.
        seizure = Seizure.objects.select_for_update().select_related("agency").get(pk=seizure.pk)
        recipients = seizure_notice_recipients(seizure)
        if not recipients:
            return None
        SeizureNotice.objects.bulk_create([SeizureNotice(seizure=seizure, agency=a) for a in recipients])
        with _english():
            title, body = _seizure_summary(seizure)
        return _create_alert(
            kind=AlertKind.SEIZURE_NOTICE,
            title=title,
            body=body,
            agencies=recipients,
            sender_agency=seizure.agency,
            sender=by,
            seizure=seizure,
            operation=_operation_named_to(seizure, recipients),
        )


def _operation_named_to(seizure, recipients: list[Agency]):
    """The seizure's operation if every recipient may learn of it, else None (one alert is
    shared by all recipients: an agency named in shared_with need not be in the operation)."""
    from cases.operations.models import Participation
    from cases.seizures.selectors import operation_shown_to_agency

    if seizure.operation_id is None:
        return None
    # One query for all recipients: which of them accepted this operation.
    in_operation = set(
        Participation.objects.filter(agency__in=recipients)
        .filter(operation_id=seizure.operation_id, status=ParticipantStatus.ACCEPTED)
        .values_list("agency_id", flat=True)
    )
    for agency in recipients:
        accepted = {seizure.operation_id} if agency.pk in in_operation else set()
        if not operation_shown_to_agency(
            agency.pk, agency_id=seizure.agency_id, operation_id=seizure.operation_id, accepted=accepted
        ):
            return None
    return seizure.operation


def alert_operation_invite(*, operation, agencies, by) -> Alert | None:
    """Tell each invited agency of the invitation (one alert, one delivery per agency)."""
    with _english():
        title = _("Invitation to joint operation %(code)s %(name)s") % {"code": operation.code, "name": operation.name}
        body = _("%(lead)s invites your agency to take part, %(start)s to %(end)s.") % {
            "lead": operation.lead_agency.name,
            "start": operation.starts_on,
            "end": operation.ends_on,
        }
        if operation.description:
            body += "\n\n" + operation.description
    return _create_alert(
        kind=AlertKind.OPERATION_INVITE,
        title=title,
        body=body,
        agencies=[a for a in agencies if a.pk != operation.lead_agency_id],
        sender_agency=operation.lead_agency,
        sender=by,
        operation=operation,
    )


def alert_assignment(*, assignment, by) -> Alert | None:
    """Tell the assigned agency of a new assignment; its due date is the acknowledgement deadline."""
    operation = assignment.operation
    with _english():
        title = _("Assignment in %(code)s: %(title)s") % {"code": operation.code, "title": assignment.title}
    due = assignment.due_at if assignment.due_at and assignment.due_at > timezone.now() else None
    return _create_alert(
        kind=AlertKind.ASSIGNMENT,
        title=title,
        body=assignment.instructions,
        agencies=[assignment.agency],
        sender_agency=operation.lead_agency,
        sender=by,
        operation=operation,
        ack_due_at=due,
    )


def alert_match(*, match) -> list[Alert]:
    """Tell both agencies of a new cross-agency match (no detail of a seizure they cannot see).

    One alert per agency, each linked to that agency's own seizure only; the other side is
    named by agency and identifier, never by reference.
    """
    return alert_matches(matches=[match])


def alert_matches(*, matches: Iterable) -> list[Alert]:
    """alert_match for several matches at once, written in one pair of multi-row INSERTs.

    The matches' seizures and their agencies should be loaded (select_related) by the caller.
    """
    drafts = []
    for match in matches:
        pairs = ((match.seizure_a, match.seizure_b), (match.seizure_b, match.seizure_a))
        for own, other in pairs:
            if own.agency_id == other.agency_id:
                continue
            with _english():
                title = _("Match: %(kind)s %(value)s also seized by %(agency)s") % {
                    "kind": match.kind,
                    "value": match.normalized,
                    "agency": other.agency.code,
                }
                body = _("Your seizure %(ref)s shares the %(kind)s %(value)s with a seizure of %(agency)s.") % {
                    "ref": own.reference,
                    "kind": match.kind,
                    "value": match.normalized,
                    "agency": other.agency.name,
                }
            alert = Alert(kind=AlertKind.MATCH, title=title, body=body, priority=Priority.URGENT, seizure=own)
            drafts.append((alert, [own.agency]))
    return _create_alerts(drafts)


def alert_access_request(*, access_request) -> Alert | None:
    """Tell the owner of a hidden matched seizure that another agency asks to see it."""
    seizure = access_request.seizure
    with _english():
        title = _("%(agency)s asks to see seizure %(ref)s") % {
            "agency": access_request.requesting_agency.code,
            "ref": seizure.reference,
        }
        body = _("It matched one of their seizures. Share it with them from the seizure page if you agree.")
    return _create_alert(
        kind=AlertKind.MESSAGE,
        title=title,
        body=body,
        agencies=[seizure.agency],
        sender_agency=access_request.requesting_agency,
        sender=access_request.requested_by,
        seizure=seizure,
    )


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
    from cases.alerts.selectors import can_send_alerts
    from cases.operations.models import JointOperation
    from cases.seizures.models import Seizure

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
        seizure_id = getattr(seizure, "pk", seizure)
        seizure = Seizure.objects.visible_to(by).filter(pk=seizure_id).first()
        if seizure is None:
            errors["seizure"] = [_("No such seizure.")]
    if operation is not None:
        operation_id = getattr(operation, "pk", operation)
        operation = JointOperation.objects.visible_to(by).filter(pk=operation_id).first()
        if operation is None:
            errors["operation"] = [_("No such operation.")]
    try:
        agencies = _resolve_recipients(recipients, by.agency_id)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    alert = _create_alert(
        kind=kind,
        priority=priority,
        title=title.strip(),
        body=body or "",
        agencies=agencies,
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
    once (a second time is a Conflict); pending retries of the delivery stop.
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
        claimed_until=None,
        next_attempt_at=None,
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
        transaction.on_commit(partial(_queue_deliveries, [str(delivery.pk) for delivery in escalated]))
        if alert.sender_agency_id:
            codes = ", ".join(d.agency.code for d in escalated)
            with _english():
                title = _("Not acknowledged in time: %(title)s") % {"title": alert.title}
                body = _("%(codes)s did not acknowledge by the deadline; the alert was sent to them again.") % {
                    "codes": codes
                }
            _create_alert(
                kind=AlertKind.MESSAGE,
                priority=Priority.URGENT,
                title=title,
                body=body,
                agencies=[alert.sender_agency],
                seizure=alert.seizure,
                operation=alert.operation,
            )
    return [str(d.pk) for d in escalated]


# --- Preferences ----------------------------------------------------------------------------


def alert_preference_for(agency: Agency) -> AlertPreference:
    """The agency's preference, or the default (every alert by e-mail) when it never set one."""
    try:
        return agency.alert_preference
    except AlertPreference.DoesNotExist:
        return AlertPreference(agency=agency)


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
    if not (by.is_active and by.role == Role.AGENCY_ADMIN and by.agency_id == agency.pk):
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
