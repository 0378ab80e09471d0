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
        "concealment": SeizureFactory(agency=kcs, location="Cat Lai Port", concealment="Frozen fish cargo"),
        "notes": SeizureFactory(agency=kcs, notes="Courier paid 100% in advance"),
        "item": SeizureFactory(agency=kcs),
        "external_reference": SeizureFactory(agency=kcs, external_reference="NCIS/2021/00417"),
        "private": SeizureFactory(agency=agency("TCD"), sharing="agency", location="Busan New Port"),
    }
    SeizureItem.objects.filter(seizure=made["item"]).update(description="Yaba tablets, red_line stamp")
    return made


def _use(strategy: str, monkeypatch) -> None:
    """A rare term's matches are read by key; a common one's ids are tested while the list walks
    its order; a very common one is tested row by row: each must find the same seizures."""
    if strategy == "walking the list":
        monkeypatch.setattr(selectors, "TEXT_MATCHES_BY_ID", 0)
    elif strategy == "ids tested while walking the list":
        monkeypatch.setattr(selectors, "TEXT_MATCHES_BY_KEY", 0)


def _found(user, text: str) -> set[int]:
    return set(selectors.text_search(Seizure.objects.visible_to(user), text).values_list("pk", flat=True))


@pytest.mark.parametrize("strategy", ["by id", "ids tested while walking the list", "walking the list"])
@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("kcs-2019-000123", "reference"),
        ("busan new", "location"),
        ("FROZEN", "concealment"),
        ("100%", "notes"),
        ("red_line", "item"),
        ("ncis/2021/00417", "external_reference"),
        ("2021/004", "external_reference"),
    ],
)
def test_each_field_is_searched_case_insensitively(kim, seizures, monkeypatch, strategy, text, field):
    _use(strategy, monkeypatch)
    assert _found(kim, text) == {seizures[field].pk}


@pytest.mark.parametrize("strategy", ["by id", "ids tested while walking the list", "walking the list"])
def test_wildcards_are_literal_and_invisible_seizures_stay_hidden(kim, seizures, monkeypatch, strategy):
    _use(strategy, monkeypatch)
    assert _found(kim, "%") == {seizures["notes"].pk}
    assert _found(kim, "d_l") == {seizures["item"].pk}
    assert _found(kim, "redXline") == set()
    assert _found(kim, "busan") == {seizures["location"].pk}
    # Fields are searched one by one: a term never spans the end of one and the start of the next.
    assert _found(kim, "port" + chr(31) + "frozen") == set()
    assert _found(kim, "port frozen") == set()


def test_non_ascii_terms_match_whatever_their_case(kim, seizures):
    seizure = SeizureFactory(agency=agency("KCS"), location="Cảng Cát Lái")
    assert _found(kim, "cảng cát") == {seizure.pk}
    assert _found(kim, "CẢNG CÁT") == {seizure.pk}


def test_the_search_reads_the_trigram_index(kim, seizures, django_assert_max_num_queries):
    """The expression in the selectors is the one migration 0003 indexed (else: a scan at scale)."""
    from django.db import connection

    sql, params = (
        Seizure.objects.filter(selectors.text_search_condition("harbour"))
        .order_by()
        .values("pk")
        .query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "seizure_text_trgm" in plan


def test_the_external_reference_search_matches_its_partial_index(kim, seizures):
    """Imported seizures are found by their national number through migration 0013's index: the
    condition is the indexed expression under the index's predicate (on a small table the planner
    may still prefer another index; at scale the bench's plans show it used)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'seizure_external_reference_trgm'")
        (definition,) = cursor.fetchone()
    assert "gin (upper((external_reference)::text) gin_trgm_ops)" in definition
    assert "WHERE ((external_reference)::text <> ''::text)" in definition
    sql, _params = Seizure.objects.filter(selectors.external_reference_condition("x")).query.sql_with_params()
    assert """"external_reference" <> '' AND upper("seizures_seizure"."external_reference") LIKE""" in sql


@pytest.fixture
def identified():
    from cases.seizures.models import SeizureIdentifier
    from cases.seizures.validators import normalize_identifier

    kcs = agency("KCS")
    made = {}
    for name, kind, value in (
        ("container", "container", "CSQU3054383"),
        ("vessel", "vessel_imo", "IMO 9074729"),
        ("company", "company", "Golden Lotus Trading Co., Ltd."),
        ("other", "container", "MSKU6043216"),
    ):
        seizure = made[name] = SeizureFactory(agency=kcs)
        SeizureIdentifier.objects.create(
            seizure=seizure, kind=kind, value=value, normalized=normalize_identifier(kind, value)
        )
    return made


@pytest.mark.parametrize("strategy", ["by id", "ids tested while walking the list", "walking the list"])
@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("CSQU3054383", "container"),
        ("csqu 305438-3", "container"),
        ("IMO 9074729", "vessel"),
        ("9074729", "vessel"),
        ("GOLDEN LOTUS", "company"),
        ("golden lotus trading", "company"),
    ],
)
def test_identifiers_are_found_as_typed(kim, identified, monkeypatch, strategy, text, name):
    _use(strategy, monkeypatch)
    assert _found(kim, text) == {identified[name].pk}


def test_the_list_counts_matches_up_to_its_limit(kim, identified):
    visible = Seizure.objects.visible_to(kim)
    assert selectors.count_up_to(visible, limit=10) == (4, True)
    assert selectors.count_up_to(visible, limit=3) == (3, False)


def test_the_identifier_dictionary_follows_inserts_and_updates():
    """The trigger of migration 0014 files every normalised value once, from bulk inserts too."""
    from cases.seizures.models import IdentifierValue, SeizureIdentifier

    seizure = SeizureFactory(agency=agency("KCS"))
    SeizureIdentifier.objects.bulk_create(
        SeizureIdentifier(seizure=seizure, kind="company", value=name, normalized=name.upper())
        for name in ("Siam Star Export", "Siam Star Export", "Mekong Pearl Co")
    )
    SeizureIdentifier.objects.filter(normalized="MEKONG PEARL CO").update(normalized="MEKONG PEARL COMPANY")
    values = set(IdentifierValue.objects.values_list("normalized", flat=True))
    assert {"SIAM STAR EXPORT", "MEKONG PEARL CO", "MEKONG PEARL COMPANY"} <= values
