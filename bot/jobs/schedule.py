"""When to check a running task again: sparse while it cannot be done, dense near its end."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class ScheduleMode(enum.StrEnum):
    """How the poller spaces status checks."""

    ADAPTIVE = "adaptive"  # plan each check from the task's age, estimate and progress
    FIXED = "fixed"  # every `interval` seconds, whatever the task says


@dataclass(frozen=True)
class PollSchedule:
    """Plans the next status check of one task; pure, so tests need no clock or I/O.

    The adaptive plan predicts the task's total duration, then waits `lookahead` of the time
    it expects is left: far from the end that is a long wait (capped at `max_gap`), close to
    it the checks come every `interval`. Each check refreshes the prediction, so a task that
    runs faster than announced is caught up with; one that runs late is checked less and less
    often, never more than `max_gap` apart.
    """

    interval: float = 8.0
    max_gap: float = 60.0
    mode: ScheduleMode = ScheduleMode.ADAPTIVE
    # A third: the prediction is refreshed about three times over the time still expected,
    # which is enough to absorb an `estimated_time` off by half and uneven progress.
    lookahead: float = 1 / 3
    # Below this, progress (often 0-2 % while queued or warming up) says too little to
    # extrapolate from.
    min_progress: int = 5

    def __post_init__(self) -> None:
        if self.interval <= 0 or self.max_gap < self.interval:
            raise ValueError("need 0 < interval <= max_gap")
        if not 0 < self.lookahead <= 1:
            raise ValueError("lookahead must be within (0, 1]")

    def next_delay(self, *, age: float, progress: int, estimated_time: float | None) -> float:
        """Seconds until the next check of a task `age` seconds old that is still running."""
        if self.mode is ScheduleMode.FIXED:
            return self.interval
        expected = self.expected_duration(age=age, progress=progress, estimated_time=estimated_time)
        if expected is None:
            # Nothing to go on: the older the task, the likelier it is nearly done, so the
            # wait grows with its age, from `interval` up to `max_gap`.
            return self._clamp(self.lookahead * age)
        remaining = expected - age
        if remaining > 0:
            return self._clamp(self.lookahead * remaining)
        # Overdue: back off as it runs later, so a stuck task does not burn the budget.
        return self._clamp(self.lookahead * -remaining)

    def expected_duration(
        self, *, age: float, progress: int, estimated_time: float | None
    ) -> float | None:
        """The task's predicted total duration in seconds, or None with nothing to go on."""
        estimate = estimated_time if estimated_time is not None and estimated_time > 0 else None
        if progress >= 100:
            return age  # finishing touches: done any moment now
        if progress < self.min_progress:
            return estimate
        extrapolated = age * 100 / progress
        if estimate is None:
            return extrapolated
        # Trust progress more as it grows: early on it is noisy, near the end it is the best
        # evidence there is (and the announced estimate may be far off, e.g. 600 s for 240 s).
        weight = progress / 100
        return (1 - weight) * estimate + weight * extrapolated

    def _clamp(self, delay: float) -> float:
        return min(self.max_gap, max(self.interval, delay))
