"""The two high-risk demo clients, with e-mails, PDFs and a screenshot as evidence.

Like every demo client, each function takes the client's name, the demo users and
today's date, writes through clients/services.py, and returns the client.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from clients.dates import add_months
from clients.models import Client, Contract, Incident, RepairAttempt
from clients.services import (
    client_create,
    contact_save,
    contract_save,
    incident_log,
    repair_attempt_save,
)

from .common import AGENCY_DOMAIN, Users, monthly_invoices
from .files import eml_upload, pdf_bytes, screenshot_png


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
            pdf_bytes(
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
    invoices = monthly_invoices(
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
            eml_upload(
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
            eml_upload(
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
            eml_upload(
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
                f"{promise_day:%Y-%m-%d} receivables report.png", screenshot_png(highlight=2)
            ),
        ],
    )

    repair_attempt_save(
        actor=lead,
        client=client,
        kind=RepairAttempt.Kind.BOUNDARIES,
        tried_on=reminder_day + dt.timedelta(days=10),
        description=(
            "Met Gavin Moore and agreed new payment rules: invoices go to one named "
            "person, reminders are copied to the clinical director, and new work pauses "
            "once an invoice is 30 days overdue. Offered a direct debit, which was declined."
        ),
        outcome=RepairAttempt.Outcome.NO_CHANGE,
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
            pdf_bytes(
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
    monthly_invoices(
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
            eml_upload(
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
                pdf_bytes(
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

    repair_attempt_save(
        actor=lead,
        client=client,
        kind=RepairAttempt.Kind.CONVERSATION,
        tried_on=today - dt.timedelta(days=40),
        description=(
            "Liam Brandt and Maya Okafor met Darren Kowalczyk and Helen Oduya. We said "
            "plainly that shouting at and insulting our staff is not acceptable, and "
            "offered a written feedback process. Darren called the meeting 'a waste of "
            "time'; the voicemail came four weeks later."
        ),
        outcome=RepairAttempt.Outcome.WORSE,
    )
    repair_attempt_save(
        actor=lead,
        client=client,
        kind=RepairAttempt.Kind.CHANNEL,
        tried_on=today - dt.timedelta(days=30),
        description=(
            "Moved all feedback to one written summary a week, sent to Liam only, so that "
            "designers no longer take calls from the client directly."
        ),
        outcome=RepairAttempt.Outcome.NO_CHANGE,
    )
    return client
