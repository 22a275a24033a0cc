"""Helpers shared by the offboarding pages: the thin form view, the step gate."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from agency.errors import Refused
from agency.once import AlreadySubmitted, already_submitted, once, remember

from .. import permissions
from ..documents.contexts import receipt_facts
from ..models import Document, Offboarding
from ..progress import require_working
from ..selectors import (
    case_for_user,
    case_steps,
    room_status,
)

PAGE_SIZE = 25
TIMELINE_SHOWN = 20  # latest audit events on the case page; the rest on its history page
HISTORY_PAGE_SIZE = 50


def _case_url(case: Offboarding, anchor: str = "") -> str:
    return reverse("offboarding:detail", args=[case.pk]) + (f"#{anchor}" if anchor else "")


def _form_step(
    request,
    *,
    case: Offboarding,
    form,
    template: str,
    action: Callable[[dict], object],
    success: str,
    next_url: str | None = None,
    extra: dict | None = None,
):
    """Validate, call the service, redirect with a message; a refusal keeps what was typed."""
    if request.method == "POST" and form.is_valid():
        url = next_url or _case_url(case)
        try:
            with once(request) as submitted:
                action(form.cleaned_data)
                remember(submitted, url)
        except AlreadySubmitted as first:
            return already_submitted(request, first)
        except Refused as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, success)
            return redirect(url)
    elif request.method == "POST":
        messages.error(request, _("Please correct the errors below; nothing was saved."))
    context = {"case": case, "client": case.client, "form": form, **(extra or {})}
    context.setdefault("steps", case_steps(case))
    return render(request, template, context)


def step_page(view):
    """A page of the guided steps: the case is looked up (404 for what the person may not
    see), only those who run the steps get in (403), and before the decision or after
    the case closed the page sends them back to the case with the reason. The view is
    called with the case instead of its primary key."""

    @functools.wraps(view)
    def wrapper(request, pk: int, **kwargs):
        case = case_for_user(request.user, pk)
        permissions.RUN_STEPS.check(request.user, case)
        try:
            require_working(case)
        except Refused as closed:
            messages.warning(request, closed.message)
            return redirect(_case_url(case))
        return view(request, case, **kwargs)

    return wrapper


def _documents_context(case: Offboarding) -> dict:
    # Newest first: the document just asked for is the one a person looks for.
    documents = list(case.documents.select_related("requested_by").order_by("-requested_at", "-pk"))
    return {
        "case": case,
        "documents": documents,
        "pending": any(d.is_pending for d in documents),
        "kinds": Document.Kind.choices,
        "made_in_request": made_in_request(),
    }


def made_in_request() -> bool:
    """On the embedded default there is no worker: a document is made while the request
    waits (a few seconds), and the page says so instead of promising the background."""
    return bool(settings.CELERY_TASK_ALWAYS_EAGER)


def room_status_context(case: Offboarding) -> dict:
    status = room_status(case)
    return {
        "case": case,
        "client": case.client,
        "status": status,
        "receipt": receipt_facts(status.receipt, case=case) if status and status.receipt else None,
        "code_attempts": settings.CLEANBREAK_ROOM_CODE_ATTEMPTS,
    }
