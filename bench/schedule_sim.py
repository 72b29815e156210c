"""The poll schedule replayed offline: calls per render and completion-to-check delay, in a second.

`python -m bench schedule-sim` (or `python -m bench.schedule_sim`). No servers, no clock: each
render is drawn exactly as the fake APIMart draws it (`bench.fakeapi.draw_profile` and
`with_estimates`, the same seeds, so the first renders are the polling bench's), and the
poller's loop is replayed in virtual time with the real `PollSchedule`:

- the first check `first_delay` seconds after the submit (every render submitted at 0, as in
  the bench), then each next one when the schedule says;
- each check granted by a request budget of `rate` per second (paced 1/rate apart, in the
  order they fall due; 0 means no budget), then a round trip of 150 ms x U(0.7, 1.3): the
  fake reads the task halfway, the poller plans from the moment the answer is back;
- the reading the fake gives (0 while `pending`, smooth or jumping progress), the previous
  reading as the poller stores it, completion when the render's true end is past;
- the delay: from the true end to the answer that says done, plus `overhead` (the delivery
  stage's hand-off in the bench).

It is for tuning the schedule; the polling bench (`python -m bench polling`) confirms.

`--spread` prints, instead, how well one reading foretells a render's end: for each profile,
the schedule's own prediction from a single reading taken 10, 20 or 40 s before the true end,
against that end. It is the information the last checks have to work with (docs/performance.md,
"Why noisy progress costs about five checks").
"""

from __future__ import annotations

import argparse
import heapq
import math
import random
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

from bench.fakeapi import (
    PROFILES,
    ROUND_TRIP,
    ROUND_TRIP_JITTER,
    RenderProfile,
    draw_profile,
    with_estimates,
)
from bench.stats import nearest_rank
from bot.jobs.schedule import PollSchedule, Reading

SEED = 8  # the polling bench's seed
FIRST_DELAY = 120.0  # POLL_FIRST_DELAY's default
OVERHEAD = 0.05  # seconds from the poller's answer to the delivery callback, in the bench


@dataclass
class Outcome:
    """What the replay measured for one estimate profile."""

    profile: str
    calls: list[int] = field(default_factory=list)
    delays: list[float] = field(default_factory=list)

    @property
    def mean_calls(self) -> float:
        return statistics.fmean(self.calls)

    def delay(self, q: float) -> float:
        """The delay `q` of the renders stay within."""
        return nearest_rank(self.delays, q)

    def meets_targets(self) -> bool:
        """Issue 15's joint target: <= 4 calls AND p95 <= 10 s AND p99 <= 20 s."""
        return self.mean_calls <= 4 and self.delay(0.95) <= 10 and self.delay(0.99) <= 20


def renders(kind: str, count: int, seed: int = SEED) -> list[RenderProfile]:
    """The first `count` renders the fake APIMart would create with `seed`, as `kind` says."""
    rng, extra = random.Random(seed), random.Random(seed + 1)
    return [with_estimates(draw_profile(rng), kind, extra) for _ in range(count)]


def reported(render: RenderProfile, age: float) -> int:
    """The progress the fake reports at `age` (before the end): 0 while pending."""
    return 0 if age < render.queued_for else render.progress_at(age)


def replay(
    kind: str,
    *,
    count: int = 2000,
    seed: int = SEED,
    schedule: PollSchedule | None = None,
    first_delay: float = FIRST_DELAY,
    rate: float = 0.0,
    round_trip: float = ROUND_TRIP,
    overhead: float = OVERHEAD,
) -> Outcome:
    """Every render of `kind` checked as the poller checks it; calls and delays measured."""
    schedule = schedule if schedule is not None else PollSchedule()
    jobs = renders(kind, count, seed)
    jitter = random.Random(seed + 2)
    outcome = Outcome(kind, calls=[0] * count, delays=[0.0] * count)
    previous: list[Reading | None] = [None] * count
    due = [(first_delay, index) for index in range(count)]
    heapq.heapify(due)
    free_at = -math.inf  # when the budget lets the next check go
    while due:
        at, index = heapq.heappop(due)
        if rate > 0:
            at = max(at, free_at)
            free_at = at + 1 / rate
        render = jobs[index]
        outcome.calls[index] += 1
        trip = round_trip * jitter.uniform(1 - ROUND_TRIP_JITTER, 1 + ROUND_TRIP_JITTER)
        read_at, back_at = at + trip / 2, at + trip
        if read_at >= render.duration:
            outcome.delays[index] = back_at + overhead - render.duration
            continue
        progress = reported(render, read_at)
        wait = schedule.next_delay(
            age=back_at,
            progress=progress,
            estimated_time=render.estimated_time,
            previous=previous[index],
        )
        previous[index] = Reading(back_at, progress)
        heapq.heappush(due, (back_at + wait, index))
    return outcome


@dataclass(frozen=True)
class Spread:
    """How far one reading's predicted end falls from the true end (seconds, late positive)."""

    profile: str
    before: float  # the reading was taken this many seconds before the true end
    errors: tuple[float, ...]

    def quantile(self, q: float) -> float:
        return nearest_rank(self.errors, q)


def spread(
    kind: str,
    before: float,
    *,
    count: int = 2000,
    seed: int = SEED,
    schedule: PollSchedule | None = None,
) -> Spread:
    """The schedule's predicted end from one reading `before` s ahead of each render's end."""
    schedule = schedule if schedule is not None else PollSchedule()
    errors = []
    for render in renders(kind, count, seed):
        age = render.duration - before
        if age <= 0:
            continue
        expected = schedule.expected_duration(
            age=age, progress=reported(render, age), estimated_time=render.estimated_time
        )
        if expected is not None:
            errors.append(expected - render.duration)
    return Spread(kind, before, tuple(errors))


def spread_report(spreads: Sequence[Spread]) -> str:
    lines = [f"{'profile':<12} {'before':>6} {'p5 s':>6} {'median':>6} {'p95 s':>6} {'p5-p95':>6}"]
    for s in spreads:
        low, middle, high = s.quantile(0.05), s.quantile(0.5), s.quantile(0.95)
        lines.append(
            f"{s.profile:<12} {s.before:>6g} {low:>6.1f} {middle:>6.1f} {high:>6.1f}"
            f" {high - low:>6.1f}"
        )
    return "\n".join(lines)


def report(outcomes: Sequence[Outcome]) -> str:
    lines = [
        f"{'profile':<12} {'calls':>6} {'p50 s':>6} {'p95 s':>6} {'p99 s':>6} {'max s':>6}  target"
    ]
    for o in outcomes:
        verdict = "met" if o.meets_targets() else "MISSED"
        lines.append(
            f"{o.profile:<12} {o.mean_calls:>6.2f} {o.delay(0.5):>6.1f} {o.delay(0.95):>6.1f}"
            f" {o.delay(0.99):>6.1f} {max(o.delays):>6.1f}  {verdict}"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench schedule-sim", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--renders", type=int, default=2000, help="renders per profile")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--profiles", default=",".join(PROFILES))
    parser.add_argument("--first-delay", type=float, default=FIRST_DELAY)
    parser.add_argument(
        "--rate", type=float, default=0.0, help="request budget, per second (0: none)"
    )
    parser.add_argument(
        "--spread",
        action="store_true",
        help="print how far one reading's predicted end falls from the true end, instead",
    )
    args = parser.parse_args(argv)
    kinds = args.profiles.split(",")
    if args.spread:
        print(
            f"{args.renders} renders per profile, seed {args.seed}: the predicted end from one"
            " reading taken `before` s ahead of the true end, minus the true end (late positive)"
        )
        spreads = [
            spread(kind, before, count=args.renders, seed=args.seed)
            for kind in kinds
            for before in (10.0, 20.0, 40.0)
        ]
        print(spread_report(spreads))
        return 0
    outcomes = [
        replay(
            kind, count=args.renders, seed=args.seed, first_delay=args.first_delay, rate=args.rate
        )
        for kind in kinds
    ]
    print(
        f"{args.renders} renders per profile, seed {args.seed}, first check at"
        f" {args.first_delay:g} s, budget {args.rate:g}/s (0: none)"
    )
    print(report(outcomes))
    return 0 if all(o.meets_targets() for o in outcomes) else 1


if __name__ == "__main__":
    raise SystemExit(main())
