"""When to check a running task again: few checks, the last one just after it finishes."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass


class ScheduleMode(enum.StrEnum):
    """How the poller spaces status checks."""

    ADAPTIVE = "adaptive"  # plan each check from the task's progress readings and estimate
    FIXED = "fixed"  # every `interval` seconds, whatever the task says


@dataclass(frozen=True)
class Reading:
    """One progress reading: the task's age (seconds since submit) when it said `progress`."""

    age: float
    progress: int


@dataclass(frozen=True)
class PollSchedule:
    """Plans the next status check of one task; pure, so tests need no clock or I/O.

    The adaptive plan predicts when the task will finish, extrapolating from its latest
    progress reading (taken as half a point further on: APIMart reports whole percents,
    truncated) at its average speed since the submit, or faster if it sped up: the recent
    speed (since the previous reading) counts half, so one pair of readings, each possibly
    stale or a few points off, cannot alone pull the prediction in, and a render that seems
    to have slowed down is more likely showing a stale reading (never below the average).

    Far from the end it waits `lookahead` of the time it expects is left (a larger share as
    progress grows and the prediction firms up) plus `reach` seconds, never longer than
    `max_gap` nor than `age_factor` times the task's age; within `near` seconds of the end it
    aims one check `margin` seconds past the predicted end. A task past its predicted end is
    checked again soon, then less and less often, so a stuck one does not burn the budget.

    Why the figures hold (docs/performance.md, "The schedule, tuned again"): a render's speed
    changes as it goes, so the time left is only known to about +-40 % until the very end;
    waiting a share of it keeps a far check short of the end unless the render speeds up a
    lot, and `reach` lets such a check land a few seconds past an end that came early, which
    the delay target (p95 10 s) allows, instead of spending another check to stay short of
    it. The aimed check lands `margin` late on purpose: aiming exactly at the predicted end
    finds half the renders still running, one more check each. They are tuned on the bench's
    renders (bench/schedule_sim.py) for p95 delivery delay, not the worst case.
    """

    interval: float = 8.0
    max_gap: float = 120.0
    mode: ScheduleMode = ScheduleMode.ADAPTIVE
    # The share of the expected remainder to wait: `early_lookahead` at progress 0, rising
    # linearly to `lookahead` at 100 %; plus `reach` seconds.
    early_lookahead: float = 0.4
    lookahead: float = 0.7
    reach: float = 7.0
    # Within this many seconds of the predicted end, aim a check `margin` seconds past it.
    near: float = 15.0
    margin: float = 4.0
    # Never closer than this, nor than `interval` (a render's progress is not finer).
    min_gap: float = 5.0
    # Never wait longer than this times the task's age: an early reading says little.
    age_factor: float = 2.0
    # Below this, progress (often 0-2 % while queued or warming up) says too little to
    # extrapolate from.
    min_progress: int = 5
    # Past the predicted end, wait `min_gap` plus this share of how late it is.
    overdue_share: float = 0.5
    # How far (in points) the render is on average past the progress it reports: APIMart
    # truncates to whole percents.
    progress_lag: float = 0.5
    # How much the recent speed (since the previous reading) counts against the average.
    recent_weight: float = 0.5

    def __post_init__(self) -> None:
        if self.interval <= 0 or self.max_gap < self.interval:
            raise ValueError("need 0 < interval <= max_gap")
        if not 0 < self.early_lookahead <= self.lookahead <= 1:
            raise ValueError("need 0 < early_lookahead <= lookahead <= 1")
        if self.min_gap <= 0:
            raise ValueError("need 0 < min_gap")
        if not (self.reach >= 0 and 0 <= self.progress_lag < 100 and 0 <= self.recent_weight <= 1):
            raise ValueError("need 0 <= reach, 0 <= progress_lag < 100, 0 <= recent_weight <= 1")

    @property
    def shortest(self) -> float:
        """The shortest wait between two checks of a task."""
        return min(self.min_gap, self.interval)

    def next_delay(
        self,
        *,
        age: float,
        progress: int,
        estimated_time: float | None,
        previous: Reading | None = None,
    ) -> float:
        """Seconds until the next check of a task `age` seconds old that is still running.

        `progress` is what the check at `age` read; `previous` the reading before it, if any.
        """
        if self.mode is ScheduleMode.FIXED:
            return self.interval
        expected = self.expected_duration(
            age=age, progress=progress, estimated_time=estimated_time, previous=previous
        )
        if expected is None:
            # Nothing to go on: the older the task, the likelier it is nearly done.
            return self._clamp(self.early_lookahead * age, age)
        remaining = expected - age
        if remaining <= 0:
            # Overdue: soon at first, then backing off as it runs later.
            return self._clamp(self.shortest + self.overdue_share * -remaining, age)
        aimed = remaining + self.margin
        share = min(max(progress, 0), 100) / 100
        lookahead = self.early_lookahead + (self.lookahead - self.early_lookahead) * share
        far = lookahead * remaining + self.reach
        if remaining <= self.near or aimed <= far:
            return min(self.max_gap, max(self.shortest, aimed))
        return self._clamp(far, age)

    def expected_duration(
        self,
        *,
        age: float,
        progress: int,
        estimated_time: float | None,
        previous: Reading | None = None,
    ) -> float | None:
        """The task's predicted total duration in seconds, or None with nothing to go on."""
        if progress >= 100:
            return age  # finishing touches: done any moment now
        if progress < self.min_progress or not 0 < age < math.inf:
            # APIMart's own estimate, which may be far off (its example: 600 s for 240 s).
            if estimated_time is not None and estimated_time > 0:
                return float(estimated_time)
            return None
        average = progress / age  # percent per second since the submit
        speed = average
        if (
            previous is not None
            and previous.progress >= self.min_progress
            and 0 <= previous.age < age
        ):
            recent = (progress - previous.progress) / (age - previous.age)
            # A render that sped up is caught earlier; one that seems to have slowed down is
            # more likely showing a stale reading, so never below the average.
            speed = max(average, average + self.recent_weight * (recent - average))
        left = max(0.0, 100 - progress - self.progress_lag)
        return age + left / speed

    def _clamp(self, delay: float, age: float) -> float:
        ceiling = min(self.max_gap, max(self.shortest, self.age_factor * age))
        return min(ceiling, max(self.shortest, delay))
