"""The seizure summary tables: counts and weights kept exact by every seizure write
(cases/seizures/summary.py) and read by the dashboard and statistics (cases/stats/totals.py)."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q

# A SeizureStat row's key, in the unique index's order (cases/seizures/summary.py reads it).
SEIZURE_STAT_KEY = (
    "drug",
    "month",
    "agency",
    "status",
    "sharing",
    "transport_mode",
    "country",
    "origin_country",
    "destination_country",
    "transit",
)


class SeizureStat(models.Model):
    """Seizure counts and weights per UTC month and key: the dashboard's summary (never stale).

    One row per (drug, month, agency, status, sharing, transport mode, country, origin,
    destination, transit route). `drug` is a drug for the per-drug rows (seizures holding that
    drug, weight of its items: a seizure of two drugs counts under both) and "" for the
    all-drugs rows (each seizure once, weighing its total). The seizure services, the demo
    and benchmark generator and the factory keep it exact through cases.seizures.summary.stats_apply in the same
    transaction as the change; `manage.py rebuild_seizure_stats` recomputes it from scratch.
    Visibility is not stored: sharing and status are in the key, and what an agency sees
    through shared_with or an operation is counted live (cases.stats.cells).
    """

    drug = models.CharField(max_length=20, blank=True)
    month = models.DateField(help_text="First day of the month, in UTC.")
    agency = models.ForeignKey("members.Agency", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10)
    sharing = models.CharField(max_length=10)
    transport_mode = models.CharField(max_length=20)
    country = models.CharField(max_length=2)
    origin_country = models.CharField(max_length=2, blank=True)
    destination_country = models.CharField(max_length=2, blank=True)
    # Transit countries in route order, joined by commas ("TH,LA"); "" for a direct route.
    transit = models.CharField(max_length=40, blank=True)
    seizures = models.IntegerField(default=0)
    weight_kg = models.DecimalField(max_digits=20, decimal_places=3, default=Decimal("0"))
    # Tablets among the items, and items counted without a kg equivalent (docs/statistics.md).
    tablets = models.DecimalField(max_digits=20, decimal_places=3, default=Decimal("0"))
    unweighed = models.IntegerField(default=0)

    class Meta:
        indexes = [
            # An agency's own unshared seizures, read beside the public rollups below.
            models.Index(fields=["agency", "drug", "month"], name="seizure_stat_agency"),
        ]
        constraints = [
            # Drug and month first: the unique index also serves the dashboard's range reads.
            models.UniqueConstraint(fields=list(SEIZURE_STAT_KEY), name="seizure_stat_key"),
            models.CheckConstraint(condition=Q(seizures__gte=0), name="seizure_stat_seizures_non_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.drug or 'all'}: {self.seizures}"


class PublicSeizureStat(models.Model):
    """Rollup of SeizureStat over the seizures every member sees (submitted or verified, shared
    with all members), for the dashboard's widest reads; an agency adds its own unshared
    seizures from SeizureStat and its shared_with/operation ones live (cases.stats.cells).

    One table per grain: `PublicModeStat` (drug, month, agency, transport mode) and
    `PublicRouteStat` (drug, month, origin, transit route, destination); drug "" is all drugs.
    """

    drug = models.CharField(max_length=20, blank=True)
    month = models.DateField(help_text="First day of the month, in UTC.")
    seizures = models.IntegerField(default=0)
    weight_kg = models.DecimalField(max_digits=20, decimal_places=3, default=Decimal("0"))
    # Tablets among the items, and items counted without a kg equivalent (docs/statistics.md).
    tablets = models.DecimalField(max_digits=20, decimal_places=3, default=Decimal("0"))
    unweighed = models.IntegerField(default=0)

    class Meta:
        abstract = True


class PublicModeStat(PublicSeizureStat):
    agency = models.ForeignKey("members.Agency", on_delete=models.CASCADE, related_name="+")
    transport_mode = models.CharField(max_length=20)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["drug", "month", "agency", "transport_mode"], name="public_mode_stat_key"),
            models.CheckConstraint(condition=Q(seizures__gte=0), name="public_mode_stat_seizures_non_negative"),
        ]


class PublicRouteStat(PublicSeizureStat):
    origin_country = models.CharField(max_length=2, blank=True)
    transit = models.CharField(max_length=40, blank=True)
    destination_country = models.CharField(max_length=2, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["drug", "month", "origin_country", "transit", "destination_country"],
                name="public_route_stat_key",
            ),
            models.CheckConstraint(condition=Q(seizures__gte=0), name="public_route_stat_seizures_non_negative"),
        ]
