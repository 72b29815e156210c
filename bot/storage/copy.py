"""`python -m bot.storage.copy`: move a stopped bot's SQLite database to PostgreSQL.

    python -m bot.storage.copy --from data/bot.sqlite3 --to postgresql://bot@db:5432/bot

Both default to what the bot itself reads (DATABASE_PATH, DATABASE_URL; environment or `.env`),
so the password can stay out of the command line. The target is migrated, then filled in one
transaction; a target that already holds data is refused. Exit status 0 after a copy, 1 with one
line saying why nothing was copied.
"""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
from collections.abc import Sequence
from contextlib import AsyncExitStack
from pathlib import Path

import asyncpg
from pydantic import SecretStr

from bot.jobs.kept_tasks import KeptTasks, kept_beside
from bot.logs import REDACTED, configure_logging
from bot.settings import (
    EnvSettings,
    check_postgres_url,
    database_passwords,
    unreadable_dotenv,
)
from bot.storage.base import (
    LockWaitTimeout,
    MigrationChanged,
    MigrationFailed,
    load_migrations,
)
from bot.storage.postgres import PostgresDatabase, describe_location
from bot.storage.sqlite import MIGRATIONS_DIR, DatabaseInUse, SqliteDatabase
from bot.storage.transfer import (
    DATA_TABLES,
    STATE_TABLE,
    CopyFailed,
    CopyRefused,
    CopyReport,
    copy_database,
)

_DATABASE_ERRORS = (
    OSError,
    TimeoutError,
    ValueError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
)


class DatabaseLocations(EnvSettings):
    """Where the bot keeps its data, read as the bot reads it (environment, then `.env`)."""

    database_path: Path = Path("data/bot.sqlite3")
    database_url: SecretStr | None = None


class NothingCopied(Exception):
    """The one line the operator reads when the copy was not made."""


def parse_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line: `--from` the SQLite file, `--to` the PostgreSQL URL."""
    parser = argparse.ArgumentParser(
        prog="python -m bot.storage.copy",
        description="Copy a stopped bot's SQLite database (jobs, moderation settings, audit)"
        " into an empty PostgreSQL database, in one transaction.",
    )
    parser.add_argument(
        "--from",
        dest="source",
        type=Path,
        help="the SQLite file (default: DATABASE_PATH, else data/bot.sqlite3)",
    )
    parser.add_argument(
        "--to",
        dest="target",
        help="the PostgreSQL URL (default: DATABASE_URL; prefer it, so the password stays out"
        " of the shell history)",
    )
    return parser.parse_args(argv)


async def run(argv: Sequence[str] | None = None) -> int:
    """What `main` does, on the caller's event loop (and with the caller's logging)."""
    try:
        places = _places(parse_arguments(argv))
    except NothingCopied as problem:
        return _say_nothing_copied(problem, None)
    return await copy_and_report(*places)


async def copy_and_report(source: Path, target: str | None) -> int:
    """Copy; print the counts, or one line saying why nothing was copied. The exit status."""
    try:
        dsn = _checked(source, target)
        report, notes = await _copy(source, dsn)
    except NothingCopied as problem:
        return _say_nothing_copied(problem, target)
    for note in notes:
        print(note)
    print(f"Copied {source} into PostgreSQL at {describe_location(dsn)}:")
    for table in (*DATA_TABLES, STATE_TABLE):
        print(f"  {table:<18} {report.rows[table]:>9} rows")
    print(
        f"New jobs are numbered from {report.next_ids['jobs']},"
        f" audit entries from {report.next_ids['mod_audit']}."
    )
    return 0


def _say_nothing_copied(problem: NothingCopied, target: str | None) -> int:
    """Print why nothing was copied, in one line without the password; the exit status."""
    line = f"Nothing copied: {problem}"
    for secret in _secrets(target):
        line = line.replace(secret, REDACTED)
    print(line, file=sys.stderr)
    return 1


def _places(arguments: argparse.Namespace) -> tuple[Path, str | None]:
    """The SQLite file and the PostgreSQL URL: as given, else as the bot would read them."""
    try:
        locations = DatabaseLocations()
    except (UnicodeDecodeError, OSError) as error:
        # The same file the bot refuses in one line: not a traceback here either.
        raise NothingCopied(unreadable_dotenv(error, "the user running the copy")) from None
    source: Path = arguments.source or locations.database_path
    target: str | None = arguments.target
    if target is None and locations.database_url is not None:
        target = locations.database_url.get_secret_value()
    return source, target


def _secrets(target: str | None) -> list[str]:
    """The URL's password in every spelling that may reach a message."""
    return database_passwords(target) if target else []


def _checked(source: Path, target: str | None) -> str:
    """The PostgreSQL URL; refuse at once what cannot work, before opening anything."""
    if target is None:
        raise NothingCopied("give --to postgresql://... or set DATABASE_URL")
    if not target.startswith(("postgresql://", "postgres://")):
        raise NothingCopied("--to (or DATABASE_URL) must start with postgresql://")
    try:
        check_postgres_url(target)
    except ValueError:
        # Not the parser's words: a password with `/`, `?` or `#` cuts the address short, and
        # the parser then quotes its first part as the port.
        raise NothingCopied(
            "--to (or DATABASE_URL) is not a valid URL (postgresql://user:password@host:port/"
            "database; percent-encode / ? # @ : in the password)"
        ) from None
    if not source.is_file():
        raise NothingCopied(f"there is no SQLite database at {source}")
    return target


async def _copy(source: Path, target: str) -> tuple[CopyReport, list[str]]:
    """Open both (the SQLite file locked, PostgreSQL migrated) and copy."""
    async with AsyncExitStack() as stack:
        sqlite_db = await _open_source(source)
        stack.push_async_callback(sqlite_db.close)
        # Held by the file's lock now: no bot adds to them while the copy runs.
        _refuse_while_answers_wait(source)
        version, latest = await _source_schema(sqlite_db, source)
        # PostgreSQL before the upgrade: a server it cannot reach leaves an older file as it was.
        postgres_db = await _open_target(target)
        stack.push_async_callback(postgres_db.close)
        upgraded = await _bring_source_up_to_date(sqlite_db, source, version, latest)
        # A refusal after the upgrade says so: the old bot no longer runs on the file.
        also = f"; {upgraded}" if upgraded else ""
        try:
            report = await copy_database(sqlite_db, postgres_db)
        except CopyRefused as refusal:
            raise NothingCopied(f"{refusal}{also}") from None
        except (CopyFailed, *_DATABASE_ERRORS, sqlite3.Error) as error:
            raise NothingCopied(
                f"the copy failed, so PostgreSQL was left as it was ({error}){also}"
            ) from None
    return report, [f"{upgraded[0].upper()}{upgraded[1:]}."] if upgraded else []


async def _open_source(path: Path) -> SqliteDatabase:
    """The SQLite file, locked as the bot locks it: the bot cannot start on it meanwhile."""
    try:
        return await SqliteDatabase.open(path)
    except DatabaseInUse:
        raise NothingCopied(
            f"a bot process is running on {path} (it holds {path}.lock); stop it, then copy"
        ) from None
    except (OSError, sqlite3.Error) as error:
        raise NothingCopied(f"cannot open {path} ({error})") from None


def _refuse_while_answers_wait(source: Path) -> None:
    """Refuse while APIMart's answers wait beside the file for the bot to write them in (a
    stop while the database could not take them). Only a bot started on this file reads them:
    left behind, a video APIMart is making and billing would never be posted."""
    kept = KeptTasks(kept_beside(source))
    waiting = kept.pending() if kept.waiting else []
    if waiting:
        count = f"{len(waiting)} answer{'' if len(waiting) == 1 else 's'}"
        raise NothingCopied(
            f"{kept.path} holds {count} of APIMart's that the bot has not written into"
            f" {source} yet (a video being made and billed, or a refusal): start the bot on"
            " the file once, so that it writes them in, stop it, then copy"
        )


async def _source_schema(db: SqliteDatabase, path: Path) -> tuple[int, int]:
    """The file's schema version and the latest this bot knows; refused if no bot made it or
    a newer one did."""
    try:
        known = await db.fetch_one(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
        )
        if known is None:
            raise NothingCopied(f"{path} is not a bot database (it has no schema_version table)")
        version = await db.schema_version()
    except sqlite3.Error as error:
        raise NothingCopied(f"cannot read {path} ({error})") from None
    latest = max(migration.version for migration in load_migrations(MIGRATIONS_DIR))
    if version > latest:
        raise NothingCopied(
            f"{path} was made by a newer bot (schema {version}; this one knows {latest})"
        )
    return version, latest


async def _bring_source_up_to_date(
    db: SqliteDatabase, path: Path, version: int, latest: int
) -> str | None:
    """Apply the SQLite migrations it lacks, as starting the bot would; what was done."""
    if version == latest:
        return None
    try:
        await db.migrate()
    except MigrationChanged as error:
        raise NothingCopied(str(error)) from None
    except MigrationFailed as failure:
        raise NothingCopied(f"cannot upgrade {path}: {failure}") from None
    except sqlite3.Error as error:
        raise NothingCopied(f"cannot read {path} ({error})") from None
    return f"upgraded {path} from schema {version} to {latest} first, as starting the bot would"


async def _open_target(dsn: str) -> PostgresDatabase:
    """The PostgreSQL database, migrated (its tables are created if needed)."""
    where = describe_location(dsn)
    try:
        db = await PostgresDatabase.open(dsn, max_size=2)
    except _DATABASE_ERRORS as error:
        raise NothingCopied(f"cannot connect to PostgreSQL at {where} ({error})") from None
    try:
        await db.migrate()
    except (MigrationChanged, LockWaitTimeout, MigrationFailed) as error:
        await db.close()
        raise NothingCopied(f"PostgreSQL at {where}: {error}") from None
    except _DATABASE_ERRORS as error:
        await db.close()
        raise NothingCopied(
            f"cannot create the tables in PostgreSQL at {where} ({error})"
        ) from None
    return db


def main(argv: Sequence[str] | None = None) -> int:
    """The command's exit status; its log lines never show the password."""
    try:
        source, target = _places(parse_arguments(argv))
    except NothingCopied as problem:
        return _say_nothing_copied(problem, None)
    configure_logging("WARNING", _secrets(target))
    return asyncio.run(copy_and_report(source, target))


if __name__ == "__main__":
    sys.exit(main())
