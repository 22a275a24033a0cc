"""On PostgreSQL the database itself refuses to change or delete audit events.

The ORM already refuses (AuditEvent.save/delete and its queryset); this trigger also
stops raw SQL and other clients. The one change allowed is the actor becoming NULL
when a user is deleted: the event keeps actor_name, so who acted stays on record.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION cleanbreak_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.actor_id IS NULL
       AND (to_jsonb(NEW) - 'actor_id') = (to_jsonb(OLD) - 'actor_id') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'The audit log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER agency_auditevent_append_only
BEFORE UPDATE OR DELETE ON agency_auditevent
FOR EACH ROW EXECUTE FUNCTION cleanbreak_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS agency_auditevent_append_only ON agency_auditevent;
DROP FUNCTION IF EXISTS cleanbreak_audit_append_only();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("agency", "0001_initial")]
    operations = [migrations.RunPython(create, drop)]
