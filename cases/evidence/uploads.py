"""Reading an evidence upload off the request: chunk by chunk, hashed and measured as it comes.

`EvidenceUploadHandler` replaces Django's upload handlers for the evidence upload views (page
and API). Each chunk of the request body is hashed (SHA-256), counted against the size limit
and written to an anonymous temporary file (unlinked at creation, so nothing is left on disk
whatever happens); the first chunk is sniffed by libmagic. Memory per upload is one chunk,
whatever the file's size (bench/evidence.py measures it). The size limit answers 413 as soon
as it is passed, a type outside the allow-list 415 after the first chunk: neither waits for
the rest of the body.
"""

from __future__ import annotations

import hashlib
import tempfile
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers
from django.http import HttpRequest

from cases.evidence.files import (
    SNIFF_BYTES,
    FileTooLarge,
    TooManyFiles,
    UnsupportedFileType,
    is_allowed,
    sniff,
)

# Room for the multipart framing and the form's other fields above the files themselves.
FORM_OVERHEAD_BYTES = 64 * 1024


class HashedUpload(UploadedFile):
    """An uploaded evidence file: its bytes in a temporary file, with what was learnt on the way."""

    def __init__(self, file: Any, *, name: str, size: int, sha256: str, content_type: str) -> None:
        super().__init__(file=file, name=name, content_type=content_type, size=size)
        self.sha256 = sha256
        self.sniffed_type = content_type

        # Storage.save() copies the file in chunks of this size.
        self.DEFAULT_CHUNK_SIZE = settings.EVIDENCE_CHUNK_BYTES


class EvidenceUploadHandler(FileUploadHandler):
    def __init__(self, request: HttpRequest | None = None, *, max_files: int = 1) -> None:
        super().__init__(request)
        self.chunk_size = settings.EVIDENCE_CHUNK_BYTES
        self.max_bytes = settings.EVIDENCE_MAX_BYTES
        self.max_files = max_files
        self.files_seen = 0

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: str | None = None
    ) -> None:
        # A declared body beyond every file's limit is refused before a byte of it is read.
        if content_length and content_length > self.max_bytes * self.max_files + FORM_OVERHEAD_BYTES:
            raise FileTooLarge(self.max_bytes)
        return None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.files_seen += 1
        if self.files_seen > self.max_files:
            self._close()
            raise TooManyFiles(self.max_files)
        # Closed by the parser, by _close() or with the HashedUpload it becomes.
        self.file = tempfile.TemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR)  # noqa: SIM115
        self.digest = hashlib.sha256()
        self.size = 0
        self.head = b""
        self.sniffed: str | None = None
        raise StopFutureHandlers

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self.size += len(raw_data)
        if self.size > self.max_bytes:
            self._close()
            raise FileTooLarge(self.max_bytes)
        if self.sniffed is None:
            self.head += raw_data[: SNIFF_BYTES - len(self.head)]
            if len(self.head) >= SNIFF_BYTES:
                self._sniff()
        self.digest.update(raw_data)
        self.file.write(raw_data)
        return None

    def _sniff(self) -> None:
        self.sniffed = sniff(self.head)
        if not is_allowed(self.sniffed):
            self._close()
            raise UnsupportedFileType(self.sniffed)

    def _close(self) -> None:
        file = getattr(self, "file", None)
        if file is not None:
            file.close()

    def file_complete(self, file_size: int) -> HashedUpload:
        if self.sniffed is None and self.size:
            self._sniff()  # a file shorter than SNIFF_BYTES
        self.file.seek(0)
        return HashedUpload(
            self.file,
            name=self.file_name or "",
            size=self.size,
            sha256=self.digest.hexdigest(),
            content_type=self.sniffed or "application/x-empty",
        )


def use_evidence_handlers(request: HttpRequest, *, max_files: int = 1) -> None:
    """Read this request's files with EvidenceUploadHandler (before anything reads request.POST)."""
    request.upload_handlers = [EvidenceUploadHandler(request, max_files=max_files)]
