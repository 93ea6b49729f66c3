"""Bulk writes for the demo load and imports: a few statements per batch of rows, not a query
per row (docs/decisions/0004).

`QuerySet.bulk_create`/`bulk_update` build an instance per row and compile SQL value by value
(bulk_update as a CASE per column), which is the slow part at tens of thousands of rows. Here
rows are plain dicts of attnames (or model instances), missing fields take the field's default,
ids are left to the database, and each batch goes in with one `executemany` — on PostgreSQL one
`COPY`. For plain fields: text, numbers, booleans, dates, JSON and foreign-key ids.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import islice

from django.db import connection, models

from ktgs.core.models import Versioned

BATCH = 5000


def batched(items: Iterable, size: int = BATCH) -> Iterator[list]:
    """Lists of `size` items (the last may be shorter); itertools.batched needs Python 3.12."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _converter(field: models.Field):
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    return None


def _values(row: dict | models.Model, columns, defaults: dict) -> list:
    if isinstance(row, models.Model):
        row = {name: getattr(row, name) for name, _conv in columns}
    out = []
    for name, conv in columns:
        value = row[name] if name in row else defaults[name]
        out.append(conv(value) if conv and value is not None else value)
    return out


def insert(model: type[models.Model], rows: Iterable[dict | models.Model], *, ids=False) -> int:
    """INSERT rows given as model instances or {attname: value} dicts; return how many. With
    `ids`, each row carries its own `id` (a loader that numbers the rows itself need not read
    them back); call `reset_sequences` afterwards."""
    fields = [f for f in model._meta.concrete_fields if ids or not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    columns = [(f.attname, _converter(f)) for f in fields]
    qn = connection.ops.quote_name
    table, names = qn(model._meta.db_table), ", ".join(qn(f.column) for f in fields)
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(fields))})"
    count = 0
    with connection.cursor() as cursor:
        for batch in batched(rows):
            values = [_values(row, columns, defaults) for row in batch]
            if connection.vendor == "postgresql":  # COPY: one round trip per batch
                _copy(cursor, f"COPY {table} ({names}) FROM STDIN", values)
            else:
                cursor.executemany(sql, values)
            count += len(values)
    return count


def reset_sequences(*tables: type[models.Model]) -> None:
    """After rows were inserted with their own ids: the next id given by the database follows
    the largest one (PostgreSQL's sequences; SQLite's AUTOINCREMENT follows by itself)."""
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(tables)):
            cursor.execute(sql)


def _copy(cursor, sql: str, values: list[list]) -> None:
    """COPY through the driver's own cursor, its errors raised as Django's (a duplicate key as
    `django.db.IntegrityError`, as executemany raises it): Django's cursor wrapper, which maps
    them, is bypassed by `copy()`."""
    with connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
        for row in values:
            copy.write_row(row)


def update(model: type[models.Model], changes: list[tuple[int, dict]]) -> int:
    """UPDATE rows given as (id, {attname: new value}); one executemany per set of columns.
    A `Versioned` row's version goes up by one, so an edit form opened before is stale."""
    groups: dict[tuple[str, ...], list] = defaultdict(list)
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    for pk, values in changes:
        if values:
            groups[tuple(sorted(values))].append((pk, values))
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for names, rows in groups.items():
            fields = [by_attname[n] for n in names]
            columns = list(zip(names, (_converter(f) for f in fields), strict=True))
            sets = ", ".join(f"{qn(f.column)} = %s" for f in fields)
            if issubclass(model, Versioned) and "version" not in names:
                sets += f", {qn('version')} = {qn('version')} + 1"
            sql = f"UPDATE {qn(model._meta.db_table)} SET {sets} WHERE {qn('id')} = %s"
            for batch in batched(rows):
                cursor.executemany(
                    sql, [[*_values(values, columns, {}), pk] for pk, values in batch]
                )
    return len(changes)


def update_column(model: type[models.Model], column: str, values: dict[int, object]) -> None:
    """Set one column of many rows, {id: value}, in batches."""
    update(model, [(pk, {column: value}) for pk, value in values.items()])
