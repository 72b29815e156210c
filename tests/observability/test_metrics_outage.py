"""/metrics during a PostgreSQL partition: answered within its bound, with the last values."""

import asyncio
import logging
import time

import aiohttp

from bot.jobs.store import JobStore
from bot.observability import server as server_module
from bot.observability.health import GatewayWatch, Health
from bot.observability.live import LiveValues
from bot.observability.metrics import Metrics
from bot.observability.server import ObservabilityServer
from bot.storage.postgres import PostgresDatabase
from tests.backends import postgres_only
from tests.conftest import FakeClock
from tests.e2e.test_database_outage import SilentProxy
from tests.observability.scrape import parse, probe, scrape


@postgres_only
async def test_metrics_answers_within_its_refresh_bound_while_postgresql_is_silent(
    backend, monkeypatch
):
    """docs/operations.md: /metrics answers "always" (a failed database read keeps the last
    values); server.py bounds the database-backed refresh at REFRESH_TIMEOUT (5 s; 1 s here:
    the silence lasts for ever, so any bound is waited out in full). During a partition the
    cancelled read never returns, so the scrape must not wait on it."""
    monkeypatch.setattr(server_module, "REFRESH_TIMEOUT", 1.0)
    host, _, port = backend.dsn.split("@", 1)[1].split("/", 1)[0].partition(":")
    async with SilentProxy(host, int(port or 5432)) as proxy:
        dsn = backend.dsn.replace(f"{host}:{port}" if port else host, f"127.0.0.1:{proxy.port}", 1)
        database = await PostgresDatabase.open(dsn, schema=backend.schema, max_size=2)
        await database.migrate()
        metrics = Metrics()
        gateway = GatewayWatch(grace=120.0, clock=FakeClock())
        await gateway.connected(0)
        live = LiveValues(
            metrics,
            store=lambda: JobStore(database),
            latencies=lambda: [(0, 0.05)],
            loops=lambda: {"submit": True, "poll": True, "deliver": True},
        )
        server = ObservabilityServer(
            Health(db=database, gateway=gateway, dead_loops=list),
            metrics,
            host="127.0.0.1",
            port=0,
            refresh=live.refresh,
        )
        await server.start()
        base = f"http://127.0.0.1:{server.port}"
        try:
            assert (await probe(base, "/healthz"))[0] == 200
            proxy.unplug()
            started = time.monotonic()
            try:
                async with (
                    asyncio.timeout(15),
                    aiohttp.ClientSession() as http,
                    http.get(f"{base}/metrics") as response,
                ):
                    status = response.status
                    text = await response.text()
            except TimeoutError:
                status = None
            answered = time.monotonic() - started
            assert status == 200, f"/metrics gave no answer within {answered:.1f}s"
            assert answered < 4, f"/metrics took {answered:.1f}s (refresh bound is 1 s)"
            assert parse(text).get("videobot_database_up") == 0, "a read that never ends is down"
        finally:
            async with asyncio.timeout(10):
                await server.stop()
            await database.close()


async def test_a_database_outage_is_one_warning_a_minute_and_one_traceback(backend, clock, caplog):
    """Prometheus scrapes every 15 s: a database down for an hour must not write 240 warnings
    with a traceback each. The first says what failed, traceback and all; a minute later one
    line counts the scrapes that failed meanwhile."""
    database = await backend.open()
    await database.migrate()
    metrics = Metrics()
    live = LiveValues(metrics, store=lambda: JobStore(database), latencies=list, loops=dict)
    gateway = GatewayWatch(grace=120.0, clock=clock)
    health = Health(db=database, gateway=gateway, dead_loops=list)
    server = ObservabilityServer(
        health, metrics, host="127.0.0.1", port=0, refresh=live.refresh, clock=clock
    )
    await server.start()
    try:
        await database.close()
        with caplog.at_level(logging.WARNING, logger="bot.observability.server"):
            for _ in range(5):  # an outage's first minute, and the first scrape after it
                await scrape(f"http://127.0.0.1:{server.port}")
                clock.advance(15)
    finally:
        await server.stop()
    warnings = [r for r in caplog.records if r.name == "bot.observability.server"]
    assert [bool(r.exc_info) for r in warnings] == [True, False], "one traceback"
    assert warnings[0].getMessage().startswith("Could not read the live values for /metrics")
    assert (
        warnings[1].getMessage().endswith("(and 3 more like it within 45 s of the last one logged)")
    )
