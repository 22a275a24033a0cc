"""The demo clients, from a healthy account to one the agency should part with at once.

One function per client. Each takes the client's name, the demo users and today's
date, writes the client through clients/services.py, as a person using the product
would, and returns it. DEMO_CLIENTS lists them in the order they are created.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal

from clients.dates import add_months
from clients.models import Client, Contract, Incident, RepairAttempt
from clients.services import (
    client_create,
    contact_save,
    contract_save,
    incident_log,
    repair_attempt_save,
)

from .clients_high_risk import brightwave_dental, vantage_motors
from .common import AGENCY_DOMAIN, Users, monthly_invoices
from .files import eml_upload


def harbour_and_pine(*, name: str, users: Users, today: dt.date) -> Client:
    """A healthy account: pays on time, nothing on record. Risk: low."""
    lead, staff = users["lead"], users["staff"]
    client = client_create(
        actor=lead,
        team=[staff],
        name=name,
        website="https://harbourandpine.example",
        industry="Outdoor retail",
        start_date=add_months(today, -38),
        monthly_value=Decimal("3400.00"),
        notes="Runs its own e-shop team; we own the brand site, newsletters and paid social.",
    )
    contact_save(
        actor=lead,
        client=client,
        name="Ingrid Halvorsen",
        role="Head of e-commerce",
        email="ingrid.halvorsen@harbourandpine.example",
        phone="+44 20 7946 0311",
        receives_handover=True,
    )
    contact_save(
        actor=lead,
        client=client,
        name="Tom Achterberg",
        role="Finance",
        email="accounts@harbourandpine.example",
    )
    contract = contract_save(
        actor=lead,
        client=client,
        title="Retained services agreement",
        reference="HPO-RSA-2",
        start_date=add_months(today, -14),
        notice_days=30,
        termination_clause_ref="9.1",
        termination_clause_text=(
            "This agreement runs month to month. Either party may end it by giving the "
            "other thirty (30) days' notice in writing."
        ),
        payment_terms_days=Contract.PaymentTerms.NET_30,
        monthly_fee=Decimal("3400.00"),
        is_current=True,
    )
    monthly_invoices(
        actor=lead,
        contract=contract,
        prefix="HPO",
        today=today,
        plan=[(months_ago, -(2 + months_ago % 4), 1) for months_ago in range(12, 0, -1)],
    )
    return client


def lumen_analytics(*, name: str, users: Users, today: dt.date) -> Client:
    """Pays, but keeps stretching the scope and overruling our advice. Risk: elevated."""
    lead, staff = users["lead"], users["staff"]
    client = client_create(
        actor=lead,
        team=[staff],
        name=name,
        website="https://lumen-analytics.example",
        industry="B2B software (analytics)",
        language="nl",  # a Dutch client: its letter and handover come out in Dutch
        start_date=add_months(today, -11),
        monthly_value=Decimal("5800.00"),
        notes="Scope: marketing site, pricing pages and two launch campaigns a year.",
    )
    contact_save(
        actor=lead,
        client=client,
        name="Noor Haddad",
        role="VP marketing",
        email="noor@lumen-analytics.example",
        phone="+31 20 794 0213",
        receives_handover=True,
    )
    contract = contract_save(
        actor=lead,
        client=client,
        title="Website and launch marketing retainer",
        reference="LUM-SOW-1",
        start_date=add_months(today.replace(day=1), -10),
        notice_days=45,
        termination_clause_ref="8.1",
        termination_clause_text=(
            "This retainer continues until either party ends it by giving forty-five "
            "(45) days' written notice. Work requested outside the statement of work, "
            "including more than two rounds of revisions per deliverable, is quoted and "
            "charged separately."
        ),
        payment_terms_days=Contract.PaymentTerms.NET_30,
        monthly_fee=Decimal("5800.00"),
        is_current=True,
    )
    monthly_invoices(
        actor=lead,
        contract=contract,
        prefix="LUM",
        today=today,
        plan=[(months_ago, 9 if months_ago == 4 else -2, 1) for months_ago in range(10, 0, -1)],
    )

    revisions_day = today - dt.timedelta(days=70)
    incident_log(
        actor=staff,
        client=client,
        category=Incident.Category.SCOPE_CREEP,
        severity=Incident.Severity.MEDIUM,
        occurred_on=revisions_day,
        title="Seventh round of revisions on the pricing page",
        description=(
            "The statement of work allows two rounds of revisions per deliverable. The "
            "pricing page went through seven, each changing the plan names or the layout "
            "again. Noor Haddad declined the change request for rounds three to seven."
        ),
        hours_lost=Decimal("14.5"),
        money_at_stake=Decimal("1450.00"),
        files=[
            eml_upload(
                f"{revisions_day:%Y-%m-%d} pricing page round 7.eml",
                sender="Noor Haddad <noor@lumen-analytics.example>",
                to=f"Sofia Reyes <staff@{AGENCY_DOMAIN}>",
                subject="Pricing page - a few more tweaks",
                sent_on=revisions_day,
                body=(
                    "Hi Sofia,\n\n"
                    "Thanks for v7. We have renamed the plans again (see attached list) "
                    "and would like to try the comparison table at the top instead. These "
                    "are small tweaks so I assume they are covered.\n\n"
                    "Noor"
                ),
            )
        ],
    )
    incident_log(
        actor=lead,
        client=client,
        category=Incident.Category.REJECTS_ADVICE,
        severity=Incident.Severity.MEDIUM,
        occurred_on=today - dt.timedelta(days=40),
        title="Launched paid campaign against our advice, then asked for free rework",
        description=(
            "We advised fixing the landing page's load time (over 6 seconds on mobile) "
            "before starting the paid campaign. The client launched anyway. When the "
            "campaign underperformed, they asked us to rebuild the page at no charge."
        ),
        hours_lost=Decimal("6.0"),
        money_at_stake=Decimal("900.00"),
    )
    incident_log(
        actor=staff,
        client=client,
        category=Incident.Category.SCOPE_CREEP,
        severity=Incident.Severity.MEDIUM,
        occurred_on=today - dt.timedelta(days=25),
        title="A webinar landing-page system requested as a 'quick tweak'",
        description=(
            "Asked for a reusable set of webinar landing pages with registration forms "
            "and CRM sync within the current retainer, to go live in a week. This is a "
            "new project of roughly three weeks' work."
        ),
        hours_lost=Decimal("22.0"),
        money_at_stake=Decimal("3200.00"),
    )
    repair_attempt_save(
        actor=lead,
        client=client,
        kind=RepairAttempt.Kind.CHARGE_EXTRA,
        tried_on=today - dt.timedelta(days=55),
        description=(
            "Sent a priced change request for every revision round past the second, as "
            "clause 8.1 allows, and walked Noor through it on a call. The quotes were "
            "neither signed nor refused; the requests kept coming."
        ),
        outcome=RepairAttempt.Outcome.NO_CHANGE,
    )
    return client


def kestrel_and_finch(*, name: str, users: Users, today: dt.date) -> Client:
    """A quiet account the manager leads herself; staff is not on its team. Risk: low."""
    manager, lead = users["manager"], users["lead"]
    client = client_create(
        actor=manager,
        account_lead=manager,
        team=[lead],
        name=name,
        website="https://kestrelfinch.example",
        industry="Architecture",
        start_date=add_months(today, -26),
        monthly_value=Decimal("1850.00"),
        currency=Client.Currency.GBP,
        notes="Portfolio site and a quarterly print brochure.",
    )
    contact_save(
        actor=manager,
        client=client,
        name="Eleanor Finch",
        role="Partner",
        email="eleanor@kestrelfinch.example",
        receives_handover=True,
    )
    contact_save(
        actor=manager,
        client=client,
        name="Marcus Kestrel",
        role="Partner",
        email="marcus@kestrelfinch.example",
    )
    contract = contract_save(
        actor=manager,
        client=client,
        title="Website care plan",
        reference="KF-CARE-3",
        start_date=add_months(today.replace(day=1), -6),
        end_date=add_months(today.replace(day=1), 6) - dt.timedelta(days=1),
        auto_renews=True,
        renewal_months=12,
        notice_days=30,
        termination_clause_ref="5",
        termination_clause_text=(
            "The plan renews each year unless either party gives thirty (30) days' "
            "notice before the renewal date."
        ),
        payment_terms_days=Contract.PaymentTerms.NET_14,
        monthly_fee=Decimal("1850.00"),
        is_current=True,
    )
    monthly_invoices(
        actor=manager,
        contract=contract,
        prefix="KF",
        today=today,
        plan=[(months_ago, -1, 1) for months_ago in range(6, 0, -1)],
    )
    incident_log(
        actor=lead,
        client=client,
        category=Incident.Category.UNRESPONSIVE,
        severity=Incident.Severity.LOW,
        occurred_on=today - dt.timedelta(days=33),
        title="Brochure proofs waited three weeks for approval",
        description=(
            "Proofs for the spring brochure were sent on time; approval came three weeks "
            "later, with a request to print within two days."
        ),
    )
    return client


def copperleaf_bakery(*, name: str, users: Users, today: dt.date) -> Client:
    """A friendly client whose taste never matched ours, on an account that lost money.

    Its offboarding is already finished in the demo (see copperleaf_case).
    """
    lead, staff = users["lead"], users["staff"]
    client = client_create(
        actor=lead,
        team=[staff],
        name=name,
        website="https://copperleafbakery.example",
        language="it",  # an Italian client: its letter, handover and script in Italian
        industry="Food and hospitality (artisan bakeries)",
        start_date=add_months(today, -19),
        monthly_value=Decimal("1400.00"),
        notes="Three shops and a wholesale round. Brand, menus, photography and social media.",
    )
    contact_save(
        actor=lead,
        client=client,
        name="Rosa Lindqvist",
        role="Founder",
        email="rosa@copperleafbakery.example",
        phone="+44 117 496 0865",
        receives_handover=True,
    )
    contact_save(
        actor=lead,
        client=client,
        name="Ben Carter",
        role="Operations",
        email="ben@copperleafbakery.example",
    )
    contract = contract_save(
        actor=lead,
        client=client,
        title="Brand and social media retainer",
        reference="CLB-RET-2",
        start_date=add_months(today.replace(day=1), -18),
        notice_days=45,
        termination_clause_ref="7.2",
        termination_clause_text=(
            "Either party may end this retainer by giving forty-five (45) days' written "
            "notice. Work in progress on the last day is handed over as it stands unless "
            "the parties agree otherwise."
        ),
        payment_terms_days=Contract.PaymentTerms.NET_14,
        monthly_fee=Decimal("1400.00"),
        is_current=True,
    )
    monthly_invoices(
        actor=lead,
        contract=contract,
        prefix="CLB",
        today=today,
        plan=[(months_ago, -3, 1) for months_ago in range(12, 0, -1)],
    )
    incident_log(
        actor=lead,
        client=client,
        category=Incident.Category.STYLE_MISMATCH,
        severity=Incident.Severity.MEDIUM,
        occurred_on=today - dt.timedelta(days=150),
        title="Signed-off brand refresh reversed after the menus were printed",
        description=(
            "Rosa Lindqvist approved the clean, modern identity in writing. After the new "
            "menus were printed she asked to return to the hand-drawn chalkboard look, "
            "saying the new style 'does not feel like us'. The menus were reprinted at "
            "our cost."
        ),
        hours_lost=Decimal("18.0"),
        money_at_stake=Decimal("640.00"),
    )
    incident_log(
        actor=staff,
        client=client,
        category=Incident.Category.STYLE_MISMATCH,
        severity=Incident.Severity.LOW,
        occurred_on=today - dt.timedelta(days=110),
        title="Scheduled social posts rewritten before publishing, every week",
        description=(
            "For six weeks in a row the founder rewrote our scheduled posts shortly before "
            "they went out, replacing the agreed tone of voice with her own. She was "
            "friendly about it and said she simply prefers to write them herself."
        ),
        hours_lost=Decimal("7.5"),
    )
    incident_log(
        actor=lead,
        client=client,
        category=Incident.Category.UNPROFITABLE,
        severity=Incident.Severity.MEDIUM,
        occurred_on=today - dt.timedelta(days=75),
        title="Account over its hours budget for the fourth month running",
        description=(
            "The retainer covers 16 hours a month. Logged time was 27, 31, 24 and 29 "
            "hours over the last four months, mostly re-work after changes of direction. "
            "At our rates the account now loses about 575.00 EUR a month."
        ),
        hours_lost=Decimal("31.0"),
        money_at_stake=Decimal("2300.00"),
    )
    repair_attempt_save(
        actor=lead,
        client=client,
        kind=RepairAttempt.Kind.MEETING_RHYTHM,
        tried_on=today - dt.timedelta(days=120),
        description=(
            "Started a fortnightly creative review with Rosa, so that the direction is "
            "agreed before work starts rather than after it is delivered."
        ),
        outcome=RepairAttempt.Outcome.NO_CHANGE,
    )
    repair_attempt_save(
        actor=lead,
        client=client,
        kind=RepairAttempt.Kind.NEW_AGREEMENT,
        tried_on=today - dt.timedelta(days=68),
        description=(
            "Proposed a smaller scope (photography and menus only, no social media) at "
            "the same fee. Rosa declined: she wants to keep everything as it is."
        ),
        outcome=RepairAttempt.Outcome.NO_CHANGE,
    )
    return client


DEMO_CLIENTS: Sequence[tuple[str, Callable[..., Client]]] = (
    ("Harbour & Pine Outfitters", harbour_and_pine),
    ("Brightwave Dental Group", brightwave_dental),
    ("Vantage Motors Regional", vantage_motors),
    ("Lumen Analytics", lumen_analytics),
    ("Kestrel & Finch Architects", kestrel_and_finch),
    ("Copperleaf Bakery Co.", copperleaf_bakery),
)
