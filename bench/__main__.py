"""`make bench`: adaptive versus fixed 5 s polling at 100, 1,000 and 10,000 jobs in flight,
then 200 simultaneous /video acknowledgements, then stage isolation (completion-to-delivery
delay, quiet and under stress; bench/isolation.py). Prints the figures docs/performance.md
quotes. `python -m bench polling` runs the first two, `python -m bench isolation` the last.
`python -m bench scaleout` (not part of `all`: it needs PostgreSQL) measures 1, 2 and 3 bot
processes on one PostgreSQL schema (bench/scaleout.py); `--postgres` runs the polling
section's worker on a PostgreSQL schema instead of a SQLite file. docs/scaling.md quotes both.
`python -m bench eta` (not part of `all` either; a second, no servers) measures the time left
shown to members (bench/eta.py); docs/performance.md quotes it.

Each polling run starts the fake APIMart here and the bot in a fresh process (see
bench/worker.py), on a clock compressed `factor` times; every time below is in
real-time-equivalent seconds. The request budget is given in requests per real-time second
(the bot's own process sees `rate * factor` per wall second). Exits 1 if the poller ever went
over its budget.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
import time
from dataclasses import dataclass

from bench import eta, isolation, scaleout
from bench.polling import ADAPTIVE, FIXED, Result, run_scenario

SEED = 8  # the same renders (durations, estimates, progress) for both modes


@dataclass(frozen=True)
class Size:
    """How many jobs, how fast the clock runs, and the budget they share."""

    jobs: int
    factor: float
    rate: float  # API_REQUESTS_PER_SECOND for this run, in real-time requests per second


# Each run stays under two minutes on 2 cores. Up to 1,000 jobs the bot process also stays
# below what it can serve per wall second (600-1,000 polls, each with a SQLite write), so the
# figures measure the poller, not the box; 10,000 jobs at x5 reaches that limit.
SIZES = (
    Size(100, factor=20, rate=25),
    Size(1_000, factor=10, rate=50),
    Size(10_000, factor=5, rate=200),
)


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered), max(1, math.ceil(q * len(ordered)))) - 1]


def busy(r: Result) -> float:
    """How much of one core the bot process used while polling (its ceiling is about 90 %)."""
    return float(r.worker["cpu_polling_seconds"]) / (r.worker["run_seconds"] / r.factor)


def print_polling(results: list[Result]) -> None:
    header = (
        f"{'jobs':>6} {'mode':<10} {'budget/s':>8} {'calls/job':>9} {'fixed needs':>11}"
        f" {'p50 s':>6} {'p95 s':>6} {'p99 s':>6} {'max s':>6} {'RSS MB':>7} {'CPU s':>6}"
        f" {'busy':>5} {'idle CPU s':>10} {'DB KB':>6} {'peak/s':>6} {'at budget':>9}"
        f" {'wall s':>6}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        w = r.worker
        print(
            f"{r.jobs:>6} {r.mode.name:<10} {r.rate:>8g} {r.polls_per_job:>9.2f}"
            f" {r.fixed_polls_needed:>11.2f} {r.delay(0.5):>6.1f} {r.delay(0.95):>6.1f}"
            f" {r.delay(0.99):>6.1f} {max(r.delays):>6.1f} {w['peak_rss_kib'] / 1024:>7.1f}"
            f" {w['cpu_seconds']:>6.1f} {busy(r):>5.0%} {w['idle_cpu_seconds']:>10.3f}"
            f" {w['database_bytes'] / 1024:>6.0f} {r.peak_sent:>6}"
            f" {r.saturated_seconds:>7} s {w['wall_seconds']:>6.1f}"
        )


def check_polling(results: list[Result]) -> list[tuple[bool, str]]:
    verdicts: list[tuple[bool, str]] = []
    by_size: dict[int, dict[str, Result]] = {}
    for r in results:
        by_size.setdefault(r.jobs, {})[r.mode.name] = r
        # Hard checks: every poll the fake received carried a budget grant (none went around
        # the budget, no hidden retry), and no one-second window holds more grants than the
        # rate, counted by the budget and by the fake.
        name = f"{r.jobs} jobs, {r.mode.name}"
        assert r.unstamped_polls == 0, f"{name}: {r.unstamped_polls} polls bypassed the budget"
        assert r.peak_granted <= r.rate, f"{name}: the budget let {r.peak_granted} go in 1 s"
        assert r.peak_sent <= r.rate, f"{name}: the fake got {r.peak_sent} granted in 1 s"
        verdicts.append(
            (
                True,
                f"{name}: never over the {r.rate:g}/s budget (fake's count: every poll granted,"
                f" at most {r.peak_sent} in any 1 s; by arrival time, which adds both event"
                f" loops' jitter magnified x{r.factor:g}: at most {r.peak_arrived_1s} in 1 s,"
                f" {r.peak_arrived_10s} in 10 s)",
            )
        )
    for jobs, modes in by_size.items():
        adaptive, fixed = modes.get(ADAPTIVE.name), modes.get(FIXED.name)
        if adaptive is None:
            continue
        ratio = adaptive.polls_per_job / adaptive.fixed_polls_needed
        managed = (
            f"; under the budget fixed polling managed {fixed.polls_per_job:.2f}" if fixed else ""
        )
        # When demand outran the budget, polls came late: fewer calls, longer delays.
        saturated = adaptive.saturated_seconds / adaptive.worker["run_seconds"]
        bound = (
            f" [budget all used in {adaptive.saturated_seconds} s of"
            f" {adaptive.worker['run_seconds']:.0f} s]"
            if saturated >= 0.1
            else ""
        )
        if busy(adaptive) >= 0.75:
            bound += (
                f" [bot process {busy(adaptive):.0%} busy at x{adaptive.factor:g}: at this"
                " machine's limit, so the figure is partly the machine's]"
            )
        verdicts.append(
            (
                ratio <= 0.25,
                f"{jobs} jobs: adaptive spends {ratio:.0%} of the calls fixed 5 s polling needs"
                f" ({adaptive.polls_per_job:.2f} vs {adaptive.fixed_polls_needed:.2f} per job"
                f"{managed}) (target <= 25%){bound}",
            )
        )
        compared = f" (fixed 5 s: {fixed.delay(0.95):.1f} s)" if fixed else ""
        verdicts.append(
            (
                adaptive.delay(0.95) <= 10,
                f"{jobs} jobs: adaptive p95 delivery delay {adaptive.delay(0.95):.1f} s"
                f"{compared} (target <= 10 s){bound}",
            )
        )
    for r in results:
        if r.jobs >= 10_000:
            rss = r.worker["peak_rss_kib"] / 1024
            verdicts.append(
                (rss < 150, f"{r.jobs} jobs, {r.mode.name}: peak RSS {rss:.1f} MB (target < 150)")
            )
        idle = r.worker["idle_cpu_seconds"]
        verdicts.append(
            (
                idle < 0.05,
                f"{r.jobs} jobs, {r.mode.name}: {idle:.3f} CPU s over 2 idle wall seconds",
            )
        )
    return verdicts


async def run_ack(commands: int) -> dict[str, object]:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.ack",
        f"--commands={commands}",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"ack benchmark failed:\n{err.decode()[-4000:]}")
    report: dict[str, object] = json.loads(out.decode().splitlines()[-1])
    return report


def check_ack(report: dict[str, object]) -> list[tuple[bool, str]]:
    ack = [float(x) for x in report["ack_seconds"]]  # type: ignore[attr-defined]
    queued = [float(x) for x in report["queued_note_seconds"]]  # type: ignore[attr-defined]
    commands = report["commands"]
    print(
        f"{commands} simultaneous /video: acknowledged {report['acknowledged']},"
        f" late {report['rejected_late']}; dispatch -> acknowledgement p50"
        f" {quantile(ack, 0.5):.3f} s, p99 {quantile(ack, 0.99):.3f} s, max {max(ack):.3f} s;"
        f" dispatch -> 'queued' note p50 {quantile(queued, 0.5):.3f} s,"
        f" p99 {quantile(queued, 0.99):.3f} s; all {report['submits']} submitted in"
        f" {report['burst_seconds']:.2f} s"
    )
    within = report["acknowledged"] == commands and max(ack) < 1.0
    return [
        (
            within,
            f"{commands} simultaneous /video all acknowledged, p99"
            f" {quantile(ack, 0.99):.3f} s (target: well within 3 s, here < 1 s)",
        )
    ]


async def main(
    sizes: list[Size],
    modes: list[str],
    commands: int,
    *,
    concurrency: int,
    stages: bool,
    scale: bool = False,
    postgres: str | None = None,
) -> int:
    started = time.monotonic()
    results: list[Result] = []
    for size in sizes:
        for mode in (m for m in (ADAPTIVE, FIXED) if m.schedule in modes):
            print(
                f"running {size.jobs} jobs, {mode.name}, time x{size.factor:g},"
                f" budget {size.rate:g}/s, store {'PostgreSQL' if postgres else 'SQLite'} ...",
                flush=True,
            )
            result = await run_scenario(
                size.jobs,
                mode,
                factor=size.factor,
                rate=size.rate,
                seed=SEED,
                concurrency=concurrency,
                postgres=postgres,
            )
            results.append(result)
    verdicts: list[tuple[bool, str]] = []
    if results:
        print()
        print(f"store: {'PostgreSQL (' + postgres + ')' if postgres else 'SQLite file'}")
        print_polling(results)
        verdicts += check_polling(results)
    if commands:
        print()
        verdicts += check_ack(await run_ack(commands))
    if stages:
        print()
        verdicts += await isolation.measure()
    if scale:
        print()
        verdicts += await scaleout.measure()
    print()
    for ok, line in verdicts:
        print(f"{'PASS' if ok else 'MISS'}  {line}")
    print(f"\ntotal wall time {time.monotonic() - started:.0f} s")
    return 0


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "section",
        nargs="?",
        choices=("all", "polling", "isolation", "scaleout", "eta"),
        default="all",
        help="polling (polling and acknowledgements), isolation, all (default: those two),"
        " scaleout (1-3 processes on PostgreSQL), or eta (the time left shown to members)",
    )
    parser.add_argument(
        "--sizes",
        default=",".join(str(size.jobs) for size in SIZES),
        help="comma-separated job counts to run (default: all)",
    )
    parser.add_argument(
        "--modes", default="adaptive,fixed", help="adaptive, fixed or both (default)"
    )
    parser.add_argument(
        "--commands", type=int, default=200, help="simultaneous /video (0 skips it)"
    )
    parser.add_argument("--factor", type=float, help="override every size's time compression")
    parser.add_argument("--rate", type=float, help="override every size's budget (requests/s)")
    parser.add_argument("--concurrency", type=int, default=8, help="POLL_CONCURRENCY")
    parser.add_argument(
        "--postgres",
        nargs="?",
        const=scaleout.postgres_dsn(),
        help="poll on a fresh schema of this PostgreSQL server instead of a SQLite file"
        f" (default: BENCH_POSTGRES_DSN or {scaleout.DEFAULT_DSN})",
    )
    args = parser.parse_args()
    if args.section == "eta":
        sys.exit(eta.main())
    wanted = {int(part) for part in args.sizes.split(",") if part}
    known = {size.jobs: size for size in SIZES}
    sizes = [
        Size(
            jobs,
            factor=args.factor or known.get(jobs, SIZES[-1]).factor,
            rate=args.rate or known.get(jobs, SIZES[-1]).rate,
        )
        for jobs in sorted(wanted)
    ]
    modes = [part.strip() for part in args.modes.split(",")]
    commands = args.commands
    if args.section in ("isolation", "scaleout"):
        sizes, commands = [], 0
    stages = args.section in ("all", "isolation")
    scale = args.section == "scaleout"
    try:
        sys.exit(
            asyncio.run(
                main(
                    sizes,
                    modes,
                    commands,
                    concurrency=args.concurrency,
                    stages=stages,
                    scale=scale,
                    postgres=args.postgres,
                )
            )
        )
    except AssertionError as error:
        print(f"\nFAIL  the poller went over its request budget: {error}")
        sys.exit(1)


cli()
