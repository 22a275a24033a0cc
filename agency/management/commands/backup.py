"""python manage.py backup [--output FILE]: the database and the private files, one archive."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from agency.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database and the private files into one .tar.gz archive (mode 0600). "
        "Secrets stay encrypted: keep CLEANBREAK_ENCRYPTION_KEYS to restore."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="Archive to write (default: var/backups/cleanbreak-<date-time>.tar.gz).",
        )

    def handle(self, *args, **options):
        output = options["output"] or (
            Path(settings.BASE_DIR)
            / "var"
            / "backups"
            / f"cleanbreak-{timezone.now():%Y%m%d-%H%M%S}.tar.gz"
        )
        try:
            manifest = backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = ", ".join(f"{k.split('_', 1)[1]}: {v}" for k, v in manifest["rows"].items())
        self.stdout.write(self.style.SUCCESS(f"Backup written to {output}"))
        self.stdout.write(f"  {rows}; {manifest['media_files']} private files")
