"""Indexes for the client list at volume: its sorts, its filters and the name search.

Every index here serves one way the list is read, so a page costs what it shows:
name order (the default sort, and the tie-break after a filter), status and risk level
filters kept in name order, and the "date added" sort. The risk sort and the dashboard
use client_risk_idx from 0001.

The name search is `name__icontains`, which Django writes on PostgreSQL as
UPPER("name"::text) LIKE UPPER('%…%'). A trigram GIN index on that same expression
serves it; it needs the pg_trgm extension, so it exists on PostgreSQL only (SQLite,
the local default, scans a table it holds in memory anyway). It lives outside the
model state, so makemigrations does not see it. fastupdate is off: clients are added
one at a time, and without it a fresh batch of names sits in GIN's pending list until
the next vacuum, which the planner rightly prices out of every search.
"""

from django.db import migrations, models

TRIGRAM_INDEX = "client_name_trgm_idx"


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} ON clients_client "
        "USING gin (UPPER(name) gin_trgm_ops) WITH (fastupdate = off)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The extension stays: other objects may use it, and it costs nothing unused.
    schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="client",
            index=models.Index(fields=["name", "id"], name="client_name_idx"),
        ),
        migrations.AddIndex(
            model_name="client",
            index=models.Index(fields=["status", "name", "id"], name="client_status_name_idx"),
        ),
        migrations.AddIndex(
            model_name="client",
            index=models.Index(fields=["risk_level", "name", "id"], name="client_risk_level_idx"),
        ),
        migrations.AddIndex(
            model_name="client",
            index=models.Index(fields=["created_at"], name="client_created_idx"),
        ),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
