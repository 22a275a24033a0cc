"""The table of allowed transitions, as the services enforce it, and what each one leaves behind."""

from __future__ import annotations

import itertools

import pytest
from django.db import IntegrityError, transaction

from agency.errors import Refused
from agency.models import AuditEvent
from clients.models import Client
from offboarding import services, workflow
from offboarding.models import Offboarding
from tests.factories import ClientFactory

from .conftest import case_events, refreshed

S = Offboarding.Status
CLOSED = (S.REJECTED, S.COMPLETED, S.CANCELLED)
COMMENTS = {
    "approve": "Approved: the incidents speak for themselves.",
    "reject": "Rejected: try a new agreement at renewal first.",
    "cancel": "The client replaced their whole team; we start over.",
}
PAIRS = list(itertools.product(S.values, workflow.TRANSITIONS))
ALLOWED = [(status, action) for status, action in PAIRS if workflow.allowed(action, status)]
# Working on a step of a case already in progress is fine: it simply does not start it again.
REFUSED = [
    (status, action)
    for status, action in PAIRS
    if not workflow.allowed(action, status) and (status, action) != (S.IN_PROGRESS, "start")
]


def run(action: str, case: Offboarding, *, lead, manager, manager2) -> Offboarding:
    """Ask for one action the way the person allowed to do it would."""
    if action == "submit":
        return services.offboarding_submit(actor=lead, case=case)
    if action == "approve":
        return services.offboarding_approve(actor=manager2, case=case, comment=COMMENTS[action])
    if action == "reject":
        return services.offboarding_reject(actor=manager2, case=case, comment=COMMENTS[action])
    if action == "start":  # the first step worked on starts the case
        return services.handover_instructions_save(
            actor=lead, case=case, text="Log in with the account we hand over."
        )
    if action == "complete":
        return services.offboarding_complete(actor=lead, case=case)
    if action == "cancel":
        return services.offboarding_cancel(actor=manager, case=case, reason=COMMENTS[action])
    raise AssertionError(f"no service for {action}")


def test_the_table_covers_every_status_and_closed_states_allow_nothing():
    sources = {status for froms, _ in workflow.TRANSITIONS.values() for status in froms}
    targets = {to for _, to in workflow.TRANSITIONS.values()}
    assert sources | targets == set(S.values)
    for status in CLOSED:
        assert workflow.actions_from(status) == []
    for status in Offboarding.OPEN_STATES:
        assert "cancel" in workflow.actions_from(status)


@pytest.mark.parametrize(("status", "action"), ALLOWED)
def test_every_allowed_transition_works_and_is_audited(
    status, action, cases, acme, lead, manager, manager2
):
    case = cases.in_status(status, acme)
    actor = {"approve": manager2, "reject": manager2, "cancel": manager}.get(action, lead)

    run(action, case, lead=lead, manager=manager, manager2=manager2)

    case = refreshed(case)
    assert case.status == workflow.target(action)
    event = case_events(case, from_state=status, to_state=case.status).get()
    assert event.actor == actor
    assert event.actor_name == actor.display_name
    assert event.case_id == case.pk
    assert event.client_id == acme.pk
    assert event.comment == COMMENTS.get(action, "")
    expected = "decision" if action in ("approve", "reject") else "transition"
    assert event.action == expected


@pytest.mark.parametrize(("status", "action"), REFUSED)
def test_every_refused_transition_raises_a_readable_error(
    status, action, cases, acme, lead, manager, manager2
):
    case = cases.in_status(status, acme)
    events_before = case_events(case).count()

    with pytest.raises(Refused) as refused:
        run(action, case, lead=lead, manager=manager, manager2=manager2)

    message = refused.value.message
    assert str(refused.value) == message
    assert message[0].isupper() and message.endswith("."), message
    assert "_" not in message, f"a raw status code reached the person: {message}"
    assert refreshed(case).status == status
    assert case_events(case).count() == events_before


def test_working_on_a_case_in_progress_does_not_start_it_again(working_case, lead):
    starts_before = case_events(working_case, to_state=S.IN_PROGRESS).count()

    services.handover_instructions_save(actor=lead, case=working_case, text="Change passwords.")

    assert refreshed(working_case).status == S.IN_PROGRESS
    assert case_events(working_case, to_state=S.IN_PROGRESS).count() == starts_before == 1


def test_a_refused_transition_names_the_current_state(cases, acme, manager2):
    case = cases.rejected(acme)
    with pytest.raises(Refused, match=r"This case is rejected; it cannot be approved now\."):
        services.offboarding_approve(actor=manager2, case=case, comment="Changed my mind.")


# --- The client's status follows the case --------------------------------------------------


@pytest.mark.parametrize("status", [S.DRAFT, S.PROPOSED, S.APPROVED, S.IN_PROGRESS])
def test_client_is_offboarding_while_the_case_is_open(status, cases, acme):
    cases.in_status(status, acme)
    acme.refresh_from_db()
    assert acme.status == Client.Status.OFFBOARDING
    assert acme.status_before_offboarding == Client.Status.AT_RISK


def test_client_is_offboarded_when_the_case_is_completed(cases, acme):
    cases.completed(acme)
    acme.refresh_from_db()
    assert acme.status == Client.Status.OFFBOARDED


@pytest.mark.parametrize("status", [S.REJECTED, S.CANCELLED])
def test_client_goes_back_to_its_previous_status_when_rejected_or_cancelled(status, cases, acme):
    cases.in_status(status, acme)
    acme.refresh_from_db()
    assert acme.status == Client.Status.AT_RISK
    assert acme.status_before_offboarding == ""


def test_an_active_client_goes_back_to_active_after_a_cancelled_approval(cases, lead, manager):
    client = ClientFactory(account_lead=lead)
    case = cases.approved(client)
    services.offboarding_cancel(actor=manager, case=case, reason="The client sold the business.")
    client.refresh_from_db()
    assert client.status == Client.Status.ACTIVE


def test_closing_a_case_records_when_and_why(cases, acme, manager):
    case = cases.approved(acme)
    services.offboarding_cancel(actor=manager, case=case, reason="  New owners, new terms.  ")
    case = refreshed(case)
    assert case.closed_at is not None
    assert case.close_reason == "New owners, new terms."


def test_a_rejection_keeps_the_managers_reason(cases, acme, manager):
    case = cases.rejected(acme)
    assert case.close_reason == "Try a new agreement at renewal first."
    assert case.decided_by == manager
    assert case.closed_at is not None


# --- One open case per client ---------------------------------------------------------------


def test_the_database_refuses_two_open_cases_for_one_client(draft_case, acme, lead):
    with pytest.raises(IntegrityError), transaction.atomic():
        Offboarding.objects.create(
            client=acme, created_by=lead, summary="Again.", status=S.PROPOSED
        )
    assert Offboarding.objects.filter(client=acme).count() == 1


@pytest.mark.parametrize("open_status", [S.PROPOSED, S.APPROVED, S.IN_PROGRESS])
def test_the_database_refuses_a_second_case_beside_any_open_one(open_status, cases, acme, lead):
    cases.in_status(open_status, acme)
    with pytest.raises(IntegrityError), transaction.atomic():
        Offboarding.objects.create(client=acme, created_by=lead, summary="Again.")


@pytest.mark.parametrize("closed_status", CLOSED)
def test_a_new_case_is_allowed_after_a_closed_one(closed_status, cases, acme, lead):
    old = cases.in_status(closed_status, acme)
    new = services.offboarding_open(
        actor=lead,
        client=acme,
        summary="It happened again after the new agreement.",
        timing=Offboarding.Timing.END_OF_CONTRACT,
        no_incident_justification="Told by phone; logging it now.",
    )
    assert new.pk != old.pk
    assert new.status == S.DRAFT
    acme.refresh_from_db()
    assert acme.status == Client.Status.OFFBOARDING


def test_opening_a_case_beside_an_open_one_is_refused_with_an_explanation(draft_case, acme, staff):
    with pytest.raises(Refused, match="Acme Rockets already has an open offboarding case"):
        services.offboarding_open(
            actor=staff,
            client=acme,
            summary="Me too.",
            timing=Offboarding.Timing.WITH_NOTICE,
            no_incident_justification="Nothing written down.",
        )
    assert Offboarding.objects.filter(client=acme).count() == 1


# --- The audit log ---------------------------------------------------------------------------


def test_audit_events_of_a_case_cannot_be_changed_or_deleted(proposed_case):
    event = case_events(proposed_case, to_state=S.PROPOSED).get()
    event.comment = "Nothing happened here."
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(case_id=proposed_case.pk).update(comment="rewritten")
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(case_id=proposed_case.pk).delete()
    with pytest.raises(TypeError), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["comment"])
    assert case_events(proposed_case, to_state=S.PROPOSED).get().comment == ""
