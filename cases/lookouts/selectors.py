"""Reads of lookouts, their hits (blind where the seizure is hidden) and deconflictions.

The one rule for hits: a hit's seizure is shown (id, reference, link) only when it is in
`Seizure.objects.visible_to(reader)`; otherwise the hit is *blind* and only the agency whose
record hit and the kind of value leave this module. A deconfliction is read by the lookout's
own agency only and names the other agency and its contact, never the other lookout.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.urls import reverse

from cases.lookouts.models import Deconfliction, Hit, HitSource, Lookout, LookoutRevision, LookoutStatus
from cases.lookouts.permissions import owns_lookout
from cases.matching.models import AccessRequest
from cases.seizures.models import Seizure


def lookout_list(*, user, status: str | None = None, mine: bool | None = None) -> QuerySet[Lookout]:
    """Lookouts the user's agency owns or that are shared with it, newest first, each with
    `new_hits` (hits since its agency last opened it; 0 on other agencies' lookouts)."""
    qs = Lookout.objects.visible_to(user).select_related("agency", "created_by")
    if status in LookoutStatus.values:
        qs = qs.filter(status=status)
    if mine is True:
        qs = qs.filter(agency_id=user.agency_id)
    elif mine is False:
        qs = qs.exclude(agency_id=user.agency_id)
    return qs.annotate(
        new_hits=Count(
            "hits",
            filter=Q(agency_id=user.agency_id)
            & (Q(hits_seen_at__isnull=True) | Q(hits__created_at__gt=F("hits_seen_at"))),
        )
    ).order_by("-created_at", "-id")


def get_lookout_for(user, pk: Any) -> Lookout:
    """A lookout the user may see (404 otherwise); writes are refused (403) by the services."""
    try:
        lookout = (
            Lookout.objects.visible_to(user)
            .select_related("agency", "created_by")
            .prefetch_related("shared_with", "values")
            .get(pk=pk)
        )
    except (Lookout.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    return lookout


@dataclass(frozen=True)
class HitRow:
    id: int
    kind: str
    normalized: str
    source: str
    agency_code: str
    agency_name: str
    created_at: Any
    # Only where the reader may see the seizure.
    seizure_id: int | None
    reference: str | None
    blind: bool
    on_seizure: bool
    access_requested: bool
    is_new: bool

    @property
    def source_label(self) -> str:
        return str(HitSource(self.source).label) if self.source in HitSource.values else self.source

    @property
    def url(self) -> str | None:
        return reverse("seizures:detail", args=[self.seizure_id]) if self.seizure_id else None


def hit_queryset(lookout: Lookout, *, user) -> QuerySet[Hit]:
    """The lookout's hits, newest first, with `visible` (the reader sees the seizure) and
    `access_requested` (the reader's agency asked for it) as EXISTS: no query per row.

    Hits are the lookout agency's: another agency that sees a shared lookout reads none
    (which agencies' records carry the value is not its business)."""
    if not owns_lookout(user, lookout):
        return Hit.objects.none()
    visible = Seizure.objects.visible_to(user).filter(pk=OuterRef("seizure_id"))
    requested = AccessRequest.objects.filter(seizure_id=OuterRef("seizure_id"), requesting_agency_id=user.agency_id)
    return (
        Hit.objects.filter(lookout=lookout)
        .select_related("agency", "seizure")
        .annotate(visible=Exists(visible), access_requested=Exists(requested))
        .order_by("-created_at", "-id")
    )


def hit_row(hit: Any, *, lookout: Lookout) -> HitRow:
    seen = bool(hit.seizure_id and hit.visible)
    return HitRow(
        id=hit.pk,
        kind=hit.kind,
        normalized=hit.normalized,
        source=hit.source,
        agency_code=hit.agency.code,
        agency_name=hit.agency.name,
        created_at=hit.created_at,
        seizure_id=hit.seizure_id if seen else None,
        reference=hit.seizure.reference if seen and hit.seizure else None,
        blind=bool(hit.seizure_id) and not seen,
        on_seizure=hit.seizure_id is not None,
        access_requested=bool(hit.access_requested),
        is_new=lookout.hits_seen_at is None or hit.created_at > lookout.hits_seen_at,
    )


def get_hit_for(user, lookout: Lookout, hit_pk: Any) -> Hit:
    try:
        return Hit.objects.select_related("lookout", "agency").get(pk=hit_pk, lookout=lookout)
    except (Hit.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@dataclass(frozen=True)
class DeconflictionRow:
    agency_code: str
    agency_name: str
    contact_name: str
    contact_email: str
    kind: str
    normalized: str
    created_at: Any
    active: bool


def deconfliction_rows(lookout: Lookout, *, user) -> list[DeconflictionRow]:
    """For the lookout's own agency: the other agencies watching the same values, and whom to call."""
    if not owns_lookout(user, lookout):
        return []
    rows = []
    items = (
        Deconfliction.objects.filter(Q(lookout_a=lookout) | Q(lookout_b=lookout))
        .select_related("lookout_a__agency", "lookout_a__created_by", "lookout_b__agency", "lookout_b__created_by")
        .order_by("-created_at", "-id")[:200]
    )
    for item in items:
        other = item.lookout_b if item.lookout_a_id == lookout.pk else item.lookout_a
        contact = other.created_by
        rows.append(
            DeconflictionRow(
                agency_code=other.agency.code,
                agency_name=other.agency.name,
                contact_name=contact.full_name if contact else "",
                contact_email=contact.email if contact else "",
                kind=item.kind,
                normalized=item.normalized,
                created_at=item.created_at,
                active=other.status == LookoutStatus.ACTIVE,
            )
        )
    return rows


def lookout_history(lookout: Lookout) -> QuerySet[LookoutRevision]:
    return LookoutRevision.objects.filter(lookout=lookout).select_related("by").order_by("at", "id")
