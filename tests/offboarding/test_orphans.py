"""A render orphaned by a killed worker: the whole worker died mid-render, so nothing
recorded a failure and the broker hands the message back only after its visibility
timeout (an hour). The periodic sweep fails such a render once it is older than any live
render can be, so the panel offers Retry and the passphrase does not linger; the message
that comes back later finds the document failed and renders nothing.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import time
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from agency.errors import Refused
from offboarding import pipeline, services, tasks
from offboarding.models import Document
from offboarding.tasks import render_document

from .test_worker import (
    SLOW_HANDOVER_ITEMS,
    VISIBILITY_TIMEOUT,
    empty_queue,  # noqa: F401 - a fixture of the test below
    fill_handover,
    start_worker_process,
    stop,
    wait_for,
    worker_environment,
)

DS = Document.Status
PASSPHRASE = "tell-them-by-phone-42"
STOPPED = "The worker stopped during the render; retry it."


def raw_passphrase_column(document: Document) -> str | None:
    table = connection.ops.quote_name(Document._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT passphrase FROM {table} WHERE id = %s", [document.pk])  # noqa: S608
        return cursor.fetchone()[0]


def deadline() -> dt.timedelta:
    """A render older than this cannot be alive: the hard time limit would have killed it."""
    return dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


def rendering_since(case, lead, ago: dt.timedelta, **options) -> Document:
    """A document a worker claimed `ago`, then nothing: as a worker killed mid-render
    leaves it (status rendering, one attempt, no file)."""
    document = services.document_request(
        actor=lead, case=case, kind=Document.Kind.HANDOVER, **options
    )
    Document.objects.filter(pk=document.pk).update(
        status=DS.RENDERING, started_at=timezone.now() - ago, attempts=1
    )
    document.refresh_from_db()
    return document


def documents_folder(case) -> Path:
    return Path(settings.MEDIA_ROOT) / "documents" / str(case.pk)


def test_sweep_fails_a_render_its_killed_worker_left_and_the_panel_offers_retry(
    working_case, lead, client, django_capture_on_commit_callbacks
):
    document = rendering_since(working_case, lead, deadline() + dt.timedelta(seconds=5))

    tasks.sweep_queued_documents()

    document.refresh_from_db()
    assert document.status == DS.FAILED
    assert document.error == STOPPED
    assert document.finished_at is not None
    client.force_login(lead)
    panel = client.get(reverse("offboarding:documents", args=[working_case.pk])).content.decode()
    assert "Failed" in panel
    assert STOPPED in panel
    assert reverse("offboarding:document_retry", args=[working_case.pk, document.pk]) in panel

    with django_capture_on_commit_callbacks(execute=True):
        services.document_retry(actor=lead, document=document)

    document.refresh_from_db()
    assert document.status == DS.READY
    assert document.error == ""


def test_sweep_erases_the_passphrase_of_an_orphaned_protected_render(working_case, lead):
    document = rendering_since(
        working_case, lead, deadline() + dt.timedelta(seconds=5), passphrase=PASSPHRASE
    )
    assert raw_passphrase_column(document) not in ("", None)

    tasks.sweep_queued_documents()

    document.refresh_from_db()
    assert document.status == DS.FAILED
    assert raw_passphrase_column(document) in ("", None)
    assert "export it again" in document.error
    with pytest.raises(Refused, match="export it again"):
        services.document_retry(actor=lead, document=document)


def test_sweep_leaves_a_render_within_the_time_limit_alone(working_case, lead):
    document = rendering_since(
        working_case, lead, deadline() - dt.timedelta(seconds=30), passphrase=PASSPHRASE
    )

    tasks.sweep_queued_documents()

    stored = Document.objects.get(pk=document.pk)
    assert stored.status == DS.RENDERING
    assert stored.error == ""
    assert stored.finished_at is None
    assert stored.passphrase == PASSPHRASE  # the live render still needs it


def test_sweep_leaves_a_ready_document_alone(working_case, lead):
    document = services.document_request(actor=lead, case=working_case, kind=Document.Kind.HANDOVER)
    pipeline.document_render(document_id=document.pk)
    long_ago = timezone.now() - 10 * deadline()
    Document.objects.filter(pk=document.pk).update(started_at=long_ago)
    before = Document.objects.get(pk=document.pk)

    tasks.sweep_queued_documents()

    after = Document.objects.get(pk=document.pk)
    assert after.status == DS.READY
    for field in ("file", "sha256", "error", "started_at", "finished_at", "attempts"):
        assert getattr(after, field) == getattr(before, field), field


def test_the_redelivered_message_after_the_failure_renders_nothing(working_case, lead):
    document = rendering_since(
        working_case, lead, deadline() + dt.timedelta(seconds=5), passphrase=PASSPHRASE
    )
    tasks.sweep_queued_documents()
    failed = Document.objects.get(pk=document.pk)
    assert failed.status == DS.FAILED

    # An hour later the broker hands the killed worker's message to a worker again.
    assert render_document.apply(args=[document.pk]).get() == DS.FAILED

    again = Document.objects.get(pk=document.pk)
    for field in ("status", "error", "attempts", "started_at", "finished_at", "file"):
        assert getattr(again, field) == getattr(failed, field), field
    folder = documents_folder(working_case)
    assert not folder.exists() or not any(folder.iterdir())


def test_the_orphan_deadline_lies_between_the_time_limit_and_the_visibility_timeout(db):
    """Past the hard time limit no live render is left; before the visibility timeout
    the message has not come back yet, so the person is not left waiting for it."""
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]

    assert settings.CELERY_TASK_TIME_LIMIT < tasks.orphan_deadline_seconds() < visibility


# --- With real workers: the whole worker is killed mid-render ----------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("require_postgres", "empty_queue")
def test_killed_worker_the_sweep_fails_the_render_and_the_message_back_renders_nothing(
    broker_url, working_case, lead, tmp_path
):
    fill_handover(working_case, SLOW_HANDOVER_ITEMS)
    env = worker_environment(broker_url)
    log = tmp_path / "workers.log"
    broker = redis.Redis.from_url(broker_url)
    first = second = None
    try:
        first = start_worker_process(env, "first", log)
        document = services.document_request(
            actor=lead, case=working_case, kind=Document.Kind.HANDOVER, passphrase=PASSPHRASE
        )
        wait_for(document, DS.RENDERING, timeout=60)
        rendering_seen = time.monotonic()
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=15)

        # The time limit passes with nobody left to record anything.
        Document.objects.filter(pk=document.pk).update(
            started_at=timezone.now() - deadline() - dt.timedelta(seconds=1)
        )
        tasks.sweep_queued_documents()
        failed = Document.objects.get(pk=document.pk)
        assert failed.status == DS.FAILED
        assert raw_passphrase_column(failed) in ("", None)

        # The killed worker's message comes back once its visibility timeout is over.
        time.sleep(max(0.0, rendering_seen + VISIBILITY_TIMEOUT + 1 - time.monotonic()))
        second = start_worker_process(env, "second", log)
        handled = time.monotonic() + 90
        while broker.hlen("unacked") or broker.llen("celery"):  # restored, then acked
            assert time.monotonic() < handled, "the redelivered message was not handled"
            time.sleep(0.5)
    finally:
        stop(first, signal.SIGKILL)
        stop(second)
        broker.close()
        print(log.read_text(errors="replace") if log.exists() else "(no worker log)")

    assert "render_document" in log.read_text(errors="replace").split("second@", 1)[-1]
    again = Document.objects.get(pk=document.pk)
    for field in ("status", "error", "attempts", "started_at", "finished_at", "file"):
        assert getattr(again, field) == getattr(failed, field), field
    folder = documents_folder(working_case)
    assert not folder.exists() or not any(folder.iterdir())
