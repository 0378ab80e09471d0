from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class MatchQuerySet(models.QuerySet):
    def involving(self, agency_id: int) -> MatchQuerySet:
        return self.filter(Q(seizure_a__agency_id=agency_id) | Q(seizure_b__agency_id=agency_id))


class Match(models.Model):
    """Two seizures of different agencies that share a normalised identifier.

    Stored once per pair and identifier, with seizure_a.id < seizure_b.id.
    """

    kind = models.CharField(max_length=20)
    normalized = models.CharField(max_length=200)
    seizure_a = models.ForeignKey("seizures.Seizure", on_delete=models.CASCADE, related_name="+")
    seizure_b = models.ForeignKey("seizures.Seizure", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["seizure_a", "seizure_b", "kind", "normalized"], name="match_unique"),
            models.CheckConstraint(condition=Q(seizure_a__lt=F("seizure_b")), name="match_ordered_pair"),
        ]


class AccessRequest(models.Model):
    """An agency asks the owner of a hidden seizure to share it: the other side of a match, or
    a seizure that hit one of its lookouts (then `match` is null and `normalized` says which
    watched value it carries)."""

    match = models.ForeignKey(Match, null=True, blank=True, on_delete=models.CASCADE, related_name="access_requests")
    normalized = models.CharField(max_length=200, blank=True)
    seizure = models.ForeignKey("seizures.Seizure", on_delete=models.CASCADE, related_name="+")
    requesting_agency = models.ForeignKey("members.Agency", on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    granted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["seizure", "requesting_agency"], name="access_request_once"),
        ]
