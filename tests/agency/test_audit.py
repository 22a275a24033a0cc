import pytest

from agency.models import AuditEvent
from agency.services import audit_record


@pytest.mark.django_db
def test_audit_events_cannot_be_changed_or_deleted(lead):
    event = audit_record(actor=lead, action=AuditEvent.Action.UPDATED, summary="Edited a client")
    event.summary = "Something else"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(summary="x")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).summary == "Edited a client"
    assert AuditEvent.objects.get(pk=event.pk).actor_name == lead.display_name


@pytest.mark.django_db
def test_postgresql_refuses_raw_updates_and_deletes_of_audit_events(require_postgres, lead):
    from django.db import DatabaseError, connection, transaction

    event = audit_record(actor=lead, action=AuditEvent.Action.UPDATED, summary="Original")
    for sql in (
        "UPDATE agency_auditevent SET summary = 'Forged' WHERE id = %s",
        "DELETE FROM agency_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).summary == "Original"


@pytest.mark.django_db
def test_deleting_a_user_keeps_their_events_with_their_name(lead):
    from tests.factories import UserFactory

    temp = UserFactory(username="temp-user", first_name="Tess", last_name="Temp")
    event = audit_record(actor=temp, action=AuditEvent.Action.LOGIN, summary="Logged in")
    temp.delete()
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.actor is None
    assert event.actor_name == "Tess Temp"
