"""Surviving faults: a database connection lost mid-use, a broker that is down, a crowd
of people pressing the same button at once."""

import psycopg
import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.urls import reverse

from config import celery_app
from offboarding import services
from tests.factories import ClientFactory, IncidentFactory


def _dsn() -> str:
    s = connection.settings_dict
    return (
        f"host={s['HOST'] or 'localhost'} port={s['PORT'] or 5432} user={s['USER']} "
        f"dbname={s['NAME']}"
    )


@pytest.mark.django_db(transaction=True)
def test_requests_succeed_after_the_database_drops_the_connection(require_postgres, lead):
    """As after a PostgreSQL restart: the next request notices the dead connection and
    opens a new one (CONN_HEALTH_CHECKS), instead of failing with "connection closed"."""
    from django.core.signals import request_started

    ClientFactory(name="Restart Bakery", account_lead=lead)
    browser = HttpClient()
    browser.force_login(lead)
    assert browser.get(reverse("clients:list")).status_code == 200
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    old_pid = connection.connection.info.backend_pid
    with psycopg.connect(_dsn(), autocommit=True) as admin:
        (killed,) = admin.execute("SELECT pg_terminate_backend(%s)", [old_pid]).fetchone()
    assert killed
    # What a server does at the start of every request (Django's test client skips it).
    request_started.send(sender=__name__)
    response = browser.get(reverse("clients:list"))
    assert response.status_code == 200
    assert "Restart Bakery" in response.content.decode()
    assert connection.connection.info.backend_pid != old_pid


@pytest.mark.django_db
def test_every_page_is_served_while_the_broker_is_down(client, lead, manager, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    acme = ClientFactory(account_lead=lead)
    client.force_login(manager)
    for url in (
        reverse("dashboard"),
        reverse("clients:list"),
        reverse("clients:detail", args=[acme.pk]),
        reverse("offboarding:list"),
        reverse("offboarding:approvals"),
    ):
        assert client.get(url).status_code == 200, url
    health = client.get(reverse("healthz"))
    assert health.status_code == 503
    assert health.json()["broker"] == "down"


def test_broker_down_keeps_the_document_request(client, lead, manager, settings):
    """Requesting a document with the broker down says so, and keeps the request."""
    from offboarding.models import Document

    acme = ClientFactory(account_lead=lead)
    case = services.offboarding_open(
        actor=lead,
        client=acme,
        summary="Abuse.",
        timing="immediately",
        incidents=[IncidentFactory(client=acme, reported_by=lead)],
    )
    services.offboarding_submit(actor=lead, case=case)
    services.offboarding_approve(actor=manager, case=case, comment="Yes.")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    previous = (celery_app.conf.task_always_eager, celery_app.conf.broker_url)
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"
    celery_app.conf.broker_connection_retry = False
    celery_app.conf.broker_connection_max_retries = 0
    client.force_login(lead)
    try:
        response = client.post(
            reverse("offboarding:document_create", args=[case.pk, "dossier"]), follow=True
        )
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.broker_url = previous
        celery_app.conf.broker_connection_retry = True
        celery_app.conf.broker_connection_max_retries = None
    document = Document.objects.get(case=case)
    assert document.status == Document.Status.QUEUED
    assert response.status_code == 200
    page = response.content.decode()
    assert "generation is delayed" in page and "will be produced as soon as" in page
