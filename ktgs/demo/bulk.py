"""Fast inserts for the demo: one `executemany` per few thousand rows.

`QuerySet.bulk_create` builds a model instance per row and compiles its SQL value by value (on
SQLite at most 999 parameters a statement); at 150,000 members that takes minutes. Here rows are
plain dicts (or instances, for a few), missing fields take the field's default, and the values go
to the database in large batches. For the demo's plain fields only: text, numbers, booleans,
dates, JSON and foreign-key ids.
"""

from collections.abc import Iterable, Iterator
from itertools import islice

from django.db import connection, models

BATCH = 5000


def batched(items: Iterable, size: int) -> Iterator[list]:
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


def insert(model: type[models.Model], rows: Iterable[dict | models.Model]) -> int:
    """INSERT rows given as model instances or as {attname: value} dicts, whose missing fields
    take the field's default; the ids are left to the database. Return how many rows."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    columns = [(f.attname, _converter(f)) for f in fields]
    qn = connection.ops.quote_name
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    count = 0
    with connection.cursor() as cursor:
        for batch in batched(rows, BATCH):
            values = [_values(row, columns, defaults) for row in batch]
            cursor.executemany(sql, values)
            count += len(values)
    return count


def _values(row: dict | models.Model, columns, defaults: dict) -> list:
    if isinstance(row, models.Model):
        row = {name: getattr(row, name) for name, _conv in columns}
    out = []
    for name, conv in columns:
        value = row[name] if name in row else defaults[name]
        out.append(conv(value) if conv and value is not None else value)
    return out


def update_column(model: type[models.Model], column: str, values: dict[int, object]) -> None:
    """Set one column of many rows, {id: value}, in batches."""
    qn = connection.ops.quote_name
    sql = f"UPDATE {qn(model._meta.db_table)} SET {qn(column)} = %s WHERE {qn('id')} = %s"
    with connection.cursor() as cursor:
        for batch in batched(values.items(), BATCH):
            cursor.executemany(sql, [(value, pk) for pk, value in batch])
