"""Controlled deliveries: a detected consignment let travel on under watch, leg by leg, across borders."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.choices import DeliveryState, Drug, LegState, TransportMode, Unit


class ControlledDeliveryQuerySet(models.QuerySet):
    def visible_to(self, user) -> ControlledDeliveryQuerySet:
        """Deliveries the user's agency requested or carries a leg of; nothing for anyone else."""
        if not getattr(user, "is_authenticated", False) or not user.is_active or not user.agency_id:
            return self.none()
        return self.filter(
            Q(requesting_agency_id=user.agency_id)
            | Q(pk__in=DeliveryLeg.objects.filter(agency_id=user.agency_id).values("delivery_id"))
        )


class ControlledDelivery(models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True, editable=False)
    operation = models.ForeignKey(
        "operations.JointOperation",
        verbose_name=_("joint operation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="controlled_deliveries",
    )
    requesting_agency = models.ForeignKey(
        "members.Agency", verbose_name=_("requesting agency"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=DeliveryState.choices, default=DeliveryState.REQUESTED
    )
    legal_basis = models.TextField(_("legal basis"))
    description = models.TextField(_("consignment"))
    drug = models.CharField(_("drug"), max_length=20, choices=Drug.choices)
    estimated_quantity = models.DecimalField(_("estimated quantity"), max_digits=14, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices)
    identifiers = models.JSONField(_("identifiers"), default=list, blank=True)
    seizures = models.ManyToManyField("seizures.Seizure", blank=True, related_name="controlled_deliveries")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ControlledDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("controlled delivery")
        verbose_name_plural = _("controlled deliveries")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in DeliveryState]), name="controlled_delivery_status_valid"
            ),
            models.CheckConstraint(condition=Q(estimated_quantity__gt=0), name="delivery_quantity_positive"),
        ]

    def __str__(self) -> str:
        return self.code


class DeliveryLeg(models.Model):
    delivery = models.ForeignKey(ControlledDelivery, on_delete=models.CASCADE, related_name="legs")
    seq = models.PositiveSmallIntegerField(_("leg"))
    agency = models.ForeignKey("members.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+")
    from_place = models.CharField(_("from"), max_length=5)
    to_place = models.CharField(_("to"), max_length=5)
    transport_mode = models.CharField(_("transport mode"), max_length=20, choices=TransportMode.choices)
    eta = models.DateTimeField(_("expected arrival"))
    status = models.CharField(_("status"), max_length=12, choices=LegState.choices, default=LegState.PENDING)
    handed_over_at = models.DateTimeField(_("handed over at"), null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["delivery", "seq"]
        indexes = [
            models.Index(fields=["agency", "delivery"], name="delivery_leg_agency"),
            models.Index(fields=["status", "eta"], name="delivery_leg_due"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "seq"], name="delivery_leg_unique_seq"),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in LegState]), name="delivery_leg_status_valid"
            ),
        ]


class DeliveryEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("A controlled delivery's timeline is append-only.")

    def delete(self):
        raise TypeError("A controlled delivery's timeline is append-only.")


# What each step of the timeline reads as (the stored action is a code, never translated).
ACTION_LABELS = {
    "requested": _("Requested"),
    "accepted": _("Accepted"),
    "declined": _("Declined"),
    "departed": _("In transit"),
    "handed_over": _("Handed over"),
    "completed": _("Completed"),
    "aborted": _("Aborted"),
    "overdue": _("Leg overdue"),
}


class DeliveryEvent(models.Model):
    """One step on a delivery's timeline; written by its services, never changed."""

    delivery = models.ForeignKey(ControlledDelivery, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    agency = models.ForeignKey("members.Agency", null=True, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=30)
    notes = models.TextField(blank=True)

    objects = DeliveryEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["delivery", "at"], name="delivery_event_order")]

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise TypeError("A controlled delivery's timeline is append-only.")
        super().save(*args, **kwargs)

    @property
    def label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))
