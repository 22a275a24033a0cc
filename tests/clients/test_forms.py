"""The client forms as a person reads and fills them: labels, what is asked and when."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

from agency.models import User
from clients.forms import (
    ClientForm,
    ContactForm,
    ContractForm,
    IncidentForm,
    InvoiceForm,
    RepairAttemptForm,
)
from clients.models import Client, Contract
from tests.factories import ClientFactory, ContractFactory, UserFactory

pytestmark = pytest.mark.django_db


def labels(form) -> dict[str, str]:
    return {name: str(form[name].label) for name in form.fields}


def contract_data(**overrides) -> dict[str, str]:
    data = {
        "title": "Retainer",
        "start_date": "2025-01-01",
        "end_date": "2025-12-31",
        "notice_days": "30",
        "payment_terms_days": "30",
        "monthly_fee": "1000.00",
        "deposit_amount": "0.00",
    }
    data.update(overrides)
    return data


def test_contract_labels_say_the_unit_in_words():
    assert labels(ContractForm()) == {
        "title": "Title",
        "reference": "Reference",
        "start_date": "Start date",
        "end_date": "End date",
        "auto_renews": "Renews automatically",
        "renewal_months": "Renewal period (months)",
        "notice_days": "Notice period (days)",
        "termination_clause_ref": "Termination clause",
        "termination_clause_text": "Wording of the termination clause",
        "payment_terms_days": "Payment terms (days)",
        "monthly_fee": "Monthly fee",
        "deposit_amount": "Deposit or prepaid amount",
        "is_current": "This is the current contract",
        "signed_upload": "Signed contract (PDF)",
    }


def test_invoice_incident_repair_and_contact_labels_read_as_words():
    client = ClientFactory()
    assert labels(InvoiceForm(client=client)) == {
        "number": "Invoice number",
        "contract": "Contract",
        "issued_on": "Issue date",
        "due_on": "Due date",
        "amount": "Amount",
        "paid_on": "Payment date",
        "paid_amount": "Amount paid",
    }
    assert labels(RepairAttemptForm()) == {
        "kind": "What was tried",
        "tried_on": "Date tried",
        "description": "Description",
        "outcome": "Outcome",
    }
    assert labels(ContactForm())["receives_handover"] == "Receives the handover"
    assert labels(IncidentForm(with_files=False))["occurred_on"] == "Date it happened"


def test_a_contract_that_does_not_renew_needs_no_renewal_period():
    form = ContractForm(contract_data(renewal_months=""))

    assert not form.fields["renewal_months"].required
    assert form.is_valid(), form.errors
    # The stored period keeps its default; it is read only for renewing contracts.
    assert form.cleaned_data["renewal_months"] == Contract._meta.get_field("renewal_months").default


def test_editing_a_contract_without_renewal_keeps_its_stored_period():
    contract = ContractFactory(renewal_months=6)

    form = ContractForm(contract_data(renewal_months=""), instance=contract)

    assert form.is_valid(), form.errors
    assert form.cleaned_data["renewal_months"] == 6


def test_a_renewing_contract_must_say_how_long_each_renewal_lasts():
    form = ContractForm(contract_data(auto_renews="on", renewal_months=""))

    assert not form.is_valid()
    assert form.errors["renewal_months"] == [
        "A contract that renews automatically needs the length of each renewal, in months."
    ]


def test_a_renewing_contract_with_its_period_is_accepted():
    form = ContractForm(contract_data(auto_renews="on", renewal_months="12"))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["renewal_months"] == 12


# --- The team picker -----------------------------------------------------------------------


def team_options(page: str) -> list[str]:
    select = re.search(r'<select[^>]*name="team".*?</select>', page, re.S).group(0)
    return [unescape(label) for label in re.findall(r"<option[^>]*>([^<]*)</option>", select)]


def person(first: str, last: str, role=User.Role.STAFF, **kw) -> User:
    return UserFactory(username=first.lower(), first_name=first, last_name=last, role=role, **kw)


@pytest.fixture
def people():
    return [
        person("Sami", "Lee"),
        person("Lena", "White", User.Role.LEAD),
        person("Mara", "Stone", User.Role.MANAGER),
        person("Gina", "Gone", is_active=False),
    ]


def test_the_team_picker_lists_active_people_by_name_and_role(people):
    lena = people[1]

    choices = [label for _value, label in ClientForm(user=lena).fields["team"].choices]

    assert choices == ["Lena White — Account lead", "Mara Stone — Manager", "Sami Lee — Staff"]


def test_the_team_picker_is_a_plain_labelled_multi_select_marked_for_the_search_widget(
    client, people
):
    client.force_login(people[1])

    page = client.get(reverse("clients:create")).content.decode()

    select = re.search(r'<select[^>]*name="team"[^>]*>', page).group(0)
    assert "multiple" in select and 'data-picker="people"' in select
    assert re.search(r"<label[^>]*for=\"id_team\"[^>]*>\s*Team", page)
    assert team_options(page) == [
        "Lena White — Account lead",
        "Mara Stone — Manager",
        "Sami Lee — Staff",
    ]
    assert "The account lead is always on the team" in page
    # The search widget and its starter are static files, deferred (no inline script).
    assert re.search(r'<script src="[^"]*tom-select\.complete\.min\.js" defer>', page)
    assert re.search(r'<script src="[^"]*js/pickers\.js" defer>', page)
    assert "tom-select.bootstrap5.min.css" in page
    assert "<script>" not in page


def test_picking_a_team_without_javascript_saves_it_with_the_lead(client, lead, staff):
    client.force_login(lead)

    response = client.post(
        reverse("clients:create"),
        {"name": "Acme", "monthly_value": "0", "currency": "EUR", "team": [staff.pk]},
    )

    assert response.status_code == 302
    assert set(Client.objects.get(name="Acme").team.all()) == {lead, staff}


def test_the_client_form_saves_the_chosen_language(client, lead):
    client.force_login(lead)
    data = {"name": "Acme", "monthly_value": "0", "currency": "EUR", "language": "it"}

    response = client.post(reverse("clients:create"), data)

    assert response.status_code == 302
    acme = Client.objects.get(name="Acme")
    assert acme.language == "it"

    response = client.post(reverse("clients:edit", args=[acme.pk]), {**data, "language": "nl"})

    assert response.status_code == 302
    acme.refresh_from_db()
    assert acme.language == "nl"


def test_the_client_form_offers_every_language_and_starts_with_the_agencys(settings, lead):
    settings.LANGUAGE_CODE = "hu"

    form = ClientForm(user=lead)

    assert [value for value, _ in form.fields["language"].choices] == ["en-gb", "nl", "it", "hu"]
    assert form["language"].value() == "hu"


def test_a_client_form_posted_without_a_language_keeps_the_clients(client, lead):
    acme = ClientFactory(account_lead=lead, language="it")
    client.force_login(lead)

    response = client.post(
        reverse("clients:edit", args=[acme.pk]),
        {"name": "Acme", "monthly_value": "0", "currency": "EUR"},
    )

    assert response.status_code == 302
    acme.refresh_from_db()
    assert acme.language == "it"
