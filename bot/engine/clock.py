"""A wall clock that does not jump: a reading at start, advanced by the time since boot.

Renders, leases and cooldowns are measured with it, so an operator (or NTP) stepping the system
clock 40 minutes forward or an hour back neither times out a render APIMart is still making nor
freezes polling. Time the host spends suspended (a laptop's lid closed) counts: the clock
advancing it is Linux's `CLOCK_BOOTTIME`, where the plain monotonic clock stops. Across restarts
it re-anchors, which is the best there is.

The bot anchors it to the database's clock (`database_clock`): processes on several hosts
sharing one PostgreSQL database then agree on when a lease lapses even when their hosts'
clocks do not, so a host whose clock runs minutes ahead cannot take over every other process's
work early. While it runs, `keep_in_step` nudges it towards the database's clock a little at a
time: a host whose oscillator drifts (broken NTP: seconds a day) stays in step over a long
uptime, and a step of the database's clock is followed only slowly: every process follows it
at the same pace, so none takes the claims another holds (or its own) for lapsed. Only a gap far
beyond any drift (`JUMP_BEYOND`) that this host's own clock shows too is closed at once: a
suspend the monotonic clock did not count (where there is no boot clock, a VM paused), after
which this process's claims have lapsed anyway.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

# How often the clock is compared with the database's, how far it may move each time (a drift
# of seconds a day is followed; an hour's step of the database's clock takes weeks), and from
# what difference an operator is told.
STEP_EVERY = 300.0
STEP_AT_MOST = 1.0
OFF_WARNING = 2.0
# A gap wider than this is no oscillator's drift: when this host's clock moved ahead of the
# monotonic clock by as much too (it was suspended), the clock is set to the database's at once.
JUMP_BEYOND = 60.0


def _since_boot() -> float:
    """Seconds since boot, time suspended included; the monotonic clock (which stops while the
    host sleeps) where the system has no such clock."""
    return time.clock_gettime(time.CLOCK_BOOTTIME)


elapsed: Callable[[], float] = _since_boot if hasattr(time, "CLOCK_BOOTTIME") else time.monotonic


def behind_or_ahead(off: float) -> str:
    """How a clock `off` seconds short of another stands to it, for the operator's log."""
    return "behind" if off > 0 else "ahead of"


class SteadyClock:
    """Callable like `time.time`, immune to steps of the system clock while the process runs."""

    def __init__(
        self,
        wall: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = elapsed,
    ) -> None:
        self._monotonic = monotonic
        self._offset = wall() - monotonic()
        # Set where the bot times with this host's clock because the database's could not be
        # read at start: `keep_in_step` then sets it to the database's at once.
        self.timed_by_host = False

    def __call__(self) -> float:
        """Seconds since the epoch, as `wall` said at start plus time elapsed since."""
        return self._offset + self._monotonic()

    def nudge(
        self, reading: float, read_at: float, *, most: float, jump_beyond: float = math.inf
    ) -> float:
        """Move towards `reading`, a clock read when the monotonic clock said `read_at`, by at
        most `most` seconds, or all the way when it is more than `jump_beyond` off; returns how
        far off this clock was."""
        off = reading - (self._offset + read_at)
        self._offset += off if abs(off) > jump_beyond else max(-most, min(most, off))
        return off


async def _read(
    server_time: Callable[[], Awaitable[float]], monotonic: Callable[[], float]
) -> tuple[float, float]:
    """The clock `server_time` reads, and when (on `monotonic`) it read it."""
    sent = monotonic()
    reading = await server_time()
    # The server read its clock about half-way through the round trip.
    return reading, (sent + monotonic()) / 2


async def database_clock(
    server_time: Callable[[], Awaitable[float]],
    monotonic: Callable[[], float] = elapsed,
) -> SteadyClock:
    """A `SteadyClock` anchored to the clock `server_time` reads (the database's)."""
    reading, read_at = await _read(server_time, monotonic)
    return SteadyClock(wall=lambda: reading + monotonic() - read_at, monotonic=monotonic)


async def keep_in_step(
    clock: SteadyClock,
    server_time: Callable[[], Awaitable[float]],
    *,
    every: float = STEP_EVERY,
    most: float = STEP_AT_MOST,
    jump_beyond: float = JUMP_BEYOND,
    monotonic: Callable[[], float] = elapsed,
    wall: Callable[[], float] = time.time,
) -> None:
    """Nudge `clock` towards the database's every `every` seconds, by at most `most`, or set it
    to the database's when they are more than `jump_beyond` apart and this host's clock
    (`wall`) moved as far ahead of `monotonic` since the last round: this host was suspended
    (or, the first round, when the clock is `timed_by_host`) (runs until cancelled). Tells
    the operator when they drift more than `OFF_WARNING` apart, and of every jump."""
    was_off = False
    # How far this host's clock stands ahead of the monotonic clock: it grows by the time a
    # suspend the monotonic clock did not count (and by steps of this host's clock).
    lead = wall() - monotonic()
    while True:
        await asyncio.sleep(every)
        try:
            reading, read_at = await _read(server_time, monotonic)
        except Exception as error:  # the database may be away; the next round tries again
            log.warning("Could not read the database's clock (%s); trying again later", error)
            continue
        slept = wall() - monotonic() - lead
        lead += slept
        # A clock still timed by this host's may be any distance off the database's, and no
        # other process follows it: it is set to the database's at once.
        jump = slept > jump_beyond or clock.timed_by_host
        clock.timed_by_host = False
        # A step of the database's clock alone is followed slowly: jumping to it would move
        # every claim this process holds, and the others' would not have moved yet.
        off = clock.nudge(
            reading,
            read_at,
            most=most,
            jump_beyond=jump_beyond if jump else math.inf,
        )
        if jump and abs(off) > jump_beyond:
            log.warning(
                "The bot's clock was %.0f s %s the database server's (the host was"
                " suspended, or its clock timed the bot since the start); it now reads the"
                " server's time",
                abs(off),
                behind_or_ahead(off),
            )
            was_off = False
            continue
        if abs(off) > OFF_WARNING and not was_off:
            log.warning(
                "The bot's clock is %.1f s %s the database server's (this host's oscillator,"
                " NTP, or the server's clock was set); moving it %.1f s closer every %.0f s",
                abs(off),
                behind_or_ahead(off),
                most,
                every,
            )
        was_off = abs(off) > OFF_WARNING
