"""PostgreSQL that stops answering (a partition, a frozen host): the bot still stops on time.

A proxy stands between the bot process and the test server; unplugged, it keeps every
connection open and forwards nothing, as a dropped network does. `docker stop` sends SIGTERM
and kills 10 s later: the bot must be gone by then.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import struct
import time
from collections.abc import AsyncIterator

import pytest

from bot.i18n import msg
from bot.jobs.reply_routes import ReplyRoutes
from bot.jobs.stages import LeaseTerms
from bot.jobs.status_marks import StatusMarks
from bot.status_sweep import StatusSweep
from bot.storage import postgres
from bot.storage.postgres import PostgresDatabase
from tests.backends import postgres_only
from tests.e2e.fleet import database_url
from tests.e2e.process import bot_process
from tests.engine.world import make_engine, results, running, wait_for_result
from tests.fakes.apimart import FakeAPIMart, TaskPlan
from tests.fakes.discord import FakeDiscord
from tests.harness import API_KEY, BOT_TOKEN, running_bot

pytestmark = postgres_only

# `docker stop`'s default wait before SIGKILL, and the default SHUTDOWN_GRACE inside it.
DOCKER_STOP = 10.0
DEFAULT_GRACE = 6.0
# A shorter grace keeps the test short; what follows the grace is what it measures.
GRACE = 1.0


# How PostgreSQL answers a connection past `max_connections`: no TLS, then, to the startup
# packet, a FATAL error 53300.
_SSL_REQUEST = struct.pack("!ii", 8, 80877103)


def _fatal(code: str, message: str) -> bytes:
    fields = b"".join(
        tag + text.encode() + b"\0"
        for tag, text in ((b"S", "FATAL"), (b"V", "FATAL"), (b"C", code), (b"M", message))
    )
    return b"E" + struct.pack("!i", len(fields) + 5) + fields + b"\0"


class SilentProxy:
    """Forwards TCP to PostgreSQL until unplugged; then holds every connection, mute. Or
    `strand()`ed: the connections open then go mute, while new ones are forwarded (a failover
    to a new server, the old one gone without a word). Or `full()`: new connections are
    refused as PostgreSQL refuses them at `max_connections`, and `cut()` ends those open."""

    def __init__(self, host: str, port: int) -> None:
        self._upstream = (host, port)
        self._plugged = True
        self._writers: list[asyncio.StreamWriter] = []
        self._pipes: set[asyncio.Task[None]] = set()
        # The connections that go mute (each one's client side); `strand()` fills it.
        self._stranded: set[asyncio.StreamWriter] = set()
        self._open: set[asyncio.StreamWriter] = set()
        self._full = False
        self.port = 0
        # Set once something met the silence: a statement swallowed, or a connection held.
        self.held = asyncio.Event()

    async def __aenter__(self) -> SilentProxy:
        self._server = await asyncio.start_server(self._connect, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._server.close()
        for writer in self._writers:
            writer.transport.abort()
        for pipe in self._pipes:
            pipe.cancel()
        await asyncio.gather(*self._pipes, return_exceptions=True)

    def unplug(self) -> None:
        self._plugged = False

    def strand(self) -> None:
        """The connections open now forward nothing more, either way; new ones do."""
        self._stranded |= self._open

    def full(self, full: bool = True) -> None:
        """New connections are refused ("too many clients") until `full(False)`."""
        self._full = full

    def cut(self) -> None:
        """Every connection open now ends, as a server's restart ends them."""
        for writer in self._writers:
            writer.transport.abort()

    async def _connect(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.append(writer)
        if not self._plugged:
            self.held.set()
            return  # accepted, never answered
        if self._full:
            await self._refuse(reader, writer)
            return
        self._open.add(writer)
        up_reader, up_writer = await asyncio.open_connection(*self._upstream)
        self._writers.append(up_writer)
        for source, sink in ((reader, up_writer), (up_reader, writer)):
            pipe = asyncio.create_task(self._pipe(source, sink, writer))
            self._pipes.add(pipe)

    @staticmethod
    async def _refuse(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if await reader.readexactly(8) == _SSL_REQUEST:
            writer.write(b"N")
            (length,) = struct.unpack("!i", await reader.readexactly(4))
            await reader.readexactly(length - 4)
        writer.write(_fatal("53300", "sorry, too many clients already"))
        await writer.drain()
        writer.close()

    async def _pipe(
        self, source: asyncio.StreamReader, sink: asyncio.StreamWriter, client: asyncio.StreamWriter
    ) -> None:
        while data := await source.read(65536):
            if self._plugged and client not in self._stranded:
                sink.write(data)
                await sink.drain()
            else:
                self.held.set()


@contextlib.asynccontextmanager
async def proxied(backend) -> AsyncIterator[tuple[SilentProxy, str]]:
    """A `SilentProxy` in front of the test server, and the DSN that reaches it through it."""
    host_dsn = backend.dsn.split("@", 1)[1].split("/", 1)[0]
    host, _, port = host_dsn.partition(":")
    async with SilentProxy(host, int(port or 5432)) as proxy:
        yield proxy, backend.dsn.replace(host_dsn, f"127.0.0.1:{proxy.port}", 1)


@contextlib.asynccontextmanager
async def database_behind_a_proxy(
    backend, **options: int
) -> AsyncIterator[tuple[SilentProxy, PostgresDatabase]]:
    """The test schema opened through a `SilentProxy` (pool `options` such as `max_size`)."""
    async with proxied(backend) as (proxy, dsn):
        db = await PostgresDatabase.open(dsn, schema=backend.schema, **options)
        try:
            yield proxy, db
        finally:
            # Closing waits on the connections the proxy keeps mute: a bounded wait.
            await asyncio.wait({asyncio.ensure_future(db.close())}, timeout=2)


@pytest.fixture
async def fakes() -> AsyncIterator[tuple[FakeDiscord, FakeAPIMart]]:
    async with FakeDiscord(token=BOT_TOKEN) as fake, FakeAPIMart(api_key=API_KEY) as api:
        yield fake, api


async def test_sigterm_ends_the_bot_in_time_while_postgresql_is_silent(tmp_path, fakes, backend):
    fake, api = fakes
    api.default_plan = TaskPlan(polls_until_done=None)
    async with proxied(backend) as (proxy, dsn):
        url = database_url(dsn, backend.schema)
        async with bot_process(
            tmp_path, fake, api, DATABASE_URL=url, SHUTDOWN_GRACE=str(GRACE)
        ) as bot:
            interaction = await fake.slash_command("video", options={"prompt": "a comet"})
            await interaction.wait_for_answer(timeout=10)
            await api.wait_for_polls(1, timeout=10)
            proxy.unplug()
            # The engine's next statements now wait on the silence (one every poll interval).
            await asyncio.wait_for(proxy.held.wait(), 5)
            started = time.monotonic()
            code = await bot.stop(signal.SIGTERM, timeout=DOCKER_STOP + 5)
            after_grace = time.monotonic() - started - GRACE
            assert "left behind" in bot.log(), "the poll stuck on the silence was cut off"
    assert code == 0
    assert DEFAULT_GRACE + after_grace < DOCKER_STOP, f"{after_grace:.1f} s after the grace"


async def test_the_status_sweep_stops_at_once_while_postgresql_is_silent(backend):
    """The sweep's query waits on the silence when the bot stops: cancelling it must not wait
    for PostgreSQL to take the cancel (it never will), or the stop hangs until SIGKILL."""
    async with database_behind_a_proxy(backend) as (proxy, db):
        await db.migrate()
        sweep = StatusSweep(StatusMarks(db), ReplyRoutes(db), status=None)
        proxy.unplug()
        sweep.start()
        await asyncio.wait_for(proxy.held.wait(), 5)  # its first sweep now waits on the silence
        started = time.monotonic()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(sweep.stop(), 5.0)
        took = time.monotonic() - started
    assert took < 1.5, f"stopping the sweep took {took:.1f} s"


async def test_the_engine_carries_on_when_a_failover_leaves_its_connections_mute(
    backend, api, session, client, fake, monkeypatch
):
    """A failover (or a partition) leaves the pool's open connections mute: no answer, no
    reset, so a statement asked on one waits for ever, while new connections reach the new
    server (and /healthz, whose probe opens one, says all is well). A statement that takes
    longer than any the bot makes is given up and its connection dropped: the stage's
    supervisor starts it again on a new connection and the video is posted, instead of the
    engine waiting for ever."""
    monkeypatch.setattr(postgres, "STATEMENT_TIMEOUT", 1.0)
    api.default_plan = TaskPlan(polls_until_done=3)
    async with database_behind_a_proxy(backend, max_size=4) as (proxy, db):
        await db.migrate()
        # A claim a mute connection kept from being given back lapses within the test.
        leases = LeaseTerms(owner="engine-a", submit=6.0, poll=2.0, deliver=10.0)
        engine = make_engine(db, api, session, client, fake, leases=leases, restart_backoff=0.05)
        job = await engine.queue()
        async with running(engine):
            await api.wait_for_polls(1)
            proxy.strand()
            await wait_for_result(fake, job.id, timeout=20)
    assert len(results(fake, job.id)) == 1


async def test_the_readiness_probe_answers_when_a_failover_leaves_its_connection_mute(
    backend, monkeypatch
):
    """`/readyz` asks the schema's version; a failover left the pooled connection mute (no
    answer, no reset). The question is given up after the statement bound and that connection
    dropped, so the next probe, on a new connection, hears the server: the probe never hangs
    for good (a cancel the mute server never takes held its connection's release for ever)."""
    monkeypatch.setattr(postgres, "STATEMENT_TIMEOUT", 0.5)
    async with database_behind_a_proxy(backend, max_size=1) as (proxy, db):
        latest = max(await db.migrate() or [await db.schema_version()])
        proxy.strand()
        probe = asyncio.ensure_future(db.schema_version())
        done, _ = await asyncio.wait({probe}, timeout=10)
        assert done, "the probe waited on the mute connection for good"
        assert isinstance(probe.exception(), TimeoutError)
        assert await asyncio.wait_for(db.schema_version(), 10) == latest


async def test_a_transaction_cancelled_on_a_mute_connection_ends_as_cancelled_at_once(
    backend, monkeypatch
):
    """A stop cancels a stage in a transaction whose connection a failover left mute: the
    rollback asked then is given up within its own short bound (not a statement's minute,
    past `docker stop`'s grace), and the cancel goes on as such, not replaced by the rollback's
    failure, which a caller catching `Exception` would carry on through."""
    monkeypatch.setattr(postgres, "STATEMENT_TIMEOUT", 30.0)
    monkeypatch.setattr(postgres, "ROLLBACK_TIMEOUT", 0.3)
    async with database_behind_a_proxy(backend, max_size=1) as (proxy, db):
        await db.migrate()
        asked = asyncio.Event()

        async def stage() -> None:
            async with db.transaction() as connection:
                await connection.execute("SELECT 1")
                proxy.strand()
                asked.set()
                await connection.execute("SELECT 2")  # never answered

        task = asyncio.ensure_future(stage())
        await asyncio.wait_for(asked.wait(), 10)
        await asyncio.sleep(0.1)
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=5)
        assert done, "the rollback on the mute connection held the stop"
        assert task.cancelled(), task.exception()


async def test_a_video_asked_while_postgresql_refuses_connections_is_refused_as_not_counted(
    backend, tmp_path, caplog
):
    """The server restarted and its `max_connections` are taken (other clients, other
    processes): the bot cannot get a connection. Nothing can have been saved, so the member
    reads that, and to try again in a minute, not that the bot cannot tell whether it saved
    the job; APIMart hears nothing; the log says why in one line, no traceback."""
    async with proxied(backend) as (proxy, dsn):
        db = await PostgresDatabase.open(dsn, schema=backend.schema)
        try:
            await db.migrate()
            async with running_bot(tmp_path, database=db) as world:
                proxy.full()
                proxy.cut()
                interaction = await world.video(prompt="a comet over the sea")
                told = (await interaction.wait_for_answer(timeout=10))["content"]
                proxy.full(False)
                assert told == msg("database_unavailable").render("en-US")
                assert await db.fetch_all("SELECT id FROM jobs") == []
                assert world.api.submits == []
        finally:
            await db.close()
    [line] = [r for r in caplog.records if "was not recorded" in r.getMessage()]
    assert "too many clients" in line.getMessage() and line.exc_info is None


async def test_postgresql_away_is_one_line_a_stage_restart_and_one_when_it_is_back(
    backend, api, session, client, fake, caplog
):
    """PostgreSQL restarts (its connections cut, new ones refused) while a render is followed:
    the operator reads one WARNING line a restart of each stage the outage stopped, why and
    when it tries again, no traceback, and one line when it works again; the video is posted."""
    caplog.set_level(logging.INFO)
    api.default_plan = TaskPlan(polls_until_done=20)

    def lines(text: str) -> list[logging.LogRecord]:
        return [r for r in caplog.records if r.getMessage().startswith(text)]

    async with database_behind_a_proxy(backend) as (proxy, db):
        await db.migrate()
        # A claim the outage kept from being given back lapses within the test.
        engine = make_engine(db, api, session, client, fake, leases=LeaseTerms.lasting(1.0))
        job = await engine.queue()
        async with running(engine):
            await api.wait_for_polls(1)
            proxy.full()
            proxy.cut()
            await fake.wait_for(lambda: len(lines("The poll stage stopped")) >= 3)
            proxy.full(False)
            await wait_for_result(fake, job.id, timeout=20)
            await fake.wait_for(lambda: lines("The poll stage works again"))
    stopped = lines("The poll stage stopped: the database could not be reached (")
    assert len(stopped) >= 3 and all(r.levelno == logging.WARNING for r in stopped)
    assert [r.getMessage() for r in lines("The poll stage works again")] == [
        "The poll stage works again: the database answered"
    ]
    tracebacks = [r.getMessage() for r in caplog.records if r.exc_info and r.name.startswith("bot")]
    assert tracebacks == [], "an outage is no bug to chase"
