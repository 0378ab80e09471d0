"""Every refused access is logged on "crackdown.security", without secrets or query strings."""

from __future__ import annotations

import logging

import pytest

from tests.factories import SeizureFactory, agency

pytestmark = pytest.mark.django_db

LOGGER = "crackdown.security"


def _refusals(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER and "access refused" in r.getMessage()]


def test_forbidden_page_is_logged_without_the_query_string(client_as, kim, caplog):
    client = client_as(kim)
    with caplog.at_level(logging.INFO, logger=LOGGER):
        response = client.get("/accounts/agency/audit/?token=s3cr3t-value")
    assert response.status_code == 403
    [line] = _refusals(caplog)
    assert "status=403" in line
    assert "path=/accounts/agency/audit/" in line
    assert f"user={kim.pk}" in line
    assert "s3cr3t" not in line


def test_invisible_seizure_page_is_logged_as_404(client_as, maria, caplog):
    draft = SeizureFactory(agency=agency("KCS"), status="draft")
    client = client_as(maria)
    with caplog.at_level(logging.INFO, logger=LOGGER):
        response = client.get(f"/seizures/{draft.pk}/")
    assert response.status_code == 404
    [line] = _refusals(caplog)
    assert "status=404" in line and f"path=/seizures/{draft.pk}/" in line and f"user={maria.pk}" in line


def test_unknown_url_is_not_logged_as_a_refusal(client_as, kim, caplog):
    client = client_as(kim)
    with caplog.at_level(logging.INFO, logger=LOGGER):
        assert client.get("/no-such-page/").status_code == 404
    assert _refusals(caplog) == []


def test_api_refusal_is_logged_without_the_token(kim, caplog):
    from knox.models import AuthToken
    from rest_framework.test import APIClient

    _instance, token = AuthToken.objects.create(kim)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    with caplog.at_level(logging.INFO, logger=LOGGER):
        assert client.get("/api/v1/users/").status_code == 403
        assert APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION="Token not-a-real-token").status_code == 401
    lines = _refusals(caplog)
    assert [("status=403" in lines[0]), ("status=401" in lines[1])] == [True, True]
    assert not any(token in line or "not-a-real-token" in line for line in lines)


def test_a_refusal_is_one_line_without_a_traceback(client_as, kim, caplog):
    client = client_as(kim)
    with caplog.at_level(logging.INFO):
        assert client.get("/accounts/agency/audit/").status_code == 403
    request_records = [r for r in caplog.records if r.name.startswith("django.request")]
    assert request_records == []  # crackdown.security's line says it all
    assert len(_refusals(caplog)) == 1
    assert all(r.exc_info is None for r in caplog.records)


def test_a_client_error_keeps_its_line_but_not_the_traceback():
    from crackdown.logfilters import ClientErrorsWithoutTraceback

    try:
        raise ValueError("refused on purpose")
    except ValueError:
        import sys

        exc_info = sys.exc_info()
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Bad Request: /x", (), exc_info)
    record.status_code = 400
    assert ClientErrorsWithoutTraceback().filter(record) is True
    assert record.exc_info is None
    server_error = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "boom", (), exc_info)
    server_error.status_code = 500
    assert ClientErrorsWithoutTraceback().filter(server_error) is True
    assert server_error.exc_info is not None
