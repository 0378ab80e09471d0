"""Hits: a submitted seizure carrying a watched value makes a hit and alerts the lookout's agency."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.alerts.models import Alert, Delivery
from cases.lookouts.models import Hit, LookoutValue
from cases.lookouts.services import lookout_withdraw
from cases.lookouts.watch import record_hits

pytestmark = pytest.mark.django_db


def _alerts_to(agency, kind="lookout_hit"):
    return list(Alert.objects.filter(kind=kind, pk__in=Delivery.objects.filter(agency=agency).values("alert_id")))


def test_submitted_seizure_hits_a_lookout_of_another_agency(record, watch, somchai, kim, tcd):
    lookout = watch(somchai, [("container", "CSQU3054383")])
    seizure = record(kim, [("container", "csqu 305438-3")])

    hit = Hit.objects.get(lookout=lookout)
    assert (hit.kind, hit.normalized, hit.source, hit.agency.code, hit.seizure_id) == (
        "container",
        "CSQU3054383",
        "seizure",
        "KCS",
        seizure.pk,
    )
    lookout.refresh_from_db()
    assert lookout.hit_count == 1
    [alert] = _alerts_to(tcd)
    assert alert.priority == "urgent"
    # Shared with all members: TCD may see the seizure, so the alert names and links it.
    assert seizure.reference in alert.title
    assert alert.seizure_id == seizure.pk


def test_hit_on_a_seizure_the_lookout_agency_cannot_see_is_blind(record, watch, somchai, kim, tcd):
    watch(somchai, [("container", "CSQU3054383")])
    seizure = record(kim, [("container", "CSQU3054383")], sharing="agency")

    assert Hit.objects.get().seizure_id == seizure.pk
    [alert] = _alerts_to(tcd)
    assert seizure.reference not in alert.title + alert.body
    assert "Secret" not in alert.title + alert.body
    assert alert.seizure_id is None
    assert "KCS" in alert.title


def test_draft_makes_no_hit_and_withdrawn_lookout_does_not_fire(record, watch, somchai, kim):
    lookout = watch(somchai, [("container", "CSQU3054383")])
    record(kim, [("container", "CSQU3054383")], submit=False)
    assert not Hit.objects.exists()

    lookout_withdraw(lookout=lookout, by=somchai)
    assert not LookoutValue.objects.filter(active=True).exists()
    record(kim, [("container", "CSQU3054383")])
    assert not Hit.objects.exists()


def test_one_record_alerts_once_per_lookout_and_repeats_make_no_second_hit(record, watch, somchai, kim, tcd):
    lookout = watch(somchai, [("container", "CSQU3054383"), ("phone", "+66 81 234 5678")])
    seizure = record(kim, [("container", "CSQU3054383"), ("phone", "+66812345678")])

    assert Hit.objects.filter(lookout=lookout).count() == 2
    assert len(_alerts_to(tcd)) == 1
    again = record_hits(source="seizure", agency=seizure.agency, values=[("container", "CSQU3054383")], seizure=seizure)
    assert again == []
    assert len(_alerts_to(tcd)) == 1


def test_manifest_line_hits_carry_their_lookout_and_notify_false_sends_nothing(watch, somchai, kcs, tcd):
    lookout = watch(somchai, [("container", "CSQU3054383")])

    hits = record_hits(
        source="manifest_line", agency=kcs, values=[("container", "CSQU3054383")], subject_id=77, notify=False
    )

    assert [(hit.lookout.pk, hit.subject_id, hit.seizure_id) for hit in hits] == [(lookout.pk, 77, None)]
    assert _alerts_to(tcd) == []


def test_record_hits_costs_a_constant_number_of_queries(watch, somchai, niran, maria, kcs):
    watch(somchai, [("container", "CSQU3054383")])
    watch(niran, [("phone", "+66812345678")], title="Phone")
    watch(maria, [("container", "CSQU3054383"), ("vessel_imo", "9074729")], title="Vessel")
    few = [("container", "CSQU3054383")]
    many = [("container", "CSQU3054383"), ("phone", "+66812345678"), ("vessel_imo", "9074729")]
    many += [("passport", f"M{n:07d}") for n in range(40)]

    counts = []
    for n, values in enumerate((few, many)):
        with CaptureQueriesContext(connection) as ctx:
            record_hits(source="manifest_line", agency=kcs, values=values, subject_id=n)
        counts.append(len(ctx.captured_queries))
    # lookup, insert, counter, outbox alerts + deliveries (no savepoint: the caller's transaction).
    assert counts == [5, 5]
