"""Access audit pages: the list with filters and its CSV export, for the agency's admins."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cases.audit.forms import AuditFilterForm
from cases.audit.selectors import accesses_for
from cases.seizures.models import SeizureAccess
from crackdown.errors import Forbidden
from crackdown.paging import keyset_page
from members.http import AuthenticatedHttpRequest


def _filters(request: AuthenticatedHttpRequest, params: QueryDict) -> tuple[AuditFilterForm, dict[str, Any], str]:
    form = AuditFilterForm(params, user=request.user)
    form.is_valid()  # a wrong field shows its message; the valid ones still filter
    filters = {k: v for k, v in getattr(form, "cleaned_data", {}).items() if v not in (None, "")}
    query = QueryDict(mutable=True)
    for key in form.fields:
        value = params.get(key)
        if key not in form.errors and value:
            query[key] = value
    return form, filters, query.urlencode()


def _audit_or_403(request: AuthenticatedHttpRequest, filters: dict[str, Any]) -> QuerySet[SeizureAccess]:
    try:
        return accesses_for(user=request.user, filters=filters)
    except Forbidden as exc:
        raise PermissionDenied(str(exc)) from exc


@login_required
@require_http_methods(["GET"])
def audit(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, filters, filter_query = _filters(request, request.GET)
    queryset = _audit_or_403(request, filters)
    page = keyset_page(queryset, request.GET, by="at", filter_query=filter_query)
    context = {
        "filter_form": form,
        "filter_query": filter_query,
        "rows": page.rows,
        "after": page.after,
        "next_query": page.next_query,
    }
    return render(request, "audit/audit.html", context)


CSV_COLUMNS = ["at", "agency", "user", "email", "action", "seizure", "rows"]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_cell(value: Any) -> Any:
    # Spreadsheets run cells that start with these as formulas; quote them (CSV injection).
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv_rows(queryset: QuerySet[SeizureAccess]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for row in queryset.iterator(chunk_size=1000):
        user = row.user  # selected with the row; None once the user is deleted
        values = [
            row.at.astimezone(dt.UTC).isoformat(),
            row.agency.code,
            user.full_name if user else "",
            user.email if user else "",
            row.action,
            row.seizure.reference if row.seizure else "",
            row.rows,
        ]
        yield writer.writerow([_csv_cell(v) for v in values])


@login_required
@require_http_methods(["GET"])
def audit_export(request: AuthenticatedHttpRequest) -> StreamingHttpResponse:
    _form, filters, _query = _filters(request, request.GET)
    queryset = _audit_or_403(request, filters)
    response = StreamingHttpResponse(_csv_rows(queryset), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="access-audit-{stamp}.csv"'
    return response
