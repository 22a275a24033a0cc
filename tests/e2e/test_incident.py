"""Staff logs an incident with an evidence file in Chromium and finds it on the timeline."""

import datetime

import pytest
from playwright.sync_api import expect

from clients.models import Incident
from tests.factories import ClientFactory
from tests.files import png_bytes


@pytest.mark.django_db(transaction=True)
def test_staff_logs_incident_with_evidence_and_sees_it_on_timeline(
    page, live_server, staff, login, tmp_path
):
    client = ClientFactory(name="Vantage Motors Regional", team=[staff])
    screenshot = tmp_path / "angry-call-notes.png"
    screenshot.write_bytes(png_bytes())

    login(page, staff)
    page.get_by_role("link", name="Clients").click()
    page.get_by_role("link", name="Vantage Motors Regional").click()
    page.get_by_role("link", name="Log an incident").first.click()
    expect(page.get_by_text("Internal — never shared with the client")).to_be_visible()

    page.get_by_label("Date it happened").fill(datetime.date.today().isoformat())
    page.get_by_label("Category").select_option(label="Abusive or disrespectful behaviour")
    page.get_by_label("Severity").select_option(label="High")
    page.get_by_label("Short title").fill("Shouted at our designer on the weekly call")
    page.get_by_label("Factual description").fill(
        "During the 10:00 call the client's CEO raised his voice and called the work useless."
    )
    page.get_by_label("Evidence files").set_input_files(str(screenshot))
    page.get_by_role("button", name="Log incident").click()

    expect(page.get_by_role("status").first).to_contain_text("Incident logged")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Shouted at our designer on the weekly call"
    )
    expect(page.get_by_role("link", name="angry-call-notes.png")).to_be_visible()

    page.get_by_role("link", name=client.name).click()
    page.get_by_role("link", name="Timeline").click()
    timeline = page.locator("ol.timeline")
    expect(timeline).to_contain_text("Incident: Shouted at our designer on the weekly call")
    expect(timeline).to_contain_text("Abusive or disrespectful behaviour · High")

    incident = Incident.objects.get(client=client)
    assert incident.reported_by == staff
    assert incident.evidence.get().original_name == "angry-call-notes.png"
