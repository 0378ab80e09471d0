"""Existing alerts become language-neutral: their notice and params are recovered from the
English text they were stored in (and the seizure or operation they link), so that they are
rendered in each reader's language like new ones. An alert whose text matches no notice (a
message an officer wrote) keeps its text as written. The English text stays in title/body.
"""

import re

from django.db import migrations

SEIZURE_TITLE = re.compile(r"^Seizure (?P<ref>\S+): ")
INVITE_TITLE = re.compile(r"^Invitation to joint operation (?P<code>\S+) ")
ASSIGNMENT_TITLE = re.compile(r"^Assignment in (?P<code>[^:]+): (?P<title>.*)$", re.S)
MATCH_TITLE = re.compile(r"^Match: (?P<kind>\S+) (?P<value>\S+) also seized by (?P<agency_code>\S+)$")
MATCH_BODY = re.compile(r"^Your seizure (?P<ref>\S+) shares the \S+ \S+ with a seizure of (?P<agency_name>.+)\.$", re.S)
ACCESS_TITLE = re.compile(r"^(?P<agency>\S+) asks to see seizure (?P<ref>\S+)$")
ACCESS_BODY = "It matched one of their seizures. Share it with them from the seizure page if you agree."
LATE_TITLE = re.compile(r"^Not acknowledged in time: (?P<title>.*)$", re.S)
LATE_BODY = re.compile(r"^(?P<codes>.+) did not acknowledge by the deadline; the alert was sent to them again\.$", re.S)


def _decimal(value):
    return f"{value.normalize():f}" if value is not None else ""


def _seizure_params(seizure):
    items = list(seizure.items.order_by("position", "id"))
    transits = seizure.transit_countries if isinstance(seizure.transit_countries, list) else []
    route = [p for p in [seizure.origin_country, *transits, seizure.destination_country] if p]
    return {
        "ref": seizure.reference,
        "agency": seizure.agency.name,
        "weight_kg": _decimal(seizure.total_weight_kg) if seizure.total_weight_kg else "",
        "drugs": sorted({item.drug for item in items}),
        "route": route,
        "mode": seizure.transport_mode,
        "location": seizure.location,
        "items": [
            {"quantity": _decimal(i.quantity), "unit": i.unit, "drug": i.drug, "description": i.description}
            for i in items
        ],
    }


def _neutral(alert):
    """(notice, params) recovered for one stored alert, or None to keep its text as written."""
    title, body = alert.title, alert.body
    if alert.kind == "seizure_notice" and alert.seizure_id and SEIZURE_TITLE.match(title):
        return "seizures.submitted", _seizure_params(alert.seizure)
    if alert.kind == "operation_invite" and alert.operation_id and INVITE_TITLE.match(title):
        op = alert.operation
        return "operations.invite", {
            "code": op.code,
            "name": op.name,
            "lead": op.lead_agency.name,
            "starts_on": op.starts_on.isoformat() if op.starts_on else "",
            "ends_on": op.ends_on.isoformat() if op.ends_on else "",
            "description": op.description,
        }
    if alert.kind == "assignment" and (m := ASSIGNMENT_TITLE.match(title)):
        return "operations.assignment", {"code": m["code"], "title": m["title"], "instructions": body}
    if alert.kind == "match" and (m := MATCH_TITLE.match(title)) and (b := MATCH_BODY.match(body)):
        return "matching.match", {**m.groupdict(), **b.groupdict()}
    if alert.kind == "message" and (m := ACCESS_TITLE.match(title)) and body == ACCESS_BODY:
        return "text", {"title": "%(agency)s asks to see seizure %(ref)s", "body": ACCESS_BODY, "args": m.groupdict()}
    if alert.kind == "message" and (m := LATE_TITLE.match(title)) and (b := LATE_BODY.match(body)):
        original = {"notice": "", "params": {}, "title": m["title"]}
        return "alerts.not_acknowledged", {"codes": b["codes"], "original": original}
    return None


def forwards(apps, schema_editor):
    Alert = apps.get_model("alerts", "Alert")
    alerts = Alert.objects.filter(notice="").select_related(
        "seizure", "seizure__agency", "operation", "operation__lead_agency"
    )
    for alert in alerts.iterator(chunk_size=500):
        found = _neutral(alert)
        if found is not None:
            alert.notice, alert.params = found
            alert.save(update_fields=["notice", "params"])


def backwards(apps, schema_editor):
    # The English text never left title/body: forgetting the notice loses nothing.
    apps.get_model("alerts", "Alert").objects.update(notice="", params={})


class Migration(migrations.Migration):
    dependencies = [
        ("alerts", "0006_alert_notice_params"),
        ("seizures", "0007_seizure_notice"),
        ("operations", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
