"""Who is told of a submitted seizure: the partner agencies on its route that may see it, once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from cases.alerts.models import Delivery
from cases.choices import AlertKind
from cases.seizures.notices import notify_seizure_submitted
from tests.factories import SeizureFactory, agency


def recipients(alert) -> list[str]:
    return sorted(Delivery.objects.filter(alert=alert).values_list("agency__code", flat=True))


@pytest.mark.django_db
def test_agencies_on_the_route_other_than_the_owner_are_told(kim):
    seizure = SeizureFactory(
        agency=agency("KCS"), origin_country="MM", transit_countries=["LA", "TH"], destination_country="KR"
    )
    alert = notify_seizure_submitted(seizure=seizure, by=kim)
    assert alert.kind == AlertKind.SEIZURE_NOTICE
    assert alert.sender_agency.code == "KCS"
    assert recipients(alert) == ["LCD", "MCD", "TCD"]
    assert seizure.reference in alert.title


@pytest.mark.django_db
def test_agency_off_the_route_is_not_told(kim, maria):
    seizure = SeizureFactory(agency=agency("KCS"), origin_country="TH", destination_country="KR")
    alert = notify_seizure_submitted(seizure=seizure, by=kim)
    assert "BOC" not in recipients(alert)


@pytest.mark.django_db
def test_inactive_agency_is_not_told(kim):
    lao = agency("LCD")
    lao.is_active = False
    lao.save()
    seizure = SeizureFactory(agency=agency("KCS"), origin_country="LA", transit_countries=["TH"])
    alert = notify_seizure_submitted(seizure=seizure, by=kim)
    assert recipients(alert) == ["TCD"]


@pytest.mark.django_db
def test_agency_that_may_not_see_the_seizure_is_not_told(kim):
    private = SeizureFactory(agency=agency("KCS"), origin_country="TH", sharing="agency")
    assert notify_seizure_submitted(seizure=private, by=kim) is None
    assert not Delivery.objects.exists()


@pytest.mark.django_db
def test_agency_named_in_shared_with_is_told_even_when_sharing_is_private(kim):
    seizure = SeizureFactory(agency=agency("KCS"), origin_country="TH", transit_countries=["VN"], sharing="agency")
    seizure.shared_with.add(agency("TCD"))
    alert = notify_seizure_submitted(seizure=seizure, by=kim)
    assert recipients(alert) == ["TCD"]


@pytest.mark.django_db
def test_draft_seizure_tells_nobody(kim):
    draft = SeizureFactory(agency=agency("KCS"), status="draft", origin_country="TH")
    assert notify_seizure_submitted(seizure=draft, by=kim) is None


@pytest.mark.django_db
def test_amending_the_seizure_does_not_tell_the_same_agency_twice(kim):
    seizure = SeizureFactory(agency=agency("KCS"), origin_country="TH", destination_country="KR")
    first = notify_seizure_submitted(seizure=seizure, by=kim)
    assert recipients(first) == ["TCD"]
    # The amendment adds Viet Nam to the route: only Viet Nam is told now.
    seizure.transit_countries = ["VN"]
    seizure.save()
    second = notify_seizure_submitted(seizure=seizure, by=kim)
    assert recipients(second) == ["GDVC"]
    assert notify_seizure_submitted(seizure=seizure, by=kim) is None
    assert Delivery.objects.filter(agency__code="TCD").count() == 1


@pytest.mark.django_db
def test_the_alert_rolls_back_with_the_callers_transaction(kim):
    seizure = SeizureFactory(agency=agency("KCS"), origin_country="TH")

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        notify_seizure_submitted(seizure=seizure, by=kim)
        raise Boom
    assert not Delivery.objects.exists()
    # Nothing was remembered either: a later submit still tells Thailand.
    assert recipients(notify_seizure_submitted(seizure=seizure, by=kim)) == ["TCD"]


@pytest.mark.django_db
def test_submitting_through_the_seizure_service_alerts_the_route(kim):
    services = pytest.importorskip("cases.seizures.services")
    draft = services.seizure_create(
        by=kim,
        data={
            "occurred_at": timezone.now() - dt.timedelta(hours=3),
            "transport_mode": "sea_container",
            "detection_method": "xray",
            "origin_country": "TH",
            "transit_countries": ["VN"],
            "destination_country": "KR",
            "items": [{"drug": "methamphetamine", "quantity": "12.5", "unit": "kg"}],
        },
    )
    assert not Delivery.objects.exists()  # a draft tells nobody
    services.seizure_submit(seizure=draft, by=kim)
    assert sorted(Delivery.objects.values_list("agency__code", flat=True)) == ["GDVC", "TCD"]
