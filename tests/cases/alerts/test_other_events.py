"""Matches and access requests alert the right agency without detail of a seizure it cannot see."""

from __future__ import annotations

import pytest

from cases.alerts.models import Delivery
from cases.choices import AlertKind
from cases.matching.models import AccessRequest, Match
from cases.matching.notices import notify_access_request, notify_match
from tests.factories import SeizureFactory, agency

pytestmark = pytest.mark.django_db


def test_a_match_tells_each_agency_about_its_own_seizure_only(kim):
    korean = SeizureFactory(agency=agency("KCS"), sharing="agency")
    thai = SeizureFactory(agency=agency("TCD"), sharing="agency")
    a, b = sorted([korean, thai], key=lambda s: s.pk)
    match = Match.objects.create(kind="container", normalized="MSCU1234565", seizure_a=a, seizure_b=b)
    alerts = notify_match(match=match)
    assert len(alerts) == 2
    by_agency = {alert.deliveries.get().agency.code: alert for alert in alerts}
    assert by_agency["KCS"].seizure == korean
    assert by_agency["TCD"].seizure == thai
    assert all(alert.kind == AlertKind.MATCH for alert in alerts)
    # Neither agency learns the other's private seizure reference.
    assert thai.reference not in by_agency["KCS"].title + by_agency["KCS"].body
    assert korean.reference not in by_agency["TCD"].title + by_agency["TCD"].body


def test_an_access_request_tells_the_owner(kim, somchai):
    korean = SeizureFactory(agency=agency("KCS"), sharing="agency")
    thai = SeizureFactory(agency=agency("TCD"))
    a, b = sorted([korean, thai], key=lambda s: s.pk)
    match = Match.objects.create(kind="container", normalized="MSCU1234565", seizure_a=a, seizure_b=b)
    request = AccessRequest.objects.create(
        match=match, seizure=korean, requesting_agency=agency("TCD"), requested_by=somchai
    )
    alert = notify_access_request(access_request=request)
    assert list(Delivery.objects.filter(alert=alert).values_list("agency__code", flat=True)) == ["KCS"]
    assert alert.sender_agency.code == "TCD"
