"""A batch of lines as a national system sends it: each bad value reported on every line that
carries it, the batch scored as its lines would be one by one, every field stored as sent, a
party's "first seen" taken from its earliest line, and as many statements for 40 lines as for 2."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.targeting.facts import History, row_facts
from cases.targeting.lookups import AnyOf
from cases.targeting.models import ManifestIdentifier, ManifestLine
from cases.targeting.scoring import LinearModel, Scorer, model_points, model_points_many
from tests.cases.targeting.conftest import cargo_line, passenger_line
from tests.cases.targeting.test_rules_api import make_rule


def test_a_bad_value_repeated_is_reported_on_each_line(kim, send):
    bad = [{"kind": "container", "value": "CSQU3054384"}]
    lines = [
        cargo_line("A", identifiers=bad, consignee="Co., Ltd."),
        cargo_line("B"),
        cargo_line("C", identifiers=bad, consignee="Co., Ltd.", origin_country="xx"),
    ]
    response = send(kim, lines)
    assert response.status_code == 400
    errors = response.json()["lines"]
    assert set(errors) == {"0", "2"}
    for index in ("0", "2"):
        assert "check digit" in errors[index]["identifiers"][0]["value"][0]
        assert errors[index]["consignee"]
    assert "origin_country" in errors["2"] and "origin_country" not in errors["0"]
    assert not ManifestLine.objects.exists()


def test_new_lines_are_stored_as_sent(kim, send, api_as):
    body = send(
        kim,
        [
            cargo_line("DEC-9", transit_countries=["sg", "VN"], gross_weight_kg="12.3456"),
            passenger_line("PNR-9"),
        ],
    ).json()
    assert body["created"] == 2
    cargo = ManifestLine.objects.get(reference="DEC-9")
    assert (cargo.pk, cargo.status, cargo.result, cargo.exam_notes) == (body["lines"][0]["id"], "new", "", "")
    assert cargo.transit_countries == ["SG", "VN"] and cargo.route == ["CN", "SG", "VN", "KR"]
    assert cargo.gross_weight_kg == Decimal("12.346")
    assert cargo.created_at is not None and cargo.updated_at >= cargo.created_at
    assert cargo.reasons == [] and cargo.score == 0 and cargo.model_version is None
    passenger = ManifestLine.objects.get(reference="PNR-9")
    traveller = (passenger.traveller_nationality, passenger.traveller_birth_year, passenger.traveller_sex)
    assert traveller == ("LA", 2001, "m")
    assert sorted(ManifestIdentifier.objects.filter(line=passenger).values_list("kind", "normalized")) == [
        ("flight", "TG656"),
        ("passport", "P12345678"),
    ]
    detail = api_as(kim).get(f"/api/v1/manifests/lines/{passenger.pk}/").json()
    assert detail["reference"] == "PNR-9" and detail["traveller"]["birth_year"] == 2001


def test_first_seen_is_the_partys_earliest_line(kim, park, send):
    make_rule(park, condition={"op": "first_seen_within", "party": "consignee", "days": 30}, points=10)
    old = (timezone.now() - dt.timedelta(days=100)).isoformat()
    send(kim, [cargo_line("OLD", eta=old)])
    body = send(kim, [cargo_line("AGAIN"), cargo_line("FRESH", consignee="Brand New Front Co")]).json()
    scores = {line["reference"]: line["score"] for line in body["lines"]}
    assert scores == {"AGAIN": 0, "FRESH": 10}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's bulk_create batches by its variable limit")
def test_statements_do_not_grow_with_the_batch(kim, park, send):
    make_rule(park, condition={"field": "hs_code", "op": "prefix", "value": "84"}, points=5)

    def statements(count: int, prefix: str) -> int:
        lines = [cargo_line(f"{prefix}{i}", consignee=f"Party {prefix}{i}") for i in range(count)]
        with CaptureQueriesContext(connection) as ctx:
            assert send(kim, lines).status_code == 201
        return len(ctx.captured_queries)

    statements(1, "W")  # the origin counts are read once, then cached for a few minutes
    assert statements(2, "S") == statements(40, "L")


def test_the_batch_is_scored_as_its_lines_one_by_one():
    model = LinearModel(
        version=3,
        intercept=-9.0,
        weights={"route=MM>TH>KR": 3.4, "hs2=09": 1.8, "consignee_new": 2.0, "origin=CN": -0.3, "mode=air_cargo": 0.0},
        use_nationality=False,
        base_rate=0.005,
    )
    scorer = Scorer(model=model)
    now = timezone.now()
    rows = [
        {
            "kind": "cargo",
            "eta": now,
            "transport_mode": mode,
            "origin_country": origin,
            "destination_country": "KR",
            "transit_countries": transits,
            "loading_place": "",
            "discharge_place": "",
            "hs_code": hs,
            "goods_description": "Green tea",
            "shipper_normalized": "",
            "consignee_normalized": "FRONT",
            "gross_weight_kg": None,
            "traveller_birth_year": None,
            "traveller_nationality": "",
        }
        for origin, transits, hs, mode in [
            ("MM", ["TH"], "0902", "sea_container"),
            ("CN", [], "8471", "air_cargo"),
            ("MM", ["TH"], "8471", "air_cargo"),
        ]
    ]
    facts = [row_facts(row, History()) for row in rows]
    together = scorer.score_many(facts, [None] * len(facts))
    assert together == [scorer.score(f) for f in facts]
    assert together[0][0] > together[2][0] > together[1][0] == 0
    assert sum(r["points"] for r in together[0][1]) == together[0][0]
    assert {r["code"] for r in together[0][1]} <= {"route=MM>TH>KR", "hs2=09", "consignee_new"}


def test_model_points_per_doubling_of_the_odds():
    assert [model_points(p, 0.01) for p in (0.01, 0.02, 0.1, 0.32, 0.9, 0.005, 0.0)] == [0, 20, 66, 100, 100, 0, 0]
    assert model_points_many(np.array([0.02, 0.1]), 0.0) == [0, 0]


def test_any_of_matches_as_in(kim, send):
    send(kim, [cargo_line("A"), cargo_line("B"), cargo_line("C")])
    found = ManifestLine.objects.filter(AnyOf(F("reference"), ["A", "C", "Z"])).values_list("reference", flat=True)
    assert sorted(found) == ["A", "C"]
    assert not ManifestLine.objects.filter(AnyOf(F("reference"), [])).exists()


def test_a_nul_anywhere_in_a_batch_is_a_400(kim, send):
    for line in (
        cargo_line("N1", identifiers=[{"kind": "container", "value": "MSKU6043216\x00"}]),
        cargo_line("N2", **{"note\x00": "x"}),
    ):
        response = send(kim, [cargo_line("OK"), line])
        assert response.status_code == 400 and "NUL" in response.json()["detail"]
    assert not ManifestLine.objects.exists()
