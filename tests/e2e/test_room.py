"""The handover room in Chromium: the lead opens it, the client's office manager (another
browser, no session, a phone-sized screen) enters the code, reveals a login, marks it
changed and acknowledges; the lead's case page shows all of it and the receipt PDF reads
back. Each room page passes axe-core, in every language."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect
from pypdf import PdfReader

from offboarding import services
from offboarding.models import Asset, Receipt
from offboarding.services import room as room_services
from tests.e2e.test_accessibility import axe_violations, describe
from tests.factories import ClientFactory, ContactFactory
from tests.offboarding.conftest import SECRET, CaseBuilder

PHONE = {"width": 390, "height": 844}
LINK = re.compile(r"http://[^/\s]+(/handover/[A-Za-z0-9_-]{40,}/)")
RECOVERY = "Backup codes: 1111-2222 3333-4444"
SHOTS = Path("/tmp/shots/room")


@pytest.fixture
def handover_ready(lead, manager):
    client = ClientFactory(name="Copperleaf Bakery", account_lead=lead)
    ContactFactory(client=client, name="Olga Office", role="Office manager", receives_handover=True)
    case = CaseBuilder(lead=lead, manager=manager).in_progress(client)
    services.credential_save(
        actor=lead,
        case=case,
        system="WordPress",
        url="https://copperleaf.example/wp-admin",
        username="admin",
        secret=SECRET,
        recovery_note=RECOVERY,
    )
    services.credential_save(
        actor=lead, case=case, system="Mailchimp", username="news", secret="other-secret-77"
    )
    services.asset_save(
        actor=lead, case=case, name="copperleaf.example", kind=Asset.Kind.DOMAIN, owner_after=""
    )
    services.handover_instructions_save(
        actor=lead, case=case, text="Change each password once you have logged in."
    )
    services.handover_complete(actor=lead, case=case)
    return case


def shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_the_client_reveals_marks_changed_and_signs_and_the_lead_sees_it(
    page, browser, live_server, login, lead, handover_ready, mailoutbox, tmp_path
):
    case = handover_ready
    # The lead opens the room from the case page.
    login(page, lead)
    page.goto(f"{live_server.url}/offboardings/{case.pk}/")
    page.get_by_role("link", name="Open the handover room…").click()
    expect(page.get_by_label(re.compile("Olga Office"))).to_be_checked()
    page.get_by_role("button", name="Open the room and send the links").click()
    code = page.locator("[data-access-code]").inner_text()
    assert re.fullmatch(r"\d{4} \d{4}", code)
    shoot(page, "lead-codes")
    path = LINK.search(mail.outbox[-1].body).group(1)

    # The client: another browser, nothing shared with the lead, a phone's screen.
    context = browser.new_context(viewport=PHONE, user_agent="OfficePhone/1.0")
    phone = context.new_page()
    phone.goto(f"{live_server.url}{path}")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Your handover")
    assert SECRET not in phone.content()
    problems = describe("landing", axe_violations(phone))
    shoot(phone, "client-landing")
    # By keyboard: the code field has the focus; Enter sends it.
    phone.keyboard.type(code)
    phone.keyboard.press("Enter")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Handover for Copperleaf Bakery")
    assert SECRET not in phone.content() and RECOVERY not in phone.content()
    problems += describe("room", axe_violations(phone))
    # The page fits the phone: nothing wider than the screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(phone, "client-room")

    phone.get_by_role("button", name="Reveal the password of WordPress").click()
    expect(phone.locator("[data-secret]")).to_have_text(SECRET)
    expect(phone.locator("[data-recovery]")).to_contain_text("1111-2222")
    assert "other-secret-77" not in phone.content()
    problems += describe("room with a secret shown", axe_violations(phone))
    shoot(phone, "client-revealed")
    phone.get_by_role("button", name="I have changed this password (WordPress)").click()
    expect(phone.locator("li", has_text="WordPress")).to_contain_text("Password changed")

    with phone.expect_download() as handover_download:
        phone.get_by_role("button", name=re.compile("Handover \\(PDF")).click()
    offered = Path(handover_download.value.path()).read_bytes()

    expect(phone.get_by_label("Your name")).to_have_value("Olga Office")
    phone.get_by_label("I confirm that I have received the handover").check()
    phone.get_by_label("Comment (optional)").fill("All clear, thank you.")
    phone.get_by_role("button", name="Acknowledge the handover").click()
    expect(phone.locator("#receipt-title")).to_have_text("Handover acknowledged")
    problems += describe("room acknowledged", axe_violations(phone))
    shoot(phone, "client-receipt")
    assert not problems, "\n".join(problems)

    receipt = Receipt.objects.get()
    assert receipt.handover_sha256 == hashlib.sha256(offered).hexdigest()
    assert receipt.user_agent == "OfficePhone/1.0"

    # The lead's case page shows every step, and the receipt PDF reads back.
    page.goto(f"{live_server.url}/offboardings/{case.pk}/")
    panel = page.locator("#room-panel")
    expect(panel).to_contain_text("Olga Office")
    expect(panel).to_contain_text("1 of 2 logins revealed, 1 changed")
    expect(panel).to_contain_text("Handover acknowledged")
    expect(panel).to_contain_text(receipt.handover_sha256)
    shoot(page, "lead-case")
    with page.expect_download() as receipt_download:
        panel.get_by_role("link", name="Download the receipt (PDF)").click()
    pdf = PdfReader(io.BytesIO(Path(receipt_download.value.path()).read_bytes()))
    text = "".join(p.extract_text() for p in pdf.pages)
    assert "Olga Office" in text and "WordPress" in text
    assert receipt.handover_sha256 in re.sub(r"\s+", "", text)
    assert SECRET not in text
    context.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en-gb", "nl", "it", "hu"])
def test_the_room_speaks_the_clients_language_and_meets_wcag_aa(
    browser, live_server, lead, handover_ready, language
):
    case = handover_ready
    contact = case.client.contacts.get()
    room, issued = room_services.room_open(
        actor=lead, case=case, contacts=[contact], language=language
    )
    path = LINK.search(mail.outbox[-1].body).group(1)
    with translation.override(language):
        open_button = gettext("Open the handover")
        subject = gettext("Your handover from %(agency)s") % {"agency": "Northwind Digital"}
    assert mail.outbox[-1].subject == subject
    context = browser.new_context(viewport=PHONE)
    phone = context.new_page()
    phone.goto(f"{live_server.url}{path}")
    assert phone.locator("html").get_attribute("lang") == language
    problems = describe(f"{language} landing", axe_violations(phone))
    phone.get_by_role("textbox").fill(issued[0].code)
    phone.get_by_role("button", name=open_button).click()
    expect(phone.locator("main")).to_contain_text("WordPress")
    phone.locator("form[action*='/reveal/'] button").first.click()
    expect(phone.locator("[data-secret]")).to_be_visible()
    problems += describe(f"{language} room", axe_violations(phone))
    assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shoot(phone, f"room-{language}")
    assert not problems, "\n".join(problems)
    context.close()
