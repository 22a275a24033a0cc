"""The worker's side of a document: render it, or record why it failed.

Idempotent, so a redelivered task does no harm: the row is claimed under a lock, the
PDF is written to one file per attempt (encrypted at rest by the field's storage), the
row is checked again, and the loser of a duplicate run removes its file. Nothing here
talks to Celery: offboarding.tasks calls these functions.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from .documents.render import render_pdf
from .models import Document


def document_render(*, document_id: int) -> Document | None:
    """Render one document: claim the row, render, store the file, record size, checksum
    and page count. A finished (or failed) document is left as it is."""
    with transaction.atomic():
        document = Document.objects.select_for_update().filter(pk=document_id).first()
        if document is None or document.status in (
            Document.Status.READY,
            Document.Status.FAILED,  # only document_retry sends a failed one back
        ):
            return document
        if document.protected and not document.passphrase:
            # Never write a protected handover in clear: its passphrase is gone.
            document.status = Document.Status.FAILED
            document.error = PASSPHRASE_GONE
            document.finished_at = timezone.now()
            document.save(update_fields=["status", "error", "finished_at"])
            return document
        document.status = Document.Status.RENDERING
        document.started_at = timezone.now()
        document.attempts += 1
        document.save(update_fields=["status", "started_at", "attempts"])

    rendered = render_pdf(document, passphrase=document.passphrase)

    # One file per attempt: a slower duplicate run can never overwrite the recorded file.
    storage = document.file.storage
    name = storage.save(
        document.file.field.generate_filename(
            document, f"{document.kind}-v{document.version}-{document.pk}-{document.attempts}.pdf"
        ),
        ContentFile(rendered.data),
    )

    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document_id)
        if document.status == Document.Status.READY:
            if document.file.name != name:
                storage.delete(name)  # a redelivered copy finished first
            return document
        document.file.name = name
        document.size = len(rendered.data)
        document.sha256 = rendered.sha256
        document.page_count = rendered.pages
        document.status = Document.Status.READY
        document.finished_at = timezone.now()
        document.error = ""
        document.passphrase = ""  # used once, never kept
        document.save()
    return document


# Why a document failed, as its reader sees it: kept as message ids on the row and
# translated when shown (Document.error_text). An unexpected
# error is kept as its exception's text (offboarding.tasks), shown as it is.
PASSPHRASE_GONE = gettext_noop("The passphrase is no longer available: export the handover again.")
ORPHANED = gettext_noop("The worker stopped during the render; retry it.")
ORPHANED_PROTECTED = gettext_noop(
    "The worker stopped during the render; export it again (its passphrase is not kept)."
)


def document_fail(*, document_id: int, error: str) -> None:
    with transaction.atomic():
        document = Document.objects.select_for_update().filter(pk=document_id).first()
        if document is None or document.status == Document.Status.READY:
            return
        _fail(document, error)


def _fail(document: Document, error: str) -> None:
    document.status = Document.Status.FAILED
    document.error = error[:2000]
    document.finished_at = timezone.now()
    document.passphrase = ""  # never kept past the last try; export again to protect
    document.save()


def orphaned_documents_fail(*, older_than_seconds: int) -> list[int]:
    """Fail the renders a killed worker left behind: "rendering" since longer than any
    live render can last. Its message comes back only after the broker's visibility
    timeout; until then the person would see "Rendering" with no way out, and the
    passphrase would stay in the database. Failed, the panel offers Retry, and the
    redelivered message finds the document failed and leaves it alone."""
    cutoff = timezone.now() - dt.timedelta(seconds=older_than_seconds)
    candidates = Document.objects.filter(status=Document.Status.RENDERING, started_at__lt=cutoff)
    failed = []
    for pk in candidates.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            document = Document.objects.select_for_update().filter(pk=pk).first()
            # Checked again under the lock: a redelivered copy may have claimed it anew.
            if (
                document is None
                or document.status != Document.Status.RENDERING
                or document.started_at >= cutoff
            ):
                continue
            _fail(document, ORPHANED_PROTECTED if document.protected else ORPHANED)
        failed.append(pk)
    return failed


def document_handed_over(*, document_id: int) -> None:
    """The render reached the broker. Whatever its status by now: a free worker may
    already have started on it, and a filter on "queued" left the hand-over unrecorded."""
    Document.objects.filter(pk=document_id).update(enqueued_at=timezone.now())


def stuck_document_ids(*, older_than_seconds: int = 120) -> list[int]:
    """Documents that never reached a worker: the broker was down when they were
    requested, or it lost its queue. One handed over recently is left alone, so a busy
    worker does not get the same render twice."""
    now = timezone.now()
    never_sent = Document.objects.filter(
        enqueued_at__isnull=True,
        requested_at__lt=now - dt.timedelta(seconds=older_than_seconds),
    )
    lost = Document.objects.filter(enqueued_at__lt=now - dt.timedelta(minutes=30))
    return list(
        (never_sent | lost)
        .filter(status=Document.Status.QUEUED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
