"""Evidence files of a seizure and its chain of custody (DESIGN.md "Evidence").

A file's bytes live in the `evidence` storage (settings.STORAGES) under an unguessable key;
the row keeps what the file was when it arrived: its sniffed type, size and SHA-256.

Custody entries are append-only. PostgreSQL refuses an UPDATE or DELETE of them by trigger
(migration 0002); the model and queryset guards below refuse them on every database. The one
exception is a draft seizure deleted whole by its agency: its record goes with it.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from cases.seizures.models import Seizure


class EvidenceKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    XRAY = "xray", _("X-ray image")
    LAB_REPORT = "lab_report", _("Lab report")
    DOCUMENT = "document", _("Document")
    OTHER = "other", _("Other")


class CustodyAction(models.TextChoices):
    SEIZED = "seized", _("Seized")
    TRANSFERRED = "transferred", _("Transferred")
    SAMPLED = "sampled", _("Sampled")
    ANALYSED = "analysed", _("Analysed")
    STORED = "stored", _("Stored")
    RETURNED = "returned", _("Returned")
    DESTROYED = "destroyed", _("Destroyed")


class AppendOnly(Exception):
    """A custody record was asked to change or disappear."""


def _visible_seizures(user: Any) -> Exists:
    return Exists(Seizure.objects.visible_to(user).filter(pk=OuterRef("seizure_id")))


class EvidenceQuerySet(models.QuerySet["Evidence"]):
    def visible_to(self, user: Any) -> EvidenceQuerySet:
        """Exactly the evidence of the seizures `user` sees (Seizure.objects.visible_to)."""
        return self.filter(_visible_seizures(user))


class Evidence(models.Model):
    seizure = models.ForeignKey(Seizure, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=12, choices=EvidenceKind.choices)
    description = models.CharField(_("description"), max_length=500, blank=True)
    # The sanitised name the uploader's file had; the bytes live under `storage_key`.
    filename = models.CharField(_("file name"), max_length=200)
    storage_key = models.CharField(max_length=200, unique=True, editable=False)
    content_type = models.CharField(_("type"), max_length=100, editable=False)
    size = models.PositiveBigIntegerField(_("size"), editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    # A small JPEG without EXIF for the seizure page (images only).
    thumbnail = models.BinaryField(null=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        indexes = [models.Index(fields=["seizure", "uploaded_at"], name="evidence_seizure_order")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=[k.value for k in EvidenceKind]), name="evidence_kind_valid"),
            models.CheckConstraint(condition=Q(size__gt=0), name="evidence_size_positive"),
            models.CheckConstraint(condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="evidence_sha256_hex"),
        ]

    def __str__(self) -> str:
        return self.filename

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class EvidenceEvent(models.Model):
    """The evidence audit: uploads, deletions and failed integrity checks, kept after a file goes."""

    class Action(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        DELETED = "deleted", _("Deleted")
        INTEGRITY_FAILED = "integrity_failed", _("Integrity check failed")

    seizure = models.ForeignKey(Seizure, on_delete=models.CASCADE, related_name="+")
    evidence = models.ForeignKey(Evidence, null=True, on_delete=models.SET_NULL, related_name="events")
    action = models.CharField(max_length=20, choices=Action.choices)
    filename = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    # What the stored bytes hashed to when an integrity check failed.
    found_sha256 = models.CharField(max_length=64, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    agency = models.ForeignKey("members.Agency", null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["seizure", "-at"], name="evidence_event_order")]


class CustodyQuerySet(models.QuerySet["CustodyEntry"]):
    def visible_to(self, user: Any) -> CustodyQuerySet:
        """Exactly the custody entries of the seizures `user` sees."""
        return self.filter(_visible_seizures(user))

    def update(self, **kwargs: Any) -> int:
        raise AppendOnly("custody entries are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnly("custody entries are append-only")


class CustodyEntry(models.Model):
    seizure = models.ForeignKey(Seizure, on_delete=models.CASCADE, related_name="custody")
    action = models.CharField(_("action"), max_length=12, choices=CustodyAction.choices)
    from_holder = models.CharField(_("from holder"), max_length=200, blank=True)
    to_holder = models.CharField(_("to holder"), max_length=200, blank=True)
    location = models.CharField(_("place"), max_length=200, blank=True)
    at = models.DateTimeField(_("time"))
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    evidence = models.ManyToManyField(Evidence, blank=True, related_name="custody_entries", verbose_name=_("files"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = CustodyQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("custody entry")
        verbose_name_plural = _("custody entries")
        indexes = [models.Index(fields=["seizure", "at"], name="custody_seizure_order")]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=[a.value for a in CustodyAction]), name="custody_action_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnly("custody entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnly("custody entries are append-only")

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.action == CustodyAction.TRANSFERRED:
            if not self.from_holder:
                errors["from_holder"] = _("A transfer names who handed the drugs over.")
            if not self.to_holder:
                errors["to_holder"] = _("A transfer names who received the drugs.")
        elif self.action in (CustodyAction.SEIZED, CustodyAction.STORED, CustodyAction.RETURNED) and not self.to_holder:
            errors["to_holder"] = _("Say who holds the drugs after this step.")
        if errors:
            raise ValidationError(errors)


class ItemPurity(models.Model):
    """A lab analysis result: the purity of one drug item of the seizure, in percent.

    The item is named by its position in the seizure's list (items are rewritten on edit) with
    the drug it was, so a report can tell when the list changed after the analysis.
    """

    entry = models.ForeignKey(CustodyEntry, on_delete=models.CASCADE, related_name="purities")
    position = models.PositiveSmallIntegerField(_("item"))
    drug = models.CharField(_("drug"), max_length=20)
    percent = models.DecimalField(
        _("purity (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )

    class Meta:
        ordering = ["position"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__gte=0) & Q(percent__lte=100), name="purity_percent_range"),
            models.UniqueConstraint(fields=["entry", "position"], name="purity_once_per_item"),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnly("lab results are append-only")
        super().save(*args, **kwargs)
