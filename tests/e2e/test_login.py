"""A manager logs in through the real form in Chromium and sees the dashboard."""

from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect


@pytest.mark.django_db(transaction=True)
def test_manager_logs_in_and_sees_styled_dashboard(page, live_server, manager, login):
    hosts = set()
    page.on("request", lambda request: hosts.add(urlparse(request.url).hostname))

    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    button = page.get_by_role("button", name="Log in")
    # Bootstrap's own stylesheet, served from static/vendor, colours the primary button.
    assert button.evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(13, 110, 253)"

    login(page, manager)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mara")
    expect(page.get_by_role("navigation", name="Main navigation")).to_contain_text("Approvals")
    expect(page.locator("nav")).to_contain_text("Manager")

    assert hosts <= {"127.0.0.1", "localhost"}, hosts
