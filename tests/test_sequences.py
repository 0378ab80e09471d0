"""crackdown.sequences.next_value: numbers one at a time or as a reserved block, never twice."""

from __future__ import annotations

import pytest
from django.db import transaction

from crackdown.sequences import next_value

pytestmark = pytest.mark.django_db


def test_a_block_is_reserved_and_the_next_number_follows_it():
    with transaction.atomic():
        assert next_value("test:block") == 1
        assert next_value("test:block", count=5) == 2  # 2..6 are the caller's
        assert next_value("test:block") == 7


def test_a_rollback_gives_the_block_back():
    with pytest.raises(RuntimeError), transaction.atomic():
        next_value("test:rollback", count=10)
        raise RuntimeError("abort")
    with transaction.atomic():
        assert next_value("test:rollback") == 1


def test_an_empty_block_is_refused():
    with pytest.raises(ValueError), transaction.atomic():
        next_value("test:empty", count=0)
