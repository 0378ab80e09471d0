"""Lookout hits are one source of points: a line carrying a watched value ranks above ordinary
lines with the hit as its reason; the lookout's agency is alerted; another agency's unshared
lookout is alerted but never revealed in the line's reasons."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from cases.alerts.models import Alert
from cases.lookouts.models import Hit
from cases.lookouts.services import lookout_create
from cases.targeting.models import ManifestLine
from tests.cases.targeting.conftest import cargo_line


def _watch(user, values, *, sharing="members", title="Reefer watch"):
    return lookout_create(
        by=user,
        data={
            "title": title,
            "reason": "Informant tip",
            "expires_at": timezone.now() + dt.timedelta(days=30),
            "sharing": sharing,
            "shared_with": [],
            "values": [{"kind": kind, "value": value} for kind, value in values],
        },
        retro=False,
    )


def test_line_with_a_watched_value_ranks_first_with_its_reason(kim, send, api_as):
    lookout = _watch(kim, [("container", "CSQU3054383")])
    body = send(
        kim, [cargo_line("PLAIN"), cargo_line("WATCHED", identifiers=[{"kind": "container", "value": "csqu 305438-3"}])]
    ).json()
    scores = {line["reference"]: line["score"] for line in body["lines"]}
    assert scores["WATCHED"] > scores["PLAIN"]
    rows = api_as(kim).get("/api/v1/manifests/lines/").json()["results"]
    assert rows[0]["reference"] == "WATCHED"
    assert rows[0]["reasons"][0]["source"] == "lookout"
    assert "CSQU3054383" in rows[0]["reasons"][0]["label"] and "Reefer watch" in rows[0]["reasons"][0]["label"]
    hit = Hit.objects.get()
    assert (hit.source, hit.subject_id, hit.lookout_id) == (
        "manifest_line",
        ManifestLine.objects.get(reference="WATCHED").pk,
        lookout.pk,
    )
    # Sent again (an update), the line keeps its lookout reason; no second hit.
    again = send(kim, [cargo_line("WATCHED", identifiers=[{"kind": "container", "value": "CSQU3054383"}])]).json()
    assert again["lines"][0]["score"] == scores["WATCHED"]
    assert Hit.objects.count() == 1


def test_consignee_is_watched_as_a_company(kim, send):
    _watch(kim, [("company", "Han River Import Export Co., Ltd")])
    body = send(kim, [cargo_line("A")]).json()
    assert body["lines"][0]["score"] >= 60


def test_unshared_lookout_of_another_agency_is_alerted_not_revealed(kim, somchai, send):
    _watch(somchai, [("container", "CSQU3054383")], sharing="agency", title="Thai secret")
    body = send(kim, [cargo_line("X", identifiers=[{"kind": "container", "value": "CSQU3054383"}])]).json()
    line = ManifestLine.objects.get(reference="X")
    assert body["lines"][0]["score"] == 0
    assert not any(r["source"] == "lookout" for r in line.reasons)
    assert Hit.objects.filter(lookout__agency__code="TCD").count() == 1
    assert Alert.objects.filter(kind="lookout_hit", deliveries__agency__code="TCD").exists()
