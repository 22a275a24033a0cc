"""The handover room: the one part of Clean Break without a login, tested as an attacker
and as the client's office manager would use it."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import secrets

import pytest
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from agency.errors import Refused
from agency.models import AuditEvent
from offboarding import services
from offboarding.models import (
    Asset,
    Credential,
    Document,
    HandoverRoom,
    Offboarding,
    Receipt,
    RoomEvent,
    RoomLogin,
    RoomMiss,
    RoomRecipient,
)
from offboarding.services import room as room_services
from tests.factories import ContactFactory
from tests.offboarding.conftest import INTERNAL_MARKERS, SECRET, refreshed

RECOVERY = "backup codes ZQX-RECOVERY-5521"
OTHER_SECRET = "other-ZQX-PASS-2208"
LINK = re.compile(r"http://[^/\s]+(/handover/[A-Za-z0-9_-]{40,}/)")


def prepare(case: Offboarding, lead) -> Offboarding:
    """Handover contents complete: two logins, an asset, instructions, a contact."""
    services.credential_save(
        actor=lead,
        case=case,
        system="WordPress",
        username="admin@acme.example",
        secret=SECRET,
        recovery_note=RECOVERY,
        notes="ZQX-INTERNAL-7735 the CEO reuses this password",
    )
    services.credential_save(
        actor=lead, case=case, system="Mailchimp", username="news@acme.example", secret=OTHER_SECRET
    )
    services.asset_save(
        actor=lead,
        case=case,
        name="acme.example",
        kind=Asset.Kind.DOMAIN,
        location="registrar.example",
        owner_after="Acme Rockets",
    )
    services.handover_instructions_save(
        actor=lead, case=case, text="Change every password once you have taken over."
    )
    services.handover_complete(actor=lead, case=case)
    return refreshed(case)


@pytest.fixture
def contact(acme):
    return ContactFactory(
        client=acme, name="Olga Office", role="Office manager", receives_handover=True
    )


@pytest.fixture
def room_case(working_case, lead, contact):
    return prepare(working_case, lead)


@pytest.fixture
def opened(room_case, lead, contact, mailoutbox, django_capture_on_commit_callbacks):
    """An open room, its handover rendered, the link e-mailed: (room, path, code)."""
    with django_capture_on_commit_callbacks(execute=True):
        room, issued = room_services.room_open(actor=lead, case=room_case, contacts=[contact])
    path = LINK.search(mailoutbox[-1].body).group(1)
    return HandoverRoom.objects.get(pk=room.pk), path, issued[0].code


def enter(path: str, code: str) -> Browser:
    browser = Browser()
    response = browser.post(path, {"code": code})
    assert response.status_code == 302, response.content[:500]
    assert response["Location"] == reverse("room:inside")
    return browser


def html(response) -> str:
    return response.content.decode()


def state():
    """Everything a room URL could change."""
    return (
        list(RoomEvent.objects.values_list("id", flat=True)),
        list(
            RoomRecipient.objects.values_list(
                "failed_attempts", "locked_at", "opened_at", "revoked_at"
            )
        ),
        list(RoomLogin.objects.values_list("changed_at", flat=True)),
        Receipt.objects.count(),
        AuditEvent.objects.count(),
        list(Offboarding.objects.values_list("handover_delivered", flat=True)),
    )


# --- Opening the room -------------------------------------------------------------------


@pytest.mark.django_db
def test_opening_the_room_mails_a_link_and_shows_the_code_once(opened, contact, mailoutbox):
    room, path, code = opened
    mail = mailoutbox[-1]
    assert mail.to == [contact.email]
    assert path in mail.body and code not in mail.body  # the code goes by phone
    token = path.split("/")[2]
    recipient = room.recipients.get()
    # Neither the token nor the code is stored in clear.
    assert recipient.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert code.replace(" ", "") not in recipient.code_hash
    assert len(token) >= 43  # 256 bits, url-safe base64
    # The handover offered is a new version without its secrets, rendered.
    assert room.handover.omit_secrets and room.handover.status == Document.Status.READY
    assert set(room.logins.values_list("system", flat=True)) == {"WordPress", "Mailchimp"}


@pytest.mark.django_db
def test_the_code_can_be_mailed_instead_in_a_message_of_its_own(
    room_case, lead, contact, mailoutbox, settings, django_capture_on_commit_callbacks
):
    settings.CLEANBREAK_ROOM_CODE_BY_EMAIL = True
    with django_capture_on_commit_callbacks(execute=True):
        _, issued = room_services.room_open(actor=lead, case=room_case, contacts=[contact])
    link_mail, code_mail = mailoutbox[-2:]
    assert LINK.search(link_mail.body) and issued[0].code not in link_mail.body
    assert issued[0].code in code_mail.body and not LINK.search(code_mail.body)


@pytest.mark.django_db
def test_the_room_waits_for_the_handover_contents(working_case, lead, contact):
    with pytest.raises(Refused, match="handover contents"):
        room_services.room_open(actor=lead, case=working_case, contacts=[contact])


@pytest.mark.django_db
def test_only_the_lead_and_managers_open_a_room(room_case, staff, contact):
    with pytest.raises(Refused):
        room_services.room_open(actor=staff, case=room_case, contacts=[contact])


@pytest.mark.django_db
def test_a_recipient_needs_an_email_address_and_the_expiry_a_limit(room_case, lead, acme):
    silent = ContactFactory(client=acme, email="")
    with pytest.raises(Refused, match="no e-mail"):
        room_services.room_open(actor=lead, case=room_case, contacts=[silent])
    with pytest.raises(Refused, match="between 1 and 30"):
        room_services.room_open(
            actor=lead, case=room_case, contacts=[ContactFactory(client=acme)], days=31
        )


@pytest.mark.django_db
def test_a_left_out_login_is_not_in_the_room(room_case, lead, contact):
    mailchimp = room_case.credentials.get(system="Mailchimp")
    room, _ = room_services.room_open(
        actor=lead, case=room_case, contacts=[contact], left_out=[mailchimp]
    )
    assert list(room.logins.values_list("system", flat=True)) == ["WordPress"]
    room2, _ = room_services.room_open(
        actor=lead, case=room_case, contacts=[contact], include_logins=False
    )
    assert not room2.logins.exists()
    assert HandoverRoom.objects.get(pk=room.pk).revoked_at is not None  # replaced


# --- Links that lead nowhere ------------------------------------------------------------


@pytest.mark.django_db
def test_unknown_expired_and_revoked_links_answer_the_same_neutral_page(opened, lead):
    room, path, code = opened
    guessed = Browser().get(f"/handover/{secrets.token_urlsafe(32)}/")
    assert guessed.status_code == 404
    neutral = html(guessed)
    assert "Acme" not in neutral and "Olga" not in neutral

    HandoverRoom.objects.filter(pk=room.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    expired = Browser().get(path)
    assert (expired.status_code, html(expired)) == (404, neutral)
    assert Browser().post(path, {"code": code}).status_code == 404

    HandoverRoom.objects.filter(pk=room.pk).update(expires_at=timezone.now() + dt.timedelta(1))
    assert Browser().get(path).status_code == 200
    room_services.room_revoke(actor=lead, case=room.case)
    revoked = Browser().get(path)
    assert (revoked.status_code, html(revoked)) == (404, neutral)


@pytest.mark.django_db
def test_a_revoked_recipient_is_out_at_once_even_inside(opened, lead):
    room, path, code = opened
    browser = enter(path, code)
    room_services.room_recipient_revoke(
        actor=lead, case=room.case, recipient_id=room.recipients.get().pk
    )
    assert browser.get(reverse("room:inside")).status_code == 404
    assert Browser().get(path).status_code == 404


@pytest.mark.django_db
def test_guessing_links_from_one_address_is_slowed_down(opened, settings):
    settings.CLEANBREAK_ROOM_ADDRESS_LIMIT = 3
    _, path, code = opened
    for _ in range(3):
        assert Browser().get(f"/handover/{secrets.token_urlsafe(32)}/").status_code == 404
    assert RoomMiss.objects.count() == 3
    # Now even the right link and code must wait.
    blocked = Browser().post(path, {"code": code})
    assert blocked.status_code == 429
    assert "Too many attempts" in html(blocked)


# --- The access code --------------------------------------------------------------------


@pytest.mark.django_db
def test_wrong_codes_lock_the_link_and_tell_the_lead(
    opened, lead, settings, mailoutbox, django_capture_on_commit_callbacks
):
    room, path, code = opened
    browser = Browser()
    wrong = "0000 0000" if code != "0000 0000" else "1111 1111"
    for attempt in range(1, settings.CLEANBREAK_ROOM_CODE_ATTEMPTS):
        response = browser.post(path, {"code": wrong})
        assert response.status_code == 200 and "not right" in html(response)
        assert room.recipients.get().failed_attempts == attempt
    with django_capture_on_commit_callbacks(execute=True):
        locked = browser.post(path, {"code": wrong})
    assert locked.status_code == 200 and "locked" in html(locked)
    assert mailoutbox[-1].to == [lead.email] and "locked" in mailoutbox[-1].subject
    # The right code no longer opens it ...
    still = browser.post(path, {"code": code})
    assert "locked" in html(still) and not RoomEvent.objects.filter(kind="entered").exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ROOM, summary__contains="locked")
    # ... until the lead issues a new link and code; the old link is dead.
    with django_capture_on_commit_callbacks(execute=True):
        issued = room_services.room_recipient_reissue(
            actor=lead, case=room.case, recipient_id=room.recipients.get().pk
        )
    new_path = LINK.search(mailoutbox[-1].body).group(1)
    assert new_path != path and Browser().get(path).status_code == 404
    enter(new_path, issued.code)


@pytest.mark.django_db
def test_the_code_is_accepted_with_or_without_its_space(opened):
    _, path, code = opened
    enter(path, code.replace(" ", ""))
    enter(path, f" {code} ")


@pytest.mark.django_db
def test_the_session_is_bound_to_the_link_and_times_out(opened, lead, settings):
    room, path, code = opened
    browser = enter(path, code)
    assert browser.get(reverse("room:inside")).status_code == 200
    settings.CLEANBREAK_ROOM_IDLE_MINUTES = 0
    assert browser.get(reverse("room:inside")).status_code == 404
    settings.CLEANBREAK_ROOM_IDLE_MINUTES = 30
    browser = enter(path, code)
    room_services.room_recipient_reissue(
        actor=lead, case=room.case, recipient_id=room.recipients.get().pk
    )
    assert browser.get(reverse("room:inside")).status_code == 404


# --- Nothing is revealed or changed by a GET --------------------------------------------


@pytest.mark.django_db
def test_a_get_of_every_room_url_changes_nothing_and_shows_no_secret(opened):
    room, path, code = opened
    login = room.logins.get(system="WordPress")
    inside = enter(path, code)
    before = state()
    urls = [
        path,
        reverse("room:inside"),
        reverse("room:reveal", args=[login.pk]),
        reverse("room:changed", args=[login.pk]),
        reverse("room:download", args=["handover"]),
        reverse("room:acknowledge"),
        reverse("room:leave"),
    ]
    for browser in (Browser(), inside):
        for url in urls:
            response = browser.get(url)
            assert response.status_code in (200, 404, 405), url
            for secret in (SECRET, OTHER_SECRET, RECOVERY, code, code.replace(" ", "")):
                assert secret not in html(response), url
    assert state() == before
    assert inside.get(reverse("room:inside")).status_code == 200  # still inside


@pytest.mark.django_db
def test_every_room_answer_is_private_to_the_browser(opened):
    room, path, code = opened
    login = room.logins.get(system="WordPress")
    browser = Browser()
    answers = [
        browser.get(path),
        Browser().get("/handover/not-a-token/"),
        browser.post(path, {"code": "12"}),
    ]
    browser = enter(path, code)
    answers += [
        browser.get(reverse("room:inside")),
        browser.post(reverse("room:reveal", args=[login.pk])),
        browser.post(reverse("room:download", args=["handover"])),
    ]
    for response in answers:
        assert "no-store" in response["Cache-Control"]
        assert response["Referrer-Policy"] == "no-referrer"
        assert "noindex" in response["X-Robots-Tag"]
        assert "default-src 'self'" in response["Content-Security-Policy"]
        if response["Content-Type"].startswith("text/html"):
            assert not re.search(r"""(src|href)="https?://""", html(response))


# --- Inside: reveal, changed, download ----------------------------------------------------


@pytest.mark.django_db
def test_a_secret_is_absent_until_its_reveal_and_each_reveal_is_recorded_once(opened):
    room, path, code = opened
    browser = enter(path, code)
    page = html(browser.get(reverse("room:inside")))
    assert "WordPress" in page and "admin@acme.example" in page
    for secret in (SECRET, OTHER_SECRET, RECOVERY):
        assert secret not in page
    login = room.logins.get(system="WordPress")
    revealed = browser.post(
        reverse("room:reveal", args=[login.pk]), HTTP_USER_AGENT="PhoneBrowser/1.0"
    )
    assert SECRET in html(revealed) and RECOVERY in html(revealed)
    assert OTHER_SECRET not in html(revealed)  # one login at a time
    events = RoomEvent.objects.filter(kind=RoomEvent.Kind.REVEALED)
    assert events.count() == 1
    event = events.get()
    assert (event.login, event.ip_address, event.user_agent) == (
        login,
        "127.0.0.1",
        "PhoneBrowser/1.0",
    )
    assert (
        AuditEvent.objects.filter(
            action=AuditEvent.Action.ROOM,
            case_id=room.case_id,
            summary__contains="revealed WordPress",
        ).count()
        == 1
    )
    browser.post(reverse("room:reveal", args=[login.pk]))
    assert events.count() == 2  # a second reveal is a second record


@pytest.mark.django_db
def test_a_login_of_another_room_cannot_be_revealed(opened, cases, globex, other_lead):
    _, path, code = opened
    foreign = cases.in_progress(globex)
    ContactFactory(client=globex, receives_handover=True)
    foreign = prepare(foreign, other_lead)
    other_room, _ = room_services.room_open(
        actor=other_lead, case=foreign, contacts=list(globex.contacts.all())
    )
    browser = enter(path, code)
    response = browser.post(reverse("room:reveal", args=[other_room.logins.first().pk]))
    assert response.status_code == 409 and SECRET not in html(response)
    assert not RoomEvent.objects.filter(kind=RoomEvent.Kind.REVEALED).exists()


@pytest.mark.django_db
def test_marking_a_password_changed_is_recorded_once_and_shown_to_the_lead(opened, lead):
    room, path, code = opened
    browser = enter(path, code)
    login = room.logins.get(system="Mailchimp")
    for _ in range(2):
        response = browser.post(reverse("room:changed", args=[login.pk]))
        assert response.status_code == 302
    assert RoomEvent.objects.filter(kind=RoomEvent.Kind.CHANGED).count() == 1
    login.refresh_from_db()
    assert login.changed_at and login.changed_by.name == "Olga Office"
    lead_browser = Browser()
    lead_browser.force_login(lead)
    panel = html(lead_browser.get(reverse("offboarding:room_panel", args=[room.case_id])))
    assert "Mailchimp" in panel and "Changed" in panel and "Olga Office" in panel


@pytest.mark.django_db
def test_the_documents_download_as_offered_and_are_recorded(opened):
    room, path, code = opened
    browser = enter(path, code)
    response = browser.post(reverse("room:download", args=["handover"]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content == room.handover.read_pdf()
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "WordPress" in text and SECRET not in text
    assert RoomEvent.objects.filter(kind=RoomEvent.Kind.DOWNLOADED).count() == 1
    # No letter was written: nothing to download, and no other kind exists.
    assert browser.post(reverse("room:download", args=["letter"])).status_code == 409
    assert browser.post(reverse("room:download", args=["dossier"])).status_code == 409


# --- The receipt --------------------------------------------------------------------------


@pytest.mark.django_db
def test_acknowledging_twice_saves_one_receipt_with_the_hash_of_the_pdf_offered(
    opened, lead, mailoutbox, django_capture_on_commit_callbacks
):
    room, path, code = opened
    browser = enter(path, code)
    login = room.logins.get(system="WordPress")
    browser.post(reverse("room:reveal", args=[login.pk]))
    offered = browser.post(reverse("room:download", args=["handover"])).content
    form = {"name": "Olga Office", "role": "Office manager", "confirmed": "on", "comment": "OK"}
    with django_capture_on_commit_callbacks(execute=True):
        first = browser.post(reverse("room:acknowledge"), form, HTTP_USER_AGENT="Phone/2")
    with django_capture_on_commit_callbacks(execute=True):
        second = browser.post(reverse("room:acknowledge"), form)
    assert first.status_code == second.status_code == 302
    receipt = Receipt.objects.get()
    assert receipt.handover_sha256 == hashlib.sha256(offered).hexdigest()
    assert (receipt.name, receipt.role, receipt.user_agent) == (
        "Olga Office",
        "Office manager",
        "Phone/2",
    )
    wordpress = next(i for i in receipt.items["logins"] if i["system"] == "WordPress")
    assert len(wordpress["reveals"]) == 1
    assert refreshed(room.case).handover_delivered
    assert RoomEvent.objects.filter(kind=RoomEvent.Kind.ACKNOWLEDGED).count() == 1
    assert AuditEvent.objects.filter(summary__startswith="Handover acknowledged").count() == 1
    lead_mail = [m for m in mailoutbox if m.to == [lead.email]]
    assert len(lead_mail) == 1 and receipt.handover_sha256 in lead_mail[0].body
    # The receipt's PDF is attached to the case and reads back.
    document = receipt.document
    document.refresh_from_db()
    assert document.kind == Document.Kind.RECEIPT and document.status == Document.Status.READY
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(document.read_pdf())).pages)
    flat = re.sub(r"\s+", "", text)
    assert "Olga Office" in text and receipt.handover_sha256 in flat and "WordPress" in text
    assert SECRET not in text
    # The client sees the receipt and can download its PDF.
    page = html(browser.get(reverse("room:inside")))
    assert "Handover acknowledged" in page and receipt.handover_sha256 in page
    pdf = browser.post(reverse("room:download", args=["receipt"]))
    assert pdf.content == document.read_pdf()
    # And so does the lead, on the case.
    lead_browser = Browser()
    lead_browser.force_login(lead)
    url = reverse("offboarding:document_download", args=[room.case_id, document.pk])
    assert lead_browser.get(url).status_code == 200


@pytest.mark.django_db
def test_an_acknowledgement_needs_a_name_and_the_confirmation_and_keeps_what_was_typed(opened):
    room, path, code = opened
    browser = enter(path, code)
    response = browser.post(reverse("room:acknowledge"), {"name": "Olga", "comment": "Kept text"})
    assert response.status_code == 400
    assert "Kept text" in html(response)
    assert not Receipt.objects.exists()


# --- The lead's side ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_lead_opens_the_room_from_its_page_and_sees_the_codes_once(
    room_case, lead, staff, contact, django_capture_on_commit_callbacks
):
    url = reverse("offboarding:room", args=[room_case.pk])
    staff_browser = Browser()
    staff_browser.force_login(staff)
    assert staff_browser.get(url).status_code == 403
    browser = Browser()
    browser.force_login(lead)
    page = browser.get(url)
    assert page.status_code == 200 and "Olga Office" in html(page)
    data = {"recipients": [contact.pk], "days": 14, "include_logins": "on", "language": "nl"}
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(url, data)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    code = re.search(r"data-access-code>([0-9 ]+)<", html(response)).group(1)
    recipient = RoomRecipient.objects.get()
    assert recipient.room.language == "nl"
    from django.contrib.auth.hashers import check_password

    assert check_password(code.replace(" ", ""), recipient.code_hash)
    # Shown once: the room's page lists the recipient, never the code.
    assert code not in html(browser.get(url))
    case_page = html(browser.get(reverse("offboarding:detail", args=[room_case.pk])))
    assert "Olga Office" in case_page and 'hx-get="/offboardings/' in case_page


@pytest.mark.django_db
def test_a_rejected_open_form_keeps_what_was_typed(room_case, lead, contact):
    browser = Browser()
    browser.force_login(lead)
    url = reverse("offboarding:room", args=[room_case.pk])
    response = browser.post(url, {"recipients": [contact.pk], "days": 45, "language": "it"})
    assert response.status_code == 200 and not HandoverRoom.objects.exists()
    assert 'value="45"' in html(response)


@pytest.mark.django_db
def test_extend_within_the_limit(opened, lead):
    room, _, _ = opened
    room_services.room_extend(actor=lead, case=room.case, days=30)
    room.refresh_from_db()
    assert room.expires_at > timezone.now() + dt.timedelta(days=29)
    with pytest.raises(Refused):
        room_services.room_extend(actor=lead, case=room.case, days=31)


@pytest.mark.django_db
def test_secrets_are_destroyed_only_after_the_room_and_the_audit_keeps_it(
    opened, lead, cases, django_capture_on_commit_callbacks
):
    room, path, code = opened
    printed = cases.export_handover(room.case)  # an earlier export, passwords printed
    stored = printed.file.name
    with pytest.raises(Refused, match="still open"):
        room_services.room_secrets_destroy(actor=lead, case=room.case)
    room_services.room_revoke(actor=lead, case=room.case)
    with django_capture_on_commit_callbacks(execute=True):
        assert room_services.room_secrets_destroy(actor=lead, case=room.case) == 2
    printed.refresh_from_db()
    assert printed.file.name == "" and printed.sha256  # the record stays, not the file
    assert not printed.file.storage.exists(stored)
    assert room.handover.file.storage.exists(room.handover.file.name)  # it printed none
    lead_browser = Browser()
    lead_browser.force_login(lead)
    url = reverse("offboarding:document_download", args=[room.case_id, printed.pk])
    assert lead_browser.get(url).status_code == 404
    assert AuditEvent.objects.filter(
        summary=f"Handover v{printed.version} erased: it held the client's secrets"
    ).exists()
    assert not any(c.secret or c.recovery_note for c in Credential.objects.all())
    assert HandoverRoom.objects.get(pk=room.pk).secrets_destroyed_at is not None
    event = AuditEvent.objects.filter(summary__startswith="Client secrets destroyed").get()
    assert "2 logins" in event.summary


# --- Nothing internal -----------------------------------------------------------------------


@pytest.mark.django_db
def test_nothing_internal_reaches_the_room_or_its_receipt(
    internal_case, lead, contact, mailoutbox, django_capture_on_commit_callbacks
):
    case = prepare(internal_case, lead)
    with django_capture_on_commit_callbacks(execute=True):
        room, issued = room_services.room_open(actor=lead, case=case, contacts=[contact])
    path = LINK.search(mailoutbox[-1].body).group(1)
    browser = enter(path, issued[0].code)
    room = HandoverRoom.objects.get(pk=room.pk)
    login = room.logins.get(system="WordPress")
    pages = [browser.get(path), browser.get(reverse("room:inside"))]
    pages.append(browser.post(reverse("room:reveal", args=[login.pk])))
    with django_capture_on_commit_callbacks(execute=True):
        browser.post(reverse("room:acknowledge"), {"name": "Olga", "confirmed": "on"})
    pages.append(browser.get(reverse("room:inside")))
    receipt = Receipt.objects.get()
    pdf = receipt.document.__class__.objects.get(pk=receipt.document_id).read_pdf()
    texts = [html(p) for p in pages]
    texts.append("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    texts += [m.body for m in mailoutbox]
    for text in texts:
        for marker in (*INTERNAL_MARKERS, "ZQX-INTERNAL-7735"):
            assert marker not in text


@pytest.mark.django_db
def test_the_link_and_the_code_reach_no_log_line_and_no_column(opened, lead, caplog):
    import logging

    from tests.test_secret_leaks import raw_database_text

    caplog.set_level(logging.DEBUG)
    room, path, code = opened
    token = path.split("/")[2]
    browser = enter(path, code)
    browser.get(reverse("room:inside"))
    Browser(enforce_csrf_checks=True).post(path, {"code": code})  # refused: no CSRF token
    Browser().post(path, {"code": "9" * 8})
    room_services.room_revoke(actor=lead, case=room.case)
    Browser().get(path)  # a dead link: Django logs its path
    assert "/handover/…/" in caplog.text
    stored = raw_database_text()
    for secret in (token, code, code.replace(" ", "")):
        assert secret not in caplog.text
        assert secret not in stored


@pytest.mark.django_db
def test_an_account_opens_nothing_in_the_room(opened, lead, manager):
    """The room answers every role alike: only the room session (the code) lets one in."""
    room, _, _ = opened
    login = room.logins.first()
    for person in (None, lead, manager):
        browser = Browser()
        if person:
            browser.force_login(person)
        assert browser.get(reverse("room:inside")).status_code == 404
        response = browser.post(reverse("room:reveal", args=[login.pk]))
        assert response.status_code == 404 and SECRET not in html(response)
        assert browser.post(reverse("room:acknowledge"), {"name": "X"}).status_code == 404
    assert not RoomEvent.objects.filter(kind=RoomEvent.Kind.REVEALED).exists()


@pytest.mark.django_db
def test_origin_null_is_accepted_only_from_the_room_itself(opened, settings):
    """The room's no-referrer policy makes browsers post with Origin: null; that is accepted
    on the room's pages from the same site, with the CSRF token, and nowhere else."""
    _, path, code = opened

    def post(url, **headers):
        browser = Browser(enforce_csrf_checks=True)
        page = browser.get(url)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html(page)).group(1)
        data = {"code": code, "csrfmiddlewaretoken": token, "username": "x", "password": "y"}
        return browser.post(url, data, HTTP_ORIGIN="null", **headers)

    assert post(path, HTTP_SEC_FETCH_SITE="same-origin").status_code == 302
    assert post(path, HTTP_SEC_FETCH_SITE="cross-site").status_code == 403
    assert post(reverse("login"), HTTP_SEC_FETCH_SITE="same-origin").status_code == 403


@pytest.mark.django_db
def test_the_room_and_its_status_cost_the_same_queries_for_forty_logins(
    room_case, lead, contact, mailoutbox, django_capture_on_commit_callbacks
):
    """An account lead hands over forty logins: neither the client's page nor the lead's
    live status asks the database once per login."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def counts(n_extra: int) -> tuple[int, int]:
        for i in range(n_extra):
            services.credential_save(
                actor=lead, case=room_case, system=f"Tool {i:02d}", username="u", secret="s"
            )
        services.handover_complete(actor=lead, case=room_case)
        with django_capture_on_commit_callbacks(execute=True):
            room, issued = room_services.room_open(actor=lead, case=room_case, contacts=[contact])
        browser = enter(LINK.search(mailoutbox[-1].body).group(1), issued[0].code)
        for login in room.logins.all()[:3]:
            browser.post(reverse("room:reveal", args=[login.pk]))
        lead_browser = Browser()
        lead_browser.force_login(lead)
        with CaptureQueriesContext(connection) as inside:
            assert browser.get(reverse("room:inside")).status_code == 200
        with CaptureQueriesContext(connection) as panel:
            lead_browser.get(reverse("offboarding:room_panel", args=[room_case.pk]))
        return len(inside), len(panel)

    few = counts(0)
    many = counts(38)
    assert many == few, f"queries with 2 logins {few}, with 40 {many}"


# --- What a review found --------------------------------------------------------------------


@pytest.mark.django_db
def test_a_right_code_forgives_earlier_typos(opened, settings):
    room, path, code = opened
    browser = Browser()
    for _ in range(settings.CLEANBREAK_ROOM_CODE_ATTEMPTS - 1):
        browser.post(path, {"code": "1" if code[0] != "1" else "2"})
    enter(path, code)
    assert room.recipients.get().failed_attempts == 0
    browser.post(path, {"code": "1" if code[0] != "1" else "2"})
    assert room.recipients.get().locked_at is None


@pytest.mark.django_db
def test_digits_from_any_keyboard_are_the_digits_they_stand_for(opened):
    _, path, code = opened
    full_width = "".join(chr(0xFF10 + int(d)) if d.isdigit() else d for d in code)
    arabic_indic = "".join(chr(0x0660 + int(d)) if d.isdigit() else d for d in code)
    enter(path, full_width)
    enter(path, arabic_indic)


@pytest.mark.django_db
def test_ipv6_addresses_of_one_network_share_a_limit_and_no_address_shares_none(opened, settings):
    settings.CLEANBREAK_ROOM_ADDRESS_LIMIT = 2
    _, path, code = opened
    for host in ("2001:db8:1:2::10", "2001:db8:1:2::99"):
        Browser(REMOTE_ADDR=host).get(f"/handover/{secrets.token_urlsafe(32)}/")
    assert Browser(REMOTE_ADDR="2001:db8:1:2::7").post(path, {"code": code}).status_code == 429
    assert Browser(REMOTE_ADDR="2001:db8:1:3::7").post(path, {"code": code}).status_code == 302
    # Requests without a usable address are not counted together.
    for _ in range(3):
        Browser(REMOTE_ADDR="").get(f"/handover/{secrets.token_urlsafe(32)}/")
    assert Browser(REMOTE_ADDR="").post(path, {"code": code}).status_code == 302


@pytest.mark.django_db
def test_the_open_form_sent_twice_opens_one_room_and_sends_one_link(
    room_case, lead, contact, mailoutbox, django_capture_on_commit_callbacks
):
    browser = Browser()
    browser.force_login(lead)
    url = reverse("offboarding:room", args=[room_case.pk])
    token = re.search(r'name="form_once" value="([0-9a-f]{32})"', html(browser.get(url))).group(1)
    data = {"recipients": [contact.pk], "days": 14, "include_logins": "on", "language": "en-gb"}
    with django_capture_on_commit_callbacks(execute=True):
        first = browser.post(url, {**data, "form_once": token})
        again = browser.post(url, {**data, "form_once": token})
    assert first.status_code == 200 and "data-access-code" in html(first)
    assert again.status_code == 302  # back to the room's page, no second set of codes
    assert HandoverRoom.objects.count() == 1 and len(mailoutbox) == 1


@pytest.mark.django_db
def test_a_receipt_needs_the_room_still_open(opened, lead):
    room, path, code = opened
    recipient = room.recipients.get()
    recipient.room.handover.refresh_from_db()
    room_services.room_revoke(actor=lead, case=room.case)
    with pytest.raises(Refused, match="no longer open"):
        room_services.room_acknowledge(recipient=recipient, name="Olga", confirmed=True)
    assert not Receipt.objects.exists()


class BouncingBackend:
    """A mail server that refuses one address (and only that one)."""

    def __init__(self, *args, **kwargs):
        from django.core.mail.backends.locmem import EmailBackend

        self.inner = EmailBackend(*args, **kwargs)

    def send_messages(self, messages):
        if any("bounce" in address for m in messages for address in m.to):
            raise ConnectionRefusedError("refused")
        return self.inner.send_messages(messages)


@pytest.mark.django_db
def test_a_link_the_mail_server_refuses_is_shown_to_the_lead_and_the_others_still_go(
    room_case, lead, acme, contact, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.offboarding.test_room.BouncingBackend"
    bouncing = ContactFactory(client=acme, name="Bo Unce", email="bounce@acme.example")
    with django_capture_on_commit_callbacks(execute=True):
        room, _ = room_services.room_open(actor=lead, case=room_case, contacts=[bouncing, contact])
    assert [m.to for m in mailoutbox] == [[contact.email]]
    failed = room.recipients.get(name="Bo Unce")
    assert failed.sent_at is None and failed.send_error == "ConnectionRefusedError"
    assert room.recipients.get(name="Olga Office").sent_at is not None
    lead_browser = Browser()
    lead_browser.force_login(lead)
    panel = html(lead_browser.get(reverse("offboarding:room_panel", args=[room_case.pk])))
    assert "Not sent: send a new link" in panel
