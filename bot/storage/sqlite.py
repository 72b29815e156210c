"""The SQLite connection: WAL, a busy timeout, one writer path and the migration runner."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import fcntl
import logging
import os
import sqlite3
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Literal

import aiosqlite
from aiosqlite.context import Result

from bot.storage.base import (
    MIGRATIONS_ROOT,
    RECORD_CHECKSUM_SQL,
    BotStateValues,
    Migration,
    MigrationFailed,
    Row,
    load_migrations,
    refuse_changed,
    unrecorded,
)

log = logging.getLogger(__name__)

MIGRATIONS_DIR = MIGRATIONS_ROOT / "sqlite"
_BUSY_TIMEOUT_MS = 5000


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


def _create_private(path: Path) -> None:
    """Create the database file readable by the bot's user alone, if it is not there yet: it
    holds live interaction tokens (each posts as the bot for 15 minutes), signed links and
    prompts, and the usual umask would let every account on the host read it. SQLite gives its
    -wal and -shm files the same mode; a file that exists keeps the mode its owner chose."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


class SqliteConnection:
    """The connection inside a transaction; SQLite runs the portable SQL as it is."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Result[aiosqlite.Cursor]:
        """Run one statement; await it, or use it with `async with`, for its cursor."""
        return self._connection.execute(sql, parameters)

    async def serialize(self, name: str) -> None:
        """Nothing to do: `BEGIN IMMEDIATE` already makes every write transaction run alone."""


class SqliteDatabase(BotStateValues):
    """One aiosqlite connection; every statement goes through one lock, so writes never race."""

    dialect: Literal["sqlite"] = "sqlite"

    def __init__(
        self, connection: aiosqlite.Connection, lock_descriptor: int | None = None
    ) -> None:
        self._connection = connection
        self._lock = asyncio.Lock()
        self._lock_descriptor = lock_descriptor

    @classmethod
    async def open(cls, path: Path) -> SqliteDatabase:
        """Open (creating the folder and file if needed) with WAL and a busy timeout.

        Raises `DatabaseInUse` when another process holds the file, `OSError` or
        `sqlite3.Error` when it cannot be created, opened or written.
        """
        if await asyncio.to_thread(path.is_dir):
            # Said before aiosqlite's thread starts: a failed connect leaves it to outlive
            # the event loop and print a traceback of its own.
            raise IsADirectoryError(errno.EISDIR, "it is a folder; name a file in it", str(path))
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = _lock_file(path)
        try:
            _create_private(path)  # an empty file is a new database to SQLite
            connection = await aiosqlite.connect(path, isolation_level=None)
        except BaseException:
            os.close(descriptor)
            raise
        try:
            connection.row_factory = aiosqlite.Row
            await connection.execute("PRAGMA journal_mode=WAL")
            await connection.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_MS}")
            await connection.execute("PRAGMA foreign_keys=ON")
            # Each commit on disk before it returns: what follows one (a request sent to
            # APIMart, paid for) must not be undone by a power loss. NORMAL syncs the WAL only
            # at checkpoints.
            await connection.execute("PRAGMA synchronous=FULL")
            # A value deleted or overwritten (a spent interaction token, a prompt past its
            # retention) is zeroed in the file, not left in free space for a copy to read. Not
            # every SQLite build does it by default (Debian's does: the image's measures include
            # it); FAST would leave a long row's freed overflow pages as they were.
            await connection.execute("PRAGMA secure_delete=ON")
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
    async def transaction(self, *, waits_on: Sequence[str] = ()) -> AsyncIterator[SqliteConnection]:
        """One atomic unit of work: everything inside commits together or not at all.

        `waits_on` changes nothing here: one transaction runs at a time, in the one process
        that has the file.
        """
        async with self._lock:
            try:
                # Inside the guard: a cancel while BEGIN waits for the worker thread still
                # lets it run there, and the ROLLBACK queued behind it undoes it.
                await self._connection.execute("BEGIN IMMEDIATE")
                yield SqliteConnection(self._connection)
            except BaseException:
                try:
                    await self._connection.execute("ROLLBACK")
                except sqlite3.OperationalError:
                    # A BEGIN that failed (the file locked) left nothing to roll back; anything
                    # else would leave every later write inside this transaction.
                    if self._connection.in_transaction:
                        log.exception("A transaction could not be rolled back")
                raise
            await self._connection.execute("COMMIT")

    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Run a read and return every row."""
        async with self._lock, self._connection.execute(sql, params) as cursor:
            return list(await cursor.fetchall())

    async def write(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Run one statement on its own, committed at once: one hop to aiosqlite's thread.

        Outside `BEGIN` the connection autocommits (`isolation_level=None`), so the statement
        is its own transaction; its rows (`RETURNING`) come back in the same hop.
        """
        async with self._lock:
            return list(await self._connection.execute_fetchall(sql, params))

    async def fetch_one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        """Run a read and return the first row, if any."""
        async with self._lock, self._connection.execute(sql, params) as cursor:
            return await cursor.fetchone()

    async def server_time(self) -> float:
        """This host's clock: a SQLite file is used by one process, on this host."""
        return time.time()

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
        pending = list(migrations if migrations is not None else load_migrations(MIGRATIONS_DIR))
        refuse_changed(pending, await self._recorded_checksums() or {})
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
                except BaseException as error:
                    await self._roll_back_script()
                    if isinstance(error, sqlite3.Error):
                        raise MigrationFailed(migration, error) from error
                    raise
            log.info("Applied migration %04d_%s", migration.version, migration.name)
            applied.append(migration.version)
        await self._record_checksums(pending)
        return applied

    async def _roll_back_script(self) -> None:
        """Undo a migration script that failed or was cancelled. A cancel (SIGTERM while the
        bot starts) leaves the script running in aiosqlite's thread: the ROLLBACK queued behind
        it finds nothing to undo if it committed, and that must not replace the cancel."""
        try:
            await self._connection.execute("ROLLBACK")
        except sqlite3.OperationalError:
            if self._connection.in_transaction:
                log.exception("A migration could not be rolled back")

    async def _recorded_checksums(self) -> dict[int, str | None] | None:
        """Each applied version's checksum (None where none is recorded yet); None before
        the migration that adds the column."""
        async with self._lock:
            await self._ensure_version_table()
            columns = await self._connection.execute_fetchall("PRAGMA table_info(schema_version)")
            if not any(column[1] == "checksum" for column in columns):
                return None
            rows = await self._connection.execute_fetchall(
                "SELECT version, checksum FROM schema_version"
            )
        return {int(row[0]): row[1] for row in rows}

    async def _record_checksums(self, migrations: list[Migration]) -> None:
        """Write down today's checksum of each applied migration that has none yet."""
        recorded = await self._recorded_checksums()
        missing = unrecorded(migrations, recorded) if recorded is not None else []
        if not missing:
            return
        async with self.transaction() as conn:
            for migration in missing:
                await conn.execute(RECORD_CHECKSUM_SQL, (migration.checksum, migration.version))

    async def _ensure_version_table(self) -> None:
        await self._connection.execute(
            "CREATE TABLE IF NOT EXISTS schema_version ("
            " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at REAL NOT NULL)"
        )
