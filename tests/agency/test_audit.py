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
