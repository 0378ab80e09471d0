"""Reads of controlled deliveries, with the one access-checked lookup."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from cases.deliveries.models import ControlledDelivery, DeliveryEvent, DeliveryLeg


def deliveries_visible_to(user) -> QuerySet[ControlledDelivery]:
    """Visible deliveries with their agencies, legs, timeline and seizures loaded in a fixed number of queries."""
    return (
        ControlledDelivery.objects.visible_to(user)
        .select_related("requesting_agency", "operation", "created_by")
        .prefetch_related(
            Prefetch("legs", queryset=DeliveryLeg.objects.select_related("agency").order_by("seq")),
            Prefetch("events", queryset=DeliveryEvent.objects.select_related("agency", "by").order_by("at", "id")),
            "seizures",
        )
    )


def get_delivery_for(user, pk) -> ControlledDelivery:
    """One delivery the user's agency requested or is on; 404 for anything else."""
    try:
        return deliveries_visible_to(user).get(pk=pk)
    except (ControlledDelivery.DoesNotExist, ValueError, TypeError):
        raise Http404


def delivery_agencies(delivery: ControlledDelivery) -> list:
    """The requesting agency and every leg's agency, once each, in route order."""
    seen: dict[int, object] = {delivery.requesting_agency_id: delivery.requesting_agency}
    for leg in delivery.legs.all():
        seen.setdefault(leg.agency_id, leg.agency)
    return list(seen.values())
