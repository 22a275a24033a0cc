"""Every URL of the project, for every role, against the user's own client and a foreign one.

The URL list is read from the resolver: a new URL without a row in MATRIX fails
`test_every_url_has_a_row_in_the_matrix`, so nobody adds a page without deciding who may
open it. Each cell of the matrix is one test case with its own transaction, so a POST
that changes the world never affects the next cell.

The world (built once for the module through the services, rolled back at the end):

- client A, "Acme Own Ltd": led by `lead`, `staff` on its team;
- client B, "Zenith Foreign GmbH": led by `other_lead`, `other staff` on its team;
- each with a contact, a contract with a signed PDF, an invoice, an incident with PNG
  evidence, a repair attempt, a cancelled (closed) offboarding case and an offboarding
  case in progress (contract reviewed, a deliverable, a prepared call plan, a credential,
  an asset and a rendered handover PDF).

Every test case runs inside a savepoint of that module transaction (pytest-django's
`db`), so each cell sees the same fresh world. Building the world per cell instead (two
clients through the services, two PDF renders) would cost seconds times 1,300 cells.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client as DjangoClient
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from agency.models import User
from clients import services as client_services
from clients.models import Client, Contact, Contract, Evidence, Incident, Invoice, RepairAttempt
from clients.views import TABS as CLIENT_TABS
from offboarding import pipeline, services
from offboarding.models import (
    AccessRow,
    Asset,
    CallPlan,
    ContractReview,
    Credential,
    Deliverable,
    Document,
    Offboarding,
    RoomRecipient,
)
from offboarding.services import room as room_services
from tests.factories import UserFactory
from tests.files import pdf_bytes, png_bytes

OWN_NAME = "Acme Own Ltd"
FOREIGN_NAME = "Zenith Foreign GmbH"
# Every text a client's rows show (incident title, contact, credential, deliverable...)
# carries its marker, so a page that lists another client's rows is caught, not only its
# name. The space keeps a random token (CSRF, session) from ever spelling one.
MARKER = {OWN_NAME: "acme own", FOREIGN_NAME: "zenith foreign"}
SEES = {
    "anon": set(),
    "outsider": set(),
    "staff": {OWN_NAME},
    "lead": {OWN_NAME},
    "other_lead": {FOREIGN_NAME},
    "manager": {OWN_NAME, FOREIGN_NAME},
}
ROLES = ("anon", "outsider", "staff", "lead", "other_lead", "manager")


class Row(NamedTuple):
    """Expected status per role; `mixed` is staff's answer on A's URL carrying B's child."""

    anon: int
    outsider: int
    staff: int
    lead: int
    other_lead: int
    manager: int
    mixed: int | None = None


# --- The matrix ------------------------------------------------------------------------------
#
# Rows give the answer on client A's objects ("own"). Columns:
#   anon        not signed in: 302 is always the redirect to the login page
#   outsider    staff on no team
#   staff       staff on A's team
#   lead        A's account lead
#   other_lead  B's account lead (A is foreign to them)
#   manager     sees every client
#   mixed       only for URLs with a child object (contact, incident, credential...): staff's
#               answer when A's URL carries B's child. Every other signed-in role gets 404
#               there, the manager included; 403 means staff is refused before the lookup.
#
# "foreign" (the same URL with B's objects) is derived, not written: staff and lead get 404
# (405 stays 405: the method is checked first), other_lead gets what lead gets on A,
# anon, outsider and manager get what they get on A.
#
# Conventions: a 405 row is a POST-only URL opened with GET. POST rows send valid, minimal
# data (see `post_data`); 302 is then the success redirect (or, for an action the case's
# state refuses, the redirect back with a message). The case of A is in progress, so the
# draft-only URLs (proposal, submit) answer 403 and a decision answers 200 with an error.

# fmt: off
MATRIX: dict[tuple[str, str], Row] = {
    # URL name                             method       anon out  staf lead othr mgr  mixd
    ("dashboard",                          "GET"):  Row(302, 200, 200, 200, 200, 200),
    # --- clients ---
    ("clients:list",                       "GET"):  Row(302, 200, 200, 200, 200, 200),
    ("clients:create",                     "GET"):  Row(302, 403, 403, 200, 200, 200),
    ("clients:create",                     "POST"): Row(302, 403, 403, 302, 302, 302),
    ("clients:detail",                     "GET"):  Row(302, 404, 200, 200, 404, 200),
    ("clients:edit",                       "GET"):  Row(302, 404, 403, 200, 404, 200),
    ("clients:edit",                       "POST"): Row(302, 404, 403, 302, 404, 302),
    ("clients:contact_create",             "GET"):  Row(302, 404, 403, 200, 404, 200),
    ("clients:contact_create",             "POST"): Row(302, 404, 403, 302, 404, 302),
    ("clients:contact_edit",               "GET"):  Row(302, 404, 403, 200, 404, 200, 403),
    ("clients:contact_edit",               "POST"): Row(302, 404, 403, 302, 404, 302, 403),
    ("clients:contract_create",            "GET"):  Row(302, 404, 403, 200, 404, 200),
    ("clients:contract_create",            "POST"): Row(302, 404, 403, 302, 404, 302),
    ("clients:contract_edit",              "GET"):  Row(302, 404, 403, 200, 404, 200, 403),
    ("clients:contract_edit",              "POST"): Row(302, 404, 403, 302, 404, 302, 403),
    ("clients:contract_file",              "GET"):  Row(302, 404, 200, 200, 404, 200, 404),
    ("clients:invoice_create",             "GET"):  Row(302, 404, 403, 200, 404, 200),
    ("clients:invoice_create",             "POST"): Row(302, 404, 403, 302, 404, 302),
    ("clients:invoice_edit",               "GET"):  Row(302, 404, 403, 200, 404, 200, 403),
    ("clients:invoice_edit",               "POST"): Row(302, 404, 403, 302, 404, 302, 403),
    ("clients:incident_create",            "GET"):  Row(302, 404, 200, 200, 404, 200),
    ("clients:incident_create",            "POST"): Row(302, 404, 302, 302, 404, 302),
    ("clients:incident",                   "GET"):  Row(302, 404, 200, 200, 404, 200, 404),
    # The incident was reported by the lead: staff reads it, may not correct or withdraw it.
    ("clients:incident_edit",              "GET"):  Row(302, 404, 403, 200, 404, 200, 404),
    ("clients:incident_edit",              "POST"): Row(302, 404, 403, 302, 404, 302, 404),
    ("clients:incident_withdraw",          "GET"):  Row(302, 405, 405, 405, 405, 405),
    ("clients:incident_withdraw",          "POST"): Row(302, 404, 403, 302, 404, 302, 404),
    ("clients:evidence_add",               "GET"):  Row(302, 405, 405, 405, 405, 405),
    ("clients:evidence_add",               "POST"): Row(302, 404, 302, 302, 404, 302, 404),
    ("clients:evidence_download",          "GET"):  Row(302, 404, 200, 200, 404, 200, 404),
    ("clients:repair_attempt_create",         "GET"):  Row(302, 404, 200, 200, 404, 200),
    ("clients:repair_attempt_create",         "POST"): Row(302, 404, 302, 302, 404, 302),
    ("clients:repair_attempt_edit",           "GET"):  Row(302, 404, 403, 200, 404, 200, 404),
    ("clients:repair_attempt_edit",           "POST"): Row(302, 404, 403, 302, 404, 302, 404),
    # --- offboarding: lists and the case ---
    ("offboarding:list",                   "GET"):  Row(302, 200, 200, 200, 200, 200),
    ("offboarding:approvals",              "GET"):  Row(302, 403, 403, 403, 403, 200),
    # A already has an open case: starting one leads to it.
    ("offboarding:start",                  "GET"):  Row(302, 404, 302, 302, 404, 302),
    ("offboarding:start",                  "POST"): Row(302, 404, 302, 302, 404, 302),
    ("offboarding:detail",                 "GET"):  Row(302, 404, 200, 200, 404, 200),
    ("offboarding:history",                "GET"):  Row(302, 404, 200, 200, 404, 200),
    ("offboarding:proposal",               "GET"):  Row(302, 404, 403, 403, 404, 403),
    ("offboarding:proposal",               "POST"): Row(302, 404, 403, 403, 404, 403),
    ("offboarding:submit",                 "GET"):  Row(302, 405, 405, 405, 405, 405),
    ("offboarding:submit",                 "POST"): Row(302, 404, 403, 403, 404, 403),
    ("offboarding:decide",                 "GET"):  Row(302, 404, 200, 200, 404, 200),
    ("offboarding:decide",                 "POST"): Row(302, 404, 403, 403, 404, 200),
    # The team's view on a proposal: the lead sent it (so gives none), managers are not on
    # the team; A's case is past its decision, so staff's view is refused in the form.
    ("offboarding:team_view",              "GET"):  Row(302, 404, 302, 403, 404, 403),
    ("offboarding:team_view",              "POST"): Row(302, 404, 302, 403, 404, 403),
    # The look back: A's case is still running, so everyone allowed is sent back to it.
    ("offboarding:look_back",              "GET"):  Row(302, 404, 302, 302, 404, 302),
    ("offboarding:look_back",              "POST"): Row(302, 404, 302, 302, 404, 302),
    ("offboarding:cancel",                 "GET"):  Row(302, 405, 405, 405, 405, 405),
    ("offboarding:cancel",                 "POST"): Row(302, 404, 403, 403, 404, 302),
    ("offboarding:complete",               "GET"):  Row(302, 405, 405, 405, 405, 405),
    ("offboarding:complete",               "POST"): Row(302, 404, 403, 302, 404, 302),
    # --- offboarding: the steps (the account lead and managers) ---
    ("offboarding:review",                 "GET"):  Row(302, 404, 403, 200, 404, 200),
    ("offboarding:review",                 "POST"): Row(302, 404, 403, 302, 404, 302),
    ("offboarding:deliverables",           "GET"):  Row(302, 404, 403, 200, 404, 200),
    ("offboarding:deliverables",           "POST"): Row(302, 404, 403, 302, 404, 302),
    ("offboarding:deliverable_edit",       "GET"):  Row(302, 404, 403, 200, 404, 200, 403),
    ("offboarding:deliverable_edit",       "POST"): Row(302, 404, 403, 302, 404, 302, 403),
    ("offboarding:deliverables_done",      "GET"):  Row(302, 405, 405, 405, 405, 405),
    ("offboarding:deliverables_done",      "POST"): Row(302, 404, 403, 302, 404, 302),
    ("offboarding:call",                   "GET"):  Row(302, 404, 403, 200, 404, 200),
    ("offboarding:call",                   "POST"): Row(302, 404, 403, 302, 404, 302),
    ("offboarding:call_script",            "GET"):  Row(302, 405, 405, 405, 405, 405),
    ("offboarding:call_script",            "POST"): Row(302, 404, 403, 302, 404, 302),
    ("offboarding:call_ics",               "GET"):  Row(302, 404, 200, 200, 404, 200),
    ("offboarding:outcome",                "GET"):  Row(302, 404, 403, 200, 404, 200),
    ("offboarding:outcome",                "POST"): Row(302, 404, 403, 302, 404, 302),
    ("offboarding:handover",               "GET"):  Row(302, 404, 403, 200, 404, 200),
    ("offboarding:instructions",           "GET"):  Row(302, 405, 405, 405, 405, 405),
    ("offboarding:instructions",           "POST"): Row(302, 404, 403, 302, 404, 302),
    ("offboarding:handover_done",          "GET"):  Row(302, 405, 405, 405, 405, 405),
    ("offboarding:handover_done",          "POST"): Row(302, 404, 403, 302, 404, 302),
    ("offboarding:credential_create",      "GET"):  Row(302, 404, 403, 200, 404, 200),
    ("offboarding:credential_create",      "POST"): Row(302, 404, 403, 302, 404, 302),
    ("offboarding:credential_edit",        "GET"):  Row(302, 404, 403, 200, 404, 200, 403),
    ("offboarding:credential_edit",        "POST"): Row(302, 404, 403, 302, 404, 302, 403),
    ("offboarding:credential_delete",      "GET"):  Row(302, 405, 405, 405, 405, 405),
    ("offboarding:credential_delete",      "POST"): Row(302, 404, 403, 302, 404, 302, 403),
    # The whole team may reveal a secret (audited), one at a time.
    ("offboarding:credential_reveal",      "GET"):  Row(302, 405, 405, 405, 405, 405),
    ("offboarding:credential_reveal",      "POST"): Row(302, 404, 403, 200, 404, 200, 404),
    ("offboarding:asset_create",           "GET"):  Row(302, 404, 403, 200, 404, 200),
    ("offboarding:asset_create",           "POST"): Row(302, 404, 403, 302, 404, 302),
    ("offboarding:asset_edit",             "GET"):  Row(302, 404, 403, 200, 404, 200, 403),
    ("offboarding:asset_edit",             "POST"): Row(302, 404, 403, 302, 404, 302, 403),
    ("offboarding:asset_delete",           "GET"):  Row(302, 405, 405, 405, 405, 405),
    ("offboarding:asset_delete",           "POST"): Row(302, 404, 403, 302, 404, 302, 403),
    ("offboarding:closeout",               "GET"):  Row(302, 404, 403, 200, 404, 200),
    ("offboarding:closeout",               "POST"): Row(302, 404, 403, 302, 404, 302),
    # --- offboarding: the close-out ledger (waivers: managers only) ---
    ("offboarding:ledger_row_create",      "GET"):  Row(302, 404, 403, 200, 404, 200),
    ("offboarding:ledger_row_create",      "POST"): Row(302, 404, 403, 302, 404, 302),
    ("offboarding:ledger_row_edit",        "GET"):  Row(302, 404, 403, 200, 404, 200, 403),
    ("offboarding:ledger_row_edit",        "POST"): Row(302, 404, 403, 302, 404, 302, 403),
    ("offboarding:ledger_row_done",        "GET"):  Row(302, 405, 405, 405, 405, 405),
    ("offboarding:ledger_row_done",        "POST"): Row(302, 404, 403, 302, 404, 302, 403),
    ("offboarding:ledger_row_delete",      "GET"):  Row(302, 405, 405, 405, 405, 405),
    ("offboarding:ledger_row_delete",      "POST"): Row(302, 404, 403, 302, 404, 302, 403),
    ("offboarding:ledger_row_waive",       "GET"):  Row(302, 405, 405, 405, 405, 405),
    ("offboarding:ledger_row_waive",       "POST"): Row(302, 404, 403, 403, 404, 302, 403),
    ("offboarding:ledger_fill",            "GET"):  Row(302, 405, 405, 405, 405, 405),
    ("offboarding:ledger_fill",            "POST"): Row(302, 404, 403, 302, 404, 302),
    ("offboarding:asset_transfer",         "GET"):  Row(302, 405, 405, 405, 405, 405),
    ("offboarding:asset_transfer",         "POST"): Row(302, 404, 403, 302, 404, 302, 403),
    ("offboarding:asset_waive",            "GET"):  Row(302, 405, 405, 405, 405, 405),
    ("offboarding:asset_waive",            "POST"): Row(302, 404, 403, 403, 404, 302, 403),
    # Revealed like a credential: looked up first (another case's asset: 404), then refused.
    ("offboarding:asset_code_reveal",      "GET"):  Row(302, 405, 405, 405, 405, 405),
    ("offboarding:asset_code_reveal",      "POST"): Row(302, 404, 403, 200, 404, 200, 404),
    # --- offboarding: the handover room, as the lead runs it (A's room is open) ---
    ("offboarding:room",                   "GET"):  Row(302, 404, 403, 200, 404, 200),
    # Opening a new room (it replaces the open one) answers with the codes, shown once.
    ("offboarding:room",                   "POST"): Row(302, 404, 403, 200, 404, 200),
    ("offboarding:room_panel",             "GET"):  Row(302, 404, 403, 200, 404, 200),
    ("offboarding:room_revoke",            "GET"):  Row(302, 405, 405, 405, 405, 405),
    ("offboarding:room_revoke",            "POST"): Row(302, 404, 403, 302, 404, 302),
    ("offboarding:room_extend",            "GET"):  Row(302, 405, 405, 405, 405, 405),
    ("offboarding:room_extend",            "POST"): Row(302, 404, 403, 302, 404, 302),
    ("offboarding:room_recipient_revoke",  "GET"):  Row(302, 405, 405, 405, 405, 405),
    ("offboarding:room_recipient_revoke",  "POST"): Row(302, 404, 403, 302, 404, 302, 403),
    ("offboarding:room_recipient_reissue", "GET"):  Row(302, 405, 405, 405, 405, 405),
    ("offboarding:room_recipient_reissue", "POST"): Row(302, 404, 403, 200, 404, 200, 403),
    # The room is open: destroying the secrets is refused, back to the room with why.
    ("offboarding:room_secrets_destroy",   "GET"):  Row(302, 405, 405, 405, 405, 405),
    ("offboarding:room_secrets_destroy",   "POST"): Row(302, 404, 403, 302, 404, 302),
    # --- offboarding: documents ---
    ("offboarding:documents",              "GET"):  Row(302, 404, 403, 200, 404, 200),
    ("offboarding:handover_export",        "GET"):  Row(302, 404, 403, 200, 404, 200),
    ("offboarding:handover_export",        "POST"): Row(302, 404, 403, 302, 404, 302),
    ("offboarding:letter",                 "GET"):  Row(302, 404, 403, 200, 404, 200),
    ("offboarding:letter",                 "POST"): Row(302, 404, 403, 302, 404, 302),
    ("offboarding:document_create",        "GET"):  Row(302, 405, 405, 405, 405, 405),
    ("offboarding:document_create",        "POST"): Row(302, 404, 403, 302, 404, 302),
    ("offboarding:document_download",      "GET"):  Row(302, 404, 403, 200, 404, 200, 404),
    ("offboarding:document_retry",         "GET"):  Row(302, 405, 405, 405, 405, 405),
    ("offboarding:document_retry",         "POST"): Row(302, 404, 403, 302, 404, 302, 404),
    # --- offboarding: the agency's wording of letter and script (managers) ---
    ("offboarding:wording_list",           "GET"):  Row(302, 403, 403, 403, 403, 200),
    ("offboarding:wording_edit",           "GET"):  Row(302, 403, 403, 403, 403, 200),
    ("offboarding:wording_edit",           "POST"): Row(302, 403, 403, 403, 403, 200),
}

# Django's own pages and the health check: not client data, checked apart. Any 302 here is
# a redirect to a login page (the admin has its own).
OUTSIDE_MATRIX: dict[tuple[str, str], Row] = {
    # URL name                             method       anon out  staf lead othr mgr
    ("login",                              "GET"):  Row(200, 200, 200, 200, 200, 200),
    ("logout",                             "GET"):  Row(302, 405, 405, 405, 405, 405),
    ("logout",                             "POST"): Row(302, 302, 302, 302, 302, 302),
    ("password_change",                    "GET"):  Row(302, 200, 200, 200, 200, 200),
    ("password_change_done",               "GET"):  Row(302, 200, 200, 200, 200, 200),
    ("healthz",                            "GET"):  Row(200, 200, 200, 200, 200, 200),
    ("language_switch",                    "GET"):  Row(405, 405, 405, 405, 405, 405),
    ("language_switch",                    "POST"): Row(302, 302, 302, 302, 302, 302),
    # One's own calendar feed: making its address answers with it (shown once).
    ("calendar_feed",                      "GET"):  Row(302, 200, 200, 200, 200, 200),
    ("calendar_feed",                      "POST"): Row(302, 200, 200, 200, 200, 200),
    ("admin:index",                        "GET"):  Row(302, 302, 302, 302, 302, 302),
}
# fmt: on

# Cells whose expectation is right for the product but the code answers otherwise:
# {cell id: reason}. Each is an xfail(strict=True), so a fix turns it into a failure here.
KNOWN_BUGS: dict[str, str] = {}


# --- The URL patterns, read from the resolver ----------------------------------------------

# Django's admin is walked with one rule for all its pages in tests/agency/test_admin_access.py.
# The handover room's pages need no login and answer every role alike: a room session, never
# an account, opens them (tests/offboarding/test_room.py, which also tries each role).
# A calendar feed is opened by its token, never by an account (tests/offboarding/test_calendar.py).
SKIPPED_NAMESPACES = {"admin", "room", "feed"}


def walk(entries=None, namespace: str = "", kwargs: tuple = ()) -> dict[str, tuple[str, ...]]:
    """Every URL pattern of the project: {"namespace:name": its kwarg names}."""
    found: dict[str, tuple[str, ...]] = {}
    for entry in get_resolver().url_patterns if entries is None else entries:
        names = kwargs + tuple(entry.pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            found.update(walk(entry.url_patterns, inner, names))
        elif isinstance(entry, URLPattern):
            # An unnamed pattern cannot have a row: it shows up as missing from the matrix.
            name = entry.name or f"<unnamed: {entry.pattern}>"
            found[namespace + name] = names
    return found


PATTERNS = walk()
# The kwargs that name a client or a case; every other *_pk names a child object.
PARENT_KWARGS = {"pk", "client_pk"}
# The kwargs of agency-wide pages, which belong to no client.
AGENCY_KWARGS = {"kind", "language"}


def child_kwargs(name: str) -> set[str]:
    return {k for k in PATTERNS.get(name, ()) if k.endswith("_pk") and k not in PARENT_KWARGS}


# --- The world -----------------------------------------------------------------------------


@dataclass
class Side:
    """One client with one object of every kind, all reachable by URL."""

    client: Client
    lead: User
    contact: Contact
    contract: Contract
    invoice: Invoice
    incident: Incident
    evidence: Evidence
    repair_attempt: RepairAttempt
    closed_case: Offboarding
    case: Offboarding
    review: ContractReview
    deliverable: Deliverable
    call: CallPlan
    credential: Credential
    asset: Asset
    document: Document
    recipient: RoomRecipient
    access_row: AccessRow


@dataclass
class World:
    users: dict[str, User]
    sessions: dict[str, str]  # role: session key, signed in once for the whole module
    own: Side
    foreign: Side

    def hidden_markers(self, role: str) -> list[str]:
        """The markers (lower case) of the clients this role may not see anywhere."""
        return [MARKER[name] for name in {OWN_NAME, FOREIGN_NAME} - SEES[role]]


def build_side(*, name: str, domain: str, lead: User, team: list[User], manager: User) -> Side:
    """A client and one of each object, written through the services as people would."""
    today = timezone.localdate()
    word = MARKER[name].title()  # "Acme Own"
    code = word.split()[0].upper()  # "ACME"
    client = client_services.client_create(
        actor=manager,
        name=name,
        website=f"https://{domain}",
        industry="Retail",
        account_lead=lead,
        team=team,
        start_date=dt.date(2023, 1, 1),
        monthly_value=Decimal("4000.00"),
        currency=Client.Currency.EUR,
        notes="",
    )
    contact = client_services.contact_save(
        actor=lead,
        client=client,
        name=f"Rita {word}",
        role="Marketing director",
        email=f"rita@{domain}",
        phone="",
        receives_handover=True,
    )
    contract = client_services.contract_save(
        actor=lead,
        client=client,
        signed_upload=SimpleUploadedFile("signed.pdf", pdf_bytes(), "application/pdf"),
        title=f"{word} retainer agreement",
        reference=f"{code}-AG-1",
        start_date=dt.date(2024, 1, 1),
        end_date=dt.date(2030, 12, 31),
        notice_days=30,
        termination_clause_ref="2.9",
        termination_clause_text="Either party may end this agreement with 30 days' notice.",
        monthly_fee=Decimal("4000.00"),
        is_current=True,
    )
    invoice = client_services.invoice_save(
        actor=lead,
        client=client,
        number=f"{code}-0001",
        issued_on=today - dt.timedelta(days=60),
        due_on=today - dt.timedelta(days=30),
        amount=Decimal("4000.00"),
        paid_amount=Decimal("0.00"),
    )
    incident = client_services.incident_log(
        actor=lead,
        client=client,
        files=[SimpleUploadedFile("screenshot.png", png_bytes(), "image/png")],
        occurred_on=today - dt.timedelta(days=10),
        category=Incident.Category.SCOPE_CREEP,
        severity=Incident.Severity.MEDIUM,
        title=f"{word} asked for work outside the agreed scope",
        description=f"{word} wants three extra landing pages without a change request.",
    )
    repair_attempt = client_services.repair_attempt_save(
        actor=lead,
        client=client,
        kind=RepairAttempt.Kind.CONVERSATION,
        tried_on=today - dt.timedelta(days=5),
        description=f"Talked the scope through with {word}'s marketing director.",
        outcome=RepairAttempt.Outcome.NO_CHANGE,
    )

    def propose() -> Offboarding:
        return services.offboarding_open(
            actor=lead,
            client=client,
            summary=f"{word}: the scope keeps growing and repair attempts failed.",
            timing=Offboarding.Timing.WITH_NOTICE,
            incidents=[incident],
            repair_attempts=[repair_attempt],
        )

    closed_case = services.offboarding_cancel(
        actor=lead, case=propose(), reason="Withdrawn: we try once more."
    )
    case = services.offboarding_submit(actor=lead, case=propose())
    case = services.offboarding_approve(actor=manager, case=case, comment="Agreed.")
    review = services.contract_review_save(
        actor=lead, case=case, contract=contract, basis="notice", notice_given_on=today
    )
    deliverable = services.deliverable_save(
        actor=lead, case=case, name=f"{word} spring campaign landing page"
    )
    call = services.call_plan_save(
        actor=lead,
        case=case,
        # Planned for earlier today: the outcome page may record it as held since.
        scheduled_at=timezone.now() - dt.timedelta(hours=3),
        channel=CallPlan.Channel.VIDEO,
        location=f"https://meet.example/{domain}",
        points_written=True,
        rehearsed=True,
        agreed_internally=True,
    )
    credential = services.credential_save(
        actor=lead,
        case=case,
        system=f"{word} Google Ads",
        username=f"ads@{domain}",
        secret="s3cret-9904",
    )
    asset = services.asset_save(
        actor=lead, case=case, name=f"{word} website", kind=Asset.Kind.WEBSITE, location=domain
    )
    requested = services.document_request(actor=lead, case=case, kind=Document.Kind.HANDOVER)
    document = pipeline.document_render(document_id=requested.pk)
    assert document.status == Document.Status.READY
    services.handover_instructions_save(actor=lead, case=case, text=f"{word}: change passwords.")
    services.handover_complete(actor=lead, case=case)
    room, _ = room_services.room_open(actor=lead, case=case, contacts=[contact])
    access_row = services.access_row_save(
        actor=lead, case=case, side="ours", system=f"{word} CMS", action="remove_user"
    )
    return Side(
        client=Client.objects.get(pk=client.pk),
        lead=lead,
        contact=contact,
        contract=contract,
        invoice=invoice,
        incident=incident,
        evidence=incident.evidence.get(),
        repair_attempt=repair_attempt,
        closed_case=closed_case,
        case=Offboarding.objects.get(pk=case.pk),
        review=review,
        deliverable=deliverable,
        call=call,
        credential=credential,
        asset=asset,
        document=Document.objects.get(pk=document.pk),
        recipient=room.recipients.get(),
        access_row=access_row,
    )


def build_world() -> World:
    def user(username: str, role: str, first_name: str, language: str = "") -> User:
        # The same usernames as the role fixtures of tests/conftest.py.
        return UserFactory(username=username, role=role, first_name=first_name, language=language)

    # Each role reads its pages in another of the translated languages, so the matrix holds
    # (and no hidden client shows) whatever language a page is in; the anonymous visitor
    # and the offboarding matrix in tests/offboarding/test_views.py stay in English.
    users = {
        "outsider": user("outsider", User.Role.STAFF, "Olga", "it"),
        "staff": user("staff1", User.Role.STAFF, "Sami", "hu"),
        "lead": user("lead1", User.Role.LEAD, "Lena", "nl"),
        "other_lead": user("lead2", User.Role.LEAD, "Otto", "it"),
        "manager": user("manager1", User.Role.MANAGER, "Mara", "hu"),
    }
    other_staff = user("staff2", User.Role.STAFF, "Sven")
    own = build_side(
        name=OWN_NAME,
        domain="acme-own.example",
        lead=users["lead"],
        team=[users["staff"]],
        manager=users["manager"],
    )
    foreign = build_side(
        name=FOREIGN_NAME,
        domain="zenith-foreign.example",
        lead=users["other_lead"],
        team=[other_staff],
        manager=users["manager"],
    )
    sessions = {}
    for role, person in users.items():
        browser = DjangoClient()
        browser.force_login(person)
        sessions[role] = browser.cookies[django_settings.SESSION_COOKIE_NAME].value
    return World(users=users, sessions=sessions, own=own, foreign=foreign)


@pytest.fixture(scope="module")
def world_media(tmp_path_factory):
    return tmp_path_factory.mktemp("matrix-media")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, world_media):
    """Built once, in a transaction that is rolled back after the module's last test.

    Each test's own transaction (pytest-django's `db`) is a savepoint inside it, so a
    cell that changes the world is undone before the next cell runs.
    """
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            with override_settings(MEDIA_ROOT=world_media, PASSWORD_HASHERS=fast):
                built = build_world()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _world_transaction_alive(world):
    """Fail clearly, not with 1,000 database errors, if something closed the connection."""
    yield
    if connection.closed_in_transaction:
        pytest.fail("The database connection was closed: the world's transaction is lost.")


@pytest.fixture(autouse=True)
def _private_media(settings, world_media):
    """Overrides tests/conftest.py: the world's signed contracts, evidence and PDFs live in
    its own private media root, shared by every cell (a cell's new files do no harm)."""
    settings.MEDIA_ROOT = world_media


@pytest.fixture(scope="module")
def _shared_handler():
    return DjangoClient().handler


@pytest.fixture
def web(_shared_handler):
    """A test client that reuses one request handler for the whole module.

    A new handler loads the middleware again, and WhiteNoise then rescans every static
    file (with DEBUG on): about 60 ms per cell, most of this module's run time. Cookies
    and sessions are still per cell.
    """
    browser = DjangoClient()
    browser.handler = _shared_handler
    return browser


# --- Requests ------------------------------------------------------------------------------


def url_kwargs(name: str, parent: Side, child: Side | None = None) -> dict:
    """The kwargs of URL `name` for `parent`'s objects; child objects from `child` if given."""
    child = child or parent
    values = {
        # "pk" is the client in clients:*, the offboarding case in offboarding:*.
        "pk": parent.client.pk if name.startswith("clients:") else parent.case.pk,
        "client_pk": parent.client.pk,
        # A document's kind in offboarding:document_create; a wording's in wording_edit.
        "kind": "letter" if name.startswith("offboarding:wording") else Document.Kind.CALL_BRIEF,
        "language": "nl",
        "contact_pk": child.contact.pk,
        "contract_pk": child.contract.pk,
        "invoice_pk": child.invoice.pk,
        "incident_pk": child.incident.pk,
        "evidence_pk": child.evidence.pk,
        "repair_attempt_pk": child.repair_attempt.pk,
        "deliverable_pk": child.deliverable.pk,
        "credential_pk": child.credential.pk,
        "asset_pk": child.asset.pk,
        "document_pk": child.document.pk,
        "recipient_pk": child.recipient.pk,
        "row_pk": child.access_row.pk,
    }
    unknown = set(PATTERNS[name]) - set(values)
    assert not unknown, f"url_kwargs does not know the kwargs {unknown} of {name}: add them"
    return {kwarg: values[kwarg] for kwarg in PATTERNS[name]}


def post_data(name: str, side: Side) -> dict:
    """Valid, minimal form data: where the role may act, the POST succeeds."""
    today = timezone.localdate()
    soon = timezone.localtime() + dt.timedelta(days=3)
    earlier = timezone.localtime() - dt.timedelta(hours=2)
    client = {
        "name": "Posted Client Ltd",
        "website": "",
        "industry": "Retail",
        "account_lead": side.lead.pk,
        "start_date": "2023-01-01",
        "monthly_value": "100.00",
        "currency": "EUR",
        "notes": "",
    }
    contract = {
        "title": "Posted contract",
        "reference": "POST-1",
        "start_date": "2025-01-01",
        "end_date": "2027-12-31",
        "renewal_months": "12",
        "notice_days": "30",
        "termination_clause_ref": "2.9",
        "payment_terms_days": "30",
        "monthly_fee": "1000.00",
        "deposit_amount": "0.00",
        "is_current": "on",
    }
    incident = {
        "occurred_on": today.isoformat(),
        "category": Incident.Category.SCOPE_CREEP,
        "severity": "2",
        "title": "Posted incident",
        "description": "Posted description.",
    }
    repair_attempt = {
        "kind": RepairAttempt.Kind.CONVERSATION,
        "tried_on": today.isoformat(),
        "description": "Posted attempt.",
        "outcome": RepairAttempt.Outcome.PENDING,
    }
    deliverable = {
        "name": "Posted deliverable",
        "status": Deliverable.Status.IN_PROGRESS,
        "client_answer": Deliverable.Answer.UNKNOWN,
        "decision": Deliverable.Decision.HAND_OVER,
    }
    return {
        "clients:create": client | {"name": "Brand New Client Ltd"},
        "clients:edit": client,
        "clients:contact_create": {"name": "Posted Contact", "email": "posted@client.example"},
        "clients:contact_edit": {"name": "Posted Contact", "email": "posted@client.example"},
        "clients:contract_create": contract,
        "clients:contract_edit": contract,
        "clients:invoice_create": {
            "number": "POST-INV-1",
            "issued_on": "2026-01-01",
            "due_on": "2026-01-31",
            "amount": "100.00",
            "paid_amount": "0",
        },
        "clients:invoice_edit": {
            "number": side.invoice.number,
            "issued_on": "2026-01-01",
            "due_on": "2026-01-31",
            "amount": "100.00",
            "paid_amount": "0",
        },
        "clients:incident_create": incident,
        "clients:incident_edit": incident,
        "clients:incident_withdraw": {"reason": "Logged against the wrong client."},
        "clients:evidence_add": {
            "files": SimpleUploadedFile("more.png", png_bytes(), content_type="image/png")
        },
        "clients:repair_attempt_create": repair_attempt,
        "clients:repair_attempt_edit": repair_attempt,
        "offboarding:start": {
            "summary": "They keep asking for unpaid extra work.",
            "timing": Offboarding.Timing.WITH_NOTICE,
            "incidents": [side.incident.pk],
        },
        "offboarding:proposal": {
            "summary": "Changed summary.",
            "timing": Offboarding.Timing.WITH_NOTICE,
            "incidents": [side.incident.pk],
        },
        "offboarding:decide": {"verdict": "approve", "comment": "Agreed after reading it."},
        "offboarding:cancel": {"reason": "The client was acquired."},
        "offboarding:review": {
            "contract": side.contract.pk,
            "basis": ContractReview.Basis.NOTICE,
            "notice_given_on": today.isoformat(),
            "refund_amount": "0",
        },
        "offboarding:deliverables": deliverable,
        "offboarding:deliverable_edit": deliverable,
        "offboarding:call": {
            "scheduled_at": soon.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "30",
            "channel": CallPlan.Channel.PHONE,
            "agency_attendees": [side.lead.pk],
            "talking_points": "- The decision, said once.",
            "script": "Our own words.",
            "points_written": "on",
            "rehearsed": "on",
            "agreed_internally": "on",
        },
        "offboarding:outcome": {
            "held": CallPlan.Held.HELD,
            "held_at": earlier.strftime("%Y-%m-%dT%H:%M"),
            "reaction": CallPlan.Reaction.SURPRISED,
        },
        "offboarding:instructions": {"takeover_instructions": "- Change every password"},
        "offboarding:credential_create": {
            "system": "Mailchimp",
            "username": "posted",
            "secret": "new-secret-1",
        },
        "offboarding:credential_edit": {"system": "Google Ads", "username": "ads", "secret": ""},
        "offboarding:asset_create": {"name": "Ads account", "kind": Asset.Kind.AD_ACCOUNT},
        "offboarding:asset_edit": {"name": "Renamed domain", "kind": Asset.Kind.DOMAIN},
        "offboarding:closeout": {"final_invoice_settled": "on"},
        "offboarding:handover_export": {"passphrase": "", "passphrase_again": ""},
        "offboarding:letter": {"body": "Dear Rita,\n\nWe confirm the end of our agreement."},
        "offboarding:room": {"recipients": [side.contact.pk], "days": "14", "language": "nl"},
        "offboarding:room_extend": {"days": "7"},
        "offboarding:ledger_row_create": {"side": "ours", "system": "Posted", "action": "other"},
        "offboarding:ledger_row_edit": {"side": "ours", "system": "Posted", "action": "other"},
        "offboarding:ledger_row_waive": {"reason": "Never had access."},
        "offboarding:asset_transfer": {"status": "initiated"},
        "offboarding:asset_waive": {"reason": "Stays with the agency by contract."},
    }.get(name, {})


def send(django_client, world: World, role: str, method: str, url: str, data: Callable = dict):
    """One request as `role`; `data` is called for a POST's form data."""
    if role != "anon":
        # The role's session from the world: signing in per cell costs more than the request.
        django_client.cookies[django_settings.SESSION_COOKIE_NAME] = world.sessions[role]
    response = django_client.post(url, data()) if method == "POST" else django_client.get(url)
    if response.streaming:
        # A download: reading it to the end closes its file. (Not response.close(): outside
        # the test client's wrapper that fires request_finished, which closes the database
        # connection and so the module's transaction.)
        b"".join(response.streaming_content)
    return response


def html_of(response) -> str:
    if response.streaming or "html" not in response.get("Content-Type", ""):
        return ""
    return response.content.decode()


# --- The cells -----------------------------------------------------------------------------


def foreign_status(row: Row, role: str) -> int:
    """What `role` gets on the same URL with client B's objects (see the matrix header)."""
    own = getattr(row, role)
    if role in ("staff", "lead"):
        return 405 if own == 405 else 404
    if role == "other_lead":
        return row.lead
    return own


def mixed_status(row: Row, role: str) -> int:
    """What `role` gets on A's URL carrying B's child object."""
    if role == "anon":
        return row.anon
    if role == "staff":
        return row.mixed
    return 404


def cells():
    for (name, method), row in MATRIX.items():
        kwargs = PATTERNS.get(name, ())
        # A URL that names no client's object (the wording editor's kind and language)
        # is the same for every side.
        targets = ["own", "foreign"] if set(kwargs) - AGENCY_KWARGS else [""]
        if row.mixed is not None:
            targets.append("mixed")
        for target in targets:
            for role in ROLES:
                if target == "foreign":
                    expected = foreign_status(row, role)
                elif target == "mixed":
                    expected = mixed_status(row, role)
                else:
                    expected = getattr(row, role)
                cell_id = "-".join(part for part in (method, name, target, role) if part)
                marks = []
                if cell_id in KNOWN_BUGS:
                    marks = [pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[cell_id])]
                yield pytest.param(name, method, target, role, expected, id=cell_id, marks=marks)


CELLS = list(cells())


def cell_url(world: World, name: str, target: str) -> tuple[str, Side]:
    if not target:
        return reverse(name, kwargs=url_kwargs(name, world.own)), world.own
    if target == "own":
        return reverse(name, kwargs=url_kwargs(name, world.own)), world.own
    if target == "foreign":
        return reverse(name, kwargs=url_kwargs(name, world.foreign)), world.foreign
    return reverse(name, kwargs=url_kwargs(name, world.own, world.foreign)), world.own


@pytest.mark.parametrize(("name", "method", "target", "role", "expected"), CELLS)
def test_each_url_answers_each_role_as_the_matrix_says(
    web, db, world, name, method, target, role, expected
):
    url, side = cell_url(world, name, target)

    response = send(web, world, role, method, url, lambda: post_data(name, side))

    assert response.status_code == expected, (
        f"{method} {url} as {role}: {response.status_code}, expected {expected}"
    )
    if role == "anon" and expected == 302:
        assert response["Location"].startswith(reverse("login") + "?next=")
    body = html_of(response)
    for marker in world.hidden_markers(role):
        assert marker not in body.lower(), f"{method} {url} as {role} shows {marker!r}"


@pytest.mark.parametrize(
    ("name", "method", "role", "expected"),
    [
        pytest.param(name, method, role, getattr(row, role), id=f"{method}-{name}-{role}")
        for (name, method), row in OUTSIDE_MATRIX.items()
        for role in ROLES
    ],
)
def test_django_pages_and_health_answer_each_role(web, db, world, name, method, role, expected):
    response = send(web, world, role, method, reverse(name))

    assert response.status_code == expected


# --- The table covers the URL conf, and nothing else ---------------------------------------


def test_every_url_has_a_row_in_the_matrix():
    """A new URL fails here until its row says who may open it."""
    covered = {name for name, _ in MATRIX} | {name for name, _ in OUTSIDE_MATRIX}
    missing = sorted(set(PATTERNS) - covered)
    assert not missing, f"URLs without a row in MATRIX: {missing}"


def test_every_row_names_a_url_that_exists():
    stale = sorted({name for name, _ in MATRIX if name not in PATTERNS})
    assert not stale, f"MATRIX rows for URLs that no longer exist: {stale}"
    outside = {name for name, _ in OUTSIDE_MATRIX}
    assert sorted(outside - {"admin:index"} - set(PATTERNS)) == []
    assert sorted(outside & {name for name, _ in MATRIX}) == []


def test_every_url_is_opened_with_get_and_rows_are_well_formed():
    rows = MATRIX | OUTSIDE_MATRIX
    assert sorted(name for name in PATTERNS if (name, "GET") not in rows) == []
    assert sorted(key for key in rows if key[1] not in ("GET", "POST")) == []
    # A URL with a child object (contact, incident, credential...) says in the mixed column
    # what staff gets on A's URL carrying B's child; other URLs leave it empty.
    wrong_mixed = [
        (name, method)
        for (name, method), row in MATRIX.items()
        if (row.mixed is not None) != (bool(child_kwargs(name)) and row.staff != 405)
    ]
    assert wrong_mixed == []
    # LoginRequiredMiddleware stops an anonymous POST before any view.
    assert sorted(k for k, row in MATRIX.items() if k[1] == "POST" and row.anon != 302) == []


def test_the_world_is_what_the_matrix_assumes(db, world):
    """The expectations rest on these facts; if one changes, the matrix must be re-read."""
    for side in (world.own, world.foreign):
        assert side.case.status == Offboarding.Status.IN_PROGRESS
        assert side.closed_case.status == Offboarding.Status.CANCELLED
        assert side.call.prepared
        assert side.document.status == Document.Status.READY
        assert side.contract.signed_file
        assert side.client.risk_score > 0
    assert world.own.client.team.filter(pk=world.users["staff"].pk).exists()
    assert world.own.incident.reported_by == world.users["lead"]
    assert world.own.case.proposed_by == world.users["lead"]
    assert not world.foreign.client.team.filter(
        pk__in=[world.users[r].pk for r in ("outsider", "staff", "lead")]
    ).exists()


# --- Lists and searches never show a client the reader may not see --------------------------

LIST_PAGES = {
    # listing id: (URL name, query string, the clients it lists to someone who may see them)
    "clients": ("clients:list", "", {OWN_NAME, FOREIGN_NAME}),
    "clients?q=Zenith": ("clients:list", "?q=Zenith", {FOREIGN_NAME}),
    "clients?q=Foreign": ("clients:list", "?q=Foreign", {FOREIGN_NAME}),
    "clients?q=gmbh": ("clients:list", "?q=gmbh", {FOREIGN_NAME}),
    "clients?q=Acme": ("clients:list", "?q=Acme", {OWN_NAME}),
    "clients?q=e": ("clients:list", "?q=e", {OWN_NAME, FOREIGN_NAME}),
    "clients?account_lead": ("clients:list", "?account_lead={other_lead}", {FOREIGN_NAME}),
    "clients?sort=-risk": ("clients:list", "?sort=-risk", {OWN_NAME, FOREIGN_NAME}),
    "offboardings": ("offboarding:list", "", {OWN_NAME, FOREIGN_NAME}),
    "offboardings?show=closed": ("offboarding:list", "?show=closed", {OWN_NAME, FOREIGN_NAME}),
    "approvals": ("offboarding:approvals", "", set()),  # no case awaits a decision
    "dashboard": ("dashboard", "", {OWN_NAME, FOREIGN_NAME}),
}


def search_terms(query: str) -> list[str]:
    return [part.split("=", 1)[1].lower() for part in query.lstrip("?").split("&") if part]


def listed_names(response) -> set[str]:
    """The clients whose rows the page lists, from its context."""
    context = response.context
    if "at_risk" in context:  # the dashboard
        return {client.name for client in context["at_risk"]}
    if "rows" in context:  # the offboardings
        return {case.client.name for case, _ in context["rows"]}
    return {getattr(row, "client", row).name for row in context["page"].object_list}


@pytest.mark.parametrize("role", [role for role in ROLES if role != "anon"])
@pytest.mark.parametrize("listing", list(LIST_PAGES))
def test_lists_and_searches_show_only_visible_clients(web, db, world, listing, role):
    name, query, listed = LIST_PAGES[listing]
    query = query.format(other_lead=world.users["other_lead"].pk)

    response = send(web, world, role, "GET", reverse(name) + query)

    assert response.status_code == getattr(MATRIX[(name, "GET")], role)
    body = response.content.decode().lower()
    if response.status_code == 200:
        assert listed_names(response) == listed & SEES[role]
    for shown in listed & SEES[role]:
        assert shown.lower() in body, f"{listing} as {role} should list {shown!r}"
    for hidden in {OWN_NAME, FOREIGN_NAME} - SEES[role]:
        for marker in (hidden.lower(), MARKER[hidden]):
            if any(marker in term for term in search_terms(query)):
                continue  # what the reader typed is echoed in the search box
            assert marker not in body, f"{listing} as {role} reveals {marker!r}"


@pytest.mark.parametrize("role", ["staff", "lead", "manager"])
@pytest.mark.parametrize("tab", [key for key, _ in CLIENT_TABS])
def test_no_tab_of_a_client_shows_another_client(web, db, world, tab, role):
    """A's incidents, timeline, payments... list A's rows only, even for a manager."""
    url = reverse("clients:detail", args=[world.own.client.pk]) + f"?tab={tab}"

    response = send(web, world, role, "GET", url)

    assert response.status_code == 200
    assert response.context["tab"] == tab
    body = response.content.decode()
    assert OWN_NAME in body
    assert MARKER[FOREIGN_NAME] not in body.lower()
