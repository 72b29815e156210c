"""How far the bot's clock is from Discord's, to compare our times with message timestamps.

Every process takes its clock from the database (`bot/engine/clock.py`), so a database host
whose clock runs minutes off puts ours minutes off Discord's too. The search for a result
posted before a crash compares the job's times with Discord's timestamps: it learns the
difference from the `Date` header of Discord's answers (to the second, plenty for a search
that allows two minutes).
"""

from __future__ import annotations

import email.utils
from collections.abc import Callable
from types import SimpleNamespace

import aiohttp


class DiscordClock:
    """Our times as Discord's clock reads them, learned from its answers."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        # Seconds our clock runs ahead of Discord's (negative: behind); 0 until an answer.
        self.ahead = 0.0

    def to_discord(self, moment: float) -> float:
        """`moment` (by our clock) as Discord's clock read it."""
        return moment - self.ahead

    def observe(self, date: str | None) -> None:
        """Learn from one answer's `Date` header; a missing or garbled one teaches nothing."""
        if not date:
            return
        try:
            told = email.utils.parsedate_to_datetime(date).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            return
        # The header is cut to the whole second: Discord's time was up to a second past it.
        self.ahead = self._clock() - (told + 0.5)

    def trace(self) -> aiohttp.TraceConfig:
        """For discord.py's `http_trace`: every answer from Discord is observed."""
        config = aiohttp.TraceConfig()

        async def on_request_end(
            session: aiohttp.ClientSession,
            context: SimpleNamespace,
            params: aiohttp.TraceRequestEndParams,
        ) -> None:
            self.observe(params.response.headers.get("Date"))

        config.on_request_end.append(on_request_end)
        return config
