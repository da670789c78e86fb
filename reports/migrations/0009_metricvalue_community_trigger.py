"""What the foreign key of reports_metricvalue.community_id did on the community's side, done by
a trigger on community_community (the table has no foreign-key constraint: 0007): deleting a
community deletes its metric values, those a metrics run committed while the delete waited for
the run's lock included; changing a community's id while values refer to it is refused, as
the foreign key refused it."""

from django.db import migrations

POSTGRESQL = """
CREATE FUNCTION reports_metricvalue_community_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM reports_metricvalue WHERE community_id = OLD.id;
  ELSIF OLD.id <> NEW.id AND EXISTS (SELECT FROM reports_metricvalue WHERE community_id = OLD.id)
  THEN
    RAISE foreign_key_violation USING MESSAGE = format(
      'community %s has metric values (reports_metricvalue): its id cannot change', OLD.id);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER reports_metricvalue_community_changed
AFTER DELETE OR UPDATE OF id ON community_community
FOR EACH ROW EXECUTE FUNCTION reports_metricvalue_community_changed();
"""
POSTGRESQL_DROP = """
DROP TRIGGER reports_metricvalue_community_changed ON community_community;
DROP FUNCTION reports_metricvalue_community_changed();
"""
SQLITE = [
    """CREATE TRIGGER reports_metricvalue_community_deleted AFTER DELETE ON community_community
    BEGIN DELETE FROM reports_metricvalue WHERE community_id = OLD.id; END""",
    """CREATE TRIGGER reports_metricvalue_community_rekeyed AFTER UPDATE OF id
    ON community_community
    WHEN OLD.id <> NEW.id AND EXISTS (SELECT 1 FROM reports_metricvalue WHERE community_id = OLD.id)
    BEGIN SELECT RAISE(ABORT, 'community has metric values: its id cannot change'); END""",
]
SQLITE_DROP = [
    "DROP TRIGGER reports_metricvalue_community_deleted",
    "DROP TRIGGER reports_metricvalue_community_rekeyed",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL, params=None)  # the SQL holds a literal %s
    else:
        for statement in SQLITE:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_DROP)
    else:
        for statement in SQLITE_DROP:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("reports", "0008_metricvalue_instants_by_default")]

    operations = [
        migrations.RunPython(forward, backward),
    ]
