from django.db import migrations, models


def restore_time_index(apps, schema_editor):
    # SQLite adds a NOT NULL column by rebuilding the table, which drops the time index that
    # 0013 created by hand; PostgreSQL adds the column in place and keeps its BRIN index.
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            "CREATE INDEX IF NOT EXISTS downloadevent_time ON episodes_downloadevent (occurred_at)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("episodes", "0020_rolling_windows_of_episode_downloads"),
    ]

    operations = [
        migrations.CreateModel(
            name="JournalFile",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=200, unique=True)),
                (
                    "offset",
                    models.PositiveBigIntegerField(default=0, help_text="Bytes of the file already loaded."),
                ),
            ],
        ),
        migrations.AddField(
            model_name="downloadevent",
            name="from_datacenter",
            field=models.BooleanField(
                db_default=False,
                default=False,
                help_text="The address was in a configured data-centre range (episodes.analytics.datacenters).",
            ),
        ),
        migrations.RunPython(restore_time_index, migrations.RunPython.noop),
    ]
