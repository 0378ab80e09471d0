"""The seizure summary: exact after every write, and the figures read from it equal the live ones."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from cases.matching.models import Match
from cases.matching.services import access_request_create, access_request_grant
from cases.operations.services import operation_link_seizure
from cases.seizures.models import SeizureStat
from cases.seizures.services import seizure_create, seizure_delete, seizure_submit, seizure_update, seizure_verify
from cases.seizures.summary import computed_tables, stats_apply, stats_rebuild, stored_tables
from cases.stats.selectors import dashboard, origin_share, seizure_stats
from cases.stats.totals import seizure_totals
from tests.cases.seizures.conftest import make_operation

pytestmark = pytest.mark.django_db


def assert_summary_exact() -> None:
    """Every summary table equals the ORM's computation and PostgreSQL's INSERT ... SELECT rebuild."""
    stored = stored_tables()
    assert stored == computed_tables()
    stats_rebuild()
    assert stored_tables() == stored


def data(**overrides) -> dict:
    payload = {
        "occurred_at": timezone.now() - dt.timedelta(days=3),
        "transport_mode": "sea_container",
        "detection_method": "xray",
        "origin_country": "MM",
        "transit_countries": ["TH"],
        "destination_country": "KR",
        "sharing": "members",
        "items": [
            {"drug": "methamphetamine", "quantity": "12.5", "unit": "kg"},
            {"drug": "methamphetamine", "quantity": "500", "unit": "g"},
            {"drug": "heroin", "quantity": "2", "unit": "kg"},
        ],
    }
    payload.update(overrides)
    return payload


# --- the summary follows every write --------------------------------------------------------


def test_create_adds_one_all_drugs_row_and_one_row_per_drug(somchai):
    seizure_create(by=somchai, data=data())

    rows = {row.drug: row for row in SeizureStat.objects.all()}
    assert set(rows) == {"", "methamphetamine", "heroin"}
    assert (rows[""].seizures, rows[""].weight_kg) == (1, Decimal("15.000"))
    assert (rows["methamphetamine"].seizures, rows["methamphetamine"].weight_kg) == (1, Decimal("13.000"))
    assert rows["heroin"].transit == "TH"
    assert_summary_exact()


def test_update_submit_verify_and_amend_keep_the_summary_exact(somchai, niran):
    seizure = seizure_create(by=somchai, data=data())
    seizure_update(
        seizure=seizure,
        by=somchai,
        data={
            "occurred_at": timezone.now() - dt.timedelta(days=70),
            "origin_country": "LA",
            "transit_countries": ["TH", "MY"],
            "transport_mode": "air_cargo",
            "items": [{"drug": "ketamine", "quantity": "4", "unit": "kg"}],
        },
    )
    assert_summary_exact()
    seizure_submit(seizure=seizure, by=somchai)
    assert_summary_exact()
    seizure_verify(seizure=seizure, by=niran)
    assert_summary_exact()
    seizure_update(
        seizure=seizure,
        by=niran,
        data={"items": [{"drug": "cannabis", "quantity": "900", "unit": "g"}], "sharing": "agency"},
        amendment_reason="Lab result",
    )
    assert_summary_exact()
    assert set(SeizureStat.objects.values_list("drug", "status", "sharing")) == {
        ("", "verified", "agency"),
        ("cannabis", "verified", "agency"),
    }


def test_deleting_a_draft_removes_its_rows(somchai):
    keep = seizure_create(by=somchai, data=data(items=[{"drug": "heroin", "quantity": "1", "unit": "kg"}]))
    gone = seizure_create(by=somchai, data=data())
    seizure_delete(seizure=gone, by=somchai)

    assert set(SeizureStat.objects.values_list("drug", flat=True)) == {"", "heroin"}
    assert SeizureStat.objects.get(drug="").seizures == 1
    assert keep.pk
    assert_summary_exact()


def test_sharing_shared_with_operation_link_and_access_grant_keep_it_exact(somchai, kim, park):
    operation = make_operation(lead="TCD", accepted=("KCS",))
    seizure = seizure_submit(seizure=seizure_create(by=somchai, data=data()), by=somchai)
    seizure_update(seizure=seizure, by=somchai, data={"sharing": "agency", "shared_with": ["KCS"]})
    assert_summary_exact()
    seizure_update(seizure=seizure, by=somchai, data={"sharing": "operation", "operation": operation.pk})
    assert_summary_exact()
    other = seizure_submit(seizure=seizure_create(by=somchai, data=data(sharing="agency")), by=somchai)
    operation_link_seizure(operation=operation, seizure=other, by=somchai)
    assert_summary_exact()

    # A blind match, an access request and its grant (shared_with grows; the key stays).
    hidden = seizure_create(
        by=somchai, data=data(sharing="agency", identifiers=[{"kind": "container", "value": "CSQU 305438-3"}])
    )
    seizure_submit(seizure=hidden, by=somchai)
    seizure_submit(
        seizure=seizure_create(by=kim, data=data(identifiers=[{"kind": "container", "value": "csqu3054383"}])),
        by=kim,
    )
    match = Match.objects.get()
    access_request_grant(access_request=access_request_create(match=match, by=kim), by=somchai)
    assert_summary_exact()


def test_taking_away_a_contribution_never_added_fails_loudly(somchai):
    from django.db import IntegrityError, transaction

    seizure = seizure_create(by=somchai, data=data())
    stats_apply(seizure, -1)
    with pytest.raises(IntegrityError), transaction.atomic():
        stats_apply(seizure, -1)


def test_generate_seizures_and_the_rebuild_command_agree(kim, somchai, maria):
    make_operation(lead="TCD", accepted=("KCS",))
    call_command("generate_seizures", count=300, batch=70, years=2, seed=7, stdout=None)
    assert SeizureStat.objects.filter(drug="").aggregate(n=Sum("seizures"))["n"] == 300
    assert_summary_exact()
    call_command("rebuild_seizure_stats", check=True)


# --- the summary's figures equal the live figures -------------------------------------------


@pytest.fixture
def arranged(kim, park, somchai, niran, maria):
    """Bulk seizures over two years, plus every way another agency's seizure becomes visible."""
    operation = make_operation(lead="TCD", accepted=("KCS",))
    other_operation = make_operation(lead="TCD", accepted=("BOC",))
    call_command("generate_seizures", count=400, batch=200, years=2, seed=11, stdout=None)
    seoul_new_year = dt.datetime(2025, 12, 31, 16, tzinfo=dt.UTC)  # 2026-01-01 01:00 in Seoul
    month_edge = dt.datetime(2025, 10, 31, 20, tzinfo=dt.UTC)  # November already in Seoul
    for when, extra in (
        (month_edge, {"sharing": "agency", "shared_with": ["KCS"]}),
        (seoul_new_year, {"sharing": "operation", "operation": operation.pk}),
        (month_edge, {"sharing": "operation", "operation": other_operation.pk}),
        (dt.datetime(2025, 10, 25, 20, tzinfo=dt.UTC), {"origin_country": "TL", "transit_countries": []}),
        (dt.datetime(2025, 10, 26, 1, tzinfo=dt.UTC), {"origin_country": "TL", "transit_countries": []}),
        (dt.datetime(2025, 11, 1, 2, tzinfo=dt.UTC), {"sharing": "agency"}),
    ):
        seizure = seizure_create(by=somchai, data=data(occurred_at=when, country="KR", **extra))
        seizure_submit(seizure=seizure, by=somchai)
    seizure_create(by=somchai, data=data(occurred_at=month_edge))  # a draft: TCD's own only
    seizure = seizure_create(by=kim, data=data(occurred_at=seoul_new_year, sharing="agency"))
    seizure_submit(seizure=seizure, by=kim)
    return {"operation": operation}


ZONES = ("UTC", "Asia/Seoul", "Asia/Yangon", "America/New_York")
PERSONAS = ("kim", "somchai", "maria")  # own + by shared_with + by operation; owner; outsider


@pytest.mark.parametrize("zone", ZONES)
def test_dashboard_from_the_summary_equals_the_live_dashboard(arranged, request, zone):
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        for persona in PERSONAS:
            user = request.getfixturevalue(persona)
            for filters in (
                {},
                {"drug": "heroin"},
                {"date_from": dt.date(2025, 10, 15), "date_to": dt.date(2026, 1, 5)},
                {"date_from": dt.date(2025, 1, 1), "date_to": dt.date(2025, 12, 31), "drug": "methamphetamine"},
            ):
                summary = dashboard(user=user, source="summary", **filters)
                assert summary == dashboard(user=user, source="live", **filters), (persona, filters)


def test_both_forms_of_what_is_seen_beyond_the_summary_are_the_rule_of_visible_to(arranged, request):
    from cases.seizures.models import Seizure
    from cases.seizures.visibility import beyond_summary, in_summary

    def ids(queryset) -> set[int]:
        return set(queryset.values_list("pk", flat=True))

    seen = {}
    for persona in (*PERSONAS, "park", "niran"):
        agency_id = request.getfixturevalue(persona).agency_id
        expected = ids(Seizure.objects.visible_to_agency(agency_id).exclude(in_summary(agency_id)))
        for with_items in (False, True):
            beyond = Seizure.objects.filter(beyond_summary(Seizure, agency_id, with_items=with_items))
            assert ids(beyond) == expected, (persona, with_items)
        seen[persona] = len(expected)
    # Not vacuous: each agency sees some (by name, and KCS and BOC through their operations).
    assert all(seen.values()), seen


def test_partners_see_more_through_shared_with_and_operations_than_outsiders(arranged, kim, maria):
    def december_2025(user) -> int:
        cells = seizure_totals(user=user, by=("month",), filters={"country": "KR", "agency": "TCD"})
        return sum(cell[0] for (month,), cell in cells.items() if month == dt.date(2025, 12, 1))

    with timezone.override(dt.UTC):
        # The operation-shared seizure of 2025-12-31 16:00 UTC is KCS's to see, not BOC's.
        assert december_2025(kim) == december_2025(maria) + 1


@pytest.mark.parametrize("zone", ("UTC", "Asia/Seoul", "America/New_York"))
@pytest.mark.parametrize(
    "group_by",
    ["drug", "agency", "country", "origin_country", "destination_country", "transport_mode", "month", "year"],
)
def test_statistics_from_the_summary_equal_the_live_statistics(arranged, request, zone, group_by):
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        for persona in PERSONAS:
            user = request.getfixturevalue(persona)
            for filters in (
                {},
                {"drug": "methamphetamine", "country": "KR"},
                {"agency": "tcd", "status": "submitted", "transport_mode": "sea_container"},
                {"origin_country": "MM", "destination_country": "KR"},
                {
                    "occurred_after": dt.datetime(2025, 10, 31, 18, tzinfo=dt.UTC),
                    "occurred_before": dt.date(2025, 12, 31),
                },
            ):
                summary = seizure_stats(user=user, group_by=group_by, filters=filters, source="summary")
                live = seizure_stats(user=user, group_by=group_by, filters=filters, source="live")
                assert summary == live, (persona, filters)


@pytest.mark.parametrize("zone", ("UTC", "Asia/Seoul", "Pacific/Honolulu"))
@pytest.mark.parametrize("country", ["KR", "TH"])
def test_origin_share_from_the_summary_equals_the_live_share(arranged, request, zone, country):
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        for persona in PERSONAS:
            user = request.getfixturevalue(persona)
            summary = origin_share(user=user, country=country, region="ASEAN", source="summary")
            assert summary == origin_share(user=user, country=country, region="ASEAN", source="live")
            assert summary, "the arranged data has seizures in both countries"


def test_filters_the_summary_cannot_answer_are_answered_live(arranged, kim):
    rows = seizure_stats(user=kim, group_by="drug", filters={"transit_country": "TH"})
    assert rows == seizure_stats(user=kim, group_by="drug", filters={"transit_country": "TH"}, source="live")
    with pytest.raises(ValueError):
        seizure_totals(user=kim, by=("country",), filters={"q": "pier"}, source="summary")
