"""What every case write shares: the lock, the audit event, the transition along the
workflow table, and the gate of the guided steps."""

from __future__ import annotations

from django.utils import timezone

from agency.errors import Refused
from agency.models import AuditEvent, User
from agency.services import audit_record
from clients import services as client_services

from .. import permissions, workflow
from ..models import Offboarding
from ..progress import require_working, state_in_text

S = Offboarding.Status


def lock(case: Offboarding) -> Offboarding:
    return Offboarding.objects.select_for_update().select_related("client").get(pk=case.pk)


def audit(
    actor: User,
    case: Offboarding,
    action: str,
    summary: str,
    summary_args: dict | None = None,
    **extra,
) -> AuditEvent:
    """One event of the case's audit trail. `summary` is a message id (gettext_noop) filled
    with `summary_args` when read, in the reader's language (see agency's audit_record)."""
    return audit_record(
        actor=actor,
        action=action,
        summary=summary,
        summary_args=summary_args,
        client_id=case.client_id,
        case_id=case.pk,
        **extra,
    )


def transition(*, actor: User, case: Offboarding, action: str, comment: str = "") -> None:
    """Move a locked case along the table, record it, and let the client's status follow."""
    if not workflow.allowed(action, case.status):
        raise Refused(workflow.NOT_NOW[action] % {"state": state_in_text(case)})
    before = case.status
    case.status = workflow.target(action)
    if case.status in (S.REJECTED, S.COMPLETED, S.CANCELLED):
        case.closed_at = timezone.now()
    case.save()
    follow_client_status(case)
    audit(
        actor,
        case,
        AuditEvent.Action.DECISION
        if action in ("approve", "reject")
        else AuditEvent.Action.TRANSITION,
        workflow.SUMMARIES[action],
        from_state=before,
        to_state=case.status,
        comment=comment,
    )


def follow_client_status(case: Offboarding) -> None:
    """The client's status follows the case; the clients app writes it."""
    if case.status in Offboarding.OPEN_STATES:
        case.client = client_services.client_offboarding_begin(client_id=case.client_id)
    elif case.status == S.COMPLETED:
        case.client = client_services.client_offboarding_finish(client_id=case.client_id)
    else:  # rejected or cancelled: back to where the client was
        case.client = client_services.client_offboarding_withdraw(client_id=case.client_id)


def step_guard(actor: User, case: Offboarding) -> Offboarding:
    """Lock the case for a step change: it must be approved and the actor must run it.
    The first step change starts an approved case."""
    case = lock(case)
    permissions.RUN_STEPS.check(actor, case)
    require_working(case)
    if case.status == S.APPROVED:
        transition(actor=actor, case=case, action="start")
    return case


def reopen_handover(case: Offboarding) -> None:
    """A change to the handover contents: the step (and its export) must be done again."""
    if case.handover_done_at:
        case.handover_done_at = None
        case.save(update_fields=["handover_done_at", "updated_at"])
