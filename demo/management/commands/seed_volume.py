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

The functions are reused by tests/test_explain.py to seed a smaller volume. See
bench/seed.md for timings, table sizes and the indexes each page uses.
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
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction
from django.utils import timezone

from agency.models import AuditEvent, User
from clients.models import Client, Contact, Contract, Incident, Invoice, Remediation
from clients.risk import assess_risk
from offboarding.models import Offboarding

PASSWORD = "cleanbreak-volume"
YEARS_OF_HISTORY = 3
CENT = Decimal("0.01")

S = Offboarding.Status
A = AuditEvent.Action


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _words(
    "Ada Ana Ben Bo Cara Dev Eli Emma Finn Gia Hana Ivo Jade Jon Kai Lara Leo Lina Luca "
    "Maya Mia Nia Noah Olle Omar Pia Rafa Rosa Sami Sara Tao Teo Una Vera Wim Yara Zoe"
)
LAST_NAMES = _words(
    "Adler Baker Brandt Costa Dahl Ek Fischer Garcia Haas Ito Jensen Kovac Laine Meyer "
    "Moreau Novak Okafor Olsen Park Quinn Reyes Rossi Sato Silva Smith Tanaka Ueda Vogel "
    "Weber Young Zeller Nakamura Lindqvist Horvat Dubois"
)
NAME_FIRST = _words(
    "Alpine Amber Apex Arctic Atlas Aurora Azure Beacon Birch Blue Bright Cedar Cobalt "
    "Copper Coral Crimson Crystal Delta Eastern Echo Emerald Evergreen Falcon Fern Golden "
    "Granite Harbor Hazel Highland Horizon Indigo Iron Ivory Juniper Keystone Lakeside "
    "Linden Lunar Maple Meadow Meridian Metro Nimbus Noble Northern Oak Ocean Olive Onyx "
    "Orchid Pacific Pine Pioneer Polar Prairie Quartz Redwood Ridge River Royal Sage "
    "Sapphire Silver Solar Spruce Sterling Stone Summit Sunrise Tidal Urban Valley Velvet "
    "Vista Willow Zenith"
)
NAME_SECOND = _words(
    "Analytics Apparel Architects Bakery Bank Bikes Bistro Books Brewing Builders Capital "
    "Care Cellars Clinic Coffee Consulting Cosmetics Dental Design Dynamics Energy "
    "Engineering Estates Events Farms Fashion Fitness Foods Foundry Furniture Games Gardens "
    "Health Homes Hotels Insurance Interiors Jewellers Kitchens Labs Legal Logistics Media "
    "Medical Motors Music Optics Outdoors Partners Pets Pharma Printing Properties Realty "
    "Recruitment Retail Robotics Security Software Solar Sports Studio Systems Tea "
    "Technologies Textiles Tools Toys Travel Ventures Vineyards Wellness Works Yoga"
)
NAME_SUFFIX = ("", "", "", "Ltd", "GmbH", "BV", "AB", "& Co", "Group", "Inc", "SA", "Oy")
INDUSTRIES = (
    "Retail",
    "E-commerce",
    "Hospitality",
    "Healthcare",
    "Finance",
    "Real estate",
    "Manufacturing",
    "Software",
    "Education",
    "Non-profit",
    "Food and drink",
    "Travel",
)
CONTACT_ROLES = ("Marketing director", "CEO", "Head of digital", "Brand manager", "CMO", "Owner")

INCIDENT_CATEGORIES = (
    (Incident.Category.LATE_PAYMENT, 20, "Invoice paid weeks late again"),
    (Incident.Category.SCOPE_CREEP, 20, "Asked for extra work outside the scope"),
    (Incident.Category.UNRESPONSIVE, 15, "No answer to approval requests"),
    (Incident.Category.REJECTS_ADVICE, 10, "Overruled the agreed campaign plan"),
    (Incident.Category.UNPROFITABLE, 8, "Hours far above the retainer"),
    (Incident.Category.STAFF_MORALE, 8, "Team asked to be moved off the account"),
    (Incident.Category.STYLE_MISMATCH, 6, "Rejected the brand direction outright"),
    (Incident.Category.ABUSIVE, 5, "Shouted at a designer in a call"),
    (Incident.Category.UNETHICAL, 2, "Asked for fake reviews"),
    (Incident.Category.OTHER, 6, "Missed the workshop without notice"),
)
SEVERITY_WEIGHTS = ((1, 45), (2, 35), (3, 15), (4, 5))
REMEDIATION_KINDS = [k for k, _ in Remediation.Kind.choices]
REMEDIATION_OUTCOMES = (("helped", 30), ("no_change", 35), ("worse", 15), ("pending", 20))

# The status of a client's last case; its earlier cases were rejected or cancelled.
LAST_CASE_STATUS = (
    (S.DRAFT, 4),
    (S.PROPOSED, 4),
    (S.APPROVED, 2),
    (S.IN_PROGRESS, 5),
    (S.COMPLETED, 20),
    (S.REJECTED, 25),
    (S.CANCELLED, 40),
)
# How far back an open case was opened, in days (it is still open, so recently).
OPEN_CASE_AGE = {S.DRAFT: (0, 20), S.PROPOSED: (1, 21), S.APPROVED: (3, 30), S.IN_PROGRESS: (5, 90)}
# The path through the workflow to each status, as (action, from, to) audit steps.
PATHS = {
    S.DRAFT: (),
    S.PROPOSED: ("submit",),
    S.APPROVED: ("submit", "approve"),
    S.IN_PROGRESS: ("submit", "approve", "start"),
    S.COMPLETED: ("submit", "approve", "start", "complete"),
    S.REJECTED: ("submit", "reject"),
}
ACTION_STEPS = {
    "submit": (S.DRAFT, S.PROPOSED, "submitted for approval"),
    "approve": (S.PROPOSED, S.APPROVED, "approved"),
    "reject": (S.PROPOSED, S.REJECTED, "rejected"),
    "start": (S.APPROVED, S.IN_PROGRESS, "started"),
    "complete": (S.IN_PROGRESS, S.COMPLETED, "completed"),
}
CASE_EVENTS = (
    (A.STEP, "Contract review saved", 20),
    (A.STEP, "Deliverable updated", 25),
    (A.STEP, "Call plan saved", 10),
    (A.STEP, "Takeover instructions updated", 10),
    (A.STEP, "Close-out: access revoked", 5),
    (A.REVEAL, "Credential revealed", 10),
    (A.DOWNLOAD, "Handover downloaded", 10),
    (A.UPDATED, "Proposal updated", 10),
)
CLIENT_EVENTS = (
    (A.CREATED, "Incident logged", 30),
    (A.UPDATED, "Client details updated", 15),
    (A.CREATED, "Invoice added", 15),
    (A.UPDATED, "Invoice updated", 10),
    (A.CREATED, "Repair attempt recorded", 5),
    (A.UPDATED, "Contract updated", 5),
    (A.DOWNLOAD, "Evidence downloaded", 15),
    (A.ACCESS_DENIED, "Refused GET /clients/", 5),
)


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


class Seeder:
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
        with explicit_timestamps(Client, Incident, Remediation, Offboarding, AuditEvent):
            self.users(prefix)
            planning = time.perf_counter()
            self.plan_clients()
            self.plan_incidents()
            self.plan_billing()
            self.plan_remediations()
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

    # --- clients and what hangs off them, planned in memory --------------------------------

    def plan_clients(self) -> None:
        rng = self.rng
        self.clients: list[Client] = []
        self.teams: list[list[int]] = []
        for _ in range(self.v.clients):
            if rng.random() < 0.1:
                lead_id = rng.choice(self.managers).pk
                pod = self.pods[rng.choice(self.leads).pk]
            else:
                lead = rng.choices(self.leads, weights=self.lead_weights)[0]
                lead_id, pod = lead.pk, self.pods[lead.pk]
            others = rng.choices((1, 2, 3, 4, 5), weights=(15, 30, 30, 15, 10))[0]
            team = rng.sample(pod, min(others, len(pod)))
            if rng.random() < 0.1:
                team.append(rng.choice(self.staff).pk)  # someone borrowed from another pod
            self.teams.append(sorted({lead_id, *team}))
            first, second = rng.choice(NAME_FIRST), rng.choice(NAME_SECOND)
            suffix = rng.choice(NAME_SUFFIX)
            created = self._moment(self.now - dt.timedelta(days=365 * 6))
            monthly = Decimal(round(rng.lognormvariate(8.2, 0.6), -1)).quantize(CENT)
            self.clients.append(
                Client(
                    name=f"{first} {second} {suffix}".strip(),
                    website=f"https://{first.lower()}-{second.lower()}.example",
                    industry=rng.choice(INDUSTRIES),
                    account_lead_id=lead_id,
                    start_date=(created - dt.timedelta(days=rng.randint(0, 30))).date(),
                    monthly_value=monthly,
                    currency=rng.choices(("EUR", "GBP", "USD"), weights=(70, 15, 15))[0],
                    notes="Prefers calls to e-mail." if rng.random() < 0.2 else "",
                    created_at=created,
                    updated_at=created,
                )
            )

    def plan_incidents(self) -> None:
        rng = self.rng
        n = len(self.clients)
        # Skewed: most clients have a few incidents, a few have hundreds.
        weights = [rng.lognormvariate(0, 1.5) for _ in range(n)]
        counts = Counter(rng.choices(range(n), weights=weights, k=self.v.incidents))
        categories = [c for c, _, _ in INCIDENT_CATEGORIES]
        category_weights = [w for _, w, _ in INCIDENT_CATEGORIES]
        titles = {c: t for c, _, t in INCIDENT_CATEGORIES}
        severities = [s for s, _ in SEVERITY_WEIGHTS]
        severity_weights = [w for _, w in SEVERITY_WEIGHTS]
        self.incidents: list[list[Incident]] = [[] for _ in range(n)]
        history_start = self.history_start.date()
        for i, client in enumerate(self.clients):
            k = counts.get(i, 0)
            if not k:
                continue
            start = max(client.created_at.date(), history_start)
            team = self.teams[i]
            cats = rng.choices(categories, weights=category_weights, k=k)
            sevs = rng.choices(severities, weights=severity_weights, k=k)
            for category, severity in zip(cats, sevs, strict=True):
                occurred = self._day(start)
                withdrawn = rng.random() < 0.03
                at = dt.datetime.combine(
                    occurred + dt.timedelta(days=rng.randint(0, 2)),
                    dt.time(rng.randint(8, 18), rng.randint(0, 59)),
                    tzinfo=dt.UTC,
                )
                money = category in ("late_payment", "unprofitable", "scope_creep")
                self.incidents[i].append(
                    Incident(
                        category=category,
                        severity=severity,
                        occurred_on=occurred,
                        title=titles[category],
                        description=(
                            f"{titles[category]} on {occurred:%d %B %Y}. Recorded by the "
                            "account team with the e-mails attached."
                        ),
                        reported_by_id=rng.choice(team),
                        hours_lost=Decimal(rng.choice((1, 2, 3, 4, 6, 8, 12, 16)))
                        if rng.random() < 0.5
                        else None,
                        money_at_stake=Decimal(rng.randrange(200, 20000, 50)) if money else None,
                        state=Incident.State.WITHDRAWN if withdrawn else Incident.State.ACTIVE,
                        withdrawn_reason="Logged on the wrong client." if withdrawn else "",
                        created_at=min(at, self.now),
                    )
                )

    def plan_billing(self) -> None:
        rng = self.rng
        n = len(self.clients)
        self.contacts: list[list[Contact]] = [[] for _ in range(n)]
        self.contracts: dict[int, Contract] = {}
        self.invoices: list[list[Invoice]] = [[] for _ in range(n)]
        for i, client in enumerate(self.clients):
            for j in range(rng.choices((1, 2, 3), weights=(40, 40, 20))[0]):
                first, last = self._person()
                self.contacts[i].append(
                    Contact(
                        name=f"{first} {last}",
                        role=rng.choice(CONTACT_ROLES),
                        email=f"{first.lower()}.{last.lower()}@client{i}.example",
                        receives_handover=j == 0 and rng.random() < 0.8,
                    )
                )
            if rng.random() >= 0.6:
                continue  # about 60% of clients are billed through the app
            terms = rng.choices((14, 30, 45, 60), weights=(15, 60, 15, 10))[0]
            end = None
            if rng.random() < 0.5:
                end = client.start_date + dt.timedelta(days=365 * rng.randint(1, 4))
            self.contracts[i] = Contract(
                title="Retainer agreement",
                reference=f"C-{client.start_date:%Y}-{i:05d}",
                start_date=client.start_date,
                end_date=end,
                auto_renews=end is not None and rng.random() < 0.6,
                notice_days=rng.choice((30, 60, 90)),
                termination_clause_ref=rng.choice(("", "2.9", "11.1", "14")),
                payment_terms_days=terms,
                monthly_fee=client.monthly_value,
            )
            payer = rng.choices(("prompt", "slow", "bad"), weights=(80, 17, 3))[0]
            count = rng.randint(10, 14)
            for j in range(count):
                issued = self.today - dt.timedelta(days=30 * j + rng.randint(0, 4))
                if issued < client.start_date:
                    break
                due = issued + dt.timedelta(days=terms)
                late = {
                    "prompt": rng.randint(-10, 2),
                    "slow": rng.randint(-10, 30),
                    "bad": rng.randint(10, 120),
                }[payer]
                paid_on = due + dt.timedelta(days=late)
                amount = (client.monthly_value * Decimal(rng.uniform(0.9, 1.1))).quantize(CENT)
                paid = paid_on <= self.today
                self.invoices[i].append(
                    Invoice(
                        number=f"INV-{issued:%Y}-{count - j:03d}",
                        issued_on=issued,
                        due_on=due,
                        amount=amount,
                        paid_on=paid_on if paid else None,
                        paid_amount=amount if paid else Decimal("0.00"),
                    )
                )

    def plan_remediations(self) -> None:
        rng = self.rng
        outcomes = [o for o, _ in REMEDIATION_OUTCOMES]
        outcome_weights = [w for _, w in REMEDIATION_OUTCOMES]
        self.remediations: list[list[Remediation]] = [[] for _ in self.clients]
        two_years = self.today - dt.timedelta(days=730)
        for i, client in enumerate(self.clients):
            n_incidents = len(self.incidents[i])
            if n_incidents < 4:
                continue
            for _ in range(min(5, rng.randint(0, 1 + n_incidents // 12))):
                kind = rng.choice(REMEDIATION_KINDS)
                tried = self._day(max(client.start_date, two_years))
                self.remediations[i].append(
                    Remediation(
                        kind=kind,
                        tried_on=tried,
                        description="Talked it through with the client's marketing lead.",
                        outcome=rng.choices(outcomes, weights=outcome_weights)[0],
                        recorded_by_id=client.account_lead_id,
                        created_at=dt.datetime.combine(tried, dt.time(16), tzinfo=dt.UTC),
                    )
                )

    def plan_risk_and_cases(self) -> None:
        """The risk signal from the generated rows, then the cases, then each client's status."""
        rng = self.rng
        since = self.today - dt.timedelta(days=366)
        for i, client in enumerate(self.clients):
            risk = assess_risk(
                incidents=[x for x in self.incidents[i] if x.occurred_on >= since],
                invoices=[
                    x for x in self.invoices[i] if x.due_on >= since or x.paid_amount < x.amount
                ],
                remediations=[x for x in self.remediations[i] if x.tried_on >= since],
                today=self.today,
                currency=client.currency,
            )
            client.risk_score = risk.score
            client.risk_level = risk.level
            client.risk_explanation = risk.explanation
            client.risk_computed_at = self.now - dt.timedelta(hours=rng.randint(0, 48))

        # Cases go mostly to the risky clients; at most the last one of each is open.
        weights = [(1 + min(c.risk_score, 40)) ** 1.5 for c in self.clients]
        per_client = Counter(rng.choices(range(len(self.clients)), weights=weights, k=self.v.cases))
        last_statuses = [s for s, _ in LAST_CASE_STATUS]
        last_weights = [w for _, w in LAST_CASE_STATUS]
        self.cases: list[tuple[int, Offboarding, list[tuple[str, dt.datetime]]]] = []
        for i, client in enumerate(self.clients):
            k = per_client.get(i, 0)
            last = rng.choices(last_statuses, weights=last_weights)[0] if k else None
            high = client.risk_level == Client.RiskLevel.HIGH
            resting = (
                Client.Status.AT_RISK
                if high or (client.risk_level == Client.RiskLevel.ELEVATED and rng.random() < 0.15)
                else Client.Status.ACTIVE
            )
            if last in Offboarding.OPEN_STATES:
                client.status = Client.Status.OFFBOARDING
                client.status_before_offboarding = resting
            elif last == S.COMPLETED:
                client.status = Client.Status.OFFBOARDED
            else:
                client.status = resting
            if not k:
                continue
            window_start = max(client.created_at, self.history_start)
            if last in OPEN_CASE_AGE:
                low, high_age = OPEN_CASE_AGE[last]
                last_start = self.now - dt.timedelta(days=rng.randint(low, high_age), hours=3)
                last_start = max(last_start, window_start)
            else:
                closed_by = self.now - dt.timedelta(days=10)
                last_start = self._moment(
                    min(window_start + (self.now - window_start) * 0.5, closed_by), closed_by
                )
            # Earlier cases, each closed, spread over the time before the last one.
            earlier = sorted(self._moment(window_start, last_start) for _ in range(k - 1))
            for opened in earlier:
                status = S.REJECTED if rng.random() < 0.4 else S.CANCELLED
                self.cases.append(self._case(i, status, opened, closes_before=last_start))
            self.cases.append(self._case(i, last, last_start, closes_before=self.now))
            client.updated_at = max(client.updated_at, self.cases[-1][1].updated_at)

    def _case(
        self, i: int, status: str, opened: dt.datetime, *, closes_before: dt.datetime
    ) -> tuple[int, Offboarding, list[tuple[str, dt.datetime]]]:
        """One case with the timestamps of its path, and that path as (action, when)."""
        rng = self.rng
        client = self.clients[i]
        team_staff = [p for p in self.teams[i] if p != client.account_lead_id]
        lead_is_manager = client.account_lead_id in {m.pk for m in self.managers}
        proposer = rng.choice(team_staff) if lead_is_manager and team_staff else None
        proposer = proposer or client.account_lead_id
        deciders = [m.pk for m in self.managers if m.pk != proposer] or [self.managers[0].pk]

        if status == S.CANCELLED:
            reached = rng.choices(
                (S.DRAFT, S.PROPOSED, S.APPROVED, S.IN_PROGRESS), weights=(40, 30, 10, 20)
            )[0]
        else:
            reached = status
        path = list(PATHS[reached]) + (["cancel"] if status == S.CANCELLED else [])
        # A case runs its course within four months, and before the next one opens.
        end = min(closes_before, opened + dt.timedelta(days=120))
        budget = max((end - opened).total_seconds(), 3600 * len(path) + 1)
        gaps = sorted(rng.uniform(0, budget) for _ in path)
        stamps = [opened + dt.timedelta(seconds=g) for g in gaps]
        steps = list(zip(path, stamps, strict=True))
        when = dict(steps)
        last_moment = stamps[-1] if stamps else opened
        case = Offboarding(
            client_id=None,
            status=status,
            created_by_id=proposer,
            created_at=opened,
            updated_at=last_moment,
            timing=rng.choices([t for t, _ in Offboarding.Timing.choices], weights=(30, 60, 10))[0],
            summary=f"{client.risk_explanation} The team has tried to repair it and asks to end "
            "the relationship.",
        )
        if "submit" in when:
            case.proposed_by_id = proposer
            case.proposed_at = when["submit"]
        decision = when.get("approve") or when.get("reject")
        if decision:
            case.decided_by_id = rng.choice(deciders)
            case.decided_at = decision
            case.decision_comment = (
                "Approved: the record is clear." if "approve" in when else "Try one more repair."
            )
        if reached in (S.IN_PROGRESS, S.COMPLETED):
            done = when.get("complete")
            if done or rng.random() < 0.5:
                case.deliverables_done_at = (done or self.now) - dt.timedelta(days=3)
            if done:
                case.handover_done_at = done - dt.timedelta(days=1)
                case.takeover_instructions = "Log in with the handed-over accounts.\n\n- DNS"
            flags = done is not None or rng.random() < 0.3
            case.access_revoked = case.ownership_transferred = flags
            case.final_invoice_settled = case.handover_delivered = done is not None
        if status in (S.REJECTED, S.COMPLETED, S.CANCELLED):
            case.closed_at = last_moment
        if status == S.CANCELLED:
            case.close_reason = "The client changed course; the team will keep the account."
        return i, case, steps

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
        total = sum(map(len, self.remediations))
        self._insert("remediations", Remediation, children(self.remediations), total)

    def write_cases(self) -> None:
        rng = self.rng
        for i, case, _ in self.cases:
            case.client_id = self.clients[i].pk
            if not self.incidents[i]:
                case.no_incident_justification = "Nothing was written down at the time."
        cases = [case for _, case, _ in self.cases]
        self._insert("offboarding cases", Offboarding, cases, len(cases))
        Link = Offboarding.incidents.through
        links = []
        for i, case, _ in self.cases:
            before = [x.pk for x in self.incidents[i] if x.created_at <= case.created_at]
            for incident_id in rng.sample(before, min(len(before), rng.randint(1, 3))):
                links.append(Link(offboarding_id=case.pk, incident_id=incident_id))
        self._insert("case incident links", Link, links, len(links))

    def write_audit_events(self) -> None:
        total = self.v.audit_events
        self._insert("audit events", AuditEvent, itertools.islice(self._events(), total), total)

    def _event(
        self,
        *,
        actor_id: int | None,
        action: str,
        summary: str,
        at: dt.datetime,
        client_id: int | None = None,
        case_id: int | None = None,
        object_type: str = "",
        object_id: int | None = None,
        from_state: str = "",
        to_state: str = "",
        comment: str = "",
        ip: str | None = None,
    ) -> AuditEvent:
        return AuditEvent(
            created_at=at,
            actor_id=actor_id,
            actor_name=self.names.get(actor_id, ""),
            action=action,
            summary=summary,
            client_id=client_id,
            case_id=case_id,
            object_type=object_type,
            object_id=object_id,
            from_state=from_state,
            to_state=to_state,
            comment=comment,
            ip_address=ip,
        )

    def _events(self) -> Iterator[AuditEvent]:
        """Every case's path first, each client's creation, then activity up to the total:
        about 30% about cases, 45% about clients, the rest logins and logouts."""
        rng = self.rng
        total = self.v.audit_events
        written = 0
        for i, case, steps in self.cases:
            client_id = self.clients[i].pk
            yield self._event(
                actor_id=case.created_by_id,
                action=A.CREATED,
                summary="Offboarding drafted",
                at=case.created_at,
                client_id=client_id,
                case_id=case.pk,
                object_type="offboarding",
                object_id=case.pk,
            )
            written += 1
            state = S.DRAFT
            for action, at in steps:
                if action == "cancel":
                    before, after, label = state, S.CANCELLED, "cancelled"
                else:
                    before, after, label = ACTION_STEPS[action]
                state = after
                decision = action in ("approve", "reject")
                yield self._event(
                    actor_id=case.decided_by_id if decision else case.created_by_id,
                    action=A.DECISION if decision else A.TRANSITION,
                    summary=f"Offboarding {label}",
                    at=at,
                    client_id=client_id,
                    case_id=case.pk,
                    from_state=before,
                    to_state=after,
                    comment=case.decision_comment if decision else case.close_reason,
                )
                written += 1
        for client in self.clients:
            yield self._event(
                actor_id=client.account_lead_id,
                action=A.CREATED,
                summary=f"Client {client.name} added",
                at=client.created_at,
                client_id=client.pk,
                object_type="client",
                object_id=client.pk,
            )
            written += 1

        remaining = max(total - written, 0)
        case_share = int(remaining * 0.30)
        client_share = int(remaining * 0.45)
        # Cases being worked on gather the most events.
        working = {S.APPROVED: 6, S.IN_PROGRESS: 10, S.COMPLETED: 8}
        case_weights = [working.get(case.status, 1) for _, case, _ in self.cases]
        event_kinds = [(a, s) for a, s, _ in CASE_EVENTS]
        event_weights = [w for _, _, w in CASE_EVENTS]
        if self.cases:
            picks = rng.choices(range(len(self.cases)), weights=case_weights, k=case_share)
            kinds = rng.choices(event_kinds, weights=event_weights, k=case_share)
            for pick, (action, summary) in zip(picks, kinds, strict=True):
                i, case, _ = self.cases[pick]
                team = self.teams[i]
                yield self._event(
                    actor_id=rng.choice(team),
                    action=action,
                    summary=summary,
                    at=self._moment(case.created_at, case.closed_at or self.now),
                    client_id=self.clients[i].pk,
                    case_id=case.pk,
                    object_type="offboarding",
                    object_id=case.pk,
                )
        # Busy clients (many incidents) gather the most events.
        client_weights = [3 + len(x) for x in self.incidents]
        event_kinds = [(a, s) for a, s, _ in CLIENT_EVENTS]
        event_weights = [w for _, _, w in CLIENT_EVENTS]
        picks = rng.choices(range(len(self.clients)), weights=client_weights, k=client_share)
        kinds = rng.choices(event_kinds, weights=event_weights, k=client_share)
        for pick, (action, summary) in zip(picks, kinds, strict=True):
            client = self.clients[pick]
            yield self._event(
                actor_id=rng.choice(self.teams[pick]),
                action=action,
                summary=summary,
                at=self._moment(client.created_at),
                client_id=client.pk,
                object_type="client",
                object_id=client.pk,
            )
        users = [*self.managers, *self.leads, *self.staff]
        start = self.history_start
        while True:
            person = rng.choice(users)
            roll = rng.random()
            action, summary = (
                (A.LOGIN, "Logged in")
                if roll < 0.8
                else (A.LOGOUT, "Logged out")
                if roll < 0.95
                else (A.LOGIN_FAILED, f"Failed login for “{person.username}”")
            )
            yield self._event(
                actor_id=None if action == A.LOGIN_FAILED else person.pk,
                action=action,
                summary=summary,
                at=self._moment(start),
                ip=f"10.{rng.randint(0, 3)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
            )

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


class Command(BaseCommand):
    help = "Fill the database with a large, realistic volume of data (for benchmarks)."

    def add_arguments(self, parser):
        defaults = Volume()
        parser.add_argument("--clients", type=int, default=defaults.clients)
        parser.add_argument("--incidents", type=int, default=defaults.incidents)
        parser.add_argument("--cases", type=int, default=defaults.cases)
        parser.add_argument("--audit-events", type=int, default=defaults.audit_events)
        parser.add_argument("--users", type=int, default=defaults.users)
        parser.add_argument("--batch", type=int, default=defaults.batch)
        parser.add_argument("--seed", type=int, default=defaults.seed, help="Random seed.")
        parser.add_argument(
            "--yes-i-know",
            action="store_true",
            help="Seed even though DJANGO_DEBUG is off (never on a production database).",
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["yes_i_know"]:
            raise CommandError(
                "Refusing to seed volume data with DJANGO_DEBUG off. This writes hundreds of "
                "thousands of fake rows; pass --yes-i-know if this really is a scratch database."
            )
        if connection.vendor != "postgresql":
            self.stderr.write(
                self.style.WARNING(
                    f"Seeding {connection.vendor}: the volume benchmarks and the index checks "
                    "are meant for PostgreSQL (set DATABASE_URL)."
                )
            )
        volume = Volume(
            clients=options["clients"],
            incidents=options["incidents"],
            cases=options["cases"],
            audit_events=options["audit_events"],
            users=options["users"],
            batch=options["batch"],
            seed=options["seed"],
        )
        if min(volume.clients, volume.batch) < 1 or min(volume.incidents, volume.cases) < 0:
            raise CommandError("--clients and --batch must be positive; counts cannot be negative.")

        def log(line: str) -> None:
            self.stdout.write(line)
            self.stdout.flush()

        log(
            f"Seeding {volume.users} users, {volume.clients:,} clients, {volume.incidents:,} "
            f"incidents, {volume.cases:,} cases, {volume.audit_events:,} audit events "
            f"(batches of {volume.batch:,}, seed {volume.seed}) into "
            f"{connection.settings_dict['NAME']}"
        )
        seeded = seed_volume(volume, log=log)
        # Statistics for the planner, and (PostgreSQL) the visibility map that index-only
        # scans rely on: what autovacuum would leave behind after a while.
        started = time.perf_counter()
        statement = "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
        with connection.cursor() as cursor:
            cursor.execute(statement)
        log(f"{statement.lower():<24} {'':>10}      {time.perf_counter() - started:8.1f} s")
        log(
            f"Log in as {seeded.managers[0].username}, {seeded.leads[0].username} or "
            f"{seeded.staff[0].username} with the password {PASSWORD!r}."
        )
