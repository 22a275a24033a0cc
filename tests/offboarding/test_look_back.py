"""The look back on a closed case: the early signs, the first incident's timing, what we
would do differently; internal, in the dossier."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client as Browser
from django.urls import reverse
from pypdf import PdfReader

from agency.errors import Refused
from offboarding import pipeline, services
from offboarding.models import Document, Retrospective
from tests.factories import IncidentFactory


@pytest.mark.django_db
def test_the_team_looks_back_on_a_completed_case_and_the_dossier_keeps_it(cases, acme, staff):
    acme.start_date = dt.date(2025, 1, 1)
    acme.save(update_fields=["start_date"])
    case = cases.completed(acme)
    IncidentFactory(client=acme, occurred_on=dt.date(2025, 2, 15))
    browser = Browser()
    browser.force_login(staff)  # on the team
    url = reverse("offboarding:look_back", args=[case.pk])
    page = browser.get(url).content.decode()
    assert "The first incident came 45 days after the work started." in page
    response = browser.post(
        url,
        {
            "early_signs": ["haggling", "payment_terms"],
            "other_signs": "",
            "do_differently": "Ask for a deposit.",
        },
    )
    assert response.status_code == 302
    look = Retrospective.objects.get(case=case)
    assert look.early_signs == ["haggling", "payment_terms"] and look.updated_by == staff
    assert (
        "Haggled over the first quote"
        in browser.get(reverse("offboarding:detail", args=[case.pk])).content.decode()
    )
    lead = acme.account_lead
    document = services.document_request(actor=lead, case=case, kind=Document.Kind.DOSSIER)
    document = pipeline.document_render(document_id=document.pk)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(document.read_pdf())).pages)
    assert "Look back" in text and "Ask for a deposit." in text


@pytest.mark.django_db
def test_no_look_back_before_the_case_closes_nor_by_outsiders(
    working_case, cases, globex, other_lead, lead, outsider
):
    with pytest.raises(Refused, match="completed or cancelled"):
        services.retrospective_save(actor=lead, case=working_case, early_signs=[])
    cancelled = cases.cancelled(globex)
    lead = other_lead  # Globex's lead looks back on Globex's case
    with pytest.raises(Refused):
        services.retrospective_save(actor=outsider, case=cancelled, early_signs=["haggling"])
    look = services.retrospective_save(
        actor=lead, case=cancelled, early_signs=["haggling", "not-a-sign"]
    )
    assert look.early_signs == ["haggling"]  # only the fixed list is kept
