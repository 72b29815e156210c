"""The SQLite backups docs/operations.md tells an operator to make work as written, against a bot
that holds its database open: the copy is made on a first run, holds the latest write, and is
as private as the database it copies (interaction tokens, prompts); so is a PostgreSQL dump."""

from __future__ import annotations

import asyncio
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.storage.sqlite import SqliteDatabase
from tests.backends import lay_migrated_sqlite

ROOT = Path(__file__).resolve().parent.parent


def backup_commands() -> list[str]:
    """The backup section's shell block, one command a line (continuations joined)."""
    text = (ROOT / "docs/operations.md").read_text(encoding="utf-8")
    section = text.split("## Backing up SQLite while the bot runs", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"^```sh\n(.*?)^```", section, flags=re.MULTILINE | re.DOTALL)
    assert block is not None
    joined = block[1].replace("\\\n", " ")
    return [line.strip() for line in joined.splitlines() if line.strip()]


@pytest.fixture
async def live_database(tmp_path):
    """`data/bot.sqlite3` open as the bot keeps it (WAL, nothing checkpointed), with a write."""
    path = tmp_path / "data" / "bot.sqlite3"
    path.parent.mkdir()
    await lay_migrated_sqlite(path)
    db = await SqliteDatabase.open(path)
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO bot_state (key, value) VALUES ('latest', 'written')")
    yield path
    await db.close()


def latest_write(copy: Path) -> str:
    with sqlite3.connect(copy) as connection:
        [(value,)] = connection.execute("SELECT value FROM bot_state WHERE key = 'latest'")
    return str(value)


async def test_the_host_backup_command_works_on_a_first_run_and_keeps_the_copy_private(
    live_database,
):
    if shutil.which("sqlite3") is None:
        pytest.skip("needs the sqlite3 tool")
    [command] = [line for line in backup_commands() if "sqlite3 data/bot.sqlite3" in line]
    folder = live_database.parent.parent
    done = await asyncio.to_thread(
        subprocess.run,
        ["bash", "-c", f"umask 022; {command}"],
        cwd=folder,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    [copy] = (folder / "backup").iterdir()
    assert latest_write(copy) == "written"
    assert copy.stat().st_mode & 0o077 == 0, "the backup is readable by other accounts"


async def test_the_container_backup_writes_a_private_copy(live_database):
    """The `docker exec` line's Python, run here on a copy of its paths."""
    [command] = [line for line in backup_commands() if line.startswith("docker exec")]
    script = shlex.split(command)[-1]
    folder = live_database.parent
    done = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", script.replace("/data/", f"{folder}/")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    copy = folder / "backup.sqlite3"
    assert latest_write(copy) == "written"
    assert copy.stat().st_mode & 0o077 == 0, "the backup is readable by other accounts"


def postgres_dump_commands() -> list[str]:
    """The `pg_dump` command lines the backup section gives for PostgreSQL (with compose too)."""
    text = (ROOT / "docs/operations.md").read_text(encoding="utf-8")
    section = text.split("## Backing up SQLite while the bot runs", 1)[1].split("\n## ", 1)[0]
    paragraph = section.split("On PostgreSQL use its own tools", 1)[1].split("\n\n", 1)[0]
    return [span for span in re.findall(r"`([^`]+)`", paragraph) if "pg_dump" in span]


async def test_the_postgres_dumps_the_docs_show_are_as_private_as_the_database(tmp_path):
    """A dump holds prompts and live interaction tokens: made under the usual umask 022, the
    documented commands must not leave it readable by every account. `pg_dump` here dumps the
    test server whatever it is asked (the redirect into the file, the shell's, is what is
    checked), and `docker compose exec -T postgres` runs it here."""
    from tests.backends import postgres_dsn, postgres_unavailable

    if shutil.which("pg_dump") is None:
        pytest.skip("needs the pg_dump tool")
    if (problem := postgres_unavailable()) is not None:
        pytest.skip(problem)
    commands = postgres_dump_commands()
    assert len(commands) == 2, commands  # on the host, and through compose
    for number, command in enumerate(commands):
        folder = tmp_path / str(number)
        folder.mkdir()
        stand_ins = (
            # The public schema only: other tests create and drop schemas of their own meanwhile.
            'pg_dump() { command pg_dump -Fc -n public -d "$DSN"; }; '
            'docker() { local all="$*"; [ "${all#compose exec -T postgres }" = "$all" ] || shift 4;'
            ' "$@"; }; '
        )
        done = await asyncio.to_thread(
            subprocess.run,
            ["bash", "-c", f"umask 022; {stand_ins}{command}"],
            cwd=folder,
            env={"PATH": "/usr/bin:/bin", "DSN": postgres_dsn()},
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, (command, done.stderr)
        [dump] = folder.iterdir()
        assert dump.stat().st_size > 0, command
        assert dump.stat().st_mode & 0o077 == 0, f"{command}: the dump is readable by others"
