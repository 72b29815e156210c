"""Health probes and /metrics once a partition is over, where a read sent into it is still
stuck on its dead connection (a failover to another host: the old one never answers, and TCP
gives up on it only after ~15 minutes) while every new one is answered."""

import asyncio

from bot.observability import server as server_module
from bot.observability.health import (
    ASK_AGAIN_AFTER,
    OUT_AT_MOST,
    GatewayWatch,
    Health,
    database_problem,
)
from bot.observability.metrics import Metrics
from bot.observability.server import ObservabilityServer
from tests.conftest import FakeClock, SilentDatabase
from tests.observability.scrape import scrape


class FailedOver:
    """A database whose first `SELECT 1` went to the old primary and never returns; every
    query after it takes a fresh connection to the new primary and is answered at once."""

    def __init__(self) -> None:
        self.asked = 0
        self._never = asyncio.Event()

    async def fetch_one(self, sql, params=()):
        self.asked += 1
        if self.asked == 1:
            await self._never.wait()
        return (1,)


async def test_a_probe_stuck_on_a_dead_connection_does_not_fail_every_later_probe():
    db = FailedOver()
    clock = FakeClock()
    assert await database_problem(db, within=0.05, clock=clock) is not None  # the partition
    assert await database_problem(db, within=0.05, clock=clock) is not None, "joined, not asked"
    assert db.asked == 1
    clock.advance(ASK_AGAIN_AFTER)
    # The database answers again: a probe now must say so.
    assert await database_problem(db, within=0.05, clock=clock) is None, (
        "every probe joins the one SELECT 1 stuck on the dead connection"
    )


async def test_healthz_does_not_restart_a_process_whose_database_answers_again():
    """/readyz fails and, 5 minutes on, /healthz restarts the process, though every query
    but the stuck probe is answered."""
    clock = FakeClock()
    gateway = GatewayWatch(grace=120.0, clock=clock)
    await gateway.connected(0)
    db = FailedOver()
    health = Health(db=db, gateway=gateway, dead_loops=list, clock=clock, database_timeout=0.05)
    assert (await health.liveness()).ok  # the partition begins: readiness's business
    clock.advance(60)
    # The partition is over; the engine's own queries are answered again.
    assert await db.fetch_one("SELECT 1") == (1,)
    for _ in range(6):
        clock.advance(60)
        verdict = await health.liveness()
    assert verdict.ok, verdict.reasons


async def test_a_long_partition_holds_a_few_connections_not_one_per_probe():
    """An hour of probes every 5 s into a silent database: the queries asked again are
    spaced out further each time, and never more than OUT_AT_MOST are out at once."""
    db = SilentDatabase()

    class Silent:
        fetch_one = db.query

    silent = Silent()
    clock = FakeClock()
    try:
        for _ in range(60 * 60 // 5):
            assert await database_problem(silent, within=0.001, clock=clock) is not None
            clock.advance(5)
        assert db.waiting == OUT_AT_MOST
    finally:
        db.answer()


async def test_metrics_read_afresh_once_a_refresh_is_stuck(monkeypatch):
    """The metrics' database-backed refresh stuck on a dead connection does not keep
    videobot_database_up at 0 once the database answers again."""
    monkeypatch.setattr(server_module, "REFRESH_TIMEOUT", 0.05)
    metrics = Metrics()
    refreshes = 0
    never = asyncio.Event()

    async def refresh():
        nonlocal refreshes
        refreshes += 1
        if refreshes == 1:
            await never.wait()
        metrics.database_up.set(1)

    clock = FakeClock()
    health = Health(db=FailedOver(), gateway=GatewayWatch(grace=120.0), dead_loops=list)
    server = ObservabilityServer(
        health, metrics, host="127.0.0.1", port=0, refresh=refresh, clock=clock
    )
    await server.start()
    base = f"http://127.0.0.1:{server.port}"
    try:
        assert (await scrape(base)).get("videobot_database_up") == 0
        clock.advance(15)  # the next scrape
        assert (await scrape(base)).get("videobot_database_up") == 1
        assert refreshes == 2
    finally:
        await server.stop()
