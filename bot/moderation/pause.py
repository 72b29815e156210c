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

    async def on_balance(self, ok: bool, sent_at: float | None = None) -> None:
        """The job service's hook: False after an HTTP 402; True after an accepted submit whose
        request left at `sent_at` (None: not known)."""
        if ok:
            # Read each time, not remembered: another process may have paused since.
            paused_at = await self._db.get_value(PAUSE_KEY)
            if paused_at is None:
                return
            if sent_at is not None and sent_at <= _moment(paused_at):
                # Sent before the 402 came, accepted before the account ran out: no sign of a
                # top-up (resuming would send the next video into the empty account).
                return
            if await self._resume(paused_at):
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
        return await self._resume(None)

    async def _resume(self, paused_at: str | None) -> bool:
        """Lift the pause (with `paused_at`, only that one: a later 402 paused anew)."""
        only = "" if paused_at is None else " AND value = ?"
        params = (PAUSE_KEY,) if paused_at is None else (PAUSE_KEY, paused_at)
        async with self._db.transaction() as conn:
            cursor = await conn.execute(f"DELETE FROM bot_state WHERE key = ?{only}", params)
            cleared = cursor.rowcount == 1
        return cleared


def _moment(stored: str) -> float:
    """When the pause began, as stored; the distant past if unreadable (any submit resumes)."""
    try:
        return float(stored)
    except ValueError:
        return float("-inf")
