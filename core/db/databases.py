"""Creating, dropping and switching to databases: for the test suite and the benchmarks,
which each work in a fresh database of their own."""

from __future__ import annotations

import importlib
import os
import sys
from urllib.parse import urlsplit, urlunsplit


def with_database(url: str, name: str) -> str:
    """``url`` pointing at the database ``name`` on the same server."""
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


async def postgres_admin(admin_url: str, sql: str) -> None:
    """Run one statement (CREATE/DROP DATABASE) outside a transaction."""
    import asyncpg

    connection = await asyncpg.connect(admin_url, timeout=10)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def use_database(url: str) -> None:
    """Point the settings and every Piccolo table at ``url``."""
    from piccolo.table import Table

    from core.settings import get_settings

    os.environ["SALDO_DATABASE_URL"] = url
    os.environ["SALDO_DATABASE_POOL_SIZE"] = "0"
    get_settings.cache_clear()
    if "core.db.piccolo_conf" in sys.modules:
        importlib.reload(sys.modules["core.db.piccolo_conf"])
    pending = list(Table.__subclasses__())
    while pending:
        table = pending.pop()
        table._meta._db = None
        pending.extend(table.__subclasses__())
