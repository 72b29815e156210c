"""`python -m bench eta`: how wrong the "time left" a member reads is, before and after.

Each render follows one of the fake APIMart's render profiles (bench/fakeapi.py: a log-normal
duration around 240 s, an estimate off by up to half, a stretch `pending` at 0 %, progress at
uneven speeds) and is polled on the bot's default schedule (adaptive, 8-60 s apart). At the
first poll that sees 50 % or more, the time left shown is compared with the true time left:

- before: `submitted_at + estimated_time - now`, in minutes ("almost done" under a minute);
- after: `bot.jobs.eta.estimate_remaining` over the readings stored so far, as shown.

"almost done" counts as 0 s. Three profiles: as drawn; the same renders announced with
APIMart's fixed 600 s; and progress that jumps (reported only every 20-60 s of render).
A pure simulation: deterministic, no servers, about a second.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Callable
from dataclasses import dataclass, replace

from bench.fakeapi import RenderProfile, draw_profile
from bot.jobs.eta import Prior, Reading, add_reading, estimate_remaining, shown_seconds
from bot.jobs.schedule import PollSchedule

SEED = 16
RENDERS = 1000
FIRST_POLL = 120.0  # POLL_FIRST_DELAY (the default)
AT_PROGRESS = 50
JUMP_EVERY = (20.0, 60.0)  # the jumping profile reports progress this often (render seconds)


@dataclass(frozen=True)
class Render:
    """One render: its profile, and the moments its reported progress catches up (jumps)."""

    profile: RenderProfile
    reports_at: tuple[float, ...] = ()

    def progress_at(self, age: float) -> int:
        if not self.reports_at:
            return self.profile.progress_at(age)
        seen = [moment for moment in self.reports_at if moment <= age]
        return self.profile.progress_at(seen[-1]) if seen else 0


def old_shown(render: Render, age: float) -> float:
    """What the status message said before: the announced estimate, counted down."""
    left = render.profile.estimated_time - age
    return 0.0 if left < 60 else 60.0 * round(left / 60)


def new_shown(readings: tuple[Reading, ...], render: Render, age: float) -> float | None:
    prior = Prior(started_at=0.0, estimated_time=render.profile.estimated_time)
    return shown_seconds(estimate_remaining(readings, prior, age))


@dataclass(frozen=True)
class Sample:
    truth: float
    old: float
    new: float | None


def observe(render: Render, schedule: PollSchedule) -> Sample | None:
    """Poll one render like the bot does; what each formula shows at the first poll >= 50 %."""
    age = FIRST_POLL
    readings: tuple[Reading, ...] = ()
    while age < render.profile.duration:
        progress = render.progress_at(age)
        readings = add_reading(readings, progress, age)
        if progress >= AT_PROGRESS:
            return Sample(
                render.profile.duration - age,
                old_shown(render, age),
                new_shown(readings, render, age),
            )
        age += schedule.next_delay(
            age=age, progress=progress, estimated_time=render.profile.estimated_time
        )
    return None  # finished between two polls before one saw 50 %


def as_drawn(rng: random.Random) -> Render:
    return Render(draw_profile(rng))


def vendor_600(rng: random.Random) -> Render:
    return Render(replace(draw_profile(rng), estimated_time=600))


def jumping(rng: random.Random) -> Render:
    profile = draw_profile(rng)
    moments, at = [], profile.queued_for
    while at < profile.duration:
        at += rng.uniform(*JUMP_EVERY)
        moments.append(at)
    return Render(profile, tuple(moments))


PROFILES: dict[str, Callable[[random.Random], Render]] = {
    "as drawn (estimate +-50 %)": as_drawn,
    "APIMart's fixed 600 s": vendor_600,
    "jumping progress": jumping,
}


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass(frozen=True)
class Errors:
    renders: int
    before: list[float]
    after: list[float]


def measure(draw: Callable[[random.Random], Render]) -> Errors:
    """Absolute errors (seconds) of the time left shown at 50 %, old formula and new."""
    rng = random.Random(SEED)
    schedule = PollSchedule()
    samples = [sample for _ in range(RENDERS) if (sample := observe(draw(rng), schedule))]
    before = [abs(sample.old - sample.truth) for sample in samples]
    # The new estimate always has a number at 50 % (progress moved); the old one if not.
    after = [
        abs((sample.new if sample.new is not None else sample.old) - sample.truth)
        for sample in samples
    ]
    return Errors(len(samples), before, after)


def main() -> int:
    print(f'"time left" shown at the first poll at >= {AT_PROGRESS} %, {RENDERS} renders each')
    header = (
        f"{'profile':<28} {'renders':>7} {'before p50 s':>12} {'p90 s':>6}"
        f" {'after p50 s':>11} {'p90 s':>6}"
    )
    print(header)
    print("-" * len(header))
    for name, draw in PROFILES.items():
        errors = measure(draw)
        print(
            f"{name:<28} {errors.renders:>7} {statistics.median(errors.before):>12.0f}"
            f" {quantile(errors.before, 0.9):>6.0f} {statistics.median(errors.after):>11.0f}"
            f" {quantile(errors.after, 0.9):>6.0f}"
        )
    return 0
