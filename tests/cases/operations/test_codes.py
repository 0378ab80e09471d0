"""Operation codes: JO-<year>-<nnn>, never the same twice."""

from __future__ import annotations

import re

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from cases.operations.models import JointOperation, Participation
from tests.cases.operations.conftest import make_operation


def test_codes_follow_the_pattern_and_count_up(park, niran):
    first = make_operation(park)
    second = make_operation(niran, name="Second")
    year = timezone.now().year
    assert re.fullmatch(rf"JO-{year}-\d{{3}}", first.code)
    assert int(second.code.rsplit("-", 1)[1]) == int(first.code.rsplit("-", 1)[1]) + 1


def test_many_operations_get_distinct_codes(park):
    codes = {make_operation(park, name=f"Op {i}").code for i in range(12)}
    assert len(codes) == 12


def test_the_database_refuses_a_duplicate_code(park):
    op = make_operation(park)
    clone = JointOperation(
        code=op.code, name="Clone", starts_on=op.starts_on, ends_on=op.ends_on, lead_agency=op.lead_agency
    )
    with transaction.atomic(), pytest.raises(IntegrityError):
        clone.save()


def test_the_lead_agency_takes_part_as_accepted_lead(park):
    op = make_operation(park)
    lead = Participation.objects.get(operation=op)
    assert (lead.agency_id, lead.role, lead.status) == (park.agency_id, "lead", "accepted")
