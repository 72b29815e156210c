"""Storage: migrations from empty, re-applied, and the settings SQLite needs under load."""

import asyncio
import dataclasses
import logging
import os
import stat
import threading
import uuid
from pathlib import Path

import aiosqlite
import asyncpg
import pytest
import yarl

from bot.__main__ import Misconfigured, open_postgres, open_sqlite
from bot.apimart import VideoRequest
from bot.jobs.models import Requester
from bot.jobs.reply_routes import ReplyRoutes
from bot.jobs.store import JobStore
from bot.reach import Reply, Route
from bot.storage import load_migrations, postgres
from bot.storage.base import MIGRATIONS_ROOT, Migration, MigrationChanged
from bot.storage.postgres import describe_location, translate
from bot.storage.sqlite import SqliteDatabase
from tests.backends import postgres_only, sqlite_only


async def table_names(db):
    if db.dialect == "sqlite":
        rows = await db.fetch_all("SELECT name FROM sqlite_master WHERE type = 'table'")
    else:
        rows = await db.fetch_all(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
        )
    return {row[0] for row in rows}


async def test_migrates_an_empty_database_and_records_the_version(backend):
    migrations = load_migrations(MIGRATIONS_ROOT / backend.dialect)
    db = await backend.open()
    try:
        applied = await db.migrate()
        assert applied == [m.version for m in migrations]
        assert await db.schema_version() == max(m.version for m in migrations)
        assert {"jobs", "schema_version", "bot_state", "mod_policy"} <= await table_names(db)
    finally:
        await db.close()


async def test_applying_twice_is_a_no_op(backend):
    first = await backend.open()
    await first.migrate()
    await first.close()
    second = await backend.open()
    try:
        assert await second.migrate() == []
        rows = await second.fetch_all("SELECT version FROM schema_version")
        assert len(rows) == len(load_migrations(MIGRATIONS_ROOT / backend.dialect))
    finally:
        await second.close()


async def test_a_failing_migration_leaves_nothing_half_applied(backend):
    db = await backend.open()
    try:
        good = Migration(1, "good", "CREATE TABLE a (x INTEGER)")
        bad = Migration(2, "bad", "CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1)")
        with pytest.raises(Exception, match="nowhere"):
            await db.migrate([good, bad])
        assert await db.schema_version() == 1
        tables = await table_names(db)
        assert "a" in tables
        assert "b" not in tables
    finally:
        await db.close()


@sqlite_only
async def test_wal_mode_and_busy_timeout(db):
    assert (await db.fetch_one("PRAGMA journal_mode"))[0] == "wal"
    assert (await db.fetch_one("PRAGMA busy_timeout"))[0] >= 1000


@sqlite_only
async def test_a_committed_claim_survives_a_power_loss(db):
    """A commit is acted on at once (a submit's claim, then the request sent to APIMart; the
    task id written down): in WAL mode only `synchronous=FULL` syncs it to disk before it
    returns, NORMAL leaves it to the next checkpoint, and a power loss before that brings the
    job back unsent, to be sent and paid for a second time."""
    (mode,) = await db.fetch_one("PRAGMA synchronous")
    assert mode == 2, f"synchronous={mode}: 2 (FULL) syncs each commit"


async def test_values_survive_between_runs(backend):
    db = await backend.open()
    await db.migrate()
    await db.set_value("k", "one")
    await db.set_value("k", "two")
    await db.close()
    again = await backend.open()
    try:
        assert await again.get_value("k") == "two"
        assert await again.get_value("missing") is None
    finally:
        await again.close()


def test_portable_sql_is_translated_for_postgresql():
    assert translate("UPDATE t SET a = ? WHERE b IS ? AND c IS NOT ? AND d = '?'") == (
        "UPDATE t SET a = $1 WHERE b IS NOT DISTINCT FROM $2 AND c IS DISTINCT FROM $3 AND d = '?'"
    )


@postgres_only
async def test_the_version_is_read_at_once_while_another_process_migrates(backend):
    """A starting process's /readyz asks for the version while another process holds the
    migration lock: it must hear the version now, not time out as "database unreachable"."""
    migrating, probing = await backend.open(), await backend.open()
    await migrating.migrate([Migration(1, "first", "CREATE TABLE a (x INTEGER)")])
    release, locked = asyncio.Event(), asyncio.Event()

    async def a_long_migration():
        async with migrating.transaction() as conn:
            await conn.execute(
                "SELECT pg_advisory_xact_lock(hashtext('migrations:' || current_schema()))"
            )
            locked.set()
            await release.wait()

    held = asyncio.create_task(a_long_migration())
    try:
        await locked.wait()
        assert await asyncio.wait_for(probing.schema_version(), 2) == 1
    finally:
        release.set()
        await held


@postgres_only
async def test_processes_starting_together_apply_each_migration_once(backend):
    """Four processes start at once on an empty database (`docker compose up`): they take
    turns, each migration is applied by one of them, and none of them fails to start."""
    processes = [await backend.open() for _ in range(4)]
    applied = await asyncio.gather(*(db.migrate() for db in processes))
    versions = sorted(version for each in applied for version in each)
    assert versions == [m.version for m in load_migrations(MIGRATIONS_ROOT / "postgres")]


@postgres_only
async def test_a_migration_may_take_longer_than_the_server_lets_any_other_statement(
    backend, monkeypatch
):
    """PostgreSQL ends the bot's statements after `STATEMENT_TIMEOUT`, but not a migration (an
    index built on a large table), nor its wait behind another process's."""
    monkeypatch.setattr(postgres, "STATEMENT_TIMEOUT", 0.2)
    db = await backend.open()
    slow = Migration(1, "slow", "SELECT pg_sleep(0.5); CREATE TABLE a (x INTEGER)")
    assert await db.migrate([slow]) == [1]


@postgres_only
async def test_an_empty_database_reads_as_version_zero_without_creating_anything(backend):
    db = await backend.open()
    assert await db.schema_version() == 0
    assert await table_names(db) == set(), "a probe leaves the schema as it found it"


async def test_a_transaction_cut_short_while_it_begins_leaves_later_writes_committed(backend):
    """Shutdown cancels workers anywhere, also while their transaction's BEGIN is on its way:
    the connection must not be left inside it, or every later write joins it and is lost."""
    db = await backend.open()
    await db.migrate()

    async def in_a_transaction():
        async with db.transaction() as conn:
            await conn.execute("SELECT 1")

    task = asyncio.create_task(in_a_transaction())
    await asyncio.sleep(0)  # the task now waits for its BEGIN
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await db.set_value("k", "kept")
    async with db.transaction() as conn:  # and a new transaction can begin
        await conn.execute("SELECT 1")
    await db.close()
    again = await backend.open()
    try:
        assert await again.get_value("k") == "kept"
    finally:
        await again.close()


async def index_names(db) -> set[str]:
    if db.dialect == "sqlite":
        rows = await db.fetch_all("SELECT name FROM sqlite_master WHERE type = 'index'")
    else:
        rows = await db.fetch_all(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
        )
    return {row[0] for row in rows}


# `stage_indexes` (SQLite's 0021, PostgreSQL's 0017) as first released: it was then rewritten in
# place, its index by state made partial, so SQLite's poll claim stops sorting every running job.
FIRST_STAGE_INDEXES = (
    "CREATE INDEX jobs_due_submit ON jobs (next_poll_at) WHERE state = 'recorded';\n"
    "CREATE INDEX jobs_by_state ON jobs (state);\n"
)


async def test_an_upgrade_from_a_release_with_the_first_stage_indexes_gets_todays_indexes(backend):
    migrations = load_migrations(MIGRATIONS_ROOT / backend.dialect)
    [stage_indexes] = [m for m in migrations if m.name == "stage_indexes"]
    released = [m for m in migrations if m.version < stage_indexes.version]
    released.append(dataclasses.replace(stage_indexes, sql=FIRST_STAGE_INDEXES))
    db = await backend.open()
    try:
        await db.migrate(released)
        await db.migrate()
        indexes = await index_names(db)
    finally:
        await db.close()
    assert "jobs_by_state" not in indexes
    assert "jobs_finished_by_state" in indexes


async def test_a_migration_file_changed_after_it_was_applied_stops_the_migration(backend):
    """A file changed after a database applied it never reaches that database: nothing more is
    applied until the file is as it was."""
    migrations = load_migrations(MIGRATIONS_ROOT / backend.dialect)
    db = await backend.open()
    try:
        await db.migrate()
        latest = await db.schema_version()
        first = migrations[0]
        changed = [
            dataclasses.replace(first, sql=f"{first.sql}\n-- and one more line"),
            *migrations[1:],
            Migration(10_000, "next", "CREATE TABLE next_release (x INTEGER)"),
        ]
        with pytest.raises(MigrationChanged, match=f"{first.version:04d}_{first.name}.sql"):
            await db.migrate(changed)
        assert await db.schema_version() == latest
        assert await db.migrate() == []
    finally:
        await db.close()


async def test_a_database_from_before_checksums_is_checked_from_its_next_start_on(backend):
    """Migrations applied by a release that recorded no checksums get today's files' at the
    next start; a file changed after that is caught."""
    migrations = load_migrations(MIGRATIONS_ROOT / backend.dialect)
    [checksums] = [m for m in migrations if m.name == "migration_checksums"]
    db = await backend.open()
    try:
        await db.migrate([m for m in migrations if m.version < checksums.version])
        await db.migrate()
        last = migrations[-1]
        changed = [*migrations[:-1], dataclasses.replace(last, sql=f"{last.sql};\nSELECT 1")]
        with pytest.raises(MigrationChanged, match=f"{last.version:04d}_{last.name}.sql"):
            await db.migrate(changed)
    finally:
        await db.close()


async def test_the_operator_reads_which_migration_file_changed_and_the_bot_does_not_start(
    tmp_path, caplog
):
    path = tmp_path / "bot.sqlite3"
    db = await SqliteDatabase.open(path)
    await db.migrate()
    # As if the database had applied another text of 0021 than today's file holds.
    await db.write("UPDATE schema_version SET checksum = 'a-former-text' WHERE version = 21")
    await db.close()

    with caplog.at_level(logging.ERROR), pytest.raises(Misconfigured):
        await open_sqlite(path)

    [line] = [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]
    assert "0021_stage_indexes.sql" in line and "changed" in line


async def test_the_start_says_which_database_holds_the_jobs_and_when_a_sqlite_file_is_new(
    backend, tmp_path, monkeypatch, caplog
):
    """A relative DATABASE_PATH read from another folder (a systemd unit without
    WorkingDirectory=) started on a new, empty file, with only the migrations it applied to
    say so: nothing named where the jobs are, or that they were not there."""
    monkeypatch.chdir(tmp_path)
    for start in ("first", "again"):
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="bot"):
            if backend.dialect == "sqlite":
                db = await open_sqlite(Path("data/bot.sqlite3"))
            else:
                db = await open_postgres(on_schema(backend), wait=0)
        assert db is not None
        await db.close()
        [line] = [record.getMessage() for record in caplog.records if "jobs are" in record.msg]
        if backend.dialect == "sqlite":
            where = tmp_path / "data" / "bot.sqlite3"
            said = f"The jobs are in the SQLite database at {where}"
            assert line == (said + ", a new file" if start == "first" else said), line
        else:
            assert line == f"The jobs are in PostgreSQL at {describe_location(backend.dsn)}"


def on_schema(backend) -> str:
    """The DATABASE_URL of the test's schema (`?search_path=`, as docs/scaling.md writes it)."""
    return str(yarl.URL(backend.dsn).update_query(search_path=backend.schema))


async def start_on(backend, caplog) -> list[str]:
    """Start the bot's database as `python -m bot` does; the error lines it logged."""
    with caplog.at_level(logging.ERROR):
        if backend.dialect == "sqlite":
            db = await open_sqlite(backend.path)
        else:
            db = await open_postgres(on_schema(backend), wait=0)
    assert db is None, "the bot started"
    return [record.getMessage() for record in caplog.records if record.levelno >= logging.ERROR]


async def test_a_migration_whose_own_sql_fails_is_named_with_the_databases_words(
    backend, tmp_path, monkeypatch, caplog
):
    """A migration refused for what its SQL meets (here a table it needs is not there) is no
    question of rights or free space: before, the operator was told to check the user's rights
    (PostgreSQL) or the free space (SQLite)."""
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_first.sql").write_text("CREATE TABLE a (x INTEGER)")
    (folder / "0002_second.sql").write_text("INSERT INTO nowhere VALUES (1)")
    monkeypatch.setattr(f"bot.storage.{backend.dialect}.MIGRATIONS_DIR", folder)

    [line] = await start_on(backend, caplog)

    assert "migration 0002_second.sql failed" in line, line
    assert "nowhere" in line, line
    assert "rights" not in line and "free space" not in line, line


@postgres_only
async def test_a_database_user_without_the_right_to_create_tables_is_told_to_check_its_rights(
    backend, caplog
):
    role = f"reader_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(backend.dsn)
    try:
        await admin.execute(f"CREATE ROLE {role} LOGIN")
        await admin.execute(f"GRANT USAGE ON SCHEMA {backend.schema} TO {role}")
        url = yarl.URL(backend.dsn).with_user(role)
        backend = dataclasses.replace(backend, dsn=str(url))

        [line] = await start_on(backend, caplog)
    finally:
        await admin.execute(f"DROP OWNED BY {role}")
        await admin.execute(f"DROP ROLE {role}")
        await admin.close()
    assert "permission denied" in line and "check the user's rights" in line, line


@sqlite_only
async def test_a_stop_during_a_migration_is_a_stop_not_a_database_error(backend):
    """SIGTERM while the bot starts cancels the start. A migration then running in aiosqlite's
    thread goes on and commits: the stop must stay a stop ("Stopped (SIGTERM) before it
    started", exit 0), not become a failed ROLLBACK read as "Cannot write the database ...
    check free space", exit 1, for a migration that was in fact applied."""
    db = await backend.open()
    slow = Migration(
        1,
        "slow",
        "CREATE TABLE t (x INTEGER);"
        " WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000000)"
        " INSERT INTO t SELECT i FROM n",
    )
    loop, running = asyncio.get_running_loop(), asyncio.Event()
    raw = db._connection._connection  # the sqlite3 connection, in aiosqlite's thread

    def in_the_script() -> int:
        if raw.in_transaction:
            loop.call_soon_threadsafe(running.set)
        return 0  # go on

    await db._connection.set_progress_handler(in_the_script, 10_000)
    migrating = asyncio.create_task(db.migrate([slow]))
    try:
        await running.wait()
        migrating.cancel()
        [outcome] = await asyncio.gather(migrating, return_exceptions=True)
        await db._connection.set_progress_handler(None, 10_000)
        assert isinstance(outcome, asyncio.CancelledError), repr(outcome)
        # The script went on in the thread and committed: recorded, so not applied again.
        assert await db.schema_version() == 1
    finally:
        await db.close()


async def test_a_stop_during_the_start_up_migration_lets_the_process_exit(tmp_path, monkeypatch):
    """SIGTERM while a migration runs cancels `open_sqlite`; the database must still be closed.
    Left open, aiosqlite's thread (not a daemon) kept the process alive after "Stopped
    (SIGTERM) before it started" until `docker stop` killed it, the file locked meanwhile."""
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0001_slow.sql").write_text(
        "CREATE TABLE t (x INTEGER);"
        " WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)"
        " INSERT INTO t SELECT i FROM n"
    )
    monkeypatch.setattr("bot.storage.sqlite.MIGRATIONS_DIR", folder)
    loop, running, release = asyncio.get_running_loop(), asyncio.Event(), threading.Event()
    opened: list[SqliteDatabase] = []
    real_open = SqliteDatabase.open

    async def open_held_in_the_script(path):
        db = await real_open(path)
        opened.append(db)
        raw = db._connection._connection  # the sqlite3 connection, in aiosqlite's thread

        def in_the_script() -> int:
            if raw.in_transaction and not release.is_set():
                loop.call_soon_threadsafe(running.set)
                release.wait()  # the script runs on once the stop was asked for
            return 0

        await db._connection.set_progress_handler(in_the_script, 1_000)
        return db

    monkeypatch.setattr(SqliteDatabase, "open", open_held_in_the_script)
    path = tmp_path / "bot.sqlite3"
    starting = asyncio.create_task(open_sqlite(path))
    try:
        await running.wait()
        starting.cancel()
        await asyncio.sleep(0)  # the cancel reaches the start-up first
        release.set()
        [outcome] = await asyncio.gather(starting, return_exceptions=True)
    finally:
        release.set()
    assert isinstance(outcome, asyncio.CancelledError), repr(outcome)
    [db] = opened
    thread = db._connection._thread
    thread.join(timeout=5)
    alive = thread.is_alive()
    if alive:
        await db.close()
    assert not alive, "aiosqlite's thread outlives the start-up: the process cannot exit"
    again = await real_open(path)  # the file was let go
    await again.close()


async def test_a_new_sqlite_database_is_readable_by_the_bots_user_alone(tmp_path):
    """The file holds the interaction tokens of jobs answered through their command (each one
    posts as the bot in a member's private answer for 15 minutes), signed attachment links and
    prompts: made with the usual umask it was readable by every account on the host
    (-rw-r--r--), its write-ahead log too."""
    previous = os.umask(0o022)  # the usual default
    try:
        path = tmp_path / "data" / "bot.sqlite3"
        db = await SqliteDatabase.open(path)
        try:
            await db.migrate()
            reply = Reply(Route.INTERACTION, token="aW50ZXJhY3Rpb246c2VjcmV0", expires_at=900.0)
            requester = Requester(user_id=42, channel_id=7, guild_id=None, reply=reply)
            await JobStore(db, clock=lambda: 100.0).create(
                requester, VideoRequest(prompt="a fox"), now=100.0, submit_by=160.0
            )
            made = [path, path.with_name(path.name + "-wal")]
            modes = {file.name: stat.filemode(file.stat().st_mode) for file in made}
        finally:
            await db.close()
    finally:
        os.umask(previous)
    assert modes == {"bot.sqlite3": "-rw-------", "bot.sqlite3-wal": "-rw-------"}, modes


@pytest.mark.parametrize("prompt", ["a fox", "a fox " * 700], ids=["short", "spilling"])
async def test_a_forgotten_interaction_token_is_gone_from_the_database_file(
    tmp_path, monkeypatch, prompt
):
    """A command's token posts as the bot in the member's private answer for 15 minutes; it is
    forgotten once spent or expired. An SQLite built without SECURE_DELETE (its own default,
    unlike Debian's, whose build the image uses) left a forgotten value's bytes in the page's
    free space (or on the free list, for a row too long for its page), so anyone given a copy
    of the file (a backup, a disk image) could read every token the bot had been given."""
    connect = aiosqlite.connect

    async def built_without_secure_delete(*args, **kwargs):
        connection = await connect(*args, **kwargs)
        await connection.execute("PRAGMA secure_delete=OFF")  # SQLite's default build
        return connection

    monkeypatch.setattr(aiosqlite, "connect", built_without_secure_delete)
    token = "aW50ZXJhY3Rpb246Zm9yZ290dGVuLXRva2Vu" * 3
    path = tmp_path / "bot.sqlite3"
    db = await SqliteDatabase.open(path)
    try:
        await db.migrate()
        store = JobStore(db, clock=lambda: 100.0)
        reply = Reply(Route.INTERACTION, token=token, expires_at=900.0)
        requester = Requester(user_id=42, channel_id=7, guild_id=None, reply=reply)
        spent = await store.create(
            requester, VideoRequest(prompt=prompt), now=100.0, submit_by=160.0
        )
        await store.create(requester, VideoRequest(prompt=prompt), now=100.0, submit_by=160.0)
        routes = ReplyRoutes(db)
        await routes.forget_interaction(spent.id)  # delivered
        assert await routes.forget_expired_interactions(900.0) == 1  # its 15 minutes are over
    finally:
        await db.close()  # the write-ahead log is folded into the file, and removed
    assert token.encode() not in path.read_bytes()
