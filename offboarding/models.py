"""The offboarding case: proposal, decision, the guided steps and the handover."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from agency.fields import EncryptedFileField, EncryptedTextField
from agency.models import default_language

ZERO = Decimal("0.00")


class OffboardingQuerySet(models.QuerySet):
    def open(self) -> OffboardingQuerySet:
        """Cases still running: drafted, proposed, approved or in progress."""
        return self.filter(status__in=Offboarding.OPEN_STATES)


class Offboarding(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        # Translators: the state of an offboarding case; the case is the subject.
        PROPOSED = "proposed", _("Awaiting decision")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATES = (Status.DRAFT, Status.PROPOSED, Status.APPROVED, Status.IN_PROGRESS)
    # Steps may be worked on once the decision is made, never before.
    WORKING_STATES = (Status.APPROVED, Status.IN_PROGRESS)
    # The close-out checks beside the ledger (every door closed, every asset transferred:
    # AccessRow and Asset): completion needs both ticked and the ledger settled.
    CLOSEOUT_FIELDS = (
        "final_invoice_settled",
        "handover_delivered",
    )

    class Timing(models.TextChoices):
        END_OF_CONTRACT = "end_of_contract", _("At the end of the contract")
        WITH_NOTICE = "with_notice", _("With notice, as the contract allows")
        IMMEDIATELY = "immediately", _("Immediately (abuse or unethical requests)")

    client = models.ForeignKey("clients.Client", on_delete=models.PROTECT, related_name="cases")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # 1. Proposal
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(null=True, blank=True)
    # Everyone who changed the draft: like its author, none of them may decide on it.
    edited_by = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", editable=False
    )
    incidents = models.ManyToManyField("clients.Incident", blank=True, related_name="cases")
    no_incident_justification = models.TextField(
        blank=True, help_text=_("Why there is no incident on record, if none is linked.")
    )
    repair_attempts = models.ManyToManyField(
        "clients.RepairAttempt", blank=True, related_name="cases"
    )
    timing = models.CharField(
        _("preferred timing"), max_length=32, choices=Timing.choices, default=Timing.WITH_NOTICE
    )
    summary = models.TextField(
        _("summary for the manager"),
        help_text=_("Why the agency should end this relationship now."),
    )

    # 2. Decision
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True)

    # 4. Deliverables: the step is closed explicitly once every deliverable is settled.
    deliverables_done_at = models.DateTimeField(null=True, blank=True)

    # 7. Handover contents
    takeover_instructions = models.TextField(
        blank=True,
        help_text=_(
            "How the client takes over. Paragraphs separated by a blank line; "
            "lines starting with “- ” or “1. ” become lists."
        ),
    )
    handover_done_at = models.DateTimeField(null=True, blank=True)

    # 8. Close-out (and the ledger: AccessRow, Asset's transfer)
    final_invoice_settled = models.BooleanField(
        _("final invoice settled or refund paid"), default=False
    )
    handover_delivered = models.BooleanField(_("handover delivered to the client"), default=False)

    closed_at = models.DateTimeField(null=True, blank=True)
    close_reason = models.TextField(blank=True)

    objects = OffboardingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(status__in=["draft", "proposed", "approved", "in_progress"]),
                name="one_open_offboarding_per_client",
            )
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="case_status_idx"),
            models.Index(
                fields=["created_at", "id"],
                condition=Q(status__in=["draft", "proposed", "approved", "in_progress"]),
                name="case_open_idx",
            ),
            models.Index(
                fields=["proposed_at", "id"],
                condition=Q(status="proposed"),
                name="case_awaiting_idx",
            ),
            models.Index(
                fields=["-closed_at", "-id"],
                condition=~Q(status__in=["draft", "proposed", "approved", "in_progress"]),
                name="case_closed_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"Offboarding of {self.client}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATES

    @property
    def is_working(self) -> bool:
        return self.status in self.WORKING_STATES

    @property
    def ledger_open(self) -> int:
        """Rows of the ledger still open: access not closed, assets not transferred (neither
        done nor waived). Annotated on list pages (selectors.with_step_data)."""
        if hasattr(self, "ledger_open_count"):
            return self.ledger_open_count
        return (
            self.access_rows.filter(done_at__isnull=True, waived_at__isnull=True).count()
            + self.assets.exclude(transfer_status=Asset.Transfer.CONFIRMED)
            .filter(waived_at__isnull=True)
            .count()
        )

    @property
    def closeout_complete(self) -> bool:
        return all(getattr(self, name) for name in self.CLOSEOUT_FIELDS) and not self.ledger_open

    @property
    def call_plan(self) -> CallPlan | None:
        """The case's call plan, or None before the call is planned."""
        try:
            return self.call
        except ObjectDoesNotExist:
            return None

    @property
    def retrospective_or_none(self) -> Retrospective | None:
        try:
            return self.retrospective
        except ObjectDoesNotExist:
            return None

    @property
    def contract_review(self) -> ContractReview | None:
        """The case's contract review, or None before it is done."""
        try:
            return self.review
        except ObjectDoesNotExist:
            return None


class ContractReview(models.Model):
    class Basis(models.TextChoices):
        END_OF_TERM = "end_of_term", _("At the end of the term")
        NOTICE = "notice", _("With notice per the termination clause")
        IMMEDIATE = "immediate", _("Immediately")

    case = models.OneToOneField(Offboarding, on_delete=models.CASCADE, related_name="review")
    contract = models.ForeignKey("clients.Contract", on_delete=models.PROTECT, related_name="+")
    basis = models.CharField(max_length=16, choices=Basis.choices)
    notice_given_on = models.DateField(help_text=_("The day notice is (or will be) given."))
    immediate_on = models.DateField(
        null=True, blank=True, help_text=_("Only for an immediate end: the last day.")
    )
    effective_end = models.DateField()
    notice_deadline = models.DateField(null=True, blank=True)
    breaks_notice = models.BooleanField(default=False)
    warning = models.TextField(blank=True)
    # The same warning in each interface language ({"nl": "..."}): see warning_text.
    warnings = models.JSONField(default=dict, blank=True)
    open_invoices_amount = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    refund_amount = models.DecimalField(
        _("deposit or prepaid work to refund"), max_digits=12, decimal_places=2, default=ZERO
    )
    released_early = models.BooleanField(
        _("client is let out of the contract early"), default=False
    )
    notes = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Contract review for {self.case}"

    @property
    def warning_text(self) -> str:
        """The warning in the reader's language (one saved before: the agency's)."""
        return (self.warnings or {}).get(translation.get_language() or "") or self.warning


class Deliverable(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("Not started")
        IN_PROGRESS = "in_progress", _("In progress")
        DELIVERED = "delivered", _("Delivered")
        # Translators: a deliverable (a piece of work) given to the client as it is.
        HANDED_OVER = "handed_over", _("Handed over unfinished")
        CANCELLED = "cancelled", _("Cancelled")

    class Answer(models.TextChoices):
        UNKNOWN = "unknown", _("Not asked yet")
        NEEDED = "needed", _("Still needed")
        NOT_NEEDED = "not_needed", _("Not needed")

    class Decision(models.TextChoices):
        UNDECIDED = "undecided", _("Undecided")
        FINISH = "finish", _("Finish before the end date")
        HAND_OVER = "hand_over", _("Hand over unfinished")
        CANCEL_REFUND = "cancel_refund", _("Cancel and refund")

    case = models.ForeignKey(Offboarding, on_delete=models.CASCADE, related_name="deliverables")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.IN_PROGRESS)
    client_answer = models.CharField(
        _("client's answer"), max_length=16, choices=Answer.choices, default=Answer.UNKNOWN
    )
    decision = models.CharField(max_length=16, choices=Decision.choices, default=Decision.UNDECIDED)
    refund_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def settled(self) -> bool:
        """Decided, and a 'finish' one is actually delivered."""
        if self.decision == self.Decision.UNDECIDED:
            return False
        if self.decision == self.Decision.FINISH:
            return self.status == self.Status.DELIVERED
        return True


class CallPlan(models.Model):
    class Channel(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        VIDEO = "video", _("Video call")
        PHONE = "phone", _("Phone call")
        EMAIL = "email", _("E-mail only")

    # A termination is never a bare e-mail: the form and the service refuse it in these words.
    EMAIL_REFUSED = _(
        "A bare e-mail is not enough for this conversation. Ending a relationship deserves a "
        "call or a meeting: the client hears the decision from a person, can ask questions, "
        "and the tone stays respectful. Choose in person, video or phone."
    )

    class Held(models.TextChoices):
        # Translators: whether the termination call has taken place.
        PLANNED = "planned", _("Not held yet")
        HELD = "held", _("Held")
        RESCHEDULED = "rescheduled", _("Rescheduled")

    class Reaction(models.TextChoices):
        ACCEPTING = "accepting", _("Calm, accepted the decision")
        SURPRISED = "surprised", _("Surprised but constructive")
        UPSET = "upset", _("Upset")
        HOSTILE = "hostile", _("Hostile or threatening")

    case = models.OneToOneField(Offboarding, on_delete=models.CASCADE, related_name="call")
    scheduled_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveSmallIntegerField(default=30)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    location = models.CharField(
        # Translators: where the termination call takes place (a room, a link, a number).
        _("where"),
        max_length=300,
        blank=True,
        help_text=_("Meeting room, video link or number."),
    )
    agency_attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+")
    client_attendees = models.ManyToManyField("clients.Contact", related_name="+", blank=True)
    talking_points = models.TextField(blank=True)
    referral_name = models.CharField(_("recommended provider"), max_length=200, blank=True)
    # The call is held in the client's language unless the lead says otherwise; the script
    # is written in it, and the call brief quotes it so, whatever language the brief is in.
    language = models.CharField(
        _("language of the call"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=default_language,
        help_text=_("The script is written in this language."),
    )
    referral_contact = models.CharField(max_length=200, blank=True)
    referral_why = models.TextField(_("why they fit"), blank=True)
    script = models.TextField(blank=True)
    points_written = models.BooleanField(_("talking points written"), default=False)
    rehearsed = models.BooleanField(_("script rehearsed"), default=False)
    agreed_internally = models.BooleanField(_("agreed internally"), default=False)

    # 6. Outcome
    held = models.CharField(max_length=16, choices=Held.choices, default=Held.PLANNED)
    held_at = models.DateTimeField(null=True, blank=True)
    reaction = models.CharField(max_length=16, choices=Reaction.choices, blank=True)
    commitments = models.TextField(_("commitments made"), blank=True)
    pushback = models.TextField(_("pushback"), blank=True)
    outcome_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    def __str__(self) -> str:
        return f"Call for {self.case}"

    @property
    def prepared(self) -> bool:
        return self.points_written and self.rehearsed and self.agreed_internally


class Credential(models.Model):
    """A login the agency created on the client's behalf. The secret is encrypted at rest."""

    case = models.ForeignKey(Offboarding, on_delete=models.CASCADE, related_name="credentials")
    system = models.CharField(max_length=200)
    url = models.CharField(_("URL"), max_length=500, blank=True)
    username = models.CharField(max_length=200)
    secret = EncryptedTextField(_("password or secret"))
    notes = models.TextField(
        _("internal note"), blank=True, help_text=_("For the agency only: never in the handover.")
    )
    # Recovery codes are as sensitive as the password: encrypted too, shown on reveal.
    recovery_note = EncryptedTextField(
        _("2FA / recovery note"),
        blank=True,
        help_text=_("Where the second factor lives, backup codes. Encrypted like the secret."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["system", "id"]

    def __str__(self) -> str:
        return f"{self.system} ({self.username})"


class Asset(models.Model):
    class Kind(models.TextChoices):
        WEBSITE = "website", _("Website")
        DOMAIN = "domain", _("Domain")
        AD_ACCOUNT = "ad_account", _("Ad account")
        REPOSITORY = "repository", _("Repository")
        DESIGN = "design", _("Design files")
        ANALYTICS = "analytics", _("Analytics")
        SOCIAL = "social", _("Social account")
        HOSTING = "hosting", _("Hosting")
        LICENCE = "licence", _("Licence")
        OTHER = "other", _("Other")

    class Transfer(models.TextChoices):
        # Translators: where the transfer of an asset to the client stands.
        NOT_STARTED = "not_started", _("Not started")
        INITIATED = "initiated", _("Initiated")
        CONFIRMED = "confirmed", _("Confirmed by the client")

    case = models.ForeignKey(Offboarding, on_delete=models.CASCADE, related_name="assets")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    location = models.CharField(_("location or link"), max_length=500, blank=True)
    # The ledger: who owns it (or is its registrant) now and after, how it moves.
    owner_now = models.CharField(_("owner or registrant now"), max_length=200, blank=True)
    owner_after = models.CharField(_("owner after handover"), max_length=200, blank=True)
    transfer_code = EncryptedTextField(
        _("transfer code"),
        blank=True,
        help_text=_("An auth or EPP code, an invitation link: encrypted, shown on reveal."),
    )
    renewal_on = models.DateField(_("renewal date"), null=True, blank=True)
    renewal_payer = models.CharField(_("who pays the renewal"), max_length=200, blank=True)
    transfer_status = models.CharField(
        _("transfer"), max_length=16, choices=Transfer.choices, default=Transfer.NOT_STARTED
    )
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    waived_at = models.DateTimeField(null=True, blank=True)
    waive_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["kind", "name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def settled(self) -> bool:
        return self.transfer_status == self.Transfer.CONFIRMED or self.waived_at is not None


class AccessRow(models.Model):
    """One door to close: our access to one of the client's systems, or one of their
    people in one of our tools. Done by someone on a date, or waived by a manager."""

    class Side(models.TextChoices):
        OURS = "ours", _("Our access to their systems")
        THEIRS = "theirs", _("Their access to our tools")

    class Action(models.TextChoices):
        # Translators: what closes one of the agency's accesses to a client's system.
        REMOVE_USER = "remove_user", _("Remove our user")
        ROTATE_PASSWORD = "rotate_password", _("Rotate the shared password")
        REMOVE_PAYMENT = "remove_payment", _("Remove our payment method")
        UNLINK_MANAGER = "unlink_manager", _("Unlink from our manager account")
        REMOVE_PERSON = "remove_person", _("Remove their access")
        OTHER = "other", _("Other")

    class Tool(models.TextChoices):
        # Translators: a kind of the agency's own tool the client's people may be in.
        CHAT = "chat", _("Chat")
        DRIVE = "drive", _("Shared drive")
        PROJECT = "project", _("Project tool")
        STAGING = "staging", _("Staging server")
        PASSWORDS = "passwords", _("Password manager")
        OTHER = "other", _("Other")

    case = models.ForeignKey(Offboarding, on_delete=models.CASCADE, related_name="access_rows")
    side = models.CharField(max_length=8, choices=Side.choices)
    system = models.CharField(_("system or tool"), max_length=200)
    tool = models.CharField(_("kind of tool"), max_length=16, choices=Tool.choices, blank=True)
    person = models.CharField(
        _("whose access"), max_length=200, blank=True, help_text=_("Their person, for our tools.")
    )
    credential = models.ForeignKey(
        Credential,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="access_rows",
        verbose_name=_("handover login"),
    )
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    note = models.TextField(_("note"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    waived_at = models.DateTimeField(null=True, blank=True)
    waive_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["side", "system", "id"]

    def __str__(self) -> str:
        return f"{self.get_side_display()}: {self.system}"

    @property
    def settled(self) -> bool:
        return self.done_at is not None or self.waived_at is not None


def document_upload_to(instance: Document, filename: str) -> str:
    return f"documents/{instance.case_id}/{filename}"


class Document(models.Model):
    """One generated PDF: a version of one kind of document for one case."""

    class Kind(models.TextChoices):
        HANDOVER = "handover", _("Handover")
        LETTER = "letter", _("Termination letter")
        CALL_BRIEF = "call_brief", _("Call brief")
        DOSSIER = "dossier", _("Internal dossier")
        RECEIPT = "receipt", _("Handover receipt")

    CLIENT_FACING = (Kind.HANDOVER, Kind.LETTER, Kind.RECEIPT)

    class Status(models.TextChoices):
        # Translators: the states of a generated PDF document.
        QUEUED = "queued", _("Queued")
        RENDERING = "rendering", _("Rendering")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    case = models.ForeignKey(Offboarding, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    # When the render was handed to the broker; empty while the broker could not be reached.
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Export options: leave the secrets out of a handover, or protect it with a passphrase.
    omit_secrets = models.BooleanField(default=False)
    protected = models.BooleanField(default=False)
    # The passphrase exists only until the render: encrypted at rest, then erased.
    passphrase = EncryptedTextField(blank=True)
    # For a letter: the wording the lead approved, kept with the version.
    body = models.TextField(blank=True)
    # The language it is written in: the client's for the letter and the handover, the
    # requester's for the internal documents (offboarding.services.documents).
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default=default_language)
    # Encrypted at rest: a handover holds every password.
    file = EncryptedFileField(upload_to=document_upload_to, blank=True, max_length=300)
    size = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind", "version"], name="one_version_per_kind"
            ),
        ]
        indexes = [models.Index(fields=["status", "requested_at"], name="document_status_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} v{self.version} for {self.case.client}"

    @property
    def is_pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RENDERING)

    @property
    def error_text(self) -> str:
        """Why the render failed, in the reader's language: the reasons the pipeline writes
        are message ids; an unexpected error's own text is shown as it is."""
        return gettext(self.error) if self.error else ""

    def read_pdf(self) -> bytes:
        """The PDF as rendered (its stored file is encrypted; the storage decrypts)."""
        with self.file.storage.open(self.file.name, "rb") as stored:
            return stored.read()

    @property
    def client_facing(self) -> bool:
        return self.kind in self.CLIENT_FACING

    @property
    def download_name(self) -> str:
        slug = slugify(self.case.client.name) or f"client-{self.case.client_id}"
        prefix = {
            self.Kind.HANDOVER: "handover",
            self.Kind.LETTER: "termination-letter",
            self.Kind.CALL_BRIEF: "call-brief",
            self.Kind.DOSSIER: "internal-dossier",
            self.Kind.RECEIPT: "handover-receipt",
        }[self.kind]
        return f"{prefix}-{slug}-v{self.version}.pdf"


class Wording(models.Model):
    """The agency's own wording of the letter or the call script in one language. Each save is
    a new row, so every version is kept; the newest is in use (the shipped default until the
    first save). See offboarding.documents.wording."""

    class Kind(models.TextChoices):
        LETTER = "letter", _("Termination letter")
        SCRIPT = "script", _("Call script")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    body = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "language", "-created_at", "-id"]
        indexes = [
            models.Index(fields=["kind", "language", "-created_at"], name="wording_current_idx")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.language}), {self.created_at:%Y-%m-%d %H:%M}"


# --- The handover room: the client receives the handover through a private link ------------


class HandoverRoom(models.Model):
    """A private page where the client's recipients receive the handover: a personal link
    each, an access code, logins revealed one at a time, and a receipt they sign.
    See offboarding.services.room."""

    case = models.ForeignKey(Offboarding, on_delete=models.CASCADE, related_name="rooms")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    include_logins = models.BooleanField(default=True)
    language = models.CharField(max_length=8, choices=settings.LANGUAGES, default=default_language)
    # What the client downloads: the handover without its secrets, and the letter if any.
    handover = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="+")
    letter = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    secrets_destroyed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(revoked_at__isnull=True),
                name="one_open_room_per_case",
            )
        ]

    def __str__(self) -> str:
        return f"Handover room for {self.case}"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def receipt_or_none(self) -> Receipt | None:
        try:
            return self.receipt
        except ObjectDoesNotExist:
            return None


class RoomRecipient(models.Model):
    """One person's way into a room: a link (its token kept only as a SHA-256) and an
    access code (kept only as a salted password hash)."""

    room = models.ForeignKey(HandoverRoom, on_delete=models.CASCADE, related_name="recipients")
    contact = models.ForeignKey(
        "clients.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # As they were when the room was opened: the record outlives a changed contact.
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=100, blank=True)
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True)
    code_hash = models.CharField(max_length=200)
    code_by_email = models.BooleanField(default=False)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    locked_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    send_error = models.CharField(max_length=300, blank=True)
    issued_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["room", "name", "id"]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def can_enter(self) -> bool:
        return self.revoked_at is None and self.locked_at is None and self.room.is_live


class RoomLogin(models.Model):
    """A login offered in a room. Its secret stays on the credential and is shown only
    by a reveal; the client may mark it changed (the agency's old access is closed)."""

    room = models.ForeignKey(HandoverRoom, on_delete=models.CASCADE, related_name="logins")
    credential = models.ForeignKey(
        Credential, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    system = models.CharField(max_length=200)
    username = models.CharField(max_length=200)
    changed_at = models.DateTimeField(null=True, blank=True)
    changed_by = models.ForeignKey(
        RoomRecipient, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["system", "id"]

    def __str__(self) -> str:
        return f"{self.system} ({self.username})"


class RoomEvent(models.Model):
    """What happened in a room, with the address and browser it came from: the live
    status the lead sees, and the evidence a receipt quotes."""

    class Kind(models.TextChoices):
        # Translators: what happened in a handover room (the lead's status list).
        SENT = "sent", _("Link sent")
        SEND_FAILED = "send_failed", _("Link could not be sent")
        CODE_FAILED = "code_failed", _("Wrong access code")
        LOCKED = "locked", _("Locked after too many wrong codes")
        ENTERED = "entered", _("Opened with the access code")
        REVEALED = "revealed", _("Login revealed")
        CHANGED = "changed", _("Password marked as changed")
        DOWNLOADED = "downloaded", _("Document downloaded")
        ACKNOWLEDGED = "acknowledged", _("Handover acknowledged")
        REISSUED = "reissued", _("New link and code issued")
        REVOKED = "revoked", _("Access revoked")
        EXTENDED = "extended", _("Expiry extended")

    room = models.ForeignKey(HandoverRoom, on_delete=models.CASCADE, related_name="events")
    recipient = models.ForeignKey(
        RoomRecipient, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    login = models.ForeignKey(
        RoomLogin, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    at = models.DateTimeField(auto_now_add=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    detail = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["room", "-at"], name="room_event_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"


class RoomMiss(models.Model):
    """A wrong code or a link that leads nowhere, by address: the per-address rate limit
    reads these (the database, because every web process shares it)."""

    ip_address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["ip_address", "at"], name="room_miss_idx"),
            models.Index(fields=["at"], name="room_miss_at_idx"),  # the clean-up
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.ip_address}"


class Receipt(models.Model):
    """The client's signature for the handover: who, when, from where, what was received,
    and the SHA-256 of the exact handover PDF offered."""

    room = models.OneToOneField(HandoverRoom, on_delete=models.CASCADE, related_name="receipt")
    recipient = models.ForeignKey(RoomRecipient, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=100, blank=True)
    comment = models.TextField(blank=True)
    acknowledged_at = models.DateTimeField(auto_now_add=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    handover_version = models.PositiveIntegerField()
    handover_sha256 = models.CharField(max_length=64)
    # What was received, as it was: assets, logins with their reveals, documents.
    items = models.JSONField(default=dict)
    document = models.OneToOneField(
        Document, on_delete=models.SET_NULL, null=True, blank=True, related_name="receipt"
    )

    def __str__(self) -> str:
        return f"Receipt by {self.name} for {self.room.case}"


class Reminder(models.Model):
    """A reminder e-mail sent: one row per reminder and recipient, under a unique key, so a
    retried or restarted daily job never sends one twice (offboarding.services.reminders)."""

    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=32)
    case = models.ForeignKey(Offboarding, on_delete=models.CASCADE, related_name="reminders")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return self.key


class TeamView(models.Model):
    """A team member's view on a proposal to end the relationship: asked when it is sent,
    changeable until the decision, shown beside the evidence (the decision does not wait)."""

    class Verdict(models.TextChoices):
        # Translators: a team member's view on ending a client relationship.
        AGREE = "agree", _("Agree")
        DISAGREE = "disagree", _("Disagree")
        UNSURE = "unsure", _("Unsure")

    case = models.ForeignKey(Offboarding, on_delete=models.CASCADE, related_name="team_views")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    verdict = models.CharField(_("your view"), max_length=16, choices=Verdict.choices)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "author"], name="one_view_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.author}: {self.verdict}"


class Retrospective(models.Model):
    """The look back after a case closes: which early signs there were, when the first
    incident came, what the agency would do differently. Internal; in the dossier."""

    class Sign(models.TextChoices):
        # Translators: an early sign of a difficult client, seen before or at the start.
        HAGGLING = "haggling", _("Haggled over the first quote")
        UNCLEAR_SCOPE = "unclear_scope", _("Unclear scope")
        SLOW_ANSWERS = "slow_answers", _("Slow answers")
        NO_DECIDER = "no_decider", _("The decision maker was absent")
        PAYMENT_TERMS = "payment_terms", _("Asked for longer payment terms")
        DISRESPECT = "disrespect", _("Disrespect towards staff")
        REJECTS_ADVICE = "rejects_advice", _("Rejected our advice early")
        EXTRA_WORK = "extra_work", _("Asked for extra work from the start")

    case = models.OneToOneField(Offboarding, on_delete=models.CASCADE, related_name="retrospective")
    early_signs = models.JSONField(_("early signs"), default=list, blank=True)
    other_signs = models.TextField(_("other early signs"), blank=True)
    do_differently = models.TextField(_("what we would do differently"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Look back on {self.case}"

    @property
    def sign_labels(self) -> list[str]:
        labels = dict(self.Sign.choices)
        return [str(labels[code]) for code in self.early_signs if code in labels]
