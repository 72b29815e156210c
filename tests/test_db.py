"""Storage: migrations from empty, re-applied, and the settings SQLite needs under load."""

from pathlib import Path

import pytest

from bot.db import Database, Migration, load_migrations

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations" / "sqlite"


async def test_migrates_an_empty_file_and_records_the_version(tmp_path):
    db = await Database.open(tmp_path / "new" / "bot.sqlite3")
    try:
        applied = await db.migrate()
        latest = max(m.version for m in load_migrations(MIGRATIONS))
        assert applied == [m.version for m in load_migrations(MIGRATIONS)]
        assert await db.schema_version() == latest
        tables = {row[0] for row in await db.fetch_all("SELECT name FROM sqlite_master")}
        assert {"jobs", "schema_version", "bot_state"} <= tables
    finally:
        await db.close()


async def test_applying_twice_is_a_no_op(tmp_path):
    path = tmp_path / "bot.sqlite3"
    first = await Database.open(path)
    await first.migrate()
    await first.close()
    second = await Database.open(path)
    try:
        assert await second.migrate() == []
        rows = await second.fetch_all("SELECT version FROM schema_version")
        assert len(rows) == len(load_migrations(MIGRATIONS))
    finally:
        await second.close()


async def test_a_failing_migration_leaves_nothing_half_applied(tmp_path):
    db = await Database.open(tmp_path / "bot.sqlite3")
    try:
        good = Migration(1, "good", "CREATE TABLE a (x INTEGER)")
        bad = Migration(2, "bad", "CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1)")
        with pytest.raises(Exception, match="nowhere"):
            await db.migrate([good, bad])
        assert await db.schema_version() == 1
        tables = {row[0] for row in await db.fetch_all("SELECT name FROM sqlite_master")}
        assert "a" in tables
        assert "b" not in tables
    finally:
        await db.close()


async def test_wal_mode_and_busy_timeout(db):
    assert (await db.fetch_one("PRAGMA journal_mode"))[0] == "wal"
    assert (await db.fetch_one("PRAGMA busy_timeout"))[0] >= 1000


async def test_values_survive_between_runs(tmp_path):
    path = tmp_path / "bot.sqlite3"
    db = await Database.open(path)
    await db.migrate()
    await db.set_value("k", "one")
    await db.set_value("k", "two")
    await db.close()
    again = await Database.open(path)
    try:
        assert await again.get_value("k") == "two"
        assert await again.get_value("missing") is None
    finally:
        await again.close()
