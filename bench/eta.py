"""`python -m bench eta`: how wrong the "time left" a member reads is, before and after.

Each render follows one of the fake APIMart's render profiles (bench/fakeapi.py: a log-normal
duration around 240 s, an estimate off by up to half, a stretch `pending` at 0 %, progress at
uneven speeds) and is polled on the bot's default schedule (adaptive, 8-60 s apart). At the
first poll that sees 50 % or more, the time left shown is compared with the true time left:

- before: `submitted_at + estimated_time - now`, in minutes ("almost done" under a minute);
- after: `bot.jobs.eta.estimate_remaining` over the readings stored so far, as shown.

"almost done" counts as 0 s. Seven profiles: as drawn; the same renders announced with
APIMart's fixed 600 s; progress that jumps (reported only every 20-60 s of render); the last
10 points taking 30-50 % of the render; a pause of 20-35 % of it mid-render; renders APIMart
holds `pending` 0-115 s where no check sees it, with their drawn estimates and with the fixed
600 s. Each twice: with no history (the usual range the queued note states for 720p, at
most 5 minutes, or APIMart's estimate where shorter), and ", measured" with the bot's measured
render time of the kind (the median of the renders before it, bot/jobs/typical.py). Then every
check of every render: the error, how long "almost done" stayed up, jumps up of the time
shown, the first check's error and worst overstatement, and the renders told a time well short
of the truth (optimistic). A pure simulation:
deterministic, no servers, about a second.
"""

from __future__ import annotations

import itertools
import random
import statistics
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from bench.fakeapi import UNSEEN_QUEUE, RenderProfile, draw_profile, held_in_queue
from bot.jobs.eta import Reading, add_reading, estimate_remaining, shown_seconds
from bot.jobs.schedule import PollSchedule
from bot.jobs.typical import RECENT_RENDERS, UsualWait, first_check_delay, typical_render_time

SEED = 16
# The fake's renders (a median of 240 s) are 720p's: unmeasured, its queued note says "usually
# ready in 3-5 minutes", and the time left starts from that (bot/jobs/typical.py).
RESOLUTION = "720p"
RENDERS = 1000
FIRST_POLL = 120.0  # POLL_FIRST_DELAY (the default)
AT_PROGRESS = 50
JUMP_EVERY = (20.0, 60.0)  # the jumping profile reports progress this often (render seconds)


@dataclass(frozen=True)
class Render:
    """One render: its profile, and the moments its reported progress catches up (jumps)."""

    profile: RenderProfile
    reports_at: tuple[float, ...] = ()
    typical: float | None = None  # the bot's measured render time of its kind (None: too few)

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
    prior = UsualWait(render.typical, RESOLUTION).prior(0.0, render.profile.estimated_time)
    return shown_seconds(estimate_remaining(readings, prior, age))


@dataclass(frozen=True)
class Sample:
    truth: float
    old: float
    new: float | None


def checks(
    render: Render, schedule: PollSchedule
) -> Iterator[tuple[float, int, tuple[Reading, ...]]]:
    """Poll one render like the bot does, check by check (a kind measured to render fast here
    is first checked sooner)."""
    age = first_check_delay(render.typical, configured=FIRST_POLL)
    readings: tuple[Reading, ...] = ()
    while age < render.profile.duration:
        progress = render.progress_at(age)
        readings = add_reading(readings, progress, age)
        yield age, progress, readings
        age += schedule.next_delay(
            age=age, progress=progress, estimated_time=render.profile.estimated_time
        )


def observe(render: Render, schedule: PollSchedule) -> Sample | None:
    """What each formula shows at the first poll >= 50 %."""
    for age, progress, readings in checks(render, schedule):
        if progress >= AT_PROGRESS:
            return Sample(
                render.profile.duration - age,
                old_shown(render, age),
                new_shown(readings, render, age),
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


def slow_finish(rng: random.Random) -> Render:
    """The last 10 points take 30-50 % of the render (encoding, upload): common in practice."""
    slow = rng.uniform(0.3, 0.5)
    return Render(replace(draw_profile(rng), shares=(0.0, 1 - slow, 1.0), percents=(0, 90, 100)))


def pause(rng: random.Random) -> Render:
    """Progress stops for 20-35 % of the render somewhere between 30 and 70 %, then resumes."""
    at, pause = rng.uniform(30, 70), rng.uniform(0.2, 0.35)
    start = at / 100 * (1 - pause)
    return Render(
        replace(
            draw_profile(rng),
            shares=(0.0, start, start + pause, 1.0),
            percents=(0, at, at, 100),
        )
    )


def queued(rng: random.Random) -> Render:
    """APIMart holds the job `pending` 0-115 s, then renders it as drawn: the first check
    (120 s) already sees progress, and no check at 0 % says when rendering began."""
    profile = draw_profile(rng)
    return Render(held_in_queue(profile, rng.uniform(0, UNSEEN_QUEUE)))


def queued_600(rng: random.Random) -> Render:
    """The same, announced with APIMart's fixed 600 s."""
    profile = queued(rng).profile
    return Render(replace(profile, estimated_time=600))


PROFILES: dict[str, Callable[[random.Random], Render]] = {
    "as drawn (estimate +-50 %)": as_drawn,
    "APIMart's fixed 600 s": vendor_600,
    "jumping progress": jumping,
    "slow last 10 %": slow_finish,
    "a pause mid-render": pause,
    "queued unseen 0-115 s": queued,
    "queued unseen, fixed 600 s": queued_600,
}


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass(frozen=True)
class Errors:
    renders: int
    before: list[float]
    after: list[float]


def renders(draw: Callable[[random.Random], Render], measured: bool) -> Iterator[Render]:
    """The profile's renders, in order; `measured`: each knowing how long its kind takes here,
    the median of the latest renders before it (from the third on), as the bot measures it
    (bot/jobs/typical.py); else the usual range and APIMart's estimate (a bot with no history
    yet)."""
    rng = random.Random(SEED)
    earlier: deque[float] = deque(maxlen=RECENT_RENDERS)
    for _ in range(RENDERS):
        render = draw(rng)
        if measured:
            render = replace(render, typical=typical_render_time(list(earlier)))
        earlier.append(render.profile.duration)
        yield render


def measure(draw: Callable[[random.Random], Render], measured: bool = False) -> Errors:
    """Absolute errors (seconds) of the time left shown at 50 %, old formula and new."""
    schedule = PollSchedule()
    samples = [
        sample for render in renders(draw, measured) if (sample := observe(render, schedule))
    ]
    before = [abs(sample.old - sample.truth) for sample in samples]
    # The new estimate always has a number at 50 % (progress moved); the old one if not.
    after = [
        abs((sample.new if sample.new is not None else sample.old) - sample.truth)
        for sample in samples
    ]
    return Errors(len(samples), before, after)


# "almost done" read longer than this is a broken promise; a shown time that grows this much
# from one check to the next (while the render only got closer) reads as a jump.
ALMOST_TOO_LONG = 60.0
JUMP_FACTOR = 2.0
JUMP_SECONDS = 120.0
# A check that says this much less than the truth promises the video noticeably too soon.
SHORT_BY = 90.0


@dataclass(frozen=True)
class Whole:
    """Every check of a render that saw progress: what the member read, against the truth."""

    errors: list[float]
    almost_spells: list[float]  # per render, the longest "almost done" stayed up (0: never)
    jumps: int  # renders whose shown time jumped up (JUMP_FACTOR and JUMP_SECONDS) once
    # Per render, the first check that showed a time: its error, and how much it said too much
    # (the "about 16 min" a render queued unseen at APIMart read for 2 minutes).
    first_errors: list[float]
    first_over: list[float]
    short: int  # renders where a check said more than SHORT_BY too little (an optimistic time)


def almost_spell(checks: list[tuple[float, float | None]]) -> float:
    """The longest a member read "almost done" without a break: from the check that first said
    it to the next check that said something else, or to the end."""
    longest, began = 0.0, None
    for truth, shown in [*checks, (0.0, None)]:
        if shown == 0.0:
            began = truth if began is None else began
        elif began is not None:
            longest, began = max(longest, began - truth), None
    return longest


def whole_render(render: Render, schedule: PollSchedule) -> list[tuple[float, float | None]]:
    """(true time left, shown) at every check from the first that saw progress to the end."""
    return [
        (render.profile.duration - age, new_shown(readings, render, age))
        for age, _, readings in checks(render, schedule)
        if readings
    ]


def measure_whole(draw: Callable[[random.Random], Render], measured: bool = False) -> Whole:
    schedule = PollSchedule()
    errors: list[float] = []
    spells: list[float] = []
    first: list[float] = []
    jumps = short = 0
    for render in renders(draw, measured):
        checks = whole_render(render, schedule)
        short += any(shown is not None and truth - shown > SHORT_BY for truth, shown in checks)
        errors += [abs(shown - truth) for truth, shown in checks if shown is not None]
        first += [shown - truth for truth, shown in checks if shown is not None][:1]
        spells.append(almost_spell(checks))
        shown_values = [shown for _, shown in checks]
        jumps += any(
            before is not None
            and after is not None
            and after > JUMP_FACTOR * before
            and after - before > JUMP_SECONDS
            for before, after in itertools.pairwise(shown_values)
        )
    return Whole(errors, spells, jumps, [abs(error) for error in first], first, short)


def print_header(header: str) -> None:
    """A table's column names, underlined."""
    print(header)
    print("-" * len(header))


def main() -> int:
    print(f'"time left" shown at the first poll at >= {AT_PROGRESS} %, {RENDERS} renders each')
    print_header(
        f"{'profile':<36} {'renders':>7} {'before p50 s':>12} {'p90 s':>6}"
        f" {'after p50 s':>11} {'p90 s':>6}"
    )
    for (name, draw), measured in itertools.product(PROFILES.items(), (False, True)):
        errors = measure(draw, measured)
        name = f"{name}{', measured' if measured else ''}"
        print(
            f"{name:<36} {errors.renders:>7} {statistics.median(errors.before):>12.0f}"
            f" {quantile(errors.before, 0.9):>6.0f} {statistics.median(errors.after):>11.0f}"
            f" {quantile(errors.after, 0.9):>6.0f}"
        )
    print()
    print(
        f"every check from the first that saw progress, {RENDERS} renders each: error of the"
        f' time shown; the longest "almost done" stayed up in a render (p90, most) and the'
        f" renders where it stayed over {ALMOST_TOO_LONG:.0f} s; renders whose time shown jumped"
        f" up (x{JUMP_FACTOR:.0f} and +{JUMP_SECONDS:.0f} s) from one check to the next; at the"
        " first check that showed a time, its error (p90) and the most it said too much;"
        f" renders where a check said over {SHORT_BY:.0f} s too little"
    )
    print_header(
        f"{'profile':<36} {'checks':>7} {'p50 s':>6} {'p90 s':>6} {'almost p90 s':>12}"
        f" {'most s':>7} {'> 60 s':>6} {'jumps':>6} {'1st p90 s':>9} {'over most s':>11}"
        f" {'short':>6}"
    )
    for (name, draw), measured in itertools.product(PROFILES.items(), (False, True)):
        whole = measure_whole(draw, measured)
        name = f"{name}{', measured' if measured else ''}"
        spells = whole.almost_spells
        print(
            f"{name:<36} {len(whole.errors):>7} {statistics.median(whole.errors):>6.0f}"
            f" {quantile(whole.errors, 0.9):>6.0f} {quantile(spells, 0.9):>12.0f}"
            f" {max(spells):>7.0f} {sum(spell > ALMOST_TOO_LONG for spell in spells):>6}"
            f" {whole.jumps:>6} {quantile(whole.first_errors, 0.9):>9.0f}"
            f" {max(whole.first_over):>11.0f} {whole.short:>6}"
        )
    return 0
