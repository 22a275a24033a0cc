"""The same POST sent twice (double click, resent request) creates one record."""

import threading

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.urls import reverse

from clients.models import Incident
from tests.factories import ClientFactory

FORM = {
    "occurred_on": "2026-10-01",
    "category": "scope_creep",
    "severity": "2",
    "title": "Extra pages without a change request",
    "description": "Asked for three more landing pages on the weekly call.",
    "form_once": "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4",
}


def test_double_submission_creates_one_incident(client, lead):
    acme = ClientFactory(account_lead=lead)
    client.force_login(lead)
    url = reverse("clients:incident_create", args=[acme.pk])
    first = client.post(url, FORM)
    second = client.post(url, FORM)
    assert Incident.objects.filter(client=acme).count() == 1
    incident = Incident.objects.get(client=acme)
    detail = reverse("clients:incident", args=[acme.pk, incident.pk])
    assert first["Location"] == detail
    assert second.status_code == 302 and second["Location"] == detail
    followed = client.get(detail)
    assert "already sent" in followed.content.decode()


def test_a_refused_form_can_be_sent_again_with_the_same_token(client, lead):
    acme = ClientFactory(account_lead=lead)
    client.force_login(lead)
    url = reverse("clients:incident_create", args=[acme.pk])
    refused = client.post(url, {**FORM, "occurred_on": "2999-01-01"})
    assert refused.status_code == 200
    assert client.post(url, FORM).status_code == 302
    assert Incident.objects.filter(client=acme).count() == 1


@pytest.mark.django_db(transaction=True)
def test_simultaneous_double_submission_creates_one_incident(require_postgres, lead, password):
    acme = ClientFactory(account_lead=lead)
    url = reverse("clients:incident_create", args=[acme.pk])
    barrier = threading.Barrier(5)
    statuses = []

    def send():
        browser = HttpClient()
        browser.force_login(lead)
        barrier.wait()
        try:
            statuses.append(browser.post(url, FORM).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [302] * 5
    assert Incident.objects.filter(client=acme).count() == 1
