"""Shared fixtures: a real database (SQLite and PostgreSQL), and a controllable clock."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import discord
import pytest
import yarl

from bot.jobs.reply_routes import ReplyRoutes
from bot.jobs.status_marks import StatusMarks
from bot.jobs.store import JobStore
from bot.media.fetcher import GuardedFetcher, TrustedOrigin
from bot.storage import Database
from tests import backends
from tests.backends import Backend, PostgresBackend, SqliteBackend
from tests.fakes.apimart import FakeAPIMart
from tests.fakes.discord import FakeDiscord
from tests.harness import BOT_TOKEN, assert_no_spec_violations, discord_pointed_at

# A failing test's report shows the end of each bot process's log (`pytester` tests that).
pytest_plugins = ("pytester", "tests.e2e.bot_logs")


# Where the tests' temporary folders go when the machine has it, with room: memory (tmpfs). The
# bot's SQLite file waits for the disk at each commit (`synchronous=FULL`), about 20 times a test
# that runs the bot, 2-8 ms each on a virtual machine's disk and nothing in memory; the files and
# what the tests read of them are the same. PYTEST_DEBUG_TEMPROOT or --basetemp chooses another.
MEMORY_FOLDER = Path("/dev/shm")
MEMORY_ROOM = 2 * 1024**3  # to spare: a run keeps its failed tests' folders alone (pyproject.toml)


def pytest_configure(config) -> None:
    """Put the tests' temporary folders in `MEMORY_FOLDER` if nothing else was asked for."""
    if config.option.basetemp or os.environ.get("PYTEST_DEBUG_TEMPROOT"):
        return
    if not (MEMORY_FOLDER.is_dir() and os.access(MEMORY_FOLDER, os.W_OK | os.X_OK)):
        return
    if shutil.disk_usage(MEMORY_FOLDER).free < MEMORY_ROOM:
        return
    os.environ["PYTEST_DEBUG_TEMPROOT"] = str(MEMORY_FOLDER)


class FakeClock:
    """A clock tests move by hand, so nothing waits on real time."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class SilentDatabase:
    """PostgreSQL gone silent (a partition), as the code reading it sees it: a query asked
    never answers, and one cut off does not return either (its connection's release, shielded
    in asyncpg's pool, waits for an answer too) until `answer()`."""

    def __init__(self) -> None:
        self.asked = asyncio.Event()
        self.waiting = 0  # queries asked and not returned: each holds a pool connection
        self._answered = asyncio.Event()

    async def query(self, *args: Any, **kwargs: Any) -> None:
        """Stands in for a store method: it waits for `answer()`, cancelled or not."""
        self.asked.set()
        self.waiting += 1
        try:
            await self._answered.wait()
        except asyncio.CancelledError:
            await asyncio.shield(self._answered.wait())
            raise
        finally:
            self.waiting -= 1

    def answer(self) -> None:
        """The partition heals: what was left waiting ends."""
        self._answered.set()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=["sqlite", "postgres"])
async def backend(request, tmp_path) -> AsyncIterator[Backend]:
    """Where the test's database lives; every test that uses it runs on both engines."""
    if request.param == "sqlite":
        yield SqliteBackend(tmp_path / "data" / "bot.sqlite3")
        return
    problem = backends.postgres_unavailable()
    if problem is not None:
        pytest.skip(f"{backends.SKIP_REASON}: {problem}")
    dsn = backends.postgres_dsn()
    # A test on a migrated database takes one laid ahead; one that migrates itself, an empty one.
    laid = await backends.laid_ahead.take(dsn) if "db" in request.fixturenames else None
    schema = laid if laid is not None else await backends.new_schema(dsn)
    place = PostgresBackend(dsn, schema, laid=laid is not None)
    try:
        yield place
    finally:
        for database in place.opened:
            await database.close()
        backends.laid_ahead.drop(schema)


@pytest.fixture
async def db(backend: Backend) -> AsyncIterator[Database]:
    if isinstance(backend, SqliteBackend):
        await backends.lay_migrated_sqlite(backend.path)
    elif not backend.laid:
        await backends.lay_migrated_postgres(backend)
    database = await backend.open()
    await database.migrate()
    yield database
    await database.close()


@pytest.fixture
def store(db: Database, clock: FakeClock) -> JobStore:
    return JobStore(db, clock=clock)


@pytest.fixture
def marks(db: Database, clock: FakeClock) -> StatusMarks:
    return StatusMarks(db, clock=clock)


@pytest.fixture
def reply_routes(db: Database) -> ReplyRoutes:
    return ReplyRoutes(db)


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    """A fake Discord that discord.py's REST and gateway URLs point at."""
    async with FakeDiscord(token=BOT_TOKEN) as discord_fake, discord_pointed_at(discord_fake):
        yield discord_fake
        assert_no_spec_violations(discord_fake)


@pytest.fixture
async def client(fake: FakeDiscord) -> AsyncIterator[discord.Client]:
    """A discord.py client logged in to the fake over REST (no gateway needed)."""
    bot = discord.Client(intents=discord.Intents(guilds=True))
    await bot.login(BOT_TOKEN)
    yield bot
    await bot.close()


@pytest.fixture
async def api() -> AsyncIterator[FakeAPIMart]:
    """A fake APIMart on loopback, accepting the key "test-key"."""
    async with FakeAPIMart() as fake_api:
        yield fake_api


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """One HTTP session, as the bot owns one."""
    async with aiohttp.ClientSession() as http:
        yield http


@pytest.fixture
async def downloads(
    api: FakeAPIMart, session: aiohttp.ClientSession
) -> AsyncIterator[GuardedFetcher]:
    """Result downloads as the bot makes them: guarded, with APIMart's origin trusted."""
    async with GuardedFetcher(
        max_bytes=0, trusted=TrustedOrigin(yarl.URL(api.base_url).origin(), session)
    ) as fetcher:
        yield fetcher


def _skipped_because(terminalreporter, reason: str) -> list[str]:
    """The problems of the skipped tests whose reason starts with `reason`.

    Read from the skip reports, which reach this process from pytest-xdist's workers too.
    """
    return [
        str(report.longrepr[2]).split(f"{reason}: ", 1)[-1]
        for report in terminalreporter.stats.get("skipped", [])
        if isinstance(report.longrepr, tuple) and reason in str(report.longrepr[2])
    ]


def pytest_sessionfinish(session) -> None:
    """Every schema laid ahead and not taken, and every test's, dropped before the run ends."""
    backends.laid_ahead.finish(backends.postgres_dsn())


def pytest_terminal_summary(terminalreporter) -> None:
    """Say so when PostgreSQL (or PgBouncer) tests were skipped, and how to run them."""
    problems = _skipped_because(terminalreporter, backends.SKIP_REASON)
    if problems:
        terminalreporter.write_line(
            f"{len(problems)} PostgreSQL tests were skipped: {problems[0]}"
            " (e.g. pg_ctlcluster 15 main start, or"
            " TEST_POSTGRES_DSN=postgresql://user@host:port/db); REQUIRE_POSTGRES=1 makes"
            " this an error.",
            yellow=True,
        )
    problems = _skipped_because(terminalreporter, backends.PGBOUNCER_SKIP)
    if problems:
        terminalreporter.write_line(
            f"{len(problems)} PgBouncer tests were skipped: {problems[0]}"
            " (e.g. apt-get install pgbouncer).",
            yellow=True,
        )
