"""What the demo clients and cases share: the users' type, the agency's domain, and
helpers for dates and monthly invoices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.utils import timezone

from agency.models import User
from clients.dates import add_months
from clients.models import Contract, Invoice
from clients.services import invoice_save

AGENCY_DOMAIN = "agency.example"

Users = dict[str, User]


def at(day: dt.date, hour: int, minute: int) -> dt.datetime:
    """A local date and time, as a timezone-aware datetime."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def monthly_invoices(
    *,
    actor: User,
    contract: Contract,
    prefix: str,
    today: dt.date,
    plan: Sequence[tuple[int, int | None, Decimal | int]],
) -> list[Invoice]:
    """One invoice for the contract's monthly fee on the 1st of each month in the plan.

    Each plan entry is (months ago, days after the due date it was paid, share paid);
    negative days mean paid early, None means not paid at all. A payment never lands
    after today.
    """
    invoices = []
    for months_ago, paid_after_due, share in plan:
        issued_on = add_months(today.replace(day=1), -months_ago)
        due_on = issued_on + dt.timedelta(days=contract.payment_terms_days)
        payment = {}
        if paid_after_due is not None:
            payment = {
                "paid_on": min(due_on + dt.timedelta(days=paid_after_due), today),
                "paid_amount": (contract.monthly_fee * share).quantize(Decimal("0.01")),
            }
        invoices.append(
            invoice_save(
                actor=actor,
                client=contract.client,
                contract=contract,
                number=f"{prefix}-{issued_on:%Y-%m}",
                issued_on=issued_on,
                due_on=due_on,
                amount=contract.monthly_fee,
                **payment,
            )
        )
    return invoices
