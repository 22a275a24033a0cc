"""The offboarding case's own forms fuzzed: the proposal (start and edit), the
manager's decision and cancelling."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib import messages as django_messages
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from clients.models import Client, Incident
from offboarding.models import Offboarding
from tests.factories import ClientFactory, IncidentFactory, RepairAttemptFactory
from tests.fuzz.harness import (
    FUZZ,
    NOT_FOUND,
    OMIT,
    PAGE,
    F,
    Row,
    actor,
    assert_saved,
    at_the_edge,
    case_pages,
    choice_ok,
    client_pages,
    edge_input,
    form_data,
    hostile_choice,
    hostile_id,
    hostile_text,
    last,
    posted,
    posted_ids,
    rolled_back,
    routes,
    some_ids,
    submit,
    text_ok,
    typed_text,
)
from tests.offboarding.conftest import CaseBuilder, refreshed

pytestmark = pytest.mark.django_db


# --- Offboarding: the proposal, the decision, cancelling ---------------------------------------


def proposal_spec(w) -> dict[str, F]:
    return {
        "incidents": F(
            some_ids(w.incident, w.other_incident),
            st.lists(hostile_id(w.withdrawn_incident.pk, w.foreign_incident.pk), max_size=3),
        ),
        "no_incident_justification": F(text_ok(2000, blank=True), hostile_text),
        "repair_attempts": F(
            some_ids(w.repair_attempt),
            st.lists(hostile_id(w.foreign_repair_attempt.pk), max_size=3),
        ),
        "timing": F(choice_ok(Offboarding.Timing.choices), hostile_choice("IMMEDIATELY")),
        "summary": F(text_ok(5000), hostile_text),
        "submit": F(st.sampled_from([OMIT, "1"]), hostile_text),
    }


def fix_proposal(data: dict) -> None:
    if not data["incidents"] and not data["no_incident_justification"]:
        data["no_incident_justification"] = "Nothing was written down; the team agrees."


def proposal_world(people) -> SimpleNamespace:
    acme = ClientFactory(account_lead=people.lead, team=[people.staff])
    globex = ClientFactory(account_lead=people.other_lead)
    return SimpleNamespace(
        cases=CaseBuilder(lead=people.lead, manager=people.manager),
        acme=acme,
        globex=globex,
        incident=IncidentFactory(client=acme),
        other_incident=IncidentFactory(client=acme, category=Incident.Category.ABUSIVE),
        withdrawn_incident=IncidentFactory(client=acme, state=Incident.State.WITHDRAWN),
        repair_attempt=RepairAttemptFactory(client=acme),
        foreign_incident=IncidentFactory(client=globex),
        foreign_repair_attempt=RepairAttemptFactory(client=globex),
    )


def check_proposal_saved(case: Offboarding, data: dict, client: Client) -> None:
    assert case.client == client
    assert_saved(case, data, texts=("summary", "no_incident_justification"))
    assert case.timing == last(data["timing"])
    assert set(case.incidents.values_list("pk", flat=True)) == posted_ids(data, "incidents")
    assert set(case.repair_attempts.values_list("pk", flat=True)) == posted_ids(
        data, "repair_attempts"
    )
    assert not case.incidents.exclude(client=client).exists()
    assert not case.incidents.exclude(state=Incident.State.ACTIVE).exists()
    assert not case.repair_attempts.exclude(client=client).exists()
    expected = Offboarding.Status.PROPOSED if "submit" in posted(data) else Offboarding.Status.DRAFT
    assert case.status == expected


def test_proposal_start(people):
    w = proposal_world(people)
    busy = ClientFactory(account_lead=people.lead, team=[people.staff])
    w.cases.draft(busy)  # already has an open case: the page sends the user to it

    @FUZZ
    @given(
        data=form_data(proposal_spec(w), fix_proposal),
        who=st.sampled_from(["lead", "manager", "staff"]),
        route=routes(own=5, missing=1, foreign_client=1, busy=1),
    )
    def check(data, who, route):
        user, browser = actor(people, "lead" if route == "foreign_client" else who)
        pk = {"own": w.acme.pk, "missing": 10**40, "foreign_client": w.globex.pk, "busy": busy.pk}
        with rolled_back():
            before = set(Offboarding.objects.values_list("pk", flat=True))
            outcome = submit(
                browser,
                reverse("offboarding:start", args=[pk[route]]),
                data,
                pages=client_pages(w.acme),
                allowed={"own": PAGE, "busy": {302}}.get(route, NOT_FOUND),
                right_place=route == "own",
            )
            if outcome.succeeded:
                assert route == "own" and outcome.created(Offboarding) == 1
                case = Offboarding.objects.exclude(pk__in=before).get()
                check_proposal_saved(case, data, w.acme)
                assert case.created_by == user

    check()


def test_proposal_edit(people):
    w = proposal_world(people)
    draft = w.cases.draft(w.acme)
    foreign_draft = w.cases.draft(w.globex)
    proposed = w.cases.proposed(ClientFactory(account_lead=people.lead))

    @FUZZ
    @given(
        data=form_data(proposal_spec(w), fix_proposal),
        who=st.sampled_from(["lead", "manager"]),
        route=routes(own=5, missing=1, foreign_case=1, proposed=1),
    )
    def check(data, who, route):
        user, browser = actor(people, "lead" if route == "foreign_case" else who)
        pk = {"own": draft.pk, "missing": 10**40, "foreign_case": foreign_draft.pk}
        pk["proposed"] = proposed.pk
        with rolled_back():
            outcome = submit(
                browser,
                reverse("offboarding:proposal", args=[pk[route]]),
                data,
                pages=case_pages(draft),
                allowed={"own": PAGE, "proposed": {403}}.get(route, NOT_FOUND),
                rows=[
                    Row(Offboarding, c.pk, ("incidents", "repair_attempts"))
                    for c in (draft, foreign_draft, proposed)
                ],
            )
            if outcome.succeeded:
                assert outcome.created(Offboarding) == 0
                check_proposal_saved(refreshed(draft), data, w.acme)

    check()


def decision_world(people) -> SimpleNamespace:
    cases = CaseBuilder(lead=people.lead, manager=people.manager)
    return SimpleNamespace(
        proposed=cases.proposed(ClientFactory(account_lead=people.lead)),
        approved=cases.approved(ClientFactory(account_lead=people.lead)),
    )


def decision_spec() -> dict[str, F]:
    return {
        "comment": F(text_ok(4000), hostile_text),
        "verdict": F(st.sampled_from(["approve", "reject"]), hostile_choice("Approve", "approve ")),
    }


def post_decision(people, w, data: dict, who: str, route: str) -> None:
    user, browser = actor(people, who)
    pk = {"own": w.proposed.pk, "missing": 10**40, "decided": w.approved.pk}[route]
    allowed = NOT_FOUND if route == "missing" else {403} if who == "lead" else PAGE
    with rolled_back():
        outcome = submit(
            browser,
            reverse("offboarding:decide", args=[pk]),
            data,
            pages=case_pages(w.proposed),
            allowed=allowed,
            rows=[Row(Offboarding, w.proposed.pk), Row(Offboarding, w.approved.pk)],
            right_place=route == "own",
        )
        if outcome.succeeded:
            case = refreshed(w.proposed)
            verdict = last(data["verdict"])
            assert case.status == {"approve": "approved", "reject": "rejected"}[verdict]
            assert case.decision_comment == typed_text(data, "comment")
            assert case.decided_by == user


def test_decision(people):
    w = decision_world(people)

    @FUZZ
    @given(
        data=form_data(decision_spec()),
        who=st.sampled_from(["manager", "manager", "lead"]),
        route=routes(own=5, missing=1, decided=1),
    )
    def check(data, who, route):
        post_decision(people, w, data, who, route)

    check()


def test_cancel(people):
    cases = CaseBuilder(lead=people.lead, manager=people.manager)
    draft = cases.draft(ClientFactory(account_lead=people.lead))
    approved = cases.approved(ClientFactory(account_lead=people.lead))
    foreign = cases.draft(ClientFactory(account_lead=people.other_lead))
    spec = {"reason": F(text_ok(4000), hostile_text)}

    @FUZZ
    @given(
        data=form_data(spec),
        who=st.sampled_from(["lead", "manager"]),
        route=routes(draft=4, approved=2, missing=1, foreign=1),
    )
    def check(data, who, route):
        user, browser = actor(people, "lead" if route == "foreign" else who)
        case = {"draft": draft, "approved": approved, "foreign": foreign}.get(route)
        allowed = {302}
        if route in ("missing", "foreign"):
            allowed = NOT_FOUND
        elif route == "approved" and who == "lead":
            allowed = {403}  # only a manager reverses a decision
        with rolled_back():
            outcome = submit(
                browser,
                reverse("offboarding:cancel", args=[case.pk if case else 10**40]),
                data,
                pages=case_pages(case) if case else (),
                allowed=allowed,
                rows=[Row(Offboarding, c.pk) for c in (draft, approved, foreign)],
                right_place=route == "draft",
            )
            if outcome.succeeded:
                saved = refreshed(case)
                assert saved.status == Offboarding.Status.CANCELLED
                assert saved.close_reason == typed_text(data, "reason")
            elif outcome.status == 302:
                assert any(level == django_messages.ERROR for level, _ in outcome.messages)

    check()


# --- Regressions -------------------------------------------------------------------------------
#
# Each bug the tests above found, now fixed, pinned with its failing input as an explicit
# example so that it cannot come back unnoticed.


def test_deciding_a_case_already_decided_says_why(people):
    w = decision_world(people)

    @FUZZ
    @example(data=edge_input({"comment": "Agreed.", "verdict": "approve"}))
    @given(data=form_data(decision_spec()).map(at_the_edge))
    def check(data):
        post_decision(people, w, data, "manager", "decided")

    check()
