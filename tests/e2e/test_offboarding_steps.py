"""Small behaviours of the step pages in Chromium: the outcome form shows the date that
fits the answer, a revealed secret can be hidden again, and buttons that start work say
they are busy."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from agency.models import AuditEvent
from offboarding import services
from tests.offboarding.conftest import CaseBuilder


@pytest.fixture
def planned_case(lead, manager, staff):
    from tests.factories import ClientFactory

    client = ClientFactory(name="Vantage Motors Regional", account_lead=lead, team=[staff])
    cases = CaseBuilder(lead=lead, manager=manager)
    case = cases.in_progress(client)
    cases.call_plan(case, scheduled_at=timezone.now() - dt.timedelta(hours=2))
    return case


@pytest.mark.django_db(transaction=True)
def test_the_outcome_form_shows_only_the_date_that_fits(
    page, live_server, login, lead, planned_case
):
    login(page, lead)
    page.goto(f"{live_server.url}/offboardings/{planned_case.pk}/call/outcome/")
    held_at = page.get_by_label("When it was held")
    new_time = page.get_by_label("New date and time")

    expect(held_at).to_be_hidden()
    expect(new_time).to_be_hidden()
    page.get_by_label("Yes, it was held").check()
    expect(held_at).to_be_visible()
    expect(new_time).to_be_hidden()
    page.get_by_label("It was rescheduled").check()
    expect(new_time).to_be_visible()
    expect(held_at).to_be_hidden()


@pytest.mark.django_db(transaction=True)
def test_a_revealed_secret_can_be_hidden_and_revealing_again_is_audited_again(
    page, live_server, login, lead, planned_case
):
    services.credential_save(
        actor=lead,
        case=planned_case,
        system="Registrar",
        username="vantage",
        secret="s3cret-ZQX-Reveal",
        recovery_note="Support PIN 5813",
    )
    login(page, lead)
    page.goto(f"{live_server.url}/offboardings/{planned_case.pk}/handover/")
    row = page.get_by_role("row").filter(has_text="Registrar")

    row.get_by_role("button", name="Reveal secret for Registrar").click()
    cells = row.get_by_role("cell")
    expect(cells.nth(2)).to_contain_text("s3cret-ZQX-Reveal")
    expect(cells.nth(2)).not_to_contain_text("5813")
    expect(cells.nth(3)).to_contain_text("Support PIN 5813")

    row.get_by_role("button", name="Hide secret for Registrar").click()
    assert "s3cret-ZQX-Reveal" not in page.content()
    assert "5813" not in page.content()
    expect(cells.nth(3)).to_contain_text("Shown on reveal")

    row.get_by_role("button", name="Reveal secret for Registrar").click()
    expect(cells.nth(2)).to_contain_text("s3cret-ZQX-Reveal")
    reveals = AuditEvent.objects.filter(case_id=planned_case.pk, action=AuditEvent.Action.REVEAL)
    assert reveals.count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_document_button_is_busy_while_the_document_is_made(
    page, live_server, login, lead, planned_case, settings
):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the embedded default, whatever CI's broker
    login(page, lead)
    page.goto(f"{live_server.url}/offboardings/{planned_case.pk}/")
    expect(page.get_by_text("Documents are made while you wait")).to_be_visible()
    # Stop the post at the window, after the page's own script has seen it: the busy
    # state then stays on screen to be checked, as during a slow render.
    page.evaluate("window.addEventListener('submit', (event) => event.preventDefault())")

    page.get_by_role("button", name="Call brief").click()

    busy = page.get_by_role("button", name="Working…")
    expect(busy).to_be_disabled()
    expect(busy.locator(".spinner-border")).to_be_attached()
