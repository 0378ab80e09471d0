"""The import pages: upload (a dry run first), the report with its progress, confirm, history."""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.imports.forms import ImportForm
from cases.imports.permissions import can_import
from cases.imports.reading import CEN_COLUMNS, READ_COLUMNS, REQUIRED_COLUMNS, FileRefused
from cases.imports.selectors import get_import_for, import_list, percent_done
from cases.imports.services import confirmable, import_cancel, import_confirm, import_create
from cases.imports.template import template_csv, template_xlsx
from crackdown.errors import Conflict, Forbidden
from members.http import AuthenticatedHttpRequest

HISTORY = 50


def _require_importer(request: HttpRequest) -> None:
    if not can_import(request.user):
        raise PermissionDenied(_("Only officers and coordinators of a member agency import seizures."))


@login_required
def import_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    _require_importer(request)
    form = ImportForm()
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                seizure_import = import_create(
                    by=request.user, upload=form.cleaned_data["file"], dry_run=True, submit=form.cleaned_data["submit"]
                )
            except FileRefused as exc:
                form.add_error("file", exc.message)
            else:
                return redirect("imports:detail", seizure_import.pk)
    context = {
        "form": form,
        "history": list(import_list(user=request.user)[:HISTORY]),
        "columns": READ_COLUMNS,
        "required": REQUIRED_COLUMNS,
        "cen_columns": sorted(CEN_COLUMNS.items()),
    }
    return render(request, "imports/list.html", context, status=400 if form.errors else 200)


@login_required
def import_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    seizure_import = get_import_for(request.user, pk)
    grouped: dict[str, list[dict]] = defaultdict(list)
    for error in seizure_import.errors:
        grouped[error.get("field") or ""].append(error)
    context = {
        "import": seizure_import,
        "percent": percent_done(seizure_import),
        "errors_by_column": sorted(grouped.items()),
        "confirmable": confirmable(seizure_import),
        "shown_errors": len(seizure_import.errors),
    }
    # htmx polls the progress part while the import runs.
    template = "imports/_progress.html" if request.headers.get("HX-Request") else "imports/detail.html"
    return render(request, template, context)


@login_required
@require_POST
def import_cancel_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    seizure_import = get_import_for(request.user, pk)
    try:
        import_cancel(seizure_import=seizure_import, by=request.user)
    except Forbidden as exc:
        raise PermissionDenied(str(exc)) from None
    except Conflict as exc:
        messages.info(request, str(exc))
    else:
        messages.success(request, _("The import is cancelled: nothing of it is saved."))
    return redirect("imports:detail", seizure_import.pk)


@login_required
@require_POST
def import_confirm_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    seizure_import = get_import_for(request.user, pk)
    try:
        real = import_confirm(seizure_import=seizure_import, by=request.user)
    except Forbidden as exc:
        raise PermissionDenied(str(exc)) from None
    except Conflict as exc:
        messages.error(request, str(exc))
        return redirect("imports:detail", seizure_import.pk)
    return redirect("imports:detail", real.pk)


@login_required
def import_template_view(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponse:
    _require_importer(request)
    if fmt == "xlsx":
        response = HttpResponse(
            template_xlsx(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    else:
        response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="seizure-import-template.{fmt}"'
    return response
