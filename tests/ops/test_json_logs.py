"""LOG_FORMAT=json: one JSON object a line with request id, user id and agency; nothing secret."""

from __future__ import annotations

import io
import json
import logging

import pytest

from crackdown import observability
from crackdown.logs import JSONFormatter, scrub

pytestmark = pytest.mark.django_db


@pytest.fixture
def json_lines():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JSONFormatter())
    logger = logging.getLogger("crackdown.security")
    logger.addHandler(handler)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    logger.removeHandler(handler)


def test_a_line_logged_during_an_api_request_names_request_user_and_agency(api_as, somchai, json_lines):
    client = api_as(somchai)
    # A refusal is logged on crackdown.security (another agency's private seizure: 404).
    response = client.get("/api/v1/seizures/999999/?token=abc", HTTP_X_REQUEST_ID="req-42")

    assert response.status_code == 404
    assert response["X-Request-ID"] == "req-42"
    [line] = json_lines()
    assert line["request_id"] == "req-42"
    assert line["user_id"] == somchai.pk
    assert line["agency"] == "TCD"
    assert line["level"] == "INFO"
    assert line["logger"] == "crackdown.security"
    assert line["path"] == "/api/v1/seizures/999999/"
    assert "abc" not in json.dumps(line)  # never the query string


def test_an_insane_request_id_is_replaced(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="x" * 500 + "\n")
    assert len(response["X-Request-ID"]) == 32


def test_secrets_in_a_message_are_scrubbed():
    text = scrub(
        "Authorization: Token 9c1f0e77ab and Bearer abc.def posting to https://user:pa55@hook.example/x "
        "with whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw and password=hunter2"
    )
    for secret in ("9c1f0e77ab", "abc.def", "pa55", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "hunter2"):
        assert secret not in text
    assert "https://user:[redacted]@hook.example/x" in text


def test_a_line_outside_a_request_has_empty_request_fields():
    record = logging.LogRecord("crackdown", logging.WARNING, __file__, 1, "worker %s", ("up",), None)
    line = json.loads(JSONFormatter().format(record))
    assert line["message"] == "worker up"
    assert line["request_id"] is None and line["user_id"] is None and line["agency"] is None


def test_sentry_and_tracing_stay_off_without_their_environment():
    assert observability.init_sentry({}) is False
    assert observability.init_tracing({}) is False
