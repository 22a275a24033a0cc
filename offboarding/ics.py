"""An iCalendar (RFC 5545) file for the termination call, so it lands in calendars.

The event carries the time, place and attendees' names only: never the script,
talking points or reasons, which stay inside the app. The `icalendar` library writes
the file: it escapes text values (backslash, comma, semicolon, line breaks) and folds
lines longer than 75 octets.
"""

from __future__ import annotations

import datetime as dt

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _


def _text(value: str) -> str:
    """RFC 5545 has an escape for a line break but none for a lone carriage return, which
    a calendar reads as the end of the line: every kind of line ending becomes one."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


def call_ics(call) -> str:
    case = call.case
    start = call.scheduled_at
    end = start + dt.timedelta(minutes=call.duration_minutes)
    attendees = [u.display_name for u in call.agency_attendees.all()] + [
        c.name for c in call.client_attendees.all()
    ]
    # The lead downloads the file: it reads in the lead's language.
    # Translators: the calendar event's description, e.g. "Video call with Acme Rockets."
    description = _("%(channel)s with %(client)s.") % {
        "channel": call.get_channel_display(),
        "client": case.client.name,
    }
    if attendees:
        # Translators: after the calendar event's description: who attends the call.
        description += " " + _("Attendees: %(names)s.") % {"names": ", ".join(attendees)}
    calendar = icalendar.Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", "-//Clean Break//Offboarding//EN")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    event = icalendar.Event()
    event.add("uid", f"cleanbreak-call-{call.pk}@{settings.AGENCY_NAME.replace(' ', '-').lower()}")
    event.add("dtstamp", timezone.now().astimezone(dt.UTC))
    event.add("dtstart", start.astimezone(dt.UTC))
    event.add("dtend", end.astimezone(dt.UTC))
    # Translators: the title of the termination call in a calendar, e.g. "Call with Acme".
    event.add("summary", _text(_("Call with %(client)s") % {"client": case.client.name}))
    event.add("description", _text(description))
    if call.location:
        event.add("location", _text(call.location))
    calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")


def dates_ics(dates, *, site_url: str) -> str:
    """A person's calendar feed: one event per date of their cases (the call at its time,
    the others all day). Only the client's name and what the date is: nothing internal."""
    calendar = icalendar.Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", "-//Clean Break//Offboarding dates//EN")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    # Translators: the name of a person's calendar feed in their calendar application.
    calendar.add("x-wr-calname", _("Clean Break: offboarding dates"))
    agency = settings.AGENCY_NAME.replace(" ", "-").lower()
    stamp = timezone.now().astimezone(dt.UTC)
    for date in dates:
        case = date.case
        event = icalendar.Event()
        suffix = f"-{date.ref}" if date.ref else ""  # a renewal: one event per asset
        event.add("uid", f"cleanbreak-{date.kind}-{case.pk}{suffix}@{agency}")
        event.add("dtstamp", stamp)
        if date.at is not None:
            duration = dt.timedelta(minutes=case.call.duration_minutes)
            event.add("dtstart", date.at.astimezone(dt.UTC))
            event.add("dtend", (date.at + duration).astimezone(dt.UTC))
        else:
            event.add("dtstart", date.day)
            event.add("dtend", date.day + dt.timedelta(days=1))
        # Translators: a calendar event's title, e.g. "Termination call: Acme Rockets".
        title = _("%(what)s: %(client)s") % {"what": date.label, "client": case.client.name}
        event.add("summary", _text(title))
        event.add("url", f"{site_url}{reverse('offboarding:detail', args=[case.pk])}")
        calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")
