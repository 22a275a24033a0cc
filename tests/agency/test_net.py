"""The client's address behind a reverse proxy: one reading for the lockout and the audit log."""

from django.test import RequestFactory
from django.urls import reverse

from agency.models import AuditEvent
from agency.net import client_address

PROXY = "10.0.0.2"


def request_from(remote_addr: str, forwarded: str | None = None):
    headers = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def failed_login(client, username: str, **headers):
    return client.post(
        reverse("login"), {"username": username, "password": "wrong-password-1"}, **headers
    )


def test_without_a_proxy_the_forwarded_header_is_ignored(settings):
    settings.CLEANBREAK_PROXY_COUNT = 0
    assert client_address(request_from("198.51.100.7", "203.0.113.9")) == "198.51.100.7"


def test_behind_one_proxy_the_right_most_forwarded_address_is_the_client(settings):
    settings.CLEANBREAK_PROXY_COUNT = 1
    # The client sent "203.0.113.9" itself; the proxy appended the address it saw.
    assert client_address(request_from(PROXY, "203.0.113.9, 198.51.100.7")) == "198.51.100.7"
    assert client_address(request_from(PROXY, "198.51.100.7")) == "198.51.100.7"


def test_behind_two_proxies_the_second_entry_from_the_right_is_the_client(settings):
    settings.CLEANBREAK_PROXY_COUNT = 2
    chain = "203.0.113.9, 198.51.100.7, 10.0.0.1"
    assert client_address(request_from(PROXY, chain)) == "198.51.100.7"


def test_a_short_or_garbled_forwarded_header_falls_back_to_the_connection(settings):
    settings.CLEANBREAK_PROXY_COUNT = 2
    assert client_address(request_from(PROXY, "198.51.100.7")) == PROXY
    assert client_address(request_from(PROXY)) == PROXY
    settings.CLEANBREAK_PROXY_COUNT = 1
    assert client_address(request_from(PROXY, "198.51.100.7, not-an-address")) == PROXY


def test_audit_log_records_the_forwarded_address_behind_a_proxy(client, lead, settings):
    settings.CLEANBREAK_PROXY_COUNT = 1
    failed_login(client, lead.username, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    assert event.ip_address == "198.51.100.7"


def test_audit_log_ignores_a_forwarded_header_without_a_proxy(client, lead, settings):
    settings.CLEANBREAK_PROXY_COUNT = 0
    failed_login(client, lead.username, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    assert event.ip_address == PROXY


def test_failures_from_many_addresses_behind_a_proxy_do_not_lock_the_user_out(
    client, lead, password, settings
):
    settings.CLEANBREAK_PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 5
    for n in range(1, 7):
        failed_login(
            client, lead.username, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"
        )
    response = client.post(
        reverse("login"),
        {"username": lead.username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(lead.pk)


def test_failures_from_one_address_behind_a_proxy_still_lock_that_address(
    client, lead, password, settings
):
    settings.CLEANBREAK_PROXY_COUNT = 1
    settings.AXES_FAILURE_LIMIT = 5
    # The client changes the part of the header it controls; the proxy's entry stays.
    for n in range(1, 7):
        failed_login(
            client,
            lead.username,
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 198.51.100.1",
        )
    response = client.post(
        reverse("login"),
        {"username": lead.username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR="198.51.100.1",
    )
    assert response.status_code == 429
