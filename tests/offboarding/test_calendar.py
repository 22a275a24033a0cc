"""A person's calendar feed and the dashboard's "Coming up": the dates of their cases."""

from __future__ import annotations

import datetime as dt
import re

import icalendar
import pytest
from django.test import Client as Browser
from django.urls import reverse
from django.utils import timezone

from agency.models import AuditEvent, CalendarToken
from agency.services import calendar_feed_issue, calendar_feed_revoke
from offboarding import services
from offboarding.models import CallPlan, ContractReview
from tests.factories import ClientFactory

from .conftest import refreshed


def feed_url(token: str) -> str:
    return reverse("feed:ics", args=[token])


def events(body: bytes) -> dict[str, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(body)
    return {str(e["summary"]): e for e in calendar.walk("VEVENT")}


@pytest.fixture
def dated_case(cases, acme):
    """In progress: contract reviewed (notice deadline, effective end), a call planned."""
    case = cases.in_progress(acme)
    cases.call_plan(
        case, scheduled_at=timezone.now() + dt.timedelta(days=2), channel=CallPlan.Channel.VIDEO
    )
    set_dates(case, notice=5, end=10)
    return refreshed(case)


def set_dates(case, *, notice: int, end: int) -> None:
    today = timezone.localdate()
    ContractReview.objects.filter(case=case).update(
        notice_deadline=today + dt.timedelta(days=notice),
        effective_end=today + dt.timedelta(days=end),
    )


@pytest.mark.django_db
def test_the_feed_lists_the_dates_of_ones_cases_and_parses(dated_case, lead, cases, globex):
    foreign = cases.in_progress(globex)  # another lead's client: not in this feed
    services.asset_save(
        actor=lead,
        case=dated_case,
        name="acme.example",
        kind="domain",
        renewal_on=timezone.localdate() + dt.timedelta(days=12),
    )
    token = calendar_feed_issue(actor=lead)
    response = Browser().get(feed_url(token))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "no-store" in response["Cache-Control"]
    found = events(response.content)
    review = dated_case.contract_review
    call = dated_case.call_plan
    assert found["Termination call: Acme Rockets"]["dtstart"].dt == call.scheduled_at.replace(
        microsecond=0
    )
    assert found["Collaboration ends: Acme Rockets"]["dtstart"].dt == review.effective_end
    assert found["Last day to give notice: Acme Rockets"]["dtstart"].dt == review.notice_deadline
    assert not any(foreign.client.name in summary for summary in found)
    assert found["Renewal: acme.example: Acme Rockets"]["dtstart"].dt == (
        timezone.localdate() + dt.timedelta(days=12)
    )
    url = str(found["Termination call: Acme Rockets"]["url"])
    assert url.endswith(reverse("offboarding:detail", args=[dated_case.pk]))
    # Only the client's name and what the date is: nothing of the case's reasons.
    assert dated_case.summary not in response.content.decode()


@pytest.mark.django_db
def test_the_feed_reads_in_its_owners_language(dated_case, lead):
    lead.language = "nl"
    lead.save(update_fields=["language"])
    body = Browser().get(feed_url(calendar_feed_issue(actor=lead))).content.decode()
    assert "Acme Rockets" in body and "Termination call" not in body


@pytest.mark.django_db
def test_a_wrong_revoked_or_replaced_token_answers_404(dated_case, lead, caplog):
    assert Browser().get(feed_url("not-a-real-token-at-all")).status_code == 404
    old = calendar_feed_issue(actor=lead)
    new = calendar_feed_issue(actor=lead)
    assert Browser().get(feed_url(old)).status_code == 404
    assert Browser().get(feed_url(new)).status_code == 200
    assert calendar_feed_revoke(actor=lead)
    assert Browser().get(feed_url(new)).status_code == 404
    assert not CalendarToken.objects.exists()
    assert new not in caplog.text and old not in caplog.text  # 404s log a redacted path
    assert AuditEvent.objects.filter(summary="Calendar feed address revoked").exists()


@pytest.mark.django_db
def test_a_deactivated_person_has_no_feed(dated_case, lead):
    token = calendar_feed_issue(actor=lead)
    lead.is_active = False
    lead.save(update_fields=["is_active"])
    assert Browser().get(feed_url(token)).status_code == 404


@pytest.mark.django_db
def test_the_address_is_shown_once_and_kept_only_as_a_hash(lead):
    browser = Browser()
    browser.force_login(lead)
    page = browser.post(reverse("calendar_feed"), {"action": "create"})
    assert "no-store" in page["Cache-Control"]
    url = re.search(r'value="(http[^"]+\.ics)"', page.content.decode()).group(1)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert token not in CalendarToken.objects.get().token_hash
    assert token not in browser.get(reverse("calendar_feed")).content.decode()
    browser.post(reverse("calendar_feed"), {"action": "revoke"})
    assert Browser().get(feed_url(token)).status_code == 404


@pytest.mark.django_db
def test_coming_up_shows_the_next_30_days_overdue_first(dated_case, lead, cases, acme):
    CallPlan.objects.filter(case=dated_case).update(
        scheduled_at=timezone.now() - dt.timedelta(days=1)
    )  # the call was due yesterday and is still not held
    far = cases.in_progress(ClientFactory(name="Far Future Ltd", account_lead=lead))
    set_dates(far, notice=45, end=60)
    browser = Browser()
    browser.force_login(lead)
    page = browser.get(reverse("dashboard")).content.decode()
    panel = page[page.index('id="coming-up-heading"') :]
    assert panel.index("Overdue") < panel.index("Termination call")
    assert panel.index("Termination call") < panel.index("Last day to give notice")
    assert panel.index("Last day to give notice") < panel.index("Collaboration ends")
    assert "Far Future Ltd" not in panel  # its dates are 45 and 60 days away
