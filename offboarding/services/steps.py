"""The guided steps: contract review, deliverables, the call, the handover, close-out.

Each service names the fields it may change (assign_fields refuses any other), and
every object it is handed must belong to the case it is changed on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from agency.errors import Refused
from agency.formatting import in_every_language, money
from agency.models import AuditEvent, User
from agency.services import assign_fields
from clients import dates
from clients.models import Client, Contract

from .. import permissions
from ..documents.script import generate_script
from ..models import Asset, CallPlan, ContractReview, Credential, Deliverable, Offboarding
from ._common import audit, reopen_handover, step_guard

# --- Contract review ------------------------------------------------------------------------


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
        raise Refused(_("Choose one of this client's contracts."))
    immediate_on = immediate_on if basis == ContractReview.Basis.IMMEDIATE else None
    terms = {
        "basis": basis,
        "notice_given_on": notice_given_on,
        "start": contract.start_date,
        "end": contract.end_date,
        "notice_days": contract.notice_days,
        "auto_renews": contract.auto_renews,
        "renewal_months": contract.renewal_months,
        "immediate_on": immediate_on,
    }
    try:
        end = dates.effective_end(**terms)
        notice = contract.notice(today=notice_given_on)
        # The warning in each interface language, so every reader sees it in their own.
        warnings = {}
        if end.warning:
            for language, _name in settings.LANGUAGES:
                with translation.override(language):
                    warnings[language] = dates.effective_end(**terms).warning
    except (ValueError, OverflowError) as error:
        raise Refused(
            str(error) if isinstance(error, ValueError) else _("That date is out of range.")
        ) from error
    with transaction.atomic():
        case = step_guard(actor, case)
        review, created = ContractReview.objects.update_or_create(
            case=case,
            defaults={
                "contract": contract,
                "basis": basis,
                "notice_given_on": notice_given_on,
                "immediate_on": immediate_on,
                "effective_end": end.end_date,
                "notice_deadline": notice.notice_deadline,
                "breaks_notice": end.breaks_notice,
                "warning": warnings.get(settings.LANGUAGE_CODE, end.warning),
                "warnings": warnings,
                "open_invoices_amount": open_invoices_total(case.client),
                "refund_amount": refund_amount or Decimal("0"),
                "released_early": released_early,
                "notes": notes,
                "reviewed_by": actor,
            },
        )
        audit(
            actor,
            case,
            AuditEvent.Action.STEP,
            gettext_noop("Contract review done: ends %(date)s")
            if created
            else gettext_noop("Contract review updated: ends %(date)s"),
            {"date": end.end_date},
            comments=warnings or None,
        )
    return review


# --- Deliverables ---------------------------------------------------------------------------

DELIVERABLE_FIELDS = (
    "name",
    "description",
    "due_on",
    "status",
    "client_answer",
    "decision",
    "refund_amount",
)


def _own(case: Offboarding, obj, model) -> object:
    """The case's own row, freshly read: a row of another case is refused."""
    fresh = model.objects.filter(pk=obj.pk, case=case).first()
    if fresh is None:
        raise Refused(_("That item belongs to another offboarding case."))
    return fresh


def deliverable_save(
    *, actor: User, case: Offboarding, deliverable: Deliverable | None = None, **fields
) -> Deliverable:
    if (
        fields.get("decision") == Deliverable.Decision.CANCEL_REFUND
        and fields.get("refund_amount") is None
    ):
        raise Refused(_("Enter the amount to refund for a cancelled deliverable (0 if none)."))
    with transaction.atomic():
        case = step_guard(actor, case)
        creating = deliverable is None
        deliverable = Deliverable(case=case) if creating else _own(case, deliverable, Deliverable)
        before = {name: getattr(deliverable, name) for name in DELIVERABLE_FIELDS}
        assign_fields(deliverable, fields, allowed=DELIVERABLE_FIELDS)
        if deliverable.decision == Deliverable.Decision.HAND_OVER and deliverable.status not in (
            Deliverable.Status.DELIVERED,
            Deliverable.Status.CANCELLED,
        ):
            deliverable.status = Deliverable.Status.HANDED_OVER
        if deliverable.decision == Deliverable.Decision.CANCEL_REFUND:
            deliverable.status = Deliverable.Status.CANCELLED
        deliverable.save()
        _audit_deliverable(actor, case, deliverable, before=None if creating else before)
        if case.deliverables_done_at and not deliverable.settled:
            case.deliverables_done_at = None  # a change reopened the step
            case.save(update_fields=["deliverables_done_at", "updated_at"])
    return deliverable


def _audit_deliverable(
    actor: User, case: Offboarding, deliverable: Deliverable, *, before: dict | None
) -> None:
    """Who decided what for a deliverable: its decision, status and refund, as labels.
    The facts go in the event's comment, written in each language for its readers."""

    def write_facts() -> str:
        facts = f"{deliverable.get_decision_display()}, {deliverable.get_status_display().lower()}"
        if deliverable.refund_amount is not None:
            # Translators: in a list of a deliverable's facts, e.g. "refund €450.00".
            facts += ", " + _("refund %(amount)s") % {
                "amount": money(deliverable.refund_amount, case.client.currency)
            }
        return facts

    facts = in_every_language(write_facts)
    with translation.override(None):
        changed = [
            str(Deliverable._meta.get_field(name).verbose_name)
            for name in DELIVERABLE_FIELDS
            if before is not None and before[name] != getattr(deliverable, name)
        ]
    if before is None:
        audit(
            actor,
            case,
            AuditEvent.Action.CREATED,
            gettext_noop("Deliverable added: %(name)s"),
            {"name": deliverable.name},
            obj=deliverable,
            comments=facts,
        )
        return
    if changed:
        audit(
            actor,
            case,
            AuditEvent.Action.UPDATED,
            # Translators: %(fields)s lists what changed, e.g. "decision, refund amount".
            gettext_noop("Deliverable updated: %(name)s (%(fields)s)"),
            {"name": deliverable.name, "fields": ", ".join(changed)},
            obj=deliverable,
            comments=facts,
        )


def deliverables_complete(*, actor: User, case: Offboarding) -> Offboarding:
    with transaction.atomic():
        case = step_guard(actor, case)
        if case.contract_review is None:
            raise Refused(
                _(
                    "Complete the contract review first: it sets the end date the deliverables "
                    "are settled against."
                )
            )
        unsettled = [d for d in case.deliverables.all() if not d.settled]
        if unsettled:
            names = ", ".join(d.name for d in unsettled[:5])
            raise Refused(
                _(
                    "Every deliverable needs a decision, and every one to finish must be "
                    "delivered or moved to the handover. Still open: %(names)s."
                )
                % {"names": names}
            )
        if case.deliverables_done_at is None:
            case.deliverables_done_at = timezone.now()
            case.save(update_fields=["deliverables_done_at", "updated_at"])
            audit(actor, case, AuditEvent.Action.STEP, gettext_noop("Deliverables settled"))
    return case


# --- The call -------------------------------------------------------------------------------

CALL_PLAN_FIELDS = (
    "scheduled_at",
    "language",
    "duration_minutes",
    "channel",
    "location",
    "talking_points",
    "referral_name",
    "referral_contact",
    "referral_why",
    "script",
    "points_written",
    "rehearsed",
    "agreed_internally",
)


def _script(case: Offboarding, actor: User, call: CallPlan) -> str:
    return generate_script(
        case=case,
        agency_name=settings.AGENCY_NAME,
        speaker=actor.display_name,
        referral_name=call.referral_name,
        language=call.language,
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
        raise Refused(CallPlan.EMAIL_REFUSED)
    with transaction.atomic():
        case = step_guard(actor, case)
        call = case.call_plan or CallPlan(case=case, language=case.client.language)
        assign_fields(call, fields, allowed=CALL_PLAN_FIELDS)
        if not call.script.strip():
            call.script = _script(case, actor, call)
        creating = call.pk is None
        call.save()
        call.agency_attendees.set(list(agency_attendees) or [actor])
        call.client_attendees.set([c for c in client_attendees if c.client_id == case.client_id])
        if creating:
            audit(
                actor,
                case,
                AuditEvent.Action.STEP,
                gettext_noop("Call planned for %(when)s"),
                {"when": call.scheduled_at},
            )
    return call


def call_script_regenerate(*, actor: User, case: Offboarding) -> CallPlan:
    with transaction.atomic():
        case = step_guard(actor, case)
        call = case.call_plan
        if call is None:
            raise Refused(_("Plan the call first."))
        call.script = _script(case, actor, call)
        call.rehearsed = False  # a new script has not been rehearsed yet
        call.save(update_fields=["script", "rehearsed"])
    return call


RESCHEDULED_IN_THE_PAST = gettext_lazy("A call is rescheduled to a time still to come.")


def held_at_problem(call: CallPlan | None, held_at: dt.datetime) -> str:
    """Why a call cannot have been held at `held_at` ("" when it can): not in the future,
    and not before the time it was planned for. A call held earlier than planned means
    the plan is wrong: it is corrected first, so the plan, the calendar file and the
    record of the call tell the same story."""
    if held_at > timezone.now():
        return _("This is in the future: a call is recorded as held once it has taken place.")
    if call is not None and held_at < call.scheduled_at:
        planned = timezone.localtime(call.scheduled_at)
        return _(
            "The plan says the call is on %(date)s at %(time)s, after this time. If it took "
            "place earlier, correct the time in call planning first, then record the outcome."
        ) % {"date": date_format(planned, "DATE_FORMAT"), "time": date_format(planned, "H:i")}
    return ""


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
        case = step_guard(actor, case)
        call = case.call_plan
        if call is None or not call.prepared:
            raise Refused(
                _(
                    "Plan and prepare the call first: talking points written, rehearsed and "
                    "agreed internally."
                )
            )
        if held == CallPlan.Held.HELD:
            if held_at is None:
                raise Refused(_("Enter when the call was held."))
            if problem := held_at_problem(call, held_at):
                raise Refused(problem)
            if not reaction:
                raise Refused(_("Record how the client reacted."))
            call.held_at = held_at
        elif held == CallPlan.Held.RESCHEDULED:
            if rescheduled_to is None:
                raise Refused(_("Enter the new date and time of the call."))
            if rescheduled_to <= timezone.now():
                raise Refused(RESCHEDULED_IN_THE_PAST)
            call.scheduled_at = rescheduled_to
        call.held = held
        call.reaction = reaction
        call.commitments = commitments
        call.pushback = pushback
        call.outcome_recorded_by = actor
        call.save()
        audit(
            actor,
            case,
            AuditEvent.Action.STEP,
            gettext_noop("Call held")
            if held == CallPlan.Held.HELD
            else gettext_noop("Call rescheduled"),
            comments=in_every_language(lambda: _("Pushback recorded; the decision stands."))
            if pushback.strip()
            else None,
        )
    return call


# --- Handover -------------------------------------------------------------------------------

CREDENTIAL_FIELDS = ("system", "url", "username", "secret", "recovery_note", "notes")
# What the handover lists of an asset; the rest is the close-out ledger's.
HANDOVER_ASSET_FIELDS = ("name", "kind", "location", "owner_after")
ASSET_FIELDS = (
    "name",
    "kind",
    "location",
    "owner_now",
    "owner_after",
    "transfer_code",
    "renewal_on",
    "renewal_payer",
    "transfer_status",
)


def credential_save(
    *,
    actor: User,
    case: Offboarding,
    credential: Credential | None = None,
    remove_recovery_note: bool = False,
    **fields,
) -> Credential:
    with transaction.atomic():
        case = step_guard(actor, case)
        creating = credential is None
        # Read again, and from this case only: a form may have changed the instance in
        # memory (an empty secret field), and a credential of another case is refused.
        credential = Credential(case=case) if creating else _own(case, credential, Credential)
        if not creating:
            # Secrets are never shown in a form: left empty on edit, the stored one stays.
            for name in ("secret", "recovery_note"):
                if not fields.get(name):
                    fields.pop(name, None)
            if remove_recovery_note and not fields.get("recovery_note"):
                fields["recovery_note"] = ""
        assign_fields(credential, fields, allowed=CREDENTIAL_FIELDS)
        credential.save()
        reopen_handover(case)
        audit(
            actor,
            case,
            AuditEvent.Action.CREATED if creating else AuditEvent.Action.UPDATED,
            gettext_noop("Credential added: %(system)s")
            if creating
            else gettext_noop("Credential updated: %(system)s"),
            {"system": credential.system},
            obj=credential,
        )
    return credential


def credential_delete(*, actor: User, case: Offboarding, credential: Credential) -> None:
    with transaction.atomic():
        case = step_guard(actor, case)
        credential = _own(case, credential, Credential)
        audit(
            actor,
            case,
            AuditEvent.Action.UPDATED,
            gettext_noop("Credential removed: %(system)s"),
            {"system": credential.system},
        )
        credential.delete()
        reopen_handover(case)


def credential_reveal(*, actor: User, credential: Credential, request=None) -> str:
    """The secret in plain text, for one person, once, written to the audit log."""
    case = credential.case
    permissions.REVEAL_SECRET.check(actor, case)
    with transaction.atomic():
        audit(
            actor,
            case,
            AuditEvent.Action.REVEAL,
            # Translators: a system (e.g. WordPress) and the username of the login.
            gettext_noop("Secret revealed: %(system)s (%(username)s)"),
            {"system": credential.system, "username": credential.username},
            obj=credential,
            request=request,
        )
    return credential.secret


def asset_save(*, actor: User, case: Offboarding, asset: Asset | None = None, **fields) -> Asset:
    with transaction.atomic():
        case = step_guard(actor, case)
        creating = asset is None
        asset = Asset(case=case) if creating else _own(case, asset, Asset)
        if not creating and not fields.get("transfer_code"):
            fields.pop("transfer_code", None)  # never shown in a form: empty keeps it
        before = {name: getattr(asset, name) for name in HANDOVER_ASSET_FIELDS}
        assign_fields(asset, fields, allowed=ASSET_FIELDS)
        asset.save()
        if creating or any(getattr(asset, n) != v for n, v in before.items()):
            # What the handover shows changed: it must be completed (and exported) again.
            # The ledger's own fields (owner now, code, renewal, transfer) do not reopen it.
            reopen_handover(case)
        audit(
            actor,
            case,
            AuditEvent.Action.CREATED if creating else AuditEvent.Action.UPDATED,
            gettext_noop("Asset added: %(name)s")
            if creating
            else gettext_noop("Asset updated: %(name)s"),
            {"name": asset.name},
            obj=asset,
        )
    return asset


def asset_delete(*, actor: User, case: Offboarding, asset: Asset) -> None:
    with transaction.atomic():
        case = step_guard(actor, case)
        asset = _own(case, asset, Asset)
        audit(
            actor,
            case,
            AuditEvent.Action.UPDATED,
            gettext_noop("Asset removed: %(name)s"),
            {"name": asset.name},
        )
        asset.delete()
        reopen_handover(case)


def handover_instructions_save(*, actor: User, case: Offboarding, text: str) -> Offboarding:
    with transaction.atomic():
        case = step_guard(actor, case)
        if case.takeover_instructions == text:
            return case
        case.takeover_instructions = text
        case.save(update_fields=["takeover_instructions", "updated_at"])
        audit(actor, case, AuditEvent.Action.UPDATED, gettext_noop("Takeover instructions updated"))
        reopen_handover(case)  # the handover PDF must be exported again
    return case


def handover_complete(*, actor: User, case: Offboarding) -> Offboarding:
    with transaction.atomic():
        case = step_guard(actor, case)
        if not case.takeover_instructions.strip():
            raise Refused(_("Write the takeover instructions before closing the handover."))
        if not case.credentials.exists() and not case.assets.exists():
            raise Refused(
                _("List the accounts and assets the agency created for the client first.")
            )
        if case.handover_done_at is None:
            case.handover_done_at = timezone.now()
            case.save(update_fields=["handover_done_at", "updated_at"])
            audit(actor, case, AuditEvent.Action.STEP, gettext_noop("Handover contents complete"))
    return case


# --- Close-out ------------------------------------------------------------------------------


def closeout_save(*, actor: User, case: Offboarding, **checks: bool) -> Offboarding:
    unknown = set(checks) - set(Offboarding.CLOSEOUT_FIELDS)
    if unknown:
        raise TypeError(f"Not a close-out item: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        case = step_guard(actor, case)
        changed = [
            name
            for name in Offboarding.CLOSEOUT_FIELDS
            if name in checks and getattr(case, name) != bool(checks[name])
        ]
        for name in changed:
            setattr(case, name, bool(checks[name]))
        if changed:
            case.save(update_fields=[*changed, "updated_at"])
            # One event per item ticked, so each reads in its reader's language.
            for name in changed:
                if getattr(case, name):
                    audit(
                        actor,
                        case,
                        AuditEvent.Action.STEP,
                        # Translators: e.g. "Close-out: ownership of accounts transferred".
                        gettext_noop("Close-out: %(item_label)s"),
                        {"item_label": Offboarding._meta.get_field(name).verbose_name},
                    )
    return case
