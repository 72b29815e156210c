"""What the stores need from a database, whichever engine holds it.

The stores write one SQL text for both engines: `?` placeholders, standard SQL, `RETURNING`
instead of `lastrowid`. The SQLite side runs it as is; the PostgreSQL side translates it.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Protocol, overload

Dialect = Literal["sqlite", "postgres"]

_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


def _migrations_root() -> Path:
    """The SQL migrations: inside the package in an installed wheel (`bot/migrations`, mapped
    from the top-level folder by setup.py), else the checkout's top-level `migrations/`."""
    package = Path(__file__).resolve().parent.parent
    shipped = package / "migrations"
    return shipped if shipped.is_dir() else package.parent / "migrations"


MIGRATIONS_ROOT = _migrations_root()


class Row(Protocol):
    """One result row: by position (`row[0]`, unpacking) or by column name (`row["id"]`)."""

    @overload
    def __getitem__(self, key: str, /) -> Any: ...
    @overload
    def __getitem__(self, key: int, /) -> Any: ...
    def __iter__(self) -> Iterator[Any]: ...
    def __len__(self) -> int: ...


class Cursor(Protocol):
    """What a statement left: its rows and how many rows it changed."""

    @property
    def rowcount(self) -> int: ...
    async def fetchone(self) -> Row | None: ...
    async def fetchall(self) -> Iterable[Row]: ...


class Statement(Protocol):
    """A statement sent: await it, or use it with `async with`, to get its cursor."""

    def __await__(self) -> Generator[Any, None, Cursor]: ...
    async def __aenter__(self) -> Cursor: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
        /,
    ) -> Any: ...


class LockWaitTimeout(Exception):
    """A transaction gave up waiting for a lock another transaction holds (in this process or
    another): nothing of it was written, and the same work may be tried again later."""


def unreachable(error: BaseException) -> bool:
    """Whether `error` says the database could not be reached or would not serve (down,
    restarting, out of connections, a connection lost or out of time), not that a statement
    was wrong."""
    if isinstance(error, OSError | TimeoutError):
        return True
    asyncpg = sys.modules.get("asyncpg")  # loaded by the PostgreSQL backend only
    return asyncpg is not None and isinstance(
        error,
        asyncpg.PostgresConnectionError
        | asyncpg.InsufficientResourcesError  # 53300: too many clients
        | asyncpg.OperatorInterventionError,  # 57P01, 57P03: shutting down, starting up
    )


def in_one_line(error: BaseException) -> str:
    """`error` as a log line without its traceback tells it: its type, and its message's first
    line if it has one (the formatter scrubs a password from it as from any line)."""
    said = str(error).strip().splitlines()
    return f"{type(error).__name__}: {said[0]}" if said else type(error).__name__


class Connection(Protocol):
    """The connection of one open transaction."""

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Statement:
        """Run one statement of the portable SQL."""
        ...

    async def serialize(self, name: str) -> None:
        """Hold `name` until this transaction ends: other holders, in any process, wait.

        On SQLite every write transaction already runs alone, so this does nothing there.
        """
        ...


@dataclass(frozen=True)
class Migration:
    """One numbered `.sql` file."""

    version: int
    name: str
    sql: str

    @property
    def file_name(self) -> str:
        """Its file's name, as the operator finds it in `migrations/`."""
        return f"{self.version:04d}_{self.name}.sql"

    @property
    def checksum(self) -> str:
        """The SHA-256 of its text: recorded when applied, compared at every later start."""
        return hashlib.sha256(self.sql.encode()).hexdigest()


class MigrationChanged(RuntimeError):
    """A migration file differs from the text this database applied: its change would never
    reach the database (the runner applies each version once), so nothing more is applied."""


class MigrationFailed(Exception):
    """A migration's own SQL failed and was rolled back, nothing of it applied; `error` is the
    database's error, for the operator to read."""

    def __init__(self, migration: Migration, error: Exception) -> None:
        super().__init__(f"migration {migration.file_name} failed ({error})")
        self.migration = migration
        self.error = error


# Recorded for the migrations applied before `schema_version` had a checksum column.
RECORD_CHECKSUM_SQL = (
    "UPDATE schema_version SET checksum = ? WHERE version = ? AND checksum IS NULL"
)


def refuse_changed(migrations: Iterable[Migration], applied: Mapping[int, str | None]) -> None:
    """Raise `MigrationChanged` for the first of `migrations` whose text differs from the one
    applied (`applied`: each applied version's checksum, None where none was recorded)."""
    for migration in migrations:
        checksum = applied.get(migration.version)
        if checksum is not None and checksum != migration.checksum:
            raise MigrationChanged(
                f"migration {migration.file_name} changed after this database applied it;"
                " put the file back as released and make the change a new migration"
            )


def unrecorded(
    migrations: Iterable[Migration], applied: Mapping[int, str | None]
) -> list[Migration]:
    """The applied `migrations` whose checksum is not recorded yet."""
    return [m for m in migrations if m.version in applied and applied[m.version] is None]


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


class Database(Protocol):
    """A migrated database the stores read and write through; one per process."""

    @property
    def dialect(self) -> Dialect:
        """Which engine this is, for the few statements that differ (claiming)."""
        ...

    def transaction(
        self, *, waits_on: Sequence[str] = ()
    ) -> AbstractAsyncContextManager[Connection]:
        """One atomic unit of work: everything inside commits together or not at all.

        `waits_on`: the locks it will `serialize` on, in that order. On PostgreSQL this
        process's transactions naming the same lock take turns before taking a connection (one
        of them waits in the database, not the whole pool), and none waits longer than
        `LOCK_WAIT` in all for its turn and its locks: `LockWaitTimeout`, nothing written.
        """
        ...

    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Run a read and return every row."""
        ...

    async def write(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Run one statement on its own, committed at once: one round trip, atomic by itself.

        Returns the rows of its `RETURNING` clause (none without one). For the hot path (a
        poll's fenced write), where `transaction()` would add a BEGIN and a COMMIT.
        """
        ...

    async def fetch_one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        """Run a read and return the first row, if any."""
        ...

    async def get_value(self, key: str) -> str | None:
        """A small fact kept between runs, or None."""
        ...

    async def set_value(self, key: str, value: str) -> None:
        """Remember a small fact between runs."""
        ...

    async def schema_version(self) -> int:
        """The highest migration applied, 0 for an empty database."""
        ...

    async def migrate(self, migrations: Iterable[Migration] | None = None) -> list[int]:
        """Apply the migrations not yet applied, each in its own transaction; return them."""
        ...

    async def server_time(self) -> float:
        """Unix time on the clock every process using this database shares: the database
        server's for PostgreSQL (processes may run on hosts whose clocks disagree), this
        host's for SQLite (one process on one host)."""
        ...

    async def close(self) -> None:
        """Finish the statements in flight and let go of the database."""
        ...


# The small key/value facts of `bot_state`, the same SQL on both backends.
GET_VALUE_SQL = "SELECT value FROM bot_state WHERE key = ?"
SET_VALUE_SQL = (
    "INSERT INTO bot_state (key, value) VALUES (?, ?)"
    " ON CONFLICT (key) DO UPDATE SET value = excluded.value"
)


class BotStateValues:
    """`Database.get_value` and `set_value` for both backends: the same SQL, run through the
    backend's own `fetch_one` and `transaction`."""

    async def get_value(self: Database, key: str) -> str | None:
        """A small fact kept between runs, or None."""
        row = await self.fetch_one(GET_VALUE_SQL, (key,))
        return str(row[0]) if row is not None else None

    async def set_value(self: Database, key: str, value: str) -> None:
        """Remember a small fact between runs."""
        async with self.transaction() as conn:
            await conn.execute(SET_VALUE_SQL, (key, value))
