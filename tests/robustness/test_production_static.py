"""Production serves its pages: static files collected as the Dockerfile does, then a page
rendered with production settings (DEBUG off, the manifest storage) answers 200."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from django.conf import settings

DOCKERFILE = Path(settings.BASE_DIR) / "Dockerfile"


def _collectstatic_env() -> dict[str, str]:
    """The variables the Dockerfile sets on its collectstatic step."""
    text = DOCKERFILE.read_text().replace("\\\n", " ")
    (line,) = [ln for ln in text.splitlines() if ln.startswith("RUN ") and "collectstatic" in ln]
    # The RUN line may chain commands with &&: the assignments are those of the collectstatic command.
    (command,) = [part for part in line.removeprefix("RUN ").split("&&") if "collectstatic" in part]
    words = shlex.split(command)
    assignments = words[: words.index("python")]
    return dict(word.split("=", 1) for word in assignments)


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "PYTEST_XDIST_WORKER")}
    env.update(CRACKDOWN_VAR_DIR=str(tmp_path / "var"), STATIC_ROOT=str(tmp_path / "static"), **extra)
    return env


RENDER = """
import django
django.setup()
from django.test import Client
response = Client().get("/accounts/login/", secure=True)
print(response.status_code)
print(response.content.decode())
"""


def test_static_files_built_as_the_dockerfile_does_serve_production_pages(tmp_path):
    build_env = _collectstatic_env()
    assert build_env["DEBUG"] == "false"
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=settings.BASE_DIR,
        env=_env(tmp_path, **build_env),
        check=True,
        timeout=300,
    )
    assert (tmp_path / "static" / "staticfiles.json").exists()

    production = {"DEBUG": "false", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "testserver"}
    result = subprocess.run(
        [sys.executable, "-c", RENDER],
        cwd=settings.BASE_DIR,
        env=_env(tmp_path, DJANGO_SETTINGS_MODULE="crackdown.settings", **production),
        capture_output=True,
        text=True,
        timeout=120,
    )
    status, _newline, html = result.stdout.partition("\n")
    assert status == "200", result.stderr[-2000:]
    # The stylesheet is served under its hashed name from the manifest.
    assert re.search(r'href="/static/css/crackdown\.[0-9a-f]{12}\.css"', html)
