"""The in-progress demo case: Vantage Motors, ended at once for abuse of our staff.

Approved, with the contract review and deliverables done, the call planned but not
held, and the handover listed but not closed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings

from agency.models import User
from clients.models import Client, Incident
from offboarding.models import Asset, CallPlan, ContractReview, Deliverable, Offboarding
from offboarding.services import (
    asset_save,
    call_plan_save,
    contract_review_save,
    credential_save,
    deliverable_save,
    deliverables_complete,
    handover_instructions_save,
    offboarding_approve,
    offboarding_open,
    offboarding_submit,
)

from .common import AGENCY_DOMAIN, Users, at
from .ledger import vantage_ledger


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
        repair_attempts=client.repair_attempts.all(),
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
    vantage_ledger(case=case, lead=lead, end=review.effective_end)
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
        scheduled_at=at(call_day, 10, 0),
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
