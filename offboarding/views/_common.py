"""Helpers shared by the offboarding pages: the thin form view, the step gate."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse

from agency.once import AlreadySubmitted, already_submitted, once, remember

from .. import permissions
from ..errors import TransitionError
from ..models import Document, Offboarding
from ..selectors import (
    case_for_user,
    case_steps,
)

PAGE_SIZE = 25
TIMELINE_SHOWN = 20  # latest audit events on the case page; the rest on its history page
HISTORY_PAGE_SIZE = 50


def _allow(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


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
        except TransitionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, success)
            return redirect(url)
    elif request.method == "POST":
        messages.error(request, "Please correct the errors below; nothing was saved.")
    context = {"case": case, "client": case.client, "form": form, **(extra or {})}
    context.setdefault("steps", case_steps(case))
    return render(request, template, context)


def _run_steps(request, pk: int) -> Offboarding:
    case = case_for_user(request.user, pk)
    _allow(
        permissions.can_run_steps(request.user, case),
        "Only the account lead and managers run the offboarding steps.",
    )
    if not case.is_working:
        messages.warning(
            request,
            "The steps open once a manager has approved the decision."
            if case.status in (Offboarding.Status.DRAFT, Offboarding.Status.PROPOSED)
            else f"This case is {case.get_status_display().lower()}; its steps are closed.",
        )
        raise _Redirect(_case_url(case))
    return case


class _Redirect(Exception):
    def __init__(self, url: str):
        self.url = url


def redirects_on_gate(view):
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _Redirect as r:
            return redirect(r.url)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _documents_context(case: Offboarding) -> dict:
    documents = list(case.documents.select_related("requested_by").order_by("kind", "-version"))
    return {
        "case": case,
        "documents": documents,
        "pending": any(d.is_pending for d in documents),
        "kinds": Document.Kind.choices,
    }
