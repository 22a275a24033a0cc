"""Rendering a document: its template and context to HTML, then to PDF with WeasyPrint,
then (if asked) AES-256 encryption with pypdf. Runs in the worker."""

from __future__ import annotations

import hashlib
import io
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from pypdf import PdfReader, PdfWriter
from weasyprint import HTML

from ..models import Document, Offboarding
from .contexts import (
    call_brief_context,
    dossier_context,
    handover_context,
    letter_context,
    receipt_context,
)

TEMPLATES = {
    Document.Kind.HANDOVER: ("offboarding/pdf/handover.html", handover_context),
    Document.Kind.LETTER: ("offboarding/pdf/letter.html", letter_context),
    Document.Kind.CALL_BRIEF: ("offboarding/pdf/call_brief.html", call_brief_context),
    Document.Kind.DOSSIER: ("offboarding/pdf/dossier.html", dossier_context),
    Document.Kind.RECEIPT: ("offboarding/pdf/receipt.html", receipt_context),
}


def render_html(document: Document) -> str:
    template, build = TEMPLATES[document.kind]
    case = (
        Offboarding.objects.select_related("client", "client__account_lead")
        .prefetch_related("client__contacts")
        .get(pk=document.case_id)
    )
    # Every date, amount, heading and label in the document's own language, whoever asked.
    with translation.override(document.language):
        return render_to_string(template, {"doc": build(case, document)})


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int
    sha256: str


def render_pdf(document: Document, *, passphrase: str = "") -> RenderedPdf:
    """HTML -> PDF with WeasyPrint; then, if asked, AES-256 encryption with pypdf."""
    html = render_html(document)
    pdf = HTML(string=html, base_url=str(settings.BASE_DIR)).render()
    pages = len(pdf.pages)
    data = pdf.write_pdf()
    if passphrase:
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
        writer.encrypt(
            user_password=passphrase,
            owner_password=secrets.token_urlsafe(32),
            algorithm="AES-256",
        )
        out = io.BytesIO()
        writer.write(out)
        data = out.getvalue()
    return RenderedPdf(data=data, pages=pages, sha256=hashlib.sha256(data).hexdigest())
