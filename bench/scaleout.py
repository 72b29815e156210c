"""Scale-out: poll throughput of 1, 2 and 3 bot processes sharing one PostgreSQL schema.

Every run seeds a fresh schema with `jobs` queued tasks that the fake APIMart (in this
process) knows and never finishes, polled on a fixed `interval`: they ask for `jobs/interval`
polls per second, far more than the processes can serve, so the bot is the bottleneck. Each of
the N processes runs the real `Poller` (claims with `FOR UPDATE SKIP LOCKED`) with its share of
the fleet's budget, budget/N, as `Settings.budget_share()` gives it. The figures are what the
fake served, counted over the polling seconds after a warm-up: polls per second, and the most
polls any one second held by the budget's grant times (stamped on each poll), which must never
exceed the fleet's budget.

Three tables: raw throughput (every process free to take what CPU the machine has), the same
with each process held to a CPU quota of its own (`CPUS_PER_PROCESS`, as `docker run --cpus`
gives a container, bench/cpulimit.py), and a fleet budget that binds. On a machine with fewer
cores than processes + PostgreSQL + the fake, the raw table measures the cores; the quota
table measures the engine, as long as the machine is not saturated (the command prints how
busy it was, and how long each quota held its process back).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
import uuid
from dataclasses import dataclass
from typing import Any

import asyncpg

from bench.cpulimit import CpuQuota
from bench.fakeapi import TimedFakeAPIMart
from bench.polling import most_in_window
from bench.worker import API_KEY, cpu_seconds
from bot.apimart import VideoRequest
from bot.jobs.models import Requester
from bot.jobs.store import JobStore
from bot.storage.postgres import PostgresDatabase

DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/test"
JOBS = 5_000  # in flight, all on the same schema
INTERVAL = 1.0  # every job due again a second after its poll: 5,000 polls/s asked for
WARM_UP = 3.0  # seconds before counting (connections, first claims)
MEASURED = 12.0  # seconds counted
CONCURRENCY = 16  # POLL_CONCURRENCY per process
UNLIMITED = 100_000.0  # a fleet budget no process comes near: raw throughput
BINDING = 300.0  # a fleet budget the fleet would exceed with 2 or 3 processes
# A fifth of a core per process (a Kubernetes limit of "200m"): 3 processes, PostgreSQL and the
# fake APIMart still fit on 2 cores, so each process gets its quota whatever the others do.
CPUS_PER_PROCESS = 0.2


def postgres_dsn() -> str:
    """The benchmark's PostgreSQL server: `BENCH_POSTGRES_DSN`, or the development one."""
    return os.environ.get("BENCH_POSTGRES_DSN") or DEFAULT_DSN


@dataclass(frozen=True)
class Run:
    """What one fleet served."""

    processes: int
    budget: float
    cpus: float | None  # each process's CPU quota, None for none
    polls_per_second: float
    peak_granted_1s: int  # most polls in any 1 s window of grant times (fake's count)
    unstamped: int
    machine_busy: float  # share of all CPUs busy while counted (bot, fake, PostgreSQL)
    fake_cpu: float  # share of one CPU this process (the fake APIMart) used while counted
    workers: list[dict[str, Any]]
    throttled: float = 0.0  # seconds the quotas held a process back, the most of any


async def seed(dsn: str, schema: str, jobs: int, api: TimedFakeAPIMart) -> None:
    """`jobs` queued jobs, all due now, each with a task the fake knows."""
    db = await PostgresDatabase.open(dsn, schema=schema)
    await db.migrate()
    store = JobStore(db, clock=time.time)
    now = time.time()
    first = await store.create(
        Requester(user_id=1, channel_id=1, guild_id=1),
        VideoRequest(prompt="scale-out bench", duration=6),
        now=now,
        submit_by=now,
    )
    claimed = await store.claim_for_submit(first.id)
    assert claimed is not None
    await store.mark_submitted(claimed, "task-1", now=now, first_poll_at=now)
    await db.close()
    connection = await asyncpg.connect(dsn, server_settings={"search_path": schema})
    try:
        rows = await connection.fetch(
            "SELECT column_name FROM information_schema.columns"
            " WHERE table_schema = $1 AND table_name = 'jobs'",
            schema,
        )
        columns = [row[0] for row in rows if row[0] not in ("id", "task_id")]
        listed = ", ".join(columns)
        # Copies of the first job, each with its own task.
        await connection.execute(
            f"INSERT INTO jobs ({listed}, task_id) SELECT {listed}, 'task-' || n"
            f" FROM jobs, generate_series(2, {jobs}) AS n WHERE id = {first.id}"
        )
    finally:
        await connection.close()
    for number in range(1, jobs + 1):
        api.create_task(f"task-{number}")


async def run_fleet(dsn: str, processes: int, budget: float, cpus: float | None = None) -> Run:
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(dsn)
    await admin.execute(f"CREATE SCHEMA {schema}")
    quotas = [CpuQuota.create(cpus) for _ in range(processes)] if cpus else []
    try:
        # No network round trip: raw throughput, the bot processes the bottleneck.
        async with TimedFakeAPIMart(api_key=API_KEY, record_bodies=False, round_trip=0) as api:
            await seed(dsn, schema, JOBS, api)
            command = [
                sys.executable,
                "-m",
                "bench.scaleworker",
                f"--api-url={api.base_url}",
                f"--dsn={dsn}",
                f"--schema={schema}",
                f"--rate={budget / processes!r}",
                f"--interval={INTERVAL!r}",
                f"--seconds={WARM_UP + MEASURED!r}",
                f"--concurrency={CONCURRENCY}",
            ]
            workers = [
                await asyncio.create_subprocess_exec(
                    *command,
                    stdin=asyncio.subprocess.PIPE,
                    stdout=asyncio.subprocess.PIPE,
                    stderr=asyncio.subprocess.PIPE,
                )
                for _ in range(processes)
            ]
            # Each process under its own quota before it polls (it waits for `start` below).
            for quota, worker in zip(quotas, workers, strict=False):
                quota.add(worker.pid)
            for worker in workers:
                assert worker.stdout is not None
                if (await worker.stdout.readline()).strip() != b"ready":
                    break
            start = time.monotonic() + 0.5
            for worker in workers:
                assert worker.stdin is not None
                worker.stdin.write(f"{start!r}\n".encode())
                await worker.stdin.drain()
            begin, end = start + WARM_UP, start + WARM_UP + MEASURED
            watching = asyncio.create_task(watch_cpu(begin, end))
            outputs = [await worker.communicate() for worker in workers]
            machine_busy, fake_cpu = await watching
            reports = []
            for worker, (out, err) in zip(workers, outputs, strict=True):
                if worker.returncode != 0:
                    raise RuntimeError(f"worker failed:\n{err.decode()[-4000:]}")
                reports.append(json.loads(out.decode().splitlines()[-1]))
            counted = [r for r in api.requests if r.route == "poll" and begin <= r.monotonic < end]
            return Run(
                processes=processes,
                budget=budget,
                cpus=cpus,
                polls_per_second=len(counted) / MEASURED,
                peak_granted_1s=most_in_window(api.polls_granted_at, 1.0),
                unstamped=api.unstamped_polls,
                machine_busy=machine_busy,
                fake_cpu=fake_cpu,
                workers=reports,
                throttled=max((quota.throttled_seconds() for quota in quotas), default=0.0),
            )
    finally:
        for quota in quotas:
            quota.remove()
        await admin.execute(f"DROP SCHEMA {schema} CASCADE")
        await admin.close()


def cpu_times() -> tuple[float, float]:
    """The machine's (busy, total) CPU seconds so far, from /proc/stat (0, 0 elsewhere)."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            fields = [float(value) for value in stat.readline().split()[1:]]
    except OSError:
        return 0.0, 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0.0)  # idle + iowait
    total = sum(fields[:8])  # without guest time, already counted in user
    return total - idle, total


async def watch_cpu(begin: float, end: float) -> tuple[float, float]:
    """Share of the machine busy, and of one CPU used by this process, between two moments."""
    await asyncio.sleep(max(0.0, begin - time.monotonic()))
    busy_before, total_before = cpu_times()
    own_before = cpu_seconds()
    await asyncio.sleep(max(0.0, end - time.monotonic()))
    busy, total = cpu_times()
    own = (cpu_seconds() - own_before) / (end - begin)
    return ((busy - busy_before) / (total - total_before) if total > total_before else 0.0), own


def held_back(run: Run) -> str:
    """How much of the polling time the busiest process's CPU quota held it back."""
    if run.cpus is None:
        return "-"
    return f"{run.throttled / (WARM_UP + MEASURED):.0%}"


def print_runs(title: str, runs: list[Run]) -> None:
    loops = sorted({str(w.get("loop", "?")) for run in runs for w in run.workers})
    print(f"{title}; bot processes on the {' and '.join(loops)} event loop")
    header = (
        f"{'procs':>5} {'budget/s':>9} {'polls/s':>8} {'vs 1':>5} {'peak 1 s':>8}"
        f" {'CPU/proc':>8} {'CPU ms/poll':>11} {'RSS MB/proc':>11} {'fake CPU':>8}"
        f" {'machine busy':>12} {'held back':>9}"
    )
    print(header)
    print("-" * len(header))
    base = runs[0].polls_per_second
    for run in runs:
        # Per bot process: the busiest one's share of one CPU over its polling seconds.
        cpu = max(w["cpu_seconds"] for w in run.workers) / (WARM_UP + MEASURED)
        rss = max(w["peak_rss_kib"] for w in run.workers) / 1024
        # The bot's own cost of one poll (HTTP, claim, fenced write), whatever the load.
        per_poll = sum(w["cpu_seconds"] for w in run.workers) / max(
            1, sum(w["grants"] for w in run.workers)
        )
        print(
            f"{run.processes:>5} {run.budget:>9g} {run.polls_per_second:>8.0f}"
            f" {run.polls_per_second / base:>4.2f}x {run.peak_granted_1s:>8}"
            f" {cpu:>8.0%} {1000 * per_poll:>11.2f} {rss:>11.1f} {run.fake_cpu:>8.0%}"
            f" {run.machine_busy:>12.0%} {held_back(run):>9}"
        )


async def measure() -> list[tuple[bool, str]]:
    """Run each set-up for 1, 2 and 3 processes; print the tables; return the verdicts."""
    dsn = postgres_dsn()
    verdicts: list[tuple[bool, str]] = []
    print(
        f"scale-out: {JOBS} jobs in flight on one PostgreSQL schema, polled every"
        f" {INTERVAL:g} s (asking {JOBS / INTERVAL:.0f} polls/s), {os.cpu_count()} CPUs,"
        f" counted over {MEASURED:g} s after {WARM_UP:g} s",
        flush=True,
    )
    setups: list[tuple[float, float | None, str]] = [
        (UNLIMITED, None, f"raw throughput (fleet budget {UNLIMITED:g}/s: never reached)")
    ]
    if CpuQuota.available():
        setups.append(
            (
                UNLIMITED,
                CPUS_PER_PROCESS,
                f"raw throughput, each process held to {CPUS_PER_PROCESS:g} CPU"
                f" (as `docker run --cpus={CPUS_PER_PROCESS:g}`)",
            )
        )
    else:
        print(
            "no writable CPU cgroup here (needs root and /sys/fs/cgroup): the run with a CPU"
            " quota per process is skipped",
            flush=True,
        )
    setups.append((BINDING, None, f"fleet budget {BINDING:g}/s, budget/N per process"))
    for budget, cpus, title in setups:
        runs = []
        for processes in (1, 2, 3):
            quota = f", {cpus:g} CPU each" if cpus else ""
            print(
                f"running {processes} process(es), fleet budget {budget:g}/s{quota} ...",
                flush=True,
            )
            runs.append(await run_fleet(dsn, processes, budget, cpus))
        print()
        print_runs(title, runs)
        print()
        for run in runs:
            name = f"{run.processes} process(es), fleet budget {budget:g}/s"
            assert run.unstamped == 0, f"{name}: {run.unstamped} polls bypassed the budget"
            assert run.peak_granted_1s <= budget, (
                f"{name}: the fleet sent {run.peak_granted_1s} polls in 1 s"
            )
            verdicts.append(
                (
                    True,
                    f"{name}: never over (fake's count: every poll granted, at most"
                    f" {run.peak_granted_1s} in any 1 s)",
                )
            )
        if budget == UNLIMITED:
            verdicts.append(scaling_verdict(runs))
    return verdicts


def scaling_verdict(runs: list[Run]) -> tuple[bool, str]:
    """Whether 2 processes serve at least 1.8x the polls of 1, and what limited the run."""
    ratio = runs[1].polls_per_second / runs[0].polls_per_second
    cpus = runs[0].cpus
    setting = f"each held to {cpus:g} CPU" if cpus else "sharing the machine's CPUs"
    if runs[1].machine_busy >= 0.9:
        bound = (
            f" [machine {runs[1].machine_busy:.0%} busy with 2: the {os.cpu_count()} CPUs,"
            " shared with the fake APIMart and PostgreSQL, are the limit, not the bot]"
        )
    elif cpus:
        bound = f" [machine {runs[1].machine_busy:.0%} busy with 2: each quota is the limit]"
    else:
        bound = ""
    return (
        ratio >= 1.8,
        f"processes {setting}: 2 serve {ratio:.2f}x the polls of 1, 3 serve"
        f" {runs[2].polls_per_second / runs[0].polls_per_second:.2f}x"
        f" (target >= 1.8x with 2){bound}",
    )
