"""The handover room as the lead runs it: open it, follow it live, revoke, extend, issue a
new link, and destroy the client's secrets once it is over. The client's own pages are in
room_public."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from agency.errors import Refused
from agency.once import AlreadySubmitted, already_submitted, once, remember

from .. import permissions
from ..forms import RoomExtendForm, RoomOpenForm
from ..models import Offboarding, RoomRecipient
from ..selectors import case_for_user, case_steps
from ..services import room as services
from ._common import made_in_request, room_status_context


def _lead_case(request, pk: int) -> Offboarding:
    case = case_for_user(request.user, pk)
    permissions.RUN_STEPS.check(request.user, case)
    return case


def _room_url(case: Offboarding) -> str:
    return reverse("offboarding:room", args=[case.pk])


def _codes_page(request, case: Offboarding, issued, *, title: str):
    """The access codes, shown this once: the page is not stored, and a reload (the same
    form sent again, see agency.once) opens nothing twice and shows no code again."""
    response = render(
        request,
        "offboarding/room_codes.html",
        {
            "case": case,
            "client": case.client,
            "issued": issued,
            "title": title,
            "steps": case_steps(case),
        },
    )
    response["Cache-Control"] = "no-store, private"
    return response


@never_cache
def room(request, pk: int):
    case = _lead_case(request, pk)
    form = RoomOpenForm(request.POST or None, case=case)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                # Sent again (a reload of the codes page), it opens nothing a second time:
                # the links already sent and the codes already told stay valid.
                with once(request) as submitted:
                    opened, issued = services.room_open(
                        actor=request.user,
                        case=case,
                        contacts=data["recipients"],
                        days=data["days"],
                        include_logins=data["include_logins"],
                        left_out=data["left_out"],
                        language=data["language"],
                    )
                    remember(submitted, _room_url(case))
            except AlreadySubmitted as first:
                return already_submitted(request, first)
            except Refused as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The handover room is open and the links are sent."))
                return _codes_page(request, case, issued, title=_("The handover room is open"))
        else:
            messages.error(request, _("Please correct the errors below; nothing was saved."))
    context = room_status_context(case)
    context.update(
        {
            "form": form,
            "extend_form": RoomExtendForm(),
            "steps": case_steps(case),
            "made_in_request": made_in_request(),
        }
    )
    return render(request, "offboarding/room.html", context)


@never_cache
@require_GET
def room_panel(request, pk: int):
    """The live status on the case page (htmx polls it while the room is open)."""
    case = _lead_case(request, pk)
    return render(request, "offboarding/_room_status.html", room_status_context(case))


def _act(request, case: Offboarding, action, success: str):
    try:
        action()
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect(_room_url(case))


@require_POST
def room_revoke(request, pk: int):
    case = _lead_case(request, pk)
    return _act(
        request,
        case,
        lambda: services.room_revoke(actor=request.user, case=case),
        _("The handover room is closed: its links no longer open anything."),
    )


@require_POST
def room_extend(request, pk: int):
    case = _lead_case(request, pk)
    form = RoomExtendForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("days", [_("Check the number of days.")])))
        return redirect(_room_url(case))
    return _act(
        request,
        case,
        lambda: services.room_extend(actor=request.user, case=case, days=form.cleaned_data["days"]),
        _("The room's expiry is extended."),
    )


def _recipient_of(case: Offboarding, recipient_pk: int) -> RoomRecipient:
    """A recipient of one of this case's rooms, or 404."""
    return get_object_or_404(RoomRecipient, pk=recipient_pk, room__case=case)


@require_POST
def recipient_revoke(request, pk: int, recipient_pk: int):
    case = _lead_case(request, pk)
    _recipient_of(case, recipient_pk)
    return _act(
        request,
        case,
        lambda: services.room_recipient_revoke(
            actor=request.user, case=case, recipient_id=recipient_pk
        ),
        _("That recipient's link no longer opens the room."),
    )


@require_POST
def recipient_reissue(request, pk: int, recipient_pk: int):
    case = _lead_case(request, pk)
    _recipient_of(case, recipient_pk)
    try:
        with once(request) as submitted:
            issued = services.room_recipient_reissue(
                actor=request.user, case=case, recipient_id=recipient_pk
            )
            remember(submitted, _room_url(case))
    except AlreadySubmitted as first:
        return already_submitted(request, first)
    except Refused as error:
        messages.error(request, error.message)
        return redirect(_room_url(case))
    messages.success(request, _("A new link is sent; the old one no longer works."))
    return _codes_page(request, case, [issued], title=_("A new link and access code"))


@require_POST
def secrets_destroy(request, pk: int):
    case = _lead_case(request, pk)
    try:
        count = services.room_secrets_destroy(actor=request.user, case=case)
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s secret destroyed. The audit trail keeps that it existed.",
                "%(count)s secrets destroyed. The audit trail keeps that they existed.",
                count,
            )
            % {"count": count},
        )
    return redirect(_room_url(case))
