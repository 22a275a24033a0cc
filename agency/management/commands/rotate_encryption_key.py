"""Re-encrypt every stored secret under the newest key in CLEANBREAK_ENCRYPTION_KEYS.

Rotating the encryption key, step by step:

1. ``python manage.py generate_encryption_key`` prints a new key.
2. Put it FIRST in CLEANBREAK_ENCRYPTION_KEYS and keep the old key after it
   (``CLEANBREAK_ENCRYPTION_KEYS=<new>,<old>``). New secrets are then written with the new
   key, and existing ones still decrypt with the old one.
3. Restart every process that reads the settings (web and workers), so that none of them
   still writes with the old key.
4. ``python manage.py rotate_encryption_key`` (``--dry-run`` first shows the counts and
   checks that every secret can be decrypted, without changing anything).
5. Remove the old key from CLEANBREAK_ENCRYPTION_KEYS and restart again. Keep the old key
   somewhere safe until every backup taken before step 4 has expired: those backups hold
   secrets encrypted under it.

Every EncryptedTextField of every installed model is covered, and so is every file of
every EncryptedFileField (a generated handover holds every password, so its file is
encrypted too; a file still in clear from before that is encrypted). The raw column is read and
written with SQL, since the field itself decrypts on load and encrypts on save. Rows
already under the newest key are left alone, so running the command again is harmless.
Before anything is written, every secret is checked: if any cannot be decrypted with the
configured keys, the command stops without changing anything and names the rows (model
and primary key, never the content). The rows are then re-encrypted in batches, one
transaction per batch; a row changed by someone else in the meantime is not overwritten
(it was written under the newest key anyway, if step 3 was done).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from cryptography.fernet import Fernet, InvalidToken
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Field, Model

from agency import crypto
from agency.fields import EncryptedFileField, EncryptedTextField

LISTED_FAILURES = 20  # per column; the count says how many more there are


@dataclasses.dataclass
class Column:
    model: type[Model]
    field: Field

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.field.name}"


@dataclasses.dataclass
class Tally:
    current: int = 0  # already under the newest key
    stale: int = 0  # under an older key: to re-encrypt
    rotated: int = 0
    failed: list = dataclasses.field(default_factory=list)  # primary keys that cannot be decrypted


def _columns_of(kind: type[Field]) -> Iterator[Column]:
    seen = set()
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        # Local fields only: a multi-table child's inherited fields live in the parent table.
        for model_field in model._meta.local_concrete_fields:
            if not isinstance(model_field, kind):
                continue
            key = (model._meta.db_table, model_field.column)
            if key not in seen:
                seen.add(key)
                yield Column(model, model_field)


def encrypted_columns() -> Iterator[Column]:
    """Every EncryptedTextField column of every installed model, each table column once."""
    return _columns_of(EncryptedTextField)


def encrypted_file_columns() -> Iterator[Column]:
    """Every EncryptedFileField of every installed model: their files are encrypted."""
    return _columns_of(EncryptedFileField)


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted secret under the newest key in CLEANBREAK_ENCRYPTION_KEYS. "
        "Procedure: 1) generate_encryption_key; 2) put the new key FIRST in "
        "CLEANBREAK_ENCRYPTION_KEYS, keeping the old key after it; 3) restart; "
        "4) run this command; 5) remove the old key (and restart). Safe to run twice; "
        "stops without changing anything if a secret cannot be decrypted."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check every secret and count what would be re-encrypted; change nothing.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=500,
            help="Rows per batch and transaction (default 500).",
        )
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help='The database to work on (default "default").',
        )

    def handle(self, *args, dry_run: bool, batch_size: int, database: str, **options) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        try:
            crypto.keyring()  # validates the configured keys
        except ImproperlyConfigured as error:
            raise CommandError(str(error)) from error
        self.newest = Fernet(settings.CLEANBREAK_ENCRYPTION_KEYS[0])
        self.connection = connections[database]
        self.batch_size = batch_size
        self.verbose = options["verbosity"] >= 1

        columns = list(encrypted_columns())
        file_columns = list(encrypted_file_columns())
        if not columns and not file_columns:
            self.note("No model has an encrypted field: nothing to do.")
            return

        # 1. Check everything before writing anything.
        tallies = {column.label: self.check(column) for column in columns}
        file_tallies = {f"{c.label} files": self.check_files(c) for c in file_columns}
        failures = [
            (label, tally.failed)
            for label, tally in (*tallies.items(), *file_tallies.items())
            if tally.failed
        ]
        if failures:
            raise CommandError(self.failure_message(failures, changed=False))

        if dry_run:
            for column in columns:
                tally = tallies[column.label]
                self.note(
                    f"{column.label}: {tally.stale} would be re-encrypted, "
                    f"{tally.current} already under the newest key."
                )
            for label, tally in file_tallies.items():
                self.note(
                    f"{label}: {tally.stale} would be re-encrypted, "
                    f"{tally.current} already under the newest key."
                )
            self.note("Dry run: nothing was changed.")
            return

        # 2. Re-encrypt, batch by batch.
        failures = []
        for column in columns:
            tally = self.rotate(column)
            self.note(
                f"{column.label}: {tally.rotated} re-encrypted, "
                f"{tally.current} already under the newest key."
            )
            if tally.failed:
                failures.append((column.label, tally.failed))
        for column in file_columns:
            tally = self.rotate_files(column)
            label = f"{column.label} files"
            self.note(
                f"{label}: {tally.rotated} re-encrypted, "
                f"{tally.current} already under the newest key."
            )
            if tally.failed:
                failures.append((label, tally.failed))
        if failures:  # only if a row was written with an unknown key while this ran
            raise CommandError(self.failure_message(failures, changed=True))
        self.note(
            "Done. Once every process runs with the new key first, the old key can be removed "
            "from CLEANBREAK_ENCRYPTION_KEYS.",
            style=self.style.SUCCESS,
        )

    # --- Reading and writing the raw column ---------------------------------------------

    def is_current(self, token: str) -> bool:
        try:
            self.newest.decrypt(token.encode("ascii"))
        except (InvalidToken, UnicodeEncodeError):
            return False
        return True

    def fetch(self, column: Column, after) -> list[tuple]:
        """The next batch of (pk, token) with a non-empty token, in primary key order."""
        ops = self.connection.ops
        table = ops.quote_name(column.model._meta.db_table)
        pk = ops.quote_name(column.model._meta.pk.column)
        secret = ops.quote_name(column.field.column)
        # Identifiers come from model metadata and are quoted; every value is a parameter.
        sql = f"SELECT {pk}, {secret} FROM {table} WHERE {secret} IS NOT NULL AND {secret} <> ''"  # noqa: S608
        params = []
        if after is not None:
            sql += f" AND {pk} > %s"
            params.append(after)
        sql += f" ORDER BY {pk} {ops.limit_offset_sql(None, self.batch_size)}"
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def batches(self, column: Column) -> Iterator[list[tuple]]:
        after = None
        while rows := self.fetch(column, after):
            yield rows
            after = rows[-1][0]

    def check(self, column: Column) -> Tally:
        tally = Tally()
        for rows in self.batches(column):
            for pk, token in rows:
                if self.is_current(token):
                    tally.current += 1
                    continue
                try:
                    crypto.decrypt(token)
                except crypto.DecryptionFailed:
                    tally.failed.append(pk)
                else:
                    tally.stale += 1
        return tally

    def rotate(self, column: Column) -> Tally:
        ops = self.connection.ops
        table = ops.quote_name(column.model._meta.db_table)
        pk_column = ops.quote_name(column.model._meta.pk.column)
        secret = ops.quote_name(column.field.column)
        # Compare-and-set: a row changed since it was read is left as the other writer left it.
        update = f"UPDATE {table} SET {secret} = %s WHERE {pk_column} = %s AND {secret} = %s"  # noqa: S608
        tally = Tally()
        after = None
        while True:
            with transaction.atomic(using=self.connection.alias):
                rows = self.fetch(column, after)
                if not rows:
                    break
                with self.connection.cursor() as cursor:
                    for pk, token in rows:
                        if self.is_current(token):
                            tally.current += 1
                            continue
                        try:
                            rotated = crypto.rotate(token)
                        except crypto.DecryptionFailed:
                            tally.failed.append(pk)
                            continue
                        cursor.execute(update, [rotated, pk, token])
                        tally.rotated += cursor.rowcount
            after = rows[-1][0]
        return tally

    # --- Encrypted files --------------------------------------------------------------

    def stored_files(self, column: Column) -> Iterator[tuple[int, str]]:
        """(pk, name) of every file of this encrypted file field that exists in storage."""
        storage = column.field.storage
        rows = column.model._default_manager.using(self.connection.alias).exclude(
            **{column.field.name: ""}
        )
        for pk, name in rows.order_by("pk").values_list("pk", column.field.name).iterator():
            if storage.exists(name):  # a file lost from disk has nothing left to rotate
                yield pk, name

    def check_files(self, column: Column) -> Tally:
        tally = Tally()
        for pk, name in self.stored_files(column):
            state = column.field.storage.state(name, newest=self.newest)
            if state == "current":
                tally.current += 1
            elif state == "failed":
                tally.failed.append(pk)
            else:
                tally.stale += 1
        return tally

    def rotate_files(self, column: Column) -> Tally:
        tally = Tally()
        storage = column.field.storage
        for pk, name in self.stored_files(column):
            state = storage.state(name, newest=self.newest)
            if state == "current":
                tally.current += 1
            elif state == "failed":
                tally.failed.append(pk)
            else:
                storage.rotate(name)
                tally.rotated += 1
        return tally

    # --- Output -------------------------------------------------------------------------

    def note(self, message: str, style=None) -> None:
        if self.verbose:
            self.stdout.write(message, style_func=style)

    @staticmethod
    def failure_message(failures: list[tuple[str, list]], *, changed: bool) -> str:
        total = sum(len(pks) for _, pks in failures)
        lines = [
            f"{total} stored secret(s) cannot be decrypted with the keys in "
            "CLEANBREAK_ENCRYPTION_KEYS; "
            + (
                "the other rows were re-encrypted, these were not:"
                if changed
                else "nothing was changed. Add the key they were encrypted with "
                "(after the newest key), or repair these rows, then run this again:"
            )
        ]
        for label, pks in failures:
            shown = ", ".join(str(pk) for pk in pks[:LISTED_FAILURES])
            more = f" and {len(pks) - LISTED_FAILURES} more" if len(pks) > LISTED_FAILURES else ""
            lines.append(f"  {label}: pk {shown}{more}")
        return "\n".join(lines)
