"""Evidence: a 20 MB upload's server memory (traced) and upload/download throughput.

The upload goes through the whole WSGI stack (middleware, DRF, the evidence upload handler,
storage) as a real server would call it: the request body is a stream read in chunks, not a
bytes object the test Client would copy. tracemalloc traces every allocation of the request;
the target is a peak under 2× the read chunk (EVIDENCE_CHUNK_BYTES) above the baseline
taken just before the request. Files go to a temporary storage that is removed afterwards.
"""

from __future__ import annotations

import io
import os
import shutil
import statistics
import tempfile
import time
import tracemalloc
from typing import Any

from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.test.utils import override_settings

from bench.measuring import Bench, CaseFailed, CaseResult
from cases.evidence.models import Evidence
from cases.seizures.models import Seizure

SIZE = 20 * 1024 * 1024
# Each timed upload keeps 20 MB on disk until the case ends.
REPEATS = 5


def _pdf(size: int) -> bytes:
    head = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%"
    tail = b"\n%%EOF\n"
    return head + os.urandom(size - len(head) - len(tail)) + tail


class _File(io.BytesIO):
    name = "bench-lab-report.pdf"


def _body(content: bytes) -> bytes:
    return encode_multipart(BOUNDARY, {"kind": "lab_report", "description": "bench", "file": _File(content)})


def _call(handler: WSGIHandler, *, method: str, path: str, token: str, body: bytes = b"") -> tuple[int, bytes]:
    """One request straight into the WSGI application; the body is read from a stream."""
    status: list[str] = []

    def start_response(value: str, headers: Any, exc_info: Any = None, /) -> Any:
        status.append(value)
        return lambda data: None

    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "testserver",
        "HTTP_AUTHORIZATION": f"Token {token}",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "CONTENT_TYPE": MULTIPART_CONTENT if body else "",
        "CONTENT_LENGTH": str(len(body)),
    }
    result = handler(environ, start_response)
    received = 0
    last = b""
    try:
        for chunk in result:
            received += len(chunk)
            last = chunk if len(chunk) < 4096 else b""
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return int(status[0].split()[0]), last if received < 4096 else str(received).encode()


def case_evidence(b: Bench) -> list[CaseResult]:
    seizure = Seizure.objects.filter(agency_id=b.agency_id).order_by("-id").first()
    if seizure is None:
        raise CaseFailed("the reader's agency has no seizure to attach files to")
    url = f"/api/v1/seizures/{seizure.pk}/evidence/"
    root = tempfile.mkdtemp(prefix="bench-evidence-")
    storages = {
        **settings.STORAGES,
        "evidence": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": root}},
    }
    chunk = settings.EVIDENCE_CHUNK_BYTES
    content = _pdf(SIZE)
    body = _body(content)
    small = _body(_pdf(64 * 1024))
    handler = WSGIHandler()
    with override_settings(STORAGES=storages, DEBUG=False):
        try:
            # Warm up: imports, caches, the first connection, libmagic's database.
            for _ in range(2):
                status, answer = _call(handler, method="POST", path=url, token=b.token, body=small)
                if status != 201:
                    raise CaseFailed(f"upload answered {status}: {answer[:200]!r}")
            tracemalloc.start()
            try:
                baseline, _peak = tracemalloc.get_traced_memory()
                tracemalloc.reset_peak()
                status, answer = _call(handler, method="POST", path=url, token=b.token, body=body)
                _current, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
            if status != 201:
                raise CaseFailed(f"20 MB upload answered {status}: {answer[:200]!r}")
            above = peak - baseline

            upload_ms: list[float] = []
            for _ in range(REPEATS if not b.quick else 3):
                start = time.perf_counter()
                status, _answer = _call(handler, method="POST", path=url, token=b.token, body=body)
                upload_ms.append((time.perf_counter() - start) * 1000)
            evidence = Evidence.objects.filter(seizure=seizure, size=SIZE).order_by("-id").first()
            if evidence is None:
                raise CaseFailed("the uploaded file is not there")
            download_ms: list[float] = []
            for _ in range(REPEATS if not b.quick else 3):
                start = time.perf_counter()
                status, _answer = _call(
                    handler, method="GET", path=f"/api/v1/evidence/{evidence.pk}/download/", token=b.token
                )
                download_ms.append((time.perf_counter() - start) * 1000)
                if status != 200:
                    raise CaseFailed(f"download answered {status}")
        finally:
            # Rows and bytes go (each row's file leaves the temporary storage on commit).
            Evidence.objects.filter(seizure=seizure, description="bench").delete()
            shutil.rmtree(root, ignore_errors=True)

    megabytes = SIZE / (1024 * 1024)
    memory = CaseResult(
        name="evidence upload 20 MB: peak memory above baseline",
        group="evidence",
        target=f"< 2× read chunk ({2 * chunk // 1024} KB)",
        passed=above < 2 * chunk,
        note=f"{above / 1024:.0f} KB above baseline (chunk {chunk // 1024} KB)",
        extra={"peak_above_baseline_bytes": above, "chunk_bytes": chunk, "file_bytes": SIZE},
    )
    results = [memory]
    for name, times in (("upload", upload_ms), ("download (hash checked)", download_ms)):
        median = statistics.median(times)
        results.append(
            CaseResult(
                name=f"evidence {name} 20 MB",
                group="evidence",
                median_ms=round(median, 1),
                p95_ms=round(max(times), 1),
                max_ms=round(max(times), 1),
                target="throughput printed",
                passed=True,
                note=f"{megabytes / (median / 1000):.0f} MB/s",
                extra={"mb_per_s": round(megabytes / (median / 1000), 1)},
            )
        )
    return results
