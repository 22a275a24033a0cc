"""seed_volume's clients and what hangs off them (contacts, contracts, invoices, incidents,
repair attempts), planned in memory with the seeded random generator."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

from clients.models import Client, Contact, Contract, Incident, Invoice, RepairAttempt

CENT = Decimal("0.01")


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
REPAIR_ATTEMPT_KINDS = [k for k, _ in RepairAttempt.Kind.choices]
REPAIR_ATTEMPT_OUTCOMES = (("helped", 30), ("no_change", 35), ("worse", 15), ("pending", 20))


class ClientPlanner:
    """Seeder's planning of the clients; the rows are written by Seeder."""

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

    def plan_repair_attempts(self) -> None:
        rng = self.rng
        outcomes = [o for o, _ in REPAIR_ATTEMPT_OUTCOMES]
        outcome_weights = [w for _, w in REPAIR_ATTEMPT_OUTCOMES]
        self.repair_attempts: list[list[RepairAttempt]] = [[] for _ in self.clients]
        two_years = self.today - dt.timedelta(days=730)
        for i, client in enumerate(self.clients):
            n_incidents = len(self.incidents[i])
            if n_incidents < 4:
                continue
            for _ in range(min(5, rng.randint(0, 1 + n_incidents // 12))):
                kind = rng.choice(REPAIR_ATTEMPT_KINDS)
                tried = self._day(max(client.start_date, two_years))
                self.repair_attempts[i].append(
                    RepairAttempt(
                        kind=kind,
                        tried_on=tried,
                        description="Talked it through with the client's marketing lead.",
                        outcome=rng.choices(outcomes, weights=outcome_weights)[0],
                        recorded_by_id=client.account_lead_id,
                        created_at=dt.datetime.combine(tried, dt.time(16), tzinfo=dt.UTC),
                    )
                )
