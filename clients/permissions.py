"""Who may see and do what with a client. The one place that decides.

A person sees a client when they are on its team (the account lead always is) or
are a manager. Everything else answers 404, so a foreign client's existence never
leaks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from agency.rules import Rule

if TYPE_CHECKING:
    from agency.models import User

    from .models import Client, Incident, RepairAttempt


def is_manager(user: User) -> bool:
    return user.is_authenticated and user.is_active and user.is_manager


def is_on_team(user: User, client: Client) -> bool:
    if not user.is_authenticated:
        return False
    if client.account_lead_id == user.pk:
        return True
    return client.team.filter(pk=user.pk).exists()


def can_view_client(user: User, client: Client) -> bool:
    return is_manager(user) or is_on_team(user, client)


def can_create_client(user: User) -> bool:
    return user.is_authenticated and (user.is_manager or user.is_lead)


def can_manage_client(user: User, client: Client) -> bool:
    """Edit the client, its contacts, team, contracts and invoices."""
    return is_manager(user) or (user.is_authenticated and client.account_lead_id == user.pk)


def can_reassign_lead(user: User) -> bool:
    return is_manager(user)


def can_log_incident(user: User, client: Client) -> bool:
    """Every member of the team may document what happened."""
    return can_view_client(user, client)


def can_edit_incident(user: User, incident: Incident) -> bool:
    """The reporter, the account lead and managers correct an incident; history keeps the rest."""
    if incident.is_withdrawn or not can_view_client(user, incident.client):
        return False
    return incident.reported_by_id == user.pk or can_manage_client(user, incident.client)


def can_record_repair_attempt(user: User, client: Client) -> bool:
    return can_view_client(user, client)


def can_edit_repair_attempt(user: User, attempt: RepairAttempt) -> bool:
    """As for incidents: whoever recorded it, the account lead and managers update it."""
    if can_manage_client(user, attempt.client):
        return True
    return attempt.recorded_by_id == user.pk and can_view_client(user, attempt.client)


def can_withdraw_incident(user: User, incident: Incident) -> bool:
    """Like correcting it; withdrawing an already withdrawn one again changes nothing."""
    return can_view_client(user, incident.client) and (
        incident.is_withdrawn or can_edit_incident(user, incident)
    )


def can_add_evidence(user: User, incident: Incident) -> bool:
    """The team documents; whether the incident is still on record is the service's check."""
    return can_log_incident(user, incident.client)


# --- The rules, with the words of their refusal (views and services check the same) -----

CREATE_CLIENT = Rule(can_create_client, _("Only account leads and managers add clients."))
EDIT_CLIENT = Rule(can_manage_client, _("Only the account lead and managers edit this client."))
REASSIGN_LEAD = Rule(can_reassign_lead, _("Only managers reassign the account lead."))
EDIT_CONTACTS = Rule(can_manage_client, _("Only the account lead and managers edit contacts."))
EDIT_CONTRACTS = Rule(can_manage_client, _("Only the account lead and managers edit contracts."))
RECORD_INVOICES = Rule(
    can_manage_client, _("Only the account lead and managers record invoices and payments.")
)
LOG_INCIDENT = Rule(can_log_incident, _("Only members of this client's team log incidents."))
CORRECT_INCIDENT = Rule(
    can_edit_incident,
    _("Only the reporter, the account lead and managers correct an incident on record."),
)
WITHDRAW_INCIDENT = Rule(
    can_withdraw_incident,
    _("Only the reporter, the account lead and managers withdraw an incident."),
)
ADD_EVIDENCE = Rule(can_add_evidence, _("Only members of this client's team add evidence."))
RECORD_REPAIR = Rule(
    can_record_repair_attempt, _("Only members of this client's team record repair attempts.")
)
UPDATE_REPAIR = Rule(
    can_edit_repair_attempt,
    _("Only whoever recorded the repair attempt, the account lead and managers update it."),
)
