"""Reminders: a clock walks a case through its dates; each reminder reaches a real SMTP
server (aiosmtpd, started by the test) once, to the right person, in their language."""

from __future__ import annotations

import datetime as dt
import email
import socket

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agency.formatting import long_date
from offboarding import tasks
from offboarding.models import Asset, CallPlan, ContractReview, HandoverRoom, Reminder
from offboarding.reminders import reminders_send
from offboarding.services import asset_save
from offboarding.services import room as room_services
from tests.factories import ContactFactory

from .conftest import refreshed


class Inbox:
    def __init__(self):
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = email.message_from_bytes(envelope.content)
        message["X-Rcpt"] = ",".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 OK"

    def take(self) -> list[tuple[str, str]]:
        """(recipient, decoded subject) of what arrived since the last take."""
        arrived = [
            (m["X-Rcpt"], str(email.header.make_header(email.header.decode_header(m["Subject"]))))
            for m in self.messages
        ]
        self.messages.clear()
        return arrived


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """A real SMTP server on a free local port; Django sends to it over SMTP."""
    inbox = Inbox()
    for _attempt in range(5):
        controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
        try:
            controller.start()
            break
        except OSError:  # the port was taken in between: try another
            continue
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


def at_noon(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


@pytest.mark.django_db
def test_a_clock_walks_a_case_through_its_dates_and_each_reminder_goes_once(
    smtp, working_case, lead, manager, manager2
):
    base = timezone.localdate() + dt.timedelta(days=20)
    deadline, call_day, end = base, base + dt.timedelta(days=5), base + dt.timedelta(days=20)
    ContractReview.objects.filter(case=working_case).update(
        notice_deadline=deadline, effective_end=end
    )
    CallPlan.objects.create(
        case=working_case,
        scheduled_at=timezone.make_aware(dt.datetime.combine(call_day, dt.time(10))),
        channel=CallPlan.Channel.VIDEO,
    )
    asset_save(
        actor=lead,
        case=refreshed(working_case),
        name="acme.example",
        kind=Asset.Kind.DOMAIN,
        renewal_on=end + dt.timedelta(days=10),
        renewal_payer="Acme",
    )
    lead.language = "nl"  # the lead reads Dutch; the managers English
    lead.save(update_fields=["language"])

    arrived: dict[dt.date, list[tuple[str, str]]] = {}
    day = deadline - dt.timedelta(days=12)
    while day <= end + dt.timedelta(days=10):
        reminders_send(today=day, now=at_noon(day))
        assert reminders_send(today=day, now=at_noon(day)) == 0  # a second run: nothing
        if got := smtp.take():
            arrived[day] = got
        day += dt.timedelta(days=1)

    renewal = end + dt.timedelta(days=10)
    expected_days = {
        deadline - dt.timedelta(days=7),
        deadline - dt.timedelta(days=3),
        deadline - dt.timedelta(days=1),
        call_day - dt.timedelta(days=1),
        end - dt.timedelta(days=7),
        renewal - dt.timedelta(days=30),
        end + dt.timedelta(days=7),
    }
    assert set(arrived) == expected_days, sorted(arrived)
    lead_mail = [s for got in arrived.values() for to, s in got if to == lead.email]
    assert len(lead_mail) == 6  # 3 notice, call, end, renewal
    assert all(s.startswith("[Clean Break]") for s in lead_mail)
    with translation.override("nl"):
        notice = _("Notice deadline for %(client)s: %(date)s") % {
            "client": "Acme Rockets",
            "date": long_date(deadline),
        }
    assert lead_mail.count(f"[Clean Break] {notice}") == 3, lead_mail  # in the lead's Dutch
    managers = sorted(to for to, _subject in arrived[end + dt.timedelta(days=7)])
    assert managers == sorted([manager.email, manager2.email])  # open doors after the end
    assert Reminder.objects.count() == 8


@pytest.mark.django_db
def test_a_room_that_expired_unacknowledged_is_told_to_the_managers_once(
    smtp, ready_case, lead, manager, django_capture_on_commit_callbacks
):
    contact = ContactFactory(client=ready_case.client, receives_handover=True)
    with django_capture_on_commit_callbacks(execute=True):
        room, _ = room_services.room_open(actor=lead, case=ready_case, contacts=[contact])
    smtp.take()
    HandoverRoom.objects.filter(pk=room.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    tasks.send_reminders.delay()  # eager here: the task as the beat would run it
    tasks.send_reminders.delay()  # a retried or duplicated run
    expired = [(to, s) for to, s in smtp.take() if "expired" in s]
    assert expired == [
        (
            manager.email,
            f"[Clean Break] {ready_case.client.name}: the handover room expired unacknowledged",
        )
    ]
