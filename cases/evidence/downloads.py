"""The response that carries an evidence file's bytes (pages and API alike)."""

from __future__ import annotations

from django.http import StreamingHttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _

from cases.evidence.files import repr_digest, stored_chunks
from cases.evidence.models import Evidence

INTEGRITY_FAILED = _(
    "The stored file no longer matches the SHA-256 recorded at upload, so it is not sent; its agency has been told."
)


def download_response(evidence: Evidence) -> StreamingHttpResponse:
    """The bytes in chunks, as an attachment of the sniffed type, with their digest (RFC 9530).

    The browser never renders them in our origin: attachment, nosniff and a sandboxing CSP.
    """
    response = StreamingHttpResponse(stored_chunks(evidence.storage_key), content_type=evidence.content_type)
    response["Content-Length"] = str(evidence.size)
    response["Repr-Digest"] = repr_digest(evidence.sha256)
    response["Content-Disposition"] = content_disposition_header(True, evidence.filename) or "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
