"""How long a render has left, from the progress actually seen; pure, so anything may reuse it.

APIMart announces an `estimated_time` (often a fixed, pessimistic 600 s) and reports progress
as it goes. What this bot has measured for the kind of video (`bot.jobs.typical`) says more
than that estimate, so once it exists it is the prior instead; before, the usual range the
queued note states (at most), or APIMart's estimate where shorter. The prior only guides: as soon
as progress moves, its recent rate says more, and the prior fades out over the first
`PRIOR_FADE` percent. Near the end a number would be wrong more often than right, so it
becomes "almost done".
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

# Readings kept per job (each the first time a new high of progress was seen, but the last
# at 0 %), oldest first.
KEPT_READINGS = 6
# The rate is measured over the readings of the last this many seconds (at least two of them):
# long enough to smooth out progress that moves in steps, short enough to follow a change.
RATE_WINDOW = 90.0
# The fewest points of progress a rate is measured over.
MIN_MOVED = 5
# Below this much progress the announced estimate still carries weight (fading linearly).
PRIOR_FADE = 20
# From here on, or with less than `ALMOST_SECONDS` predicted, the member reads "almost done".
ALMOST_PROGRESS = 90
ALMOST_SECONDS = 20.0
# Past `ALMOST_PROGRESS`, a pace that leaves more than this is said as a time, not "almost".
ALMOST_WITHIN = 60.0
# Longer than this is said in minutes, shorter in (rounded) seconds.
MINUTES_FROM = 90.0
SECONDS_STEP = 10


@dataclass(frozen=True)
class Reading:
    """Progress `progress` (percent) was first seen at `at` (Unix seconds)."""

    at: float
    progress: int


@dataclass(frozen=True)
class Prior:
    """What is known up front: when APIMart accepted the job, how long it said it would take,
    how long such a video took here (`typical`: the median measured render time of its kind,
    accepted to finished; None while too few were measured), and how long it usually takes
    where nothing was measured (`usual`: the most the queued note's range promises)."""

    started_at: float
    estimated_time: float | None
    typical: float | None = None
    usual: float | None = None

    @property
    def expected(self) -> float | None:
        """Seconds from acceptance to the end the prior expects: the measured render time of
        the kind, else the usual time or APIMart's estimate, whichever is shorter (what the
        queued note promised, unless APIMart says sooner: its fixed 600 s for a 720p video
        read "0 % · about 9 min left" right after "usually ready in 3-5 minutes"), else None."""
        if self.typical is not None and self.typical > 0:
            return float(self.typical)
        known = [s for s in (self.usual, self.estimated_time) if s is not None and s > 0]
        return float(min(known)) if known else None


class EtaKind(enum.StrEnum):
    """What can honestly be said about the time left."""

    SECONDS = "seconds"  # `Estimate.seconds` holds it
    ALMOST_DONE = "almost_done"
    UNKNOWN = "unknown"  # no progress yet and no (or a used-up) estimate


@dataclass(frozen=True)
class Estimate:
    """The time left, and what it rests on ('prior', 'progress' or 'both')."""

    kind: EtaKind
    seconds: float | None = None
    basis: str = "progress"


ALMOST_DONE = Estimate(EtaKind.ALMOST_DONE)
UNKNOWN = Estimate(EtaKind.UNKNOWN, basis="nothing")


def add_reading(readings: Sequence[Reading], progress: int, at: float) -> tuple[Reading, ...]:
    """`readings` after a poll saw `progress` at `at`: a new high is kept, anything else is
    not: a repeat (its first sighting is when it was reached), nor a value below the best seen
    (APIMart's progress is noisy: 60 %, then 45 %, then 62 %). The readings only go up, as the
    member's bar does (`Job.top_progress`): a dip is no news, so the time left keeps counting
    down from the best reading, and a render that stays below it is a stall, whose time left
    grows with the wait (`_measured_remaining`). Starting over at each dip read "about 60 s",
    "about 2 min", "about 3 min", then "almost done" (60 %, 45 %, 50 %, 85 %, 15 s apart).
    Before progress moves, the last check at 0 % is kept instead: the render (queued at APIMart
    until then, perhaps) started after it, and the rate is measured from there."""
    kept = tuple(readings)
    if progress <= 0:
        return kept if kept and kept[-1].progress > 0 else (Reading(at, 0),)
    if kept and progress <= kept[-1].progress:
        return kept
    return (*kept, Reading(at, progress))[-KEPT_READINGS:]


def _prior_remaining(prior: Prior, now: float) -> float | None:
    expected = prior.expected
    return None if expected is None else prior.started_at + expected - now


def _start(readings: Sequence[Reading], prior: Prior) -> Reading:
    """Where the render is timed from when no progress reading is far enough behind: the
    last check at 0 % (it started after that), else APIMart's acceptance; but a render behind
    the prior's pace is timed from when it would have had to start, at that pace, to reach its
    newest progress. APIMart may hold a job `pending` for a while no check saw, and timed from
    its acceptance, 4 % at the first check (120 s) read "about 16 min" for a video that came 2
    minutes later. A render slow from the start reads the prior's pace until the next reading
    5 points on times it."""
    if readings[0].progress == 0:
        return readings[0]
    newest, expected = readings[-1], prior.expected
    if expected is None:
        return Reading(prior.started_at, 0)
    return Reading(max(prior.started_at, newest.at - newest.progress / 100 * expected), 0)


def _anchor(readings: Sequence[Reading], prior: Prior, min_moved: int) -> Reading:
    """The reading the recent rate is measured from: the oldest within `RATE_WINDOW` of the
    newest that is `MIN_MOVED` points behind it, else the latest reading that far behind,
    else where the render started as far as is known (`_start`). A point or two is too thin a
    basis: after a pause, 60 % then 62 % a minute later would read as 40 minutes left; from
    0 %, though, nothing better is known."""
    newest = readings[-1]
    behind = [r for r in readings[:-1] if newest.progress - r.progress >= min_moved]
    for reading in behind:
        if newest.at - reading.at <= RATE_WINDOW:
            return reading
    start = _start(readings, prior)
    if not behind:
        return start
    latest = behind[-1]
    # Older than the window, it may span a pause (33 % then 38 % five minutes later: "about
    # 25 min" for a render that ends 2 minutes on): then the pace since the start, pause and
    # all, is taken if that is faster.
    # A gap is a pause only beside closer readings: checks 2 minutes apart all along (a long
    # render's far waits) show a slow render, not a pause, and its recent pace stands.
    gaps = [later.at - earlier.at for earlier, later in pairwise(readings)]
    since = readings[readings.index(latest) :]
    paused = (latest is readings[-2] and len(gaps) == 1) or any(
        later.at - earlier.at > max(RATE_WINDOW, 2 * min(gaps))
        for earlier, later in pairwise(since)
    )
    if paused and not _faster(latest, start, newest):
        return start
    return latest


def _faster(first: Reading, second: Reading, newest: Reading) -> bool:
    """Whether progress came faster to `newest` from `first` than from `second`."""

    def rate(reading: Reading) -> float:
        span = newest.at - reading.at
        return (newest.progress - reading.progress) / span if span > 0 else 0.0

    return rate(first) >= rate(second)


def _pace(
    readings: Sequence[Reading], prior: Prior, min_moved: int = 1
) -> tuple[Reading, Reading, int] | None:
    """The recent rate's two readings (anchor, newest) and the points between them; None if
    progress has not moved."""
    newest = readings[-1]
    anchor = _anchor(readings, prior, min_moved)
    moved = newest.progress - anchor.progress
    if moved <= 0 or newest.at <= anchor.at:
        return None
    return anchor, newest, moved


def _measured_remaining(readings: Sequence[Reading], prior: Prior, now: float) -> float | None:
    """The time left at the recent rate of progress, or None if it has not moved."""
    pace = _pace(readings, prior, MIN_MOVED)
    if pace is None:
        return None
    anchor, newest, moved = pace
    left = 100 - newest.progress
    # Count down from the newest reading: between polls nothing new is known.
    countdown = left * (newest.at - anchor.at) / moved - (now - newest.at)
    if countdown >= ALMOST_SECONDS:
        return countdown
    # The countdown ran out with the render still short of the end: it stalled or slowed, so
    # it is never "almost done". The time left grows with the stall, from where the countdown
    # stopped, as fast as the rate measured up to now would (not at once to that rate: 20 s
    # over its countdown, a render at 70 % that moved 5 points would leap to "about 9 min").
    stalled = ALMOST_SECONDS - countdown
    return min(left * (now - anchor.at) / moved, ALMOST_SECONDS + stalled * left / moved)


def _near_the_end(readings: Sequence[Reading], prior: Prior, now: float) -> Estimate:
    """From `ALMOST_PROGRESS`: "almost done" while the render keeps the pace that brought it
    there and that pace leaves under `ALMOST_WITHIN`; more than that is said as a time (the
    last points often crawl). One that stalls near the end says its time left is not known: the
    few points left at any measured rate would read "about 10 s" for as long as it hangs (at
    100 %, for ever)."""
    # The last points often crawl: once two readings are past the mark, only they say how.
    near = [reading for reading in readings if reading.progress >= ALMOST_PROGRESS]
    pace = _pace(near if len(near) >= 2 else readings, prior)
    if pace is None:
        return ALMOST_DONE
    anchor, newest, moved = pace
    left = 100 - newest.progress
    due = newest.at + left * (newest.at - anchor.at) / moved
    if now > due + ALMOST_SECONDS:
        return UNKNOWN
    if due - now > ALMOST_WITHIN:
        return Estimate(EtaKind.SECONDS, due - now)
    return ALMOST_DONE


def estimate_remaining(readings: Sequence[Reading], prior: Prior, now: float) -> Estimate:
    """The time left at `now`, given the progress readings so far (oldest first)."""
    prior_left = _prior_remaining(prior, now)
    usable_prior = prior_left if prior_left is not None and prior_left >= ALMOST_SECONDS else None
    if not readings:
        if usable_prior is None:
            # Nothing moved yet and the announced time is gone: a number would be a guess.
            return UNKNOWN
        return Estimate(EtaKind.SECONDS, usable_prior, basis="prior")
    newest = readings[-1]
    if newest.progress >= ALMOST_PROGRESS:
        return _near_the_end(readings, prior, now)
    measured = _measured_remaining(readings, prior, now)
    if measured is None:
        return Estimate(EtaKind.SECONDS, usable_prior, basis="prior") if usable_prior else UNKNOWN
    left, basis = measured, "progress"
    weight = min(1.0, newest.progress / PRIOR_FADE)
    if weight < 1.0 and usable_prior is not None:
        # Early progress is a thin basis: lean on the announced estimate until it firms up.
        left, basis = weight * measured + (1 - weight) * usable_prior, "both"
    if left < ALMOST_SECONDS:
        return ALMOST_DONE
    return Estimate(EtaKind.SECONDS, left, basis=basis)


def rounded(seconds: float) -> tuple[str, int]:
    """How a time left is said: ('minutes', n) from `MINUTES_FROM` up, else ('seconds', n)."""
    if seconds >= MINUTES_FROM:
        return "minutes", _half_up(seconds / 60)
    return "seconds", max(SECONDS_STEP, SECONDS_STEP * _half_up(seconds / SECONDS_STEP))


def _half_up(value: float) -> int:
    """Halves up, not to even (`round`): 2.5 minutes read 'about 3 min', as 3.5 read '4'."""
    return math.floor(value + 0.5)


def shown_seconds(estimate: Estimate) -> float | None:
    """The time left a member reads, in seconds ("almost done" reads as 0; unknown as None)."""
    if estimate.kind is EtaKind.ALMOST_DONE:
        return 0.0
    if estimate.kind is EtaKind.UNKNOWN or estimate.seconds is None:
        return None
    unit, value = rounded(estimate.seconds)
    return float(value * 60 if unit == "minutes" else value)
