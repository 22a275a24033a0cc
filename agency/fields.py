"""Model fields for secrets: stored encrypted, used as plain text in Python."""

from django.db import models

from . import crypto


class EncryptedTextField(models.TextField):
    """A text field whose column holds only the Fernet token, never the plain text.

    Not searchable or sortable by its content, by design.
    """

    description = "Text encrypted at rest"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(value)
