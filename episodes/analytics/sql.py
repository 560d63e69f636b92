"""One helper: many rows into a table with few statements, for the raw events and the rollups.

``bulk_create`` builds a model instance and compiles every field of every row; psycopg's
``executemany`` sends one statement per row. Here each statement carries up to ``per_statement``
rows as one multi-row VALUES list, with parameters, on SQLite and PostgreSQL alike.
"""

from django.db import connections, router


def insert_rows(model, columns, rows, per_statement=500):
    """INSERT ``rows`` (tuples in the order of ``columns``) into ``model``'s table."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    head = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) VALUES "
    one = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(head + ", ".join([one] * len(chunk)), [value for row in chunk for value in row])


def load_rows(model, columns, rows):
    """Like ``insert_rows``, for the rollup's large batches: PostgreSQL's COPY (one stream, no
    statement to build per 500 rows); ``insert_rows`` elsewhere."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    if connection.vendor != "postgresql":
        insert_rows(model, columns, rows)
        return
    quote = connection.ops.quote_name
    statement = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)
