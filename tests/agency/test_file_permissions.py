"""Private files are readable by the app's own user only: folders 700, files 600."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from agency.fields import encrypted_file_storage
from clients.models import Evidence, Incident
from tests.factories import ClientFactory
from tests.files import png_bytes


@pytest.fixture(autouse=True)
def _usual_umask():
    """The umask most servers run with, under which a plain mkdir gives 755."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def folders_from_media_root(path: Path, media_root: Path) -> list[Path]:
    """MEDIA_ROOT and every folder between it and the file."""
    folders = [parent for parent in path.parents if parent.is_relative_to(media_root)]
    assert media_root in folders
    return folders


def test_uploaded_evidence_and_its_folders_are_private(client, lead, staff, settings):
    acme = ClientFactory(name="Acme Rockets", account_lead=lead, team=[staff])
    from clients import services

    incident = services.incident_log(
        actor=staff,
        client=acme,
        occurred_on=timezone.localdate() - dt.timedelta(days=1),
        category=Incident.Category.SCOPE_CREEP,
        severity=Incident.Severity.LOW,
        title="Extra banners",
        description="Asked for extra banners.",
    )
    client.force_login(staff)
    client.post(
        reverse("clients:evidence_add", args=[acme.pk, incident.pk]),
        {"files": [SimpleUploadedFile("proof.png", png_bytes(), "image/png")]},
    )

    stored = Path(Evidence.objects.get().file.path)
    assert mode(stored) == 0o600
    for folder in folders_from_media_root(stored, Path(settings.MEDIA_ROOT)):
        assert mode(folder) == 0o700, folder


def test_an_encrypted_file_and_its_folders_are_private(settings):
    storage = encrypted_file_storage()
    name = storage.save("documents/2026/03/handover.pdf", ContentFile(b"%PDF-1.4 secret"))

    stored = Path(storage.path(name))
    assert mode(stored) == 0o600
    for folder in folders_from_media_root(stored, Path(settings.MEDIA_ROOT)):
        assert mode(folder) == 0o700, folder


def test_a_rotated_encrypted_file_stays_private(settings):
    storage = encrypted_file_storage()
    name = storage.save("documents/letter.pdf", ContentFile(b"%PDF-1.4 secret"))
    stored = Path(storage.path(name))
    os.chmod(stored, 0o644)  # as a file written before this change would be

    storage.rotate(name)

    assert mode(stored) == 0o600
