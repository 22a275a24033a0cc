"""Upload checks: type by content, size limits, safe names and safe downloads."""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zipfile
import zlib

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from agency.downloads import private_file_response
from agency.uploads import (
    ACCEPTED,
    MAX_FILES_PER_REQUEST,
    MAX_UPLOAD_BYTES,
    CheckedUpload,
    UploadRejected,
    check_upload,
    sanitise_filename,
    stored_name,
)

MB = 1024 * 1024


# --- real, minimal files -------------------------------------------------------------


def _png_chunk(tag: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(tag + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)


def png_bytes(*, animated: bool = False) -> bytes:
    """A 1x1 red RGBA PNG, optionally with the acTL chunk that makes it an APNG."""
    header = _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0))
    actl = _png_chunk(b"acTL", struct.pack(">II", 1, 0)) if animated else b""
    pixels = _png_chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00\xff"))
    return b"\x89PNG\r\n\x1a\n" + header + actl + pixels + _png_chunk(b"IEND", b"")


PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
    b"trailer << /Root 1 0 R >>\n"
    b"%%EOF\n"
)

GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00"
    b"\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def pillow_bytes(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


EML = (
    "Received: from mx.client.example by mail.agency.example; Tue, 4 Mar 2025 09:12:03 +0000\n"
    "From: Dana Client <dana@client.example>\n"
    "To: Account Manager <am@agency.example>\n"
    "Subject: Re: Invoice 1042 \u2014 we will not pay\n"
    "Date: Tue, 4 Mar 2025 09:12:00 +0000\n"
    "Message-ID: <20250304091200.1@client.example>\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "\n"
    "We will not pay this invoice and expect the work redone for free.\n"
).encode()

HTML_EML = (
    b"From: Dana <dana@client.example>\r\n"
    b"To: am@agency.example\r\n"
    b"Subject: Angry\r\n"
    b"Content-Type: text/html; charset=utf-8\r\n"
    b"\r\n"
    b"<html><body><p>You are fired.</p></body></html>\r\n"
)


def ole_bytes(*streams: str, pad_before_directory: int = 0) -> bytes:
    """An OLE compound file: header sector, then a directory sector naming the streams."""
    header = bytearray(512)
    header[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    header[24:26] = struct.pack("<H", 0x3E)  # minor version
    header[26:28] = struct.pack("<H", 3)  # major version
    header[28:30] = b"\xfe\xff"  # byte order
    header[30:32] = struct.pack("<H", 9)  # 512-byte sectors
    directory = bytearray()
    for name in ("Root Entry", *streams):
        entry = bytearray(128)
        encoded = (name + "\0").encode("utf-16-le")
        entry[0 : len(encoded)] = encoded
        entry[64:66] = struct.pack("<H", len(encoded))
        entry[66] = 5 if name == "Root Entry" else 2
        directory += entry
    return bytes(header) + b"\xff" * pad_before_directory + bytes(directory)


MSG = ole_bytes("__properties_version1.0", "__substg1.0_0037001F", "__substg1.0_1000001F")


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- accepted kinds ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "content_type", "stored_as"),
    [
        ("contract.pdf", PDF, "application/pdf", "contract.pdf"),
        ("screenshot.png", png_bytes(), "image/png", "screenshot.png"),
        ("animated.png", png_bytes(animated=True), "image/png", "animated.png"),
        ("photo.jpg", pillow_bytes("JPEG"), "image/jpeg", "photo.jpg"),
        ("photo.jpeg", pillow_bytes("JPEG"), "image/jpeg", "photo.jpeg"),
        ("spinner.gif", GIF, "image/gif", "spinner.gif"),
        ("capture.webp", pillow_bytes("WEBP"), "image/webp", "capture.webp"),
        ("complaint.eml", EML, "message/rfc822", "complaint.eml"),
        ("html-mail.eml", HTML_EML, "message/rfc822", "html-mail.eml"),
        ("complaint.msg", MSG, "application/vnd.ms-outlook", "complaint.msg"),
        (
            "notes.txt",
            "Call notes: client said \u201cno\u201d. \u2714\n".encode(),
            "text/plain",
            "notes.txt",
        ),
    ],
)
def test_each_accepted_kind_is_recognised_by_content(name, content, content_type, stored_as):
    checked = check_upload(upload(name, content, content_type="application/x-lie"))

    assert checked.content_type == content_type
    assert checked.name == stored_as
    assert checked.extension == ACCEPTED[content_type].extension
    assert checked.size == len(content)
    assert checked.sha256 == hashlib.sha256(content).hexdigest()


def test_every_accepted_kind_is_covered_by_the_table():
    assert set(ACCEPTED) == {
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "message/rfc822",
        "application/vnd.ms-outlook",
        "text/plain",
    }
    assert MAX_UPLOAD_BYTES == 10 * MB
    assert MAX_FILES_PER_REQUEST == 10


def test_pdf_uploaded_as_png_is_accepted_and_renamed():
    checked = check_upload(upload("photo.png", PDF, content_type="image/png"))

    assert checked.content_type == "application/pdf"
    assert checked.name == "photo.pdf"
    assert checked.extension == "pdf"


def test_a_name_without_extension_gets_the_one_for_its_content():
    assert check_upload(upload("scan", png_bytes())).name == "scan.png"


def test_latin1_email_is_accepted_but_latin1_text_is_not():
    latin1_mail = "From: Ren\u00e9 <r@x.example>\nTo: a@b.example\n\nCaf\u00e9\n".encode("latin-1")
    assert check_upload(upload("mail.eml", latin1_mail)).content_type == "message/rfc822"

    with pytest.raises(UploadRejected, match="not UTF-8"):
        check_upload(upload("notes.txt", "Caf\u00e9 au lait\n".encode("latin-1")))


def test_text_with_a_single_header_like_line_is_text_not_email():
    notes = b"Subject: meeting notes\nAttendees: Ana, Ben\n\nThey want out by June.\n"

    checked = check_upload(upload("notes.eml", notes))

    assert checked.content_type == "text/plain"
    assert checked.name == "notes.txt"


def test_text_starting_like_a_loose_magic_number_is_still_text():
    # filetype alone calls anything starting with "GIF" an image.
    checked = check_upload(upload("notes.txt", b"GIF of the call is attached separately.\n"))

    assert checked.content_type == "text/plain"
    assert checked.name == "notes.txt"


def test_outlook_marker_split_across_read_chunks_is_found():
    # The stream name (in the second directory entry) straddles the 64 KB boundary
    # between two reads.
    pad = 64 * 1024 - 512 - 128 - 7
    content = ole_bytes("__properties_version1.0", pad_before_directory=pad)
    assert content.index("__properties".encode("utf-16-le")) == 64 * 1024 - 7
    assert check_upload(upload("big.msg", content)).content_type == "application/vnd.ms-outlook"


# --- refused content -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "looks_like"),
    [
        ("screenshot.png", b"<html><body><script>alert(1)</script></body></html>", "HTML"),
        ("screenshot.png", b"\n  <!DOCTYPE html><p>hi</p>", "HTML"),
        (
            "screenshot.png",
            b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "SVG",
        ),
        ("screenshot.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "SVG"),
        ("readme.txt", b"\xef\xbb\xbf<script>steal()</script>", "HTML"),
        ("mail.eml", b"<html>\nFrom: a@b.example\nTo: c@d.example\n\nhi\n", "HTML"),
        (
            "mail.eml",
            b"From: a@b.example\nTo: c@d.example\nSubject: <svg onload=x>\n\nhi\n",
            "HTML",
        ),
    ],
)
def test_markup_is_refused_whatever_the_name(name, content, looks_like):
    with pytest.raises(UploadRejected) as caught:
        check_upload(upload(name, content, content_type="image/png"))

    message = caught.value.message
    assert message.startswith(f"{name} is not an accepted type (PDF, PNG image, ")
    assert looks_like in message


def test_executable_named_as_pdf_is_refused():
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48 + b"PE\x00\x00"
    with pytest.raises(
        UploadRejected,
        match=r"^invoice\.pdf is not an accepted type .*"
        r"looks like a Windows program \(\.exe\)\.$",
    ):
        check_upload(upload("invoice.pdf", exe, content_type="application/pdf"))


def test_zip_and_office_files_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("evil.html", "<script>1</script>")
    with pytest.raises(UploadRejected, match="looks like a ZIP archive"):
        check_upload(upload("evidence.pdf", buffer.getvalue()))

    word = ole_bytes("WordDocument", "\x01CompObj")
    with pytest.raises(UploadRejected, match="OLE compound file that is not an Outlook message"):
        check_upload(upload("complaint.msg", word))


@pytest.mark.parametrize(
    "content",
    [
        b"harmless words\x00then a NUL",
        "UTF-16 notes".encode("utf-16"),
        "caf\u00e9".encode()[:-1],  # cut off in the middle of the last character
    ],
)
def test_text_that_is_not_clean_utf8_is_refused(content):
    with pytest.raises(UploadRejected, match=r"^notes\.txt is not an accepted type"):
        check_upload(upload("notes.txt", content))


def test_empty_file_is_refused():
    with pytest.raises(UploadRejected, match=r"^notes\.txt is empty\.$"):
        check_upload(upload("notes.txt", b""))


@pytest.mark.parametrize("declared_size", [True, False])
def test_file_over_the_limit_is_refused_with_its_size(declared_size):
    f = upload("../big scan.pdf", b"%PDF-1.4\n" + bytes(11 * MB - 9))
    if not declared_size:
        f.size = None  # force the size to be measured while reading

    with pytest.raises(UploadRejected) as caught:
        check_upload(f)

    assert caught.value.message == "big scan.pdf is 11.0 MB; the limit is 10 MB per file."


def test_size_limit_is_exact():
    at_limit = b"%PDF-1.4\n" + bytes(MAX_UPLOAD_BYTES - 9)
    assert check_upload(upload("max.pdf", at_limit)).size == MAX_UPLOAD_BYTES

    with pytest.raises(UploadRejected, match=r"is 10\.1 MB; the limit is 10 MB per file\.$"):
        check_upload(upload("over.pdf", at_limit + b"\n"))


def test_contracts_can_be_restricted_to_pdf():
    with pytest.raises(UploadRejected) as caught:
        check_upload(upload("signed.png", png_bytes()), accepted={"application/pdf"})
    assert caught.value.message == (
        "signed.png is not an accepted type (PDF). Its content looks like a PNG image."
    )

    checked = check_upload(upload("signed.pdf", PDF), accepted={"application/pdf"})
    assert checked.content_type == "application/pdf"


def test_unknown_accepted_types_are_a_programming_error():
    with pytest.raises(ValueError, match="image/svg\\+xml") as caught:
        check_upload(upload("a.pdf", PDF), accepted={"application/pdf", "image/svg+xml"})
    assert not isinstance(caught.value, UploadRejected)

    with pytest.raises(ValueError, match="at least one"):
        check_upload(upload("a.pdf", PDF), accepted=[])


def test_rejection_is_a_value_error_naming_the_sanitised_file():
    with pytest.raises(ValueError, match=r"^passwd is empty\.$"):
        check_upload(upload("../../etc/passwd", b""))


# --- reading the file ----------------------------------------------------------------


def test_file_is_rewound_after_an_accepted_check():
    f = upload("x.pdf", PDF)
    f.read(5)

    check_upload(f)

    assert f.tell() == 0
    assert f.read() == PDF


def test_file_is_rewound_after_a_refused_check():
    content = b"\x00 not accepted"
    f = upload("x.pdf", content)
    f.read(5)

    with pytest.raises(UploadRejected):
        check_upload(f)

    assert f.tell() == 0
    assert f.read() == content


class RecordingUpload(SimpleUploadedFile):
    """Remembers how much each read asked for."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.requested: list[int] = []

    def read(self, size=-1):
        self.requested.append(size)
        return self.file.read(size)


def test_file_is_read_in_bounded_chunks():
    f = RecordingUpload("big.pdf", b"%PDF-1.4\n" + bytes(3 * MB))

    check_upload(f)

    assert f.requested, "the file was not read through read()"
    assert all(0 < size <= MB for size in f.requested), f.requested


# --- names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\x\\evil.pdf", "evil.pdf"),
        (".htaccess", "htaccess"),
        ("...hidden.txt", "hidden.txt"),
        ("in\x00voi\x1bce\x7f.pdf", "invoice.pdf"),
        ("invoice\u202egpj.exe", "invoicegpj.exe"),
        ("  weekly\t\treport \n final .pdf", "weekly report final.pdf"),
        ('what?<is>:"this"|*.pdf', "whatisthis.pdf"),
        ("Überweisung für Łukasz 東京.pdf", "Überweisung für Łukasz 東京.pdf"),
        ("", "file"),
        ("../..", "file"),
        ("\x00\x01", "file"),
        ("dir/", "file"),
    ],
)
def test_sanitise_filename(raw, clean):
    assert sanitise_filename(raw) == clean


def test_sanitise_filename_keeps_the_extension_when_shortening():
    name = sanitise_filename("a" * 300 + ".pdf")

    assert len(name) == 120
    assert name == "a" * 116 + ".pdf"


def test_sanitise_filename_shortens_names_without_extension():
    assert sanitise_filename("b" * 300) == "b" * 120


def test_sanitise_filename_replaces_the_extension_when_given_one():
    assert sanitise_filename("report.png", extension="pdf") == "report.pdf"
    assert sanitise_filename("report", extension="pdf") == "report.pdf"
    assert sanitise_filename("", extension="pdf") == "file.pdf"
    with pytest.raises(ValueError):
        sanitise_filename("report.png", extension="../x")


def test_stored_name_is_random_and_ignores_the_uploaded_name():
    checked = check_upload(upload("../../evil name.png", PDF))

    first, second = stored_name(checked), stored_name(checked)

    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", first)
    assert first != second
    assert "evil" not in first


def test_stored_name_refuses_a_path_as_extension():
    bogus = CheckedUpload(
        name="x", content_type="application/pdf", size=1, sha256="0", extension="pdf/../../x"
    )
    with pytest.raises(ValueError):
        stored_name(bogus)


# --- serving ---------------------------------------------------------------------------


@pytest.fixture
def stored_pdf(settings, tmp_path, db):
    # db: closing a response sends request_finished, which closes old DB connections.
    settings.MEDIA_ROOT = tmp_path / "private"
    storage = FileSystemStorage()
    name = storage.save("0123abcd.pdf", io.BytesIO(PDF))
    f = storage.open(name, "rb")
    f.close()  # the response must open it itself
    return f


def _body(response) -> bytes:
    try:
        return b"".join(response.streaming_content)
    finally:
        response.close()


def test_private_file_response_is_always_a_locked_down_download(stored_pdf):
    response = private_file_response(
        stored_pdf, download_name="Signed contract.pdf", content_type="application/pdf"
    )

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Signed contract.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Content-Length"] == str(len(PDF))
    assert _body(response) == PDF


@pytest.mark.parametrize("claimed", ["text/html", "image/svg+xml", "", "application/x-msdownload"])
def test_private_file_response_falls_back_to_octet_stream(stored_pdf, claimed):
    response = private_file_response(stored_pdf, download_name="x.pdf", content_type=claimed)

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    _body(response)


def test_private_file_response_encodes_and_cleans_the_download_name(stored_pdf):
    response = private_file_response(
        stored_pdf,
        download_name="K\u00fcndigung\r\nSet-Cookie: x.pdf",
        content_type="application/pdf",
    )

    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''K%C3%BCndigung%20Set-Cookie%20x.pdf"
    )
    assert "Set-Cookie" not in response.headers
    _body(response)
