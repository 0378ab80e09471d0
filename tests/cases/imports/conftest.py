"""Helpers of the import tests: files as a user would upload them, and a run as the worker does it."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.imports.models import SeizureImport
from cases.imports.services import import_create, import_run
from cases.seizures.export import csv_lines
from cases.seizures.models import Seizure

HEADER = (
    "external_reference",
    "occurred_at",
    "country",
    "location",
    "transport_mode",
    "detection_method",
    "concealment",
    "origin_country",
    "transit_countries",
    "destination_country",
    "operation",
    "sharing",
    "items",
    "identifiers",
)


def row(**overrides) -> dict[str, str]:
    """One valid row of a new seizure: TH → KR by sea container, 12.5 kg of methamphetamine."""
    values = {
        "external_reference": "",
        "occurred_at": "2026-03-14T09:30:00+09:00",
        "country": "KR",
        "location": "Busan New Port",
        "transport_mode": "sea_container",
        "detection_method": "xray",
        "concealment": "Inside machinery",
        "origin_country": "TH",
        "transit_countries": "MY",
        "destination_country": "KR",
        "operation": "",
        "sharing": "members",
        "items": "methamphetamine 12.5 kg",
        "identifiers": "",
    }
    values.update(overrides)
    return values


def csv_bytes(rows: list[dict[str, str]], header=HEADER, *, bom: bool = False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for values in rows:
        writer.writerow([values.get(column, "") for column in header])
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def upload(content: bytes, name: str = "seizures.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def export_of(user, queryset=None) -> bytes:
    """The seizure export the user would download (the pages' and the API's CSV)."""
    queryset = queryset if queryset is not None else Seizure.objects.visible_to(user).order_by("-occurred_at", "-id")
    return "".join(csv_lines(queryset, user=user)).encode("utf-8")


@pytest.fixture(autouse=True)
def import_files(settings, tmp_path):
    """Uploads go to a directory of the test (the imports storage), so a test can see them go."""
    settings.STORAGES = {
        **settings.STORAGES,
        "imports": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    return tmp_path


@pytest.fixture
def run_import(django_capture_on_commit_callbacks):
    """Upload as `by` and run the import as the worker would; returns the finished import."""

    def run(by, content: bytes, *, name: str = "seizures.csv", dry_run: bool = False, submit: bool = False):
        with django_capture_on_commit_callbacks(execute=False) as queued:
            seizure_import = import_create(by=by, upload=upload(content, name), dry_run=dry_run, submit=submit)
        assert queued, "the run is queued once the import is committed"
        import_run(seizure_import.pk)
        return SeizureImport.objects.get(pk=seizure_import.pk)

    return run
