"""Writes of the agency app: the audit log."""

from __future__ import annotations

import hmac
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_noop

from .crypto import new_link_token, token_digest
from .formatting import shown_param, stored_param
from .logging import redact
from .models import AuditEvent, CalendarToken, User
from .net import client_address


def audit_record(
    *,
    actor: User | None,
    action: str,
    summary: str,
    summary_args: dict | None = None,
    client_id: int | None = None,
    case_id: int | None = None,
    obj=None,
    from_state: str = "",
    to_state: str = "",
    comment: str = "",
    comments: dict[str, str] | None = None,
    request: HttpRequest | None = None,
    actor_name: str = "",
) -> AuditEvent:
    """Append one event to the audit log. Call it inside the transaction of the change.

    `summary` is a message id marked with gettext_noop, filled with `summary_args` by
    name: `summary=gettext_noop("Client %(name)s added"), summary_args={"name": ...}`. It is
    kept untranslated and shown in each reader's language (AuditEvent.text). A comment the
    app writes itself (not a person's words) comes as `comments`, the same text in each
    language (agency.formatting.in_every_language); `comment` then defaults to the agency's.
    An argument
    named *_label is a message itself (e.g. a category's label) and is kept as its English
    message id, whatever language the writer works in. Someone without an account (a
    client in the handover room) is named by `actor_name`.
    """
    for key, value in (summary_args or {}).items():
        if key.endswith("_label") and not isinstance(value, Promise):
            # A label translated already (get_FOO_display()) would be kept in the writer's
            # language: pass the choice's own label, e.g. Incident.Category(value).label.
            raise TypeError(f"{key} must be a lazy message (a choice's .label), not {value!r}")
    with translation.override("en-gb"):  # the source language: the msgids themselves
        args = {
            key: str(value) if key.endswith("_label") else value
            for key, value in (summary_args or {}).items()
        }
        english = (
            str(summary) % {key: shown_param(value) for key, value in args.items()}
            if summary_args is not None
            else str(summary)
        )
        # A date or a time is kept as such, and written out in each reader's language.
        args = {key: stored_param(value) for key, value in args.items()}
    if comments:
        args["comment_by_language"] = comments
        comment = comment or comments.get(settings.LANGUAGE_CODE, "")
    return AuditEvent.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        actor_name=actor.display_name if actor is not None and actor.pk else actor_name[:150],
        action=action,
        summary=english[:300],
        message=str(summary)[:300],
        params=args,
        client_id=client_id,
        case_id=case_id,
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=obj.pk if obj is not None else None,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        ip_address=client_address(request),
    )


REFUSAL_QUIET_PERIOD = timedelta(minutes=10)
"""A refused request is logged once per person and request line in this time."""


def refusal_record(
    *,
    actor: User | None,
    request: HttpRequest,
    client_id: int | None = None,
    case_id: int | None = None,
) -> AuditEvent | None:
    """Log a refused request, unless the same person was refused the same method and path
    within REFUSAL_QUIET_PERIOD (an anonymous person: the same address), so a thousand
    retries add one event, not a thousand. A refused write (POST) to a page whose reading
    was refused is logged on its own. Returns the event written, or None.

    The earlier event is looked up in the audit log itself, which every web process
    shares (the configured cache is per process).
    """
    message = gettext_noop("Refused %(method)s %(path)s")
    # A handover room's link and a calendar feed hold a token in the path: never kept.
    args = {"method": request.method, "path": redact(request.path)[:200]}
    summary = message % args
    actor = actor if actor is not None and actor.pk else None
    recent = AuditEvent.objects.filter(
        action=AuditEvent.Action.ACCESS_DENIED,
        summary=summary[:300],
        created_at__gte=timezone.now() - REFUSAL_QUIET_PERIOD,
    )
    if actor is not None:
        recent = recent.filter(actor=actor)
    else:
        recent = recent.filter(actor=None, ip_address=client_address(request))
    if recent.exists():
        return None
    return audit_record(
        actor=actor,
        action=AuditEvent.Action.ACCESS_DENIED,
        summary=message,
        summary_args=args,
        client_id=client_id,
        case_id=case_id,
        request=request,
    )


def assign_fields(obj, fields: dict, *, allowed: tuple[str, ...]) -> None:
    """Set the named fields a service may change, and refuse any other name: a service
    states what it writes, so a stray form field can never reach a column."""
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise TypeError(f"{type(obj).__name__}: may not set {', '.join(unknown)} here.")
    for name, value in fields.items():
        setattr(obj, name, value)


def user_set_language(*, actor: User, language: str) -> User:
    """Keep a person's language for their pages and e-mails ("" follows the browser)."""
    if language and language not in dict(settings.LANGUAGES):
        raise ValueError(f"Unknown language {language!r}.")
    if actor.language != language:
        actor.language = language
        actor.save(update_fields=["language"])
    return actor


def calendar_feed_issue(*, actor: User) -> str:
    """A new private calendar feed address for this person (the old one stops working).
    Returns the token, which is kept only as its hash: shown once."""
    token, digest = new_link_token()
    with transaction.atomic():
        CalendarToken.objects.filter(user=actor).delete()
        CalendarToken.objects.create(user=actor, token_hash=digest)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATED,
            summary=gettext_noop("Calendar feed address created"),
        )
    return token


def calendar_feed_revoke(*, actor: User) -> bool:
    """The feed's address stops working at once. Returns whether there was one."""
    with transaction.atomic():
        deleted, _ = CalendarToken.objects.filter(user=actor).delete()
        if deleted:
            audit_record(
                actor=actor,
                action=AuditEvent.Action.UPDATED,
                summary=gettext_noop("Calendar feed address revoked"),
            )
    return bool(deleted)


def calendar_feed_user(token: str) -> User | None:
    """The active person whose feed this token opens, or None."""
    if not token or len(token) > 100:
        return None
    digest = token_digest(token)
    found = CalendarToken.objects.select_related("user").filter(token_hash=digest).first()
    if found is None or not hmac.compare_digest(found.token_hash, digest):
        return None
    return found.user if found.user.is_active else None
