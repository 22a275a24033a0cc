"""One refusal error and rules stated once: a view and a service refuse in the same words."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from agency.errors import Refused
from agency.rules import Rule
from clients import permissions as client_permissions
from clients import services as client_services
from offboarding import permissions, services


def test_a_rule_refuses_with_its_own_words():
    rule = Rule(lambda user: user == "manager", "Only managers do this.")

    assert rule.test("manager")
    assert not rule.test("staff")
    rule.check("manager")
    with pytest.raises(Refused) as refused:
        rule.check("staff")
    assert refused.value.message == "Only managers do this."


def test_a_refusal_left_uncaught_by_a_view_answers_403():
    assert issubclass(Refused, PermissionDenied)


@pytest.mark.django_db
def test_view_and_service_refuse_completion_in_the_same_words(client, cases, acme, staff):
    case = cases.in_progress(acme)
    client.force_login(staff)

    response = client.post(reverse("offboarding:complete", args=[case.pk]))

    assert response.status_code == 403
    with pytest.raises(Refused) as refused:
        services.offboarding_complete(actor=staff, case=case)
    assert refused.value.message == permissions.COMPLETE.refusal


@pytest.mark.django_db
def test_view_and_service_refuse_a_contract_edit_in_the_same_words(client, acme, staff):
    client.force_login(staff)

    response = client.get(reverse("clients:contract_create", args=[acme.pk]))

    assert response.status_code == 403
    with pytest.raises(Refused) as refused:
        client_services.contract_save(actor=staff, client=acme, title="Retainer")
    assert refused.value.message == client_permissions.EDIT_CONTRACTS.refusal


# --- Every create action carries the one-time token ----------------------------------------

TOKEN = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"


@pytest.mark.django_db
def test_evidence_sent_twice_is_attached_once(client, acme, lead):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from clients.models import Evidence
    from tests.factories import IncidentFactory
    from tests.files import png_bytes

    incident = IncidentFactory(client=acme)
    client.force_login(lead)
    url = reverse("clients:evidence_add", args=[acme.pk, incident.pk])
    page = client.get(reverse("clients:incident", args=[acme.pk, incident.pk])).text
    assert 'name="form_once"' in page.split(url)[1].split("</form>")[0]

    for _ in range(2):
        upload = SimpleUploadedFile("shot.png", png_bytes(), content_type="image/png")
        response = client.post(url, {"files": upload, "form_once": TOKEN})
        assert response.status_code == 302
    assert Evidence.objects.filter(incident=incident).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["call_brief", "dossier"])
def test_a_document_requested_twice_is_made_once(client, cases, acme, lead, kind):
    from offboarding.models import Document

    case = cases.in_progress(acme)
    cases.call_plan(case)
    client.force_login(lead)
    url = reverse("offboarding:document_create", args=[case.pk, kind])
    page = client.get(reverse("offboarding:detail", args=[case.pk])).text
    assert 'name="form_once"' in page.split(url)[1].split("</form>")[0]

    for _ in range(2):
        assert client.post(url, {"form_once": TOKEN}).status_code == 302
    assert Document.objects.filter(case=case, kind=kind).count() == 1
