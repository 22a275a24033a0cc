"""Celery tasks: thin and idempotent. Each takes an id, loads the row and calls a service."""

import logging

from celery import shared_task
from django.db import DatabaseError, InterfaceError

from . import services

logger = logging.getLogger(__name__)

# Worth another try: the database or the disk hiccuped. Anything else (a template or
# layout error) would fail the same way again, so it fails at once.
TRANSIENT = (OSError, DatabaseError, InterfaceError)
MAX_RETRIES = 3


@shared_task(
    bind=True,
    name="offboarding.render_document",
    # The outcome lives on the Document row; storing results would only make sending
    # a task wait on the result backend when Redis is down.
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
)
def render_document(self, document_id: int) -> str:
    try:
        document = services.document_render(document_id=document_id)
    except TRANSIENT as error:
        # In-process (eager) runs cannot wait and retry: they fail at once, visibly.
        if not self.request.is_eager and self.request.retries < self.max_retries:
            countdown = 2 ** (self.request.retries + 1)  # 2, 4, 8 seconds
            logger.warning("Document %s: transient error, retrying in %ss", document_id, countdown)
            raise self.retry(exc=error, countdown=countdown) from error
        services.document_fail(document_id=document_id, error=_describe(error))
        return "failed"
    except Exception as error:
        logger.exception("Document %s failed to render", document_id)
        services.document_fail(document_id=document_id, error=_describe(error))
        return "failed"
    return document.status if document is not None else "gone"


def _describe(error: Exception) -> str:
    """What the person sees on the failed document: the kind of error and its message."""
    return f"{type(error).__name__}: {error}"[:2000]


@shared_task(name="offboarding.sweep_queued_documents", ignore_result=True)
def sweep_queued_documents(older_than_seconds: int = 120) -> int:
    """Hand documents stuck in "queued" (broker was down when requested) to a worker."""
    return services.documents_requeue_stuck(older_than_seconds=older_than_seconds)
