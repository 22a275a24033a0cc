"""The call's calendar file holds whatever people typed: line breaks of every kind, commas,
semicolons, backslashes, long values. A calendar must read back the same text, and the
file must stay valid RFC 5545: CRLF line endings only, lines of at most 75 octets.
"""

from __future__ import annotations

import re

import icalendar
import pytest
from django.urls import reverse

from tests.factories import ClientFactory

LONG = "Meeting room 4, second floor; ask at the desk. " * 5  # well over 200 characters
LOCATION = "Hotel Bristol\rLobby, table 3; \\ back\r\nside\nentrance " + LONG
CLIENT_NAME = "Smith\r Jones, \n Partners; Ltd \\ " + "Éé" * 60


def as_calendar_reads_it(text: str) -> str:
    """RFC 5545 writes a line break as \\n and has no escape for a lone carriage return:
    any line ending in the input comes back as one line break."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


@pytest.fixture
def tricky_call(cases, lead):
    client = ClientFactory(name=CLIENT_NAME, account_lead=lead)
    case = cases.in_progress(client)
    cases.call_plan(case, location=LOCATION)
    return case


@pytest.fixture
def raw_ics(client, lead, tricky_call) -> bytes:
    client.force_login(lead)
    response = client.get(reverse("offboarding:call_ics", args=[tricky_call.pk]))
    assert response.status_code == 200
    return response.content


def test_every_line_of_the_calendar_file_ends_in_crlf_without_a_bare_cr_or_lf(raw_ics):
    assert raw_ics.endswith(b"\r\n")
    assert re.search(rb"\r(?!\n)", raw_ics) is None, "a bare CR"
    assert re.search(rb"(?<!\r)\n", raw_ics) is None, "a bare LF"


def test_long_values_are_folded_to_at_most_75_octets_a_line(raw_ics):
    lines = raw_ics.split(b"\r\n")[:-1]
    assert all(len(line) <= 75 for line in lines), [len(line) for line in lines]
    assert any(line.startswith(b" ") for line in lines)  # the long values were folded
    raw_ics.decode("utf-8")  # folding never splits a character


def test_the_calendar_reads_back_the_same_location_and_title(raw_ics):
    calendar = icalendar.Calendar.from_ical(raw_ics)
    (event,) = calendar.walk("VEVENT")

    assert str(event["LOCATION"]) == as_calendar_reads_it(LOCATION)
    assert str(event["SUMMARY"]) == as_calendar_reads_it(f"Call with {CLIENT_NAME}")
    assert as_calendar_reads_it(CLIENT_NAME) in str(event["DESCRIPTION"])
    assert len(str(event["LOCATION"])) > 200


def test_each_property_starts_on_its_own_line(raw_ics):
    """A line break in a value never starts a line of its own that a calendar would read
    as a property."""
    unfolded = raw_ics.replace(b"\r\n ", b"").decode("utf-8")
    names = [line.split(":", 1)[0].split(";", 1)[0] for line in unfolded.split("\r\n") if line]
    assert names[0] == "BEGIN" and names[-1] == "END"
    assert sorted(names) == sorted(
        ["BEGIN", "VERSION", "PRODID", "CALSCALE", "METHOD"]
        + ["BEGIN", "UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "DESCRIPTION", "LOCATION"]
        + ["END", "END"]
    )
