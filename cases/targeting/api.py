"""Targeting API (API.md "Targeting"): manifests in, the scored queue, examinations, pre-arrival
alerts, rules with history and preview, the model and its versions, the agency's settings."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from cases.choices import IdentifierKind, Priority, Sex, TransportMode
from cases.targeting import selectors, services
from cases.targeting.models import ExamResult, LineKind, LineStatus, ManifestLine, ReasonSource, Rule
from cases.targeting.permissions import can_view_targeting
from cases.targeting.reasons import labelled
from crackdown.api.pagination import CursorPagination
from members.http import AuthenticatedAPIView, AuthenticatedRequest


class ReasonSerializer(serializers.Serializer):
    # The contract's key names shadow two attributes of DRF's Field (its stubs type them).
    source = serializers.ChoiceField(choices=ReasonSource.choices)  # type: ignore[assignment]
    label = serializers.CharField()  # type: ignore[assignment]
    points = serializers.IntegerField()


class IdentifierSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=IdentifierKind.choices)
    value = serializers.CharField()
    normalized = serializers.CharField(read_only=True)


class TravellerSerializer(serializers.Serializer):
    nationality = serializers.CharField(allow_blank=True)
    birth_year = serializers.IntegerField(allow_null=True)
    sex = serializers.ChoiceField(choices=Sex.choices, allow_blank=True)


class LineSerializer(serializers.ModelSerializer):
    agency = serializers.CharField(source="agency.code", read_only=True)
    traveller = serializers.SerializerMethodField()
    identifiers = IdentifierSerializer(many=True, read_only=True)
    reasons = serializers.SerializerMethodField()
    result = serializers.SerializerMethodField()
    transit_countries = serializers.ListField(child=serializers.CharField())
    gross_weight_kg = serializers.DecimalField(max_digits=12, decimal_places=3, allow_null=True)
    seizure = serializers.IntegerField(source="seizure_id", allow_null=True, read_only=True)

    class Meta:
        model = ManifestLine
        fields = [
            "id", "agency", "kind", "reference", "eta", "transport_mode", "origin_country", "loading_place",
            "transit_countries", "destination_country", "discharge_place", "hs_code", "goods_description",
            "gross_weight_kg", "shipper", "consignee", "traveller", "identifiers", "score", "reasons",
            "model_version", "status", "result", "seizure", "exam_notes", "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(TravellerSerializer(allow_null=True))
    def get_traveller(self, line: ManifestLine) -> dict[str, Any] | None:
        if line.kind != LineKind.PASSENGER:
            return None
        return {
            "nationality": line.traveller_nationality,
            "birth_year": line.traveller_birth_year,
            "sex": line.traveller_sex,
        }

    @extend_schema_field(ReasonSerializer(many=True))
    def get_reasons(self, line: ManifestLine) -> list[dict[str, Any]]:
        return labelled(line.reasons)

    @extend_schema_field(serializers.ChoiceField(choices=ExamResult.choices, allow_null=True))
    def get_result(self, line: ManifestLine) -> str | None:
        return line.result or None


class LineInputSerializer(serializers.Serializer):
    """One line as sent (documentation only: lines are checked by cases.targeting.inputs)."""

    kind = serializers.ChoiceField(choices=LineKind.choices)
    reference = serializers.CharField(max_length=40)
    eta = serializers.DateTimeField()
    transport_mode = serializers.ChoiceField(choices=TransportMode.choices)
    origin_country = serializers.CharField()
    loading_place = serializers.CharField(required=False, allow_blank=True)
    transit_countries = serializers.ListField(child=serializers.CharField(), required=False)
    destination_country = serializers.CharField()
    discharge_place = serializers.CharField(required=False, allow_blank=True)
    hs_code = serializers.CharField(required=False, allow_blank=True)
    goods_description = serializers.CharField(required=False, allow_blank=True)
    gross_weight_kg = serializers.DecimalField(max_digits=12, decimal_places=3, required=False, allow_null=True)
    shipper = serializers.CharField(required=False, allow_blank=True)
    consignee = serializers.CharField(required=False, allow_blank=True)
    traveller = TravellerSerializer(required=False, allow_null=True)
    identifiers = IdentifierSerializer(many=True, required=False)


class BatchInputSerializer(serializers.Serializer):
    lines = LineInputSerializer(many=True)


class BatchLineSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    score = serializers.IntegerField()
    status = serializers.ChoiceField(choices=LineStatus.choices)


class BatchOutputSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    lines = BatchLineSerializer(many=True)


class ExamineSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=ExamResult.choices)
    seizure = serializers.IntegerField(allow_null=True, required=False)
    notes = serializers.CharField(required=False, allow_blank=True)


class LineAlertSerializer(serializers.Serializer):
    recipients = serializers.ListField(child=serializers.CharField())
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)


class AlertCreatedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField()
    recipients = serializers.ListField(child=serializers.CharField())


def _require_view(request: AuthenticatedRequest) -> None:
    if not can_view_targeting(request.user):
        raise PermissionDenied("Only users of an agency use targeting.")


class LinePagination(CursorPagination):
    ordering = ("-score", "-id")


class ManifestBatchView(AuthenticatedAPIView, generics.GenericAPIView):
    serializer_class = BatchOutputSerializer
    pagination_class = None

    @extend_schema(
        summary="Send 1–5,000 manifest lines; each is scored before the answer",
        request=BatchInputSerializer,
        responses={201: BatchOutputSerializer, 400: None, 403: None},
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        lines = request.data.get("lines") if isinstance(request.data, dict) else None
        try:
            result = services.manifest_ingest(lines=lines, by=request.user)
        except services.BatchInvalid as bad:
            return Response({"lines": bad.errors}, status=status.HTTP_400_BAD_REQUEST)
        # A batch is no one object: Location names the list its lines join.
        return Response(result, status=status.HTTP_201_CREATED, headers={"Location": reverse("api-manifest-lines")})


LINE_FILTERS = [
    OpenApiParameter("min_score", int),
    OpenApiParameter("status", str, enum=LineStatus.values),
    OpenApiParameter("kind", str, enum=LineKind.values),
    OpenApiParameter("eta_after", str, description="A date or a date and time with its offset."),
    OpenApiParameter("eta_before", str, description="A date or a date and time with its offset."),
]


class LineListView(AuthenticatedAPIView, generics.GenericAPIView):
    queryset = ManifestLine.objects.none()
    serializer_class = LineSerializer
    pagination_class = LinePagination

    @extend_schema(
        summary="The agency's manifest lines, highest score first",
        parameters=LINE_FILTERS,
        responses=LineSerializer(many=True),
    )
    def get(self, request: AuthenticatedRequest) -> Response:
        _require_view(request)
        filters, errors = selectors.line_filters(request.query_params)
        if errors:
            return Response(errors, status=status.HTTP_400_BAD_REQUEST)
        # Queries: 1 page of lines, 1 of their identifiers (prefetch).
        qs = (
            selectors.line_list(user=request.user, filters=filters)
            .select_related("agency")
            .prefetch_related("identifiers")
        )
        page = self.paginate_queryset(qs)
        assert page is not None
        return self.get_paginated_response(LineSerializer(page, many=True).data)


class LineDetailView(AuthenticatedAPIView, generics.GenericAPIView):
    queryset = ManifestLine.objects.none()
    serializer_class = LineSerializer

    @extend_schema(summary="One manifest line with its score and reasons", responses={200: LineSerializer, 404: None})
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        return Response(LineSerializer(selectors.get_line_for(request.user, pk)).data)


class LineExamineView(AuthenticatedAPIView, generics.GenericAPIView):
    queryset = ManifestLine.objects.none()
    serializer_class = LineSerializer

    @extend_schema(
        summary="Record an examination's result (a label for the model)",
        request=ExamineSerializer,
        responses={200: LineSerializer, 400: None, 403: None, 404: None},
    )
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        line = selectors.get_line_for(request.user, pk)
        data = request.data if isinstance(request.data, dict) else {}
        services.line_examine(
            line=line,
            result=str(data.get("result") or ""),
            seizure=data.get("seizure"),
            notes=data.get("notes", ""),
            by=request.user,
        )
        return Response(LineSerializer(line).data)


class LineStatusView(AuthenticatedAPIView, generics.GenericAPIView):
    queryset = ManifestLine.objects.none()
    serializer_class = LineSerializer
    new_status = LineStatus.TARGETED

    @extend_schema(
        summary="A person targets the line for examination (or clears it)",
        request=None,
        responses={200: LineSerializer, 403: None, 404: None, 409: None},
    )
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        line = selectors.get_line_for(request.user, pk)
        services.line_set_status(line=line, status=self.new_status, by=request.user)
        return Response(LineSerializer(line).data)


class LineClearView(LineStatusView):
    new_status = LineStatus.CLEARED


class LineAlertView(AuthenticatedAPIView, generics.GenericAPIView):
    queryset = ManifestLine.objects.none()
    serializer_class = AlertCreatedSerializer

    @extend_schema(
        summary="Send a pre-arrival alert carrying the line's identifiers and route",
        request=LineAlertSerializer,
        responses={201: AlertCreatedSerializer, 400: None, 403: None, 404: None},
    )
    def post(self, request: AuthenticatedRequest, pk: int) -> Response:
        line = selectors.get_line_for(request.user, pk)
        data = request.data if isinstance(request.data, dict) else {}
        alert = services.line_alert(
            line=line, recipients=data.get("recipients"), priority=data.get("priority"), by=request.user
        )
        body = {
            "id": alert.pk,
            "kind": alert.kind,
            "title": alert.title,
            "recipients": sorted(a.code for a in services.recipients_for(data.get("recipients") or [])),
        }
        return Response(
            body, status=status.HTTP_201_CREATED, headers={"Location": reverse("api-alert", args=[alert.pk])}
        )


# --- rules ----------------------------------------------------------------------------------


class RuleSerializer(serializers.ModelSerializer):
    condition = serializers.JSONField(help_text="The condition form of docs/targeting.md.")
    updated_by = serializers.SerializerMethodField()

    class Meta:
        model = Rule
        fields = ["id", "name", "condition", "points", "active", "version", "updated_by", "updated_at"]
        read_only_fields = ["id", "version", "updated_by", "updated_at"]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_updated_by(self, rule: Rule) -> str | None:
        return rule.updated_by.full_name if rule.updated_by else None


class RuleVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    name = serializers.CharField()
    condition = serializers.JSONField()
    points = serializers.IntegerField()
    active = serializers.BooleanField()
    changed_by = serializers.CharField(source="changed_by.full_name", allow_null=True, default=None)
    changed_at = serializers.DateTimeField()


class RulePreviewInputSerializer(serializers.Serializer):
    condition = serializers.JSONField()


class RulePreviewSerializer(serializers.Serializer):
    days = serializers.IntegerField()
    lines = serializers.IntegerField()
    matched = serializers.IntegerField()
    matched_found = serializers.IntegerField()
    matched_nothing = serializers.IntegerField()
    found = serializers.IntegerField()
    examples = BatchLineSerializer(many=True)


class RuleListView(AuthenticatedAPIView, generics.GenericAPIView):
    serializer_class = RuleSerializer

    def get_queryset(self):
        return selectors.rule_list(user=self.request.user)

    @extend_schema(summary="The agency's targeting rules", responses=RuleSerializer(many=True))
    def get(self, request: AuthenticatedRequest) -> Response:
        _require_view(request)
        page = self.paginate_queryset(self.get_queryset().order_by("-created_at", "-id"))
        assert page is not None
        return self.get_paginated_response(RuleSerializer(page, many=True).data)

    @extend_schema(summary="Add a rule", request=RuleSerializer, responses={201: RuleSerializer, 400: None, 403: None})
    def post(self, request: AuthenticatedRequest) -> Response:
        _require_view(request)
        data = request.data if isinstance(request.data, dict) else {}
        rule = services.rule_create(data=dict(data), by=request.user)
        return Response(
            RuleSerializer(rule).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": reverse("api-targeting-rule", args=[rule.pk])},
        )


class RuleDetailView(AuthenticatedAPIView, generics.GenericAPIView):
    queryset = Rule.objects.none()
    serializer_class = RuleSerializer

    @extend_schema(summary="One rule", responses={200: RuleSerializer, 404: None})
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        return Response(RuleSerializer(selectors.get_rule_for(request.user, pk)).data)

    @extend_schema(
        summary="Change a rule (a new version, kept in its history)",
        request=RuleSerializer,
        responses={200: RuleSerializer, 400: None, 403: None, 404: None},
    )
    def patch(self, request: AuthenticatedRequest, pk: int) -> Response:
        rule = selectors.get_rule_for(request.user, pk)
        data = request.data if isinstance(request.data, dict) else {}
        services.rule_update(rule=rule, data=dict(data), by=request.user)
        return Response(RuleSerializer(rule).data)


class RuleHistoryView(AuthenticatedAPIView, generics.GenericAPIView):
    queryset = Rule.objects.none()
    serializer_class = RuleVersionSerializer
    pagination_class = None

    @extend_schema(
        summary="Every version of a rule, newest first", responses={200: RuleVersionSerializer(many=True), 404: None}
    )
    def get(self, request: AuthenticatedRequest, pk: int) -> Response:
        rule = selectors.get_rule_for(request.user, pk)
        return Response(RuleVersionSerializer(selectors.rule_history(rule), many=True).data)


class RulePreviewView(AuthenticatedAPIView, generics.GenericAPIView):
    serializer_class = RulePreviewSerializer
    pagination_class = None

    @extend_schema(
        summary="Test a condition on the lines of the last 30 days",
        request=RulePreviewInputSerializer,
        responses={200: RulePreviewSerializer, 400: None, 403: None},
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        _require_view(request)
        data = request.data if isinstance(request.data, dict) else {}
        return Response(services.rule_preview(condition=data.get("condition"), by=request.user))


# --- the model and settings -----------------------------------------------------------------


class MetricsSerializer(serializers.Serializer):
    roc_auc = serializers.FloatField(allow_null=True)
    precision_at_1pct = serializers.FloatField(allow_null=True)
    base_rate = serializers.FloatField(allow_null=True)
    lift_at_1pct = serializers.FloatField(allow_null=True)
    test_rows = serializers.IntegerField(allow_null=True)


class ModelVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    status = serializers.CharField()
    active = serializers.BooleanField()
    progress = serializers.IntegerField()
    trained_at = serializers.DateTimeField(allow_null=True)
    training_rows = serializers.IntegerField()
    metrics = MetricsSerializer()
    error = serializers.CharField()


class ModelSerializer(serializers.Serializer):
    version = serializers.IntegerField(allow_null=True)
    status = serializers.ChoiceField(choices=["none", "training", "ready", "failed"])
    progress = serializers.IntegerField()
    error = serializers.CharField()
    trained_at = serializers.DateTimeField(allow_null=True)
    training_rows = serializers.IntegerField()
    metrics = MetricsSerializer()
    features = serializers.ListField(child=serializers.CharField())
    uses_nationality = serializers.BooleanField()
    versions = ModelVersionSerializer(many=True)


class ModelTrainSerializer(serializers.Serializer):
    seed = serializers.IntegerField(required=False, min_value=0, max_value=2**31 - 1)


class ModelActivateSerializer(serializers.Serializer):
    version = serializers.IntegerField()


class ModelView(AuthenticatedAPIView, generics.GenericAPIView):
    serializer_class = ModelSerializer
    pagination_class = None

    @extend_schema(summary="The agency's model: active version, metrics, training progress, versions")
    def get(self, request: AuthenticatedRequest) -> Response:
        _require_view(request)
        return Response(ModelSerializer(selectors.model_state(user=request.user)).data)


class ModelTrainView(AuthenticatedAPIView, generics.GenericAPIView):
    serializer_class = ModelSerializer
    pagination_class = None

    @extend_schema(
        summary="Train a new version (a background task; progress from GET …/model/)",
        request=ModelTrainSerializer,
        responses={202: ModelSerializer, 403: None, 409: None},
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        _require_view(request)
        data = request.data if isinstance(request.data, dict) else {}
        seed = data.get("seed", 0)
        if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed < 2**31:
            return Response({"seed": ["Enter a whole number from 0."]}, status=status.HTTP_400_BAD_REQUEST)
        services.model_train_request(by=request.user, seed=seed)
        return Response(ModelSerializer(selectors.model_state(user=request.user)).data, status=status.HTTP_202_ACCEPTED)


class ModelActivateView(AuthenticatedAPIView, generics.GenericAPIView):
    serializer_class = ModelSerializer
    pagination_class = None

    @extend_schema(
        summary="Make a ready version the one that scores (roll back)",
        request=ModelActivateSerializer,
        responses={200: ModelSerializer, 400: None, 403: None, 409: None},
    )
    def post(self, request: AuthenticatedRequest) -> Response:
        _require_view(request)
        data = request.data if isinstance(request.data, dict) else {}
        assert request.user.agency_id is not None
        services.model_activate(agency_id=request.user.agency_id, version=data.get("version"), by=request.user)
        return Response(ModelSerializer(selectors.model_state(user=request.user)).data)


class SettingsSerializer(serializers.Serializer):
    use_nationality = serializers.BooleanField()


class SettingsView(AuthenticatedAPIView, generics.GenericAPIView):
    serializer_class = SettingsSerializer
    pagination_class = None

    @extend_schema(summary="The agency's targeting settings")
    def get(self, request: AuthenticatedRequest) -> Response:
        _require_view(request)
        assert request.user.agency_id is not None
        return Response({"use_nationality": services.targeting_settings(request.user.agency_id).use_nationality})

    @extend_schema(
        summary="Turn nationality on or off (the agency admin; audited)",
        responses={200: SettingsSerializer, 400: None, 403: None},
    )
    def patch(self, request: AuthenticatedRequest) -> Response:
        _require_view(request)
        assert request.user.agency_id is not None
        data = request.data if isinstance(request.data, dict) else {}
        current = services.settings_update(
            agency_id=request.user.agency_id, use_nationality=data.get("use_nationality"), by=request.user
        )
        return Response({"use_nationality": current.use_nationality})
