"""The agency's wording of the letter and the script: a manager saves a new version."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from agency.errors import Refused
from agency.models import AuditEvent, User
from agency.services import audit_record

from .. import permissions
from ..documents import wording
from ..models import Wording


def wording_save(*, actor: User, kind: str, language: str, body: str) -> Wording | None:
    """Keep `body` as the newest version of this kind's wording in `language`. Unknown
    placeholders are refused (a typo would leave "{cleint}" in a client's letter); the same
    text as the version in use adds nothing and returns None."""
    permissions.EDIT_WORDING.check(actor)
    if kind not in Wording.Kind.values or language not in dict(settings.LANGUAGES):
        raise Refused(_("Unknown wording."))
    body = body.replace("\r\n", "\n").strip()
    if not body:
        raise Refused(_("The wording cannot be empty."))
    unknown = wording.unknown_placeholders(kind, body)
    if unknown:
        raise Refused(
            _("Unknown placeholders: %(names)s. Use only the ones listed beside the text.")
            % {"names": ", ".join("{" + name + "}" for name in unknown)}
        )
    with transaction.atomic():
        if body == wording.current_body(kind, language):
            return None
        version = Wording.objects.create(kind=kind, language=language, body=body, created_by=actor)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATED,
            summary=gettext_noop("%(kind_label)s wording in %(language)s saved as a new version"),
            summary_args={
                "kind_label": Wording.Kind(kind).label,
                "language": dict(settings.LANGUAGES)[language],
            },
            obj=version,
        )
    return version
