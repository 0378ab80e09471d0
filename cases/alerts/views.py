"""Alert pages: inbox and sent box, one alert, acknowledge, a new alert, the agency's preferences.

Access comes from the selectors (Alert.objects.visible_to: 404 for the invisible) and the
services (Forbidden → 403, Conflict → 409).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases.alerts import delivery, permissions, selectors, services
from cases.alerts.forms import AcknowledgeForm, AlertFilterForm, AlertForm, AlertPreferenceForm
from cases.operations.models import JointOperation
from cases.seizures.models import Seizure
from crackdown.errors import Conflict
from crackdown.paging import keyset_page
from members.forms import apply_service
from members.http import AuthenticatedHttpRequest


def _inbox(request: AuthenticatedHttpRequest, *, box: str | None) -> HttpResponse:
    data = request.GET.copy()
    if box and "box" not in data:
        data["box"] = box
    form = AlertFilterForm(data)
    filters = form.cleaned_data if form.is_valid() else {}
    filter_query = urlencode({k: v for k, v in request.GET.items() if k not in ("after", "page_size") and v})
    queryset = selectors.alerts_for(
        request.user,
        box=filters.get("box") or None,
        unacknowledged=bool(filters.get("unacknowledged")),
        kind=filters.get("kind") or None,
        priority=filters.get("priority") or None,
    )
    # alerts_for orders by (-created_at, -id).
    page = keyset_page(queryset, request.GET, by="created_at", filter_query=filter_query)
    rows = [
        {
            "alert": alert,
            "own": selectors.own_delivery(request.user, alert),
            "sent": alert.sender_agency_id == request.user.agency_id,
        }
        for alert in page.rows
    ]
    return render(
        request,
        "alerts/inbox.html",
        {
            "form": form,
            "rows": rows,
            "box": filters.get("box") or "",
            "can_send": permissions.can_send_alerts(request.user),
            "can_set_preferences": permissions.can_set_preferences(request.user),
            "filter_query": filter_query,
            "after": page.after,
            "next_query": page.next_query,
        },
    )


@login_required
def inbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _inbox(request, box="inbox")


@login_required
def sent(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _inbox(request, box="sent")


@login_required
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    alert = selectors.get_alert_for(request.user, pk)
    own = selectors.own_delivery(request.user, alert)
    seizure_visible = bool(
        alert.seizure_id and Seizure.objects.visible_to(request.user).filter(pk=alert.seizure_id).exists()
    )
    return render(
        request,
        "alerts/detail.html",
        {
            "alert": alert,
            "own": own,
            "deliveries": selectors.deliveries_shown_to(request.user, alert),
            "show_errors": permissions.can_see_delivery_errors(request.user, alert),
            "seizure_visible": seizure_visible,
            "ack_form": AcknowledgeForm() if own and own.acknowledged_at is None else None,
        },
    )


@login_required
@require_POST
def acknowledge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    alert = selectors.get_alert_for(request.user, pk)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The outcome is too long."))
        return redirect("alerts:detail", pk=alert.pk)
    try:
        services.alert_acknowledge(alert=alert, by=request.user, outcome=form.cleaned_data["outcome"])
    except Conflict as exc:
        return render(request, "errors/409.html", {"message": str(exc)}, status=409)
    messages.success(request, _("Acknowledged."))
    return redirect("alerts:detail", pk=alert.pk)


@login_required
@require_http_methods(["GET", "POST"])
def create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.can_send_alerts(request.user):
        raise PermissionDenied
    visible = Seizure.objects.visible_to(request.user)
    linked = request.GET.get("seizure", "")
    initial = {
        "seizure": visible.filter(pk=linked).values_list("reference", flat=True).first() if linked.isdigit() else ""
    }
    form = AlertForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        alert = apply_service(form, lambda: services.alert_create(by=request.user, **form.cleaned_data))
        if alert is not None:
            messages.success(request, _("Alert sent."))
            return redirect("alerts:detail", pk=alert.pk)
    context = {
        "form": form,
        # The search box's suggestions: the reader's agency's latest seizures.
        "seizure_choices": visible.filter(agency=request.user.agency)
        .order_by("-occurred_at", "-id")
        .values_list("reference", "occurred_at")[:200],
        "operation_choices": JointOperation.objects.visible_to(request.user)
        .order_by("-starts_on", "-id")
        .values_list("code", "name")[:200],
    }
    return render(request, "alerts/form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    # An agency admin always has an agency; the second test tells mypy so.
    if not permissions.can_set_preferences(user) or (agency := user.agency) is None:
        raise PermissionDenied
    current = selectors.alert_preference_for(agency)
    initial = {
        "email_enabled": current.email_enabled,
        "email_kinds": current.email_kinds,
        "email_drugs": current.email_drugs,
        "email_transport_modes": current.email_transport_modes,
        "routine_as_digest": current.routine_as_digest,
    }
    form = AlertPreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = apply_service(
            form, lambda: services.alert_preference_update(agency=agency, by=user, **form.cleaned_data)
        )
        if saved is not None:
            messages.success(request, _("Alert preferences saved."))
            return redirect("alerts:preferences")
    return render(request, "alerts/preferences.html", {"form": form, "agency": agency})


@login_required
@require_POST
def webhook_test(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The agency page's "Send a test delivery": a signed POST to the agency's webhook now."""
    if not permissions.can_manage_webhook(request.user):
        raise PermissionDenied
    agency = request.user.agency
    assert agency is not None  # an agency admin has one
    error = delivery.send_test(agency)
    if error is None:
        messages.success(request, _("The test delivery was accepted by %(url)s.") % {"url": agency.webhook_url})
    else:
        messages.error(request, _("The test delivery failed: %(error)s") % {"error": error})
    return redirect("members:agency")
