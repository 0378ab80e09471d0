"""API fuzzing: schemathesis over the whole OpenAPI schema that /api/schema/ serves.

Each operation gets a bounded, deterministic set of generated requests (derandomized, so a
failure reproduces), each sent as an officer, a coordinator and an agency admin (knox tokens)
and once without any credentials. Asserted for every answer:
- never a 5xx;
- the status code is one the schema documents, the content type and the body match it;
- without a token nothing is accepted: 401 or 403 (except the sign-in endpoint itself).

Sign-out is left out of the authenticated runs, or it would end the tokens the run uses.
"""

from __future__ import annotations

import datetime as dt

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.urls import Resolver404, resolve
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from tests.factories import SeizureFactory, agency

MAX_EXAMPLES = 12
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Found by this run in modules still being written, reported to the lead: the response body
# is not checked against the schema there until they are fixed (every other check still runs).
KNOWN_SCHEMA_BUGS: dict[tuple[str, str], str] = {}
# Operations that take no credentials by design.
PUBLIC_OPERATIONS = {"/api/v1/auth/login/"}
# Operations that end the caller's own token: fuzzing them would sign the run out.
SIGN_OUT_OPERATIONS = {"/api/v1/auth/logout/"}


def _schema_dict() -> dict:
    # What /api/schema/ serves (SpectacularAPIView uses the same generator and settings).
    return SchemaGenerator().get_schema(request=None, public=True)


schema = schemathesis.openapi.from_dict(_schema_dict())
schema.app = get_wsgi_application()
# The coverage phase (hundreds of boundary cases per operation) would take this run far past
# its 3-minute budget; the bounded fuzzing phase and the schema's own examples run instead.
schema.config.phases.coverage.enabled = False


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Requests go through the real WSGI handler, which closes the database connection when a
    request ends; the test's transaction must survive them, as Django's own test client does."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(db, kim, park, lee):
    """Tokens of a KCS officer, coordinator and agency admin, and a few objects for ids to hit."""
    SeizureFactory(agency=agency("KCS"), sharing="members", status="submitted")
    SeizureFactory(agency=agency("KCS"), status="draft", occurred_at=timezone.now() - dt.timedelta(days=3))
    SeizureFactory(agency=agency("TCD"), sharing="members", status="submitted")
    return {user.role: AuthToken.objects.create(user)[1] for user in (kim, park, lee)}


def _routable(path: str) -> bool:
    try:
        resolve(path.split("?")[0])
    except Resolver404:
        return False
    return True


@pytest.mark.django_db
@schema.exclude(path_regex="|".join(SIGN_OUT_OPERATIONS)).parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_and_never_fails_for_each_role(case, tokens):
    checks = CHECKS
    if (case.method.upper(), case.path) in KNOWN_SCHEMA_BUGS:
        checks = [check for check in CHECKS if check is not response_schema_conformance]
    for role, token in tokens.items():
        response = case.call(headers={"Authorization": f"Token {token}"})
        try:
            case.validate_response(response, checks=checks)
        except Exception as exc:
            exc.add_note(f"as {role}")
            raise


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES // 2,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_accepts_nothing_without_credentials(case):
    if case.path in PUBLIC_OPERATIONS:
        return
    response = case.call()
    case.validate_response(response, checks=[not_a_server_error])
    path = response.request.url.split("://", 1)[-1].partition("/")[2]
    if not _routable("/" + path) or "format" in (case.query or {}):
        # DRF picks the renderer (`?format=`) before it authenticates: an unknown format is a
        # 404 for anyone, which reveals nothing. And a generated id that no route takes
        # (text where the route wants a number) never reaches a view.
        assert response.status_code in (401, 403, 404)
        return
    assert response.status_code in (401, 403), f"{case.method} {case.path} answered {response.status_code}"
    if response.status_code == 401:
        headers = {name.lower(): value for name, value in response.headers.items()}
        assert "Token" in str(headers.get("www-authenticate"))
