"""The agency's own people and the audit log."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .formatting import shown_param


def default_language() -> str:
    """The agency's default language (CLEANBREAK_LANGUAGE): new clients start with it."""
    return settings.LANGUAGE_CODE


class User(AbstractUser):
    class Role(models.TextChoices):
        STAFF = "staff", _("Staff")
        LEAD = "lead", _("Account lead")
        MANAGER = "manager", _("Manager")

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.STAFF)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The language of your pages and e-mails. Empty: as your browser asks."),
    )

    class Meta:
        ordering = ["first_name", "last_name", "username"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_manager(self) -> bool:
        return self.role == self.Role.MANAGER

    @property
    def is_lead(self) -> bool:
        return self.role == self.Role.LEAD


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("The audit log is append-only: events cannot be updated.")

    def delete(self):
        raise TypeError("The audit log is append-only: events cannot be deleted.")


class AuditEvent(models.Model):
    """One thing that happened, by whom and when. Append-only.

    Targets are kept as plain ids (not foreign keys) so that the record of what
    happened outlives whatever it was about.
    """

    class Action(models.TextChoices):
        LOGIN = "login", _("Logged in")
        LOGIN_FAILED = "login_failed", _("Failed login")
        LOGOUT = "logout", _("Logged out")
        ACCESS_DENIED = "access_denied", _("Access refused")
        # Translators: the kind of an audit trail event: a record was created.
        CREATED = "created", _("Created")
        # Translators: the kind of an audit trail event: a record was changed.
        UPDATED = "updated", _("Updated")
        TRANSITION = "transition", _("Status changed")
        DECISION = "decision", _("Decision")
        STEP = "step", _("Step completed")
        REVEAL = "reveal", _("Secret revealed")
        DOWNLOAD = "download", _("File downloaded")
        # Translators: the kind of an audit trail event: something a client did in the
        # handover room (opened it, revealed a login, acknowledged the handover).
        ROOM = "room", _("Handover room")

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        "agency.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=32, choices=Action.choices)
    # What happened, in English (admin, search, and events from before translation). A
    # new event also keeps its message id and parameters so that each reader sees it in
    # their own language: see `text`.
    summary = models.CharField(max_length=300)
    message = models.CharField(max_length=300, blank=True)
    params = models.JSONField(default=dict, blank=True)
    client_id = models.BigIntegerField(null=True, blank=True)
    case_id = models.BigIntegerField(null=True, blank=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.BigIntegerField(null=True, blank=True)
    from_state = models.CharField(max_length=32, blank=True)
    to_state = models.CharField(max_length=32, blank=True)
    comment = models.TextField(blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["client_id", "-created_at"], name="audit_client_idx"),
            models.Index(fields=["case_id", "-created_at"], name="audit_case_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name or 'system'}: {self.summary}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise TypeError("The audit log is append-only: events cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("The audit log is append-only: events cannot be deleted.")

    @property
    def comment_text(self) -> str:
        """The comment in the reader's language when the app wrote it in each (a person's
        own comment is shown as they wrote it)."""
        written = (self.params or {}).get("comment_by_language") or {}
        return written.get(translation.get_language() or "") or self.comment

    @property
    def text(self) -> str:
        """The summary in the reader's (active) language. Parameters named *_label are
        themselves messages (a category, a status) and are translated too; an event written
        before messages were kept, or whose message no longer fits, shows its summary."""
        if not self.message:
            return self.summary
        if not set(self.params or {}) - {"comment_by_language"}:
            return gettext(self.message)
        params = {
            key: gettext(value)
            if key.endswith("_label") and isinstance(value, str)
            else shown_param(value)
            for key, value in (self.params or {}).items()
        }
        try:
            return gettext(self.message) % params
        except (KeyError, ValueError, TypeError):
            return self.summary


class SubmittedForm(models.Model):
    """A form already processed: the same POST sent twice (a double click, a resent
    request) is answered with the first result instead of creating a second record."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey("agency.User", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    result_url = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return self.token


class CalendarToken(models.Model):
    """A person's private calendar feed: the secret part of its address, kept only as a
    SHA-256. Revoking deletes it; a new one replaces the old (whose address then fails)."""

    user = models.OneToOneField("agency.User", on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Calendar feed of {self.user}"
