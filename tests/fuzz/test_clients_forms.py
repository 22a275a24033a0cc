"""The clients app's forms fuzzed: client, contact, contract (with its signed file),
invoice, incident (with evidence files), evidence, withdrawal and repair attempt."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django import forms
from django.contrib import messages as django_messages
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from agency.models import User
from clients.models import Client, Contact, Contract, Evidence, Incident, Invoice, RepairAttempt
from tests.factories import (
    ClientFactory,
    ContactFactory,
    ContractFactory,
    IncidentFactory,
    InvoiceFactory,
    RepairAttemptFactory,
)
from tests.files import pdf_bytes, png_bytes
from tests.fuzz.harness import (
    BAD_URLS,
    FUZZ,
    NOT_FOUND,
    OMIT,
    PAGE,
    RLO,
    F,
    Row,
    Upload,
    actor,
    amount_ok,
    any_file,
    assert_saved,
    at_the_edge,
    bool_ok,
    choice_ok,
    client_pages,
    date_ok,
    edge_input,
    files_received,
    form_data,
    hostile_bool,
    hostile_choice,
    hostile_date,
    hostile_id,
    hostile_number,
    hostile_text,
    ids_ok,
    last,
    parsed,
    posted_ids,
    rolled_back,
    routes,
    some_ids,
    submit,
    text_ok,
    today,
    typed_text,
)

pytestmark = pytest.mark.django_db


# --- Clients ------------------------------------------------------------------------------------


def client_spec(people) -> dict[str, F]:
    active = [people.lead, people.manager, people.staff, people.other_lead]
    return {
        "name": F(text_ok(200), hostile_text),
        "website": F(
            st.sampled_from(["", "https://acme.example", "acme.example", "http://a.example/x?y=1"]),
            st.one_of(st.sampled_from(BAD_URLS), hostile_text),
        ),
        "industry": F(text_ok(100, blank=True), hostile_text),
        "account_lead": F(
            ids_ok(people.lead, people.manager), hostile_id(people.staff.pk, people.retired.pk)
        ),
        "team": F(some_ids(*active), st.lists(hostile_id(people.retired.pk), max_size=3)),
        "start_date": F(date_ok(blank=True), hostile_date),
        "monthly_value": F(amount_ok(), hostile_number),
        "currency": F(choice_ok(Client.Currency.choices), hostile_choice("eur", "EUR ")),
        "notes": F(text_ok(5000, blank=True), hostile_text),
    }


def check_client_saved(client: Client, data: dict, user: User) -> None:
    assert_saved(client, data, texts=("name", "industry", "notes"), dates=("start_date",))
    assert_saved(client, data, amounts=("monthly_value",))
    assert client.currency == last(data["currency"])
    assert client.website == parsed(
        data, "website", forms.URLField(assume_scheme="https", required=False)
    )
    if user.is_manager:
        assert client.account_lead_id == int(last(data["account_lead"]))
    team = set(client.team.values_list("pk", flat=True))
    assert team == posted_ids(data, "team") | {client.account_lead_id}


def test_client_create(people):
    @FUZZ
    @given(data=form_data(client_spec(people)), who=st.sampled_from(["lead", "manager"]))
    def check(data, who):
        user, browser = actor(people, who)
        with rolled_back():
            before = set(Client.objects.values_list("pk", flat=True))
            outcome = submit(browser, reverse("clients:create"), data, allowed=PAGE)
            if outcome.succeeded:
                assert outcome.created(Client) == 1
                (new,) = Client.objects.exclude(pk__in=before)
                check_client_saved(new, data, user)
                if not user.is_manager:
                    assert new.account_lead == user

    check()


def test_client_edit(people):
    own = ClientFactory(account_lead=people.lead, team=[people.staff])
    foreign = ClientFactory(account_lead=people.other_lead)

    @FUZZ
    @given(
        data=form_data(client_spec(people)),
        who=st.sampled_from(["lead", "manager"]),
        route=routes(own=5, missing=1, foreign=1),
    )
    def check(data, who, route):
        user, browser = actor(people, "lead" if route == "foreign" else who)
        pk = {"own": own.pk, "missing": 10**40, "foreign": foreign.pk}[route]
        with rolled_back():
            outcome = submit(
                browser,
                reverse("clients:edit", args=[pk]),
                data,
                pages=client_pages(own),
                allowed=PAGE if route == "own" else NOT_FOUND,
                rows=[Row(Client, own.pk, ("team",)), Row(Client, foreign.pk, ("team",))],
            )
            if outcome.succeeded:
                assert outcome.created(Client) == 0
                own.refresh_from_db()
                check_client_saved(own, data, user)
                if not user.is_manager:
                    assert own.account_lead == people.lead

    check()


# --- Contacts ---------------------------------------------------------------------------------


def contact_spec() -> dict[str, F]:
    return {
        "name": F(text_ok(200), hostile_text),
        "role": F(text_ok(100, blank=True), hostile_text),
        "email": F(
            st.one_of(
                st.just(""),
                st.from_regex(
                    # A dot never ends the local part nor follows a dot: "a.@b.com" is invalid.
                    r"[a-z](\.?[a-z0-9]){0,15}@[a-z]{1,10}\.(com|org|example)",
                    fullmatch=True,
                ),
            ),
            st.one_of(st.sampled_from(["a@", "@b.c", "a@b", "a b@c.d", "a@b.c\n"]), hostile_text),
        ),
        "phone": F(text_ok(40, blank=True), hostile_text),
        "receives_handover": F(bool_ok, hostile_bool),
    }


def test_contact_create_and_edit(people):
    own = ClientFactory(account_lead=people.lead)
    contact = ContactFactory(client=own, receives_handover=True)
    foreign = ClientFactory(account_lead=people.other_lead)
    foreign_contact = ContactFactory(client=foreign)

    @FUZZ
    @given(
        data=form_data(contact_spec()),
        who=st.sampled_from(["lead", "manager"]),
        route=routes(new=3, edit=3, missing=1, foreign_contact=1, foreign_client=1),
    )
    def check(data, who, route):
        user, browser = actor(people, "lead" if route == "foreign_client" else who)
        url = {
            "new": reverse("clients:contact_create", args=[own.pk]),
            "edit": reverse("clients:contact_edit", args=[own.pk, contact.pk]),
            "missing": reverse("clients:contact_edit", args=[own.pk, 10**40]),
            "foreign_contact": reverse("clients:contact_edit", args=[own.pk, foreign_contact.pk]),
            "foreign_client": reverse("clients:contact_create", args=[foreign.pk]),
        }[route]
        with rolled_back():
            before = set(Contact.objects.values_list("pk", flat=True))
            outcome = submit(
                browser,
                url,
                data,
                pages=client_pages(own),
                allowed=PAGE if route in ("new", "edit") else NOT_FOUND,
                rows=[Row(Contact, contact.pk), Row(Contact, foreign_contact.pk)],
            )
            if outcome.succeeded:
                assert outcome.created(Contact) == (1 if route == "new" else 0)
                saved = (
                    Contact.objects.exclude(pk__in=before).get()
                    if route == "new"
                    else Contact.objects.get(pk=contact.pk)
                )
                assert saved.client == own
                assert_saved(
                    saved,
                    data,
                    texts=("name", "role", "email", "phone"),
                    booleans=("receives_handover",),
                )
                assert own.contacts.filter(receives_handover=True).count() <= 1

    check()


# --- Contracts (multipart, with a file) -------------------------------------------------------

valid_pdf = st.builds(Upload, st.just("signed contract.pdf"), st.just(pdf_bytes()))


def contract_spec() -> dict[str, F]:
    return {
        "title": F(text_ok(200), hostile_text),
        "reference": F(text_ok(64, blank=True), hostile_text),
        "start_date": F(date_ok(), hostile_date),
        "end_date": F(date_ok(blank=True), hostile_date),
        "auto_renews": F(bool_ok, hostile_bool),
        "renewal_months": F(st.integers(1, 60).map(str), hostile_number),
        "notice_days": F(st.integers(0, 730).map(str), hostile_number),
        "termination_clause_ref": F(text_ok(32, blank=True), hostile_text),
        "termination_clause_text": F(text_ok(5000, blank=True), hostile_text),
        "payment_terms_days": F(choice_ok(Contract.PaymentTerms.choices), hostile_choice("30 ")),
        "monthly_fee": F(amount_ok(), hostile_number),
        "deposit_amount": F(amount_ok(), hostile_number),
        "is_current": F(bool_ok, hostile_bool),
        "signed_upload": F(st.one_of(st.just(OMIT), valid_pdf), any_file),
    }


def fix_contract(data: dict) -> None:
    if data["end_date"] and data["end_date"] < data["start_date"]:
        data["start_date"], data["end_date"] = data["end_date"], data["start_date"]
    if not data["end_date"]:
        data["auto_renews"] = ""


def contract_world(people) -> SimpleNamespace:
    own = ClientFactory(account_lead=people.lead)
    foreign = ClientFactory(account_lead=people.other_lead)
    return SimpleNamespace(
        own=own,
        contract=ContractFactory(client=own),
        foreign=foreign,
        foreign_contract=ContractFactory(client=foreign),
    )


def post_contract(people, w, data: dict, who: str, route: str) -> None:
    user, browser = actor(people, "lead" if route == "foreign_client" else who)
    url = {
        "new": reverse("clients:contract_create", args=[w.own.pk]),
        "edit": reverse("clients:contract_edit", args=[w.own.pk, w.contract.pk]),
        "missing": reverse("clients:contract_edit", args=[w.own.pk, 10**40]),
        "foreign_contract": reverse(
            "clients:contract_edit", args=[w.own.pk, w.foreign_contract.pk]
        ),
        "foreign_client": reverse("clients:contract_create", args=[w.foreign.pk]),
    }[route]
    with rolled_back():
        before = set(Contract.objects.values_list("pk", flat=True))
        outcome = submit(
            browser,
            url,
            data,
            multipart_form=True,
            pages=client_pages(w.own),
            allowed=PAGE if route in ("new", "edit") else NOT_FOUND,
            rows=[Row(Contract, w.contract.pk), Row(Contract, w.foreign_contract.pk)],
            right_place=route in ("new", "edit"),
        )
        if outcome.succeeded:
            assert outcome.created(Contract) == (1 if route == "new" else 0)
            saved = (
                Contract.objects.exclude(pk__in=before).get()
                if route == "new"
                else Contract.objects.get(pk=w.contract.pk)
            )
            assert saved.client == w.own
            assert_saved(
                saved,
                data,
                texts=("title", "reference", "termination_clause_ref", "termination_clause_text"),
                dates=("start_date", "end_date"),
                amounts=("monthly_fee", "deposit_amount"),
                integers=("renewal_months", "notice_days", "payment_terms_days"),
                booleans=("auto_renews", "is_current"),
            )
            assert w.own.contracts.filter(is_current=True).count() <= 1
            if saved.signed_file_name:  # the display name of the uploaded file, cleaned up
                name = saved.signed_file_name
                assert name.endswith(".pdf") and len(name) <= 120
                assert not any(c in name for c in '/\\<>:"|?*\x00' + RLO)


def test_contract_create_and_edit_with_a_file(people):
    w = contract_world(people)

    @FUZZ
    @given(
        data=form_data(contract_spec(), fix_contract),
        who=st.sampled_from(["lead", "manager"]),
        route=routes(new=3, edit=3, missing=1, foreign_contract=1, foreign_client=1),
    )
    def check(data, who, route):
        post_contract(people, w, data, who, route)

    check()


# --- Invoices ---------------------------------------------------------------------------------


def fix_invoice(data: dict) -> None:
    issued = min(data["issued_on"], today().isoformat())
    data["issued_on"] = issued
    if data["due_on"] < issued:
        data["due_on"] = issued
    if Decimal(data["amount"]) <= 0:
        data["amount"] = "1.00"
    if Decimal(data["paid_amount"]) > Decimal(data["amount"]):
        data["paid_amount"] = data["amount"]
    if Decimal(data["paid_amount"]) > 0:
        data["paid_on"] = today().isoformat()
    else:
        data["paid_on"] = ""


def test_invoice_create_and_edit(people):
    own = ClientFactory(account_lead=people.lead)
    contract = ContractFactory(client=own)
    invoice = InvoiceFactory(client=own, contract=contract, number="INV-1")
    foreign = ClientFactory(account_lead=people.other_lead)
    foreign_contract = ContractFactory(client=foreign)
    foreign_invoice = InvoiceFactory(client=foreign, number="INV-F")
    spec = {
        "number": F(text_ok(64), st.one_of(st.just("INV-1"), hostile_text)),
        "contract": F(st.one_of(st.just(""), ids_ok(contract)), hostile_id(foreign_contract.pk)),
        "issued_on": F(date_ok(), hostile_date),
        "due_on": F(date_ok(), hostile_date),
        "amount": F(amount_ok(), hostile_number),
        "paid_on": F(date_ok(past_only=True, blank=True), hostile_date),
        "paid_amount": F(amount_ok(), hostile_number),
    }

    @FUZZ
    @given(
        data=form_data(spec, fix_invoice),
        who=st.sampled_from(["lead", "manager"]),
        route=routes(new=3, edit=3, missing=1, foreign_invoice=1, foreign_client=1),
    )
    def check(data, who, route):
        user, browser = actor(people, "lead" if route == "foreign_client" else who)
        url = {
            "new": reverse("clients:invoice_create", args=[own.pk]),
            "edit": reverse("clients:invoice_edit", args=[own.pk, invoice.pk]),
            "missing": reverse("clients:invoice_edit", args=[own.pk, 10**40]),
            "foreign_invoice": reverse("clients:invoice_edit", args=[own.pk, foreign_invoice.pk]),
            "foreign_client": reverse("clients:invoice_create", args=[foreign.pk]),
        }[route]
        with rolled_back():
            before = set(Invoice.objects.values_list("pk", flat=True))
            outcome = submit(
                browser,
                url,
                data,
                pages=client_pages(own),
                allowed=PAGE if route in ("new", "edit") else NOT_FOUND,
                rows=[Row(Invoice, invoice.pk), Row(Invoice, foreign_invoice.pk)],
            )
            if outcome.succeeded:
                assert outcome.created(Invoice) == (1 if route == "new" else 0)
                saved = (
                    Invoice.objects.exclude(pk__in=before).get()
                    if route == "new"
                    else Invoice.objects.get(pk=invoice.pk)
                )
                assert saved.client == own
                assert saved.contract is None or saved.contract.client == own
                assert_saved(
                    saved,
                    data,
                    texts=("number",),
                    dates=("issued_on", "due_on", "paid_on"),
                    amounts=("amount", "paid_amount"),
                )
                assert saved.due_on >= saved.issued_on
                assert Decimal("0") <= saved.paid_amount <= saved.amount

    check()


# --- Incidents, evidence, withdrawal ----------------------------------------------------------

valid_evidence = st.builds(
    Upload,
    st.sampled_from(["screenshot.png", "mail.pdf", "Scan 2.PNG"]),
    st.sampled_from([png_bytes(), pdf_bytes()]),
)
evidence_files = st.lists(any_file, max_size=3)


def incident_spec() -> dict[str, F]:
    return {
        "occurred_on": F(date_ok(past_only=True), hostile_date),
        "category": F(choice_ok(Incident.Category.choices), hostile_choice("ABUSIVE")),
        "severity": F(choice_ok(Incident.Severity.choices), hostile_choice("5", "-1", "2.0")),
        "title": F(text_ok(200), hostile_text),
        "description": F(text_ok(5000), hostile_text),
        "hours_lost": F(amount_ok("99999.99", blank=True), hostile_number),
        "money_at_stake": F(amount_ok(blank=True), hostile_number),
    }


def check_incident_saved(incident: Incident, data: dict) -> None:
    assert_saved(
        incident,
        data,
        texts=("title", "description"),
        dates=("occurred_on",),
        amounts=("hours_lost", "money_at_stake"),
    )
    assert incident.category == last(data["category"])
    assert incident.severity == int(last(data["severity"]))


def test_incident_create_with_files(people):
    own = ClientFactory(account_lead=people.lead, team=[people.staff])
    foreign = ClientFactory(account_lead=people.other_lead)
    spec = {
        **incident_spec(),
        "files": F(st.lists(valid_evidence, max_size=2), evidence_files),
    }

    @FUZZ
    @given(
        data=form_data(spec),
        who=st.sampled_from(["lead", "manager"]),
        route=routes(own=5, foreign_client=1),
    )
    def check(data, who, route):
        user, browser = actor(people, "lead" if route == "foreign_client" else who)
        pk = own.pk if route == "own" else foreign.pk
        with rolled_back():
            before = set(Incident.objects.values_list("pk", flat=True))
            outcome = submit(
                browser,
                reverse("clients:incident_create", args=[pk]),
                data,
                multipart_form=True,
                pages=client_pages(own),
                allowed=PAGE if route == "own" else NOT_FOUND,
            )
            if outcome.succeeded:
                assert outcome.created(Incident) == 1
                incident = Incident.objects.exclude(pk__in=before).get()
                assert incident.client == own and incident.reported_by == user
                check_incident_saved(incident, data)
                sent = files_received(data["files"])
                assert incident.evidence.count() == len(sent)
                for evidence in incident.evidence.all():
                    assert not any(c in evidence.original_name for c in "/\\\x00" + RLO)

    check()


def test_incident_edit(people):
    own = ClientFactory(account_lead=people.lead, team=[people.staff])
    incident = IncidentFactory(client=own)
    withdrawn = IncidentFactory(client=own, state=Incident.State.WITHDRAWN)
    foreign = ClientFactory(account_lead=people.other_lead)
    foreign_incident = IncidentFactory(client=foreign)

    @FUZZ
    @given(
        data=form_data({**incident_spec(), "files": F(st.just(OMIT), evidence_files)}),
        who=st.sampled_from(["lead", "manager"]),
        route=routes(own=5, missing=1, foreign_incident=1, withdrawn=1),
    )
    def check(data, who, route):
        user, browser = actor(people, who)
        target = {
            "own": incident.pk,
            "missing": 10**40,
            "foreign_incident": foreign_incident.pk,
            "withdrawn": withdrawn.pk,
        }[route]
        with rolled_back():
            outcome = submit(
                browser,
                reverse("clients:incident_edit", args=[own.pk, target]),
                data,
                multipart_form=True,
                pages=client_pages(own),
                allowed={"own": PAGE, "withdrawn": {403}}.get(route, NOT_FOUND),
                rows=[Row(Incident, pk) for pk in (incident.pk, withdrawn.pk, foreign_incident.pk)]
                + [],
            )
            if outcome.succeeded:
                assert outcome.created(Incident) == 0
                assert outcome.created(Evidence) == 0  # the edit form takes no files
                saved = Incident.objects.get(pk=incident.pk)
                check_incident_saved(saved, data)
                assert saved.client == own and saved.state == Incident.State.ACTIVE

    check()


def test_evidence_add(people):
    own = ClientFactory(account_lead=people.lead, team=[people.staff])
    incident = IncidentFactory(client=own)
    withdrawn = IncidentFactory(client=own, state=Incident.State.WITHDRAWN)
    foreign = ClientFactory(account_lead=people.other_lead)
    foreign_incident = IncidentFactory(client=foreign)
    spec = {
        "files": F(st.lists(valid_evidence, min_size=1, max_size=3), evidence_files),
        "note": F(st.just(OMIT), hostile_text),  # a field the form does not have
    }

    @FUZZ
    @given(
        data=form_data(spec),
        who=st.sampled_from(["lead", "manager"]),
        route=routes(own=5, missing=1, foreign_incident=1, withdrawn=1),
    )
    def check(data, who, route):
        user, browser = actor(people, who)
        target = {
            "own": incident.pk,
            "missing": 10**40,
            "foreign_incident": foreign_incident.pk,
            "withdrawn": withdrawn.pk,
        }[route]
        with rolled_back():
            outcome = submit(
                browser,
                reverse("clients:evidence_add", args=[own.pk, target]),
                data,
                multipart_form=True,
                pages=client_pages(own),
                allowed={302} if route in ("own", "withdrawn") else NOT_FOUND,
                right_place=route == "own",
            )
            if outcome.succeeded:
                assert route == "own"
                sent = files_received(data["files"])
                assert outcome.created(Evidence) == len(sent) > 0
                assert incident.evidence.count() == len(sent)
            elif outcome.status == 302:
                assert any(level == django_messages.ERROR for level, _ in outcome.messages)

    check()


def test_incident_withdraw(people):
    own = ClientFactory(account_lead=people.lead, team=[people.staff])
    incident = IncidentFactory(client=own)
    foreign = ClientFactory(account_lead=people.other_lead)
    foreign_incident = IncidentFactory(client=foreign)
    spec = {"reason": F(text_ok(2000), hostile_text)}

    @FUZZ
    @given(
        data=form_data(spec),
        who=st.sampled_from(["lead", "manager"]),
        route=routes(own=5, missing=1, foreign_incident=1),
    )
    def check(data, who, route):
        user, browser = actor(people, who)
        target = {"own": incident.pk, "missing": 10**40, "foreign_incident": foreign_incident.pk}
        with rolled_back():
            outcome = submit(
                browser,
                reverse("clients:incident_withdraw", args=[own.pk, target[route]]),
                data,
                pages=client_pages(own),
                allowed={302} if route == "own" else NOT_FOUND,
                rows=[Row(Incident, incident.pk), Row(Incident, foreign_incident.pk)],
            )
            if outcome.succeeded:
                saved = Incident.objects.get(pk=incident.pk)
                assert saved.state == Incident.State.WITHDRAWN
                assert saved.withdrawn_reason == typed_text(data, "reason")
            elif outcome.status == 302:
                assert any(level == django_messages.ERROR for level, _ in outcome.messages)

    check()


# --- Repair attempts ---------------------------------------------------------------------


def test_repair_attempt_create_and_edit(people):
    own = ClientFactory(account_lead=people.lead, team=[people.staff])
    repair_attempt = RepairAttemptFactory(client=own)
    foreign = ClientFactory(account_lead=people.other_lead)
    foreign_repair_attempt = RepairAttemptFactory(client=foreign)
    spec = {
        "kind": F(choice_ok(RepairAttempt.Kind.choices), hostile_choice()),
        "tried_on": F(date_ok(past_only=True), hostile_date),
        "description": F(text_ok(5000), hostile_text),
        "outcome": F(choice_ok(RepairAttempt.Outcome.choices), hostile_choice()),
    }

    @FUZZ
    @given(
        data=form_data(spec),
        who=st.sampled_from(["lead", "manager"]),
        route=routes(new=3, edit=3, missing=1, foreign_repair_attempt=1, foreign_client=1),
    )
    def check(data, who, route):
        user, browser = actor(people, "lead" if route == "foreign_client" else who)
        url = {
            "new": reverse("clients:repair_attempt_create", args=[own.pk]),
            "edit": reverse("clients:repair_attempt_edit", args=[own.pk, repair_attempt.pk]),
            "missing": reverse("clients:repair_attempt_edit", args=[own.pk, 10**40]),
            "foreign_repair_attempt": reverse(
                "clients:repair_attempt_edit", args=[own.pk, foreign_repair_attempt.pk]
            ),
            "foreign_client": reverse("clients:repair_attempt_create", args=[foreign.pk]),
        }[route]
        with rolled_back():
            before = set(RepairAttempt.objects.values_list("pk", flat=True))
            outcome = submit(
                browser,
                url,
                data,
                pages=client_pages(own),
                allowed=PAGE if route in ("new", "edit") else NOT_FOUND,
                rows=[
                    Row(RepairAttempt, repair_attempt.pk),
                    Row(RepairAttempt, foreign_repair_attempt.pk),
                ],
            )
            if outcome.succeeded:
                assert outcome.created(RepairAttempt) == (1 if route == "new" else 0)
                saved = (
                    RepairAttempt.objects.exclude(pk__in=before).get()
                    if route == "new"
                    else RepairAttempt.objects.get(pk=repair_attempt.pk)
                )
                assert saved.client == own
                assert_saved(saved, data, texts=("description",), dates=("tried_on",))
                assert saved.kind == last(data["kind"])
                assert saved.outcome == last(data["outcome"])

    check()


# --- Regressions -------------------------------------------------------------------------------
#
# Each bug the tests above found, now fixed, pinned with its failing input as an explicit
# example so that it cannot come back unnoticed.


RENEWS_EVERY_0_MONTHS = {
    "title": "Retainer",
    "reference": "AG-1",
    "start_date": "2024-01-01",
    "end_date": "2025-01-01",
    "auto_renews": "on",
    "renewal_months": "0",
    "notice_days": "30",
    "termination_clause_ref": "",
    "termination_clause_text": "",
    "payment_terms_days": "30",
    "monthly_fee": "100.00",
    "deposit_amount": "0.00",
    "is_current": "on",
    "signed_upload": OMIT,
}


def test_contract_renewing_every_0_months_is_refused(people):
    w = contract_world(people)
    spec = contract_spec()
    spec["end_date"] = F(date_ok(), st.nothing())
    spec["auto_renews"] = F(st.just("on"), st.nothing())
    spec["renewal_months"] = F(st.sampled_from(["0", "00", "-0", "0.0"]), st.nothing())

    @FUZZ
    @example(data=edge_input(RENEWS_EVERY_0_MONTHS), route="new")
    @given(
        data=form_data(spec, fix_contract).map(at_the_edge), route=st.sampled_from(["new", "edit"])
    )
    def check(data, route):
        post_contract(people, w, data, "lead", route)

    check()
