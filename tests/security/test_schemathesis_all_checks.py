"""`schemathesis --checks all` over the whole API, bounded, as docs/api.md "Checking the API
against its schema" runs it: the CLI with tests/security/schemathesis.toml against a live
server on the test database, signed in as an officer. Any finding fails the test: a 5xx, a
status code, content type, header or body the schema does not document, a well-formed request
refused or a malformed one accepted. A few examples per operation, without the coverage phase
(hundreds of boundary cases per operation), keep it short; the full run (more examples, every
phase) is the command of the guide.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from crackdown.api import throttling
from members.models import Role
from tests.factories import SeizureFactory, UserFactory, agency

# Transactional (the live server commits); the migrated rows are restored after.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CLI = Path(sys.executable).with_name("schemathesis")
CONFIG = Path(__file__).with_name("schemathesis.toml")
EXAMPLES = 2
UNLIMITED = "100000/min"


@pytest.fixture
def unthrottled(monkeypatch):
    """The run sends a few thousand requests in a minute, as one user from one address."""
    for throttle in (throttling.UserRateThrottle, throttling.AnonRateThrottle, throttling.ScopedRateThrottle):
        rates = dict.fromkeys(throttle.THROTTLE_RATES, UNLIMITED)
        monkeypatch.setattr(throttle, "THROTTLE_RATES", rates)


def test_the_whole_api_passes_every_schemathesis_check(live_server, unthrottled, tmp_path):
    officer = UserFactory(email="fuzz@kcs.test", full_name="Fuzz", agency=agency("KCS"), role=Role.OFFICER)
    SeizureFactory(agency=agency("KCS"), sharing="members", status="submitted", reported_by=officer)
    SeizureFactory(agency=agency("TCD"), sharing="members", status="submitted")
    run = subprocess.run(
        [str(CLI), "--no-color", "--config-file", str(CONFIG), "run", f"{live_server.url}/api/schema/",
         "--checks", "all", "--max-examples", str(EXAMPLES), "--seed", "1", "--workers", "1",
         "--phases", "examples,fuzzing", "--output-truncate", "false"],
        cwd=tmp_path,
        env={**os.environ, "CRACKDOWN_EMAIL": officer.email, "CRACKDOWN_PASSWORD": settings.DEMO_PASSWORD},
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-5000:]
