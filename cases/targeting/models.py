"""Pre-arrival targeting (DESIGN.md "Watching and targeting"): manifest lines, analysts' rules,
learned model versions and the agency's targeting settings.

Every row belongs to one agency and is seen by that agency only (`visible_to`): another
agency's lines, rules and model answer 404.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.choices import IdentifierKind, Sex, TransportMode
from cases.seizures import validators as v

MAX_POINTS = 100


class LineKind(models.TextChoices):
    CARGO = "cargo", _("Cargo")
    PASSENGER = "passenger", _("Passenger")


class LineStatus(models.TextChoices):
    NEW = "new", _("New")
    TARGETED = "targeted", _("Targeted")
    EXAMINED = "examined", _("Examined")
    CLEARED = "cleared", _("Cleared")


class ExamResult(models.TextChoices):
    FOUND = "found", _("Found")
    NOTHING = "nothing", _("Nothing found")


class ReasonSource(models.TextChoices):
    LOOKOUT = "lookout", _("Lookout")
    RULE = "rule", _("Rule")
    MODEL = "model", _("Model")


class ModelStatus(models.TextChoices):
    TRAINING = "training", _("Training")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class AgencyScopedQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Only the user's own agency's rows; platform admins and anonymous users see none."""
        if not getattr(user, "is_authenticated", False) or not user.is_active or not user.agency_id:
            return self.none()
        return self.filter(agency_id=user.agency_id)


class ManifestLine(models.Model):
    """One line of an advance cargo manifest or passenger booking list, with its score."""

    # No index of its own for the agency: every index of the table starts with it. Each index
    # is paid by every line a batch writes: those that no read uses are left out
    # (docs/performance.md "Targeting").
    agency = models.ForeignKey(
        "members.Agency", on_delete=models.PROTECT, related_name="manifest_lines", db_index=False
    )
    kind = models.CharField(_("kind"), max_length=10, choices=LineKind.choices)
    reference = models.CharField(_("reference"), max_length=40)
    eta = models.DateTimeField(_("ETA"))
    transport_mode = models.CharField(_("transport mode"), max_length=20, choices=TransportMode.choices)
    origin_country = models.CharField(_("origin country"), max_length=2, validators=[v.validate_country])
    loading_place = models.CharField(_("loading place"), max_length=100, blank=True)
    transit_countries = models.JSONField(_("transit countries"), default=list, blank=True)
    destination_country = models.CharField(_("destination country"), max_length=2, validators=[v.validate_country])
    discharge_place = models.CharField(_("discharge place"), max_length=100, blank=True)
    hs_code = models.CharField(_("HS code"), max_length=10, blank=True)
    goods_description = models.CharField(_("goods description"), max_length=300, blank=True)
    gross_weight_kg = models.DecimalField(_("gross weight (kg)"), max_digits=12, decimal_places=3, null=True)
    shipper = models.CharField(_("shipper"), max_length=200, blank=True)
    consignee = models.CharField(_("consignee"), max_length=200, blank=True)
    # The company names as identifiers are normalised (cases.seizures.validators): "first seen".
    shipper_normalized = models.CharField(max_length=200, blank=True)
    consignee_normalized = models.CharField(max_length=200, blank=True)
    traveller_nationality = models.CharField(_("nationality"), max_length=2, blank=True)
    traveller_birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True)
    traveller_sex = models.CharField(_("sex"), max_length=7, choices=Sex.choices, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), default=0, validators=[MaxValueValidator(100)])
    reasons = models.JSONField(_("reasons"), default=list)
    model_version = models.PositiveIntegerField(_("model version"), null=True)
    status = models.CharField(_("status"), max_length=10, choices=LineStatus.choices, default=LineStatus.NEW)
    result = models.CharField(_("result"), max_length=10, choices=ExamResult.choices, blank=True)
    seizure = models.ForeignKey(
        "seizures.Seizure",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="manifest_lines",
        db_index=False,  # partial index below: a new line has none
    )
    exam_notes = models.TextField(_("examination notes"), blank=True)
    examined_at = models.DateTimeField(null=True)
    examined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgencyScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "reference"], name="manifest_line_reference_per_agency"),
            models.CheckConstraint(condition=models.Q(score__lte=100), name="manifest_line_score_0_100"),
        ]
        indexes = [
            # The queue: an agency's lines, highest score first.
            models.Index(fields=["agency", "-score", "-id"], name="manifest_line_queue"),
            models.Index(fields=["agency", "eta"], name="manifest_line_eta"),
            # "first seen": the earliest ETA of a line naming a shipper or consignee.
            models.Index(fields=["agency", "consignee_normalized", "eta"], name="manifest_line_consignee"),
            models.Index(fields=["agency", "shipper_normalized", "eta"], name="manifest_line_shipper"),
            # For deleting a seizure or a user (SET NULL): only examined lines name them.
            models.Index(fields=["seizure"], name="manifest_line_seizure", condition=models.Q(seizure__isnull=False)),
            models.Index(
                fields=["examined_by"], name="manifest_line_examiner", condition=models.Q(examined_by__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def route(self) -> list[str]:
        return [self.origin_country, *(self.transit_countries or []), self.destination_country]


class ManifestIdentifier(models.Model):
    line = models.ForeignKey(ManifestLine, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(_("kind"), max_length=20, choices=IdentifierKind.choices)
    value = models.CharField(_("value"), max_length=200)
    normalized = models.CharField(max_length=200)

    class Meta:
        indexes = [models.Index(fields=["kind", "normalized"], name="manifest_identifier_value")]


class Rule(models.Model):
    """An analyst's rule: a condition over a line's fields (cases.targeting.conditions) and its points."""

    agency = models.ForeignKey("members.Agency", on_delete=models.PROTECT, related_name="targeting_rules")
    name = models.CharField(_("name"), max_length=120)
    condition = models.JSONField(_("condition"))
    points = models.SmallIntegerField(
        _("points"), validators=[MinValueValidator(-MAX_POINTS), MaxValueValidator(MAX_POINTS)]
    )
    active = models.BooleanField(_("active"), default=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgencyScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(points__gte=-MAX_POINTS, points__lte=MAX_POINTS), name="targeting_rule_points_range"
            )
        ]
        indexes = [models.Index(fields=["agency", "active"], name="targeting_rule_active")]

    def __str__(self) -> str:
        return self.name


class RuleVersion(models.Model):
    """Every version of a rule as it was saved: who changed it and to what."""

    rule = models.ForeignKey(Rule, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=120)
    condition = models.JSONField()
    points = models.SmallIntegerField()
    active = models.BooleanField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["rule", "version"], name="targeting_rule_version_once")]
        ordering = ["-version"]


class ModelVersion(models.Model):
    """One trained model of an agency: plain coefficients (JSON, never pickle) and its metrics."""

    agency = models.ForeignKey("members.Agency", on_delete=models.PROTECT, related_name="targeting_models")
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=ModelStatus.choices, default=ModelStatus.TRAINING)
    progress = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=False)
    seed = models.PositiveIntegerField(default=0)
    training_rows = models.PositiveIntegerField(default=0)
    metrics = models.JSONField(default=dict, blank=True)
    features = models.JSONField(default=list, blank=True)
    # {"intercept": float, "weights": {feature name: coefficient}}: read by plain Python.
    coefficients = models.JSONField(default=dict, blank=True)
    uses_nationality = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    trained_at = models.DateTimeField(null=True)

    objects = AgencyScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "version"], name="targeting_model_version_once"),
            models.UniqueConstraint(
                fields=["agency"], condition=models.Q(active=True), name="targeting_model_one_active"
            ),
        ]
        ordering = ["-version"]


class TargetingSettings(models.Model):
    """What an agency admin decided about its model's features (nationality off by default)."""

    agency = models.OneToOneField("members.Agency", on_delete=models.CASCADE, related_name="targeting_settings")
    use_nationality = models.BooleanField(_("use nationality in the model"), default=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)


class SettingsChange(models.Model):
    """The audit trail of the targeting settings: who turned what on or off, when."""

    agency = models.ForeignKey("members.Agency", on_delete=models.CASCADE, related_name="+")
    field = models.CharField(max_length=40)
    old_value = models.CharField(max_length=40)
    new_value = models.CharField(max_length=40)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
