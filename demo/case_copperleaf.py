"""The completed demo case: Copperleaf Bakery, a friendly parting over style and money.

Every step is done, the handover PDF exported, and the client offboarded.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from agency.models import User
from clients.models import Client
from offboarding.models import Asset, CallPlan, ContractReview, Deliverable, Document, Offboarding
from offboarding.pipeline import document_render
from offboarding.services import (
    asset_save,
    call_outcome_record,
    call_plan_save,
    closeout_save,
    contract_review_save,
    credential_save,
    deliverable_save,
    deliverables_complete,
    document_request,
    handover_complete,
    handover_instructions_save,
    offboarding_approve,
    offboarding_complete,
    offboarding_open,
    offboarding_submit,
    retrospective_save,
)
from offboarding.services.room import (
    room_acknowledge,
    room_enter,
    room_mark_changed,
    room_open,
    room_reveal,
    room_revoke,
    room_secrets_destroy,
)

from .common import Users, at
from .ledger import copperleaf_ledger


def copperleaf_case(*, client: Client, users: Users, today: dt.date) -> Offboarding:
    """Completed: a friendly parting over style and money, every step done, client offboarded."""
    lead, manager = users["lead"], users["manager"]
    case = offboarding_open(
        actor=lead,
        client=client,
        timing=Offboarding.Timing.WITH_NOTICE,
        incidents=client.incidents.all(),
        repair_attempts=client.repair_attempts.all(),
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
    _copperleaf_room(case=case, lead=lead)
    copperleaf_ledger(case=case, lead=lead, manager=manager, today=today)
    closeout_save(actor=lead, case=case, final_invoice_settled=True)
    case = offboarding_complete(actor=lead, case=case)
    retrospective_save(
        actor=lead,
        case=case,
        early_signs=["haggling", "rejects_advice"],
        other_signs="The brand book we were given was rewritten twice before we started.",
        do_differently=(
            "Agree one approver for creative work in the contract, and a cap of two rounds "
            "of revisions per deliverable."
        ),
    )
    return case


def _copperleaf_room(*, case: Offboarding, lead: User) -> None:
    """Rosa received the handover in the room: she revealed the logins, changed two
    passwords and signed; her receipt ticks "handover delivered". The lead then closed the
    room and destroyed the secrets."""
    rosa = case.client.contacts.get(receives_handover=True)
    room, issued = room_open(actor=lead, case=case, contacts=[rosa])
    document_render(document_id=room.handover_id)  # here and now, as for the export above
    recipient = room.recipients.get()
    room_enter(recipient=recipient, code=issued[0].code)
    logins = list(room.logins.order_by("system"))
    for login in logins:
        room_reveal(recipient=recipient, login_id=login.pk)
    for login in logins[:2]:
        room_mark_changed(recipient=recipient, login_id=login.pk)
    room_acknowledge(
        recipient=recipient,
        name=rosa.name,
        role=rosa.role,
        comment="All received, thank you. I change the website password this week.",
        confirmed=True,
    )
    room_revoke(actor=lead, case=case)
    room_secrets_destroy(actor=lead, case=case)


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
        scheduled_at=at(call_day, 9, 30),
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
        held_at=at(call_day, 9, 35),
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
