"""Storage: one interface (`base.py`), SQLite (`sqlite.py`, the default) and PostgreSQL."""

from bot.storage.base import (
    Connection,
    Cursor,
    Database,
    Dialect,
    LockWaitTimeout,
    Migration,
    MigrationChanged,
    MigrationFailed,
    Row,
    in_one_line,
    load_migrations,
    unreachable,
)

__all__ = [
    "Connection",
    "Cursor",
    "Database",
    "Dialect",
    "LockWaitTimeout",
    "Migration",
    "MigrationChanged",
    "MigrationFailed",
    "Row",
    "in_one_line",
    "load_migrations",
    "unreachable",
]
