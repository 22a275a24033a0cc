"""Every write to the client record: one function per action."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from agency.errors import Refused
from agency.models import AuditEvent, User
from agency.services import assign_fields, audit_record
from agency.uploads import MAX_FILES_PER_REQUEST, check_upload, stored_name

from . import permissions
from .models import Client, Contact, Contract, Evidence, Incident, Invoice, RepairAttempt
from .risk import client_risk_in_every_language

# What each service may change (assign_fields refuses any other name; the status is
# never among them: it moves by the offboarding only).
CLIENT_FIELDS = (
    "name",
    "website",
    "industry",
    "account_lead",
    "start_date",
    "monthly_value",
    "currency",
    "language",
    "notes",
)
CONTACT_FIELDS = ("name", "role", "email", "phone", "receives_handover")
CONTRACT_FIELDS = (
    "title",
    "reference",
    "start_date",
    "end_date",
    "auto_renews",
    "renewal_months",
    "notice_days",
    "termination_clause_ref",
    "termination_clause_text",
    "payment_terms_days",
    "monthly_fee",
    "deposit_amount",
    "is_current",
)
INVOICE_FIELDS = ("number", "contract", "issued_on", "due_on", "amount", "paid_on", "paid_amount")
INCIDENT_FIELDS = (
    "occurred_on",
    "category",
    "severity",
    "title",
    "description",
    "hours_lost",
    "money_at_stake",
)
REPAIR_FIELDS = ("kind", "tried_on", "description", "outcome")


def _require_own(client: Client, obj) -> None:
    """A row handed to a client's service must be that client's."""
    if obj.client_id != client.pk:
        raise Refused(_("That record belongs to another client."))


def _save_with_history(obj, actor: User) -> None:
    obj._history_user = actor
    try:
        obj.full_clean()
    except ValidationError as error:
        raise Refused(" ".join(error.messages)) from error
    obj.save()


# --- Clients -----------------------------------------------------------------------------


def client_create(*, actor: User, team: Iterable[User] = (), **fields) -> Client:
    permissions.CREATE_CLIENT.check(actor)
    if not actor.is_manager or not fields.get("account_lead"):
        # A lead who adds a client leads it; only managers assign someone else.
        fields["account_lead"] = actor
    with transaction.atomic():
        client = Client()
        assign_fields(client, fields, allowed=CLIENT_FIELDS)
        _save_with_history(client, actor)
        client.team.set({*team, client.account_lead})
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATED,
            summary=gettext_noop("Client %(name)s added"),
            summary_args={"name": client.name},
            client_id=client.pk,
            obj=client,
        )
        client_risk_refresh(client=client)
    return client


def client_update(
    *, actor: User, client: Client, team: Iterable[User] | None = None, **fields
) -> Client:
    permissions.EDIT_CLIENT.check(actor, client)
    new_lead = fields.get("account_lead")
    if new_lead is not None and new_lead.pk != client.account_lead_id:
        permissions.REASSIGN_LEAD.check(actor)
    with transaction.atomic():
        client = Client.objects.select_for_update().get(pk=client.pk)
        previous_lead = client.account_lead
        assign_fields(client, fields, allowed=CLIENT_FIELDS)
        _save_with_history(client, actor)
        if team is not None:
            client.team.set({*team, client.account_lead})
        else:
            client.team.add(client.account_lead)
        summary = gettext_noop("Client %(name)s updated")
        summary_args = {"name": client.name}
        if previous_lead.pk != client.account_lead_id:
            summary = gettext_noop("Account lead changed from %(previous)s to %(lead)s")
            summary_args = {"previous": str(previous_lead), "lead": str(client.account_lead)}
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATED,
            summary=summary,
            summary_args=summary_args,
            client_id=client.pk,
            obj=client,
        )
    return client


def client_risk_refresh(*, client: Client, today: dt.date | None = None) -> Client:
    """Recompute the stored risk signal (after every change that feeds it, and daily).

    An active client whose signal turns high becomes "at risk", and active again once it
    falls; the status change is written to the audit log. Offboarding and offboarded
    clients keep the status their case gave them: the row is locked so that a case
    opening at the same moment cannot be overwritten."""
    assessment, explanations = client_risk_in_every_language(
        client, today=today or timezone.localdate()
    )
    values = {
        "risk_score": assessment.score,
        "risk_level": assessment.level,
        # The agency's language for search and the admin; each reader's from the others.
        "risk_explanation": explanations[settings.LANGUAGE_CODE],
        "risk_explanations": explanations,
        "risk_computed_at": timezone.now(),
    }
    with transaction.atomic():
        status = (
            Client.objects.select_for_update()
            .filter(pk=client.pk)
            .values_list("status", flat=True)
            .first()
        )
        if status in (Client.Status.ACTIVE, Client.Status.AT_RISK):
            values["status"] = (
                Client.Status.AT_RISK
                if assessment.level == Client.RiskLevel.HIGH
                else Client.Status.ACTIVE
            )
        Client.objects.filter(pk=client.pk).update(**values)
        if status is not None and values.get("status", status) != status:
            audit_record(
                actor=None,
                action=AuditEvent.Action.TRANSITION,
                summary=gettext_noop("Status %(from_label)s → %(to_label)s by the risk signal"),
                summary_args={
                    "from_label": Client.Status(status).label,
                    "to_label": Client.Status(values["status"]).label,
                },
                client_id=client.pk,
                obj=client,
                from_state=status,
                to_state=values["status"],
                comments=explanations,
            )
    for name, value in values.items():
        setattr(client, name, value)
    return client


def clients_risk_refresh_all(*, today: dt.date | None = None) -> int:
    """The daily refresh: incidents fade with age and invoices fall overdue, so a stored
    signal goes stale without any write. Returns how many clients were refreshed."""
    today = today or timezone.localdate()
    refreshed = 0
    live = Client.objects.exclude(status=Client.Status.OFFBOARDED).order_by("pk")
    for client in live.iterator(chunk_size=500):
        client_risk_refresh(client=client, today=today)
        refreshed += 1
    return refreshed


# --- The status an offboarding gives the client -----------------------------------------
# This app is the only writer of Client.status: the offboarding case asks through these.


def _locked_client(client_id: int) -> Client:
    return Client.objects.select_for_update().get(pk=client_id)


def client_offboarding_begin(*, client_id: int) -> Client:
    """A case is open for the client: it is being offboarded (its status before is kept)."""
    client = _locked_client(client_id)
    if client.status != Client.Status.OFFBOARDING:
        client.status_before_offboarding = client.status
        client.status = Client.Status.OFFBOARDING
        client.save(update_fields=["status", "status_before_offboarding", "updated_at"])
    return client


def client_offboarding_finish(*, client_id: int) -> Client:
    """The case was completed: the client is offboarded."""
    client = _locked_client(client_id)
    client.status = Client.Status.OFFBOARDED
    client.save(update_fields=["status", "updated_at"])
    return client


def client_offboarding_withdraw(*, client_id: int) -> Client:
    """The case was rejected or cancelled: the client returns to where it was."""
    client = _locked_client(client_id)
    client.status = client.status_before_offboarding or Client.Status.ACTIVE
    client.status_before_offboarding = ""
    client.save(update_fields=["status", "status_before_offboarding", "updated_at"])
    return client


# --- Contacts ----------------------------------------------------------------------------


def contact_save(
    *, actor: User, client: Client, contact: Contact | None = None, **fields
) -> Contact:
    permissions.EDIT_CONTACTS.check(actor, client)
    if contact is not None:
        _require_own(client, contact)
    with transaction.atomic():
        if fields.get("receives_handover"):
            others = client.contacts.filter(receives_handover=True)
            if contact is not None:
                others = others.exclude(pk=contact.pk)
            for other in others:
                other.receives_handover = False
                _save_with_history(other, actor)
        contact = contact or Contact(client=client)
        assign_fields(contact, fields, allowed=CONTACT_FIELDS)
        _save_with_history(contact, actor)
    return contact


# --- Contracts ---------------------------------------------------------------------------


def contract_save(
    *,
    actor: User,
    client: Client,
    contract: Contract | None = None,
    signed_upload: UploadedFile | None = None,
    **fields,
) -> Contract:
    permissions.EDIT_CONTRACTS.check(actor, client)
    checked = None
    if signed_upload is not None:
        checked = check_upload(signed_upload, accepted={"application/pdf"})
    if contract is not None:
        _require_own(client, contract)
    with transaction.atomic():
        creating = contract is None
        contract = contract or Contract(client=client)
        assign_fields(contract, fields, allowed=CONTRACT_FIELDS)
        if contract.is_current:
            client.contracts.exclude(pk=contract.pk).filter(is_current=True).update(
                is_current=False
            )
        if checked is not None:
            contract.signed_file.save(stored_name(checked), signed_upload, save=False)
            contract.signed_file_name = checked.name
        _save_with_history(contract, actor)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATED if creating else AuditEvent.Action.UPDATED,
            summary=(
                gettext_noop("Contract %(contract)s added")
                if creating
                else gettext_noop("Contract %(contract)s updated")
            ),
            summary_args={"contract": str(contract)},
            client_id=client.pk,
            obj=contract,
        )
    return contract


# --- Invoices ----------------------------------------------------------------------------


def invoice_save(
    *, actor: User, client: Client, invoice: Invoice | None = None, **fields
) -> Invoice:
    permissions.RECORD_INVOICES.check(actor, client)
    if invoice is not None:
        _require_own(client, invoice)
    with transaction.atomic():
        invoice = invoice or Invoice(client=client)
        assign_fields(invoice, fields, allowed=INVOICE_FIELDS)
        if invoice.contract_id and invoice.contract.client_id != client.pk:
            raise Refused(_("Choose one of this client's contracts."))
        if invoice.paid_amount and not invoice.paid_on:
            raise Refused(_("A payment needs the date it was received."))
        if invoice.paid_on and not invoice.paid_amount:
            raise Refused(_("Enter how much was received on the payment date."))
        _save_with_history(invoice, actor)
        client_risk_refresh(client=client)
    return invoice


# --- Incidents and evidence --------------------------------------------------------------


@contextmanager
def _files_removed_on_failure(stored: list):
    """Files are written to storage inside the transaction; if it fails, remove them again."""
    try:
        yield
    except BaseException:
        for fieldfile in stored:
            fieldfile.storage.delete(fieldfile.name)
        raise


def _attach_evidence(
    *, actor: User, incident: Incident, files: Sequence[UploadedFile], stored: list
) -> None:
    if len(files) > MAX_FILES_PER_REQUEST:
        raise Refused(
            ngettext(
                "Attach at most %(count)s file at a time.",
                "Attach at most %(count)s files at a time.",
                MAX_FILES_PER_REQUEST,
            )
            % {"count": MAX_FILES_PER_REQUEST}
        )
    checked = [(f, check_upload(f)) for f in files]  # all are checked before any is stored
    for upload, info in checked:
        evidence = Evidence(
            incident=incident,
            original_name=info.name,
            content_type=info.content_type,
            size=info.size,
            sha256=info.sha256,
            uploaded_by=actor,
        )
        evidence.file.save(stored_name(info), upload, save=False)
        stored.append(evidence.file)
        evidence.save()


def incident_log(
    *, actor: User, client: Client, files: Sequence[UploadedFile] = (), **fields
) -> Incident:
    permissions.LOG_INCIDENT.check(actor, client)
    stored: list = []
    with _files_removed_on_failure(stored), transaction.atomic():
        incident = Incident(client=client, reported_by=actor)
        assign_fields(incident, fields, allowed=INCIDENT_FIELDS)
        _save_with_history(incident, actor)
        _attach_evidence(actor=actor, incident=incident, files=files, stored=stored)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATED,
            summary=gettext_noop("Incident logged: %(category_label)s"),
            # The label itself (lazy), so that it is kept as its English message id.
            summary_args={"category_label": Incident.Category(incident.category).label},
            client_id=client.pk,
            obj=incident,
        )
        client_risk_refresh(client=client)
    return incident


def incident_update(*, actor: User, incident: Incident, **fields) -> Incident:
    permissions.CORRECT_INCIDENT.check(actor, incident)
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        assign_fields(incident, fields, allowed=INCIDENT_FIELDS)
        _save_with_history(incident, actor)
        client_risk_refresh(client=incident.client)
    return incident


def evidence_add(*, actor: User, incident: Incident, files: Sequence[UploadedFile]) -> None:
    permissions.ADD_EVIDENCE.check(actor, incident)
    if incident.is_withdrawn:
        raise Refused(
            _("Evidence can only be added to an incident on record, not a withdrawn one.")
        )
    if not files:
        raise Refused(_("Choose at least one file."))
    stored: list = []
    with _files_removed_on_failure(stored), transaction.atomic():
        _attach_evidence(actor=actor, incident=incident, files=files, stored=stored)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATED,
            summary=gettext_noop("Evidence added to an incident: %(count)s file(s)"),
            summary_args={"count": len(files)},
            client_id=incident.client_id,
            obj=incident,
        )


def incident_withdraw(*, actor: User, incident: Incident, reason: str) -> Incident:
    """Incidents are never deleted: a wrong one is withdrawn, with the reason kept."""
    permissions.WITHDRAW_INCIDENT.check(actor, incident)
    reason = reason.strip()
    if not reason:
        raise Refused(_("Say why the incident is withdrawn."))
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident.pk)
        if incident.is_withdrawn:
            return incident  # already done: a second click changes nothing
        incident.state = Incident.State.WITHDRAWN
        incident.withdrawn_reason = reason
        _save_with_history(incident, actor)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATED,
            summary=gettext_noop("Incident withdrawn: %(title)s"),
            summary_args={"title": incident.title},
            client_id=incident.client_id,
            obj=incident,
            comment=reason,
        )
        client_risk_refresh(client=incident.client)
    return incident


# --- Repair attempts ---------------------------------------------------------------------


def repair_attempt_save(
    *, actor: User, client: Client, repair_attempt: RepairAttempt | None = None, **fields
) -> RepairAttempt:
    permissions.RECORD_REPAIR.check(actor, client)
    if repair_attempt is not None:
        _require_own(client, repair_attempt)
        permissions.UPDATE_REPAIR.check(actor, repair_attempt)
    with transaction.atomic():
        creating = repair_attempt is None
        repair_attempt = repair_attempt or RepairAttempt(client=client, recorded_by=actor)
        assign_fields(repair_attempt, fields, allowed=REPAIR_FIELDS)
        _save_with_history(repair_attempt, actor)
        if creating:
            audit_record(
                actor=actor,
                action=AuditEvent.Action.CREATED,
                summary=gettext_noop("Repair attempt recorded: %(kind_label)s"),
                summary_args={"kind_label": RepairAttempt.Kind(repair_attempt.kind).label},
                client_id=client.pk,
                obj=repair_attempt,
            )
        client_risk_refresh(client=client)
    return repair_attempt
