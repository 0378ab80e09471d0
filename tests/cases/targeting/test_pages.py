"""The targeting pages: the queue with reasons and filters, CSV upload with errors per row and
nothing half-saved, examine and alert from a line, rules with preview and history, the model."""

from __future__ import annotations

import datetime as dt
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.alerts.models import Alert
from cases.targeting.models import ManifestLine, Rule
from tests.cases.targeting.conftest import cargo_line

HEADER = (
    "kind,reference,eta,transport_mode,origin_country,transit_countries,destination_country,hs_code,"
    "goods_description,consignee,identifiers\n"
)


ETA = (timezone.now() + dt.timedelta(days=3)).isoformat()


def _csv(*rows: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("manifest.csv", (HEADER + "\n".join(rows) + "\n").encode(), content_type="text/csv")


def test_csv_upload_scores_lines_into_the_queue(kim, park, client_as):
    Rule.objects.create(
        agency=park.agency, name="Tea", condition={"field": "hs_code", "op": "prefix", "value": "09"}, points=40
    )
    client = client_as(kim)
    response = client.post(
        "/targeting/upload/",
        {
            "file": _csv(
                f"cargo,DEC-1,{ETA},sea_container,CN,,KR,8471,Laptops,Han River Co,container:CSQU3054383",
                f"cargo,DEC-2,{ETA},sea_container,MM,TH,KR,0902,Green tea,Fresh Front Ltd,container:MSKU 604321-6",
            )
        },  # fmt: skip
    )
    assert response.status_code == 302
    page = client.get("/targeting/").content.decode()
    assert page.index("DEC-2") < page.index("DEC-1")
    assert "rule “Tea”" in page
    assert ManifestLine.objects.get(reference="DEC-2").identifiers.get().normalized == "MSKU6043216"


def test_csv_with_a_bad_row_saves_nothing_and_names_the_row(kim, client_as):
    response = client_as(kim).post(
        "/targeting/upload/",
        {
            "file": _csv(
                f"cargo,DEC-1,{ETA},sea_container,CN,,KR,8471,Laptops,Han River Co,",
                f"cargo,DEC-2,{ETA},sea_container,CN,,KR,8471,Laptops,Han River Co,container:CSQU3054384",
            )
        },  # fmt: skip
    )
    assert response.status_code == 200
    errors = response.context["line_errors"]
    assert [(row, field) for row, field, _messages in errors] == [(3, "identifiers")]
    assert "check digit" in errors[0][2][0]
    assert ManifestLine.objects.count() == 0


def test_examine_and_alert_from_the_line_page(kim, send, client_as):
    send(kim, [cargo_line("DEC-9", origin_country="MM", transit_countries=["TH"])])
    line = ManifestLine.objects.get()
    client = client_as(kim)
    page = client.get(f"/targeting/lines/{line.pk}/")
    assert page.status_code == 200
    # The route's partner (Thailand) is chosen for the alert by default.
    assert page.context["alert_form"].initial["recipients"] == ["TCD"]
    assert client.post(f"/targeting/lines/{line.pk}/examine/", {"result": "maybe"}).status_code == 400
    assert (
        client.post(f"/targeting/lines/{line.pk}/examine/", {"result": "nothing", "notes": "Clean"}).status_code == 302
    )
    line.refresh_from_db()
    assert (line.status, line.result, line.exam_notes) == ("examined", "nothing", "Clean")
    response = client.post(f"/targeting/lines/{line.pk}/alert/", {"recipients": ["TCD"], "priority": "urgent"})
    assert response.status_code == 302
    assert Alert.objects.get(kind="pre_arrival").deliveries.get().agency.code == "TCD"


def test_rule_page_previews_then_saves_and_keeps_history(park, client_as):
    client = client_as(park)
    condition = json.dumps({"field": "hs_code", "op": "prefix", "value": "09"})
    preview = client.post("/targeting/rules/", {"name": "Tea", "condition": condition, "points": 30, "preview": "1"})
    assert preview.status_code == 200 and preview.context["preview"]["matched"] == 0
    assert Rule.objects.count() == 0
    bad = client.post("/targeting/rules/", {"name": "Tea", "condition": '{"op": "nope"}', "points": 30, "save": "1"})
    assert bad.status_code == 400 and "$" in bad.content.decode()
    assert (
        client.post(
            "/targeting/rules/", {"name": "Tea", "condition": condition, "points": 30, "active": "on", "save": "1"}
        ).status_code
        == 302
    )
    rule = Rule.objects.get()
    assert (
        client.post(
            f"/targeting/rules/{rule.pk}/",
            {"name": "Tea", "condition": condition, "points": 50, "active": "on", "save": "1"},
        ).status_code
        == 302
    )
    page = client.get(f"/targeting/rules/{rule.pk}/")
    assert [v.version for v in page.context["history"]] == [2, 1]


def test_model_page_without_a_model(park, client_as):
    page = client_as(park).get("/targeting/model/")
    assert page.status_code == 200 and "No model yet" in page.content.decode()
