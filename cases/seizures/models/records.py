from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from cases.choices import (
    DetectionMethod,
    Drug,
    IdentifierKind,
    PersonRole,
    SeizureStatus,
    Sex,
    Sharing,
    TransportMode,
    Unit,
)
from cases.seizures import validators as v
from cases.seizures import visibility

# Importable from here as before; the rule owns it.
from cases.seizures.visibility import SHARED_STATUSES as SHARED_STATUSES
from crackdown.models import choice_label


class SeizureQuerySet(models.QuerySet["Seizure"]):
    def visible_to(self, user, *, paged: bool = False) -> SeizureQuerySet:
        """The one rule of who sees which seizure (cases.seizures.visibility).

        Anonymous users and platform admins (who belong to no agency) see none. paged=True
        gives the same seizures, written for a page of a list read in index order with a LIMIT.
        """
        if not getattr(user, "is_authenticated", False) or not user.is_active or not user.agency_id:
            return self.none()
        return self.visible_to_agency(user.agency_id, paged=paged)

    def visible_to_agency(self, agency_id: int, *, paged: bool = False) -> SeizureQuerySet:
        """What any user of the agency may see: the rule of visible_to, for one agency.

        For code that acts for an agency rather than a signed-in user (choosing the recipients
        of an alert); visible_to(user) delegates here. Aggregates and exports, which read every
        row, take paged=False.
        """
        condition = visibility.paged_condition if paged else visibility.condition
        return self.filter(condition(self.model, agency_id))

    def with_drug(self, drug: str) -> SeizureQuerySet:
        return self.filter(Exists(SeizureItem.objects.filter(seizure_id=OuterRef("pk"), drug=drug)))


class Seizure(models.Model):
    reference = models.CharField(_("reference"), max_length=32, unique=True, editable=False)
    # The agency's own case number (its national system's); unique within the agency when set,
    # so that a bulk import of the same records updates instead of duplicating.
    external_reference = models.CharField(
        _("external reference"),
        max_length=64,
        blank=True,
        default="",
        help_text=_("Your agency's own case number, e.g. from its national system."),
    )
    agency = models.ForeignKey(
        "members.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="seizures"
    )
    status = models.CharField(_("status"), max_length=10, choices=SeizureStatus.choices, default=SeizureStatus.DRAFT)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="reported_seizures",
    )
    occurred_at = models.DateTimeField(_("occurred at"), validators=[v.validate_occurred_at])
    location = models.CharField(_("location"), max_length=200, blank=True)
    # Blank only in input: clean() gives a seizure without a country its agency's.
    country = models.CharField(_("country"), max_length=2, blank=True, validators=[v.validate_country])
    transport_mode = models.CharField(_("transport mode"), max_length=20, choices=TransportMode.choices)
    detection_method = models.CharField(_("detection method"), max_length=20, choices=DetectionMethod.choices)
    concealment = models.CharField(_("concealment"), max_length=300, blank=True)
    origin_country = models.CharField(_("origin country"), max_length=2, blank=True, validators=[v.validate_country])
    destination_country = models.CharField(
        _("destination country"), max_length=2, blank=True, validators=[v.validate_country]
    )
    # Ordered list of ISO codes; mirrored in SeizureTransit for indexed filtering and stats.
    transit_countries = models.JSONField(
        _("transit countries"), default=list, blank=True, validators=[v.validate_transits]
    )
    operation = models.ForeignKey(
        "operations.JointOperation",
        verbose_name=_("joint operation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="seizures",
    )
    sharing = models.CharField(_("sharing"), max_length=10, choices=Sharing.choices, default=Sharing.MEMBERS)
    shared_with = models.ManyToManyField(
        "members.Agency", verbose_name=_("also shared with"), blank=True, related_name="seizures_shared_with_us"
    )
    # The sum of the items' kg equivalents (None when no item has one), their tablets, and how
    # many items have no kg equivalent: what statistics add up (docs/statistics.md).
    total_weight_kg = models.DecimalField(
        _("total weight (kg)"), max_digits=14, decimal_places=3, null=True, blank=True, editable=False
    )
    tablets = models.DecimalField(_("tablets"), max_digits=14, decimal_places=3, default=0, editable=False)
    items_without_weight = models.PositiveSmallIntegerField(_("items without weight"), default=0, editable=False)
    notes = models.TextField(_("notes"), max_length=20000, blank=True, validators=[MaxLengthValidator(20000)])
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    verified_at = models.DateTimeField(null=True, blank=True, editable=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SeizureQuerySet.as_manager()

    class Meta:
        verbose_name = _("seizure")
        verbose_name_plural = _("seizures")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["-occurred_at", "-id"], name="seizure_list_order"),
            models.Index(fields=["agency", "-occurred_at", "-id"], name="seizure_agency_order"),
            models.Index(fields=["status", "sharing", "-occurred_at"], name="seizure_shared_order"),
            models.Index(fields=["country", "-occurred_at"], name="seizure_country_order"),
            models.Index(fields=["origin_country", "-occurred_at"], name="seizure_origin_order"),
            models.Index(fields=["destination_country", "-occurred_at"], name="seizure_dest_order"),
            models.Index(fields=["transport_mode", "-occurred_at"], name="seizure_mode_order"),
            models.Index(fields=["operation"], name="seizure_operation"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "external_reference"],
                condition=~Q(external_reference=""),
                name="seizure_external_reference_unique",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in SeizureStatus]), name="seizure_status_valid"
            ),
            models.CheckConstraint(condition=Q(sharing__in=[s.value for s in Sharing]), name="seizure_sharing_valid"),
            models.CheckConstraint(
                condition=Q(transport_mode__in=[m.value for m in TransportMode]), name="seizure_transport_mode_valid"
            ),
            models.CheckConstraint(
                condition=Q(detection_method__in=[m.value for m in DetectionMethod]),
                name="seizure_detection_method_valid",
            ),
            models.CheckConstraint(
                condition=Q(total_weight_kg__isnull=True) | Q(total_weight_kg__gte=0),
                name="seizure_total_weight_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.reference or f"seizure #{self.pk}"

    def clean(self) -> None:
        """Rules across fields, on the values the seizure will have; country codes upper-cased.

        The field validators have checked each code; this only writes the accepted ones in
        their stored form (a code that failed its validator is left for that message).
        """
        if not self.country and self.agency_id is not None:
            self.country = self.agency.country
        for name in ("country", "origin_country", "destination_country"):
            value = getattr(self, name)
            if isinstance(value, str):
                setattr(self, name, value.strip().upper())
        if isinstance(self.transit_countries, list | tuple):
            self.transit_countries = [c.strip().upper() if isinstance(c, str) else c for c in self.transit_countries]
        errors: dict[str, str | Promise] = {}
        if self.sharing == Sharing.OPERATION and self.operation_id is None:
            errors["operation"] = _("Choose the joint operation to share with, or another sharing level.")
        transits = self.transit_countries if isinstance(self.transit_countries, list) else []
        if self.origin_country and self.origin_country in transits:
            errors["transit_countries"] = _("The origin country cannot also be a transit country.")
        elif self.destination_country and self.destination_country in transits:
            errors["transit_countries"] = _("The destination country cannot also be a transit country.")
        if errors:
            raise ValidationError(errors)

    # Labels for the pages (crackdown.models.choice_label: one lookup, not every label translated).
    def get_status_display(self) -> str | Promise:  # type: ignore[no-redef]  # django-stubs declares Django's
        return choice_label(SeizureStatus, self.status)

    def get_transport_mode_display(self) -> str | Promise:  # type: ignore[no-redef]  # django-stubs declares Django's
        return choice_label(TransportMode, self.transport_mode)

    def get_detection_method_display(self) -> str | Promise:  # type: ignore[no-redef]  # django-stubs declares Django's
        return choice_label(DetectionMethod, self.detection_method)

    def get_sharing_display(self) -> str | Promise:  # type: ignore[no-redef]  # django-stubs declares Django's
        return choice_label(Sharing, self.sharing)

    @property
    def route(self) -> list[str]:
        """Origin → transits → destination, skipping unknown ends."""
        parts = [self.origin_country, *self.transit_countries, self.destination_country]
        return [p for p in parts if p]

    @property
    def drug_names(self) -> list[str]:
        """Its items' drugs by name, each once (reads the items: prefetch them for a list)."""
        return sorted({item.get_drug_display() for item in self.items.all()})


class SeizureItem(models.Model):
    seizure = models.ForeignKey(Seizure, on_delete=models.CASCADE, related_name="items")
    drug = models.CharField(_("drug"), max_length=20, choices=Drug.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    quantity = models.DecimalField(
        _("quantity"), max_digits=14, decimal_places=3, validators=[MinValueValidator(v.THREE_PLACES)]
    )
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices)
    weight_kg = models.DecimalField(
        _("weight (kg)"), max_digits=14, decimal_places=3, null=True, blank=True, editable=False
    )
    net_weight_kg = models.DecimalField(
        _("net weight (kg)"),
        max_digits=14,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(v.THREE_PLACES), MaxValueValidator(v.MAX_QUANTITY[Unit.KG])],
        help_text=_("The weighed mass of tablets or a liquid, if known."),
    )
    # weight_kg, else net_weight_kg, else quantity x the drug's conversion factor, else None.
    kg_equivalent = models.DecimalField(
        _("kg equivalent"), max_digits=14, decimal_places=3, null=True, blank=True, editable=False
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        indexes = [models.Index(fields=["drug", "seizure"], name="seizure_item_drug")]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="seizure_item_quantity_positive"),
            models.CheckConstraint(condition=Q(drug__in=[d.value for d in Drug]), name="seizure_item_drug_valid"),
            models.CheckConstraint(condition=Q(unit__in=[u.value for u in Unit]), name="seizure_item_unit_valid"),
            models.CheckConstraint(
                condition=Q(weight_kg__isnull=True) | Q(weight_kg__gte=0), name="seizure_item_weight_non_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} {self.unit} {self.drug}"

    def get_drug_display(self) -> str | Promise:  # type: ignore[no-redef]  # django-stubs declares Django's
        return choice_label(Drug, self.drug)

    def get_unit_display(self) -> str | Promise:  # type: ignore[no-redef]  # django-stubs declares Django's
        return choice_label(Unit, self.unit)

    def clean(self) -> None:
        """A plausible quantity for its unit, to the gram; the weight in kg follows from it."""
        if self.quantity is None or self.unit not in Unit.values:
            return  # the field's own message says what is missing
        try:
            self.quantity = v.validate_quantity(self.quantity, self.unit)
        except ValidationError as exc:
            raise ValidationError({"quantity": exc.messages}) from None
        self.weight_kg = v.item_weight_kg(self.quantity, self.unit)
        self.kg_equivalent = v.kg_equivalent(
            drug=self.drug,
            quantity=self.quantity,
            unit=self.unit,
            weight_kg=self.weight_kg,
            net_weight_kg=self.net_weight_kg,
        )

    @property
    def tablets(self) -> Decimal:
        return v.tablets(self.quantity, self.unit)


class SeizureTransit(models.Model):
    seizure = models.ForeignKey(Seizure, on_delete=models.CASCADE, related_name="transits")
    country = models.CharField(max_length=2)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["position"]
        indexes = [models.Index(fields=["country", "seizure"], name="seizure_transit_country")]
        constraints = [
            models.UniqueConstraint(fields=["seizure", "country"], name="seizure_transit_unique_country"),
        ]


class SeizureIdentifier(models.Model):
    """A conveyance or party identifier, kept as typed and normalised for matching."""

    seizure = models.ForeignKey(Seizure, on_delete=models.CASCADE, related_name="identifiers")
    kind = models.CharField(_("kind"), max_length=20, choices=IdentifierKind.choices)
    value = models.CharField(_("value"), max_length=200)
    normalized = models.CharField(_("normalised value"), max_length=200, editable=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        indexes = [
            models.Index(fields=["kind", "normalized"], name="seizure_identifier_lookup"),
            # With the seizure in the index: a search or a match reads ids without the table.
            models.Index(fields=["normalized"], include=["seizure"], name="seizure_identifier_norm_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in IdentifierKind]), name="seizure_identifier_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.normalized}"

    def clean(self) -> None:
        """The value as typed (trimmed) and its normalised form, which the kind's rule checks."""
        if self.kind not in IdentifierKind.values or not isinstance(self.value, str):
            return  # the field's own message says what is wrong
        self.value = self.value.strip()
        try:
            self.normalized = v.normalize_identifier(self.kind, self.value)
        except ValidationError as exc:
            raise ValidationError({"value": exc.messages}) from None


class IdentifierValue(models.Model):
    """Every normalised identifier value recorded, once: the dictionary the free-text filter
    `q` searches by part ("GOLDEN LOTUS" in "GOLDEN LOTUS TRADING") before it reads the
    identifiers holding the values found by their index (cases.seizures.selectors.text_search).

    On PostgreSQL a statement trigger on the identifiers fills it and a trigram index serves
    it (migration 0014); a value is never removed (it names nothing by itself, and a value no
    identifier holds any more leads to no seizure). Other databases leave it empty and search
    the identifiers directly.
    """

    normalized = models.CharField(_("normalised value"), max_length=200, primary_key=True)

    def __str__(self) -> str:
        return self.normalized


class SeizurePerson(models.Model):
    seizure = models.ForeignKey(Seizure, on_delete=models.CASCADE, related_name="persons")
    role = models.CharField(_("role"), max_length=20, choices=PersonRole.choices)
    nationality = models.CharField(_("nationality"), max_length=2, blank=True, validators=[v.validate_country])
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"),
        null=True,
        blank=True,
        validators=[
            MinValueValidator(v.BIRTH_YEAR_RANGE[0]),
            MaxValueValidator(v.BIRTH_YEAR_RANGE[1]),
            v.validate_birth_year,
        ],
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(role__in=[r.value for r in PersonRole]), name="seizure_person_role_valid"
            ),
            models.CheckConstraint(condition=Q(sex__in=[s.value for s in Sex]), name="seizure_person_sex_valid"),
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True)
                | Q(birth_year__gte=v.BIRTH_YEAR_RANGE[0], birth_year__lte=v.BIRTH_YEAR_RANGE[1]),
                name="seizure_person_birth_year_range",
            ),
        ]

    @property
    def nationality_name(self) -> str:
        return v.country_name(self.nationality)

    def clean(self) -> None:
        if isinstance(self.nationality, str):
            self.nationality = self.nationality.strip().upper()


# The model of each list of rows (cases.seizures.fields.ROW_LISTS).
ROW_MODELS: dict[str, type[models.Model]] = {
    "items": SeizureItem,
    "identifiers": SeizureIdentifier,
    "persons": SeizurePerson,
}


class SeizureRevision(models.Model):
    """One entry of a seizure's history: who did what, when, why, and which fields changed.

    Written by every seizure service (and by the demo and benchmark generator, through
    `services.revision_row`) in the same transaction as the change; never edited afterwards.
    """

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")
        SUBMITTED = "submitted", _("Submitted")
        VERIFIED = "verified", _("Verified")
        AMENDED = "amended", _("Amended")
        LINKED = "linked", _("Linked to an operation")
        SHARED = "shared", _("Sharing changed")
        IMPORTED = "imported", _("Imported")

    seizure = models.ForeignKey(Seizure, on_delete=models.CASCADE, related_name="revisions")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=20, choices=Action.choices)
    reason = models.TextField(blank=True)
    # {"field": [old, new], "items": [old_list, new_list], ...}
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["seizure", "at"], name="seizure_revision_order")]


class SeizureAccess(models.Model):
    """A user of another agency opened, exported, reported on or downloaded evidence of a seizure (access audit).

    One row per action: a view names its seizure; an export names none and counts in `rows`
    how many of the owning agency's seizures it sent.
    """

    class Action(models.TextChoices):
        VIEW = "view", _("Viewed")
        EXPORT = "export", _("Exported")
        REPORT = "report", _("Reported on")
        DOWNLOAD = "download", _("Downloaded evidence")

    seizure = models.ForeignKey(Seizure, null=True, blank=True, on_delete=models.CASCADE, related_name="accesses")
    # The agency whose seizures were accessed (whose admins read the entry).
    owner = models.ForeignKey("members.Agency", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    agency = models.ForeignKey("members.Agency", on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=10, choices=Action.choices)
    rows = models.PositiveIntegerField(default=1)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["seizure", "-at"], name="seizure_access_order"),
            models.Index(fields=["owner", "-at", "-id"], name="seizure_access_owner_order"),
        ]


class SeizureNotice(models.Model):
    """Remembers that an agency was told of a seizure, so amendments never alert it twice
    (cases/seizures/notices.py)."""

    seizure = models.ForeignKey("seizures.Seizure", on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("members.Agency", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # The table the alerts app created before the notice moved beside the seizure
        # (migrations seizures 0007 and alerts 0002 move the model, not the rows).
        db_table = "alerts_seizurenotice"
        constraints = [models.UniqueConstraint(fields=["seizure", "agency"], name="seizure_notice_once")]
