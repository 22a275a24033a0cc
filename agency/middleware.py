"""Refused access goes to the audit log: who tried what, when, from where.

That is every 403, and every 404 that hides a client or case the person may not see
(agency.errors.NotVisible); a 404 for what does not exist is not logged. The same refusal
repeated is logged once every ten minutes (agency.services.refusal_record).

And a signed-in session's idle timeout is renewed on activity, at most once a minute; and a
request too large to be worth reading is refused before its body is read."""

import time

from django.conf import settings
from django.shortcuts import render
from django.utils import translation
from django.utils.formats import number_format

from .errors import NotVisible
from .services import refusal_record
from .uploads import MAX_UPLOAD_BYTES

ROOM_PATH = "/handover/"  # the handover room's public pages (offboarding.room_urls)


class AuditRefusedAccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        hidden = getattr(request, "_not_visible", None)
        refused = response.status_code == 403 or (response.status_code == 404 and hidden)
        if refused and getattr(request, "user", None) is not None:
            user = request.user if request.user.is_authenticated else None
            refusal_record(
                actor=user,
                request=request,
                client_id=hidden.client_id if hidden else None,
                case_id=hidden.case_id if hidden else None,
            )
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, NotVisible):
            request._not_visible = exception  # answered 404 below; logged on the way out
        return None


RENEWED_AT = "_renewed_at"


class SessionRenewalMiddleware:
    """Keep a signed-in session alive while it is used, without a write per request.

    SESSION_COOKIE_AGE is an idle timeout. Saving the session pushes its expiry (in the
    database and in the cookie) a full age ahead; instead of saving on every request
    (SESSION_SAVE_EVERY_REQUEST, one UPDATE and one commit each time), the session is
    marked changed when its last renewal is older than SESSION_RENEW_SECONDS. A session
    therefore ends between AGE - RENEW and AGE seconds after its last request. Placed
    right after SessionMiddleware, so its mark is seen when that one saves.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # Only a signed-in session (logging out flushes it; an anonymous one stays empty).
        if session is not None and session.get("_auth_user_id"):
            now = int(time.time())
            if now - session.get(RENEWED_AT, 0) >= settings.SESSION_RENEW_SECONDS:
                session[RENEWED_AT] = now
        return response


class RequestSizeLimitMiddleware:
    """Answer 413 to a request whose Content-Length is over CLEANBREAK_MAX_REQUEST_BYTES,
    without reading its body.

    The upload checks measure each file, but only once Django has received the whole
    body and spooled it to disk; gunicorn has no limit on a body's size. So the declared
    length is checked first, before CSRF or the session read anything. A request without
    a Content-Length (chunked) has an empty body for Django, so it cannot get past this.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.CLEANBREAK_MAX_REQUEST_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads such a body as empty
        if length > limit:
            context = {
                "size": _megabytes(length),
                "limit": _megabytes(limit),
                "file_limit": _megabytes(MAX_UPLOAD_BYTES),
            }
            return render(request, "413.html", context, status=413)
        return self.get_response(request)


def _megabytes(size: int) -> str:
    """A size in words: "101 MB", or "150.1 MB" rounded up to a tenth (the decimal sign as
    the active language writes it)."""
    tenths = -(-size * 10 // (1024 * 1024))
    if tenths % 10 == 0:
        return f"{tenths // 10} MB"
    return f"{number_format(tenths / 10, decimal_pos=1)} MB"


class UserLanguageMiddleware:
    """A signed-in person reads pages in the language they chose (User.language); before
    login, and for someone who chose none, LocaleMiddleware's pick from the browser's
    Accept-Language (or the language cookie) stands. LocaleMiddleware sets the response's
    Content-Language from whatever is active when the page is done."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class RoomOriginMiddleware:
    """The handover room's pages answer `Referrer-Policy: no-referrer`, so that a link's
    token never travels in a Referer header; browsers then send the room's own form posts
    with `Origin: null`, which Django's CSRF check (next in line) would refuse. On the
    room's pages only, a post that the browser says comes from this very site
    (`Sec-Fetch-Site: same-origin`, or no such header from an older browser) has its
    origin read as this site's. The CSRF cookie and token are still checked, and the
    session cookie is SameSite=Lax, so another site still cannot post here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.META.get("HTTP_ORIGIN") == "null"
            and request.path_info.startswith(ROOM_PATH)
            and request.META.get("HTTP_SEC_FETCH_SITE", "same-origin") == "same-origin"
        ):
            scheme = "https" if request.is_secure() else "http"
            request.META["HTTP_ORIGIN"] = f"{scheme}://{request.get_host()}"
        return self.get_response(request)
