"""Lookouts: watch lists of normalised identifiers that fire when a record carries one.

A `Lookout` belongs to one agency and lists 1–500 `LookoutValue` rows. A value is looked up
by the partial index `lookout_value_active` (normalized, kind) over active values only, so a
submit costs one indexed `IN` lookup however many lookouts exist. `LookoutValue.active`
copies the lookout's status (kept in step by the services) so that the index needs no join.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cases.choices import IdentifierKind


class LookoutStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class LookoutSharing(models.TextChoices):
    AGENCY = "agency", _("Own agency only")
    MEMBERS = "members", _("All member agencies")
    NAMED = "named", _("Named agencies")


class HitSource(models.TextChoices):
    SEIZURE = "seizure", _("Submitted seizure")
    MANIFEST_LINE = "manifest_line", _("Manifest line")
    RETRO = "retro", _("Earlier seizure (retro-hunt)")


class RetroStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class LookoutQuerySet(models.QuerySet):
    def visible_to(self, user) -> LookoutQuerySet:
        """The caller's agency's lookouts and those shared with it (all members, or by name)."""
        if not getattr(user, "is_authenticated", False) or not user.is_active or not user.agency_id:
            return self.none()
        agency_id = user.agency_id
        named = Lookout.shared_with.through.objects.filter(agency_id=agency_id).values("lookout_id")
        return self.filter(
            Q(agency_id=agency_id) | Q(sharing=LookoutSharing.MEMBERS) | Q(sharing=LookoutSharing.NAMED, pk__in=named)
        )


class Lookout(models.Model):
    agency = models.ForeignKey("members.Agency", on_delete=models.PROTECT, related_name="lookouts")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="lookouts"
    )
    title = models.CharField(_("title"), max_length=200)
    reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=LookoutStatus.choices, default=LookoutStatus.ACTIVE, editable=False
    )
    expires_at = models.DateTimeField(_("expires at"))
    sharing = models.CharField(
        _("sharing"), max_length=10, choices=LookoutSharing.choices, default=LookoutSharing.MEMBERS
    )
    shared_with = models.ManyToManyField("members.Agency", blank=True, related_name="+", verbose_name=_("shared with"))
    hit_count = models.PositiveIntegerField(default=0, editable=False)
    # When the owning agency last opened the lookout: hits after it are "new" (the badge).
    hits_seen_at = models.DateTimeField(null=True, blank=True, editable=False)
    ended_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The retro-hunt over earlier seizures (cases.lookouts.tasks.retro_hunt) and its progress.
    retro_status = models.CharField(max_length=10, choices=RetroStatus.choices, blank=True, editable=False)
    retro_done = models.PositiveIntegerField(default=0, editable=False)
    retro_total = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LookoutQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "-created_at"], name="lookout_agency_order"),
            models.Index(fields=["status", "expires_at"], name="lookout_status_expiry"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=LookoutStatus.values), name="lookout_status_valid"),
            models.CheckConstraint(condition=Q(sharing__in=LookoutSharing.values), name="lookout_sharing_valid"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_active(self) -> bool:
        return self.status == LookoutStatus.ACTIVE

    @property
    def retro_percent(self) -> int:
        if not self.retro_total:
            return 100 if self.retro_status == RetroStatus.DONE else 0
        return min(100, round(100 * self.retro_done / self.retro_total))


class LookoutValue(models.Model):
    lookout = models.ForeignKey(Lookout, on_delete=models.CASCADE, related_name="values")
    kind = models.CharField(_("kind"), max_length=20, choices=IdentifierKind.choices)
    value = models.CharField(_("value"), max_length=200)
    normalized = models.CharField(_("normalised value"), max_length=200, editable=False)
    # The lookout's status as a flag the partial index can hold (no join on submit).
    active = models.BooleanField(default=True, editable=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        indexes = [
            models.Index(fields=["normalized", "kind"], condition=Q(active=True), name="lookout_value_active"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["lookout", "kind", "normalized"], name="lookout_value_once"),
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in IdentifierKind]), name="lookout_value_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.normalized}"


class Hit(models.Model):
    """A record of some agency carried a lookout's value.

    `seizure` is set for seizures (submitted or found by the retro-hunt); `subject_id` is the
    id of a manifest line (a plain integer: targeting sits above lookouts).
    """

    lookout = models.ForeignKey(Lookout, on_delete=models.CASCADE, related_name="hits")
    kind = models.CharField(max_length=20)
    normalized = models.CharField(max_length=200)
    source = models.CharField(max_length=16, choices=HitSource.choices)
    agency = models.ForeignKey("members.Agency", on_delete=models.PROTECT, related_name="+")
    seizure = models.ForeignKey("seizures.Seizure", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    subject_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["lookout", "-created_at"], name="hit_lookout_order")]
        constraints = [
            models.UniqueConstraint(
                fields=["lookout", "seizure", "kind", "normalized"],
                condition=Q(seizure__isnull=False),
                name="hit_seizure_once",
            ),
            models.UniqueConstraint(
                fields=["lookout", "source", "subject_id", "kind", "normalized"],
                condition=Q(subject_id__isnull=False),
                name="hit_subject_once",
            ),
            models.CheckConstraint(condition=Q(source__in=HitSource.values), name="hit_source_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.normalized} ({self.source})"


class Deconfliction(models.Model):
    """Two agencies' active lookouts hold the same normalised value (lookout_a.id < lookout_b.id)."""

    lookout_a = models.ForeignKey(Lookout, on_delete=models.CASCADE, related_name="+")
    lookout_b = models.ForeignKey(Lookout, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20)
    normalized = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["lookout_a", "lookout_b", "kind", "normalized"], name="deconfliction_once"),
            models.CheckConstraint(condition=Q(lookout_a__lt=F("lookout_b")), name="deconfliction_ordered_pair"),
        ]


class LookoutRevision(models.Model):
    """The history of a lookout: who did what, and what changed (field: [before, after])."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    lookout = models.ForeignKey(Lookout, on_delete=models.CASCADE, related_name="revisions")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=12, choices=Action.choices)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
