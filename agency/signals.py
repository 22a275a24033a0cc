"""Login, logout and failed logins go to the audit log (Django's auth signals are the hook)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.utils.translation import gettext_noop

from .models import AuditEvent
from .services import audit_record


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    audit_record(
        actor=user,
        action=AuditEvent.Action.LOGIN,
        summary=gettext_noop("Logged in"),
        request=request,
    )


@receiver(user_logged_out)
def _logged_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(
            actor=user,
            action=AuditEvent.Action.LOGOUT,
            summary=gettext_noop("Logged out"),
            request=request,
        )


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    # Only the username is kept: never the password that was tried.
    username = str(credentials.get("username", ""))[:100]
    audit_record(
        actor=None,
        action=AuditEvent.Action.LOGIN_FAILED,
        summary=gettext_noop("Failed login for “%(username)s”"),
        summary_args={"username": username},
        request=request,
    )
