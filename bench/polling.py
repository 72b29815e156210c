"""One polling scenario: the fake APIMart here, the bot in a fresh worker process."""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg

from bench.clock import CompressedClock
from bench.fakeapi import ROUND_TRIP, TimedFakeAPIMart
from bench.stats import nearest_rank
from bench.worker import API_KEY, cpu_seconds


@dataclass(frozen=True)
class Mode:
    """A polling strategy as the bot would be configured for it."""

    name: str
    schedule: str  # POLL_SCHEDULE
    first_delay: float  # POLL_FIRST_DELAY
    interval: float  # POLL_INTERVAL
    max_gap: float  # POLL_MAX_GAP


# The product with its defaults; the vendor's advice at both ends (every 5-10 s from the
# submit); and the strongest fixed peers: the same intervals from the product's own first
# check at 120 s (`POLL_SCHEDULE=fixed` with the default POLL_FIRST_DELAY), which knows as
# much as the product about how long renders take before any progress is read.
ADAPTIVE = Mode("product", "adaptive", first_delay=120, interval=8, max_gap=120)
FIXED = Mode("fixed 5 s", "fixed", first_delay=5, interval=5, max_gap=5)
FIXED_10 = Mode("fixed 10 s", "fixed", first_delay=10, interval=10, max_gap=10)
FIXED_LATE = Mode("5 s from 120", "fixed", first_delay=120, interval=5, max_gap=5)
FIXED_10_LATE = Mode("10 s from 120", "fixed", first_delay=120, interval=10, max_gap=10)
MODES = (ADAPTIVE, FIXED, FIXED_10, FIXED_LATE, FIXED_10_LATE)


@dataclass(frozen=True)
class Result:
    """What one scenario measured; times are real-time-equivalent seconds."""

    jobs: int
    mode: Mode
    profile: str  # the estimate profile (bench/fakeapi.py)
    factor: float
    rate: float
    polls: int
    submits: int
    delays: list[float]
    peak_granted: int  # most polls the budget let go in any one-second window
    peak_sent: int  # most polls the fake got that were granted in any one-second window
    unstamped_polls: int  # polls the fake got that no budget grant let go
    peak_arrived_1s: int  # most polls the fake got within any one second of arrival
    saturated_seconds: int  # one-second spans in which the budget was (nearly) all used
    fixed_polls_needed: float  # per job, had fixed 5 s polling been allowed every call
    fixed_10_polls_needed: float  # per job, had fixed 10 s polling been allowed every call
    worker: dict[str, Any]
    fake_busy: float = 0.0  # share of one core the fake APIMart (this process) used

    @property
    def polls_per_job(self) -> float:
        return self.polls / self.jobs

    def delay(self, quantile: float) -> float:
        """The delay from completion to delivery that `quantile` of jobs stay within."""
        return nearest_rank(self.delays, quantile)


def fixed_polls(duration: float, *, first: float = 5.0, interval: float = 5.0) -> int:
    """Polls that fixed-interval polling spends on a render of `duration` seconds."""
    return 1 + max(0, math.ceil((duration - first) / interval))


def saturated(grants: list[float], rate: float, share: float = 0.95) -> int:
    """How many one-second spans (from the first grant) used at least `share` of the rate."""
    if not grants:
        return 0
    start = min(grants)
    spans: dict[int, int] = {}
    for grant in grants:
        second = int(grant - start)
        spans[second] = spans.get(second, 0) + 1
    return sum(1 for count in spans.values() if count >= share * rate)


def most_in_window(times: list[float], window: float) -> int:
    """The largest number of `times` within any half-open window of `window` seconds."""
    ordered = sorted(times)
    best = start = 0
    for end, stamp in enumerate(ordered):
        while stamp - ordered[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best


@contextlib.asynccontextmanager
async def postgres_schema(dsn: str | None) -> AsyncIterator[list[str]]:
    """The worker's extra arguments: a fresh schema on `dsn` (dropped after), or none."""
    if dsn is None:
        yield []
        return
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(dsn)
    try:
        await admin.execute(f"CREATE SCHEMA {schema}")
        yield [f"--database-url={dsn}", f"--schema={schema}"]
    finally:
        await admin.execute(f"DROP SCHEMA {schema} CASCADE")
        await admin.close()


async def run_scenario(
    jobs: int,
    mode: Mode,
    *,
    factor: float,
    rate: float,
    seed: int,
    profile: str = "unbiased",
    round_trip: float = ROUND_TRIP,
    concurrency: int = 256,
    postgres: str | None = None,
) -> Result:
    """Run `jobs` renders through the real poller with `mode`, under a `rate` budget.

    The store is a SQLite file, or a fresh schema on the PostgreSQL server `postgres` names.
    """
    clock = CompressedClock(factor)
    fake = TimedFakeAPIMart(
        api_key=API_KEY,
        clock=clock,
        record_bodies=False,
        seed=seed,
        profile=profile,
        round_trip=round_trip,
        factor=factor,
    )
    async with fake as api, postgres_schema(postgres) as store_arguments:
        with tempfile.TemporaryDirectory(prefix="bench-") as folder:
            command = [
                sys.executable,
                "-m",
                "bench.worker",
                f"--api-url={api.base_url}",
                f"--database={Path(folder) / 'bot.sqlite3'}",
                f"--jobs={jobs}",
                f"--mode={mode.schedule}",
                f"--factor={factor!r}",
                f"--rate={rate!r}",
                f"--interval={mode.interval!r}",
                f"--first-delay={mode.first_delay!r}",
                f"--max-gap={mode.max_gap!r}",
                f"--concurrency={concurrency}",
                *store_arguments,
            ]
            process = await asyncio.create_subprocess_exec(
                *command,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
            assert process.stdin is not None and process.stdout is not None
            # Every job is in flight: start the clock for both processes at the same instant.
            ready = await process.stdout.readline()
            fake_cpu, fake_wall = cpu_seconds(), time.monotonic()
            if ready.strip() == b"ready":
                clock.start(time.monotonic())
                process.stdin.write(f"{clock.origin!r}\n".encode())
                await process.stdin.drain()
            out, err = await process.communicate()
            fake_busy = (cpu_seconds() - fake_cpu) / max(1e-9, time.monotonic() - fake_wall)
        if process.returncode != 0:
            raise RuntimeError(f"worker failed ({process.returncode}):\n{err.decode()[-4000:]}")
        worker = json.loads(out.decode().splitlines()[-1])
        deliveries: dict[str, float] = worker.pop("deliveries")
        grants: list[float] = worker.pop("grants")
        tasks = api.timed_tasks()
        missing = [task.id for task in tasks if task.id not in deliveries]
        if len(tasks) != jobs or missing:
            raise RuntimeError(f"{len(tasks)} tasks, {len(missing)} never delivered")
        polls = [request.time for request in api.requests if request.route == "poll"]
        return Result(
            jobs=jobs,
            mode=mode,
            profile=profile,
            factor=factor,
            rate=rate,
            polls=len(polls),
            submits=len(api.requests_for("submit")),
            delays=[deliveries[task.id] - task.finished_at for task in tasks],
            peak_granted=most_in_window(grants, 1.0),
            peak_sent=most_in_window(api.polls_granted_at, 1.0),
            unstamped_polls=api.unstamped_polls,
            peak_arrived_1s=most_in_window(polls, 1.0),
            saturated_seconds=saturated(grants, rate),
            fixed_polls_needed=sum(fixed_polls(t.profile.duration) for t in tasks) / jobs,
            fixed_10_polls_needed=sum(
                fixed_polls(t.profile.duration, first=10.0, interval=10.0) for t in tasks
            )
            / jobs,
            worker=worker,
            fake_busy=fake_busy,
        )
