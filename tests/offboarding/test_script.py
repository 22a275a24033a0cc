"""What the client hears and what lands in calendars: the call script and the .ics file.

Both are built from the case, and neither may carry the internal record: incident titles
and descriptions, the manager's summary, notes on repair attempts, talking points.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from clients.models import Incident
from offboarding import services
from offboarding.documents.script import NEUTRAL_CONCERNS
from offboarding.models import CallPlan
from tests.factories import ClientFactory, ContactFactory, IncidentFactory

from .conftest import INTERNAL_MARKERS

TALKING_POINTS = "ZQX-TALK-5521 do not mention the lawsuit"


def concern_sentence(category: str) -> str:
    text = NEUTRAL_CONCERNS[category]
    return f"- {text[0].upper()}{text[1:]}."


def assert_nothing_internal(text: str) -> None:
    for marker in (*INTERNAL_MARKERS, "ZQX-TALK-5521"):
        assert marker not in text, f"internal text reached the client: {marker}"


# --- The script ------------------------------------------------------------------------------


def test_the_script_speaks_to_the_client_about_neutral_concerns(cases, internal_case, lead):
    ContactFactory(client=internal_case.client, name="Rita Reyes", receives_handover=True)

    call = cases.call_plan(internal_case, talking_points=TALKING_POINTS, referral_name="Brightside")

    script = call.script
    assert "Acme Rockets" in script
    assert "Hello Rita Reyes" in script
    assert lead.display_name in script
    assert settings.AGENCY_NAME in script
    assert concern_sentence(Incident.Category.ABUSIVE) in script
    assert concern_sentence(Incident.Category.LATE_PAYMENT) in script
    assert "recommend Brightside" in script
    assert_nothing_internal(script)


def test_a_regenerated_script_keeps_the_internal_record_out(cases, internal_case, lead):
    cases.call_plan(internal_case, script="Draft we threw away.")

    call = services.call_script_regenerate(actor=lead, case=internal_case)

    call.refresh_from_db()
    assert call.script != "Draft we threw away."
    assert concern_sentence(Incident.Category.ABUSIVE) in call.script
    assert_nothing_internal(call.script)


@pytest.mark.parametrize("category", Incident.Category.values)
def test_each_reason_is_said_neutrally_without_its_internal_label(category, cases, lead):
    client = ClientFactory(name="Initech", account_lead=lead)
    incident = IncidentFactory(
        client=client,
        category=category,
        title="ZQX-INTERNAL-7731 what happened",
        description="ZQX-INTERNAL-7732 the full story",
    )
    case = cases.in_progress(client, incidents=[incident])

    script = cases.call_plan(case).script

    assert concern_sentence(category) in script
    assert incident.get_category_display() not in script
    assert_nothing_internal(script)


def test_the_most_frequent_reason_comes_first(cases, lead):
    client = ClientFactory(name="Initech", account_lead=lead)
    incidents = [
        IncidentFactory(client=client, category=Incident.Category.UNRESPONSIVE),
        IncidentFactory(client=client, category=Incident.Category.SCOPE_CREEP),
        IncidentFactory(client=client, category=Incident.Category.SCOPE_CREEP),
    ]
    case = cases.in_progress(client, incidents=incidents)

    script = cases.call_plan(case).script

    scope = script.index(concern_sentence(Incident.Category.SCOPE_CREEP))
    unresponsive = script.index(concern_sentence(Incident.Category.UNRESPONSIVE))
    assert scope < unresponsive
    assert script.count(concern_sentence(Incident.Category.SCOPE_CREEP)) == 1


def test_without_incidents_the_script_gives_a_general_reason(cases, lead):
    client = ClientFactory(name="Initech", account_lead=lead)
    case = cases.in_progress(
        client, incidents=[], no_incident_justification="ZQX-INTERNAL-7733 told by phone"
    )

    script = cases.call_plan(case).script

    assert "- We are no longer the right partner for where your business is going." in script
    assert_nothing_internal(script)


# --- The calendar file -----------------------------------------------------------------------


def unfolded(ics: str) -> str:
    return ics.replace("\r\n ", "")


def download_ics(client, user, case):
    client.force_login(user)
    return client.get(reverse("offboarding:call_ics", args=[case.pk]))


def test_the_calendar_file_has_the_time_and_the_client_but_not_the_script(
    client, cases, internal_case, lead
):
    start = timezone.make_aware(dt.datetime(2026, 12, 3, 14, 30), dt.UTC)
    call = cases.call_plan(
        internal_case, scheduled_at=start, duration_minutes=45, talking_points=TALKING_POINTS
    )

    response = download_ics(client, lead, internal_case)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"] == f'attachment; filename="call-{internal_case.pk}.ics"'
    raw = response.content.decode()
    ics = unfolded(raw)
    lines = ics.split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR"
    assert "DTSTART:20261203T143000Z" in lines
    assert "DTEND:20261203T151500Z" in lines
    assert "SUMMARY:Call with Acme Rockets" in lines
    assert "LOCATION:https://meet.example/acme" in lines
    assert "Acme Rockets" in next(line for line in lines if line.startswith("DESCRIPTION:"))
    for line in call.script.splitlines():
        if len(line) > 20:
            assert line not in ics
    assert "After careful consideration" not in ics
    assert_nothing_internal(ics)
    assert all(len(line.encode()) <= 75 for line in raw.split("\r\n"))


def test_the_calendar_file_escapes_the_client_name(client, cases, lead):
    acme = ClientFactory(name="Smith, Jones; Partners", account_lead=lead)
    case = cases.in_progress(acme)
    cases.call_plan(case)

    ics = unfolded(download_ics(client, lead, case).content.decode())

    assert "SUMMARY:Call with Smith\\, Jones\\; Partners" in ics.split("\r\n")


def test_team_staff_may_download_the_calendar_file(client, cases, working_case, staff):
    cases.call_plan(working_case)
    response = download_ics(client, staff, working_case)
    assert response.status_code == 200
    assert "BEGIN:VEVENT" in response.content.decode()


@pytest.mark.parametrize("role", ["outsider", "other_lead"])
def test_the_calendar_file_is_not_found_for_people_off_the_team(
    role, request, client, cases, working_case
):
    cases.call_plan(working_case)
    response = download_ics(client, request.getfixturevalue(role), working_case)
    assert response.status_code == 404


def test_no_calendar_file_before_a_call_is_planned(client, working_case, lead):
    assert download_ics(client, lead, working_case).status_code == 404


def test_a_rescheduled_call_moves_in_the_calendar(client, cases, working_case, lead):
    cases.call_plan(working_case)
    later = timezone.make_aware(dt.datetime(2027, 1, 12, 9, 0), dt.UTC)
    services.call_outcome_record(
        actor=lead, case=working_case, held=CallPlan.Held.RESCHEDULED, rescheduled_to=later
    )

    ics = unfolded(download_ics(client, lead, working_case).content.decode())

    assert "DTSTART:20270112T090000Z" in ics.split("\r\n")
