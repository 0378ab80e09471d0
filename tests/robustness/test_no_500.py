"""No input makes a 500, and every /api/ error is JSON, with DEBUG on or off."""

from __future__ import annotations

import base64

import pytest
from rest_framework.test import APIClient

DEEP = "[" * 5000 + "]" * 5000


@pytest.fixture(params=[False, True], ids=["production", "debug"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


def _client(user=None) -> APIClient:
    client = APIClient()
    client.raise_request_exception = False
    if user is not None:
        client.force_authenticate(user)
    return client


def _json_error(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body
    return body


def test_deeply_nested_json_on_the_unauthenticated_login_is_a_400(db, debug):
    response = _client().post("/api/v1/auth/login/", data=DEEP, content_type="application/json")
    assert "nested" in _json_error(response, 400)["detail"]


def test_deeply_nested_json_on_a_write_is_a_400(debug, kim):
    body = '{"title": "x", "recipients": ' + "[" * 40 + "]" * 40 + "}"
    response = _client(kim).post("/api/v1/alerts/", data=body, content_type="application/json")
    _json_error(response, 400)


@pytest.mark.parametrize("path", ["/api/v1/agencies/", "/api/v1/users/"])
def test_a_nul_byte_in_a_cursor_is_a_400(debug, lee, path):
    cursor = base64.b64encode(b"p=\x00").decode()
    assert cursor == "cD0A"
    body = _json_error(_client(lee).get(path, {"cursor": cursor}), 400)
    assert "cursor" in body


def test_a_cursor_that_is_not_ours_is_a_400(debug, lee):
    _json_error(_client(lee).get("/api/v1/agencies/", {"cursor": "%%%not-base64"}), 400)


def test_a_nul_byte_in_an_agency_code_is_a_400(debug, platform_admin):
    client = _client(platform_admin)
    body = {"code": "T\u0000CD", "name": "Test", "country": "TH", "timezone": "Asia/Bangkok"}
    _json_error(client.post("/api/v1/agencies/", body, format="json"), 400)
    _json_error(client.get("/api/v1/agencies/T%00CD/"), 400)
    _json_error(client.get("/api/v1/seizures/", {"q": "MSCU\x00"}), 400)


@pytest.mark.no_schema_check  # any write may answer 413 before it reaches the view: not per operation
def test_a_body_over_the_limit_is_a_json_413(debug, kim, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = '{"title": "' + "x" * 2000 + '"}'
    response = _client(kim).post("/api/v1/alerts/", data=body, content_type="application/json")
    _json_error(response, 413)


@pytest.mark.parametrize("path", ["/api/v1/alerts/null,null/", "/api/v1/no-such-thing/", "/api/v1/seizures/abc/"])
def test_an_unknown_api_path_is_a_json_404(debug, kim, path):
    _json_error(_client(kim).get(path), 404)


@pytest.mark.parametrize("size", ["0", "-1", "abc", "null", "201", "1.5"])
@pytest.mark.parametrize("path", ["/api/v1/seizures/", "/api/v1/agencies/", "/api/v1/alerts/"])
def test_a_page_size_outside_the_contract_is_a_400(debug, park, path, size):
    body = _json_error(_client(park).get(path, {"page_size": size}), 400)
    assert "page_size" in body


@pytest.mark.parametrize("size", ["1", "200", ""])
def test_a_page_size_within_the_contract_is_served(park, size):
    assert _client(park).get("/api/v1/seizures/", {"page_size": size}).status_code == 200


@pytest.mark.no_schema_check  # a 500 is a failure of ours, never part of the contract
def test_a_server_error_under_api_is_json_even_in_debug(debug, kim, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("cases.alerts.api.AlertListCreate.get_queryset", boom)
    response = _client(kim).get("/api/v1/alerts/")
    assert _json_error(response, 500) == {"detail": "Internal Server Error."}


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/agency/audit/?since=9999-12-31&until=9999-12-31",
        "/seizures/?occurred_after=9999-12-31",
        "/?date_from=9999-12-31",
    ],
)
def test_an_extreme_filter_date_on_a_page_is_a_message_not_a_500(client_as, lee, path):
    lee.timezone = "America/New_York"
    lee.save()
    client = client_as(lee)
    client.raise_request_exception = False
    response = client.get(path)
    assert response.status_code in (200, 400)
    assert b"Enter a date between" in response.content


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/seizures/?occurred_after=9999-12-31T23:59:59-05:00",
        "/api/v1/seizures/?occurred_before=0001-01-01",
        "/api/v1/stats/seizures/?group_by=drug&occurred_after=9999-12-31",
        "/api/v1/audit/accesses/?since=9999-12-31",
    ],
)
def test_an_extreme_filter_date_in_the_api_is_a_400(debug, lee, path):
    _json_error(_client(lee).get(path), 400)
