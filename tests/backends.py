"""Where a test's database lives: a SQLite file, or a PostgreSQL schema of its own."""

from __future__ import annotations

import asyncio
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from bot.storage import Connection, Database, Row
from bot.storage.postgres import PostgresDatabase, describe_location
from bot.storage.sqlite import SqliteDatabase

DEFAULT_POSTGRES_DSN = "postgresql://postgres@127.0.0.1:5432/test"
HOW_TO_RUN = "start it or set TEST_POSTGRES_DSN"

# How a skipped PostgreSQL test's reason starts (the end-of-run summary counts them).
SKIP_REASON = "PostgreSQL unavailable"
# And a skipped test that runs the bot behind a real PgBouncer (counted alike).
PGBOUNCER_SKIP = "PgBouncer unavailable"

# A test that needs several processes on one database, or a SQLite file as such.
postgres_only = pytest.mark.parametrize("backend", ["postgres"], indirect=True)
sqlite_only = pytest.mark.parametrize("backend", ["sqlite"], indirect=True)


# The test server answers a commit without waiting for its disk (3-4 ms a commit on a virtual
# machine's disk, thousands of commits a run): a crash of the server is no test's subject, and
# what every session sees of a committed transaction is the same. Sent at connection start, as
# libpq (pg_dump) and asyncpg (the bot) both read `options`, unless the DSN sets options itself.
QUICK_COMMITS = "options=-c%20synchronous_commit%3Doff"


def postgres_dsn() -> str:
    dsn = os.environ.get("TEST_POSTGRES_DSN") or DEFAULT_POSTGRES_DSN
    if "options=" in dsn:
        return dsn
    return f"{dsn}{'&' if '?' in dsn else '?'}{QUICK_COMMITS}"


def postgres_required() -> bool:
    return os.environ.get("REQUIRE_POSTGRES") == "1"


@dataclass
class SqliteBackend:
    """A SQLite file; one database open on it at a time."""

    path: Path
    dialect: str = "sqlite"

    async def open(self) -> Database:
        return await SqliteDatabase.open(self.path)


# The bytes of a freshly migrated SQLite database, made once per test process.
_migrated_sqlite: list[bytes] = []


async def lay_migrated_sqlite(path: Path) -> None:
    """Put a migrated SQLite database at `path`, unless a file is there already.

    A copy of one migrated once per process: the migrations cost 20-25 ms of CPU a database,
    and most tests (and every in-process bot) start from a migrated one. Migrating from nothing
    is tested as such (tests/test_db.py, and every bot process the end-to-end tests start).
    """
    if not _migrated_sqlite:
        # Beside the tests' own folders (in memory where they are: tests/conftest.py).
        with tempfile.TemporaryDirectory(dir=os.environ.get("PYTEST_DEBUG_TEMPROOT")) as folder:
            template = Path(folder) / "migrated.sqlite3"
            database = await SqliteDatabase.open(template)
            try:
                await database.migrate()
            finally:
                await database.close()
            _migrated_sqlite.append(template.read_bytes())
    _place(path, _migrated_sqlite[0])


def _place(path: Path, data: bytes) -> None:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


class RecordingDatabase:
    """The test's database, recording what the store sends through it: every statement (its
    SQL and parameters), how many were writes, and how many transactions were begun (each at
    least a BEGIN, its statements and a COMMIT)."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self.statements: list[tuple[str, tuple[Any, ...]]] = []
        self.writes = 0
        self.transactions = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._db, name)

    def reset(self) -> None:
        """Forget what was recorded so far."""
        self.statements.clear()
        self.writes = self.transactions = 0

    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        self.statements.append((sql, tuple(params)))
        return await self._db.fetch_all(sql, params)

    async def fetch_one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        self.statements.append((sql, tuple(params)))
        return await self._db.fetch_one(sql, params)

    async def write(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        self.statements.append((sql, tuple(params)))
        self.writes += 1
        return await self._db.write(sql, params)

    def transaction(
        self, *, waits_on: Sequence[str] = ()
    ) -> AbstractAsyncContextManager[Connection]:
        self.transactions += 1
        return self._db.transaction(waits_on=waits_on)


@dataclass
class PostgresBackend:
    """A schema of its own on the test server; as many databases (processes) as wanted."""

    dsn: str
    schema: str
    dialect: str = "postgres"
    # Its schema came migrated (`LaidAhead`): the `db` fixture need not lay it.
    laid: bool = False
    opened: list[Database] = field(default_factory=list)

    async def open(self) -> Database:
        database = await PostgresDatabase.open(self.dsn, schema=self.schema, max_size=5)
        self.opened.append(database)
        return database


Backend = SqliteBackend | PostgresBackend


# A migrated schema's DDL and rows as `pg_dump` writes them, its name replaced by this marker;
# made once per test process. "" when `pg_dump` cannot make it (each test then migrates).
_SCHEMA_MARK = "__migrated_schema__"
_migrated_postgres: list[str] = []


async def lay_migrated_postgres(backend: PostgresBackend) -> None:
    """Give `backend`'s empty schema the tables of a migrated one, replayed from a dump.

    The migrations cost about 175 ms of PostgreSQL's time a schema (their `ALTER TABLE`s
    above all), the replay of their result a fraction of it, as `lay_migrated_sqlite` does for
    SQLite. Migrating from nothing is tested as such (tests/test_db.py, tests/storage, and
    every bot the end-to-end tests start on a schema of their own).
    """
    script = await _migrated_script(backend.dsn)
    if not script:
        return
    connection = await asyncpg.connect(backend.dsn)
    try:
        await connection.execute(script.replace(_SCHEMA_MARK, backend.schema))
    finally:
        await connection.close()


async def _migrated_script(dsn: str) -> str:
    """The statements that lay a migrated schema (its name marked); "" without `pg_dump`."""
    if not _migrated_postgres:
        _migrated_postgres.append(await _dump_migrated(dsn))
    return _migrated_postgres[0]


async def _dump_migrated(dsn: str) -> str:
    """A migrated schema as statements, its name marked; "" without a usable `pg_dump`."""
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        return ""
    schema = await new_schema(dsn)
    try:
        database = await PostgresDatabase.open(dsn, schema=schema, max_size=1)
        try:
            await database.migrate()
        finally:
            await database.close()
        command = [pg_dump, "--dbname", dsn, "--schema", schema, "--no-owner", "--no-privileges"]
        dumped = await asyncio.to_thread(
            subprocess.run, [*command, "--inserts"], capture_output=True, text=True, check=False
        )
    finally:
        await drop_schema(dsn, schema)
    if dumped.returncode != 0:
        return ""  # a pg_dump older than the server, say
    # Its psql commands (`\restrict`) and the schema's creation (the test's exists) left out.
    lines = [
        line
        for line in dumped.stdout.splitlines()
        if not line.startswith("\\") and not line.startswith(f"CREATE SCHEMA {schema};")
    ]
    return "\n".join(lines).replace(schema, _SCHEMA_MARK)


class _Probe:
    """Whether the test server answers, asked once per run (off the tests' event loops)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._answer: tuple[str | None] | None = None

    def problem(self, dsn: str) -> str | None:
        with self._lock:
            if self._answer is None:
                result: list[str | None] = []
                thread = threading.Thread(target=lambda: result.append(asyncio.run(_ask(dsn))))
                thread.start()
                thread.join()
                self._answer = (result[0] if result else "the probe crashed",)
            return self._answer[0]


async def _ask(dsn: str) -> str | None:
    try:
        connection = await asyncpg.connect(dsn, timeout=5)
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        return f"PostgreSQL not reachable at {describe_location(dsn)} ({error}); {HOW_TO_RUN}"
    await connection.close()
    return None


probe = _Probe()


def postgres_unavailable() -> str | None:
    """None to go on; else skip the test (or fail it when REQUIRE_POSTGRES=1)."""
    problem = probe.problem(postgres_dsn())
    if problem is None:
        return None
    if postgres_required():
        pytest.fail(f"REQUIRE_POSTGRES=1, but {problem}", pytrace=False)
    return problem


async def new_schema(dsn: str) -> str:
    schema = f"test_{uuid.uuid4().hex[:16]}"
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(f"CREATE SCHEMA {schema}")
    finally:
        await connection.close()
    return schema


async def drop_schema(dsn: str, schema: str) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(f"DROP SCHEMA {schema} CASCADE")
    finally:
        await connection.close()


class LaidAhead:
    """Migrated schemas laid on a thread of their own, a couple ahead of the tests that take
    them, and dropped there after their test: each test still gets a schema of its own and has
    it dropped, while the DDL (about 0.2 s of PostgreSQL's time a test, over 600 tests) runs
    as other tests wait on their sockets and timers rather than before each test."""

    AHEAD = 2

    def __init__(self) -> None:
        self._ready: queue.Queue[str | None] = queue.Queue()
        self._work: queue.Queue[tuple[str, str] | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._undropped: list[str] = []

    async def take(self, dsn: str) -> str | None:
        """A migrated schema of the test's own; None if the thread could not lay one."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._serve, args=(dsn,), name="laid-ahead", daemon=True
                )
                self._thread.start()
                for _ in range(self.AHEAD):
                    self._work.put(("lay", ""))
        schema = await asyncio.to_thread(self._ready.get)
        self._work.put(("lay", ""))
        return schema

    def drop(self, schema: str) -> None:
        """Drop `schema` (its test is over, its connections closed) on the thread."""
        self._work.put(("drop", schema))

    def finish(self, dsn: str) -> None:
        """At the end of the run: every drop made, and the schemas laid but never taken."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is None:
            return
        self._work.put(None)
        thread.join()
        left = [schema for schema in self._undropped if schema is not None]
        while not self._ready.empty():
            left.append(self._ready.get() or "")
        for schema in filter(None, left):
            asyncio.run(drop_schema(dsn, schema))  # raises, failing the run, if it cannot

    def _serve(self, dsn: str) -> None:
        asyncio.run(self._serve_on(dsn))

    async def _serve_on(self, dsn: str) -> None:
        # One connection for the thread's life: a connection is a new server process, whose
        # start-up cost PostgreSQL about 4 ms of CPU, twice a test (the lay and the drop).
        connection: asyncpg.Connection | None = None
        try:
            # The loop has nothing else to run while it waits for work.
            while (item := self._work.get()) is not None:
                kind, schema = item
                try:
                    if connection is None or connection.is_closed():
                        connection = await asyncpg.connect(dsn)
                    if kind == "lay":
                        self._ready.put(await _laid_schema(dsn, connection))
                    else:
                        await connection.execute(f"DROP SCHEMA {schema} CASCADE")
                except Exception:
                    if connection is not None:
                        connection.terminate()  # a new one for the next item
                        connection = None
                    if kind == "lay":
                        self._ready.put(None)  # the test lays its own, and says why if it fails
                    else:
                        self._undropped.append(schema)  # tried again at the end
        finally:
            if connection is not None:
                await connection.close()


async def _laid_schema(dsn: str, connection: asyncpg.Connection) -> str:
    """A new schema with the tables of a migrated one, made in one transaction: a failure
    leaves nothing behind."""
    schema = f"test_{uuid.uuid4().hex[:16]}"
    script = (await _migrated_script(dsn)).replace(_SCHEMA_MARK, schema)
    await connection.execute(f"CREATE SCHEMA {schema};\n{script}")
    return schema


laid_ahead = LaidAhead()


@asynccontextmanager
async def held_by_a_silent_process(db: Database, lock: str) -> AsyncIterator[None]:
    """A process of `db`'s inside a transaction holding `lock`, gone silent (a partition, a frozen
    host): PostgreSQL gives the lock back only after 30 s (`IDLE_IN_TRANSACTION_TIMEOUT`)."""
    held, release = asyncio.Event(), asyncio.Event()

    async def silent() -> None:
        async with db.transaction() as conn:
            await conn.serialize(lock)
            held.set()
            await release.wait()

    holder = asyncio.create_task(silent())
    try:
        await held.wait()
        yield
    finally:
        release.set()
        await holder
