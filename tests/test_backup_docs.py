"""The SQLite backups docs/operations.md tells an operator to make work as written, against a bot
that holds its database open: the copy is made on a first run, holds the latest write, and is
as private as the database it copies (interaction tokens, prompts)."""

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
