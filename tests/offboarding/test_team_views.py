"""The team's voice: those who work on the account give their view on a proposal before
the decision; the decision page shows it beside the evidence and does not wait for it."""

from __future__ import annotations

import pytest
from django.test import Client as Browser
from django.urls import reverse

from agency.errors import Refused
from offboarding import services
from offboarding.models import TeamView
from tests.factories import UserFactory

from .conftest import refreshed


@pytest.fixture
def crowded(acme, staff):
    """Acme's team: staff (English) and a Dutch colleague."""
    dutch = UserFactory(username="daan", first_name="Daan", role="staff", language="nl")
    acme.team.add(dutch)
    return dutch


@pytest.mark.django_db
def test_sending_a_proposal_asks_the_team_but_not_its_sender_each_in_their_language(
    cases, acme, lead, staff, crowded, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = cases.proposed(acme)  # sent by the lead
    asked = [m for m in mailoutbox if "Your view" in m.subject or "Jouw mening" in m.subject]
    recipients = sorted(address for m in asked for address in m.to)
    assert recipients == sorted([staff.email, crowded.email])
    assert lead.email not in recipients
    dutch = next(m for m in asked if crowded.email in m.to)
    assert "Your view" not in dutch.subject  # in Daan's Dutch
    assert reverse("offboarding:detail", args=[case.pk]) in dutch.body


@pytest.mark.django_db
def test_a_member_gives_a_view_changes_it_until_the_decision(proposed_case, staff, manager):
    services.team_view_save(actor=staff, case=proposed_case, verdict="disagree", comment="No.")
    services.team_view_save(
        actor=staff, case=proposed_case, verdict="unsure", comment="Try once more."
    )
    view = TeamView.objects.get()
    assert (view.verdict, view.comment) == ("unsure", "Try once more.")
    # The decision does not wait, and closes the views.
    services.offboarding_approve(actor=manager, case=proposed_case, comment="Agreed.")
    with pytest.raises(Refused, match="awaits its decision"):
        services.team_view_save(actor=staff, case=refreshed(proposed_case), verdict="agree")


@pytest.mark.django_db
def test_the_sender_managers_and_outsiders_give_no_view(proposed_case, lead, manager, outsider):
    for person in (lead, manager, outsider):  # the lead sent it
        with pytest.raises(Refused):
            services.team_view_save(actor=person, case=proposed_case, verdict="agree")


@pytest.mark.django_db
def test_the_decision_page_shows_the_views_beside_the_evidence(proposed_case, staff, manager):
    browser = Browser()
    browser.force_login(staff)
    url = reverse("offboarding:team_view", args=[proposed_case.pk])
    rejected = browser.post(url, {"comment": "Kept comment"})  # no verdict chosen
    assert rejected.status_code == 200 and "Kept comment" in rejected.content.decode()
    assert browser.post(url, {"verdict": "disagree", "comment": "One more try."}).status_code == 302
    manager_browser = Browser()
    manager_browser.force_login(manager)
    page = manager_browser.get(reverse("offboarding:decide", args=[proposed_case.pk]))
    text = page.content.decode()
    assert "The team&#x27;s voice" in text or "The team's voice" in text
    assert "Disagree" in text and "One more try." in text and staff.display_name in text
