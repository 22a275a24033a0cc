"""The risk signal: its level and, above all, the explanation a manager reads."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from clients.models import Client, Incident, Invoice, RepairAttempt
from clients.risk import assess_risk, client_risk
from tests.factories import ClientFactory, IncidentFactory, InvoiceFactory, RepairAttemptFactory

TODAY = dt.date(2026, 11, 23)
HIGH = Incident.Severity.HIGH
CRITICAL = Incident.Severity.CRITICAL
MEDIUM = Incident.Severity.MEDIUM
LOW = Incident.Severity.LOW


def ago(days: int) -> dt.date:
    return TODAY - dt.timedelta(days=days)


def incident(days_ago: int, severity=MEDIUM, category=Incident.Category.SCOPE_CREEP, **kw):
    return Incident(occurred_on=ago(days_ago), severity=severity, category=category, **kw)


def invoice(due_days_ago: int, *, late_by: int | None = 0, amount: str = "1000.00") -> Invoice:
    """An invoice due `due_days_ago` days ago, paid `late_by` days after due (None: unpaid)."""
    due = ago(due_days_ago)
    paid = None if late_by is None else due + dt.timedelta(days=late_by)
    return Invoice(
        issued_on=due - dt.timedelta(days=30),
        due_on=due,
        amount=Decimal(amount),
        paid_on=paid,
        paid_amount=Decimal(amount) if paid else Decimal("0"),
    )


def repair_attempt(days_ago: int, outcome) -> RepairAttempt:
    return RepairAttempt(tried_on=ago(days_ago), outcome=outcome, kind="conversation")


def assess(incidents=(), invoices=(), repair_attempts=(), currency="EUR"):
    return assess_risk(
        incidents=incidents,
        invoices=invoices,
        repair_attempts=repair_attempts,
        today=TODAY,
        currency=currency,
    )


# --- Nothing on record -----------------------------------------------------------------------


def test_no_data_is_low_risk_with_a_reassuring_explanation():
    result = assess()

    assert result.level == Client.RiskLevel.LOW
    assert result.score == 0
    assert result.explanation == "Nothing of concern on record."


# --- Incidents ---------------------------------------------------------------------------


def test_three_high_severity_incidents_in_90_days_are_named_in_the_explanation():
    result = assess(incidents=[incident(5, HIGH), incident(30, HIGH), incident(89, HIGH)])

    assert "3 high-severity incidents in 90 days" in result.explanation
    assert result.score == 18
    assert result.level == Client.RiskLevel.ELEVATED


def test_mixed_severities_are_listed_from_the_worst():
    result = assess(incidents=[incident(1, HIGH), incident(2, CRITICAL), incident(3, HIGH)])

    assert result.explanation == "1 critical and 2 high-severity incidents in 90 days"


def test_a_single_incident_is_singular():
    assert assess(incidents=[incident(1, LOW)]).explanation == "1 low-severity incident in 90 days"


@pytest.mark.parametrize("category", [Incident.Category.ABUSIVE, Incident.Category.UNETHICAL])
@pytest.mark.parametrize("severity", [HIGH, CRITICAL])
def test_abuse_or_unethical_request_in_90_days_is_high_risk_at_once(category, severity):
    result = assess(incidents=[incident(10, severity, category)])

    assert result.level == Client.RiskLevel.HIGH
    assert result.reasons[0] == "Abusive behaviour or an unethical request in the last 90 days"


def test_mild_abuse_is_not_high_risk_by_itself():
    result = assess(incidents=[incident(10, MEDIUM, Incident.Category.ABUSIVE)])

    assert result.level == Client.RiskLevel.LOW
    assert "Abusive behaviour" not in result.explanation


def test_abuse_more_than_90_days_ago_no_longer_makes_the_client_high_risk():
    result = assess(incidents=[incident(120, CRITICAL, Incident.Category.ABUSIVE)])

    assert result.level == Client.RiskLevel.LOW
    assert result.score == 5  # 10 points at half weight
    assert result.explanation == "1 earlier incident in the last year"


def test_incidents_fade_with_age():
    assert assess(incidents=[incident(90, CRITICAL)]).score == 10
    assert assess(incidents=[incident(91, CRITICAL)]).score == 5
    assert assess(incidents=[incident(180, CRITICAL)]).score == 5
    assert assess(incidents=[incident(365, CRITICAL)] * 2).score == 5
    assert assess(incidents=[incident(366, CRITICAL)] * 2).score == 0


def test_incidents_older_than_a_year_are_ignored():
    result = assess(incidents=[incident(366, CRITICAL), incident(400, HIGH), incident(800, HIGH)])

    assert result.score == 0
    assert result.level == Client.RiskLevel.LOW
    assert result.explanation == "Nothing of concern on record."


def test_withdrawn_incidents_are_ignored():
    withdrawn = [
        incident(3, CRITICAL, Incident.Category.ABUSIVE, state=Incident.State.WITHDRAWN)
        for _ in range(4)
    ]

    result = assess(incidents=withdrawn)

    assert result.score == 0
    assert result.level == Client.RiskLevel.LOW
    assert result.explanation == "Nothing of concern on record."


@pytest.mark.parametrize(
    ("incidents", "level"),
    [
        ([incident(1, MEDIUM)] * 3, Client.RiskLevel.LOW),  # 9
        ([incident(1, CRITICAL)], Client.RiskLevel.ELEVATED),  # 10
        ([incident(1, CRITICAL)] * 2 + [incident(1, LOW)], Client.RiskLevel.ELEVATED),  # 21
        ([incident(1, CRITICAL)] * 2 + [incident(1, HIGH)], Client.RiskLevel.HIGH),  # 26
    ],
    ids=["9-low", "10-elevated", "21-elevated", "26-high"],
)
def test_levels_follow_the_score(incidents, level):
    assert assess(incidents=incidents).level == level


# --- Payments ----------------------------------------------------------------------------


def test_late_invoices_are_counted_over_the_last_six():
    invoices = [
        invoice(10, late_by=5),
        invoice(40, late_by=0),
        invoice(70, late_by=12),
        invoice(100, late_by=1),
        invoice(130, late_by=0),
        invoice(160, late_by=30),
        invoice(190, late_by=40),  # seventh most recent: not among the last six
    ]

    result = assess(invoices=invoices)

    assert result.explanation == "4 of the last 6 invoices paid late"
    assert result.score == 12


def test_an_unpaid_invoice_is_late_and_overdue_but_not_paid_late():
    result = assess(invoices=[invoice(20, late_by=None, amount="2500.00")])

    assert result.reasons == ("1 of the last 1 invoices unpaid", "€2,500.00 overdue now")
    assert result.score == 8


def test_invoices_paid_late_and_still_unpaid_are_told_apart():
    invoices = [
        invoice(10, late_by=None),
        invoice(40, late_by=None),
        invoice(70, late_by=12),
        invoice(100, late_by=0),
        invoice(130, late_by=3),
    ]

    result = assess(invoices=invoices)

    assert result.reasons == (
        "2 of the last 5 invoices paid late, 2 unpaid",
        "€2,000.00 overdue now",
    )
    assert result.score == 4 * 3 + 5


def test_a_partly_paid_invoice_past_due_is_unpaid_not_paid_late():
    partly = invoice(20, late_by=None, amount="2500.00")
    partly.paid_on = ago(5)
    partly.paid_amount = Decimal("2000.00")

    result = assess(invoices=[partly])

    assert result.reasons[0] == "1 of the last 1 invoices unpaid"


def test_a_partly_paid_invoice_counts_only_what_is_still_owed():
    partly = invoice(20, late_by=None, amount="2500.00")
    partly.paid_on = ago(5)
    partly.paid_amount = Decimal("2000.00")

    result = assess(invoices=[partly])

    assert "€500.00 overdue now" in result.explanation


def test_an_invoice_due_today_is_not_yet_overdue():
    result = assess(invoices=[invoice(0, late_by=None)])

    assert result.score == 0
    assert result.explanation == "Nothing of concern on record."


def test_invoices_not_yet_due_do_not_count():
    result = assess(invoices=[invoice(-15, late_by=None)])

    assert result.explanation == "Nothing of concern on record."


def test_lateness_more_than_a_year_ago_is_forgiven():
    result = assess(invoices=[invoice(400, late_by=60)])

    assert result.explanation == "Nothing of concern on record."


# --- Repair attempts ----------------------------------------------------------------------


def test_failed_repair_attempts_are_counted():
    result = assess(
        repair_attempts=[
            repair_attempt(10, RepairAttempt.Outcome.NO_CHANGE),
            repair_attempt(40, RepairAttempt.Outcome.WORSE),
            repair_attempt(20, RepairAttempt.Outcome.HELPED),
            repair_attempt(5, RepairAttempt.Outcome.PENDING),
        ]
    )

    assert result.explanation == "2 repair attempts without effect"
    assert result.score == 10
    assert result.level == Client.RiskLevel.ELEVATED


def test_a_failed_repair_attempt_more_than_a_year_ago_is_ignored():
    result = assess(repair_attempts=[repair_attempt(400, RepairAttempt.Outcome.WORSE)])

    assert result.explanation == "Nothing of concern on record."


def test_every_kind_of_concern_appears_in_one_explanation():
    result = assess(
        incidents=[incident(5, HIGH, Incident.Category.UNETHICAL), incident(150, MEDIUM)],
        invoices=[invoice(15, late_by=None)],
        repair_attempts=[repair_attempt(30, RepairAttempt.Outcome.NO_CHANGE)],
    )

    assert result.reasons == (
        "Abusive behaviour or an unethical request in the last 90 days",
        "1 high-severity incident in 90 days",
        "1 earlier incident in the last year",
        "1 of the last 1 invoices unpaid",
        "€1,000.00 overdue now",
        "1 repair attempt without effect",
    )
    assert result.explanation == "; ".join(result.reasons)
    assert result.level == Client.RiskLevel.HIGH


# --- The selector, against the database ----------------------------------------------------


@pytest.fixture
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
def test_client_risk_reads_what_is_on_record_and_ignores_withdrawn_and_old(fast_hashing):
    acme = ClientFactory(currency="GBP")
    for days in (5, 30, 60):
        IncidentFactory(client=acme, occurred_on=ago(days), severity=HIGH)
    IncidentFactory(client=acme, occurred_on=ago(2), severity=CRITICAL, state="withdrawn")
    IncidentFactory(client=acme, occurred_on=ago(500), severity=CRITICAL)
    InvoiceFactory(client=acme, issued_on=ago(50), due_on=ago(20))  # unpaid
    RepairAttemptFactory(client=acme, tried_on=ago(10), outcome="no_change")
    other = ClientFactory()
    IncidentFactory(client=other, occurred_on=ago(1), severity=CRITICAL, category="abusive")

    result = client_risk(acme, today=TODAY)

    assert result.reasons == (
        "3 high-severity incidents in 90 days",
        "1 of the last 1 invoices unpaid",
        "£4,000.00 overdue now",
        "1 repair attempt without effect",
    )
    assert result.score == 18 + 3 + 5 + 4
    assert result.level == Client.RiskLevel.HIGH


@pytest.mark.django_db
def test_an_invoice_unpaid_for_over_a_year_is_still_overdue_now(fast_hashing):
    acme = ClientFactory()
    InvoiceFactory(client=acme, issued_on=ago(430), due_on=ago(400), amount=Decimal("3000.00"))

    result = client_risk(acme, today=TODAY)

    assert "€3,000.00 overdue now" in result.explanation
