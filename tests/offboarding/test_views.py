"""Offboarding pages through the test client: who gets in, what they see, what they may change."""

from __future__ import annotations

import datetime as dt
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from agency.models import AuditEvent
from offboarding import services, urls
from offboarding.forms import CallPlanForm
from offboarding.models import CallPlan, Credential, Deliverable, Offboarding
from offboarding.services import room as room_services
from tests.factories import ClientFactory, ContactFactory, ContractFactory

from .conftest import SECRET, case_events, refreshed

S = Offboarding.Status
LOGIN = "login"
ROLES = ("anonymous", "outsider", "other_lead", "staff", "lead", "manager")


def body_of(response) -> str:
    return unescape(response.content.decode())


def as_user(client, request, role: str):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    return client


# --- Who may open each page ------------------------------------------------------------------

READ = {
    "anonymous": LOGIN,
    "outsider": 404,
    "other_lead": 404,
    "staff": 200,
    "lead": 200,
    "manager": 200,
}
STEP = {**READ, "staff": 403}
ACTION = {**READ, "staff": 403, "lead": 302, "manager": 302}
POST_ONLY = {role: 405 for role in ROLES} | {"anonymous": LOGIN}
MANAGERS_ONLY = {role: 403 for role in ROLES} | {"anonymous": LOGIN, "manager": 200}
EVERYONE = {role: 200 for role in ROLES} | {"anonymous": LOGIN}

# url name: {method: {role: expected status}}. Which case a URL works on: see `world_url`.
ROUTES: dict[str, dict[str, dict[str, object]]] = {
    "list": {"GET": EVERYONE},
    "approvals": {"GET": MANAGERS_ONLY},
    "wording_list": {"GET": MANAGERS_ONLY},
    "wording_edit": {"GET": MANAGERS_ONLY, "POST": MANAGERS_ONLY},
    "start": {"GET": READ, "POST": {**ACTION, "staff": 302}},  # the team may propose
    "detail": {"GET": READ},
    "history": {"GET": READ},
    "proposal": {"GET": STEP, "POST": ACTION},
    "submit": {"GET": POST_ONLY, "POST": ACTION},
    "decide": {"GET": READ, "POST": {**ACTION, "lead": 403}},
    # The team's view: the lead sent the proposal, managers are not on the team; the case
    # is past its decision, so staff is sent back to it.
    # The look back waits for the case to close: the running case sends everyone back.
    "look_back": {
        "GET": {**READ, "staff": 302, "lead": 302, "manager": 302},
        "POST": {**READ, "staff": 302, "lead": 302, "manager": 302},
    },
    "team_view": {
        "GET": {**READ, "staff": 302, "lead": 403, "manager": 403},
        "POST": {**READ, "staff": 302, "lead": 403, "manager": 403},
    },
    "cancel": {"GET": POST_ONLY, "POST": {**ACTION, "lead": 403}},  # after approval: managers
    "complete": {"GET": POST_ONLY, "POST": ACTION},
    "review": {"GET": STEP, "POST": ACTION},
    "deliverables": {"GET": STEP, "POST": ACTION},
    "deliverable_edit": {"GET": STEP, "POST": ACTION},
    "deliverables_done": {"GET": POST_ONLY, "POST": ACTION},
    "call": {"GET": STEP, "POST": ACTION},
    "call_script": {"GET": POST_ONLY, "POST": ACTION},
    "call_ics": {"GET": READ},
    "outcome": {"GET": STEP, "POST": ACTION},
    "handover": {"GET": STEP},
    "instructions": {"GET": POST_ONLY, "POST": ACTION},
    "handover_done": {"GET": POST_ONLY, "POST": ACTION},
    "credential_create": {"GET": STEP, "POST": ACTION},
    "credential_edit": {"GET": STEP, "POST": ACTION},
    "credential_delete": {"GET": POST_ONLY, "POST": ACTION},
    "credential_reveal": {"GET": POST_ONLY, "POST": {**READ, "staff": 403}},  # as the handover
    "asset_create": {"GET": STEP, "POST": ACTION},
    "asset_edit": {"GET": STEP, "POST": ACTION},
    "asset_delete": {"GET": POST_ONLY, "POST": ACTION},
    "closeout": {"GET": STEP, "POST": ACTION},
    "documents": {"GET": STEP},
    "handover_export": {"GET": STEP, "POST": ACTION},
    "letter": {"GET": STEP, "POST": ACTION},
    "document_create": {"GET": POST_ONLY, "POST": ACTION},
    "document_download": {"GET": STEP},
    "document_retry": {"GET": POST_ONLY, "POST": ACTION},
    # The handover room, as the lead runs it (the client's pages: test_room.py).
    "room": {"GET": STEP, "POST": {**READ, "staff": 403}},  # a form (here: refused, shown)
    "room_panel": {"GET": STEP},
    "room_revoke": {"GET": POST_ONLY, "POST": ACTION},
    "room_extend": {"GET": POST_ONLY, "POST": ACTION},
    "room_recipient_revoke": {"GET": POST_ONLY, "POST": ACTION},
    "room_recipient_reissue": {"GET": POST_ONLY, "POST": {**READ, "staff": 403}},  # the code
    "room_secrets_destroy": {"GET": POST_ONLY, "POST": ACTION},
    # The close-out ledger (waivers: managers only).
    "ledger_row_create": {"GET": STEP, "POST": ACTION},
    "ledger_row_edit": {"GET": STEP, "POST": ACTION},
    "ledger_row_done": {"GET": POST_ONLY, "POST": ACTION},
    "ledger_row_delete": {"GET": POST_ONLY, "POST": ACTION},
    "ledger_row_waive": {"GET": POST_ONLY, "POST": {**ACTION, "lead": 403}},
    "ledger_fill": {"GET": POST_ONLY, "POST": ACTION},
    "asset_transfer": {"GET": POST_ONLY, "POST": ACTION},
    "asset_waive": {"GET": POST_ONLY, "POST": {**ACTION, "lead": 403}},
    "asset_code_reveal": {"GET": POST_ONLY, "POST": {**READ, "staff": 403}},
}
MATRIX = [
    pytest.param(name, method, role, expected, id=f"{method}-{name}-{role}")
    for name, methods in ROUTES.items()
    for method, by_role in methods.items()
    for role, expected in by_role.items()
]


@pytest.fixture
def world(cases, lead, staff):
    """One client per kind of case the pages need, all led by `lead` with `staff` on the team."""

    def team_client(name):
        return ClientFactory(name=name, account_lead=lead, team=[staff])

    working = cases.in_progress(team_client("Acme Rockets"))
    call = cases.call_plan(working)
    item = services.deliverable_save(actor=lead, case=working, name="Checkout redesign")
    credential = services.credential_save(
        actor=lead, case=working, system="WordPress", username="admin", secret=SECRET
    )
    asset = services.asset_save(actor=lead, case=working, name="acme.example", kind="domain")
    row = services.access_row_save(
        actor=lead, case=working, side="ours", system="Acme CMS", action="remove_user"
    )
    return {
        "row": row,
        "working": working,
        "call": call,
        "deliverable": item,
        "credential": credential,
        "asset": asset,
        "draft": cases.draft(team_client("Initech")),
        "proposed": cases.proposed(team_client("Umbrella")),
        "no_case": team_client("Hooli"),
    }


def world_url(name: str, world, cases) -> str:
    working = world["working"].pk
    if name in ("document_download", "document_retry"):
        world["document"] = cases.export_handover(world["working"])
    if name.startswith("room_recipient"):
        world["recipient"] = open_room(world["working"])
    args = {
        "list": [],
        "approvals": [],
        "wording_list": [],
        "wording_edit": ["script", "hu"],
        "start": [world["no_case"].pk],
        "proposal": [world["draft"].pk],
        "submit": [world["draft"].pk],
        "decide": [world["proposed"].pk],
        "deliverable_edit": [working, world["deliverable"].pk],
        "credential_edit": [working, world["credential"].pk],
        "credential_delete": [working, world["credential"].pk],
        "credential_reveal": [working, world["credential"].pk],
        "asset_edit": [working, world["asset"].pk],
        "asset_delete": [working, world["asset"].pk],
        "document_create": [working, "call_brief"],
        "document_download": [working, world.get("document", world["asset"]).pk],
        "document_retry": [working, world.get("document", world["asset"]).pk],
        "room_recipient_revoke": [working, world.get("recipient", world["asset"]).pk],
        **{
            name: [working, world["row"].pk]
            for name in (
                "ledger_row_edit",
                "ledger_row_done",
                "ledger_row_delete",
                "ledger_row_waive",
            )
        },
        **{
            name: [working, world["asset"].pk]
            for name in ("asset_transfer", "asset_waive", "asset_code_reveal")
        },
        "room_recipient_reissue": [working, world.get("recipient", world["asset"]).pk],
    }.get(name, [working])
    return reverse(f"offboarding:{name}", args=args)


def open_room(case: Offboarding):
    """The case's handover room, open for one recipient."""
    lead = case.client.account_lead
    services.handover_instructions_save(actor=lead, case=case, text="- Change every password")
    services.handover_complete(actor=lead, case=case)
    contact = ContactFactory(client=case.client, receives_handover=True)
    room, _ = room_services.room_open(actor=lead, case=case, contacts=[contact])
    return room.recipients.get()


def world_post_data(name: str, world) -> dict:
    working = world["working"]
    later = timezone.localtime() + dt.timedelta(days=3)
    earlier = timezone.localtime() - dt.timedelta(hours=2)
    proposal = {
        "summary": "They keep asking for unpaid extra work.",
        "timing": Offboarding.Timing.WITH_NOTICE,
        "no_incident_justification": "Discussed by phone only.",
    }
    return {
        "start": proposal,
        "proposal": proposal,
        "decide": {"verdict": "approve", "comment": "Agreed after reading the record."},
        "cancel": {"reason": "The client changed hands."},
        "review": {
            "contract": working.client.contracts.get().pk,
            "basis": "notice",
            "notice_given_on": "2026-06-01",
            "refund_amount": "0",
        },
        "deliverables": {
            "name": "Newsletter template",
            "status": Deliverable.Status.IN_PROGRESS,
            "client_answer": Deliverable.Answer.UNKNOWN,
            "decision": Deliverable.Decision.HAND_OVER,
        },
        "deliverable_edit": {
            "name": "Checkout redesign",
            "status": Deliverable.Status.IN_PROGRESS,
            "client_answer": Deliverable.Answer.NOT_NEEDED,
            "decision": Deliverable.Decision.HAND_OVER,
        },
        "call": {
            "scheduled_at": later.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "30",
            "channel": CallPlan.Channel.PHONE,
            "agency_attendees": [world["working"].client.account_lead.pk],
            "talking_points": "- The decision, said once.",
            "script": "Our own words.",
            "points_written": "on",
            "rehearsed": "on",
            "agreed_internally": "on",
        },
        "outcome": {
            "held": CallPlan.Held.HELD,
            "held_at": earlier.strftime("%Y-%m-%dT%H:%M"),
            "reaction": CallPlan.Reaction.SURPRISED,
        },
        "instructions": {"takeover_instructions": "- Change every password"},
        "room_extend": {"days": "7"},
        "ledger_row_create": {"side": "ours", "system": "Posted", "action": "other"},
        "ledger_row_edit": {"side": "ours", "system": "Posted", "action": "other"},
        "ledger_row_waive": {"reason": "Never had access."},
        "asset_transfer": {"status": "initiated"},
        "asset_waive": {"reason": "Stays with the agency by contract."},
        "credential_create": {"system": "Mailchimp", "username": "acme", "secret": "new-one"},
        "credential_edit": {"system": "WordPress", "username": "admin", "secret": ""},
        "asset_create": {"name": "Ads account", "kind": "ad_account"},
        "asset_edit": {"name": "acme.example", "kind": "domain"},
        "closeout": {"final_invoice_settled": "on"},
        "handover_export": {"passphrase": "", "passphrase_again": ""},
        "letter": {"body": "Dear Rita,\n\nWe confirm the end of our agreement."},
    }.get(name, {})


def test_the_matrix_covers_every_offboarding_url():
    assert set(ROUTES) == {pattern.name for pattern in urls.urlpatterns}


@pytest.mark.parametrize(("name", "method", "role", "expected"), MATRIX)
def test_each_page_answers_each_role_as_the_permissions_say(
    name, method, role, expected, request, client, world, cases
):
    url = world_url(name, world, cases)
    as_user(client, request, role)

    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, world_post_data(name, world))

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
    else:
        assert response.status_code == expected


# --- Lists -----------------------------------------------------------------------------------


def test_the_approvals_page_lists_only_proposals_the_manager_may_decide(
    client, cases, lead, manager, manager2
):
    cases.proposed(ClientFactory(name="Proposed By Lead", account_lead=lead))
    cases.proposed(ClientFactory(name="Proposed By Mara", account_lead=lead), actor=manager)
    cases.draft(ClientFactory(name="Still A Draft", account_lead=lead))
    cases.approved(ClientFactory(name="Already Approved", account_lead=lead))
    cases.rejected(ClientFactory(name="Already Rejected", account_lead=lead))

    client.force_login(manager)
    page = body_of(client.get(reverse("offboarding:approvals")))
    assert "Proposed By Lead" in page
    for name in ("Proposed By Mara", "Still A Draft", "Already Approved", "Already Rejected"):
        assert name not in page

    client.force_login(manager2)
    page = body_of(client.get(reverse("offboarding:approvals")))
    assert "Proposed By Lead" in page
    assert "Proposed By Mara" in page


@pytest.mark.parametrize("role", ["staff", "lead"])
def test_staff_and_leads_cannot_open_the_approvals_page(role, request, client, proposed_case):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("offboarding:approvals")).status_code == 403


def test_the_offboardings_list_shows_only_visible_clients_cases(
    client, cases, acme, globex, lead, staff, other_lead, outsider, manager
):
    cases.draft(acme)
    cases.draft(globex)
    url = reverse("offboarding:list")

    for person, visible, hidden in (
        (lead, ["Acme Rockets"], ["Globex Corporation"]),
        (staff, ["Acme Rockets"], ["Globex Corporation"]),
        (other_lead, ["Globex Corporation"], ["Acme Rockets"]),
        (outsider, [], ["Acme Rockets", "Globex Corporation"]),
        (manager, ["Acme Rockets", "Globex Corporation"], []),
    ):
        client.force_login(person)
        page = body_of(client.get(url))
        for name in visible:
            assert name in page, f"{person} should see {name}"
        for name in hidden:
            assert name not in page, f"{person} must not see {name}"


def test_closed_cases_are_listed_apart_and_only_for_the_team(client, cases, acme, globex, lead):
    cases.rejected(acme)
    cases.rejected(globex)
    client.force_login(lead)

    open_page = body_of(client.get(reverse("offboarding:list")))
    closed_page = body_of(client.get(reverse("offboarding:list") + "?show=closed"))

    assert "Acme Rockets" not in open_page
    assert "Acme Rockets" in closed_page
    assert "Globex Corporation" not in closed_page


def test_team_staff_proposes_through_the_page_and_the_managers_are_told(
    client, acme, staff, manager, manager2, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("offboarding:start", args=[acme.pk]),
            {
                "summary": "ZQX-INTERNAL-7733 they insult the designers on every call",
                "timing": Offboarding.Timing.IMMEDIATELY,
                "no_incident_justification": "Calls are not recorded.",
                "submit": "1",
            },
            follow=True,
        )

    case = Offboarding.objects.get(client=acme)
    assert response.redirect_chain[-1][0] == reverse("offboarding:detail", args=[case.pk])
    assert "Proposal submitted: the managers have been told." in body_of(response)
    assert (case.status, case.created_by, case.proposed_by) == (S.PROPOSED, staff, staff)
    decision_mail = [m for m in mailoutbox if "#team-view" not in m.body]  # not the team's
    assert len(decision_mail) == 1
    assert sorted(decision_mail[0].to) == sorted([manager.email, manager2.email])
    assert all("ZQX-INTERNAL-7733" not in m.body for m in mailoutbox)


def test_a_proposal_without_incident_or_justification_is_refused_on_the_page(client, acme, lead):
    client.force_login(lead)
    response = client.post(
        reverse("offboarding:start", args=[acme.pk]),
        {"summary": "Enough.", "timing": Offboarding.Timing.WITH_NOTICE, "submit": "1"},
    )
    assert response.status_code == 200
    assert "Link at least one incident, or explain why there is none on record." in body_of(
        response
    )
    assert not Offboarding.objects.filter(client=acme).exists()


def test_proposing_again_leads_to_the_open_case(client, draft_case, acme, staff):
    client.force_login(staff)
    response = client.get(reverse("offboarding:start", args=[acme.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("offboarding:detail", args=[draft_case.pk])
    assert "Acme Rockets already has an open offboarding case." in body_of(response)


# --- The decision page -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ["staff", "lead"])
def test_staff_and_leads_cannot_decide_through_the_page(role, request, client, proposed_case):
    client.force_login(request.getfixturevalue(role))
    url = reverse("offboarding:decide", args=[proposed_case.pk])

    page = client.get(url)
    response = client.post(url, {"verdict": "approve", "comment": "Go ahead."})

    assert page.status_code == 200
    assert 'value="approve"' not in page.content.decode()
    assert response.status_code == 403
    assert refreshed(proposed_case).status == S.PROPOSED


def test_a_manager_approves_with_a_comment_through_the_page(client, proposed_case, manager):
    client.force_login(manager)
    response = client.post(
        reverse("offboarding:decide", args=[proposed_case.pk]),
        {"verdict": "approve", "comment": "The record is clear."},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("offboarding:detail", args=[proposed_case.pk])
    assert "Offboarding approved" in body_of(response)
    case = refreshed(proposed_case)
    assert (case.status, case.decided_by, case.decision_comment) == (
        S.APPROVED,
        manager,
        "The record is clear.",
    )


def test_a_decision_without_a_comment_is_refused_on_the_page(client, proposed_case, manager):
    client.force_login(manager)
    response = client.post(
        reverse("offboarding:decide", args=[proposed_case.pk]), {"verdict": "reject", "comment": ""}
    )
    assert response.status_code == 200
    assert "A decision needs a comment; nothing was decided." in body_of(response)
    assert refreshed(proposed_case).status == S.PROPOSED


def test_a_manager_cannot_approve_their_own_proposal_on_the_page(client, cases, acme, manager):
    case = cases.proposed(acme, actor=manager)
    client.force_login(manager)
    url = reverse("offboarding:decide", args=[case.pk])

    page = body_of(client.get(url))
    response = client.post(url, {"verdict": "approve", "comment": "Fine by me."})

    assert "another manager decides on it" in page
    assert 'value="approve"' not in page
    assert response.status_code == 200
    assert "another manager decides on it" in body_of(response)
    assert refreshed(case).status == S.PROPOSED


# --- Steps through the pages -----------------------------------------------------------------


def test_a_step_page_of_an_undecided_case_sends_the_lead_back_to_the_case(
    client, proposed_case, lead
):
    client.force_login(lead)
    response = client.get(reverse("offboarding:review", args=[proposed_case.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("offboarding:detail", args=[proposed_case.pk])
    assert "The steps open once a manager has approved the decision." in body_of(response)


def test_the_review_page_warns_when_the_notice_period_is_cut_short(
    client, approved_case, acme, lead
):
    contract = ContractFactory(client=acme, end_date=dt.date(2026, 12, 31), notice_days=30)
    client.force_login(lead)
    url = reverse("offboarding:review", args=[approved_case.pk])

    response = client.post(
        url,
        {
            "contract": contract.pk,
            "basis": "immediate",
            "notice_given_on": "2026-06-01",
            "refund_amount": "1200.00",
        },
        follow=True,
    )

    assert response.status_code == 200
    review = refreshed(approved_case).review
    assert review.breaks_notice is True
    assert review.immediate_on == dt.date(2026, 6, 1)
    page = body_of(response)
    assert "Effective end date: 1 Jun 2026" in page.replace("<strong>", "").replace("</strong>", "")
    assert review.warning in page
    assert "gives 0 days' notice; the contract requires 30" in page


def test_email_posted_for_the_call_is_refused(client, working_case, lead):
    client.force_login(lead)
    response = client.post(
        reverse("offboarding:call", args=[working_case.pk]),
        {
            "scheduled_at": "2026-12-03T10:00",
            "duration_minutes": "30",
            "channel": CallPlan.Channel.EMAIL,
            "agency_attendees": [lead.pk],
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in body_of(response)
    assert not CallPlan.objects.filter(case=working_case).exists()


def test_the_call_form_does_not_take_email(working_case, lead):
    form = CallPlanForm(
        data={
            "scheduled_at": "2026-12-03T10:00",
            "duration_minutes": "30",
            "channel": CallPlan.Channel.EMAIL,
            "agency_attendees": [lead.pk],
        },
        case=working_case,
    )
    assert not form.is_valid()
    assert "Select a valid choice" in form.errors["channel"][0]


def test_a_refused_completion_tells_the_lead_what_is_left(client, working_case, lead):
    client.force_login(lead)
    response = client.post(reverse("offboarding:complete", args=[working_case.pk]), follow=True)
    assert "Still to do before completing: Deliverables" in body_of(response)
    assert refreshed(working_case).status == S.IN_PROGRESS


def test_the_lead_completes_a_ready_case_through_the_page(client, ready_case, lead):
    client.force_login(lead)
    response = client.post(reverse("offboarding:complete", args=[ready_case.pk]), follow=True)
    assert "Acme Rockets is now offboarded" in body_of(response)
    assert refreshed(ready_case).status == S.COMPLETED


def test_a_manager_cancels_an_approved_case_with_a_reason(client, approved_case, manager):
    client.force_login(manager)
    url = reverse("offboarding:cancel", args=[approved_case.pk])

    refused = client.post(url, {"reason": ""}, follow=True)
    assert "Say why the offboarding is cancelled" in body_of(refused)
    assert refreshed(approved_case).status == S.APPROVED

    client.post(url, {"reason": "The client was acquired."})
    assert refreshed(approved_case).status == S.CANCELLED


# --- Credentials -----------------------------------------------------------------------------


@pytest.fixture
def credential(working_case, lead) -> Credential:
    return services.credential_save(
        actor=lead,
        case=working_case,
        system="WordPress",
        username="admin",
        secret=SECRET,
        recovery_note="Backup codes in the client's vault",
    )


def reveal_url(credential: Credential) -> str:
    return reverse("offboarding:credential_reveal", args=[credential.case_id, credential.pk])


def test_the_credential_form_never_sends_the_stored_secret(client, credential, lead, manager):
    for person in (lead, manager):
        client.force_login(person)
        response = client.get(
            reverse("offboarding:credential_edit", args=[credential.case_id, credential.pk])
        )
        assert response.status_code == 200
        page = response.content.decode()
        assert "admin" in page
        assert SECRET not in page
        assert SECRET not in unescape(page)


def test_editing_a_credential_with_an_empty_secret_keeps_it(client, credential, lead):
    client.force_login(lead)
    response = client.post(
        reverse("offboarding:credential_edit", args=[credential.case_id, credential.pk]),
        {"system": "WordPress (main site)", "username": "admin", "secret": ""},
    )
    assert response.status_code == 302
    credential = Credential.objects.get(pk=credential.pk)
    assert credential.system == "WordPress (main site)"
    assert credential.secret == SECRET


def test_a_new_credential_needs_a_secret(client, working_case, lead):
    client.force_login(lead)
    response = client.post(
        reverse("offboarding:credential_create", args=[working_case.pk]),
        {"system": "Mailchimp", "username": "acme", "secret": ""},
    )
    assert response.status_code == 200
    assert "Enter the secret to hand over." in body_of(response)
    assert not working_case.credentials.filter(system="Mailchimp").exists()


def test_staff_cannot_reveal_a_secret_as_they_cannot_open_the_handover(
    client, credential, working_case, staff
):
    client.force_login(staff)
    assert client.get(reverse("offboarding:handover", args=[working_case.pk])).status_code == 403
    response = client.post(reveal_url(credential))
    assert response.status_code == 403
    assert SECRET not in response.content.decode()
    assert not case_events(working_case, action=AuditEvent.Action.REVEAL).exists()


def test_staff_see_the_steps_without_links_to_pages_they_cannot_open(client, working_case, staff):
    client.force_login(staff)
    page = body_of(client.get(reverse("offboarding:detail", args=[working_case.pk])))
    for name in ("review", "deliverables", "call", "outcome", "handover", "closeout"):
        assert reverse(f"offboarding:{name}", args=[working_case.pk]) not in page
    assert "Contract review" in page


@pytest.mark.parametrize("role", ["lead", "manager"])
def test_the_lead_and_managers_reveal_a_secret_by_post_and_it_is_audited(
    role, request, client, credential, working_case
):
    person = request.getfixturevalue(role)
    client.force_login(person)

    response = client.post(reveal_url(credential))

    assert response.status_code == 200
    assert SECRET in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    event = case_events(working_case, action=AuditEvent.Action.REVEAL).get()
    assert event.actor == person
    assert event.object_id == credential.pk
    assert event.ip_address == "127.0.0.1"


def test_revealing_through_htmx_answers_only_the_secret_fragment(client, credential, lead):
    client.force_login(lead)
    response = client.post(reveal_url(credential), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert SECRET in html
    assert "Backup codes in the client&#x27;s vault" in html  # revealed with the secret
    assert "<html" not in html
    assert "no-store" in response["Cache-Control"]


def test_the_handover_page_hides_recovery_notes_until_revealed(client, credential, lead):
    client.force_login(lead)
    page = client.get(reverse("offboarding:handover", args=[credential.case_id])).content.decode()
    assert "Backup codes" not in page
    assert "Shown on reveal" in page


@pytest.mark.parametrize("role", ["outsider", "other_lead"])
def test_people_off_the_team_cannot_reveal(role, request, client, credential, working_case):
    client.force_login(request.getfixturevalue(role))
    response = client.post(reveal_url(credential))
    assert response.status_code == 404
    assert SECRET not in response.content.decode()
    assert not case_events(working_case, action=AuditEvent.Action.REVEAL).exists()


def test_a_secret_cannot_be_revealed_by_get(client, credential, working_case, lead):
    client.force_login(lead)
    response = client.get(reveal_url(credential))
    assert response.status_code == 405
    assert SECRET not in response.content.decode()
    assert not case_events(working_case, action=AuditEvent.Action.REVEAL).exists()


def test_a_credential_cannot_be_revealed_through_another_case(client, cases, credential, lead):
    other_case = cases.in_progress(ClientFactory(name="Initech", account_lead=lead))
    client.force_login(lead)
    response = client.post(
        reverse("offboarding:credential_reveal", args=[other_case.pk, credential.pk])
    )
    assert response.status_code == 404
    assert SECRET not in response.content.decode()


def test_the_handover_page_never_shows_the_plain_secret(client, credential, lead):
    client.force_login(lead)
    response = client.get(reverse("offboarding:handover", args=[credential.case_id]))
    assert response.status_code == 200
    page = body_of(response)
    assert "WordPress" in page
    assert SECRET not in page
    assert "no-store" in response["Cache-Control"]


# --- The audit trail on the case page --------------------------------------------------------


def test_the_case_page_shows_the_audit_trail(client, cases, acme, lead, manager, staff):
    case = cases.ready(acme)
    services.credential_reveal(
        actor=lead, credential=Credential.objects.get(case=case, system="Google Ads")
    )
    client.force_login(staff)

    page = body_of(client.get(reverse("offboarding:detail", args=[case.pk])))

    for line in (
        "Offboarding proposal drafted",
        "Offboarding submitted for approval",
        "Offboarding approved",
        "Agreed: the record is clear.",
        "(Awaiting decision → Approved)",
        "Offboarding started",
        "Contract review done",
        "Deliverables settled",
        "Call held",
        "Handover contents complete",
        "Access closed: Google Ads (Rotate the shared password)",
        "Close-out: final invoice settled or refund paid",
        "Secret revealed: Google Ads (ads@acme.example)",
        manager.display_name,
        lead.display_name,
    ):
        assert line in page, line
    assert SECRET not in page


def test_the_case_page_shows_a_rejection_with_its_reason(client, cases, acme, lead):
    case = cases.rejected(acme)
    client.force_login(lead)
    page = body_of(client.get(reverse("offboarding:detail", args=[case.pk])))
    assert "Rejected" in page
    assert "Try a new agreement at renewal first." in page
    assert "(Awaiting decision → Rejected)" in page


def test_a_late_reveal_is_on_the_trail_of_a_completed_case(client, cases, acme, lead):
    case = cases.completed(acme)
    credential = Credential.objects.get(case=case)
    client.force_login(lead)

    assert client.post(reveal_url(credential)).status_code == 200

    page = body_of(client.get(reverse("offboarding:detail", args=[case.pk])))
    assert "Secret revealed: Google Ads" in page


def test_case_page_shows_the_latest_events_and_links_to_the_whole_audit_trail(
    client, lead, working_case
):
    from agency.services import audit_record

    for n in range(60):
        audit_record(
            actor=lead,
            action=AuditEvent.Action.UPDATED,
            summary=f"Routine note {n:02d}",
            client_id=working_case.client_id,
            case_id=working_case.pk,
        )
    total = AuditEvent.objects.filter(case_id=working_case.pk).count()
    client.force_login(lead)

    page = unescape(client.get(reverse("offboarding:detail", args=[working_case.pk])).text)
    assert "Routine note 59" in page and "Routine note 40" in page  # the latest 20
    assert "Routine note 39" not in page
    history_url = reverse("offboarding:history", args=[working_case.pk])
    assert f'href="{history_url}"' in page

    first = unescape(client.get(history_url).text)
    assert f"newest first ({total} events)" in first
    assert "Routine note 59" in first and "Routine note 10" in first  # 50 a page
    assert "Routine note 09" not in first
    assert f"Page 1 of {(total + 49) // 50}" in first
    second = unescape(client.get(history_url, {"page": 2}).text)
    assert "Routine note 09" in second and "Routine note 00" in second
    assert "Routine note 10" not in second


def test_case_page_without_more_events_has_no_audit_trail_link(client, lead, working_case):
    client.force_login(lead)
    page = client.get(reverse("offboarding:detail", args=[working_case.pk])).text
    assert reverse("offboarding:history", args=[working_case.pk]) not in page


@pytest.mark.parametrize(
    ("category", "warned"),
    [("abusive", False), ("unethical", False), ("scope_creep", True), (None, True)],
)
def test_decision_page_warns_of_an_immediate_end_without_abuse_or_unethical_grounds(
    client, cases, acme, manager, category, warned
):
    from tests.factories import IncidentFactory

    fields = (
        {"incidents": [IncidentFactory(client=acme, category=category)]}
        if category
        else {"no_incident_justification": "Said on a call."}
    )
    case = cases.proposed(acme, timing=Offboarding.Timing.IMMEDIATELY, **fields)
    client.force_login(manager)

    page = unescape(client.get(reverse("offboarding:decide", args=[case.pk])).text)

    assert ("An immediate end, but no abuse or unethical request is linked." in page) == warned


def test_decision_page_does_not_warn_when_the_end_keeps_the_notice(client, cases, acme, manager):
    case = cases.proposed(acme, timing=Offboarding.Timing.WITH_NOTICE)
    client.force_login(manager)
    page = unescape(client.get(reverse("offboarding:decide", args=[case.pk])).text)
    assert "An immediate end" not in page


# --- A stored secret never goes back to the browser ----------------------------------------

RECOVERY = "ZQX-RECOVERY-5521 backup codes 1111-2222"


def test_the_credential_edit_page_never_shows_the_recovery_note(client, working_case, lead):
    credential = services.credential_save(
        actor=lead,
        case=working_case,
        system="Registrar",
        username="ops",
        secret="ZQX-SECRET-1",
        recovery_note=RECOVERY,
    )
    client.force_login(lead)
    url = reverse("offboarding:credential_edit", args=[working_case.pk, credential.pk])

    response = client.get(url)

    assert RECOVERY not in body_of(response)
    assert "ZQX-SECRET-1" not in body_of(response)
    assert "no-store" in response["Cache-Control"]
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.REVEAL).exists()

    data = {"system": "Registrar", "url": "", "username": "ops", "secret": "", "notes": ""}
    client.post(url, {**data, "recovery_note": ""})
    assert Credential.objects.get(pk=credential.pk).recovery_note == RECOVERY  # kept
    client.post(url, {**data, "recovery_note": "", "remove_recovery_note": "on"})
    assert Credential.objects.get(pk=credential.pk).recovery_note == ""
    assert Credential.objects.get(pk=credential.pk).secret == "ZQX-SECRET-1"


def test_a_new_credential_marks_its_secret_required(client, working_case, lead):
    client.force_login(lead)
    page = body_of(client.get(reverse("offboarding:credential_create", args=[working_case.pk])))
    assert 'name="secret"' in page
    secret_input = (
        page.split('name="secret"')[0].rsplit("<input", 1)[1]
        + page.split('name="secret"')[1].split(">")[0]
    )
    assert "required" in secret_input


def test_a_rejected_credential_form_keeps_what_was_typed_but_the_secret(client, working_case, lead):
    client.force_login(lead)
    response = client.post(
        reverse("offboarding:credential_create", args=[working_case.pk]),
        {
            "system": "Registrar",
            "username": "",
            "secret": "typed-secret",
            "recovery_note": "PIN 44",
        },
    )
    page = body_of(response)
    assert response.status_code == 200
    assert "Registrar" in page and "PIN 44" in page
    assert "typed-secret" not in page  # a password is never sent back, even one just typed
