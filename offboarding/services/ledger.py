"""The close-out ledger: every door closed one by one (our access to their systems, their
people in our tools) and every asset transferred. A row is done by someone on a date, or
waived by a manager with a reason; close-out completes when every row is settled."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from agency.errors import Refused
from agency.models import AuditEvent, User
from agency.services import assign_fields

from .. import permissions
from ..models import AccessRow, Asset, Offboarding
from ._common import audit, step_guard

ACCESS_FIELDS = ("side", "system", "tool", "person", "credential", "action", "note")


def _row(case: Offboarding, row_id: int) -> AccessRow:
    row = AccessRow.objects.select_for_update().filter(case=case, pk=row_id).first()
    if row is None:
        raise Refused(_("This row is not part of this case's ledger."))
    return row


def _asset(case: Offboarding, asset_id: int) -> Asset:
    asset = Asset.objects.select_for_update().filter(case=case, pk=asset_id).first()
    if asset is None:
        raise Refused(_("This asset is not part of this case."))
    return asset


def access_row_save(
    *, actor: User, case: Offboarding, row: AccessRow | None = None, **fields
) -> AccessRow:
    with transaction.atomic():
        case = step_guard(actor, case)
        creating = row is None
        row = AccessRow(case=case) if creating else _row(case, row.pk)
        credential = fields.get("credential")
        if credential is not None and credential.case_id != case.pk:
            raise Refused(_("This login is not part of this case's handover."))
        assign_fields(row, fields, allowed=ACCESS_FIELDS)
        row.save()
        audit(
            actor,
            case,
            AuditEvent.Action.CREATED if creating else AuditEvent.Action.UPDATED,
            gettext_noop("Ledger row added: %(system)s")
            if creating
            else gettext_noop("Ledger row updated: %(system)s"),
            {"system": row.system},
            obj=row,
        )
    return row


def access_row_delete(*, actor: User, case: Offboarding, row_id: int) -> None:
    with transaction.atomic():
        case = step_guard(actor, case)
        row = _row(case, row_id)
        audit(
            actor,
            case,
            AuditEvent.Action.UPDATED,
            gettext_noop("Ledger row removed: %(system)s"),
            {"system": row.system},
        )
        row.delete()


def access_row_done(*, actor: User, case: Offboarding, row_id: int, done: bool = True) -> AccessRow:
    """This door is closed (by the actor, now); or, `done=False`, open again."""
    with transaction.atomic():
        case = step_guard(actor, case)
        row = _row(case, row_id)
        if done == (row.done_at is not None):
            return row  # sent twice: no harm
        row.done_at = timezone.now() if done else None
        row.done_by = actor if done else None
        row.save(update_fields=["done_at", "done_by"])
        audit(
            actor,
            case,
            AuditEvent.Action.STEP if done else AuditEvent.Action.UPDATED,
            gettext_noop("Access closed: %(system)s (%(action_label)s)")
            if done
            else gettext_noop("Access reopened: %(system)s"),
            {"system": row.system, "action_label": AccessRow.Action(row.action).label}
            if done
            else {"system": row.system},
            obj=row,
        )
    return row


def _waive(actor: User, case: Offboarding, item, reason: str, name: str) -> None:
    permissions.WAIVE_LEDGER.check(actor)
    reason = reason.strip()
    if not reason:
        raise Refused(_("A waiver needs a reason."))
    item.waived_at = timezone.now()
    item.waived_by = actor
    item.waive_reason = reason
    item.save(update_fields=["waived_at", "waived_by", "waive_reason"])
    audit(
        actor,
        case,
        AuditEvent.Action.DECISION,
        gettext_noop("Ledger row waived: %(name)s"),
        {"name": name},
        obj=item,
        comment=reason,
    )


def access_row_waive(*, actor: User, case: Offboarding, row_id: int, reason: str) -> AccessRow:
    """A manager decides this door needs no closing, and says why."""
    with transaction.atomic():
        case = step_guard(actor, case)
        row = _row(case, row_id)
        if row.waived_at is None:
            _waive(actor, case, row, reason, row.system)
    return row


def asset_waive(*, actor: User, case: Offboarding, asset_id: int, reason: str) -> Asset:
    with transaction.atomic():
        case = step_guard(actor, case)
        asset = _asset(case, asset_id)
        if asset.waived_at is None:
            _waive(actor, case, asset, reason, asset.name)
    return asset


def asset_transfer_set(*, actor: User, case: Offboarding, asset_id: int, status: str) -> Asset:
    """Where the asset's transfer stands: not started, initiated, confirmed by the client."""
    if status not in Asset.Transfer.values:
        raise Refused(_("Unknown transfer state."))
    with transaction.atomic():
        case = step_guard(actor, case)
        asset = _asset(case, asset_id)
        if asset.transfer_status != status:
            asset.transfer_status = status
            asset.save(update_fields=["transfer_status"])
            audit(
                actor,
                case,
                AuditEvent.Action.STEP
                if status == Asset.Transfer.CONFIRMED
                else AuditEvent.Action.UPDATED,
                gettext_noop("Transfer of %(name)s: %(state_label)s"),
                {"name": asset.name, "state_label": Asset.Transfer(status).label},
                obj=asset,
            )
    return asset


def asset_code_reveal(*, actor: User, asset: Asset, request=None) -> str:
    """An asset's transfer code in plain text, for one person, written to the audit log."""
    permissions.REVEAL_SECRET.check(actor, asset.case)
    with transaction.atomic():
        audit(
            actor,
            asset.case,
            AuditEvent.Action.REVEAL,
            gettext_noop("Transfer code revealed: %(name)s"),
            {"name": asset.name},
            obj=asset,
            request=request,
        )
    return asset.transfer_code


def ledger_from_handover(*, actor: User, case: Offboarding) -> int:
    """A row "rotate the shared password" for every handover login that has none yet.
    Returns how many were added."""
    with transaction.atomic():
        case = step_guard(actor, case)
        listed = set(case.access_rows.exclude(credential=None).values_list("credential", flat=True))
        added = [
            AccessRow(
                case=case,
                side=AccessRow.Side.OURS,
                system=credential.system,
                credential=credential,
                action=AccessRow.Action.ROTATE_PASSWORD,
            )
            for credential in case.credentials.order_by("system", "id")
            if credential.pk not in listed
        ]
        AccessRow.objects.bulk_create(added)
        if added:
            audit(
                actor,
                case,
                AuditEvent.Action.CREATED,
                gettext_noop("Ledger: %(count)s rows added from the handover logins"),
                {"count": len(added)},
            )
    return len(added)
