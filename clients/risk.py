"""The risk signal: how likely a client relationship is to need ending, and why, in words.

Computed from three things the agency records: incidents (by severity, weighted by how
recent they are), lateness of payments, and attempts at repair that did not work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import F, Q
from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agency.formatting import money

from .models import Client, Incident, Invoice, RepairAttempt

SEVERITY_POINTS = {
    Incident.Severity.LOW: 1,
    Incident.Severity.MEDIUM: 3,
    Incident.Severity.HIGH: 6,
    Incident.Severity.CRITICAL: 10,
}
# Incidents count fully for 90 days, then fade; after a year they no longer count.
RECENCY = ((90, 1.0), (180, 0.5), (365, 0.25))
LATE_INVOICE_POINTS = 3
OVERDUE_POINTS = 5
FAILED_REPAIR_ATTEMPT_POINTS = {RepairAttempt.Outcome.NO_CHANGE: 4, RepairAttempt.Outcome.WORSE: 6}
ELEVATED_FROM = 10
HIGH_FROM = 25


@dataclass(frozen=True)
class RiskAssessment:
    score: int
    level: str
    reasons: tuple[str, ...]

    @property
    def explanation(self) -> str:
        return "; ".join(self.reasons) if self.reasons else _("Nothing of concern on record.")


def _recency_factor(days_ago: int) -> float:
    for limit, factor in RECENCY:
        if days_ago <= limit:
            return factor
    return 0.0


def assess_risk(
    *,
    incidents: Iterable[Incident],
    invoices: Iterable[Invoice],
    repair_attempts: Iterable[RepairAttempt],
    today: dt.date,
    currency: str = "",
) -> RiskAssessment:
    score = 0.0
    reasons: list[str] = []
    severe_recent = False

    recent_by_severity: dict[int, int] = {}
    older = 0
    for incident in incidents:
        if incident.is_withdrawn:
            continue
        days_ago = (today - incident.occurred_on).days
        factor = _recency_factor(max(days_ago, 0))
        if factor == 0:
            continue
        score += SEVERITY_POINTS[incident.severity] * factor
        if days_ago <= 90:
            recent_by_severity[incident.severity] = recent_by_severity.get(incident.severity, 0) + 1
            if (
                incident.category in Incident.SEVERE_CATEGORIES
                and incident.severity >= Incident.Severity.HIGH
            ):
                severe_recent = True
        else:
            older += 1
    if recent_by_severity:
        parts = [
            # Translators: one part of a list of counts by severity, e.g. "2 high" in
            # "1 critical and 2 high-severity incidents in 90 days".
            _("%(count)s %(severity)s")
            % {"count": recent_by_severity[sev], "severity": Incident.Severity(sev).label.lower()}
            for sev in sorted(recent_by_severity, reverse=True)
        ]
        total = sum(recent_by_severity.values())
        reasons.append(
            # Translators: severities is a list of counts by severity, e.g. "1 critical and 2
            # high" or "3 high".
            ngettext(
                "%(severities)s-severity incident in 90 days",
                "%(severities)s-severity incidents in 90 days",
                total,
            )
            % {"severities": _and_list(parts)}
        )
    if older:
        reasons.append(
            ngettext(
                "%(count)s earlier incident in the last year",
                "%(count)s earlier incidents in the last year",
                older,
            )
            % {"count": older}
        )

    invoices = list(invoices)
    year_ago = today - dt.timedelta(days=365)
    due = sorted(
        (inv for inv in invoices if inv.due_on <= today and inv.due_on >= year_ago),
        key=lambda inv: inv.due_on,
        reverse=True,
    )
    last_six = due[:6]
    # Late either way, and scored the same, but told apart: "paid late" is a habit,
    # "unpaid" (not paid in full, past due) is money still missing.
    late_recent = [inv for inv in last_six if inv.days_late(today) > 0]
    if late_recent:
        score += LATE_INVOICE_POINTS * len(late_recent)
        paid_late = sum(1 for inv in late_recent if inv.is_paid)
        reasons.append(_late_invoices(paid_late, len(late_recent) - paid_late, len(last_six)))
    # Anything still owed past its due date counts, however old the invoice.
    overdue = sum(
        (inv.outstanding for inv in invoices if inv.outstanding > 0 and inv.due_on < today),
        Decimal("0"),
    )
    if overdue > 0:
        score += OVERDUE_POINTS
        amount = (
            money(overdue, currency)
            if currency
            else number_format(overdue, decimal_pos=2, force_grouping=True)
        )
        # Translators: amount is money with its currency, e.g. "€2,500.00".
        reasons.append(_("%(amount)s overdue now") % {"amount": amount})

    failed = [r for r in repair_attempts if r.failed and (today - r.tried_on).days <= 365]
    if failed:
        score += sum(FAILED_REPAIR_ATTEMPT_POINTS[r.outcome] for r in failed)
        reasons.append(
            ngettext(
                "%(count)s repair attempt without effect",
                "%(count)s repair attempts without effect",
                len(failed),
            )
            % {"count": len(failed)}
        )

    final = round(score)
    if final >= HIGH_FROM or severe_recent:
        level = Client.RiskLevel.HIGH
    elif final >= ELEVATED_FROM:
        level = Client.RiskLevel.ELEVATED
    else:
        level = Client.RiskLevel.LOW
    if severe_recent:
        reasons.insert(0, _("Abusive behaviour or an unethical request in the last 90 days"))
    return RiskAssessment(score=final, level=level, reasons=tuple(reasons))


def _late_invoices(paid_late: int, unpaid: int, of: int) -> str:
    """ "2 of the last 5 invoices paid late, 2 unpaid"; either part alone if the other is 0."""
    # The plural follows `of`, the number of invoices looked at (English says "invoices"
    # even for one; other languages may not).
    values = {"paid_late": paid_late, "unpaid": unpaid, "of": of}
    if paid_late and unpaid:
        message = ngettext(
            "%(paid_late)s of the last %(of)s invoices paid late, %(unpaid)s unpaid",
            "%(paid_late)s of the last %(of)s invoices paid late, %(unpaid)s unpaid",
            of,
        )
    elif paid_late:
        message = ngettext(
            "%(paid_late)s of the last %(of)s invoices paid late",
            "%(paid_late)s of the last %(of)s invoices paid late",
            of,
        )
    else:
        message = ngettext(
            "%(unpaid)s of the last %(of)s invoices unpaid",
            "%(unpaid)s of the last %(of)s invoices unpaid",
            of,
        )
    return message % values


def _and_list(parts: list[str]) -> str:
    """["1 critical", "2 high", "1 low"] -> "1 critical, 2 high and 1 low"."""
    if len(parts) == 1:
        return parts[0]
    # Translators: the end of a list, e.g. "1 critical, 2 high" and "1 low".
    return _("%(items)s and %(last)s") % {"items": ", ".join(parts[:-1]), "last": parts[-1]}


def client_risk(client: Client, *, today: dt.date) -> RiskAssessment:
    """The one selector for a client's risk: loads what it needs and assesses it."""
    return client_risk_in_every_language(client, today=today)[0]


def client_risk_in_every_language(
    client: Client, *, today: dt.date
) -> tuple[RiskAssessment, dict[str, str]]:
    """The assessment (its reasons in the active language) and its explanation in each of
    the interface's languages, so that every reader sees the stored signal in their own.
    The records are read once; only the wording is made four times."""
    since = today - dt.timedelta(days=366)
    records = {
        "incidents": list(client.incidents.filter(occurred_on__gte=since)),
        "invoices": list(
            client.invoices.filter(Q(due_on__gte=since) | Q(paid_amount__lt=F("amount")))
        ),
        "repair_attempts": list(client.repair_attempts.filter(tried_on__gte=since)),
    }
    assessments = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            assessments[language] = assess_risk(**records, today=today, currency=client.currency)
    explanations = {language: a.explanation for language, a in assessments.items()}
    # Score and level are the same in every language; the reasons are the active one's.
    active = (
        assessments.get(translation.get_language() or "") or assessments[settings.LANGUAGE_CODE]
    )
    return active, explanations
