"""The bot's side of one polling scenario, in a fresh process so its RSS and CPU are its own.

Phase 1, with the shared clock still: submit every job through the real `JobService`, so all
of them are in flight at the same instant. It prints ``ready`` and reads the clock's start
from stdin. Phase 2, on the compressed clock: the real `Poller` with its `JobStore` (a real
SQLite file), `APIMartClient` (loopback), schedule and request budget runs until every job
has been delivered to a recording callback, then idles a moment. Prints one JSON line.
With `--database-url` (and `--schema`) the store is that PostgreSQL schema instead of the file.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import resource
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import aiohttp

from bench.clock import CompressedClock, CompressedEventLoop
from bot.apimart import APIMartClient, RetryPolicy, VideoRequest
from bot.apimart.session import api_connector
from bot.jobs.budget import RequestBudget
from bot.jobs.models import Job, Requester
from bot.jobs.poller import DeliveryOutcome, DeliveryResult, Poller, PollerConfig
from bot.jobs.schedule import PollSchedule, ScheduleMode
from bot.jobs.service import JobService, SubmitTiming
from bot.jobs.store import JobStore
from bot.storage import Database
from bot.storage.postgres import PostgresDatabase
from bot.storage.sqlite import SqliteDatabase

API_KEY = "bench-key"
SUBMITTERS = 32  # members pressing /video at once
# Each poll carries the time the budget let it go, so the fake can count, per second, what
# the poller sent; a poll without one went around the budget (a hidden retry, say).
GRANTED_HEADER = "X-Bench-Granted"


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def peak_rss_kib() -> int:
    """This process's own high-water RSS.

    Not `ru_maxrss`: Linux carries it over from the forking parent, so a worker started by
    a large orchestrator would report the orchestrator's size.
    """
    with contextlib.suppress(OSError), open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def poller_session(budget: RecordingBudget, concurrency: int) -> aiohttp.ClientSession:
    """The poller's session as bot/app.py opens it (a connection for every check the pool may
    keep in flight), each request stamped with its budget grant."""
    connector = api_connector(
        checks=concurrency,
        submits=PollerConfig.submit_workers,
        deliveries=PollerConfig.delivery_workers,
    )
    return aiohttp.ClientSession(connector=connector, trace_configs=[stamp_grants(budget)])


def stamp_grants(budget: RecordingBudget) -> aiohttp.TraceConfig:
    """A trace that writes each request's budget grant, if it has one, into its headers."""

    async def on_request_start(
        _session: aiohttp.ClientSession,
        _context: SimpleNamespace,
        params: aiohttp.TraceRequestStartParams,
    ) -> None:
        granted = budget.claim()
        if granted is not None:
            params.headers[GRANTED_HEADER] = repr(granted)

    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(on_request_start)
    return trace


async def open_database(args: argparse.Namespace) -> Database:
    """The run's store: the PostgreSQL schema if given, else the SQLite file."""
    if args.database_url:
        return await PostgresDatabase.open(args.database_url, schema=args.schema)
    return await SqliteDatabase.open(Path(args.database))


def database_bytes(path: Path) -> int:
    files = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    return sum(file.stat().st_size for file in files if file.exists())


class RecordingBudget(RequestBudget):
    """The bot's budget, also noting when it let each request go, and for which task."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.grants: list[float] = []
        self.unclaimed: dict[asyncio.Task[Any] | None, float] = {}

    def take(self, now: float) -> None:
        super().take(now)
        self.grants.append(now)
        # The poller's request follows in the same asyncio task.
        self.unclaimed[asyncio.current_task()] = now

    def claim(self) -> float | None:
        """The grant the current task holds for its next request, if any (once only)."""
        return self.unclaimed.pop(asyncio.current_task(), None)


async def submit_all(args: argparse.Namespace, clock: CompressedClock) -> None:
    """Record and submit every job while the clock stands still."""
    db = await open_database(args)
    await db.migrate()
    async with aiohttp.ClientSession() as session:
        client = APIMartClient(session, base_url=args.api_url, api_key=API_KEY)
        timing = SubmitTiming(first_poll_delay=args.first_delay)
        service = JobService(JobStore(db, clock=clock), client, clock=clock, timing=timing)
        numbers = iter(range(args.jobs))

        async def member() -> None:
            for number in numbers:
                requester = Requester(user_id=number + 1, channel_id=1, guild_id=1)
                request = VideoRequest(prompt=f"bench video {number}", duration=6)
                await service.create_and_submit(requester, request)

        await asyncio.gather(*(member() for _ in range(SUBMITTERS)))
    await db.close()


async def poll_all(args: argparse.Namespace, clock: CompressedClock) -> dict[str, Any]:
    """Run the poller until every job is delivered; measure it."""
    database = Path(args.database)
    db = await open_database(args)
    store = JobStore(db, clock=clock)
    deliveries: dict[str, float] = {}
    all_delivered = asyncio.Event()

    async def deliver(job: Job) -> DeliveryResult:
        assert job.task_id is not None
        deliveries[job.task_id] = clock()
        if len(deliveries) >= args.jobs:
            all_delivered.set()
        return DeliveryResult(DeliveryOutcome.DELIVERED, message_id=job.id)

    cpu_before = cpu_seconds()
    budget = RecordingBudget(args.rate, clock=clock)
    async with poller_session(budget, args.concurrency) as session:
        # Wired as bot/wiring.py wires it: the poller's client never retries on its own.
        poll_client = APIMartClient(
            session, base_url=args.api_url, api_key=API_KEY, retry=RetryPolicy(max_retries=0)
        )
        submit_client = APIMartClient(session, base_url=args.api_url, api_key=API_KEY)
        service = JobService(store, submit_client, clock=clock)
        schedule = PollSchedule(
            interval=args.interval, max_gap=args.max_gap, mode=ScheduleMode(args.mode)
        )
        poller = Poller(
            store,
            poll_client,
            service,
            deliver,
            clock=clock,
            config=PollerConfig(
                poll_interval=args.interval, concurrency=args.concurrency, schedule=schedule
            ),
            budget=budget,
        )
        started = clock()
        poller.start()
        await asyncio.wait_for(all_delivered.wait(), args.timeout)
        finished = clock()
        cpu_polling = cpu_seconds() - cpu_before
        # Nothing is pending now: the poller must sleep, not spin.
        idle_cpu = cpu_seconds()
        await asyncio.sleep(args.idle_seconds * clock.factor)
        idle_cpu = cpu_seconds() - idle_cpu
        await poller.stop()
        round_trip, in_flight = poller.round_trip.seconds, poller.poll_workers()
    await db.close()
    return {
        "round_trip": round_trip,
        "poll_workers": in_flight,
        "deliveries": deliveries,
        "grants": budget.grants,
        "run_seconds": finished - started,
        "cpu_polling_seconds": cpu_polling,
        "idle_cpu_seconds": idle_cpu,
        "database_bytes": 0 if args.database_url else database_bytes(database),
        "budget_waited": budget.waited,
        "budget_cuts": budget.cuts,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--database", required=True, help="SQLite file")
    parser.add_argument("--database-url", help="PostgreSQL instead of the file")
    parser.add_argument("--schema", help="the PostgreSQL schema (with --database-url)")
    parser.add_argument("--jobs", type=int, required=True)
    parser.add_argument("--mode", choices=[mode.value for mode in ScheduleMode], required=True)
    parser.add_argument("--factor", type=float, required=True, help="time compression")
    parser.add_argument("--rate", type=float, required=True, help="budget, requests/s")
    parser.add_argument("--interval", type=float, required=True)
    parser.add_argument("--first-delay", type=float, required=True)
    parser.add_argument("--max-gap", type=float, required=True)
    parser.add_argument("--concurrency", type=int, default=256, help="POLL_CONCURRENCY (a cap)")
    parser.add_argument("--idle-seconds", type=float, default=2.0, help="wall seconds")
    parser.add_argument("--timeout", type=float, default=3600.0, help="compressed seconds")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    clock = CompressedClock(args.factor)
    wall = time.monotonic()
    asyncio.run(submit_all(args, clock))
    submit_wall = time.monotonic() - wall
    print("ready", flush=True)
    clock.start(float(sys.stdin.readline()))
    with asyncio.Runner(loop_factory=lambda: CompressedEventLoop(clock)) as runner:
        report = runner.run(poll_all(args, clock))
    report.update(
        submit_wall_seconds=submit_wall,
        wall_seconds=time.monotonic() - wall,
        cpu_seconds=cpu_seconds(),
        peak_rss_kib=peak_rss_kib(),
    )
    print(json.dumps(report))


if __name__ == "__main__":
    main()
