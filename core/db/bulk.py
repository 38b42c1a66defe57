"""Batched writes the ORM has no statement for: one UPDATE for many rows, each with its
own values, on PostgreSQL and SQLite alike."""

from __future__ import annotations

from typing import Sequence

from piccolo.columns import BigInt, Boolean, Date, Integer, Serial
from piccolo.table import Table

from core.db.engine import is_postgres

_PG_TYPES = {BigInt: "bigint", Integer: "integer", Serial: "integer", Date: "date", Boolean: "boolean"}
CHUNK = 500


def _values(table: type[Table], names: Sequence[str], count: int, aliases: Sequence[str] | None = None) -> str:
    """``(SELECT column1 AS "a", … FROM (VALUES (…), …))``: VALUES columns are named
    column1… on both engines; PostgreSQL needs the parameters' types spelled out."""
    postgres = is_postgres(table._meta.db)
    casts = ["::" + _PG_TYPES.get(type(table._meta.get_column_by_name(n)), "text") if postgres else "" for n in names]
    row = "(" + ", ".join("{}" + cast for cast in casts) + ")"
    columns = ", ".join(f'column{n + 1} AS "{alias}"' for n, alias in enumerate(aliases or names))
    return f"(SELECT {columns} FROM (VALUES {', '.join([row] * count)}) AS raw)"


async def update_rows(table: type[Table], tenant_id: int, columns: Sequence[str], rows: Sequence[Sequence],
                      guard: str | None = None) -> list[int]:
    """Set ``columns`` of each row named by its id: a row is ``(id, *values)``, or
    ``(id, expected, *values)`` with a ``guard`` column that must still hold ``expected``
    (NULL matches NULL). Returns the ids that were updated."""
    name = table._meta.tablename
    names = ["id", *([guard] if guard else []), *columns]
    same = "IS NOT DISTINCT FROM" if is_postgres(table._meta.db) else "IS"
    updated: list[int] = []
    for start in range(0, len(rows), CHUNK):
        part = rows[start:start + CHUNK]
        where = f'"{name}".id = v.id AND "{name}".tenant = {tenant_id:d}'
        if guard:
            where += f' AND "{name}"."{guard}" {same} v."expected"'
        sets = ", ".join(f'"{c}" = v."{c}"' for c in columns)
        aliases = ["id", *(["expected"] if guard else []), *columns]
        result = await table.raw(f'UPDATE "{name}" SET {sets} FROM {_values(table, names, len(part), aliases)} AS v '
                                 f'WHERE {where} RETURNING "{name}".id', *[value for row in part for value in row])
        updated.extend(r["id"] for r in result)
    return updated


async def add_to_column(table: type[Table], tenant_id: int, column: str, deltas: dict[int, int]) -> None:
    """Add a per-row amount to an integer column (cached balances)."""
    name = table._meta.tablename
    items = sorted(deltas.items())
    for start in range(0, len(items), CHUNK):
        part = items[start:start + CHUNK]
        await table.raw(f'UPDATE "{name}" SET "{column}" = "{name}"."{column}" + v."{column}" '
                        f'FROM {_values(table, ["id", column], len(part))} AS v '
                        f'WHERE "{name}".id = v.id AND "{name}".tenant = {tenant_id:d}',
                        *[value for pair in part for value in pair])


async def insert_rows(table: type[Table], rows: Sequence[dict], returning_id: bool = False,
                      skip_conflicts: bool = False) -> list[int]:
    """Insert rows given as dicts (all with the same keys) without building ORM objects: by
    COPY inside a PostgreSQL transaction, else by multi-row INSERTs; returns the new ids in
    order when asked (always by INSERT … RETURNING). With ``skip_conflicts`` a row that would
    break a unique index is left out instead (by INSERT … ON CONFLICT DO NOTHING)."""
    if not rows:
        return []
    name = table._meta.tablename
    columns = list(rows[0])
    connection = _copy_connection(table) if not (returning_id or skip_conflicts) else None
    if connection is not None:  # PostgreSQL, inside a transaction: COPY is several times faster
        await connection.copy_records_to_table(name, columns=columns,
                                               records=[tuple(row[c] for c in columns) for row in rows])
        return []
    per_statement = max(1, min(CHUNK, 30000 // len(columns)))
    placeholders = "(" + ", ".join(["{}"] * len(columns)) + ")"
    ids: list[int] = []
    for start in range(0, len(rows), per_statement):
        part = rows[start:start + per_statement]
        quoted = ", ".join(f'"{c}"' for c in columns)
        sql = (f'INSERT INTO "{name}" ({quoted}) VALUES {", ".join([placeholders] * len(part))}'
               + (" ON CONFLICT DO NOTHING" if skip_conflicts else "") + (" RETURNING id" if returning_id else ""))
        result = await table.raw(sql, *[row[c] for row in part for c in columns])
        if returning_id:
            ids.extend(r["id"] for r in result)
    return ids


def _copy_connection(table: type[Table]):
    """The asyncpg connection of the PostgreSQL transaction in progress, if any."""
    db = table._meta.db
    if not is_postgres(db):
        return None
    transaction = db.current_transaction.get()
    return transaction.connection if transaction is not None else None
