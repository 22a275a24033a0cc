"""Print a new key for CLEANBREAK_ENCRYPTION_KEYS.

Only the key goes to standard output, so `KEY=$(python manage.py generate_encryption_key)`
captures exactly the key; the hint on how to use it goes to standard error. Nothing is
stored anywhere: keep the key in the secret store the deployment reads its settings from.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from agency import crypto


class Command(BaseCommand):
    help = (
        "Print a new Fernet key for CLEANBREAK_ENCRYPTION_KEYS. To rotate, put it first in "
        "the list, keep the old key after it, restart, then run rotate_encryption_key."
    )

    def handle(self, *args, **options) -> None:
        self.stdout.write(crypto.new_key())
        self.stderr.write(
            "Prepend it to CLEANBREAK_ENCRYPTION_KEYS (new,old), restart, then run "
            "`python manage.py rotate_encryption_key`; remove the old key only after that.",
            style_func=self.style.NOTICE,
        )
