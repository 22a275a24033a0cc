"""Login protection, headers, refused access in the audit log."""

import pytest
from django.urls import reverse

from agency.models import AuditEvent


def test_repeated_failures_lock_the_user_out_from_that_address(client, lead, password, settings):
    settings.AXES_FAILURE_LIMIT = 3
    url = reverse("login")
    for _ in range(3):
        client.post(url, {"username": lead.username, "password": "wrong-password-1"})
    locked = client.post(url, {"username": lead.username, "password": password})
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_user_and_address(client, lead, staff, password, settings):
    settings.AXES_FAILURE_LIMIT = 3
    url = reverse("login")
    for _ in range(3):
        client.post(url, {"username": lead.username, "password": "wrong-password-1"})
    # Another user from the same address still logs in.
    ok = client.post(url, {"username": staff.username, "password": password})
    assert ok.status_code == 302
    # The locked user from another address too.
    other = client.post(
        url, {"username": lead.username, "password": password}, REMOTE_ADDR="10.9.8.7"
    )
    assert other.status_code == 302


def test_an_admin_unlocks_a_user_with_the_reset_command(client, lead, password, settings):
    from django.core.management import call_command

    settings.AXES_FAILURE_LIMIT = 3
    url = reverse("login")
    for _ in range(3):
        client.post(url, {"username": lead.username, "password": "wrong-password-1"})
    assert client.post(url, {"username": lead.username, "password": password}).status_code == 429
    call_command("axes_reset_username", lead.username)
    assert client.post(url, {"username": lead.username, "password": password}).status_code == 302


def test_a_deactivated_user_is_logged_out_everywhere(client, lead):
    client.force_login(lead)
    assert client.get(reverse("dashboard")).status_code == 200
    lead.is_active = False
    lead.save()
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_pages_carry_a_strict_content_security_policy(client, lead):
    client.force_login(lead)
    response = client.get(reverse("dashboard"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "<script>" not in response.content.decode()


@pytest.mark.django_db
def test_session_expires_after_idle_time(settings):
    assert settings.SESSION_COOKIE_AGE <= 12 * 60 * 60
    assert "agency.middleware.SessionRenewalMiddleware" in settings.MIDDLEWARE
    assert 0 < settings.SESSION_RENEW_SECONDS <= 5 * 60


def test_activity_renews_the_session_at_most_once_a_minute(client, lead, settings):
    import datetime as dt

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from agency.middleware import RENEWED_AT

    client.force_login(lead)
    key = client.session.session_key
    soon = timezone.now() + dt.timedelta(minutes=5)

    assert client.get(reverse("dashboard")).status_code == 200  # first request: renewed
    first = Session.objects.get(pk=key).expire_date
    assert first > timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)

    # Within the minute: no write, the expiry stays where it was.
    Session.objects.filter(pk=key).update(expire_date=soon)
    assert client.get(reverse("dashboard")).status_code == 200
    assert Session.objects.get(pk=key).expire_date == soon

    # Once the last renewal is older than SESSION_RENEW_SECONDS, the next request renews.
    session = client.session
    session[RENEWED_AT] -= settings.SESSION_RENEW_SECONDS
    session.save()
    Session.objects.filter(pk=key).update(expire_date=soon)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert Session.objects.get(pk=key).expire_date > first
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SESSION_COOKIE_AGE


def test_an_anonymous_visit_writes_no_session(client, db):
    from django.contrib.sessions.models import Session

    assert client.get(reverse("login")).status_code == 200
    assert Session.objects.count() == 0


def test_an_idle_session_signs_the_user_out_and_activity_keeps_it(client, lead, settings):
    import datetime as dt

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client.force_login(lead)
    key = client.session.session_key

    # Each request pushes the expiry a full idle period ahead.
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + dt.timedelta(minutes=5))
    assert client.get(reverse("dashboard")).status_code == 200
    renewed = Session.objects.get(pk=key).expire_date
    assert renewed > timezone.now() + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)

    # Idle past the limit: the next request goes to the login page.
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_refused_access_is_written_to_the_audit_log(client, staff):
    client.force_login(staff)
    response = client.get(reverse("offboarding:approvals"))
    assert response.status_code == 403
    event = AuditEvent.objects.get(action=AuditEvent.Action.ACCESS_DENIED)
    assert event.actor == staff
    assert "/approvals/" in event.summary


def test_a_404_hiding_another_clients_record_is_audited_as_refused_access(client, lead):
    from agency.models import AuditEvent
    from tests.factories import ClientFactory, UserFactory

    foreign = ClientFactory(account_lead=UserFactory(role="lead"))
    client.force_login(lead)

    assert client.get(reverse("clients:detail", args=[foreign.pk])).status_code == 404
    event = AuditEvent.objects.get(action=AuditEvent.Action.ACCESS_DENIED)
    assert event.actor == lead and event.client_id == foreign.pk
    assert f"/clients/{foreign.pk}/" in event.summary

    # A client that does not exist is a plain 404, with nothing to log.
    assert client.get(reverse("clients:detail", args=[10**9])).status_code == 404
    assert AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_DENIED).count() == 1


def test_a_404_hiding_another_clients_case_is_audited_and_stays_off_its_timeline(
    client, lead, other_lead, manager
):
    from agency.models import AuditEvent
    from offboarding import services
    from offboarding.selectors import case_timeline
    from tests.factories import ClientFactory

    foreign = ClientFactory(account_lead=other_lead)
    case = services.offboarding_open(
        actor=other_lead,
        client=foreign,
        summary="Scope creep.",
        timing="with_notice",
        no_incident_justification="Nothing written down yet.",
    )
    client.force_login(lead)

    assert client.get(reverse("offboarding:detail", args=[case.pk])).status_code == 404
    event = AuditEvent.objects.get(action=AuditEvent.Action.ACCESS_DENIED)
    assert (event.case_id, event.client_id, event.actor) == (case.pk, foreign.pk, lead)
    assert event not in case_timeline(case)
