"""Errors shared by the apps."""

from django.http import Http404


class NotVisible(Http404):
    """A client or case that exists, asked for by someone who may not see it.

    It answers 404 like a missing one (nobody learns that it exists), and the audit
    middleware writes it to the log as refused access."""

    def __init__(self, message: str, *, client_id: int | None = None, case_id: int | None = None):
        super().__init__(message)
        self.client_id = client_id
        self.case_id = case_id
