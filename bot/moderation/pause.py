"""Pausing new videos when the API account has no balance (HTTP 402), and resuming."""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.i18n import msg
from bot.moderation.facts import PAUSE_KEY
from bot.moderation.feed import ModLogFeed
from bot.storage import Database

log = logging.getLogger(__name__)


class SubmissionPause:
    """One switch for the whole bot (one API account), kept in SQLite across restarts.

    The admission check reads the switch inside each job's transaction; this class only
    flips it and reports the flips to the mod-log.
    """

    def __init__(self, db: Database, feed: ModLogFeed, *, clock: Callable[[], float]) -> None:
        self._db = db
        self._feed = feed
        self._clock = clock

    async def is_paused(self) -> bool:
        """Whether new videos are refused for lack of balance."""
        return await self._db.get_value(PAUSE_KEY) is not None

    async def on_balance(self, ok: bool) -> None:
        """The job service's hook: False after an HTTP 402, True after an accepted submit."""
        if ok:
            # Read each time, not remembered: another process may have paused since.
            if not await self.is_paused():
                return
            if await self.resume():
                log.warning("A submit succeeded: video generation resumed")
                self._feed.emit(None, msg("modlog_auto_resumed"))
            return
        async with self._db.transaction() as conn:
            cursor = await conn.execute(
                "INSERT INTO bot_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
                (PAUSE_KEY, repr(self._clock())),
            )
            newly = cursor.rowcount == 1
        if newly:
            log.error("APIMart says the balance is empty: new videos are paused")
            self._feed.emit(None, msg("modlog_paused"))

    async def resume(self) -> bool:
        """Accept new videos again; False if they were not paused."""
        async with self._db.transaction() as conn:
            cursor = await conn.execute("DELETE FROM bot_state WHERE key = ?", (PAUSE_KEY,))
            cleared = cursor.rowcount == 1
        return cleared
