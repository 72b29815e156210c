"""A wall clock that does not jump: the time at start, advanced by the monotonic clock.

Renders, leases and cooldowns are measured with it, so an operator (or NTP) stepping the system
clock 40 minutes forward or an hour back neither times out a render APIMart is still making nor
freezes polling. Across restarts it re-anchors to the system clock, which is the best there is.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class SteadyClock:
    """Callable like `time.time`, immune to steps of the system clock while the process runs."""

    def __init__(
        self,
        wall: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._monotonic = monotonic
        self._offset = wall() - monotonic()

    def __call__(self) -> float:
        """Seconds since the epoch, as the system clock said at start plus time elapsed since."""
        return self._offset + self._monotonic()
