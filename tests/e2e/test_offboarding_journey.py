"""The whole offboarding in Chromium: staff proposes, a manager approves, the lead runs
every step to completion."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from agency.models import AuditEvent
from clients.models import Client
from offboarding.models import Offboarding
from tests.factories import ContactFactory, ContractFactory, IncidentFactory, RepairAttemptFactory


@pytest.fixture
def difficult_client(lead, staff):
    from tests.factories import ClientFactory

    client = ClientFactory(name="Vantage Motors Regional", account_lead=lead, team=[staff])
    today = timezone.localdate()
    ContractFactory(
        client=client,
        title="Campaign management agreement",
        start_date=today - datetime.timedelta(days=400),
        end_date=today + datetime.timedelta(days=200),
        notice_days=30,
        termination_clause_ref="11.3",
    )
    ContactFactory(client=client, name="Rita Vance", receives_handover=True)
    IncidentFactory(
        client=client,
        category="abusive",
        severity=4,
        occurred_on=today - datetime.timedelta(days=5),
        title="Threatening voicemail",
        description="INTERNAL-ONLY: the CEO left a threatening voicemail for our designer.",
        reported_by=staff,
    )
    RepairAttemptFactory(client=client, kind="conversation", outcome="worse")
    return client


def submit(page, name):
    page.get_by_role("button", name=name).click()


@pytest.mark.django_db(transaction=True)
def test_staff_proposes_manager_approves_lead_completes(
    page, live_server, browser, login, staff, manager, lead, difficult_client
):
    url = live_server.url

    # 1. Staff proposes.
    login(page, staff)
    page.goto(f"{url}/clients/{difficult_client.pk}/")
    page.get_by_role("link", name="Propose offboarding").click()
    page.get_by_label("Threatening voicemail", exact=False).check()
    page.get_by_label("Honest conversation", exact=False).check()
    page.get_by_label("Immediately (abuse or unethical requests)").check()
    page.get_by_label("Summary for the manager").fill(
        "Repeated abuse towards our designer; a conversation made it worse."
    )
    submit(page, "Submit for approval")
    expect(page.get_by_role("status").first).to_contain_text("Proposal submitted")
    case = Offboarding.objects.get(client=difficult_client)
    assert case.status == "proposed"

    # 2. The manager approves, seeing the evidence summary.
    manager_page = browser.new_page()
    login(manager_page, manager)
    navigation = manager_page.get_by_role("navigation", name="Main navigation")
    expect(navigation).to_contain_text("Approvals 1")
    # The dashboard lists it too, under "Awaiting your decision".
    expect(manager_page.get_by_role("region", name="Awaiting your decision")).to_contain_text(
        "Vantage Motors Regional"
    )
    navigation.get_by_role("link", name="Approvals").click()
    manager_page.get_by_role("link", name="Vantage Motors Regional").click()
    expect(manager_page.get_by_text("Abusive or disrespectful behaviour: 1")).to_be_visible()
    manager_page.get_by_label("Comment").fill("Agreed: we protect our people.")
    submit(manager_page, "Approve")
    expect(manager_page.get_by_role("status").first).to_contain_text("Offboarding approved")
    manager_page.close()

    # 3. The lead runs every step.
    lead_page = browser.new_page()
    page = lead_page
    login(page, lead)
    page.goto(f"{url}/offboardings/")
    page.get_by_role("link", name="Vantage Motors Regional").click()

    page.get_by_role("link", name="Contract review", exact=True).click()
    page.get_by_label("Immediately").check()
    submit(page, "Calculate and save")
    expect(page.get_by_role("alert")).to_contain_text("the contract requires 30")
    expect(page.get_by_text("Effective end date")).to_be_visible()

    page.get_by_role("link", name="Deliverables", exact=True).click()
    page.get_by_label("Name").fill("Spring campaign landing page")
    page.get_by_label("Client's answer").select_option(label="Still needed")
    page.get_by_label("Decision").select_option(label="Hand over unfinished")
    submit(page, "Save deliverable")
    expect(
        page.get_by_role("cell", name="Spring campaign landing page", exact=True)
    ).to_be_visible()
    submit(page, "Mark deliverables settled")
    expect(page.get_by_role("status").first).to_contain_text("Deliverables step done")

    page.get_by_role("link", name="Call planning", exact=True).click()
    # E-mail is not offered: the help text says why a call is needed.
    assert "E-mail only" not in page.get_by_label("Channel").inner_text()
    expect(page.get_by_text("that is why e-mail is not offered")).to_be_visible()
    # The call took place an hour ago (the outcome is recorded below).
    when = (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    page.get_by_label("Date and time").fill(when)
    page.get_by_label("Channel").select_option(label="Video call")
    page.get_by_label("Talking points", exact=True).fill(
        "Decision is final. Smooth handover. Referral."
    )
    page.get_by_label("Recommended provider").fill("Keystone Automotive Marketing")
    page.get_by_label("Talking points written").check()
    page.get_by_label("Script rehearsed").check()
    submit(page, "Save call plan")
    # No script yet: nothing to rehearse. Save, read the generated script, then tick.
    expect(page.get_by_text("There is no script yet to rehearse")).to_be_visible()
    page.get_by_label("Script rehearsed").uncheck()
    submit(page, "Save call plan")
    expect(page.get_by_role("status").first).to_contain_text("Call plan saved")
    page.get_by_label("Script rehearsed").check()
    page.get_by_label("Agreed internally").check()
    submit(page, "Save call plan")
    expect(page.get_by_role("status").first).to_contain_text("Call plan saved")
    script = page.get_by_label("Script", exact=True).input_value()
    assert "Vantage Motors Regional" in script
    assert "Keystone Automotive Marketing" in script
    assert "INTERNAL-ONLY" not in script and "voicemail" not in script

    page.get_by_role("link", name="Call outcome", exact=True).click()
    page.get_by_label("Yes, it was held").check()
    page.get_by_label("When it was held").fill(timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("How the client reacted").select_option(label="Upset")
    page.get_by_label("Pushback").fill("Promised to behave better if we stay.")
    submit(page, "Record outcome")
    expect(page.get_by_role("status").first).to_contain_text("The decision stands")

    page.get_by_role("link", name="Handover contents", exact=True).click()
    page.get_by_role("link", name="Add a credential").click()
    page.get_by_label("System").fill("Google Ads")
    page.get_by_label("Username").fill("ads@vantage.example")
    page.get_by_label("Password or secret").fill("s3cret-Handover-Value!")
    submit(page, "Save")
    expect(page.get_by_role("status").first).to_contain_text("Credential saved")
    assert "s3cret-Handover-Value!" not in page.content()
    page.get_by_role("button", name="Reveal secret for Google Ads").click()
    expect(page.locator("[data-secret]")).to_have_text("s3cret-Handover-Value!")
    page.get_by_role("link", name="Add an asset").click()
    page.get_by_label("Name").fill("vantage-motors.example")
    page.get_by_label("Kind").select_option(label="Domain")
    submit(page, "Save")
    page.get_by_role("textbox", name="Takeover instructions").fill(
        "Accept the ownership invitations.\n\n- Google Ads: change the password\n- Domain: unlock"
    )
    submit(page, "Save instructions")
    expect(page.get_by_role("listitem").filter(has_text="Domain: unlock")).to_be_visible()
    submit(page, "Mark handover contents complete")
    expect(page.get_by_role("status").first).to_contain_text("Handover contents complete")

    page.get_by_role("link", name="Handover contents", exact=True).click()
    page.get_by_role("link", name="Export the handover PDF…").click()
    page.get_by_label("Leave the secrets out", exact=False).check()
    submit(page, "Export handover")
    expect(page.locator("#documents-panel")).to_contain_text("Handover v1")
    expect(page.locator("#documents-panel")).to_contain_text("Ready")

    # Close-out: the ledger. A row for each handover login, each door closed, the asset's
    # transfer confirmed; then the invoice and the handover.
    page.get_by_role("link", name="Close-out", exact=True).click()
    submit(page, "Add a row for each handover login")
    expect(page.get_by_role("status").first).to_contain_text("added from the handover logins")
    done_buttons = page.get_by_role("button", name=re.compile(r"^Mark done"))
    while done_buttons.count():
        done_buttons.first.click()
        expect(page.get_by_role("status").first).to_contain_text("closed")
    page.get_by_label(re.compile(r"^Transfer of ")).first.select_option("confirmed")
    submit(page, "Set")
    expect(page.locator("#ledger")).to_contain_text("0 of 2 rows still open")
    for label in ("Final invoice settled or refund paid", "Handover delivered to the client"):
        page.get_by_label(label).check()
    submit(page, "Save checklist")
    page.get_by_role("link", name="Vantage Motors Regional").first.click()
    submit(page, "Complete offboarding")
    expect(page.get_by_role("status").first).to_contain_text("Offboarding completed")

    case.refresh_from_db()
    assert case.status == "completed"
    assert Client.objects.get(pk=difficult_client.pk).status == "offboarded"
    actions = set(AuditEvent.objects.filter(case_id=case.pk).values_list("action", flat=True))
    assert {"transition", "decision", "step", "reveal"} <= actions
