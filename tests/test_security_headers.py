"""Every page carries the security headers a closed-network deployment relies on."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("path", ["/accounts/login/", "/api/docs/"])
def test_pages_send_csp_without_unsafe_inline_and_deny_framing(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_api_docs_load_no_external_asset(client, db):
    html = client.get("/api/docs/").content.decode()
    assert "cdn." not in html
    assert "https://" not in html.replace("https://swagger.io", "")


def test_schema_is_served_offline(client, db):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert b"/api/v1/" in response.content
