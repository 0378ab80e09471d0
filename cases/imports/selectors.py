"""Reads of imports: an agency's history, one import for a reader, its live progress."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.http import Http404

from cases.imports.models import SeizureImport
from cases.imports.permissions import can_import


def progress_key(import_id: int) -> str:
    return f"imports:progress:{import_id}"


def import_list(*, user: Any) -> QuerySet[SeizureImport]:
    """The imports of the reader's agency, newest first (none for a reader who cannot import)."""
    if not can_import(user):
        return SeizureImport.objects.none()
    return SeizureImport.objects.filter(agency_id=user.agency_id).select_related("created_by")


def get_import_for(user: Any, pk: Any) -> SeizureImport:
    """One import of the reader's agency, its progress as of now; 404 for anyone else's."""
    try:
        seizure_import = import_list(user=user).get(pk=int(pk))
    except (SeizureImport.DoesNotExist, TypeError, ValueError):
        raise Http404 from None
    return with_progress(seizure_import)


def with_progress(seizure_import: SeizureImport) -> SeizureImport:
    """A running import's phase and processed rows, which its worker publishes in the cache
    while its writes are not yet committed (the row itself changes only at commit). The cache
    entry lives from the run's start to its end."""
    if not seizure_import.finished:
        live = cache.get(progress_key(seizure_import.pk))
        if isinstance(live, dict):
            seizure_import.status = SeizureImport.Status.RUNNING
            seizure_import.phase = live.get("phase", seizure_import.phase)
            seizure_import.processed = live.get("processed", seizure_import.processed)
            seizure_import.rows = live.get("rows", seizure_import.rows)
    return seizure_import


def percent_done(seizure_import: SeizureImport) -> int:
    """0-100: the rows checked (a dry run) or checked and saved (a real run) so far."""
    if seizure_import.finished:
        return 100
    rows = max(seizure_import.rows, 1)
    return int(min(seizure_import.processed, rows) * 100 / rows)
