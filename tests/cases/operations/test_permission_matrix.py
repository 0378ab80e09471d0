"""Who may do what on a joint operation: every persona × every endpoint → expected status.

Columns: lead coordinator, lead officer, participant coordinator, participant officer,
observer, invited-not-yet-accepted, outsider. Outsiders get 404 everywhere (existence is not
leaked); invited agencies see the card and may answer but get 403 on the board's parts.
"""

from __future__ import annotations

import pytest

from cases.operations import services
from tests.factories import agency

PERSONAS = ["lead_coordinator", "lead_officer", "participant", "participant_officer", "observer", "invited", "outsider"]


def row(*statuses):
    return dict(zip(PERSONAS, statuses, strict=True))


NEW_OPERATION = {"name": "BLUE DRAGON", "starts_on": "2026-05-01", "ends_on": "2026-05-31"}

# (name, method, path template, payload, expected per persona)
API = [
    ("list", "get", "/api/v1/operations/", None, row(200, 200, 200, 200, 200, 200, 200)),
    ("create", "post", "/api/v1/operations/", NEW_OPERATION, row(201, 403, 201, 403, 201, 201, 201)),
    ("detail", "get", "/api/v1/operations/{op}/", None, row(200, 200, 200, 200, 200, 200, 404)),
    ("update", "patch", "/api/v1/operations/{op}/", {"name": "X"}, row(200, 403, 403, 403, 403, 403, 404)),
    ("put", "put", "/api/v1/operations/{op}/", NEW_OPERATION, row(405, 405, 405, 405, 405, 405, 405)),
    (
        "invite",
        "post",
        "/api/v1/operations/{op}/invite/",
        {"agencies": ["GDVC"], "role": "participant"},
        row(200, 403, 403, 403, 403, 403, 404),
    ),
    ("respond", "post", "/api/v1/operations/{op}/respond/", {"accept": True}, row(409, 403, 409, 403, 409, 200, 404)),
    ("activate", "post", "/api/v1/operations/{op}/activate/", None, row(200, 403, 403, 403, 403, 403, 404)),
    ("close", "post", "/api/v1/operations/{op}/close/", None, row(409, 403, 403, 403, 403, 403, 404)),
    ("cancel", "post", "/api/v1/operations/{op}/cancel/", None, row(200, 403, 403, 403, 403, 403, 404)),
    ("assignments", "get", "/api/v1/operations/{op}/assignments/", None, row(200, 200, 200, 200, 200, 403, 404)),
    (
        "assign",
        "post",
        "/api/v1/operations/{op}/assignments/",
        {"agency": "TCD", "title": "Profile reefer containers from Laem Chabang"},
        row(201, 403, 403, 403, 403, 403, 404),
    ),
    ("assignment", "get", "/api/v1/assignments/{assignment}/", None, row(200, 200, 200, 200, 200, 403, 404)),
    (
        "assignment_update",
        "patch",
        "/api/v1/assignments/{assignment}/",
        {"status": "acknowledged"},
        row(403, 403, 200, 200, 403, 403, 404),
    ),
    (
        "assignment_cancel",
        "patch",
        "/api/v1/assignments/{assignment}/",
        {"status": "cancelled"},
        row(200, 403, 403, 403, 403, 403, 404),
    ),
    ("messages", "get", "/api/v1/operations/{op}/messages/", None, row(200, 200, 200, 200, 200, 403, 404)),
    (
        "post_message",
        "post",
        "/api/v1/operations/{op}/messages/",
        {"body": "Vessel ETA Busan 06:00"},
        row(201, 201, 201, 201, 201, 403, 404),
    ),
    ("report", "get", "/api/v1/operations/{op}/report/", None, row(200, 200, 200, 200, 200, 403, 404)),
    ("report_csv", "get", "/api/v1/operations/{op}/report.csv", None, row(200, 200, 200, 200, 200, 403, 404)),
]


@pytest.fixture
def assignment(operation, park):
    return services.assignment_create(operation=operation, agency=agency("TCD"), title="Watch flights", by=park)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "method", "path", "payload", "expected"), API, ids=[a[0] for a in API])
def test_api_permission_matrix(api_as, personas, operation, assignment, persona, name, method, path, payload, expected):
    client = api_as(personas[persona])
    url = path.format(op=operation.pk, assignment=assignment.pk)
    response = (
        getattr(client, method)(url, payload, format="json") if payload is not None else getattr(client, method)(url)
    )
    assert response.status_code == expected[persona], response.content[:300]


def test_outsider_list_does_not_include_the_operation(api_as, reyes, operation):
    response = api_as(reyes).get("/api/v1/operations/")
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_invited_agency_lists_the_operation(api_as, aziz, operation):
    results = api_as(aziz).get("/api/v1/operations/").json()["results"]
    assert [r["code"] for r in results] == [operation.code]


def test_unknown_operation_is_404_like_an_invisible_one(api_as, park):
    assert api_as(park).get("/api/v1/operations/999999/").status_code == 404


def test_anonymous_is_401(api, operation):
    assert api.get(f"/api/v1/operations/{operation.pk}/").status_code == 401


PAGES = [
    ("list", "get", "/operations/", None, row(200, 200, 200, 200, 200, 200, 200)),
    ("create_form", "get", "/operations/new/", None, row(200, 403, 200, 403, 200, 200, 200)),
    ("board", "get", "/operations/{op}/", None, row(200, 200, 200, 200, 200, 200, 404)),
    ("edit_form", "get", "/operations/{op}/edit/", None, row(200, 403, 403, 403, 403, 403, 404)),
    ("thread", "get", "/operations/{op}/messages/", None, row(200, 200, 200, 200, 200, 403, 404)),
    ("report", "get", "/operations/{op}/report/", None, row(200, 200, 200, 200, 200, 403, 404)),
    ("report_csv", "get", "/operations/{op}/report.csv", None, row(200, 200, 200, 200, 200, 403, 404)),
    ("activate", "post", "/operations/{op}/activate/", {}, row(302, 403, 403, 403, 403, 403, 404)),
    ("close", "post", "/operations/{op}/close/", {}, row(409, 403, 403, 403, 403, 403, 404)),
    (
        "invite",
        "post",
        "/operations/{op}/invite/",
        {"agencies": "x", "role": "participant"},
        row(302, 403, 403, 403, 403, 403, 404),
    ),
    ("respond", "post", "/operations/{op}/respond/", {"accept": "1"}, row(409, 403, 409, 403, 409, 302, 404)),
    # No agency chosen: the lead coordinator gets the board back with the form's errors (400).
    ("assign", "post", "/operations/{op}/assignments/", {"title": "x"}, row(400, 403, 403, 403, 403, 403, 404)),
    ("post_message", "post", "/operations/{op}/messages/", {"body": "hi"}, row(302, 302, 302, 302, 302, 403, 404)),
    (
        "assignment_update",
        "post",
        "/operations/{op}/assignments/{assignment}/",
        {"status": "acknowledged", "outcome": ""},
        row(403, 403, 302, 302, 403, 403, 404),
    ),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "method", "path", "payload", "expected"), PAGES, ids=[p[0] for p in PAGES])
def test_page_permission_matrix(
    client, personas, operation, assignment, persona, name, method, path, payload, expected
):
    client.force_login(personas[persona])
    url = path.format(op=operation.pk, assignment=assignment.pk)
    response = client.post(url, payload) if method == "post" else client.get(url)
    assert response.status_code == expected[persona]


def test_anonymous_board_redirects_to_sign_in(client, operation):
    response = client.get(f"/operations/{operation.pk}/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
