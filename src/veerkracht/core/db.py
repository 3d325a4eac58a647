"""Bulk reads and writes for the few places that move hundreds of thousands of rows.

The ORM builds a model instance and prepares every value of every row; for large
analytical tables (monitor observations and index results) that costs far more than the
database work. These helpers take plain tuples of values that are already in their
database form and hand them to the driver in one go: `COPY … FROM STDIN` on PostgreSQL,
`executemany` on SQLite. They run on the connection the model's router chooses, inside
the caller's transaction.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connections, router
from django.db.models import Model


def _columns(model: type[Model], fields: Sequence[str]) -> list[str]:
    return [model._meta.get_field(name).column for name in fields]


def bulk_insert(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert new rows into `model`'s table. Each row holds the values of `fields` in
    that order, ready for the database: numbers, strings, None, JSON as text, datetimes
    as the driver takes them. No signals, no defaults, no conflict handling."""
    connection = connections[router.db_for_write(model)]
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    columns = ", ".join(qn(c) for c in _columns(model, fields))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        placeholders = ", ".join(["%s"] * len(fields))
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)
