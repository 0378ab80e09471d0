"""The free-text filter `q`: every searchable field, case-insensitive, literal, both strategies."""

from __future__ import annotations

import pytest

from cases.seizures import selectors
from cases.seizures.models import Seizure, SeizureItem
from tests.factories import SeizureFactory, agency

pytestmark = pytest.mark.django_db


@pytest.fixture
def seizures():
    kcs = agency("KCS")
    made = {
        "reference": SeizureFactory(agency=kcs, reference="KCS-2019-000123"),
        "location": SeizureFactory(agency=kcs, location="Busan New Port"),
        "concealment": SeizureFactory(agency=kcs, concealment="Frozen fish cargo"),
        "notes": SeizureFactory(agency=kcs, notes="Courier paid 100% in advance"),
        "item": SeizureFactory(agency=kcs),
        "private": SeizureFactory(agency=agency("TCD"), sharing="agency", location="Busan New Port"),
    }
    SeizureItem.objects.filter(seizure=made["item"]).update(description="Yaba tablets, red_line stamp")
    return made


def _found(user, text: str) -> set[int]:
    return set(selectors.text_search(Seizure.objects.visible_to(user), text).values_list("pk", flat=True))


@pytest.mark.parametrize("strategy", ["by id", "walking the list"])
@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("kcs-2019-000123", "reference"),
        ("busan new", "location"),
        ("FROZEN", "concealment"),
        ("100%", "notes"),
        ("red_line", "item"),
    ],
)
def test_each_field_is_searched_case_insensitively(kim, seizures, monkeypatch, strategy, text, field):
    if strategy == "walking the list":
        monkeypatch.setattr(selectors, "TEXT_MATCHES_BY_ID", 0)
    assert _found(kim, text) == {seizures[field].pk}


@pytest.mark.parametrize("strategy", ["by id", "walking the list"])
def test_wildcards_are_literal_and_invisible_seizures_stay_hidden(kim, seizures, monkeypatch, strategy):
    if strategy == "walking the list":
        monkeypatch.setattr(selectors, "TEXT_MATCHES_BY_ID", 0)
    assert _found(kim, "%") == {seizures["notes"].pk}
    assert _found(kim, "d_l") == {seizures["item"].pk}
    assert _found(kim, "busan") == {seizures["location"].pk}
    assert _found(kim, "port" + chr(31) + "frozen") == set()
