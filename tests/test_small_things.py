"""Small things users notice: a favicon, and no broker warning without a broker."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_the_favicon_is_served_and_named_by_every_page(client, kim):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("/favicon.svg")
    client.force_login(kim)
    assert 'rel="icon"' in client.get("/seizures/").content.decode()


def test_no_broker_warning_when_no_broker_is_configured(tmp_path):
    """Without REDIS_URL tasks go through the embedded broker (SQLite under the var directory);
    connecting to it prints no "No hostname was supplied"."""
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "CELERY_BROKER_URL")}
    script = (
        "import django, logging; logging.basicConfig(level=logging.WARNING); django.setup(); "
        "from crackdown.celery import app; print(app.conf.broker_url); "
        "conn = app.connection_for_write(); conn._info(); conn.release()"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "crackdown.settings", "CRACKDOWN_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"sqla+sqlite:///{tmp_path / 'celery-broker.sqlite3'}"
    assert "No hostname was supplied" not in result.stderr + result.stdout
