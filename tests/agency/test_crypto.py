"""Secrets at rest: encrypted in the column, and the key can be rotated without losing any.

Every check of what is stored reads the raw column with SQL: the ORM would decrypt it.
"""

from io import StringIO
from pathlib import Path

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from agency import crypto
from agency.management.commands.rotate_encryption_key import encrypted_columns
from offboarding.models import Credential, Document, Offboarding

from ..factories import ClientFactory, UserFactory

KEY_A = crypto.new_key()
KEY_B = crypto.new_key()
KEY_UNKNOWN = crypto.new_key()

SECRETS = ["hunter2-correct-horse", "pässwörd ✓ with spaces", "x" * 2000]


@pytest.fixture
def key_a(settings):
    settings.CLEANBREAK_ENCRYPTION_KEYS = [KEY_A]


@pytest.fixture
def case(db):
    return Offboarding.objects.create(
        client=ClientFactory(), created_by=UserFactory(), summary="Abusive client."
    )


def make_credential(case, secret, system="Hosting"):
    return Credential.objects.create(case=case, system=system, username="admin", secret=secret)


def raw_secret(pk) -> str:
    """What the database column holds, bypassing the field's decryption."""
    table = connection.ops.quote_name(Credential._meta.db_table)
    column = connection.ops.quote_name(Credential._meta.get_field("secret").column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def set_raw_secret(pk, value) -> None:
    table = connection.ops.quote_name(Credential._meta.db_table)
    column = connection.ops.quote_name(Credential._meta.get_field("secret").column)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [value, pk])


def rotate(*args) -> str:
    out = StringIO()
    call_command("rotate_encryption_key", *args, stdout=out)
    return out.getvalue()


# --- Encryption at rest ---------------------------------------------------------------


@pytest.mark.parametrize("secret", SECRETS)
def test_the_column_holds_a_token_not_the_secret(key_a, case, secret):
    credential = make_credential(case, secret)
    stored = raw_secret(credential.pk)
    assert stored != secret
    assert secret not in stored
    assert secret[:8] not in stored
    assert Fernet(KEY_A).decrypt(stored.encode()).decode() == secret
    assert Credential.objects.get(pk=credential.pk).secret == secret


def test_the_same_secret_is_encrypted_differently_each_time(key_a, case):
    first = make_credential(case, "same-secret", system="A")
    second = make_credential(case, "same-secret", system="B")
    assert raw_secret(first.pk) != raw_secret(second.pk)


def test_an_updated_secret_is_encrypted_too(key_a, case):
    credential = make_credential(case, "old-secret")
    Credential.objects.filter(pk=credential.pk).update(secret="new-secret")
    stored = raw_secret(credential.pk)
    assert "new-secret" not in stored
    assert crypto.decrypt(stored) == "new-secret"


def test_a_wrong_key_cannot_decrypt(settings, key_a, case):
    credential = make_credential(case, "hunter2")
    stored = raw_secret(credential.pk)
    settings.CLEANBREAK_ENCRYPTION_KEYS = [KEY_B]
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(stored)
    with pytest.raises(crypto.DecryptionFailed):
        Credential.objects.get(pk=credential.pk)


def test_a_tampered_token_cannot_be_decrypted(key_a, case):
    stored = raw_secret(make_credential(case, "hunter2").pk)
    tampered = stored[:-6] + ("AAAAAA" if stored[-6:] != "AAAAAA" else "BBBBBB")
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(tampered)


@pytest.mark.parametrize("garbage", ["not a token", "plain secret with ümlauts"])
def test_a_column_that_is_not_a_token_fails_cleanly(key_a, garbage):
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(garbage)
    with pytest.raises(crypto.DecryptionFailed):
        crypto.rotate(garbage)


def test_an_empty_secret_is_allowed_and_stored_empty(key_a, case):
    credential = make_credential(case, "")
    assert raw_secret(credential.pk) == ""
    assert Credential.objects.get(pk=credential.pk).secret == ""


# --- generate_encryption_key --------------------------------------------------------------


def test_generate_encryption_key_prints_only_a_new_key_and_a_hint():
    keys = []
    for _ in range(2):
        out, err = StringIO(), StringIO()
        call_command("generate_encryption_key", stdout=out, stderr=err)
        key = out.getvalue().strip()
        assert "\n" not in key
        Fernet(key)  # a valid key, or this raises
        assert "CLEANBREAK_ENCRYPTION_KEYS" in err.getvalue()
        assert "rotate_encryption_key" in err.getvalue()
        keys.append(key)
    assert keys[0] != keys[1]


# --- rotate_encryption_key --------------------------------------------------------------


def test_every_encrypted_field_is_found():
    labels = {f"{c.model._meta.label}.{c.field.name}" for c in encrypted_columns()}
    assert "offboarding.Credential.secret" in labels
    assert "offboarding.Credential.recovery_note" in labels


@pytest.fixture
def credentials_under_a(key_a, case):
    """Rows under key A, including an empty secret, which has nothing to re-encrypt."""
    rows = {
        make_credential(case, secret, system=f"S{i}").pk: secret for i, secret in enumerate(SECRETS)
    }
    rows[make_credential(case, "", system="Empty").pk] = ""
    return rows


def test_rotation_moves_every_secret_to_the_new_key(settings, credentials_under_a):
    before = {pk: raw_secret(pk) for pk in credentials_under_a}
    settings.CLEANBREAK_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    output = rotate("--batch-size", "2")  # more rows than one batch
    assert "offboarding.Credential.secret: 3 re-encrypted, 0 already" in output

    settings.CLEANBREAK_ENCRYPTION_KEYS = [KEY_B]  # the old key is gone
    for pk, secret in credentials_under_a.items():
        assert Credential.objects.get(pk=pk).secret == secret
        stored = raw_secret(pk)
        if secret:
            assert stored != before[pk]
            assert secret not in stored
            Fernet(KEY_B).decrypt(stored.encode())
            with pytest.raises(InvalidToken):
                Fernet(KEY_A).decrypt(stored.encode())
        else:
            assert stored == ""


def test_rotating_twice_is_harmless(settings, credentials_under_a):
    settings.CLEANBREAK_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    rotate()
    after_first = {pk: raw_secret(pk) for pk in credentials_under_a}
    output = rotate()
    assert "offboarding.Credential.secret: 0 re-encrypted, 3 already" in output
    assert {pk: raw_secret(pk) for pk in credentials_under_a} == after_first
    settings.CLEANBREAK_ENCRYPTION_KEYS = [KEY_B]
    for pk, secret in credentials_under_a.items():
        assert Credential.objects.get(pk=pk).secret == secret


def test_rotation_only_touches_rows_under_an_old_key(settings, credentials_under_a, case):
    settings.CLEANBREAK_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    new = make_credential(case, "written-after-the-restart", system="New")
    stored = raw_secret(new.pk)
    output = rotate()
    assert "3 re-encrypted, 1 already under the newest key" in output
    assert raw_secret(new.pk) == stored


def test_a_secret_changed_during_rotation_is_not_overwritten(
    settings, credentials_under_a, monkeypatch
):
    settings.CLEANBREAK_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    target = next(pk for pk, secret in credentials_under_a.items() if secret)
    target_token = raw_secret(target)
    real_rotate = crypto.rotate

    def rotate_while_someone_edits(token):
        if token == target_token:  # another process saves a new secret right now
            Credential.objects.filter(pk=target).update(secret="changed-meanwhile")
        return real_rotate(token)

    monkeypatch.setattr(crypto, "rotate", rotate_while_someone_edits)
    assert "offboarding.Credential.secret: 2 re-encrypted" in rotate()
    settings.CLEANBREAK_ENCRYPTION_KEYS = [KEY_B]
    assert Credential.objects.get(pk=target).secret == "changed-meanwhile"


def test_dry_run_changes_nothing(settings, credentials_under_a):
    before = {pk: raw_secret(pk) for pk in credentials_under_a}
    settings.CLEANBREAK_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    output = rotate("--dry-run")
    assert "offboarding.Credential.secret: 3 would be re-encrypted" in output
    assert "nothing was changed" in output
    assert {pk: raw_secret(pk) for pk in credentials_under_a} == before
    settings.CLEANBREAK_ENCRYPTION_KEYS = [KEY_B]
    with pytest.raises(crypto.DecryptionFailed):
        Credential.objects.get(pk=next(pk for pk, s in credentials_under_a.items() if s))


def test_a_secret_under_an_unknown_key_stops_the_rotation(settings, credentials_under_a, case):
    settings.CLEANBREAK_ENCRYPTION_KEYS = [KEY_UNKNOWN]
    lost = make_credential(case, "secret-under-a-lost-key", system="Lost")
    lost_token = raw_secret(lost.pk)
    settings.CLEANBREAK_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    before = {pk: raw_secret(pk) for pk in credentials_under_a}

    for args in [(), ("--dry-run",)]:
        with pytest.raises(CommandError) as failure:
            rotate(*args)
        message = str(failure.value)
        # Only the undecryptable row is listed, by model, field and pk; never its content.
        assert message.splitlines()[1:] == [f"  offboarding.Credential.secret: pk {lost.pk}"]
        assert "secret-under-a-lost-key" not in message
        assert lost_token not in message

    # Checked before writing: nothing was re-encrypted.
    assert {pk: raw_secret(pk) for pk in credentials_under_a} == before
    assert raw_secret(lost.pk) == lost_token


def test_a_plain_text_column_stops_the_rotation_without_showing_it(settings, key_a, case):
    credential = make_credential(case, "placeholder")
    set_raw_secret(credential.pk, "legacy plain pässword")
    settings.CLEANBREAK_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    with pytest.raises(CommandError) as failure:
        rotate()
    assert f"offboarding.Credential.secret: pk {credential.pk}" in str(failure.value)
    assert "legacy plain" not in str(failure.value)


def test_rotation_with_nothing_stored(settings, db):
    settings.CLEANBREAK_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    assert "offboarding.Credential.secret: 0 re-encrypted, 0 already" in rotate()


def test_rotation_refuses_a_bad_key_setting(settings, db):
    settings.CLEANBREAK_ENCRYPTION_KEYS = ["not-a-fernet-key"]
    with pytest.raises(CommandError, match="generate_encryption_key"):
        rotate()


# --- Document files: a handover PDF holds every password --------------------------------

PDF = b"%PDF-1.7\n" + b"stand-in for a rendered handover " * 50


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


def make_document(case, content: bytes, version: int = 1) -> Document:
    """A ready document whose file holds `content` exactly as given (token or clear)."""
    name = f"documents/{case.pk}/handover-v{version}.pdf"
    path = Path(settings.MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return Document.objects.create(
        case=case,
        kind=Document.Kind.HANDOVER,
        version=version,
        requested_by=case.created_by,
        status=Document.Status.READY,
        file=name,
    )


def stored_bytes(document: Document) -> bytes:
    return Path(document.file.path).read_bytes()


def test_rotation_moves_document_files_to_the_new_key(settings, key_a, case, media):
    under_a = make_document(case, crypto.encrypt_bytes(PDF), version=1)
    in_clear = make_document(case, PDF, version=2)  # written before files were encrypted
    settings.CLEANBREAK_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    fresh = make_document(case, crypto.encrypt_bytes(PDF), version=3)
    fresh_token = stored_bytes(fresh)

    output = rotate()

    assert "offboarding.Document.file files: 2 re-encrypted, 1 already under" in output
    assert stored_bytes(fresh) == fresh_token
    settings.CLEANBREAK_ENCRYPTION_KEYS = [KEY_B]  # the old key is gone
    for document in (under_a, in_clear, fresh):
        assert not stored_bytes(document).startswith(b"%PDF")
        assert Fernet(KEY_B).decrypt(stored_bytes(document)) == PDF
        assert document.read_pdf() == PDF
    assert sorted(p.name for p in (media / f"documents/{case.pk}").iterdir()) == [
        "handover-v1.pdf",
        "handover-v2.pdf",
        "handover-v3.pdf",
    ]  # no temporary file left behind
    assert "0 re-encrypted, 3 already" in rotate()  # a second run changes nothing


def test_dry_run_leaves_document_files_alone(settings, key_a, case, media):
    document = make_document(case, crypto.encrypt_bytes(PDF))
    before = stored_bytes(document)
    settings.CLEANBREAK_ENCRYPTION_KEYS = [KEY_B, KEY_A]
    assert "offboarding.Document.file files: 1 would be re-encrypted" in rotate("--dry-run")
    assert stored_bytes(document) == before


def test_a_file_under_an_unknown_key_stops_the_rotation_before_any_change(
    settings, key_a, case, media
):
    make_credential(case, "hunter2")
    secret_before = raw_secret(Credential.objects.get().pk)
    lost = make_document(case, Fernet(KEY_UNKNOWN).encrypt(PDF))
    settings.CLEANBREAK_ENCRYPTION_KEYS = [KEY_B, KEY_A]

    with pytest.raises(CommandError) as failure:
        rotate()

    assert f"offboarding.Document.file files: pk {lost.pk}" in str(failure.value)
    assert raw_secret(Credential.objects.get().pk) == secret_before  # nothing was rotated


def test_a_damaged_file_is_neither_served_nor_rewritten(key_a, case, media):
    damaged = make_document(case, b"\x00\x13 truncated garbage, neither a token nor a PDF")

    with pytest.raises(crypto.DecryptionFailed):
        Document.objects.get(pk=damaged.pk).read_pdf()
    with pytest.raises(CommandError) as failure:
        rotate()
    assert f"offboarding.Document.file files: pk {damaged.pk}" in str(failure.value)


def test_a_pdf_written_before_encryption_is_still_read(key_a, case, media):
    legacy = make_document(case, PDF)
    assert Document.objects.get(pk=legacy.pk).read_pdf() == PDF
