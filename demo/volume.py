"""Volume data: Clean Break at the size it must stay fast at, written in a few minutes.

    DJANGO_DEBUG=true DATABASE_URL=postgres://postgres@127.0.0.1:5432/cleanbreak_volume \\
        .venv/bin/python manage.py seed_volume --clients 10000 --incidents 200000 \\
        --cases 20000 --audit-events 1000000

Everything goes in with bulk_create in batches: no save(), no signals, no services, and
no history rows (simple_history's tables stay empty for seeded rows). The shape is an
agency's: most clients with a few incidents and some with very many, a lead and a team
of two to six per client, invoices for most, at most one open offboarding per client and
the client's status following its cases, and an audit log spread over people, clients
and cases. The risk signal is what clients.risk.assess_risk says about the generated
rows, so lists sorted by risk look as they would in real use.

The command (demo/management/commands/seed_volume.py) parses the arguments; this module
runs the seed, volume_clients, volume_cases and volume_audit plan the rows. The functions
are reused by tests/test_explain.py to seed a smaller volume. See bench/seed.md for
timings, table sizes and the indexes each page uses.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.core.management.base import CommandError
from django.db import models, transaction
from django.utils import timezone

from agency.models import AuditEvent, User
from clients.models import Client, Contact, Contract, Incident, Invoice, RepairAttempt
from offboarding.models import Offboarding

from .volume_audit import AuditPlanner
from .volume_cases import CasePlanner
from .volume_clients import FIRST_NAMES, LAST_NAMES, ClientPlanner

PASSWORD = "cleanbreak-volume"
YEARS_OF_HISTORY = 3


@dataclass(frozen=True)
class Volume:
    clients: int = 10_000
    incidents: int = 200_000
    cases: int = 20_000
    audit_events: int = 1_000_000
    users: int = 200
    batch: int = 5_000
    seed: int = 1


@dataclass
class Seeded:
    """What was written, for a benchmark or a test to pick its people from."""

    managers: list[User]
    leads: list[User]
    staff: list[User]
    timings: dict[str, tuple[int, float]] = field(default_factory=dict)


@contextmanager
def explicit_timestamps(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let bulk_create keep the generated created_at/updated_at instead of 'now'."""
    fields = [
        f
        for model in model_classes
        for f in model._meta.concrete_fields
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
    ]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def batched(items: Iterable, size: int) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


class Seeder(ClientPlanner, CasePlanner, AuditPlanner):
    """Generates the rows in memory table by table, then writes them in batches."""

    def __init__(self, volume: Volume, *, log: Callable[[str], None] = print):
        if volume.users < 5:
            raise CommandError("Seed at least 5 users: managers, leads and staff.")
        self.v = volume
        self.rng = random.Random(volume.seed)
        self.log = log
        self.now = timezone.now().replace(microsecond=0)
        self.today = timezone.localdate(self.now)
        self.history_start = self.now - dt.timedelta(days=365 * YEARS_OF_HISTORY)
        self.timings: dict[str, tuple[int, float]] = {}

    # --- helpers ---------------------------------------------------------------------------

    def _insert(self, label: str, model: type[models.Model], rows: Iterable, total: int) -> None:
        """bulk_create in batches inside one transaction, with progress for large tables."""
        started = time.perf_counter()
        written = 0
        step = max(total // 5, self.v.batch * 20)
        next_report = step
        with transaction.atomic():
            for chunk in batched(rows, self.v.batch):
                model.objects.bulk_create(chunk, batch_size=self.v.batch)
                written += len(chunk)
                if written >= next_report and written < total:
                    self.log(f"  {label:<22} {written:>10,} / {total:,}")
                    next_report += step
        elapsed = time.perf_counter() - started
        self.timings[label] = (written, elapsed)
        rate = written / elapsed if elapsed else 0
        self.log(f"{label:<24} {written:>10,} rows {elapsed:8.1f} s {rate:>9,.0f} rows/s")

    def _moment(self, start: dt.datetime, end: dt.datetime | None = None) -> dt.datetime:
        end = end or self.now
        span = max(int((end - start).total_seconds()), 1)
        return start + dt.timedelta(seconds=self.rng.randrange(span))

    def _day(self, start: dt.date, end: dt.date | None = None) -> dt.date:
        end = end or self.today
        return start + dt.timedelta(days=self.rng.randint(0, max((end - start).days, 0)))

    def _person(self) -> tuple[str, str]:
        return self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)

    # --- the run ---------------------------------------------------------------------------

    def run(self) -> Seeded:
        prefix = f"vol{self.v.seed}-"
        if User.objects.filter(username__startswith=prefix).exists():
            raise CommandError(
                f"This database already holds a volume seeded with --seed {self.v.seed}; "
                "use a fresh database or another --seed."
            )
        started = time.perf_counter()
        with explicit_timestamps(Client, Incident, RepairAttempt, Offboarding, AuditEvent):
            self.users(prefix)
            planning = time.perf_counter()
            self.plan_clients()
            self.plan_incidents()
            self.plan_billing()
            self.plan_repair_attempts()
            self.plan_risk_and_cases()
            planned = time.perf_counter() - planning
            self.timings["planning"] = (0, planned)
            self.log(f"{'planning (in memory)':<24} {'':>10}      {planned:8.1f} s")
            self.write_clients()
            self.write_children()
            self.write_cases()
            self.write_audit_events()
        total = time.perf_counter() - started
        self.timings["total"] = (0, total)
        self.log(f"{'total':<24} {'':>10}      {total:8.1f} s")
        self.log_shape()
        return Seeded(self.managers, self.leads, self.staff, self.timings)

    # --- people ----------------------------------------------------------------------------

    def users(self, prefix: str) -> None:
        n = self.v.users
        n_managers = max(1, round(n * 0.05))
        n_leads = max(1, round(n * 0.15))
        roles = [User.Role.MANAGER] * n_managers + [User.Role.LEAD] * n_leads
        roles += [User.Role.STAFF] * (n - len(roles))
        password = make_password(PASSWORD)  # hashed once: every seeded person shares it
        rows = []
        for i, role in enumerate(roles):
            first, last = self._person()
            username = f"{prefix}{role}-{i:04d}"
            rows.append(
                User(
                    username=username,
                    first_name=first,
                    last_name=last,
                    email=f"{username}@agency.example",
                    role=role,
                    password=password,
                    date_joined=self._moment(self.now - dt.timedelta(days=365 * 6)),
                )
            )
        self._insert("users", User, rows, len(rows))
        self.managers = [u for u in rows if u.role == User.Role.MANAGER]
        self.leads = [u for u in rows if u.role == User.Role.LEAD]
        self.staff = [u for u in rows if u.role == User.Role.STAFF]
        self.names = {u.pk: u.display_name for u in rows}
        # Each lead runs a pod of staff; a client's team comes from its lead's pod.
        self.pods: dict[int, list[int]] = {lead.pk: [] for lead in self.leads}
        for i, person in enumerate(self.staff):
            self.pods[self.leads[i % len(self.leads)].pk].append(person.pk)
        self.lead_weights = [self.rng.lognormvariate(0, 0.5) for _ in self.leads]

    # --- writing ---------------------------------------------------------------------------

    def write_clients(self) -> None:
        self._insert("clients", Client, self.clients, len(self.clients))
        Team = Client.team.through
        team_rows = [
            Team(client_id=client.pk, user_id=user_id)
            for client, team in zip(self.clients, self.teams, strict=True)
            for user_id in team
        ]
        self._insert("client teams", Team, team_rows, len(team_rows))

    def write_children(self) -> None:
        ids = [c.pk for c in self.clients]
        for i, contract in self.contracts.items():
            contract.client_id = ids[i]
        self._insert("contracts", Contract, self.contracts.values(), len(self.contracts))

        def children(per_client: list[list[models.Model]], **extra) -> Iterator[models.Model]:
            for i, rows in enumerate(per_client):
                for row in rows:
                    row.client_id = ids[i]
                    for name, value in extra.items():
                        setattr(row, name, value(i))
                    yield row

        total = sum(map(len, self.contacts))
        self._insert("contacts", Contact, children(self.contacts), total)
        contract_id = {i: c.pk for i, c in self.contracts.items()}
        total = sum(map(len, self.invoices))
        self._insert(
            "invoices",
            Invoice,
            children(self.invoices, contract_id=contract_id.get),
            total,
        )
        total = sum(map(len, self.incidents))
        self._insert("incidents", Incident, children(self.incidents), total)
        total = sum(map(len, self.repair_attempts))
        self._insert("repair_attempts", RepairAttempt, children(self.repair_attempts), total)

    def log_shape(self) -> None:
        """The distributions, so a reader can judge the data without querying it."""
        statuses = Counter(c.status for c in self.clients)
        levels = Counter(c.risk_level for c in self.clients)
        cases = Counter(case.status for _, case, _ in self.cases)
        per_client = sorted(len(x) for x in self.incidents)
        n = len(per_client)

        def pct(p: float) -> int:
            return per_client[min(n - 1, int(p * n))] if n else 0

        self.log("clients by status:  " + ", ".join(f"{k} {v}" for k, v in statuses.items()))
        self.log("clients by risk:    " + ", ".join(f"{k} {v}" for k, v in levels.items()))
        self.log("cases by status:    " + ", ".join(f"{k} {v}" for k, v in cases.items()))
        self.log(
            "incidents per client: "
            f"none {sum(1 for x in per_client if not x)}, median {pct(0.5)}, "
            f"p90 {pct(0.9)}, p99 {pct(0.99)}, max {per_client[-1] if n else 0}"
        )


def seed_volume(volume: Volume, *, log: Callable[[str], None] = print) -> Seeded:
    return Seeder(volume, log=log).run()
