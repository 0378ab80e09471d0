"""Schemathesis over the seizure endpoints: no 5xx for any input, responses match our schema."""

from __future__ import annotations

import contextlib

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from knox.models import AuthToken
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.cases.seizures.conftest import seizure_payload

# Authentication is fixed (a real token), so the auth-probing checks do not apply here.
CHECKS = [status_code_conformance, content_type_conformance, response_schema_conformance]

pytestmark = pytest.mark.django_db


def _operations():
    generated = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(generated).include(path_regex=r"^/api/v1/seizures")
    schema.app = get_wsgi_application()
    return [result.ok() for result in schema.get_all_operations()]


@contextlib.contextmanager
def keep_test_connection():
    """The raw WSGI app closes "old" connections per request; Django's test client would not.

    Inside the test transaction that would close the connection, so unhook it meanwhile (after
    any test-client call: the test client hooks it back when it finishes a request).
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_seizure_api_never_fails_and_matches_its_schema(kim, somchai, api_as):
    # A few seizures for the generated ids to land on: own draft, own submitted, a partner's.
    api_as(kim).post("/api/v1/seizures/", seizure_payload(), format="json")
    pk = api_as(kim).post("/api/v1/seizures/", seizure_payload(), format="json").json()["id"]
    api_as(kim).post(f"/api/v1/seizures/{pk}/submit/")
    api_as(somchai).post("/api/v1/seizures/", seizure_payload(), format="json")
    headers = {"Authorization": f"Token {AuthToken.objects.create(kim)[1]}"}
    operations = _operations()
    assert len(operations) >= 8  # list, create, retrieve, patch, delete, submit, verify, history, export

    with keep_test_connection():
        for operation in operations:
            _fuzz(operation, headers)


def _fuzz(operation, headers: dict) -> None:
    @given(case=operation.as_strategy())
    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case):
        response = case.call(headers=headers)
        assert response.status_code < 500, (operation.label, response.text[:500])
        case.validate_response(response, checks=CHECKS)

    check()
