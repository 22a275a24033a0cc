"""A backup restores into an empty database with the case, its documents and its trail."""

import hashlib
import uuid
from pathlib import Path

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from agency import crypto
from agency.models import AuditEvent
from offboarding import pipeline, services
from offboarding.models import Credential, Document
from tests.factories import ClientFactory, IncidentFactory

SECRET = "backup-secret-Zq81!"


@pytest.fixture
def offboarded_case(lead, manager, staff):
    client = ClientFactory(name="Harbour Backup Ltd", account_lead=lead, team=[staff])
    incident = IncidentFactory(client=client, reported_by=staff)
    case = services.offboarding_open(
        actor=staff,
        client=client,
        summary="Scope keeps growing.",
        timing="with_notice",
        incidents=[incident],
    )
    services.offboarding_submit(actor=staff, case=case)
    services.offboarding_approve(actor=manager, case=case, comment="Agreed.")
    services.credential_save(
        actor=lead, case=case, system="Google Ads", username="ads@harbour.example", secret=SECRET
    )
    document = services.document_request(actor=lead, case=case, kind=Document.Kind.HANDOVER)
    pipeline.document_render(document_id=document.pk)
    return case


def _admin_dsn(name: str) -> str:
    s = connection.settings_dict
    return (
        f"host={s['HOST'] or 'localhost'} port={s['PORT'] or 5432} user={s['USER']} dbname={name}"
    )


@pytest.mark.django_db(transaction=True)
def test_backup_restores_into_an_empty_database(require_postgres, offboarded_case, tmp_path):
    document = Document.objects.get(case=offboarded_case)
    original = Path(document.file.path).read_bytes()
    events = AuditEvent.objects.filter(case_id=offboarded_case.pk).count()
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=archive)
    assert archive.stat().st_mode & 0o777 == 0o600

    name = f"cleanbreak_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(_admin_dsn("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        s = connection.settings_dict
        url = f"postgres://{s['USER']}@{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{name}"
        media = tmp_path / "restored-media"
        call_command("restore", str(archive), database_url=url, media_root=media)

        with psycopg.connect(_admin_dsn(name)) as restored:
            status, client_name = restored.execute(
                "SELECT o.status, c.name FROM offboarding_offboarding o "
                "JOIN clients_client c ON c.id = o.client_id WHERE o.id = %s",
                [offboarded_case.pk],
            ).fetchone()
            assert (status, client_name) == ("in_progress", "Harbour Backup Ltd")
            assert (
                restored.execute(
                    "SELECT count(*) FROM agency_auditevent WHERE case_id = %s",
                    [offboarded_case.pk],
                ).fetchone()[0]
                == events
            )
            file_name, sha = restored.execute(
                "SELECT file, sha256 FROM offboarding_document WHERE id = %s", [document.pk]
            ).fetchone()
            secret_column = restored.execute(
                "SELECT secret FROM offboarding_credential"
            ).fetchone()[0]
        restored_file = media / file_name
        assert restored_file.read_bytes() == original
        # Files travel encrypted too: the restored file decrypts, with the keys, to the PDF.
        assert hashlib.sha256(crypto.decrypt_bytes(restored_file.read_bytes())).hexdigest() == sha
        # Secrets travel encrypted: the archive's database holds the token, not the secret.
        assert SECRET not in secret_column
        assert Credential.objects.get().secret == SECRET

        # A second restore into the now-filled database is refused.
        with pytest.raises(CommandError, match="already has tables"):
            call_command("restore", str(archive), database_url=url, media_root=tmp_path / "m2")
    finally:
        with psycopg.connect(_admin_dsn("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_restore_refuses_a_missing_archive(tmp_path, db):
    with pytest.raises(CommandError, match="No such backup"):
        call_command("restore", str(tmp_path / "nope.tar.gz"))
