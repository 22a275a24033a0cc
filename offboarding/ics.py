"""An iCalendar (RFC 5545) file for the termination call, so it lands in calendars.

The event carries the time, place and attendees' names only: never the script,
talking points or reasons, which stay inside the app.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets are folded with CRLF and a space (RFC 5545 3.1)."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not parts else 74):
            parts.append(current.decode("utf-8"))
            current = b""
        current += encoded
    parts.append(current.decode("utf-8"))
    return "\r\n ".join(parts)


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def call_ics(call) -> str:
    case = call.case
    start = call.scheduled_at
    end = start + dt.timedelta(minutes=call.duration_minutes)
    attendees = [u.display_name for u in call.agency_attendees.all()] + [
        c.name for c in call.client_attendees.all()
    ]
    description = f"{call.get_channel_display()} with {case.client.name}." + (
        f" Attendees: {', '.join(attendees)}." if attendees else ""
    )
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Clean Break//Offboarding//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:cleanbreak-call-{call.pk}@{settings.AGENCY_NAME.replace(' ', '-').lower()}",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART:{_utc(start)}",
        f"DTEND:{_utc(end)}",
        f"SUMMARY:{_escape(f'Call with {case.client.name}')}",
        f"DESCRIPTION:{_escape(description)}",
    ]
    if call.location:
        lines.append(f"LOCATION:{_escape(call.location)}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
