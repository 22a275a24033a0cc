"""The close-out ledger: every door closed one by one, every asset transferred, or waived
by a manager with a reason; close-out completes only then."""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test import Client as Browser
from django.urls import reverse
from pypdf import PdfReader

from agency.errors import Refused
from agency.models import AuditEvent
from offboarding import pipeline, progress, services
from offboarding.models import AccessRow, Asset, Document, Offboarding
from offboarding.services import room as room_services
from tests.factories import ContactFactory

from .conftest import refreshed

S = Offboarding.Status
CODE = "EPP-ZQX-7781-CODE"


@pytest.fixture
def domain(ready_case, lead, cases):
    """A domain still in the agency's name, added to the handover (completed and exported
    again, as a new asset asks)."""
    asset = services.asset_save(
        actor=lead,
        case=ready_case,
        name="acme.example",
        kind=Asset.Kind.DOMAIN,
        owner_now="Northwind Digital (our registrar account)",
        transfer_code=CODE,
    )
    services.handover_complete(actor=lead, case=ready_case)
    cases.export_handover(ready_case)
    return asset


@pytest.mark.django_db
def test_completion_waits_for_every_row_of_the_ledger(ready_case, lead, manager, domain):
    with pytest.raises(Refused, match="Close-out"):
        services.offboarding_complete(actor=lead, case=ready_case)
    slack = services.access_row_save(
        actor=lead,
        case=ready_case,
        side=AccessRow.Side.THEIRS,
        system="Slack",
        tool=AccessRow.Tool.CHAT,
        person="Rita Vance",
        action=AccessRow.Action.REMOVE_PERSON,
    )
    services.asset_transfer_set(
        actor=lead, case=ready_case, asset_id=domain.pk, status=Asset.Transfer.INITIATED
    )
    assert refreshed(ready_case).ledger_open == 2
    services.asset_transfer_set(
        actor=lead, case=ready_case, asset_id=domain.pk, status=Asset.Transfer.CONFIRMED
    )
    services.access_row_waive(
        actor=manager, case=ready_case, row_id=slack.pk, reason="Rita was never in our Slack."
    )
    case = refreshed(ready_case)
    assert case.ledger_open == 0 and progress.steps(case)[-1].state == "done"
    assert services.offboarding_complete(actor=lead, case=case).status == S.COMPLETED
    waived = AuditEvent.objects.get(message="Ledger row waived: %(name)s")
    assert (waived.actor, waived.comment) == (manager, "Rita was never in our Slack.")


@pytest.mark.django_db
def test_only_a_manager_waives_and_always_with_a_reason(ready_case, lead, manager, domain):
    with pytest.raises(Refused, match="Only a manager"):
        services.asset_waive(actor=lead, case=ready_case, asset_id=domain.pk, reason="No.")
    with pytest.raises(Refused, match="reason"):
        services.asset_waive(actor=manager, case=ready_case, asset_id=domain.pk, reason="  ")
    assert Asset.objects.get(pk=domain.pk).waived_at is None


@pytest.mark.django_db
def test_a_row_per_handover_login_once_and_done_twice_does_no_harm(working_case, lead):
    services.credential_save(
        actor=lead, case=working_case, system="WordPress", username="admin", secret="s3cret"
    )
    assert services.ledger_from_handover(actor=lead, case=working_case) == 1
    assert services.ledger_from_handover(actor=lead, case=working_case) == 0
    row = working_case.access_rows.get()
    assert (row.side, row.action, row.credential.system) == ("ours", "rotate_password", "WordPress")
    services.access_row_done(actor=lead, case=working_case, row_id=row.pk)
    services.access_row_done(actor=lead, case=working_case, row_id=row.pk)
    assert AuditEvent.objects.filter(message__startswith="Access closed").count() == 1
    row.refresh_from_db()
    assert row.done_by == lead and row.done_at
    services.access_row_done(actor=lead, case=working_case, row_id=row.pk, done=False)
    row.refresh_from_db()
    assert row.done_at is None and row.done_by is None


@pytest.mark.django_db
def test_staff_and_other_leads_cannot_touch_the_ledger(working_case, staff, other_lead):
    for person in (staff, other_lead):
        with pytest.raises(Refused):
            services.access_row_save(
                actor=person,
                case=working_case,
                side="ours",
                system="X",
                action=AccessRow.Action.OTHER,
            )


@pytest.mark.django_db
def test_the_transfer_code_is_encrypted_never_in_a_form_and_its_reveal_audited(
    ready_case, lead, domain
):
    with connection.cursor() as cursor:
        cursor.execute("SELECT transfer_code FROM offboarding_asset WHERE id = %s", [domain.pk])
        assert CODE not in cursor.fetchone()[0]
    browser = Browser()
    browser.force_login(lead)
    edit = browser.get(reverse("offboarding:asset_edit", args=[ready_case.pk, domain.pk]))
    closeout = browser.get(reverse("offboarding:closeout", args=[ready_case.pk]))
    assert CODE not in edit.content.decode() and CODE not in closeout.content.decode()
    shown = browser.post(reverse("offboarding:asset_code_reveal", args=[ready_case.pk, domain.pk]))
    assert CODE in shown.content.decode() and "no-store" in shown["Cache-Control"]
    assert AuditEvent.objects.filter(summary="Transfer code revealed: acme.example").count() == 1
    # Saving the form with the code left empty keeps it.
    browser.post(
        reverse("offboarding:asset_edit", args=[ready_case.pk, domain.pk]),
        {"name": "acme.example", "kind": "domain", "transfer_status": "not_started"},
    )
    assert Asset.objects.get(pk=domain.pk).transfer_code == CODE


@pytest.mark.django_db
def test_ledger_fields_do_not_reopen_the_handover_but_its_own_fields_do(ready_case, lead, domain):
    case = refreshed(ready_case)
    services.handover_complete(actor=lead, case=case)
    services.asset_save(actor=lead, case=case, asset=domain, renewal_payer="The client")
    assert refreshed(case).handover_done_at is not None
    services.asset_save(actor=lead, case=case, asset=domain, owner_after="Acme Rockets Ltd")
    assert refreshed(case).handover_done_at is None


@pytest.mark.django_db
def test_a_row_shows_that_the_client_changed_the_password_in_the_room(
    ready_case, lead, django_capture_on_commit_callbacks
):
    contact = ContactFactory(client=ready_case.client, receives_handover=True)
    with django_capture_on_commit_callbacks(execute=True):
        room, issued = room_services.room_open(actor=lead, case=ready_case, contacts=[contact])
    recipient = room.recipients.get()
    room_services.room_mark_changed(recipient=recipient, login_id=room.logins.get().pk)
    browser = Browser()
    browser.force_login(lead)
    page = browser.get(reverse("offboarding:closeout", args=[ready_case.pk])).content.decode()
    assert "Client changed the password" in page


@pytest.mark.django_db
def test_the_handover_lists_transfer_states_and_the_dossier_the_ledger(ready_case, lead, domain):
    services.asset_transfer_set(
        actor=lead, case=ready_case, asset_id=domain.pk, status=Asset.Transfer.INITIATED
    )

    def text_of(kind: str) -> str:
        document = services.document_request(actor=lead, case=ready_case, kind=kind)
        document = pipeline.document_render(document_id=document.pk)
        return "".join(p.extract_text() for p in PdfReader(io.BytesIO(document.read_pdf())).pages)

    handover = text_of(Document.Kind.HANDOVER)
    assert "Transfer: Initiated" in handover and CODE not in handover
    dossier = text_of(Document.Kind.DOSSIER)
    assert "Close-out ledger" in dossier and "Google Ads" in dossier
    assert "Initiated" in dossier and CODE not in dossier


@pytest.mark.django_db
def test_the_closeout_page_drives_the_ledger(ready_case, lead, manager, domain):
    browser = Browser()
    browser.force_login(lead)
    url = reverse("offboarding:closeout", args=[ready_case.pk])
    page = browser.get(url).content.decode()
    assert "1 of 2 rows still open." in page and "Waive" not in page  # a lead cannot waive
    manager_browser = Browser()
    manager_browser.force_login(manager)
    assert "Waive" in manager_browser.get(url).content.decode()
    response = browser.post(
        reverse("offboarding:asset_transfer", args=[ready_case.pk, domain.pk]),
        {"status": "confirmed"},
    )
    assert response.status_code == 302
    assert "0 of 2 rows still open." in browser.get(url).content.decode()
    created = browser.post(
        reverse("offboarding:ledger_row_create", args=[ready_case.pk]),
        {"side": "theirs", "system": "Shared drive", "tool": "drive", "action": "remove_person"},
    )
    assert created.status_code == 200 and "Name whose access" in created.content.decode()
