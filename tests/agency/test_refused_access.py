"""Repeated refusals do not flood the audit log: one event per person and request a while."""

import pytest
from django.urls import reverse

from agency.models import AuditEvent
from tests.factories import ClientFactory


def refusals(**filters):
    return AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_DENIED, **filters)


@pytest.fixture
def foreign_case(other_lead):
    from offboarding import services

    return services.offboarding_open(
        actor=other_lead,
        client=ClientFactory(account_lead=other_lead),
        summary="Scope creep.",
        timing="with_notice",
        no_incident_justification="Nothing written down yet.",
    )


def test_fifty_refused_requests_for_one_case_write_one_event(client, lead, foreign_case):
    client.force_login(lead)
    url = reverse("offboarding:detail", args=[foreign_case.pk])

    for _ in range(50):
        assert client.get(url).status_code == 404

    event = refusals().get()
    assert (event.actor, event.case_id) == (lead, foreign_case.pk)


def test_another_path_is_logged_on_its_own(client, lead, foreign_case):
    client.force_login(lead)
    for _ in range(3):
        client.get(reverse("offboarding:detail", args=[foreign_case.pk]))
        client.get(reverse("clients:detail", args=[foreign_case.client_id]))

    assert refusals().count() == 2
    assert refusals(summary__contains=f"/clients/{foreign_case.client_id}/").count() == 1


def test_another_person_refused_the_same_case_is_logged_too(client, lead, staff, foreign_case):
    url = reverse("offboarding:detail", args=[foreign_case.pk])
    for person in (lead, staff, lead, staff):
        client.force_login(person)
        client.get(url)

    assert set(refusals().values_list("actor", flat=True)) == {lead.pk, staff.pk}
    assert refusals().count() == 2
