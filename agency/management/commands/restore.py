"""python manage.py restore ARCHIVE: into an empty database and an empty media folder."""

from pathlib import Path

import environ
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from agency.backup import BackupError, Target, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup` into an EMPTY database (create it, "
        "do not migrate it) and an empty media folder. Uses the configured database and "
        "DJANGO_MEDIA_ROOT unless --database-url / --media-root say otherwise."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument("--database-url", help="Restore into this database instead.")
        parser.add_argument("--media-root", type=Path, help="Restore the files here instead.")

    def handle(self, *args, **options):
        archive = options["archive"]
        if not archive.is_file():
            raise CommandError(f"No such backup: {archive}")
        if options["database_url"]:
            target = Target.from_settings(environ.Env.db_url_config(options["database_url"]))
        else:
            target = Target.from_settings(connections["default"].settings_dict)
            connections["default"].close()
        media_root = options["media_root"] or Path(settings.MEDIA_ROOT)
        try:
            manifest = restore(archive, target=target, media_root=media_root)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the backup of {manifest['created_at']} into {target.name} "
                f"and {media_root}."
            )
        )
        self.stdout.write("Now run `python manage.py migrate` in case the code is newer.")
