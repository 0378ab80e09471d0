"""Analysts' rules: the condition language is checked with the path of the bad part, each
change is a new version in the history, a rule can be tested on the last 30 days."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from cases.targeting.models import Rule
from tests.cases.targeting.conftest import cargo_line


def make_rule(user, *, condition, points=30, name="Tea"):
    client = APIClient()
    client.force_authenticate(user)
    response = client.post(
        "/api/v1/targeting/rules/", {"name": name, "condition": condition, "points": points}, format="json"
    )
    assert response.status_code == 201, response.json()
    return response.json()


@pytest.mark.parametrize(
    ("condition", "path"),
    [
        (
            {
                "all": [
                    {"field": "hs_code", "op": "prefix", "value": "09"},
                    {"field": "origin_country", "op": "equals", "value": "ZZ"},
                ]
            },
            "$.all[1].value",
        ),
        ({"any": [{"field": "colour", "op": "equals", "value": "red"}]}, "$.any[0].field"),
        ({"field": "hs_code", "op": "between", "min": 1}, "$.op"),
        ({"op": "route_contains", "value": ["MM", 7]}, "$.value[1]"),
        ({"op": "first_seen_within", "party": "consignee", "days": -3}, "$.days"),
        ({"not": {"field": "gross_weight_kg", "op": "between", "min": 500, "max": 10}}, "$.not.max"),
        ({"field": "traveller_sex", "op": "equals", "value": "f"}, "$.field"),
        ({"field": "traveller_nationality", "op": "equals", "value": "LA"}, "$.field"),
        ({"all": []}, "$.all"),
        ("origin is MM", "$"),
    ],
)
def test_bad_condition_is_a_400_with_the_path(park, api_as, condition, path):
    response = api_as(park).post(
        "/api/v1/targeting/rules/", {"name": "x", "condition": condition, "points": 10}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["condition"][0].startswith(path + ": ")
    assert Rule.objects.count() == 0


def test_points_are_bounded(park, api_as):
    response = api_as(park).post(
        "/api/v1/targeting/rules/",
        {"name": "x", "condition": {"op": "route_contains", "value": "MM"}, "points": 101},
        format="json",
    )
    assert response.status_code == 400 and "points" in response.json()


def test_each_change_is_kept_in_history(park, lee, api_as):
    rule = make_rule(park, condition={"op": "route_contains", "value": ["MM", "TH"]}, points=30, name="Golden Triangle")
    assert rule["version"] == 1
    client = api_as(lee)
    response = client.patch(f"/api/v1/targeting/rules/{rule['id']}/", {"points": 45, "active": False}, format="json")
    assert response.status_code == 200
    assert (response.json()["version"], response.json()["points"], response.json()["updated_by"]) == (2, 45, "Lee")
    history = client.get(f"/api/v1/targeting/rules/{rule['id']}/history/").json()
    assert [(v["version"], v["points"], v["active"]) for v in history] == [(2, 45, False), (1, 30, True)]


def test_officers_read_rules_but_do_not_write(kim, park, api_as):
    rule = make_rule(park, condition={"field": "hs_code", "op": "prefix", "value": "09"})
    client = api_as(kim)
    assert client.get(f"/api/v1/targeting/rules/{rule['id']}/").status_code == 200
    assert client.patch(f"/api/v1/targeting/rules/{rule['id']}/", {"points": 1}, format="json").status_code == 403


def test_other_agency_gets_404_for_rules(park, niran, api_as):
    rule = make_rule(park, condition={"field": "hs_code", "op": "prefix", "value": "09"})
    client = api_as(niran)
    assert client.get(f"/api/v1/targeting/rules/{rule['id']}/").status_code == 404
    assert client.patch(f"/api/v1/targeting/rules/{rule['id']}/", {"points": 1}, format="json").status_code == 404
    assert client.get("/api/v1/targeting/rules/").json()["results"] == []


def test_rule_scores_matching_lines_with_its_reason(kim, park, send):
    make_rule(
        park,
        condition={
            "all": [
                {"op": "route_contains", "value": ["MM", "KR"]},
                {"field": "goods_description", "op": "contains", "value": "tea"},
            ]
        },
        points=55,
        name="Tea from Myanmar",
    )
    body = send(
        kim,
        [
            cargo_line("A", origin_country="MM", transit_countries=["TH"], goods_description="Green TEA"),
            cargo_line("B"),
        ],
    ).json()
    scores = {line["reference"]: line["score"] for line in body["lines"]}
    assert scores == {"A": 55, "B": 0}


def test_first_seen_within(kim, park, send):
    from cases.targeting.models import ManifestLine

    send(kim, [cargo_line("OLD", eta=(timezone.now() - dt.timedelta(days=90)).isoformat())])
    make_rule(
        park, condition={"op": "first_seen_within", "party": "consignee", "days": 30}, points=25, name="New consignee"
    )
    body = send(kim, [cargo_line("A"), cargo_line("B", consignee="Fresh Front Trading Ltd")]).json()
    assert {line["reference"]: line["score"] for line in body["lines"]} == {"A": 0, "B": 25}
    assert ManifestLine.objects.get(reference="B").reasons[0]["params"]["name"] == "New consignee"


def test_preview_on_the_last_30_days(kim, park, send, api_as):
    now = timezone.now()
    send(kim, [
        cargo_line("A", eta=(now - dt.timedelta(days=3)).isoformat(), hs_code="0902"),
        cargo_line("B", eta=(now - dt.timedelta(days=45)).isoformat(), hs_code="0902"),
        cargo_line("C", eta=(now - dt.timedelta(days=3)).isoformat()),
    ])  # fmt: skip
    response = api_as(park).post(
        "/api/v1/targeting/rules/preview/",
        {"condition": {"field": "hs_code", "op": "prefix", "value": "09"}},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["lines"], body["matched"]) == (2, 1)
    assert [e["reference"] for e in body["examples"]] == ["A"]
    bad = api_as(park).post("/api/v1/targeting/rules/preview/", {"condition": {"op": "nope"}}, format="json")
    assert bad.status_code == 400 and bad.json()["condition"][0].startswith("$")
