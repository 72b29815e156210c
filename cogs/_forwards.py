"""Forwards sent with a comment: Discord's client posts the forward, then the comment as a
message of its own (a forward carries no text). To the member they are one gesture: a comment
that starts with the bot's mention asks for a video from what was forwarded."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import discord

# How soon after its forward a comment comes: the client sends both at once.
COMMENT_WINDOW = 10.0
# How long a comment stays tied to its forward: an edit mending a refused one is read again
# within 10 minutes (`cogs._refusals`).
TIED_FOR = 600.0


@dataclass
class _Forward:
    message: discord.Message
    at: float
    comment_id: int | None = None
    # Whether its comment starts with the bot's mention (a request); set once it came.
    comment_asks: bool = False
    commented: asyncio.Event = field(default_factory=asyncio.Event)


def is_forward(message: discord.Message) -> bool:
    """Whether `message` forwards another (its pictures and words are in its snapshot)."""
    reference = message.reference
    return reference is not None and reference.type is discord.MessageReferenceType.forward


class RecentForwards:
    """Each member's last forward in a channel, until their next message there (its comment)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._last: dict[tuple[int, int], _Forward] = {}

    def seen(self, message: discord.Message, *, asks: bool = False) -> discord.Message | None:
        """Note `message` (any message a member sends; `asks`: it starts with the bot's
        mention); the forward it is the comment of, if it is one: the member's next message in
        that channel, sent with it. Asked again for the same comment (an edit), the same
        forward."""
        now = self._clock()
        self._forget_before(now - TIED_FOR)
        key = (message.channel.id, message.author.id)
        last = self._last.get(key)
        if is_forward(message):
            # Moved to the end: the forwards stay in the order they came (`_forget_before`).
            self._last.pop(key, None)
            self._last[key] = _Forward(message, now)
            return None
        if last is None or message.id < last.message.id:
            return None  # (an edit of a message from before the forward)
        if last.comment_id == message.id:
            return last.message
        if last.comment_id is None and now - last.at <= COMMENT_WINDOW:
            last.comment_id = message.id
            last.comment_asks = asks
            last.commented.set()
            return last.message
        # Anything else the member says there ends the forward's comment.
        del self._last[key]
        return None

    async def asked_in_comment(self, forward: discord.Message) -> bool:
        """Whether `forward`'s comment asks for a video, waiting for it as long as one may come
        (`COMMENT_WINDOW`): the note on how to use a forward must not flash up just before
        the video its comment asks for starts."""
        last = self._last.get((forward.channel.id, forward.author.id))
        if last is None or last.message.id != forward.id:
            return False  # the member said something else meanwhile (no request by mention)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(last.commented.wait(), COMMENT_WINDOW)
        return last.comment_asks

    def _forget_before(self, moment: float) -> None:
        # Oldest first, up to the first one young enough: run for every message the bot sees,
        # it must not walk every forward of the last minutes each time.
        while self._last:
            key, forward = next(iter(self._last.items()))
            if forward.at >= moment:
                return
            del self._last[key]
