"""A known secret, typed into Clean Break once, must appear nowhere else: not in any
database column, not in the logs of a whole journey, not in a Celery message."""

import json
import logging
import re

import pytest
from celery.signals import before_task_publish
from django.apps import apps
from django.db import connection
from django.test import Client as DjangoClient
from django.urls import reverse
from django.utils import timezone

from config import celery_app
from offboarding.models import Document, HandoverRoom, Offboarding
from tests.factories import ClientFactory, ContactFactory, ContractFactory, IncidentFactory

SECRET = "Leak-Canary-s3cret-4471!"
PASSPHRASE = "canary passphrase 9902"


def raw_database_text() -> str:
    """Every column of every table as the database stores it."""
    chunks = []
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - table names from the models
            for row in cursor.fetchall():
                chunks.append(" ".join(str(v) for v in row))
    return "\n".join(chunks)


@pytest.fixture
def published():
    """Bodies and headers of every Celery message sent during the test."""
    messages = []

    def capture(sender=None, body=None, headers=None, **kwargs):
        messages.append(json.dumps({"body": body, "headers": headers}, default=str))

    before_task_publish.connect(capture, weak=False)
    yield messages
    before_task_publish.disconnect(capture)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en-gb", "nl", "it", "hu"])
def test_a_secret_leaks_nowhere_during_a_whole_journey(
    client,
    staff,
    manager,
    lead,
    caplog,
    published,
    mailoutbox,
    settings,
    django_capture_on_commit_callbacks,
    language,
):
    # The whole journey in one language: the people's pages and the client's documents.
    for person in (staff, manager, lead):
        person.language = language
        person.save(update_fields=["language"])
    caplog.set_level(logging.DEBUG)
    # Messages go through the real publishing path (in memory), not eager execution, so
    # what a broker would receive is what is captured here.
    celery_app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    previous_broker = celery_app.conf.broker_url
    celery_app.conf.broker_url = "memory://"

    acme = ClientFactory(name="Canary Motors", account_lead=lead, team=[staff], language=language)
    ContractFactory(client=acme)
    incident = IncidentFactory(client=acme, reported_by=staff)
    try:
        client.force_login(staff)
        client.post(
            reverse("offboarding:start", args=[acme.pk]),
            {
                "incidents": [incident.pk],
                "timing": "with_notice",
                "summary": "Repeated scope creep.",
                "submit": "1",
            },
        )
        case = Offboarding.objects.get(client=acme)
        client.force_login(manager)
        client.post(
            reverse("offboarding:decide", args=[case.pk]),
            {"comment": "Agreed.", "verdict": "approve"},
        )
        client.force_login(lead)
        response = client.post(
            reverse("offboarding:credential_create", args=[case.pk]),
            {"system": "Google Ads", "username": "ads@canary.example", "secret": SECRET},
        )
        assert response.status_code == 302
        credential = case.credentials.get()
        revealed = client.post(
            reverse("offboarding:credential_reveal", args=[case.pk, credential.pk])
        )
        assert SECRET in revealed.content.decode()  # the one place it may appear
        handover = client.get(reverse("offboarding:handover", args=[case.pk]))
        assert SECRET not in handover.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("offboarding:handover_export", args=[case.pk]),
                {"passphrase": PASSPHRASE, "passphrase_again": PASSPHRASE},
            )
        document = Document.objects.get(case=case, kind=Document.Kind.HANDOVER, version=1)
        assert document.status == Document.Status.QUEUED
        assert published, "the render was not sent to the broker"

        # The handover room: the link and the code are secrets of their own.
        client.post(
            reverse("offboarding:instructions", args=[case.pk]),
            {"takeover_instructions": "Change the password."},
        )
        client.post(reverse("offboarding:handover_done", args=[case.pk]))
        contact = ContactFactory(client=acme, receives_handover=True)
        with django_capture_on_commit_callbacks(execute=True):
            opened = client.post(
                reverse("offboarding:room", args=[case.pk]),
                {
                    "recipients": [contact.pk],
                    "days": "14",
                    "include_logins": "on",
                    "language": language,
                },
            )
        code = re.search(r"data-access-code>([0-9 ]+)<", opened.content.decode()).group(1)
        path = re.search(r"(/handover/[A-Za-z0-9_-]{40,}/)", mailoutbox[-1].body).group(1)
        room = HandoverRoom.objects.get(case=case)
        from offboarding.pipeline import document_render

        document_render(document_id=room.handover_id)  # the worker would, later
        visitor = DjangoClient()
        visitor.post(path, {"code": code})
        login = room.logins.get()
        shown = visitor.post(reverse("room:reveal", args=[login.pk]))
        assert SECRET in shown.content.decode()  # shown to the client, once asked
        with django_capture_on_commit_callbacks(execute=True):
            visitor.post(reverse("room:acknowledge"), {"name": contact.name, "confirmed": "on"})
        assert room.events.filter(kind="acknowledged").exists()
        room_canaries = (path.split("/")[2], code, code.replace(" ", ""))
    finally:
        celery_app.conf.task_always_eager = True
        celery_app.conf.broker_url = previous_broker

    logs = "\n".join(record.getMessage() for record in caplog.records)
    assert logs, "nothing was logged: the check below would prove nothing"
    for canary in (SECRET, PASSPHRASE, *room_canaries):
        assert canary not in raw_database_text()
        assert canary not in logs
        assert all(canary not in message for message in published)
    # Each message carries a document's id, nothing else: the export's first.
    assert [json.loads(m)["body"][0] for m in published][0] == [document.pk]
    assert all(isinstance(arg, int) for m in published for arg in json.loads(m)["body"][0])

    # The worker renders it later; the passphrase is gone from the row afterwards.
    from offboarding.pipeline import document_render

    document_render(document_id=document.pk)
    document.refresh_from_db()
    assert document.status == Document.Status.READY
    assert document.passphrase == ""
    assert timezone.now() >= document.finished_at
