"""Reads for the offboarding pages: the visible cases, the stepper, the evidence summary."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field, replace

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from agency.errors import NotVisible
from agency.models import AuditEvent, User
from clients.models import Incident
from clients.permissions import is_manager
from clients.selectors import clients_for_user, payment_statement, visible_row

from . import permissions, progress
from .models import (
    AccessRow,
    Asset,
    Credential,
    Deliverable,
    HandoverRoom,
    Offboarding,
    RoomEvent,
    RoomLogin,
)
from .progress import Step

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
            "repair_attempts",
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
            # The close-out ledger (Offboarding.ledger_open, progress._ledger_started).
            ledger_open_count=Coalesce(
                Subquery(
                    AccessRow.objects.filter(case=OuterRef("pk"), done_at=None, waived_at=None)
                    .values("case")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            )
            + Coalesce(
                Subquery(
                    Asset.objects.filter(case=OuterRef("pk"), waived_at=None)
                    .exclude(transfer_status=Asset.Transfer.CONFIRMED)
                    .values("case")
                    .annotate(n=Count("pk"))
                    .values("n")
                ),
                0,
            ),
            ledger_settled_any=Exists(
                AccessRow.objects.filter(case=OuterRef("pk")).exclude(done_at=None, waived_at=None)
            )
            | Exists(
                Asset.objects.filter(case=OuterRef("pk")).exclude(
                    transfer_status=Asset.Transfer.NOT_STARTED, waived_at=None
                )
            ),
        )
        .prefetch_related(
            Prefetch("deliverables", queryset=Deliverable.objects.order_by("due_on", "id"))
        )
    )


def open_cases_for_user(user: User) -> QuerySet[Offboarding]:
    return with_step_data(cases_for_user(user).open()).order_by("created_at", "pk")


def awaiting_decision(user: User) -> QuerySet[Offboarding]:
    """Proposed cases a manager may decide on (never their own proposals)."""
    if not is_manager(user):
        return Offboarding.objects.none()
    return (
        Offboarding.objects.filter(permissions.decidable_by(user), status=S.PROPOSED)
        .select_related("client", "proposed_by")
        .order_by("proposed_at", "pk")
    )


def case_steps(case: Offboarding, *, user: User | None = None) -> list[Step]:
    """The stepper: the domain's step states (offboarding.progress) with their pages.
    Given the person looking, a step links only to a page that person may open."""

    def url(name: str) -> str:
        return reverse(f"offboarding:{name}", args=[case.pk])

    pages = {
        "proposal": url("proposal") if case.status == S.DRAFT else url("detail") + "#proposal",
        "decision": url("decide"),
    }
    runs_steps = user is None or permissions.can_run_steps(user, case)
    linked = []
    for step in progress.steps(case):
        if step.key in pages:
            step = replace(step, url=pages[step.key])
        elif runs_steps:  # the guided steps' pages are for those who run them
            step = replace(step, url=url(step.key))
        linked.append(step)
    return linked


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
    # Cited incidents changed after the proposal was sent: title, who, when.
    changed_evidence: list[EvidenceChange] = field(default_factory=list)


@dataclass(frozen=True)
class EvidenceChange:
    title: str
    who: str
    when: dt.datetime


def changed_evidence(case: Offboarding) -> list[EvidenceChange]:
    changes = permissions.cited_incident_changes(case).select_related("history_user")
    return [
        EvidenceChange(
            title=change.title,
            # Translators: who changed a piece of evidence, when the person is not known.
            who=change.history_user.display_name if change.history_user else _("someone"),
            when=change.history_date,
        )
        for change in changes.order_by("history_date")
    ]


def evidence_summary(case: Offboarding, *, today: dt.date | None = None) -> EvidenceSummary:
    """What the approving manager weighs: the client's incidents, payments and risk."""
    client = case.client
    incidents = [i for i in client.incidents.select_related("reported_by") if not i.is_withdrawn]
    by_category = Counter(i.get_category_display() for i in incidents)
    by_severity = Counter(i.get_severity_display() for i in incidents)
    severity_order = [label for _value, label in Incident.Severity.choices][::-1]
    return EvidenceSummary(
        by_category=by_category.most_common(),
        by_severity=[(s, by_severity[s]) for s in severity_order if by_severity[s]],
        incidents=incidents,
        statement=payment_statement(client, today=today or timezone.localdate()),
        risk_explanation=client.risk_summary,
        risk_level=client.get_risk_level_display(),
        immediate_without_grounds=case.timing == Offboarding.Timing.IMMEDIATELY
        and not any(
            i.category in Incident.SEVERE_CATEGORIES and not i.is_withdrawn
            for i in case.incidents.all()
        ),
        changed_evidence=changed_evidence(case),
    )


def case_timeline(case: Offboarding) -> QuerySet[AuditEvent]:
    # Refused access stays in the audit log (the admin), not in the case's story.
    return (
        AuditEvent.objects.filter(case_id=case.pk)
        .exclude(action=AuditEvent.Action.ACCESS_DENIED)
        .order_by("-created_at", "-id")
    )


# --- The handover room, as the lead follows it ----------------------------------------------


@dataclass
class RoomStatus:
    room: object  # HandoverRoom
    recipients: list
    logins: list  # RoomLogin, each with .reveals: [RoomEvent]
    events: list  # the latest RoomEvents, newest first
    receipt: object | None
    revealed_count: int
    changed_count: int
    secrets_left: int  # credentials of the case that still hold a secret


ROOM_EVENTS_SHOWN = 30


def room_status(case: Offboarding) -> RoomStatus | None:
    """The case's newest handover room and everything that happened in it."""
    room = (
        HandoverRoom.objects.filter(case=case)
        .select_related("handover", "letter", "created_by", "revoked_by")
        .first()
    )
    if room is None:
        return None
    reveals: dict[int, list] = {}
    for event in (
        room.events.filter(kind=RoomEvent.Kind.REVEALED).select_related("recipient").order_by("at")
    ):
        reveals.setdefault(event.login_id, []).append(event)
    logins = list(room.logins.select_related("changed_by"))
    for login in logins:
        login.reveals = reveals.get(login.pk, [])
    receipt = room.receipt_or_none
    return RoomStatus(
        room=room,
        recipients=list(room.recipients.all()),
        logins=logins,
        events=list(room.events.select_related("recipient", "login")[:ROOM_EVENTS_SHOWN]),
        receipt=receipt,
        revealed_count=sum(1 for login in logins if login.reveals),
        changed_count=sum(1 for login in logins if login.changed_at),
        secrets_left=sum(1 for c in case.credentials.all() if c.secret or c.recovery_note),
    )


# --- The dates of a person's cases: the dashboard's "Coming up" and the calendar feed -------


@dataclass(frozen=True)
class CaseDate:
    case: Offboarding
    kind: str  # "notice", "call" or "end"
    day: dt.date
    at: dt.datetime | None = None  # the call's start, in the agency's time zone
    overdue: bool = False
    asset: str = ""  # for a renewal: the asset renewed
    ref: int = 0  # for a renewal: the asset's id (one calendar event per asset)

    @property
    def label(self) -> str:
        if self.kind == "renewal":
            # Translators: a date in the calendar: an asset (e.g. a domain) renews.
            return _("Renewal: %(asset)s") % {"asset": self.asset}
        return {
            "notice": _("Last day to give notice"),
            "call": _("Termination call"),
            "end": _("Collaboration ends"),
        }[self.kind]


def case_dates(user: User, *, first: dt.date, last: dt.date) -> list[CaseDate]:
    """The dates of the approved and running cases this person may see, between `first`
    and `last`: the last day to give notice, the termination call, the effective end, and
    the renewals of the case's assets (a domain renewing mid-transition). Overdue ones (a
    call still not held, an end passed while the case is open) first, then by day. Two
    queries, whatever the number of cases."""
    cases = (
        cases_for_user(user)
        .filter(status__in=Offboarding.WORKING_STATES)
        .select_related("client", "review", "call")
        .prefetch_related(
            Prefetch(
                "assets",
                queryset=Asset.objects.filter(renewal_on__range=(first, last)),
                to_attr="renewals",
            )
        )
    )
    today = timezone.localdate()
    found: list[CaseDate] = []
    for case in cases:
        review, call = case.contract_review, case.call_plan
        if review and review.notice_deadline and first <= review.notice_deadline <= last:
            found.append(CaseDate(case, "notice", review.notice_deadline))
        if call and call.held == call.Held.PLANNED:
            start = timezone.localtime(call.scheduled_at)
            if first <= start.date() <= last:
                found.append(CaseDate(case, "call", start.date(), start, start.date() < today))
        if review and first <= review.effective_end <= last:
            found.append(
                CaseDate(case, "end", review.effective_end, None, review.effective_end < today)
            )
        for asset in case.renewals:
            found.append(
                CaseDate(case, "renewal", asset.renewal_on, asset=asset.name, ref=asset.pk)
            )
    return sorted(
        found,
        key=lambda d: (
            not d.overdue,
            d.day,
            d.at or dt.datetime.min.replace(tzinfo=dt.UTC),
            d.case.pk,
        ),
    )


# --- The close-out ledger ---------------------------------------------------------------------


@dataclass
class Ledger:
    ours: list  # AccessRow, each with .client_changed: (when, who) from the room, or None
    theirs: list
    assets: list
    open_count: int
    total: int


def ledger(case: Offboarding) -> Ledger:
    """The case's close-out ledger as its page shows it: the doors, the assets, and for a
    row linked to a handover login, whether the client marked it changed in the room."""
    rows = list(
        case.access_rows.select_related("credential", "done_by", "waived_by").order_by(
            "system", "id"
        )
    )
    changed = {
        login.credential_id: (login.changed_at, login.changed_by.name if login.changed_by else "")
        for login in RoomLogin.objects.filter(
            room__case=case, changed_at__isnull=False, credential__isnull=False
        ).select_related("changed_by")
    }
    for row in rows:
        row.client_changed = changed.get(row.credential_id) if row.credential_id else None
    assets = list(case.assets.select_related("waived_by").order_by("kind", "name", "id"))
    everything = [*rows, *assets]
    return Ledger(
        ours=[r for r in rows if r.side == AccessRow.Side.OURS],
        theirs=[r for r in rows if r.side == AccessRow.Side.THEIRS],
        assets=assets,
        open_count=sum(1 for item in everything if not item.settled),
        total=len(everything),
    )


def first_incident_after(case: Offboarding) -> int | None:
    """Days from the start of the work with the client to its first incident on record."""
    start = case.client.start_date
    first = (
        case.client.incidents.order_by("occurred_on").values_list("occurred_on", flat=True).first()
    )
    if start is None or first is None:
        return None
    return (first - start).days
