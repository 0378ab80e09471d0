"""Bulk import of seizure records: upload, check every row, then write all of them or none.

`import_create` takes the upload: it refuses at once (FileRefused, a 400) a file that is not
CSV/XLSX, not UTF-8, larger than 50 MB or 200,000 rows, or lacking a required column; else it
keeps the file in the imports storage and queues `imports.run`. `import_run` (the task) reads
the file a batch of rows at a time, so that memory stays flat whatever its length. Each row is
turned into the API's seizure input and checked by the one seizure description (an
`InputChecker` over `SeizureInput`), as an API create or update is. A row whose `reference`
(the agency's own) or `external_reference` names an existing seizure of the agency is compared
with it: updated, or unchanged. Errors are collected as {"row", "field", "message"} in the
importer's language.

- A dry run only checks, and counts what a real run would do.
- A real run checks and writes in one transaction: new rows through `seizure_bulk_create`,
  changed ones through `seizure_update` (an "imported" revision). From the first wrong row
  on it only checks, and rolls everything back at the end. With `submit`, the seizures are
  submitted with `notify=False` (matches and hits recorded one by one, no per-seizure alert)
  and each partner agency gets one `import_summary` alert in the same transaction.

Progress goes to the cache every batch (the status answers while the write's transaction is
open); a cancel request is read every batch and rolls everything back. The file is removed
when the import ends, whatever the outcome (a clean dry run keeps it for its confirmation).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
import uuid
import zoneinfo
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import Storage, storages
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.choices import DetectionMethod, Drug, IdentifierKind, SeizureStatus, TransportMode, Unit
from cases.imports import reading
from cases.imports.first_rows import EXTERNAL_REFERENCE, REFERENCE, FirstRows, first_rows
from cases.imports.models import SeizureImport
from cases.imports.notices import PartnerCounts, notify_import_summary
from cases.imports.permissions import can_import, can_see_import
from cases.imports.reading import FileRefused, Layout
from cases.imports.selectors import progress_key
from cases.matching.models import Match
from cases.seizures import services as seizure_services
from cases.seizures.fields import SCALAR_FIELDS
from cases.seizures.inputs import InputChecker, flatten_errors
from cases.seizures.models import Seizure
from cases.seizures.summary import Deltas, apply_deltas
from cases.seizures.visibility import linkable_operations
from crackdown.celery import app
from crackdown.errors import Conflict, Forbidden
from members.models import Agency

logger = logging.getLogger(__name__)

RUN_TASK = "imports.run"
STORAGE = "imports"
BATCH = 500
# Errors kept on the import (the count has them all): enough to fix a file, bounded in size.
MAX_ERRORS = 1000
# Summary keys a real run gathers before it writes them (a few hundred bytes each).
SUMMARY_KEYS = 2000
PROGRESS_TTL = 24 * 3600
# A dry run without errors keeps its file this long for its confirmation.
KEEP_UNCONFIRMED = dt.timedelta(hours=24)
# A running import not ended after this long lost its worker (200,000 rows take minutes).
LOST_AFTER = dt.timedelta(hours=6)
# Cells a seizure cannot do without.
REQUIRED_CELLS = ("occurred_at", "transport_mode", "detection_method", "items")
# Text cells that hold lists.
LIST_SEPARATOR = ";"


def import_storage() -> Storage:
    """Where uploads wait for their run (settings.STORAGES["imports"]; var/imports by default)."""
    return storages[STORAGE]


# --- upload ----------------------------------------------------------------------------------


def import_create(*, by, upload: UploadedFile, dry_run: bool, submit: bool) -> SeizureImport:
    """Take an upload and queue its run; FileRefused (nothing kept) for a file that cannot be.

    Guarantees: only officers and coordinators (Forbidden); the file is refused before it is
    stored when it is too large, of another format, not UTF-8, has too many rows or lacks a
    required column; the run is queued once the import row is committed.
    """
    if not can_import(by):
        raise Forbidden(_("Only officers and coordinators of a member agency import seizures."))
    if upload.size is None or upload.size > reading.MAX_BYTES:
        raise FileRefused(_("The file is larger than 50 MB. Split it into smaller files."))
    if upload.size == 0:
        raise FileRefused(_("The file is empty."))
    stream = upload.open("rb")
    stream.seek(0)
    fmt = reading.detect_format(upload.name or "", stream.read(8))
    stream.seek(0)
    _layout, rows = reading.survey(stream, fmt)
    stream.seek(0)
    stored_name = import_storage().save(f"{by.agency.code}/{uuid.uuid4().hex}.{fmt}", stream)
    with transaction.atomic():
        seizure_import = SeizureImport.objects.create(
            agency=by.agency,
            created_by=by,
            dry_run=dry_run,
            submit=submit,
            filename=(upload.name or "")[-255:],
            format=fmt,
            stored_name=stored_name,
            size=upload.size,
            rows=rows,
        )
        transaction.on_commit(lambda: queue_run(seizure_import.pk))
    return seizure_import


def queue_run(import_id: int) -> None:
    """Publish the run; a broker that is down leaves the import queued (logged) for a retry."""
    try:
        app.signature(RUN_TASK, args=(import_id,)).delay()
    except Exception as exc:  # noqa: BLE001 - any broker failure: the row stays queued
        logger.warning("import %s not queued (broker unavailable: %s)", import_id, exc)


def import_cancel(*, seizure_import: SeizureImport, by) -> SeizureImport:
    """Ask a queued or running import to stop: nothing it would have saved is saved.

    A queued import is cancelled at once; a running one at its next batch (its transaction
    is rolled back). Conflict for an import that has ended; Forbidden for another agency's.
    """
    if not can_see_import(by, seizure_import):
        raise Forbidden(_("Only officers and coordinators of the importing agency may cancel this import."))
    with transaction.atomic():
        current = SeizureImport.objects.select_for_update().get(pk=seizure_import.pk)
        if current.finished:
            raise Conflict(_("This import has already ended."))
        current.cancel_requested = True
        fields = ["cancel_requested"]
        if current.status == SeizureImport.Status.QUEUED:
            current.status = SeizureImport.Status.CANCELLED
            current.finished_at = timezone.now()
            fields += ["status", "finished_at"]
        current.save(update_fields=fields)
    if current.status == SeizureImport.Status.CANCELLED:
        _remove_file(current)
    return current


# --- the run ---------------------------------------------------------------------------------


class Cancelled(Exception):
    pass


@dataclass
class Outcome:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    error_count: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def add_error(self, row: int, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append({"row": row, "field": column, "message": message})


@dataclass
class Planned:
    """One row, checked: what to do with it."""

    row: int
    clean: dict[str, Any] | None = None
    current: Seizure | None = None
    changes: dict[str, Any] | None = None  # an update's changed keys (clean form)


def import_run(import_id: int) -> SeizureImport | None:
    """The task's body: check the queued import's file (a dry run), or check and write it."""
    claimed = SeizureImport.objects.filter(pk=import_id, status=SeizureImport.Status.QUEUED).update(
        status=SeizureImport.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None  # cancelled before it started, or run already (a redelivered message)
    seizure_import = SeizureImport.objects.select_related("agency", "created_by").get(pk=import_id)
    by = seizure_import.created_by
    language = getattr(by, "language", "") or settings.LANGUAGE_CODE
    try:
        with translation.override(language), timezone.override(_zone(seizure_import.agency)):
            if by is None or not can_import(by) or by.agency_id != seizure_import.agency_id:
                raise Forbidden(_("The person who uploaded this file may no longer import seizures."))
            if seizure_import.dry_run:
                _finish(seizure_import, SeizureImport.Status.DONE, _validate(seizure_import))
            else:
                _write(seizure_import)
    except Cancelled:
        _finish(seizure_import, SeizureImport.Status.CANCELLED, Outcome(rows=seizure_import.rows))
    except _Invalid as exc:
        # Nothing was saved; the report says what a run would have done and why it did not.
        _finish(seizure_import, SeizureImport.Status.DONE, exc.outcome)
    except (FileRefused, Forbidden) as exc:
        outcome = Outcome(rows=seizure_import.rows)
        outcome.add_error(0, getattr(exc, "field", "file"), str(getattr(exc, "message", exc)))
        _finish(seizure_import, SeizureImport.Status.FAILED, outcome)
    except Exception:
        logger.exception("import %s failed", import_id)
        outcome = Outcome(rows=seizure_import.rows)
        outcome.add_error(0, "file", _("The import failed unexpectedly; nothing was saved. Please try again."))
        _finish(seizure_import, SeizureImport.Status.FAILED, outcome)
        raise
    finally:
        if not confirmable(seizure_import):
            _remove_file(seizure_import)
        cache.delete(progress_key(import_id))
    return seizure_import


def confirmable(seizure_import: SeizureImport) -> bool:
    """A dry run that found no error keeps its file until it is confirmed (or swept)."""
    return (
        seizure_import.dry_run
        and seizure_import.status == SeizureImport.Status.DONE
        and seizure_import.error_count == 0
        and bool(seizure_import.stored_name)
    )


def import_confirm(*, seizure_import: SeizureImport, by) -> SeizureImport:
    """Run for real the file a dry run checked: a new import takes over the file and is queued.

    Conflict unless the dry run ended without errors and was not confirmed already;
    Forbidden for anyone but the importing agency's officers and coordinators.
    """
    if not can_see_import(by, seizure_import):
        raise Forbidden(_("Only officers and coordinators of the importing agency may confirm this import."))
    with transaction.atomic():
        dry_run = SeizureImport.objects.select_for_update().get(pk=seizure_import.pk)
        if not confirmable(dry_run):
            raise Conflict(_("Only a dry run without errors, not yet confirmed, can be confirmed."))
        real = SeizureImport.objects.create(
            agency=dry_run.agency,
            created_by=by,
            dry_run=False,
            submit=dry_run.submit,
            filename=dry_run.filename,
            format=dry_run.format,
            stored_name=dry_run.stored_name,
            size=dry_run.size,
            rows=dry_run.rows,
        )
        dry_run.stored_name = ""
        dry_run.save(update_fields=["stored_name"])
        transaction.on_commit(lambda: queue_run(real.pk))
    return real


def import_sweep(*, older_than: dt.timedelta = KEEP_UNCONFIRMED) -> int:
    """Remove the files of dry runs left unconfirmed longer than `older_than`, and end as failed
    the imports whose worker was lost (running far longer than any file takes: their
    transaction was rolled back with the worker). Returns how many files were removed."""
    lost = SeizureImport.objects.filter(status=SeizureImport.Status.RUNNING, started_at__lt=timezone.now() - LOST_AFTER)
    for seizure_import in lost:
        outcome = Outcome(rows=seizure_import.rows)
        outcome.add_error(0, "file", _("The import stopped unexpectedly; nothing was saved. Please try again."))
        _finish(seizure_import, SeizureImport.Status.FAILED, outcome)
    stale = SeizureImport.objects.filter(finished_at__lt=timezone.now() - older_than).exclude(stored_name="")
    count = 0
    for seizure_import in stale:
        _remove_file(seizure_import)
        count += 1
    return count


def _zone(agency: Agency) -> zoneinfo.ZoneInfo:
    """A date without a time zone in the file is the agency's local time."""
    try:
        return zoneinfo.ZoneInfo(agency.timezone or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _finish(seizure_import: SeizureImport, status: str, outcome: Outcome) -> None:
    seizure_import.status = status
    seizure_import.rows = outcome.rows
    seizure_import.processed = outcome.rows if status == SeizureImport.Status.DONE else seizure_import.processed
    seizure_import.created = outcome.created
    seizure_import.updated = outcome.updated
    seizure_import.unchanged = outcome.unchanged
    seizure_import.error_count = outcome.error_count
    seizure_import.errors = outcome.errors
    seizure_import.finished_at = timezone.now()
    seizure_import.save(
        update_fields=[
            "status",
            "rows",
            "processed",
            "created",
            "updated",
            "unchanged",
            "error_count",
            "errors",
            "finished_at",
            "phase",
        ]
    )


def _remove_file(seizure_import: SeizureImport) -> None:
    if seizure_import.stored_name:
        import_storage().delete(seizure_import.stored_name)
        SeizureImport.objects.filter(pk=seizure_import.pk).update(stored_name="")
        seizure_import.stored_name = ""


def _progress(seizure_import: SeizureImport, processed: int, *, in_transaction: bool) -> None:
    """Publish progress and stop if a cancel was asked (a committed flag, read afresh)."""
    seizure_import.processed = processed
    live = {"phase": seizure_import.phase, "processed": processed, "rows": seizure_import.rows}
    cache.set(progress_key(seizure_import.pk), live, PROGRESS_TTL)
    if not in_transaction:
        SeizureImport.objects.filter(pk=seizure_import.pk).update(processed=processed, phase=seizure_import.phase)
    if SeizureImport.objects.filter(pk=seizure_import.pk, cancel_requested=True).exists():
        raise Cancelled


def _open(seizure_import: SeizureImport) -> IO[bytes]:
    return import_storage().open(seizure_import.stored_name, "rb")


def _batches(seizure_import: SeizureImport, layout: Layout) -> Iterator[list[tuple[int, dict[str, str]]]]:
    with _open(seizure_import) as stream:
        batch: list[tuple[int, dict[str, str]]] = []
        for number, values in reading.read_rows(stream, layout):
            batch.append((number, values))
            if len(batch) == BATCH:
                yield batch
                batch = []
        if batch:
            yield batch


def _layout(seizure_import: SeizureImport) -> Layout:
    with _open(seizure_import) as stream:
        layout, rows = reading.survey(stream, seizure_import.format)
    seizure_import.rows = rows
    return layout


def _count(outcome: Outcome, plans: list[Planned]) -> None:
    for planned in plans:
        if planned.clean is None:
            continue
        if planned.current is None:
            outcome.created += 1
        elif planned.changes:
            outcome.updated += 1
        else:
            outcome.unchanged += 1


def _validate(seizure_import: SeizureImport) -> Outcome:
    """A dry run: check every row, write nothing; the counts say what a real run would do."""
    layout = _layout(seizure_import)
    outcome = Outcome(rows=seizure_import.rows)
    seizure_import.phase = SeizureImport.Phase.VALIDATING
    processed = 0
    _progress(seizure_import, 0, in_transaction=False)
    with first_rows(seizure_import.pk) as seen:
        checker = RowChecker(seizure_import, layout, seen)
        for batch in _batches(seizure_import, layout):
            _count(outcome, checker.check(batch, outcome))
            processed += len(batch)
            _progress(seizure_import, processed, in_transaction=False)
    return outcome


class _Invalid(Exception):
    """A real run found a wrong row: everything it wrote is rolled back, every error reported."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__("the file has wrong rows")
        self.outcome = outcome


@transaction.atomic
def _write(seizure_import: SeizureImport) -> None:
    """A real run, in one transaction: each batch is checked, then written while no row so far
    was wrong; after the first wrong row the rest is only checked (every error is reported) and
    the transaction is rolled back at the end. A cancel or a failure rolls back as well.

    One pass over the file: each row is validated once, and the rows a batch writes are the
    rows it has just checked, under the same transaction.
    """
    layout = _layout(seizure_import)
    by = seizure_import.created_by
    outcome = Outcome(rows=seizure_import.rows)
    seizure_import.phase = SeizureImport.Phase.WRITING
    reason = _("Import #%(id)s: %(file)s") % {"id": seizure_import.pk, "file": seizure_import.filename}
    # 8 bytes an id: a submitted import's summary needs them all.
    submitted = array("q")
    # The new seizures' contribution to the statistics summary, applied every SUMMARY_KEYS
    # keys and at the end, in this transaction.
    summary: Deltas = {}
    processed = 0
    _progress(seizure_import, 0, in_transaction=True)
    with first_rows(seizure_import.pk) as seen:
        checker = RowChecker(seizure_import, layout, seen)
        for batch in _batches(seizure_import, layout):
            plans = checker.check(batch, outcome)
            _count(outcome, plans)
            if not outcome.error_count:
                submitted.extend(
                    _write_batch(plans, by=by, submit=seizure_import.submit, reason=reason, summary=summary)
                )
                if len(summary) >= SUMMARY_KEYS:
                    apply_deltas(summary)
                    summary.clear()
            processed += len(batch)
            _progress(seizure_import, processed, in_transaction=True)
    if outcome.error_count:
        raise _Invalid(outcome)
    apply_deltas(summary)
    _finish(seizure_import, SeizureImport.Status.DONE, outcome)
    if submitted:
        notify_import_summary(seizure_import=seizure_import, partners=partner_counts(seizure_import.agency, submitted))


def _write_batch(plans: list[Planned], *, by, submit: bool, reason: str, summary: Deltas) -> list[int]:
    """Write a checked batch; returns the ids of the seizures it submitted. The new seizures'
    summary contribution is added to `summary`, for the caller to apply."""
    new = [planned.clean for planned in plans if planned.current is None and planned.clean is not None]
    created = seizure_services.seizure_bulk_create(by=by, rows=new, submit=submit, reason=reason, summary=summary)
    submitted = [seizure.pk for seizure in created] if submit else []
    for planned in plans:
        seizure = planned.current
        if seizure is None:
            continue
        if planned.changes:
            seizure = seizure_services.seizure_update(
                seizure=seizure,
                by=by,
                data=planned.changes,
                amendment_reason=reason,
                imported=True,
                clean=planned.changes,
            )
        if submit and seizure.status == SeizureStatus.DRAFT:
            seizure_services.seizure_submit(seizure=seizure, by=by, notify=False)
            submitted.append(seizure.pk)
    return submitted


def partner_counts(agency: Agency, seizure_ids: Iterable[int]) -> list[PartnerCounts]:
    """The partner agencies of a submitted import, each with what concerns it.

    Those with a match recorded between one of the import's seizures and one of theirs, and
    the active agencies of the countries on the seizures' routes that may see at least one of
    them (whom each seizure's submission would have alerted one by one).
    """
    ids = sorted(set(seizure_ids))
    matches: dict[int, int] = {}
    rows = (
        Match.objects.filter(Q(seizure_a_id__in=ids) | Q(seizure_b_id__in=ids))
        .values_list("seizure_a__agency_id", "seizure_b__agency_id")
        .iterator(chunk_size=5000)
    )
    for agency_a, agency_b in rows:
        for other in (agency_a, agency_b):
            if other != agency.pk:
                matches[other] = matches.get(other, 0) + 1
    countries: set[str] = set()
    imported = Seizure.objects.filter(pk__in=ids)
    for origin, destination, country, transits in imported.values_list(
        "origin_country", "destination_country", "country", "transit_countries"
    ).iterator(chunk_size=5000):
        countries.update(c for c in (origin, destination, country, *(transits or [])) if c)
    on_route: dict[int, int] = {}
    candidates = Agency.objects.active().exclude(pk=agency.pk).filter(country__in=countries)
    for candidate in candidates:
        route = (
            Q(origin_country=candidate.country)
            | Q(destination_country=candidate.country)
            | Q(country=candidate.country)
            | Q(transits__country=candidate.country)
        )
        count = Seizure.objects.visible_to_agency(candidate.pk).filter(pk__in=ids).filter(route).distinct().count()
        if count:
            on_route[candidate.pk] = count
    agencies = Agency.objects.filter(pk__in=set(matches) | set(on_route)).order_by("code")
    return [
        PartnerCounts(agency=partner, on_route=on_route.get(partner.pk, 0), matches=matches.get(partner.pk, 0))
        for partner in agencies
    ]


# --- one row: from cells to the seizure input -------------------------------------------------


class RowChecker:
    """Checks batches of rows of one file, remembering what earlier batches held (duplicates)."""

    def __init__(self, seizure_import: SeizureImport, layout: Layout, seen: FirstRows) -> None:
        self.agency = seizure_import.agency
        self.layout = layout
        # The first row of each reference of earlier batches, in the database (first_rows.py);
        # the current batch's own in the two dicts, which `check` hands over at its end.
        self.seen = seen
        self.seen_external: dict[str, int] = {}
        self.seen_reference: dict[str, int] = {}
        self.operations: dict[str, int | None] = {}
        # Whether an external reference is taken is known from the batch's lookup.
        self.inputs = InputChecker(agency=self.agency, external_reference_checked=True)

    def check(self, batch: list[tuple[int, dict[str, str]]], outcome: Outcome) -> list[Planned]:
        existing_by_reference, existing_by_external = self._existing(batch)
        self._operations(batch)
        self.seen_external = self.seen.earlier(
            EXTERNAL_REFERENCE, {values.get("external_reference", "") for _n, values in batch} - {""}
        )
        self.seen_reference = self.seen.earlier(REFERENCE, {values.get("reference", "") for _n, values in batch} - {""})
        earlier_external, earlier_reference = set(self.seen_external), set(self.seen_reference)
        plans = []
        for number, values in batch:
            plans.append(self._row(number, values, outcome, existing_by_reference, existing_by_external))
        self.seen.add(
            EXTERNAL_REFERENCE,
            {value: row for value, row in self.seen_external.items() if value not in earlier_external},
        )
        self.seen.add(
            REFERENCE, {value: row for value, row in self.seen_reference.items() if value not in earlier_reference}
        )
        self.seen_external, self.seen_reference = {}, {}
        return plans

    def _existing(self, batch: list[tuple[int, dict[str, str]]]) -> tuple[dict[str, Seizure], dict[str, Seizure]]:
        references = {values.get("reference", "") for _n, values in batch} - {""}
        externals = {values.get("external_reference", "") for _n, values in batch} - {""}
        if not references and not externals:
            return {}, {}
        found = (
            Seizure.objects.filter(agency=self.agency)
            # "<> ''" spelled out: the planner then uses the partial unique index.
            .filter(Q(reference__in=references) | (Q(external_reference__in=externals) & ~Q(external_reference="")))
            .select_related("agency", "operation")
            .prefetch_related("items", "identifiers", "shared_with")
            .order_by()
        )
        by_reference, by_external = {}, {}
        for seizure in found:
            by_reference[seizure.reference] = seizure
            if seizure.external_reference:
                by_external[seizure.external_reference] = seizure
        return by_reference, by_external

    def _operations(self, batch: list[tuple[int, dict[str, str]]]) -> None:
        codes = {values.get("operation", "").upper() for _n, values in batch} - {""} - set(self.operations)
        if not codes:
            return
        known = dict(linkable_operations(self.agency.pk).filter(code__in=codes).values_list("code", "pk"))
        for code in codes:
            self.operations[code] = known.get(code)

    def _row(
        self,
        number: int,
        values: dict[str, str],
        outcome: Outcome,
        by_reference: dict[str, Seizure],
        by_external: dict[str, Seizure],
    ) -> Planned:
        planned = Planned(row=number)
        errors_before, listed_before = outcome.error_count, len(outcome.errors)
        reference = values.get("reference", "")
        external = values.get("external_reference", "")
        if external:
            if external in self.seen_external:
                outcome.add_error(
                    number,
                    "external_reference",
                    _("This external reference is also on row %(row)s.") % {"row": self.seen_external[external]},
                )
            else:
                self.seen_external[external] = number
        current = None
        if reference:
            if reference in self.seen_reference:
                outcome.add_error(
                    number,
                    "reference",
                    _("This reference is also on row %(row)s.") % {"row": self.seen_reference[reference]},
                )
            else:
                self.seen_reference[reference] = number
            current = by_reference.get(reference)
            if current is None:
                outcome.add_error(
                    number,
                    "reference",
                    _(
                        "No seizure of your agency has the reference %(reference)s. "
                        "Leave the column empty to record a new seizure."
                    )
                    % {"reference": reference},
                )
            elif external and by_external.get(external, current) != current:
                outcome.add_error(
                    number,
                    "external_reference",
                    _("This external reference belongs to another seizure of your agency (%(reference)s).")
                    % {"reference": by_external[external].reference},
                )
        elif external:
            current = by_external.get(external)
        payload = self._payload(number, values, outcome, current)
        # The row is checked even when a cell was already found wrong, so that the report
        # lists every problem of the row (each column once).
        reported = {error["field"] for error in outcome.errors[listed_before:]}
        clean, errors = self.inputs.clean(payload, current=current)
        if errors is not None:
            for key, messages in flatten_errors(errors).items():
                column, message_prefix = _column_of(key)
                if column in reported:
                    continue
                for message in messages:
                    outcome.add_error(number, column, message_prefix + message)
        if clean is None or outcome.error_count > errors_before:
            return planned
        planned.clean = clean
        planned.current = current
        if current is not None:
            planned.changes = _changes(current, clean)
        return planned

    def _payload(self, number: int, values: dict[str, str], outcome: Outcome, current: Seizure | None) -> dict:
        payload: dict[str, Any] = {}
        for name in SCALAR_FIELDS:
            if name in values and name in self.layout.positions:
                payload[name] = values[name]
        for name in REQUIRED_CELLS:
            if not values.get(name):
                payload.pop(name, None)
                outcome.add_error(number, name, _("This column may not be empty."))
        if "sharing" in payload:
            payload["sharing"] = payload["sharing"].lower() or "members"
        for name, choices in (("transport_mode", TransportMode), ("detection_method", DetectionMethod)):
            if payload.get(name):
                payload[name] = _choice_value(payload[name], choices)
        if "transit_countries" in values:
            payload["transit_countries"] = [
                c.strip() for c in values["transit_countries"].split(LIST_SEPARATOR) if c.strip()
            ]
        if "operation" in values:
            code = values["operation"].upper()
            if not code:
                payload["operation"] = None
            elif current is not None and current.operation is not None and current.operation.code == code:
                payload["operation"] = current.operation_id
            elif self.operations.get(code) is None:
                outcome.add_error(
                    number,
                    "operation",
                    _("No joint operation your agency has accepted has the code %(code)s.") % {"code": code},
                )
            else:
                payload["operation"] = self.operations[code]
        if values.get("items"):
            items = _items(values["items"])
            if items is None:
                outcome.add_error(
                    number,
                    "items",
                    _("Write each drug as “drug quantity unit”, separated by “;”, e.g. “methamphetamine 12.5 kg”."),
                )
            else:
                payload["items"] = items
        if "identifiers" in values:
            identifiers = _identifiers(values["identifiers"])
            if identifiers is None:
                outcome.add_error(
                    number,
                    "identifiers",
                    _("Write each identifier as “kind:value”, separated by “;”, e.g. “container:CSQU3054383”."),
                )
            else:
                payload["identifiers"] = identifiers
        return payload


def _column_of(key: str) -> tuple[str, str]:
    """An error key ("items.1.quantity") as the file's column and a prefix naming the entry."""
    parts = key.split(".")
    if parts[0] in ("non_field_errors", "__all__"):
        return "", ""
    if len(parts) == 3 and parts[1].isdigit():
        return parts[0], _("entry %(number)s, %(field)s: ") % {"number": int(parts[1]) + 1, "field": parts[2]}
    return parts[0], ""


def _key(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


@functools.cache
def _choice_keys(choices: type[models.TextChoices]) -> dict[str, str]:
    """Each value of `choices` by its own key and by its English label's."""
    with translation.override("en"):
        keys = {_key(str(label)): value for value, label in choices.choices}
    keys.update({_key(value): value for value in choices.values})
    keys.update({value: value for value in choices.values})
    return keys


def _choice_value(text: str, choices: type[models.TextChoices]) -> str:
    """A choice as its value: the value itself, or its English label in any case and spacing
    ("Sea container", "X-ray", as the CEN template writes them); anything else as written,
    for the seizure description to refuse."""
    keys = _choice_keys(choices)
    if text in keys:  # the usual case: the file says the value
        return keys[text]
    return keys.get(_key(text), text.strip())


def _items(text: str) -> list[dict[str, Any]] | None:
    """ "methamphetamine 12.5 kg; heroin 300 g" as item inputs; None if a part is not three words."""
    items = []
    for part in text.split(LIST_SEPARATOR):
        words = part.split()
        if not words:
            continue
        if len(words) != 3:
            return None
        drug, quantity, unit = words
        items.append(
            {
                "drug": _choice_value(drug, Drug),
                "quantity": quantity.replace(",", ""),
                "unit": _choice_value(unit, Unit),
            }
        )
    return items


def _identifiers(text: str) -> list[dict[str, str]] | None:
    identifiers = []
    for part in text.split(LIST_SEPARATOR):
        part = part.strip()
        if not part:
            continue
        kind, colon, value = part.partition(":")
        if not colon or not value.strip():
            return None
        identifiers.append({"kind": _choice_value(kind, IdentifierKind), "value": value.strip()})
    return identifiers


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(value).normalize() if value is not None else None
    except (InvalidOperation, TypeError):
        return None


def _changes(current: Seizure, clean: dict[str, Any]) -> dict[str, Any]:
    """The keys of `clean` that differ from the seizure as stored (empty: unchanged).

    The export writes neither an item's description nor an identifier's value as typed: an
    unchanged list keeps them; a changed item list keeps the descriptions of the rows that
    stay in place.
    """
    changes: dict[str, Any] = {}
    for name in (*SCALAR_FIELDS, "transit_countries"):
        if name in clean and clean[name] != getattr(current, name):
            changes[name] = clean[name]
    if "operation" in clean:
        operation = clean["operation"]
        if (operation.pk if operation is not None else None) != current.operation_id:
            changes["operation"] = operation
    if "items" in clean:
        stored = list(current.items.all())
        old = [(i.drug, _decimal(i.quantity), i.unit) for i in stored]
        new = [(i["drug"], _decimal(i["quantity"]), i["unit"]) for i in clean["items"]]
        if old != new:
            items = []
            for index, item in enumerate(clean["items"]):
                if not item.get("description") and index < len(stored) and stored[index].drug == item["drug"]:
                    item = {**item, "description": stored[index].description}
                items.append(item)
            changes["items"] = items
    if "identifiers" in clean:
        old_ids = [(i.kind, i.normalized) for i in current.identifiers.all()]
        new_ids = [(i["kind"], i["normalized"]) for i in clean["identifiers"]]
        if old_ids != new_ids:
            changes["identifiers"] = clean["identifiers"]
    if "shared_with" in clean and sorted(a.pk for a in clean["shared_with"]) != sorted(
        a.pk for a in current.shared_with.all()
    ):
        changes["shared_with"] = clean["shared_with"]
    return changes
