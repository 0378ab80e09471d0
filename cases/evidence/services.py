"""Evidence and custody writes: every change of a seizure's evidence goes through one of these.

Uploads never leave half a result. The bytes are written to storage first, then the rows in
one durable transaction (it commits when the block ends, so success means both are there);
if anything fails on the way, the files written for the request are deleted before the error
goes on. A deleted row takes its bytes out of storage once the deletion commits (signals.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.evidence.files import (
    ImageBomb,
    UnsupportedFileType,
    clean_filename,
    evidence_storage,
    is_allowed,
    new_key,
    stored_sha256,
    thumbnail,
)
from cases.evidence.models import CustodyAction, CustodyEntry, Evidence, EvidenceEvent, EvidenceKind, ItemPurity
from cases.evidence.notices import notify_integrity_failure
from cases.evidence.permissions import can_add_evidence, can_delete_evidence
from cases.seizures.models import Seizure, SeizureAccess
from cases.seizures.services import seizure_record_access
from crackdown.errors import Conflict, Forbidden
from members.models import User

# A clock a little ahead of the server's is not "the future".
CLOCK_SKEW = dt.timedelta(minutes=5)


def _require_writer(seizure: Seizure, by: User) -> None:
    if not can_add_evidence(by, seizure):
        raise Forbidden(_("Only officers and coordinators of the reporting agency may change its evidence."))


# --- uploads ------------------------------------------------------------------------------


def _check_upload(file: Any) -> tuple[str, bytes | None]:
    """The file's clean name and thumbnail, or a ValidationError / UnsupportedFileType."""
    if not file.size:
        raise ValidationError({"file": [_("The file %(name)s is empty.") % {"name": file.name}]})
    content_type = getattr(file, "sniffed_type", None) or ""
    if not is_allowed(content_type):
        raise UnsupportedFileType(content_type or _("unknown"))
    name = clean_filename(file.name)
    if not name:
        raise ValidationError({"file": [_("The file name is empty once unsafe characters are removed.")]})
    try:
        thumb = thumbnail(file, content_type)
    except ImageBomb:
        raise ValidationError(
            {"file": [_("The image %(name)s has too many pixels to be processed safely.") % {"name": name}]}
        ) from None
    return name, thumb


def evidence_upload(
    *, seizure: Seizure, by: User, files: Sequence[Any], kind: str, description: str = ""
) -> list[Evidence]:
    """Keep `files` (read by cases.evidence.uploads: hashed, sized, sniffed) as evidence of the
    seizure: all of them or, on any error, none (no row, and no byte left in storage).

    Raises Forbidden (not a writer), ValidationError (empty file, bad kind, image bomb) or
    UnsupportedFileType (a type outside the allow-list).
    """
    _require_writer(seizure, by)
    if not files:
        raise ValidationError({"file": [_("Choose a file to upload.")]})
    if kind not in EvidenceKind.values:
        raise ValidationError({"kind": [_("Choose one of: %(kinds)s.") % {"kinds": ", ".join(EvidenceKind.values)}]})
    checked = [(file, *_check_upload(file)) for file in files]
    rows = [
        Evidence(
            seizure=seizure,
            kind=kind,
            description=description,
            filename=name,
            storage_key="-",
            content_type=file.sniffed_type,
            size=file.size,
            sha256=file.sha256,
            thumbnail=thumb,
            uploaded_by=by,
        )
        for file, name, thumb in checked
    ]
    for row in rows:
        row.full_clean(exclude=["seizure", "uploaded_by", "storage_key"])

    storage = evidence_storage()
    stored: list[str] = []
    try:
        for row, (file, _name, _thumb) in zip(rows, checked, strict=True):
            file.seek(0)
            row.storage_key = storage.save(new_key(), file)
            stored.append(row.storage_key)
        with transaction.atomic(durable=True):
            Evidence.objects.bulk_create(rows)
            EvidenceEvent.objects.bulk_create(
                EvidenceEvent(
                    seizure=seizure,
                    evidence=row,
                    action=EvidenceEvent.Action.UPLOADED,
                    filename=row.filename,
                    sha256=row.sha256,
                    by=by,
                    agency_id=by.agency_id,
                )
                for row in rows
            )
    except BaseException:
        for key in stored:
            storage.delete(key)
        raise
    return rows


# --- downloads ----------------------------------------------------------------------------


def evidence_check_download(*, evidence: Evidence, by: User) -> bool:
    """Hash what storage holds for `evidence` before it is sent.

    Intact: the download is recorded in the access audit (for a reader of another agency) and
    True is returned. Not intact (changed or missing): an evidence audit entry is written, the
    owning agency is alerted (once per differing content) and False is returned.
    """
    found = stored_sha256(evidence.storage_key)
    if found == evidence.sha256:
        seizure_record_access(seizure=evidence.seizure, user=by, action=SeizureAccess.Action.DOWNLOAD)
        return True
    with transaction.atomic():
        seen = EvidenceEvent.objects.filter(
            evidence=evidence, action=EvidenceEvent.Action.INTEGRITY_FAILED, found_sha256=found or ""
        ).exists()
        EvidenceEvent.objects.create(
            seizure=evidence.seizure,
            evidence=evidence,
            action=EvidenceEvent.Action.INTEGRITY_FAILED,
            filename=evidence.filename,
            sha256=evidence.sha256,
            found_sha256=found or "",
            by=by,
            agency_id=by.agency_id,
        )
        if not seen:
            notify_integrity_failure(evidence=evidence, by=by)
    return False


# --- deletion -----------------------------------------------------------------------------


@transaction.atomic
def evidence_delete(*, evidence: Evidence, by: User) -> None:
    """Delete a file of a draft (its bytes leave storage on commit); a submitted or verified
    seizure's evidence stays (Conflict)."""
    seizure = Seizure.objects.select_for_update().get(pk=evidence.seizure_id)
    _require_writer(seizure, by)
    if not can_delete_evidence(by, seizure):
        raise Conflict(_("Evidence of a submitted or verified seizure cannot be deleted."))
    EvidenceEvent.objects.create(
        seizure=seizure,
        evidence=None,
        action=EvidenceEvent.Action.DELETED,
        filename=evidence.filename,
        sha256=evidence.sha256,
        by=by,
        agency_id=by.agency_id,
    )
    evidence.delete()


# --- custody ------------------------------------------------------------------------------


def _purities(raw: Iterable[Any], seizure: Seizure, errors: dict[str, list[str]]) -> list[ItemPurity]:
    items = list(seizure.items.all())
    out: list[ItemPurity] = []
    seen: set[int] = set()
    for index, entry in enumerate(raw):
        key = f"purity.{index}"
        try:
            number = int(entry.get("item"))
        except (TypeError, ValueError, AttributeError):
            errors.setdefault(key, []).append(_("Name the item by its number in the seizure's list."))
            continue
        if not 1 <= number <= len(items):
            errors.setdefault(key, []).append(
                _("The seizure has no item %(n)s (it lists %(count)s).") % {"n": number, "count": len(items)}
            )
            continue
        if number in seen:
            errors.setdefault(key, []).append(_("Item %(n)s is given twice.") % {"n": number})
            continue
        seen.add(number)
        try:
            percent = Decimal(str(entry.get("percent")))
        except (InvalidOperation, ValueError):
            errors.setdefault(key, []).append(_("Give the purity as a number from 0 to 100."))
            continue
        if not percent.is_finite() or not 0 <= percent <= 100 or percent != round(percent, 2):
            errors.setdefault(key, []).append(_("Give the purity as a number from 0 to 100, to two decimals."))
            continue
        out.append(ItemPurity(position=number - 1, drug=items[number - 1].drug, percent=percent))
    return out


def custody_record(*, seizure: Seizure, by: User, data: dict[str, Any]) -> CustodyEntry:
    """Append one entry to the seizure's chain of custody (entries are never changed after).

    `data`: action, from_holder, to_holder, location, at (aware datetime), notes, evidence
    (ids of this seizure's files), purity ([{"item": n (1-based), "percent": p}], lab
    analyses only). Every problem is reported at once, keyed by field; nothing is written.
    """
    _require_writer(seizure, by)
    at: Any = data.get("at")
    entry = CustodyEntry(
        seizure=seizure,
        action=data.get("action") or "",
        from_holder=(data.get("from_holder") or "").strip(),
        to_holder=(data.get("to_holder") or "").strip(),
        location=(data.get("location") or "").strip(),
        at=at,
        notes=(data.get("notes") or "").strip(),
        recorded_by=by,
    )
    errors: dict[str, list[str]] = {}
    try:
        entry.full_clean(exclude=["seizure", "recorded_by"])
    except ValidationError as exc:
        errors.update({k: [str(m) for m in v] for k, v in exc.message_dict.items()})
    if isinstance(at, dt.datetime) and "at" not in errors:
        if at > timezone.now() + CLOCK_SKEW:
            errors["at"] = [_("The time is in the future.")]
        elif at < seizure.occurred_at:
            errors["at"] = [_("The time is before the seizure (%(when)s).") % {"when": seizure.occurred_at}]
    wanted = {int(pk) for pk in data.get("evidence") or []}
    files = list(Evidence.objects.filter(seizure=seizure, pk__in=wanted).only("id"))
    if len(files) != len(wanted):
        missing = sorted(wanted - {f.pk for f in files})
        errors["evidence"] = [_("Not a file of this seizure: %(ids)s.") % {"ids": ", ".join(str(pk) for pk in missing)}]
    raw_purity = data.get("purity") or []
    purities: list[ItemPurity] = []
    if raw_purity:
        if entry.action != CustodyAction.ANALYSED:
            errors["purity"] = [_("Purity is recorded with a lab analysis only.")]
        else:
            purities = _purities(raw_purity, seizure, errors)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        entry.save()
        if files:
            entry.evidence.add(*files)
        for purity in purities:
            purity.entry = entry
        ItemPurity.objects.bulk_create(purities)
    return entry
