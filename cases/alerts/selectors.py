"""Reads of alerts: the inbox, the sent box, one alert, the badge count.

Every page and API view starts from Alert.objects.visible_to(user) through these.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from cases.alerts.models import Alert, AlertPreference, Delivery
from members.models import Agency

BOXES = ("inbox", "sent")


def _with_deliveries(qs: QuerySet[Alert]) -> QuerySet[Alert]:
    # Two queries whatever the page size: the alerts (with the sender agency) and their deliveries.
    return qs.select_related("sender_agency").prefetch_related(
        Prefetch(
            "deliveries",
            queryset=Delivery.objects.select_related("agency", "acknowledged_by").order_by("agency__code"),
        )
    )


def alerts_for(
    user,
    *,
    box: str | None = None,
    unacknowledged: bool = False,
    kind: str | None = None,
    priority: str | None = None,
) -> QuerySet[Alert]:
    """Alerts to or from the user's agency, newest first, with their deliveries prefetched.

    box "inbox": addressed to the agency; "sent": sent by it. unacknowledged: addressed to
    the agency and not yet acknowledged by it.
    """
    qs = Alert.objects.visible_to(user)
    agency_id = getattr(user, "agency_id", None)
    # visible_to() shows a user of no agency nothing: no box can narrow that further.
    if agency_id is not None:
        if box == "inbox":
            qs = qs.filter(pk__in=Delivery.objects.filter(agency_id=agency_id).values("alert_id"))
        elif box == "sent":
            qs = qs.filter(sender_agency_id=agency_id)
        if unacknowledged:
            qs = qs.filter(
                pk__in=Delivery.objects.filter(agency_id=agency_id, acknowledged_at__isnull=True).values("alert_id")
            )
    if kind:
        qs = qs.filter(kind=kind)
    if priority:
        qs = qs.filter(priority=priority)
    return _with_deliveries(qs).order_by("-created_at", "-id")


def get_alert_for(user, pk) -> Alert:
    """One alert the user may see, or 404 (absent and invisible look the same)."""
    try:
        return _with_deliveries(Alert.objects.visible_to(user)).select_related("seizure", "operation").get(pk=pk)
    except (Alert.DoesNotExist, ValueError, TypeError):
        raise Http404


def deliveries_shown_to(user, alert: Alert) -> list[Delivery]:
    """The sender agency sees every delivery of its alert; a recipient only its own.

    Recipients are not told who else received an alert, nor another agency's outcome.
    """
    deliveries = list(alert.deliveries.all())
    agency_id = getattr(user, "agency_id", None)
    if agency_id and alert.sender_agency_id == agency_id:
        return deliveries
    return [d for d in deliveries if d.agency_id == agency_id]


def own_delivery(user, alert: Alert) -> Delivery | None:
    """The delivery of this alert to the user's agency (prefetched), if it is a recipient."""
    agency_id = getattr(user, "agency_id", None)
    return next((d for d in alert.deliveries.all() if d.agency_id == agency_id), None) if agency_id else None


def unacknowledged_count(user) -> int:
    """The badge: deliveries to the user's agency not yet acknowledged (one query)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.agency_id:
        return 0
    return Delivery.objects.filter(agency_id=user.agency_id, acknowledged_at__isnull=True).count()


def alert_preference_for(agency: Agency) -> AlertPreference:
    """The agency's preference, or the default (every alert by e-mail) when it never set one."""
    try:
        return agency.alert_preference
    except AlertPreference.DoesNotExist:
        return AlertPreference(agency=agency)


def webhook_deliveries(agency: Agency, *, limit: int = 20) -> list[Delivery]:
    """The agency's most recent deliveries, newest first, for its admins' delivery log."""
    return list(Delivery.objects.filter(agency=agency).select_related("alert").order_by("-created_at", "-pk")[:limit])
