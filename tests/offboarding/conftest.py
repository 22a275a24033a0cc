"""Offboarding cases built the way people build them: through the services, step by step.

`cases` knows how to bring a case to any status; the small fixtures below name the
cases most tests start from. Markers such as "ZQX-INTERNAL-7731" stand for internal
text (incident titles and descriptions, the manager's summary, repair notes) that must
never reach the client: a test looks for the marker where the client would read it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from agency.models import AuditEvent
from clients.models import Client, Incident
from offboarding import pipeline, services
from offboarding.models import CallPlan, Deliverable, Document, Offboarding
from tests.factories import ClientFactory, ContractFactory, IncidentFactory, RepairAttemptFactory

S = Offboarding.Status

INTERNAL_TITLE = "ZQX-INTERNAL-7731 title"
INTERNAL_DESCRIPTION = "ZQX-INTERNAL-7732 the client shouted at our designer"
INTERNAL_SUMMARY = "ZQX-INTERNAL-7733 summary: three abusive calls this month"
INTERNAL_REPAIR_ATTEMPT = "ZQX-INTERNAL-7734 we tried a weekly call with their CEO"
INTERNAL_MARKERS = (
    "ZQX-INTERNAL-7731",
    "ZQX-INTERNAL-7732",
    "ZQX-INTERNAL-7733",
    "ZQX-INTERNAL-7734",
)

SECRET = "s3cret-ZQX-PASS-9904!"
NOTICE_GIVEN_ON = dt.date(2026, 6, 1)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """The role fixtures hash a password each; the default hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def acme(lead, staff):
    """A client that was already flagged at risk before anyone proposed ending it."""
    return ClientFactory(
        name="Acme Rockets", account_lead=lead, team=[staff], status=Client.Status.AT_RISK
    )


@pytest.fixture
def globex(other_lead):
    """Somebody else's client: lead, staff and the outsider are not on its team."""
    return ClientFactory(name="Globex Corporation", account_lead=other_lead)


class CaseBuilder:
    """Brings a case to a status through the services, as the people involved would."""

    def __init__(self, *, lead, manager):
        self.lead = lead
        self.manager = manager

    def incident(self, client: Client, **fields) -> Incident:
        return IncidentFactory(client=client, **fields)

    def draft(self, client: Client, *, actor=None, **fields) -> Offboarding:
        actor = actor or client.account_lead
        if "incidents" not in fields and "no_incident_justification" not in fields:
            fields["incidents"] = [self.incident(client)]
        fields.setdefault("summary", "The scope keeps growing and repair attempts failed.")
        fields.setdefault("timing", Offboarding.Timing.WITH_NOTICE)
        return services.offboarding_open(actor=actor, client=client, **fields)

    def proposed(self, client: Client, *, actor=None, **fields) -> Offboarding:
        actor = actor or client.account_lead
        case = self.draft(client, actor=actor, **fields)
        return services.offboarding_submit(actor=actor, case=case)

    def approved(self, client: Client, *, decider=None, **fields) -> Offboarding:
        case = self.proposed(client, **fields)
        return services.offboarding_approve(
            actor=decider or self.manager, case=case, comment="Agreed: the record is clear."
        )

    def rejected(self, client: Client, **fields) -> Offboarding:
        case = self.proposed(client, **fields)
        return services.offboarding_reject(
            actor=self.manager, case=case, comment="Try a new agreement at renewal first."
        )

    def cancelled(self, client: Client, **fields) -> Offboarding:
        case = self.draft(client, **fields)
        return services.offboarding_cancel(
            actor=client.account_lead, case=case, reason="The client fixed the problem."
        )

    def review(self, case: Offboarding, **fields):
        contract = (
            fields.pop("contract", None)
            or case.client.contracts.filter(is_current=True).first()
            or ContractFactory(client=case.client)
        )
        fields.setdefault("basis", "end_of_term")
        fields.setdefault("notice_given_on", NOTICE_GIVEN_ON)
        return services.contract_review_save(
            actor=case.client.account_lead, case=case, contract=contract, **fields
        )

    def in_progress(self, client: Client, **fields) -> Offboarding:
        case = self.approved(client, **fields)
        self.review(case)
        return refreshed(case)

    def call_plan(self, case: Offboarding, **fields) -> CallPlan:
        values = {
            # Planned for earlier today: the tests may record it as held an hour ago.
            "scheduled_at": timezone.now() - dt.timedelta(hours=3),
            "channel": CallPlan.Channel.VIDEO,
            "location": "https://meet.example/acme",
            "points_written": True,
            "rehearsed": True,
            "agreed_internally": True,
            **fields,
        }
        return services.call_plan_save(actor=case.client.account_lead, case=case, **values)

    def ready(self, client: Client, **fields) -> Offboarding:
        """In progress with every step done: the lead may complete it now."""
        case = self.in_progress(client, **fields)
        lead = client.account_lead
        services.deliverable_save(
            actor=lead,
            case=case,
            name="Spring campaign landing page",
            decision=Deliverable.Decision.HAND_OVER,
        )
        services.deliverables_complete(actor=lead, case=case)
        self.call_plan(case)
        services.call_outcome_record(
            actor=lead,
            case=case,
            held=CallPlan.Held.HELD,
            held_at=timezone.now() - dt.timedelta(hours=1),
            reaction=CallPlan.Reaction.ACCEPTING,
        )
        services.credential_save(
            actor=lead, case=case, system="Google Ads", username="ads@acme.example", secret=SECRET
        )
        services.handover_instructions_save(
            actor=lead, case=case, text="- Log in with the handed-over account\n- Change it"
        )
        services.handover_complete(actor=lead, case=case)
        self.export_handover(case)
        # The ledger: our access to the handed-over login closed.
        services.ledger_from_handover(actor=lead, case=case)
        for row in case.access_rows.all():
            services.access_row_done(actor=lead, case=case, row_id=row.pk)
        services.closeout_save(
            actor=lead, case=case, **dict.fromkeys(Offboarding.CLOSEOUT_FIELDS, True)
        )
        return refreshed(case)

    def export_handover(self, case: Offboarding) -> Document:
        """Request the handover PDF and render it here, as the worker would."""
        document = services.document_request(
            actor=case.client.account_lead, case=case, kind=Document.Kind.HANDOVER
        )
        return pipeline.document_render(document_id=document.pk)

    def completed(self, client: Client, **fields) -> Offboarding:
        case = self.ready(client, **fields)
        return services.offboarding_complete(actor=client.account_lead, case=case)

    def in_status(self, status: str, client: Client) -> Offboarding:
        build = {
            S.DRAFT: self.draft,
            S.PROPOSED: self.proposed,
            S.APPROVED: self.approved,
            S.REJECTED: self.rejected,
            S.IN_PROGRESS: self.ready,
            S.COMPLETED: self.completed,
            S.CANCELLED: self.cancelled,
        }[status]
        case = refreshed(build(client))
        assert case.status == status
        return case


def refreshed(case: Offboarding) -> Offboarding:
    return Offboarding.objects.select_related("client").get(pk=case.pk)


def case_events(case: Offboarding, **filters):
    return AuditEvent.objects.filter(case_id=case.pk, **filters).order_by("created_at", "id")


@pytest.fixture
def cases(lead, manager):
    return CaseBuilder(lead=lead, manager=manager)


@pytest.fixture
def draft_case(cases, acme):
    return cases.draft(acme)


@pytest.fixture
def proposed_case(cases, acme):
    return cases.proposed(acme)


@pytest.fixture
def approved_case(cases, acme):
    return cases.approved(acme)


@pytest.fixture
def working_case(cases, acme):
    """Approved, contract reviewed: in progress."""
    return cases.in_progress(acme)


@pytest.fixture
def ready_case(cases, acme):
    return cases.ready(acme)


@pytest.fixture
def internal_case(cases, acme, lead):
    """An approved case whose internal record is full of text the client must never read."""
    abuse = IncidentFactory(
        client=acme,
        category=Incident.Category.ABUSIVE,
        severity=Incident.Severity.HIGH,
        title=INTERNAL_TITLE,
        description=INTERNAL_DESCRIPTION,
    )
    late = IncidentFactory(
        client=acme,
        category=Incident.Category.LATE_PAYMENT,
        title="ZQX-INTERNAL-7731 unpaid",
        description="ZQX-INTERNAL-7732 invoice 12 is 90 days late",
    )
    repair = RepairAttemptFactory(client=acme, description=INTERNAL_REPAIR_ATTEMPT)
    case = cases.in_progress(
        acme, incidents=[abuse, late], repair_attempts=[repair], summary=INTERNAL_SUMMARY
    )
    return case
