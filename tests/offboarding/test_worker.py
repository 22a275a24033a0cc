"""Documents rendered by a real Celery worker through the real Redis.

Every test here is marked `worker`: tasks are not eager, the render is handed to the
broker when the request commits, and a worker (a thread in this process, or a separate
`celery worker` process) picks it up. Without a broker the tests skip, or fail when
CLEANBREAK_REQUIRE_SERVICES is set.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import connection
from pypdf import PdfReader

from agency.health import broker_state
from config import celery_app
from offboarding import services, tasks
from offboarding.models import Asset, Credential, Document, Offboarding

from .conftest import SECRET

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

READY = Document.Status.READY
# Nothing listens on port 1 of the loopback: connections are refused at once.
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"
# The killed worker's message comes back after this many seconds (set for the subprocess).
VISIBILITY_TIMEOUT = 10
# Items in the handover rendered by the killed worker: enough for a render of several
# seconds (see bench/render.py), so the kill lands in the middle of it.
SLOW_HANDOVER_ITEMS = 600


@pytest.fixture
def empty_queue(broker_url):
    """No message left over from an earlier run (a killed session, a failed test) may be
    rendered here: empty the queue and kombu's record of unacknowledged messages."""

    def clear():
        celery_app.control.purge()
        client = redis.Redis.from_url(broker_url)
        client.delete("unacked", "unacked_index", "unacked_mutex")
        client.close()

    clear()
    yield broker_url
    clear()


@pytest.fixture
def handover_case(working_case, lead) -> Offboarding:
    """A case at work with one credential and one asset to hand over."""
    services.credential_save(
        actor=lead,
        case=working_case,
        system="Google Ads",
        username="ads@acme.example",
        secret=SECRET,
    )
    services.asset_save(
        actor=lead, case=working_case, name="acme-rockets.example", kind=Asset.Kind.DOMAIN
    )
    return working_case


def running_worker():
    """A worker thread in this process, consuming from the real broker."""
    return start_worker(celery_app, pool="solo", perform_ping_check=False, loglevel="WARNING")


def wait_for(document: Document, *statuses: str, timeout: float) -> Document:
    deadline = time.monotonic() + timeout
    while True:
        document.refresh_from_db()
        if document.status in statuses:
            return document
        if time.monotonic() > deadline:
            pytest.fail(
                f"document {document.pk} still {document.status!r} after {timeout:.0f} s "
                f"(attempts {document.attempts}, error {document.error!r})"
            )
        time.sleep(0.2)


def stored_pdf(document: Document) -> tuple[bytes, PdfReader]:
    data = document.read_pdf()
    return data, PdfReader(io.BytesIO(data))


def pdf_text(reader: PdfReader) -> str:
    """The text of every page, with line breaks and runs of spaces made single spaces."""
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def test_worker_renders_the_handover_requested_through_the_service(
    empty_queue, handover_case, lead
):
    assert celery_app.conf.task_always_eager is False
    with running_worker():
        document = services.document_request(
            actor=lead, case=handover_case, kind=Document.Kind.HANDOVER
        )
        document.refresh_from_db()
        assert document.enqueued_at is not None, "the commit should have handed it to Redis"
        document = wait_for(document, READY, Document.Status.FAILED, timeout=60)

    assert document.status == READY, document.error
    assert document.attempts == 1
    assert document.passphrase == ""
    data, reader = stored_pdf(document)
    assert hashlib.sha256(data).hexdigest() == document.sha256
    assert document.size == len(data)
    assert document.page_count == len(reader.pages)
    text = pdf_text(reader)
    assert "Handover for Acme Rockets" in text
    assert "Google Ads" in text
    assert "ads@acme.example" in text
    assert SECRET in text
    assert "acme-rockets.example" in text


# --- A worker killed in the middle of a render ---------------------------------------------


def fill_handover(case: Offboarding, items: int) -> None:
    """Half credentials, half assets, with text of realistic length."""
    Credential.objects.bulk_create(
        Credential(
            case=case,
            system=f"Marketing platform {i:04d} — EU account",
            url=f"https://platform{i % 40}.example.com/accounts/acme-rockets-{i}/settings",
            username=f"marketing+{i}@acme.example",
            secret=f"Xq7!vR{i:05d}-pLm9#Tz2",
            recovery_note="Authenticator app on the agency phone." if i % 3 == 0 else "",
        )
        for i in range(items // 2)
    )
    Asset.objects.bulk_create(
        Asset(
            case=case,
            name=f"acme-rockets-{i}.example landing page",
            kind=Asset.Kind.WEBSITE,
            location=f"https://drive.example.com/drive/folders/1A2b3C4d5E6f7G8h-{i:05d}",
        )
        for i in range(items - items // 2)
    )


def worker_environment(broker_url: str) -> dict[str, str]:
    """What a `celery worker` process needs to work on this test's database and files."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "postgres", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or "5432"
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://{credentials}@{host}:{port}/{db['NAME']}",
        "DATABASE_CONN_MAX_AGE": "0",
        "CELERY_BROKER_URL": broker_url,
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
        "DJANGO_DEBUG": "true",
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "DJANGO_LOG_LEVEL": "INFO",
    }


def start_worker_process(env: dict[str, str], name: str, log: Path) -> subprocess.Popen:
    with log.open("ab") as out:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "-Q",
                "celery",
                "--loglevel=INFO",
                f"--hostname={name}@%h",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: killpg reaches every child
        )


def stop(process: subprocess.Popen | None, sig: int = signal.SIGTERM) -> None:
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


def test_worker_killed_mid_render_the_document_is_rendered_once_by_another(
    require_postgres, empty_queue, working_case, lead, tmp_path
):
    fill_handover(working_case, SLOW_HANDOVER_ITEMS)
    env = worker_environment(empty_queue)
    log = tmp_path / "workers.log"
    first = second = None
    try:
        first = start_worker_process(env, "first", log)
        document = services.document_request(
            actor=lead, case=working_case, kind=Document.Kind.HANDOVER
        )
        wait_for(document, Document.Status.RENDERING, timeout=60)
        rendering_seen = time.monotonic()

        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=15)
        document.refresh_from_db()
        assert document.status == Document.Status.RENDERING
        assert document.attempts == 1
        assert not document.file

        # The message is still unacknowledged in Redis. A worker starting up puts back the
        # messages whose visibility timeout has run out; wait for that, then start one.
        # (A worker already running would only look again at its next sweep: kombu scans
        # every unacked_restore_interval x unacked_restore_throttle = 10 x 10 s by default.)
        time.sleep(max(0.0, rendering_seen + VISIBILITY_TIMEOUT + 1 - time.monotonic()))
        second = start_worker_process(env, "second", log)
        document = wait_for(document, READY, Document.Status.FAILED, timeout=90)
        assert document.status == READY, document.error
    finally:
        stop(first, signal.SIGKILL)
        stop(second)
        print(log.read_text(errors="replace") if log.exists() else "(no worker log)")

    assert document.attempts >= 2
    folder = Path(settings.MEDIA_ROOT) / "documents" / str(working_case.pk)
    assert sorted(p.name for p in folder.iterdir()) == [Path(document.file.name).name]
    assert Document.objects.filter(case=working_case).count() == 1
    data, reader = stored_pdf(document)
    assert hashlib.sha256(data).hexdigest() == document.sha256
    assert len(reader.pages) == document.page_count > 10
    assert "Handover for Acme Rockets" in pdf_text(reader)


# --- Redis unreachable -----------------------------------------------------------------------


@contextlib.contextmanager
def redis_at(url: str, *, result_store: bool = False):
    """Point the Celery app of this process at another Redis, then back.

    The broker only, by default; with result_store the result backend too, as when the one
    Redis of production (CELERY_BROKER_URL, which CELERY_RESULT_BACKEND defaults to) is
    down. Celery reads both URLs from the environment before its configuration, and keeps
    its connection pools and backend once made: all of them are switched and forgotten.
    """
    names = {"CELERY_BROKER_URL": "broker_url"}
    if result_store:
        names["CELERY_RESULT_BACKEND"] = "result_backend"
    previous = {env: (os.environ.get(env), celery_app.conf[key]) for env, key in names.items()}

    def forget_connections():  # no public way to drop what Celery caches
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        if result_store:
            celery_app._backend_cache = None
            vars(celery_app._local).pop("backend", None)

    for env, key in names.items():
        os.environ[env] = url
        celery_app.conf[key] = url
    forget_connections()
    try:
        yield
    finally:
        for env, key in names.items():
            value, conf = previous[env]
            if value is None:
                os.environ.pop(env, None)
            else:
                os.environ[env] = value
            celery_app.conf[key] = conf
        forget_connections()


def test_broker_down_the_request_is_kept_and_the_sweep_hands_it_over_later(
    empty_queue, handover_case, lead, settings, client, caplog
):
    with redis_at(UNREACHABLE_REDIS), caplog.at_level(logging.WARNING):
        started = time.monotonic()
        document = services.document_request(
            actor=lead, case=handover_case, kind=Document.Kind.HANDOVER
        )
        answered_in = time.monotonic() - started

    document.refresh_from_db()
    assert document.status == Document.Status.QUEUED
    assert document.enqueued_at is None
    assert document.attempts == 0
    assert answered_in < 10, f"the request took {answered_in:.1f} s with the broker down"
    assert f"Document {document.pk} could not be queued" in caplog.text

    settings.CELERY_BROKER_URL = UNREACHABLE_REDIS
    assert broker_state() == "down"
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json() == {"status": "unhealthy", "database": "ok", "broker": "down"}
    settings.CELERY_BROKER_URL = empty_queue
    assert broker_state() == "ok"
    assert client.get("/healthz").status_code == 200

    with running_worker():
        assert tasks.sweep_queued_documents(older_than_seconds=0) == 1
        document.refresh_from_db()
        assert document.enqueued_at is not None
        document = wait_for(document, READY, Document.Status.FAILED, timeout=60)

    assert document.status == READY, document.error
    assert document.attempts == 1
    _, reader = stored_pdf(document)
    assert "Google Ads" in pdf_text(reader)
    assert tasks.sweep_queued_documents(older_than_seconds=0) == 0


def test_with_all_of_redis_down_the_export_still_answers_at_once(
    empty_queue, handover_case, lead, caplog
):
    with redis_at(UNREACHABLE_REDIS, result_store=True), caplog.at_level(logging.WARNING):
        started = time.monotonic()
        document = services.document_request(
            actor=lead, case=handover_case, kind=Document.Kind.HANDOVER
        )
        answered_in = time.monotonic() - started

    document.refresh_from_db()
    assert document.status == Document.Status.QUEUED
    assert document.enqueued_at is None
    assert f"Document {document.pk} could not be queued" in caplog.text
    assert answered_in < 5, f"the request took {answered_in:.1f} s with Redis down"


# --- A Redis that really stops and starts again -----------------------------------------------


class PrivateRedis:
    """A redis-server of this test's own on a free loopback port, so that stopping it
    leaves the shared Redis (and every other test) alone."""

    def __init__(self, workdir: Path):
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.workdir = workdir
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(self.url).ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def private_redis(broker_url, tmp_path):
    import shutil

    if not shutil.which("redis-server"):
        from tests.conftest import missing

        missing("needs redis-server on the PATH")
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    server.stop()


def test_redis_stopped_pages_keep_serving_and_the_document_follows_when_it_is_back(
    private_redis, handover_case, lead, settings, client
):
    from django.urls import reverse

    client.force_login(lead)
    case_url = reverse("offboarding:detail", args=[handover_case.pk])
    with redis_at(private_redis.url):
        settings.CELERY_BROKER_URL = private_redis.url
        assert client.get("/healthz").status_code == 200
        # A first document while Redis runs: Celery's connection pool is now live.
        first = services.document_request(
            actor=lead, case=handover_case, kind=Document.Kind.DOSSIER
        )
        first.refresh_from_db()
        assert first.enqueued_at is not None

        private_redis.stop()  # the real server goes away under the open connections

        for url in (reverse("dashboard"), reverse("clients:list"), case_url):
            assert client.get(url).status_code == 200, url
        health = client.get("/healthz")
        assert health.status_code == 503 and health.json()["broker"] == "down"
        started = time.monotonic()
        response = client.post(
            reverse("offboarding:handover_export", args=[handover_case.pk]),
            {"passphrase": "", "passphrase_again": ""},
            follow=True,
        )
        assert time.monotonic() - started < 15
        assert response.status_code == 200
        assert "generation is delayed" in response.content.decode()
        document = Document.objects.get(case=handover_case, kind=Document.Kind.HANDOVER)
        assert document.status == Document.Status.QUEUED and document.enqueued_at is None

        private_redis.start()  # back, empty: it kept nothing on disk
        assert client.get("/healthz").status_code == 200
        with running_worker():
            # The sweep hands over what never reached the broker. (The first document's
            # message died with the server: the sweep sends it again once it has waited
            # 30 minutes, which this test does not.)
            assert tasks.sweep_queued_documents(older_than_seconds=0) == 1
            document = wait_for(document, READY, Document.Status.FAILED, timeout=60)
    assert document.status == READY, document.error
    assert document.attempts == 1
    _, reader = stored_pdf(document)
    assert "Google Ads" in pdf_text(reader)
