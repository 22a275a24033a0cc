"""seed_volume's audit log: each case's path, each client's creation, then activity
about cases and clients, and logins, up to the requested number of events."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator

from django.utils import timezone

from agency.models import AuditEvent
from clients.models import Incident, RepairAttempt
from offboarding import workflow
from offboarding.models import Document, Offboarding

S = Offboarding.Status
A = AuditEvent.Action

# The events below are ones the application writes, with its summaries (the services in
# clients/, offboarding/ and agency/). Weights give the mix; details come from the seeded rows.
CASE_EVENTS = (
    ("contract review", 20),
    ("asset added", 15),
    ("credential added", 10),
    ("call planned", 10),
    ("takeover instructions", 10),
    ("close-out", 5),
    ("secret revealed", 10),
    ("handover downloaded", 10),
    ("document requested", 10),
)
CLIENT_EVENTS = (
    ("incident logged", 30),
    ("client updated", 15),
    ("evidence added", 15),
    ("contract updated", 15),
    ("repair attempt", 5),
    ("evidence downloaded", 15),
    ("access refused", 5),
)
SYSTEMS = ("Google Ads", "Meta Business Suite", "Google Analytics", "Website admin", "Mailchimp")
ASSETS = ("Company website", "Domain", "Ad account", "Brand and design files", "Social accounts")
EVIDENCE_NAMES = ("reminder.eml", "screenshot.png", "call notes.pdf", "reply.eml", "report.png")
INVOICE_SETTLED = Offboarding._meta.get_field("final_invoice_settled").verbose_name


def _domain(website: str) -> str:
    return website.removeprefix("https://")


class AuditPlanner:
    """Seeder's audit events, generated while they are written."""

    def write_audit_events(self) -> None:
        total = self.v.audit_events
        self._insert("audit events", AuditEvent, itertools.islice(self._events(), total), total)

    def _event(
        self,
        *,
        actor_id: int | None,
        action: str,
        summary: str,
        at: dt.datetime,
        client_id: int | None = None,
        case_id: int | None = None,
        object_type: str = "",
        object_id: int | None = None,
        from_state: str = "",
        to_state: str = "",
        comment: str = "",
        ip: str | None = None,
    ) -> AuditEvent:
        return AuditEvent(
            created_at=at,
            actor_id=actor_id,
            actor_name=self.names.get(actor_id, ""),
            action=action,
            summary=summary,
            client_id=client_id,
            case_id=case_id,
            object_type=object_type,
            object_id=object_id,
            from_state=from_state,
            to_state=to_state,
            comment=comment,
            ip_address=ip,
        )

    def _events(self) -> Iterator[AuditEvent]:
        """Every case's path first, each client's creation, then activity up to the total:
        about 30% about cases, 45% about clients, the rest logins and logouts."""
        rng = self.rng
        total = self.v.audit_events
        written = 0
        for i, case, steps in self.cases:
            client_id = self.clients[i].pk
            yield self._event(
                actor_id=case.created_by_id,
                action=A.CREATED,
                summary="Offboarding proposal drafted",
                at=case.created_at,
                client_id=client_id,
                case_id=case.pk,
                object_type="offboarding",
                object_id=case.pk,
                to_state=S.DRAFT,
            )
            written += 1
            state = S.DRAFT
            for action, at in steps:
                if not workflow.allowed(action, state):
                    raise ValueError(f"{action} is not allowed from {state}")
                before, after = state, workflow.target(action)
                state = after
                decision = action in ("approve", "reject")
                yield self._event(
                    actor_id=case.decided_by_id if decision else case.created_by_id,
                    action=A.DECISION if decision else A.TRANSITION,
                    summary=f"Offboarding {workflow.ACTION_LABELS[action]}",
                    at=at,
                    client_id=client_id,
                    case_id=case.pk,
                    from_state=before,
                    to_state=after,
                    comment=case.decision_comment if decision else case.close_reason,
                )
                written += 1
        for client in self.clients:
            yield self._event(
                actor_id=client.account_lead_id,
                action=A.CREATED,
                summary=f"Client {client.name} added",
                at=client.created_at,
                client_id=client.pk,
                object_type="client",
                object_id=client.pk,
            )
            written += 1

        remaining = max(total - written, 0)
        case_share = int(remaining * 0.30)
        client_share = int(remaining * 0.45)
        # Cases being worked on gather the most events.
        working = {S.APPROVED: 6, S.IN_PROGRESS: 10, S.COMPLETED: 8}
        case_weights = [working.get(case.status, 1) for _, case, _ in self.cases]
        event_kinds = [k for k, _ in CASE_EVENTS]
        event_weights = [w for _, w in CASE_EVENTS]
        if self.cases:
            picks = rng.choices(range(len(self.cases)), weights=case_weights, k=case_share)
            kinds = rng.choices(event_kinds, weights=event_weights, k=case_share)
            for pick, kind in zip(picks, kinds, strict=True):
                i, case, _ = self.cases[pick]
                team = self.teams[i]
                at = self._moment(case.created_at, case.closed_at or self.now)
                action, summary = self._case_summary(kind, i, at)
                yield self._event(
                    actor_id=rng.choice(team),
                    action=action,
                    summary=summary,
                    at=at,
                    client_id=self.clients[i].pk,
                    case_id=case.pk,
                    object_type="offboarding",
                    object_id=case.pk,
                )
        # Busy clients (many incidents) gather the most events.
        client_weights = [3 + len(x) for x in self.incidents]
        event_kinds = [k for k, _ in CLIENT_EVENTS]
        event_weights = [w for _, w in CLIENT_EVENTS]
        picks = rng.choices(range(len(self.clients)), weights=client_weights, k=client_share)
        kinds = rng.choices(event_kinds, weights=event_weights, k=client_share)
        for pick, kind in zip(picks, kinds, strict=True):
            client = self.clients[pick]
            action, summary = self._client_summary(kind, pick)
            yield self._event(
                actor_id=rng.choice(self.teams[pick]),
                action=action,
                summary=summary,
                at=self._moment(client.created_at),
                client_id=client.pk,
                object_type="client",
                object_id=client.pk,
            )
        users = [*self.managers, *self.leads, *self.staff]
        start = self.history_start
        while True:
            person = rng.choice(users)
            roll = rng.random()
            action, summary = (
                (A.LOGIN, "Logged in")
                if roll < 0.8
                else (A.LOGOUT, "Logged out")
                if roll < 0.95
                else (A.LOGIN_FAILED, f"Failed login for “{person.username}”")
            )
            yield self._event(
                actor_id=None if action == A.LOGIN_FAILED else person.pk,
                action=action,
                summary=summary,
                at=self._moment(start),
                ip=f"10.{rng.randint(0, 3)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}",
            )

    def _case_summary(self, kind: str, i: int, at: dt.datetime) -> tuple[str, str]:
        """The action and summary offboarding/services/ writes for this kind of step."""
        rng = self.rng
        if kind == "contract review":
            end = (at + dt.timedelta(days=rng.choice((14, 30, 45, 60)))).date()
            return A.STEP, f"Contract review updated: ends {end:%d %b %Y}"
        if kind == "asset added":
            return A.CREATED, f"Asset added: {rng.choice(ASSETS)}"
        if kind == "credential added":
            return A.CREATED, f"Credential added: {rng.choice(SYSTEMS)}"
        if kind == "call planned":
            call = timezone.localtime(at + dt.timedelta(days=rng.randint(1, 7))).replace(
                hour=rng.choice((9, 10, 11, 14, 15)), minute=rng.choice((0, 30))
            )
            return A.STEP, f"Call planned for {call:%d %b %Y %H:%M}"
        if kind == "takeover instructions":
            return A.UPDATED, "Takeover instructions updated"
        if kind == "close-out":
            return A.STEP, f"Close-out: {INVOICE_SETTLED}"
        if kind == "secret revealed":
            user = f"admin@{_domain(self.clients[i].website)}"
            return A.REVEAL, f"Secret revealed: {rng.choice(SYSTEMS)} ({user})"
        if kind == "handover downloaded":
            return A.DOWNLOAD, f"{Document.Kind.HANDOVER.label} v{rng.randint(1, 3)} downloaded"
        if kind == "document requested":
            label = rng.choice(Document.Kind.labels)
            return A.CREATED, f"{label} v{rng.randint(1, 2)} requested"
        raise ValueError(kind)

    def _client_summary(self, kind: str, pick: int) -> tuple[str, str]:
        """The action and summary clients/ and agency/ write for this kind of change."""
        rng = self.rng
        client = self.clients[pick]
        incidents = self.incidents[pick]
        contract = self.contracts.get(pick)
        if kind == "incident logged":
            category = rng.choice(incidents).category if incidents else Incident.Category.OTHER
            return A.CREATED, f"Incident logged: {Incident.Category(category).label}"
        if kind == "evidence added":
            return A.CREATED, f"Evidence added to an incident: {rng.randint(1, 3)} file(s)"
        if kind == "contract updated" and contract is not None:
            return A.UPDATED, f"Contract {contract} updated"
        if kind in ("client updated", "contract updated"):  # no contract: the client's details
            return A.UPDATED, f"Client {client.name} updated"
        if kind == "repair attempt":
            return A.CREATED, f"Repair attempt recorded: {rng.choice(RepairAttempt.Kind.labels)}"
        if kind == "evidence downloaded":
            return A.DOWNLOAD, f"Evidence {rng.choice(EVIDENCE_NAMES)} downloaded"
        if kind == "access refused":
            return A.ACCESS_DENIED, f"Refused GET /clients/{client.pk}/"
        raise ValueError(kind)
