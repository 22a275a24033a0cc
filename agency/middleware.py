"""Refused access goes to the audit log: who tried what, when, from where.

That is every 403, and every 404 that hides a client or case the person may not see
(agency.errors.NotVisible); a 404 for what does not exist is not logged."""

from .errors import NotVisible
from .models import AuditEvent
from .services import audit_record


class AuditRefusedAccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        hidden = getattr(request, "_not_visible", None)
        refused = response.status_code == 403 or (response.status_code == 404 and hidden)
        if refused and getattr(request, "user", None) is not None:
            user = request.user if request.user.is_authenticated else None
            audit_record(
                actor=user,
                action=AuditEvent.Action.ACCESS_DENIED,
                summary=f"Refused {request.method} {request.path[:200]}",
                client_id=hidden.client_id if hidden else None,
                case_id=hidden.case_id if hidden else None,
                request=request,
            )
        return response

    def process_exception(self, request, exception):
        if isinstance(exception, NotVisible):
            request._not_visible = exception  # answered 404 below; logged on the way out
        return None
