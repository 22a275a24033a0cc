"""The offboarding actions called directly: the proposal, the decision, the guided steps."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from agency import crypto
from agency.errors import Refused
from agency.models import AuditEvent
from clients import dates
from clients.models import Incident
from offboarding import services
from offboarding.models import CallPlan, ContractReview, Credential, Deliverable, Offboarding
from offboarding.selectors import case_steps
from tests.factories import ContractFactory, IncidentFactory, InvoiceFactory, RepairAttemptFactory

from .conftest import (
    INTERNAL_DESCRIPTION,
    INTERNAL_MARKERS,
    INTERNAL_REPAIR_ATTEMPT,
    INTERNAL_SUMMARY,
    INTERNAL_TITLE,
    NOTICE_GIVEN_ON,
    SECRET,
    case_events,
    refreshed,
)

S = Offboarding.Status


def step_state(case: Offboarding, key: str) -> str:
    return next(step.state for step in case_steps(refreshed(case)) if step.key == key)


# --- Proposal and submission -----------------------------------------------------------------


def test_submitting_needs_a_summary(cases, acme, lead):
    case = cases.draft(acme, summary="   ")
    with pytest.raises(Refused, match="Write a summary for the manager"):
        services.offboarding_submit(actor=lead, case=case)
    assert refreshed(case).status == S.DRAFT


def test_submitting_needs_an_incident_or_a_justification(cases, acme, lead):
    case = cases.draft(acme, incidents=[], no_incident_justification="  ")
    with pytest.raises(Refused, match="Link at least one incident, or explain why"):
        services.offboarding_submit(actor=lead, case=case)
    assert refreshed(case).status == S.DRAFT


def test_a_justification_is_enough_without_incidents(cases, acme, lead):
    case = cases.draft(acme, no_incident_justification="The abuse happened on a call; no notes.")
    case = services.offboarding_submit(actor=lead, case=case)
    assert case.status == S.PROPOSED
    assert case.proposed_by == lead
    assert case.proposed_at is not None


def test_only_this_clients_incidents_can_be_linked(acme, globex, lead):
    foreign = IncidentFactory(client=globex)
    with pytest.raises(Refused, match="Only this client's incidents"):
        services.offboarding_open(
            actor=lead,
            client=acme,
            summary="Mixed up.",
            timing=Offboarding.Timing.WITH_NOTICE,
            incidents=[foreign],
        )
    assert not Offboarding.objects.filter(client=acme).exists()


def test_somebody_off_the_team_cannot_propose(globex, lead):
    with pytest.raises(Refused, match="Only members of this client's team"):
        services.offboarding_open(
            actor=lead,
            client=globex,
            summary="Not mine.",
            timing=Offboarding.Timing.WITH_NOTICE,
            no_incident_justification="None.",
        )
    assert not Offboarding.objects.filter(client=globex).exists()


def test_submitting_emails_the_managers_without_the_internal_record(
    cases, acme, lead, manager, manager2, mailoutbox, django_capture_on_commit_callbacks
):
    abuse = IncidentFactory(
        client=acme, category="abusive", title=INTERNAL_TITLE, description=INTERNAL_DESCRIPTION
    )
    repair = RepairAttemptFactory(client=acme, description=INTERNAL_REPAIR_ATTEMPT)
    case = cases.draft(acme, incidents=[abuse], repair_attempts=[repair], summary=INTERNAL_SUMMARY)

    with django_capture_on_commit_callbacks(execute=True):
        services.offboarding_submit(actor=lead, case=case)

    decision_mail = [m for m in mailoutbox if "#team-view" not in m.body]  # not the team's
    assert len(decision_mail) == 1
    mail = decision_mail[0]
    assert sorted(mail.to) == sorted([manager.email, manager2.email])
    assert "Acme Rockets" in mail.subject
    assert lead.display_name in mail.body
    assert f"/offboardings/{case.pk}/decision/" in mail.body
    text = mail.subject + mail.body
    for marker in INTERNAL_MARKERS:
        assert marker not in text
    assert abuse.description not in text


def test_a_proposing_manager_is_not_asked_to_decide(
    cases, acme, manager, manager2, mailoutbox, django_capture_on_commit_callbacks
):
    case = cases.draft(acme, actor=manager)
    with django_capture_on_commit_callbacks(execute=True):
        services.offboarding_submit(actor=manager, case=case)
    assert [mail.to for mail in mailoutbox if "#team-view" not in mail.body] == [[manager2.email]]


def test_a_manager_who_changed_the_draft_is_not_asked_to_decide(
    cases, acme, lead, manager, manager2, mailoutbox, django_capture_on_commit_callbacks
):
    """The rule of who decides is one (permissions.deciders): the e-mail follows it."""
    case = cases.draft(acme, actor=lead)
    services.offboarding_update_proposal(
        actor=manager,
        case=case,
        summary="Sharper wording.",
        timing=case.timing,
        incidents=case.incidents.all(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.offboarding_submit(actor=lead, case=case)
    assert [mail.to for mail in mailoutbox if "#team-view" not in mail.body] == [[manager2.email]]


def test_each_decider_is_emailed_in_their_own_language(
    cases, acme, lead, manager, manager2, mailoutbox, django_capture_on_commit_callbacks
):
    manager2.language = "nl"
    manager2.save(update_fields=["language"])
    case = cases.draft(acme, actor=lead)
    with django_capture_on_commit_callbacks(execute=True):
        services.offboarding_submit(actor=lead, case=case)
    decision_mail = [m for m in mailoutbox if "#team-view" not in m.body]  # not the team's
    assert sorted(mail.to for mail in decision_mail) == sorted([[manager.email], [manager2.email]])
    assert all("Acme Rockets" in mail.subject for mail in decision_mail)


def test_a_refused_submission_sends_no_email(
    cases, acme, lead, manager, mailoutbox, django_capture_on_commit_callbacks
):
    case = cases.draft(acme, summary="")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Refused):
        services.offboarding_submit(actor=lead, case=case)
    assert mailoutbox == []


# --- The decision ----------------------------------------------------------------------------


def test_a_manager_cannot_approve_their_own_proposal(cases, acme, manager):
    case = cases.proposed(acme, actor=manager)
    with pytest.raises(Refused, match="another manager must decide"):
        services.offboarding_approve(actor=manager, case=case, comment="Looks right to me.")
    with pytest.raises(Refused, match="another manager must decide"):
        services.offboarding_reject(actor=manager, case=case, comment="On second thought.")
    case = refreshed(case)
    assert case.status == S.PROPOSED
    assert case.decided_by is None
    assert not case_events(case, action=AuditEvent.Action.DECISION).exists()


def test_a_manager_who_drafted_the_proposal_cannot_approve_it(cases, acme, lead, manager):
    case = cases.draft(acme, actor=manager)
    services.offboarding_submit(actor=lead, case=case)

    with pytest.raises(Refused, match="another manager must decide"):
        services.offboarding_approve(actor=manager, case=case, comment="My own idea, approved.")
    assert refreshed(case).status == S.PROPOSED


def test_a_manager_who_changed_the_draft_cannot_decide_it(client, cases, acme, lead, manager):
    from django.urls import reverse

    from offboarding.selectors import awaiting_decision

    case = cases.draft(acme, actor=lead)
    services.offboarding_update_proposal(
        actor=manager,
        case=case,
        summary="Rewritten by the manager to make the case stronger.",
        timing=case.timing,
        incidents=case.incidents.all(),
    )
    services.offboarding_submit(actor=lead, case=case)
    case = refreshed(case)

    assert list(case.edited_by.all()) == [manager]
    assert case not in awaiting_decision(manager)
    with pytest.raises(Refused, match="another manager must decide"):
        services.offboarding_approve(actor=manager, case=case, comment="Mine now.")
    with pytest.raises(Refused, match="another manager must decide"):
        services.offboarding_reject(actor=manager, case=case, comment="Mine now.")
    assert refreshed(case).status == S.PROPOSED

    client.force_login(manager)
    page = client.get(reverse("offboarding:decide", args=[case.pk])).text
    assert "so another manager decides on it" in page
    assert 'value="approve"' not in page


def test_a_manager_who_changes_cited_evidence_after_submission_cannot_decide(
    client, cases, acme, lead, manager, manager2
):
    from django.urls import reverse

    from clients import services as client_services
    from offboarding.selectors import awaiting_decision

    cited = IncidentFactory(client=acme, category=Incident.Category.OTHER, title="Odd call")
    case = cases.proposed(acme, actor=lead, incidents=[cited])
    client_services.incident_update(
        actor=manager,
        incident=cited,
        category=Incident.Category.ABUSIVE,
        severity=Incident.Severity.CRITICAL,
    )

    assert case not in awaiting_decision(manager)
    assert case in awaiting_decision(manager2)
    with pytest.raises(Refused, match="the evidence it cites"):
        services.offboarding_approve(actor=manager, case=case, comment="Abuse: end it now.")
    client.force_login(manager2)
    page = client.get(reverse("offboarding:decide", args=[case.pk])).text
    assert "Cited evidence changed after the proposal was sent" in page
    assert f"Odd call: changed by {manager.display_name}" in page
    services.offboarding_approve(actor=manager2, case=case, comment="Checked the change.")
    assert refreshed(case).status == S.APPROVED


def test_changing_evidence_before_submission_does_not_make_an_author(cases, acme, lead, manager):
    from clients import services as client_services

    cited = IncidentFactory(client=acme)
    client_services.incident_update(actor=manager, incident=cited, title="Clearer title")
    case = cases.proposed(acme, actor=lead, incidents=[cited])
    services.offboarding_approve(actor=manager, case=case, comment="The record is clear.")
    assert refreshed(case).status == S.APPROVED


def test_the_author_editing_their_own_draft_is_not_a_co_author(cases, acme, lead):
    case = cases.draft(acme, actor=lead)
    services.offboarding_update_proposal(
        actor=lead,
        case=case,
        summary="Clearer.",
        timing=case.timing,
        incidents=case.incidents.all(),
    )
    assert not refreshed(case).edited_by.exists()


def test_another_manager_decides_a_managers_proposal(cases, acme, manager, manager2):
    case = cases.proposed(acme, actor=manager)
    case = services.offboarding_approve(actor=manager2, case=case, comment="Agreed.")
    assert case.status == S.APPROVED
    assert case.decided_by == manager2


def test_a_manager_decides_a_staff_proposal(cases, acme, staff, manager):
    case = cases.proposed(acme, actor=staff)
    assert case.proposed_by == staff

    case = services.offboarding_approve(actor=manager, case=case, comment="  The record holds.  ")

    case = refreshed(case)
    assert case.status == S.APPROVED
    assert case.decided_by == manager
    assert case.decided_at is not None
    assert case.decision_comment == "The record holds."
    event = case_events(case, action=AuditEvent.Action.DECISION).get()
    assert (event.actor, event.from_state, event.to_state) == (manager, S.PROPOSED, S.APPROVED)
    assert event.comment == "The record holds."


@pytest.mark.parametrize("decide", [services.offboarding_approve, services.offboarding_reject])
@pytest.mark.parametrize("comment", ["", "   \n "])
def test_a_decision_needs_a_comment(decide, comment, proposed_case, manager):
    with pytest.raises(Refused, match="A decision needs a comment"):
        decide(actor=manager, case=proposed_case, comment=comment)
    assert refreshed(proposed_case).status == S.PROPOSED


@pytest.mark.parametrize("role", ["staff", "lead"])
@pytest.mark.parametrize("decide", [services.offboarding_approve, services.offboarding_reject])
def test_staff_and_leads_cannot_decide(role, decide, request, cases, acme, manager):
    case = cases.proposed(acme, actor=manager)
    person = request.getfixturevalue(role)
    with pytest.raises(Refused, match="Only managers decide"):
        decide(actor=person, case=case, comment="I decide.")
    assert refreshed(case).status == S.PROPOSED


# --- Steps are gated -------------------------------------------------------------------------


@pytest.mark.parametrize("status", [S.DRAFT, S.PROPOSED])
def test_no_step_can_be_worked_on_before_approval(status, cases, acme, lead, manager):
    case = cases.in_status(status, acme)
    contract = ContractFactory(client=acme)
    for actor in (lead, manager):
        with pytest.raises(Refused, match="once a manager has approved the decision"):
            services.contract_review_save(
                actor=actor,
                case=case,
                contract=contract,
                basis="notice",
                notice_given_on=NOTICE_GIVEN_ON,
            )
    assert not ContractReview.objects.filter(case=case).exists()
    assert refreshed(case).status == status


def test_the_first_step_starts_the_offboarding(approved_case, acme, lead):
    assert approved_case.status == S.APPROVED
    contract = ContractFactory(client=acme)

    services.contract_review_save(
        actor=lead,
        case=approved_case,
        contract=contract,
        basis="end_of_term",
        notice_given_on=NOTICE_GIVEN_ON,
    )

    case = refreshed(approved_case)
    assert case.status == S.IN_PROGRESS
    start = case_events(case, from_state=S.APPROVED, to_state=S.IN_PROGRESS).get()
    assert start.actor == lead


def test_staff_cannot_run_the_steps(approved_case, acme, staff):
    with pytest.raises(Refused, match="Only the account lead and managers"):
        services.deliverable_save(actor=staff, case=approved_case, name="Logo refresh")
    assert refreshed(approved_case).status == S.APPROVED
    assert not approved_case.deliverables.exists()


def test_the_steps_of_a_completed_case_are_closed(cases, acme, lead):
    case = cases.completed(acme)
    with pytest.raises(Refused, match="its steps are closed"):
        services.handover_instructions_save(actor=lead, case=case, text="One more thing.")


def test_recording_the_outcome_needs_a_planned_call(working_case, lead):
    with pytest.raises(Refused, match="Plan and prepare the call first"):
        services.call_outcome_record(
            actor=lead,
            case=working_case,
            held=CallPlan.Held.HELD,
            held_at=timezone.now(),
            reaction=CallPlan.Reaction.ACCEPTING,
        )


@pytest.mark.parametrize("unticked", ["points_written", "rehearsed", "agreed_internally"])
def test_recording_the_outcome_needs_a_prepared_call(unticked, cases, working_case, lead):
    cases.call_plan(working_case, **{unticked: False})
    with pytest.raises(Refused, match="talking points written, rehearsed and agreed"):
        services.call_outcome_record(
            actor=lead,
            case=working_case,
            held=CallPlan.Held.HELD,
            held_at=timezone.now(),
            reaction=CallPlan.Reaction.ACCEPTING,
        )
    assert CallPlan.objects.get(case=working_case).held == CallPlan.Held.PLANNED


def test_a_held_call_needs_the_clients_reaction(cases, working_case, lead):
    cases.call_plan(working_case)
    with pytest.raises(Refused, match="Record how the client reacted"):
        services.call_outcome_record(
            actor=lead, case=working_case, held=CallPlan.Held.HELD, held_at=timezone.now()
        )


def test_completing_needs_every_step_done(working_case, lead):
    with pytest.raises(Refused) as refused:
        services.offboarding_complete(actor=lead, case=working_case)
    message = refused.value.message
    assert message.startswith("Still to do before completing:")
    for title in (
        "Deliverables",
        "Call planning",
        "Call outcome",
        "Handover contents",
        "Close-out",
    ):
        assert title in message
    assert "Contract review" not in message
    assert refreshed(working_case).status == S.IN_PROGRESS


def test_an_approved_case_with_no_work_done_cannot_be_completed(approved_case, lead):
    with pytest.raises(Refused, match="Work through the steps first"):
        services.offboarding_complete(actor=lead, case=approved_case)
    assert refreshed(approved_case).status == S.APPROVED


@pytest.mark.parametrize("unticked", Offboarding.CLOSEOUT_FIELDS)
def test_completing_needs_the_whole_closeout_checklist(unticked, ready_case, lead):
    services.closeout_save(actor=lead, case=ready_case, **{unticked: False})
    with pytest.raises(Refused, match=r"Still to do before completing: Close-out\."):
        services.offboarding_complete(actor=lead, case=ready_case)

    services.closeout_save(actor=lead, case=ready_case, **{unticked: True})
    case = services.offboarding_complete(actor=lead, case=ready_case)
    assert refreshed(case).status == S.COMPLETED


def test_each_ticked_closeout_item_is_its_own_event_with_its_label(working_case, lead):
    services.closeout_save(
        actor=lead, case=working_case, final_invoice_settled=True, handover_delivered=True
    )
    events = case_events(working_case, message="Close-out: %(item_label)s")
    assert [event.summary for event in events] == [
        "Close-out: final invoice settled or refund paid",
        "Close-out: handover delivered to the client",
    ]
    assert events[0].params == {"item_label": "final invoice settled or refund paid"}


def test_staff_cannot_complete(ready_case, staff):
    with pytest.raises(Refused, match="Only the account lead and managers complete"):
        services.offboarding_complete(actor=staff, case=ready_case)
    assert refreshed(ready_case).status == S.IN_PROGRESS


@pytest.mark.parametrize("role", ["lead", "staff"])
def test_cancelling_after_approval_needs_a_manager(role, request, cases, acme):
    person = request.getfixturevalue(role)
    case = cases.approved(acme)
    with pytest.raises(Refused, match="After approval only a manager may cancel"):
        services.offboarding_cancel(actor=person, case=case, reason="We made up.")
    assert refreshed(case).status == S.APPROVED


def test_cancelling_a_case_in_progress_needs_a_manager(working_case, lead, manager):
    with pytest.raises(Refused, match="After approval only a manager may cancel"):
        services.offboarding_cancel(actor=lead, case=working_case, reason="We made up.")
    services.offboarding_cancel(actor=manager, case=working_case, reason="The client was sold.")
    assert refreshed(working_case).status == S.CANCELLED


@pytest.mark.parametrize("reason", ["", "   "])
def test_cancelling_needs_a_reason(reason, approved_case, manager):
    with pytest.raises(Refused, match="Say why the offboarding is cancelled"):
        services.offboarding_cancel(actor=manager, case=approved_case, reason=reason)
    assert refreshed(approved_case).status == S.APPROVED


def test_the_lead_may_withdraw_a_proposal_before_the_decision(proposed_case, lead):
    services.offboarding_cancel(actor=lead, case=proposed_case, reason="We talked it through.")
    assert refreshed(proposed_case).status == S.CANCELLED


def test_staff_cannot_withdraw_somebody_elses_proposal(proposed_case, staff):
    with pytest.raises(Refused):
        services.offboarding_cancel(actor=staff, case=proposed_case, reason="I disagree.")
    assert refreshed(proposed_case).status == S.PROPOSED


# --- Contract review -------------------------------------------------------------------------


def test_contract_review_works_out_the_end_and_the_notice_deadline(approved_case, acme, lead):
    contract = ContractFactory(
        client=acme, start_date=dt.date(2024, 1, 1), end_date=dt.date(2026, 12, 31), notice_days=30
    )
    review = services.contract_review_save(
        actor=lead,
        case=approved_case,
        contract=contract,
        basis="end_of_term",
        notice_given_on=dt.date(2026, 6, 1),
    )
    assert review.effective_end == dt.date(2026, 12, 31)
    assert review.notice_deadline == dt.date(2026, 12, 1)
    assert review.breaks_notice is False
    assert review.warning == ""
    assert review.reviewed_by == lead


def test_contract_review_agrees_with_the_notice_arithmetic(approved_case, acme, lead):
    contract = ContractFactory(
        client=acme,
        start_date=dt.date(2023, 3, 31),
        end_date=dt.date(2025, 3, 31),
        auto_renews=True,
        renewal_months=6,
        notice_days=45,
    )
    given = dt.date(2026, 8, 20)
    review = services.contract_review_save(
        actor=lead,
        case=approved_case,
        contract=contract,
        basis="end_of_term",
        notice_given_on=given,
    )
    terms = {
        "start": contract.start_date,
        "end": contract.end_date,
        "notice_days": 45,
        "auto_renews": True,
        "renewal_months": 6,
    }
    expected = dates.effective_end(basis="end_of_term", notice_given_on=given, **terms)
    position = dates.notice_dates(today=given, **terms)
    assert review.effective_end == expected.end_date == dt.date(2027, 3, 31)
    assert review.notice_deadline == position.notice_deadline == dt.date(2026, 8, 16)


def test_notice_on_a_rolling_contract_ends_after_the_notice_period(approved_case, acme, lead):
    contract = ContractFactory(client=acme, end_date=None, notice_days=60)
    review = services.contract_review_save(
        actor=lead,
        case=approved_case,
        contract=contract,
        basis="notice",
        notice_given_on=dt.date(2026, 11, 2),
    )
    assert review.effective_end == dt.date(2027, 1, 1)
    assert review.notice_deadline is None
    assert review.breaks_notice is False


def test_an_immediate_end_inside_the_notice_period_is_flagged(approved_case, acme, lead):
    contract = ContractFactory(client=acme, end_date=dt.date(2026, 12, 31), notice_days=30)
    review = services.contract_review_save(
        actor=lead,
        case=approved_case,
        contract=contract,
        basis="immediate",
        notice_given_on=dt.date(2026, 6, 1),
        immediate_on=dt.date(2026, 6, 5),
    )
    assert review.effective_end == dt.date(2026, 6, 5)
    assert review.breaks_notice is True
    assert "4 days' notice" in review.warning
    assert "requires 30" in review.warning
    event = case_events(approved_case, action=AuditEvent.Action.STEP).get()
    assert event.comment == review.warning


def test_an_immediate_end_before_the_notice_day_is_refused(approved_case, acme, lead):
    contract = ContractFactory(client=acme)
    with pytest.raises(Refused, match="cannot be before the day notice is given"):
        services.contract_review_save(
            actor=lead,
            case=approved_case,
            contract=contract,
            basis="immediate",
            notice_given_on=dt.date(2026, 6, 10),
            immediate_on=dt.date(2026, 6, 1),
        )
    assert not ContractReview.objects.filter(case=approved_case).exists()


def test_contract_review_refuses_another_clients_contract(approved_case, globex, lead):
    with pytest.raises(Refused, match="Choose one of this client's contracts"):
        services.contract_review_save(
            actor=lead,
            case=approved_case,
            contract=ContractFactory(client=globex),
            basis="notice",
            notice_given_on=NOTICE_GIVEN_ON,
        )


def test_open_invoices_are_the_clients_unpaid_total(approved_case, acme, globex, lead):
    InvoiceFactory(client=acme, amount=Decimal("4000.00"))
    InvoiceFactory(client=acme, amount=Decimal("1000.00"), paid_amount=Decimal("400.00"))
    InvoiceFactory(
        client=acme,
        amount=Decimal("2000.00"),
        paid_amount=Decimal("2000.00"),
        paid_on=dt.date(2026, 1, 20),
    )
    InvoiceFactory(client=globex, amount=Decimal("9999.00"))

    review = services.contract_review_save(
        actor=lead,
        case=approved_case,
        contract=ContractFactory(client=acme),
        basis="notice",
        notice_given_on=NOTICE_GIVEN_ON,
    )
    assert review.open_invoices_amount == Decimal("4600.00")


def test_an_overpaid_invoice_does_not_hide_another_unpaid_one(approved_case, acme, lead):
    InvoiceFactory(
        client=acme,
        amount=Decimal("1000.00"),
        paid_amount=Decimal("1500.00"),
        paid_on=dt.date(2026, 1, 20),
    )
    unpaid = InvoiceFactory(client=acme, amount=Decimal("1000.00"))

    review = services.contract_review_save(
        actor=lead,
        case=approved_case,
        contract=ContractFactory(client=acme),
        basis="notice",
        notice_given_on=NOTICE_GIVEN_ON,
    )
    assert review.open_invoices_amount == unpaid.outstanding == Decimal("1000.00")


def test_saving_the_review_again_updates_it(working_case, acme, lead):
    contract = acme.contracts.get()
    services.contract_review_save(
        actor=lead,
        case=working_case,
        contract=contract,
        basis="notice",
        notice_given_on=dt.date(2026, 6, 1),
        refund_amount=Decimal("500.00"),
    )
    review = ContractReview.objects.get(case=working_case)
    assert review.basis == "notice"
    assert review.effective_end == dt.date(2026, 7, 1)
    assert review.refund_amount == Decimal("500.00")


# --- Deliverables ----------------------------------------------------------------------------


def deliverable(case, lead, **fields) -> Deliverable:
    fields.setdefault("name", "Checkout redesign")
    return services.deliverable_save(actor=lead, case=case, **fields)


def test_settling_deliverables_waits_for_the_contract_review(approved_case, lead):
    deliverable(approved_case, lead, decision=Deliverable.Decision.HAND_OVER)
    with pytest.raises(Refused, match="Complete the contract review first"):
        services.deliverables_complete(actor=lead, case=approved_case)
    assert refreshed(approved_case).deliverables_done_at is None


def test_settling_refuses_an_undecided_deliverable(working_case, lead):
    deliverable(working_case, lead, name="Checkout redesign")
    with pytest.raises(Refused, match="Still open: Checkout redesign"):
        services.deliverables_complete(actor=lead, case=working_case)
    assert refreshed(working_case).deliverables_done_at is None


def test_settling_refuses_a_deliverable_to_finish_that_is_not_delivered(working_case, lead):
    item = deliverable(
        working_case,
        lead,
        decision=Deliverable.Decision.FINISH,
        status=Deliverable.Status.IN_PROGRESS,
        client_answer=Deliverable.Answer.NEEDED,
    )
    with pytest.raises(Refused, match="Still open: Checkout redesign"):
        services.deliverables_complete(actor=lead, case=working_case)

    services.deliverable_save(
        actor=lead, case=working_case, deliverable=item, status=Deliverable.Status.DELIVERED
    )
    services.deliverables_complete(actor=lead, case=working_case)
    assert refreshed(working_case).deliverables_done_at is not None
    assert step_state(working_case, "deliverables") == "done"


def test_handing_over_marks_the_deliverable_handed_over(working_case, lead):
    item = deliverable(working_case, lead, decision=Deliverable.Decision.HAND_OVER)
    item.refresh_from_db()
    assert item.status == Deliverable.Status.HANDED_OVER
    assert item.settled


def test_cancel_and_refund_needs_an_amount(working_case, lead):
    with pytest.raises(Refused, match="Enter the amount to refund"):
        deliverable(working_case, lead, decision=Deliverable.Decision.CANCEL_REFUND)
    assert not working_case.deliverables.exists()

    item = deliverable(
        working_case, lead, decision=Deliverable.Decision.CANCEL_REFUND, refund_amount=Decimal("0")
    )
    item.refresh_from_db()
    assert item.status == Deliverable.Status.CANCELLED
    assert item.refund_amount == Decimal("0.00")


def test_unsettling_a_deliverable_reopens_the_step(working_case, lead):
    item = deliverable(working_case, lead, decision=Deliverable.Decision.HAND_OVER)
    services.deliverables_complete(actor=lead, case=working_case)
    assert step_state(working_case, "deliverables") == "done"

    services.deliverable_save(
        actor=lead,
        case=working_case,
        deliverable=item,
        decision=Deliverable.Decision.UNDECIDED,
    )

    assert refreshed(working_case).deliverables_done_at is None
    assert step_state(working_case, "deliverables") == "in_progress"


def test_a_new_undecided_deliverable_reopens_a_settled_list(working_case, lead):
    deliverable(working_case, lead, decision=Deliverable.Decision.HAND_OVER)
    services.deliverables_complete(actor=lead, case=working_case)

    deliverable(working_case, lead, name="Forgotten newsletter template")

    assert refreshed(working_case).deliverables_done_at is None


def test_settling_the_deliverables_is_audited_once(working_case, lead):
    deliverable(working_case, lead, decision=Deliverable.Decision.HAND_OVER)
    services.deliverables_complete(actor=lead, case=working_case)
    services.deliverables_complete(actor=lead, case=working_case)
    assert case_events(working_case, summary="Deliverables settled").count() == 1


# --- Call planning and outcome ---------------------------------------------------------------


def test_a_bare_email_is_refused_with_the_reason(cases, working_case):
    with pytest.raises(Refused) as refused:
        cases.call_plan(working_case, channel=CallPlan.Channel.EMAIL)
    assert refused.value.message == CallPlan.EMAIL_REFUSED
    assert "call or a meeting" in refused.value.message
    assert not CallPlan.objects.filter(case=working_case).exists()


def test_planning_the_call_writes_a_script_and_records_the_plan(cases, working_case, lead):
    call = cases.call_plan(working_case, script="")
    assert "Acme Rockets" in call.script
    assert list(call.agency_attendees.all()) == [lead]
    assert case_events(working_case, summary__startswith="Call planned for").count() == 1
    assert step_state(working_case, "call") == "done"


def test_an_edited_script_is_kept(cases, working_case):
    call = cases.call_plan(working_case, script="Our own words, rehearsed twice.")
    call.refresh_from_db()
    assert call.script == "Our own words, rehearsed twice."


def test_rescheduling_keeps_the_outcome_step_open(cases, working_case, lead):
    cases.call_plan(working_case)
    later = timezone.now() + dt.timedelta(days=7)

    call = services.call_outcome_record(
        actor=lead, case=working_case, held=CallPlan.Held.RESCHEDULED, rescheduled_to=later
    )

    call.refresh_from_db()
    assert call.held == CallPlan.Held.RESCHEDULED
    assert call.scheduled_at == later
    assert step_state(working_case, "outcome") == "in_progress"
    assert refreshed(working_case).status == S.IN_PROGRESS
    assert case_events(working_case, summary="Call rescheduled").count() == 1


def test_rescheduling_needs_the_new_time(cases, working_case, lead):
    cases.call_plan(working_case)
    with pytest.raises(Refused, match="Enter the new date and time"):
        services.call_outcome_record(actor=lead, case=working_case, held=CallPlan.Held.RESCHEDULED)


def test_pushback_is_recorded_and_the_decision_stands(cases, working_case, lead):
    cases.call_plan(working_case)
    services.call_outcome_record(
        actor=lead,
        case=working_case,
        held=CallPlan.Held.HELD,
        held_at=timezone.now() - dt.timedelta(minutes=30),
        reaction=CallPlan.Reaction.UPSET,
        pushback="They promised to pay on time from now on and asked us to stay.",
    )
    case = refreshed(working_case)
    assert case.status == S.IN_PROGRESS
    assert case.call.pushback.startswith("They promised to pay on time")
    assert case.call.outcome_recorded_by == lead
    assert step_state(case, "outcome") == "done"
    event = case_events(case, summary="Call held").get()
    assert event.comment == "Pushback recorded; the decision stands."


# --- Credentials -----------------------------------------------------------------------------


def raw_secret_column(credential: Credential, column: str = "secret") -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column} FROM {Credential._meta.db_table} WHERE id = %s",  # noqa: S608
            [credential.pk],
        )
        return cursor.fetchone()[0]


def test_a_recovery_note_is_stored_encrypted_like_the_secret(working_case, lead):
    codes = "Backup codes: 8841-2290 5512-0937"
    credential = services.credential_save(
        actor=lead,
        case=working_case,
        system="Google Workspace",
        username="admin@acme.example",
        secret=SECRET,
        recovery_note=codes,
    )
    stored = raw_secret_column(credential, "recovery_note")
    assert "8841-2290" not in stored
    assert crypto.decrypt(stored) == codes
    assert Credential.objects.get(pk=credential.pk).recovery_note == codes


def test_a_secret_is_stored_encrypted_and_decrypts(working_case, lead):
    credential = services.credential_save(
        actor=lead, case=working_case, system="WordPress", username="admin", secret=SECRET
    )
    stored = raw_secret_column(credential)
    assert SECRET not in stored
    assert crypto.decrypt(stored) == SECRET
    assert Credential.objects.get(pk=credential.pk).secret == SECRET


def test_editing_a_credential_without_a_secret_keeps_the_stored_one(working_case, lead):
    credential = services.credential_save(
        actor=lead, case=working_case, system="WordPress", username="admin", secret=SECRET
    )
    services.credential_save(
        actor=lead,
        case=working_case,
        credential=Credential.objects.get(pk=credential.pk),
        system="WordPress (main site)",
        username="admin",
        secret="",
    )
    credential = Credential.objects.get(pk=credential.pk)
    assert credential.system == "WordPress (main site)"
    assert credential.secret == SECRET


def test_a_credential_of_another_case_cannot_be_changed_through_this_one(
    cases, working_case, globex, lead, manager
):
    foreign_case = cases.in_progress(globex)
    foreign = services.credential_save(
        actor=manager, case=foreign_case, system="Globex CMS", username="root", secret=SECRET
    )
    with pytest.raises(Refused, match="belongs to another offboarding case"):
        services.credential_save(
            actor=manager,
            case=working_case,
            credential=foreign,
            system="Hijacked",
            username="root",
            secret="",
        )
    foreign = Credential.objects.get(pk=foreign.pk)
    assert (foreign.case_id, foreign.system) == (foreign_case.pk, "Globex CMS")


@pytest.mark.parametrize(
    ("service", "fields"),
    [
        ("credential_save", {"system": "x", "username": "y", "secret": "z", "case_id": 1}),
        ("asset_save", {"name": "x", "kind": "domain", "case_id": 1}),
        ("deliverable_save", {"name": "x", "case_id": 1}),
        ("call_plan_save", {"channel": "phone", "held": "held"}),
    ],
)
def test_step_services_refuse_fields_they_do_not_name(working_case, lead, service, fields):
    with pytest.raises(TypeError, match="may not set"):
        getattr(services, service)(actor=lead, case=working_case, **fields)


@pytest.mark.parametrize("role", ["lead", "manager"])
def test_revealing_a_secret_is_audited(role, request, working_case, lead):
    credential = services.credential_save(
        actor=lead, case=working_case, system="WordPress", username="admin", secret=SECRET
    )
    person = request.getfixturevalue(role)

    assert services.credential_reveal(actor=person, credential=credential) == SECRET

    event = case_events(working_case, action=AuditEvent.Action.REVEAL).get()
    assert event.actor == person
    assert event.object_type == "credential"
    assert event.object_id == credential.pk
    assert event.summary == "Secret revealed: WordPress (admin)"
    # Kept as its message and parameters, so each reader reads it in their own language.
    assert event.message == "Secret revealed: %(system)s (%(username)s)"
    assert event.params == {"system": "WordPress", "username": "admin"}
    assert SECRET not in event.summary + event.comment


def test_staff_and_outsiders_cannot_reveal(working_case, lead, staff, outsider, other_lead):
    credential = services.credential_save(
        actor=lead, case=working_case, system="WordPress", username="admin", secret=SECRET
    )
    for person in (staff, outsider, other_lead):
        with pytest.raises(Refused, match="Only the account lead and managers reveal"):
            services.credential_reveal(actor=person, credential=credential)
    assert not case_events(working_case, action=AuditEvent.Action.REVEAL).exists()


def test_the_handover_needs_instructions_and_something_to_hand_over(working_case, lead):
    with pytest.raises(Refused, match="Write the takeover instructions"):
        services.handover_complete(actor=lead, case=working_case)
    services.handover_instructions_save(actor=lead, case=working_case, text="Change passwords.")
    with pytest.raises(Refused, match="List the accounts and assets"):
        services.handover_complete(actor=lead, case=working_case)
    services.asset_save(actor=lead, case=working_case, name="acme.example", kind="domain")
    services.handover_complete(actor=lead, case=working_case)
    assert step_state(working_case, "handover") == "done"


def test_a_new_credential_reopens_a_finished_handover(ready_case, lead):
    assert refreshed(ready_case).handover_done_at is not None
    services.credential_save(
        actor=lead, case=ready_case, system="Mailchimp", username="acme", secret="another"
    )
    assert refreshed(ready_case).handover_done_at is None
    with pytest.raises(Refused, match="Handover contents"):
        services.offboarding_complete(actor=lead, case=ready_case)


def test_withdrawn_incidents_do_not_count_as_reasons(cases, acme, lead):
    withdrawn = IncidentFactory(
        client=acme, category=Incident.Category.UNETHICAL, state=Incident.State.WITHDRAWN
    )
    case = cases.in_progress(acme, incidents=[withdrawn, IncidentFactory(client=acme)])
    call = cases.call_plan(case)
    assert "outside what our agency can take on" not in call.script


# --- Proposal edits and deliverable decisions are in the audit trail -----------------------


def test_a_proposal_edit_is_audited_with_who_changed_what(cases, acme, lead, manager):
    case = cases.draft(acme, actor=lead)
    services.offboarding_update_proposal(
        actor=manager,
        case=case,
        summary="Rewritten by the manager.",
        timing=case.timing,
        incidents=case.incidents.all(),
    )
    event = case_events(case, action=AuditEvent.Action.UPDATED).get()
    assert event.actor == manager
    assert event.summary == "Proposal changed: summary"
    assert "co-author" in event.comment


def test_a_deliverable_decision_and_refund_are_audited(working_case, lead):
    item = services.deliverable_save(actor=lead, case=working_case, name="Landing page")
    services.deliverable_save(
        actor=lead,
        case=working_case,
        deliverable=item,
        name="Landing page",
        decision=Deliverable.Decision.CANCEL_REFUND,
        refund_amount=Decimal("450.00"),
    )
    added, updated = case_events(working_case).filter(object_type="deliverable").order_by("id")
    assert added.summary == "Deliverable added: Landing page"
    assert updated.actor == lead
    assert updated.summary.startswith("Deliverable updated: Landing page (")
    assert "decision" in updated.summary and "refund amount" in updated.summary
    assert updated.comment == "Cancel and refund, cancelled, refund €450.00"
