"""Seizure pages. Views parse input, call one selector or service and render.

Access is decided by the selectors (get_seizure_for: 404 for the invisible, 403 for the
read-only) and the services (Forbidden → 403, Conflict → 409); which buttons a reader sees
is decided in one place, cases.seizures.permissions.seizure_actions().
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from cases.seizures.export import export_response
from cases.seizures.forms import SeizureEditor, SeizureFilterForm
from cases.seizures.models import Seizure, SeizureRevision
from cases.seizures.permissions import can_report, seizure_actions
from cases.seizures.selectors import count_up_to, get_seizure_for, seizure_history, seizure_list
from cases.seizures.services import (
    seizure_create,
    seizure_delete,
    seizure_record_access,
    seizure_submit,
    seizure_update,
    seizure_verify,
)
from cases.seizures.validators import country_name
from cases.seizures.visibility import operation_shown_to
from crackdown.paging import keyset_page
from crackdown.views import domain_errors
from members.http import AuthenticatedHttpRequest
from members.models import User

# --- list, load more, export ------------------------------------------------------------


def _filtered(
    request: AuthenticatedHttpRequest, *, paged: bool = False
) -> tuple[SeizureFilterForm, QuerySet[Seizure], str, dict[str, Any]]:
    form = SeizureFilterForm(request.GET, user=request.user)
    form.is_valid()  # a wrong field is shown with its message; the valid ones still filter
    filters = {k: v for k, v in getattr(form, "cleaned_data", {}).items() if v not in (None, "")}
    query = QueryDict(mutable=True)
    for key in form.fields:
        value = request.GET.get(key, "")
        if value:
            query[key] = value
    return form, seizure_list(user=request.user, filters=filters, paged=paged), query.urlencode(), filters


@login_required
@require_http_methods(["GET"])
def seizure_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    filter_form, queryset, filter_query, filters = _filtered(request, paged=True)
    # seizure_list(paged=True) walks the indexed (-occurred_at, -id) order: the keyset follows it.
    page = keyset_page(queryset, request.GET, by="occurred_at", filter_query=filter_query)
    # Counted on the first page only: a "load more" request carries the keyset.
    if page.after:
        matches, exact = None, True
    else:
        counted = seizure_list(user=request.user, filters=filters, paged=True, details=False, ordered=False)
        matches, exact = count_up_to(counted)
    context = {
        "matches": matches,
        "matches_exact": exact,
        "filter_form": filter_form,
        "filter_query": filter_query,
        "seizures": page.rows,
        "after": page.after,
        "next_query": page.next_query,
        "can_create": can_report(request.user),
    }
    return render(request, "seizures/list.html", context)


@login_required
@require_http_methods(["GET"])
def seizure_export_view(request: AuthenticatedHttpRequest) -> StreamingHttpResponse:
    _form, queryset, _query, _filters = _filtered(request)
    return export_response(queryset, user=request.user)


# --- detail -----------------------------------------------------------------------------


def _history(seizure: Seizure, user: User) -> list[dict[str, Any]]:
    labels = dict(SeizureRevision.Action.choices)
    entries = []
    for entry in seizure_history(seizure, user=user):
        fields = sorted((entry.get("changes") or {}).keys())
        entries.append(
            {
                **entry,
                "action_label": labels.get(entry["action"], entry["action"]),
                "changed_fields": [] if entry["action"] == SeizureRevision.Action.CREATED else fields,
            }
        )
    return entries


@login_required
@require_http_methods(["GET"])
def seizure_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    seizure = get_seizure_for(request.user, pk)
    seizure_record_access(seizure=seizure, user=request.user, action="view")
    operation_visible = bool(seizure.operation_id and operation_shown_to(request.user, seizure))
    context = {
        "operation_visible": operation_visible,
        "seizure": seizure,
        "actions": seizure_actions(request.user, seizure),
        "country_name": country_name(seizure.country),
        "route": [{"code": code, "name": country_name(code)} for code in seizure.route],
        "items": seizure.items.all(),
        "identifiers": seizure.identifiers.all(),
        "persons": seizure.persons.all(),
        "shared_with": seizure.shared_with.all(),
        "history": _history(seizure, request.user),
    }
    return render(request, "seizures/detail.html", context)


# --- create / edit ----------------------------------------------------------------------


def _render_form(
    request: AuthenticatedHttpRequest,
    editor: SeizureEditor,
    *,
    seizure: Seizure | None = None,
    amending: bool = False,
    status: int = 200,
) -> HttpResponse:
    context = {
        "form": editor.form,
        "formsets": editor.formsets,
        "seizure": seizure,
        "amending": amending,
        "has_errors": status == 400,
    }
    return render(request, "seizures/form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def seizure_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not can_report(request.user):
        raise PermissionDenied
    if request.method != "POST":
        return _render_form(request, SeizureEditor(user=request.user))
    editor = SeizureEditor(user=request.user, data=request.POST)
    if editor.is_valid():
        try:
            seizure = seizure_create(by=request.user, data=editor.data_for_service())
        except ValidationError as exc:
            editor.add_service_errors(exc)
        else:
            messages.success(request, _("Seizure %(ref)s saved as a draft.") % {"ref": seizure.reference})
            return redirect("seizures:detail", pk=seizure.pk)
    return _render_form(request, editor, status=400)


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def seizure_edit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    seizure = get_seizure_for(request.user, pk, write=True)
    actions = seizure_actions(request.user, seizure)
    if not (actions.edit or actions.amend):
        raise PermissionDenied
    amending = actions.amend
    if request.method != "POST":
        editor = SeizureEditor(user=request.user, seizure=seizure, amending=amending)
        return _render_form(request, editor, seizure=seizure, amending=amending)
    editor = SeizureEditor(user=request.user, seizure=seizure, data=request.POST, amending=amending)
    if editor.is_valid():
        try:
            seizure_update(
                seizure=seizure,
                by=request.user,
                data=editor.data_for_service(),
                amendment_reason=editor.amendment_reason,
            )
        except ValidationError as exc:
            editor.add_service_errors(exc)
        else:
            messages.success(request, _("Seizure %(ref)s saved.") % {"ref": seizure.reference})
            return redirect("seizures:detail", pk=seizure.pk)
    return _render_form(request, editor, seizure=seizure, amending=amending, status=400)


# --- state changes (POST only) ------------------------------------------------------------


def _state_change(service: Callable[..., Seizure], done: Promise) -> Callable[..., HttpResponse]:
    """A POST-only page action: the seizure's writer moves it on, and reads `done` on its page."""

    @login_required
    @require_POST
    @domain_errors
    def view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        seizure = get_seizure_for(request.user, pk, write=True)
        service(seizure=seizure, by=request.user)
        messages.success(request, done % {"ref": seizure.reference})
        return redirect("seizures:detail", pk=seizure.pk)

    return view


seizure_submit_view = _state_change(seizure_submit, gettext_lazy("Seizure %(ref)s submitted."))
seizure_verify_view = _state_change(seizure_verify, gettext_lazy("Seizure %(ref)s verified."))


@login_required
@require_POST
@domain_errors
def seizure_delete_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    seizure = get_seizure_for(request.user, pk, write=True)
    reference = seizure.reference
    seizure_delete(seizure=seizure, by=request.user)
    messages.success(request, _("Draft %(ref)s deleted.") % {"ref": reference})
    return redirect("seizures:list")
