"""Run `python -m bot` as a real subprocess against the fakes, like an operator would."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from bot.settings import database_passwords
from tests.e2e import bot_logs
from tests.fakes.apimart import FakeAPIMart
from tests.fakes.discord import API_PREFIX, FakeDiscord
from tests.harness import API_KEY, BOT_TOKEN

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class BotProcess:
    """A running bot process and where its output and data go."""

    process: asyncio.subprocess.Process
    log_path: Path
    database_path: Path

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def tail(self, lines: int = 30) -> str:
        """The end of the log, for a failing test's message."""
        return "\n".join(self.log().splitlines()[-lines:])

    def log_lines(self, containing: str) -> list[str]:
        return [line for line in self.log().splitlines() if containing in line]

    async def wait_for_log(self, containing: str, count: int = 1, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until `count` log lines contain `containing` (the process writes as it goes)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while len(self.log_lines(containing)) < count:
            if self.process.returncode is not None:
                raise AssertionError(f"the bot exited ({self.process.returncode}):\n{self.tail()}")
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"no {count} lines with {containing!r}:\n{self.tail()}")
            await asyncio.sleep(0.02)  # polls a file another process writes; no event to await

    async def stop(self, signum: int = signal.SIGTERM, timeout: float = 10.0) -> int:  # noqa: ASYNC109
        """Send `signum` and wait for the exit code."""
        if self.process.returncode is None:
            self.process.send_signal(signum)
        return await asyncio.wait_for(self.process.wait(), timeout)

    def job_row(self, job_id: int) -> dict | None:
        """Read a job straight from the SQLite file, as an operator could."""
        connection = sqlite3.connect(self.database_path)
        connection.row_factory = sqlite3.Row
        try:
            row = connection.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
            return dict(row) if row is not None else None
        finally:
            connection.close()


def bot_environment(
    tmp_path: Path, fake: FakeDiscord, api: FakeAPIMart, **overrides: str
) -> dict[str, str]:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        # This checkout's bot, not whichever one the interpreter has installed.
        "PYTHONPATH": str(ROOT),
        "DISCORD_TOKEN": BOT_TOKEN,
        "APIMART_API_KEY": API_KEY,
        "APIMART_BASE_URL": api.base_url,
        "DATABASE_PATH": str(tmp_path / "data" / "bot.sqlite3"),
        # From the address, not `fake.api_base`: the fake may start after the bot (a given port).
        "DISCORD_API_BASE": f"http://{fake.host}:{fake.port}{API_PREFIX}",
        "DISCORD_GATEWAY_URL": fake.gateway_url,
        "POLL_FIRST_DELAY": "0.1",
        "POLL_INTERVAL": "0.1",
        "POLL_MAX_GAP": "0.1",
        "API_REQUESTS_PER_SECOND": "1000",
        "HTTP_TIMEOUT": "2",
        # The fake sends a shard's servers at once: production's 2 s after the last one would
        # hold every video made in a server (and /readyz) 2 s past the connection.
        "GUILD_READY_TIMEOUT": "0.1",
        "LOG_LEVEL": "DEBUG",
    }
    env.update(overrides)
    return env


async def spawn_bot(
    cwd: Path, env: dict[str, str], output: int | IO[bytes]
) -> asyncio.subprocess.Process:
    """Start `python -m bot` in `cwd` with `env`; its stdout and stderr both go to `output`."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=cwd,
        env=env,
        stdout=output,
        stderr=asyncio.subprocess.STDOUT,
    )


@asynccontextmanager
async def launched_bot(
    tmp_path: Path, env: dict[str, str], *, name: str = "bot"
) -> AsyncIterator[BotProcess]:
    """Start `python -m bot` with `env`, without waiting for anything; killed afterwards.

    `name` tells the logs of several processes apart (`<name>.log`); a failing test's report
    shows the end of each (`tests/e2e/bot_logs.py`).
    """
    log_path = tmp_path / f"{name}.log"
    with log_path.open("ab") as log_file:
        process = await spawn_bot(tmp_path, env, log_file)
    secrets = [env.get("DISCORD_TOKEN", ""), env.get("APIMART_API_KEY", "")]
    bot_logs.record(
        log_path, process.pid, [*secrets, *database_passwords(env.get("DATABASE_URL", ""))]
    )
    try:
        yield BotProcess(process, log_path, Path(env["DATABASE_PATH"]))
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


@asynccontextmanager
async def bot_process(
    tmp_path: Path, fake: FakeDiscord, api: FakeAPIMart, *, name: str = "bot", **overrides: str
) -> AsyncIterator[BotProcess]:
    """Start the bot and wait until it is connected to the fake gateway (all its shards)."""
    env = bot_environment(tmp_path, fake, api, **overrides)
    shards = len(env["SHARD_IDS"].split(",")) if "SHARD_IDS" in env else 1
    handshakes = fake.handshakes
    async with launched_bot(tmp_path, env, name=name) as running:
        await fake.wait_for_connection(timeout=30, handshakes=handshakes + shards)
        yield running
