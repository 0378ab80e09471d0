"""The import's reusable input checker answers exactly as clean_seizure_input, payload for payload."""

from __future__ import annotations

import datetime as dt

from django.utils.dateparse import parse_datetime

from cases.seizures import services
from cases.seizures.inputs import InputChecker, clean_seizure_input
from tests.cases.seizures.conftest import seizure_payload


def test_the_checker_answers_as_clean_seizure_input_for_creates_and_updates(kim):
    data = seizure_payload()
    data["occurred_at"] = parse_datetime(data["occurred_at"]) - dt.timedelta(hours=1)
    current = services.seizure_create(by=kim, data=data)
    payloads = [
        (seizure_payload(), None),
        (seizure_payload(items=[{"drug": "heroin", "quantity": "-1", "unit": "kg"}]), None),
        (seizure_payload(origin_country="MY", transit_countries=["MY"]), None),
        (seizure_payload(occurred_at="soon", transport_mode="teleport"), None),
        ({"location": "Pier 9", "items": [{"drug": "opium", "quantity": "2", "unit": "kg"}]}, current),
        ({"identifiers": [{"kind": "container", "value": "CSQU3054384"}]}, current),
        (seizure_payload(), None),  # after an update and errors: nothing left over
        # Rows seen before answer from the checker's row cache: the same answer again.
        (seizure_payload(items=[{"drug": "heroin", "quantity": "-1", "unit": "kg"}]), None),
        ({"items": [{"drug": "heroin", "quantity": "-1", "unit": "kg"}]}, current),
        ({"identifiers": [{"kind": "container", "value": "CSQU3054384"}]}, current),
        (seizure_payload(identifiers=[{"kind": "container", "value": "CSQU3054384"}] * 2), None),
    ]
    checker = InputChecker(agency=kim.agency)
    for payload, seizure in payloads:
        answer = checker.clean(payload, current=seizure)
        assert answer == clean_seizure_input(payload, agency=kim.agency, current=seizure)
        if answer[0] is not None:  # a cached row is handed out as a copy of its own
            for rows in ("items", "identifiers"):
                for row in answer[0].get(rows, []):
                    row["value" if rows == "identifiers" else "drug"] = "changed by the caller"
