"""seed_volume's offboarding cases: the risk signal of each planned client, then its
cases and their paths through the workflow, and the client's status that follows."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from clients.models import Client
from clients.risk import assess_risk
from offboarding import workflow
from offboarding.models import Offboarding

S = Offboarding.Status

# The status of a client's last case; its earlier cases were rejected or cancelled.
LAST_CASE_STATUS = (
    (S.DRAFT, 4),
    (S.PROPOSED, 4),
    (S.APPROVED, 2),
    (S.IN_PROGRESS, 5),
    (S.COMPLETED, 20),
    (S.REJECTED, 25),
    (S.CANCELLED, 40),
)
# How far back an open case was opened, in days (it is still open, so recently).
OPEN_CASE_AGE = {S.DRAFT: (0, 20), S.PROPOSED: (1, 21), S.APPROVED: (3, 30), S.IN_PROGRESS: (5, 90)}
# What a cancelled case had reached before it was cancelled (weights).
CANCELLED_AFTER = {S.DRAFT: 40, S.PROPOSED: 30, S.APPROVED: 10, S.IN_PROGRESS: 20}


def paths_from_draft() -> dict[str, tuple[str, ...]]:
    """The shortest run of actions from a new (draft) case to each status, found in
    workflow.TRANSITIONS. Cancelling is left out: it may follow any open status, so a
    cancelled case takes the path of the status it had reached, then "cancel"."""
    paths: dict[str, tuple[str, ...]] = {S.DRAFT: ()}
    frontier = [S.DRAFT]
    while frontier:
        state = frontier.pop(0)
        for action in workflow.actions_from(state):
            reached = workflow.target(action)
            if action != "cancel" and reached not in paths:
                paths[reached] = (*paths[state], action)
                frontier.append(reached)
    return paths


PATHS = paths_from_draft()
CANCELLABLE = workflow.TRANSITIONS["cancel"][0]


class CasePlanner:
    """Seeder's planning of the risk signal and the cases; written by Seeder."""

    def plan_risk_and_cases(self) -> None:
        """The risk signal from the generated rows, then the cases, then each client's status."""
        rng = self.rng
        since = self.today - dt.timedelta(days=366)
        for i, client in enumerate(self.clients):
            risk = assess_risk(
                incidents=[x for x in self.incidents[i] if x.occurred_on >= since],
                invoices=[
                    x for x in self.invoices[i] if x.due_on >= since or x.paid_amount < x.amount
                ],
                repair_attempts=[x for x in self.repair_attempts[i] if x.tried_on >= since],
                today=self.today,
                currency=client.currency,
            )
            client.risk_score = risk.score
            client.risk_level = risk.level
            client.risk_explanation = risk.explanation
            client.risk_computed_at = self.now - dt.timedelta(hours=rng.randint(0, 48))

        # Cases go mostly to the risky clients; at most the last one of each is open.
        weights = [(1 + min(c.risk_score, 40)) ** 1.5 for c in self.clients]
        per_client = Counter(rng.choices(range(len(self.clients)), weights=weights, k=self.v.cases))
        last_statuses = [s for s, _ in LAST_CASE_STATUS]
        last_weights = [w for _, w in LAST_CASE_STATUS]
        self.cases: list[tuple[int, Offboarding, list[tuple[str, dt.datetime]]]] = []
        for i, client in enumerate(self.clients):
            k = per_client.get(i, 0)
            last = rng.choices(last_statuses, weights=last_weights)[0] if k else None
            high = client.risk_level == Client.RiskLevel.HIGH
            resting = (
                Client.Status.AT_RISK
                if high or (client.risk_level == Client.RiskLevel.ELEVATED and rng.random() < 0.15)
                else Client.Status.ACTIVE
            )
            if last in Offboarding.OPEN_STATES:
                client.status = Client.Status.OFFBOARDING
                client.status_before_offboarding = resting
            elif last == S.COMPLETED:
                client.status = Client.Status.OFFBOARDED
            else:
                client.status = resting
            if not k:
                continue
            window_start = max(client.created_at, self.history_start)
            if last in OPEN_CASE_AGE:
                low, high_age = OPEN_CASE_AGE[last]
                last_start = self.now - dt.timedelta(days=rng.randint(low, high_age), hours=3)
                last_start = max(last_start, window_start)
            else:
                closed_by = self.now - dt.timedelta(days=10)
                last_start = self._moment(
                    min(window_start + (self.now - window_start) * 0.5, closed_by), closed_by
                )
            # Earlier cases, each closed, spread over the time before the last one.
            earlier = sorted(self._moment(window_start, last_start) for _ in range(k - 1))
            for opened in earlier:
                status = S.REJECTED if rng.random() < 0.4 else S.CANCELLED
                self.cases.append(self._case(i, status, opened, closes_before=last_start))
            self.cases.append(self._case(i, last, last_start, closes_before=self.now))
            client.updated_at = max(client.updated_at, self.cases[-1][1].updated_at)

    def _case(
        self, i: int, status: str, opened: dt.datetime, *, closes_before: dt.datetime
    ) -> tuple[int, Offboarding, list[tuple[str, dt.datetime]]]:
        """One case with the timestamps of its path, and that path as (action, when)."""
        rng = self.rng
        client = self.clients[i]
        team_staff = [p for p in self.teams[i] if p != client.account_lead_id]
        lead_is_manager = client.account_lead_id in {m.pk for m in self.managers}
        proposer = rng.choice(team_staff) if lead_is_manager and team_staff else None
        proposer = proposer or client.account_lead_id
        deciders = [m.pk for m in self.managers if m.pk != proposer] or [self.managers[0].pk]

        if status == S.CANCELLED:
            weights = [CANCELLED_AFTER.get(state, 10) for state in CANCELLABLE]
            reached = rng.choices(CANCELLABLE, weights=weights)[0]
        else:
            reached = status
        path = list(PATHS[reached]) + (["cancel"] if status == S.CANCELLED else [])
        # A case runs its course within four months, and before the next one opens.
        end = min(closes_before, opened + dt.timedelta(days=120))
        budget = max((end - opened).total_seconds(), 3600 * len(path) + 1)
        gaps = sorted(rng.uniform(0, budget) for _ in path)
        stamps = [opened + dt.timedelta(seconds=g) for g in gaps]
        steps = list(zip(path, stamps, strict=True))
        when = dict(steps)
        last_moment = stamps[-1] if stamps else opened
        case = Offboarding(
            client_id=None,
            status=status,
            created_by_id=proposer,
            created_at=opened,
            updated_at=last_moment,
            timing=rng.choices([t for t, _ in Offboarding.Timing.choices], weights=(30, 60, 10))[0],
            summary=f"{client.risk_explanation} The team has tried to repair it and asks to end "
            "the relationship.",
        )
        if "submit" in when:
            case.proposed_by_id = proposer
            case.proposed_at = when["submit"]
        decision = when.get("approve") or when.get("reject")
        if decision:
            case.decided_by_id = rng.choice(deciders)
            case.decided_at = decision
            case.decision_comment = (
                "Approved: the record is clear." if "approve" in when else "Try one more repair."
            )
        if reached in (S.IN_PROGRESS, S.COMPLETED):
            done = when.get("complete")
            if done or rng.random() < 0.5:
                case.deliverables_done_at = (done or self.now) - dt.timedelta(days=3)
            if done:
                case.handover_done_at = done - dt.timedelta(days=1)
                case.takeover_instructions = "Log in with the handed-over accounts.\n\n- DNS"
            case.final_invoice_settled = case.handover_delivered = done is not None
        if status in (S.REJECTED, S.COMPLETED, S.CANCELLED):
            case.closed_at = last_moment
        if status == S.CANCELLED:
            case.close_reason = "The client changed course; the team will keep the account."
        return i, case, steps

    def write_cases(self) -> None:
        rng = self.rng
        for i, case, _ in self.cases:
            case.client_id = self.clients[i].pk
            if not self.incidents[i]:
                case.no_incident_justification = "Nothing was written down at the time."
        cases = [case for _, case, _ in self.cases]
        self._insert("offboarding cases", Offboarding, cases, len(cases))
        Link = Offboarding.incidents.through
        links = []
        for i, case, _ in self.cases:
            before = [x.pk for x in self.incidents[i] if x.created_at <= case.created_at]
            for incident_id in rng.sample(before, min(len(before), rng.randint(1, 3))):
                links.append(Link(offboarding_id=case.pk, incident_id=incident_id))
        self._insert("case incident links", Link, links, len(links))
