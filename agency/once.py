"""Process a form once, however often it is posted.

Every form that creates something carries a random token ({% form_once %}). The first
POST with a token records it in the same transaction as the change; a second POST with
the same token waits for the first to commit, finds the token taken and is sent to the
first result. Without a token (an API client, a test) a form is processed as usual.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import contextmanager

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from .models import SubmittedForm

FIELD = "form_once"
TOKEN = re.compile(r"[0-9a-f]{32}")


class AlreadySubmitted(Exception):
    def __init__(self, url: str):
        super().__init__(url)
        self.url = url


@contextmanager
def once(request, result_url: Callable[[], str] | None = None):
    """Wrap the processing of a POST. Raises AlreadySubmitted for a repeated token."""
    token = (request.POST.get(FIELD) or "").strip()
    if not TOKEN.fullmatch(token) or not request.user.is_authenticated:
        # Anything but the token {% form_once %} emits counts as no token.
        yield None
        return
    with transaction.atomic():
        try:
            with transaction.atomic():
                # A second request with this token waits here until the first commits.
                record = SubmittedForm.objects.create(token=token, user=request.user)
        except IntegrityError:
            first = SubmittedForm.objects.filter(token=token, user=request.user).first()
            raise AlreadySubmitted(first.result_url if first else request.path) from None
        yield record


def remember(record: SubmittedForm | None, url: str) -> None:
    if record is not None:
        SubmittedForm.objects.filter(pk=record.pk).update(result_url=url[:500])


def already_submitted(request, error: AlreadySubmitted):
    messages.info(request, _("This form was already sent; it was saved once."))
    return redirect(error.url or request.path)
