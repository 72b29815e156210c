"""What the bot remembers of members' request messages lately, and how it answers one.

A refused message is remembered so an edit that mends it is read again (`cogs._refusals`);
each answer counts toward its limit. Where the bot cannot reply, answers go by DM, each kind
at most once a while, and never to a member whose DMs refused the bot lately.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import discord

from cogs._message_media import attachment_ids
from cogs._origins import PRIVATE_NOTE_LIFETIME, MessageOrigin
from cogs._recent import SeenLately
from cogs._refusals import RecentRefusals, Refusal
from cogs._thread_parents import ThreadParents

if TYPE_CHECKING:
    from bot.app import VideoBot

# Where the bot cannot reply (no Send Messages there), a member's answers go by DM at most
# this often (seconds): each refused post and DM counts toward Discord's invalid requests.
DM_INSTEAD_EVERY = 600.0


class RequestMemory:
    """Members' request messages lately: refusals, notes up, DMs sent or refused."""

    def __init__(self, bot: VideoBot) -> None:
        # Requests refused lately, so an edit that fixes one is read again.
        self.refusals = RecentRefusals()
        # Refusals still up in a channel, by member and kind (`MessageOrigin.tell_refusal`).
        self._refused_here = SeenLately(PRIVATE_NOTE_LIFETIME, time.monotonic)
        # What members were answered by DM lately where the bot cannot reply (each kind of
        # answer once: a help does not silence the refusal after it).
        self._dm_instead = SeenLately(DM_INSTEAD_EVERY, time.monotonic)
        # Members whose DMs refused the bot lately: not tried again meanwhile, whatever it is.
        self._dms_closed = SeenLately(DM_INSTEAD_EVERY, time.monotonic)
        # The channels of threads the bot does not hold yet.
        self.thread_parents = ThreadParents(bot)

    def refused(
        self,
        message: discord.Message,
        *,
        helped: bool,
        pictures: tuple[str, ...] | None = None,
    ) -> None:
        """Remember a refused message, so an edit fixing it is read; `pictures`: refused for
        its links alone, the pictures its previews showed when it was read (a preview Discord
        adds later, even while its links were fetched, may fix it)."""
        sent_at = message.created_at.timestamp()
        refusal = Refusal(message.content, helped, sent_at, attachment_ids(message), pictures)
        self.refusals.remember(message.id, refusal)

    def _may_dm(self, user_id: int, key: str) -> bool:
        """Whether an answer of `key` may go to the member by DM now: not if their DMs
        refused the bot lately, nor if they were sent one of its kind lately."""
        return not self._dms_closed.seen(user_id) and self._dm_instead.first((user_id, key))

    def origin(self, message: discord.Message, **options: Any) -> MessageOrigin:
        """The way to answer `message`, every reply counted toward `MAX_ANSWERS`."""
        return MessageOrigin(
            message,
            parent_channel_id=self.thread_parents.get(message.channel.id),
            on_told=functools.partial(self.refusals.told, message.id),
            dm_instead=functools.partial(self._may_dm, message.author.id),
            dm_refused=functools.partial(self._dms_closed.first, message.author.id),
            refusal_here=lambda key: self._refused_here.first(
                (message.channel.id, message.author.id, key)
            ),
            **options,
        )

    def refused_by_rules(self, message: discord.Message, *, helped: bool) -> Callable[[], None]:
        """What a rule refusing the job at record time (a reserved option, a banned word)
        does: remember the message, so an edit that mends it is read."""
        return functools.partial(self.refused, message, helped=helped)
