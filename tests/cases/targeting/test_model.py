"""The learned model: trained from the agency's examination results as a background task with
progress, deterministic for a seed, stored as plain coefficients, measured on later arrivals,
explained per line, rolled back by the agency; sex never a feature, nationality only when the
agency admin turned it on (audited)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases.demo.manifests import ManifestMaker, write_examined
from cases.targeting.facts import History, line_facts, model_features
from cases.targeting.models import ManifestLine, ModelVersion, SettingsChange
from cases.targeting.training import fit, labelled_rows
from tests.cases.targeting.conftest import cargo_line, passenger_line
from tests.factories import agency


def _history(count: int = 6000, seed: int = 7) -> None:
    maker = ManifestMaker(seed=seed)
    rows = list(maker.history(count=count, days=200, end=timezone.now() - dt.timedelta(days=1)))
    write_examined(agency=agency("KCS"), rows=rows, seed=seed)


@pytest.fixture
def train(django_capture_on_commit_callbacks):
    """POST …/model/train/, then run the training task it queued on commit, as a worker would."""
    from cases.targeting.tasks import train_model

    def run(client, seed: int = 0):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = client.post("/api/v1/targeting/model/train/", {"seed": seed}, format="json")
        if response.status_code == 202:
            assert len(callbacks) == 1
            assert client.get("/api/v1/targeting/model/").json()["status"] == "training"
            train_model(ModelVersion.objects.get(status="training").pk)
        return response

    return run


def test_training_is_deterministic_for_a_seed(kim):
    _history()
    features, labels = labelled_rows(kim.agency_id, use_nationality=False)
    first = fit(features, labels, seed=3)
    second = fit(features, labels, seed=3)
    assert first["weights"] == second["weights"] and first["intercept"] == second["intercept"]
    assert first["metrics"] == second["metrics"]


def test_train_through_the_api_then_roll_back(park, kim, api_as, send, train):
    _history()
    client = api_as(park)
    assert client.get("/api/v1/targeting/model/").json()["status"] == "none"
    response = train(client, seed=1)
    assert response.status_code == 202
    state = client.get("/api/v1/targeting/model/").json()
    assert (state["version"], state["status"], state["progress"]) == (1, "ready", 100)
    assert state["training_rows"] == 6000
    metrics = state["metrics"]
    assert metrics["roc_auc"] > 0.7 and 0 < metrics["base_rate"] < 0.05
    assert not any(name.startswith("sex") for name in state["features"])
    stored = ModelVersion.objects.get(version=1)
    assert set(stored.coefficients) == {"intercept", "weights", "base_rate"}

    # A new line on a planted route is scored by the model with readable reasons.
    body = send(
        kim,
        [
            cargo_line(
                "RISK",
                origin_country="MM",
                transit_countries=["TH"],
                consignee="Brand New Front Co",
                hs_code="0902",
                goods_description="Green tea in bags",
            ),
            cargo_line("PLAIN"),
        ],
    ).json()
    scores = {line["reference"]: line["score"] for line in body["lines"]}
    assert scores["RISK"] > scores["PLAIN"]
    risky = api_as(kim).get(f"/api/v1/manifests/lines/{body['lines'][0]['id']}/").json()
    assert risky["model_version"] == 1
    labels = [r["label"] for r in risky["reasons"] if r["source"] == "model"]
    assert labels and any(
        "MM→TH→KR" in label or "consignee never seen" in label or "HS chapter 09" in label for label in labels
    )
    assert sum(r["points"] for r in risky["reasons"]) == risky["score"]

    assert train(client, seed=2).status_code == 202
    assert client.get("/api/v1/targeting/model/").json()["version"] == 2
    assert api_as(kim).post("/api/v1/targeting/model/train/", {}, format="json").status_code == 403
    response = client.post("/api/v1/targeting/model/activate/", {"version": 1}, format="json")
    assert response.status_code == 200 and response.json()["version"] == 1
    assert client.post("/api/v1/targeting/model/activate/", {"version": 9}, format="json").status_code == 400


def test_too_few_results_fail_cleanly(park, api_as, train):
    client = api_as(park)
    assert train(client).status_code == 202
    state = client.get("/api/v1/targeting/model/").json()
    assert state["status"] == "failed" and "Too few" in state["error"] and state["version"] is None


def test_management_command_trains(park):
    _history(count=3000)
    call_command("train_targeting_model", "KCS", "--seed", "4")
    assert ModelVersion.objects.get(agency__code="KCS").status == "ready"


def test_sex_is_never_a_feature_and_nationality_only_when_allowed(kim):
    line = ManifestLine(
        **{
            "kind": "passenger",
            "eta": timezone.now(),
            "transport_mode": "air_passenger",
            "origin_country": "LA",
            "transit_countries": ["TH"],
            "destination_country": "KR",
            "traveller_nationality": "LA",
            "traveller_birth_year": 2001,
            "traveller_sex": "f",
        }
    )
    facts = line_facts(line, History())
    off = model_features(facts, use_nationality=False)
    on = model_features(facts, use_nationality=True)
    assert not any("sex" in name or "=f" in name for name in on)
    assert "nationality=LA" in on and not any(name.startswith("nationality") for name in off)


def test_nationality_switch_is_the_admins_and_audited(lee, park, api_as):
    assert (
        api_as(park).patch("/api/v1/targeting/settings/", {"use_nationality": True}, format="json").status_code == 403
    )
    response = api_as(lee).patch("/api/v1/targeting/settings/", {"use_nationality": True}, format="json")
    assert response.status_code == 200 and response.json() == {"use_nationality": True}
    change = SettingsChange.objects.get()
    assert (change.field, change.old_value, change.new_value, change.changed_by) == (
        "use_nationality",
        "false",
        "true",
        lee,
    )
    # Now a rule may read nationality.
    ok = api_as(park).post(
        "/api/v1/targeting/rules/",
        {"name": "n", "condition": {"field": "traveller_nationality", "op": "equals", "value": "la"}, "points": 5},
        format="json",
    )
    assert ok.status_code == 201 and ok.json()["condition"]["value"] == "LA"


def test_model_is_per_agency(park, niran, api_as, train):
    _history(count=3000)
    train(api_as(park))
    other = api_as(niran).get("/api/v1/targeting/model/").json()
    assert other["version"] is None and other["versions"] == []
    assert api_as(niran).post("/api/v1/targeting/model/activate/", {"version": 1}, format="json").status_code == 400


def test_passenger_line_api_shape(kim, send, api_as):
    body = send(kim, [passenger_line()]).json()
    detail = api_as(kim).get(f"/api/v1/manifests/lines/{body['lines'][0]['id']}/").json()
    assert detail["traveller"] == {"nationality": "LA", "birth_year": 2001, "sex": "m"}


def test_nationality_rule_stops_counting_when_turned_off(lee, park, kim, api_as, send):
    from tests.cases.targeting.conftest import passenger_line

    api_as(lee).patch("/api/v1/targeting/settings/", {"use_nationality": True}, format="json")
    condition = {"field": "traveller_nationality", "op": "equals", "value": "LA"}
    api_as(park).post("/api/v1/targeting/rules/", {"name": "n", "condition": condition, "points": 20}, format="json")
    assert send(kim, [passenger_line("P1")]).json()["lines"][0]["score"] == 20
    api_as(lee).patch("/api/v1/targeting/settings/", {"use_nationality": False}, format="json")
    assert send(kim, [passenger_line("P2")]).json()["lines"][0]["score"] == 0
    assert SettingsChange.objects.count() == 2
