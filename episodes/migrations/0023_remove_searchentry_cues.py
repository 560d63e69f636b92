# The entries' cues now live in their segments (0022). Removed in a migration of its own: on
# PostgreSQL a table cannot be altered in the transaction that filled rows referring to it.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("episodes", "0022_searchsegment_transcript_stretches"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="searchentry",
            name="cues",
        ),
    ]
