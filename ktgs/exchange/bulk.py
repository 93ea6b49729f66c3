"""Bulk writes for the import: one `executemany` (PostgreSQL: one COPY) per batch of rows, not
a query per row.

`QuerySet.bulk_create`/`bulk_update` compile SQL value by value (bulk_update as a CASE per
column), which is the slow part at tens of thousands of rows; the demo builder takes the same
approach (docs/decisions/0004). Values are model attnames; dates and JSON are adapted for the
database like the ORM does.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from itertools import islice

from django.db import connection, models

BATCH = 5000


def batched(items: Iterable, size: int = BATCH) -> Iterator[list]:
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


def insert(model: type[models.Model], rows: list[dict]) -> int:
    """INSERT rows given as {attname: value}; missing fields take the field's default."""
    if not rows:
        return 0
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: f.get_default() for f in fields}
    convs = [(f.attname, _converter(f)) for f in fields]
    qn = connection.ops.quote_name
    sql = (
        f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    with connection.cursor() as cursor:
        for batch in batched(rows):
            values = []
            for row in batch:
                out = []
                for name, conv in convs:
                    value = row[name] if name in row else defaults[name]
                    out.append(conv(value) if conv and value is not None else value)
                values.append(out)
            if connection.vendor == "postgresql":
                _copy(cursor, model, fields, values)
            else:
                cursor.executemany(sql, values)
    return len(rows)


def _copy(cursor, model, fields, values) -> None:
    """PostgreSQL: COPY … FROM STDIN, the fastest way in (one round trip per batch)."""
    qn = connection.ops.quote_name
    columns = ", ".join(qn(f.column) for f in fields)
    with cursor.cursor.copy(f"COPY {qn(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
        for row in values:
            copy.write_row(row)


def update(model: type[models.Model], changes: list[tuple[int, dict]]) -> int:
    """UPDATE rows given as (id, {attname: new value}); one executemany per set of columns."""
    groups: dict[tuple[str, ...], list] = defaultdict(list)
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    for pk, values in changes:
        if values:
            groups[tuple(sorted(values))].append((pk, values))
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for names, rows in groups.items():
            fields = [by_attname[n] for n in names]
            convs = [_converter(f) for f in fields]
            sets = ", ".join(f"{qn(f.column)} = %s" for f in fields)
            sql = f"UPDATE {qn(model._meta.db_table)} SET {sets} WHERE {qn('id')} = %s"
            for batch in batched(rows):
                params = []
                for pk, values in batch:
                    out = [
                        conv(values[n]) if conv and values[n] is not None else values[n]
                        for n, conv in zip(names, convs, strict=True)
                    ]
                    params.append([*out, pk])
                cursor.executemany(sql, params)
    return len(changes)
