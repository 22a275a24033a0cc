"""A request body too large to be worth reading is refused before it is read."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from agency.uploads import MAX_FILES_PER_REQUEST, MAX_UPLOAD_BYTES
from clients.models import Evidence, Incident
from tests.factories import ClientFactory

MB = 1024 * 1024


class CountingStream(io.BytesIO):
    """The request body as the server hands it over, remembering how much was read."""

    bytes_read = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk

    def readline(self, size=-1):
        line = super().readline(size)
        self.bytes_read += len(line)
        return line


@pytest.fixture
def incident(lead, staff):
    from clients import services

    acme = ClientFactory(name="Acme Rockets", account_lead=lead, team=[staff])
    return services.incident_log(
        actor=staff,
        client=acme,
        occurred_on=timezone.localdate() - dt.timedelta(days=2),
        category=Incident.Category.SCOPE_CREEP,
        severity=Incident.Severity.MEDIUM,
        title="Asked for ten extra banners",
        description="Asked for ten extra banners outside the retainer.",
    )


def evidence_url(incident) -> str:
    return reverse("clients:evidence_add", args=[incident.client_id, incident.pk])


def test_default_limit_is_every_file_at_its_limit_plus_a_margin(settings):
    most = MAX_UPLOAD_BYTES * MAX_FILES_PER_REQUEST
    assert most < settings.CLEANBREAK_MAX_REQUEST_BYTES <= most + 2 * MB


def test_a_150_mb_upload_is_refused_before_its_body_is_read(client, incident, staff):
    client.force_login(staff)
    body = CountingStream(b"--x\r\n" + b"a" * 4096)

    response = client.generic(
        "POST",
        evidence_url(incident),
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(150 * MB),
        **{"wsgi.input": body},
    )

    assert response.status_code == 413
    assert body.bytes_read == 0
    page = response.content.decode()
    assert "It is 150 MB" in page
    assert "at most 101 MB in one submission" in page
    assert "each file may be at most 10 MB" in page


def test_an_upload_over_a_configured_limit_is_refused_and_nothing_is_kept(
    client, incident, staff, settings
):
    settings.CLEANBREAK_MAX_REQUEST_BYTES = 4000
    client.force_login(staff)

    response = client.post(
        evidence_url(incident),
        {"files": [SimpleUploadedFile("notes.txt", b"call notes\n" * 500, "text/plain")]},
    )

    assert response.status_code == 413
    assert not Evidence.objects.exists()


def test_an_upload_under_the_limit_goes_through(client, incident, staff, settings):
    settings.CLEANBREAK_MAX_REQUEST_BYTES = 64 * 1024
    client.force_login(staff)

    response = client.post(
        evidence_url(incident),
        {"files": [SimpleUploadedFile("notes.txt", b"call notes\n" * 500, "text/plain")]},
    )

    assert response.status_code == 302
    assert Evidence.objects.get().original_name == "notes.txt"
