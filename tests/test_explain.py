"""The list pages read through indexes at volume, for every role.

A moderate volume is seeded into the test database with seed_volume's own code and
ANALYZEd; then each page's query, built by the same selectors the views use and cut to
one page, is run under EXPLAIN (ANALYZE, FORMAT JSON). A page fails when its plan
- scans a large table sequentially, or
- reads more than a quarter of a large table some other way (a full index scan, or a
  join that drags every row through a GROUP BY), which would make the page cost what
  the database holds rather than what the page shows.

The test volume is a fifth of the real one, and its tables are small enough that
PostgreSQL rightly prefers to read some of them whole, or to hash-join a whole table
to fetch the 30 rows a page needs. So the EXPLAIN runs with sequential scans, hash
joins and merge joins switched off: the question is whether the page *can* be served
by walking indexes and reading about a page of rows. The planner still falls back to
a sequential scan, or reads a table through an index end to end, when the indexes or
the query's shape leave it no other way; that is what fails here. What the planner
picks with its defaults at the full volume is in bench/seed.md.

Pages still marked xfail need a selector change, not an index (see KNOWN); strict, so
they fail here as soon as the change lands and the marker must go.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection, transaction
from django.db.models import Count, F, QuerySet

from agency.models import AuditEvent, User
from clients.models import Client, Incident
from clients.selectors import client_incidents, client_list_filtered, clients_for_user
from clients.views import PAGE_SIZE
from demo.volume import Volume, seed_volume
from offboarding.models import Offboarding
from offboarding.selectors import (
    awaiting_decision,
    case_timeline,
    cases_for_user,
    open_cases_for_user,
    with_step_data,
)
from offboarding.views.cases import AT_RISK_SHOWN

pytestmark = pytest.mark.postgres

# Same clients per person as the full volume (10,000 clients, 200 people), so a lead's
# or a staff member's share of the clients is what it would be in real use.
VOLUME = Volume(
    clients=2_000, incidents=20_000, cases=2_000, audit_events=50_000, users=200, seed=7
)
LARGE_TABLES = (
    "clients_client",
    "clients_client_team",
    "clients_incident",
    "offboarding_offboarding",
    "agency_auditevent",
)
MOST = 0.25  # reading more than this share of a large table is reading the table
PLANNER_OFF = ("enable_seqscan", "enable_hashjoin", "enable_mergejoin")
SEARCH = "bak"  # three letters or more, so the trigram index can serve it
TIMELINE_LIMIT = 200  # clients.selectors.client_timeline
CASE_TRAIL_SHOWN = 100  # offboarding.views.case_detail


@dataclass
class SeededVolume:
    people: dict[str, User]
    table_rows: dict[str, int]
    busiest_client: Client
    busiest_case: Offboarding


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module, inside a transaction rolled back at the end."""
    with django_db_blocker.unblock():
        if connection.vendor != "postgresql":
            yield None  # each test's require_postgres skips it (or fails it in CI)
            return
        with transaction.atomic():
            result = seed_volume(VOLUME, log=lambda line: None)
            # Check the deferred foreign keys now, once, rather than again at the end of
            # every test (TestCase does on teardown): it also proves the seed consistent.
            connection.check_constraints()
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
                cursor.execute(
                    "SELECT relname, reltuples::bigint FROM pg_class WHERE relname = ANY(%s)",
                    [list(LARGE_TABLES)],
                )
                table_rows = dict(cursor.fetchall())
            lead = (
                User.objects.filter(pk__in=[u.pk for u in result.leads])
                .annotate(n=Count("led_clients"))
                .order_by("-n")
                .first()
            )
            staff = (
                User.objects.filter(pk__in=[u.pk for u in result.staff])
                .annotate(n=Count("client_teams"))
                .order_by("-n")
                .first()
            )
            busiest_case_id = (
                AuditEvent.objects.filter(case_id__isnull=False)
                .values("case_id")
                .annotate(n=Count("id"))
                .order_by("-n")[0]["case_id"]
            )
            yield SeededVolume(
                people={"manager": result.managers[0], "lead": lead, "staff": staff},
                table_rows=table_rows,
                busiest_client=Client.objects.annotate(n=Count("incidents")).order_by("-n")[0],
                busiest_case=Offboarding.objects.get(pk=busiest_case_id),
            )
            transaction.set_rollback(True)


# --- the pages, as their views build them ----------------------------------------------


def client_list_page(user: User, params: dict[str, str]) -> QuerySet:
    """clients.views.client_list: the filter over client_list_for, name order by default."""
    return client_list_filtered(user, params)[1][:PAGE_SIZE]


def dashboard_at_risk(user: User) -> QuerySet:
    """offboarding.views.cases.dashboard: the riskiest clients this person can see."""
    return (
        clients_for_user(user)
        .exclude(status="offboarded")
        .filter(risk_score__gt=0)
        .select_related("account_lead")
        .order_by("-risk_score", "name")[:AT_RISK_SHOWN]
    )


def closed_cases(user: User) -> QuerySet:
    """offboarding.views.case_list with show=closed."""
    closed = cases_for_user(user).exclude(status__in=Offboarding.OPEN_STATES)
    return with_step_data(closed).order_by("-closed_at", "-pk")[:PAGE_SIZE]


def client_timeline_events(client: Client) -> QuerySet:
    """The audit part of clients.selectors.client_timeline."""
    return AuditEvent.objects.filter(client_id=client.pk).exclude(
        action__in=[AuditEvent.Action.DOWNLOAD, AuditEvent.Action.ACCESS_DENIED]
    )[:TIMELINE_LIMIT]


LIST_PAGES: dict[str, Callable[[User], QuerySet]] = {
    "client list": lambda user: client_list_page(user, {}),
    "client list by risk": lambda user: client_list_page(user, {"sort": "-risk"}),
    "client list search": lambda user: client_list_page(user, {"q": SEARCH}),
    # Most clients are active: a plan that reads every client of the status shows.
    "client list by status": lambda user: client_list_page(user, {"status": "active"}),
    "client list by lead": lambda user: client_list_page(user, {"account_lead": str(user.pk)}),
    "client list by risk level": lambda user: client_list_page(user, {"risk": "high"}),
    "client list by date added": lambda user: client_list_page(user, {"sort": "-added"}),
    "dashboard at risk": dashboard_at_risk,
    "open offboardings": lambda user: open_cases_for_user(user)[:PAGE_SIZE],
    "closed offboardings": closed_cases,
    "approvals": lambda user: awaiting_decision(user)[:PAGE_SIZE],
}
ROLES = ("manager", "lead", "staff")
ONLY_FOR = {
    "approvals": ("manager",),  # the others are refused the page
    "client list by lead": ("manager", "lead"),  # people who lead clients themselves
}
DETAIL_PAGES: dict[str, Callable[[SeededVolume], QuerySet]] = {
    "client incidents tab": lambda s: client_incidents(s.busiest_client)[:PAGE_SIZE],
    "client timeline events": lambda s: client_timeline_events(s.busiest_client),
    "case audit trail": lambda s: case_timeline(s.busiest_case)[:CASE_TRAIL_SHOWN],
}

# Pages known to need more than an index, as {(page, role): reason}; strict xfails, so a
# fix shows up. Empty since clients_for_user became a UNION of indexed lookups and the
# open-incident count a per-row subquery.
KNOWN: dict[tuple[str, str], str] = {}


def plan_problems(queryset: QuerySet, table_rows: dict[str, int]) -> list[str]:
    with connection.cursor() as cursor:
        # Only index-driven plans: scans through an index, joins by index lookups. Undone
        # with the test's savepoint, like everything else the test does.
        for setting in PLANNER_OFF:
            cursor.execute(f"SET LOCAL {setting} = off")
    plan = json.loads(queryset.explain(format="json", analyze=True))[0]["Plan"]
    problems = []
    for node in walk(plan):
        table = node.get("Relation Name")
        if table not in table_rows:
            continue
        how = f"{node['Node Type']} on {table}" + (
            f" using {node['Index Name']}" if "Index Name" in node else ""
        )
        # Rows are an average per loop, rounded: count each loop (an index probe) as one.
        read = node.get("Actual Loops", 1) * max(
            node.get("Actual Rows", 0)
            + node.get("Rows Removed by Filter", 0)
            + node.get("Rows Removed by Index Recheck", 0),
            1,
        )
        if node["Node Type"] == "Seq Scan":
            problems.append(f"{how}: sequential scan")
        elif read > MOST * table_rows[table]:
            problems.append(f"{how}: reads {read:,} of {table_rows[table]:,} rows")
    return problems


def walk(node: dict):
    yield node
    for child in node.get("Plans", []):
        yield from walk(child)


def _param(page: str, role: str):
    reason = KNOWN.get((page, role))
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(page, role, id=f"{page} [{role}]", marks=marks)


@pytest.mark.parametrize(
    ("page", "role"),
    [_param(page, role) for page in LIST_PAGES for role in ONLY_FOR.get(page, ROLES)],
)
def test_list_page_reads_through_indexes(require_postgres, seeded, page, role):
    problems = plan_problems(LIST_PAGES[page](seeded.people[role]), seeded.table_rows)
    assert not problems, "; ".join(problems)


@pytest.mark.parametrize("page", list(DETAIL_PAGES))
def test_client_and_case_tabs_read_through_indexes(require_postgres, seeded, page):
    problems = plan_problems(DETAIL_PAGES[page](seeded), seeded.table_rows)
    assert not problems, "; ".join(problems)


def test_seeded_volume_is_shaped_like_an_agency(require_postgres, seeded):
    """The pages above are only meaningful on realistic data: check its shape."""
    assert Client.objects.count() == VOLUME.clients
    assert Incident.objects.count() == VOLUME.incidents
    assert Offboarding.objects.count() == VOLUME.cases
    assert AuditEvent.objects.count() == VOLUME.audit_events
    statuses = dict(Client.objects.values_list("status").annotate(n=Count("id")))
    assert statuses[Client.Status.ACTIVE] > VOLUME.clients / 2
    assert set(statuses) == set(Client.Status.values)
    open_cases = Offboarding.objects.filter(status__in=Offboarding.OPEN_STATES)
    assert open_cases.count() == statuses[Client.Status.OFFBOARDING]
    assert set(Offboarding.objects.values_list("status", flat=True)) == set(
        Offboarding.Status.values
    )
    leads_on_their_team = Client.team.through.objects.filter(user_id=F("client__account_lead_id"))
    assert leads_on_their_team.count() == VOLUME.clients
