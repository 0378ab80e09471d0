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
    ]
    checker = InputChecker(agency=kim.agency)
    for payload, seizure in payloads:
        assert checker.clean(payload, current=seizure) == clean_seizure_input(
            payload, agency=kim.agency, current=seizure
        )
