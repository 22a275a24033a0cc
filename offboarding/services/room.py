"""The handover room: the lead opens it, the client's recipients enter it with a personal
link and an access code, reveal each login, mark passwords changed and sign a receipt.

Secrets of the room itself: a link's token (256 random bits) is kept only as its SHA-256
and an access code only as a salted password hash; both are shown once (the token in the
e-mail, the code to the lead) and never logged, stored in clear or put in a task message.
Everything the client does is recorded as a RoomEvent (time, address, browser) and, for
what matters to the case, in the audit trail.
"""

from __future__ import annotations

import datetime as dt
import hmac
import ipaddress
import logging
import secrets
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from agency.crypto import new_link_token, token_digest
from agency.errors import Refused
from agency.formatting import long_date
from agency.models import AuditEvent, User
from agency.net import client_address
from clients.models import Contact

from .. import permissions, tasks
from ..models import (
    Credential,
    Document,
    HandoverRoom,
    Offboarding,
    Receipt,
    RoomEvent,
    RoomLogin,
    RoomMiss,
    RoomRecipient,
)
from ..progress import require_working
from ._common import audit, lock
from .documents import document_request

logger = logging.getLogger(__name__)

CODE_DIGITS = 8
MISS_WINDOW = dt.timedelta(minutes=15)
E = RoomEvent.Kind


# --- Tokens and codes ---------------------------------------------------------------------


def _new_code() -> str:
    """Eight digits, easy to read out on the phone: "4821 3907"."""
    digits = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    return f"{digits[:4]} {digits[4:]}"


def normalise_code(typed: str) -> str:
    """The digits typed, whatever the keyboard: a full-width "４" or an Arabic-Indic digit
    is the digit it stands for; spaces and dashes are ignored."""
    return "".join(str(unicodedata.decimal(ch)) for ch in typed if ch.isdecimal())


def recipient_by_token(token: str) -> RoomRecipient | None:
    """The recipient a link belongs to, if the link may still be used; None for an unknown,
    expired or revoked link (and a room whose case was withdrawn), alike."""
    if not token or len(token) > 100:
        return None
    digest = token_digest(token)
    recipient = (
        RoomRecipient.objects.select_related("room__case__client__account_lead")
        .filter(token_hash=digest)
        .first()
    )
    # The lookup is by hash (timing tells nothing of the token); compared again in
    # constant time all the same.
    if recipient is None or not hmac.compare_digest(recipient.token_hash, digest):
        return None
    if not room_usable(recipient.room) or recipient.revoked_at is not None:
        return None
    return recipient


def room_usable(room: HandoverRoom) -> bool:
    case = room.case
    return room.is_live and (case.is_working or case.status == Offboarding.Status.COMPLETED)


# --- Rate limit by address ----------------------------------------------------------------


def _address_key(request) -> str | None:
    """Who is counted: the client's address, or for IPv6 its /64 network (one line's
    addresses are all the same person). None when the request has no usable address."""
    address = client_address(request)
    if address is None:
        return None
    parsed = ipaddress.ip_address(address)
    if parsed.version == 6 and parsed.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{address}/64", strict=False).network_address)
    return address


def address_blocked(request) -> bool:
    """Too many wrong codes or dead links from this address in the last quarter hour. A
    request without a usable address is not counted (one shared counter for all of them
    would let anyone close the room to everyone); the per-link lockout still holds."""
    key = _address_key(request)
    if key is None:
        return False
    since = timezone.now() - MISS_WINDOW
    misses = RoomMiss.objects.filter(ip_address=key, at__gte=since)
    return misses.count() >= settings.CLEANBREAK_ROOM_ADDRESS_LIMIT


def miss_record(request) -> None:
    key = _address_key(request)
    if key is None:
        return
    RoomMiss.objects.create(ip_address=key)
    # Old misses say nothing any more: keep the table small (indexed on the time).
    RoomMiss.objects.filter(at__lt=timezone.now() - 4 * MISS_WINDOW).delete()


# --- The lead's side ----------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedCode:
    recipient: RoomRecipient
    code: str  # shown to the lead once, never stored in clear


def _user_agent(request) -> str:
    return (request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:300]


def _event(room, kind, *, recipient=None, login=None, request=None, detail="") -> RoomEvent:
    return RoomEvent.objects.create(
        room=room,
        recipient=recipient,
        login=login,
        kind=kind,
        ip_address=client_address(request),
        user_agent=_user_agent(request),
        detail=detail[:200],
    )


def _expiry(days: int) -> dt.datetime:
    if not 1 <= days <= settings.CLEANBREAK_ROOM_MAX_DAYS:
        raise Refused(
            _("Choose between 1 and %(max)s days.") % {"max": settings.CLEANBREAK_ROOM_MAX_DAYS}
        )
    return timezone.now() + dt.timedelta(days=days)


def _issue(room: HandoverRoom, recipient: RoomRecipient) -> tuple[str, str]:
    """A fresh token and code for a recipient (saved by the caller)."""
    token, digest = new_link_token()
    code = _new_code()
    recipient.token_hash = digest
    recipient.code_hash = make_password(normalise_code(code))
    recipient.code_by_email = settings.CLEANBREAK_ROOM_CODE_BY_EMAIL
    recipient.failed_attempts = 0
    recipient.locked_at = None
    recipient.sent_at = None
    recipient.send_error = ""
    return token, code


def room_open(
    *,
    actor: User,
    case: Offboarding,
    contacts: Iterable[Contact],
    days: int | None = None,
    include_logins: bool = True,
    left_out: Iterable[Credential] = (),
    language: str = "",
) -> tuple[HandoverRoom, list[IssuedCode]]:
    """Open the case's handover room (a room already open is replaced) and send each
    recipient their link. Returns the room and the access codes, to show the lead once."""
    days = settings.CLEANBREAK_ROOM_DAYS if days is None else days
    expires_at = _expiry(days)
    if language and language not in dict(settings.LANGUAGES):
        raise Refused(_("Choose one of the offered languages."))
    with transaction.atomic():
        case = lock(case)
        permissions.RUN_STEPS.check(actor, case)
        require_working(case)
        if case.handover_done_at is None:
            raise Refused(_("Complete the handover contents before opening the room."))
        contacts = list(contacts)
        if not contacts:
            raise Refused(_("Choose at least one recipient."))
        for contact in contacts:
            if contact.client_id != case.client_id:
                raise Refused(_("A recipient must be one of this client's contacts."))
            if not contact.email:
                raise Refused(
                    _("%(name)s has no e-mail address: add one to the contact first.")
                    % {"name": contact.name}
                )
        now = timezone.now()
        for previous in HandoverRoom.objects.select_for_update().filter(
            case=case, revoked_at__isnull=True
        ):
            previous.revoked_at = now
            previous.revoked_by = actor
            previous.save(update_fields=["revoked_at", "revoked_by"])
            _event(previous, E.REVOKED, detail="replaced")
        language = language or case.client.language
        # What the client downloads: the handover, its secrets left out (they are revealed
        # one by one in the room), in the room's language; and the newest letter.
        handover = document_request(
            actor=actor,
            case=case,
            kind=Document.Kind.HANDOVER,
            omit_secrets=True,
            language=language,
        )
        letter = (
            case.documents.filter(kind=Document.Kind.LETTER, status=Document.Status.READY)
            .order_by("-version")
            .first()
        )
        room = HandoverRoom.objects.create(
            case=case,
            created_by=actor,
            expires_at=expires_at,
            include_logins=include_logins,
            language=language,
            handover=handover,
            letter=letter,
        )
        if include_logins:
            skipped = {c.pk for c in left_out}
            RoomLogin.objects.bulk_create(
                RoomLogin(room=room, credential=c, system=c.system, username=c.username)
                for c in case.credentials.order_by("system", "id")
                if c.pk not in skipped
            )
        issued: list[IssuedCode] = []
        links: list[tuple[int, str, str]] = []
        for contact in contacts:
            recipient = RoomRecipient(
                room=room,
                contact=contact,
                name=contact.name,
                role=contact.role,
                email=contact.email,
            )
            token, code = _issue(room, recipient)
            recipient.save()
            issued.append(IssuedCode(recipient, code))
            links.append((recipient.pk, token, code))
        audit(
            actor,
            case,
            AuditEvent.Action.CREATED,
            # Translators: %(names)s lists the recipients; %(date)s is the expiry date.
            gettext_noop("Handover room opened for %(names)s, until %(date)s"),
            {"names": ", ".join(c.name for c in contacts), "date": timezone.localdate(expires_at)},
            obj=room,
        )
        transaction.on_commit(lambda: _send_links(links))
    return room, issued


def _room_link(token: str) -> str:
    return f"{settings.SITE_URL}{reverse('room:landing', args=[token])}"


def _send_links(links: list[tuple[int, str, str]]) -> None:
    """Each recipient's link on its own: one that fails is recorded for the lead (who can
    send a new one) and the others still go."""
    for recipient_id, token, code in links:
        recipient = RoomRecipient.objects.select_related("room__case__client__account_lead").get(
            pk=recipient_id
        )
        try:
            _send_link(recipient, token, code)
        except Exception as error:  # SMTP refused, DNS, timeout (EMAIL_TIMEOUT), a bug
            logger.warning("Handover room: the link for recipient %s was not sent", recipient.pk)
            RoomRecipient.objects.filter(pk=recipient.pk).update(
                send_error=type(error).__name__[:300]
            )
            _event(recipient.room, E.SEND_FAILED, recipient=recipient)
        else:
            RoomRecipient.objects.filter(pk=recipient.pk).update(
                sent_at=timezone.now(), send_error=""
            )
            _event(recipient.room, E.SENT, recipient=recipient)


def _send_link(recipient: RoomRecipient, token: str, code: str) -> None:
    """The personal link (and, if the agency chose so, the code in a message of its own),
    in the room's language. Raises when the mail server refuses."""
    room = recipient.room
    client = room.case.client
    lead = client.account_lead
    with translation.override(room.language):
        values = {
            "name": recipient.name,
            "agency": settings.AGENCY_NAME,
            "client": client.name,
            "date": long_date(timezone.localdate(room.expires_at)),
            "lead": lead.display_name,
            "code": code,
        }
        subject = _("Your handover from %(agency)s") % values
        body = "\n\n".join(
            [
                _("Dear %(name)s,") % values,
                _(
                    "%(agency)s has prepared the handover for %(client)s: the accounts, "
                    "assets and work we created on your behalf, and how to take them over."
                )
                % values,
                _("Open it with your personal link (do not forward it):")
                + "\n"
                + _room_link(token),
                _("The link works until %(date)s.") % values,
                _("You will also need an access code. It follows in a separate e-mail.")
                if recipient.code_by_email
                else _("You will also need an access code: %(lead)s will give it to you by phone.")
                % values,
                _("Kind regards,") + "\n" + f"{lead.display_name}, {settings.AGENCY_NAME}",
            ]
        )
        messages = [(subject, body)]
        if recipient.code_by_email:
            messages.append(
                (
                    _("Your access code for the handover from %(agency)s") % values,
                    _("Your access code: %(code)s") % values
                    + "\n\n"
                    + _("Enter it after opening the link from our other e-mail.")
                    + "\n\n"
                    + f"{lead.display_name}, {settings.AGENCY_NAME}",
                )
            )
    for subject, body in messages:
        send_mail(
            subject=subject,
            message=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[recipient.email],
            fail_silently=False,
        )


def _lead_room(actor: User, case: Offboarding) -> HandoverRoom:
    """The case's open room, locked, for one of the lead's actions."""
    permissions.RUN_STEPS.check(actor, case)
    room = (
        HandoverRoom.objects.select_for_update().filter(case=case, revoked_at__isnull=True).first()
    )
    if room is None:
        raise Refused(_("This case has no open handover room."))
    return room


def room_revoke(*, actor: User, case: Offboarding) -> HandoverRoom:
    """Close the room at once: every link answers the neutral page from now on."""
    with transaction.atomic():
        room = _lead_room(actor, case)
        room.revoked_at = timezone.now()
        room.revoked_by = actor
        room.save(update_fields=["revoked_at", "revoked_by"])
        _event(room, E.REVOKED)
        audit(
            actor, case, AuditEvent.Action.UPDATED, gettext_noop("Handover room closed"), obj=room
        )
    return room


def room_extend(*, actor: User, case: Offboarding, days: int) -> HandoverRoom:
    """Keep the room open until `days` from now (at most CLEANBREAK_ROOM_MAX_DAYS)."""
    expires_at = _expiry(days)
    with transaction.atomic():
        room = _lead_room(actor, case)
        room.expires_at = expires_at
        room.save(update_fields=["expires_at"])
        _event(room, E.EXTENDED)
        audit(
            actor,
            case,
            AuditEvent.Action.UPDATED,
            gettext_noop("Handover room open until %(date)s"),
            {"date": timezone.localdate(expires_at)},
            obj=room,
        )
    return room


def _room_recipient(actor: User, case: Offboarding, recipient_id: int) -> RoomRecipient:
    room = _lead_room(actor, case)
    recipient = RoomRecipient.objects.select_for_update().filter(room=room, pk=recipient_id).first()
    if recipient is None:
        raise Refused(_("This person is not a recipient of the open room."))
    recipient.room = room
    return recipient


def room_recipient_revoke(*, actor: User, case: Offboarding, recipient_id: int) -> RoomRecipient:
    with transaction.atomic():
        recipient = _room_recipient(actor, case, recipient_id)
        if recipient.revoked_at is None:
            recipient.revoked_at = timezone.now()
            recipient.save(update_fields=["revoked_at"])
            _event(recipient.room, E.REVOKED, recipient=recipient)
            audit(
                actor,
                case,
                AuditEvent.Action.UPDATED,
                gettext_noop("Handover room: the link of %(name)s revoked"),
                {"name": recipient.name},
                obj=recipient.room,
            )
    return recipient


def room_recipient_reissue(*, actor: User, case: Offboarding, recipient_id: int) -> IssuedCode:
    """A new link and code for one recipient (after a lockout, a lost e-mail or a revoked
    link): the old link stops working and the new one is sent."""
    with transaction.atomic():
        recipient = _room_recipient(actor, case, recipient_id)
        if not recipient.room.is_live:
            raise Refused(_("The room has expired: extend it first."))
        token, code = _issue(recipient.room, recipient)
        recipient.revoked_at = None
        recipient.save()
        _event(recipient.room, E.REISSUED, recipient=recipient)
        audit(
            actor,
            case,
            AuditEvent.Action.UPDATED,
            gettext_noop("Handover room: a new link and code for %(name)s"),
            {"name": recipient.name},
            obj=recipient.room,
        )
        links = [(recipient.pk, token, code)]
        transaction.on_commit(lambda: _send_links(links))
    return IssuedCode(recipient, code)


def room_secrets_destroy(*, actor: User, case: Offboarding) -> int:
    """Once the room is closed or expired, the client's secrets are no longer needed for
    the handover: erase every password and recovery note of the case, and the file of
    every handover version that printed them. The audit keeps that they existed and when
    they were destroyed. Returns how many logins were erased."""
    with transaction.atomic():
        case = lock(case)
        permissions.RUN_STEPS.check(actor, case)
        rooms = list(HandoverRoom.objects.select_for_update().filter(case=case))
        if not rooms:
            raise Refused(_("Secrets are destroyed after the handover room: open one first."))
        if any(room.is_live for room in rooms):
            raise Refused(_("The room is still open: close it or let it expire first."))
        credentials = [c for c in case.credentials.all() if c.secret or c.recovery_note]
        for credential in credentials:
            credential.secret = ""
            credential.recovery_note = ""
            credential.save(update_fields=["secret", "recovery_note"])
        # A handover exported with its secrets printed holds them too: its file goes, the
        # row (version, size, SHA-256) stays as the record that it existed.
        printed = list(
            case.documents.select_for_update()
            .filter(kind=Document.Kind.HANDOVER, omit_secrets=False)
            .exclude(file="")
        )
        for document in printed:
            name, storage = document.file.name, document.file.storage
            document.file = ""
            document.save(update_fields=["file"])
            transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
            audit(
                actor,
                case,
                AuditEvent.Action.UPDATED,
                gettext_noop("%(kind_label)s v%(version)s erased: it held the client's secrets"),
                {"kind_label": Document.Kind(document.kind).label, "version": document.version},
                obj=document,
            )
        now = timezone.now()
        for room in rooms:
            if room.secrets_destroyed_at is None:
                room.secrets_destroyed_at = now
                room.save(update_fields=["secrets_destroyed_at"])
        audit(
            actor,
            case,
            AuditEvent.Action.UPDATED,
            gettext_noop("Client secrets destroyed after the handover: %(count)s logins"),
            {"count": len(credentials)},
        )
    return len(credentials)


# --- The client's side --------------------------------------------------------------------


def _client_audit(recipient: RoomRecipient, summary: str, args: dict | None = None, request=None):
    room = recipient.room
    return audit(
        None,
        room.case,
        AuditEvent.Action.ROOM,
        summary,
        args,
        obj=room,
        request=request,
        actor_name=recipient.name,
    )


def room_enter(*, recipient: RoomRecipient, code: str, request=None) -> bool:
    """Check the access code. A wrong one counts against the link (and the address); the
    last allowed wrong one locks the link and tells the lead."""
    with transaction.atomic():
        # Only the recipient's row is locked (not the room, case or lead joined to it).
        recipient = (
            RoomRecipient.objects.select_for_update(of=("self",))
            .select_related("room__case__client__account_lead")
            .get(pk=recipient.pk)
        )
        if not recipient.can_enter:
            return False
        if check_password(normalise_code(code), recipient.code_hash):
            first = recipient.opened_at is None
            if first:
                recipient.opened_at = timezone.now()
            # A right code forgives earlier typos: the lockout counts wrong codes in a row.
            recipient.failed_attempts = 0
            recipient.save(update_fields=["opened_at", "failed_attempts"])
            _event(recipient.room, E.ENTERED, recipient=recipient, request=request)
            if first:
                _client_audit(
                    recipient,
                    gettext_noop("Handover room opened by %(name)s"),
                    {"name": recipient.name},
                    request,
                )
            return True
        recipient.failed_attempts += 1
        _event(recipient.room, E.CODE_FAILED, recipient=recipient, request=request)
        if recipient.failed_attempts >= settings.CLEANBREAK_ROOM_CODE_ATTEMPTS:
            recipient.locked_at = timezone.now()
            _event(recipient.room, E.LOCKED, recipient=recipient, request=request)
            _client_audit(
                recipient,
                gettext_noop(
                    "Handover room: the link of %(name)s locked after %(count)s wrong codes"
                ),
                {"name": recipient.name, "count": recipient.failed_attempts},
                request,
            )
            recipient_id = recipient.pk
            transaction.on_commit(lambda: _tell_lead_locked(recipient_id))
        recipient.save(update_fields=["failed_attempts", "locked_at"])
    return False


def _tell_lead_locked(recipient_id: int) -> None:
    recipient = RoomRecipient.objects.select_related("room__case__client__account_lead").get(
        pk=recipient_id
    )
    case = recipient.room.case
    lead = case.client.account_lead
    if not lead.email:
        return
    with translation.override(lead.language or settings.LANGUAGE_CODE):
        values = {"name": recipient.name, "client": case.client.name}
        url = f"{settings.SITE_URL}{reverse('offboarding:room', args=[case.pk])}"
        send_mail(
            subject="[Clean Break] " + _("Handover link locked: %(name)s (%(client)s)") % values,
            message=_(
                "The handover link of %(name)s was locked after too many wrong access codes. "
                "If it was them, issue a new link and code from the room's page:"
            )
            % values
            + f"\n{url}\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[lead.email],
            fail_silently=True,
        )


def _login_of(recipient: RoomRecipient, login_id: int) -> RoomLogin:
    login = (
        RoomLogin.objects.select_related("credential")
        .filter(room=recipient.room, pk=login_id)
        .first()
    )
    if login is None or login.credential is None:
        raise Refused(_("This login is not part of your handover."))
    return login


def room_reveal(
    *, recipient: RoomRecipient, login_id: int, request=None
) -> tuple[RoomLogin, str, str]:
    """One login's secret and recovery note, for this recipient, recorded with the time,
    address and browser. Returns the login, the secret and the recovery note."""
    with transaction.atomic():
        login = _login_of(recipient, login_id)
        credential = login.credential
        if not credential.secret and not credential.recovery_note:
            raise Refused(_("This secret was destroyed after the handover."))
        _event(recipient.room, E.REVEALED, recipient=recipient, login=login, request=request)
        _client_audit(
            recipient,
            # Translators: a person of the client revealed a login in the handover room.
            gettext_noop("Handover room: %(name)s revealed %(system)s (%(username)s)"),
            {"name": recipient.name, "system": login.system, "username": login.username},
            request,
        )
    return login, credential.secret, credential.recovery_note


def room_mark_changed(*, recipient: RoomRecipient, login_id: int, request=None) -> RoomLogin:
    """ "I have changed this password": the agency's old access is closed. Once."""
    with transaction.atomic():
        login = _login_of(recipient, login_id)
        login = RoomLogin.objects.select_for_update().get(pk=login.pk)
        if login.changed_at is None:
            login.changed_at = timezone.now()
            login.changed_by = recipient
            login.save(update_fields=["changed_at", "changed_by"])
            _event(recipient.room, E.CHANGED, recipient=recipient, login=login, request=request)
            _client_audit(
                recipient,
                gettext_noop("Handover room: %(name)s changed the password of %(system)s"),
                {"name": recipient.name, "system": login.system},
                request,
            )
    return login


def room_documents(room: HandoverRoom) -> dict[str, Document]:
    """The documents a recipient may download, by kind, once they are ready."""
    found = {}
    for document in (room.handover, room.letter, getattr(room.receipt_or_none, "document", None)):
        if document is not None and document.status == Document.Status.READY:
            found[document.kind] = document
    return found


def room_download(*, recipient: RoomRecipient, kind: str, request=None) -> Document:
    document = room_documents(recipient.room).get(kind)
    if document is None:
        raise Refused(_("This document is not ready yet. Try again in a minute."))
    _event(recipient.room, E.DOWNLOADED, recipient=recipient, request=request, detail=document.kind)
    _client_audit(
        recipient,
        gettext_noop("Handover room: %(name)s downloaded %(kind_label)s v%(version)s"),
        {
            "name": recipient.name,
            "kind_label": Document.Kind(document.kind).label,
            "version": document.version,
        },
        request,
    )
    return document


def _receipt_items(room: HandoverRoom) -> dict:
    case = room.case
    reveals: dict[int, list[str]] = {}
    for event in room.events.filter(kind=E.REVEALED).select_related("recipient").order_by("at"):
        reveals.setdefault(event.login_id, []).append(
            {"at": event.at.isoformat(), "by": event.recipient.name if event.recipient else ""}
        )
    return {
        "logins": [
            {
                "system": login.system,
                "username": login.username,
                "reveals": reveals.get(login.pk, []),
                "changed_at": login.changed_at.isoformat() if login.changed_at else None,
            }
            for login in room.logins.all()
        ],
        "assets": [
            {"name": a.name, "kind": a.kind, "location": a.location, "owner": a.owner_after}
            for a in case.assets.all()
        ],
        "projects": [d.name for d in case.deliverables.order_by("due_on", "id")],
        "documents": [
            {"kind": d.kind, "version": d.version, "sha256": d.sha256}
            for d in (room.handover, room.letter)
            if d is not None and d.status == Document.Status.READY
        ],
    }


def room_acknowledge(
    *,
    recipient: RoomRecipient,
    name: str,
    role: str = "",
    comment: str = "",
    confirmed: bool,
    request=None,
) -> Receipt:
    """ "I have received the handover": the receipt, once per room (a second acknowledgement
    returns the first). It records the handover PDF's SHA-256, completes "handover
    delivered" on the case, and is rendered as a PDF and e-mailed to the lead."""
    name, role, comment = name.strip(), role.strip(), comment.strip()
    if not name:
        raise Refused(_("Write your name."))
    if not confirmed:
        raise Refused(_("Tick the confirmation to acknowledge the handover."))
    with transaction.atomic():
        case = lock(recipient.room.case)
        room = HandoverRoom.objects.select_for_update().get(pk=recipient.room_id)
        existing = Receipt.objects.filter(room=room).first()
        if existing is not None:
            return existing
        # Checked again under the lock: the lead may have closed the room or the link.
        recipient = RoomRecipient.objects.select_for_update().get(pk=recipient.pk)
        recipient.room = room
        if not room_usable(room) or not recipient.can_enter:
            raise Refused(_("This handover is no longer open: contact the agency."))
        handover = Document.objects.get(pk=room.handover_id)
        if handover.status != Document.Status.READY:
            raise Refused(
                _("The handover document is still being prepared. Try again in a minute.")
            )
        receipt = Receipt.objects.create(
            room=room,
            recipient=recipient,
            name=name[:200],
            role=role[:100],
            comment=comment,
            ip_address=client_address(request),
            user_agent=_user_agent(request),
            handover_version=handover.version,
            handover_sha256=handover.sha256,
            items=_receipt_items(room),
        )
        last = case.documents.filter(kind=Document.Kind.RECEIPT).order_by("-version").first()
        receipt.document = Document.objects.create(
            case=case,
            kind=Document.Kind.RECEIPT,
            version=(last.version + 1) if last else 1,
            requested_by=room.created_by,
            language=room.language,
        )
        receipt.save(update_fields=["document"])
        _event(room, E.ACKNOWLEDGED, recipient=recipient, request=request)
        if case.is_working and not case.handover_delivered:
            case.handover_delivered = True
            case.save(update_fields=["handover_delivered", "updated_at"])
        _client_audit(
            recipient,
            # Translators: %(sha)s is the start of the handover PDF's SHA-256 checksum.
            gettext_noop(
                "Handover acknowledged by %(name)s in the handover room (handover v%(version)s, "
                "SHA-256 %(sha)s…)"
            ),
            {"name": receipt.name, "version": handover.version, "sha": handover.sha256[:12]},
            request,
        )
        document_id, receipt_id = receipt.document.pk, receipt.pk
        transaction.on_commit(lambda: tasks.enqueue_render(document_id=document_id))
        transaction.on_commit(lambda: _tell_lead_acknowledged(receipt_id))
    return receipt


def _tell_lead_acknowledged(receipt_id: int) -> None:
    receipt = Receipt.objects.select_related("room__case__client__account_lead").get(pk=receipt_id)
    case = receipt.room.case
    lead = case.client.account_lead
    if not lead.email:
        return
    with translation.override(lead.language or settings.LANGUAGE_CODE):
        at = timezone.localtime(receipt.acknowledged_at)
        values = {
            "name": receipt.name,
            "role": receipt.role,
            "client": case.client.name,
            "date": long_date(at.date()),
            "time": at.strftime("%H:%M"),
            "address": receipt.ip_address,
            "version": receipt.handover_version,
            "sha": receipt.handover_sha256,
        }
        url = f"{settings.SITE_URL}{reverse('offboarding:room', args=[case.pk])}"
        lines = [
            _("%(name)s acknowledged the handover of %(client)s on %(date)s at %(time)s.") % values,
            _("Role: %(role)s") % values if receipt.role else "",
            _("From address: %(address)s") % values if receipt.ip_address else "",
            _("Handover PDF v%(version)s, SHA-256 %(sha)s") % values,
            _("Comment: %(comment)s") % {"comment": receipt.comment} if receipt.comment else "",
            _("The receipt, its PDF and every reveal are on the room's page:") + f"\n{url}",
        ]
        send_mail(
            subject="[Clean Break] " + _("Handover acknowledged: %(client)s") % values,
            message="\n".join(line for line in lines if line) + "\n",
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[lead.email],
            fail_silently=True,
        )
