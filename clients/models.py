"""Clients, their people and contracts, how they pay, and the internal incident record."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from agency.models import default_language

from .dates import NoticeDates, notice_dates

ZERO = Decimal("0.00")


class Client(models.Model):
    class Status(models.TextChoices):
        # Translators: a client's status.
        ACTIVE = "active", _("Active")
        AT_RISK = "at_risk", _("At risk")
        OFFBOARDING = "offboarding", _("Offboarding")
        OFFBOARDED = "offboarded", _("Offboarded")

    class RiskLevel(models.TextChoices):
        LOW = "low", pgettext_lazy("risk level", "Low")
        ELEVATED = "elevated", pgettext_lazy("risk level", "Elevated")
        HIGH = "high", pgettext_lazy("risk level", "High")

    class Currency(models.TextChoices):
        EUR = "EUR", "EUR (€)"
        GBP = "GBP", "GBP (£)"
        USD = "USD", "USD ($)"

    name = models.CharField(max_length=200)
    website = models.URLField(blank=True)
    industry = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    # The status before an offboarding started, restored if the case is rejected or cancelled.
    status_before_offboarding = models.CharField(max_length=16, choices=Status.choices, blank=True)
    account_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="led_clients"
    )
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="client_teams", blank=True)
    start_date = models.DateField(null=True, blank=True)
    monthly_value = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.EUR)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=default_language,
        help_text=_(
            "The language of the letter, the handover and the call script this client receives."
        ),
    )
    notes = models.TextField(
        blank=True, help_text=_("Internal notes. Never shared with the client.")
    )
    # The risk signal, computed by clients.risk and stored so lists can sort by it.
    risk_score = models.PositiveIntegerField(default=0)
    risk_level = models.CharField(max_length=16, choices=RiskLevel.choices, default=RiskLevel.LOW)
    risk_explanation = models.TextField(blank=True)
    # The same explanation in each interface language ({"nl": "..."}), see risk_summary.
    risk_explanations = models.JSONField(default=dict, blank=True)
    risk_computed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["risk_score", "risk_computed_at", "updated_at"])

    class Meta:
        ordering = ["name"]
        indexes = [
            models.Index(fields=["status"], name="client_status_idx"),
            models.Index(fields=["-risk_score", "name"], name="client_risk_idx"),
            models.Index(fields=["name", "id"], name="client_name_idx"),
            models.Index(fields=["status", "name", "id"], name="client_status_name_idx"),
            models.Index(fields=["risk_level", "name", "id"], name="client_risk_level_idx"),
            models.Index(fields=["created_at"], name="client_created_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def risk_summary(self) -> str:
        """The risk signal's explanation in the reader's language (each is kept at refresh;
        one computed before that shows the agency's language)."""
        return (self.risk_explanations or {}).get(translation.get_language() or "") or (
            self.risk_explanation
        )

    @property
    def handover_contact(self) -> Contact | None:
        return next((c for c in self.contacts.all() if c.receives_handover), None)

    @property
    def current_contract(self) -> Contract | None:
        return next((c for c in self.contracts.all() if c.is_current), None)


class Contact(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    receives_handover = models.BooleanField(
        _("receives the handover"),
        default=False,
        help_text=_("This person receives the handover documents."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-receives_handover", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(receives_handover=True),
                name="one_handover_contact_per_client",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})" if self.role else self.name


def contract_upload_to(instance: Contract, filename: str) -> str:
    return f"contracts/{instance.client_id}/{filename}"


class Contract(models.Model):
    class PaymentTerms(models.IntegerChoices):
        # Translators: payment terms: the invoice is due 14 days after it is issued.
        NET_14 = 14, _("Net 14")
        NET_30 = 30, _("Net 30")
        NET_45 = 45, _("Net 45")
        NET_60 = 60, _("Net 60")
        NET_90 = 90, _("Net 90")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="contracts")
    title = models.CharField(max_length=200)
    reference = models.CharField(max_length=64, blank=True)
    start_date = models.DateField()
    end_date = models.DateField(
        null=True, blank=True, help_text=_("Leave empty for a rolling contract with no fixed end.")
    )
    auto_renews = models.BooleanField(
        _("renews automatically"),
        default=False,
        help_text=_("The term renews by itself unless notice is given in time."),
    )
    renewal_months = models.PositiveSmallIntegerField(
        _("renewal period (months)"),
        default=12,
        help_text=_(
            "How long each renewal lasts. Only needed if the contract renews automatically."
        ),
    )
    notice_days = models.PositiveSmallIntegerField(_("notice period (days)"), default=30)
    termination_clause_ref = models.CharField(
        _("termination clause"), max_length=32, blank=True, help_text=_('For example "2.9".')
    )
    termination_clause_text = models.TextField(_("wording of the termination clause"), blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(
        _("payment terms (days)"), choices=PaymentTerms.choices, default=PaymentTerms.NET_30
    )
    monthly_fee = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    deposit_amount = models.DecimalField(
        _("deposit or prepaid amount"), max_digits=12, decimal_places=2, default=ZERO
    )
    signed_file = models.FileField(upload_to=contract_upload_to, blank=True, max_length=300)
    signed_file_name = models.CharField(max_length=200, blank=True)
    is_current = models.BooleanField(default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_current", "-start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"], condition=Q(is_current=True), name="one_current_contract"
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="contract_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.reference})" if self.reference else self.title

    def notice(self, today: dt.date | None = None) -> NoticeDates:
        return notice_dates(
            start=self.start_date,
            end=self.end_date,
            notice_days=self.notice_days,
            auto_renews=self.auto_renews,
            renewal_months=self.renewal_months,
            today=today or timezone.localdate(),
        )


class Invoice(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="invoices")
    contract = models.ForeignKey(
        Contract, null=True, blank=True, on_delete=models.SET_NULL, related_name="invoices"
    )
    number = models.CharField(_("invoice number"), max_length=64)
    issued_on = models.DateField(_("issue date"))
    due_on = models.DateField(_("due date"))
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    paid_on = models.DateField(_("payment date"), null=True, blank=True)
    paid_amount = models.DecimalField(
        _("amount paid"), max_digits=12, decimal_places=2, default=ZERO
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["client", "number"], name="invoice_number_per_client"),
            models.CheckConstraint(
                condition=Q(due_on__gte=models.F("issued_on")), name="invoice_due_after_issue"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="invoice_amount_positive"),
            models.CheckConstraint(
                condition=Q(paid_amount__gte=0), name="invoice_paid_amount_positive"
            ),
        ]
        indexes = [models.Index(fields=["client", "due_on"], name="invoice_client_due_idx")]

    def __str__(self) -> str:
        return self.number

    @property
    def outstanding(self) -> Decimal:
        return max(self.amount - self.paid_amount, ZERO)

    @property
    def is_paid(self) -> bool:
        return self.paid_amount >= self.amount

    def days_late(self, today: dt.date | None = None) -> int:
        """Days past due: until paid in full, or until today while anything is still owed."""
        if self.is_paid and self.paid_on:
            return max((self.paid_on - self.due_on).days, 0)
        today = today or timezone.localdate()
        return max((today - self.due_on).days, 0)


class Incident(models.Model):
    """Internal documentation of something that went wrong. Never shared with the client."""

    class Category(models.TextChoices):
        LATE_PAYMENT = "late_payment", _("Late or missing payment")
        SCOPE_CREEP = "scope_creep", _("Scope creep or unrealistic demands")
        ABUSIVE = "abusive", _("Abusive or disrespectful behaviour")
        STAFF_MORALE = "staff_morale", _("Harm to staff morale")
        UNRESPONSIVE = "unresponsive", _("Unresponsive")
        REJECTS_ADVICE = "rejects_advice", _("Rejects recommendations")
        UNETHICAL = "unethical", _("Unethical request")
        UNPROFITABLE = "unprofitable", _("Unprofitable account")
        STYLE_MISMATCH = "style_mismatch", _("Style or philosophy mismatch")
        OTHER = "other", _("Other")

    # Abuse and unethical requests: the grounds for cutting ties at once rather than with
    # notice, and what weighs most in the risk signal.
    SEVERE_CATEGORIES = frozenset({Category.ABUSIVE, Category.UNETHICAL})

    class Severity(models.IntegerChoices):
        LOW = 1, pgettext_lazy("severity", "Low")
        MEDIUM = 2, pgettext_lazy("severity", "Medium")
        HIGH = 3, pgettext_lazy("severity", "High")
        CRITICAL = 4, pgettext_lazy("severity", "Critical")

    class State(models.TextChoices):
        ACTIVE = "active", _("On record")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="incidents")
    category = models.CharField(max_length=32, choices=Category.choices)
    severity = models.PositiveSmallIntegerField(choices=Severity.choices, default=Severity.MEDIUM)
    occurred_on = models.DateField(_("date it happened"))
    title = models.CharField(_("short title"), max_length=200)
    description = models.TextField(
        _("factual description"),
        help_text=_("What happened, when, who was involved. Facts, not opinions."),
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reported_incidents"
    )
    hours_lost = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    money_at_stake = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.ACTIVE)
    withdrawn_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["client", "-occurred_on"], name="incident_client_date_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_withdrawn(self) -> bool:
        return self.state == self.State.WITHDRAWN


def evidence_upload_to(instance: Evidence, filename: str) -> str:
    return f"evidence/{instance.incident.client_id}/{instance.incident_id}/{filename}"


class Evidence(models.Model):
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_upload_to, max_length=300)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.original_name


class RepairAttempt(models.Model):
    """An attempt to repair the relationship before ending it."""

    class Kind(models.TextChoices):
        CONVERSATION = "conversation", _("Honest conversation")
        CHANNEL = "channel", _("New communication channel")
        MEETING_RHYTHM = "meeting_rhythm", _("New meeting rhythm")
        BOUNDARIES = "boundaries", _("New boundaries")
        CHARGE_EXTRA = "charge_extra", _("Charging for extra work")
        NEW_AGREEMENT = "new_agreement", _("New agreement")
        OTHER = "other", _("Other")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Too early to tell")
        HELPED = "helped", _("Helped")
        NO_CHANGE = "no_change", _("No change")
        WORSE = "worse", _("Made it worse")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="repair_attempts")
    kind = models.CharField(_("what was tried"), max_length=32, choices=Kind.choices)
    tried_on = models.DateField(_("date tried"))
    description = models.TextField(help_text=_("What was tried, with whom."))
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-tried_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.tried_on:%d %b %Y})"

    @property
    def failed(self) -> bool:
        return self.outcome in (self.Outcome.NO_CHANGE, self.Outcome.WORSE)
