"""Controlled delivery pages: list, request form, the board with its actions.

Views parse a form, call one service and go back to the board. Access comes from the selector
(404 for agencies not on the delivery); services answer 403/409 for the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.choices import DeliveryState, LegState
from cases.deliveries import forms, permissions, selectors, services
from cases.deliveries.models import ControlledDelivery
from cases.deliveries.places import find_place, place_choices
from cases.seizures.models import Seizure
from crackdown.views import domain_errors
from members.http import AuthenticatedHttpRequest


@login_required
@require_GET
def delivery_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    deliveries = list(selectors.deliveries_visible_to(request.user)[:200])
    return render(
        request,
        "deliveries/list.html",
        {"deliveries": deliveries, "can_request": permissions.can_request(request.user)},
    )


def _place_errors_to_forms(form: forms.DeliveryForm, legs: Any, exc: ValidationError) -> None:
    """A service's errors keyed "legs.1.eta" land on that leg's field; the rest on the main form."""
    fields = {"identifiers": "identifier_value"}
    for key, texts in exc.message_dict.items():
        parts = key.split(".")
        if parts[0] == "legs" and len(parts) == 3 and parts[1].isdigit():
            index = int(parts[1])
            if index < len(legs.forms):
                leg_form = legs.forms[index]
                leg_form.add_error(parts[2] if parts[2] in leg_form.fields else None, texts)
                continue
        if parts[0] == "identifiers":
            form.add_error("identifier_value", texts)
            continue
        name = fields.get(parts[0], parts[0])
        form.add_error(name if name in form.fields else None, texts)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def delivery_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.can_request(request.user):
        raise PermissionDenied
    form = forms.DeliveryForm(request.POST or None, user=request.user)
    legs = forms.LegFormSet(request.POST or None, prefix="legs")
    if request.method == "POST" and form.is_valid() and legs.is_valid():
        data = form.cleaned_data
        try:
            delivery = services.delivery_request(
                by=request.user,
                operation=data.get("operation"),
                legal_basis=data["legal_basis"],
                description=data["description"],
                drug=data["drug"],
                estimated_quantity=data["estimated_quantity"],
                unit=data["unit"],
                identifiers=form.identifiers(),
                legs=[leg.cleaned_data for leg in legs.forms if leg.has_changed()],
            )
        except ValidationError as exc:
            _place_errors_to_forms(form, legs, exc)
        else:
            messages.success(request, _("Controlled delivery %(code)s requested.") % {"code": delivery.code})
            return redirect("deliveries:detail", pk=delivery.pk)
    return render(request, "deliveries/form.html", {"form": form, "legs": legs, "places": place_choices()})


def _legs(delivery: ControlledDelivery, user: Any) -> list[dict[str, Any]]:
    rows = []
    for leg in delivery.legs.all():
        origin, destination = find_place(leg.from_place), find_place(leg.to_place)
        rows.append(
            {
                "leg": leg,
                "from": origin,
                "to": destination,
                "eta_local": destination.local(leg.eta) if destination else None,
                "can_hand_over": delivery.status == DeliveryState.IN_TRANSIT
                and leg.status == LegState.IN_TRANSIT
                and permissions.can_hand_over(user, leg),
            }
        )
    return rows


@login_required
@require_GET
def delivery_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    user = request.user
    delivery = selectors.get_delivery_for(user, pk)
    steering = permissions.is_requesting_coordinator(user, delivery)
    own_pending = any(leg.agency_id == user.agency_id and leg.status == LegState.PENDING for leg in delivery.legs.all())
    context = {
        "delivery": delivery,
        "legs": _legs(delivery, user),
        "events": list(delivery.events.all()),
        "seizures": list(Seizure.objects.visible_to(user).filter(controlled_deliveries=delivery)),
        "can_respond": delivery.status == DeliveryState.REQUESTED
        and own_pending
        and permissions.can_respond(user, delivery),
        "can_depart": steering and delivery.status == DeliveryState.ACCEPTED,
        "can_complete": steering and delivery.status == DeliveryState.IN_TRANSIT,
        "can_abort": steering and delivery.status in services.OPEN_STATES,
        "respond_form": forms.RespondForm(),
        "complete_form": forms.CompleteForm(),
        "abort_form": forms.AbortForm(),
    }
    return render(request, "deliveries/detail.html", context)


def _act(
    request: AuthenticatedHttpRequest,
    pk: int,
    form_class: type | None,
    act: Callable[..., Any],
    allowed: Callable[[Any, Any], bool],
    done: str,
) -> HttpResponse:
    delivery = selectors.get_delivery_for(request.user, pk)
    if not allowed(request.user, delivery):
        raise PermissionDenied
    data: dict[str, Any] = {}
    if form_class is not None:
        form = form_class(request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                label = form.fields[field].label if field in form.fields else ""
                for error in errors:
                    messages.error(request, f"{label}: {error}" if label else error)
            return redirect("deliveries:detail", pk=pk)
        data = dict(form.cleaned_data)
    try:
        act(delivery=delivery, by=request.user, **data)
    except ValidationError as exc:
        for texts in exc.message_dict.values() if hasattr(exc, "error_dict") else [exc.messages]:
            for text in texts:
                messages.error(request, text)
    else:
        messages.success(request, done)
    return redirect("deliveries:detail", pk=pk)


@login_required
@require_POST
@domain_errors
def delivery_respond(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        forms.RespondForm,
        services.delivery_respond,
        permissions.can_respond,
        _("Your answer is recorded."),
    )


@login_required
@require_POST
@domain_errors
def delivery_depart(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        None,
        services.delivery_depart,
        permissions.is_requesting_coordinator,
        _("The consignment is in transit."),
    )


@login_required
@require_POST
@domain_errors
def delivery_handover(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request, pk, forms.HandoverForm, services.delivery_handover, permissions.can_respond, _("Handover recorded.")
    )


def _complete(*, delivery: ControlledDelivery, by: Any, seizures: str = "", notes: str = "") -> Any:
    references = [ref.strip().upper() for ref in (seizures or "").replace(";", ",").split(",") if ref.strip()]
    found = dict(Seizure.objects.visible_to(by).filter(reference__in=references).values_list("reference", "pk"))
    missing = [ref for ref in references if ref not in found]
    if missing:
        raise ValidationError({"seizures": [_("No such seizure: %(refs)s.") % {"refs": ", ".join(missing)}]})
    return services.delivery_complete(delivery=delivery, seizures=found.values(), by=by, notes=notes)


@login_required
@require_POST
@domain_errors
def delivery_complete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        forms.CompleteForm,
        _complete,
        permissions.is_requesting_coordinator,
        _("The controlled delivery is completed."),
    )


@login_required
@require_POST
@domain_errors
def delivery_abort(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        forms.AbortForm,
        services.delivery_abort,
        permissions.is_requesting_coordinator,
        _("The controlled delivery is aborted."),
    )
