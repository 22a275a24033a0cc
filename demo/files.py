"""Small real files of the kinds agency/uploads.py accepts: an e-mail (.eml), a PDF, a PNG.

The demo data attaches them as evidence and signed contracts; the tests (tests/files.py)
upload them. Each is a genuine file of its type, so the upload checks pass on content,
not on the name.
"""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from collections.abc import Callable, Sequence
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

RGB = tuple[int, int, int]


def eml_bytes(
    *, sender: str, to: str, subject: str, sent_on: dt.date, body: str, cc: str = ""
) -> bytes:
    """An RFC 822 e-mail as a mail program saves it, sent at 17:42 local time."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    if cc:
        message["Cc"] = cc
    message["Subject"] = subject
    sent_at = dt.datetime.combine(sent_on, dt.time(17, 42), tzinfo=timezone.get_current_timezone())
    message["Date"] = format_datetime(sent_at)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].rstrip(">"))
    message.set_content(body)
    return message.as_bytes()


def eml_upload(filename: str, **message) -> SimpleUploadedFile:
    """An e-mail (see eml_bytes for the arguments), ready to attach as evidence."""
    return SimpleUploadedFile(filename, eml_bytes(**message), content_type="message/rfc822")


def pdf_bytes(title: str, lines: Sequence[str] = ()) -> bytes:
    """A one-page A4 PDF with a title and lines of plain text (Latin-1 only)."""

    def text(value: str) -> str:
        escaped = value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return f"({escaped}) Tj T*"

    content = "\n".join(
        [
            "BT /F1 14 Tf 18 TL 56 780 Td",
            text(title),
            "/F1 10 Tf 14 TL T*",
            *(text(line) for line in lines),
            "ET",
        ]
    ).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref_at = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n" % (len(objects) + 1, xref_at)
    return bytes(pdf + b"%%EOF\n")


def png_bytes(width: int, height: int, colour: Callable[[int, int], RGB]) -> bytes:
    """An 8-bit RGB PNG whose pixel at (x, y) is colour(x, y)."""
    scanlines = b"".join(
        b"\x00" + bytes(value for x in range(width) for value in colour(x, y))
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(scanlines, 9))
        + chunk(b"IEND", b"")
    )


def solid_png(width: int = 4, height: int = 3, rgb: RGB = (255, 128, 0)) -> bytes:
    """A PNG of one colour (orange unless told otherwise)."""
    return png_bytes(width, height, lambda x, y: rgb)


def screenshot_png(*, highlight: int, width: int = 240, height: int = 150) -> bytes:
    """A small PNG that looks like a table on screen: a header bar, rows, one row in red."""
    header, paper, alert = (31, 64, 112), (255, 255, 255), (214, 69, 65)
    row_colours = ((246, 247, 249), (228, 232, 238))

    def colour(x: int, y: int) -> RGB:
        if y < 20:
            return header
        row, line = divmod(y - 20, 16)
        if line >= 13 or x < 8 or x >= width - 8 or x % 56 >= 52:  # margins, column gaps
            return paper
        return alert if row == highlight else row_colours[row % 2]

    return png_bytes(width, height, colour)
