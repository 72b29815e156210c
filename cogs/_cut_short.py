"""Answering the member of a request a stop cuts short before its job was saved."""

from __future__ import annotations

import asyncio
import contextlib
from types import TracebackType
from typing import TYPE_CHECKING

from bot.engine.pool import LAST_WORD
from bot.i18n import msg
from cogs._origins import Origin

if TYPE_CHECKING:
    from bot.app import VideoBot


async def cut_short(origin: Origin) -> None:
    """A stop's grace ran out before the job was saved (its links still being read, the
    database slow): the member, left with "thinking..." (or no answer at all) for good, might
    never know to ask again. They hear the bot is restarting (or, cut off while saving, to look
    before asking again), and get what they typed back (`Origin.give_back`). Bounded: the stop
    waits for this only a moment. A job saved already says so itself
    (`_record_announce_submit`), and an echo leaves the answer to the other process."""
    if origin.told or origin.kept or origin.echo:
        return
    said = msg("job_save_unknown") if origin.recording else msg("bot_restarting")
    with contextlib.suppress(Exception):
        async with asyncio.timeout(LAST_WORD):
            await origin.tell(said)
            await origin.give_back()


def answered_if_cut_short(bot: VideoBot, origin: Origin) -> AnsweredIfCutShort:
    """From here on (the request acknowledged) a stop waits for the request, within its grace,
    and one that cuts it short has its member told (`cut_short`). Begun once the stop has, it is
    not waited for (the wait may be over): `queue_request` turns it away before anything is
    saved."""
    return AnsweredIfCutShort(bot, origin)


class AnsweredIfCutShort:
    """`answered_if_cut_short`, as a plain class: it wraps every request from its
    acknowledgement on, and a generator-based one cost a burst measurably more CPU."""

    __slots__ = ("_bot", "_in_flight", "_origin")

    def __init__(self, bot: VideoBot, origin: Origin) -> None:
        self._bot, self._origin = bot, origin
        self._in_flight: contextlib.AbstractAsyncContextManager[None] | None = None

    async def __aenter__(self) -> None:
        if self._bot.closing:
            return
        self._in_flight = self._bot.command_in_flight()
        await self._in_flight.__aenter__()

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._in_flight is not None:
            await self._in_flight.__aexit__(kind, error, trace)
        if kind is not None and issubclass(kind, asyncio.CancelledError):
            await cut_short(self._origin)
