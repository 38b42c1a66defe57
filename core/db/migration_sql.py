"""Raw SQL steps shared by migrations: what Piccolo's migration manager cannot express
on both engines (unique indexes over several columns, append-only guards)."""

from __future__ import annotations

from typing import Callable, Sequence

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

Statements = Callable[[str], Sequence[str]]


class _Raw(Table):
    """Only a handle to run raw SQL on the configured engine."""


def unique_index(name: str, table: str, columns: Sequence[str], where: str = "") -> tuple[Statements, Statements]:
    cols = ", ".join(f'"{c}"' for c in columns)
    condition = f" WHERE {where}" if where else ""
    return (lambda _engine: [f'CREATE UNIQUE INDEX IF NOT EXISTS {name} ON "{table}" ({cols}){condition}'],
            lambda _engine: [f"DROP INDEX IF EXISTS {name}"])


def append_only(table: str) -> tuple[Statements, Statements]:
    """Make ``table`` refuse UPDATE and DELETE in the database itself."""

    def create(engine: str) -> list[str]:
        if engine == "postgres":
            return [
                "CREATE OR REPLACE FUNCTION saldo_append_only() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'table % is append-only', TG_TABLE_NAME; END $$",
                f'CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON "{table}" '
                "FOR EACH ROW EXECUTE FUNCTION saldo_append_only()",
            ]
        return [
            f'CREATE TRIGGER IF NOT EXISTS {table}_no_{op.lower()} BEFORE {op} ON "{table}" '
            f"BEGIN SELECT RAISE(ABORT, 'table {table} is append-only'); END"
            for op in ("UPDATE", "DELETE")
        ]

    def drop(engine: str) -> list[str]:
        if engine == "postgres":
            return [f'DROP TRIGGER IF EXISTS {table}_append_only ON "{table}"']
        return [f"DROP TRIGGER IF EXISTS {table}_no_{op}" for op in ("update", "delete")]

    return create, drop


def raw_migration(migration_id: str, description: str, steps: Sequence[tuple[Statements, Statements]]) -> MigrationManager:
    """A migration that runs ``steps`` forwards (and their undo backwards) as raw SQL."""
    manager = MigrationManager(migration_id=migration_id, app_name="core", description=description)

    async def run(pick: int, ordered: Sequence[tuple[Statements, Statements]]) -> None:
        engine = _Raw._meta.db.engine_type
        for step in ordered:
            for sql in step[pick](engine):
                await _Raw.raw(sql)

    async def forwards() -> None:
        await run(0, steps)

    async def backwards() -> None:
        await run(1, list(reversed(steps)))

    manager.add_raw(forwards)
    manager.add_raw_backwards(backwards)
    return manager


def drop_not_null_on_sqlite(manager: MigrationManager, table: str, column: str) -> MigrationManager:
    """Let ``manager``'s column alteration (``column`` of ``table`` becoming nullable) run on SQLite too.

    SQLite has no ALTER COLUMN: there the table is rebuilt from its own SQL with the NOT NULL
    dropped, its rows copied and its indexes re-created; PostgreSQL runs Piccolo's alteration.
    Going backwards on SQLite leaves the column nullable.
    """
    run_alterations = manager._run_alter_columns

    async def alter(backwards: bool = False) -> None:
        if _Raw._meta.db.engine_type != "sqlite":
            await run_alterations(backwards)
        elif not backwards:
            await _rebuild_nullable(table, column)

    manager._run_alter_columns = alter
    return manager


async def _rebuild_nullable(table: str, column: str) -> None:
    rows = await _Raw.raw("SELECT type, sql FROM sqlite_master WHERE tbl_name = {} AND sql IS NOT NULL", table)
    create = next(r["sql"] for r in rows if r["type"] == "table")
    declared = f'"{column}" INTEGER NOT NULL'
    if declared not in create:
        return
    rebuilt = create.replace(declared, f'"{column}" INTEGER', 1).replace(
        f'CREATE TABLE "{table}"', f'CREATE TABLE "{table}__rebuilt"', 1)
    await _Raw.raw(rebuilt)
    await _Raw.raw(f'INSERT INTO "{table}__rebuilt" SELECT * FROM "{table}"')
    await _Raw.raw(f'DROP TABLE "{table}"')
    await _Raw.raw(f'ALTER TABLE "{table}__rebuilt" RENAME TO "{table}"')
    for row in rows:
        if row["type"] == "index":
            await _Raw.raw(row["sql"])
