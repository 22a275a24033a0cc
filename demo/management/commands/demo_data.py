"""Demo data for trying Clean Break locally: safe to run twice, refused in production.

The demo cast: four people (one per role) and a handful of clients, from a healthy
account to one the agency should part with at once. Every client is written through
the services in clients/services.py, as a person using the product would, so the
audit log, history and risk signal come out as they would in real use. All dates
count back from today, so the demo looks current whenever it is run.

Three of the clients then get an offboarding case, written through offboarding/services.py
in the same way: one waits for a manager's decision, one is halfway through its steps,
one is completed. A client that already has a case, in any state, is left alone.
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
from offboarding.models import (
    Asset,
    CallPlan,
    ContractReview,
    Deliverable,
    Document,
    Offboarding,
)
from offboarding.services import (
    asset_save,
    call_outcome_record,
    call_plan_save,
    closeout_save,
    contract_review_save,
    credential_save,
    deliverable_save,
    deliverables_complete,
    document_render,
    document_request,
    handover_complete,
    handover_instructions_save,
    offboarding_approve,
    offboarding_complete,
    offboarding_open,
    offboarding_submit,
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
    help = "Create demo users, demo clients and their offboarding cases."

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
        self.create_cases(users)

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

    def create_cases(self, users: Users) -> None:
        """Open each demo case once; a client with any case at all keeps what it has."""
        today = timezone.localdate()
        for name, create in DEMO_CASES:
            client = Client.objects.filter(name=name).first()
            if client is None:
                self.stdout.write(f"Skipped the case of “{name}”: there is no such client.")
                continue
            if client.cases.exists():
                self.stdout.write(f"Kept the offboarding case of “{name}”: it already has one.")
                continue
            with transaction.atomic():
                case = create(client=client, users=users, today=today)
            case.refresh_from_db()
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created the offboarding case of “{name}” "
                    f"({case.get_status_display().lower()})."
                )
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
    _monthly_invoices(
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
    remediation_save(
        actor=lead,
        client=client,
        kind=Remediation.Kind.MEETING_RHYTHM,
        tried_on=today - dt.timedelta(days=120),
        description=(
            "Started a fortnightly creative review with Rosa, so that the direction is "
            "agreed before work starts rather than after it is delivered."
        ),
        outcome=Remediation.Outcome.NO_CHANGE,
    )
    remediation_save(
        actor=lead,
        client=client,
        kind=Remediation.Kind.NEW_AGREEMENT,
        tried_on=today - dt.timedelta(days=68),
        description=(
            "Proposed a smaller scope (photography and menus only, no social media) at "
            "the same fee. Rosa declined: she wants to keep everything as it is."
        ),
        outcome=Remediation.Outcome.NO_CHANGE,
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


# --- The demo offboarding cases -----------------------------------------------------------
# One function per case, each a short script of what the people involved did, written
# through offboarding/services.py. Each takes the client, the demo users and today's date,
# and returns the case. The cases sit at different points of the workflow: one waits for
# a manager's decision, one is halfway through its steps, one is finished.


def lumen_case(*, client: Client, users: Users, today: dt.date) -> Offboarding:
    """Awaiting approval: Sofia proposes ending the retainer that keeps outgrowing itself."""
    staff = users["staff"]
    incidents = list(
        client.incidents.filter(
            category__in=[Incident.Category.SCOPE_CREEP, Incident.Category.REJECTS_ADVICE]
        ).order_by("occurred_on")
    )
    hours = sum(i.hours_lost or 0 for i in incidents)
    money = sum(i.money_at_stake or 0 for i in incidents)
    case = offboarding_open(
        actor=staff,
        client=client,
        timing=Offboarding.Timing.WITH_NOTICE,
        incidents=incidents,
        remediations=client.remediations.all(),
        summary=(
            f"Over the last {(today - incidents[0].occurred_on).days // 7} weeks Lumen "
            "asked for work well outside the statement of work: seven revision rounds on "
            "the pricing page where two are included, and a webinar landing-page system of "
            "about three weeks' work requested as a 'quick tweak'. It also launched a paid "
            "campaign against our written advice and then asked us to rebuild the landing "
            f"page at no charge. Together that is {hours} hours and {money} EUR of work "
            "we were not paid for.\n\n"
            "From the third revision round on we sent a priced change request for every "
            "extra piece of work, as clause 8.1 allows; none was signed or refused, and the "
            "requests kept coming. "
            "Lumen pays on time, so this is not about money owed: the retainer no longer "
            "covers what is asked of it.\n\n"
            "I propose ending the retainer with the 45 days' notice of clause 8.1, finishing "
            "the launch campaign in progress and handing over the rest."
        ),
    )
    return offboarding_submit(actor=staff, case=case)


def vantage_case(*, client: Client, users: Users, today: dt.date) -> Offboarding:
    """In progress, at call planning: abuse of our staff, so ties are cut at once."""
    lead, manager = users["lead"], users["manager"]
    abuse = list(
        client.incidents.filter(category=Incident.Category.ABUSIVE).order_by("occurred_on")
    )
    case = offboarding_open(
        actor=lead,
        client=client,
        timing=Offboarding.Timing.IMMEDIATELY,
        incidents=client.incidents.all(),
        remediations=client.remediations.all(),
        summary=(
            "Darren Kowalczyk, the client's regional marketing director, shouted at and "
            f"insulted Sofia Reyes on the review call of {abuse[0].occurred_on:%d %b %Y} and "
            "repeated it in writing that evening. On "
            f"{abuse[-1].occurred_on:%d %b %Y} he left her a threatening voicemail. Two "
            "team members have since asked to be taken off the account.\n\n"
            "A frank meeting with him and the dealer principal made it worse, and moving "
            "all feedback to one written summary a week changed nothing.\n\n"
            "Clause 11.3 lets either party end the agreement at once for abusive conduct "
            "towards its staff. I propose ending immediately, refunding the advance for "
            "work not delivered and handing everything over in good order."
        ),
    )
    offboarding_submit(actor=lead, case=case)
    offboarding_approve(
        actor=manager,
        case=case,
        comment=(
            "Approved. The evidence is clear and our people come first: end under clause "
            "11.3 now. Sofia stays off every call with the client; Liam and I speak to "
            "Helen Oduya. Refund the advance in full."
        ),
    )
    call_day = today + dt.timedelta(days=3)
    review = _vantage_contract_review(case=case, lead=lead, call_day=call_day)
    _vantage_deliverables(case=case, lead=lead, today=today)
    _vantage_call_plan(case=case, users=users, call_day=call_day, review=review)
    _vantage_handover(case=case, lead=lead, end=review.effective_end)
    return case


def _vantage_contract_review(*, case: Offboarding, lead: User, call_day: dt.date) -> ContractReview:
    """Notice is given on the call; the agreement ends a week later, inside the notice."""
    contract = case.client.contracts.get(is_current=True)
    return contract_review_save(
        actor=lead,
        case=case,
        contract=contract,
        basis=ContractReview.Basis.IMMEDIATE,
        notice_given_on=call_day,
        immediate_on=call_day + dt.timedelta(days=7),
        refund_amount=contract.deposit_amount,
        released_early=True,
        notes=(
            f"Clause {contract.termination_clause_ref} allows an immediate end for abusive "
            "conduct towards our staff, so the 30 days' notice does not bind us; the week "
            "until the end date is for the handover only. The advance paid for the first "
            f"month ({contract.deposit_amount} EUR) is refunded, which includes the 1800.00 "
            "EUR media budget of the cancelled open-weekend campaign. No invoice is open. "
            "The client owes nothing for the months left in the term."
        ),
    )


def _vantage_deliverables(*, case: Offboarding, lead: User, today: dt.date) -> None:
    """Three open pieces of work, each settled: delivered, handed over, cancelled."""
    D = Deliverable
    deliverable_save(
        actor=lead,
        case=case,
        name="Monthly stock campaign (paid search and social)",
        description="This month's campaign for the five showrooms. Live and reported on.",
        due_on=today - dt.timedelta(days=5),
        status=D.Status.DELIVERED,
        client_answer=D.Answer.NEEDED,
        decision=D.Decision.FINISH,
    )
    deliverable_save(
        actor=lead,
        case=case,
        name="Used-car landing pages for the five showrooms",
        description=(
            "Three of five pages are built and live on staging. The Solihull and Walsall "
            "pages need their copy; the layout and tracking are done."
        ),
        due_on=today + dt.timedelta(days=20),
        status=D.Status.IN_PROGRESS,
        client_answer=D.Answer.NEEDED,
        decision=D.Decision.HAND_OVER,
    )
    deliverable_save(
        actor=lead,
        case=case,
        name="Open-weekend event campaign",
        description="Planned, not started. The client will run the event without a campaign.",
        due_on=today + dt.timedelta(days=40),
        status=D.Status.NOT_STARTED,
        client_answer=D.Answer.NOT_NEEDED,
        decision=D.Decision.CANCEL_REFUND,
        refund_amount=Decimal("1800.00"),
    )
    deliverables_complete(actor=lead, case=case)


def _vantage_call_plan(
    *, case: Offboarding, users: Users, call_day: dt.date, review: ContractReview
) -> None:
    """A video call with the dealer principal, prepared and rehearsed; not held yet."""
    lead, manager = users["lead"], users["manager"]
    call_plan_save(
        actor=lead,
        case=case,
        agency_attendees=[lead, manager],
        client_attendees=[case.client.handover_contact],
        scheduled_at=_at(call_day, 10, 0),
        duration_minutes=30,
        channel=CallPlan.Channel.VIDEO,
        location="https://meet.agency.example/vantage-handover",
        talking_points=(
            "- Say the decision in the first two minutes: we end the agreement under "
            f"clause 11.3, with effect from {review.effective_end:%d %B %Y}.\n"
            "- Give the reason once, factually: the way our teams communicate has not let "
            "us do our best work. Do not go through the incidents one by one.\n"
            "- The decision is final. If Helen offers changes, thank her and stay with it.\n"
            "- If anyone raises their voice: say once that we will continue in writing, "
            "and end the call politely.\n"
            f"- Money: the advance of {review.refund_amount} EUR is refunded within 14 "
            "days; nothing is open on either side.\n"
            "- Handover: every login, the ad accounts, the website and the design files, "
            "with written instructions, before the end date.\n"
            "- Referral: Northgate Auto Marketing, offer an introduction."
        ),
        referral_name="Northgate Auto Marketing",
        referral_contact="Priya Shah, partnerships@northgate-automarketing.example",
        referral_why=(
            "A small team that only works with car dealerships: stock feeds, showroom "
            "campaigns and manufacturer co-op rules are their daily work, and they have "
            "capacity from next month."
        ),
        points_written=True,
        rehearsed=True,
        agreed_internally=True,
    )  # no script given: the service writes it from the case's reasons


def _vantage_handover(*, case: Offboarding, lead: User, end: dt.date) -> None:
    """Handover under way: logins, assets and instructions listed, not yet closed."""
    site = "https://vantagemotors-regional.example"
    for system, url, username, secret, recovery in (
        (
            "Google Ads",
            "https://ads.google.com",
            "ads@vantagemotors-regional.example",
            "Vm-Ads!7qT2#zLp9",
            "2-step verification by text to Helen Oduya's mobile (ending 0297).",
        ),
        (
            "Meta Business Suite",
            "https://business.facebook.com",
            "social@vantagemotors-regional.example",
            "hR4$wq8Nc!Vy2mTe",
            "Authenticator app on the agency's shared phone: move it to the client's "
            "phone on handover. Backup codes are in the handover envelope.",
        ),
        (
            "Google Analytics and Tag Manager",
            "https://analytics.google.com",
            "analytics@vantagemotors-regional.example",
            "Gx9!pLm3#Rt7vQs2",
            "Recovery e-mail: web@vantagemotors-regional.example, a mailbox the client owns.",
        ),
        (
            "Website (WordPress admin)",
            f"{site}/wp-admin",
            "vantage-webadmin",
            "c7T#e2Wq!9zKm4Lb",
            "Password resets go to web@vantagemotors-regional.example.",
        ),
        (
            "Domain registrar",
            "https://account.registrar.example",
            "vantage-regional",
            "Rg2@kP8!xN5vT3qe",
            "Phone support asks for account PIN 5813. The domain renews yearly on the "
            "client's card.",
        ),
    ):
        credential_save(
            actor=lead,
            case=case,
            system=system,
            url=url,
            username=username,
            secret=secret,
            recovery_note=recovery,
        )
    A = Asset.Kind
    owner = "Vantage Motors Regional (Helen Oduya)"
    for name, kind, location in (
        ("Showroom website", A.WEBSITE, site),
        ("vantagemotors-regional.example", A.DOMAIN, "https://account.registrar.example"),
        ("Google Ads account 482-193-5570", A.AD_ACCOUNT, "https://ads.google.com"),
        ("Facebook and Instagram pages", A.SOCIAL, "https://business.facebook.com"),
        ("GA4 property 'Vantage Regional'", A.ANALYTICS, "https://analytics.google.com"),
        ("Campaign design files", A.DESIGN, "Shared drive: Clients/Vantage/Design (Figma, PDF)"),
    ):
        asset_save(
            actor=lead, case=case, name=name, kind=kind, location=location, owner_after=owner
        )
    handover_instructions_save(
        actor=lead,
        case=case,
        text=(
            "This document lists every account and asset we set up for Vantage Motors "
            "Regional. All of them are in the company's name or are being moved to it; "
            f"{settings.AGENCY_NAME} keeps no access after {end:%d %B %Y}.\n\n"
            "Please take over in this order:\n"
            "- Log in to each account below and change the password straight away.\n"
            "- Move two-step verification to a phone the company controls.\n"
            f"- In Google Ads and Meta Business Suite, remove {settings.AGENCY_NAME}'s "
            "partner access once you have admin rights.\n"
            "- Keep a valid card on file: running campaigns pause if a payment fails.\n\n"
            "The used-car landing pages are handed over unfinished: three of five are "
            "ready on the staging site, the Solihull and Walsall pages need their copy.\n\n"
            f"Questions during the transition: Liam Brandt, lead@{AGENCY_DOMAIN}."
        ),
    )


def copperleaf_case(*, client: Client, users: Users, today: dt.date) -> Offboarding:
    """Completed: a friendly parting over style and money, every step done, client offboarded."""
    lead, manager = users["lead"], users["manager"]
    case = offboarding_open(
        actor=lead,
        client=client,
        timing=Offboarding.Timing.WITH_NOTICE,
        incidents=client.incidents.all(),
        remediations=client.remediations.all(),
        summary=(
            "Copperleaf is a pleasant client, but we do not share a taste: the signed-off "
            "brand refresh was reversed after printing, and our social posts are rewritten "
            "before they go out. The re-work keeps the account over its 16 hours a month; "
            "it has lost money for four months running.\n\n"
            "A fortnightly creative review did not change the pattern, and a smaller scope "
            "at the same fee was declined.\n\n"
            "I propose ending the retainer with the full 45 days' notice of clause 7.2, "
            "finishing the menu photography and handing over the rest."
        ),
    )
    offboarding_submit(actor=lead, case=case)
    offboarding_approve(
        actor=manager,
        case=case,
        comment=(
            "Approved. Two honest attempts to realign failed and the numbers will not "
            "improve. Give the full notice so Rosa has time to find a studio that suits "
            "her, and finish the photography at full quality."
        ),
    )
    call_day = today - dt.timedelta(days=52)
    _copperleaf_steps(case=case, users=users, today=today, call_day=call_day)
    _copperleaf_handover(case=case, lead=lead)
    # The handover PDF was exported (rendered here and now, not in the background).
    handover = document_request(actor=lead, case=case, kind=Document.Kind.HANDOVER)
    document_render(document_id=handover.pk)
    closeout_save(
        actor=lead,
        case=case,
        access_revoked=True,
        ownership_transferred=True,
        final_invoice_settled=True,
        handover_delivered=True,
    )
    return offboarding_complete(actor=lead, case=case)


def _copperleaf_steps(*, case: Offboarding, users: Users, today: dt.date, call_day: dt.date):
    """Contract review, deliverables, and the call: planned, held, with some pushback."""
    lead, staff = users["lead"], users["staff"]
    contract_review_save(
        actor=lead,
        case=case,
        contract=case.client.contracts.get(is_current=True),
        basis=ContractReview.Basis.NOTICE,
        notice_given_on=call_day,
        notes="Rolling retainer: 45 days' notice given on the call and confirmed in writing.",
    )
    D = Deliverable
    for name, due_in_days, status, answer, decision, refund in (
        (
            "Seasonal menu photography",
            -20,
            D.Status.DELIVERED,
            D.Answer.NEEDED,
            D.Decision.FINISH,
            None,
        ),
        (
            "Wholesale price list and catalogue",
            -5,
            D.Status.IN_PROGRESS,
            D.Answer.NEEDED,
            D.Decision.HAND_OVER,
            None,
        ),
        (
            "Pre-order campaign for the holidays",
            30,
            D.Status.NOT_STARTED,
            D.Answer.NOT_NEEDED,
            D.Decision.CANCEL_REFUND,
            Decimal("0.00"),
        ),
    ):
        deliverable_save(
            actor=lead,
            case=case,
            name=name,
            due_on=today + dt.timedelta(days=due_in_days),
            status=status,
            client_answer=answer,
            decision=decision,
            refund_amount=refund,
        )
    deliverables_complete(actor=lead, case=case)
    call_plan_save(
        actor=lead,
        case=case,
        agency_attendees=[lead, staff],
        client_attendees=[case.client.handover_contact],
        scheduled_at=_at(call_day, 9, 30),
        duration_minutes=45,
        channel=CallPlan.Channel.IN_PERSON,
        location="Copperleaf Bakery, back office of the Market Street shop",
        talking_points=(
            "- Thank Rosa first: the bakeries are loved, and the photography is our best "
            "food work this year.\n"
            "- The decision: we end the retainer with 45 days' notice under clause 7.2.\n"
            "- Why, without blame: our styles differ, and the account does not work for us "
            "commercially as it is set up.\n"
            "- We finish the menu photography; the wholesale catalogue is handed over "
            "with its files.\n"
            "- Introduce Crumb & Co. Creative."
        ),
        referral_name="Crumb & Co. Creative",
        referral_contact="Jess Morgan, hello@crumbandco.example",
        referral_why=(
            "A two-person studio specialising in independent food businesses, with the "
            "hand-drawn, rustic style Rosa prefers."
        ),
        points_written=True,
        rehearsed=True,
        agreed_internally=True,
    )
    call_outcome_record(
        actor=lead,
        case=case,
        held=CallPlan.Held.HELD,
        held_at=_at(call_day, 9, 35),
        reaction=CallPlan.Reaction.SURPRISED,
        commitments=(
            "We deliver the menu photography in full, hand over the catalogue files "
            "with notes, and introduce Rosa to Crumb & Co. this week."
        ),
        pushback=(
            "Rosa asked whether we would stay on for the photography alone at a lower fee. "
            "Liam thanked her and said the decision is final; the offer of an introduction "
            "stands."
        ),
    )


def _copperleaf_handover(*, case: Offboarding, lead: User) -> None:
    """Everything listed and the handover closed."""
    for system, url, username, secret, recovery in (
        (
            "Website (Squarespace)",
            "https://account.squarespace.example",
            "web@copperleafbakery.example",
            "Loaf&Crust!84q",
            "Password resets go to web@copperleafbakery.example (Rosa's mailbox).",
        ),
        (
            "Instagram and Facebook (Meta Business Suite)",
            "https://business.facebook.com",
            "social@copperleafbakery.example",
            "Sourdough#2Rise!k7",
            "2-step verification moved to Rosa's phone on the day of the handover.",
        ),
        (
            "Mailchimp newsletter",
            "https://login.mailchimp.example",
            "copperleaf-news",
            "Rye!Batch9#Tm3x",
            "",
        ),
    ):
        credential_save(
            actor=lead,
            case=case,
            system=system,
            url=url,
            username=username,
            secret=secret,
            recovery_note=recovery,
        )
    A = Asset.Kind
    for name, kind, location in (
        ("Copperleaf website", A.WEBSITE, "https://copperleafbakery.example"),
        ("copperleafbakery.example", A.DOMAIN, "Registered in Rosa Lindqvist's name"),
        ("Brand, menu and photography files", A.DESIGN, "Shared link sent to Rosa (ZIP)"),
        ("Instagram @copperleafbakes", A.SOCIAL, "https://instagram.example/copperleafbakes"),
    ):
        asset_save(
            actor=lead,
            case=case,
            name=name,
            kind=kind,
            location=location,
            owner_after="Copperleaf Bakery Co. (Rosa Lindqvist)",
        )
    handover_instructions_save(
        actor=lead,
        case=case,
        text=(
            "Everything we made for Copperleaf is now in your name.\n\n"
            "- Change each password below when you first log in.\n"
            "- The catalogue files open in Affinity Publisher; the PDF is ready to print.\n\n"
            "Thank you for the bread, and for the collaboration."
        ),
    )
    handover_complete(actor=lead, case=case)


DEMO_CASES: Sequence[tuple[str, Callable[..., Offboarding]]] = (
    ("Lumen Analytics", lumen_case),
    ("Vantage Motors Regional", vantage_case),
    ("Copperleaf Bakery Co.", copperleaf_case),
)


# --- Helpers -------------------------------------------------------------------------------


def _at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    """A local date and time, as a timezone-aware datetime."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


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
