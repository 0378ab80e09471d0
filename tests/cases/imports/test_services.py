"""Bulk import, called as the worker runs it: validation, all or nothing, idempotent re-imports."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.utils.dateparse import parse_datetime

from cases.imports import reading
from cases.imports import services as import_services
from cases.imports.models import SeizureImport
from cases.imports.reading import FileRefused
from cases.imports.services import import_cancel, import_confirm, import_create, import_run
from cases.seizures import services as seizure_services
from cases.seizures.models import Seizure, SeizureRevision
from crackdown.errors import Conflict, Forbidden
from tests.cases.imports.conftest import csv_bytes, export_of, row, upload
from tests.cases.seizures.conftest import seizure_payload
from tests.cases.stats.test_summary import assert_summary_exact


def _recorded(user, count: int, **overrides) -> list[Seizure]:
    seizures = []
    for index in range(count):
        data = seizure_payload(location=f"Port {index}", **overrides)
        data["occurred_at"] = parse_datetime(data["occurred_at"]) - dt.timedelta(minutes=index)
        seizures.append(seizure_services.seizure_create(by=user, data=data))
    return seizures


def _edit_csv(content: bytes, edit) -> bytes:
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8"))))
    for index, values in enumerate(rows):
        edit(index, values)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


# --- an export re-imports ----------------------------------------------------------------------


def test_an_export_reimports_unchanged_without_duplicates(kim, run_import):
    _recorded(kim, 3)
    revisions = SeizureRevision.objects.count()

    done = run_import(kim, export_of(kim))

    assert (done.status, done.rows, done.created, done.updated, done.unchanged) == ("done", 3, 0, 0, 3)
    assert done.errors == []
    assert Seizure.objects.count() == 3
    assert SeizureRevision.objects.count() == revisions


def test_edited_rows_of_an_export_update_their_seizures_with_an_imported_revision(kim, run_import):
    seizures = _recorded(kim, 3)
    exported = export_of(kim)

    def edit(index, values):
        if index < 2:
            values["location"] = f"Gamcheon {index}"

    done = run_import(kim, _edit_csv(exported, edit))

    assert (done.created, done.updated, done.unchanged) == (0, 2, 1)
    changed = Seizure.objects.filter(location__startswith="Gamcheon")
    assert changed.count() == 2
    revision = SeizureRevision.objects.filter(seizure__in=changed).latest("id")
    assert revision.action == "imported"
    assert revision.changes["location"][1].startswith("Gamcheon")
    assert f"Import #{done.pk}" in revision.reason
    # What the export does not carry is kept: the items' descriptions, the persons.
    for seizure in changed:
        assert [i.description for i in seizure.items.all()] == ["Crystal", "Pink tablets"]
        assert seizure.persons.count() == 1
    assert Seizure.objects.count() == len(seizures)


def test_new_rows_are_drafts_and_an_external_reference_makes_a_second_import_idempotent(kim, run_import):
    content = csv_bytes([row(external_reference="BUS-1"), row(external_reference="BUS-2", items="heroin 300 g")])

    first = run_import(kim, content)
    second = run_import(kim, content)

    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    imported = Seizure.objects.get(external_reference="BUS-2")
    assert imported.status == "draft" and imported.agency.code == "KCS" and imported.reported_by == kim
    assert imported.total_weight_kg == Decimal("0.300")
    assert imported.transit_countries == ["MY"]
    assert imported.revisions.get().action == "imported"
    assert Seizure.objects.count() == 2
    # Counted in the statistics summary as a recorded seizure is.
    from cases.seizures.summary import stats_differences

    assert stats_differences() == {}


def test_a_changed_row_found_by_external_reference_is_updated(kim, run_import):
    run_import(kim, csv_bytes([row(external_reference="BUS-1")]))
    done = run_import(kim, csv_bytes([row(external_reference="BUS-1", items="methamphetamine 13 kg")]))
    assert (done.created, done.updated, done.unchanged) == (0, 1, 0)
    assert Seizure.objects.get(external_reference="BUS-1").total_weight_kg == Decimal("13.000")


# --- all or nothing ----------------------------------------------------------------------------


def test_a_dry_run_lists_every_bad_row_by_row_and_column_and_saves_nothing(kim, run_import):
    rows = [
        row(),
        row(items="unobtainium 3 kg"),
        row(occurred_at="yesterday"),
        row(),
        row(origin_country="ZZ", items=""),
    ]
    done = run_import(kim, csv_bytes(rows), dry_run=True)

    assert done.status == "done" and done.error_count == 4
    assert {(e["row"], e["field"]) for e in done.errors} == {
        (3, "items"),
        (4, "occurred_at"),
        (6, "origin_country"),
        (6, "items"),
    }
    assert Seizure.objects.count() == 0


def test_a_real_run_with_one_bad_row_saves_nothing(kim, run_import):
    done = run_import(kim, csv_bytes([row(), row(), row(transport_mode="teleport")]))
    assert done.error_count == 1 and done.errors[0]["row"] == 4 and done.errors[0]["field"] == "transport_mode"
    assert (done.created, done.updated) == (2, 0)  # what it would have done
    assert Seizure.objects.count() == 0


def test_a_clean_dry_run_counts_what_it_would_do_and_is_confirmed_into_a_real_run(kim, run_import, import_files):
    dry = run_import(kim, csv_bytes([row(), row()]), dry_run=True)
    assert (dry.created, dry.error_count, Seizure.objects.count()) == (2, 0, 0)
    assert dry.stored_name and (import_files / dry.stored_name).exists()

    real = import_confirm(seizure_import=dry, by=kim)
    import_run(real.pk)
    real.refresh_from_db()

    assert (real.status, real.dry_run, real.created) == ("done", False, 2)
    assert Seizure.objects.count() == 2
    assert not list(import_files.rglob("*.csv")), "the file is removed when the import ends"
    with pytest.raises(Conflict):
        import_confirm(seizure_import=dry, by=kim)


def test_duplicate_external_references_in_one_file_are_row_errors(kim, run_import):
    done = run_import(
        kim,
        csv_bytes(
            [
                row(external_reference="A"),
                row(external_reference="B"),
                row(external_reference="A", transport_mode="teleport"),
            ]
        ),
    )
    # The row's other problems are listed too.
    assert done.errors == [
        {"row": 4, "field": "external_reference", "message": "This external reference is also on row 2."},
        {"row": 4, "field": "transport_mode", "message": '"teleport" is not a valid choice.'},
    ]
    assert Seizure.objects.count() == 0


@pytest.mark.parametrize("dry_run", [True, False])
def test_duplicates_across_batches_name_the_first_row_whatever_else_the_rows_hold(
    kim, run_import, monkeypatch, dry_run
):
    monkeypatch.setattr(import_services, "BATCH", 2)
    done = run_import(
        kim,
        csv_bytes(
            [
                row(external_reference="A"),
                row(external_reference="B", transport_mode="teleport"),
                row(external_reference="C"),
                row(external_reference="A"),  # row 5: A was first on row 2, two batches back
                row(external_reference="B"),  # row 6: B's first row was itself wrong
                row(external_reference="C" * 500),  # a cell no reference fits: still compared
                row(external_reference="C" * 500),
            ]
        ),
        dry_run=dry_run,
    )
    assert [(e["row"], e["field"], e["message"]) for e in done.errors if "also on row" in e["message"]] == [
        (5, "external_reference", "This external reference is also on row 2."),
        (6, "external_reference", "This external reference is also on row 3."),
        (8, "external_reference", "This external reference is also on row 7."),
    ]
    assert Seizure.objects.count() == 0
    # The next import remembers nothing of this one.
    again = run_import(kim, csv_bytes([row(external_reference="A"), row(external_reference="B")]), dry_run=dry_run)
    assert again.error_count == 0


@pytest.mark.parametrize("submit", [False, True])
def test_a_run_of_many_batches_writes_every_row_child_and_summary_key_exactly(kim, run_import, monkeypatch, submit):
    monkeypatch.setattr(import_services, "BATCH", 2)
    monkeypatch.setattr(import_services, "SUMMARY_KEYS", 3)  # written several times during the run
    rows = [
        row(
            external_reference=f"X-{index}",
            occurred_at=f"2026-0{1 + index % 3}-14T09:30:00+09:00",
            items="methamphetamine 12.5 kg; mdma 300 tablet" if index % 2 else "heroin 800 g",
            identifiers=f"container:CSQU3054383; company:Trading {index}",
            transit_countries="" if index % 3 else "MY;VN",
        )
        for index in range(7)
    ]
    done = run_import(kim, csv_bytes(rows), submit=submit)
    assert (done.status, done.error_count, done.created) == ("done", 0, 7)
    seizures = Seizure.objects.filter(agency=kim.agency).order_by("external_reference")
    assert [s.external_reference for s in seizures] == [f"X-{index}" for index in range(7)]
    for index, seizure in enumerate(seizures):
        assert seizure.status == ("submitted" if submit else "draft")
        assert [(i.drug, i.unit) for i in seizure.items.all()] == (
            [("methamphetamine", "kg"), ("mdma", "tablet")] if index % 2 else [("heroin", "g")]
        )
        assert [(i.kind, i.normalized) for i in seizure.identifiers.all()][0] == ("container", "CSQU3054383")
        assert list(seizure.transits.values_list("country", flat=True)) == ([] if index % 3 else ["MY", "VN"])
        assert seizure.revisions.get().action == SeizureRevision.Action.IMPORTED
    assert_summary_exact()


def test_a_reference_of_no_seizure_of_the_agency_is_a_row_error(kim, somchai, run_import):
    theirs = _recorded(somchai, 1)[0]
    header = ("reference", *csv_bytes([]).decode().strip().split(","))
    done = run_import(kim, csv_bytes([{**row(), "reference": theirs.reference}], header=header))
    assert [(e["row"], e["field"]) for e in done.errors] == [(2, "reference")]
    assert Seizure.objects.get(pk=theirs.pk).location == "Port 0"


def test_errors_are_in_the_importers_language(kim, run_import):
    kim.language = "ko"
    kim.save(update_fields=["language"])
    done = run_import(kim, csv_bytes([row(transport_mode="teleport")]))
    from django.utils import translation
    from rest_framework.fields import ChoiceField

    with translation.override("ko"):
        expected = str(ChoiceField.default_error_messages["invalid_choice"]).format(input="teleport")
    assert done.errors == [{"row": 2, "field": "transport_mode", "message": expected}]


# --- bad files ---------------------------------------------------------------------------------


def test_a_missing_column_is_one_error_naming_it(kim):
    header = ["occurred_at", "transport_mode", "items"]
    with pytest.raises(FileRefused, match="detection_method"):
        import_create(by=kim, upload=upload(csv_bytes([row()], header=header)), dry_run=True, submit=False)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("seizures.pdf", b"%PDF-1.7\n..."),
        ("seizures.csv", b"PK\x03\x04 a zip that is no csv"),
        ("seizures.xlsx", b"PK\x03\x04 not really a workbook"),
    ],
)
def test_a_file_that_is_not_csv_or_xlsx_is_refused(kim, name, content):
    with pytest.raises(FileRefused):
        import_create(by=kim, upload=upload(content, name), dry_run=True, submit=False)
    assert SeizureImport.objects.count() == 0


def test_text_that_is_not_utf8_is_refused_with_a_clear_error(kim):
    content = csv_bytes([row(location="Señora del Puerto")]).decode("utf-8").encode("latin-1")
    with pytest.raises(FileRefused, match="UTF-8"):
        import_create(by=kim, upload=upload(content), dry_run=True, submit=False)


def test_a_bom_is_accepted(kim, run_import):
    done = run_import(kim, csv_bytes([row(location="Đà Nẵng")], bom=True))
    assert done.created == 1 and Seizure.objects.get().location == "Đà Nẵng"


def test_row_and_size_limits_refuse_the_file(kim, monkeypatch):
    monkeypatch.setattr(reading, "MAX_ROWS", 2)
    with pytest.raises(FileRefused, match="more than 2 rows"):
        import_create(by=kim, upload=upload(csv_bytes([row(), row(), row()])), dry_run=True, submit=False)
    monkeypatch.setattr(reading, "MAX_BYTES", 100)
    with pytest.raises(FileRefused, match="50 MB"):
        import_create(by=kim, upload=upload(csv_bytes([row()])), dry_run=True, submit=False)


def test_only_officers_and_coordinators_import(lee, platform_admin):
    for user in (lee, platform_admin):
        with pytest.raises(Forbidden):
            import_create(by=user, upload=upload(csv_bytes([row()])), dry_run=True, submit=False)


# --- formulas ----------------------------------------------------------------------------------


def test_a_formula_cell_is_kept_as_text_exported_escaped_and_reimported_unchanged(kim, run_import):
    formula = '=HYPERLINK("http://evil.example","Click")'
    run_import(kim, csv_bytes([row(location=formula, concealment="-in the tyre", external_reference="@1")]))
    seizure = Seizure.objects.get()
    assert (seizure.location, seizure.concealment, seizure.external_reference) == (formula, "-in the tyre", "@1")

    exported = export_of(kim)
    cells = next(csv.DictReader(io.StringIO(exported.decode("utf-8"))))
    assert cells["location"] == "'" + formula
    assert cells["concealment"] == "'-in the tyre"
    assert cells["external_reference"] == "'@1"

    again = run_import(kim, exported)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert Seizure.objects.get().location == formula


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "'=1", "''+x", "'plain", "plain", "", "\tx"])
def test_the_export_escape_round_trips(value):
    from cases.seizures.export import cell, unescape_cell

    escaped = cell(value)
    assert escaped[:1] not in ("=", "+", "-", "@", "\t")
    assert unescape_cell(escaped) == value


# --- XLSX and the CEN template -----------------------------------------------------------------


def _xlsx(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for values in rows:
        sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_an_xlsx_workbook_with_the_same_columns_imports(kim, run_import):
    header = ["external_reference", "occurred_at", "transport_mode", "detection_method", "items", "location"]
    content = _xlsx(
        [
            header,
            ["X-1", dt.datetime(2026, 3, 14, 9, 30), "sea_container", "xray", "cocaine 2 kg", "=HYPERLINK(1)"],
            ["X-2", "2026-03-15T10:00:00+00:00", "air_cargo", "detector_dog", "heroin 500 g", 12.5],
        ]
    )
    done = run_import(kim, content, name="records.xlsx")
    assert (done.format, done.created, done.error_count) == ("xlsx", 2, 0)
    first = Seizure.objects.get(external_reference="X-1")
    # A date without a time zone is the agency's local time (KCS: Asia/Seoul).
    assert first.occurred_at == dt.datetime(2026, 3, 14, 0, 30, tzinfo=dt.UTC)
    assert first.location == "=HYPERLINK(1)"
    assert Seizure.objects.get(external_reference="X-2").location == "12.5"


def test_the_wco_cen_template_columns_map_to_ours(kim, run_import):
    header = [
        "Case number",
        "Date of seizure",
        "Place of seizure",
        "Means of transport",
        "Detection method",
        "Country of departure",
        "Country of destination",
        "Type of drug",
        "Quantity",
        "Unit",
    ]
    content = csv_bytes(
        [
            dict(
                zip(
                    header,
                    [
                        "CEN-7",
                        "2026-01-05",
                        "Incheon Airport",
                        "Air passenger",
                        "X-ray",
                        "TH",
                        "KR",
                        "Ketamine",
                        "1.2",
                        "kg",
                    ],
                    strict=True,
                )
            )
        ],
        header=header,
    )
    done = run_import(kim, content, name="cen.csv")
    assert done.error_count == 0, done.errors
    seizure = Seizure.objects.get(external_reference="CEN-7")
    assert (seizure.transport_mode, seizure.origin_country, seizure.location) == (
        "air_passenger",
        "TH",
        "Incheon Airport",
    )
    assert [(i.drug, i.quantity) for i in seizure.items.all()] == [("ketamine", Decimal("1.200"))]


# --- cancel ------------------------------------------------------------------------------------


def test_a_queued_import_is_cancelled_at_once_and_its_file_removed(
    kim, import_files, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        queued = import_create(by=kim, upload=upload(csv_bytes([row()])), dry_run=False, submit=False)
    cancelled = import_cancel(seizure_import=queued, by=kim)
    assert cancelled.status == "cancelled"
    assert import_run(queued.pk) is None
    assert Seizure.objects.count() == 0
    assert not [p for p in import_files.rglob("*") if p.is_file()]
    with pytest.raises(Conflict):
        import_cancel(seizure_import=cancelled, by=kim)


def test_a_cancel_asked_while_running_saves_nothing(kim, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        queued = import_create(by=kim, upload=upload(csv_bytes([row(), row()])), dry_run=False, submit=False)
    # The worker has claimed it when the request comes: it stops at its next batch.
    SeizureImport.objects.filter(pk=queued.pk).update(cancel_requested=True)
    import_run(queued.pk)
    queued.refresh_from_db()
    assert queued.status == "cancelled" and Seizure.objects.count() == 0


def test_another_agency_cannot_cancel(kim, somchai, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        queued = import_create(by=kim, upload=upload(csv_bytes([row()])), dry_run=False, submit=False)
    with pytest.raises(Forbidden):
        import_cancel(seizure_import=queued, by=somchai)


def test_an_unconfirmed_clean_dry_run_keeps_its_file_a_day_then_the_sweep_removes_it(kim, run_import, import_files):
    from cases.imports.services import KEEP_UNCONFIRMED, import_sweep

    dry = run_import(kim, csv_bytes([row()]), dry_run=True)
    assert import_sweep() == 0 and (import_files / dry.stored_name).exists()
    SeizureImport.objects.filter(pk=dry.pk).update(
        finished_at=dry.finished_at - KEEP_UNCONFIRMED - dt.timedelta(minutes=1)
    )
    assert import_sweep() == 1
    assert not (import_files / dry.stored_name).exists()
    dry.refresh_from_db()
    with pytest.raises(Conflict):
        import_confirm(seizure_import=dry, by=kim)


def test_an_import_whose_worker_was_lost_is_ended_as_failed_by_the_sweep(kim, django_capture_on_commit_callbacks):
    from django.utils import timezone

    from cases.imports.services import LOST_AFTER, import_sweep

    with django_capture_on_commit_callbacks(execute=False):
        lost = import_create(by=kim, upload=upload(csv_bytes([row()])), dry_run=False, submit=False)
    SeizureImport.objects.filter(pk=lost.pk).update(
        status="running", started_at=timezone.now() - LOST_AFTER - dt.timedelta(minutes=1)
    )
    import_sweep()
    lost.refresh_from_db()
    assert lost.status == "failed" and lost.errors[0]["row"] == 0
