# The case links the client's repair attempts (the model was called Remediation).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("offboarding", "0006_encrypted_file_field"),
        ("clients", "0003_repair_attempt"),
    ]

    operations = [
        migrations.RenameField("offboarding", "remediations", "repair_attempts"),
    ]
