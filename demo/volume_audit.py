"""seed_volume's audit log: each case's path, each client's creation, then activity
about cases and clients, and logins, up to the requested number of events."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator

from agency.models import AuditEvent
from offboarding.models import Offboarding

from .volume_cases import ACTION_STEPS

S = Offboarding.Status
A = AuditEvent.Action

CASE_EVENTS = (
    (A.STEP, "Contract review saved", 20),
    (A.STEP, "Deliverable updated", 25),
    (A.STEP, "Call plan saved", 10),
    (A.STEP, "Takeover instructions updated", 10),
    (A.STEP, "Close-out: access revoked", 5),
    (A.REVEAL, "Credential revealed", 10),
    (A.DOWNLOAD, "Handover downloaded", 10),
    (A.UPDATED, "Proposal updated", 10),
)
CLIENT_EVENTS = (
    (A.CREATED, "Incident logged", 30),
    (A.UPDATED, "Client details updated", 15),
    (A.CREATED, "Invoice added", 15),
    (A.UPDATED, "Invoice updated", 10),
    (A.CREATED, "Repair attempt recorded", 5),
    (A.UPDATED, "Contract updated", 5),
    (A.DOWNLOAD, "Evidence downloaded", 15),
    (A.ACCESS_DENIED, "Refused GET /clients/", 5),
)


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
                summary="Offboarding drafted",
                at=case.created_at,
                client_id=client_id,
                case_id=case.pk,
                object_type="offboarding",
                object_id=case.pk,
            )
            written += 1
            state = S.DRAFT
            for action, at in steps:
                if action == "cancel":
                    before, after, label = state, S.CANCELLED, "cancelled"
                else:
                    before, after, label = ACTION_STEPS[action]
                state = after
                decision = action in ("approve", "reject")
                yield self._event(
                    actor_id=case.decided_by_id if decision else case.created_by_id,
                    action=A.DECISION if decision else A.TRANSITION,
                    summary=f"Offboarding {label}",
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
        event_kinds = [(a, s) for a, s, _ in CASE_EVENTS]
        event_weights = [w for _, _, w in CASE_EVENTS]
        if self.cases:
            picks = rng.choices(range(len(self.cases)), weights=case_weights, k=case_share)
            kinds = rng.choices(event_kinds, weights=event_weights, k=case_share)
            for pick, (action, summary) in zip(picks, kinds, strict=True):
                i, case, _ = self.cases[pick]
                team = self.teams[i]
                yield self._event(
                    actor_id=rng.choice(team),
                    action=action,
                    summary=summary,
                    at=self._moment(case.created_at, case.closed_at or self.now),
                    client_id=self.clients[i].pk,
                    case_id=case.pk,
                    object_type="offboarding",
                    object_id=case.pk,
                )
        # Busy clients (many incidents) gather the most events.
        client_weights = [3 + len(x) for x in self.incidents]
        event_kinds = [(a, s) for a, s, _ in CLIENT_EVENTS]
        event_weights = [w for _, _, w in CLIENT_EVENTS]
        picks = rng.choices(range(len(self.clients)), weights=client_weights, k=client_share)
        kinds = rng.choices(event_kinds, weights=event_weights, k=client_share)
        for pick, (action, summary) in zip(picks, kinds, strict=True):
            client = self.clients[pick]
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
