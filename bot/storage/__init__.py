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
    "load_migrations",
    "unreachable",
]
