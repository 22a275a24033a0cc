"""The document pages through the test client: who may produce, see, download and retry
documents, what a download answers, and what the forms never echo back."""

from __future__ import annotations

import hashlib
from html import unescape

import pytest
from django.urls import reverse

from agency.models import AuditEvent
from offboarding import pipeline, services
from offboarding.models import Document, Offboarding
from tests.factories import ClientFactory

from .conftest import SECRET

K = Document.Kind
DS = Document.Status
ROLES = ("anonymous", "outsider", "other_lead", "staff", "lead", "manager")
PASSPHRASE = "Secr3t-phrase-for-the-phone"


def body_of(response) -> str:
    return unescape(response.content.decode())


def login_as(client, request, role: str):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


def url(name: str, case: Offboarding, *args) -> str:
    return reverse(f"offboarding:{name}", args=[case.pk, *args])


@pytest.fixture
def acme_case(cases, acme, lead):
    """In progress (contract reviewed, call planned), with one credential and one asset."""
    case = cases.in_progress(acme)
    cases.call_plan(case)
    services.credential_save(
        actor=lead, case=case, system="WordPress", username="admin", secret=SECRET
    )
    services.asset_save(actor=lead, case=case, name="acme.example", kind="domain")
    return case


def ready_handover(case: Offboarding) -> Document:
    document = services.document_request(actor=case.client.account_lead, case=case, kind=K.HANDOVER)
    return pipeline.document_render(document_id=document.pk)


def queued_handover(case: Offboarding) -> Document:
    return services.document_request(actor=case.client.account_lead, case=case, kind=K.HANDOVER)


# --- Who gets in ---------------------------------------------------------------------------

NOT_SEEN = {"anonymous": "login", "outsider": 404, "other_lead": 404, "staff": 403}


def expect(role: str, allowed: int) -> object:
    return NOT_SEEN.get(role, allowed)


def check_status(response, expected) -> None:
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == expected, response.content[:500]


@pytest.mark.parametrize("role", ROLES)
def test_handover_export_page(client, request, role, acme_case):
    login_as(client, request, role)

    response = client.get(url("handover_export", acme_case))

    check_status(response, expect(role, 200))
    if response.status_code == 200:
        assert 'name="passphrase"' in response.content.decode()
        assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("role", ROLES)
def test_handover_export_post(client, request, role, acme_case):
    login_as(client, request, role)

    response = client.post(url("handover_export", acme_case), {"omit_secrets": "on"})

    expected = expect(role, 302)
    check_status(response, expected)
    exported = acme_case.documents.filter(kind=K.HANDOVER)
    if expected == 302:
        assert response["Location"].endswith("#documents")
        assert exported.get().omit_secrets
    else:
        assert not exported.exists()


@pytest.mark.parametrize("role", ROLES)
def test_letter_page(client, request, role, acme_case):
    login_as(client, request, role)

    response = client.get(url("letter", acme_case))

    check_status(response, expect(role, 200))
    if response.status_code == 200:
        end = acme_case.review.effective_end
        assert f"{end.day} {end:%B %Y}" in body_of(response)  # the default wording


@pytest.mark.parametrize("role", ROLES)
def test_letter_post(client, request, role, acme_case):
    login_as(client, request, role)
    wording = "Dear Rita,\n\nWe confirm the end of our agreement."

    response = client.post(url("letter", acme_case), {"body": wording})

    expected = expect(role, 302)
    check_status(response, expected)
    letters = acme_case.documents.filter(kind=K.LETTER)
    if expected == 302:
        assert letters.get().body.replace("\r\n", "\n") == wording
    else:
        assert not letters.exists()


@pytest.mark.parametrize("kind", [K.CALL_BRIEF, K.DOSSIER])
@pytest.mark.parametrize("role", ROLES)
def test_document_create(client, request, role, kind, acme_case):
    login_as(client, request, role)

    response = client.post(url("document_create", acme_case, kind))

    expected = expect(role, 302)
    check_status(response, expected)
    assert acme_case.documents.filter(kind=kind).exists() == (expected == 302)


@pytest.mark.parametrize("role", ROLES)
def test_documents_panel(client, request, role, acme_case):
    ready_handover(acme_case)
    login_as(client, request, role)

    response = client.get(url("documents", acme_case))

    check_status(response, expect(role, 200))
    if response.status_code == 200:
        assert "Handover v1" in body_of(response)
        assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("role", ROLES)
def test_document_download(client, request, role, acme_case):
    document = ready_handover(acme_case)
    login_as(client, request, role)

    response = client.get(url("document_download", acme_case, document.pk))

    expected = expect(role, 200)
    check_status(response, expected)
    downloads = AuditEvent.objects.filter(case_id=acme_case.pk, action="download")
    assert downloads.count() == (1 if expected == 200 else 0)


@pytest.mark.parametrize("role", ROLES)
def test_document_retry(client, request, role, acme_case):
    document = queued_handover(acme_case)
    Document.objects.filter(pk=document.pk).update(status=DS.FAILED, error="OSError: disk")
    login_as(client, request, role)

    response = client.post(url("document_retry", acme_case, document.pk))

    expected = expect(role, 302)
    check_status(response, expected)
    document.refresh_from_db()
    assert document.status == (DS.QUEUED if expected == 302 else DS.FAILED)


@pytest.mark.parametrize(
    "name, args",
    [("document_create", ["dossier"]), ("document_retry", [1])],
)
def test_document_actions_are_post_only(client, lead, acme_case, name, args):
    client.force_login(lead)
    assert client.get(url(name, acme_case, *args)).status_code == 405


# --- Downloads -----------------------------------------------------------------------------


def test_download_is_the_pdf_as_an_attachment_and_is_audited(client, lead, acme_case):
    document = ready_handover(acme_case)
    client.force_login(lead)

    response = client.get(url("document_download", acme_case, document.pk))

    data = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="handover-acme-rockets-v1.pdf"'
    )
    assert document.download_name == "handover-acme-rockets-v1.pdf"
    assert data == document.read_pdf()
    assert data.startswith(b"%PDF-")
    assert hashlib.sha256(data).hexdigest() == document.sha256
    assert response["X-Content-Type-Options"] == "nosniff"
    event = AuditEvent.objects.get(case_id=acme_case.pk, action=AuditEvent.Action.DOWNLOAD)
    assert event.actor == lead
    assert event.object_id == document.pk
    assert "Handover v1" in event.summary


def test_download_name_follows_the_version(client, manager, acme_case):
    ready_handover(acme_case)
    second = ready_handover(acme_case)
    client.force_login(manager)

    response = client.get(url("document_download", acme_case, second.pk))

    assert response.status_code == 200
    assert 'filename="handover-acme-rockets-v2.pdf"' in response["Content-Disposition"]


@pytest.mark.parametrize("status", [DS.QUEUED, DS.RENDERING, DS.FAILED])
def test_a_document_that_is_not_ready_cannot_be_downloaded(client, lead, acme_case, status):
    document = queued_handover(acme_case)
    Document.objects.filter(pk=document.pk).update(status=status)
    client.force_login(lead)

    response = client.get(url("document_download", acme_case, document.pk))

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(case_id=acme_case.pk, action="download").exists()


@pytest.fixture
def foreign_document(cases, other_lead):
    """A ready document of another client's case."""
    globex = ClientFactory(name="Globex Corporation", account_lead=other_lead)
    case = cases.in_progress(globex)
    return ready_handover(case)


@pytest.mark.parametrize("role", ["lead", "manager"])
def test_a_document_is_reached_only_through_its_own_case(
    client, request, role, acme_case, foreign_document
):
    """The manager may see both cases, yet Acme's URL never serves Globex's document."""
    login_as(client, request, role)

    download = client.get(url("document_download", acme_case, foreign_document.pk))
    retry = client.post(url("document_retry", acme_case, foreign_document.pk))

    assert download.status_code == 404
    assert retry.status_code == 404
    assert not AuditEvent.objects.filter(action="download").exists()


# --- The documents panel -------------------------------------------------------------------


def test_panel_polls_while_a_document_is_pending_and_stops_when_all_are_ready(
    client, lead, acme_case
):
    client.force_login(lead)
    document = queued_handover(acme_case)

    queued = client.get(url("documents", acme_case)).content.decode()
    Document.objects.filter(pk=document.pk).update(status=DS.RENDERING)
    rendering = client.get(url("documents", acme_case)).content.decode()
    pipeline.document_render(document_id=document.pk)
    ready = client.get(url("documents", acme_case)).content.decode()

    assert 'hx-trigger="every 2s"' in queued
    assert 'hx-trigger="every 2s"' in rendering
    assert 'hx-trigger="every 2s"' not in ready
    assert "hx-get" not in ready
    assert url("document_download", acme_case, document.pk) in ready


def test_panel_does_not_poll_for_a_failed_document(client, lead, acme_case):
    document = queued_handover(acme_case)
    Document.objects.filter(pk=document.pk).update(status=DS.FAILED, error="OSError: disk full")
    client.force_login(lead)

    panel = client.get(url("documents", acme_case)).content.decode()

    assert 'hx-trigger="every 2s"' not in panel
    assert "OSError: disk full" in panel
    assert url("document_retry", acme_case, document.pk) in panel


def test_panel_marks_internal_and_client_facing_documents(client, lead, acme_case):
    ready_handover(acme_case)
    services.document_request(actor=lead, case=acme_case, kind=K.DOSSIER)
    client.force_login(lead)

    panel = body_of(client.get(url("documents", acme_case)))

    assert "Internal dossier v1" in panel
    assert panel.count("client-facing") == 1
    assert "internal</span>" in panel


# --- The handover export form --------------------------------------------------------------


def test_mismatched_passphrases_rerender_the_form_and_export_nothing(client, lead, acme_case):
    client.force_login(lead)

    response = client.post(
        url("handover_export", acme_case),
        {"passphrase": PASSPHRASE, "passphrase_again": PASSPHRASE + "-typo"},
    )

    html = body_of(response)
    assert response.status_code == 200
    assert "The two passphrases differ." in html
    assert "nothing was exported" in html
    assert not acme_case.documents.exists()
    assert PASSPHRASE not in html


def test_a_short_passphrase_is_refused_and_not_echoed(client, lead, acme_case):
    client.force_login(lead)

    response = client.post(
        url("handover_export", acme_case), {"passphrase": "2short!", "passphrase_again": "2short!"}
    )

    html = body_of(response)
    assert response.status_code == 200
    assert "at least 8 characters" in html
    assert "2short!" not in html
    assert not acme_case.documents.exists()


def test_a_refused_export_does_not_echo_the_passphrase(client, lead, proposed_case):
    """Valid form, but the service refuses: the case is not approved yet."""
    client.force_login(lead)

    response = client.post(
        url("handover_export", proposed_case),
        {"passphrase": PASSPHRASE, "passphrase_again": PASSPHRASE},
    )

    html = body_of(response)
    assert response.status_code == 200
    assert "once the case is approved" in html
    assert PASSPHRASE not in html
    assert not proposed_case.documents.exists()


def test_a_protected_export_keeps_the_passphrase_out_of_pages_and_audit(client, lead, acme_case):
    client.force_login(lead)

    response = client.post(
        url("handover_export", acme_case),
        {"passphrase": PASSPHRASE, "passphrase_again": PASSPHRASE},
        follow=True,
    )

    document = acme_case.documents.get()
    assert document.protected
    assert PASSPHRASE not in body_of(response)
    panel = body_of(client.get(url("documents", acme_case)))
    assert "passphrase" in panel and PASSPHRASE not in panel
    for event in AuditEvent.objects.filter(case_id=acme_case.pk):
        assert PASSPHRASE not in f"{event.summary} {event.comment}"


@pytest.mark.parametrize("kind", [K.HANDOVER, K.LETTER, "nonsense"])
def test_one_click_creation_is_only_for_internal_documents(client, lead, acme_case, kind):
    """The handover and the letter have their own forms (passphrase, wording)."""
    client.force_login(lead)

    response = client.post(url("document_create", acme_case, kind))

    assert response.status_code == 404
    assert not acme_case.documents.exists()


def test_call_brief_without_a_call_plan_is_refused_with_a_message(client, lead, working_case):
    client.force_login(lead)

    response = client.post(url("document_create", working_case, K.CALL_BRIEF), follow=True)

    assert "Plan the call first." in body_of(response)
    assert not working_case.documents.exists()


# --- The letter form -----------------------------------------------------------------------


def test_letter_form_keeps_the_last_wording_for_the_next_version(client, lead, acme_case):
    client.force_login(lead)
    wording = "Dear Rita,\n\nOur own words, edited by hand: ZZ-EDITED."

    client.post(url("letter", acme_case), {"body": wording})
    again = body_of(client.get(url("letter", acme_case)))

    assert "ZZ-EDITED" in again
    assert acme_case.documents.get(kind=K.LETTER).body.replace("\r\n", "\n") == wording


def test_letter_before_the_contract_review_is_refused_on_the_form(client, lead, approved_case):
    client.force_login(lead)

    response = client.post(url("letter", approved_case), {"body": "Dear Rita, goodbye."})

    assert response.status_code == 200
    assert "Complete the contract review first" in body_of(response)
    assert not approved_case.documents.exists()
