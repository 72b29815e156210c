"""Short notes on how to ask, for messages that mention the bot but are no request.

A mention with no real prompt (`is_bare_prompt`: too short to describe a scene, or only
greetings, thanks and reactions such as "thx @Bot 🔥", which replies to a result are full of),
a DM without the mention, or the bot's role mentioned where the bot cannot read the message:
each gets a short note addressed to the member only, deleted after `HELP_LIFETIME` seconds so
it does not clutter the channel, and not again while one is up or was given lately.
"""

from __future__ import annotations

import dataclasses
import time
from typing import TYPE_CHECKING

import discord

from bot.i18n import msg
from bot.invisible import has_visible
from bot.jobs.chatter import is_bare_prompt
from bot.jobs.flags import parse_flags, parse_request_flags
from bot.jobs.links import without_links
from bot.jobs.markup import spoken
from bot.jobs.models import JobRefused
from bot.jobs.quoted import directed
from bot.jobs.validation import MAX_PROMPT_LENGTH, VideoOptions, refuse_links_alone
from bot.text import CODE_CHARS, code
from cogs._addressing import addressed_text
from cogs._before_recording import refused_before_fetching
from cogs._message_media import message_media
from cogs._names import names_in
from cogs._origins import PRIVATE_NOTE_LIFETIME, MessageOrigin
from cogs._recent import SeenLately
from cogs._request_memory import RequestMemory

if TYPE_CHECKING:
    from bot.app import VideoBot

# The help reply to a bare mention is for one member: it leaves the channel after a minute.
HELP_LIFETIME = PRIVATE_NOTE_LIFETIME
# A DM without the mention is shown how to ask at most this often (seconds) per member.
DM_HELP_EVERY = 600.0
# A member who mentions the bot's role, unreadable without Message Content, is told so at most
# this often (seconds): the bot cannot tell a request from "thanks @Role".
ROLE_HINT_EVERY = 600.0


class HelpNotes:
    """The notes on how to ask, and who was given one lately."""

    def __init__(self, bot: VideoBot, memory: RequestMemory) -> None:
        self.bot = bot
        self._memory = memory
        # Members shown how to ask in a DM lately (`dm_help`).
        self._dm_helped = SeenLately(DM_HELP_EVERY, time.monotonic)
        # Members told lately to mention the bot, not its role (`role_hint`).
        self._role_hinted = SeenLately(ROLE_HINT_EVERY, time.monotonic)
        # Members whose help is still up in a channel (one at a time: bare mentions in a row
        # get no reply each).
        self._helped_here = SeenLately(HELP_LIFETIME, time.monotonic)

    def unread_call_through_role(self, message: discord.Message) -> bool:
        """A message that mentions the bot's role, blank to the bot: without Message Content,
        Discord shows the text of messages that mention the bot itself only."""
        role = message.guild.self_role if message.guild is not None else None
        return (
            role is not None
            and role in message.role_mentions
            and not self.bot.settings.message_content_intent
            and not message.content
        )

    async def role_hint(self, message: discord.Message, me: discord.ClientUser) -> None:
        """Mention the bot, not its role: now and then."""
        await self._help_now_and_then(message, me, "role_mention_needs_intent", self._role_hinted)

    async def dm_help(self, message: discord.Message, me: discord.ClientUser) -> None:
        """A DM without the mention: how to ask, now and then. It is not read as a request:
        "can you make longer videos?" would be a paid video of that question."""
        # A picture sent or forwarded (a forward can carry no mention): how to use that one.
        media = message_media(message, self.bot.cdn_origins)
        key = "dm_help_pictures" if media.attachments or media.shown_urls else "dm_help"
        await self._help_now_and_then(message, me, key, self._dm_helped)

    async def _help_now_and_then(
        self, message: discord.Message, me: discord.ClientUser, key: str, told_lately: SeenLately
    ) -> None:
        """Say `key` to the member unless `told_lately` says they were told it lately."""
        told = told_lately.first(message.author.id)
        # The help says how to ask: an edit doing so is read.
        self._memory.refused(message, helped=True)
        if told:
            # Named as typing @ offers it: by its nickname in a server that gave it one.
            shown = message.guild.me if message.guild is not None else me
            # Inside a code span, as typed: an escaped `Omni\_Bot` is no name @ offers.
            name = code(shown.display_name, CODE_CHARS)
            await self._memory.origin(message).tell(msg(key, bot=name), delete_after=HELP_LIFETIME)

    async def options_or_help(
        self,
        origin: MessageOrigin,
        message: discord.Message,
        me: discord.ClientUser,
        help_key: str,
        *,
        helped_before: bool,
        quoted: str = "",
        forwarded: bool = False,
    ) -> VideoOptions | None:
        """The message's prompt and flags; None once the member was told why not (a flag
        that cannot be read, flags or links with no words, as /video says it, unless the rules
        refuse the member whatever they ask: then that, as the one note that goes away; or no
        real prompt: then the short help, which goes away, and only once per message: an edit
        that is still no request is not answered again).

        `quoted`: the words of the message of words alone it replies to (`cogs._replied_words`;
        `forwarded`: the forward it comments), the scene its own words direct
        (`bot.jobs.quoted`); with no words of its own (a bare mention, flags or links alone),
        the prompt, unless they are no real prompt either."""
        # Flags with no words of the member's own are settings for the quoted words.
        filmable = bool(quoted) and not is_bare_prompt(quoted)
        try:
            text = addressed_text(me, message.guild, message.content)
            options = parse_flags(text) if filmable else parse_request_flags(text)
            # Before any link is fetched: a request without words is refused whatever it links
            # (the quoted words are words: its links are then references, as a picture is).
            if not filmable:
                refuse_links_alone(options.prompt)
        except JobRefused as error:
            self._memory.refused(message, helped=helped_before)
            if not await refused_before_fetching(self.bot, origin, links=0):
                await origin.tell(error.user_message)
            return None
        options = dataclasses.replace(options, prompt=without_links(options.prompt))
        if filmable and not has_visible(options.prompt):
            return self._directed(origin, options, quoted, "", forwarded=forwarded)
        if is_bare_prompt(options.prompt):
            self._memory.refused(message, helped=True)
            # Once per message, and one help up at a time per member in a channel.
            helped_here = (message.channel.id, message.author.id, help_key)
            if not helped_before and self._helped_here.first(helped_here):
                bot = code(me.name, CODE_CHARS)
                await origin.tell(msg(help_key, bot=bot), delete_after=HELP_LIFETIME)
            return None
        prompt = spoken(options.prompt, names_in(message, message.author), limit=MAX_PROMPT_LENGTH)
        return self._directed(origin, options, quoted, prompt, forwarded=forwarded)

    @staticmethod
    def _directed(
        origin: MessageOrigin,
        options: VideoOptions,
        quoted: str,
        direction: str,
        *,
        forwarded: bool,
    ) -> VideoOptions:
        """`options` with the `quoted` words (replied to, or `forwarded`) and the member's
        `direction` as the prompt; the member is told once it goes ahead if the quoted words
        were cut to fit."""
        prompt, cut = directed(quoted, direction, limit=MAX_PROMPT_LENGTH)
        if cut:
            key = "forward_words_cut" if forwarded else "reply_words_cut"
            origin.prompt_note = msg(key, limit=MAX_PROMPT_LENGTH)
        return dataclasses.replace(options, prompt=prompt)

    async def source_needs_intent(
        self, origin: MessageOrigin, message: discord.Message, *, forward: bool
    ) -> None:
        """Say that the replied-to message (the `forward` a comment came with) is hidden without
        the intent. Every such request is refused alike: one note up at a time per member in a
        channel, gone after a minute."""
        key = "forward_needs_intent" if forward else "reply_needs_intent"
        told_here = (message.channel.id, message.author.id, key)
        if self._helped_here.first(told_here):
            await origin.tell(msg(key), delete_after=HELP_LIFETIME)
