"""Reads for the clients pages: every list goes through clients_for_user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.formats import date_format, localize
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agency.errors import NotVisible
from agency.formatting import money
from agency.models import AuditEvent, User

from .filters import ClientFilter
from .models import Client, Contact, Contract, Evidence, Incident, Invoice, RepairAttempt


def clients_for_user(user: User) -> QuerySet[Client]:
    """The clients this person may see: all for managers, else those whose team they are on."""
    qs = Client.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if user.is_manager:
        return qs
    # A UNION of two indexed lookups: an OR across the team join would read every client.
    led = Client.objects.filter(account_lead=user).order_by().values("pk")
    on_team = Client.team.through.objects.filter(user=user).values("client_id")
    return qs.filter(pk__in=led.union(on_team))


def visible_row(user: User, client: str = "") -> Q:
    """The condition that one row's client is visible to this person, for a lookup by key.

    `client` is the path from the row to its client ("" for a client itself, "client" for
    a case). The same rule as clients_for_user, written as a condition on that one client
    (its lead, or an EXISTS on its team) rather than the whole visible set, which a lookup
    of one row would otherwise build and hash in full.
    """
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.is_manager:
        return Q()
    prefix = f"{client}__" if client else ""
    on_team = Client.team.through.objects.filter(client_id=OuterRef(f"{prefix}pk"), user=user)
    return Q(**{f"{prefix}account_lead": user}) | Q(Exists(on_team))


def client_for_user(user: User, pk: int) -> Client:
    """One client, or 404 when it does not exist or this person may not see it."""
    client = (
        Client.objects.filter(visible_row(user))
        .select_related("account_lead")
        .prefetch_related(
            Prefetch("contacts", queryset=Contact.objects.all()),
            Prefetch("contracts", queryset=Contract.objects.all()),
            "team",
        )
        .filter(pk=pk)
        .first()
    )
    if client is None:
        if Client.objects.filter(pk=pk).exists():
            raise NotVisible("No such client.", client_id=pk)
        raise Http404("No such client.")
    return client


def client_list_for(user: User) -> QuerySet[Client]:
    # A per-row subquery, not a JOIN with GROUP BY: only the page's rows are counted.
    open_incidents = (
        Incident.objects.filter(client=OuterRef("pk"), state=Incident.State.ACTIVE)
        .order_by()
        .values("client")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        clients_for_user(user)
        .select_related("account_lead")
        .annotate(open_incidents=Coalesce(Subquery(open_incidents), 0))
    )


def client_list_filtered(user: User, params) -> tuple[ClientFilter, QuerySet[Client]]:
    """The client list page: the filter over client_list_for, in a stable order (by name
    unless a sort is chosen; ties broken by name and id, so pages never repeat a row)."""
    filterset = ClientFilter(params or None, queryset=client_list_for(user))
    queryset = filterset.qs if filterset.is_bound and filterset.is_valid() else filterset.queryset
    chosen = list(queryset.query.order_by) if filterset.is_bound else []
    taken = {str(key).lstrip("-") for key in chosen}
    tie_breakers = [key for key in ("name", "pk") if key not in taken]
    return filterset, queryset.order_by(*chosen, *tie_breakers)


def incident_of_client(client: Client, pk: int) -> Incident:
    """One incident of a client the person may see (fetched through client_for_user)."""
    incident = (
        client.incidents.select_related("reported_by")
        .prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.select_related("uploaded_by"))
        )
        .filter(pk=pk)
        .first()
    )
    if incident is None:
        raise Http404("No such incident.")
    return incident


def _shown(field, value) -> str:
    """A stored value as a person reads it: a choice's label, a date or a number as the
    active language writes it, or the text."""
    if value in (None, ""):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, dt.date | Decimal | float):
        return localize(value)
    return str(value)


def incident_history(incident: Incident) -> list[dict]:
    """Each version of an incident, newest first, with what changed in words: the field's
    label and the old and new values as the form shows them (Low → Medium, not 1 → 2)."""
    history = list(
        incident.history.select_related("history_user").order_by("-history_date", "-history_id")
    )
    versions = []
    # Newest first: each record's predecessor is the next one in the list (no query each).
    for record, previous in zip(history, [*history[1:], None], strict=True):
        changes = []
        for change in record.diff_against(previous).changes if previous else []:
            field = Incident._meta.get_field(change.field)
            changes.append(
                {
                    "label": str(field.verbose_name).capitalize(),
                    "old": _shown(field, change.old),
                    "new": _shown(field, change.new),
                }
            )
        versions.append({"record": record, "changes": changes})
    return versions


def client_incidents(client: Client) -> QuerySet[Incident]:
    evidence_count = (
        Evidence.objects.filter(incident=OuterRef("pk"))
        .order_by()
        .values("incident")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        client.incidents.select_related("reported_by")
        .annotate(evidence_count=Coalesce(Subquery(evidence_count), 0))
        .order_by("-occurred_on", "-id")
    )


def client_repair_attempts(client: Client) -> QuerySet[RepairAttempt]:
    return client.repair_attempts.select_related("recorded_by", "client")


@dataclass
class StatementRow:
    invoice: Invoice
    days_late: int
    outstanding: Decimal
    overdue: bool


@dataclass
class PaymentStatement:
    rows: list[StatementRow] = field(default_factory=list)
    late_last_12_months: int = 0  # paid late plus unpaid past due
    paid_late_last_12_months: int = 0
    unpaid_late_last_12_months: int = 0
    invoices_last_12_months: int = 0
    average_days_late: float = 0.0
    overdue_now: Decimal = Decimal("0.00")
    total_billed: Decimal = Decimal("0.00")
    total_paid: Decimal = Decimal("0.00")


def payment_statement(client: Client, *, today: dt.date) -> PaymentStatement:
    """Billing dates, amounts, payments and lateness, with the figures that matter."""
    statement = PaymentStatement()
    year_ago = today - dt.timedelta(days=365)
    late_days: list[int] = []
    for invoice in client.invoices.order_by("issued_on", "id"):
        days_late = invoice.days_late(today)
        overdue = invoice.outstanding > 0 and invoice.due_on < today
        statement.rows.append(
            StatementRow(
                invoice=invoice,
                days_late=days_late,
                outstanding=invoice.outstanding,
                overdue=overdue,
            )
        )
        statement.total_billed += invoice.amount
        statement.total_paid += invoice.paid_amount
        if overdue:
            statement.overdue_now += invoice.outstanding
        if year_ago <= invoice.due_on <= today:
            statement.invoices_last_12_months += 1
            if days_late > 0:
                statement.late_last_12_months += 1
                if invoice.is_paid:
                    statement.paid_late_last_12_months += 1
                else:
                    statement.unpaid_late_last_12_months += 1
                late_days.append(days_late)
    if late_days:
        statement.average_days_late = round(sum(late_days) / len(late_days), 1)
    return statement


@dataclass(frozen=True)
class TimelineEntry:
    when: dt.datetime | dt.date
    kind: str  # incident, repair_attempt, invoice, payment, contract, event
    title: str
    detail: str = ""
    url: str = ""
    actor: str = ""

    @property
    def has_time(self) -> bool:
        return isinstance(self.when, dt.datetime)

    @property
    def sort_key(self) -> dt.date:
        return self.when.date() if isinstance(self.when, dt.datetime) else self.when


def _paid_detail(invoice: Invoice, currency: str) -> str:
    """ "€1,000.00", or "€1,000.00, 12 days late"."""
    amount = money(invoice.paid_amount, currency)
    days_late = invoice.days_late()
    if not days_late:
        return amount
    return ngettext(
        "%(amount)s, %(days)s day late", "%(amount)s, %(days)s days late", days_late
    ) % {"amount": amount, "days": days_late}


def client_timeline(client: Client, *, limit: int = 200) -> list[TimelineEntry]:
    """Everything that happened with this client, newest first."""
    from django.urls import reverse

    entries: list[TimelineEntry] = []
    for incident in client.incidents.select_related("reported_by")[:limit]:
        entries.append(
            TimelineEntry(
                when=incident.occurred_on,
                kind="incident",
                title=_("Incident: %(title)s") % {"title": incident.title},
                detail=" · ".join(
                    [
                        incident.get_category_display(),
                        incident.get_severity_display(),
                        # Translators: of an incident, in the client's timeline.
                        *([_("withdrawn")] if incident.is_withdrawn else []),
                    ]
                ),
                url=reverse("clients:incident", args=[client.pk, incident.pk]),
                actor=incident.reported_by.display_name,
            )
        )
    for repair_attempt in client.repair_attempts.select_related("recorded_by")[:limit]:
        entries.append(
            TimelineEntry(
                when=repair_attempt.tried_on,
                kind="repair_attempt",
                title=_("Repair attempt: %(kind)s") % {"kind": repair_attempt.get_kind_display()},
                detail=_("Outcome: %(outcome)s")
                % {"outcome": repair_attempt.get_outcome_display()},
                actor=repair_attempt.recorded_by.display_name,
            )
        )
    for invoice in client.invoices.all()[:limit]:
        entries.append(
            TimelineEntry(
                when=invoice.issued_on,
                kind="invoice",
                title=_("Invoice %(number)s issued") % {"number": invoice.number},
                detail=_("%(amount)s, due %(due)s")
                % {
                    "amount": money(invoice.amount, client.currency),
                    "due": date_format(invoice.due_on, "DATE_FORMAT"),
                },
            )
        )
        if invoice.paid_on:
            entries.append(
                TimelineEntry(
                    when=invoice.paid_on,
                    kind="payment",
                    title=_("Invoice %(number)s paid") % {"number": invoice.number},
                    detail=_paid_detail(invoice, client.currency),
                )
            )
    for contract in client.contracts.all():
        entries.append(
            TimelineEntry(
                when=contract.start_date,
                kind="contract",
                title=_("Contract %(contract)s starts") % {"contract": contract},
            )
        )
    for event in AuditEvent.objects.filter(client_id=client.pk).exclude(
        action__in=[AuditEvent.Action.DOWNLOAD, AuditEvent.Action.ACCESS_DENIED]
    )[:limit]:
        entries.append(
            TimelineEntry(
                when=event.created_at,
                kind="event",
                title=event.text,
                detail=event.comment_text,
                actor=event.actor_name,
            )
        )
    entries.sort(key=lambda e: (e.sort_key, isinstance(e.when, dt.datetime)), reverse=True)
    return entries[:limit]
