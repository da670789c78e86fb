"""Model instances read by a constant statement on a plain cursor: for the look-ups every API
request makes (the token's user, the community and roles of the URL's slug).

`Model.objects.raw()` works out, for every query, which column is which field and how to
convert it: 0.25 ms of each of those look-ups, whose statement takes 0.12 ms (bench/api.py).
Here that is worked out once per model: the statement names the columns itself
(`columns(model, alias)`), in the order `instances` reads them.
"""

from functools import cache

from django.db import connection
from django.db.models import Model


def columns(model: type[Model], alias: str) -> str:
    """The SELECT list of every concrete field of `model` in table `alias`, in field order."""
    qn = connection.ops.quote_name
    return ", ".join(f"{alias}.{qn(f.column)}" for f in model._meta.concrete_fields)


@cache
def _converters(model: type[Model], vendor: str) -> tuple[list[str], list[tuple[int, list]]]:
    """(attnames, [(position, converters)]): what the ORM applies to each column of `model` as
    the engine returns it (e.g. JSON text into values, SQLite's text into datetimes)."""
    fields = model._meta.concrete_fields
    found = []
    for i, field in enumerate(fields):
        column = field.get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        if converters:
            found.append((i, [(convert, column) for convert in converters]))
    return [f.attname for f in fields], found


def instances(model: type[Model], sql: str, params: list) -> list[tuple[Model, tuple]]:
    """[(instance of `model`, the row's further columns)] of the rows of `sql`, whose first
    columns are `columns(model, ...)`. Raises what the database raises for a bad statement."""
    width = len(model._meta.concrete_fields)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [(instance(model, row[:width]), row[width:]) for row in rows]


def instance(model: type[Model], values) -> Model:
    """The instance of `model` whose columns, as `columns(model, ...)` lists them, read
    `values` (a slice of a row)."""
    attnames, conversions = _converters(model, connection.vendor)
    values = list(values)
    for i, converters in conversions:
        for convert, column in converters:
            values[i] = convert(values[i], column, connection)
    return model.from_db(connection.alias, attnames, values)
