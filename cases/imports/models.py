"""A bulk import of seizure records from a CSV or XLSX file, and its outcome."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SeizureImport(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    class Phase(models.TextChoices):
        VALIDATING = "validating", _("Checking rows")
        WRITING = "writing", _("Checking and saving rows")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    agency = models.ForeignKey("members.Agency", on_delete=models.PROTECT, related_name="seizure_imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="seizure_imports"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    phase = models.CharField(max_length=10, choices=Phase.choices, default=Phase.VALIDATING)
    dry_run = models.BooleanField(_("dry run"), default=True)
    submit = models.BooleanField(_("submit"), default=False)
    filename = models.CharField(_("file"), max_length=255)
    format = models.CharField(max_length=4, choices=Format.choices)
    # The uploaded file in the imports storage (settings.STORAGES["imports"]), removed when
    # the import ends: "" from then on.
    stored_name = models.CharField(max_length=255, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)
    processed = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    # [{"row", "field", "message"}], the first MAX_ERRORS of them (error_count has them all).
    errors = models.JSONField(default=list, blank=True)
    cancel_requested = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["agency", "-created_at"], name="seizure_import_history")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "done", "failed", "cancelled"]),
                name="seizure_import_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"import #{self.pk} ({self.filename})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED, self.Status.CANCELLED)
