"""Lists, the dashboard, the case page, the proposal and the decision."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agency.errors import Refused
from agency.once import AlreadySubmitted, already_submitted, once, remember
from clients.models import Client
from clients.selectors import client_for_user, clients_for_user

from .. import permissions, progress, services
from ..forms import (
    DecisionForm,
    ProposalForm,
    ReasonForm,
    RetrospectiveForm,
    TeamViewForm,
)
from ..models import Offboarding, Retrospective
from ..progress import next_step
from ..selectors import (
    awaiting_decision,
    case_dates,
    case_for_user,
    case_steps,
    case_timeline,
    cases_for_user,
    evidence_summary,
    first_incident_after,
    open_cases_for_user,
    with_step_data,
)
from ._common import (
    HISTORY_PAGE_SIZE,
    PAGE_SIZE,
    TIMELINE_SHOWN,
    _case_url,
    _documents_context,
    _form_step,
    room_status_context,
)

AT_RISK_SHOWN = 5
CASES_SHOWN = 5


def dashboard(request):
    """Home: the riskiest clients this person sees, what awaits a manager's decision, and
    the open offboardings with their next step."""
    visible = clients_for_user(request.user)
    at_risk = (
        visible.exclude(status=Client.Status.OFFBOARDED)
        .filter(risk_score__gt=0)
        .select_related("account_lead")
        .order_by("-risk_score", "name")[:AT_RISK_SHOWN]
    )
    open_cases = open_cases_for_user(request.user)
    awaiting = awaiting_decision(request.user)  # its count is the nav's (context processor)
    return render(
        request,
        "offboarding/dashboard.html",
        {
            "at_risk": at_risk,
            "client_count": visible.count(),
            "awaiting": awaiting[:CASES_SHOWN],
            "open_cases": [
                (case, next_step(case_steps(case))) for case in open_cases[:CASES_SHOWN]
            ],
            "open_count": open_cases.count(),
            "now": timezone.now(),
            "coming_up": coming_up(request.user),
        },
    )


COMING_UP_DAYS = 30
COMING_UP_SHOWN = 10


def coming_up(user) -> list:
    """The person's dates in the next 30 days, and those overdue, overdue first."""
    today = timezone.localdate()
    dates = case_dates(
        user,
        first=today - dt.timedelta(days=COMING_UP_DAYS),
        last=today + dt.timedelta(days=COMING_UP_DAYS),
    )
    return [d for d in dates if d.overdue or d.day >= today][:COMING_UP_SHOWN]


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
    permissions.MANAGERS_DECIDE.check(request.user)
    page = Paginator(awaiting_decision(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "offboarding/approvals.html", {"page": page, "now": timezone.now()})


# --- The case ----------------------------------------------------------------------------


def case_start(request, client_pk: int):
    """Draft a proposal to end the relationship with a client."""
    client = client_for_user(request.user, client_pk)
    permissions.PROPOSE.check(request.user, client)
    existing = client.cases.open().first()
    if existing:
        messages.info(
            request, _("%(client)s already has an open offboarding case.") % {"client": client.name}
        )
        return redirect(_case_url(existing))
    form = ProposalForm(request.POST or None, client=client)

    def save(data: dict) -> Offboarding:
        return services.offboarding_open(actor=request.user, client=client, **data)

    return _proposal_page(
        request,
        form,
        save,
        {"client": client},
        draft_saved=_("Draft saved. Submit it when the team agrees."),
    )


def _proposal_page(request, form, save, context: dict, *, draft_saved: str):
    """The proposal form, new or edited: save the draft, and submit it when asked."""
    if request.method == "POST" and form.is_valid():
        submit = "submit" in request.POST
        try:
            with once(request) as submitted:
                case = save(form.cleaned_data)
                if submit:
                    services.offboarding_submit(actor=request.user, case=case)
                remember(submitted, _case_url(case))
        except AlreadySubmitted as first:
            return already_submitted(request, first)
        except Refused as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Proposal submitted: the managers have been told.") if submit else draft_saved,
            )
            return redirect(_case_url(case))
    elif request.method == "POST":
        messages.error(request, _("Please correct the errors below; nothing was saved."))
    return render(request, "offboarding/proposal.html", {**context, "form": form})


def case_detail(request, pk: int):
    case = case_for_user(request.user, pk)
    user = request.user
    steps = case_steps(case, user=user)
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
            "can_look_back": permissions.can_look_back(user, case),
            "can_edit_proposal": permissions.can_edit_proposal(user, case),
            "cancel_form": ReasonForm(),
            # What completion still needs, from the rule completion itself checks.
            "still_to_do": progress.missing_for_completion(case, case_steps=steps)
            if case.status == Offboarding.Status.IN_PROGRESS
            else [],
            **team_voice(user, case),
            **(
                {"docs": _documents_context(case), "room": room_status_context(case)}
                if permissions.can_run_steps(user, case)
                else {}
            ),
        },
    )


def case_history(request, pk: int):
    """The case's whole audit trail, a page at a time (the case page shows the latest)."""
    case = case_for_user(request.user, pk)
    page = Paginator(case_timeline(case), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "offboarding/case_history.html", {"case": case, "page": page})


def proposal_edit(request, pk: int):
    case = case_for_user(request.user, pk)
    permissions.EDIT_PROPOSAL.check(request.user, case)
    form = ProposalForm(request.POST or None, instance=case, client=case.client)

    def save(data: dict) -> Offboarding:
        return services.offboarding_update_proposal(actor=request.user, case=case, **data)

    return _proposal_page(
        request, form, save, {"client": case.client, "case": case}, draft_saved=_("Draft saved.")
    )


@require_POST
def submit(request, pk: int):
    case = case_for_user(request.user, pk)
    permissions.SUBMIT.check(request.user, case)
    try:
        services.offboarding_submit(actor=request.user, case=case)
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Proposal submitted: the managers have been told."))
    return redirect(_case_url(case))


def decide(request, pk: int):
    """The decision page: the evidence summary, then approve or reject with a comment."""
    case = case_for_user(request.user, pk)
    can_decide = permissions.can_decide(request.user, case)
    form = DecisionForm(request.POST or None)
    if request.method == "POST":
        permissions.MANAGERS_DECIDE.check(request.user)
        verdict = request.POST.get("verdict")
        if form.is_valid() and verdict in ("approve", "reject"):
            action = (
                services.offboarding_approve
                if verdict == "approve"
                else services.offboarding_reject
            )
            try:
                action(actor=request.user, case=case, comment=form.cleaned_data["comment"])
            except Refused as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    _("Offboarding approved. The account lead can start the steps.")
                    if verdict == "approve"
                    else _("Offboarding rejected. The case is closed with your reason."),
                )
                return redirect(_case_url(case))
        elif form.is_valid():
            form.add_error(None, _("Choose approve or reject."))
        else:
            messages.error(request, _("A decision needs a comment; nothing was decided."))
    return render(
        request,
        "offboarding/decide.html",
        {
            "case": case,
            "client": case.client,
            "form": form,
            "can_decide": can_decide,
            "summary": evidence_summary(case),
            **team_voice(request.user, case),
        },
    )


def team_voice(user, case: Offboarding) -> dict:
    """The team's views on the proposal, and whether this person may give one."""
    views = list(case.team_views.select_related("author"))
    return {
        "views": views,
        "asked": ", ".join(p.display_name for p in services.team_members_asked(case))
        if case.status == Offboarding.Status.PROPOSED
        else "",
        "can_give_view": permissions.can_give_view(user, case),
        "my_view": next((v for v in views if v.author_id == user.pk), None),
    }


def team_view(request, pk: int):
    """A team member gives (or changes) their view on the proposal."""
    case = case_for_user(request.user, pk)
    permissions.GIVE_VIEW.check(request.user, case)
    if case.status != Offboarding.Status.PROPOSED:
        messages.warning(request, _("Views are given while the proposal awaits its decision."))
        return redirect(_case_url(case, "team-view"))
    mine = case.team_views.filter(author=request.user).first()
    form = TeamViewForm(request.POST or None, instance=mine)
    return _form_step(
        request,
        case=case,
        form=form,
        template="offboarding/step_form.html",
        action=lambda data: services.team_view_save(actor=request.user, case=case, **data),
        success=_("Your view is saved. The manager who decides sees it beside the evidence."),
        next_url=_case_url(case, "team-view"),
        extra={
            "title": _("Your view on ending the work with %(client)s")
            % {"client": case.client.name},
            "back": "detail",
        },
    )


@require_POST
def cancel(request, pk: int):
    case = case_for_user(request.user, pk)
    permissions.CANCEL.check(request.user, case)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        problems = " ".join(form.errors.get("reason", []))
        messages.error(
            request,
            # Translators: %(problems)s are the form's errors, each a sentence.
            _("Say why the offboarding is cancelled: %(problems)s Nothing was changed.")
            % {"problems": problems},
        )
        return redirect(_case_url(case))
    try:
        services.offboarding_cancel(
            actor=request.user, case=case, reason=form.cleaned_data["reason"]
        )
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Offboarding cancelled. The reason is on record."))
    return redirect(_case_url(case))


@require_POST
def complete(request, pk: int):
    case = case_for_user(request.user, pk)
    permissions.COMPLETE.check(request.user, case)
    try:
        services.offboarding_complete(actor=request.user, case=case)
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Offboarding completed. %(client)s is now offboarded.")
            % {"client": case.client.name},
        )
    return redirect(_case_url(case))


def look_back(request, pk: int):
    """The look back on a closed case: the early signs, what we would do differently."""
    case = case_for_user(request.user, pk)
    permissions.LOOK_BACK.check(request.user, case)
    if case.status not in (Offboarding.Status.COMPLETED, Offboarding.Status.CANCELLED):
        messages.warning(
            request, _("The look back is written once the case is completed or cancelled.")
        )
        return redirect(_case_url(case))
    existing = Retrospective.objects.filter(case=case).first()
    form = RetrospectiveForm(request.POST or None, instance=existing)
    days = first_incident_after(case)
    return _form_step(
        request,
        case=case,
        form=form,
        template="offboarding/look_back.html",
        action=lambda data: services.retrospective_save(actor=request.user, case=case, **data),
        success=_("Look back saved. It is internal and feeds the screening of new prospects."),
        next_url=_case_url(case, "look-back"),
        extra={"first_incident_days": days},
    )
