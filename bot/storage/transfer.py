"""Copying a SQLite database into an empty PostgreSQL one, in one transaction.

Everything the bot keeps is copied as it is: jobs (ids, states, leases and all), moderation
settings, the audit trail and `bot_state`. Ids are kept, so job numbers members were given stay
valid, and each identity sequence is moved past the copied ids.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg

from bot.apimart.models import estimate_seconds
from bot.storage.base import Connection
from bot.storage.postgres import PostgresDatabase
from bot.storage.sqlite import SqliteDatabase

# The tables that must be empty in the target, in the order they are copied.
DATA_TABLES = (
    "mod_policy",
    "mod_role_limits",
    "mod_member_limits",
    "mod_option_roles",
    "mod_channels",
    "mod_banned_words",
    "mod_bans",
    "mod_audit",
    "jobs",
    "pending_requests",
)
# Tables whose `id` is an identity in PostgreSQL (AUTOINCREMENT in SQLite).
IDENTITY_TABLES = ("mod_audit", "jobs")
# Small facts (the pause switch, the synced command set's hash): the source's values win.
STATE_TABLE = "bot_state"
# PostgreSQL takes at most 32,767 parameters in one statement.
_MAX_PARAMETERS = 30_000
_MAX_BATCH = 500


class CopyRefused(Exception):
    """The copy cannot be made; the message says why, in one line, for the operator."""


class CopyFailed(Exception):
    """PostgreSQL refused a copied row: the message names the table (and the column, if
    known) and says why, in one line, for the operator."""


# Values an older bot stored that today's keeps no more, copied as today's bot would keep them:
# an estimate APIMart answered past a day (up to 1e12 s, past PostgreSQL's INTEGER) is none.
_READ_AS_TODAY: dict[tuple[str, str], Callable[[Any], Any]] = {
    ("jobs", "estimated_time"): estimate_seconds,
}
# asyncpg names the parameter it could not send (`query argument $7`), not its column.
_ARGUMENT = re.compile(r"query argument \$(\d+)")


@dataclass(frozen=True)
class CopyReport:
    """Rows copied per table, and the ids PostgreSQL hands out next."""

    rows: dict[str, int]
    next_ids: dict[str, int]


async def copy_database(
    source: SqliteDatabase, target: PostgresDatabase, *, batch: int = _MAX_BATCH
) -> CopyReport:
    """Copy every row of `source` into the empty, migrated `target`, all or nothing.

    Raises `CopyRefused` when the target already holds data or the two schemas differ.
    """
    rows: dict[str, int] = {}
    async with target.transaction() as conn:
        # Writers wait until the copy commits, so no id can be handed out under it.
        tables = ", ".join((*DATA_TABLES, STATE_TABLE))
        await conn.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")
        await _refuse_unless_empty(conn)
        for table in DATA_TABLES:
            rows[table] = await _copy_table(source, conn, table, batch)
        rows[STATE_TABLE] = await _copy_state(source, conn)
        next_ids = {
            table: await _move_identity_past_copied(conn, table, await _handed_out(source, table))
            for table in IDENTITY_TABLES
        }
    return CopyReport(rows, next_ids)


async def _refuse_unless_empty(conn: Connection) -> None:
    held: list[str] = []
    for table in DATA_TABLES:
        async with conn.execute(f"SELECT COUNT(*) FROM {table}") as cursor:
            row = await cursor.fetchone()
        count = int(row[0]) if row is not None else 0
        if count:
            held.append(f"{count} {table}")
    if held:
        raise CopyRefused(
            f"the PostgreSQL database already holds data ({', '.join(held)} rows);"
            " copy only into an empty one"
        )


async def _copy_table(source: SqliteDatabase, conn: Connection, table: str, batch: int) -> int:
    columns = await _same_columns(source, conn, table)
    size = max(1, min(batch, _MAX_PARAMETERS // len(columns)))
    names = ", ".join(columns)
    one_row = f"({', '.join('?' for _ in columns)})"
    today = [_READ_AS_TODAY.get((table, column)) for column in columns]
    copied = 0
    async for rows in _pages(source, table, columns, size):
        values = [
            value if read is None else read(value)
            for row in rows
            for value, read in zip(row, today, strict=True)
        ]
        try:
            await conn.execute(
                f"INSERT INTO {table} ({names}) VALUES {', '.join(one_row for _ in rows)}", values
            )
        except asyncpg.PostgresError as error:
            raise CopyFailed(f"{_where(table, columns, error)}: {error}") from error
        copied += len(rows)
    return copied


def _where(table: str, columns: Sequence[str], error: asyncpg.PostgresError) -> str:
    """The table a refused row was copied into, and its column where PostgreSQL or asyncpg
    says (a value it could not send is named by its place among the batch's values)."""
    column = error.column_name
    argument = _ARGUMENT.search(str(error))
    if column is None and argument is not None:
        column = columns[(int(argument.group(1)) - 1) % len(columns)]
    return f"table {table}" if column is None else f"table {table}, column {column}"


async def _same_columns(source: SqliteDatabase, conn: Connection, table: str) -> list[str]:
    """The table's columns, which must be the same on both sides (both fully migrated)."""
    columns = [row["name"] for row in await source.fetch_all(f"PRAGMA table_info({table})")]
    async with conn.execute(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name = ?",
        (table,),
    ) as cursor:
        target = {row[0] for row in await cursor.fetchall()}
    if set(columns) != target:
        differ = sorted(set(columns) ^ target)
        raise CopyRefused(
            f"the two databases' {table} tables differ (columns {', '.join(differ)});"
            " use the copy command of the bot version that made the SQLite file"
        )
    return columns


async def _pages(
    source: SqliteDatabase, table: str, columns: Sequence[str], size: int
) -> AsyncIterator[list[tuple[Any, ...]]]:
    """The source table in `rowid` order, `size` rows at a time (never all in memory)."""
    names = ", ".join(columns)
    after = -(2**63)
    while True:
        rows = await source.fetch_all(
            f"SELECT rowid, {names} FROM {table} WHERE rowid > ? ORDER BY rowid LIMIT ?",
            (after, size),
        )
        if not rows:
            return
        after = rows[-1][0]
        yield [tuple(row)[1:] for row in rows]


async def _copy_state(source: SqliteDatabase, conn: Connection) -> int:
    rows = await source.fetch_all(f"SELECT key, value FROM {STATE_TABLE}")
    for key, value in rows:
        await conn.execute(
            f"INSERT INTO {STATE_TABLE} (key, value) VALUES (?, ?)"
            " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )
    return len(rows)


async def _handed_out(source: SqliteDatabase, table: str) -> int:
    """The highest id SQLite ever handed out in `table` (AUTOINCREMENT remembers it): above
    every row left, once the newest were deleted (`bot/jobs/retention.py`)."""
    row = await source.fetch_one("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,))
    return int(row[0]) if row is not None and row[0] is not None else 0


async def _move_identity_past_copied(conn: Connection, table: str, handed_out: int) -> int:
    """Make the table's identity hand out ids after the copied ones and every id SQLite handed
    out (a deleted job's number is still named by its old messages' buttons); the next id."""
    async with conn.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}") as cursor:
        row = await cursor.fetchone()
    next_id = max(int(row[0]) if row is not None else 1, handed_out + 1)
    parameters: tuple[Any, ...] = (table, next_id)
    await conn.execute("SELECT setval(pg_get_serial_sequence(?, 'id'), ?, false)", parameters)
    return next_id
