"""This process's mark that it is catching up the bans it missed while it was down.

Set before its engine starts, so that no process sharing the database posts a video made in a
server until the bans are looked up (`bot.moderation.bans`). Renewed like a claim while the
catch-up runs: a process killed meanwhile holds those videos no longer than its claims would
hold its jobs; and never past `cap` seconds after the start, however slow Discord is to answer.
Ended once every shard of the process is caught up; at a stop, left to lapse (as its claims
are: the database may be what the stop waits on).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from bot.moderation.bans import begin_catch_up, end_catch_up
from bot.storage import Database

log = logging.getLogger(__name__)


class CatchUpMark:
    """One process's mark, from `begin` to `end`."""

    def __init__(
        self,
        db: Database,
        owner: str,
        *,
        clock: Callable[[], float],
        lasts: float,
        cap: float,
        alone: bool,
    ) -> None:
        self._db = db
        self._owner = owner
        self._clock = clock
        # How long each write of the mark holds (a claim's length), and how long after the
        # start it may hold at most.
        self._lasts = lasts
        self._cap = cap
        # The only process on its database (SQLite): any other mark was left by a dead one.
        self._alone = alone
        self._cap_at = float("inf")
        self._renewing: asyncio.Task[None] | None = None
        self._ended = False

    async def begin(self) -> None:
        """Write the mark (before the engine starts), then keep it while the catch-up runs."""
        now = self._clock()
        self._cap_at = now + self._cap
        await begin_catch_up(
            self._db, self._owner, now=now, until=self._until(now), alone=self._alone
        )
        self._renewing = asyncio.create_task(self._renew(), name="ban-catch-up-mark")

    def _until(self, now: float) -> float:
        return min(self._cap_at, now + self._lasts)

    async def _renew(self) -> None:
        while True:
            await asyncio.sleep(self._lasts / 3)
            now = self._clock()
            if now >= self._cap_at:
                return  # held long enough: its last write lapses now
            try:
                await begin_catch_up(self._db, self._owner, now=now, until=self._until(now))
            except Exception:
                # The mark lapses sooner: videos go on being posted, as without it.
                log.warning("Start-up: could not renew the catch-up of bans' mark", exc_info=True)

    def stop(self) -> None:
        """The process stops: the mark is no longer renewed, and lapses with its last write."""
        self._ended = True
        if self._renewing is not None:
            self._renewing.cancel()

    async def end(self) -> None:
        """The catch-up is done: videos need not wait for it (once)."""
        if self._ended:
            return
        self.stop()
        if self._renewing is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._renewing
        try:
            await end_catch_up(self._db, self._owner)
        except Exception:
            # Its deadline ends it all the same.
            log.warning("Start-up: could not mark the catch-up of bans done", exc_info=True)
