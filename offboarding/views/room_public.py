"""The handover room as the client sees it: the one part of Clean Break without a login.

- The link (`/handover/<token>/`) opens a landing page that shows and changes nothing
  (mail scanners and chat previews follow links); the access code is posted from it.
- After the code, the recipient's browser session holds the room (bound to the link's
  hash, so a new link ends it); the inner pages carry no token.
- A link that is unknown, expired or revoked answers one neutral page, the same for all.
- Every answer is `no-store`, `no-referrer` and `noindex`, under the strict CSP.
"""

from __future__ import annotations

import functools
import hmac
from datetime import datetime, timedelta

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from agency.errors import Refused

from ..documents.contexts import receipt_facts, room_context
from ..models import RoomRecipient
from ..services import room as services

SESSION_KEY = "handover_room"


def room_headers(view):
    """Nothing of the room is kept by a browser or a proxy, sent on as a referrer, or
    indexed; and no account is needed."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Cache-Control"] = "no-store, private"
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return login_not_required(wrapper)


def neutral(request, *, status: int = 404, busy: bool = False, left: bool = False):
    """The one answer to a link that leads nowhere: the agency's contact, nothing else."""
    return render(
        request,
        "offboarding/room/neutral.html",
        {"busy": busy, "left": left, "agency_email": settings.AGENCY_EMAIL},
        status=status,
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Access code"),
        max_length=20,
        help_text=_("Eight digits, given to you by phone (or in a separate e-mail)."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


class AcknowledgeForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=200)
    role = forms.CharField(label=_("Your role"), max_length=100, required=False)
    confirmed = forms.BooleanField(
        label=_(
            "I confirm that I have received the handover: the items listed on this page and "
            "the documents offered for download."
        )
    )
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@room_headers
@require_http_methods(["GET", "POST"])
def landing(request, token: str):
    if services.address_blocked(request):
        return neutral(request, status=429, busy=True)
    recipient = services.recipient_by_token(token)
    if recipient is None:
        services.miss_record(request)
        return neutral(request)
    with translation.override(recipient.room.language):
        form = CodeForm(request.POST or None)
        locked = recipient.locked_at is not None
        if request.method == "POST" and not locked and form.is_valid():
            if services.room_enter(
                recipient=recipient, code=form.cleaned_data["code"], request=request
            ):
                request.session.cycle_key()  # a new session id once the code is right
                request.session[SESSION_KEY] = {
                    "recipient": recipient.pk,
                    "link": recipient.token_hash,
                    "seen": timezone.now().isoformat(),
                }
                return redirect("room:inside")
            services.miss_record(request)
            recipient.refresh_from_db(fields=["failed_attempts", "locked_at"])
            locked = recipient.locked_at is not None
            if not locked:
                form.add_error(
                    "code",
                    _("That code is not right. Check it with the person who gave it to you."),
                )
        return render(
            request,
            "offboarding/room/landing.html",
            {"form": form, "locked": locked, "room": recipient.room, "lead": _lead(recipient)},
        )


def _lead(recipient: RoomRecipient):
    return recipient.room.case.client.account_lead


def _recipient_in_session(request) -> RoomRecipient | None:
    held = request.session.get(SESSION_KEY)
    if not isinstance(held, dict):
        return None
    recipient = (
        RoomRecipient.objects.select_related("room__case__client__account_lead")
        .filter(pk=held.get("recipient"))
        .first()
    )
    if recipient is None or not hmac.compare_digest(
        str(held.get("link", "")), recipient.token_hash
    ):
        return None
    try:
        seen = datetime.fromisoformat(held.get("seen", ""))
    except (TypeError, ValueError):
        return None
    idle = timedelta(minutes=settings.CLEANBREAK_ROOM_IDLE_MINUTES)
    if timezone.now() - seen > idle or not recipient.can_enter:
        return None
    if not services.room_usable(recipient.room):
        return None
    held["seen"] = timezone.now().isoformat()
    request.session[SESSION_KEY] = held
    return recipient


def inside_room(view):
    """A page inside the room: the session must hold a recipient whose link still works,
    or the neutral page answers (the code is asked again through the link)."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        recipient = _recipient_in_session(request)
        if recipient is None:
            request.session.pop(SESSION_KEY, None)
            return neutral(request)
        with translation.override(recipient.room.language):
            return view(request, recipient, *args, **kwargs)

    return room_headers(wrapper)


def _room_page(
    request, recipient: RoomRecipient, *, revealed=None, form=None, error="", status=200
):
    room = recipient.room
    documents = services.room_documents(room)
    receipt = room.receipt_or_none
    return render(
        request,
        "offboarding/room/inside.html",
        {
            "recipient": recipient,
            "room": room,
            "lead": _lead(recipient),
            "doc": room_context(room, documents),
            "revealed": revealed,
            "receipt": receipt_facts(receipt, case=room.case) if receipt else None,
            "form": form
            or AcknowledgeForm(initial={"name": recipient.name, "role": recipient.role}),
            "error": error,
        },
        status=status,
    )


@inside_room
@require_http_methods(["GET"])
def inside(request, recipient: RoomRecipient):
    return _room_page(request, recipient)


@inside_room
@require_POST
def reveal(request, recipient: RoomRecipient, login_pk: int):
    try:
        login, secret, note = services.room_reveal(
            recipient=recipient, login_id=login_pk, request=request
        )
    except Refused as refused:
        return _room_page(request, recipient, error=refused.message, status=409)
    return _room_page(request, recipient, revealed={"id": login.pk, "secret": secret, "note": note})


@inside_room
@require_POST
def changed(request, recipient: RoomRecipient, login_pk: int):
    try:
        services.room_mark_changed(recipient=recipient, login_id=login_pk, request=request)
    except Refused as refused:
        return _room_page(request, recipient, error=refused.message, status=409)
    return redirect(reverse("room:inside") + f"#login-{login_pk}")


@inside_room
@require_POST
def download(request, recipient: RoomRecipient, kind: str):
    try:
        document = services.room_download(recipient=recipient, kind=kind, request=request)
    except Refused as refused:
        return _room_page(request, recipient, error=refused.message, status=409)
    response = HttpResponse(document.read_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{document.download_name}"'
    return response


@inside_room
@require_POST
def acknowledge(request, recipient: RoomRecipient):
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        return _room_page(request, recipient, form=form, status=400)
    try:
        services.room_acknowledge(recipient=recipient, request=request, **form.cleaned_data)
    except Refused as refused:
        form.add_error(None, refused.message)
        return _room_page(request, recipient, form=form, status=409)
    return redirect("room:inside")


@room_headers
@require_POST
def leave(request):
    request.session.pop(SESSION_KEY, None)
    return neutral(request, status=200, left=True)
