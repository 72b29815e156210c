"""One bot process of the scale-out benchmark: the real `Poller` on a shared PostgreSQL schema.

The jobs are already in the schema (seeded by bench/scaleout.py) as queued tasks the fake
APIMart knows. This process prints ``ready``, reads from stdin the `time.monotonic()` moment to
start (the same for every process of a run), polls with its share of the fleet's budget for
the seconds it is told, stops, and prints one JSON line (CPU, peak RSS, its budget's grants).
`time.monotonic()` is one system-wide clock on Linux, so the grant times every process stamps
on its polls can be counted together by the fake.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import time
from typing import Any

from bench.worker import API_KEY, RecordingBudget, cpu_seconds, peak_rss_kib, poller_session
from bot.apimart import APIMartClient, RetryPolicy
from bot.event_loop import loop_name, run_on_bot_loop
from bot.jobs.models import Job
from bot.jobs.poller import DeliveryOutcome, DeliveryResult, Poller, PollerConfig
from bot.jobs.schedule import PollSchedule, ScheduleMode
from bot.jobs.service import JobService
from bot.jobs.store import JobStore
from bot.storage.postgres import PostgresDatabase


async def run(args: argparse.Namespace) -> dict[str, Any]:
    db = await PostgresDatabase.open(args.dsn, schema=args.schema)
    store = JobStore(db, clock=time.time)

    async def deliver(job: Job) -> DeliveryResult:
        return DeliveryResult(DeliveryOutcome.DELIVERED, message_id=job.id)

    budget = RecordingBudget(args.rate)
    async with poller_session(budget, args.concurrency) as session:
        # Wired as bot/wiring.py wires it: the poller's client never retries on its own.
        client = APIMartClient(
            session, base_url=args.api_url, api_key=API_KEY, retry=RetryPolicy(max_retries=0)
        )
        service = JobService(store, client, clock=time.time)
        schedule = PollSchedule(
            interval=args.interval, max_gap=args.interval, mode=ScheduleMode.FIXED
        )
        poller = Poller(
            store,
            client,
            service,
            deliver,
            clock=time.time,
            config=PollerConfig(
                poll_interval=args.interval, concurrency=args.concurrency, schedule=schedule
            ),
            budget=budget,
            recover_at_start=False,  # other processes hold claims on the same schema
        )
        print("ready", flush=True)
        start = float(await asyncio.to_thread(input))
        await asyncio.sleep(max(0.0, start - time.monotonic()))
        cpu_before = cpu_seconds()
        poller.start()
        await asyncio.sleep(args.seconds)
        cpu = cpu_seconds() - cpu_before
        await poller.stop()
    await db.close()
    return {
        "grants": len(budget.grants),
        "cpu_seconds": cpu,
        "peak_rss_kib": peak_rss_kib(),
        "budget_waited": budget.waited,
        "loop": loop_name(asyncio.get_running_loop()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--api-url", required=True)
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--schema", required=True)
    parser.add_argument("--rate", type=float, required=True, help="this process's budget share")
    parser.add_argument("--interval", type=float, required=True, help="fixed poll interval, s")
    parser.add_argument("--seconds", type=float, required=True, help="how long to poll")
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    # The loop `python -m bot` runs on, so a worker costs what a production process costs.
    print(json.dumps(run_on_bot_loop(run(args))))


if __name__ == "__main__":
    main()
