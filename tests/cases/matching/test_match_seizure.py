"""Matching on submit: normalised identifiers, looked up by index, one alert per pair."""

from __future__ import annotations

import datetime as dt

import pytest

from cases.alerts.models import Alert, Delivery
from cases.matching.models import Match
from cases.matching.services import match_seizure
from cases.seizures.models import SeizureIdentifier
from cases.seizures.validators import normalize_identifier

pytestmark = pytest.mark.django_db


def test_container_typed_differently_matches_across_agencies(record, kim, somchai):
    thai = record(somchai, [("container", "CSQU 305438-3")])
    korean = record(kim, [("container", "csqu3054383")])

    match = Match.objects.get()
    assert (match.kind, match.normalized) == ("container", "CSQU3054383")
    assert {match.seizure_a_id, match.seizure_b_id} == {thai.pk, korean.pk}
    assert match.seizure_a_id < match.seizure_b_id


@pytest.mark.parametrize(
    ("kind", "first", "second", "normalized"),
    [
        ("passport", "m 1234-5678", "M12345678", "M12345678"),
        ("phone", "+66 81 234 5678", "0066812345678", "+66812345678"),
        ("company", "Golden Star Co., Ltd.", "GOLDEN STAR LIMITED", "GOLDEN STAR"),
    ],
)
def test_party_identifiers_match_after_normalisation(record, kim, somchai, kind, first, second, normalized):
    record(somchai, [(kind, first)])
    record(kim, [(kind, second)])

    assert list(Match.objects.values_list("kind", "normalized")) == [(kind, normalized)]


def test_same_agency_and_drafts_do_not_match(record, kim, park, somchai):
    record(kim, [("container", "CSQU3054383")])
    record(park, [("container", "CSQU3054383")])  # same agency
    record(somchai, [("container", "CSQU3054383")], submit=False)  # draft

    assert not Match.objects.exists()


def test_one_alert_per_pair_however_many_identifiers_they_share(record, kim, somchai):
    record(somchai, [("container", "CSQU3054383"), ("phone", "+66812345678"), ("passport", "M12345678")])
    korean = record(kim, [("container", "CSQU3054383"), ("phone", "+66812345678"), ("passport", "M12345678")])

    assert Match.objects.count() == 3
    match_alerts = Alert.objects.filter(kind="match")
    # Both agencies learn of it, once each.
    assert sorted(Delivery.objects.filter(alert__in=match_alerts).values_list("agency__code", flat=True)) == [
        "KCS",
        "TCD",
    ]

    assert match_seizure(seizure=korean) == []  # running again finds nothing new
    assert Alert.objects.filter(kind="match").count() == match_alerts.count()


def test_a_new_identifier_on_a_known_pair_is_stored_without_a_second_alert(record, kim, somchai):
    from cases.seizures.services import seizure_update

    record(somchai, [("container", "CSQU3054383"), ("phone", "+66812345678")])
    korean = record(kim, [("container", "CSQU3054383")])
    alerts = Alert.objects.filter(kind="match").count()

    seizure_update(
        seizure=korean,
        by=kim,
        data={
            "identifiers": [{"kind": "container", "value": "CSQU3054383"}, {"kind": "phone", "value": "+66812345678"}]
        },
    )

    assert Match.objects.count() == 2
    assert Alert.objects.filter(kind="match").count() == alerts


def test_a_removed_identifier_unlinks_the_pair(record, kim, somchai):
    from cases.seizures.services import seizure_update

    record(somchai, [("container", "CSQU3054383")])
    korean = record(kim, [("container", "CSQU3054383")])

    seizure_update(seizure=korean, by=kim, data={"identifiers": [{"kind": "passport", "value": "M99999999"}]})

    assert not Match.objects.exists()


def test_identifiers_written_directly_with_normalize_identifier_match(kim, somchai):
    from tests.factories import SeizureFactory, agency

    thai = SeizureFactory(agency=agency("TCD"))
    korean = SeizureFactory(agency=agency("KCS"))
    for seizure, value in ((thai, "CSQU 305438-3"), (korean, "csqu3054383")):
        SeizureIdentifier.objects.create(
            seizure=seizure, kind="container", value=value, normalized=normalize_identifier("container", value)
        )

    new = match_seizure(seizure=korean)

    assert [(m.seizure_a_id, m.seizure_b_id) for m in new] == [(thai.pk, korean.pk)]


def test_lookup_is_one_query_whatever_the_number_of_identifiers(record, kim, somchai, django_assert_max_num_queries):
    from tests.factories import SeizureFactory, agency

    record(somchai, [("container", "CSQU3054383")])
    korean = SeizureFactory(agency=agency("KCS"))
    for n in range(20):
        SeizureIdentifier.objects.create(seizure=korean, kind="passport", value=f"P{n:07d}", normalized=f"P{n:07d}")

    # Queries: savepoint, own identifiers, stale delete (select + delete), one indexed lookup — no per-identifier query.
    with django_assert_max_num_queries(8):
        assert match_seizure(seizure=korean) == []


def test_new_pairs_are_alerted_together_and_every_delivery_is_queued_after_commit(
    record, kim, somchai, maria, monkeypatch, django_capture_on_commit_callbacks
):
    from cases.alerts import outbox
    from tests.factories import SeizureFactory, agency

    record(somchai, [("container", "CSQU3054383")])
    record(maria, [("bill_of_lading", "MAEU123456789")])
    korean = SeizureFactory(agency=agency("KCS"))
    SeizureIdentifier.objects.create(seizure=korean, kind="container", value="CSQU3054383", normalized="CSQU3054383")
    SeizureIdentifier.objects.create(
        seizure=korean, kind="bill_of_lading", value="MAEU123456789", normalized="MAEU123456789", position=1
    )
    queued = []
    monkeypatch.setattr(outbox, "queue_deliveries", queued.extend)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        new = match_seizure(seizure=korean)

    assert len(new) == 2
    alerts = Alert.objects.filter(kind="match", seizure__in=[korean, *(m.seizure_a for m in new)])
    # Two pairs, two sides each: four alerts, each to its own agency only, about its own seizure.
    assert sorted(Delivery.objects.filter(alert__kind="match").values_list("agency__code", flat=True)) == [
        "BOC",
        "KCS",
        "KCS",
        "TCD",
    ]
    assert all(alert.deliveries.get().agency_id == alert.seizure.agency_id for alert in alerts)
    # Queued once the transaction committed, every delivery, from one callback.
    assert len(callbacks) == 1
    assert sorted(queued) == sorted(
        str(pk) for pk in Delivery.objects.filter(alert__kind="match").values_list("pk", flat=True)
    )


def test_each_side_is_told_its_own_seizure_and_the_other_agency(record, kim, somchai):
    thai = record(somchai, [("container", "CSQU3054383")])
    korean = record(kim, [("container", "CSQU 305438-3")])

    alerts = {
        alert.deliveries.get().agency.code: alert
        for alert in Alert.objects.filter(kind="match").select_related("seizure__agency")
    }

    assert set(alerts) == {"KCS", "TCD"}
    for own, other in ((korean, thai), (thai, korean)):
        alert = alerts[own.agency.code]
        assert alert.seizure_id == own.pk
        day = other.occurred_at.astimezone(dt.UTC).date().isoformat()
        assert alert.title == (
            f"Match on {own.reference}: Container number CSQU3054383 also seized by {other.agency.code} on {day}"
        )
        assert alert.body.startswith(
            f"Your seizure {own.reference} shares the Container number CSQU3054383 "
            f"with a seizure of {other.agency.name}."
        )
        assert "/matches/" in alert.body
        assert other.reference not in alert.title + alert.body
    # Each side's title names its own seizure: the two alerts read apart.
    assert alerts["KCS"].title != alerts["TCD"].title


def test_a_match_stored_by_another_call_is_neither_returned_nor_alerted_again(record, kim, somchai):
    record(somchai, [("container", "CSQU3054383")])
    korean = record(kim, [("container", "CSQU3054383")])
    alerts = Alert.objects.filter(kind="match").count()

    # As a concurrent call sees it: the match was stored after this call read what was stored.
    assert match_seizure(seizure=korean, just_submitted=True) == []

    assert Match.objects.count() == 1
    assert Alert.objects.filter(kind="match").count() == alerts == 2
