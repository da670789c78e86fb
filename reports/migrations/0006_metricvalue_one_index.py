"""One index beside the primary key: the unique constraint in the order (community, period,
as_of, key) also serves the newest-as_of lookups, so metricvalue_latest_idx and the created_at
index go, and the fill factor returns to 100 (0003 left room for updates in place; a run now
inserts rows under a new as_of and leaves unchanged ones alone). A first store of 369,600 rows:
see bench/metrics.py and the README's benchmark table."""

from django.db import migrations, models


def fillfactor(apps, schema_editor, value: str) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE reports_metricvalue SET (fillfactor = {value})")


class Migration(migrations.Migration):

    dependencies = [
        ('community', '0006_alter_activity_community_and_more'),
        ('reports', '0005_alter_annualreview_community_and_more'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='metricvalue',
            name='metricvalue_uniq',
        ),
        migrations.RemoveIndex(
            model_name='metricvalue',
            name='metricvalue_latest_idx',
        ),
        migrations.AlterField(
            model_name='metricvalue',
            name='created_at',
            field=models.DateTimeField(auto_now_add=True, verbose_name='Created at'),
        ),
        migrations.AddConstraint(
            model_name='metricvalue',
            constraint=models.UniqueConstraint(fields=('community', 'period', 'as_of', 'key'), name='metricvalue_uniq'),
        ),
        migrations.RunPython(
            lambda apps, schema_editor: fillfactor(apps, schema_editor, "100"),
            lambda apps, schema_editor: fillfactor(apps, schema_editor, "50"),
        ),
    ]
