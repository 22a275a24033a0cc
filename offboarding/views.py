"""Offboarding pages. Fetch through case_for_user (404 for what the user may not see),
check the action's permission (403 when seen but not allowed), call one service,
redirect with a message. State changes are POST only."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from agency.once import AlreadySubmitted, already_submitted, once, remember
from clients.selectors import client_for_user
from clients.uploads import private_file_response

from . import permissions, services
from .documents import default_letter_text, letter_reasons
from .errors import TransitionError
from .forms import (
    AssetForm,
    CallOutcomeForm,
    CallPlanForm,
    CloseoutForm,
    ContractReviewForm,
    CredentialForm,
    DecisionForm,
    DeliverableForm,
    HandoverExportForm,
    InstructionsForm,
    LetterForm,
    ProposalForm,
    ReasonForm,
)
from .ics import call_ics
from .models import CallPlan, Document, Offboarding
from .selectors import (
    awaiting_decision,
    case_for_user,
    case_steps,
    case_timeline,
    cases_for_user,
    evidence_summary,
    next_step,
    open_cases_for_user,
    with_step_data,
)

PAGE_SIZE = 25
TIMELINE_SHOWN = 20  # latest audit events on the case page; the rest on its history page
HISTORY_PAGE_SIZE = 50


def _allow(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def _case_url(case: Offboarding, anchor: str = "") -> str:
    return reverse("offboarding:detail", args=[case.pk]) + (f"#{anchor}" if anchor else "")


def _form_step(
    request,
    *,
    case: Offboarding,
    form,
    template: str,
    action: Callable[[dict], object],
    success: str,
    next_url: str | None = None,
    extra: dict | None = None,
):
    """Validate, call the service, redirect with a message; a refusal keeps what was typed."""
    if request.method == "POST" and form.is_valid():
        url = next_url or _case_url(case)
        try:
            with once(request) as submitted:
                action(form.cleaned_data)
                remember(submitted, url)
        except AlreadySubmitted as first:
            return already_submitted(request, first)
        except TransitionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, success)
            return redirect(url)
    elif request.method == "POST":
        messages.error(request, "Please correct the errors below; nothing was saved.")
    context = {"case": case, "client": case.client, "form": form, **(extra or {})}
    context.setdefault("steps", case_steps(case))
    return render(request, template, context)


def _run_steps(request, pk: int) -> Offboarding:
    case = case_for_user(request.user, pk)
    _allow(
        permissions.can_run_steps(request.user, case),
        "Only the account lead and managers run the offboarding steps.",
    )
    if not case.is_working:
        messages.warning(
            request,
            "The steps open once a manager has approved the decision."
            if case.status in (Offboarding.Status.DRAFT, Offboarding.Status.PROPOSED)
            else f"This case is {case.get_status_display().lower()}; its steps are closed.",
        )
        raise _Redirect(_case_url(case))
    return case


class _Redirect(Exception):
    def __init__(self, url: str):
        self.url = url


def redirects_on_gate(view):
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _Redirect as r:
            return redirect(r.url)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


# --- Lists -------------------------------------------------------------------------------


def case_list(request):
    show = request.GET.get("show", "open")
    if show == "closed":
        queryset = with_step_data(
            cases_for_user(request.user).exclude(status__in=Offboarding.OPEN_STATES)
        ).order_by("-closed_at", "-pk")
    else:
        show = "open"
        queryset = open_cases_for_user(request.user)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(case, next_step(case_steps(case))) for case in page]
    return render(
        request,
        "offboarding/case_list.html",
        {"page": page, "rows": rows, "show": show, "query": f"show={show}", "now": timezone.now()},
    )


def approvals(request):
    _allow(request.user.is_manager, "Only managers decide on terminations.")
    page = Paginator(awaiting_decision(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "offboarding/approvals.html", {"page": page, "now": timezone.now()})


# --- The case ----------------------------------------------------------------------------


def case_start(request, client_pk: int):
    """Draft a proposal to end the relationship with a client."""
    client = client_for_user(request.user, client_pk)
    _allow(
        permissions.can_propose(request.user, client),
        "Only members of this client's team and managers propose an offboarding.",
    )
    existing = client.cases.filter(status__in=Offboarding.OPEN_STATES).first()
    if existing:
        messages.info(request, f"{client.name} already has an open offboarding case.")
        return redirect(_case_url(existing))
    form = ProposalForm(request.POST or None, client=client)
    if request.method == "POST" and form.is_valid():
        try:
            with once(request) as submitted:
                case = services.offboarding_open(
                    actor=request.user, client=client, **form.cleaned_data
                )
                if "submit" in request.POST:
                    services.offboarding_submit(actor=request.user, case=case)
                remember(submitted, _case_url(case))
        except AlreadySubmitted as first:
            return already_submitted(request, first)
        except TransitionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                "Proposal submitted: the managers have been told."
                if "submit" in request.POST
                else "Draft saved. Submit it when the team agrees.",
            )
            return redirect(_case_url(case))
    elif request.method == "POST":
        messages.error(request, "Please correct the errors below; nothing was saved.")
    return render(request, "offboarding/proposal.html", {"client": client, "form": form})


def case_detail(request, pk: int):
    case = case_for_user(request.user, pk)
    user = request.user
    steps = case_steps(case)
    timeline = list(case_timeline(case)[: TIMELINE_SHOWN + 1])  # one more: is there more?
    return render(
        request,
        "offboarding/case_detail.html",
        {
            "case": case,
            "client": case.client,
            "steps": steps,
            "next": next_step(steps),
            "timeline": timeline[:TIMELINE_SHOWN],
            "timeline_more": len(timeline) > TIMELINE_SHOWN,
            "can_run": permissions.can_run_steps(user, case),
            "can_decide": permissions.can_decide(user, case),
            "can_cancel": permissions.can_cancel(user, case) and case.is_open,
            "can_edit_proposal": permissions.can_edit_proposal(user, case),
            "cancel_form": ReasonForm(),
            "all_done": all(s.done for s in steps),
            **({"docs": _documents_context(case)} if permissions.can_run_steps(user, case) else {}),
        },
    )


def case_history(request, pk: int):
    """The case's whole audit trail, a page at a time (the case page shows the latest)."""
    case = case_for_user(request.user, pk)
    page = Paginator(case_timeline(case), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "offboarding/case_history.html", {"case": case, "page": page})


def proposal_edit(request, pk: int):
    case = case_for_user(request.user, pk)
    _allow(
        permissions.can_edit_proposal(request.user, case),
        "Only a draft can be changed, by whoever drafted it, the lead or a manager.",
    )
    form = ProposalForm(request.POST or None, instance=case, client=case.client)
    if request.method == "POST" and form.is_valid():
        try:
            services.offboarding_update_proposal(actor=request.user, case=case, **form.cleaned_data)
            if "submit" in request.POST:
                services.offboarding_submit(actor=request.user, case=case)
        except TransitionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                "Proposal submitted: the managers have been told."
                if "submit" in request.POST
                else "Draft saved.",
            )
            return redirect(_case_url(case))
    elif request.method == "POST":
        messages.error(request, "Please correct the errors below; nothing was saved.")
    return render(
        request, "offboarding/proposal.html", {"client": case.client, "case": case, "form": form}
    )


@require_POST
def submit(request, pk: int):
    case = case_for_user(request.user, pk)
    _allow(
        permissions.can_edit_proposal(request.user, case),
        "Only whoever drafted the proposal, the lead or a manager submits it.",
    )
    try:
        services.offboarding_submit(actor=request.user, case=case)
    except TransitionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Proposal submitted: the managers have been told.")
    return redirect(_case_url(case))


def decide(request, pk: int):
    """The decision page: the evidence summary, then approve or reject with a comment."""
    case = case_for_user(request.user, pk)
    can_decide = permissions.can_decide(request.user, case)
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        _allow(request.user.is_manager, "Only managers decide on an offboarding.")
        verdict = request.POST.get("verdict")
        if form.is_valid() and verdict in ("approve", "reject"):
            action = (
                services.offboarding_approve
                if verdict == "approve"
                else services.offboarding_reject
            )
            try:
                action(actor=request.user, case=case, comment=form.cleaned_data["comment"])
            except TransitionError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    "Offboarding approved. The account lead can start the steps."
                    if verdict == "approve"
                    else "Offboarding rejected. The case is closed with your reason.",
                )
                return redirect(_case_url(case))
        elif form.is_valid():
            form.add_error(None, "Choose approve or reject.")
        else:
            messages.error(request, "A decision needs a comment; nothing was decided.")
    return render(
        request,
        "offboarding/decide.html",
        {
            "case": case,
            "client": case.client,
            "form": form,
            "can_decide": can_decide,
            "summary": evidence_summary(case),
        },
    )


@require_POST
def cancel(request, pk: int):
    case = case_for_user(request.user, pk)
    _allow(
        permissions.can_cancel(request.user, case),
        "After approval only a manager may cancel an offboarding: it reverses a decision.",
    )
    form = ReasonForm(request.POST)
    if not form.is_valid():
        problems = " ".join(form.errors.get("reason", []))
        messages.error(
            request, f"Say why the offboarding is cancelled: {problems} Nothing was changed."
        )
        return redirect(_case_url(case))
    try:
        services.offboarding_cancel(
            actor=request.user, case=case, reason=form.cleaned_data["reason"]
        )
    except TransitionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Offboarding cancelled. The reason is on record.")
    return redirect(_case_url(case))


@require_POST
def complete(request, pk: int):
    case = case_for_user(request.user, pk)
    _allow(
        permissions.can_run_steps(request.user, case),
        "Only the account lead and managers complete an offboarding.",
    )
    try:
        services.offboarding_complete(actor=request.user, case=case)
    except TransitionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Offboarding completed. {case.client.name} is now offboarded.")
    return redirect(_case_url(case))


# --- Steps -------------------------------------------------------------------------------


@redirects_on_gate
def review(request, pk: int):
    case = _run_steps(request, pk)
    instance = getattr(case, "review", None)
    form = ContractReviewForm(request.POST or None, instance=instance, client=case.client)
    contracts = [(c, c.notice()) for c in case.client.contracts.all()]
    return _form_step(
        request,
        case=case,
        form=form,
        template="offboarding/step_review.html",
        action=lambda data: services.contract_review_save(actor=request.user, case=case, **data),
        success="Contract review saved.",
        next_url=reverse("offboarding:review", args=[case.pk]),
        extra={"contracts": contracts, "review": instance},
    )


@redirects_on_gate
def deliverables(request, pk: int, deliverable_pk: int | None = None):
    case = _run_steps(request, pk)
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
        success="Deliverable saved.",
        next_url=reverse("offboarding:deliverables", args=[case.pk]),
        extra={"deliverable": deliverable, "items": case.deliverables.all()},
    )


@require_POST
@redirects_on_gate
def deliverables_done(request, pk: int):
    case = _run_steps(request, pk)
    try:
        services.deliverables_complete(actor=request.user, case=case)
    except TransitionError as error:
        messages.error(request, error.message)
        return redirect("offboarding:deliverables", case.pk)
    messages.success(request, "Deliverables step done: every deliverable is settled.")
    return redirect(_case_url(case))


@redirects_on_gate
def call(request, pk: int):
    case = _run_steps(request, pk)
    instance = getattr(case, "call", None)
    form = CallPlanForm(request.POST or None, instance=instance, case=case)
    return _form_step(
        request,
        case=case,
        form=form,
        template="offboarding/step_call.html",
        action=lambda data: services.call_plan_save(actor=request.user, case=case, **data),
        success="Call plan saved.",
        next_url=reverse("offboarding:call", args=[case.pk]),
        extra={"call": instance},
    )


@require_POST
@redirects_on_gate
def call_script(request, pk: int):
    case = _run_steps(request, pk)
    try:
        services.call_script_regenerate(actor=request.user, case=case)
    except TransitionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Script generated again from the template; edit it as you like.")
    return redirect("offboarding:call", case.pk)


def call_calendar(request, pk: int):
    case = case_for_user(request.user, pk)
    call_plan = get_object_or_404(CallPlan, case=case)
    response = HttpResponse(call_ics(call_plan), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="call-{case.pk}.ics"'
    return response


@redirects_on_gate
def outcome(request, pk: int):
    case = _run_steps(request, pk)
    call_plan = getattr(case, "call", None)
    initial = {}
    if call_plan and call_plan.held != call_plan.Held.PLANNED:
        initial = {
            "held": call_plan.held,
            "held_at": call_plan.held_at,
            "reaction": call_plan.reaction,
            "commitments": call_plan.commitments,
            "pushback": call_plan.pushback,
        }
    form = CallOutcomeForm(request.POST or None, initial=initial)
    return _form_step(
        request,
        case=case,
        form=form,
        template="offboarding/step_outcome.html",
        action=lambda data: services.call_outcome_record(actor=request.user, case=case, **data),
        success="Call outcome recorded. The decision stands.",
        extra={"call": call_plan},
    )


@never_cache
@redirects_on_gate
def handover(request, pk: int):
    case = _run_steps(request, pk)
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
            "call": getattr(case, "call", None),
        },
    )


@redirects_on_gate
def credential_edit(request, pk: int, credential_pk: int | None = None):
    case = _run_steps(request, pk)
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
        success="Credential saved. The secret is stored encrypted.",
        next_url=reverse("offboarding:handover", args=[case.pk]),
        extra={
            "title": "Edit credential" if credential else "Add a credential",
            "back": "handover",
        },
    )


@require_POST
@redirects_on_gate
def credential_delete(request, pk: int, credential_pk: int):
    case = _run_steps(request, pk)
    credential = get_object_or_404(case.credentials, pk=credential_pk)
    try:
        services.credential_delete(actor=request.user, case=case, credential=credential)
    except TransitionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Credential for {credential.system} removed.")
    return redirect("offboarding:handover", case.pk)


@require_POST
@never_cache
def credential_reveal(request, pk: int, credential_pk: int):
    case = case_for_user(request.user, pk)
    credential = get_object_or_404(case.credentials, pk=credential_pk)
    _allow(
        permissions.can_reveal_secrets(request.user, case),
        "Only the client's team and managers may reveal a credential.",
    )
    secret = services.credential_reveal(actor=request.user, credential=credential, request=request)
    template = "offboarding/_secret.html" if request.htmx else "offboarding/secret_page.html"
    response = render(
        request,
        template,
        {"case": case, "client": case.client, "credential": credential, "secret": secret},
    )
    response["Cache-Control"] = "no-store, private"
    return response


@redirects_on_gate
def asset_edit(request, pk: int, asset_pk: int | None = None):
    case = _run_steps(request, pk)
    asset = get_object_or_404(case.assets, pk=asset_pk) if asset_pk else None
    form = AssetForm(request.POST or None, instance=asset)
    return _form_step(
        request,
        case=case,
        form=form,
        template="offboarding/step_form.html",
        action=lambda data: services.asset_save(actor=request.user, case=case, asset=asset, **data),
        success="Asset saved.",
        next_url=reverse("offboarding:handover", args=[case.pk]),
        extra={"title": "Edit asset" if asset else "Add an asset", "back": "handover"},
    )


@require_POST
@redirects_on_gate
def asset_delete(request, pk: int, asset_pk: int):
    case = _run_steps(request, pk)
    asset = get_object_or_404(case.assets, pk=asset_pk)
    services.asset_delete(actor=request.user, case=case, asset=asset)
    messages.success(request, f"Asset {asset.name} removed.")
    return redirect("offboarding:handover", case.pk)


@require_POST
@redirects_on_gate
def instructions(request, pk: int):
    case = _run_steps(request, pk)
    form = InstructionsForm(request.POST)
    if form.is_valid():
        services.handover_instructions_save(
            actor=request.user, case=case, text=form.cleaned_data["takeover_instructions"]
        )
        messages.success(request, "Takeover instructions saved.")
    else:
        problems = " ".join(form.errors.get("takeover_instructions", ["Check the text."]))
        messages.error(request, f"The instructions were not saved: {problems}")
    return redirect("offboarding:handover", case.pk)


@require_POST
@redirects_on_gate
def handover_done(request, pk: int):
    case = _run_steps(request, pk)
    try:
        services.handover_complete(actor=request.user, case=case)
    except TransitionError as error:
        messages.error(request, error.message)
        return redirect("offboarding:handover", case.pk)
    messages.success(request, "Handover contents complete.")
    return redirect(_case_url(case))


@redirects_on_gate
def closeout(request, pk: int):
    case = _run_steps(request, pk)
    form = CloseoutForm(request.POST or None, instance=case)
    return _form_step(
        request,
        case=case,
        form=form,
        template="offboarding/step_closeout.html",
        action=lambda data: services.closeout_save(actor=request.user, case=case, **data),
        success="Close-out checklist saved.",
        next_url=reverse("offboarding:closeout", args=[case.pk]),
    )


# --- Documents ---------------------------------------------------------------------------


def _documents_context(case: Offboarding) -> dict:
    documents = list(case.documents.select_related("requested_by").order_by("kind", "-version"))
    return {
        "case": case,
        "documents": documents,
        "pending": any(d.is_pending for d in documents),
        "kinds": Document.Kind.choices,
    }


def documents_panel(request, pk: int):
    """The documents of a case with their live status: polled by htmx while any is pending."""
    case = case_for_user(request.user, pk)
    _allow(
        permissions.can_run_steps(request.user, case),
        "Only the account lead and managers see the documents.",
    )
    response = render(request, "offboarding/_documents.html", _documents_context(case))
    response["Cache-Control"] = "no-store"
    return response


def _request_document(request, case: Offboarding, **kwargs) -> bool:
    """Request a document; True when the person should now watch the documents list."""
    try:
        with once(request) as submitted:
            document = services.document_request(actor=request.user, case=case, **kwargs)
            remember(submitted, _case_url(case, "documents"))
    except AlreadySubmitted:
        messages.info(request, "This request was already sent; one document is being made.")
        return True
    except TransitionError as error:
        messages.error(request, error.message)
        return False
    document.refresh_from_db()
    if document.status == Document.Status.READY:
        messages.success(request, f"{document.get_kind_display()} v{document.version} is ready.")
    elif document.status == Document.Status.FAILED:
        messages.error(request, f"{document.get_kind_display()} failed: {document.error}")
    elif document.enqueued_at is None and not settings.CELERY_TASK_ALWAYS_EAGER:
        messages.warning(
            request,
            f"{document.get_kind_display()} v{document.version} is requested, but generation "
            "is delayed: the background service cannot be reached. It is kept and will be "
            "produced as soon as the service is back.",
        )
    else:
        messages.success(
            request,
            f"{document.get_kind_display()} v{document.version} is being generated; "
            "it appears below when ready.",
        )
    return True


@require_POST
def document_create(request, pk: int, kind: str):
    """Call brief and dossier: one click. The handover and the letter have their own forms."""
    case = case_for_user(request.user, pk)
    _allow(
        permissions.can_run_steps(request.user, case),
        "Only the account lead and managers produce documents.",
    )
    if kind not in (Document.Kind.CALL_BRIEF, Document.Kind.DOSSIER):
        raise Http404("No such document kind.")
    _request_document(request, case, kind=kind)
    return redirect(_case_url(case, "documents"))


def handover_export(request, pk: int):
    case = case_for_user(request.user, pk)
    _allow(
        permissions.can_run_steps(request.user, case),
        "Only the account lead and managers export the handover.",
    )
    form = HandoverExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        requested = _request_document(
            request,
            case,
            kind=Document.Kind.HANDOVER,
            omit_secrets=form.cleaned_data["omit_secrets"],
            passphrase=form.cleaned_data["passphrase"],
        )
        if requested:
            return redirect(_case_url(case, "documents"))
    elif request.method == "POST":
        messages.error(request, "Please correct the errors below; nothing was exported.")
    response = render(
        request,
        "offboarding/handover_export.html",
        {"case": case, "client": case.client, "form": form, "steps": case_steps(case)},
    )
    response["Cache-Control"] = "no-store"
    return response


def letter(request, pk: int):
    case = case_for_user(request.user, pk)
    _allow(
        permissions.can_run_steps(request.user, case),
        "Only the account lead and managers write the termination letter.",
    )
    reasons = letter_reasons(case)
    last = case.documents.filter(kind=Document.Kind.LETTER).order_by("-version").first()
    reason = request.GET.get("reason") if request.GET.get("reason") in reasons else reasons[0]
    body = (
        last.body
        if last and "reason" not in request.GET
        else default_letter_text(case, reason=reason)
    )
    form = LetterForm(request.POST or None, initial={"body": body})
    if request.method == "POST" and form.is_valid():
        requested = _request_document(
            request, case, kind=Document.Kind.LETTER, body=form.cleaned_data["body"]
        )
        if requested:
            return redirect(_case_url(case, "documents"))
    elif request.method == "POST":
        messages.error(request, "Please correct the errors below; nothing was generated.")
    return render(
        request,
        "offboarding/letter.html",
        {
            "case": case,
            "client": case.client,
            "form": form,
            "steps": case_steps(case),
            "reasons": reasons,
            "reason": reason,
        },
    )


def document_download(request, pk: int, document_pk: int):
    case = case_for_user(request.user, pk)
    document = get_object_or_404(case.documents.select_related("case__client"), pk=document_pk)
    _allow(
        permissions.can_run_steps(request.user, case),
        "Only the account lead and managers download documents.",
    )
    if document.status != Document.Status.READY:
        raise Http404("This document is not ready.")
    services.document_download(actor=request.user, document=document, request=request)
    response = private_file_response(
        ContentFile(document.read_pdf()),
        download_name=document.download_name,
        content_type="application/pdf",
    )
    return response


@require_POST
def document_retry(request, pk: int, document_pk: int):
    case = case_for_user(request.user, pk)
    document = get_object_or_404(case.documents, pk=document_pk)
    _allow(
        permissions.can_run_steps(request.user, case),
        "Only the account lead and managers produce documents.",
    )
    try:
        services.document_retry(actor=request.user, document=document)
    except TransitionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"{document.get_kind_display()} queued again.")
    return redirect(_case_url(case, "documents"))
