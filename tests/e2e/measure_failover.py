"""Fail-over of real bot processes on PostgreSQL: SIGKILL one, time until another polls its jobs.

    .venv/bin/python -m tests.e2e.measure_failover --lease 60 --interval 8 --runs 3

Not a test (it takes lease-long minutes): the figures docs/scaling.md quotes. Two processes run
shard 0 and shard 1 of the fake Discord on a fresh schema of the test server (TEST_POSTGRES_DSN);
members of shard 1's guild start renders that never finish; shard 1's process is killed.

- `held`: the victim holds the claims (its status checks hang at APIMart) when it is killed; the
  survivor started after them. Fail-over = first poll of each held job by the survivor - kill.
- `idle`: the survivor has had nothing to do since before the jobs existed; the victim is killed
  between two rounds of checks. Fail-over = first poll by the survivor - the later of the kill
  and the moment the job was due (what the kill added to its wait).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import signal
import statistics
import tempfile
import time
from pathlib import Path

from bot.storage.postgres import PostgresDatabase
from tests import backends
from tests.e2e.fleet import database_url, fleet, guilds_on_two_shards
from tests.fakes.apimart import FakeAPIMart, TaskPlan
from tests.fakes.discord import FakeDiscord
from tests.harness import API_KEY, BOT_TOKEN

JOBS = 2  # a member may have 2 renders in progress by default


async def one_run(scenario: str, lease: float, interval: float) -> list[float]:
    """The fail-over time of each of the victim's jobs in one run, in seconds."""
    dsn = backends.postgres_dsn()
    schema = await backends.new_schema(dsn)
    try:
        with tempfile.TemporaryDirectory() as folder:
            return await _run(Path(folder), dsn, schema, scenario, lease, interval)
    finally:
        await backends.drop_schema(dsn, schema)


async def _run(
    folder: Path, dsn: str, schema: str, scenario: str, lease: float, interval: float
) -> list[float]:
    env = {
        "LEASE_SECONDS": str(lease),
        "POLL_INTERVAL": str(interval),
        "POLL_MAX_GAP": str(interval),
        "HTTP_TIMEOUT": str(10 * lease),  # a hung status check keeps its claim
    }
    async with FakeDiscord(token=BOT_TOKEN) as fake, FakeAPIMart(api_key=API_KEY) as api:
        api.default_plan = TaskPlan(polls_until_done=None)
        database = database_url(dsn, schema)
        [_, (guild, _, member)] = guilds_on_two_shards(fake)
        db = await PostgresDatabase.open(database)
        try:
            if scenario == "held":
                api.delay_next("poll", 10 * lease, times=JOBS)
                async with fleet(folder, fake, api, database, ["1"], **env) as [victim]:
                    await start_renders(fake, guild, member)
                    await api.wait_for_polls(JOBS, timeout=30)
                    async with fleet(folder, fake, api, database, ["0"], **env) as [survivor]:
                        killed_at = await kill(victim)
                        times = await takeovers(api, db, killed_at, lease + interval)
                        await survivor.stop()
                return times
            async with fleet(folder, fake, api, database, ["0", "1"], **env) as [survivor, victim]:
                await start_renders(fake, guild, member)
                await api.wait_for_polls(JOBS, timeout=30)
                await asyncio.sleep(random.uniform(0, interval))  # anywhere between two rounds
                due = {row["task_id"]: row["next_poll_at"] for row in await rows(db)}
                killed_at = await kill(victim)
                times = await takeovers(api, db, killed_at, lease + interval, due=due)
                await survivor.stop()
            return times
        finally:
            await db.close()


async def start_renders(fake: FakeDiscord, guild: int, member: int) -> None:
    for n in range(JOBS):
        command = await fake.slash_command(
            "video", options={"prompt": f"a storm {n}"}, guild_id=guild, user=member
        )
        await command.wait_for_answer(timeout=10)


async def kill(victim) -> float:
    victim.process.send_signal(signal.SIGKILL)
    killed_at = time.time()
    await victim.process.wait()
    return killed_at


async def rows(db: PostgresDatabase) -> list:
    return list(await db.fetch_all("SELECT * FROM jobs ORDER BY id"))


async def takeovers(
    api: FakeAPIMart,
    db: PostgresDatabase,
    killed_at: float,
    bound: float,
    *,
    due: dict[str, float] | None = None,
) -> list[float]:
    """Wait for every job to be polled after the kill; each one's fail-over time."""
    task_ids = [row["task_id"] for row in await rows(db)]

    def first_poll(task_id: str) -> float | None:
        times = [r.time for r in api.requests_for("poll") if r.path.endswith(task_id)]
        later = [t for t in times if t > killed_at]
        return min(later) if later else None

    await api.wait_until(lambda: all(first_poll(t) for t in task_ids), timeout=bound + 30)
    waits = []
    for task_id in task_ids:
        polled = first_poll(task_id)
        assert polled is not None
        waits.append(polled - max(killed_at, (due or {}).get(task_id) or killed_at))
    return waits


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lease", type=float, default=60.0, help="LEASE_SECONDS")
    parser.add_argument("--interval", type=float, default=8.0, help="POLL_INTERVAL")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scenario", choices=["held", "idle", "both"], default="both")
    args = parser.parse_args()
    problem = backends.probe.problem(backends.postgres_dsn())
    if problem is not None:
        raise SystemExit(problem)
    scenarios = ["held", "idle"] if args.scenario == "both" else [args.scenario]
    for scenario in scenarios:
        times = []
        for _ in range(args.runs):
            times.extend(await one_run(scenario, args.lease, args.interval))
        print(
            json.dumps(
                {
                    "scenario": scenario,
                    "lease": args.lease,
                    "poll_interval": args.interval,
                    "jobs": len(times),
                    "min": round(min(times), 2),
                    "median": round(statistics.median(times), 2),
                    "max": round(max(times), 2),
                    "bound": args.lease + args.interval,
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    asyncio.run(main())
