"""Numbers read right: at most 3 decimals, trailing zeros dropped, localised, whatever the database.

Run on PostgreSQL and on SQLite (DATABASE_URL=sqlite:///…): the weights read back from either
print the same.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from cases.seizures.models import Seizure
from crackdown.numbers import format_count, format_kg, plain_kg
from tests.factories import SeizureFactory


@pytest.mark.parametrize(
    ("value", "shown", "plain"),
    [
        (Decimal("15.7000000000000"), "15.7", "15.7"),
        (Decimal("15.700"), "15.7", "15.7"),
        (Decimal("1234.5"), "1,234.5", "1234.5"),
        (Decimal("3.14159"), "3.142", "3.142"),
        (Decimal("0.0005"), "0.001", "0.001"),
        (Decimal("0.000"), "0", "0"),
        (Decimal("40000"), "40,000", "40000"),
        (12.25, "12.25", "12.25"),
        (7, "7", "7"),
    ],
)
def test_weights_print_with_at_most_three_decimals(value, shown, plain):
    with translation.override("en"):
        assert format_kg(value) == shown
    assert plain_kg(value) == plain


def test_nothing_prints_as_a_dash_and_an_empty_csv_cell():
    assert format_kg(None) == "—"
    assert format_count(None) == "—"
    assert plain_kg(None) == ""


def test_the_active_language_decides_the_marks():
    with translation.override("de"):
        assert format_kg(Decimal("1234.5")) == "1.234,5"
    with translation.override("fr"):
        assert format_kg(Decimal("1234.5")).replace("\u202f", " ").replace("\xa0", " ") == "1 234,5"


def test_the_template_filters_are_the_same_functions():
    template = Template("{% load crackdown %}{{ w|kg }} kg · {{ n|count }}")
    with translation.override("en"):
        assert template.render(Context({"w": Decimal("15.7000"), "n": Decimal("40000.000")})) == "15.7 kg · 40,000"


@pytest.mark.django_db
def test_a_weight_read_back_from_the_database_prints_the_same(kcs):
    seizure = SeizureFactory(agency=kcs, items=[("heroin", Decimal("15.7"), "kg"), ("heroin", Decimal("250"), "g")])
    stored = Seizure.objects.values_list("total_weight_kg", flat=True).get(pk=seizure.pk)
    with translation.override("en"):
        assert format_kg(stored) == "15.95"
    assert plain_kg(stored) == "15.95"
