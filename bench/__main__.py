"""`make bench` (`python -m bench`, about 15 minutes on 2 cores): the product's poll schedule
against fixed 5 s and fixed 10 s polling (the vendor's advice, from the submit and from the
product's own first check at 120 s) at 100 and 1,000 jobs in flight, on three estimate
profiles; then the real path (bench/realpath.py): the bot as its own process,
200 simultaneous /video through a rate-limited fake Discord in this process, every render to
its result message with real 8 MiB bytes. Prints the figures docs/performance.md quotes.
`python -m bench eta` (not part of `all`; a second, no servers) measures the time left shown to
members (bench/eta.py); docs/performance.md quotes it. `python -m bench schedule-sim` (not part
of `all`; a second, no servers) replays the poll schedule offline on the same renders
(bench/schedule_sim.py), for tuning it.

Other sections: `polling --sizes 10000` (10,000 jobs in flight, about 12 minutes), `ack` (the
older in-process acknowledgement run), `isolation` (stage isolation, bench/isolation.py) and
`scaleout` (1, 2 and 3 bot processes on one PostgreSQL schema, bench/scaleout.py);
`--postgres` runs the polling worker on a PostgreSQL schema instead of a SQLite file.
docs/scaling.md quotes the last two.

Each polling run starts the fake APIMart here (150 ms round trip with jitter) and the bot in a
fresh process (see bench/worker.py), on a clock compressed `factor` times; every time below is
in real-time-equivalent seconds. The request budget is given in requests per real-time second
(the bot's own process sees `rate * factor` per wall second). Peers run on the same renders,
budget and seed; fixed polling ignores estimates and progress, so it runs on one profile.
The fakes here run on the bot's own event loop (uvloop where installed): they stand for
Discord's and APIMart's servers, whose own speed is not what is measured.
Exits 1 if any verdict is MISS (every figure and verdict is printed first; the last lines
count the misses) or if the poller ever went over its budget (then it stops at once).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from dataclasses import dataclass

from bench import eta, isolation, realpath, scaleout, schedule_sim
from bench.fakeapi import PROFILES
from bench.polling import ADAPTIVE, FIXED_10, MODES, Result, run_scenario
from bench.stats import nearest_rank
from bench.verdicts import print_verdicts
from bot.event_loop import run_on_bot_loop

SEED = 8  # the same renders (durations, estimates, progress) for both modes


@dataclass(frozen=True)
class Size:
    """How many jobs, how fast the clock runs, and the budget they share."""

    jobs: int
    factor: float
    rate: float  # API_REQUESTS_PER_SECOND for this run, in real-time requests per second


# The budget each size needs: about 3.9 checks per render of ~4 minutes is some 1 request/s
# per 60 renders in flight, plus room for the bench's burst (every job submitted at the same
# instant, so every first check falls due together). 100 jobs run on the default budget.
SIZES = (
    Size(100, factor=20, rate=10),
    Size(1_000, factor=10, rate=50),
    Size(10_000, factor=2.5, rate=400),
)


def busy(r: Result) -> float:
    """How much of one core the bot process used while polling (its ceiling is about 90 %)."""
    return float(r.worker["cpu_polling_seconds"]) / (r.worker["run_seconds"] / r.factor)


def print_polling(results: list[Result]) -> None:
    header = (
        f"{'jobs':>6} {'mode':<13} {'profile':<11} {'budget/s':>8} {'calls/job':>9}"
        f" {'p50 s':>6} {'p95 s':>6} {'p99 s':>6} {'max s':>6} {'RSS MB':>7} {'CPU s':>6}"
        f" {'busy':>5} {'fake':>5} {'idle CPU s':>10} {'peak/s':>6} {'at budget':>9} {'RTT ms':>6}"
        f" {'in flight':>9} {'wall s':>6}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        w = r.worker
        print(
            f"{r.jobs:>6} {r.mode.name:<13} {r.profile:<11} {r.rate:>8g} {r.polls_per_job:>9.2f}"
            f" {r.delay(0.5):>6.1f} {r.delay(0.95):>6.1f}"
            f" {r.delay(0.99):>6.1f} {max(r.delays):>6.1f} {w['peak_rss_kib'] / 1024:>7.1f}"
            f" {w['cpu_seconds']:>6.1f} {busy(r):>5.0%} {r.fake_busy:>5.0%}"
            f" {w['idle_cpu_seconds']:>10.3f}"
            f" {r.peak_sent:>6} {r.saturated_seconds:>7} s {1000 * w['round_trip']:>6.0f}"
            f" {w['poll_workers']:>9} {w['wall_seconds']:>6.1f}"
        )
    floor = {r.jobs: r.fixed_polls_needed for r in results}
    for jobs in sorted(floor):
        print(
            f"  {jobs} jobs: the floor is 1 call per job at 0 s delay (one check exactly at"
            f" completion); fixed 5 s polling unhindered would need {floor[jobs]:.2f} per job"
        )


def check_polling(results: list[Result]) -> list[tuple[bool, str]]:
    verdicts: list[tuple[bool, str]] = []
    by_size: dict[int, list[Result]] = {}
    for r in results:
        by_size.setdefault(r.jobs, []).append(r)
        # Hard checks: every poll the fake received carried a budget grant (none went around
        # the budget, no hidden retry), and no one-second window holds more grants than the
        # rate, counted by the budget and by the fake.
        name = f"{r.jobs} jobs, {r.mode.name}, {r.profile}"
        assert r.unstamped_polls == 0, f"{name}: {r.unstamped_polls} polls bypassed the budget"
        assert r.peak_granted <= r.rate, f"{name}: the budget let {r.peak_granted} go in 1 s"
        assert r.peak_sent <= r.rate, f"{name}: the fake got {r.peak_sent} granted in 1 s"
        verdicts.append(
            (
                True,
                f"{name}: never over the {r.rate:g}/s budget (every poll the fake got carried a"
                f" grant, at most {r.peak_sent} granted in any 1 s; arrivals, network jitter"
                f" and all: at most {r.peak_arrived_1s} in any 1 s)",
            )
        )
    for jobs, runs in by_size.items():
        peers = [r for r in runs if r.mode is not ADAPTIVE]
        compared = "".join(
            f"; {peer.mode.name}: {peer.polls_per_job:.2f} calls, p95 {peer.delay(0.95):.1f} s,"
            f" p99 {peer.delay(0.99):.1f} s"
            for peer in peers
        )
        for r in (r for r in runs if r.mode is ADAPTIVE):
            # Joint verdict: calls AND delay, never one without the other.
            ok = r.polls_per_job <= 4 and r.delay(0.95) <= 10 and r.delay(0.99) <= 20
            bound = (
                f" [bot process {busy(r):.0%} busy at x{r.factor:g}: the machine's limit shows]"
                if busy(r) >= 0.75
                else ""
            )
            verdicts.append(
                (
                    ok,
                    f"{jobs} jobs, {r.profile}: product {r.polls_per_job:.2f} calls/job with"
                    f" p95 {r.delay(0.95):.1f} s, p99 {r.delay(0.99):.1f} s to a callback"
                    f" (target <= 4 calls AND p95 <= 10 s AND p99 <= 20 s{compared}){bound}",
                )
            )
        verdicts += against_fixed_10(jobs, runs)
    for r in results:
        if r.jobs >= 10_000:
            rss = r.worker["peak_rss_kib"] / 1024
            verdicts.append(
                (
                    rss < 150,
                    f"{r.jobs} jobs, {r.mode.name}, {r.profile}: peak RSS {rss:.1f} MB, polling"
                    " only, no deliveries (target < 150; `bench realpath --background 9800"
                    " --rate 400` adds them)",
                )
            )
        idle = r.worker["idle_cpu_seconds"]
        verdicts.append(
            (
                idle < 0.05,
                f"{r.jobs} jobs, {r.mode.name}, {r.profile}: {idle:.3f} CPU s over 2 idle wall"
                " seconds",
            )
        )
    return verdicts


def against_fixed_10(jobs: int, runs: list[Result]) -> list[tuple[bool, str]]:
    """The issue's comparison, computed: one sixth of fixed 10 s polling's calls (what it needs
    when every check is allowed) at equal or better delay than fixed 10 s polling measured on
    the same renders and budget, p95 AND p99 (the peers run on one profile)."""
    verdicts: list[tuple[bool, str]] = []
    for peer in (r for r in runs if r.mode is FIXED_10):
        for r in (r for r in runs if r.mode is ADAPTIVE and r.profile == peer.profile):
            sixth = peer.fixed_10_polls_needed / 6
            ok = (
                r.polls_per_job <= sixth
                and r.delay(0.95) <= peer.delay(0.95)
                and r.delay(0.99) <= peer.delay(0.99)
            )
            verdicts.append(
                (
                    ok,
                    f"{jobs} jobs, {r.profile}, against fixed 10 s polling: product"
                    f" {r.polls_per_job:.2f} calls/job, p95 {r.delay(0.95):.1f} s, p99"
                    f" {r.delay(0.99):.1f} s; fixed 10 s needs {peer.fixed_10_polls_needed:.2f}"
                    f" calls/job unhindered ({peer.polls_per_job:.2f} made on this budget),"
                    f" p95 {peer.delay(0.95):.1f} s, p99 {peer.delay(0.99):.1f} s (target <="
                    f" {sixth:.2f} calls AND p95 AND p99 no later than fixed 10 s)",
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
    ack_p50, ack_p99 = nearest_rank(ack, 0.5), nearest_rank(ack, 0.99)
    print(
        f"{commands} simultaneous /video: acknowledged {report['acknowledged']},"
        f" late {report['rejected_late']}; dispatch -> acknowledgement p50"
        f" {ack_p50:.3f} s, p99 {ack_p99:.3f} s, max {max(ack):.3f} s;"
        f" dispatch -> 'queued' note p50 {nearest_rank(queued, 0.5):.3f} s,"
        f" p99 {nearest_rank(queued, 0.99):.3f} s; all {report['submits']} submitted in"
        f" {report['burst_seconds']:.2f} s"
    )
    within = report["acknowledged"] == commands and max(ack) < 1.0
    return [
        (
            within,
            f"{commands} simultaneous /video all acknowledged, p99 {ack_p99:.3f} s with the"
            " fake Discord in the bot's own process (Discord's 3 s, here < 1 s; the issue's"
            " 250 ms target is judged on the real path, the fake in another process)",
        )
    ]


async def main(
    sizes: list[Size],
    modes: list[str],
    commands: int,
    *,
    concurrency: int,
    profiles: list[str],
    round_trip: float,
    stages: bool,
    scale: bool = False,
    postgres: str | None = None,
    real: realpath.Plan | None = None,
) -> int:
    started = time.monotonic()
    results: list[Result] = []
    for size in sizes:
        runs = [(ADAPTIVE, profile) for profile in profiles if ADAPTIVE.name in modes]
        # Fixed polling ignores estimates and progress: one profile shows it.
        runs += [(mode, profiles[0]) for mode in MODES[1:] if mode.name in modes]
        for mode, profile in runs:
            print(
                f"running {size.jobs} jobs, {mode.name}, {profile}, time x{size.factor:g},"
                f" budget {size.rate:g}/s, store {'PostgreSQL' if postgres else 'SQLite'} ...",
                flush=True,
            )
            result = await run_scenario(
                size.jobs,
                mode,
                factor=size.factor,
                rate=size.rate,
                seed=SEED,
                profile=profile,
                round_trip=round_trip,
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
    if real is not None:
        print()
        verdicts += await realpath.measure_all(real)
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
    status = print_verdicts(verdicts)
    missed = sum(not ok for ok, _ in verdicts)
    print(f"\n{missed} of {len(verdicts)} verdicts MISS" if missed else "\nevery verdict PASS")
    print(f"total wall time {time.monotonic() - started:.0f} s")
    return status


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "section",
        nargs="?",
        choices=(
            "all",
            "polling",
            "realpath",
            "ack",
            "isolation",
            "scaleout",
            "eta",
            "schedule-sim",
        ),
        default="all",
        help="all (default: polling at 100 and 1,000 jobs, then the real path), polling (add"
        " --sizes 10000 for 10,000 jobs), realpath (the bot as a process, 200 /video, real"
        " delivery), ack (acknowledgements, bot and fake Discord in one process), isolation"
        " (stage isolation), scaleout (1-3 processes on PostgreSQL), eta (the time left shown"
        " to members), or schedule-sim (the poll schedule replayed offline; its own options"
        " follow: python -m bench schedule-sim --help)",
    )
    parser.add_argument(
        "--sizes",
        default=",".join(str(size.jobs) for size in SIZES if size.jobs < 10_000),
        help="comma-separated job counts to run, of 100, 1000, 10000 (default: 100,1000)",
    )
    parser.add_argument(
        "--modes",
        default=",".join(mode.name for mode in MODES),
        help=f"comma-separated, of: {', '.join(mode.name for mode in MODES)} (default: all)",
    )
    parser.add_argument(
        "--profiles",
        default=",".join(PROFILES),
        help=f"estimate profiles, comma-separated, of: {', '.join(PROFILES)} (default: all)",
    )
    parser.add_argument(
        "--rtt", type=float, default=0.15, help="APIMart's round trip, seconds (default 0.15)"
    )
    parser.add_argument(
        "--commands", type=int, default=200, help="simultaneous /video (real path and ack)"
    )
    parser.add_argument(
        "--burst",
        type=float,
        help="realpath: every render takes exactly this many seconds (completing together)",
    )
    parser.add_argument(
        "--background",
        type=int,
        default=0,
        help="realpath: jobs already in flight beside the /video burst, rendering throughout",
    )
    parser.add_argument(
        "--discord-limit",
        type=int,
        default=realpath.Plan.global_limit,
        help="realpath: Discord's global limit for the token, requests/s, on the fake Discord and"
        " in the bot's DISCORD_REQUESTS_PER_SECOND (default 50)",
    )
    parser.add_argument("--factor", type=float, help="override every size's time compression")
    parser.add_argument("--rate", type=float, help="override every size's budget (requests/s)")
    parser.add_argument(
        "--concurrency", type=int, default=256, help="POLL_CONCURRENCY (a cap; default 256)"
    )
    parser.add_argument(
        "--postgres",
        nargs="?",
        const=scaleout.postgres_dsn(),
        help="poll on a fresh schema of this PostgreSQL server instead of a SQLite file"
        f" (default: BENCH_POSTGRES_DSN or {scaleout.DEFAULT_DSN})",
    )
    if sys.argv[1:2] == ["schedule-sim"]:
        sys.exit(schedule_sim.main(sys.argv[2:]))
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
    if args.section not in ("all", "polling"):
        sizes = []
    commands = args.commands if args.section == "ack" else 0
    # The real path runs on APIMart's pessimistic estimates (600 s for a 240 s render) unless
    # one profile is asked for.
    asked = [part.strip() for part in args.profiles.split(",") if part]
    real_profile = "pessimistic" if "pessimistic" in asked else asked[0]
    real = (
        realpath.Plan(
            jobs=args.commands,
            profile=real_profile,
            rate=args.rate or realpath.Plan.rate,
            background=args.background,
            apimart_rtt=args.rtt,
            burst_render=args.burst,
            global_limit=args.discord_limit,
        )
        if args.section in ("all", "realpath")
        else None
    )
    stages = args.section == "isolation"
    scale = args.section == "scaleout"
    try:
        sys.exit(
            run_on_bot_loop(
                main(
                    sizes,
                    modes,
                    commands,
                    concurrency=args.concurrency,
                    profiles=[part.strip() for part in args.profiles.split(",") if part],
                    round_trip=args.rtt,
                    stages=stages,
                    scale=scale,
                    postgres=args.postgres,
                    real=real,
                )
            )
        )
    except AssertionError as error:
        print(f"\nFAIL  the poller went over its request budget: {error}")
        sys.exit(1)


cli()
