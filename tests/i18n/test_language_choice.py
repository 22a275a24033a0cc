"""Each person's language: chosen in the user menu, kept on them, read before login from the
browser; <html lang> always says which; the audit trail reads in the reader's language."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_noop

from agency.models import AuditEvent
from agency.services import audit_record


@pytest.mark.django_db
def test_before_login_the_browser_decides(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="nl-NL,nl;q=0.9")
    assert '<html lang="nl"' in page.content.decode()
    assert page["Content-Language"] == "nl"


@pytest.mark.django_db
def test_an_unsupported_browser_language_falls_back_to_the_agency_default(client, settings):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="de-DE")
    assert f'<html lang="{settings.LANGUAGE_CODE}"' in page.content.decode()


@pytest.mark.django_db
def test_a_user_chooses_their_language_and_keeps_it(client, lead):
    client.force_login(lead)
    answer = client.post(reverse("language_switch"), {"language": "hu", "next": "/clients/"})
    assert answer.status_code == 302 and answer["Location"] == "/clients/"
    lead.refresh_from_db()
    assert lead.language == "hu"
    # Their choice beats the browser's, on every page, in a new session too.
    client.cookies.clear()
    client.force_login(lead)
    page = client.get("/clients/", HTTP_ACCEPT_LANGUAGE="it")
    assert '<html lang="hu"' in page.content.decode()


@pytest.mark.django_db
def test_the_switch_refuses_foreign_redirects_and_unknown_languages(client, lead):
    client.force_login(lead)
    away = client.post(
        reverse("language_switch"), {"language": "nl", "next": "https://evil.example/"}
    )
    assert away["Location"] == "/"
    client.post(reverse("language_switch"), {"language": "xx", "next": "/"})
    lead.refresh_from_db()
    assert lead.language == "nl"


@pytest.mark.django_db
def test_the_switch_needs_a_post(client, lead):
    client.force_login(lead)
    assert client.get(reverse("language_switch")).status_code == 405


@pytest.mark.django_db
def test_an_audit_event_reads_in_the_readers_language(lead):
    with translation.override("nl"):  # the writer works in Dutch ...
        event = audit_record(
            actor=lead,
            action=AuditEvent.Action.LOGIN,
            summary=gettext_noop("Logged in"),
        )
    assert event.summary == "Logged in"  # ... the record itself is kept in English
    with translation.override("it"):
        assert event.text != "Logged in"
    with translation.override("en-gb"):
        assert event.text == "Logged in"


@pytest.mark.django_db
def test_an_old_event_without_a_message_shows_its_summary(lead):
    event = AuditEvent.objects.create(actor=lead, action="login", summary="Signed in long ago")
    with translation.override("hu"):
        assert event.text == "Signed in long ago"


@pytest.mark.django_db
def test_a_date_in_an_audit_summary_is_written_in_the_readers_language(lead):
    import datetime as dt

    event = audit_record(
        actor=lead,
        action=AuditEvent.Action.STEP,
        summary=gettext_noop("Contract review done: ends %(date)s"),
        summary_args={"date": dt.date(2026, 12, 31)},
    )
    assert event.params == {"date": {"date": "2026-12-31"}}
    assert event.summary == "Contract review done: ends 31 Dec 2026"
    with translation.override("hu"):
        assert "2026. december 31." in event.text
    with translation.override("it"):
        assert "31/12/2026" in event.text
