"""Where a request came from, and how to answer the member there.

An `Origin` is a slash command, a context menu or its modal (an interaction: private
answers), or a reply to a message (no interaction: answers are channel replies that
ping only the member).
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import aiohttp
import discord

from bot.apimart.models import VideoRequest
from bot.i18n import Message, locale_written, msg, t
from bot.jobs.models import MessageRef, Requester
from bot.moderation.rules import PUBLIC_WORDING
from bot.reach import TOKEN_SAFETY_MARGIN, Reply
from bot.text import MESSAGE_CONTENT, NO_MENTIONS, fit
from cogs._answers import answer_privately, answered, answered_first
from cogs._from_discord import role_ids, thread_parent_id, where_key
from cogs._names import roles_by_name
from cogs._origin_ids import answer_nonce, interaction_origin_id, message_origin_id
from cogs._permissions import bot_cannot_post, member_may_post
from cogs._reach import place_of, reply_for, token_expiry

if TYPE_CHECKING:
    from bot.app import VideoBot

log = logging.getLogger(__name__)


class Origin(ABC):
    """Where a request came from, and how to answer the member there."""

    # When the channel announcement already tells the member everything (replies).
    announcement_answers: bool = False
    # How the news goes back where the bot cannot post in the channel (None: it can).
    reply: Reply | None = None
    # The message of the last private answer, where it can be edited later.
    answer_id: int | None = None
    # Discord refused this process's acknowledgement: the same command reached another process
    # (a deploy overlap), which answered first and tells the member of a refusal.
    echo: bool = False
    # Whether the member was answered yet (a stop that cuts the command short says so if not).
    told: bool = False
    # Called when a rule refuses the job as it is recorded (a message's request, which an edit
    # may mend, is then read again).
    on_refused: Callable[[], None] | None = None
    # What the request goes ahead without (links and files of no use): told once the job is
    # recorded or its cost question asked, never as a promise before a refusal.
    left_out: Message | None = None
    # How the prompt was made where it is not just what the member typed (a reply's, from the
    # words it replies to: cut to fit, or unreadable): told with `left_out`, and as sure.
    prompt_note: Message | None = None
    # How the member's files are used, where the options they chose do not say it (a clip put
    # in an image option): told with "queued", once the job went ahead.
    files_used: Message | None = None
    # Its job is being recorded: a stop cutting it short now cannot tell whether it was.
    recording: bool = False
    # The request is kept: its job recorded, or its cost question asked (which holds it).
    # Whatever the member reads after that, no refusal lost what they typed.
    kept: bool = False
    # Sentences said otherwise from here, by key, where their advice cannot be followed: a
    # reserved option where none is chosen (`FIXED_OPTIONS_WORDING`: Regenerate, Confirm), a
    # message's files the member cannot change (`FIXED_FILES_WORDING`: the menu, a reply).
    wording: Mapping[str, str] = MappingProxyType({})
    # Asked what its video is expected to cost before anything is recorded, whatever the
    # server's threshold (`Requester.asks_cost_first`: Regenerate or Edit prompt on another
    # member's video), and the question that says why.
    asks_cost_first: bool = False
    cost_question: str = "confirm_ask_cost"

    def worded(self, message: Message) -> Message:
        """`message` as said from here (`wording`)."""
        key = self.wording.get(message.key)
        return message if key is None else Message(key, message.values)

    def question_lasts(self, wanted: float, now: float) -> float:
        """How long a cost question asked `now` stays open: `wanted` (CONFIRM_TIMEOUT) where
        the bot edits it with its own token (a channel reply)."""
        return wanted

    async def tell_left_out(self) -> None:
        """Say how its prompt was made and what the request goes ahead without, if anything
        (once).

        An aside, not the member's answer: it leaves `told` as it was (a stop after it still
        says the job is saved), and Discord refusing it does not stop the job's announcement
        and submit."""
        notes = [note for note in (self.prompt_note, self.left_out) if note is not None]
        self.prompt_note = self.left_out = None
        answered = self.told
        try:
            for note in notes:
                await self.tell(note)
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError):
            log.warning("Could not tell the member what their request goes without", exc_info=True)
        finally:
            self.told = answered

    def choose_reply(self, request: VideoRequest, now: float) -> None:
        """Decide, before recording, which way this request's news will go (the channel's)."""
        self.reply = None

    async def give_back(self) -> None:
        """What the member typed, after a refusal told, where Discord cleared it (a command
        box, a closed form); nothing where it stays (a message)."""
        return

    @property
    @abstractmethod
    def locale(self) -> str:
        """The language to answer in."""

    @property
    @abstractmethod
    def user(self) -> discord.abc.User:
        """The member who asked."""

    @abstractmethod
    def requester(self) -> Requester:
        """Who asked, where the answer goes, and where the media came from."""

    @abstractmethod
    def bot_cannot_post(self) -> Message | None:
        """Why the bot cannot post its status and result here (None: it can)."""

    def member_may_post(self) -> bool:
        """Whether the member may post where the bot would post for them (a mention was itself
        a post: yes)."""
        return True

    def posted_where(self, note: Message) -> Message:
        """`note`, saying where its video is posted (its `where`) as the place asked in: a
        thread or a forum post, not "this channel"."""
        if "where" not in note.values:
            return note
        return Message(note.key, {**note.values, "where": msg(where_key(self.channel))})

    @property
    def channel(self) -> object:
        """Where the request was made (a channel, thread, or DM), if known."""
        return None

    def cannot_post_here(self) -> Message | None:
        """Why the member's video would not be posted here (None: it would): the member may
        not post where the bot posts for them, or the bot cannot post there."""
        if not self.member_may_post():
            return msg("member_cannot_post_here")
        return self.bot_cannot_post()

    @abstractmethod
    async def acknowledge(self) -> None:
        """Tell Discord the request is being handled, before the slow part."""

    @abstractmethod
    async def tell(self, message: Message) -> None:
        """Answer the member (privately where Discord allows it)."""

    async def tell_refusal(self, message: Message) -> None:
        """Tell the member a rule refuses their request (`tell`, unless said otherwise)."""
        await self.tell(message)

    @abstractmethod
    async def announce(self, content: str, nonce: str) -> discord.Message | None:
        """Post the job's status message with the bot's own token (with `nonce`: a repeat
        finds it); None where it cannot."""

    async def ask(self, content: str, view: discord.ui.View) -> discord.Message | None:
        """Put a question with buttons to the member (acknowledged first); None where this
        origin cannot, and then nothing is asked."""
        return None

    @property
    def reply_to_id(self) -> int | None:
        """The message the job's status message replies to, if any."""
        return None


class InteractionOrigin(Origin):
    """A slash command, a context menu or a modal: answers are ephemeral."""

    def __init__(
        self,
        interaction: discord.Interaction[VideoBot],
        *,
        sources: tuple[MessageRef, ...] = (),
        reply_to: discord.Message | None = None,
    ) -> None:
        self.interaction = interaction
        self.sources = sources
        self.reply_to = reply_to
        self.place = place_of(interaction)
        # Discord holds an initial response (this process's, or another's for an echo).
        self.acknowledged = False

    @property
    def locale(self) -> str:
        """The member's Discord language."""
        return str(self.interaction.locale)

    @property
    def user(self) -> discord.abc.User:
        """The member who used the command."""
        return self.interaction.user

    @property
    def channel(self) -> object:
        """Where the command was used."""
        return self.interaction.channel

    def requester(self) -> Requester:
        """Built from the interaction."""
        interaction = self.interaction
        return Requester(
            user_id=interaction.user.id,
            channel_id=interaction.channel_id or 0,
            # Outside a server the bot is in, the member's personal allowance applies.
            guild_id=self.place.rules_guild_id,
            locale=self.locale,
            sources=self.sources,
            role_ids=role_ids(interaction.user) if self.place.rules_guild_id else (),
            origin_id=interaction_origin_id(interaction),
            reply=self.reply,
            parent_channel_id=thread_parent_id(interaction.channel),
            asks_cost_first=self.asks_cost_first,
        )

    def question_lasts(self, wanted: float, now: float) -> float:
        """`wanted`, but no longer than the interaction's token is used: the question is its
        answer, marked expired through that token, whose 15 minutes began with the command,
        not with the question."""
        usable = token_expiry(self.interaction, now) - TOKEN_SAFETY_MARGIN - now
        return max(min(wanted, usable), 0.0)

    def choose_reply(self, request: VideoRequest, now: float) -> None:
        """Where the bot cannot post with its own token: answer through the interaction or DM."""
        self.reply = reply_for(self.interaction, request.resolution, now)

    def bot_cannot_post(self) -> Message | None:
        """From the interaction's app permissions, where the bot posts with its own token."""
        interaction = self.interaction
        if not self.place.server_installed:
            # DMs, group DMs, other servers: the bot posts nothing there with its own token.
            return None
        if not self.place.bot_in_server:
            # The server added only its commands (or kicked it and kept them): no permission
            # brings it in, and every post there would be refused (403 50001).
            return msg("commands_only_server")
        return bot_cannot_post(interaction.guild, interaction.channel, interaction.app_permissions)

    def member_may_post(self) -> bool:
        """Where the bot posts with its own token, only for a member who may post there too:
        Discord offers commands, menus and buttons in a read-only channel (announcements), and
        the bot's status and result would otherwise go where the member cannot write."""
        if not self.place.server_installed:
            return True  # the interaction's own answers: Discord decides who may see them
        return member_may_post(self.interaction)

    async def acknowledge(self) -> None:
        """Defer privately ("thinking..."), unless a modal submit already did.

        If Discord says another process acknowledged this interaction first, this one is the
        echo: it goes on quietly (follow-ups work from any process holding the token).
        """
        if self.acknowledged or answered(self.interaction):
            return
        self.echo = not await answered_first(self.defer, self.interaction)
        self.acknowledged = True

    async def defer(self) -> None:
        """The acknowledgement itself: a private "thinking..." the answer replaces."""
        await self.interaction.response.defer(ephemeral=True, thinking=True)

    async def tell(self, message: Message) -> None:
        """An ephemeral answer."""
        message = self.worded(message)
        answered = await answer_privately(self.interaction, message, acknowledged=self.acknowledged)
        self.answer_id = answered or self.answer_id
        self.told = True

    async def ask(self, content: str, view: discord.ui.View) -> discord.Message | None:
        """An ephemeral question (the deferred answer becomes it)."""
        text = fit(content, MESSAGE_CONTENT)
        return await self.interaction.followup.send(
            text, ephemeral=True, view=view, allowed_mentions=NO_MENTIONS, wait=True
        )

    @property
    def reply_to_id(self) -> int | None:
        """The message the media came from (a context menu)."""
        return self.reply_to.id if self.reply_to is not None else None

    async def announce(self, content: str, nonce: str) -> discord.Message | None:
        """A channel message, replying to the message the media came from if there is one."""
        if self.reply is not None:
            # The bot is no member here: the status is the member's private answer instead.
            return None
        channel = self.interaction.channel
        if not isinstance(channel, discord.abc.Messageable):
            return None
        if self.reply_to is None:
            return await channel.send(content, allowed_mentions=NO_MENTIONS, nonce=nonce)
        reference = self.reply_to.to_reference(fail_if_not_exists=False)
        return await channel.send(
            content, reference=reference, allowed_mentions=NO_MENTIONS, nonce=nonce
        )


# The language Discord sends for a server that chose none (only Community servers can choose;
# in one, it is what was chosen).
SERVER_LOCALE_UNSET = discord.Locale.american_english

# A reply meant for one member removes itself after this long.
PRIVATE_NOTE_LIFETIME = 60.0


class MessageOrigin(Origin):
    """A reply that mentions the bot: every answer is a reply to it that pings only the member."""

    announcement_answers = True

    def __init__(
        self,
        message: discord.Message,
        *,
        sources: tuple[MessageRef, ...] = (),
        on_refused: Callable[[], None] | None = None,
        on_told: Callable[[], None] | None = None,
        dm_instead: Callable[[str], bool] | None = None,
        dm_refused: Callable[[], object] | None = None,
        refusal_here: Callable[[str], bool] | None = None,
        parent_channel_id: int | None = None,
    ) -> None:
        self.message = message
        self.sources = sources
        # The channel of the message's thread, read from Discord where the bot holds neither
        # (a server not loaded yet): its rules apply.
        self.parent_channel_id = parent_channel_id
        self.on_refused = on_refused
        # Called for every reply to the message (edits of it are read again a bounded number
        # of times, counted in replies).
        self.on_told = on_told
        # Whether the member may be answered by DM now with an answer of this key, where the
        # channel refuses the bot (None: always).
        self.dm_instead = dm_instead
        # Called when the member's DMs refuse the bot (no DM is tried again for a while).
        self.dm_refused = dm_refused
        # Whether a refusal of this key may be posted in the channel now (None: always).
        self.refusal_here = refusal_here

    @property
    def channel(self) -> object:
        """Where the message was posted."""
        return self.message.channel

    @property
    def locale(self) -> str:
        """No interaction tells the member's language: the server's preferred one is used,
        and where there is none the language the member wrote in (a DM; a server that is not
        a Community server, which cannot choose one: Discord sends the default, en-US). A
        Community server's en-US is a choice like any other, and is kept."""
        guild = self.message.guild
        if guild is not None and (
            "COMMUNITY" in guild.features or guild.preferred_locale is not SERVER_LOCALE_UNSET
        ):
            return str(guild.preferred_locale)
        return locale_written(self.message.content)

    @property
    def user(self) -> discord.abc.User:
        """The reply's author."""
        return self.message.author

    def requester(self) -> Requester:
        """Built from the reply."""
        message = self.message
        return Requester(
            user_id=message.author.id,
            channel_id=message.channel.id,
            guild_id=message.guild.id if message.guild is not None else None,
            locale=self.locale,
            sources=self.sources,
            role_ids=role_ids(message.author),
            origin_id=message_origin_id(message),
            parent_channel_id=thread_parent_id(message.channel) or self.parent_channel_id,
        )

    def bot_cannot_post(self) -> Message | None:
        """From the bot's member and permissions in the channel, as cached from the gateway."""
        channel = self.message.channel
        guild = self.message.guild
        if guild is None or not isinstance(channel, discord.abc.GuildChannel | discord.Thread):
            return None
        return bot_cannot_post(guild, channel, channel.permissions_for(guild.me))

    async def acknowledge(self) -> None:
        """Nothing to acknowledge without an interaction."""

    async def tell(self, message: Message, *, delete_after: float | None = None) -> None:
        """A reply that pings the member and nobody else, whatever it quotes.

        `delete_after`: a note only for them (a help hint) removes itself after that long.
        """
        mentions = discord.AllowedMentions(
            everyone=False, roles=False, users=[self.message.author], replied_user=True
        )
        public = PUBLIC_WORDING.get(message.key)
        if public is not None:
            # A reply is public: said without what is the member's alone, and not left up.
            message = msg(public)
            delete_after = delete_after or PRIVATE_NOTE_LIFETIME
        message = self.worded(message)
        self.told = True
        text = fit(message.render(self.locale), MESSAGE_CONTENT)
        # In a deploy overlap both processes read the message and answer it alike: with one
        # nonce, Discord keeps the first answer and hands it back to the other.
        nonce = answer_nonce(self.message, message.key)
        if not self._may_reply_here():
            # Discord would refuse it (each refusal counts toward an IP ban): no post.
            await self._tell_by_dm(text, nonce, message.key, delete_after=delete_after)
            return
        if self.on_told is not None:
            self.on_told()
        try:
            if delete_after is None:
                await self._reply(text, allowed_mentions=mentions, nonce=nonce)
            else:
                await self._reply(
                    text, allowed_mentions=mentions, delete_after=delete_after, nonce=nonce
                )
        except discord.Forbidden:
            # The channel refuses the bot (often what the answer is about): their DMs, then
            # (the same answer: counted once).
            await self._tell_by_dm(
                text, nonce, message.key, counted=True, delete_after=delete_after
            )
        except discord.HTTPException as error:
            log.warning("Could not answer user %d's reply (%s)", self.message.author.id, error)

    async def tell_refusal(self, message: Message) -> None:
        """In a server, a public note that removes itself as the block note does, and only one
        of its kind up at a time: a refused member posting mention after mention does not make
        the bot answer each one."""
        if self.message.guild is None:
            await self.tell(message)
            return
        if self.refusal_here is not None and not self.refusal_here(message.key):
            log.info("User %d: refused again while the last note is up", self.message.author.id)
            return
        await self.tell(message, delete_after=PRIVATE_NOTE_LIFETIME)

    def _may_reply_here(self) -> bool:
        """Whether the bot's permissions here, as cached from the gateway, let it reply."""
        channel = self.message.channel
        guild = self.message.guild
        if guild is None or not isinstance(channel, discord.abc.GuildChannel | discord.Thread):
            return True
        allowed = channel.permissions_for(guild.me)
        thread = channel if isinstance(channel, discord.Thread) else None
        send = allowed.send_messages_in_threads if thread is not None else allowed.send_messages
        if thread is not None and thread.locked and not allowed.manage_threads:
            # A locked thread takes posts only from Manage Threads (else 400 160005), a
            # moderator's mention there included.
            return False
        # A reply needs the history it refers to (Discord refuses it otherwise: 160002).
        return allowed.view_channel and send and allowed.read_message_history

    async def _tell_by_dm(
        self,
        text: str,
        nonce: str,
        key: str,
        *,
        counted: bool = False,
        delete_after: float | None = None,
    ) -> None:
        """The answer by DM, where it cannot go in the channel: it names the channel ("this
        channel" read in a DM is the DM), and a note that deletes itself does so there too."""
        if self.dm_instead is not None and not self.dm_instead(key):
            log.info("Not answering user %d by DM again so soon", self.message.author.id)
            return
        if self.on_told is not None and not counted:
            self.on_told()
        if self.message.guild is not None:
            where = t("dm_about_channel", self.locale, channel_id=self.message.channel.id)
            # A DM is in no server: a rule's roles ("reserved for @Supporter") said by name.
            text = roles_by_name(text, self.message.guild)
            text = fit(f"{where}\n{text}", MESSAGE_CONTENT)
        try:
            if delete_after is None:
                await self.message.author.send(text, allowed_mentions=NO_MENTIONS, nonce=nonce)
            else:
                await self.message.author.send(
                    text, allowed_mentions=NO_MENTIONS, nonce=nonce, delete_after=delete_after
                )
        except discord.Forbidden as error:
            if self.dm_refused is not None:
                self.dm_refused()
            log.warning("Could not answer user %d's reply (%s)", self.message.author.id, error)
        except discord.HTTPException as error:
            log.warning("Could not answer user %d's reply (%s)", self.message.author.id, error)

    async def ask(self, content: str, view: discord.ui.View) -> discord.Message | None:
        """A reply with the buttons, pinging the member and nobody else."""
        mentions = discord.AllowedMentions(
            everyone=False, roles=False, users=[self.message.author], replied_user=True
        )
        text = fit(content, MESSAGE_CONTENT)
        # Read by two processes (a deploy overlap), the message is asked once: Discord hands
        # the second the first's question (`ask_to_confirm` then drops its own).
        nonce = answer_nonce(self.message, "confirm_ask")
        return await self._reply(text, view=view, allowed_mentions=mentions, nonce=nonce)

    @property
    def reply_to_id(self) -> int | None:
        """The member's own message: the status replies to it."""
        return self.message.id

    async def announce(self, content: str, nonce: str) -> discord.Message | None:
        """The status message, as a reply in the reply's thread: the member's answer too."""
        posted = await self._reply(content, allowed_mentions=NO_MENTIONS, nonce=nonce)
        self.told = True
        return posted

    async def _reply(self, content: str, **fields: Any) -> discord.Message:
        """`content` as a reply to the member's message, or a plain post in its channel once
        that message is gone (deleted by its member, AutoMod, or a proxy bot reposting it while
        its links were read): Discord refuses a reply to a deleted message, and the job it asked
        for goes ahead all the same, so its status and answers must still be seen."""
        reference = self.message.to_reference(fail_if_not_exists=False)
        return await self.message.channel.send(content, reference=reference, **fields)
