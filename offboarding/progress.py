"""Where a case stands: each step's state, what blocks it, who acts next, and what is
still missing before the case may be completed.

This is the domain's rule of progress and completion. The stepper (selectors.case_steps)
renders it with links; offboarding_complete refuses with what `missing_for_completion`
names.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agency.errors import Refused

from .models import CallPlan, Document, Offboarding

S = Offboarding.Status


@dataclass(frozen=True)
class Step:
    key: str
    number: int
    title: str
    state: str  # not_started, in_progress, done, blocked
    actor: str  # who acts next on this step
    blocker: str = ""  # what stops this step, or the next one
    url: str = ""  # filled in by the stepper

    @property
    def done(self) -> bool:
        return self.state == "done"


def state_in_text(case: Offboarding) -> str:
    """The case's state as it reads inside a sentence: "rejected", "awaiting decision"."""
    return str(case.get_status_display()).lower()


def require_working(case: Offboarding) -> None:
    """The guided steps are open once the decision is approved, until the case closes."""
    if not case.is_working:
        raise Refused(
            _("The steps open once a manager has approved the decision.")
            if case.status in (S.DRAFT, S.PROPOSED)
            # Translators: %(state)s is the case's state in lower case, e.g. "cancelled".
            else _("This case is %(state)s; its steps are closed.") % {"state": state_in_text(case)}
        )


def _ledger_started(case: Offboarding) -> bool:
    """Some row of the ledger is settled already."""
    if hasattr(case, "ledger_settled_any"):  # annotated by selectors.with_step_data
        return case.ledger_settled_any
    return (
        case.access_rows.exclude(done_at=None, waived_at=None).exists()
        or case.assets.exclude(transfer_status="not_started", waived_at=None).exists()
    )


def _has_handover_items(case: Offboarding) -> bool:
    if hasattr(case, "has_credentials"):  # annotated by selectors.with_step_data
        return case.has_credentials or case.has_assets
    return case.credentials.exists() or case.assets.exists()


def steps(case: Offboarding) -> list[Step]:
    """Each step's state, what blocks it, and who acts next."""
    # Translators: who acts next on a step; %(name)s is the account lead's name.
    lead = _("Account lead (%(name)s)") % {"name": case.client.account_lead.display_name}
    working = case.is_working or case.status == S.COMPLETED
    not_approved = _("Waits for a manager's approval.") if not working else ""
    review = case.contract_review
    call = case.call_plan
    deliverables = list(case.deliverables.all())

    def gated(state: str, blocker: str) -> tuple[str, str]:
        if not working:
            return "blocked", not_approved
        return state, blocker

    result = [
        Step(
            "proposal",
            1,
            _("Proposal"),
            "in_progress" if case.status == S.DRAFT else "done",
            _("Whoever drafted it, the lead or a manager"),
            _("Submit the proposal for a manager's decision.") if case.status == S.DRAFT else "",
        ),
        Step(
            "decision",
            2,
            _("Decision"),
            {S.DRAFT: "not_started", S.PROPOSED: "in_progress"}.get(case.status, "done"),
            _("A manager other than the proposer"),
            _("Waits for the proposal.") if case.status == S.DRAFT else "",
        ),
    ]

    state, blocker = gated("done" if review else "not_started", "")
    result.append(Step("review", 3, _("Contract review"), state, lead, blocker))

    if case.deliverables_done_at:
        d_state = "done"
    elif deliverables:
        d_state = "in_progress"
    else:
        d_state = "not_started"
    unsettled = sum(1 for d in deliverables if not d.settled)
    d_blocker = (
        ngettext(
            "%(count)s deliverable still to settle.",
            "%(count)s deliverables still to settle.",
            unsettled,
        )
        % {"count": unsettled}
        if unsettled
        else ""
    )
    if not review:
        d_blocker = _("Complete the contract review first: it sets the end date.")
    state, blocker = gated(d_state, d_blocker)
    result.append(Step("deliverables", 4, _("Deliverables"), state, lead, blocker))

    if call and call.prepared and call.script.strip():
        c_state = "done"
    elif call:
        c_state = "in_progress"
    else:
        c_state = "not_started"
    c_blocker = ""
    if call and not call.prepared:
        c_blocker = _(
            "Tick the preparation checklist: points written, rehearsed, agreed internally."
        )
    state, blocker = gated(c_state, c_blocker)
    result.append(Step("call", 5, _("Call planning"), state, lead, blocker))

    if call and call.held == CallPlan.Held.HELD:
        o_state, o_blocker = "done", ""
    elif call and call.prepared:
        o_state = "in_progress" if call.held == CallPlan.Held.RESCHEDULED else "not_started"
        o_blocker = ""
    else:
        o_state, o_blocker = "blocked", _("Plan and prepare the call first.")
    state, blocker = gated(o_state, o_blocker)
    result.append(Step("outcome", 6, _("Call outcome"), state, lead, blocker))

    if case.handover_done_at:
        h_state = "done"
    elif case.takeover_instructions or _has_handover_items(case):
        h_state = "in_progress"
    else:
        h_state = "not_started"
    state, blocker = gated(h_state, "")
    result.append(Step("handover", 7, _("Handover contents"), state, lead, blocker))

    # The two checks and the ledger (every access closed, every asset transferred, or
    # waived): done when all hold.
    ticked = sum(bool(getattr(case, name)) for name in Offboarding.CLOSEOUT_FIELDS)
    open_rows = case.ledger_open
    if ticked == len(Offboarding.CLOSEOUT_FIELDS) and not open_rows:
        x_state = "done"
    else:
        x_state = "in_progress" if ticked or _ledger_started(case) else "not_started"
    state, blocker = gated(x_state, "")
    result.append(Step("closeout", 8, _("Close-out"), state, lead, blocker))
    return result


def next_step(case_steps: list[Step]) -> Step | None:
    return next((s for s in case_steps if not s.done), None)


def current_handover_export_exists(case: Offboarding) -> bool:
    """A handover PDF exported after its contents were last completed: an older export
    may lack a login or an asset added since."""
    exports = case.documents.filter(kind=Document.Kind.HANDOVER, status=Document.Status.READY)
    if case.handover_done_at:
        exports = exports.filter(requested_at__gte=case.handover_done_at)
    return exports.exists()


def missing_for_completion(case: Offboarding, *, case_steps: list[Step] | None = None) -> list[str]:
    """What is still to do before an in-progress case may be completed (empty: nothing).
    A page that has the case's steps already passes them in."""
    missing = [step.title for step in case_steps or steps(case) if not step.done]
    if not current_handover_export_exists(case):
        # Translators: one item of the list after "Still to do before completing:".
        missing.append(_("export the handover PDF (after its contents are complete)"))
    return missing
