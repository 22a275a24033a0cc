"""Errors shared by the apps."""

from django.core.exceptions import PermissionDenied
from django.http import Http404


class NotVisible(Http404):
    """A client or case that exists, asked for by someone who may not see it.

    It answers 404 like a missing one (nobody learns that it exists), and the audit
    middleware writes it to the log as refused access."""

    def __init__(self, message: str, *, client_id: int | None = None, case_id: int | None = None):
        super().__init__(message)
        self.client_id = client_id
        self.case_id = case_id


class Refused(PermissionDenied):
    """An action was refused, by a permission, the state of the record or a rule of the
    domain. The one refusal error of the project: services raise it, views show its
    message as it is (a form error or a message), and one left uncaught answers 403."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
