"""Operation pages: list, create, edit, the board and its forms, the after-action report.

Views parse a form, call one service and redirect back to the board. Access comes from the
selectors (404 for operations the agency was never invited to, 403 for the board without
an accepted answer); services answer 403/409 for the rest.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.choices import AssignmentStatus, Drug, ParticipantRole, ParticipantStatus, TransportMode
from cases.operations import forms, permissions, selectors, services
from cases.operations import report as report_module
from cases.operations.models import JointOperation, OperationEvent
from cases.seizures.models import Seizure
from crackdown.errors import Conflict
from crackdown.views import domain_errors as platform_domain_errors
from members.forms import add_service_errors
from members.http import AuthenticatedHttpRequest
from members.models import User

FINISHED_ASSIGNMENT = (AssignmentStatus.DONE, AssignmentStatus.CANCELLED)


def domain_errors(view: Callable) -> Callable:
    """crackdown.views.domain_errors, and a refused form goes back to the board with the reason."""

    @functools.wraps(view)
    @platform_domain_errors
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except ValidationError as exc:
            for text in _messages_of(exc):
                messages.error(request, text)
            pk = kwargs.get("pk")
            return redirect("operations:board", pk=pk) if pk else redirect("operations:list")

    return wrapper


def _messages_of(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [msg for errors in exc.message_dict.values() for msg in errors]
    return list(exc.messages)


def _form_errors(request: HttpRequest, form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def _board(pk: int, anchor: str = "") -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("operations:board", args=[pk]) + (f"#{anchor}" if anchor else ""))


@login_required
@require_GET
def operation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    operations = list(selectors.operations_visible_to(request.user).order_by("-starts_on", "-id")[:200])
    rows = [(op, permissions.participation_of(op, request.user)) for op in operations]
    return render(
        request,
        "operations/list.html",
        {"rows": rows, "can_create": permissions.can_create_operation(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def operation_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not permissions.can_create_operation(request.user):
        raise PermissionDenied
    form = forms.OperationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            operation = services.operation_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Operation %(code)s created.") % {"code": operation.code})
            return redirect("operations:board", pk=operation.pk)
    return render(request, "operations/form.html", {"form": form, "operation": None})


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def operation_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    operation = selectors.get_operation_for(request.user, pk)
    permissions.require_lead_coordinator(request.user, operation)
    if operation.status in services.FINISHED:
        raise Conflict(_("A closed or cancelled operation cannot be changed."))
    form = forms.OperationForm.for_operation(operation, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.operation_update(operation=operation, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Operation updated."))
            return redirect("operations:board", pk=operation.pk)
    return render(request, "operations/form.html", {"form": form, "operation": operation})


@login_required
@require_GET
def operation_board(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    operation = selectors.get_operation_for(request.user, pk)
    return render(request, "operations/board.html", _board_page_context(request, operation))


def _board_page_context(request: AuthenticatedHttpRequest, operation: JointOperation) -> dict:
    user = request.user
    participation = permissions.participation_of(operation, user)
    is_lead = permissions.is_lead_coordinator(user, operation)
    board = permissions.can_see_board(user, operation)
    steerable = is_lead and operation.status not in services.FINISHED
    context: dict = {
        "operation": operation,
        "participation": participation,
        "participations": list(operation.participations.all()),
        "is_lead": is_lead,
        "board": board,
        "can_respond": permissions.can_respond(user, operation) and operation.status not in services.FINISHED,
        "moves": _moves_for(operation) if is_lead else [],
        "steerable": steerable,
        "target_drugs": _labels(Drug, operation.target_drugs),
        "transport_modes": _labels(TransportMode, operation.transport_modes),
    }
    if board:
        context.update(_board_context(request, operation, steerable))
    return context


def _board_with_form(request: AuthenticatedHttpRequest, operation: JointOperation, **forms_shown) -> HttpResponse:
    """The board again (400) with a refused form bound as typed, its errors beside its fields."""
    context = _board_page_context(request, operation)
    context.update(forms_shown)
    context["open_form"] = next(iter(forms_shown))
    return render(request, "operations/board.html", context, status=400)


def _labels(choices, values: list[str]) -> list[str]:
    names = dict(choices.choices)
    return [str(names.get(v, v)) for v in values]


def _seizure_label(event: OperationEvent, details: dict) -> str:
    """The reference only where the reader may see the seizure; else just its agency."""
    if details.get("seizure") in getattr(event, "visible_seizures", ()):
        return details.get("reference") or ""
    agency = getattr(event.agency, "code", "") if event.agency_id else ""
    return _("of %(agency)s") % {"agency": agency} if agency else _("(not shared with you)")


def describe_event(event: OperationEvent) -> str:
    """One line of the timeline, from the event's action and details."""
    d: dict[str, Any] = event.details or {}
    status_labels = dict(AssignmentStatus.choices)
    # An event's details may lack the role; the lookup then falls back to the raw value.
    role_labels: dict[str | None, object] = dict(ParticipantRole.choices)
    texts = {
        "created": lambda: _("Operation created"),
        "updated": lambda: _("Plan changed: %(fields)s") % {"fields": ", ".join(d.get("changes", {}))},
        "invited": lambda: (
            _("%(agency)s invited as %(role)s")
            % {"agency": d.get("agency"), "role": str(role_labels.get(d.get("role"), d.get("role"))).lower()}
        ),
        "accepted": lambda: _("%(agency)s accepted") % {"agency": d.get("agency")},
        "declined": lambda: _("%(agency)s declined") % {"agency": d.get("agency")},
        "active": lambda: _("Operation activated"),
        "closed": lambda: _("Operation closed"),
        "cancelled": lambda: _("Operation cancelled"),
        "assigned": lambda: (
            _("Task “%(title)s” assigned to %(agency)s") % {"title": d.get("title"), "agency": d.get("agency")}
        ),
        "assignment_updated": lambda: (
            _("Task “%(title)s” (%(agency)s): %(what)s")
            % {
                "title": d.get("title"),
                "agency": d.get("agency"),
                "what": str(
                    status_labels.get(d.get("changes", {}).get("status", [None, None])[1], _("updated"))
                ).lower(),
            }
        ),
        "seizure_linked": lambda: _("Seizure %(ref)s linked") % {"ref": _seizure_label(event, d)},
        "seizure_unlinked": lambda: _("Seizure %(ref)s unlinked") % {"ref": _seizure_label(event, d)},
    }
    return texts[event.action]() if event.action in texts else event.action


def _moves_for(operation: JointOperation) -> list[tuple[str, str, bool]]:
    labels = {"activate": _("Activate"), "close": _("Close"), "cancel": _("Cancel operation")}
    return [
        (move, labels[move], move == "cancel")
        for move, sources in services.OPERATION_MOVES.items()
        if operation.status in sources
    ]


def _show(obj: Model, **values: object) -> None:
    """Set values that only the template reads on a model instance (never saved).

    They sit on the instance itself because the board's markup groups and reads model fields
    and these flags from the same object (`regroup assignments by agency`).
    """
    vars(obj).update(values)


def _board_context(request: AuthenticatedHttpRequest, operation: JointOperation, steerable: bool) -> dict:
    user = request.user
    now = timezone.now()
    assignments = list(selectors.operation_assignments(operation).order_by("agency__code", "status", "due_at", "id"))
    live = operation.status not in services.FINISHED
    for assignment in assignments:
        mine = live and permissions.works_on(user, assignment)
        is_open = assignment.status not in FINISHED_ASSIGNMENT
        _show(
            assignment,
            overdue=bool(assignment.due_at and assignment.due_at < now and is_open),
            mine=mine,
            open=is_open,
        )
        if mine and is_open:
            _show(assignment, form=forms.AssignmentUpdateForm(assignment=assignment))
    seizures = list(
        report_module.linked_seizures_visible_to(user, operation)
        .select_related("agency")
        .order_by("-occurred_at", "-id")
    )
    can_link = live and permissions.can_link_seizures(user)
    for seizure in seizures:
        _show(seizure, unlinkable=can_link and permissions.can_link_seizure(user, seizure))
    return {
        "assignments": assignments,
        "seizures": seizures,
        "report": report_module.operation_report(operation=operation, user=user),
        "thread": list(selectors.operation_messages(operation)),
        "timeline": _timeline(operation, user),
        "message_form": forms.MessageForm(),
        "invite_form": forms.InviteForm(operation=operation) if steerable else None,
        "assignment_form": forms.AssignmentForm(operation=operation) if steerable else None,
        "link_form": forms.LinkSeizureForm(user=user, operation=operation) if can_link else None,
        "can_unlink": can_link,
    }


def _timeline(operation: JointOperation, user: User) -> list[OperationEvent]:
    events = list(selectors.operation_timeline(operation))
    linked = {e.details.get("seizure") for e in events if (e.details or {}).get("seizure")}
    visible = set(Seizure.objects.visible_to(user).filter(pk__in=linked).values_list("pk", flat=True))
    for event in events:
        _show(event, visible_seizures=visible)
        _show(event, text=describe_event(event))
    return events


def _lead_form_view(
    form_class: Callable[..., django_forms.Form],
    service: Callable[..., Any],
    *,
    lookup: Callable[[User, int], JointOperation],
    done: str,
    anchor: str,
) -> Callable[..., HttpResponse]:
    """A lead coordinator's form on the board: the service runs with the form's data, a refused
    form comes back to the board as messages. `done` is marked with gettext_noop."""

    @login_required
    @require_POST
    @domain_errors
    def view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        operation = lookup(request.user, pk)
        permissions.require_lead_coordinator(request.user, operation)
        form = form_class(request.POST, operation=operation)
        if form.is_valid():
            service(operation=operation, by=request.user, **form.cleaned_data)
            messages.success(request, _(done))
        else:
            _form_errors(request, form)
        return _board(pk, anchor)

    return view


operation_invite = _lead_form_view(
    forms.InviteForm,
    services.operation_invite,
    lookup=selectors.get_operation_for,
    done=gettext_noop("Invitations sent."),
    anchor="participants",
)


@login_required
@require_POST
@domain_errors
def assignment_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Assign a task (a lead coordinator, on the board). A refused form comes back as typed, each
    message beside its field. Assigning work also needs the board: the lead agency must have
    accepted its own operation."""
    operation = selectors.get_board_for(request.user, pk)
    permissions.require_lead_coordinator(request.user, operation)
    form = forms.AssignmentForm(request.POST, operation=operation)
    if form.is_valid():
        try:
            services.assignment_create(operation=operation, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Assignment sent."))
            return _board(pk, "assignments")
    return _board_with_form(request, operation, assignment_form=form)


@login_required
@require_POST
@domain_errors
def operation_respond(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    operation = selectors.get_operation_for(request.user, pk)
    answer = request.POST.get("accept")
    if answer not in ("1", "0"):
        raise ValidationError(_("Accept or decline."))
    participation = services.operation_respond(operation=operation, accept=answer == "1", by=request.user)
    if participation.status == ParticipantStatus.ACCEPTED:
        messages.success(request, _("Your agency takes part in %(code)s.") % {"code": operation.code})
    else:
        messages.info(request, _("Your agency declined %(code)s.") % {"code": operation.code})
    return _board(pk)


LIFECYCLE = {
    "activate": services.operation_activate,
    "close": services.operation_close,
    "cancel": services.operation_cancel,
}


@login_required
@require_POST
@domain_errors
def operation_move(request: AuthenticatedHttpRequest, pk: int, move: str) -> HttpResponse:
    operation = selectors.get_operation_for(request.user, pk)
    operation = LIFECYCLE[move](operation=operation, by=request.user)
    messages.success(request, _("The operation is now %(status)s.") % {"status": operation.get_status_display()})
    return _board(pk)


@login_required
@require_POST
@domain_errors
def assignment_update(request: AuthenticatedHttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    assignment = selectors.get_assignment_for(request.user, assignment_pk)
    if assignment.operation_id != pk:
        # No such assignment at this address.
        raise Http404
    if request.POST.get("cancel") == "1":
        services.assignment_update(assignment=assignment, status=AssignmentStatus.CANCELLED, by=request.user)
        messages.success(request, _("Assignment cancelled."))
        return _board(pk, "assignments")
    form = forms.AssignmentUpdateForm(request.POST, assignment=assignment)
    if form.is_valid():
        services.assignment_update(
            assignment=assignment,
            status=form.cleaned_data["status"],
            outcome=form.cleaned_data["outcome"],
            assignee=form.cleaned_data["assignee"],
            by=request.user,
        )
        messages.success(request, _("Assignment updated."))
    else:
        _form_errors(request, form)
    return _board(pk, f"assignment-{assignment.pk}")


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def operation_messages(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: the thread partial (polled by htmx). POST: post, then the partial (htmx) or the board."""
    operation = selectors.get_board_for(request.user, pk)
    if request.method == "POST":
        form = forms.MessageForm(request.POST)
        if form.is_valid():
            services.message_post(operation=operation, body=form.cleaned_data["body"], by=request.user)
        elif not request.headers.get("HX-Request"):
            _form_errors(request, form)
        if not request.headers.get("HX-Request"):
            return _board(pk, "messages")
    return render(
        request,
        "operations/_thread.html",
        {"operation": operation, "thread": list(selectors.operation_messages(operation))},
    )


def _own_seizure(request: AuthenticatedHttpRequest) -> Seizure:
    # The service refuses another agency's seizure (403); an unknown one is a form error.
    # Typed as a reference in the link picker ("kcs-2026-000123"), or an id (the unlink button).
    value = (request.POST.get("seizure") or "").strip()
    visible = Seizure.objects.visible_to(request.user)
    try:
        if value.isdigit():
            return visible.get(pk=int(value))
        return visible.get(reference=value.upper())
    except (Seizure.DoesNotExist, ValueError, OverflowError):
        raise ValidationError(_("Choose one of your agency's seizures by its reference.")) from None


def _link_view(service: Callable[..., Seizure], message: str) -> Callable[..., HttpResponse]:
    """A POST that links or unlinks one of the user's agency's seizures, then back to the board.

    `message` is marked with gettext_noop and translated per request, in the reader's language.
    """

    @login_required
    @require_POST
    @domain_errors
    def view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
        operation = selectors.get_board_for(request.user, pk)
        seizure = service(operation=operation, seizure=_own_seizure(request), by=request.user)
        messages.success(request, _(message) % {"ref": seizure.reference})
        return _board(pk, "seizures")

    return view


seizure_link = _link_view(services.operation_link_seizure, gettext_noop("%(ref)s linked to the operation."))
seizure_unlink = _link_view(services.operation_unlink_seizure, gettext_noop("%(ref)s taken out of the operation."))


@login_required
@require_GET
@domain_errors
def operation_report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    operation = selectors.get_board_for(request.user, pk)
    report = report_module.operation_report(operation=operation, user=request.user)
    return render(
        request,
        "operations/report.html",
        {
            "operation": operation,
            "report": report,
            "generated_at": timezone.now(),
            "assignment_rows": [(AssignmentStatus(k).label, v) for k, v in report.assignments.items()],
        },
    )


@login_required
@require_GET
@domain_errors
def operation_report_csv(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    operation = selectors.get_board_for(request.user, pk)
    report = report_module.operation_report(operation=operation, user=request.user)
    return report_module.report_csv_response(report)
