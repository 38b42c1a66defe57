"""Build the Piccolo engine from a database URL."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from piccolo.engine.base import Engine
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine


class UnsupportedDatabase(ValueError):
    pass


def engine_from_url(url: str) -> Engine:
    scheme = urlsplit(url).scheme
    if scheme == "sqlite":
        path = url.split("sqlite:///", 1)[-1] if url.startswith("sqlite:///") else ""
        if not path:
            raise UnsupportedDatabase(f"SQLite URL must look like sqlite:///path/file.sqlite, got {url!r}")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        return SQLiteEngine(path=path, timeout=30)
    if scheme in ("postgres", "postgresql"):
        return PostgresEngine(config={"dsn": url})
    raise UnsupportedDatabase(f"unsupported database URL scheme {scheme!r}: use sqlite or postgresql")


def is_postgres(engine: Engine) -> bool:
    return engine.engine_type == "postgres"
