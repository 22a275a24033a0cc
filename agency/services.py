"""Writes of the agency app: the audit log."""

from __future__ import annotations

from django.http import HttpRequest

from .models import AuditEvent, User
from .net import client_address


def audit_record(
    *,
    actor: User | None,
    action: str,
    summary: str,
    client_id: int | None = None,
    case_id: int | None = None,
    obj=None,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Append one event to the audit log. Call it inside the transaction of the change."""
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_name=actor.display_name if actor is not None and actor.pk else "",
        action=action,
        summary=summary[:300],
        client_id=client_id,
        case_id=case_id,
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=obj.pk if obj is not None else None,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        ip_address=client_address(request),
    )


def assign_fields(obj, fields: dict, *, allowed: tuple[str, ...]) -> None:
    """Set the named fields a service may change, and refuse any other name: a service
    states what it writes, so a stray form field can never reach a column."""
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise TypeError(f"{type(obj).__name__}: may not set {', '.join(unknown)} here.")
    for name, value in fields.items():
        setattr(obj, name, value)
