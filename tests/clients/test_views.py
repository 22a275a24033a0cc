"""Client pages through the test client: what a person typing into them sees and gets."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from decimal import Decimal
from html import unescape

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from agency.models import AuditEvent
from clients.dates import format_date
from clients.models import Client, Contact, Evidence, Incident, Invoice
from tests.factories import (
    ClientFactory,
    ContactFactory,
    ContractFactory,
    IncidentFactory,
    InvoiceFactory,
    UserFactory,
)
from tests.files import HTML_BYTES, png_bytes


@pytest.fixture
def acme(lead, staff):
    return ClientFactory(name="Acme Rockets", account_lead=lead, team=[staff])


@pytest.fixture
def today():
    return timezone.localdate()


def body_of(response) -> str:
    return unescape(response.content.decode())


def detail_url(client: Client, tab: str | None = None) -> str:
    url = reverse("clients:detail", args=[client.pk])
    return f"{url}?tab={tab}" if tab else url


def downloaded_bytes(response) -> bytes:
    try:
        return b"".join(response.streaming_content)
    finally:
        response.close()


# --- Logging an incident with evidence -----------------------------------------------------


def incident_data(today: dt.date, **overrides) -> dict:
    return {
        "occurred_on": (today - dt.timedelta(days=2)).isoformat(),
        "category": "abusive",
        "severity": "3",
        "title": "Shouted at our designer in the review call",
        "description": "During the 10:00 review the client called the designer useless, twice.",
        **overrides,
    }


def test_team_member_logs_an_incident_with_a_png_screenshot(client, acme, staff, today):
    png = png_bytes()
    client.force_login(staff)

    response = client.post(
        reverse("clients:incident_create", args=[acme.pk]),
        incident_data(today)
        | {"files": SimpleUploadedFile("screenshot.png", png, content_type="image/png")},
    )

    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("clients:incident", args=[acme.pk, incident.pk])
    assert incident.client == acme
    assert incident.reported_by == staff
    assert incident.title == "Shouted at our designer in the review call"
    assert incident.severity == Incident.Severity.HIGH
    evidence = incident.evidence.get()
    assert evidence.original_name == "screenshot.png"
    assert evidence.content_type == "image/png"
    assert evidence.size == len(png)
    assert evidence.sha256 == hashlib.sha256(png).hexdigest()
    assert evidence.uploaded_by == staff
    page = body_of(client.get(response["Location"]))
    assert "Incident logged" in page
    assert "screenshot.png" in page


def test_logging_an_incident_refreshes_the_clients_risk(client, acme, staff, today):
    client.force_login(staff)

    client.post(reverse("clients:incident_create", args=[acme.pk]), incident_data(today))

    acme.refresh_from_db()
    assert acme.risk_level == Client.RiskLevel.HIGH
    assert "abusive behaviour" in acme.risk_explanation.lower()


def test_html_disguised_as_png_is_refused_and_nothing_is_saved(client, acme, staff, today):
    client.force_login(staff)
    typed = incident_data(today, title="Threatening e-mail at midnight")
    events_before = AuditEvent.objects.count()

    response = client.post(
        reverse("clients:incident_create", args=[acme.pk]),
        typed | {"files": SimpleUploadedFile("screenshot.png", HTML_BYTES, "image/png")},
    )

    assert response.status_code == 200
    page = body_of(response)
    assert "screenshot.png is not an accepted type" in page
    assert "Its content looks like HTML or SVG markup" in page
    # What was typed is still in the form, ready to submit again with another file.
    assert 'value="Threatening e-mail at midnight"' in page
    assert typed["description"] in page
    assert Incident.objects.count() == 0
    assert Incident.history.count() == 0
    assert Evidence.objects.count() == 0
    assert AuditEvent.objects.count() == events_before
    acme.refresh_from_db()
    assert acme.risk_score == 0


def test_incident_in_the_future_is_refused_with_a_clear_message(client, acme, staff, today):
    client.force_login(staff)
    tomorrow = (today + dt.timedelta(days=1)).isoformat()

    response = client.post(
        reverse("clients:incident_create", args=[acme.pk]),
        incident_data(today, occurred_on=tomorrow),
    )

    assert response.status_code == 200
    assert "This date is in the future." in body_of(response)
    assert not Incident.objects.exists()


# --- Downloading evidence ---------------------------------------------------------------


@pytest.fixture
def evidence(acme, lead):
    incident = IncidentFactory(client=acme, reported_by=lead)
    png = png_bytes(5, 4)
    row = Evidence(
        incident=incident,
        original_name="call notes screenshot.png",
        content_type="image/png",
        size=len(png),
        sha256=hashlib.sha256(png).hexdigest(),
        uploaded_by=lead,
    )
    row.file.save("0123456789abcdef.png", ContentFile(png), save=False)
    row.save()
    return row


@pytest.mark.parametrize("who", ["staff", "lead", "manager"])
def test_team_member_downloads_evidence_as_an_attachment_under_its_original_name(
    client, evidence, request, who
):
    client.force_login(request.getfixturevalue(who))

    response = client.get(
        reverse("clients:evidence_download", args=[evidence.incident.client_id, evidence.pk])
    )

    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert 'filename="call notes screenshot.png"' in disposition
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    content = downloaded_bytes(response)
    assert hashlib.sha256(content).hexdigest() == evidence.sha256
    assert Image.open(io.BytesIO(content)).size == (5, 4)


def test_evidence_download_is_recorded_in_the_audit_log(client, evidence, staff):
    client.force_login(staff)

    client.get(
        reverse("clients:evidence_download", args=[evidence.incident.client_id, evidence.pk])
    )

    event = AuditEvent.objects.get(action=AuditEvent.Action.DOWNLOAD)
    assert event.actor == staff
    assert event.client_id == evidence.incident.client_id
    assert "call notes screenshot.png" in event.summary


@pytest.mark.parametrize("who", ["outsider", "other_lead"])
def test_outsider_cannot_download_evidence(client, evidence, request, who):
    client.force_login(request.getfixturevalue(who))

    response = client.get(
        reverse("clients:evidence_download", args=[evidence.incident.client_id, evidence.pk])
    )

    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD).exists()


def test_evidence_of_another_client_through_this_clients_url_is_404(
    client, evidence, other_lead, staff
):
    """Staff on Acme's team cannot fetch another client's file by putting its id under Acme."""
    mine = ClientFactory(name="Mine Ltd", account_lead=other_lead, team=[staff])
    client.force_login(staff)

    response = client.get(reverse("clients:evidence_download", args=[mine.pk, evidence.pk]))

    assert response.status_code == 404


def test_uploaded_png_comes_back_byte_for_byte(client, acme, staff, today):
    png = png_bytes(7, 7)
    client.force_login(staff)
    client.post(
        reverse("clients:incident_create", args=[acme.pk]),
        incident_data(today) | {"files": SimpleUploadedFile("proof.png", png, "image/png")},
    )
    evidence = Evidence.objects.get()

    response = client.get(reverse("clients:evidence_download", args=[acme.pk, evidence.pk]))

    assert downloaded_bytes(response) == png
    assert 'filename="proof.png"' in response["Content-Disposition"]


# --- Correcting and withdrawing incidents ---------------------------------------------------


@pytest.fixture
def incident(acme, staff, today):
    from clients import services

    return services.incident_log(
        actor=staff,
        client=acme,
        occurred_on=today - dt.timedelta(days=5),
        category=Incident.Category.SCOPE_CREEP,
        severity=Incident.Severity.MEDIUM,
        title="Asked for ten extra banners",
        description="Asked for ten extra banners outside the retainer.",
    )


def test_correcting_an_incident_keeps_the_previous_version_in_history(
    client, acme, incident, lead, today
):
    client.force_login(lead)
    data = incident_data(
        today,
        occurred_on=incident.occurred_on.isoformat(),
        category="scope_creep",
        severity="4",
        title=incident.title,
        description=incident.description,
    )

    response = client.post(reverse("clients:incident_edit", args=[acme.pk, incident.pk]), data)

    assert response.status_code == 302
    records = list(incident.history.order_by("history_date", "history_id"))
    assert len(records) == 2
    created, edited = records
    assert created.severity == Incident.Severity.MEDIUM
    assert edited.severity == Incident.Severity.CRITICAL
    assert edited.history_user == lead
    assert [c.field for c in edited.diff_against(created).changes] == ["severity"]
    page = body_of(client.get(response["Location"]))
    assert "The previous version is kept in its history" in page
    assert "Changed severity" in page
    assert "Severity: “Medium” → “Critical”" in page


def test_withdrawing_needs_a_reason(client, acme, incident, lead):
    client.force_login(lead)

    response = client.post(
        reverse("clients:incident_withdraw", args=[acme.pk, incident.pk]),
        {"reason": ""},
        follow=True,
    )

    assert "Say why the incident is withdrawn" in body_of(response)
    incident.refresh_from_db()
    assert incident.state == Incident.State.ACTIVE
    assert incident.withdrawn_reason == ""


def test_withdrawing_keeps_the_incident_with_its_reason(client, acme, incident, lead):
    client.force_login(lead)

    response = client.post(
        reverse("clients:incident_withdraw", args=[acme.pk, incident.pk]),
        {"reason": "Logged against the wrong client."},
        follow=True,
    )

    assert response.status_code == 200
    assert Incident.objects.filter(pk=incident.pk).exists()
    incident.refresh_from_db()
    assert incident.state == Incident.State.WITHDRAWN
    assert incident.withdrawn_reason == "Logged against the wrong client."
    page = body_of(response)
    assert "Withdrawn." in page
    assert "Logged against the wrong client." in page
    tab = body_of(client.get(detail_url(acme, "incidents")))
    assert incident.title in tab
    assert "withdrawn" in tab


def test_withdrawn_incident_no_longer_counts_for_risk(client, acme, lead, staff, today):
    from clients import services

    high = [
        services.incident_log(
            actor=staff,
            client=acme,
            occurred_on=today - dt.timedelta(days=d),
            category=Incident.Category.SCOPE_CREEP,
            severity=Incident.Severity.HIGH,
            title=f"Extra work {d}",
            description="Outside scope.",
        )
        for d in (3, 10, 20)
    ]
    acme.refresh_from_db()
    assert acme.risk_level == Client.RiskLevel.ELEVATED
    client.force_login(lead)

    for row in high:
        client.post(
            reverse("clients:incident_withdraw", args=[acme.pk, row.pk]),
            {"reason": "Agreed in the retainer after all."},
        )

    acme.refresh_from_db()
    assert acme.risk_level == Client.RiskLevel.LOW
    assert acme.risk_score == 0
    assert "Nothing of concern on record." in body_of(client.get(detail_url(acme)))


# --- Invoices and the payment statement -------------------------------------------------


def invoice_data(**overrides) -> dict:
    return {
        "number": "INV-2026-001",
        "issued_on": "2026-03-01",
        "due_on": "2026-03-31",
        "amount": "1200.00",
        "paid_on": "",
        "paid_amount": "0",
        **overrides,
    }


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"due_on": "2026-02-20"}, "The due date is before the issue date."),
        ({"paid_amount": "1200.00"}, "Enter the date the payment was received."),
        (
            {"paid_amount": "1500.00", "paid_on": "2026-03-20"},
            "More than the invoice amount was entered as paid.",
        ),
        ({"paid_on": "2026-03-20"}, "Enter how much was received on that date."),
        ({"amount": "0"}, "The amount must be more than zero."),
    ],
    ids=[
        "due-before-issue",
        "paid-without-date",
        "paid-more-than-amount",
        "date-without-paid",
        "zero",
    ],
)
def test_invoice_form_refuses_inconsistent_figures_with_a_clear_message(
    client, acme, lead, overrides, message
):
    client.force_login(lead)

    response = client.post(
        reverse("clients:invoice_create", args=[acme.pk]), invoice_data(**overrides)
    )

    assert response.status_code == 200
    page = body_of(response)
    assert message in page
    assert "nothing was saved" in page
    assert "Constraint" not in page  # a person-readable message, not a database constraint name
    assert not Invoice.objects.exists()


def test_recording_a_paid_invoice_shows_it_on_the_payments_tab(client, acme, lead):
    client.force_login(lead)

    response = client.post(
        reverse("clients:invoice_create", args=[acme.pk]),
        invoice_data(paid_on="2026-04-10", paid_amount="1200.00"),
        follow=True,
    )

    invoice = Invoice.objects.get()
    assert invoice.paid_on == dt.date(2026, 4, 10)
    assert invoice.days_late() == 10
    assert response.redirect_chain[-1][0] == detail_url(acme, "payments")
    page = body_of(response)
    assert "Invoice saved." in page
    assert "INV-2026-001" in page


def test_duplicate_invoice_number_is_refused_with_a_message(client, acme, lead):
    InvoiceFactory(client=acme, number="INV-2026-001")
    client.force_login(lead)
    client.raise_request_exception = False  # a server error must fail the test, not raise

    response = client.post(reverse("clients:invoice_create", args=[acme.pk]), invoice_data())

    assert response.status_code == 200
    assert "already exists" in body_of(response)
    assert Invoice.objects.count() == 1


def stat_figures(page: str) -> list[str]:
    """The three headline figures of the payments tab, whitespace collapsed, tags removed."""
    raw = re.findall(r'<div class="stat-figure">(.*?)</div>', page, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", r).split()) for r in raw]


def test_payments_tab_shows_lateness_and_what_is_overdue(client, acme, staff, today):
    def invoice(number, due_days_ago, paid_days_ago=None, amount="1000.00"):
        due = today - dt.timedelta(days=due_days_ago)
        paid = today - dt.timedelta(days=paid_days_ago) if paid_days_ago is not None else None
        return InvoiceFactory(
            client=acme,
            number=number,
            issued_on=due - dt.timedelta(days=30),
            due_on=due,
            amount=Decimal(amount),
            paid_on=paid,
            paid_amount=Decimal(amount) if paid else Decimal("0"),
        )

    invoice("OLD", due_days_ago=500, paid_days_ago=450)  # 50 days late, but over a year ago
    invoice("ON-TIME", due_days_ago=170, paid_days_ago=175)
    invoice("LATE-10", due_days_ago=70, paid_days_ago=60)
    invoice("LATE-20", due_days_ago=40, paid_days_ago=20)
    invoice("UNPAID", due_days_ago=10, amount="1500.00")  # 10 days late so far, overdue
    invoice("NOT-YET-DUE", due_days_ago=-20, amount="800.00")
    client.force_login(staff)

    page = body_of(client.get(detail_url(acme, "payments")))

    late, average, overdue = stat_figures(page)
    assert late == "3 of 4"
    assert average == "13.3"  # (10 + 20 + 10) / 3
    assert overdue == "€1,500.00"
    assert "invoices late in the last 12 months: 2 paid late, 1 unpaid" in page
    for number in ("OLD", "ON-TIME", "LATE-10", "LATE-20", "UNPAID", "NOT-YET-DUE"):
        assert number in page
    assert page.count(">overdue</span>") == 1


def test_payments_tab_for_a_client_who_always_paid_on_time(client, acme, lead, today):
    InvoiceFactory(
        client=acme,
        issued_on=today - dt.timedelta(days=60),
        due_on=today - dt.timedelta(days=30),
        paid_on=today - dt.timedelta(days=31),
        paid_amount=Decimal("4000.00"),
    )
    client.force_login(lead)

    late, average, overdue = stat_figures(body_of(client.get(detail_url(acme, "payments"))))

    assert (late, average, overdue) == ("0 of 1", "0.0", "€0.00")


# --- Contacts ------------------------------------------------------------------------------


def test_marking_a_second_contact_for_the_handover_moves_the_flag(client, acme, lead):
    first = ContactFactory(client=acme, name="Dana First", receives_handover=True)
    second = ContactFactory(client=acme, name="Eli Second")
    client.force_login(lead)

    response = client.post(
        reverse("clients:contact_edit", args=[acme.pk, second.pk]),
        {
            "name": "Eli Second",
            "role": "CTO",
            "email": "eli@client.example",
            "receives_handover": "on",
        },
    )

    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert not first.receives_handover
    assert second.receives_handover
    assert list(Contact.objects.filter(client=acme, receives_handover=True)) == [second]
    page = body_of(client.get(detail_url(acme)))
    assert page.count("Receives the handover") == 1


def test_adding_a_new_handover_contact_moves_the_flag_too(client, acme, manager):
    first = ContactFactory(client=acme, name="Dana First", receives_handover=True)
    client.force_login(manager)

    response = client.post(
        reverse("clients:contact_create", args=[acme.pk]),
        {"name": "Nora New", "role": "COO", "receives_handover": "on"},
    )

    assert response.status_code == 302
    first.refresh_from_db()
    assert not first.receives_handover
    assert Contact.objects.get(client=acme, receives_handover=True).name == "Nora New"


def test_overview_warns_when_nobody_receives_the_handover(client, acme, staff):
    ContactFactory(client=acme, name="Dana First")
    client.force_login(staff)

    page = body_of(client.get(detail_url(acme)))

    assert "No contact is marked to receive the handover yet." in page


# --- Contracts -----------------------------------------------------------------------------


def test_contracts_tab_shows_notice_deadline_and_earliest_end(client, acme, staff, today):
    end = today + dt.timedelta(days=100)
    ContractFactory(
        client=acme,
        start_date=today - dt.timedelta(days=300),
        end_date=end,
        notice_days=30,
        auto_renews=False,
        termination_clause_ref="7.2",
    )
    client.force_login(staff)

    page = " ".join(body_of(client.get(detail_url(acme, "contracts"))).split())

    deadline = end - dt.timedelta(days=30)
    earliest = today + dt.timedelta(days=30)
    assert f"give notice by <strong>{format_date(deadline)}</strong>" in page
    assert f"earliest end <strong>{format_date(earliest)}</strong>" in page
    assert f"end of the term ({format_date(end)})" in page
    assert "Clause 7.2" in page
    assert "30 days" in page


def test_contracts_tab_says_when_the_notice_deadline_has_passed(client, acme, staff, today):
    end = today + dt.timedelta(days=10)
    ContractFactory(
        client=acme,
        start_date=today - dt.timedelta(days=300),
        end_date=end,
        notice_days=30,
        auto_renews=False,
    )
    client.force_login(staff)

    page = " ".join(body_of(client.get(detail_url(acme, "contracts"))).split())

    assert f"give notice by <strong>{format_date(end - dt.timedelta(days=30))}</strong>" in page
    assert "passed" in page
    # Notice given today cannot run past the fixed end: the contract ends at its end date.
    assert f"earliest end <strong>{format_date(end)}</strong>" in page


def test_contracts_tab_for_a_rolling_contract(client, acme, staff, today):
    ContractFactory(
        client=acme, start_date=today - dt.timedelta(days=300), end_date=None, notice_days=60
    )
    client.force_login(staff)

    page = " ".join(body_of(client.get(detail_url(acme, "contracts"))).split())

    assert "Rolling contract" in page
    assert f"earliest end <strong>{format_date(today + dt.timedelta(days=60))}</strong>" in page


# --- Query counts stay flat however many rows there are ------------------------------------


def count_queries(django_client, url: str) -> int:
    django_client.get(url)  # warm caches (content types, session) out of the measurement
    with CaptureQueriesContext(connection) as ctx:
        response = django_client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def add_clients(n: int, *, lead, staff, other_lead) -> None:
    for i in range(n):
        own = i % 2 == 0
        c = ClientFactory(
            account_lead=lead if own else other_lead,
            team=[staff] if own else [staff, lead],
        )
        IncidentFactory(client=c, reported_by=c.account_lead)
        IncidentFactory(client=c, reported_by=staff, state=Incident.State.WITHDRAWN)


@pytest.mark.parametrize("who", ["manager", "lead", "staff"])
def test_client_list_uses_the_same_number_of_queries_for_3_and_50_clients(
    client, request, who, lead, staff, other_lead
):
    client.force_login(request.getfixturevalue(who))
    url = reverse("clients:list")

    add_clients(3, lead=lead, staff=staff, other_lead=other_lead)
    with_3 = count_queries(client, url)
    add_clients(47, lead=lead, staff=staff, other_lead=other_lead)
    with_50 = count_queries(client, url)

    assert with_3 == with_50
    assert len(client.get(url).context["page"].object_list) == 25  # a full page at 50


@pytest.mark.parametrize("sort", ["-risk", "risk", "added", "-added"])
def test_sorted_client_list_pages_never_repeat_or_skip_a_client(client, manager, sort):
    # Every client has the same score and most the same creation second: only the
    # tie-breaker decides the order, and it must be the same for every page.
    ClientFactory.create_batch(40)
    client.force_login(manager)
    url = reverse("clients:list")
    seen = [
        row.pk
        for page in (1, 2)
        for row in client.get(url, {"sort": sort, "page": page}).context["page"].object_list
    ]
    assert len(seen) == 40 and len(set(seen)) == 40


def test_client_list_counts_open_incidents_per_client(client, acme, lead, staff):
    IncidentFactory.create_batch(2, client=acme)
    IncidentFactory(client=acme, state=Incident.State.WITHDRAWN)
    client.force_login(lead)

    rows = client.get(reverse("clients:list")).context["page"].object_list

    assert [(c.name, c.open_incidents) for c in rows] == [("Acme Rockets", 2)]


def add_incidents(client_obj: Client, n: int, reporters) -> None:
    for i in range(n):
        row = IncidentFactory(client=client_obj, reported_by=reporters[i % len(reporters)])
        if i % 3 == 0:
            ev = Evidence(
                incident=row,
                original_name=f"mail-{i}.png",
                content_type="image/png",
                size=1,
                sha256="0" * 64,
                uploaded_by=row.reported_by,
            )
            ev.file.name = f"evidence/x/{i}.png"
            ev.save()


def test_incidents_tab_uses_the_same_number_of_queries_for_3_and_30_incidents(
    client, acme, lead, staff
):
    reporters = [lead, staff, UserFactory(username="reporter3")]
    acme.team.add(reporters[2])
    client.force_login(lead)
    url = detail_url(acme, "incidents")

    add_incidents(acme, 3, reporters)
    with_3 = count_queries(client, url)
    add_incidents(acme, 27, reporters)
    with_30 = count_queries(client, url)

    assert with_3 == with_30
    assert len(client.get(url).context["page"].object_list) == 25


def test_incidents_tab_shows_evidence_count_and_reporter(client, acme, lead, staff):
    add_incidents(acme, 1, [staff])
    client.force_login(lead)

    rows = client.get(detail_url(acme, "incidents")).context["page"].object_list

    assert [(r.reported_by, r.evidence_count) for r in rows] == [(staff, 1)]


def test_incidents_tab_lists_the_newest_incident_first(client, acme, lead, today):
    for days_ago in (40, 30, 20, 10, 5, 1):
        IncidentFactory(
            client=acme, occurred_on=today - dt.timedelta(days=days_ago), title=f"{days_ago}d ago"
        )
    client.force_login(lead)

    rows = client.get(detail_url(acme, "incidents")).context["page"].object_list

    assert [r.title for r in rows] == [
        "1d ago",
        "5d ago",
        "10d ago",
        "20d ago",
        "30d ago",
        "40d ago",
    ]


# --- Editing the client ---------------------------------------------------------------------


def client_form_data(c: Client, **overrides) -> dict:
    return {
        "name": c.name,
        "website": c.website,
        "industry": c.industry,
        "account_lead": c.account_lead_id,
        "team": [u.pk for u in c.team.all()],
        "start_date": "2023-01-01",
        "monthly_value": "4000.00",
        "currency": "EUR",
        "notes": "",
        **overrides,
    }


def test_manager_reassigns_the_account_lead(client, acme, manager, lead, other_lead, staff):
    client.force_login(manager)

    response = client.post(
        reverse("clients:edit", args=[acme.pk]),
        client_form_data(acme, account_lead=other_lead.pk, team=[staff.pk, lead.pk]),
    )

    assert response.status_code == 302
    acme.refresh_from_db()
    assert acme.account_lead == other_lead
    assert set(acme.team.all()) == {other_lead, lead, staff}
    event = AuditEvent.objects.filter(client_id=acme.pk).latest("created_at")
    assert event.actor == manager
    assert "Account lead changed" in event.summary


def test_lead_cannot_reassign_the_account_lead_through_the_form(client, acme, lead, other_lead):
    client.force_login(lead)

    client.post(
        reverse("clients:edit", args=[acme.pk]),
        client_form_data(acme, name="Acme Rockets Group", account_lead=other_lead.pk),
    )

    acme.refresh_from_db()
    assert acme.name == "Acme Rockets Group"
    assert acme.account_lead == lead
    assert other_lead not in acme.team.all()


def test_lead_editing_the_team_stays_on_it(client, acme, lead, staff):
    client.force_login(lead)

    client.post(reverse("clients:edit", args=[acme.pk]), client_form_data(acme, team=[staff.pk]))

    acme.refresh_from_db()
    assert set(acme.team.all()) == {lead, staff}


def test_client_edit_keeps_history_with_the_editor(client, acme, lead):
    client.force_login(lead)

    client.post(reverse("clients:edit", args=[acme.pk]), client_form_data(acme, industry="Travel"))

    latest = acme.history.latest()
    assert latest.industry == "Travel"
    assert latest.history_user == lead


# --- Adding evidence later, and the signed contract -----------------------------------------


def test_team_member_attaches_evidence_to_an_incident_later(client, acme, incident, staff):
    client.force_login(staff)
    png = png_bytes(2, 2)

    response = client.post(
        reverse("clients:evidence_add", args=[acme.pk, incident.pk]),
        {"files": [SimpleUploadedFile("follow-up.png", png, "image/png")]},
        follow=True,
    )

    assert "Evidence added." in body_of(response)
    evidence = incident.evidence.get()
    assert evidence.original_name == "follow-up.png"
    assert evidence.sha256 == hashlib.sha256(png).hexdigest()


def test_a_rejected_evidence_file_is_explained_and_not_kept(client, acme, incident, staff):
    client.force_login(staff)

    response = client.post(
        reverse("clients:evidence_add", args=[acme.pk, incident.pk]),
        {"files": [SimpleUploadedFile("screenshot.png", HTML_BYTES, "image/png")]},
        follow=True,
    )

    page = body_of(response)
    assert "No file was added" in page
    assert "screenshot.png is not an accepted type" in page
    assert not Evidence.objects.exists()


def test_team_member_downloads_the_signed_contract_as_a_pdf(client, acme, staff):
    from tests.files import pdf_bytes

    contract = ContractFactory(client=acme, signed_file_name="Retainer signed.pdf")
    contract.signed_file.save("abc.pdf", ContentFile(pdf_bytes()), save=True)
    client.force_login(staff)

    response = client.get(reverse("clients:contract_file", args=[acme.pk, contract.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="Retainer signed.pdf"' in response["Content-Disposition"]
    assert downloaded_bytes(response).startswith(b"%PDF-")


def test_a_contract_without_a_signed_file_has_nothing_to_download(client, acme, lead):
    contract = ContractFactory(client=acme)
    client.force_login(lead)

    response = client.get(reverse("clients:contract_file", args=[acme.pk, contract.pk]))

    assert response.status_code == 404


def test_incident_page_queries_do_not_grow_with_edits_and_evidence(client, acme, lead):
    from clients import services
    from tests.files import png_bytes

    incident = services.incident_log(
        actor=lead,
        client=acme,
        occurred_on=dt.date(2026, 10, 1),
        category=Incident.Category.SCOPE_CREEP,
        severity=Incident.Severity.MEDIUM,
        title="Extra pages",
        description="Three pages outside scope.",
    )

    def attach(n):
        services.evidence_add(
            actor=lead,
            incident=incident,
            files=[SimpleUploadedFile(f"s{i}.png", png_bytes(), "image/png") for i in range(n)],
        )

    client.force_login(lead)
    url = reverse("clients:incident", args=[acme.pk, incident.pk])
    services.incident_update(actor=lead, incident=incident, title="Extra pages (1)")
    attach(1)
    few = count_queries(client, url)
    for i in range(2, 7):
        services.incident_update(actor=lead, incident=incident, title=f"Extra pages ({i})")
    attach(5)
    many = count_queries(client, url)
    assert few == many
    assert client.get(url).content.decode().count("s0.png") == 2


def test_incident_history_shows_labels_not_stored_codes(client, acme, lead, today):
    from clients import services

    incident = services.incident_log(
        actor=lead,
        client=acme,
        occurred_on=today,
        category="other",
        severity=Incident.Severity.LOW,
        title="Call",
        description="Raised voice.",
    )
    services.incident_update(
        actor=lead, incident=incident, severity=Incident.Severity.MEDIUM, category="abusive"
    )
    client.force_login(lead)

    page = client.get(reverse("clients:incident", args=[acme.pk, incident.pk])).text

    assert "Severity: “Low” → “Medium”" in page
    assert "“Other” → “Abusive or disrespectful behaviour”" in page
    assert "“1” → “2”" not in page


def sort_options(page: str) -> list[tuple[str, str]]:
    menu = re.search(r'<select[^>]*name="sort".*?</select>', page, re.S).group(0)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', menu)


def test_the_sort_menu_lists_each_order_once(client, manager):
    client.force_login(manager)

    options = sort_options(body_of(client.get(reverse("clients:list"))))

    assert options == [
        ("name", "Name (A–Z)"),
        ("-name", "Name (Z–A)"),
        ("risk", "Risk (lowest first)"),
        ("-risk", "Risk (highest first)"),
        ("added", "Date added (oldest first)"),
        ("-added", "Date added (newest first)"),
    ]


def test_the_default_order_is_by_name_with_or_without_the_sort_chosen(client, manager):
    for name in ("Zeta", "Alpha", "Mu"):
        ClientFactory(name=name)
    client.force_login(manager)
    url = reverse("clients:list")

    for params in ({}, {"sort": "name"}, {"sort": ""}, {"status": ""}):
        rows = client.get(url, params).context["page"].object_list
        assert [c.name for c in rows] == ["Alpha", "Mu", "Zeta"], params
