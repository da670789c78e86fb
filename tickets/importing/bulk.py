"""Multi-row INSERT for the importer's batches (PostgreSQL and SQLite alike).

Django's bulk_create prepares every value through every field and bulk_update builds a CASE
per field and row; at 2,000 rows a batch they held the importer to 2,500 rows per second,
half its target (docs/import.md, "Speed"). This writes plain `INSERT ... VALUES` statements
with the model's own columns and defaults, so a field added to the model later still gets its
default without touching this module.
"""

import json

from django.db import connection, models
from django.utils import timezone

# Keeps a statement under PostgreSQL's 65,535 and SQLite's 32,766 bound parameters.
MAX_PARAMS = 30_000


def _adapter(field: models.Field):
    if isinstance(field, models.JSONField):
        return json.dumps
    if isinstance(field, models.DateTimeField):
        return lambda v: None if v is None else connection.ops.adapt_datetimefield_value(v)
    return lambda v: v


def insert_rows(
    model: type[models.Model],
    rows: list[dict],
    *,
    with_pk: bool = False,
    update_fields: list[str] = (),
) -> list[int]:
    """Insert `rows` (dicts of field attname -> Python value) into `model`'s table.

    Missing fields take the model field's default; `created_at`/`updated_at` are now.
    `with_pk`: the rows carry `id` and an existing row with that id has `update_fields`
    overwritten (INSERT ... ON CONFLICT (id) DO UPDATE), other columns untouched. Without it,
    returns the new ids in the order of `rows`.
    """
    if not rows:
        return []
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    defaults = {}
    for f in fields:
        if isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add):
            defaults[f.attname] = now
        elif not f.primary_key:
            defaults[f.attname] = f.get_default()
    adapters = [(f.attname, _adapter(f)) for f in fields]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    tail = ""
    if with_pk:
        tail = " ON CONFLICT ({}) DO UPDATE SET {}".format(
            quote(model._meta.pk.column),
            ", ".join(
                f"{quote(c)} = EXCLUDED.{quote(c)}"
                for c in (model._meta.get_field(name).column for name in update_fields)
            ),
        )
    else:
        tail = f" RETURNING {quote(model._meta.pk.column)}"
    ids: list[int] = []
    step = MAX_PARAMS // len(fields)
    with connection.cursor() as cursor:
        for start in range(0, len(rows), step):
            chunk = rows[start : start + step]
            params = []
            for row in chunk:
                values = {**defaults, **row}
                params.extend(adapt(values[name]) for name, adapt in adapters)
            # Identifiers come from the model, quoted; every value is a bound parameter.
            values_sql = ", ".join([placeholder] * len(chunk))
            sql = f"INSERT INTO {table} ({columns}) VALUES {values_sql}"  # noqa: S608
            cursor.execute(sql + tail, params)
            if not with_pk:
                ids.extend(r[0] for r in cursor.fetchall())
    return ids
