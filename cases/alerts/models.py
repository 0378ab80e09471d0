from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from cases.alerts import texts
from cases.choices import AlertKind, DeliveryStatus, Priority
from crackdown.windows import BoundedDateTimeField, validate_deadline


class AlertQuerySet(models.QuerySet):
    def visible_to(self, user) -> AlertQuerySet:
        """Alerts sent by the user's agency or addressed to it."""
        if not getattr(user, "is_authenticated", False) or not user.is_active or not user.agency_id:
            return self.none()
        return self.filter(
            Q(sender_agency_id=user.agency_id)
            | Q(pk__in=Delivery.objects.filter(agency_id=user.agency_id).values("alert_id"))
        )


class Alert(models.Model):
    kind = models.CharField(_("kind"), max_length=24, choices=AlertKind.choices)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.ROUTINE)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("body"), blank=True)
    # Language-neutral: how to render the alert (cases/alerts/texts.py) and with what values.
    # title and body hold the English text, for webhooks and for a notice without a renderer.
    notice = models.CharField(max_length=64, blank=True, default="")
    params = models.JSONField(default=dict, blank=True)
    sender_agency = models.ForeignKey(
        "members.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="sent_alerts"
    )
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    seizure = models.ForeignKey(
        "seizures.Seizure", null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    operation = models.ForeignKey(
        "operations.JointOperation", null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Within crackdown.windows' deadline window; a stored extreme still renders.
    ack_due_at = BoundedDateTimeField(_("acknowledge by"), null=True, blank=True, validators=[validate_deadline])
    escalated_at = models.DateTimeField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["sender_agency", "-created_at"], name="alert_sent_order"),
            models.Index(fields=["kind", "seizure"], name="alert_kind_seizure"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=[k.value for k in AlertKind]), name="alert_kind_valid"),
            models.CheckConstraint(condition=Q(priority__in=[p.value for p in Priority]), name="alert_priority_valid"),
        ]

    def __str__(self) -> str:
        return self.title

    def rendered(self) -> tuple[str, str]:
        """(title, body) in the active language: the reader's on a page or in the API."""
        language = translation.get_language() or ""
        cache = self.__dict__.setdefault("_rendered", {})
        if language not in cache:
            cache[language] = texts.render(self.notice, self.params, self.title, self.body)
        return cache[language]

    @property
    def display_title(self) -> str:
        return self.rendered()[0]

    @property
    def display_body(self) -> str:
        return self.rendered()[1]


class Delivery(models.Model):
    """One alert to one recipient agency: the outbox row the delivery task works from."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="deliveries")
    agency = models.ForeignKey("members.Agency", on_delete=models.PROTECT, related_name="deliveries")
    status = models.CharField(max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)
    webhook_sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.TextField(blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(fields=["agency", "status"], name="delivery_inbox"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["alert", "agency"], name="delivery_one_per_agency"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in DeliveryStatus]), name="delivery_status_valid"
            ),
        ]


class AlertPreference(models.Model):
    """Per agency: which alerts also go by e-mail (the rest stay in-app), and the digest."""

    agency = models.OneToOneField("members.Agency", on_delete=models.CASCADE, related_name="alert_preference")
    email_kinds = models.JSONField(default=list, blank=True)  # empty: every kind
    email_drugs = models.JSONField(default=list, blank=True)  # empty: every drug
    email_transport_modes = models.JSONField(default=list, blank=True)  # empty: every mode
    email_enabled = models.BooleanField(default=True)
    routine_as_digest = models.BooleanField(default=False)
    digest_sent_at = models.DateTimeField(null=True, blank=True)
