"""/metrics during a PostgreSQL partition: answered within its bound, with the last values."""

import asyncio
import time

import aiohttp

from bot.jobs.store import JobStore
from bot.observability.health import GatewayWatch, Health
from bot.observability.live import LiveValues
from bot.observability.metrics import Metrics
from bot.observability.server import ObservabilityServer
from bot.storage.postgres import PostgresDatabase
from tests.backends import postgres_only
from tests.conftest import FakeClock
from tests.e2e.test_database_outage import SilentProxy
from tests.observability.scrape import probe


@postgres_only
async def test_metrics_answers_within_its_refresh_bound_while_postgresql_is_silent(backend):
    """docs/operations.md: /metrics answers "always" (a failed database read keeps the last
    values); server.py bounds the database-backed refresh at REFRESH_TIMEOUT (5 s). During a
    partition the cancelled read never returns, so the scrape must not wait on it."""
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
                    await response.read()
            except TimeoutError:
                status = None
            answered = time.monotonic() - started
            assert status == 200, f"/metrics gave no answer within {answered:.1f}s"
            assert answered < 8, f"/metrics took {answered:.1f}s (refresh bound is 5 s)"
        finally:
            async with asyncio.timeout(10):
                await server.stop()
            await database.close()
