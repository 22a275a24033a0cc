"""Encrypt the 2FA / recovery notes of credentials: they can hold backup codes.

The column stays a text column; what changes is what it holds. Existing notes are
encrypted in place (and decrypted again if the migration is reversed)."""

from django.db import migrations

import agency.fields
from agency import crypto


def _convert(apps, schema_editor, change):
    # Raw SQL: the historical model would run the values through the new field, which
    # expects tokens; the table and column names are fixed, only values are parameters.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, recovery_note FROM offboarding_credential WHERE recovery_note <> ''"
        )
        for pk, value in cursor.fetchall():
            cursor.execute(
                "UPDATE offboarding_credential SET recovery_note = %s WHERE id = %s",
                [change(value), pk],
            )


def encrypt(apps, schema_editor):
    _convert(apps, schema_editor, crypto.encrypt)


def decrypt(apps, schema_editor):
    _convert(apps, schema_editor, crypto.decrypt)


class Migration(migrations.Migration):
    dependencies = [("offboarding", "0003_list_indexes")]

    operations = [
        migrations.AlterField(
            model_name="credential",
            name="recovery_note",
            field=agency.fields.EncryptedTextField(
                blank=True,
                help_text="Where the second factor lives, backup codes. Encrypted like the secret.",
                verbose_name="2FA / recovery note",
            ),
        ),
        migrations.RunPython(encrypt, decrypt),
    ]
