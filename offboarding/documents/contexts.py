"""What each document shows, built from the case.

Client-facing documents (the handover and the termination letter) are rendered from a
context built here field by field from client-facing data only: plain dataclasses, never
model instances, so a template cannot reach an incident, a note or a repair attempt by
following a relation. Internal documents (call brief, dossier) get the case itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import Count, Max, Min
from django.utils import timezone

from agency.formatting import money
from agency.models import AuditEvent
from clients.selectors import payment_statement

from ..models import Asset, CallPlan, Deliverable, Document, HandoverRoom, Offboarding, Receipt

# --- Client-facing context -------------------------------------------------------------


@dataclass(frozen=True)
class Agency:
    name: str
    logo_url: str
    contact_name: str
    contact_email: str


@dataclass(frozen=True)
class CredentialLine:
    system: str
    url: str
    username: str
    secret: str | None  # None: delivered separately
    recovery_note: str | None  # None: there is one, delivered separately


@dataclass(frozen=True)
class AssetGroup:
    kind: str
    assets: list[tuple[str, str, str, str]]  # name, location, owner after, transfer state


@dataclass(frozen=True)
class ProjectLine:
    name: str
    due: dt.date | None
    status: str
    arrangement: str
    refund: str = ""  # the amount refunded for cancelled work, as the reader writes money


@dataclass(frozen=True)
class Referral:
    name: str
    contact: str
    why: str


@dataclass(frozen=True)
class HandoverContext:
    agency: Agency
    client_name: str
    contact_name: str
    effective_end: dt.date | None
    generated_at: dt.datetime
    version: int
    credentials: list[CredentialLine]
    secrets_omitted: bool
    asset_groups: list[AssetGroup]
    asset_count: int
    instructions: str
    projects: list[ProjectLine]
    referral: Referral | None
    protected: bool = False


@dataclass(frozen=True)
class LetterContext:
    agency: Agency
    client_name: str
    contact_name: str
    body: str
    generated_at: dt.datetime
    version: int
    signer: str


def agency_of(case: Offboarding) -> Agency:
    lead = case.client.account_lead
    logo = finders.find(settings.AGENCY_LOGO) if settings.AGENCY_LOGO else None
    return Agency(
        name=settings.AGENCY_NAME,
        logo_url=Path(logo).as_uri() if logo else "",
        contact_name=lead.display_name,
        contact_email=lead.email,
    )


def referral_of(call: CallPlan | None) -> Referral | None:
    if call is None or not call.referral_name:
        return None
    return Referral(name=call.referral_name, contact=call.referral_contact, why=call.referral_why)


def _effective_end(case: Offboarding) -> dt.date | None:
    review = case.contract_review
    return review.effective_end if review else None


def handover_context(case: Offboarding, document: Document) -> HandoverContext:
    client = case.client
    contact = client.handover_contact
    kinds = dict(Asset.Kind.choices)
    groups: dict[str, list[tuple[str, str, str]]] = {}
    order = {kind: i for i, kind in enumerate(Asset.Kind.values)}
    assets = sorted(case.assets.all(), key=lambda a: (order.get(a.kind, 99), a.name, a.id))
    transfers = dict(Asset.Transfer.choices)
    for asset in assets:
        groups.setdefault(asset.kind, []).append(
            (
                asset.name,
                asset.location,
                asset.owner_after or client.name,
                transfers.get(asset.transfer_status, ""),
            )
        )
    return HandoverContext(
        agency=agency_of(case),
        client_name=client.name,
        contact_name=contact.name if contact else "",
        effective_end=_effective_end(case),
        generated_at=timezone.localtime(),
        version=document.version,
        credentials=[
            CredentialLine(
                system=c.system,
                url=c.url,
                username=c.username,
                secret=None if document.omit_secrets else c.secret,
                # Recovery notes can hold backup codes: they travel with the secrets.
                recovery_note=(None if c.recovery_note else "")
                if document.omit_secrets
                else c.recovery_note,
            )
            for c in case.credentials.order_by("system", "id")
        ],
        secrets_omitted=document.omit_secrets,
        asset_groups=[AssetGroup(kinds[k], v) for k, v in groups.items()],
        asset_count=len(assets),
        instructions=case.takeover_instructions,
        projects=[
            ProjectLine(
                name=d.name,
                due=d.due_on,
                status=d.get_status_display(),
                arrangement=d.get_decision_display(),
                refund=money(d.refund_amount, client.currency)
                if d.decision == Deliverable.Decision.CANCEL_REFUND and d.refund_amount
                else "",
            )
            for d in case.deliverables.order_by("due_on", "id")
        ],
        referral=referral_of(case.call_plan),
        protected=document.protected,
    )


def letter_context(case: Offboarding, document: Document) -> LetterContext:
    contact = case.client.handover_contact
    return LetterContext(
        agency=agency_of(case),
        client_name=case.client.name,
        contact_name=contact.name if contact else "",
        body=document.body,
        generated_at=timezone.localtime(),
        version=document.version,
        signer=case.client.account_lead.display_name,
    )


# --- The handover room and its receipt (client-facing too) -------------------------------


@dataclass(frozen=True)
class RoomLoginLine:
    id: int
    system: str
    url: str
    username: str
    has_recovery_note: bool
    changed_at: dt.datetime | None
    destroyed: bool


@dataclass(frozen=True)
class RoomContext:
    handover: HandoverContext  # the handover as the PDF shows it, its secrets left out
    logins: list[RoomLoginLine]
    include_logins: bool
    expires_at: dt.datetime
    documents: dict[str, int]  # kind -> version, for what can be downloaded now


def room_context(room: HandoverRoom, documents: dict[str, Document]) -> RoomContext:
    """What a recipient sees inside the room: the handover's client-facing context (never a
    secret: those come one at a time from a reveal) and the logins offered."""
    case = (
        Offboarding.objects.select_related("client", "client__account_lead", "call", "review")
        .prefetch_related("client__contacts")
        .get(pk=room.case_id)
    )
    handover = handover_context(case, room.handover)
    handover = replace(handover, credentials=[], secrets_omitted=True)
    logins = []
    for login in room.logins.select_related("credential"):
        credential = login.credential
        logins.append(
            RoomLoginLine(
                id=login.pk,
                system=login.system,
                url=credential.url if credential else "",
                username=login.username,
                has_recovery_note=bool(credential and credential.recovery_note),
                changed_at=login.changed_at,
                destroyed=credential is None or not (credential.secret or credential.recovery_note),
            )
        )
    return RoomContext(
        handover=handover,
        logins=logins,
        include_logins=room.include_logins,
        expires_at=room.expires_at,
        documents={kind: d.version for kind, d in documents.items()},
    )


@dataclass(frozen=True)
class ReceiptLogin:
    system: str
    username: str
    reveals: list[tuple[dt.datetime, str]]
    changed_at: dt.datetime | None


@dataclass(frozen=True)
class ReceiptDocument:
    label: str
    version: int
    sha256: str


@dataclass(frozen=True)
class ReceiptContext:
    agency: Agency
    client_name: str
    name: str
    role: str
    comment: str
    acknowledged_at: dt.datetime
    ip_address: str
    user_agent: str
    handover_version: int
    handover_sha256: str
    logins: list[ReceiptLogin]
    assets: list[tuple[str, str, str, str]]  # name, kind, location, owner after
    projects: list[str]
    documents: list[ReceiptDocument]
    generated_at: dt.datetime
    version: int


def _when(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def receipt_facts(receipt: Receipt, *, case: Offboarding | None = None, version: int = 0):
    """The receipt as the client's page, the lead's page and the PDF show it: what was
    recorded at the acknowledgement, labels in the reader's language."""
    case = case or receipt.room.case
    items = receipt.items or {}
    kinds = dict(Asset.Kind.choices)
    documents = dict(Document.Kind.choices)
    return ReceiptContext(
        agency=agency_of(case),
        client_name=case.client.name,
        name=receipt.name,
        role=receipt.role,
        comment=receipt.comment,
        acknowledged_at=receipt.acknowledged_at,
        ip_address=receipt.ip_address or "",
        user_agent=receipt.user_agent,
        handover_version=receipt.handover_version,
        handover_sha256=receipt.handover_sha256,
        logins=[
            ReceiptLogin(
                system=line["system"],
                username=line["username"],
                reveals=[(_when(r["at"]), r["by"]) for r in line.get("reveals", [])],
                changed_at=_when(line.get("changed_at")),
            )
            for line in items.get("logins", [])
        ],
        assets=[
            (
                a["name"],
                kinds.get(a["kind"], a["kind"]),
                a["location"],
                a["owner"] or case.client.name,
            )
            for a in items.get("assets", [])
        ],
        projects=list(items.get("projects", [])),
        documents=[
            ReceiptDocument(documents.get(d["kind"], d["kind"]), d["version"], d["sha256"])
            for d in items.get("documents", [])
        ],
        generated_at=timezone.localtime(),
        version=version,
    )


def receipt_context(case: Offboarding, document: Document) -> ReceiptContext:
    return receipt_facts(
        Receipt.objects.get(document=document), case=case, version=document.version
    )


# --- Internal context ------------------------------------------------------------------


@dataclass
class InternalContext:
    agency: Agency
    case: Offboarding
    client: object
    generated_at: dt.datetime
    version: int
    call: CallPlan | None = None
    extra: dict = field(default_factory=dict)


def call_brief_context(case: Offboarding, document: Document) -> InternalContext:
    return InternalContext(
        agency=agency_of(case),
        case=case,
        client=case.client,
        generated_at=timezone.localtime(),
        version=document.version,
        call=case.call_plan,
    )


def dossier_context(case: Offboarding, document: Document) -> InternalContext:
    client = case.client
    # The incidents the proposal cites come first and are marked; the rest of the client's
    # record follows, since a manager weighs the whole history.
    cited = set(case.incidents.values_list("pk", flat=True))
    incidents = sorted(
        client.incidents.select_related("reported_by").prefetch_related("evidence"),
        key=lambda incident: incident.pk not in cited,
    )
    for incident in incidents:
        incident.cited = incident.pk in cited
    return InternalContext(
        agency=agency_of(case),
        case=case,
        client=client,
        generated_at=timezone.localtime(),
        version=document.version,
        call=case.call_plan,
        extra={
            "incidents": incidents,
            "cited_count": len(cited),
            "repair_attempts": list(client.repair_attempts.select_related("recorded_by")),
            "statement": payment_statement(client, today=timezone.localdate()),
            # The case's own story; refused attempts to see it are summarised, not listed.
            "events": list(
                AuditEvent.objects.filter(case_id=case.pk)
                .exclude(action=AuditEvent.Action.ACCESS_DENIED)
                .order_by("created_at", "id")
            ),
            "refused": AuditEvent.objects.filter(
                case_id=case.pk, action=AuditEvent.Action.ACCESS_DENIED
            ).aggregate(count=Count("id"), first=Min("created_at"), last=Max("created_at")),
            "review": case.contract_review,
            # The close-out ledger: every door and asset, done, waived or open.
            "access_rows": list(
                case.access_rows.select_related("done_by", "waived_by").order_by("side", "system")
            ),
            "assets": list(case.assets.select_related("waived_by").order_by("kind", "name")),
        },
    )
