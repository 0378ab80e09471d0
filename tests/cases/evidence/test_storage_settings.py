"""Evidence storage is chosen by the environment alone: the filesystem by default, a bucket when named."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]

PRINT_STORAGE = (
    "import django, json; django.setup();"
    "from django.conf import settings;"
    "from django.core.files.storage import storages;"
    "s = storages['evidence'];"
    "print(json.dumps({'backend': type(s).__module__ + '.' + type(s).__name__,"
    " 'options': settings.STORAGES['evidence'].get('OPTIONS', {})}))"
)


def _storage(env: dict[str, str]) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("EVIDENCE_")}
    clean.update(env, DJANGO_SETTINGS_MODULE="crackdown.settings")
    result = subprocess.run(
        [sys.executable, "-c", PRINT_STORAGE], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_default_is_a_private_directory_under_var():
    storage = _storage({})
    assert storage["backend"] == "django.core.files.storage.filesystem.FileSystemStorage"
    assert storage["options"]["location"].endswith("var/evidence")
    assert storage["options"]["file_permissions_mode"] == 0o600


def test_a_bucket_in_the_environment_selects_private_s3_storage():
    storage = _storage({"EVIDENCE_S3_BUCKET": "kcs-evidence", "EVIDENCE_S3_ENDPOINT_URL": "https://minio.kcs.example"})
    assert storage["backend"] == "storages.backends.s3.S3Storage"
    options = storage["options"]
    assert (options["bucket_name"], options["endpoint_url"]) == ("kcs-evidence", "https://minio.kcs.example")
    assert options["default_acl"] == "private"
    assert options["file_overwrite"] is False
