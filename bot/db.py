"""The SQLite connection: WAL, a busy timeout, one writer path and the migration runner."""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import re
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite

log = logging.getLogger(__name__)

DEFAULT_MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
_BUSY_TIMEOUT_MS = 5000


@dataclass(frozen=True)
class Migration:
    """One numbered `.sql` file."""

    version: int
    name: str
    sql: str


def load_migrations(directory: Path) -> list[Migration]:
    """Every `NNNN_name.sql` file in `directory`, in version order."""
    migrations: list[Migration] = []
    for path in directory.iterdir():
        match = _MIGRATION_NAME.match(path.name)
        if match is None:
            continue
        version, name = int(match.group(1)), match.group(2)
        migrations.append(Migration(version, name, path.read_text(encoding="utf-8")))
    migrations.sort(key=lambda migration: migration.version)
    versions = [migration.version for migration in migrations]
    if len(versions) != len(set(versions)):
        raise RuntimeError(f"duplicate migration numbers in {directory}")
    return migrations


class DatabaseInUse(RuntimeError):
    """Another process already runs the bot on this SQLite file."""


def _lock_file(path: Path) -> int:
    """Hold an exclusive lock beside the database for as long as this process lives.

    SQLite is for one process: a second bot on the same file would take over leases that the
    first one still works on. The lock is released by the kernel however the holder dies.
    """
    descriptor = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(descriptor)
        raise DatabaseInUse(
            f"another bot process is already using {path}; SQLite is for one process"
        ) from None
    return descriptor


class Database:
    """One aiosqlite connection; every statement goes through one lock, so writes never race."""

    def __init__(
        self, connection: aiosqlite.Connection, lock_descriptor: int | None = None
    ) -> None:
        self._connection = connection
        self._lock = asyncio.Lock()
        self._lock_descriptor = lock_descriptor

    @classmethod
    async def open(cls, path: Path) -> Database:
        """Open (creating the folder and file if needed) with WAL and a busy timeout.

        Raises `DatabaseInUse` when another process holds the file, `OSError` or
        `sqlite3.Error` when it cannot be created, opened or written.
        """
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = _lock_file(path)
        try:
            connection = await aiosqlite.connect(path, isolation_level=None)
        except BaseException:
            os.close(descriptor)
            raise
        try:
            connection.row_factory = aiosqlite.Row
            await connection.execute("PRAGMA journal_mode=WAL")
            await connection.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
            await connection.execute("PRAGMA foreign_keys=ON")
            await connection.execute("PRAGMA synchronous=NORMAL")
        except BaseException:
            await connection.close()
            os.close(descriptor)
            raise
        return cls(connection, descriptor)

    async def close(self) -> None:
        """Wait for the statement in flight, then close and let another process have the file."""
        async with self._lock:
            await self._connection.close()
        if self._lock_descriptor is not None:
            os.close(self._lock_descriptor)
            self._lock_descriptor = None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """One atomic unit of work: everything inside commits together or not at all."""
        async with self._lock:
            await self._connection.execute("BEGIN IMMEDIATE")
            try:
                yield self._connection
            except BaseException:
                await self._connection.execute("ROLLBACK")
                raise
            await self._connection.execute("COMMIT")

    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[aiosqlite.Row]:
        """Run a read and return every row."""
        async with self._lock, self._connection.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def fetch_one(self, sql: str, params: Sequence[Any] = ()) -> aiosqlite.Row | None:
        """Run a read and return the first row, if any."""
        async with self._lock, self._connection.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def get_value(self, key: str) -> str | None:
        """A small fact kept between runs, or None."""
        row = await self.fetch_one("SELECT value FROM bot_state WHERE key = ?", (key,))
        return str(row[0]) if row is not None else None

    async def set_value(self, key: str, value: str) -> None:
        """Remember a small fact between runs."""
        async with self.transaction() as conn:
            await conn.execute(
                "INSERT INTO bot_state (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    async def schema_version(self) -> int:
        """The highest migration applied, 0 for an empty database."""
        async with self._lock:
            await self._ensure_version_table()
            async with self._connection.execute(
                "SELECT COALESCE(MAX(version), 0) FROM schema_version"
            ) as cursor:
                row = await cursor.fetchone()
        return int(row[0]) if row is not None else 0

    async def migrate(self, migrations: Iterable[Migration] | None = None) -> list[int]:
        """Apply the migrations not yet applied, each in its own transaction; return them."""
        pending = list(
            migrations if migrations is not None else load_migrations(DEFAULT_MIGRATIONS_DIR)
        )
        current = await self.schema_version()
        applied: list[int] = []
        for migration in pending:
            if migration.version <= current:
                continue
            async with self._lock:
                # executescript runs the file and the bookkeeping as one transaction.
                script = (
                    "BEGIN IMMEDIATE;\n"
                    f"{migration.sql.rstrip().rstrip(';')};\n"
                    "INSERT INTO schema_version (version, name, applied_at) "
                    f"VALUES ({migration.version}, '{migration.name}', {time.time()!r});\n"
                    "COMMIT;"
                )
                try:
                    await self._connection.executescript(script)
                except BaseException:
                    if self._connection.in_transaction:
                        await self._connection.execute("ROLLBACK")
                    raise
            log.info("Applied migration %04d_%s", migration.version, migration.name)
            applied.append(migration.version)
        return applied

    async def _ensure_version_table(self) -> None:
        await self._connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at REAL NOT NULL)"
        )
