"""Indexes for the offboarding lists at volume, each in the order its page reads.

- case_open_idx: the open cases, oldest first (open_cases_for_user). Partial on the
  open states, with the same condition the list filters on, so the planner walks it
  in page order and stops after one page instead of sorting every open case.
- case_awaiting_idx: proposed cases in the order they were proposed (the approvals page),
  partial on the one state that page shows.
- case_closed_idx: closed cases, most recently closed first (the "closed" tab), partial
  on the states that tab shows (open cases have no closed_at and would sort first).
"""

from django.db import migrations, models

OPEN_STATES = ["draft", "proposed", "approved", "in_progress"]


class Migration(migrations.Migration):
    dependencies = [
        ("offboarding", "0002_documents"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="offboarding",
            index=models.Index(
                fields=["created_at", "id"],
                condition=models.Q(status__in=OPEN_STATES),
                name="case_open_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="offboarding",
            index=models.Index(
                fields=["proposed_at", "id"],
                condition=models.Q(status="proposed"),
                name="case_awaiting_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="offboarding",
            index=models.Index(
                fields=["-closed_at", "-id"],
                condition=~models.Q(status__in=OPEN_STATES),
                name="case_closed_idx",
            ),
        ),
    ]
