"""The SQLite and PostgreSQL migrations build the same schema, column by column.

Each engine has its own migration files; a column added to one and forgotten in the other would
show only when a query or the copy tool met it on that engine. These tests catch the drift
when it is written.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.storage import Database
from bot.storage.base import MIGRATIONS_ROOT
from bot.storage.sqlite import SqliteDatabase
from tests.backends import postgres_only

# How each engine spells the kinds of value the bot stores.
SQLITE_KINDS = {"INTEGER": "integer", "REAL": "real", "TEXT": "text"}
POSTGRES_KINDS = {
    "integer": "integer",
    "bigint": "integer",
    "double precision": "real",
    "text": "text",
}


@dataclass(frozen=True)
class Column:
    kind: str
    # NOT NULL as declared; a primary key is never null on either engine, whatever it says.
    required: bool


Schema = dict[str, dict[str, Column]]


async def sqlite_schema(db: Database) -> tuple[Schema, set[str]]:
    tables = await db.fetch_all(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )
    schema: Schema = {}
    for (table,) in tables:
        rows = await db.fetch_all(f"PRAGMA table_info({table})")
        schema[table] = {
            name: Column(SQLITE_KINDS.get(kind.upper(), kind), bool(notnull) or bool(pk))
            for _, name, kind, notnull, _, pk in rows
        }
    indexes = await db.fetch_all(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'"
    )
    return schema, {name for (name,) in indexes}


async def postgres_schema(db: Database, namespace: str) -> tuple[Schema, set[str]]:
    rows = await db.fetch_all(
        "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns"
        " WHERE table_schema = $1",
        (namespace,),
    )
    schema: Schema = {}
    for table, name, kind, nullable in rows:
        column = Column(POSTGRES_KINDS.get(kind, kind), nullable == "NO")
        schema.setdefault(table, {})[name] = column
    # Indexes the migrations create by name (not those PostgreSQL makes for a key or UNIQUE).
    indexes = await db.fetch_all(
        "SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND indexname NOT IN"
        " (SELECT conname FROM pg_constraint WHERE connamespace = $1::regnamespace)",
        (namespace,),
    )
    return schema, {name for (name,) in indexes}


def differences(sqlite: Schema, postgres: Schema) -> list[str]:
    found = [f"table {t} only on SQLite" for t in sorted(sqlite.keys() - postgres.keys())]
    found += [f"table {t} only on PostgreSQL" for t in sorted(postgres.keys() - sqlite.keys())]
    for table in sorted(sqlite.keys() & postgres.keys()):
        left, right = sqlite[table], postgres[table]
        found += [f"{table}.{c} only on SQLite" for c in sorted(left.keys() - right.keys())]
        found += [f"{table}.{c} only on PostgreSQL" for c in sorted(right.keys() - left.keys())]
        found += [
            f"{table}.{c}: SQLite {left[c]} against PostgreSQL {right[c]}"
            for c in sorted(left.keys() & right.keys())
            if left[c] != right[c]
        ]
    return found


@postgres_only
async def test_both_engines_build_the_same_tables_columns_and_indexes(db, backend, tmp_path):
    lite = await SqliteDatabase.open(tmp_path / "bot.sqlite3")
    try:
        await lite.migrate()
        sqlite_tables, sqlite_indexes = await sqlite_schema(lite)
    finally:
        await lite.close()
    postgres_tables, postgres_indexes = await postgres_schema(db, backend.schema)

    assert {"jobs", "mod_policy", "pending_requests"} <= sqlite_tables.keys()
    assert differences(sqlite_tables, postgres_tables) == []
    assert sqlite_indexes == postgres_indexes


def test_a_column_added_on_one_engine_only_is_named():
    """The comparison itself: what a drift would report."""
    sqlite = {"jobs": {"id": Column("integer", True), "note": Column("text", False)}}
    postgres = {"jobs": {"id": Column("integer", True)}, "extra": {}}
    assert differences(sqlite, postgres) == [
        "table extra only on PostgreSQL",
        "jobs.note only on SQLite",
    ]
    postgres["jobs"]["note"] = Column("integer", False)
    assert differences(sqlite, postgres)[-1] == (
        "jobs.note: SQLite Column(kind='text', required=False) against PostgreSQL"
        " Column(kind='integer', required=False)"
    )


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_every_migration_number_has_its_own_file_on_each_engine(engine):
    numbers = [int(path.name[:4]) for path in sorted((MIGRATIONS_ROOT / engine).glob("*.sql"))]
    assert numbers == list(range(1, len(numbers) + 1))
