"""Document requests: a new version of a document is created and handed to the worker.
The render itself runs in the worker (offboarding.pipeline, through offboarding.tasks)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from agency.errors import Refused
from agency.models import AuditEvent, User

from .. import permissions, tasks
from ..models import Document, Offboarding
from ..progress import state_in_text
from ._common import S, audit, lock

DOCUMENT_RULES = {
    # kind: (what must exist first, the message when it does not)
    Document.Kind.HANDOVER: (
        "working",
        gettext_lazy("The handover can be exported once the case is approved."),
    ),
    Document.Kind.LETTER: (
        "review",
        gettext_lazy(
            "Complete the contract review first: the letter quotes the effective date and "
            "the clause."
        ),
    ),
    Document.Kind.CALL_BRIEF: ("call", gettext_lazy("Plan the call first.")),
    Document.Kind.DOSSIER: ("proposed", gettext_lazy("Submit the proposal first.")),
}


def _document_allowed(case: Offboarding, kind: str) -> None:
    need, message = DOCUMENT_RULES[kind]
    live = case.is_working or case.status == S.COMPLETED
    if need != "proposed" and not live:
        raise Refused(
            # Translators: %(state)s is the case's state in lower case, e.g. "awaiting decision".
            _(
                "These documents can be produced once the case is approved and while it is "
                "open or completed; this case is %(state)s."
            )
            % {"state": state_in_text(case)}
        )
    ok = {
        "working": live,
        "review": case.contract_review is not None,
        "call": case.call_plan is not None,
        "proposed": case.status != S.DRAFT,
    }[need]
    if not ok:
        raise Refused(message)


def _default_language(actor: User, case: Offboarding, kind: str) -> str:
    if kind in Document.CLIENT_FACING:
        return case.client.language
    return actor.language or translation.get_language() or settings.LANGUAGE_CODE


def document_request(
    *,
    actor: User,
    case: Offboarding,
    kind: str,
    omit_secrets: bool = False,
    passphrase: str = "",
    body: str = "",
    language: str = "",
) -> Document:
    """Create the next version of a document and queue its render. Answers at once.

    `language` is the one it is written in; by default the client's for what the client
    reads (letter, handover) and the requester's own for the internal ones."""
    if kind not in Document.Kind.values:
        raise Refused(_("Unknown kind of document."))
    if kind == Document.Kind.LETTER and not body.strip():
        raise Refused(_("The letter needs its wording."))
    if passphrase and len(passphrase) < 8:
        raise Refused(_("Use a passphrase of at least 8 characters."))
    if language and language not in dict(settings.LANGUAGES):
        raise Refused(_("Choose one of the offered languages."))
    with transaction.atomic():
        case = lock(case)  # versions are numbered one at a time per case
        permissions.PRODUCE_DOCUMENTS.check(actor, case)
        _document_allowed(case, kind)
        last = case.documents.filter(kind=kind).order_by("-version").first()
        document = Document.objects.create(
            case=case,
            kind=kind,
            version=(last.version + 1) if last else 1,
            requested_by=actor,
            omit_secrets=omit_secrets and kind == Document.Kind.HANDOVER,
            protected=bool(passphrase),
            passphrase=passphrase,
            body=body if kind == Document.Kind.LETTER else "",
            language=language or _default_language(actor, case, kind),
        )
        audit(
            actor,
            case,
            AuditEvent.Action.CREATED,
            # Translators: e.g. "Handover v2 requested": a kind of document and its version.
            gettext_noop("%(kind_label)s v%(version)s requested"),
            {"kind_label": Document.Kind(document.kind).label, "version": document.version},
            obj=document,
        )
        transaction.on_commit(lambda: tasks.enqueue_render(document_id=document.pk))
    return document


def document_retry(*, actor: User, document: Document) -> Document:
    with transaction.atomic():
        document = Document.objects.select_for_update().select_related("case").get(pk=document.pk)
        permissions.PRODUCE_DOCUMENTS.check(actor, document.case)
        if document.status != Document.Status.FAILED:
            return document  # nothing to retry: a second click does no harm
        if document.protected and not document.passphrase:
            raise Refused(_("The passphrase of a protected document is not kept: export it again."))
        document.status = Document.Status.QUEUED
        document.error = ""
        document.attempts = 0
        document.enqueued_at = None
        document.save(update_fields=["status", "error", "attempts", "enqueued_at"])
        audit(
            actor,
            document.case,
            AuditEvent.Action.UPDATED,
            gettext_noop("%(kind_label)s v%(version)s retried"),
            {"kind_label": Document.Kind(document.kind).label, "version": document.version},
            obj=document,
        )
        transaction.on_commit(lambda: tasks.enqueue_render(document_id=document.pk))
    return document


def document_download(*, actor: User, document: Document, request=None) -> Document:
    permissions.DOWNLOAD_DOCUMENTS.check(actor, document.case)
    if document.status != Document.Status.READY:
        raise Refused(_("This document is not ready."))
    audit(
        actor,
        document.case,
        AuditEvent.Action.DOWNLOAD,
        gettext_noop("%(kind_label)s v%(version)s downloaded"),
        {"kind_label": Document.Kind(document.kind).label, "version": document.version},
        obj=document,
        request=request,
    )
    return document
