"""Demo data for trying Clean Break locally: safe to run twice, refused in production.

The demo cast: four people (one per role) and a handful of clients, from a healthy
account to one the agency should part with at once. Every client is written through
the services in clients/services.py, as a person using the product would, so the
audit log, history and risk signal come out as they would in real use. All dates
count back from today, so the demo looks current whenever it is run.
"""

from __future__ import annotations

import datetime as dt
import os
import struct
import zlib
from collections.abc import Callable, Sequence
from decimal import Decimal
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from agency.models import User
from clients.dates import add_months
from clients.models import Client, Contract, Incident, Invoice, Remediation
from clients.services import (
    client_create,
    contact_save,
    contract_save,
    incident_log,
    invoice_save,
    remediation_save,
)

DEFAULT_PASSWORD = "cleanbreak-demo"

DEMO_USERS = [
    # username, first, last, role, is_superuser
    ("manager", "Maya", "Okafor", User.Role.MANAGER, False),
    ("lead", "Liam", "Brandt", User.Role.LEAD, False),
    ("staff", "Sofia", "Reyes", User.Role.STAFF, False),
    ("admin", "Ada", "Admin", User.Role.MANAGER, True),
]

AGENCY_DOMAIN = "agency.example"

Users = dict[str, User]


class Command(BaseCommand):
    help = "Create demo users and demo clients (and, as the product grows, offboarding cases)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "demo_data refuses to run with DJANGO_DEBUG off: it would create known "
                "passwords on a production database."
            )
        password = os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD
        with transaction.atomic():
            users = self.create_users(password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo users ready: {', '.join(users)} (password from DEMO_PASSWORD, "
                f"default “{DEFAULT_PASSWORD}”)."
            )
        )
        self.create_clients(users)

    def create_users(self, password: str) -> dict[str, User]:
        users = {}
        for username, first, last, role, superuser in DEMO_USERS:
            user, _ = User.objects.update_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@{AGENCY_DOMAIN}",
                    "role": role,
                    "is_staff": superuser,
                    "is_superuser": superuser,
                    "is_active": True,
                },
            )
            user.set_password(password)
            user.save(update_fields=["password"])
            users[username] = user
        return users

    def create_clients(self, users: Users) -> None:
        """Add each demo client once; a client whose name is taken is left as it is."""
        today = timezone.localdate()
        for name, create in DEMO_CLIENTS:
            if Client.objects.filter(name=name).exists():
                self.stdout.write(f"Kept client “{name}”: it already exists.")
                continue
            with transaction.atomic():
                client = create(name=name, users=users, today=today)
            self.stdout.write(
                self.style.SUCCESS(f"Created client “{name}” (risk: {client.risk_level}).")
            )


# --- The demo clients ---------------------------------------------------------------------
# One function per client. Each takes the client's name, the demo users and today's
# date, and returns the client it created.


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
    _monthly_invoices(
        actor=lead,
        contract=contract,
        prefix="HPO",
        today=today,
        plan=[(months_ago, -(2 + months_ago % 4), 1) for months_ago in range(12, 0, -1)],
    )
    return client


def brightwave_dental(*, name: str, users: Users, today: dt.date) -> Client:
    """A client that pays late, haggles and now owes two invoices. Risk: high."""
    lead, staff = users["lead"], users["staff"]
    client = client_create(
        actor=lead,
        team=[staff],
        name=name,
        website="https://brightwavedental.example",
        industry="Healthcare (dental practices)",
        start_date=add_months(today, -21),
        monthly_value=Decimal("4200.00"),
        notes="Seven practices. Marketing is run by the group; invoices go to a central team.",
    )
    contact_save(
        actor=lead,
        client=client,
        name="Dr. Priya Natarajan",
        role="Clinical director",
        email="p.natarajan@brightwavedental.example",
        receives_handover=True,
    )
    contact_save(
        actor=lead,
        client=client,
        name="Gavin Moore",
        role="Group practice manager",
        email="gavin.moore@brightwavedental.example",
        phone="+44 161 496 0742",
    )
    contact_save(
        actor=lead,
        client=client,
        name="Accounts payable",
        role="Finance",
        email="payables@brightwavedental.example",
    )
    term_end = add_months(today.replace(day=1), 4) - dt.timedelta(days=1)
    term_start = add_months(term_end + dt.timedelta(days=1), -24)
    contract = contract_save(
        actor=lead,
        client=client,
        signed_upload=SimpleUploadedFile(
            "Brightwave services agreement (signed).pdf",
            _pdf(
                "Services agreement - Brightwave Dental Group",
                [
                    "Term: 24 months, renewing for 12 months at a time.",
                    "Fee: 4,200.00 EUR a month, invoiced monthly, payable within 30 days.",
                    "2.9 Ending the agreement: see the clause on record.",
                    "Signed for the agency: Liam Brandt. Signed for the client: P. Natarajan.",
                ],
            ),
        ),
        title="Marketing services agreement",
        reference=f"BWD-MSA-{term_start:%Y}",
        start_date=term_start,
        end_date=term_end,
        auto_renews=True,
        renewal_months=12,
        notice_days=60,
        termination_clause_ref="2.9",
        termination_clause_text=(
            "Either party may end this agreement with effect from the last day of the "
            "current term by giving the other at least sixty (60) days' written notice "
            "before that day. Without such notice the agreement renews for a further "
            "twelve (12) months on the same terms. If an undisputed invoice remains unpaid "
            "thirty (30) days after it fell due, the agency may suspend the services and "
            "may end the agreement by giving fourteen (14) days' written notice."
        ),
        payment_terms_days=Contract.PaymentTerms.NET_30,
        monthly_fee=Decimal("4200.00"),
        deposit_amount=Decimal("0.00"),
        is_current=True,
    )
    invoices = _monthly_invoices(
        actor=lead,
        contract=contract,
        prefix="BWD",
        today=today,
        plan=[
            # months ago, days paid after the due date (None: unpaid), share paid
            (9, 34, 1),
            (8, -1, 1),
            (7, 52, 1),
            (6, 21, 1),
            (5, 45, 1),
            (4, 28, Decimal("0.5")),
            (3, 38, 1),
            (2, None, 0),
        ],
    )
    by_months_ago = dict(zip(range(9, 1, -1), invoices, strict=True))
    slow, haggled, unpaid = by_months_ago[7], by_months_ago[4], by_months_ago[2]

    reminder_day = slow.due_on + dt.timedelta(days=45)
    incident_log(
        actor=lead,
        client=client,
        category=Incident.Category.LATE_PAYMENT,
        severity=Incident.Severity.MEDIUM,
        occurred_on=reminder_day,
        title=f"Invoice {slow.number} still unpaid 45 days after its due date",
        description=(
            f"Invoice {slow.number} ({slow.amount} EUR) fell due on {slow.due_on:%d %b %Y}. "
            "We sent reminders at 7, 21 and 40 days. The third reminder went to the "
            "payables inbox and to Gavin Moore; neither answered. It was paid seven "
            "days later, without a note."
        ),
        money_at_stake=slow.amount,
        files=[
            _eml_upload(
                f"{reminder_day:%Y-%m-%d} third reminder {slow.number}.eml",
                sender=f"Liam Brandt <lead@{AGENCY_DOMAIN}>",
                to="Accounts payable <payables@brightwavedental.example>",
                cc="Gavin Moore <gavin.moore@brightwavedental.example>",
                subject=f"Third reminder: invoice {slow.number} is 45 days overdue",
                sent_on=reminder_day,
                body=(
                    "Hello,\n\n"
                    f"Invoice {slow.number} for {slow.amount} EUR was due on "
                    f"{slow.due_on:%d %B %Y} and is still open. This is our third "
                    "reminder; we have not had a reply to the first two.\n\n"
                    "Could you let us know when payment will be made? Under clause 2.9 "
                    "we may have to pause work if an invoice stays unpaid.\n\n"
                    "Thank you,\nLiam Brandt\nAccount lead"
                ),
            )
        ],
    )

    haggle_day = haggled.paid_on
    incident_log(
        actor=lead,
        client=client,
        category=Incident.Category.LATE_PAYMENT,
        severity=Incident.Severity.MEDIUM,
        occurred_on=haggle_day,
        title=f"Half of invoice {haggled.number} paid, the rest disputed after delivery",
        description=(
            f"Four weeks after invoice {haggled.number} fell due, the group paid half "
            "of it. Gavin Moore wrote that the spring recall campaign was 'not worth the "
            "full fee'. The campaign was approved in writing before launch and delivered "
            "as agreed. No specific fault was named."
        ),
        money_at_stake=haggled.outstanding,
        files=[
            _eml_upload(
                f"{haggle_day:%Y-%m-%d} part payment {haggled.number}.eml",
                sender="Gavin Moore <gavin.moore@brightwavedental.example>",
                to=f"Liam Brandt <lead@{AGENCY_DOMAIN}>",
                subject=f"RE: Invoice {haggled.number}",
                sent_on=haggle_day,
                body=(
                    "Liam,\n\n"
                    "We have paid half of this one. Honestly the recall campaign did not "
                    "do what we hoped, so we do not think the full fee is fair. Happy to "
                    "talk about it at some point.\n\n"
                    "Gavin"
                ),
            )
        ],
    )

    promise_day = today - dt.timedelta(days=6)
    incident_log(
        actor=staff,
        client=client,
        category=Incident.Category.LATE_PAYMENT,
        severity=Incident.Severity.HIGH,
        occurred_on=promise_day,
        title=f"Promised payment of {unpaid.number} did not arrive",
        description=(
            f"Invoice {unpaid.number} is overdue and half of {haggled.number} is still "
            "open. On the phone the payables team promised both for this week. Nothing "
            "came in; a follow-up e-mail says the payment run is 'on hold until the "
            "directors review agency spend'. The screenshot shows our receivables "
            "report on the day."
        ),
        money_at_stake=unpaid.outstanding + haggled.outstanding,
        files=[
            _eml_upload(
                f"{promise_day:%Y-%m-%d} payment run on hold.eml",
                sender="Accounts payable <payables@brightwavedental.example>",
                to=f"Sofia Reyes <staff@{AGENCY_DOMAIN}>",
                subject="Payment run",
                sent_on=promise_day,
                body=(
                    "Hi Sofia,\n\n"
                    "Apologies, the payment run has been put on hold until the directors "
                    "have reviewed agency spend. We will be in touch when we know more.\n\n"
                    "Kind regards,\nAccounts payable"
                ),
            ),
            SimpleUploadedFile(
                f"{promise_day:%Y-%m-%d} receivables report.png", _png_screenshot(highlight=2)
            ),
        ],
    )

    remediation_save(
        actor=lead,
        client=client,
        kind=Remediation.Kind.BOUNDARIES,
        tried_on=reminder_day + dt.timedelta(days=10),
        description=(
            "Met Gavin Moore and agreed new payment rules: invoices go to one named "
            "person, reminders are copied to the clinical director, and new work pauses "
            "once an invoice is 30 days overdue. Offered a direct debit, which was declined."
        ),
        outcome=Remediation.Outcome.NO_CHANGE,
    )
    return client


def vantage_motors(*, name: str, users: Users, today: dt.date) -> Client:
    """A client whose manager abuses our staff, and it got worse after we spoke. Risk: high."""
    lead, staff = users["lead"], users["staff"]
    client = client_create(
        actor=lead,
        team=[staff],
        name=name,
        website="https://vantagemotors-regional.example",
        industry="Automotive dealerships",
        start_date=add_months(today, -8),
        monthly_value=Decimal("6500.00"),
        notes="Five showrooms. Paid search, paid social and monthly stock campaigns.",
    )
    contact_save(
        actor=lead,
        client=client,
        name="Darren Kowalczyk",
        role="Regional marketing director",
        email="d.kowalczyk@vantagemotors-regional.example",
        phone="+44 121 496 0518",
    )
    contact_save(
        actor=lead,
        client=client,
        name="Helen Oduya",
        role="Dealer principal",
        email="helen.oduya@vantagemotors-regional.example",
        receives_handover=True,
    )
    start = add_months(today.replace(day=1), -8)
    contract = contract_save(
        actor=lead,
        client=client,
        signed_upload=SimpleUploadedFile(
            "Vantage Motors campaign agreement.pdf",
            _pdf(
                "Campaign management agreement - Vantage Motors Regional",
                [
                    "Term: 12 months from the start date, no automatic renewal.",
                    "Fee: 6,500.00 EUR a month; first month paid in advance.",
                    "11.3 Ending the agreement early: see the clause on record.",
                ],
            ),
        ),
        title="Campaign management agreement",
        reference="VMR-CMA-1",
        start_date=start,
        end_date=add_months(start, 12) - dt.timedelta(days=1),
        auto_renews=False,
        notice_days=30,
        termination_clause_ref="11.3",
        termination_clause_text=(
            "Either party may end this agreement with immediate effect by written notice "
            "if the other commits a serious breach, which includes abusive, threatening "
            "or harassing conduct towards the other party's staff. Fees paid in advance "
            "for work not yet delivered are then refunded."
        ),
        payment_terms_days=Contract.PaymentTerms.NET_14,
        monthly_fee=Decimal("6500.00"),
        deposit_amount=Decimal("6500.00"),
        is_current=True,
    )
    _monthly_invoices(
        actor=lead,
        contract=contract,
        prefix="VMR",
        today=today,
        plan=[(months_ago, 0 if months_ago != 5 else 6, 1) for months_ago in range(8, 0, -1)],
    )

    review_day = today - dt.timedelta(days=48)
    incident_log(
        actor=staff,
        client=client,
        category=Incident.Category.ABUSIVE,
        severity=Incident.Severity.HIGH,
        occurred_on=review_day,
        title="Designer shouted at and insulted during the campaign review call",
        description=(
            "During the monthly review call Darren Kowalczyk raised his voice at Sofia "
            "Reyes for about five minutes over the colour of a banner, called the work "
            "'amateur rubbish' and said she should 'find another career'. Liam Brandt "
            "and two people from the client were on the call. He repeated the remarks "
            "in an e-mail that evening."
        ),
        files=[
            _eml_upload(
                f"{review_day:%Y-%m-%d} follow-up after review call.eml",
                sender="Darren Kowalczyk <d.kowalczyk@vantagemotors-regional.example>",
                to=f"Liam Brandt <lead@{AGENCY_DOMAIN}>",
                cc=f"Sofia Reyes <staff@{AGENCY_DOMAIN}>",
                subject="Today",
                sent_on=review_day,
                body=(
                    "Liam,\n\n"
                    "I meant what I said on the call. That banner is amateur rubbish and "
                    "your designer should find another career. Sort it out or I will find "
                    "an agency that can.\n\n"
                    "Darren"
                ),
            )
        ],
    )

    threat_day = today - dt.timedelta(days=12)
    incident_log(
        actor=staff,
        client=client,
        category=Incident.Category.ABUSIVE,
        severity=Incident.Severity.CRITICAL,
        occurred_on=threat_day,
        title="Threatening voicemail left on a team member's mobile",
        description=(
            "After a week of lower click-through rates, Darren Kowalczyk left a voicemail "
            "on Sofia Reyes's work mobile at 21:40, swearing at her and saying he would "
            "'make sure nobody in this town hires her again'. The attached note is a "
            "word-for-word transcript, made the next morning with Liam Brandt present."
        ),
        files=[
            SimpleUploadedFile(
                f"{threat_day:%Y-%m-%d} voicemail transcript.pdf",
                _pdf(
                    "Voicemail transcript (internal)",
                    [
                        f"Received: {threat_day:%d %B %Y}, 21:40, on the work mobile of",
                        "Sofia Reyes. Caller: Darren Kowalczyk (number on file).",
                        "Length: 1 minute 52 seconds.",
                        "",
                        "Transcribed the next morning by Sofia Reyes, with Liam Brandt",
                        "listening. Offensive words are shortened; nothing else is left out.",
                        "",
                        "'...your numbers are a f*** joke. ... I will make sure nobody in",
                        "this town hires you again. ... Call me back tonight.'",
                    ],
                ),
            )
        ],
    )

    incident_log(
        actor=lead,
        client=client,
        category=Incident.Category.STAFF_MORALE,
        severity=Incident.Severity.MEDIUM,
        occurred_on=today - dt.timedelta(days=9),
        title="Two team members asked to be taken off the account",
        description=(
            "Sofia Reyes and the freelance copywriter each asked, separately, not to work "
            "on Vantage any more. Both named the calls with Darren Kowalczyk as the reason. "
            "Sofia took a day of leave after the voicemail."
        ),
    )

    remediation_save(
        actor=lead,
        client=client,
        kind=Remediation.Kind.CONVERSATION,
        tried_on=today - dt.timedelta(days=40),
        description=(
            "Liam Brandt and Maya Okafor met Darren Kowalczyk and Helen Oduya. We said "
            "plainly that shouting at and insulting our staff is not acceptable, and "
            "offered a written feedback process. Darren called the meeting 'a waste of "
            "time'; the voicemail came four weeks later."
        ),
        outcome=Remediation.Outcome.WORSE,
    )
    remediation_save(
        actor=lead,
        client=client,
        kind=Remediation.Kind.CHANNEL,
        tried_on=today - dt.timedelta(days=30),
        description=(
            "Moved all feedback to one written summary a week, sent to Liam only, so that "
            "designers no longer take calls from the client directly."
        ),
        outcome=Remediation.Outcome.NO_CHANGE,
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
    _monthly_invoices(
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
            _eml_upload(
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
    remediation_save(
        actor=lead,
        client=client,
        kind=Remediation.Kind.CHARGE_EXTRA,
        tried_on=today - dt.timedelta(days=55),
        description=(
            "Sent a priced change request for every revision round past the second, as "
            "clause 8.1 allows, and walked Noor through it on a call. The quotes were "
            "neither signed nor refused; the requests kept coming."
        ),
        outcome=Remediation.Outcome.NO_CHANGE,
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
    _monthly_invoices(
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


DEMO_CLIENTS: Sequence[tuple[str, Callable[..., Client]]] = (
    ("Harbour & Pine Outfitters", harbour_and_pine),
    ("Brightwave Dental Group", brightwave_dental),
    ("Vantage Motors Regional", vantage_motors),
    ("Lumen Analytics", lumen_analytics),
    ("Kestrel & Finch Architects", kestrel_and_finch),
)


# --- Helpers -------------------------------------------------------------------------------


def _monthly_invoices(
    *,
    actor: User,
    contract: Contract,
    prefix: str,
    today: dt.date,
    plan: Sequence[tuple[int, int | None, Decimal | int]],
) -> list[Invoice]:
    """One invoice for the contract's monthly fee on the 1st of each month in the plan.

    Each plan entry is (months ago, days after the due date it was paid, share paid);
    negative days mean paid early, None means not paid at all. A payment never lands
    after today.
    """
    invoices = []
    for months_ago, paid_after_due, share in plan:
        issued_on = add_months(today.replace(day=1), -months_ago)
        due_on = issued_on + dt.timedelta(days=contract.payment_terms_days)
        payment = {}
        if paid_after_due is not None:
            payment = {
                "paid_on": min(due_on + dt.timedelta(days=paid_after_due), today),
                "paid_amount": (contract.monthly_fee * share).quantize(Decimal("0.01")),
            }
        invoices.append(
            invoice_save(
                actor=actor,
                client=contract.client,
                contract=contract,
                number=f"{prefix}-{issued_on:%Y-%m}",
                issued_on=issued_on,
                due_on=due_on,
                amount=contract.monthly_fee,
                **payment,
            )
        )
    return invoices


def _eml_upload(
    filename: str,
    *,
    sender: str,
    to: str,
    subject: str,
    sent_on: dt.date,
    body: str,
    cc: str = "",
) -> SimpleUploadedFile:
    """An e-mail, as a mail program saves it (.eml), ready to attach as evidence."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    if cc:
        message["Cc"] = cc
    message["Subject"] = subject
    sent_at = dt.datetime.combine(sent_on, dt.time(17, 42), tzinfo=timezone.get_current_timezone())
    message["Date"] = format_datetime(sent_at)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2].rstrip(">"))
    message.set_content(body)
    return SimpleUploadedFile(filename, message.as_bytes(), content_type="message/rfc822")


def _pdf(title: str, lines: Sequence[str]) -> bytes:
    """A one-page A4 PDF with a title and lines of plain text (Latin-1 only)."""

    def text(value: str) -> str:
        escaped = value.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return f"({escaped}) Tj T*"

    content = "\n".join(
        [
            "BT /F1 14 Tf 18 TL 56 780 Td",
            text(title),
            "/F1 10 Tf 14 TL T*",
            *(text(line) for line in lines),
            "ET",
        ]
    ).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref_at = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n" % (len(objects) + 1, xref_at)
    return bytes(pdf + b"%%EOF\n")


def _png_screenshot(*, highlight: int, width: int = 240, height: int = 150) -> bytes:
    """A small PNG that looks like a table on screen: a header bar, rows, one row in red."""
    header, paper, alert = (31, 64, 112), (255, 255, 255), (214, 69, 65)
    row_colours = ((246, 247, 249), (228, 232, 238))

    def colour(x: int, y: int) -> tuple[int, int, int]:
        if y < 20:
            return header
        row, line = divmod(y - 20, 16)
        if line >= 13 or x < 8 or x >= width - 8 or x % 56 >= 52:  # margins, column gaps
            return paper
        return alert if row == highlight else row_colours[row % 2]

    scanlines = b"".join(
        b"\x00" + bytes(value for x in range(width) for value in colour(x, y))
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(scanlines, 9))
        + chunk(b"IEND", b"")
    )
