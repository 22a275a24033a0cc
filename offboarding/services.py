"""Every write to an offboarding case: one function per action.

A transition locks the case row, checks its state and the actor's permission, changes
the state and writes the audit event in the same transaction. Calling one twice does
no harm: the second call finds the state already changed and is refused or ignored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from agency import crypto
from agency.files import write_atomically
from agency.models import AuditEvent, User
from agency.services import audit_record
from clients import dates
from clients.models import Client, Contract, Incident, Remediation

from . import permissions, workflow
from .errors import TransitionError
from .models import (
    Asset,
    CallPlan,
    ContractReview,
    Credential,
    Deliverable,
    Document,
    Offboarding,
)
from .script import generate_script

S = Offboarding.Status


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise TransitionError(message)


def _lock(case: Offboarding) -> Offboarding:
    return Offboarding.objects.select_for_update().select_related("client").get(pk=case.pk)


def _audit(actor: User, case: Offboarding, action: str, summary: str, **extra) -> AuditEvent:
    return audit_record(
        actor=actor,
        action=action,
        summary=summary,
        client_id=case.client_id,
        case_id=case.pk,
        **extra,
    )


def _transition(*, actor: User, case: Offboarding, action: str, comment: str = "") -> None:
    """Move a locked case along the table, record it, and let the client's status follow."""
    if not workflow.allowed(action, case.status):
        raise TransitionError(
            f"This case is {case.get_status_display().lower()}; it cannot be "
            f"{workflow.ACTION_LABELS[action]} now."
        )
    before = case.status
    case.status = workflow.target(action)
    if case.status in (S.REJECTED, S.COMPLETED, S.CANCELLED):
        case.closed_at = timezone.now()
    case.save()
    _follow_client_status(case)
    _audit(
        actor,
        case,
        AuditEvent.Action.DECISION
        if action in ("approve", "reject")
        else AuditEvent.Action.TRANSITION,
        f"Offboarding {workflow.ACTION_LABELS[action]}",
        from_state=before,
        to_state=case.status,
        comment=comment,
    )


def _follow_client_status(case: Offboarding) -> None:
    client = Client.objects.select_for_update().get(pk=case.client_id)
    if case.status in Offboarding.OPEN_STATES:
        if client.status != Client.Status.OFFBOARDING:
            client.status_before_offboarding = client.status
            client.status = Client.Status.OFFBOARDING
    elif case.status == S.COMPLETED:
        client.status = Client.Status.OFFBOARDED
    else:  # rejected or cancelled: back to where the client was
        client.status = client.status_before_offboarding or Client.Status.ACTIVE
        client.status_before_offboarding = ""
    client.save(update_fields=["status", "status_before_offboarding", "updated_at"])
    case.client = client


def _require_working(case: Offboarding) -> None:
    if not case.is_working:
        raise TransitionError(
            "The offboarding steps start once a manager has approved the decision."
            if case.status in (S.DRAFT, S.PROPOSED)
            else f"This case is {case.get_status_display().lower()}; its steps are closed."
        )


def _start_if_approved(actor: User, case: Offboarding) -> None:
    if case.status == S.APPROVED:
        _transition(actor=actor, case=case, action="start")


def _step_guard(actor: User, case: Offboarding) -> Offboarding:
    """Lock the case for a step change: it must be approved and the actor must run it."""
    case = _lock(case)
    _require(
        permissions.can_run_steps(actor, case),
        "Only the account lead and managers run the offboarding steps.",
    )
    _require_working(case)
    _start_if_approved(actor, case)
    return case


# --- 1. Proposal ---------------------------------------------------------------------------


def _check_links(
    client: Client, incidents: Iterable[Incident], remediations: Iterable[Remediation]
):
    if any(i.client_id != client.pk for i in incidents) or any(
        r.client_id != client.pk for r in remediations
    ):
        raise TransitionError("Only this client's incidents and repair attempts can be linked.")


def offboarding_open(
    *,
    actor: User,
    client: Client,
    summary: str,
    timing: str,
    incidents: Iterable[Incident] = (),
    remediations: Iterable[Remediation] = (),
    no_incident_justification: str = "",
) -> Offboarding:
    """Start a draft proposal to end the relationship with this client."""
    _require(
        permissions.can_propose(actor, client),
        "Only members of this client's team and managers propose an offboarding.",
    )
    incidents, remediations = list(incidents), list(remediations)
    _check_links(client, incidents, remediations)
    try:
        with transaction.atomic():
            Client.objects.select_for_update().get(pk=client.pk)
            case = Offboarding.objects.create(
                client=client,
                created_by=actor,
                summary=summary,
                timing=timing,
                no_incident_justification=no_incident_justification,
            )
            case.incidents.set(incidents)
            case.remediations.set(remediations)
            _follow_client_status(case)
            _audit(
                actor,
                case,
                AuditEvent.Action.CREATED,
                "Offboarding proposal drafted",
                to_state=case.status,
            )
    except IntegrityError as error:
        raise TransitionError(
            f"{client.name} already has an open offboarding case; continue that one."
        ) from error
    return case


def offboarding_update_proposal(
    *,
    actor: User,
    case: Offboarding,
    summary: str,
    timing: str,
    incidents: Iterable[Incident] = (),
    remediations: Iterable[Remediation] = (),
    no_incident_justification: str = "",
) -> Offboarding:
    incidents, remediations = list(incidents), list(remediations)
    with transaction.atomic():
        case = _lock(case)
        _require(
            permissions.can_edit_proposal(actor, case),
            "Only a draft can be changed, by whoever drafted it, the lead or a manager.",
        )
        _check_links(case.client, incidents, remediations)
        case.summary = summary
        case.timing = timing
        case.no_incident_justification = no_incident_justification
        case.save()
        case.incidents.set(incidents)
        case.remediations.set(remediations)
        if actor.pk != case.created_by_id:
            case.edited_by.add(actor)  # a co-author: another manager decides
    return case


def offboarding_submit(*, actor: User, case: Offboarding) -> Offboarding:
    """draft -> proposed, and tell the managers a decision awaits them."""
    with transaction.atomic():
        case = _lock(case)
        _require(
            permissions.can_edit_proposal(actor, case) or case.status != S.DRAFT,
            "Only whoever drafted the proposal, the lead or a manager submits it.",
        )
        if case.status == S.DRAFT:
            if not case.summary.strip():
                raise TransitionError("Write a summary for the manager before submitting.")
            if not case.incidents.exists() and not case.no_incident_justification.strip():
                raise TransitionError(
                    "Link at least one incident, or explain why there is none on record."
                )
        _transition(actor=actor, case=case, action="submit")
        case.proposed_by = actor
        case.proposed_at = timezone.now()
        case.save(update_fields=["proposed_by", "proposed_at", "updated_at"])
        transaction.on_commit(lambda: _notify_managers(case_id=case.pk))
    return case


def _notify_managers(*, case_id: int) -> None:
    case = Offboarding.objects.select_related("client", "proposed_by").get(pk=case_id)
    if case.status != S.PROPOSED:
        return  # decided (or withdrawn) in the meantime: nothing awaits a manager
    recipients = list(
        User.objects.filter(role=User.Role.MANAGER, is_active=True)
        .exclude(pk__in=[case.proposed_by_id, case.created_by_id])
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not recipients:
        return
    # Only the client's name and the proposer: the reasons stay inside the app.
    send_mail(
        subject=f"[Clean Break] Decision needed: offboarding of {case.client.name}",
        message=(
            f"Client: {case.client.name}\n"
            f"Proposed by: {case.proposed_by}\n\n"
            "Review the evidence and decide:\n"
            f"{settings.SITE_URL}{reverse('offboarding:decide', args=[case.pk])}\n"
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
        fail_silently=True,
    )


# --- 2. Decision ---------------------------------------------------------------------------


def _decide(*, actor: User, case: Offboarding, comment: str, action: str) -> Offboarding:
    comment = comment.strip()
    if not comment:
        raise TransitionError("A decision needs a comment that explains it.")
    with transaction.atomic():
        case = _lock(case)
        _require(actor.is_manager, "Only managers decide on an offboarding.")
        _require(
            permissions.can_decide(actor, case),
            "You wrote or changed this proposal, so another manager must decide on it.",
        )
        _transition(actor=actor, case=case, action=action, comment=comment)
        case.decided_by = actor
        case.decided_at = timezone.now()
        case.decision_comment = comment
        if action == "reject":
            case.close_reason = comment
        case.save()
    return case


def offboarding_approve(*, actor: User, case: Offboarding, comment: str) -> Offboarding:
    return _decide(actor=actor, case=case, comment=comment, action="approve")


def offboarding_reject(*, actor: User, case: Offboarding, comment: str) -> Offboarding:
    return _decide(actor=actor, case=case, comment=comment, action="reject")


# --- 3. Contract review --------------------------------------------------------------------


def open_invoices_total(client: Client) -> Decimal:
    """What the client still owes, invoice by invoice (an overpaid one hides no other)."""
    return sum((invoice.outstanding for invoice in client.invoices.all()), Decimal("0"))


def contract_review_save(
    *,
    actor: User,
    case: Offboarding,
    contract: Contract,
    basis: str,
    notice_given_on: dt.date,
    immediate_on: dt.date | None = None,
    refund_amount: Decimal = Decimal("0"),
    released_early: bool = False,
    notes: str = "",
) -> ContractReview:
    if contract.client_id != case.client_id:
        raise TransitionError("Choose one of this client's contracts.")
    try:
        end = dates.effective_end(
            basis=basis,
            notice_given_on=notice_given_on,
            start=contract.start_date,
            end=contract.end_date,
            notice_days=contract.notice_days,
            auto_renews=contract.auto_renews,
            renewal_months=contract.renewal_months,
            immediate_on=immediate_on if basis == ContractReview.Basis.IMMEDIATE else None,
        )
        notice = contract.notice(today=notice_given_on)
    except (ValueError, OverflowError) as error:
        raise TransitionError(
            str(error) if isinstance(error, ValueError) else "That date is out of range."
        ) from error
    with transaction.atomic():
        case = _step_guard(actor, case)
        review, created = ContractReview.objects.update_or_create(
            case=case,
            defaults={
                "contract": contract,
                "basis": basis,
                "notice_given_on": notice_given_on,
                "immediate_on": immediate_on if basis == ContractReview.Basis.IMMEDIATE else None,
                "effective_end": end.end_date,
                "notice_deadline": notice.notice_deadline,
                "breaks_notice": end.breaks_notice,
                "warning": end.warning,
                "open_invoices_amount": open_invoices_total(case.client),
                "refund_amount": refund_amount or Decimal("0"),
                "released_early": released_early,
                "notes": notes,
                "reviewed_by": actor,
            },
        )
        _audit(
            actor,
            case,
            AuditEvent.Action.STEP,
            f"Contract review {'done' if created else 'updated'}: ends {end.end_date:%d %b %Y}",
            comment=end.warning,
        )
    return review


# --- 4. Deliverables -----------------------------------------------------------------------


def deliverable_save(
    *, actor: User, case: Offboarding, deliverable: Deliverable | None = None, **fields
) -> Deliverable:
    decision = fields.get("decision")
    if decision == Deliverable.Decision.CANCEL_REFUND and fields.get("refund_amount") is None:
        raise TransitionError("Enter the amount to refund for a cancelled deliverable (0 if none).")
    with transaction.atomic():
        case = _step_guard(actor, case)
        deliverable = deliverable or Deliverable(case=case)
        for name, value in fields.items():
            setattr(deliverable, name, value)
        if deliverable.decision == Deliverable.Decision.HAND_OVER and deliverable.status not in (
            Deliverable.Status.DELIVERED,
            Deliverable.Status.CANCELLED,
        ):
            deliverable.status = Deliverable.Status.HANDED_OVER
        if deliverable.decision == Deliverable.Decision.CANCEL_REFUND:
            deliverable.status = Deliverable.Status.CANCELLED
        deliverable.save()
        if case.deliverables_done_at and not deliverable.settled:
            case.deliverables_done_at = None  # a change reopened the step
            case.save(update_fields=["deliverables_done_at", "updated_at"])
    return deliverable


def deliverables_complete(*, actor: User, case: Offboarding) -> Offboarding:
    with transaction.atomic():
        case = _step_guard(actor, case)
        if not ContractReview.objects.filter(case=case).exists():
            raise TransitionError(
                "Complete the contract review first: it sets the end date the deliverables "
                "are settled against."
            )
        unsettled = [d for d in case.deliverables.all() if not d.settled]
        if unsettled:
            names = ", ".join(d.name for d in unsettled[:5])
            raise TransitionError(
                f"Every deliverable needs a decision, and every one to finish must be delivered "
                f"or moved to the handover. Still open: {names}."
            )
        if case.deliverables_done_at is None:
            case.deliverables_done_at = timezone.now()
            case.save(update_fields=["deliverables_done_at", "updated_at"])
            _audit(actor, case, AuditEvent.Action.STEP, "Deliverables settled")
    return case


# --- 5. Call planning ----------------------------------------------------------------------

EMAIL_REFUSED = (
    "A bare e-mail is not enough for this conversation. Ending a relationship deserves a "
    "call or a meeting: the client hears the decision from a person, can ask questions, and "
    "the tone stays respectful. Choose in person, video or phone."
)


def call_plan_save(
    *,
    actor: User,
    case: Offboarding,
    agency_attendees: Iterable[User] = (),
    client_attendees: Iterable = (),
    **fields,
) -> CallPlan:
    if fields.get("channel") == CallPlan.Channel.EMAIL:
        raise TransitionError(EMAIL_REFUSED)
    with transaction.atomic():
        case = _step_guard(actor, case)
        call = CallPlan.objects.filter(case=case).first() or CallPlan(case=case)
        for name, value in fields.items():
            setattr(call, name, value)
        if not call.script.strip():
            call.script = generate_script(
                case=case,
                agency_name=settings.AGENCY_NAME,
                speaker=actor.display_name,
                referral_name=call.referral_name,
            )
        creating = call.pk is None
        call.save()
        call.agency_attendees.set(list(agency_attendees) or [actor])
        call.client_attendees.set([c for c in client_attendees if c.client_id == case.client_id])
        if creating:
            _audit(
                actor,
                case,
                AuditEvent.Action.STEP,
                f"Call planned for {timezone.localtime(call.scheduled_at):%d %b %Y %H:%M}",
            )
    return call


def call_script_regenerate(*, actor: User, case: Offboarding) -> CallPlan:
    with transaction.atomic():
        case = _step_guard(actor, case)
        call = CallPlan.objects.filter(case=case).first()
        if call is None:
            raise TransitionError("Plan the call first.")
        call.script = generate_script(
            case=case,
            agency_name=settings.AGENCY_NAME,
            speaker=actor.display_name,
            referral_name=call.referral_name,
        )
        call.save(update_fields=["script"])
    return call


# --- 6. Call outcome -----------------------------------------------------------------------


def call_outcome_record(
    *,
    actor: User,
    case: Offboarding,
    held: str,
    held_at: dt.datetime | None = None,
    rescheduled_to: dt.datetime | None = None,
    reaction: str = "",
    commitments: str = "",
    pushback: str = "",
) -> CallPlan:
    """What happened on the call. Pushback is recorded; it never changes the decision."""
    with transaction.atomic():
        case = _step_guard(actor, case)
        call = CallPlan.objects.filter(case=case).first()
        if call is None or not call.prepared:
            raise TransitionError(
                "Plan and prepare the call first: talking points written, rehearsed and "
                "agreed internally."
            )
        if held == CallPlan.Held.HELD:
            if held_at is None:
                raise TransitionError("Enter when the call was held.")
            if not reaction:
                raise TransitionError("Record how the client reacted.")
            call.held_at = held_at
        elif held == CallPlan.Held.RESCHEDULED:
            if rescheduled_to is None:
                raise TransitionError("Enter the new date and time of the call.")
            call.scheduled_at = rescheduled_to
        call.held = held
        call.reaction = reaction
        call.commitments = commitments
        call.pushback = pushback
        call.outcome_recorded_by = actor
        call.save()
        _audit(
            actor,
            case,
            AuditEvent.Action.STEP,
            "Call held" if held == CallPlan.Held.HELD else "Call rescheduled",
            comment="Pushback recorded; the decision stands." if pushback.strip() else "",
        )
    return call


# --- 7. Handover ---------------------------------------------------------------------------


def credential_save(
    *, actor: User, case: Offboarding, credential: Credential | None = None, **fields
) -> Credential:
    with transaction.atomic():
        case = _step_guard(actor, case)
        creating = credential is None
        # Reload: a form may have changed the instance in memory (an empty secret field).
        credential = Credential(case=case) if creating else Credential.objects.get(pk=credential.pk)
        if not fields.get("secret") and not creating:
            fields.pop("secret", None)  # left empty on edit: keep the stored secret
        for name, value in fields.items():
            setattr(credential, name, value)
        credential.save()
        _reopen_handover(case)
        _audit(
            actor,
            case,
            AuditEvent.Action.CREATED if creating else AuditEvent.Action.UPDATED,
            f"Credential {'added' if creating else 'updated'}: {credential.system}",
            obj=credential,
        )
    return credential


def credential_delete(*, actor: User, case: Offboarding, credential: Credential) -> None:
    with transaction.atomic():
        case = _step_guard(actor, case)
        _audit(actor, case, AuditEvent.Action.UPDATED, f"Credential removed: {credential.system}")
        credential.delete()
        _reopen_handover(case)


def credential_reveal(*, actor: User, credential: Credential, request=None) -> str:
    """The secret in plain text, for one person, once, written to the audit log."""
    case = credential.case
    _require(
        permissions.can_reveal_secrets(actor, case),
        "Only the client's team and managers may reveal a credential.",
    )
    with transaction.atomic():
        _audit(
            actor,
            case,
            AuditEvent.Action.REVEAL,
            f"Secret revealed: {credential.system} ({credential.username})",
            obj=credential,
            request=request,
        )
    return credential.secret


def asset_save(*, actor: User, case: Offboarding, asset: Asset | None = None, **fields) -> Asset:
    with transaction.atomic():
        case = _step_guard(actor, case)
        creating = asset is None
        asset = asset or Asset(case=case)
        for name, value in fields.items():
            setattr(asset, name, value)
        asset.save()
        _reopen_handover(case)
        _audit(
            actor,
            case,
            AuditEvent.Action.CREATED if creating else AuditEvent.Action.UPDATED,
            f"Asset {'added' if creating else 'updated'}: {asset.name}",
            obj=asset,
        )
    return asset


def asset_delete(*, actor: User, case: Offboarding, asset: Asset) -> None:
    with transaction.atomic():
        case = _step_guard(actor, case)
        _audit(actor, case, AuditEvent.Action.UPDATED, f"Asset removed: {asset.name}")
        asset.delete()
        _reopen_handover(case)


def handover_instructions_save(*, actor: User, case: Offboarding, text: str) -> Offboarding:
    with transaction.atomic():
        case = _step_guard(actor, case)
        if case.takeover_instructions == text:
            return case
        case.takeover_instructions = text
        case.save(update_fields=["takeover_instructions", "updated_at"])
        _audit(actor, case, AuditEvent.Action.UPDATED, "Takeover instructions updated")
        _reopen_handover(case)  # the handover PDF must be exported again
    return case


def _reopen_handover(case: Offboarding) -> None:
    if case.handover_done_at:
        case.handover_done_at = None
        case.save(update_fields=["handover_done_at", "updated_at"])


def handover_complete(*, actor: User, case: Offboarding) -> Offboarding:
    with transaction.atomic():
        case = _step_guard(actor, case)
        if not case.takeover_instructions.strip():
            raise TransitionError("Write the takeover instructions before closing the handover.")
        if not case.credentials.exists() and not case.assets.exists():
            raise TransitionError(
                "List the accounts and assets the agency created for the client first."
            )
        if case.handover_done_at is None:
            case.handover_done_at = timezone.now()
            case.save(update_fields=["handover_done_at", "updated_at"])
            _audit(actor, case, AuditEvent.Action.STEP, "Handover contents complete")
    return case


# --- 8. Close-out and completion -----------------------------------------------------------

CLOSEOUT_FIELDS = (
    "access_revoked",
    "ownership_transferred",
    "final_invoice_settled",
    "handover_delivered",
)


def closeout_save(*, actor: User, case: Offboarding, **checks: bool) -> Offboarding:
    with transaction.atomic():
        case = _step_guard(actor, case)
        changed = []
        for name in CLOSEOUT_FIELDS:
            if name in checks and getattr(case, name) != bool(checks[name]):
                setattr(case, name, bool(checks[name]))
                changed.append(name)
        if changed:
            case.save(update_fields=[*changed, "updated_at"])
            ticked = [
                Offboarding._meta.get_field(n).verbose_name for n in changed if getattr(case, n)
            ]
            if ticked:
                _audit(actor, case, AuditEvent.Action.STEP, "Close-out: " + "; ".join(ticked))
    return case


def offboarding_complete(*, actor: User, case: Offboarding) -> Offboarding:
    from .selectors import case_steps

    with transaction.atomic():
        case = _lock(case)
        _require(
            permissions.can_run_steps(actor, case),
            "Only the account lead and managers complete an offboarding.",
        )
        if case.status == S.APPROVED:
            raise TransitionError("Work through the steps first: nothing has been done yet.")
        if case.status == S.IN_PROGRESS:
            open_steps = [s.title for s in case_steps(case) if s.key != "complete" and not s.done]
            exports = case.documents.filter(
                kind=Document.Kind.HANDOVER, status=Document.Status.READY
            )
            if case.handover_done_at:
                # An export made before the contents were last completed is out of date:
                # it may lack a login or an asset added since.
                exports = exports.filter(requested_at__gte=case.handover_done_at)
            if not exports.exists():
                open_steps.append("export the handover PDF (after its contents are complete)")
            if open_steps:
                raise TransitionError(
                    "Still to do before completing: " + ", ".join(open_steps) + "."
                )
        _transition(actor=actor, case=case, action="complete")
    return case


def offboarding_cancel(*, actor: User, case: Offboarding, reason: str) -> Offboarding:
    reason = reason.strip()
    if not reason:
        raise TransitionError("Say why the offboarding is cancelled.")
    with transaction.atomic():
        case = _lock(case)
        _require(
            permissions.can_cancel(actor, case),
            "After approval only a manager may cancel an offboarding: it reverses a decision.",
        )
        _transition(actor=actor, case=case, action="cancel", comment=reason)
        case.close_reason = reason
        case.save(update_fields=["close_reason", "updated_at"])
    return case


# --- Documents -----------------------------------------------------------------------------

DOCUMENT_RULES = {
    # kind: (what must exist first, the message when it does not)
    Document.Kind.HANDOVER: ("working", "The handover can be exported once the case is approved."),
    Document.Kind.LETTER: (
        "review",
        "Complete the contract review first: the letter quotes the effective date and the clause.",
    ),
    Document.Kind.CALL_BRIEF: ("call", "Plan the call first."),
    Document.Kind.DOSSIER: ("proposed", "Submit the proposal first."),
}


def _document_allowed(case: Offboarding, kind: str) -> None:
    need, message = DOCUMENT_RULES[kind]
    live = case.is_working or case.status == S.COMPLETED
    if need != "proposed" and not live:
        raise TransitionError(
            "These documents can be produced once the case is approved and while it is "
            f"open or completed; this case is {case.get_status_display().lower()}."
        )
    ok = {
        "working": live,
        "review": ContractReview.objects.filter(case=case).exists(),
        "call": CallPlan.objects.filter(case=case).exists(),
        "proposed": case.status != S.DRAFT,
    }[need]
    if not ok:
        raise TransitionError(message)


def document_request(
    *,
    actor: User,
    case: Offboarding,
    kind: str,
    omit_secrets: bool = False,
    passphrase: str = "",
    body: str = "",
) -> Document:
    """Create the next version of a document and queue its render. Answers at once."""
    if kind not in Document.Kind.values:
        raise TransitionError("Unknown kind of document.")
    if kind == Document.Kind.LETTER and not body.strip():
        raise TransitionError("The letter needs its wording.")
    if passphrase and len(passphrase) < 8:
        raise TransitionError("Use a passphrase of at least 8 characters.")
    with transaction.atomic():
        case = _lock(case)  # versions are numbered one at a time per case
        _require(
            permissions.can_run_steps(actor, case),
            "Only the account lead and managers produce documents.",
        )
        _document_allowed(case, kind)
        last = case.documents.filter(kind=kind).order_by("-version").first()
        document = Document.objects.create(
            case=case,
            kind=kind,
            version=(last.version + 1) if last else 1,
            requested_by=actor,
            omit_secrets=omit_secrets and kind == Document.Kind.HANDOVER,
            protected=bool(passphrase),
            passphrase=passphrase,
            body=body if kind == Document.Kind.LETTER else "",
        )
        _audit(
            actor,
            case,
            AuditEvent.Action.CREATED,
            f"{document.get_kind_display()} v{document.version} requested",
            obj=document,
        )
        transaction.on_commit(lambda: document_enqueue(document_id=document.pk))
    return document


def document_enqueue(*, document_id: int) -> bool:
    """Hand the render to a worker. With the broker down the document stays queued; the
    periodic sweep hands it over again once the broker is back."""
    from .tasks import render_document

    try:
        render_document.delay(document_id)
    except Exception:  # the broker is unreachable: kombu raises OperationalError and friends
        import logging

        logging.getLogger(__name__).warning(
            "Document %s could not be queued; it stays queued for the sweep.", document_id
        )
        return False
    # Whatever its status by now: a free worker may already have started on it, and a
    # filter on "queued" then left the hand-over unrecorded.
    Document.objects.filter(pk=document_id).update(enqueued_at=timezone.now())
    return True


def document_retry(*, actor: User, document: Document) -> Document:
    with transaction.atomic():
        document = Document.objects.select_for_update().select_related("case").get(pk=document.pk)
        _require(
            permissions.can_run_steps(actor, document.case),
            "Only the account lead and managers produce documents.",
        )
        if document.status != Document.Status.FAILED:
            return document  # nothing to retry: a second click does no harm
        if document.protected and not document.passphrase:
            raise TransitionError(
                "The passphrase of a protected document is not kept: export it again."
            )
        document.status = Document.Status.QUEUED
        document.error = ""
        document.attempts = 0
        document.enqueued_at = None
        document.save(update_fields=["status", "error", "attempts", "enqueued_at"])
        _audit(
            actor,
            document.case,
            AuditEvent.Action.UPDATED,
            f"{document.get_kind_display()} v{document.version} retried",
            obj=document,
        )
        transaction.on_commit(lambda: document_enqueue(document_id=document.pk))
    return document


def document_render(*, document_id: int) -> Document | None:
    """Render one document: idempotent, safe to run again after a lost worker.

    Claims the row, renders to a temporary file, moves it into place, and records size,
    checksum and page count. A finished document is left as it is.
    """
    from django.core.files.storage import default_storage

    from .documents import render_pdf

    with transaction.atomic():
        document = Document.objects.select_for_update().filter(pk=document_id).first()
        if document is None or document.status in (
            Document.Status.READY,
            Document.Status.FAILED,  # only document_retry sends a failed one back
        ):
            return document
        if document.protected and not document.passphrase:
            # Never write a protected handover in clear: its passphrase is gone.
            document.status = Document.Status.FAILED
            document.error = "The passphrase is no longer available: export the handover again."
            document.finished_at = timezone.now()
            document.save(update_fields=["status", "error", "finished_at"])
            return document
        document.status = Document.Status.RENDERING
        document.started_at = timezone.now()
        document.attempts += 1
        document.save(update_fields=["status", "started_at", "attempts"])

    rendered = render_pdf(document, passphrase=document.passphrase)

    # One file per attempt: a slower duplicate run can never overwrite the recorded file.
    name = (
        f"documents/{document.case_id}/"
        f"{document.kind}-v{document.version}-{document.pk}-{document.attempts}.pdf"
    )
    final_path = Path(default_storage.path(name))
    final_path.parent.mkdir(parents=True, exist_ok=True)
    # Encrypted at rest (a handover holds every password); whole or not at all.
    write_atomically(final_path, crypto.encrypt_bytes(rendered.data), prefix=".render-")

    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document_id)
        if document.status == Document.Status.READY:
            if document.file.name != name:
                final_path.unlink(missing_ok=True)  # a redelivered copy finished first
            return document
        document.file.name = name
        document.size = len(rendered.data)
        document.sha256 = rendered.sha256
        document.page_count = rendered.pages
        document.status = Document.Status.READY
        document.finished_at = timezone.now()
        document.error = ""
        document.passphrase = ""  # used once, never kept
        document.save()
    return document


def document_fail(*, document_id: int, error: str) -> None:
    with transaction.atomic():
        document = Document.objects.select_for_update().filter(pk=document_id).first()
        if document is None or document.status == Document.Status.READY:
            return
        document.status = Document.Status.FAILED
        document.error = error[:2000]
        document.finished_at = timezone.now()
        document.passphrase = ""  # never kept past the last try; export again to protect
        document.save()


def document_download(*, actor: User, document: Document, request=None) -> Document:
    _require(
        permissions.can_run_steps(actor, document.case),
        "Only the account lead and managers download documents.",
    )
    if document.status != Document.Status.READY:
        raise TransitionError("This document is not ready.")
    _audit(
        actor,
        document.case,
        AuditEvent.Action.DOWNLOAD,
        f"{document.get_kind_display()} v{document.version} downloaded",
        obj=document,
        request=request,
    )
    return document


def documents_requeue_stuck(*, older_than_seconds: int = 120) -> int:
    """Queue again the documents that never reached a worker: the broker was down when
    they were requested, or it lost its queue. A document handed over recently is left
    alone, so a busy worker does not get the same render twice."""
    now = timezone.now()
    never_sent = Q(
        enqueued_at__isnull=True,
        requested_at__lt=now - dt.timedelta(seconds=older_than_seconds),
    )
    lost = Q(enqueued_at__lt=now - dt.timedelta(minutes=30))
    stuck = list(
        Document.objects.filter(status=Document.Status.QUEUED)
        .filter(never_sent | lost)
        .values_list("pk", flat=True)
    )
    return sum(document_enqueue(document_id=pk) for pk in stuck)
