"""cases.seizures.fields.model_field: a model's own field, as the class a caller reads."""

from __future__ import annotations

import pytest
from django.db import models

from cases.seizures.fields import model_field
from cases.seizures.models import Seizure, SeizureItem


def test_gives_the_field_as_the_class_asked_for():
    quantity = model_field(SeizureItem, "quantity", models.DecimalField)
    assert (quantity.max_digits, quantity.decimal_places) == (14, 3)


def test_a_field_of_another_class_is_an_error():
    with pytest.raises(TypeError, match=r"SeizureItem\.unit is not a DecimalField"):
        model_field(SeizureItem, "unit", models.DecimalField)


def test_a_relation_seen_from_the_other_side_is_not_a_field_of_its_own():
    with pytest.raises(TypeError, match=r"Seizure\.items is not a Field"):
        model_field(Seizure, "items")
