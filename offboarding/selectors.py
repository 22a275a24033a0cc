"""Reads for the offboarding pages: the visible cases, the stepper, the evidence summary."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from agency.errors import NotVisible
from agency.models import AuditEvent, User
from clients.models import Incident
from clients.selectors import clients_for_user, payment_statement, visible_row

from .models import Asset, CallPlan, Credential, Deliverable, Offboarding

S = Offboarding.Status


def cases_for_user(user: User) -> QuerySet[Offboarding]:
    """Cases of the clients this person may see; nothing else, ever."""
    if user.is_authenticated and user.is_manager:
        return Offboarding.objects.all()  # a manager sees every client, so every case
    return Offboarding.objects.filter(client__in=clients_for_user(user).values("pk"))


def case_for_user(user: User, pk: int) -> Offboarding:
    case = (
        Offboarding.objects.filter(visible_row(user, "client"))
        .select_related(
            "client",
            "client__account_lead",
            "created_by",
            "proposed_by",
            "decided_by",
            "review",
            "review__contract",
            "call",
        )
        .prefetch_related(
            Prefetch("incidents", queryset=Incident.objects.order_by("-occurred_on")),
            "remediations",
            Prefetch("deliverables", queryset=Deliverable.objects.order_by("due_on", "id")),
        )
        .filter(pk=pk)
        .first()
    )
    if case is None:
        client_id = Offboarding.objects.filter(pk=pk).values_list("client_id", flat=True).first()
        if client_id is not None:
            raise NotVisible("No such offboarding case.", client_id=client_id, case_id=pk)
        raise Http404("No such offboarding case.")
    return case


def with_step_data(queryset: QuerySet[Offboarding]) -> QuerySet[Offboarding]:
    """Everything case_steps reads, fetched for a whole page of cases in a fixed number
    of queries (no query per row)."""
    return (
        queryset.select_related("client", "client__account_lead", "review", "call")
        .annotate(
            has_credentials=Exists(Credential.objects.filter(case=OuterRef("pk"))),
            has_assets=Exists(Asset.objects.filter(case=OuterRef("pk"))),
        )
        .prefetch_related(
            Prefetch("deliverables", queryset=Deliverable.objects.order_by("due_on", "id"))
        )
    )


def open_cases_for_user(user: User) -> QuerySet[Offboarding]:
    return with_step_data(cases_for_user(user).filter(status__in=Offboarding.OPEN_STATES)).order_by(
        "created_at", "pk"
    )


def awaiting_decision(user: User) -> QuerySet[Offboarding]:
    """Proposed cases a manager may decide on (never their own proposals)."""
    if not (user.is_authenticated and user.is_manager):
        return Offboarding.objects.none()
    return (
        Offboarding.objects.filter(status=S.PROPOSED)
        .exclude(proposed_by=user)
        .exclude(created_by=user)
        .exclude(edited_by=user)
        .select_related("client", "proposed_by")
        .order_by("proposed_at", "pk")
    )


def _call(case: Offboarding) -> CallPlan | None:
    try:
        return case.call
    except CallPlan.DoesNotExist:
        return None


def _review(case: Offboarding):
    try:
        return case.review
    except Offboarding.review.RelatedObjectDoesNotExist:
        return None


@dataclass(frozen=True)
class Step:
    key: str
    number: int
    title: str
    state: str  # not_started, in_progress, done, blocked
    actor: str  # who acts next on this step
    blocker: str = ""  # what stops this step, or the next one
    url: str = ""

    @property
    def done(self) -> bool:
        return self.state == "done"


def case_steps(case: Offboarding) -> list[Step]:
    """The stepper: each step's state, what blocks it, and who acts next."""
    lead = f"Account lead ({case.client.account_lead.display_name})"
    working = case.is_working or case.status == S.COMPLETED
    not_approved = "Waits for a manager's approval." if not working else ""
    review = _review(case)
    call = _call(case)
    deliverables = list(case.deliverables.all())

    def url(name: str) -> str:
        return reverse(f"offboarding:{name}", args=[case.pk])

    steps: list[Step] = []
    steps.append(
        Step(
            "proposal",
            1,
            "Proposal",
            "in_progress" if case.status == S.DRAFT else "done",
            "Whoever drafted it, the lead or a manager",
            "Submit the proposal for a manager's decision." if case.status == S.DRAFT else "",
            url("proposal") if case.status == S.DRAFT else url("detail") + "#proposal",
        )
    )
    decision_state = {
        S.DRAFT: "not_started",
        S.PROPOSED: "in_progress",
    }.get(case.status, "done")
    steps.append(
        Step(
            "decision",
            2,
            "Decision",
            decision_state,
            "A manager other than the proposer",
            "Waits for the proposal." if case.status == S.DRAFT else "",
            url("decide"),
        )
    )

    def gated(state: str, blocker: str) -> tuple[str, str]:
        if not working:
            return "blocked", not_approved
        return state, blocker

    state, blocker = gated("done" if review else "not_started", "")
    steps.append(Step("review", 3, "Contract review", state, lead, blocker, url("review")))

    if case.deliverables_done_at:
        d_state = "done"
    elif deliverables:
        d_state = "in_progress"
    else:
        d_state = "not_started"
    unsettled = sum(1 for d in deliverables if not d.settled)
    d_blocker = f"{unsettled} deliverable(s) still to settle." if unsettled else ""
    if not review:
        d_blocker = "Complete the contract review first: it sets the end date."
    state, blocker = gated(d_state, d_blocker)
    steps.append(Step("deliverables", 4, "Deliverables", state, lead, blocker, url("deliverables")))

    if call and call.prepared and call.script.strip():
        c_state = "done"
    elif call:
        c_state = "in_progress"
    else:
        c_state = "not_started"
    c_blocker = ""
    if call and not call.prepared:
        c_blocker = "Tick the preparation checklist: points written, rehearsed, agreed internally."
    state, blocker = gated(c_state, c_blocker)
    steps.append(Step("call", 5, "Call planning", state, lead, blocker, url("call")))

    if call and call.held == CallPlan.Held.HELD:
        o_state, o_blocker = "done", ""
    elif call and call.prepared:
        o_state, o_blocker = "not_started", ""
        if call.held == CallPlan.Held.RESCHEDULED:
            o_state = "in_progress"
    else:
        o_state, o_blocker = "blocked", "Plan and prepare the call first."
    state, blocker = gated(o_state, o_blocker)
    steps.append(Step("outcome", 6, "Call outcome", state, lead, blocker, url("outcome")))

    if case.handover_done_at:
        h_state = "done"
    elif case.takeover_instructions or _has_handover_items(case):
        h_state = "in_progress"
    else:
        h_state = "not_started"
    state, blocker = gated(h_state, "")
    steps.append(Step("handover", 7, "Handover contents", state, lead, blocker, url("handover")))

    ticked = sum(
        bool(getattr(case, f))
        for f in (
            "access_revoked",
            "ownership_transferred",
            "final_invoice_settled",
            "handover_delivered",
        )
    )
    x_state = "done" if ticked == 4 else ("in_progress" if ticked else "not_started")
    state, blocker = gated(x_state, "")
    steps.append(Step("closeout", 8, "Close-out", state, lead, blocker, url("closeout")))
    return steps


def _has_handover_items(case: Offboarding) -> bool:
    if hasattr(case, "has_credentials"):  # annotated by with_step_data
        return case.has_credentials or case.has_assets
    return case.credentials.exists() or case.assets.exists()


def next_step(steps: list[Step]) -> Step | None:
    return next((s for s in steps if not s.done), None)


@dataclass(frozen=True)
class EvidenceSummary:
    by_category: list[tuple[str, int]]
    by_severity: list[tuple[str, int]]
    incidents: list[Incident]
    statement: object
    risk_explanation: str
    risk_level: str
    # An immediate end is for abuse or unethical requests: say so when none is linked.
    immediate_without_grounds: bool = False


# The incidents that justify cutting ties at once rather than with notice.
IMMEDIATE_GROUNDS = (Incident.Category.ABUSIVE, Incident.Category.UNETHICAL)


def evidence_summary(case: Offboarding, *, today: dt.date | None = None) -> EvidenceSummary:
    """What the approving manager weighs: the client's incidents, payments and risk."""
    client = case.client
    incidents = [i for i in client.incidents.select_related("reported_by") if not i.is_withdrawn]
    by_category = Counter(i.get_category_display() for i in incidents)
    by_severity = Counter(i.get_severity_display() for i in incidents)
    severity_order = [label for _, label in Incident.Severity.choices][::-1]
    return EvidenceSummary(
        by_category=by_category.most_common(),
        by_severity=[(s, by_severity[s]) for s in severity_order if by_severity[s]],
        incidents=incidents,
        statement=payment_statement(client, today=today or timezone.localdate()),
        risk_explanation=client.risk_explanation,
        risk_level=client.get_risk_level_display(),
        immediate_without_grounds=case.timing == Offboarding.Timing.IMMEDIATELY
        and not any(
            i.category in IMMEDIATE_GROUNDS and not i.is_withdrawn for i in case.incidents.all()
        ),
    )


def case_timeline(case: Offboarding) -> QuerySet[AuditEvent]:
    # Refused access stays in the audit log (the admin), not in the case's story.
    return (
        AuditEvent.objects.filter(case_id=case.pk)
        .exclude(action=AuditEvent.Action.ACCESS_DENIED)
        .order_by("-created_at", "-id")
    )


def case_age_days(case: Offboarding) -> int:
    return (timezone.now() - case.created_at).days
