from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import health
from .models import CalendarToken
from .services import calendar_feed_issue, calendar_feed_revoke, user_set_language


@login_not_required
@require_GET
@never_cache
def healthz(request):
    checks = {"database": health.database_state(), "broker": health.broker_state()}
    healthy = all(state in ("ok", "eager") for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unhealthy", **checks}, status=200 if healthy else 503
    )


@login_not_required
@require_POST
def language_switch(request):
    """Switch the interface language: kept on the person (and in a cookie, so the login page
    speaks it too), then back to the page they were on. An unknown language is ignored."""
    language = request.POST.get("language", "")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    if language not in dict(settings.LANGUAGES):
        return response
    if request.user.is_authenticated:
        user_set_language(actor=request.user, language=language)
    translation.activate(language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=request.is_secure(),
        httponly=True,
    )
    return response


@require_http_methods(["GET", "POST"])
def calendar_settings(request):
    """The person's private calendar feed: create its address (shown once), replace it
    or revoke it."""
    has_feed = CalendarToken.objects.filter(user=request.user).exists()
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            if calendar_feed_revoke(actor=request.user):
                messages.success(request, _("The calendar address is revoked: it no longer works."))
            return redirect("calendar_feed")
        token = calendar_feed_issue(actor=request.user)
        url = f"{settings.SITE_URL}{reverse('feed:ics', args=[token])}"
        response = render(request, "registration/calendar.html", {"has_feed": True, "new_url": url})
        response["Cache-Control"] = "no-store, private"
        return response
    return render(request, "registration/calendar.html", {"has_feed": has_feed})
