"""Room on every page of reports_metricvalue for a recomputation to update its rows in place
(PostgreSQL HOT updates skip all five indexes): measured 17.6 s -> 6.6 s for 369,600 rows
(bench/run.sh metrics). PostgreSQL only; other databases have no fill factor."""

from django.db import migrations


def fillfactor(apps, schema_editor, value: str) -> None:
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE reports_metricvalue SET (fillfactor = {value})")


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_annual_review")]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: fillfactor(apps, schema_editor, "50"),
            lambda apps, schema_editor: fillfactor(apps, schema_editor, "100"),
        )
    ]
