"""Access audit: "who looked at our seizures" for the owning agency's admins.

Rows are SeizureAccess entries written by the seizure services whenever a user of another
agency views, exports or reports on a seizure. This module only reads them: there is no page,
endpoint or admin that edits or deletes an entry.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.seizures.models import SeizureAccess
from crackdown.api.pagination import CursorPagination
from crackdown.errors import Forbidden
from crackdown.paging import keyset_page
from members.models import Agency, Role, User

# --- selectors ------------------------------------------------------------------------------


def can_read_audit(user: User) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role == Role.AGENCY_ADMIN
        and user.agency_id
    )


def accesses_for(*, user: User, filters: dict[str, Any] | None = None) -> QuerySet[SeizureAccess]:
    """Accesses by other agencies to the seizures of `user`'s agency, newest first.

    Only the agency's admins read them (Forbidden for anyone else, platform admins included:
    they belong to no agency and the audit is the agency's own business).
    """
    if not can_read_audit(user):
        raise Forbidden("Only an admin of the agency reads its access audit.")
    queryset = (
        SeizureAccess.objects.filter(seizure__agency_id=user.agency_id)
        .exclude(agency_id=user.agency_id)
        .select_related("user", "agency", "seizure")
        .only(
            "id",
            "at",
            "action",
            "user__id",
            "user__full_name",
            "user__email",
            "agency__id",
            "agency__code",
            "agency__name",
            "seizure__id",
            "seizure__reference",
        )
        .order_by("-at", "-id")
    )
    filters = filters or {}
    if filters.get("agency"):
        queryset = queryset.filter(agency=filters["agency"])
    if filters.get("action"):
        queryset = queryset.filter(action=filters["action"])
    if filters.get("since"):
        queryset = queryset.filter(at__gte=_start_of(filters["since"]))
    if filters.get("until"):
        queryset = queryset.filter(at__lt=_start_of(filters["until"] + dt.timedelta(days=1)))
    return queryset


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight of `day` in the reader's time zone (UTC on the API)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_current_timezone())


# --- filters --------------------------------------------------------------------------------


class AuditFilterForm(forms.Form):
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=Agency.objects.none(), to_field_name="code", required=False
    )
    action = forms.ChoiceField(label=_("Action"), choices=[("", "—"), *SeizureAccess.Action.choices], required=False)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = Agency.objects.exclude(pk=user.agency_id).order_by("code")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end date is before the start date."))
        return data


def _filters(request: HttpRequest, params: QueryDict) -> tuple[AuditFilterForm, dict[str, Any], str]:
    form = AuditFilterForm(params, user=request.user)
    form.is_valid()  # a wrong field shows its message; the valid ones still filter
    filters = {k: v for k, v in getattr(form, "cleaned_data", {}).items() if v not in (None, "")}
    query = QueryDict(mutable=True)
    for key in form.fields:
        if key not in form.errors and params.get(key):
            query[key] = params[key]
    return form, filters, query.urlencode()


# --- pages ----------------------------------------------------------------------------------


def _audit_or_403(request: HttpRequest, filters: dict[str, Any]) -> QuerySet[SeizureAccess]:
    try:
        return accesses_for(user=request.user, filters=filters)  # type: ignore[arg-type]
    except Forbidden as exc:
        raise PermissionDenied(str(exc)) from exc


@login_required
@require_http_methods(["GET"])
def audit(request: HttpRequest) -> HttpResponse:
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
    return render(request, "members/audit.html", context)


CSV_COLUMNS = ["at", "agency", "user", "email", "action", "seizure"]


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
        values = [
            row.at.astimezone(dt.UTC).isoformat(),
            row.agency.code,
            row.user.full_name if row.user_id else "",
            row.user.email if row.user_id else "",
            row.action,
            row.seizure.reference,
        ]
        yield writer.writerow([_csv_cell(v) for v in values])


@login_required
@require_http_methods(["GET"])
def audit_export(request: HttpRequest) -> StreamingHttpResponse:
    _form, filters, _query = _filters(request, request.GET)
    queryset = _audit_or_403(request, filters)
    response = StreamingHttpResponse(_csv_rows(queryset), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="access-audit-{stamp}.csv"'
    return response


# --- API: GET /api/v1/audit/accesses/ -------------------------------------------------------


class AuditUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    email = serializers.EmailField()


class AuditSeizureSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()


class SeizureAccessSerializer(serializers.ModelSerializer):
    agency = serializers.SlugRelatedField(slug_field="code", read_only=True)
    user = AuditUserSerializer(read_only=True, allow_null=True)
    seizure = AuditSeizureSerializer(read_only=True)
    action = serializers.ChoiceField(choices=SeizureAccess.Action.choices, read_only=True)

    class Meta:
        model = SeizureAccess
        fields = ["id", "at", "action", "agency", "user", "seizure"]
        read_only_fields = fields


class AccessAuditPagination(CursorPagination):
    ordering = ("-at", "-id")


class AccessAuditView(APIView):
    """Who of other agencies viewed, exported or reported on the caller's agency's seizures."""

    serializer_class = SeizureAccessSerializer
    pagination_class = AccessAuditPagination

    @extend_schema(
        operation_id="audit_accesses_list",
        parameters=[
            OpenApiParameter("agency", OpenApiTypes.STR, description="Code of the agency that accessed."),
            OpenApiParameter("action", OpenApiTypes.STR, enum=SeizureAccess.Action.values),
            OpenApiParameter("since", OpenApiTypes.DATE, description="From this day (UTC), inclusive."),
            OpenApiParameter("until", OpenApiTypes.DATE, description="To this day (UTC), inclusive."),
            OpenApiParameter("page_size", OpenApiTypes.INT, description="1–200, default 50."),
        ],
        responses={
            200: SeizureAccessSerializer(many=True),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="Invalid filter: {field: [messages]}."),
            401: OpenApiResponse(OpenApiTypes.OBJECT, description="No or bad token."),
            403: OpenApiResponse(OpenApiTypes.OBJECT, description="Not an admin of an agency."),
        },
    )
    def get(self, request: Request) -> Response:
        if not can_read_audit(request.user):
            raise Forbidden("Only an admin of the agency reads its access audit.")
        form = AuditFilterForm(request.query_params, user=request.user)
        if not form.is_valid():
            return Response(_plain_errors(form), status=400)
        filters = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(accesses_for(user=request.user, filters=filters), request, view=self)
        return paginator.get_paginated_response(SeizureAccessSerializer(page, many=True).data)


def _plain_errors(form: forms.Form) -> dict[str, list[str]]:
    return {field: [str(m) for m in messages] for field, messages in form.errors.items()}
