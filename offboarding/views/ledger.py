"""The close-out ledger's actions: add and edit a door, close it, waive it (managers),
fill it from the handover logins; set an asset's transfer state, waive it, reveal its
transfer code. The ledger itself is shown on the close-out page (steps.closeout)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from agency.errors import Refused

from .. import permissions, services
from ..forms import AccessRowForm, WaiveForm
from ..models import Asset, Offboarding
from ..selectors import case_for_user, case_steps
from ._common import _form_step, step_page


def _closeout_url(case: Offboarding, anchor: str = "") -> str:
    return reverse("offboarding:closeout", args=[case.pk]) + (f"#{anchor}" if anchor else "")


def _done(request, case: Offboarding, action, success: str, anchor: str = ""):
    try:
        action()
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return redirect(_closeout_url(case, anchor))


@step_page
def row_edit(request, case: Offboarding, row_pk: int | None = None):
    row = get_object_or_404(case.access_rows, pk=row_pk) if row_pk else None
    initial = {"side": request.GET.get("side", "ours")} if row is None else None
    form = AccessRowForm(request.POST or None, instance=row, case=case, initial=initial)
    return _form_step(
        request,
        case=case,
        form=form,
        template="offboarding/step_form.html",
        action=lambda data: services.access_row_save(
            actor=request.user, case=case, row=row, **data
        ),
        success=_("Ledger row saved."),
        next_url=_closeout_url(case, "ledger"),
        extra={
            "title": _("Edit a ledger row") if row else _("Add a door to close"),
            "back": "closeout",
        },
    )


@require_POST
@step_page
def row_done(request, case: Offboarding, row_pk: int):
    row = get_object_or_404(case.access_rows, pk=row_pk)
    done = request.POST.get("done", "1") != "0"
    return _done(
        request,
        case,
        lambda: services.access_row_done(actor=request.user, case=case, row_id=row.pk, done=done),
        _("%(system)s: closed.") % {"system": row.system}
        if done
        else _("%(system)s: open again.") % {"system": row.system},
        f"row-{row.pk}",
    )


@require_POST
@step_page
def row_delete(request, case: Offboarding, row_pk: int):
    row = get_object_or_404(case.access_rows, pk=row_pk)
    return _done(
        request,
        case,
        lambda: services.access_row_delete(actor=request.user, case=case, row_id=row.pk),
        _("Ledger row %(system)s removed.") % {"system": row.system},
        "ledger",
    )


def _waive(request, case: Offboarding, call, name: str, anchor: str):
    form = WaiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("A waiver needs a reason."))
        return redirect(_closeout_url(case, anchor))
    return _done(
        request,
        case,
        lambda: call(form.cleaned_data["reason"]),
        _("%(name)s waived.") % {"name": name},
        anchor,
    )


@require_POST
@step_page
def row_waive(request, case: Offboarding, row_pk: int):
    row = get_object_or_404(case.access_rows, pk=row_pk)
    permissions.WAIVE_LEDGER.check(request.user)
    return _waive(
        request,
        case,
        lambda reason: services.access_row_waive(
            actor=request.user, case=case, row_id=row.pk, reason=reason
        ),
        row.system,
        f"row-{row.pk}",
    )


@require_POST
@step_page
def ledger_fill(request, case: Offboarding):
    try:
        added = services.ledger_from_handover(actor=request.user, case=case)
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s row added from the handover logins.",
                "%(count)s rows added from the handover logins.",
                added,
            )
            % {"count": added}
            if added
            else _("Every handover login already has its row."),
        )
    return redirect(_closeout_url(case, "ledger"))


@require_POST
@step_page
def asset_transfer(request, case: Offboarding, asset_pk: int):
    asset = get_object_or_404(case.assets, pk=asset_pk)
    status = request.POST.get("status", "")
    label = dict(Asset.Transfer.choices).get(status, status)
    return _done(
        request,
        case,
        lambda: services.asset_transfer_set(
            actor=request.user, case=case, asset_id=asset.pk, status=status
        ),
        _("%(name)s: %(state)s.") % {"name": asset.name, "state": label},
        f"asset-{asset.pk}",
    )


@require_POST
@step_page
def asset_waive(request, case: Offboarding, asset_pk: int):
    asset = get_object_or_404(case.assets, pk=asset_pk)
    permissions.WAIVE_LEDGER.check(request.user)
    return _waive(
        request,
        case,
        lambda reason: services.asset_waive(
            actor=request.user, case=case, asset_id=asset.pk, reason=reason
        ),
        asset.name,
        f"asset-{asset.pk}",
    )


@require_POST
@never_cache
def asset_code_reveal(request, pk: int, asset_pk: int):
    case = case_for_user(request.user, pk)
    asset = get_object_or_404(case.assets, pk=asset_pk)
    permissions.REVEAL_SECRET.check(request.user, case)
    code = services.asset_code_reveal(actor=request.user, asset=asset, request=request)
    response = render(
        request,
        "offboarding/transfer_code.html",
        {
            "case": case,
            "client": case.client,
            "asset": asset,
            "code": code,
            "steps": case_steps(case),
        },
    )
    response["Cache-Control"] = "no-store, private"
    return response
