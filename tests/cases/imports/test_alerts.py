"""Submitted imports: matching and lookouts run per seizure, each partner agency gets one summary."""

from __future__ import annotations

import datetime as dt

from django.utils.dateparse import parse_datetime

from cases.alerts.models import Alert, Delivery
from cases.matching.models import Match
from cases.matching.services import match_on_submit
from cases.seizures import hooks
from cases.seizures import services as seizure_services
from cases.seizures.models import Seizure
from tests.cases.imports.conftest import csv_bytes, row
from tests.cases.seizures.conftest import seizure_payload


def _thai_seizure_with_container(somchai, container: str) -> Seizure:
    data = seizure_payload(identifiers=[{"kind": "container", "value": container}], origin_country="VN")
    data["occurred_at"] = parse_datetime(data["occurred_at"])
    seizure = seizure_services.seizure_create(by=somchai, data=data)
    return seizure_services.seizure_submit(seizure=seizure, by=somchai)


def _alerts_to(code: str, kind: str | None = None):
    deliveries = Delivery.objects.filter(agency__code=code)
    alerts = Alert.objects.filter(pk__in=deliveries.values("alert_id"))
    return alerts.filter(kind=kind) if kind else alerts


def test_a_partner_gets_exactly_one_summary_and_its_matches_are_recorded(kim, somchai, run_import):
    theirs = _thai_seizure_with_container(somchai, "CSQU3054383")
    before = set(_alerts_to("TCD").values_list("pk", flat=True))
    rows = [
        row(external_reference=f"BUS-{n}", identifiers="container:CSQU3054383" if n < 3 else "", origin_country="TH")
        for n in range(5)
    ]

    done = run_import(kim, csv_bytes(rows), submit=True)

    assert (done.status, done.created) == ("done", 5)
    assert set(Seizure.objects.filter(agency__code="KCS").values_list("status", flat=True)) == {"submitted"}
    # Matches against the Thai seizure are recorded one by one...
    matches = Match.objects.filter(seizure_a=theirs) | Match.objects.filter(seizure_b=theirs)
    assert matches.count() == 3
    # ...and the Thai agency hears of the import once: no per-seizure notice, no per-match alert.
    new = _alerts_to("TCD").exclude(pk__in=before)
    assert list(new.values_list("kind", flat=True)) == ["import_summary"]
    summary = new.get()
    assert "5" in summary.title and "KCS" in summary.title
    assert "3 matches" in summary.body and "/matches/" in summary.body
    assert "5 of them have a route through your country" in summary.body
    assert summary.priority == "urgent"
    # The importing agency gets nothing about its own import.
    assert not _alerts_to("KCS", "import_summary").exists()
    assert not _alerts_to("KCS", "match").exists()


def test_a_summary_goes_to_agencies_on_the_route_that_may_see_the_seizures(kim, run_import):
    rows = [
        row(origin_country="VN", transit_countries="", sharing="members"),
        row(origin_country="MM", transit_countries="", sharing="agency"),
    ]
    run_import(kim, csv_bytes(rows), submit=True)
    receivers = set(Delivery.objects.filter(alert__kind="import_summary").values_list("agency__code", flat=True))
    # Vietnam's agency may see the shared seizure; Myanmar's may not see the private one.
    assert receivers == {"GDVC"}
    assert Alert.objects.filter(kind="seizure_notice").count() == 0


def test_an_import_without_submit_sends_nothing(kim, somchai, run_import):
    _thai_seizure_with_container(somchai, "CSQU3054383")
    alerts = Alert.objects.count()
    run_import(kim, csv_bytes([row(identifiers="container:CSQU3054383")]))
    assert Alert.objects.count() == alerts
    assert Match.objects.count() == 0  # drafts are never matched


def test_the_submit_hook_without_notify_records_matches_and_publishes_nothing(kim, somchai):
    _thai_seizure_with_container(somchai, "CSQU3054383")
    data = seizure_payload(identifiers=[{"kind": "container", "value": "CSQU3054383"}])
    data["occurred_at"] = parse_datetime(data["occurred_at"]) - dt.timedelta(hours=1)
    mine = seizure_services.seizure_create(by=kim, data=data)
    alerts = Alert.objects.count()

    seizure_services.seizure_submit(seizure=mine, by=kim, notify=False)

    assert Match.objects.count() == 1
    assert Alert.objects.count() == alerts
    assert match_on_submit in hooks._submitted
