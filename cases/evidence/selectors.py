"""Evidence and custody reads, always starting from what the reader may see."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from cases.evidence.models import CustodyEntry, Evidence, ItemPurity
from cases.evidence.permissions import can_add_evidence
from cases.seizures.models import Seizure, SeizureItem
from cases.seizures.selectors import MAX_ID

# The columns a list or a download needs: never the thumbnail's bytes.
LIST_FIELDS = (
    "id",
    "seizure_id",
    "kind",
    "description",
    "filename",
    "storage_key",
    "content_type",
    "size",
    "sha256",
    "uploaded_by_id",
    "uploaded_at",
)


def _pk(value: Any) -> int:
    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise Http404(_("No such evidence file.")) from None
    if not 0 < pk <= MAX_ID:
        raise Http404(_("No such evidence file."))
    return pk


def get_evidence_for(user: Any, pk: Any, *, write: bool = False) -> Evidence:
    """The evidence file `pk` if the user sees its seizure (else 404); with write=True also
    one the user may change (else 403)."""
    evidence = (
        Evidence.objects.visible_to(user)
        .select_related("seizure", "seizure__agency", "uploaded_by")
        .defer("thumbnail")
        .filter(pk=_pk(pk))
        .first()
    )
    if evidence is None:
        raise Http404(_("No such evidence file."))
    if write and not can_add_evidence(user, evidence.seizure):
        raise PermissionDenied(_("Only officers and coordinators of the reporting agency may change its evidence."))
    return evidence


def get_thumbnail_for(user: Any, pk: Any) -> bytes | None:
    row = Evidence.objects.visible_to(user).filter(pk=_pk(pk)).values_list("thumbnail", flat=True).first()
    return bytes(row) if row else None


def evidence_of(seizure: Seizure) -> QuerySet[Evidence]:
    """A seizure's files, oldest first (the caller has the seizure from get_seizure_for)."""
    return (
        Evidence.objects.filter(seizure=seizure)
        .select_related("uploaded_by")
        .only(*LIST_FIELDS, "uploaded_by__full_name")
    )


def evidence_with_thumbnail_ids(seizure: Seizure) -> set[int]:
    return set(Evidence.objects.filter(seizure=seizure, thumbnail__isnull=False).values_list("id", flat=True))


def custody_of(seizure: Seizure) -> QuerySet[CustodyEntry]:
    """A seizure's custody record in time order, with its linked files and lab results."""
    return (
        CustodyEntry.objects.filter(seizure=seizure)
        .select_related("recorded_by")
        .prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.only("id", "filename", "seizure_id")),
            "purities",
        )
    )


def get_custody_entry(seizure: Seizure, pk: Any) -> CustodyEntry:
    """An entry of a seizure the caller already may see (get_seizure_for), else 404."""
    entry = custody_of(seizure).filter(pk=_pk(pk)).first()
    if entry is None:
        raise Http404(_("No such custody entry."))
    return entry


@dataclass(frozen=True)
class ItemPurityRow:
    position: int
    item: SeizureItem
    percent: Decimal | None
    analysed_at: Any
    drug_changed: bool  # the item's drug is not the one analysed: the list changed since


def purity_by_item(seizure: Seizure) -> list[ItemPurityRow]:
    """Each drug item of the seizure with the purity of its latest lab analysis (or None).

    Reports read purity here, so that the page and a report say the same.
    """
    latest: dict[int, ItemPurity] = {}
    rows = (
        ItemPurity.objects.filter(entry__seizure=seizure)
        .select_related("entry")
        .order_by("position", "entry__at", "entry__id")
    )
    for row in rows:
        latest[row.position] = row
    out = []
    for position, item in enumerate(seizure.items.all()):
        found = latest.get(position)
        out.append(
            ItemPurityRow(
                position=position,
                item=item,
                percent=found.percent if found else None,
                analysed_at=found.entry.at if found else None,
                drug_changed=bool(found and found.drug != item.drug),
            )
        )
    return out
