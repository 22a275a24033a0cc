"""Celery tasks: thin and idempotent. Each takes an id, loads the row and calls the
worker's pipeline. The only module of the app that talks to Celery: services enqueue
through `enqueue_render`, and the pipeline knows nothing of the broker."""

import logging

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError, InterfaceError

from . import pipeline, reminders

logger = logging.getLogger(__name__)

# Worth another try: the database or the disk hiccuped. Anything else (a template or
# layout error) would fail the same way again, so it fails at once.
TRANSIENT = (OSError, DatabaseError, InterfaceError)
MAX_RETRIES = 3
# A render still "rendering" this long after the hard time limit had a worker that died.
ORPHAN_MARGIN_SECONDS = 60


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
        document = pipeline.document_render(document_id=document_id)
    except TRANSIENT as error:
        # In-process (eager) runs cannot wait and retry: they fail at once, visibly.
        if not self.request.is_eager and self.request.retries < self.max_retries:
            countdown = 2 ** (self.request.retries + 1)  # 2, 4, 8 seconds
            logger.warning("Document %s: transient error, retrying in %ss", document_id, countdown)
            raise self.retry(exc=error, countdown=countdown) from error
        pipeline.document_fail(document_id=document_id, error=_describe(error))
        return "failed"
    except Exception as error:
        logger.exception("Document %s failed to render", document_id)
        pipeline.document_fail(document_id=document_id, error=_describe(error))
        return "failed"
    return document.status if document is not None else "gone"


def _describe(error: Exception) -> str:
    """What the person sees on the failed document: the kind of error and its message."""
    return f"{type(error).__name__}: {error}"[:2000]


def enqueue_render(*, document_id: int) -> bool:
    """Hand the render to a worker. With the broker down the document stays queued; the
    periodic sweep hands it over again once the broker is back."""
    try:
        render_document.delay(document_id)
    except Exception:  # the broker is unreachable: kombu raises OperationalError and friends
        logger.warning(
            "Document %s could not be queued; it stays queued for the sweep.", document_id
        )
        return False
    pipeline.document_handed_over(document_id=document_id)
    return True


def orphan_deadline_seconds() -> int:
    """How long a render may stay "rendering" before it counts as orphaned: past the hard
    time limit, which kills any live render, so only a render whose worker died is
    older. Well below the broker's visibility timeout (an hour), after which the
    message would come back."""
    return settings.CELERY_TASK_TIME_LIMIT + ORPHAN_MARGIN_SECONDS


@shared_task(name="offboarding.sweep_queued_documents", ignore_result=True)
def sweep_queued_documents(older_than_seconds: int = 120) -> int:
    """Fail renders a killed worker orphaned, and hand documents stuck in "queued"
    (broker was down when requested) to a worker. Returns how many were handed over."""
    orphaned = pipeline.orphaned_documents_fail(older_than_seconds=orphan_deadline_seconds())
    if orphaned:
        logger.warning("Documents %s: the worker stopped during the render; failed", orphaned)
    stuck = pipeline.stuck_document_ids(older_than_seconds=older_than_seconds)
    return sum(enqueue_render(document_id=pk) for pk in stuck)


@shared_task(
    name="offboarding.send_reminders",
    ignore_result=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=MAX_RETRIES,
)
def send_reminders() -> int:
    """The daily reminders (offboarding.reminders): each is sent once, however
    often this runs, so a retry or a restarted beat does no harm."""
    return reminders.reminders_send()
