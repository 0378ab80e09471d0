"""List endpoints answer in a fixed number of queries, whatever the page size."""

from __future__ import annotations

import pytest

from cases.operations import services
from tests.cases.operations.conftest import make_operation
from tests.factories import agency


@pytest.fixture
def many_operations(park, niran):
    for i in range(6):
        op = make_operation(park, name=f"Op {i}")
        services.operation_invite(operation=op, agencies=[agency("TCD"), agency("SC")], role="participant", by=park)
        services.operation_respond(operation=op, accept=True, by=niran)


@pytest.mark.parametrize("page_size", [2, 6])
def test_operation_list_queries(api_as, park, many_operations, page_size, django_assert_num_queries):
    client = api_as(park)
    # 1 the page of visible operations with their lead agency; 2 their participants with agencies.
    with django_assert_num_queries(2):
        response = client.get(f"/api/v1/operations/?page_size={page_size}")
    assert len(response.json()["results"]) == page_size


@pytest.fixture
def busy_operation(operation, park, niran):
    for i in range(6):
        services.assignment_create(operation=operation, agency=agency("TCD"), title=f"Task {i}", by=park)
        services.message_post(operation=operation, body=f"Message {i}", by=niran if i % 2 else park)
    return operation


@pytest.mark.parametrize("page_size", [2, 6])
def test_assignment_list_queries(api_as, park, busy_operation, page_size, django_assert_num_queries):
    client = api_as(park)
    # 1 the operation; 2 its participants (access check); 3 the page with agency, assignee, creator.
    with django_assert_num_queries(3):
        response = client.get(f"/api/v1/operations/{busy_operation.pk}/assignments/?page_size={page_size}")
    assert len(response.json()["results"]) == page_size


@pytest.mark.parametrize("page_size", [2, 6])
def test_message_list_queries(api_as, park, busy_operation, page_size, django_assert_num_queries):
    client = api_as(park)
    # 1 the operation; 2 its participants (access check); 3 the page with author and agency.
    with django_assert_num_queries(3):
        response = client.get(f"/api/v1/operations/{busy_operation.pk}/messages/?page_size={page_size}")
    assert len(response.json()["results"]) == page_size


def test_operation_list_paginates_with_a_cursor(api_as, park, many_operations):
    client = api_as(park)
    first = client.get("/api/v1/operations/?page_size=4").json()
    assert first["next"] and first["previous"] is None
    second = client.get(first["next"]).json()
    codes = [r["code"] for r in first["results"] + second["results"]]
    assert len(codes) == len(set(codes)) == 6
