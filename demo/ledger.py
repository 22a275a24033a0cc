"""The demo cases' close-out ledgers, written through offboarding's ledger services: every
door the agency held and every asset, done by someone on a date, or waived."""

from __future__ import annotations

import datetime as dt

from agency.models import User
from offboarding.models import AccessRow, Asset, Offboarding
from offboarding.services import (
    access_row_done,
    access_row_save,
    access_row_waive,
    asset_save,
    asset_transfer_set,
    ledger_from_handover,
)

A = AccessRow.Action
T = AccessRow.Tool


def _theirs(case: Offboarding, lead: User, rows) -> list[AccessRow]:
    return [
        access_row_save(
            actor=lead,
            case=case,
            side=AccessRow.Side.THEIRS,
            system=system,
            tool=tool,
            person=person,
            action=A.REMOVE_PERSON,
            note=note,
        )
        for system, tool, person, note in rows
    ]


def _ours(case: Offboarding, lead: User, rows) -> list[AccessRow]:
    return [
        access_row_save(
            actor=lead, case=case, side=AccessRow.Side.OURS, system=system, action=action, note=note
        )
        for system, action, note in rows
    ]


def _ownership(case: Offboarding, lead: User, details: dict[str, tuple]) -> None:
    for asset in case.assets.all():
        owner_now, code, renewal, payer = details.get(asset.name, ("", "", None, ""))
        asset_save(
            actor=lead,
            case=case,
            asset=asset,
            owner_now=owner_now,
            transfer_code=code,
            renewal_on=renewal,
            renewal_payer=payer,
        )


def copperleaf_ledger(*, case: Offboarding, lead: User, manager: User, today: dt.date) -> None:
    """Completed: every door closed, every asset confirmed by Rosa; one row waived."""
    ledger_from_handover(actor=lead, case=case)
    rows = [
        *_ours(
            case,
            lead,
            [
                ("Meta ads billing", A.REMOVE_PAYMENT, "The agency card removed; Rosa's added."),
                ("Google Business Profile", A.REMOVE_USER, ""),
            ],
        ),
        *_theirs(
            case,
            lead,
            [
                ("Slack (shared channel)", T.CHAT, "Rosa Lindqvist", ""),
                ("Google Drive: Clients/Copperleaf", T.DRIVE, "Rosa Lindqvist", ""),
                ("Staging server", T.STAGING, "Copperleaf team", "Never given an account."),
            ],
        ),
    ]
    staging = rows[-1]
    for row in case.access_rows.exclude(pk=staging.pk):
        access_row_done(actor=lead, case=case, row_id=row.pk)
    access_row_waive(
        actor=manager,
        case=case,
        row_id=staging.pk,
        reason="They never had access to staging: nothing to remove.",
    )
    _ownership(
        case,
        lead,
        {
            "copperleafbakery.example": (
                "Northwind Digital (our registrar account)",
                "CLB-7Q2-EPP-91XK",
                today + dt.timedelta(days=120),
                "Copperleaf Bakery Co.",
            ),
            "Copperleaf website": ("Northwind Digital (Squarespace)", "", None, ""),
        },
    )
    for asset in case.assets.all():
        asset_transfer_set(
            actor=lead, case=case, asset_id=asset.pk, status=Asset.Transfer.CONFIRMED
        )


def vantage_ledger(*, case: Offboarding, lead: User, end: dt.date) -> None:
    """Under way: some doors closed, most still open, a domain transfer initiated."""
    ledger_from_handover(actor=lead, case=case)
    _ours(
        case,
        lead,
        [
            ("Google Ads: our manager account (MCC)", A.UNLINK_MANAGER, ""),
            ("Meta ads billing", A.REMOVE_PAYMENT, "Agency card ending 4417 still on file."),
        ],
    )
    _theirs(
        case,
        lead,
        [
            ("Slack (shared channel #vantage)", T.CHAT, "Helen Oduya, Marcus Reid", ""),
            ("Google Drive: Clients/Vantage", T.DRIVE, "Helen Oduya", ""),
            ("Asana project 'Vantage 2026'", T.PROJECT, "Marcus Reid", ""),
        ],
    )
    for row in case.access_rows.filter(system__startswith="Slack"):
        access_row_done(actor=lead, case=case, row_id=row.pk)
    _ownership(
        case,
        lead,
        {
            "vantagemotors-regional.example": (
                "Northwind Digital (our registrar account)",
                "VMR-44T-EPP-28QZ",
                end + dt.timedelta(days=12),
                "Northwind Digital, until the transfer",
            ),
            "Google Ads account 482-193-5570": ("Northwind Digital MCC", "", None, ""),
        },
    )
    domain = case.assets.get(name="vantagemotors-regional.example")
    asset_transfer_set(actor=lead, case=case, asset_id=domain.pk, status=Asset.Transfer.INITIATED)
