"""The lookout pages: list (own and shared with us), create/edit, detail with hits, withdraw."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases.lookouts.forms import LookoutEditor
from cases.lookouts.models import Lookout, LookoutStatus, RetroStatus
from cases.lookouts.permissions import can_create_lookout, can_request_hit_access, can_write_lookout, owns_lookout
from cases.lookouts.selectors import (
    deconfliction_rows,
    get_hit_for,
    get_lookout_for,
    hit_queryset,
    hit_row,
    lookout_history,
    lookout_list,
)
from cases.lookouts.services import (
    hit_access_request,
    lookout_create,
    lookout_from_seizure,
    lookout_update,
    lookout_withdraw,
    mark_hits_seen,
)
from cases.seizures.selectors import get_seizure_for
from crackdown.errors import Conflict
from crackdown.paging import keyset_page
from crackdown.views import domain_errors
from members.http import AuthenticatedHttpRequest


@login_required
def lookout_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in LookoutStatus.values else ""
    mine = {"mine": True, "shared": False}.get(request.GET.get("whose", ""))
    qs = lookout_list(user=request.user, status=status or None, mine=mine).order_by("-id")
    page = keyset_page(qs, request.GET, by=None, filter_query=request.GET.urlencode())
    context = {
        "rows": page.rows,
        "after": page.after,
        "next_query": page.next_query,
        "status": status,
        "whose": request.GET.get("whose", ""),
        "statuses": LookoutStatus.choices,
        "can_create": can_create_lookout(request.user),
        "new_total": sum(getattr(row, "new_hits", 0) for row in page.rows),
    }
    return render(request, "lookouts/list.html", context)


def _render_form(request, editor: LookoutEditor, *, lookout: Lookout | None = None, status: int = 200):
    context = {"form": editor.form, "values": editor.values, "lookout": lookout, "has_errors": status == 400}
    return render(request, "lookouts/form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def lookout_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_create_lookout(request.user):
        raise PermissionDenied
    if request.method != "POST":
        return _render_form(request, LookoutEditor(user=request.user))
    editor = LookoutEditor(user=request.user, data=request.POST)
    if editor.is_valid():
        try:
            lookout = lookout_create(by=request.user, data=editor.data_for_service())
        except ValidationError as exc:
            editor.add_service_errors(exc)
        else:
            messages.success(request, _("Lookout saved. Earlier seizures are being searched."))
            return redirect("lookouts:detail", pk=lookout.pk)
    return _render_form(request, editor, status=400)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def lookout_edit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    lookout = get_lookout_for(request.user, pk)
    if not can_write_lookout(request.user, lookout):
        raise PermissionDenied
    if lookout.status != LookoutStatus.ACTIVE:
        raise Conflict(_("This lookout has ended and can no longer be changed."))
    if request.method != "POST":
        return _render_form(request, LookoutEditor(user=request.user, lookout=lookout), lookout=lookout)
    editor = LookoutEditor(user=request.user, data=request.POST)
    if editor.is_valid():
        try:
            lookout_update(lookout=lookout, by=request.user, data=editor.data_for_service())
        except ValidationError as exc:
            editor.add_service_errors(exc)
        else:
            messages.success(request, _("Lookout saved."))
            return redirect("lookouts:detail", pk=lookout.pk)
    return _render_form(request, editor, lookout=lookout, status=400)


@login_required
@require_POST
@domain_errors
def lookout_from_seizure_view(request: AuthenticatedHttpRequest, seizure_pk: int) -> HttpResponse:
    if not can_create_lookout(request.user):
        raise PermissionDenied
    seizure = get_seizure_for(request.user, seizure_pk)
    try:
        lookout = lookout_from_seizure(seizure=seizure, by=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("seizures:detail", pk=seizure.pk)
    messages.success(request, _("Lookout created from the seizure's identifiers. Check its expiry and sharing."))
    return redirect("lookouts:detail", pk=lookout.pk)


@login_required
def lookout_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    lookout = get_lookout_for(request.user, pk)
    page = keyset_page(hit_queryset(lookout, user=request.user).order_by("-id"), request.GET, by=None)
    context = {
        "lookout": lookout,
        "hits": [hit_row(hit, lookout=lookout) for hit in page.rows],
        "after": page.after,
        "next_query": page.next_query,
        "deconflictions": deconfliction_rows(lookout, user=request.user),
        "history": list(lookout_history(lookout)) if owns_lookout(request.user, lookout) else [],
        "own": owns_lookout(request.user, lookout),
        "can_write": can_write_lookout(request.user, lookout) and lookout.status == LookoutStatus.ACTIVE,
        "can_request": can_request_hit_access(request.user, lookout),
        "retro_running": lookout.retro_status in (RetroStatus.QUEUED, RetroStatus.RUNNING),
    }
    mark_hits_seen(lookout=lookout, by=request.user)
    return render(request, "lookouts/detail.html", context)


@login_required
def lookout_retro_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The retro-hunt's progress (polled by htmx while it runs)."""
    lookout = get_lookout_for(request.user, pk)
    context = {
        "lookout": lookout,
        "retro_running": lookout.retro_status in (RetroStatus.QUEUED, RetroStatus.RUNNING),
    }
    return render(request, "lookouts/_retro.html", context)


@login_required
@require_POST
@domain_errors
def lookout_withdraw_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    lookout = get_lookout_for(request.user, pk)
    lookout_withdraw(lookout=lookout, by=request.user)
    messages.success(request, _("Lookout withdrawn: it makes no further hit."))
    return redirect("lookouts:detail", pk=lookout.pk)


@login_required
@require_POST
@domain_errors
def hit_request_access_view(request: AuthenticatedHttpRequest, pk: int, hit: int) -> HttpResponse:
    lookout = get_lookout_for(request.user, pk)
    try:
        hit_access_request(hit=get_hit_for(request.user, lookout, hit), by=request.user)
    except Conflict:
        messages.info(request, _("Your agency can already see that seizure."))
    else:
        messages.success(request, _("Access requested. The owning agency has been alerted."))
    return redirect("lookouts:detail", pk=lookout.pk)
