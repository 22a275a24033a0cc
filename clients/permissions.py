"""Who may see and do what with a client. The one place that decides.

A person sees a client when they are on its team (the account lead always is) or
are a manager. Everything else answers 404, so a foreign client's existence never
leaks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from agency.models import User

    from .models import Client, Incident


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


def can_record_remediation(user: User, client: Client) -> bool:
    return can_view_client(user, client)
