"""Shared fixtures: one user per role, an outsider, and the switches for real services.

Set CLEANBREAK_REQUIRE_SERVICES=1 (CI does) to turn every "skipped: no browser /
no broker / not PostgreSQL" into a failure, so nothing is silently left out.
"""

import os
import shutil

import pytest
from django.conf import settings
from django.db import connection
from django.utils import translation

from agency.models import User
from config import celery_app

from .factories import TEST_PASSWORD, UserFactory

REQUIRE_SERVICES = os.environ.get("CLEANBREAK_REQUIRE_SERVICES", "") not in ("", "0", "false")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def missing(reason: str) -> None:
    """Skip locally; fail in CI, where every service must be there."""
    if REQUIRE_SERVICES:
        pytest.fail(f"required but unavailable: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session", autouse=True)
def _no_stray_connections_at_the_end(request, django_db_blocker):
    """A worker thread's connection outlives its test; PostgreSQL refuses to drop a test
    database someone is still connected to. Close them before pytest-django drops it.
    (PostgreSQL only: on SQLite, setting the database up this early upsets the live
    server's shared in-memory connection.)"""
    if connection.vendor != "postgresql":
        yield
        return
    request.getfixturevalue("django_db_setup")  # so it is torn down after this one
    yield
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing costs ~0.3 s per user; the suite creates hundreds. Login behaviour is
    # the same with a fast hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _eager_tasks_unless_worker(request):
    """Tests run tasks in-process, except those marked `worker`, which use the real broker."""
    if request.node.get_closest_marker("worker"):
        yield
        return
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def password():
    return TEST_PASSWORD


@pytest.fixture
def manager(db):
    return UserFactory(username="manager1", role=User.Role.MANAGER, first_name="Mara")


@pytest.fixture
def manager2(db):
    return UserFactory(username="manager2", role=User.Role.MANAGER, first_name="Milo")


@pytest.fixture
def lead(db):
    return UserFactory(username="lead1", role=User.Role.LEAD, first_name="Lena")


@pytest.fixture
def other_lead(db):
    return UserFactory(username="lead2", role=User.Role.LEAD, first_name="Otto")


@pytest.fixture
def staff(db):
    return UserFactory(username="staff1", role=User.Role.STAFF, first_name="Sami")


@pytest.fixture
def outsider(db):
    """Staff on no team: must see nothing of anyone's clients."""
    return UserFactory(username="outsider", role=User.Role.STAFF, first_name="Olga")


@pytest.fixture
def require_postgres(db):
    if connection.vendor != "postgresql":
        missing("needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture
def broker_url():
    url = settings.CELERY_BROKER_URL
    if settings.CELERY_TASK_ALWAYS_EAGER:
        missing("needs a Celery broker (set CELERY_BROKER_URL to Redis)")
    return url


@pytest.fixture(scope="session")
def chromium_path():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        missing(f"needs Chromium at {CHROMIUM}")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, chromium_path):
    """pytest-playwright launches Debian's Chromium; Playwright's own download cannot work here."""
    return {
        **browser_type_launch_args,
        "executable_path": chromium_path,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--disable-sync",
        ],
    }


@pytest.fixture(autouse=True)
def _agency_language():
    """Each test starts in the agency's default language. A request activates its reader's
    language for the thread (Django's LocaleMiddleware does not undo it afterwards), so a
    test run after a Hungarian page would otherwise meet Hungarian messages."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)
