"""Refused access goes to the audit log: who tried what, when, from where."""

from .models import AuditEvent
from .services import audit_record


class AuditRefusedAccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 403 and getattr(request, "user", None) is not None:
            user = request.user if request.user.is_authenticated else None
            audit_record(
                actor=user,
                action=AuditEvent.Action.ACCESS_DENIED,
                summary=f"Refused {request.method} {request.path[:200]}",
                request=request,
            )
        return response
