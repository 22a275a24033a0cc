"""A person's private calendar feed: the dates of their cases, for a calendar application
to subscribe to. No login (a calendar application has none): the address's token opens
it, and the person revokes or replaces it on their calendar page (agency.views)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from agency.services import calendar_feed_user

from ..ics import dates_ics
from ..selectors import case_dates

PAST_DAYS = 30
AHEAD_DAYS = 400


@login_not_required
@require_GET
def feed(request, token: str):
    user = calendar_feed_user(token)
    if user is None:
        raise Http404("No such calendar.")
    today = timezone.localdate()
    with translation.override(user.language or settings.LANGUAGE_CODE):
        dates = case_dates(
            user,
            first=today - dt.timedelta(days=PAST_DAYS),
            last=today + dt.timedelta(days=AHEAD_DAYS),
        )
        body = dates_ics(dates, site_url=settings.SITE_URL)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "no-store, private"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response
