"""The write actions, called directly: they refuse what permissions refuse, and keep history."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from agency.errors import Refused
from agency.models import AuditEvent
from agency.uploads import UploadRejected
from clients import services
from clients.models import Client, Contact, Contract, Evidence, Incident, Invoice, RepairAttempt
from tests.factories import (
    ClientFactory,
    ContactFactory,
    ContractFactory,
    IncidentFactory,
    InvoiceFactory,
)
from tests.files import HTML_BYTES, pdf_bytes, png_bytes


@pytest.fixture
def acme(lead, staff):
    return ClientFactory(name="Acme Rockets", account_lead=lead, team=[staff])


@pytest.fixture
def today():
    return timezone.localdate()


def log(actor, client, today, **overrides) -> Incident:
    fields = {
        "occurred_on": today - dt.timedelta(days=3),
        "category": Incident.Category.SCOPE_CREEP,
        "severity": Incident.Severity.MEDIUM,
        "title": "Asked for extra pages",
        "description": "Three landing pages outside the retainer.",
        **overrides,
    }
    return services.incident_log(actor=actor, client=client, **fields)


# --- Clients -----------------------------------------------------------------------------


def test_staff_cannot_update_the_client(acme, staff):
    with pytest.raises(Refused, match="Only the account lead and managers"):
        services.client_update(actor=staff, client=acme, name="Hijacked")

    acme.refresh_from_db()
    assert acme.name == "Acme Rockets"


def test_another_lead_cannot_update_the_client(acme, other_lead):
    with pytest.raises(Refused):
        services.client_update(actor=other_lead, client=acme, name="Hijacked")

    acme.refresh_from_db()
    assert acme.name == "Acme Rockets"


def test_lead_updates_their_client_and_history_names_them(acme, lead):
    services.client_update(actor=lead, client=acme, industry="Aerospace")

    acme.refresh_from_db()
    assert acme.industry == "Aerospace"
    assert acme.history.latest().history_user == lead


def test_lead_cannot_reassign_the_account_lead(acme, lead, other_lead):
    with pytest.raises(Refused, match="Only managers reassign the account lead"):
        services.client_update(actor=lead, client=acme, account_lead=other_lead)

    acme.refresh_from_db()
    assert acme.account_lead == lead


def test_manager_reassigns_the_account_lead_who_joins_the_team(acme, manager, other_lead):
    services.client_update(actor=manager, client=acme, account_lead=other_lead)

    acme.refresh_from_db()
    assert acme.account_lead == other_lead
    assert other_lead in acme.team.all()
    event = AuditEvent.objects.filter(client_id=acme.pk).latest("created_at")
    assert event.summary.startswith("Account lead changed from")
    assert event.actor == manager


def test_editing_never_moves_the_status(acme, lead):
    with pytest.raises(TypeError, match="may not set status"):
        services.client_update(actor=lead, client=acme, status=Client.Status.OFFBOARDED, notes="x")

    acme.refresh_from_db()
    assert acme.status == Client.Status.ACTIVE
    assert acme.notes != "x"


@pytest.mark.parametrize(
    ("service", "target"),
    [("contact_save", "client"), ("invoice_save", "client"), ("repair_attempt_save", "client")],
)
def test_services_refuse_a_field_they_do_not_name(acme, lead, service, target):
    with pytest.raises(TypeError, match="may not set client_id"):
        getattr(services, service)(actor=lead, client=acme, client_id=999)


def test_the_lead_always_stays_on_the_team(acme, lead, staff):
    services.client_update(actor=lead, client=acme, team=[staff])

    assert set(acme.team.all()) == {lead, staff}


def test_staff_cannot_add_a_client(staff):
    with pytest.raises(Refused, match="Only account leads and managers add clients"):
        services.client_create(actor=staff, name="Side Project Ltd", account_lead=staff)

    assert not Client.objects.filter(name="Side Project Ltd").exists()


def test_a_lead_who_adds_a_client_leads_it_whoever_they_name(lead, other_lead, staff):
    created = services.client_create(
        actor=lead, name="New Co", account_lead=other_lead, team=[staff]
    )

    assert created.account_lead == lead
    assert set(created.team.all()) == {lead, staff}
    assert AuditEvent.objects.filter(client_id=created.pk, action="created").exists()


def test_manager_adds_a_client_for_a_lead(manager, lead):
    created = services.client_create(actor=manager, name="Delegated Co", account_lead=lead)

    assert created.account_lead == lead
    assert lead in created.team.all()
    assert created.risk_explanation == "Nothing of concern on record."


@pytest.mark.parametrize("agency_language", ["en-gb", "nl"])
def test_a_client_added_without_a_language_gets_the_agencys(settings, lead, agency_language):
    settings.LANGUAGE_CODE = agency_language

    created = services.client_create(actor=lead, name="Polyglot BV")

    created.refresh_from_db()
    assert created.language == agency_language == settings.LANGUAGE_CODE


def test_the_client_language_is_written_by_the_service(acme, lead):
    services.client_update(actor=lead, client=acme, language="hu")

    acme.refresh_from_db()
    assert acme.language == "hu"


# --- Contacts, contracts, invoices ---------------------------------------------------------


def test_staff_cannot_save_contacts(acme, staff):
    with pytest.raises(Refused):
        services.contact_save(actor=staff, client=acme, name="Someone")

    assert not Contact.objects.exists()


def test_only_one_contact_receives_the_handover(acme, lead):
    first = services.contact_save(actor=lead, client=acme, name="Dana", receives_handover=True)
    second = services.contact_save(actor=lead, client=acme, name="Eli")

    services.contact_save(actor=lead, client=acme, contact=second, receives_handover=True)

    first.refresh_from_db()
    assert not first.receives_handover
    assert list(acme.contacts.filter(receives_handover=True)) == [second]
    assert acme.handover_contact == second


def test_resaving_the_handover_contact_keeps_its_flag(acme, lead):
    only = ContactFactory(client=acme, receives_handover=True)

    services.contact_save(actor=lead, client=acme, contact=only, receives_handover=True, role="CEO")

    only.refresh_from_db()
    assert only.receives_handover
    assert only.role == "CEO"


def test_staff_cannot_save_contracts(acme, staff):
    with pytest.raises(Refused):
        services.contract_save(
            actor=staff, client=acme, title="Side deal", start_date=dt.date(2026, 1, 1)
        )

    assert not Contract.objects.exists()


def test_a_new_current_contract_replaces_the_old_current_one(acme, lead):
    old = ContractFactory(client=acme, is_current=True)

    new = services.contract_save(
        actor=lead,
        client=acme,
        title="Renewed retainer",
        start_date=dt.date(2027, 1, 1),
        end_date=dt.date(2027, 12, 31),
        is_current=True,
    )

    old.refresh_from_db()
    assert not old.is_current
    assert acme.contracts.get(is_current=True) == new


def test_signed_contract_must_be_a_pdf(acme, lead):
    with pytest.raises(UploadRejected, match="not an accepted type"):
        services.contract_save(
            actor=lead,
            client=acme,
            signed_upload=SimpleUploadedFile("contract.pdf", png_bytes(), "application/pdf"),
            title="Retainer",
            start_date=dt.date(2026, 1, 1),
        )

    assert not Contract.objects.exists()


def test_signed_pdf_is_stored_under_a_random_name_and_keeps_its_display_name(acme, lead):
    contract = services.contract_save(
        actor=lead,
        client=acme,
        signed_upload=SimpleUploadedFile("Signed retainer.pdf", pdf_bytes(), "application/pdf"),
        title="Retainer",
        start_date=dt.date(2026, 1, 1),
    )

    assert contract.signed_file_name == "Signed retainer.pdf"
    assert "Signed retainer" not in contract.signed_file.name
    assert contract.signed_file.name.endswith(".pdf")


def test_staff_cannot_record_invoices(acme, staff):
    with pytest.raises(Refused, match="record invoices"):
        services.invoice_save(
            actor=staff,
            client=acme,
            number="X-1",
            issued_on=dt.date(2026, 1, 1),
            due_on=dt.date(2026, 1, 31),
            amount=Decimal("100"),
        )

    assert not Invoice.objects.exists()


def test_a_payment_needs_its_date(acme, lead):
    with pytest.raises(Refused, match="needs the date it was received"):
        services.invoice_save(
            actor=lead,
            client=acme,
            number="X-1",
            issued_on=dt.date(2026, 1, 1),
            due_on=dt.date(2026, 1, 31),
            amount=Decimal("100"),
            paid_amount=Decimal("100"),
        )

    assert not Invoice.objects.exists()


def test_recording_a_late_payment_raises_the_risk(acme, lead, today):
    due = today - dt.timedelta(days=40)
    services.invoice_save(
        actor=lead,
        client=acme,
        number="X-1",
        issued_on=due - dt.timedelta(days=30),
        due_on=due,
        amount=Decimal("100"),
        paid_on=today - dt.timedelta(days=5),
        paid_amount=Decimal("100"),
    )

    acme.refresh_from_db()
    assert acme.risk_explanation == "1 of the last 1 invoices paid late"
    assert acme.risk_score == 3


# --- Incidents -----------------------------------------------------------------------------


def test_outsider_cannot_log_an_incident(acme, outsider, today):
    with pytest.raises(Refused, match="Only members of this client's team"):
        log(outsider, acme, today)

    assert not Incident.objects.exists()


def test_staff_on_the_team_logs_an_incident_with_history_and_audit(acme, staff, today):
    incident = log(staff, acme, today)

    assert incident.reported_by == staff
    assert incident.history.count() == 1
    assert incident.history.get().history_user == staff
    assert AuditEvent.objects.filter(object_id=incident.pk, actor=staff).exists()


def test_one_bad_file_stops_the_whole_incident(acme, staff, today):
    files = [
        SimpleUploadedFile("ok.png", png_bytes(), "image/png"),
        SimpleUploadedFile("screenshot.png", HTML_BYTES, "image/png"),
    ]

    with pytest.raises(UploadRejected, match="screenshot.png"):
        log(staff, acme, today, files=files)

    assert not Incident.objects.exists()
    assert not Evidence.objects.exists()


def test_incident_update_records_who_changed_what(acme, staff, lead, today):
    incident = log(staff, acme, today)

    services.incident_update(
        actor=lead, incident=incident, description="Four landing pages, not three."
    )

    records = list(incident.history.order_by("history_date", "history_id"))
    assert len(records) == 2
    assert records[1].history_user == lead
    assert records[1].description == "Four landing pages, not three."
    assert [c.field for c in records[1].diff_against(records[0]).changes] == ["description"]


def test_incident_update_cannot_change_reporter_client_or_state(acme, staff, lead, manager, today):
    incident = log(staff, acme, today)
    other = ClientFactory(account_lead=lead)

    with pytest.raises(TypeError, match="client, reported_by, state, withdrawn_reason"):
        services.incident_update(
            actor=manager,
            incident=incident,
            reported_by=manager,
            client=other,
            state=Incident.State.WITHDRAWN,
            withdrawn_reason="sneaky",
            title="Corrected title",
        )
    services.incident_update(actor=manager, incident=incident, title="Corrected title")

    incident.refresh_from_db()
    assert incident.title == "Corrected title"
    assert incident.reported_by == staff
    assert incident.client == acme
    assert incident.state == Incident.State.ACTIVE
    assert incident.withdrawn_reason == ""


def test_staff_cannot_correct_someone_elses_incident(acme, staff, lead, today):
    incident = log(lead, acme, today)

    with pytest.raises(Refused, match="Only the reporter"):
        services.incident_update(actor=staff, incident=incident, title="Changed by staff")

    incident.refresh_from_db()
    assert incident.title == "Asked for extra pages"
    assert incident.history.count() == 1


def test_withdraw_without_a_reason_is_refused(acme, lead, today):
    incident = log(lead, acme, today)

    with pytest.raises(Refused, match="Say why"):
        services.incident_withdraw(actor=lead, incident=incident, reason="   ")

    incident.refresh_from_db()
    assert incident.state == Incident.State.ACTIVE


def test_staff_cannot_withdraw_someone_elses_incident(acme, staff, lead, today):
    incident = log(lead, acme, today)

    with pytest.raises(Refused):
        services.incident_withdraw(actor=staff, incident=incident, reason="I disagree.")

    incident.refresh_from_db()
    assert incident.state == Incident.State.ACTIVE


def test_withdraw_keeps_the_row_reason_and_history_and_clears_the_risk(acme, lead, today):
    incident = log(lead, acme, today, severity=Incident.Severity.CRITICAL)
    acme.refresh_from_db()
    assert acme.risk_score == 10

    services.incident_withdraw(actor=lead, incident=incident, reason="  Wrong client.  ")

    incident.refresh_from_db()
    assert incident.state == Incident.State.WITHDRAWN
    assert incident.withdrawn_reason == "Wrong client."
    assert incident.history.count() == 2
    assert incident.history.latest().history_user == lead
    acme.refresh_from_db()
    assert acme.risk_score == 0
    assert acme.risk_explanation == "Nothing of concern on record."


def test_withdrawing_twice_changes_nothing_the_second_time(acme, lead, manager, today):
    incident = log(lead, acme, today)
    services.incident_withdraw(actor=lead, incident=incident, reason="Duplicate entry.")
    incident.refresh_from_db()

    services.incident_withdraw(actor=manager, incident=incident, reason="Another reason.")

    incident.refresh_from_db()
    assert incident.withdrawn_reason == "Duplicate entry."
    assert incident.history.count() == 2


def test_a_withdrawn_incident_cannot_be_corrected(acme, lead, today):
    incident = log(lead, acme, today)
    services.incident_withdraw(actor=lead, incident=incident, reason="Duplicate entry.")
    incident.refresh_from_db()

    with pytest.raises(Refused):
        services.incident_update(actor=lead, incident=incident, title="Revived")


def test_no_evidence_on_a_withdrawn_incident(acme, lead, today):
    incident = log(lead, acme, today)
    services.incident_withdraw(actor=lead, incident=incident, reason="Duplicate entry.")
    incident.refresh_from_db()

    with pytest.raises(Refused):
        services.evidence_add(
            actor=lead,
            incident=incident,
            files=[SimpleUploadedFile("late.png", png_bytes(), "image/png")],
        )

    assert not Evidence.objects.exists()


def test_outsider_cannot_add_evidence(acme, lead, outsider, today):
    incident = log(lead, acme, today)

    with pytest.raises(Refused):
        services.evidence_add(
            actor=outsider,
            incident=incident,
            files=[SimpleUploadedFile("x.png", png_bytes(), "image/png")],
        )

    assert not Evidence.objects.exists()


def test_evidence_needs_at_least_one_file(acme, staff, today):
    incident = log(staff, acme, today)

    with pytest.raises(Refused, match="Choose at least one file"):
        services.evidence_add(actor=staff, incident=incident, files=[])


def test_evidence_added_later_is_on_the_audit_trail(acme, staff, today):
    incident = log(staff, acme, today)
    services.evidence_add(
        actor=staff,
        incident=incident,
        files=[SimpleUploadedFile(f"mail{i}.pdf", pdf_bytes(), "application/pdf") for i in (1, 2)],
    )
    event = AuditEvent.objects.get(client_id=acme.pk, summary__startswith="Evidence added")
    assert event.actor == staff and "2 file(s)" in event.summary
    assert event.object_id == incident.pk


def test_attaching_more_than_the_limit_of_files_at_once_is_refused(acme, staff, today):
    from agency.uploads import MAX_FILES_PER_REQUEST

    incident = log(staff, acme, today)
    files = [
        SimpleUploadedFile(f"shot{i}.png", png_bytes(), "image/png")
        for i in range(MAX_FILES_PER_REQUEST + 1)
    ]
    with pytest.raises(Refused, match=f"at most {MAX_FILES_PER_REQUEST} files"):
        services.evidence_add(actor=staff, incident=incident, files=files)
    assert not Evidence.objects.exists()


def test_someone_removed_from_the_team_cannot_correct_their_old_incident(acme, staff, today):
    incident = log(staff, acme, today)
    acme.team.remove(staff)

    with pytest.raises(Refused):
        services.incident_update(actor=staff, incident=incident, title="Changed after leaving")

    incident.refresh_from_db()
    assert incident.title == "Asked for extra pages"


def test_someone_removed_from_the_team_cannot_withdraw_their_old_incident(acme, staff, today):
    incident = log(staff, acme, today)
    acme.team.remove(staff)

    with pytest.raises(Refused):
        services.incident_withdraw(actor=staff, incident=incident, reason="Left; tidying up.")

    incident.refresh_from_db()
    assert incident.state == Incident.State.ACTIVE


# --- Repair attempts ---------------------------------------------------------------------


def test_outsider_cannot_record_a_repair_attempt(acme, outsider, today):
    with pytest.raises(Refused):
        services.repair_attempt_save(
            actor=outsider,
            client=acme,
            kind=RepairAttempt.Kind.CONVERSATION,
            tried_on=today,
            description="Talked.",
        )

    assert not RepairAttempt.objects.exists()


def test_failed_repair_attempt_recorded_by_staff_raises_the_risk(acme, staff, today):
    attempt = services.repair_attempt_save(
        actor=staff,
        client=acme,
        kind=RepairAttempt.Kind.BOUNDARIES,
        tried_on=today - dt.timedelta(days=10),
        description="Agreed office hours for calls.",
        outcome=RepairAttempt.Outcome.WORSE,
    )

    assert attempt.recorded_by == staff
    acme.refresh_from_db()
    assert acme.risk_score == 6
    assert acme.risk_explanation == "1 repair attempt without effect"


def test_updating_an_attempt_keeps_who_first_recorded_it(acme, staff, lead, today):
    attempt = services.repair_attempt_save(
        actor=staff,
        client=acme,
        kind=RepairAttempt.Kind.CONVERSATION,
        tried_on=today,
        description="Talked.",
    )

    services.repair_attempt_save(
        actor=lead, client=acme, repair_attempt=attempt, outcome=RepairAttempt.Outcome.HELPED
    )

    attempt.refresh_from_db()
    assert attempt.recorded_by == staff
    assert attempt.outcome == RepairAttempt.Outcome.HELPED
    assert attempt.history.latest().history_user == lead


def test_risk_refresh_writes_the_assessment_to_the_client(acme, today):
    for _ in range(3):
        IncidentFactory(
            client=acme,
            occurred_on=today - dt.timedelta(days=5),
            severity=Incident.Severity.HIGH,
        )
    InvoiceFactory(
        client=acme,
        issued_on=today - dt.timedelta(days=60),
        due_on=today - dt.timedelta(days=30),
    )

    services.client_risk_refresh(client=acme, today=today)

    stored = Client.objects.get(pk=acme.pk)
    assert stored.risk_level == Client.RiskLevel.HIGH  # 18 + 3 + 5 = 26
    assert stored.risk_score == 26
    assert "3 high-severity incidents in 90 days" in stored.risk_explanation
    assert "€4,000.00 overdue now" in stored.risk_explanation
    assert stored.risk_computed_at is not None


def high_risk(client, today):
    """Recent abusive behaviour of high severity: a high signal, until it fades."""
    for _ in range(3):
        IncidentFactory(
            client=client,
            occurred_on=today - dt.timedelta(days=5),
            severity=Incident.Severity.HIGH,
            category=Incident.Category.ABUSIVE,
        )


def test_risk_turning_high_marks_the_client_at_risk_in_the_audit_log(acme, today):
    high_risk(acme, today)

    services.client_risk_refresh(client=acme, today=today)

    assert Client.objects.get(pk=acme.pk).status == Client.Status.AT_RISK
    event = AuditEvent.objects.get(client_id=acme.pk, action=AuditEvent.Action.TRANSITION)
    assert (event.from_state, event.to_state) == ("active", "at_risk")
    assert event.actor is None and "risk signal" in event.summary
    assert "high-severity incidents" in event.comment

    services.client_risk_refresh(client=acme, today=today)  # no change, no second event
    assert AuditEvent.objects.filter(client_id=acme.pk, action="transition").count() == 1


def test_daily_refresh_lets_old_incidents_fade(acme, today):
    high_risk(acme, today)
    services.client_risk_refresh(client=acme, today=today)
    before = Client.objects.get(pk=acme.pk)
    assert before.risk_level == Client.RiskLevel.HIGH

    # A year and a half later nothing new was written; only the daily refresh runs.
    assert services.clients_risk_refresh_all(today=today + dt.timedelta(days=540)) == 1

    stored = Client.objects.get(pk=acme.pk)
    assert stored.risk_level != Client.RiskLevel.HIGH
    assert stored.risk_score < before.risk_score
    assert stored.risk_computed_at > before.risk_computed_at
    assert stored.status == Client.Status.ACTIVE
    assert AuditEvent.objects.filter(client_id=acme.pk, to_state="active").exists()


def test_risk_refresh_keeps_the_status_an_offboarding_gave(acme, today):
    high_risk(acme, today)
    Client.objects.filter(pk=acme.pk).update(status=Client.Status.OFFBOARDING)

    services.client_risk_refresh(client=acme, today=today)

    stored = Client.objects.get(pk=acme.pk)
    assert stored.status == Client.Status.OFFBOARDING
    assert stored.risk_level == Client.RiskLevel.HIGH
