"""A lead adds a client and finds the team by typing names into the searchable picker."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from agency.models import User
from clients.models import Client
from tests.factories import UserFactory

# Set E2E_SCREENSHOTS=/some/dir to keep a picture of the open picker.
SHOT_DIR = Path(os.environ["E2E_SCREENSHOTS"]) if os.environ.get("E2E_SCREENSHOTS") else None


@pytest.mark.django_db(transaction=True)
def test_lead_finds_team_members_by_typing_and_saves_them(page, live_server, login):
    lead = UserFactory(username="lena", first_name="Lena", last_name="White", role=User.Role.LEAD)
    sami = UserFactory(username="sami", first_name="Sami", last_name="Lee")
    UserFactory(username="samuel", first_name="Samuel", last_name="Gone", is_active=False)
    UserFactory(username="otto", first_name="Otto", last_name="Kern")
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    login(page, lead)
    page.goto(f"{live_server.url}/clients/new/")
    page.locator("#id_name").fill("Vantage Motors")
    search = page.get_by_role("combobox", name="Team")
    search.click()
    search.press_sequentially("sam")

    options = page.locator(".ts-dropdown .option")
    expect(options).to_have_count(1)  # Samuel is inactive, Otto does not match
    expect(options.first).to_have_text("Sami Lee — Staff")
    search.press("Enter")
    expect(page.locator(".ts-control .item")).to_have_count(1)
    if SHOT_DIR:
        search.press_sequentially("o")  # the picker open again, on "o": Otto
        page.screenshot(path=SHOT_DIR / "client-form-picker.png", full_page=True)
        search.press("Backspace")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_text("Client added.")).to_be_visible()
    assert set(Client.objects.get(name="Vantage Motors").team.all()) == {lead, sami}
    assert not [e for e in errors if "Content Security Policy" in e or "TomSelect" in e], errors
