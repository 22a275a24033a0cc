"""Documents of a case: request, live status, download, retry."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.files.base import ContentFile
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from agency.downloads import private_file_response
from agency.errors import Refused
from agency.once import AlreadySubmitted, once, remember

from .. import permissions, services
from ..documents.letter import default_letter_text, letter_reasons
from ..forms import (
    HandoverExportForm,
    LetterForm,
)
from ..models import Document, Offboarding
from ..selectors import (
    case_for_user,
    case_steps,
)
from ._common import (
    _case_url,
    _documents_context,
    made_in_request,
)

# --- Documents ---------------------------------------------------------------------------


def documents_panel(request, pk: int):
    """The documents of a case with their live status: polled by htmx while any is pending."""
    case = case_for_user(request.user, pk)
    permissions.SEE_DOCUMENTS.check(request.user, case)
    response = render(request, "offboarding/_documents.html", _documents_context(case))
    response["Cache-Control"] = "no-store"
    return response


def _request_document(request, case: Offboarding, **kwargs) -> bool:
    """Request a document; True when the person should now watch the documents list."""
    try:
        with once(request) as submitted:
            document = services.document_request(actor=request.user, case=case, **kwargs)
            remember(submitted, _case_url(case, "documents"))
    except AlreadySubmitted:
        messages.info(request, _("This request was already sent; one document is being made."))
        return True
    except Refused as error:
        messages.error(request, error.message)
        return False
    document.refresh_from_db()
    values = {"kind": document.get_kind_display(), "version": document.version}
    if document.status == Document.Status.READY:
        # Translators: %(kind)s is a kind of document ("Handover", "Termination letter") and
        # %(version)s its version number; the same in the messages below.
        messages.success(request, _("%(kind)s v%(version)s is ready.") % values)
    elif document.status == Document.Status.FAILED:
        messages.error(
            request,
            _("%(kind)s failed: %(error)s") % {**values, "error": document.error_text},
        )
    elif document.enqueued_at is None and not settings.CELERY_TASK_ALWAYS_EAGER:
        messages.warning(
            request,
            _(
                "%(kind)s v%(version)s is requested, but generation is delayed: the background "
                "service cannot be reached. It is kept and will be produced as soon as the "
                "service is back."
            )
            % values,
        )
    else:
        messages.success(
            request,
            _("%(kind)s v%(version)s is being generated; it appears below when ready.") % values,
        )
    return True


@require_POST
def document_create(request, pk: int, kind: str):
    """Call brief and dossier: one click. The handover and the letter have their own forms."""
    case = case_for_user(request.user, pk)
    permissions.PRODUCE_DOCUMENTS.check(request.user, case)
    if kind not in (Document.Kind.CALL_BRIEF, Document.Kind.DOSSIER):
        raise Http404("No such document kind.")
    _request_document(request, case, kind=kind)
    return redirect(_case_url(case, "documents"))


def handover_export(request, pk: int):
    case = case_for_user(request.user, pk)
    permissions.EXPORT_HANDOVER.check(request.user, case)
    form = HandoverExportForm(request.POST or None, client=case.client)
    if request.method == "POST" and form.is_valid():
        requested = _request_document(
            request,
            case,
            kind=Document.Kind.HANDOVER,
            omit_secrets=form.cleaned_data["omit_secrets"],
            passphrase=form.cleaned_data["passphrase"],
            language=form.cleaned_data["language"],
        )
        if requested:
            return redirect(_case_url(case, "documents"))
    elif request.method == "POST":
        messages.error(request, _("Please correct the errors below; nothing was exported."))
    response = render(
        request,
        "offboarding/handover_export.html",
        {
            "case": case,
            "client": case.client,
            "form": form,
            "steps": case_steps(case),
            "made_in_request": made_in_request(),
        },
    )
    response["Cache-Control"] = "no-store"
    return response


def letter(request, pk: int):
    """The letter's wording, in the client's language unless the lead picks another: the
    "start again" form (GET: reason and language) rewrites it from the agency's wording;
    the lead edits it and generates the PDF in that language."""
    case = case_for_user(request.user, pk)
    permissions.WRITE_LETTER.check(request.user, case)
    last = case.documents.filter(kind=Document.Kind.LETTER).order_by("-version").first()
    languages = dict(settings.LANGUAGES)
    restart = "reason" in request.GET or "language" in request.GET
    if request.GET.get("language") in languages:
        language = request.GET["language"]
    elif last and not restart:
        language = last.language
    else:
        language = case.client.language
    reasons = letter_reasons(case, language=language)
    keys = [key for key, _phrase in reasons]
    reason = request.GET.get("reason") if request.GET.get("reason") in keys else keys[0]
    body = (
        last.body
        if last and not restart
        else default_letter_text(case, reason=reason, language=language)
    )
    form = LetterForm(
        request.POST or None, initial={"body": body, "language": language}, client=case.client
    )
    if request.method == "POST" and form.is_valid():
        requested = _request_document(
            request,
            case,
            kind=Document.Kind.LETTER,
            body=form.cleaned_data["body"],
            language=form.cleaned_data["language"],
        )
        if requested:
            return redirect(_case_url(case, "documents"))
    elif request.method == "POST":
        messages.error(request, _("Please correct the errors below; nothing was generated."))
    if request.method == "POST":
        language = form.data.get("language") if form.data.get("language") in languages else language
    return render(
        request,
        "offboarding/letter.html",
        {
            "case": case,
            "client": case.client,
            "form": form,
            "steps": case_steps(case),
            "reasons": reasons,
            "reason": reason,
            "language": language,
            "languages": settings.LANGUAGES,
            "made_in_request": made_in_request(),
        },
    )


def document_download(request, pk: int, document_pk: int):
    case = case_for_user(request.user, pk)
    document = get_object_or_404(case.documents.select_related("case__client"), pk=document_pk)
    permissions.DOWNLOAD_DOCUMENTS.check(request.user, case)
    if document.status != Document.Status.READY or not document.file:
        raise Http404("This document is not ready, or was erased with the client's secrets.")
    services.document_download(actor=request.user, document=document, request=request)
    response = private_file_response(
        ContentFile(document.read_pdf()),
        download_name=document.download_name,
        content_type="application/pdf",
    )
    return response


@require_POST
def document_retry(request, pk: int, document_pk: int):
    case = case_for_user(request.user, pk)
    document = get_object_or_404(case.documents, pk=document_pk)
    permissions.PRODUCE_DOCUMENTS.check(request.user, case)
    try:
        services.document_retry(actor=request.user, document=document)
    except Refused as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(kind)s queued again.") % {"kind": document.get_kind_display()}
        )
    return redirect(_case_url(case, "documents"))
