"""/healthz and /readyz as a container's health check reads them, over HTTP on loopback."""

import asyncio
import socket
import time

from bot.app import VideoBot
from bot.jobs.stages import Stage
from bot.observability.health import DATABASE_OUTAGE_RESTART, GatewayWatch, Health
from bot.observability.live import LiveValues
from bot.observability.metrics import Metrics
from bot.observability.server import ObservabilityServer
from bot.storage.postgres import PostgresDatabase
from bot.storage.sqlite import SqliteDatabase
from tests.backends import postgres_only, sqlite_only
from tests.conftest import FakeClock, SilentDatabase
from tests.e2e.test_database_outage import SilentProxy
from tests.engine.world import make_engine, running
from tests.fakes.discord import FakeDiscord
from tests.harness import BOT_TOKEN, fast_settings, running_bot
from tests.observability.scrape import parse, probe, scrape

GRACE = 120.0


async def served(health):
    server = ObservabilityServer(health, Metrics(), host="127.0.0.1", port=0)
    await server.start()
    return server, f"http://127.0.0.1:{server.port}"


async def test_a_healthy_bot_answers_200(db, clock):
    gateway = GatewayWatch(grace=GRACE, clock=clock)
    await gateway.connected(0)
    server, base = await served(Health(db=db, gateway=gateway, dead_loops=list))
    try:
        assert await probe(base, "/healthz") == (200, {"status": "ok"})
        assert await probe(base, "/readyz") == (200, {"status": "ready"})
    finally:
        await server.stop()


async def test_an_unreachable_database_fails_healthz_only_once_it_lasted_5_minutes(backend, clock):
    """A restart cannot cure a database outage, and a liveness probe failing at once would
    kill every process together: /healthz fails only for one long enough that a restart may
    help (a wedged connection pool), naming it and how long it lasted."""
    database = await backend.open()
    await database.migrate()
    gateway = GatewayWatch(grace=GRACE, clock=clock)
    await gateway.connected(0)
    health = Health(db=database, gateway=gateway, dead_loops=list, clock=clock)
    server, base = await served(health)
    try:
        await database.close()
        assert (await probe(base, "/healthz"))[0] == 200
        clock.advance(DATABASE_OUTAGE_RESTART - 1)
        assert (await probe(base, "/healthz"))[0] == 200
        clock.advance(1)
        status, body = await probe(base, "/healthz")
    finally:
        await server.stop()
    assert status == 503
    assert body["status"] == "unhealthy"
    [reason] = body["reasons"]
    assert reason.startswith("database: unreachable (") and reason.endswith(", for 300s"), reason


async def test_a_database_outage_is_for_readiness_not_liveness(tmp_path):
    """The stage loops crash on a database gone away and wait to restart; /readyz and the
    metrics say the database is down, /healthz stays 200 (a Kubernetes liveness probe on it
    would restart every process at once, cutting submits in flight, for nothing)."""
    async with running_bot(tmp_path, metrics_port=0) as world:
        assert world.bot.observability is not None
        base = f"http://127.0.0.1:{world.bot.observability.port}"
        assert (await scrape(base)).get("videobot_database_up") == 1
        await world.db.close()
        world.bot.poller.wake()
        await world.discord.wait_for(
            world.bot.poller.dead_loops, description="a stage loop killed by the outage"
        )
        health = await probe(base, "/healthz")
        ready_status, ready = await probe(base, "/readyz")
        metrics = await scrape(base)
    assert health == (200, {"status": "ok"})
    assert ready_status == 503
    assert any(reason.startswith("database: unreachable") for reason in ready["reasons"]), ready
    assert metrics.get("videobot_database_up") == 0


@postgres_only
async def test_a_database_gone_silent_is_probed_in_seconds_and_the_server_stops(backend):
    """A partition: PostgreSQL takes the connection and never answers. A cancelled query on
    such a connection does not return either; the probe must still answer within its 2 s
    (0.5 s here: the silence lasts for ever, so any bound is waited out in full), and stopping
    the server (at SIGTERM) must not wait on it."""
    host, _, port = backend.dsn.split("@", 1)[1].split("/", 1)[0].partition(":")
    async with SilentProxy(host, int(port or 5432)) as proxy:
        dsn = backend.dsn.replace(f"{host}:{port}" if port else host, f"127.0.0.1:{proxy.port}", 1)
        database = await PostgresDatabase.open(dsn, schema=backend.schema, max_size=2)
        clock = FakeClock()
        gateway = GatewayWatch(grace=GRACE, clock=clock)
        await gateway.connected(0)
        health = Health(
            db=database, gateway=gateway, dead_loops=list, clock=clock, database_timeout=0.5
        )
        server, base = await served(health)
        try:
            assert (await probe(base, "/healthz"))[0] == 200
            proxy.unplug()
            started = time.monotonic()
            async with asyncio.timeout(10):
                status, body = await probe(base, "/healthz")
            assert (status, body) == (200, {"status": "ok"}), "the outage's first probe"
            clock.advance(DATABASE_OUTAGE_RESTART)  # long enough for liveness to fail for it
            async with asyncio.timeout(10):
                status, body = await probe(base, "/healthz")
            answered = time.monotonic() - started
            reason = "database: no answer to SELECT 1 within 0.5s, for 300s"
            assert (status, body["reasons"]) == (503, [reason])
            assert answered < 4, "two probes of 0.5 s each"
            started = time.monotonic()
            async with asyncio.timeout(10):
                await server.stop()
            assert time.monotonic() - started < 4, "stopping waits on no hung probe"
        finally:
            await server.stop()
            await database.close()


async def test_probes_during_a_partition_do_not_hold_one_connection_each(db, monkeypatch):
    """A partition: a SELECT 1 its probe gave up on never returns, and holds a pool connection
    while it waits. Probes every few seconds (liveness and readiness, each) must not pile one up
    per probe until the bot's pool is all theirs: a probe while one is out waits on that one."""
    database = SilentDatabase()
    monkeypatch.setattr(db, "fetch_one", database.query)
    clock = FakeClock()
    gateway = GatewayWatch(grace=GRACE, clock=clock)
    await gateway.connected(0)
    health = Health(db=db, gateway=gateway, dead_loops=list, clock=clock, database_timeout=0.1)
    server, base = await served(health)
    try:
        for _ in range(3):
            assert await probe(base, "/healthz") == (200, {"status": "ok"})
        assert database.waiting == 1, f"{database.waiting} SELECT 1s held at once"
    finally:
        database.answer()
        await server.stop()


async def test_a_gateway_down_longer_than_the_grace_makes_healthz_503(db):
    clock = FakeClock()
    gateway = GatewayWatch(grace=GRACE, clock=clock)
    server, base = await served(Health(db=db, gateway=gateway, dead_loops=list))
    try:
        # Never connected: an outage at start-up counts once the grace is over.
        clock.advance(GRACE + 1)
        status, body = await probe(base, "/healthz")
        assert status == 503
        assert body["reasons"] == ["gateway: not connected since start-up 121s ago"]
        await gateway.connected(0)
        assert (await probe(base, "/healthz"))[0] == 200
        # A drop that discord.py mends within the grace is not an outage.
        await gateway.disconnected(0)
        clock.advance(GRACE - 1)
        assert (await probe(base, "/healthz"))[0] == 200
        clock.advance(2)
        status, body = await probe(base, "/healthz")
        assert status == 503
        assert body["reasons"] == ["gateway: shard 0 disconnected for 121s"]
        await gateway.connected(0)
        assert (await probe(base, "/healthz"))[0] == 200
    finally:
        await server.stop()


async def test_a_shard_that_never_connects_makes_healthz_503_though_another_did(db):
    # Two shards in this process: discord.py launches them in turn and retries a failing one
    # for ever, so shard 1 (and any after it) may never come up while shard 0 serves.
    clock = FakeClock()
    gateway = GatewayWatch(grace=GRACE, clock=clock, shards=lambda: [0, 1])
    server, base = await served(Health(db=db, gateway=gateway, dead_loops=list))
    try:
        await gateway.connected(0)
        clock.advance(GRACE - 1)
        assert (await probe(base, "/healthz"))[0] == 200, "still within the grace"
        clock.advance(2)
        status, body = await probe(base, "/healthz")
        assert status == 503
        assert body["reasons"] == ["gateway: shard 1 not connected since start-up 121s ago"]
        await gateway.connected(1)
        assert (await probe(base, "/healthz"))[0] == 200
    finally:
        await server.stop()


async def test_a_recommended_shard_that_never_connects_makes_healthz_503_without_shard_count(
    tmp_path,
):
    """SHARD_COUNT unset (the default) and Discord recommends 2 shards: discord.py runs both,
    shard 0 serves and shard 1 never gets READY. Half the servers get no answers."""
    async with FakeDiscord(token=BOT_TOKEN) as fake:
        fake.recommended_shards = 2
        fake.unanswered_shards.add(1)
        async with running_bot(
            tmp_path, fake=fake, metrics_port=0, health_gateway_grace=0.001, until_ready=False
        ) as world:
            await fake.wait_for_connection(handshakes=1)
            assert world.bot.observability is not None
            status, body = await probe(
                f"http://127.0.0.1:{world.bot.observability.port}", "/healthz"
            )
    assert status == 503
    [reason] = body["reasons"]
    assert reason.startswith("gateway: shard 1 not connected since start-up"), reason


async def healthz_once_crashed(db, engine, crashed):
    """/healthz's answer, and the engine's loop states, while it runs and once `crashed` is set
    (the gateway connected, the database up: only the engine can be unwell)."""
    gateway = GatewayWatch(grace=GRACE)
    await gateway.connected(0)
    health = Health(db=db, gateway=gateway, dead_loops=engine.poller.dead_loops)
    server, base = await served(health)
    try:
        async with running(engine):
            await asyncio.wait_for(crashed.wait(), 5)
            status, body = await probe(base, "/healthz")
            return status, body, engine.poller.loop_states()
    finally:
        await server.stop()


@sqlite_only  # the loop's life does not depend on the engine; its stop costs a second
async def test_a_dead_stage_loop_makes_healthz_503_naming_it(db, api, session, client, fake):
    # A bug kills the poll loop; its supervisor waits a minute before restarting it.
    engine = make_engine(db, api, session, client, fake, restart_backoff=60.0)
    crashed = asyncio.Event()
    claim_due = engine.store.claim_due

    async def buggy_claim_due(stage, limit, *, reach=None, servers=True):
        if stage is Stage.POLL:
            # Set once the exception has gone up through the loop, into the supervisor.
            asyncio.get_running_loop().call_soon(crashed.set)
            raise RuntimeError("a bug")
        return await claim_due(stage, limit, reach=reach, servers=servers)

    engine.store.claim_due = buggy_claim_due
    status, body, states = await healthz_once_crashed(db, engine, crashed)
    assert states == {"recovery": True, "submit": True, "poll": False, "deliver": True}
    assert status == 503
    assert body["reasons"] == ["engine: the poll loop is dead"]


@sqlite_only  # as above
async def test_a_start_up_recovery_that_keeps_crashing_makes_healthz_503_naming_it(
    db, api, session, client, fake
):
    """Before the stages start, the engine gives back the claims of a process that died: while
    that keeps failing, no job moves, and the health check must not say all is well (and the
    stages' gauge says it too, not nothing)."""
    engine = make_engine(db, api, session, client, fake, restart_backoff=60.0)
    crashed = asyncio.Event()

    async def broken_release_all_leases():
        asyncio.get_running_loop().call_soon(crashed.set)
        raise RuntimeError("a bug")

    engine.store.release_all_leases = broken_release_all_leases
    status, body, states = await healthz_once_crashed(db, engine, crashed)
    assert states == {"recovery": False}
    assert status == 503
    assert body["reasons"] == ["engine: the recovery loop is dead"]


@sqlite_only  # as above
async def test_a_start_up_recovery_that_crashed_once_then_worked_reads_up_again(
    db, api, session, client, fake
):
    """One crash of the start-up recovery (a locked database), then it works and the stages
    run: the gauge that read 0 reads 1 again (or the loop-down alert would fire until the
    next restart)."""
    engine = make_engine(db, api, session, client, fake, restart_backoff=0.05)
    release_all_leases = engine.store.release_all_leases
    crashed = asyncio.Event()

    async def locked_once():
        if not crashed.is_set():
            asyncio.get_running_loop().call_soon(crashed.set)
            raise RuntimeError("database is locked")
        return await release_all_leases()

    engine.store.release_all_leases = locked_once
    metrics = Metrics()
    live = LiveValues(
        metrics, store=lambda: engine.store, latencies=list, loops=engine.poller.loop_states
    )
    async with running(engine):
        await asyncio.wait_for(crashed.wait(), 5)
        await live.refresh()  # a scrape while it fails
        down = parse(metrics.render().decode()).get("videobot_stage_up", stage="recovery")
        await fake.wait_for(
            lambda: "poll" in engine.poller.loop_states(), description="the stages to start"
        )
        await live.refresh()  # a scrape once the stages run
        scraped = parse(metrics.render().decode())
    assert down == 0
    assert scraped.get("videobot_stage_up", stage="recovery") == 1


async def test_readyz_names_what_is_missing_before_the_bot_is_set_up(tmp_path, api, fake):
    settings = fast_settings(tmp_path, api, fake)
    database = await SqliteDatabase.open(tmp_path / "unmigrated.sqlite3")
    try:
        bot = VideoBot(settings, database)
        assert await bot.readiness.reasons() == [
            "discord: not logged in yet",
            "setting up (cogs, command sync, engine)",
            "gateway: not ready yet",
            "database: migrations not applied",
        ]
        await database.migrate()
        assert "database: migrations not applied" not in await bot.readiness.reasons()
    finally:
        await database.close()


async def test_a_taken_port_is_one_error_and_the_bot_runs_on(tmp_path, caplog):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        async with running_bot(tmp_path, metrics_port=taken.getsockname()[1]) as world:
            interaction = await world.video(prompt="a kite")
            assert "queued as job #1" in (await interaction.wait_for_answer())["content"]
            assert world.bot.observability is None
    [line] = [r for r in caplog.records if "Cannot serve health checks" in r.getMessage()]
    assert line.exc_info is None, "one line, no traceback"


async def test_a_refused_api_key_is_named_at_start_up_and_keeps_readyz_not_ready(tmp_path, caplog):
    async with running_bot(tmp_path, apimart_api_key="sk-not-the-key") as world:
        reason = "apimart: the API key was refused (check APIMART_API_KEY)"
        await world.discord.wait_for(
            lambda: world.bot.balance.key_refused, description="the start-up balance read"
        )
        assert reason in await world.bot.readiness.reasons()
        [line] = [r for r in caplog.records if "APIMART_API_KEY" in r.getMessage()]
        assert line.levelname == "ERROR"
        # Fixed (a key rotated back on APIMart's side): the next reading clears it.
        world.api.api_key = "sk-not-the-key"
        await world.bot.balance.read_now()
        assert reason not in await world.bot.readiness.reasons()


async def test_readyz_names_a_database_it_cannot_reach_instead_of_failing(tmp_path, api, fake):
    """A readiness probe made while the database is down gets the reason, never a 500."""
    settings = fast_settings(tmp_path, api, fake)
    database = await SqliteDatabase.open(tmp_path / "closed.sqlite3")
    bot = VideoBot(settings, database)
    await database.close()
    reasons = await bot.readiness.reasons()
    assert "database: migrations not applied" not in reasons
    assert any(reason.startswith("database: unreachable") for reason in reasons), reasons


async def test_readyz_names_a_database_that_stops_answering_after_start(tmp_path, api, fake):
    settings = fast_settings(tmp_path, api, fake)
    database = await SqliteDatabase.open(tmp_path / "later.sqlite3")
    await database.migrate()
    bot = VideoBot(settings, database)
    assert not any(r.startswith("database") for r in await bot.readiness.reasons())
    await database.close()
    reasons = await bot.readiness.reasons()
    assert any(reason.startswith("database: unreachable") for reason in reasons), reasons


class FlakyDatabase:
    """Answers `SELECT 1` unless `down`."""

    down = False

    async def fetch_one(self, sql, params=()):
        if self.down:
            raise ConnectionRefusedError("down")
        return (1,)


async def test_the_loops_an_outage_stopped_do_not_fail_liveness_as_the_database_returns():
    """A 3-minute outage: the stage loops crash on it and their supervisors' backoff grows to
    60 s, so each waits up to a minute after the database is back. /healthz kept 200 through
    the outage so that a liveness probe would not restart every process at once; it must not
    turn 503 for all of them together the moment the database answers again. Loops still dead
    after that are dead."""
    clock, db = FakeClock(), FlakyDatabase()
    gateway = GatewayWatch(grace=120, clock=clock)
    await gateway.connected(0)
    dead: list[str] = []
    health = Health(db=db, gateway=gateway, dead_loops=lambda: list(dead), clock=clock)
    db.down = True
    dead[:] = ["submit", "poll", "deliver"]
    for _ in range(18):  # a probe every 10 s through the outage
        assert (await health.liveness()).ok
        clock.advance(10)
    db.down = False  # back; the loops restart at their next backoff, up to 60 s from now
    for _ in range(6):
        assert (await health.liveness()).ok
        clock.advance(10)
    clock.advance(30)
    assert (await health.liveness()).reasons == [
        f"engine: the {name} loop is dead" for name in ("submit", "poll", "deliver")
    ]


async def test_a_dead_loop_is_not_hidden_for_ever_by_a_database_that_keeps_failing_probes():
    """The database fails one probe a minute (a flaky network, a busy server) and answers the
    rest; the deliver loop is dead all along. Each failure restarted the 90 s allowed for the
    loops an outage stopped, so /healthz stayed 200 for ever and nobody restarted the process:
    no video was ever posted again. The flaps are no outage it reports either."""
    clock, db = FakeClock(), FlakyDatabase()
    gateway = GatewayWatch(grace=120, clock=clock)
    await gateway.connected(0)
    health = Health(db=db, gateway=gateway, dead_loops=lambda: ["deliver"], clock=clock)
    verdicts = []
    for probe_number in range(120):  # a probe every 10 s for 20 minutes
        db.down = probe_number % 6 == 0
        verdicts.append((await health.liveness()).reasons)
        clock.advance(10)
    assert ["engine: the deliver loop is dead"] in verdicts, verdicts[-1]
    # Not before an outage that short would have let it come back.
    first = verdicts.index(["engine: the deliver loop is dead"])
    assert first * 10 >= DATABASE_OUTAGE_RESTART, first
