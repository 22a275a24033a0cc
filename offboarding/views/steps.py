"""The guided steps: contract review, deliverables, the call, the handover, close-out."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from agency.errors import Refused

from .. import permissions, services
from ..forms import (
    AssetForm,
    CallOutcomeForm,
    CallPlanForm,
    CloseoutForm,
    ContractReviewForm,
    CredentialForm,
    DeliverableForm,
    InstructionsForm,
    WaiveForm,
)
from ..ics import call_ics
from ..models import AccessRow, Asset, CallPlan, Offboarding, Receipt
from ..selectors import (
    case_for_user,
    case_steps,
    ledger,
)
from ._common import (
    _case_url,
    _form_step,
    step_page,
)

# --- Steps -------------------------------------------------------------------------------


@step_page
def review(request, case: Offboarding):
    instance = case.contract_review
    form = ContractReviewForm(request.POST or None, instance=instance, client=case.client)
    contracts = [(c, c.notice()) for c in case.client.contracts.all()]
    return _form_step(
        request,
        case=case,
        form=form,
        template="offboarding/step_review.html",
        action=lambda data: services.contract_review_save(actor=request.user, case=case, **data),
        success=_("Contract review saved."),
        next_url=reverse("offboarding:review", args=[case.pk]),
        extra={"contracts": contracts, "review": instance},
    )


@step_page
def deliverables(request, case: Offboarding, deliverable_pk: int | None = None):
    deliverable = (
        get_object_or_404(case.deliverables, pk=deliverable_pk) if deliverable_pk else None
    )
    form = DeliverableForm(request.POST or None, instance=deliverable)
    return _form_step(
        request,
        case=case,
        form=form,
        template="offboarding/step_deliverables.html",
        action=lambda data: services.deliverable_save(
            actor=request.user, case=case, deliverable=deliverable, **data
        ),
        success=_("Deliverable saved."),
        next_url=reverse("offboarding:deliverables", args=[case.pk]),
        extra={"deliverable": deliverable, "items": case.deliverables.all()},
    )


@require_POST
@step_page
def deliverables_done(request, case: Offboarding):
    try:
        services.deliverables_complete(actor=request.user, case=case)
    except Refused as error:
        messages.error(request, error.message)
        return redirect("offboarding:deliverables", case.pk)
    messages.success(request, _("Deliverables step done: every deliverable is settled."))
    return redirect(_case_url(case))


@step_page
def call(request, case: Offboarding):
    instance = case.call_plan
    form = CallPlanForm(request.POST or None, instance=instance, case=case)
    return _form_step(
        request,
        case=case,
        form=form,
        template="offboarding/step_call.html",
        action=lambda data: services.call_plan_save(actor=request.user, case=case, **data),
        success=_("Call plan saved."),
        next_url=reverse("offboarding:call", args=[case.pk]),
        extra={"call": instance},
    )


@require_POST
@step_page
def call_script(request, case: Offboarding):
    try:
        services.call_script_regenerate(actor=request.user, case=case)
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Script generated again from the template; edit it as you like.")
        )
    return redirect("offboarding:call", case.pk)


def call_calendar(request, pk: int):
    case = case_for_user(request.user, pk)
    call_plan = get_object_or_404(CallPlan, case=case)
    response = HttpResponse(call_ics(call_plan), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="call-{case.pk}.ics"'
    return response


@step_page
def outcome(request, case: Offboarding):
    call_plan = case.call_plan
    initial = {}
    if call_plan and call_plan.held != call_plan.Held.PLANNED:
        initial = {
            "held": call_plan.held,
            "held_at": call_plan.held_at,
            "reaction": call_plan.reaction,
            "commitments": call_plan.commitments,
            "pushback": call_plan.pushback,
        }
    form = CallOutcomeForm(request.POST or None, initial=initial, call=call_plan)
    return _form_step(
        request,
        case=case,
        form=form,
        template="offboarding/step_outcome.html",
        action=lambda data: services.call_outcome_record(actor=request.user, case=case, **data),
        success=_("Call outcome recorded. The decision stands."),
        extra={"call": call_plan},
    )


@never_cache
@step_page
def handover(request, case: Offboarding):
    return render(
        request,
        "offboarding/step_handover.html",
        {
            "case": case,
            "client": case.client,
            "steps": case_steps(case),
            "credentials": case.credentials.all(),
            "assets": case.assets.all(),
            "projects": case.deliverables.all(),
            "instructions_form": InstructionsForm(
                initial={"takeover_instructions": case.takeover_instructions}
            ),
            "call": case.call_plan,
        },
    )


@never_cache
@step_page
def credential_edit(request, case: Offboarding, credential_pk: int | None = None):
    credential = get_object_or_404(case.credentials, pk=credential_pk) if credential_pk else None
    form = CredentialForm(request.POST or None, instance=credential)
    return _form_step(
        request,
        case=case,
        form=form,
        template="offboarding/step_form.html",
        action=lambda data: services.credential_save(
            actor=request.user, case=case, credential=credential, **data
        ),
        success=_("Credential saved. The secret is stored encrypted."),
        next_url=reverse("offboarding:handover", args=[case.pk]),
        extra={
            "title": _("Edit credential") if credential else _("Add a credential"),
            "back": "handover",
        },
    )


@require_POST
@step_page
def credential_delete(request, case: Offboarding, credential_pk: int):
    credential = get_object_or_404(case.credentials, pk=credential_pk)
    try:
        services.credential_delete(actor=request.user, case=case, credential=credential)
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Credential for %(system)s removed.") % {"system": credential.system}
        )
    return redirect("offboarding:handover", case.pk)


@require_POST
@never_cache
def credential_reveal(request, pk: int, credential_pk: int):
    case = case_for_user(request.user, pk)
    credential = get_object_or_404(case.credentials, pk=credential_pk)
    permissions.REVEAL_SECRET.check(request.user, case)
    secret = services.credential_reveal(actor=request.user, credential=credential, request=request)
    template = "offboarding/_secret.html" if request.htmx else "offboarding/secret_page.html"
    response = render(
        request,
        template,
        {"case": case, "client": case.client, "credential": credential, "secret": secret},
    )
    response["Cache-Control"] = "no-store, private"
    return response


@step_page
def asset_edit(request, case: Offboarding, asset_pk: int | None = None):
    asset = get_object_or_404(case.assets, pk=asset_pk) if asset_pk else None
    form = AssetForm(request.POST or None, instance=asset)
    return _form_step(
        request,
        case=case,
        form=form,
        template="offboarding/step_form.html",
        action=lambda data: services.asset_save(actor=request.user, case=case, asset=asset, **data),
        success=_("Asset saved."),
        next_url=reverse("offboarding:handover", args=[case.pk]),
        extra={"title": _("Edit asset") if asset else _("Add an asset"), "back": "handover"},
    )


@require_POST
@step_page
def asset_delete(request, case: Offboarding, asset_pk: int):
    asset = get_object_or_404(case.assets, pk=asset_pk)
    services.asset_delete(actor=request.user, case=case, asset=asset)
    messages.success(request, _("Asset %(name)s removed.") % {"name": asset.name})
    return redirect("offboarding:handover", case.pk)


@require_POST
@step_page
def instructions(request, case: Offboarding):
    form = InstructionsForm(request.POST)
    if form.is_valid():
        services.handover_instructions_save(
            actor=request.user, case=case, text=form.cleaned_data["takeover_instructions"]
        )
        messages.success(request, _("Takeover instructions saved."))
    else:
        problems = " ".join(form.errors.get("takeover_instructions", [_("Check the text.")]))
        messages.error(
            request, _("The instructions were not saved: %(problems)s") % {"problems": problems}
        )
    return redirect("offboarding:handover", case.pk)


@require_POST
@step_page
def handover_done(request, case: Offboarding):
    try:
        services.handover_complete(actor=request.user, case=case)
    except Refused as error:
        messages.error(request, error.message)
        return redirect("offboarding:handover", case.pk)
    messages.success(request, _("Handover contents complete."))
    return redirect(_case_url(case))


@step_page
def closeout(request, case: Offboarding):
    form = CloseoutForm(request.POST or None, instance=case)
    return _form_step(
        request,
        case=case,
        form=form,
        template="offboarding/step_closeout.html",
        action=lambda data: services.closeout_save(actor=request.user, case=case, **data),
        success=_("Close-out checklist saved."),
        next_url=reverse("offboarding:closeout", args=[case.pk]),
        extra={
            # The evidence for "handover delivered": the client's receipt, if they signed.
            "receipt": Receipt.objects.filter(room__case=case).order_by("-pk").first(),
            "ledger": (book := ledger(case)),
            "ledger_sides": [
                ("ours", book.ours, AccessRow.Side.OURS.label),
                ("theirs", book.theirs, AccessRow.Side.THEIRS.label),
            ],
            "waive_form": WaiveForm(),
            "can_waive": permissions.WAIVE_LEDGER.test(request.user),
            "can_reveal": permissions.can_reveal_secrets(request.user, case),
            "transfer_states": Asset.Transfer.choices,
        },
    )
