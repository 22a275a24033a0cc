"""Who may do what with an offboarding case. Built on the client permissions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from clients.permissions import can_manage_client, can_view_client, is_manager

if TYPE_CHECKING:
    from agency.models import User
    from clients.models import Client

    from .models import Offboarding


def can_view_case(user: User, case: Offboarding) -> bool:
    return can_view_client(user, case.client)


def can_propose(user: User, client: Client) -> bool:
    """Anyone on the team (staff, the lead) and managers may propose ending a relationship."""
    return can_view_client(user, client)


def can_edit_proposal(user: User, case: Offboarding) -> bool:
    return case.status == case.Status.DRAFT and (
        case.created_by_id == user.pk or can_manage_client(user, case.client)
    )


def can_decide(user: User, case: Offboarding) -> bool:
    """Managers decide, but never on a proposal of their own: drafted, changed or sent."""
    return (
        is_manager(user)
        and user.pk not in (case.proposed_by_id, case.created_by_id)
        and not case.edited_by.filter(pk=user.pk).exists()
    )


def can_run_steps(user: User, case: Offboarding) -> bool:
    """The account lead and managers run the offboarding steps."""
    return can_manage_client(user, case.client)


def can_reveal_secrets(user: User, case: Offboarding) -> bool:
    """The lead, the team and managers may reveal a credential, one at a time, audited."""
    return can_view_client(user, case.client)


def can_cancel(user: User, case: Offboarding) -> bool:
    """Before the decision the proposer or lead may withdraw it; after approval only a
    manager may cancel, because that reverses a recorded decision."""
    if case.status in (case.Status.DRAFT, case.Status.PROPOSED):
        return (
            case.created_by_id == user.pk
            or case.proposed_by_id == user.pk
            or can_manage_client(user, case.client)
        )
    return is_manager(user)
