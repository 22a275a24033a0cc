"""Two people pressing the button at the same moment, on the real PostgreSQL.

Each thread has its own database connection, so the row locks of the services are what
keeps a case from being decided, cancelled or opened twice.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

import pytest
from django.db import connection

from agency.errors import Refused
from agency.models import AuditEvent
from clients.models import Client
from offboarding import services
from offboarding.models import Offboarding
from tests.conftest import missing
from tests.factories import ClientFactory, UserFactory

from .conftest import case_events, refreshed

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

S = Offboarding.Status


def at_the_same_time(*calls: Callable[[], object]) -> list[tuple[str, object]]:
    """Run every call in its own thread, released together; ("ok"|"refused"|"error", detail)."""
    barrier = threading.Barrier(len(calls))
    results: list[tuple[str, object]] = [("error", "did not finish")] * len(calls)

    def worker(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=20)
            results[index] = ("ok", call())
        except Refused as error:
            results[index] = ("refused", error.message)
        except Exception as error:  # noqa: BLE001 - reported to the test, which fails on it
            results[index] = ("error", repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hung on a lock"
    return results


def outcomes(results) -> Counter:
    return Counter(kind for kind, _ in results)


# A crowd pressing the same button: each thread holds a connection of its own, so the
# crowd must fit in the server's free connections or PostgreSQL refuses with "too many
# clients". Up to fifty; fewer on a busy server, but never so few that the race is gone.
CROWD = 50
CROWD_FLOOR = 8
SPARE_CONNECTIONS = 5  # for the test's own connection churn and anyone else on the server


def free_connections() -> int:
    """Connection slots an ordinary client may still open: max_connections less the
    slots reserved for superusers (and, from PostgreSQL 16, reserved_connections) less
    the client backends connected now."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT current_setting('max_connections')::int
                 - current_setting('superuser_reserved_connections')::int
                 - coalesce(current_setting('reserved_connections', true)::int, 0)
                 - (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')
            """
        )
        return cursor.fetchone()[0]


def crowd_size(free: int) -> int | None:
    """How many may press at once with `free` connections left; None below the floor."""
    size = min(CROWD, free - SPARE_CONNECTIONS)
    return size if size >= CROWD_FLOOR else None


@pytest.mark.parametrize("round_", range(3))
def test_two_managers_deciding_at_once_make_exactly_one_decision(
    round_, require_postgres, cases, lead, manager, manager2
):
    client = ClientFactory(account_lead=lead, status=Client.Status.AT_RISK)
    case = cases.proposed(client)

    results = at_the_same_time(
        lambda: services.offboarding_approve(actor=manager, case=case, comment="Approve."),
        lambda: services.offboarding_reject(actor=manager2, case=case, comment="Reject."),
    )

    assert outcomes(results) == {"ok": 1, "refused": 1}, results
    case = refreshed(case)
    decision = case_events(case, action=AuditEvent.Action.DECISION).get()
    assert decision.to_state == case.status
    assert decision.actor == case.decided_by
    assert case.decision_comment == decision.comment
    winner = manager if case.status == S.APPROVED else manager2
    assert case.decided_by == winner
    refusal = next(detail for kind, detail in results if kind == "refused")
    assert refusal.startswith(f"This case is {case.get_status_display().lower()}")
    client.refresh_from_db()
    expected = Client.Status.OFFBOARDING if case.status == S.APPROVED else Client.Status.AT_RISK
    assert client.status == expected


def test_two_managers_approving_at_once_approve_once(
    require_postgres, cases, acme, manager, manager2
):
    case = cases.proposed(acme)

    results = at_the_same_time(
        lambda: services.offboarding_approve(actor=manager, case=case, comment="Yes."),
        lambda: services.offboarding_approve(actor=manager2, case=case, comment="Yes, too."),
    )

    assert outcomes(results) == {"ok": 1, "refused": 1}, results
    assert refreshed(case).status == S.APPROVED
    assert case_events(case, action=AuditEvent.Action.DECISION).count() == 1


def test_ten_cancels_at_once_cancel_once(require_postgres, cases, acme, manager, manager2):
    case = cases.in_progress(acme)
    managers = [manager, manager2] * 5

    results = at_the_same_time(
        *[
            (
                lambda who=who, n=n: services.offboarding_cancel(
                    actor=who, case=case, reason=f"Cancel attempt {n}"
                )
            )
            for n, who in enumerate(managers)
        ]
    )

    assert outcomes(results) == {"ok": 1, "refused": 9}, results
    case = refreshed(case)
    assert case.status == S.CANCELLED
    cancel = case_events(case, to_state=S.CANCELLED).get()
    assert cancel.comment == case.close_reason
    acme.refresh_from_db()
    assert acme.status == Client.Status.AT_RISK
    assert acme.status_before_offboarding == ""


def test_two_people_opening_a_case_at_once_open_one(require_postgres, acme, lead, staff):
    def open_case(actor):
        return services.offboarding_open(
            actor=actor,
            client=acme,
            summary=f"Proposed by {actor.username}.",
            timing=Offboarding.Timing.WITH_NOTICE,
            no_incident_justification="Discussed in the team meeting.",
        )

    results = at_the_same_time(lambda: open_case(lead), lambda: open_case(staff))

    assert outcomes(results) == {"ok": 1, "refused": 1}, results
    assert Offboarding.objects.filter(client=acme).count() == 1
    refusal = next(detail for kind, detail in results if kind == "refused")
    assert "already has an open offboarding case" in refusal
    acme.refresh_from_db()
    assert acme.status == Client.Status.OFFBOARDING
    assert acme.status_before_offboarding == Client.Status.AT_RISK


def test_two_managers_posting_the_decision_form_at_once_make_one_decision(
    require_postgres, cases, acme, manager, manager2
):
    """The same race through the real view: two browsers, two requests, one decision."""
    from django.test import Client as Browser
    from django.urls import reverse

    case = cases.proposed(acme)
    url = reverse("offboarding:decide", args=[case.pk])
    browsers = []
    for person in (manager, manager2):
        browser = Browser()
        browser.force_login(person)
        browsers.append(browser)

    def post(browser, verdict):
        response = browser.post(url, {"verdict": verdict, "comment": f"{verdict}, at once."})
        return response.status_code

    results = at_the_same_time(
        lambda: post(browsers[0], "approve"), lambda: post(browsers[1], "reject")
    )

    # The winner is redirected to the case; the other sees the form again with the reason.
    assert sorted(code for _, code in results) == [200, 302], results
    case = refreshed(case)
    assert case.status in (S.APPROVED, S.REJECTED)
    assert case_events(case, action=AuditEvent.Action.DECISION).count() == 1


@pytest.mark.parametrize(
    "free, size",
    [(500, 50), (55, 50), (30, 25), (13, 8), (12, None), (0, None), (-3, None)],
)
def test_the_crowd_fits_in_the_free_connections_of_the_server(free, size):
    assert crowd_size(free) == size


def test_a_crowd_of_managers_approving_at_once_approve_once(require_postgres, cases, acme):
    size = crowd_size(free_connections())
    if size is None:
        missing(f"needs {CROWD_FLOOR + SPARE_CONNECTIONS} free PostgreSQL connections")
    case = cases.proposed(acme)
    managers = [UserFactory(username=f"crowd-manager-{n}", role="manager") for n in range(size)]

    results = at_the_same_time(
        *[
            (
                lambda who=who: services.offboarding_approve(
                    actor=who, case=case, comment=f"Approved by {who.username}."
                )
            )
            for who in managers
        ]
    )

    assert outcomes(results) == {"ok": 1, "refused": size - 1}, results
    case = refreshed(case)
    assert case.status == S.APPROVED
    decision = case_events(case, action=AuditEvent.Action.DECISION).get()
    assert decision.actor == case.decided_by
    assert case.decision_comment == f"Approved by {case.decided_by.username}."


def test_two_reminder_runs_at_once_send_each_reminder_once(
    require_postgres, working_case, lead, manager, mailoutbox
):
    """A beat restarted while the first run still works (or two workers taking the same
    task): the unique key claimed in the sending transaction lets one of them send."""
    import datetime as dt

    from django.utils import timezone

    from offboarding.models import ContractReview, Reminder
    from offboarding.reminders import reminders_send

    today = timezone.localdate()
    ContractReview.objects.filter(case=working_case).update(
        notice_deadline=today + dt.timedelta(days=2), effective_end=today + dt.timedelta(days=5)
    )

    before = len(mailoutbox)  # what the case's own steps sent (the proposal's e-mails)
    results = at_the_same_time(
        lambda: reminders_send(today=today), lambda: reminders_send(today=today)
    )

    assert outcomes(results) == {"ok": 2}, results
    assert sum(detail for _, detail in results) == 2  # notice and end, each by one run
    assert Reminder.objects.count() == 2
    assert len(mailoutbox) - before == 2
