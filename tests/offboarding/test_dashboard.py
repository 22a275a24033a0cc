"""The dashboard shows a manager what awaits a decision and everyone their open cases."""

from django.urls import reverse

from tests.factories import ClientFactory


def dashboard(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def test_manager_sees_proposals_awaiting_a_decision_on_the_dashboard(client, cases, manager, lead):
    proposed = cases.proposed(ClientFactory(name="Globex Awaiting", account_lead=lead))
    body = dashboard(client, manager)
    assert "Awaiting your decision" in body
    assert "Globex Awaiting" in body
    assert reverse("offboarding:decide", args=[proposed.pk]) in body


def test_managers_own_proposal_is_not_on_their_dashboard(client, cases, manager, manager2):
    own = ClientFactory(name="Initech Own Proposal", account_lead=manager)
    cases.proposed(own, actor=manager)
    assert "Initech Own Proposal" not in dashboard(client, manager).split("Open offboardings")[0]
    assert "Initech Own Proposal" in dashboard(client, manager2)


def test_lead_sees_open_cases_of_their_clients_with_the_next_step(
    client, cases, lead, acme, globex
):
    cases.approved(acme)
    cases.approved(globex)
    body = dashboard(client, lead)
    assert "Awaiting your decision" not in body  # not a manager
    assert acme.name in body and "Next: 3. Contract review" in body
    assert globex.name not in body  # another lead's client


def test_dashboard_says_when_nothing_is_open(client, staff):
    body = dashboard(client, staff)
    assert "No offboarding is under way for your clients." in body


def test_an_outsider_sees_no_case_and_no_proposal_on_the_dashboard(
    client, cases, outsider, acme, globex
):
    cases.proposed(acme)
    cases.approved(globex)
    body = dashboard(client, outsider)
    assert acme.name not in body and globex.name not in body
    assert "Awaiting your decision" not in body
    assert "No offboarding is under way for your clients." in body


def test_dashboard_counts_once_what_awaits_a_decision(client, cases, manager, lead):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cases.proposed(ClientFactory(name="Counted Once", account_lead=lead))
    client.force_login(manager)
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(reverse("dashboard")).content.decode()
    proposed_counts = [
        q["sql"]
        for q in ctx.captured_queries
        if "COUNT(" in q["sql"] and "\"status\" = 'proposed'" in q["sql"]
    ]
    assert len(proposed_counts) == 1, proposed_counts
    assert 'text-bg-warning">1</span>' in body
