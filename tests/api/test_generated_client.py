"""A client generated from /api/schema/ by openapi-python-client works with no workaround.

The client is generated afresh from what the server serves, with the generator's default
settings, and drives a short journey through the real WSGI application (httpx's WSGI
transport; no network): sign in with the generated plain client, then with its
AuthenticatedClient as generated (it sends `Authorization: Bearer <token>`) list seizures
with a filter and follow the cursor, create and submit a seizure, and read the alert a partner
agency receives. A schema the generator cannot use, or that lies about an answer, fails here.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from django.conf import settings
from django.core.wsgi import get_wsgi_application
from django.test import Client as DjangoClient

from tests.factories import SeizureFactory, agency

# Transactional (the WSGI app commits); the migrated rows are restored after, as for every such test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PACKAGE = "crackdown_api_client"
GENERATOR = Path(sys.executable).with_name("openapi-python-client")


@pytest.fixture(scope="session")
def generated(tmp_path_factory, django_db_blocker):
    """The package openapi-python-client generates from /api/schema/ (JSON), imported."""
    root = tmp_path_factory.mktemp("generated")
    with django_db_blocker.unblock():
        answer = DjangoClient().get("/api/schema/", {"format": "json"})
    assert answer.status_code == 200
    (root / "schema.json").write_bytes(answer.content)
    # The generator's defaults; only its formatting step is skipped (it changes no code), and it is
    # told that a PDF report is a binary body (it knows JSON, text and octet-stream by name only).
    (root / "config.yaml").write_text(
        "post_hooks: []\ncontent_type_overrides:\n  application/pdf: application/octet-stream\n"
    )
    run = subprocess.run(
        [str(GENERATOR), "generate", "--path", "schema.json", "--meta", "none", "--config", "config.yaml",
         "--output-path", PACKAGE],
        cwd=root, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Warning" not in run.stdout + run.stderr, run.stdout + run.stderr
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(root))


@pytest.fixture
def wsgi(transactional_db):
    """httpx → the Django application in this process, as a client on the network would reach it."""
    return httpx.WSGITransport(app=get_wsgi_application())


def module(name: str):
    return importlib.import_module(f"{PACKAGE}.{name}")


def cursor_of(url: str | None) -> str | None:
    return parse_qs(urlsplit(url).query)["cursor"][0] if url else None


def test_the_generated_client_signs_in_pages_creates_submits_and_reads_alerts(generated, wsgi, kim, somchai):
    for n in range(3):
        SeizureFactory(agency=agency("KCS"), sharing="members", status="submitted", reference=f"KCS-2026-9{n:05d}")
    base = "http://testserver"
    models = module("models")
    login = module("api.auth.auth_login")

    plain = generated.Client(base_url=base, httpx_args={"transport": wsgi})
    token = login.sync(client=plain, body=models.LoginRequest(email="kim@kcs.test", password=settings.DEMO_PASSWORD))
    assert isinstance(token, models.Token), token
    client = generated.AuthenticatedClient(base_url=base, token=token.token, httpx_args={"transport": wsgi})

    me = module("api.me.me").sync(client=client)
    assert isinstance(me, models.Me) and me.agency is not None and me.agency.code == "KCS"

    listing = module("api.seizures.seizures_list")
    seen: list[str] = []
    cursor = None
    while True:
        page = listing.sync(client=client, drug=models.DrugEnum.METHAMPHETAMINE, page_size=2, cursor=cursor)
        assert isinstance(page, models.PaginatedSeizureList), page
        seen.extend(s.reference for s in page.results)
        cursor = cursor_of(page.next_)
        if cursor is None:
            break
    assert sorted(seen) == [f"KCS-2026-9{n:05d}" for n in range(3)]

    body = models.SeizureRequest.from_dict(
        {
            "occurred_at": "2026-03-01T10:00:00+09:00",
            "transport_mode": "sea_container",
            "detection_method": "xray",
            "origin_country": "TH",
            "destination_country": "KR",
            "items": [{"drug": "methamphetamine", "quantity": "12.5", "unit": "kg"}],
            "identifiers": [{"kind": "container", "value": "MSCU1234566"}],
        }
    )
    created = module("api.seizures.seizures_create").sync(client=client, body=body)
    assert isinstance(created, models.Seizure), created
    assert created.status == models.SeizureStatusEnum.DRAFT
    submitted = module("api.seizures.seizures_submit_create").sync(created.id, client=client)
    assert isinstance(submitted, models.Seizure) and submitted.status == models.SeizureStatusEnum.SUBMITTED

    # The Thai partner on the route reads the alert about it, through its own generated client.
    token = login.sync(client=plain, body=models.LoginRequest(email=somchai.email, password=settings.DEMO_PASSWORD))
    assert isinstance(token, models.Token), token
    partner = generated.AuthenticatedClient(base_url=base, token=token.token, httpx_args={"transport": wsgi})
    alerts = module("api.alerts.alerts_list").sync(client=partner, unacknowledged=True)
    assert isinstance(alerts, models.PaginatedAlertList), alerts
    [alert] = [a for a in alerts.results if a.seizure == created.id]
    assert alert.kind == models.AlertKindEnum.SEIZURE_NOTICE
    assert [d.agency for d in alert.deliveries] == ["TCD"]


def test_errors_come_back_as_the_one_error_model(generated, wsgi, kim):
    models = module("models")
    client = generated.AuthenticatedClient(
        base_url="http://testserver", token="not-a-token", httpx_args={"transport": wsgi}
    )
    refused = module("api.me.me").sync(client=client)
    assert isinstance(refused, models.Error) and refused.detail


NODE_BIN = Path(settings.BASE_DIR) / "node_modules" / ".bin"
JOURNEY = Path(__file__).with_name("typescript") / "journey.ts"


def test_openapi_typescript_types_compile_strictly_and_run_the_journey(tmp_path, live_server, kim, somchai):
    """openapi-typescript (default options) over /api/schema/, `tsc --strict` over a journey
    written against those types, then the journey run by node against a live server."""
    if not (NODE_BIN / "openapi-typescript").exists() or not (NODE_BIN / "tsc").exists():
        pytest.fail("npm devDependencies missing: run `make install` (openapi-typescript, typescript)")
    for n in range(3):
        SeizureFactory(agency=agency("KCS"), sharing="members", status="submitted", reference=f"KCS-2026-8{n:05d}")
    schema = DjangoClient().get("/api/schema/", {"format": "json"}).content
    (tmp_path / "schema.json").write_bytes(schema)
    (tmp_path / "journey.ts").write_text(JOURNEY.read_text())

    def run(*command: str, env: dict | None = None) -> subprocess.CompletedProcess:
        done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300, env=env, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
        return done

    run(str(NODE_BIN / "openapi-typescript"), "schema.json", "-o", "schema.d.ts")
    run(str(NODE_BIN / "tsc"), "--strict", "--target", "es2022", "--module", "commonjs", "--lib", "es2022,dom",
        "--outDir", "out", "journey.ts", "schema.d.ts")  # fmt: skip
    env = {
        "PATH": "/usr/bin:/bin",
        "BASE_URL": live_server.url,
        "OFFICER": kim.email,
        "PARTNER": somchai.email,
        "PASSWORD": settings.DEMO_PASSWORD,
    }
    done = run("node", "out/journey.js", env=env)
    assert '"listed":3' in done.stdout
