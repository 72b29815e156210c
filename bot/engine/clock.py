"""A wall clock that does not jump: a reading at start, advanced by the monotonic clock.

Renders, leases and cooldowns are measured with it, so an operator (or NTP) stepping the system
clock 40 minutes forward or an hour back neither times out a render APIMart is still making nor
freezes polling. Across restarts it re-anchors, which is the best there is.

The bot anchors it to the database's clock (`database_clock`): processes on several hosts
sharing one PostgreSQL database then agree on when a lease lapses even when their hosts'
clocks do not, so a host whose clock runs minutes ahead cannot take over every other process's
work early.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable


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
        """Seconds since the epoch, as `wall` said at start plus time elapsed since."""
        return self._offset + self._monotonic()


async def database_clock(
    server_time: Callable[[], Awaitable[float]],
    monotonic: Callable[[], float] = time.monotonic,
) -> SteadyClock:
    """A `SteadyClock` anchored to the clock `server_time` reads (the database's)."""
    sent = monotonic()
    reading = await server_time()
    # The server read its clock about half-way through the round trip.
    read_at = (sent + monotonic()) / 2
    return SteadyClock(wall=lambda: reading + monotonic() - read_at, monotonic=monotonic)
