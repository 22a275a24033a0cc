"""The migration that encrypts recovery notes converts the notes already stored."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from agency import crypto

BEFORE = [("offboarding", "0003_list_indexes")]
AFTER = [("offboarding", "0004_encrypt_recovery_note")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_recovery_notes_are_encrypted_in_place_and_back(lead):
    apps = migrate(BEFORE)
    Client = apps.get_model("clients", "Client")
    Offboarding = apps.get_model("offboarding", "Offboarding")
    Credential = apps.get_model("offboarding", "Credential")
    client = Client.objects.create(name="Legacy Ltd", account_lead_id=lead.pk)
    case = Offboarding.objects.create(client=client, created_by_id=lead.pk, summary="Old case")
    noted = Credential.objects.create(
        case=case, system="Old CMS", username="admin", secret="", recovery_note="Codes 1234-5678"
    )
    empty = Credential.objects.create(case=case, system="Other", username="x", secret="")

    def raw(pk):
        with connection.cursor() as cursor:
            cursor.execute("SELECT recovery_note FROM offboarding_credential WHERE id = %s", [pk])
            return cursor.fetchone()[0]

    try:
        migrate(AFTER)
        assert "1234-5678" not in raw(noted.pk)
        assert crypto.decrypt(raw(noted.pk)) == "Codes 1234-5678"
        assert raw(empty.pk) == ""

        migrate(BEFORE)  # reversible
        assert raw(noted.pk) == "Codes 1234-5678"
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
