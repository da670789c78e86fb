"""Fixtures of the ticket pages: the ticket core's categories and driver (tests/tickets), page
URLs, and pictures built in memory (with EXIF GPS and orientation, or hostile ones)."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.tickets.conftest import Driver, categories, drive  # noqa: F401  (fixtures)
from tickets.models import TicketKind

PREFIX = {TicketKind.COMPLAINT: "complaints", TicketKind.WORK_ORDER: "work-orders"}
GPS_IFD = 0x8825
ORIENTATION = 0x0112


def page_url(side, kind, path=""):
    """/c/<slug>/complaints/<path> (or work-orders/)."""
    return f"/c/{side.community.slug}/{PREFIX[kind]}/{path}"


def jpeg_with_gps(width=40, height=20, name="photo.jpg") -> SimpleUploadedFile:
    """A JPEG whose EXIF holds a GPS position (31°14'N) and orientation 6 (turn 90°)."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[GPS_IFD] = {1: "N", 2: (31.0, 14.0, 0.0), 3: "E", 4: (121.0, 28.0, 0.0)}
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "red").save(buffer, "JPEG", exif=exif.tobytes())
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def png(width=8, height=8, name="photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGBA", (width, height), (0, 128, 0, 128)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pixel_flood_png(width: int, height: int) -> SimpleUploadedFile:
    """A tiny PNG file whose header claims width x height pixels (a decompression bomb)."""
    data = bytearray(png().read())
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return SimpleUploadedFile("flood.png", bytes(data), content_type="image/png")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Each test writes its photos under its own MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
