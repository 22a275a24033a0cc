# One name per idea: the interface says "repair attempt", and so does the code now.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0002_list_indexes"),
        ("offboarding", "0006_encrypted_file_field"),
    ]

    operations = [
        migrations.RenameModel("Remediation", "RepairAttempt"),
        migrations.RenameModel("HistoricalRemediation", "HistoricalRepairAttempt"),
        migrations.AlterField(
            model_name="repairattempt",
            name="client",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="repair_attempts",
                to="clients.client",
            ),
        ),
        migrations.AlterModelOptions(
            name="historicalrepairattempt",
            options={
                "get_latest_by": ("history_date", "history_id"),
                "ordering": ("-history_date", "-history_id"),
                "verbose_name": "historical repair attempt",
                "verbose_name_plural": "historical repair attempts",
            },
        ),
    ]
