"""Who sees and does what on every client page: anonymous, outsider, team staff, the
account lead, another lead and a manager.

A client someone may not see answers 404 everywhere (its existence never leaks);
a page they may see but an action they may not take answers 403.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from clients import permissions
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

SECRET_NAME = "Zephyr Confidential Holdings"
TEAM_NAME = "Acme Rockets"


@dataclass
class World:
    client: Client
    contact: Contact
    contract: Contract
    invoice: Invoice
    incident: Incident
    evidence: Evidence
    repair_attempt: RepairAttempt
    foreign: Client

    def kwargs(self, name: str) -> dict:
        pk = self.client.pk
        return {
            "list": {},
            "create": {},
            "detail": {"pk": pk},
            "edit": {"pk": pk},
            "contact_create": {"pk": pk},
            "contact_edit": {"pk": pk, "contact_pk": self.contact.pk},
            "contract_create": {"pk": pk},
            "contract_edit": {"pk": pk, "contract_pk": self.contract.pk},
            "contract_file": {"pk": pk, "contract_pk": self.contract.pk},
            "invoice_create": {"pk": pk},
            "invoice_edit": {"pk": pk, "invoice_pk": self.invoice.pk},
            "incident_create": {"pk": pk},
            "incident": {"pk": pk, "incident_pk": self.incident.pk},
            "incident_edit": {"pk": pk, "incident_pk": self.incident.pk},
            "incident_withdraw": {"pk": pk, "incident_pk": self.incident.pk},
            "evidence_add": {"pk": pk, "incident_pk": self.incident.pk},
            "evidence_download": {"pk": pk, "evidence_pk": self.evidence.pk},
            "repair_attempt_create": {"pk": pk},
            "repair_attempt_edit": {"pk": pk, "repair_attempt_pk": self.repair_attempt.pk},
        }[name]

    def url(self, name: str) -> str:
        return reverse(f"clients:{name}", kwargs=self.kwargs(name))


@pytest.fixture
def world(lead, staff, other_lead) -> World:
    client = ClientFactory(name=TEAM_NAME, account_lead=lead, team=[staff])
    contract = ContractFactory(client=client)
    contract.signed_file.save("signed.pdf", ContentFile(pdf_bytes()), save=False)
    contract.signed_file_name = "signed.pdf"
    contract.save()
    incident = IncidentFactory(client=client, reported_by=lead, occurred_on=dt.date(2026, 10, 1))
    evidence = Evidence(
        incident=incident,
        original_name="screenshot.png",
        content_type="image/png",
        size=len(png_bytes()),
        sha256="0" * 64,
        uploaded_by=lead,
    )
    evidence.file.save("stored.png", ContentFile(png_bytes()), save=False)
    evidence.save()
    return World(
        client=client,
        contact=ContactFactory(client=client),
        contract=contract,
        invoice=InvoiceFactory(client=client),
        incident=incident,
        evidence=evidence,
        repair_attempt=RepairAttemptFactory(client=client, recorded_by=lead),
        foreign=ClientFactory(name=SECRET_NAME, account_lead=other_lead),
    )


def login(django_client, who, request):
    """Log in the named role fixture; "anonymous" stays logged out."""
    if who == "anonymous":
        return None
    user = request.getfixturevalue(who)
    django_client.force_login(user)
    return user


def fingerprint() -> tuple:
    """Every row and every history row of the client record: any write changes it."""
    models = (Client, Contact, Contract, Invoice, Incident, Evidence, RepairAttempt)
    rows = tuple(m.objects.count() for m in models)
    history = tuple(m.history.count() for m in models if hasattr(m, "history"))
    names = tuple(Client.objects.order_by("pk").values_list("name", "account_lead_id"))
    states = tuple(Incident.objects.order_by("pk").values_list("state", "title"))
    return rows + history + names + states


# --- The matrix: every client URL name, every role ----------------------------------------

# POST-only URLs are exercised with POST; every other URL with GET.
POST_ONLY = {"incident_withdraw", "evidence_add"}

#                      staff  lead  manager  (outsider and other_lead: 404 everywhere)
EXPECTED = {
    "detail": (200, 200, 200),
    "edit": (403, 200, 200),
    "contact_create": (403, 200, 200),
    "contact_edit": (403, 200, 200),
    "contract_create": (403, 200, 200),
    "contract_edit": (403, 200, 200),
    "contract_file": (200, 200, 200),
    "invoice_create": (403, 200, 200),
    "invoice_edit": (403, 200, 200),
    "incident_create": (200, 200, 200),
    "incident": (200, 200, 200),
    # The incident was reported by the lead: staff may read it, not correct or withdraw it.
    "incident_edit": (403, 200, 200),
    "incident_withdraw": (403, 302, 302),
    "evidence_add": (302, 302, 302),
    "evidence_download": (200, 200, 200),
    "repair_attempt_create": (200, 200, 200),
    # Recorded by the lead: staff may record their own, not rewrite the lead's.
    "repair_attempt_edit": (403, 200, 200),
}
ROLE_COLUMN = {"staff": 0, "lead": 1, "manager": 2}
CLIENT_URLS = sorted(EXPECTED)
ALL_URLS = ["list", "create", *CLIENT_URLS]


def request_page(django_client, world: World, name: str):
    url = world.url(name)
    if name == "incident_withdraw":
        return django_client.post(url, {"reason": "Logged against the wrong client."})
    if name == "evidence_add":
        return django_client.post(url, {})
    return django_client.get(url)


def test_every_client_url_name_is_covered_by_the_matrix():
    from clients.urls import urlpatterns

    assert {p.name for p in urlpatterns} == set(ALL_URLS)


@pytest.mark.django_db
@pytest.mark.parametrize("name", ALL_URLS)
def test_anonymous_is_sent_to_login_from_every_client_page(client, world, name):
    response = request_page(client, world, name)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("who", ["outsider", "other_lead"])
@pytest.mark.parametrize("name", CLIENT_URLS)
def test_people_off_the_team_get_404_on_every_client_page(client, world, request, who, name):
    login(client, who, request)
    before = fingerprint()

    response = request_page(client, world, name)

    assert response.status_code == 404
    assert TEAM_NAME not in response.content.decode()
    assert fingerprint() == before


@pytest.mark.parametrize("who", ["staff", "lead", "manager"])
@pytest.mark.parametrize("name", CLIENT_URLS)
def test_team_and_managers_get_what_their_role_allows(client, world, request, who, name):
    login(client, who, request)

    response = request_page(client, world, name)

    assert response.status_code == EXPECTED[name][ROLE_COLUMN[who]]


@pytest.mark.parametrize("name", [n for n in CLIENT_URLS if EXPECTED[n][0] == 403])
def test_staff_refusal_says_why_and_changes_nothing(client, world, staff, name):
    client.force_login(staff)
    before = fingerprint()

    response = request_page(client, world, name)

    assert response.status_code == 403
    assert "You are not allowed to do this" in response.content.decode()
    assert fingerprint() == before


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("outsider", 403),
        ("staff", 403),
        ("lead", 200),
        ("other_lead", 200),
        ("manager", 200),
    ],
)
def test_only_leads_and_managers_may_open_add_a_client(client, db, request, who, status):
    login(client, who, request)

    assert client.get(reverse("clients:create")).status_code == status


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("outsider", 200),
        ("staff", 200),
        ("lead", 200),
        ("other_lead", 200),
        ("manager", 200),
    ],
)
def test_every_signed_in_person_may_open_the_client_list(client, world, request, who, status):
    login(client, who, request)

    assert client.get(reverse("clients:list")).status_code == status


# --- Writes by POST: refused ones change nothing ------------------------------------------


def valid_post_data(world: World, name: str, *, lead_pk: int) -> dict:
    today = timezone.localdate()
    client_data = {
        "name": "Renamed by POST",
        "website": "https://acme.example",
        "industry": "Retail",
        "account_lead": lead_pk,
        "team": [],
        "start_date": "2023-01-01",
        "monthly_value": "4000.00",
        "currency": "EUR",
        "notes": "",
    }
    contact = {"name": "Posted Contact", "role": "CEO", "email": "ceo@client.example"}
    contract = {
        "title": "Posted contract",
        "reference": "POST-1",
        "start_date": "2025-01-01",
        "end_date": "2027-12-31",
        "renewal_months": "12",
        "notice_days": "30",
        "termination_clause_ref": "2.9",
        "termination_clause_text": "",
        "payment_terms_days": "30",
        "monthly_fee": "1000.00",
        "deposit_amount": "0.00",
        "is_current": "on",
    }
    invoice = {
        "number": "POST-INV-1",
        "issued_on": "2026-01-01",
        "due_on": "2026-01-31",
        "amount": "100.00",
        "paid_amount": "0",
    }
    incident = {
        "occurred_on": today.isoformat(),
        "category": "scope_creep",
        "severity": "2",
        "title": "Posted incident",
        "description": "Posted description.",
    }
    repair_attempt = {
        "kind": "conversation",
        "tried_on": today.isoformat(),
        "description": "Posted attempt.",
        "outcome": "pending",
    }
    return {
        "edit": client_data,
        "contact_create": contact,
        "contact_edit": contact,
        "contract_create": contract,
        "contract_edit": contract,
        "invoice_create": invoice,
        "invoice_edit": invoice,
        "incident_create": incident,
        "incident_edit": incident,
        "repair_attempt_create": repair_attempt,
        "repair_attempt_edit": repair_attempt,
    }[name]


FORM_URLS = [
    "edit",
    "contact_create",
    "contact_edit",
    "contract_create",
    "contract_edit",
    "invoice_create",
    "invoice_edit",
    "incident_create",
    "incident_edit",
    "repair_attempt_create",
    "repair_attempt_edit",
]


@pytest.mark.parametrize("who", ["outsider", "other_lead"])
@pytest.mark.parametrize("name", FORM_URLS)
def test_post_by_someone_off_the_team_is_404_and_saves_nothing(
    client, world, request, lead, who, name
):
    login(client, who, request)
    before = fingerprint()

    response = client.post(world.url(name), valid_post_data(world, name, lead_pk=lead.pk))

    assert response.status_code == 404
    assert fingerprint() == before


@pytest.mark.parametrize("name", [n for n in FORM_URLS if EXPECTED[n][0] == 403])
def test_post_by_staff_to_a_lead_only_form_is_403_and_saves_nothing(
    client, world, staff, lead, name
):
    client.force_login(staff)
    before = fingerprint()

    response = client.post(world.url(name), valid_post_data(world, name, lead_pk=lead.pk))

    assert response.status_code == 403
    assert fingerprint() == before


@pytest.mark.parametrize("who", ["lead", "manager"])
@pytest.mark.parametrize("name", FORM_URLS)
def test_post_by_lead_or_manager_saves_and_redirects(client, world, request, lead, who, name):
    login(client, who, request)
    before = fingerprint()

    response = client.post(world.url(name), valid_post_data(world, name, lead_pk=lead.pk))

    assert response.status_code == 302, response.content.decode()[:2000]
    assert fingerprint() != before


@pytest.mark.parametrize("name", ["incident_create", "repair_attempt_create"])
def test_staff_on_the_team_logs_incidents_and_repair_attempts(client, world, staff, lead, name):
    client.force_login(staff)
    before = fingerprint()

    response = client.post(world.url(name), valid_post_data(world, name, lead_pk=lead.pk))

    assert response.status_code == 302
    assert fingerprint() != before


def test_staff_can_correct_an_incident_they_reported_themselves(client, world, staff):
    own = IncidentFactory(client=world.client, reported_by=staff, title="Typo in the title")
    client.force_login(staff)
    url = reverse("clients:incident_edit", args=[world.client.pk, own.pk])
    data = valid_post_data(world, "incident_edit", lead_pk=0) | {"title": "Corrected title"}

    response = client.post(url, data)

    assert response.status_code == 302
    own.refresh_from_db()
    assert own.title == "Corrected title"


def test_staff_cannot_edit_client(client, world, staff, lead):
    client.force_login(staff)

    response = client.post(world.url("edit"), valid_post_data(world, "edit", lead_pk=lead.pk))

    assert response.status_code == 403
    world.client.refresh_from_db()
    assert world.client.name == TEAM_NAME


def test_withdrawn_incident_cannot_be_corrected_even_by_its_lead(client, world, lead):
    world.incident.state = Incident.State.WITHDRAWN
    world.incident.withdrawn_reason = "Wrong client."
    world.incident.save()
    client.force_login(lead)

    assert client.get(world.url("incident_edit")).status_code == 403


# --- Objects of another client, reached through this client's URL -------------------------


@pytest.mark.parametrize(
    ("name", "kwarg", "make"),
    [
        ("contact_edit", "contact_pk", lambda c: ContactFactory(client=c)),
        ("contract_edit", "contract_pk", lambda c: ContractFactory(client=c)),
        ("contract_file", "contract_pk", lambda c: ContractFactory(client=c)),
        ("invoice_edit", "invoice_pk", lambda c: InvoiceFactory(client=c)),
        ("incident", "incident_pk", lambda c: IncidentFactory(client=c)),
        ("incident_edit", "incident_pk", lambda c: IncidentFactory(client=c)),
        ("repair_attempt_edit", "repair_attempt_pk", lambda c: RepairAttemptFactory(client=c)),
    ],
)
def test_another_clients_object_through_this_clients_url_is_404(
    client, world, manager, name, kwarg, make
):
    """Even a manager, who may see both clients, never reaches B's rows through A's pages."""
    other_row = make(world.foreign)
    client.force_login(manager)
    url = reverse(f"clients:{name}", kwargs={"pk": world.client.pk, kwarg: other_row.pk})

    assert client.get(url).status_code == 404


@pytest.mark.parametrize("name", ["incident_withdraw", "evidence_add"])
def test_posting_to_another_clients_incident_through_this_clients_url_is_404(
    client, world, lead, name
):
    """The lead of A cannot touch B's incident by putting B's incident id under A."""
    foreign_incident = IncidentFactory(client=world.foreign)
    client.force_login(lead)
    before = fingerprint()
    url = reverse(f"clients:{name}", args=[world.client.pk, foreign_incident.pk])

    response = client.post(url, {"reason": "Trying to withdraw someone else's incident."})

    assert response.status_code == 404
    assert fingerprint() == before


def test_a_client_id_that_does_not_exist_is_404_like_a_foreign_one(client, world, outsider):
    client.force_login(outsider)
    missing = reverse("clients:detail", args=[world.client.pk + 1000])
    foreign = world.url("detail")

    missing_response = client.get(missing)
    foreign_response = client.get(foreign)

    assert missing_response.status_code == foreign_response.status_code == 404


# --- Lists and search ------------------------------------------------------------------


def names_listed(response) -> set[str]:
    return {c.name for c in response.context["page"].object_list}


@pytest.mark.parametrize(
    ("who", "visible"),
    [
        ("outsider", set()),
        ("staff", {TEAM_NAME}),
        ("lead", {TEAM_NAME}),
        ("other_lead", {SECRET_NAME}),
        ("manager", {TEAM_NAME, SECRET_NAME}),
    ],
)
def test_client_list_shows_only_visible_clients(client, world, request, who, visible):
    login(client, who, request)

    response = client.get(reverse("clients:list"))

    assert names_listed(response) == visible
    body = response.content.decode()
    for name in {TEAM_NAME, SECRET_NAME} - visible:
        assert name not in body
    for name in visible:
        assert name in body


@pytest.mark.parametrize("who", ["outsider", "staff", "lead"])
@pytest.mark.parametrize("query", ["Zephyr", "confidential", "Holdings", "Zephyr Confidential"])
def test_search_never_reveals_a_foreign_clients_name(client, world, request, who, query):
    login(client, who, request)

    response = client.get(reverse("clients:list"), {"q": query})

    assert response.status_code == 200
    assert names_listed(response) == set()
    body = response.content.decode()
    assert SECRET_NAME not in body
    assert "No client matches these filters" in body


def test_search_finds_a_client_on_your_team(client, world, staff):
    client.force_login(staff)

    response = client.get(reverse("clients:list"), {"q": "rockets"})

    assert names_listed(response) == {TEAM_NAME}


def test_manager_search_finds_any_client(client, world, manager):
    client.force_login(manager)

    response = client.get(reverse("clients:list"), {"q": "zephyr"})

    assert names_listed(response) == {SECRET_NAME}


def test_other_filters_do_not_widen_the_list_beyond_the_team(client, world, staff, other_lead):
    """Filtering by the foreign client's lead, status or risk never brings it into view."""
    client.force_login(staff)

    response = client.get(
        reverse("clients:list"),
        {"account_lead": other_lead.pk, "status": "active", "risk": "low", "sort": "-risk"},
    )

    assert names_listed(response) == set()
    assert SECRET_NAME not in response.content.decode()


def test_removing_someone_from_the_team_hides_the_client_from_them(client, world, staff):
    world.client.team.remove(staff)
    client.force_login(staff)

    assert client.get(world.url("detail")).status_code == 404
    assert names_listed(client.get(reverse("clients:list"))) == set()


def test_lead_sees_a_client_they_lead_even_when_left_off_the_team_list(client, db, lead):
    led = ClientFactory(name="Led Without Team Row", account_lead=lead)
    led.team.clear()
    client.force_login(lead)

    assert client.get(reverse("clients:detail", args=[led.pk])).status_code == 200
    assert names_listed(client.get(reverse("clients:list"))) == {"Led Without Team Row"}


# --- The predicates themselves --------------------------------------------------------------


def test_permission_predicates_follow_the_roles(world, staff, lead, other_lead, manager, outsider):
    c = world.client
    assert [permissions.can_view_client(u, c) for u in (staff, lead, manager)] == [True] * 3
    assert not permissions.can_view_client(outsider, c)
    assert not permissions.can_view_client(other_lead, c)
    assert [permissions.can_manage_client(u, c) for u in (staff, lead, manager)] == [
        False,
        True,
        True,
    ]
    assert not permissions.can_manage_client(other_lead, c)
    assert [permissions.can_reassign_lead(u) for u in (staff, lead, manager)] == [
        False,
        False,
        True,
    ]
    assert permissions.can_log_incident(staff, c)
    assert not permissions.can_log_incident(outsider, c)


def test_staff_cannot_update_a_repair_attempt_someone_else_recorded(client, world, staff):
    from agency.errors import Refused
    from clients import services

    attempt = world.repair_attempt
    url = reverse("clients:repair_attempt_edit", args=[world.client.pk, attempt.pk])
    client.force_login(staff)
    form = {
        "kind": "other",
        "tried_on": "2026-11-02",
        "description": "Rewritten",
        "outcome": "helped",
    }

    assert client.get(url).status_code == 403
    assert client.post(url, form).status_code == 403
    with pytest.raises(Refused, match="Only whoever recorded the repair attempt"):
        services.repair_attempt_save(
            actor=staff, client=world.client, repair_attempt=attempt, description="Rewritten"
        )
    attempt.refresh_from_db()
    assert attempt.description != "Rewritten"
    tab = client.get(reverse("clients:detail", args=[world.client.pk]) + "?tab=repair_attempts")
    assert url not in tab.text


def test_staff_update_the_repair_attempt_they_recorded(client, world, staff):
    from clients import services

    own = services.repair_attempt_save(
        actor=staff,
        client=world.client,
        kind="conversation",
        tried_on=dt.date(2026, 11, 2),
        description="Talked it through.",
        outcome="pending",
    )
    url = reverse("clients:repair_attempt_edit", args=[world.client.pk, own.pk])
    client.force_login(staff)
    assert client.get(url).status_code == 200
    tab = client.get(reverse("clients:detail", args=[world.client.pk]) + "?tab=repair_attempts")
    assert url in tab.text
