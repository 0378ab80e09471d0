"""Every form of the visibility rule sees exactly what `Seizure.objects.visible_to` sees.

Random agencies, joint operations with participations in every state, seizures of every
status and sharing level, named in random shared_with sets; for each reader agency each form
(the rule written out here from DESIGN.md, the paged list, the summary's split, the dashboard
read from the summary and live, the public rollup key rule, the detail lookup and the
operation link) is compared on the data in PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.choices import (
    DetectionMethod,
    OperationStatus,
    ParticipantRole,
    ParticipantStatus,
    SeizureStatus,
    Sharing,
    TransportMode,
)
from cases.operations.models import JointOperation, Participation
from cases.seizures import visibility
from cases.seizures.models import PublicModeStat, Seizure
from cases.seizures.selectors import get_seizure_for, seizure_list
from cases.seizures.summary import stats_rebuild
from cases.stats.totals import seizure_totals
from members.models import Role
from tests.factories import UserFactory, agency

# The readers; the last one is never named, never invited, owns nothing: it sees the public only.
CODES = ("KCS", "TCD", "BOC", "GDVC")
READERS = CODES[:-1]
_counter = itertools.count()

operations = st.lists(
    # Per reader: no participation, or one in a state; the first participant leads.
    st.tuples(*(st.sampled_from([None, *ParticipantStatus.values]) for _ in READERS)),
    max_size=3,
)


@st.composite
def seizures(draw, n_operations: int) -> dict:
    return {
        "owner": draw(st.sampled_from(CODES)),
        "status": draw(st.sampled_from(SeizureStatus.values)),
        "sharing": draw(st.sampled_from(Sharing.values)),
        "operation": draw(st.none() | st.integers(0, n_operations - 1)) if n_operations else None,
        "shared_with": draw(st.sets(st.sampled_from(READERS))),
    }


@st.composite
def worlds(draw) -> tuple[list, list]:
    ops = draw(operations)
    return ops, draw(st.lists(seizures(len(ops)), min_size=1, max_size=10))


def _arrange(ops: list, specs: list) -> tuple[list[JointOperation], list[Seizure]]:
    today = timezone.now().date()
    made = []
    for states in ops:
        operation = JointOperation.objects.create(
            code=f"JO-PROP-{next(_counter):05d}",
            name="Property",
            lead_agency=agency(READERS[0]),
            starts_on=today - dt.timedelta(days=30),
            ends_on=today + dt.timedelta(days=30),
            status=OperationStatus.ACTIVE,
        )
        led = False
        for code, state in zip(READERS, states, strict=True):
            if state is not None:
                Participation.objects.create(
                    operation=operation,
                    agency=agency(code),
                    role=ParticipantRole.PARTICIPANT if led else ParticipantRole.LEAD,
                    status=state,
                )
                led = True
        made.append(operation)
    rows = []
    for index, spec in enumerate(specs):
        owner = agency(spec["owner"])
        seizure = Seizure.objects.create(
            reference=f"PROP-{next(_counter):06d}",
            agency=owner,
            status=spec["status"],
            sharing=spec["sharing"],
            operation=made[spec["operation"]] if spec["operation"] is not None else None,
            occurred_at=timezone.now() - dt.timedelta(days=index + 1),
            country=owner.country,
            transport_mode=TransportMode.AIR_CARGO,
            detection_method=DetectionMethod.XRAY,
        )
        seizure.shared_with.set([agency(code) for code in spec["shared_with"]])
        rows.append(seizure)
    # The summary tables, as the services would have kept them.
    stats_rebuild()
    return made, rows


def _accepted(code: str, seizure: Seizure) -> bool:
    return (
        seizure.operation_id is not None
        and Participation.objects.filter(
            operation_id=seizure.operation_id, agency__code=code, status=ParticipantStatus.ACCEPTED
        ).exists()
    )


def _by_design(code: str, seizure: Seizure, shared_with: set[str]) -> bool:
    """DESIGN.md, "Roles and visibility", read literally."""
    if seizure.agency.code == code:
        return True
    if seizure.status not in (SeizureStatus.SUBMITTED, SeizureStatus.VERIFIED):
        return False
    if seizure.sharing == Sharing.MEMBERS or code in shared_with:
        return True
    return seizure.sharing == Sharing.OPERATION and _accepted(code, seizure)


def _ids(queryset) -> set[int]:
    return set(queryset.values_list("pk", flat=True))


def _counted(cells: dict) -> int:
    return sum(cell[0] for cell in cells.values())


@pytest.fixture
def readers(db) -> dict:
    return {code: UserFactory(agency=agency(code), role=Role.OFFICER) for code in CODES}


@settings(
    max_examples=30,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(world=worlds())
def test_every_form_of_the_rule_sees_what_visible_to_sees(readers, world):
    with transaction.atomic():
        made, rows = _arrange(*world)
        specs = world[1]
        for code, user in readers.items():
            agency_id = user.agency_id
            seen = _ids(Seizure.objects.visible_to(user))
            expected = {s.pk for s, spec in zip(rows, specs, strict=True) if _by_design(code, s, spec["shared_with"])}
            assert seen == expected, code

            # The list's paged form, alone and through the list selector.
            assert _ids(Seizure.objects.visible_to(user, paged=True)) == seen, code
            assert _ids(seizure_list(user=user, paged=True, details=False)) == seen, code

            # The summary's split: in the summary, or beyond it, never both.
            in_summary = _ids(Seizure.objects.filter(visibility.in_summary(agency_id)))
            for with_items in (False, True):
                beyond = _ids(
                    Seizure.objects.filter(visibility.beyond_summary(Seizure, agency_id, with_items=with_items))
                )
                assert in_summary | beyond == seen, (code, with_items)
                assert not in_summary & beyond, (code, with_items)

            # The dashboard: from the public rollup (by agency), from SeizureStat (by status), live.
            for by in (("agency_id",), ("status",)):
                for source in ("summary", "live"):
                    assert _counted(seizure_totals(user=user, by=by, source=source)) == len(seen), (code, by, source)

            # The detail lookup: 404 for the invisible.
            for seizure in rows:
                try:
                    found = get_seizure_for(user, seizure.pk, details=False).pk
                except Http404:
                    found = None
                assert (found == seizure.pk) == (seizure.pk in seen), (code, seizure.pk)

            # The operation link: learnt by the owner and by an agency that accepted it.
            for seizure in rows:
                shown = visibility.operation_shown_to(user, seizure)
                assert shown == (
                    seizure.operation_id is not None and (seizure.agency_id == agency_id or _accepted(code, seizure))
                ), (code, seizure.pk)
            for operation in made:
                linked = _ids(seizure_list(user=user, filters={"operation": operation.pk}, details=False))
                assert linked == {
                    s.pk
                    for s in rows
                    if s.pk in seen and s.operation_id == operation.pk and visibility.operation_shown_to(user, s)
                }, (code, operation.code)

        # The public key rule: a seizure is counted in the rollups exactly when the outsider,
        # who has no other way to see it, sees it.
        outsider = _ids(Seizure.objects.visible_to(readers[CODES[-1]]))
        for seizure in rows:
            if seizure.agency.code != CODES[-1]:
                assert visibility.is_public(seizure.status, seizure.sharing) == (seizure.pk in outsider), seizure.pk
        rolled_up = sum(PublicModeStat.objects.filter(drug="").values_list("seizures", flat=True))
        assert rolled_up == sum(visibility.is_public(s.status, s.sharing) for s in rows)
        transaction.set_rollback(True)
