"""PostgreSQL through an asyncpg pool: the stores' portable SQL, translated; many processes.

The stores write SQL once, in the form SQLite runs (`?` placeholders); `translate` turns it into
PostgreSQL's (`$1`, `IS NOT DISTINCT FROM`). Each transaction takes a pooled connection, so
several processes (each with its own pool) share one database; what must stay exact across them
takes a lock in its transaction (`serialize`).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import re
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Coroutine, Generator, Iterable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from functools import lru_cache
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, TypeVar
from urllib.parse import SplitResult, parse_qsl, unquote, urlsplit

import asyncpg

if TYPE_CHECKING:
    from asyncpg.pool import PoolConnectionProxy

from bot.settings import check_postgres_url, postgres_hosts
from bot.storage.base import (
    MIGRATIONS_ROOT,
    RECORD_CHECKSUM_SQL,
    BotStateValues,
    LockWaitTimeout,
    Migration,
    MigrationFailed,
    Row,
    load_migrations,
    refuse_changed,
    unrecorded,
)

log = logging.getLogger(__name__)

# Only the type checker knows these classes as generic.
_Pooled: TypeAlias = "PoolConnectionProxy[asyncpg.Record]"
T = TypeVar("T")

MIGRATIONS_DIR = MIGRATIONS_ROOT / "postgres"
_CONNECT_TIMEOUT = 10.0
# A session left idle inside a transaction this long is ended by PostgreSQL, its locks given
# back: a process cut off mid-transaction (a partition, a frozen host) would otherwise hold an
# admission's locks until TCP gives up (hours), and every other process's /video waiting on
# them with it. No transaction here waits on anything but the database between statements.
# Set once connected, not in the startup packet, which PgBouncer refuses with it.
IDLE_IN_TRANSACTION_TIMEOUT = 30.0
# The longest a transaction that names its locks (`waits_on`: an admission) waits, in all, for
# its turn in this process and then for its locks in the database: its member is told to try
# again rather than kept waiting on a process gone silent (up to `IDLE_IN_TRANSACTION_TIMEOUT`).
LOCK_WAIT = 10.0
# What a lock is waited for when that wait has (nearly) nothing left: a free lock is taken at
# once all the same, and 0 would mean no limit to PostgreSQL.
_LEAST_LOCK_WAIT_MS = 10
# The longest any statement of the bot's may take: every one takes milliseconds, or waits on a
# lock held at most `IDLE_IN_TRANSACTION_TIMEOUT` (or `LOCK_WAIT`). One out longer was asked on a
# connection a failover or a partition left mute (no answer, no reset: asyncpg would wait for
# ever, its pool too when the connection goes back): it is given up and its connection
# dropped, so the work asking (a stage, whose supervisor starts it again) goes on with a new
# one. Migrations, run once at start, may take as long as they need (their own statements, and
# their wait for another process's; the reads and writes of their bookkeeping are bounded).
STATEMENT_TIMEOUT = 60.0
# A rollback, asked as a transaction fails or is cancelled (a stop): milliseconds on a live
# server, so a mute one is given up sooner than a statement.
ROLLBACK_TIMEOUT = 5.0
# Closing comes after the stop's drain, with nothing left in flight but work a silent server
# holds up: a healthy one closes in milliseconds, a silent one is cut off inside `docker stop`.
_CLOSE_TIMEOUT = 0.5
# Statements whose rows come back (the others report only how many rows they changed).
_RETURNS_ROWS = re.compile(r"^\s*(SELECT|WITH|VALUES|SHOW)\b|\bRETURNING\b", re.IGNORECASE)
_IS_BEFORE = re.compile(r"\bIS(\s+NOT)?\s*$", re.IGNORECASE)
_VERSION_TABLE = (
    "CREATE TABLE IF NOT EXISTS schema_version ("
    " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at DOUBLE PRECISION NOT NULL)"
)
# How long a migration waits for a lock on a table it changes. An ALTER TABLE waits behind
# every open transaction on its table, and every later statement on that table (of every
# process, in a rolling deploy) waits behind the ALTER: it gives way after this, and the
# running processes go on.
MIGRATION_LOCK_WAIT = 2.0
# ... then tries again, pausing 0.5 s doubling to 5 s, for this long in all (longer than a
# silent process's transaction is left open, `IDLE_IN_TRANSACTION_TIMEOUT`).
MIGRATION_LOCK_PATIENCE = 60.0
_FIRST_MIGRATION_PAUSE = 0.5
_MAX_MIGRATION_PAUSE = 5.0
# Whether `schema_version` has its checksums yet (a migration adds the column).
# From the catalog itself: `information_schema.columns` costs the server some 10 ms to plan on
# each new connection, and every start (and every test's database) asks this twice.
_CHECKSUM_COLUMN = (
    "SELECT 1 FROM pg_attribute"
    " WHERE attrelid = to_regclass(quote_ident(current_schema()) || '.schema_version')"
    " AND attname = 'checksum' AND NOT attisdropped"
)
# One migrating process at a time per schema; the others wait, then find the work done.
_MIGRATION_LOCK = "SELECT pg_advisory_xact_lock(hashtext('migrations:' || current_schema()))"
# The schema whose keys are a lock's name alone, as every release took them before they were
# scoped by schema: a rolling deploy's old and new processes there still take the same lock.
_UNSCOPED_SCHEMA = "public"


def lock_key(schema: str | None, name: str) -> int:
    """The advisory lock key of `serialize(name)` in `schema` (the connections' `current_schema()`).

    PostgreSQL's advisory locks are the whole database's: two deployments on schemas of their
    own in one database (staging and production, two bots) must not take each other's
    `admission:42`. So a name is scoped by its schema, but in `public`, which keeps the name's
    own key (`_UNSCOPED_SCHEMA`); NUL, in no schema's name, keeps the two apart.
    """
    scoped = name if schema in (None, _UNSCOPED_SCHEMA) else f"{schema}\x00{name}"
    digest = hashlib.blake2b(scoped.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def describe_location(dsn: str) -> str:
    """Where a DSN points (user, host, port, database), never its password, for messages: as
    asyncpg reads it, the address's own, else the query's (`?host=/run/postgresql`, a socket)."""
    try:
        parts = urlsplit(dsn)
        # A password with an unescaped `/`, `?`, `#` or `@` moves where the address ends:
        # what follows (the rest of the password among it) is no place to print.
        check_postgres_url(dsn)
        query = dict(parse_qsl(parts.query))
        written = postgres_hosts(dsn)
        if any(place.netloc for place in written):
            hosts = [(_host_of(place), place.port) for place in written]
        else:
            hosts = [(host, None) for host in query.get("host", "").split(",")]
        ports = query.get("port", "").split(",")
        places = [
            f"{host or 'localhost'}:{port or (ports[n] if n < len(ports) else '') or 5432}"
            for n, (host, port) in enumerate(hosts)
        ]
    except ValueError:
        return "an unreadable DATABASE_URL (percent-encode / ? # @ in the password)"
    named = parts.username or query.get("user")
    user = f"{unquote(named)}@" if named else ""
    database = parts.path or "/" + query.get("dbname", query.get("database", ""))
    return f"{user}{','.join(places)}{database}"


def _host_of(place: SplitResult) -> str:
    """A host as written (a socket's folder percent-encoded, `%2Frun%2Fpostgresql`, decoded)."""
    if place.netloc.startswith("["):
        return place.hostname or ""  # an IPv6 address
    return unquote(place.netloc.rpartition(":")[0] if place.port else place.netloc)


# How many pieces of output before a `?` are searched for its `IS` (`IS NOT` and spaces).
_IS_REACH = 64


@lru_cache(maxsize=1024)
def translate(sql: str) -> str:
    """The portable SQL in PostgreSQL's form: `?` becomes `$n`, `IS ?` `IS NOT DISTINCT FROM`.

    Quoted text, quoted identifiers and `--` comments are copied untouched.
    """
    out: list[str] = []
    number = 0
    quote: str | None = None  # the quote (or "\n" for a comment) that ends the current span
    for char in sql:
        if quote is not None:
            out.append(char)
            if char == quote:
                quote = None
            continue
        if char in "'\"" or (char == "-" and out and out[-1] == "-"):
            quote = char if char != "-" else "\n"
            out.append(char)
            continue
        if char != "?":
            out.append(char)
            continue
        number += 1
        # Only the text just before the `?` can hold its `IS`: reading it all for each `?`
        # made a copy's batch insert (thousands of them) take minutes.
        kept = len(out) - _IS_REACH if len(out) > _IS_REACH else 0
        before = "".join(out[kept:])
        comparison = _IS_BEFORE.search(before)
        if comparison is not None and comparison.start() == 0 and kept:
            # Cut at `IS`: whether a word ends there only the whole text says.
            kept, before = 0, "".join(out)
            comparison = _IS_BEFORE.search(before)
        if comparison is not None:
            negated = comparison.group(1) is not None
            operator = "IS DISTINCT FROM" if negated else "IS NOT DISTINCT FROM"
            out[kept:] = [before[: comparison.start()], f"{operator} "]
        out.append(f"${number}")
    return "".join(out)


async def _end_idle_transactions(connection: asyncpg.Connection[asyncpg.Record]) -> None:
    """Have PostgreSQL end this connection's transactions left idle (`IDLE_IN_TRANSACTION_
    TIMEOUT`) and its statements out longer than `STATEMENT_TIMEOUT`; run once on each new
    connection of the pool.

    The second because a statement the bot gives up on (`_within_time`) drops its connection,
    which a server waiting for a lock (another session's `CREATE INDEX`, `VACUUM FULL`) notices
    only once it has the lock: the statement would hold its connection slot until then, and
    then run (a claim nobody works). One each minute per stage in every process fills
    `max_connections`. Migrations lift it (`_apply`).
    """
    idle = int(IDLE_IN_TRANSACTION_TIMEOUT * 1000)
    statement = math.ceil(STATEMENT_TIMEOUT * 1000)
    await connection.execute(
        f"SET idle_in_transaction_session_timeout = {idle}; SET statement_timeout = {statement}"
    )


async def _keep_session(_connection: asyncpg.Connection[asyncpg.Record]) -> None:
    """What a connection needs before going back to the pool: nothing.

    asyncpg's default reset (unlock session advisory locks, close cursors, UNLISTEN, RESET
    ALL) costs a round trip on every release, i.e. on every statement. The stores hold no
    session state: locks are transaction-scoped (`pg_advisory_xact_lock`), there is no
    LISTEN, and the one SET (`_end_idle_transactions`) is meant to last (RESET ALL would undo
    it); an open transaction is still rolled back by asyncpg itself.
    """


def _rowcount(status: str) -> int:
    """Rows changed, from a command tag such as `UPDATE 3` or `INSERT 0 1`; -1 if none."""
    last = status.rsplit(" ", 1)[-1]
    return int(last) if last.isdigit() else -1


def _storable(parameters: Sequence[Any]) -> Sequence[Any]:
    """`parameters` as PostgreSQL can store them: its text holds no NUL character, which SQLite
    keeps, and which no reader can see (a prompt pasted with one, a copied SQLite file)."""
    if not any(isinstance(value, str) and "\x00" in value for value in parameters):
        return parameters
    return [value.replace("\x00", "") if isinstance(value, str) else value for value in parameters]


async def _recorded_checksums(connection: _Pooled) -> dict[int, str | None] | None:
    """Each applied migration's checksum (None where none is recorded yet); None before the
    migration that adds the column."""
    if await _within_time(connection, connection.fetchval(_CHECKSUM_COLUMN)) is None:
        return None
    rows = await _within_time(
        connection, connection.fetch("SELECT version, checksum FROM schema_version")
    )
    return {int(row[0]): row[1] for row in rows}


async def _record_checksums(connection: _Pooled, migrations: list[Migration]) -> None:
    """Write down today's checksum of each applied migration that has none yet."""
    recorded = await _recorded_checksums(connection)
    missing = unrecorded(migrations, recorded) if recorded is not None else []
    if missing:
        await _within_time(
            connection,
            connection.executemany(
                translate(RECORD_CHECKSUM_SQL), [(m.checksum, m.version) for m in missing]
            ),
        )


async def _within_time(
    connection: _Pooled, asked: Awaitable[T], *, seconds: float | None = None
) -> T:
    """`asked`, a statement on `connection`; one out longer than `seconds` (by default
    `STATEMENT_TIMEOUT`) drops the connection (it is mute) before `TimeoutError` goes on."""
    seconds = STATEMENT_TIMEOUT if seconds is None else seconds
    try:
        # Not `asyncio.wait_for`: on Python 3.11 it loses a cancel that lands as the answer
        # arrives (it returns the answer), and a claim's renewal then never stops.
        async with asyncio.timeout(seconds):
            return await asked
    except TimeoutError:
        log.warning(
            "A PostgreSQL statement got no answer in %.0f s; its connection is dropped", seconds
        )
        # Dropped at once: a cancel the server never takes would hold its release for ever.
        connection.terminate()
        raise


@asynccontextmanager
async def _bounded_transaction(connection: _Pooled) -> AsyncIterator[None]:
    """A transaction on `connection` whose BEGIN, COMMIT and ROLLBACK are statements like any
    other (`_within_time`): on a mute connection none of them waits for ever."""
    transaction = connection.transaction()
    await _within_time(connection, transaction.start())
    try:
        yield
    except BaseException:
        if not connection.is_closed():  # dropped: the server ends the transaction itself
            try:
                # Quick on a live server; on a mute one it must not hold a stop past its grace.
                await _within_time(connection, transaction.rollback(), seconds=ROLLBACK_TIMEOUT)
            except Exception:
                # What ended the transaction (a cancel, above all) goes on, not the rollback's
                # failure: callers that catch `Exception` would carry on through a stop.
                # (One out of time had its connection dropped already: `_within_time`.)
                log.warning("A PostgreSQL rollback failed", exc_info=True)
        raise
    await _within_time(connection, transaction.commit())


class PostgresCursor:
    """A statement's rows (all fetched at once) and how many rows it changed."""

    def __init__(self, rows: list[asyncpg.Record], rowcount: int) -> None:
        self._rows = rows
        self._next = 0
        self._rowcount = rowcount

    @property
    def rowcount(self) -> int:
        """Rows the statement changed (or returned, for one with `RETURNING`)."""
        return self._rowcount

    async def fetchone(self) -> asyncpg.Record | None:
        """The next row, or None."""
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    async def fetchall(self) -> list[asyncpg.Record]:
        """The rows not yet fetched."""
        rows, self._next = self._rows[self._next :], len(self._rows)
        return rows


class PostgresStatement:
    """A statement sent: awaited, or used with `async with`, like aiosqlite's."""

    def __init__(self, run: Coroutine[Any, Any, PostgresCursor]) -> None:
        self._run = run

    def __await__(self) -> Generator[Any, None, PostgresCursor]:
        return self._run.__await__()

    async def __aenter__(self) -> PostgresCursor:
        return await self._run

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
        /,
    ) -> None:
        return None


def _lock_timeout(deadline: float) -> str:
    """The statement that lets this transaction's lock waits last until `deadline` (monotonic)."""
    left = math.ceil((deadline - time.monotonic()) * 1000)
    return f"SET LOCAL lock_timeout = {max(left, _LEAST_LOCK_WAIT_MS)}"


class PostgresConnection:
    """The pooled connection of one open transaction; `deadline` (monotonic), if any, is when
    its waits for locks end (`LOCK_WAIT` after it asked for its turn)."""

    def __init__(
        self, connection: _Pooled, deadline: float | None = None, schema: str | None = None
    ) -> None:
        self._connection = connection
        self._deadline = deadline
        self._schema = schema

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> PostgresStatement:
        """Run one statement of the portable SQL."""
        return PostgresStatement(self._run(sql, parameters))

    async def _run(self, sql: str, parameters: Sequence[Any]) -> PostgresCursor:
        query, parameters = translate(sql), _storable(parameters)
        connection = self._connection
        if _RETURNS_ROWS.search(sql):
            rows = await _within_time(connection, connection.fetch(query, *parameters))
            return PostgresCursor(rows, len(rows))
        status = await _within_time(connection, connection.execute(query, *parameters))
        return PostgresCursor([], _rowcount(status))

    async def serialize(self, name: str) -> None:
        """Hold `name` until this transaction ends: other holders, in any process, wait (in a
        transaction with a deadline, only until then: `lock_timeout` is per statement, so each
        lock is given the time left, not the whole `LOCK_WAIT` again). Another schema's
        `name` is another lock (`lock_key`)."""
        key = lock_key(self._schema, name)
        connection = self._connection
        if self._deadline is None:
            lock = connection.execute("SELECT pg_advisory_xact_lock($1)", key)
        else:
            # Both in one round trip (the simple protocol takes several statements; `key` is
            # an integer of ours, safe to write in).
            lock = connection.execute(
                f"{_lock_timeout(self._deadline)}; SELECT pg_advisory_xact_lock({key})"
            )
        await _within_time(connection, lock)


class Turns:
    """One asyncio lock per name, kept only while a task holds or waits for it: this process's
    transactions that will wait on the same database lock take turns before each takes a
    pooled connection, so one connection waits per lock, not the whole pool."""

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._takers: Counter[str] = Counter()

    @asynccontextmanager
    async def taking(self, names: Sequence[str], *, within: float) -> AsyncIterator[None]:
        """Hold each of `names`, in their order (the order the database locks are taken in,
        so no two transactions wait on each other); `LockWaitTimeout` if not all `within` s."""
        if not names:
            yield
            return
        async with AsyncExitStack() as held:
            try:
                async with asyncio.timeout(within):
                    for name in names:
                        await held.enter_async_context(self._turn(name))
            except TimeoutError:
                raise LockWaitTimeout(
                    f"waited over {within:g} s for this process's turn at {', '.join(names)}"
                ) from None
            yield

    @asynccontextmanager
    async def _turn(self, name: str) -> AsyncIterator[None]:
        lock = self._locks.setdefault(name, asyncio.Lock())
        self._takers[name] += 1
        try:
            async with lock:
                yield
        finally:
            self._takers[name] -= 1
            if not self._takers[name]:
                del self._takers[name], self._locks[name]


class PostgresDatabase(BotStateValues):
    """A pool of connections to one PostgreSQL database (and schema), shared by processes."""

    dialect: Literal["postgres"] = "postgres"

    def __init__(self, pool: asyncpg.Pool[asyncpg.Record], schema: str | None = None) -> None:
        self._pool = pool
        # Where its tables are (`current_schema()`, from `search_path`): its locks' scope.
        self._schema = schema
        self._closed = False
        self._turns = Turns()

    @property
    def schema(self) -> str | None:
        """The schema its tables are in (`current_schema()`); None when the search_path names
        none that exists."""
        return self._schema

    async def search_path(self) -> str:
        """The search_path its connections run with (from the URL, else the role's)."""
        value = await self._pool.fetchval("SHOW search_path", timeout=_CONNECT_TIMEOUT)
        return str(value)

    @classmethod
    async def open(
        cls, dsn: str, *, schema: str | None = None, min_size: int = 1, max_size: int = 10
    ) -> PostgresDatabase:
        """Connect; `schema` (if given) is where every table is looked up and created.

        Raises `OSError` or `TimeoutError` when the server cannot be reached,
        `asyncpg.PostgresError` when it refuses (user, password, database).
        """
        # Only what PgBouncer takes at connection start (`schema` is for tests, on PostgreSQL).
        settings = {"application_name": "omni-video-bot"}
        if schema is not None:
            settings["search_path"] = schema
        pool = await asyncpg.create_pool(
            dsn,
            min_size=min_size,
            max_size=max_size,
            timeout=_CONNECT_TIMEOUT,
            server_settings=settings,
            init=_end_idle_transactions,
            reset=_keep_session,
        )
        try:
            # The same on every connection: `search_path` comes from the URL or the role.
            current = await pool.fetchval("SELECT current_schema()", timeout=_CONNECT_TIMEOUT)
        except BaseException:
            pool.terminate()
            raise
        return cls(pool, current)

    async def close(self) -> None:
        """Wait (bounded) for the transactions in flight, then close every connection."""
        if self._closed:
            return
        self._closed = True
        try:
            await asyncio.wait_for(self._pool.close(), _CLOSE_TIMEOUT)
        except TimeoutError:
            log.warning("PostgreSQL connections still busy after %.1f s: closed", _CLOSE_TIMEOUT)
            self._pool.terminate()

    @asynccontextmanager
    async def transaction(
        self, *, waits_on: Sequence[str] = ()
    ) -> AsyncIterator[PostgresConnection]:
        """One atomic unit of work: everything inside commits together or not at all.

        `waits_on`: the locks it will `serialize` on, in that order; this process's
        transactions naming the same lock take turns before taking a connection, and none waits
        longer than `LOCK_WAIT` in all for its turn and its locks: `LockWaitTimeout`, nothing
        written.
        """
        deadline = time.monotonic() + LOCK_WAIT if waits_on else None
        async with self._turns.taking(waits_on, within=LOCK_WAIT):
            try:
                async with (
                    self._pool.acquire() as connection,
                    _bounded_transaction(connection),
                ):
                    if deadline is not None:
                        # What waits before its first `serialize` (each sets its own) too.
                        wait = _lock_timeout(deadline)
                        await _within_time(connection, connection.execute(wait))
                    yield PostgresConnection(connection, deadline, self._schema)
            except asyncpg.LockNotAvailableError as error:
                raise LockWaitTimeout(
                    f"waited over {LOCK_WAIT:g} s in all for its turn and its locks ({error})"
                ) from None

    async def fetch_all(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Run a read and return every row."""
        return await self._fetch(translate(sql), _storable(params))

    async def write(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """Run one statement on its own, committed at once (autocommit): one round trip."""
        return await self._fetch(translate(sql), _storable(params))

    async def fetch_one(self, sql: str, params: Sequence[Any] = ()) -> Row | None:
        """Run a read and return the first row, if any."""
        query, parameters = translate(sql), _storable(params)
        async with self._pool.acquire() as connection:
            row: Row | None = await _within_time(
                connection, connection.fetchrow(query, *parameters)
            )
        return row

    async def _fetch(self, query: str, params: Sequence[Any]) -> list[Row]:
        """One statement (PostgreSQL's text) on a pooled connection, within `STATEMENT_TIMEOUT`."""
        async with self._pool.acquire() as connection:
            rows = await _within_time(connection, connection.fetch(query, *params))
        return list(rows)

    async def server_time(self) -> float:
        """The PostgreSQL server's clock (`clock_timestamp()`: now, not the transaction's start)."""
        async with self._pool.acquire() as connection:
            value = await _within_time(
                connection,
                connection.fetchval(
                    "SELECT extract(epoch FROM clock_timestamp())::float8",
                    timeout=_CONNECT_TIMEOUT,
                ),
            )
        return float(value)

    async def schema_version(self) -> int:
        """The highest migration applied, 0 for an empty database.

        Read without the migration lock and without creating anything: a readiness probe
        asks while another process may be migrating, and must hear now, not wait its turn.
        Each statement is bounded (`_within_time`): on a connection a failover left mute, the
        probe is answered "unreachable" and the next one asks on a new connection.
        """
        async with self._pool.acquire() as connection:
            table = connection.fetchval("SELECT to_regclass('schema_version')")
            if await _within_time(connection, table) is None:
                return 0
            version = await _within_time(
                connection,
                connection.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_version"),
            )
            return int(version)

    async def migrate(self, migrations: Iterable[Migration] | None = None) -> list[int]:
        """Apply the migrations not yet applied, each in its own transaction; return them.

        Processes starting together take turns; each migration is applied once.
        """
        pending = list(migrations if migrations is not None else load_migrations(MIGRATIONS_DIR))
        applied: list[int] = []
        async with self._pool.acquire() as connection:
            refuse_changed(pending, await _recorded_checksums(connection) or {})
            for migration in await self._unapplied(connection, pending):
                if await self._apply_giving_way(connection, migration):
                    log.info("Applied migration %s", migration.file_name)
                    applied.append(migration.version)
            await _record_checksums(connection, pending)
        return applied

    async def _unapplied(self, connection: _Pooled, pending: list[Migration]) -> list[Migration]:
        """The migrations newer than the applied version, read once under the migration lock:
        an up-to-date schema (every start but the first after an upgrade) then costs one
        transaction, not one per migration. Each is still checked again as it is applied
        (another process may apply it first); a version, once applied, never goes back."""
        async with connection.transaction():
            await connection.execute("SET LOCAL statement_timeout = 0")  # as `_apply` waits
            version = await self._version(connection)
        return [migration for migration in pending if migration.version > version]

    async def _apply_giving_way(self, connection: _Pooled, migration: Migration) -> bool:
        """Apply `migration` unless another process has; whether this one did. A lock it waits
        for longer than `MIGRATION_LOCK_WAIT` is given back and tried for again, up to
        `MIGRATION_LOCK_PATIENCE` in all, then `LockWaitTimeout`."""
        deadline = time.monotonic() + MIGRATION_LOCK_PATIENCE
        pause = _FIRST_MIGRATION_PAUSE
        while True:
            try:
                return await self._apply(connection, migration)
            except asyncpg.LockNotAvailableError:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise LockWaitTimeout(
                        f"migration {migration.file_name} could not lock the tables it changes"
                        f" in {MIGRATION_LOCK_PATIENCE:g} s: other transactions kept them"
                        " (pg_stat_activity shows which); start again once they end"
                    ) from None
                pause = min(pause, left)
                log.warning(
                    "Migration %s gave way after %g s waiting for a lock another transaction"
                    " holds; trying again in %.1f s",
                    migration.file_name,
                    MIGRATION_LOCK_WAIT,
                    pause,
                )
                await asyncio.sleep(pause)
                pause = min(pause * 2, _MAX_MIGRATION_PAUSE)

    async def _apply(self, connection: _Pooled, migration: Migration) -> bool:
        """One try at `migration`, in its own transaction; whether it was applied by this one."""
        async with connection.transaction():
            # A migration and its wait for another process's take as long as they take.
            await connection.execute("SET LOCAL statement_timeout = 0")
            if migration.version <= await self._version(connection):
                return False
            # After the migration lock: a process waits its turn behind another's migration
            # for as long as that takes.
            milliseconds = int(MIGRATION_LOCK_WAIT * 1000)
            await connection.execute(f"SET LOCAL lock_timeout = {milliseconds}")
            try:
                await connection.execute(migration.sql)
            except asyncpg.LockNotAvailableError:
                raise  # given way to, and tried again
            except asyncpg.PostgresError as error:
                raise MigrationFailed(migration, error) from error
            await connection.execute(
                "INSERT INTO schema_version (version, name, applied_at) VALUES ($1, $2, $3)",
                migration.version,
                migration.name,
                time.time(),
            )
        return True

    @staticmethod
    async def _version(connection: _Pooled) -> int:
        """The applied version, holding the migration lock until the transaction ends."""
        await connection.execute(_MIGRATION_LOCK)
        await connection.execute(_VERSION_TABLE)
        version = await connection.fetchval("SELECT COALESCE(MAX(version), 0) FROM schema_version")
        return int(version)
