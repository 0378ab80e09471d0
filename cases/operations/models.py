from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.choices import AssignmentStatus, OperationStatus, ParticipantRole, ParticipantStatus
from crackdown.windows import BoundedDateTimeField, validate_deadline, validate_operation_date


class JointOperationQuerySet(models.QuerySet):
    def visible_to(self, user) -> JointOperationQuerySet:
        """Operations the user's agency leads or was invited to (in any answer)."""
        if not getattr(user, "is_authenticated", False) or not user.is_active or not user.agency_id:
            return self.none()
        return self.filter(pk__in=Participation.objects.filter(agency_id=user.agency_id).values("operation_id"))


class ParticipationQuerySet(models.QuerySet):
    def accepted_by(self, agency_id: int | None) -> ParticipationQuerySet:
        """The agency's accepted participations: the operations whose shared seizures it sees."""
        return self.filter(agency_id=agency_id, status=ParticipantStatus.ACCEPTED)


class JointOperation(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True, editable=False)
    name = models.CharField(_("code name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OperationStatus.choices, default=OperationStatus.PLANNED
    )
    lead_agency = models.ForeignKey(
        "members.Agency", verbose_name=_("lead agency"), on_delete=models.PROTECT, related_name="led_operations"
    )
    # Within crackdown.windows' operation window (1990 to five years ahead).
    starts_on = models.DateField(_("starts on"), validators=[validate_operation_date])
    ends_on = models.DateField(_("ends on"), validators=[validate_operation_date])
    target_drugs = models.JSONField(_("target drugs"), default=list, blank=True)
    transport_modes = models.JSONField(_("transport modes"), default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = JointOperationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("joint operation")
        verbose_name_plural = _("joint operations")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="operation_period_ordered"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in OperationStatus]), name="operation_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Participation(models.Model):
    operation = models.ForeignKey(JointOperation, on_delete=models.CASCADE, related_name="participations")
    agency = models.ForeignKey("members.Agency", on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(max_length=12, choices=ParticipantRole.choices)
    status = models.CharField(max_length=10, choices=ParticipantStatus.choices, default=ParticipantStatus.INVITED)
    invited_at = models.DateTimeField(auto_now_add=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        ordering = ["operation", "agency__code"]
        indexes = [models.Index(fields=["agency", "status"], name="participation_agency_status")]
        constraints = [
            models.UniqueConstraint(fields=["operation", "agency"], name="participation_unique_agency"),
            models.UniqueConstraint(fields=["operation"], condition=Q(role="lead"), name="participation_one_lead"),
        ]


class Assignment(models.Model):
    operation = models.ForeignKey(JointOperation, on_delete=models.CASCADE, related_name="assignments")
    agency = models.ForeignKey("members.Agency", on_delete=models.PROTECT, related_name="assignments")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="assignments"
    )
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(_("instructions"), blank=True)
    # Within crackdown.windows' deadline window; a stored extreme still renders.
    due_at = BoundedDateTimeField(_("due at"), null=True, blank=True, validators=[validate_deadline])
    status = models.CharField(max_length=12, choices=AssignmentStatus.choices, default=AssignmentStatus.OPEN)
    outcome = models.TextField(_("outcome"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["operation", "agency", "status"], name="assignment_board")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in AssignmentStatus]), name="assignment_status_valid"
            ),
        ]


class OperationMessage(models.Model):
    operation = models.ForeignKey(JointOperation, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    agency = models.ForeignKey("members.Agency", on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["operation", "created_at"], name="operation_message_order")]


class OperationEvent(models.Model):
    """The audit trail and timeline of an operation; written by its services, never edited."""

    operation = models.ForeignKey(JointOperation, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    agency = models.ForeignKey("members.Agency", null=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=40)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["operation", "at"], name="operation_event_order")]
