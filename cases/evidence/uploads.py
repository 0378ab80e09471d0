"""Reading an evidence upload off the request: chunk by chunk, hashed and measured as it comes.

`EvidenceUploadHandler` replaces Django's upload handlers for the evidence upload views (page
and API). Each chunk of the request body is hashed (SHA-256), counted against the size limit
and written to an anonymous temporary file (unlinked at creation, so nothing is left on disk
whatever happens); the first chunk is sniffed by libmagic. The body itself is parsed here
too (handle_raw_input, with python-multipart), so memory per upload stays about one chunk
whatever the file's size (bench/evidence.py measures it). The size limit answers 413 as soon
as it is passed, a type outside the allow-list 415 after the first chunk: neither waits for
the rest of the body.
"""

from __future__ import annotations

import hashlib
import tempfile
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers
from django.http import HttpRequest, QueryDict
from django.utils.datastructures import MultiValueDict
from django.utils.http import parse_header_parameters
from django.utils.translation import gettext as _
from python_multipart import MultipartParser
from python_multipart.exceptions import MultipartParseError
from rest_framework import status
from rest_framework.exceptions import APIException

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


class EvidenceUploadHandler(FileUploadHandler):
    def __init__(self, request: HttpRequest | None = None, *, max_files: int = 1) -> None:
        super().__init__(request)
        self.chunk_size = settings.EVIDENCE_CHUNK_BYTES
        self.max_bytes = settings.EVIDENCE_MAX_BYTES
        self.max_files = max_files
        self.files_seen = 0

    def handle_raw_input(
        self, input_data: Any, META: Any, content_length: int, boundary: Any, encoding: str | None = None
    ) -> tuple[QueryDict, MultiValueDict[str, UploadedFile]]:
        """Parse the whole body here, in chunks, instead of Django's parser (which holds
        several copies of each chunk while it looks for the boundary)."""
        # A declared body beyond every file's limit is refused before a byte of it is read.
        if content_length and content_length > self.max_bytes * self.max_files + FORM_OVERHEAD_BYTES:
            raise FileTooLarge(self.max_bytes)
        form = _StreamingForm(self, boundary, encoding or settings.DEFAULT_CHARSET)
        remaining = content_length
        while remaining > 0:
            chunk = input_data.read(min(self.chunk_size, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            form.write(chunk)
            del chunk  # before the next read: one chunk in memory at a time, not two
        return form.finish()

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.start_file()
        raise StopFutureHandlers

    def start_file(self) -> None:
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

    def receive_data_chunk(self, raw_data: bytes | memoryview, start: int = 0) -> None:
        self.size += len(raw_data)
        if self.size > self.max_bytes:
            self._close()
            raise FileTooLarge(self.max_bytes)
        if self.sniffed is None:
            self.head += bytes(raw_data[: SNIFF_BYTES - len(self.head)])
            if len(self.head) >= SNIFF_BYTES:
                self._sniff()
        self.digest.update(raw_data)
        self.file.write(raw_data)
        return None

    def _sniff(self) -> None:
        self.sniffed = sniff(self.head)
        self.head = b""  # read once: not kept for the rest of the upload
        if not is_allowed(self.sniffed):
            self._close()
            raise UnsupportedFileType(self.sniffed)

    def close_current(self) -> None:
        self._close()

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


class MalformedUpload(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "malformed"


class _StreamingForm:
    """A multipart/form-data body fed chunk by chunk (python-multipart calls back with offsets
    into each chunk, so file data reaches the handler as views of the chunk, never copied)."""

    def __init__(self, handler: EvidenceUploadHandler, boundary: bytes, encoding: str) -> None:
        self.handler = handler
        self.encoding = encoding
        self.post = QueryDict(mutable=True, encoding=encoding)
        self.files: MultiValueDict[str, UploadedFile] = MultiValueDict()
        self.field_bytes = 0
        self.field_count = 0
        self._headers: dict[str, str] = {}
        self._header_field = bytearray()
        self._header_value = bytearray()
        self._name = ""
        self._is_file = False
        self._skip = False
        self._value = bytearray()
        self.parser = MultipartParser(
            boundary,
            {
                "on_part_begin": self._part_begin,
                "on_header_field": self._header_field_data,
                "on_header_value": self._header_value_data,
                "on_header_end": self._header_end,
                "on_headers_finished": self._headers_finished,
                "on_part_data": self._part_data,
                "on_part_end": self._part_end,
            },
        )

    def write(self, chunk: bytes) -> None:
        try:
            self.parser.write(chunk)
        except MultipartParseError as exc:
            self.handler.close_current()
            raise MalformedUpload(_("The upload is not a well-formed multipart form.")) from exc

    def finish(self) -> tuple[QueryDict, MultiValueDict[str, UploadedFile]]:
        self.parser.finalize()
        self.post._mutable = False
        return self.post, self.files

    def _part_begin(self) -> None:
        self._headers = {}
        self._name, self._is_file, self._skip = "", False, False
        self._value = bytearray()

    def _header_field_data(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def _header_value_data(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_end(self) -> None:
        name = self._header_field.decode("latin-1").strip().lower()
        self._headers[name] = self._header_value.decode(self.encoding, "replace").strip()
        self._header_field, self._header_value = bytearray(), bytearray()

    def _headers_finished(self) -> None:
        _kind, params = parse_header_parameters(self._headers.get("content-disposition", ""))
        self._name = params.get("name", "")
        filename = params.get("filename")
        if not self._name:
            self._skip = True
            return
        if filename is None:
            self.field_count += 1
            if self.field_count > (settings.DATA_UPLOAD_MAX_NUMBER_FIELDS or 10**9):
                raise TooManyFieldsSent("The number of GET/POST parameters exceeded the limit.")
            return
        self._is_file = True
        if not filename.strip():
            self._skip = True  # an empty file input: no file chosen
            return
        self.handler.file_name = filename
        self.handler.content_type = self._headers.get("content-type", "")
        self.handler.field_name = self._name
        self.handler.start_file()

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._skip:
            return
        if self._is_file:
            self.handler.receive_data_chunk(memoryview(data)[start:end])
            return
        self.field_bytes += end - start
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and self.field_bytes > limit:
            raise RequestDataTooBig("The form's fields exceed settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")
        self._value += data[start:end]

    def _part_end(self) -> None:
        if self._skip:
            return
        if self._is_file:
            self.files.appendlist(self._name, self.handler.file_complete(self.handler.size))
        else:
            self.post.appendlist(self._name, self._value.decode(self.encoding, "replace"))


def use_evidence_handlers(request: HttpRequest, *, max_files: int = 1) -> None:
    """Read this request's files with EvidenceUploadHandler (before anything reads request.POST)."""
    request.upload_handlers = [EvidenceUploadHandler(request, max_files=max_files)]
