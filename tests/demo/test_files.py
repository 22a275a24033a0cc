"""The file generators in demo/files.py make real files: the upload checks accept them."""

import datetime as dt
import email
from email import policy
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from agency.uploads import EML, PDF, PNG, check_upload
from demo import files
from tests import files as test_files


def checked(name: str, content: bytes, accepted: set[str]):
    return check_upload(SimpleUploadedFile(name, content), accepted=accepted)


def test_eml_is_an_rfc822_message_with_its_headers():
    upload = files.eml_upload(
        "reminder.eml",
        sender="Liam Brandt <lead@agency.example>",
        to="Accounts <ap@client.example>",
        cc="Gavin <gavin@client.example>",
        subject="Third reminder",
        sent_on=dt.date(2025, 3, 4),
        body="Hello,\n\nStill open.\n",
    )
    assert check_upload(upload, accepted={EML}).content_type == EML
    message = email.message_from_bytes(upload.read(), policy=policy.default)
    assert message["Subject"] == "Third reminder"
    assert message["Cc"] == "Gavin <gavin@client.example>"
    assert message["Message-ID"].endswith("@agency.example>")
    assert "Still open." in message.get_content()


def test_pdf_is_a_readable_pdf_with_its_text():
    content = files.pdf_bytes("Voicemail (internal)", ["Line one", "Line two"])
    assert checked("note.pdf", content, {PDF}).content_type == PDF
    text = PdfReader(BytesIO(content)).pages[0].extract_text()
    assert "Voicemail (internal)" in text and "Line two" in text


@pytest.mark.parametrize(
    "content", [files.solid_png(), files.solid_png(7, 2), files.screenshot_png(highlight=2)]
)
def test_pngs_are_pngs(content):
    assert checked("shot.png", content, {PNG}).content_type == PNG


def test_the_test_helpers_use_the_same_generators():
    assert test_files.png_bytes(5, 4) == files.solid_png(5, 4)
    assert test_files.pdf_bytes() == files.pdf_bytes("Evidence")
    assert checked("a.pdf", test_files.pdf_bytes(), {PDF}).content_type == PDF
    assert checked("a.png", test_files.png_bytes(), {PNG}).content_type == PNG
