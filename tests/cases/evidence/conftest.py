"""Evidence tests: files go to a fresh directory per test; helpers make real files of each kind."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.factories import SeizureFactory, agency


@pytest.fixture(autouse=True)
def evidence_dir(settings, tmp_path) -> Path:
    """The `evidence` storage on a directory of this test's own (read it to see what is stored)."""
    root = tmp_path / "evidence"
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(root)}},
    }
    return root


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def jpeg_with_gps(size: tuple[int, int] = (800, 600)) -> bytes:
    """A photo whose EXIF says where it was taken (GPS latitude/longitude)."""
    image = Image.new("RGB", size, (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (37.0, 33.0, 12.0), 3: "E", 4: (126.0, 58.0, 41.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def pdf_bytes(size: int = 2048) -> bytes:
    body = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n"
    return body + b"%" + b"x" * max(0, size - len(body) - 8) + b"\n%%EOF\n"


def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A small PNG that declares 900 million pixels: decoding it would take gigabytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 4096, 9)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def exe_bytes() -> bytes:
    """The start of a Windows executable (an MZ header with a PE signature)."""
    stub = bytearray(b"MZ" + b"\x90\x00" * 29 + b"\x00" * 0x40)
    stub[0x3C:0x40] = struct.pack("<I", 0x80)
    stub = stub.ljust(0x80, b"\x00") + b"PE\x00\x00" + b"\x4c\x01" + b"\x00" * 200
    return bytes(stub)


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture
def shared_seizure(db):
    """A submitted KCS seizure shared with all members (TCD and BOC see it), one item."""
    return SeizureFactory(agency=agency("KCS"), sharing="members", status="submitted")


@pytest.fixture
def private_seizure(db):
    """A submitted KCS seizure kept to KCS (nobody else sees it)."""
    return SeizureFactory(agency=agency("KCS"), sharing="agency", status="submitted")
