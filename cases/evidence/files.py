"""The bytes of evidence: where they are kept, what they are, and whether they are intact.

Storage is Django's storage API under the `evidence` alias (settings.STORAGES): the
filesystem under var/ by default, an S3-compatible bucket in production. Nothing here knows
which. Keys are random (never the uploader's name), so a path cannot be guessed, and no URL
serves the storage: only the access-checked download view reads it.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import secrets
import unicodedata
import warnings
from collections.abc import Iterator
from typing import IO

import magic
from django.conf import settings
from django.core.files.storage import Storage, storages
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, ImageOps, UnidentifiedImageError
from rest_framework import status
from rest_framework.exceptions import APIException

# What libmagic may call a file for it to be kept (API.md: images, PDF, plain text, office
# documents). Anything else, an executable renamed .jpg included, is refused with 415.
ALLOWED_TYPES = frozenset(
    {
        "image/jpeg",
        "image/png",
        "image/gif",
        "image/webp",
        "image/tiff",
        "image/bmp",
        "application/pdf",
        "text/plain",
        "text/csv",
        "application/rtf",
        "text/rtf",
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text",
        "application/vnd.oasis.opendocument.spreadsheet",
        "application/vnd.oasis.opendocument.presentation",
    }
)
# Images Pillow makes a thumbnail of.
THUMBNAIL_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "image/tiff", "image/bmp"})
THUMBNAIL_BOX = (480, 480)
# libmagic decides from the start of a file; office formats need a few kilobytes of it.
SNIFF_BYTES = 64 * 1024
MAX_FILENAME = 200


class FileTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"

    def __init__(self, limit: int) -> None:
        megabytes = limit / (1024 * 1024)
        super().__init__({"file": [_("The file is larger than the limit of %(mb)s MB.") % {"mb": f"{megabytes:g}"}]})


class UnsupportedFileType(APIException):
    status_code = status.HTTP_415_UNSUPPORTED_MEDIA_TYPE
    default_code = "unsupported_type"

    def __init__(self, content_type: str) -> None:
        super().__init__(
            {
                "file": [
                    _(
                        "Files of type %(type)s are not accepted: send an image, a PDF, plain text or an "
                        "office document."
                    )
                    % {"type": content_type}
                ]
            }
        )


class TooManyFiles(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "too_many_files"

    def __init__(self, limit: int) -> None:
        message = ngettext(
            "Send at most %(count)d file at a time.", "Send at most %(count)d files at a time.", limit
        ) % {"count": limit}
        super().__init__({"file": [message]})


class ImageBomb(Exception):
    """An image whose declared size in pixels is beyond EVIDENCE_MAX_PIXELS."""


def evidence_storage() -> Storage:
    return storages["evidence"]


def new_key() -> str:
    """A fresh storage key: a month folder and 32 random hex digits, no part of the file name."""
    return f"{timezone.now():%Y/%m}/{secrets.token_hex(16)}"


def sniff(head: bytes) -> str:
    """The MIME type libmagic reads in the first bytes of a file (never the name's extension)."""
    return magic.from_buffer(head[:SNIFF_BYTES], mime=True) or "application/octet-stream"


def is_allowed(content_type: str) -> bool:
    return content_type in ALLOWED_TYPES


_UNSAFE = re.compile(r'[\\/:*?"<>|]')


def clean_filename(name: str) -> str:
    """A file name safe to show and to offer on download: no directory, no control character,
    no leading dot, at most 200 characters with its extension kept. "" if nothing is left."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE.sub("_", name).strip().lstrip(".").strip()
    if len(name) > MAX_FILENAME:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[: MAX_FILENAME - len(ext) - 1] + "." + ext
        else:
            name = name[:MAX_FILENAME]
    return name


def thumbnail(file: IO[bytes], content_type: str) -> bytes | None:
    """A JPEG of at most 480×480 px without any metadata (no EXIF, hence no GPS position).

    Raises ImageBomb for an image declaring more pixels than EVIDENCE_MAX_PIXELS, before a
    pixel is decoded. None when Pillow cannot read the image (kept, shown without a preview).
    """
    if content_type not in THUMBNAIL_TYPES:
        return None
    file.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file) as image:
                width, height = image.size
                if width * height > settings.EVIDENCE_MAX_PIXELS:
                    raise ImageBomb(f"{width}×{height} px")
                image.draft("RGB", THUMBNAIL_BOX)  # JPEG: decode at a reduced scale
                oriented = ImageOps.exif_transpose(image)
                oriented.thumbnail(THUMBNAIL_BOX)
                out = io.BytesIO()
                # A new image of the pixels only: exif, icc, xmp and comments stay behind.
                oriented.convert("RGB").save(out, format="JPEG", quality=80, optimize=True)
                return out.getvalue()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageBomb(str(exc)) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return None
    finally:
        file.seek(0)


def stored_chunks(key: str, chunk_size: int | None = None) -> Iterator[bytes]:
    chunk_size = chunk_size or settings.EVIDENCE_CHUNK_BYTES
    with evidence_storage().open(key, "rb") as stored:
        while chunk := stored.read(chunk_size):
            yield chunk


def stored_sha256(key: str) -> str | None:
    """The SHA-256 of what the storage holds under `key` now (read in chunks); None if absent."""
    digest = hashlib.sha256()
    try:
        for chunk in stored_chunks(key):
            digest.update(chunk)
    except FileNotFoundError:
        return None
    return digest.hexdigest()


def repr_digest(sha256_hex: str) -> str:
    """The Repr-Digest header value (RFC 9530) for a SHA-256 given in hex."""
    return "sha-256=:" + base64.b64encode(bytes.fromhex(sha256_hex)).decode("ascii") + ":"
