"""Settings fail loudly: a malformed value or a missing production secret stops the process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from crackdown.env import env_bool

ROOT = Path(__file__).resolve().parent.parent
# Set by the browser fixtures for Playwright's event loop; never part of a deployment.
TEST_ONLY_ENV = {"DJANGO_ALLOW_ASYNC_UNSAFE"}


def _check(env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", *TEST_ONLY_ENV}}
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("raw", ["ture", "yess", "2", "enabled"])
def test_a_typo_in_a_boolean_is_an_error(monkeypatch, raw):
    monkeypatch.setenv("SOME_FLAG", raw)
    with pytest.raises(ImproperlyConfigured):
        env_bool("SOME_FLAG", False)


@pytest.mark.parametrize(("raw", "expected"), [("true", True), ("0", False), ("Off", False), ("YES", True)])
def test_booleans_parse_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env_bool("SOME_FLAG", not expected) is expected


def test_debug_typo_stops_the_process():
    result = _check({"DEBUG": "flase"})
    assert result.returncode != 0
    assert "DEBUG" in result.stderr


def test_production_refuses_to_start_without_secret_key():
    result = _check({"DEBUG": "false", "ALLOWED_HOSTS": "crackdown.example"})
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _check({"DEBUG": "false", "SECRET_KEY": "x" * 60})
    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_production_with_its_settings_passes_the_deploy_check():
    env = {"DEBUG": "false", "SECRET_KEY": "k" * 20 + "Zq9!xT3#vB7@pL2$wN5%" * 3, "ALLOWED_HOSTS": "crackdown.example"}
    clean = {k: v for k, v in os.environ.items() if k not in env and k not in TEST_ONLY_ENV}
    clean.update(env)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
