"""Fast writes for the importer's batches.

Django's bulk_create prepares every value through every field, and bulk_update builds a CASE
per field and row: at 2,000 rows a batch they held the importer to about 2,500 rows per second,
half its target (docs/import.md, "Speed"). Here rows are plain dicts written with the model's
own columns and defaults, so a field added to the model later still gets its default:
- new rows: PostgreSQL `COPY` with ids drawn from the table's sequence first (five times
  faster than a multi-row INSERT here); other databases a multi-row `INSERT ... RETURNING`;
- known rows: a multi-row `INSERT ... ON CONFLICT (id) DO UPDATE` of the named fields.
"""

import json

from django.db import connection, models
from django.utils import timezone

# Keeps a statement under PostgreSQL's 65,535 and SQLite's 32,766 bound parameters.
MAX_PARAMS = 30_000
COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def use_copy() -> bool:
    return connection.vendor == "postgresql"


def _columns(model, *, with_pk: bool):
    """The model's concrete fields and each one's value for a row that does not name it: the
    field's default, or now for `created_at`/`updated_at`."""
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    defaults = {}
    for f in fields:
        if isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add):
            defaults[f.attname] = now
        elif not f.primary_key:
            defaults[f.attname] = f.get_default()
    return fields, defaults


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def _param_encoder(field):
    """Python value -> query parameter, for one column."""
    if isinstance(field, models.JSONField):
        return _json
    if isinstance(field, models.DateTimeField):
        adapt = connection.ops.adapt_datetimefield_value
        return lambda v: None if v is None else adapt(v)
    return None


def _copy_encoder(field):
    """Python value -> COPY text format, for one column (chosen once, not per value)."""
    if isinstance(field, models.JSONField):
        return lambda v: _json(v).translate(COPY_ESCAPES)
    if isinstance(field, models.BooleanField):
        return lambda v: "t" if v else "f"
    if isinstance(field, models.DateTimeField | models.IntegerField | models.ForeignKey):
        return lambda v: "\\N" if v is None else str(v)
    return lambda v: "\\N" if v is None else str(v).translate(COPY_ESCAPES)


def _values(rows, fields, defaults, encoders):
    """Encoded rows. All rows of a call name the same fields; the others' encoded defaults are
    computed once."""
    named = rows[0].keys()
    plan = [
        (f.attname, encode, None)
        if f.attname in named
        else (None, None, defaults[f.attname] if encode is None else encode(defaults[f.attname]))
        for f, encode in zip(fields, encoders, strict=True)
    ]
    for row in rows:
        yield [
            constant if name is None else row[name] if encode is None else encode(row[name])
            for name, encode, constant in plan
        ]


COPY_CHUNK = 65_536  # characters a read


class CopyStream:
    """A text file whose read() encodes rows on demand, for COPY: PostgreSQL's backend parses
    and inserts one chunk while this process encodes the next, on the other core (encoding a
    whole batch first left each waiting for the other; bench/imports.py)."""

    def __init__(self, lines):
        self._lines = lines
        self._rest = ""

    def read(self, size: int = -1) -> str:
        parts, n = [self._rest], len(self._rest)
        for line in self._lines:
            parts.append(line)
            n += len(line)
            if 0 <= size <= n:
                break
        text = "".join(parts)
        cut = len(text) if size < 0 else size
        self._rest = text[cut:]
        return text[:cut]


def insert_rows(model: type[models.Model], rows: list[dict]) -> list[int]:
    """Insert `rows` (dicts of field attname -> Python value; missing fields take the field's
    default, `created_at`/`updated_at` now) into `model`'s table. Returns the new ids, in the
    order of `rows`."""
    if not rows:
        return []
    quote = connection.ops.quote_name
    table, pk = model._meta.db_table, model._meta.pk.column
    if use_copy():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk, len(rows)],
            )
            ids = [r[0] for r in cursor.fetchall()]
            fields, defaults = _columns(model, with_pk=True)
            encoders = [_copy_encoder(f) for f in fields]
            rows = [{**row, "id": i} for row, i in zip(rows, ids, strict=True)]
            lines = (
                "\t".join(values) + "\n" for values in _values(rows, fields, defaults, encoders)
            )
            columns = ", ".join(quote(f.column) for f in fields)
            with connection.wrap_database_errors:
                cursor.cursor.copy_expert(
                    f"COPY {quote(table)} ({columns}) FROM STDIN",
                    CopyStream(lines),
                    size=COPY_CHUNK,
                )
        return ids
    fields, defaults = _columns(model, with_pk=False)
    values = _values(rows, fields, defaults, [_param_encoder(f) for f in fields])
    ids = []
    for sql, params in _insert_statements(table, fields, list(values)):
        with connection.cursor() as cursor:
            cursor.execute(f"{sql} RETURNING {quote(pk)}", params)
            ids.extend(r[0] for r in cursor.fetchall())
    return ids


def upsert_rows(model: type[models.Model], rows: list[dict], *, update_fields: list[str]) -> None:
    """Rows carrying `id`: an existing row with that id gets `update_fields` overwritten and
    keeps its other columns (INSERT ... ON CONFLICT (id) DO UPDATE)."""
    quote = connection.ops.quote_name
    updates = ", ".join(
        f"{c} = EXCLUDED.{c}"
        for c in (quote(model._meta.get_field(n).column) for n in update_fields)
    )
    fields, defaults = _columns(model, with_pk=True)
    values = list(_values(rows, fields, defaults, [_param_encoder(f) for f in fields]))
    for sql, params in _insert_statements(model._meta.db_table, fields, values):
        with connection.cursor() as cursor:
            cursor.execute(
                f"{sql} ON CONFLICT ({quote(model._meta.pk.column)}) DO UPDATE SET {updates}",
                params,
            )


def _insert_statements(table, fields, values):
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    step = MAX_PARAMS // len(fields)
    for start in range(0, len(values), step):
        chunk = values[start : start + step]
        # Identifiers come from the model, quoted; every value is a bound parameter.
        sql = (
            f"INSERT INTO {quote(table)} ({columns}) VALUES {', '.join([placeholder] * len(chunk))}"  # noqa: S608
        )
        yield sql, [v for row in chunk for v in row]
