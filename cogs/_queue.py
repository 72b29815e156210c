"""The one path every entry point takes: validate, check permissions, acknowledge, queue, announce.

An `Origin` is where a request came from and how to answer there: a slash command, a context
menu or its modal (an interaction: private answers), or a reply to a message (no interaction:
answers are channel replies that ping only the member).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import logging
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from types import TracebackType
from typing import TYPE_CHECKING, Any

import aiohttp
import discord

from bot.apimart.models import VideoRequest
from bot.discord_refusals import closed_to_the_bot
from bot.engine.pool import LAST_WORD
from bot.i18n import Listed, Message, Plural, locale_written, msg, plural, t
from bot.jobs.media import CollectedMedia, Skipped, skipped_note
from bot.jobs.models import (
    AlreadyRecorded,
    Job,
    JobRefused,
    JobState,
    MediaInput,
    MessageRef,
    Requester,
)
from bot.jobs.pricing import UNKNOWN_LENGTH, Estimate, expected_cost
from bot.jobs.service import HOLD_DISCORD
from bot.jobs.typical import usually_ready
from bot.jobs.validation import VideoOptions, clip_taken_as_video, validate
from bot.log_context import bound
from bot.moderation.pending import ConfirmationNeeded
from bot.moderation.periods import stamp_wait
from bot.moderation.rules import PUBLIC_WORDING
from bot.reach import Reply, Route, outlives_token, queued_message
from bot.text import MESSAGE_CONTENT, NO_MENTIONS, fit
from cogs._names import roles_by_name
from cogs._reach import place_of, reply_for

if TYPE_CHECKING:
    from bot.app import VideoBot

log = logging.getLogger(__name__)

# Discord's answer to a second initial response to one interaction: another process (the same
# shard run twice, as in a deploy overlap) got the same command and answered Discord first.
ALREADY_ACKNOWLEDGED = 40060


def media_from_attachment(attachment: discord.Attachment) -> MediaInput:
    """Describe a Discord attachment in the core's own terms."""
    return MediaInput(
        url=attachment.url,
        filename=attachment.filename,
        content_type=attachment.content_type,
        size=attachment.size,
    )


def thread_parent_id(channel: object) -> int | None:
    """The channel or forum a thread or forum post belongs to (its rules apply); None else."""
    return channel.parent_id if isinstance(channel, discord.Thread) else None


def role_ids(user: discord.abc.User) -> tuple[int, ...]:
    """A member's role ids (moderation limits depend on them), @everyone's included; none
    outside a server.

    From the ids Discord sent with the member, not `member.roles`: that looks each id up in
    the cached server, and a server not cached yet (before its GUILD_CREATE, at a start or
    during an outage) has none, which would give every member the default allowance.
    """
    if not isinstance(user, discord.Member):
        return ()
    return (*user._roles, user.guild.id)


def missing_permissions(
    permissions: discord.Permissions, *, in_thread: bool, locked: bool = False
) -> list[str]:
    """What the bot lacks to post a result, as catalog keys.

    Read Message History too: every result is a reply to its status message (Discord refuses
    a reply without it), and the delivery reads the channel to never post a result twice.
    Without View Channel (a private channel the bot's role was not let into) Discord refuses
    everything there, whatever else is granted: that one is named alone, since granting it
    usually brings the rest. In a `locked` thread only Manage Threads may post.
    """
    if not permissions.view_channel:
        return ["permission_view_channel"]
    send = permissions.send_messages_in_threads if in_thread else permissions.send_messages
    needed = {
        "permission_send_messages_in_threads" if in_thread else "permission_send_messages": send,
        "permission_manage_threads": permissions.manage_threads or not locked,
        "permission_embed_links": permissions.embed_links,
        "permission_attach_files": permissions.attach_files,
        "permission_read_message_history": permissions.read_message_history,
    }
    return [key for key, granted in needed.items() if not granted]


def missing_in(channel: object, permissions: discord.Permissions) -> list[str]:
    """`missing_permissions` for posting in `channel` (a thread, perhaps locked, or not)."""
    thread = channel if isinstance(channel, discord.Thread) else None
    locked = thread is not None and thread.locked
    return missing_permissions(permissions, in_thread=thread is not None, locked=locked)


def bot_timeout(guild: discord.Guild | None) -> Message | None:
    """Why the bot cannot post in `guild` while a moderator has it timed out (None if not).

    Told before any permission: Discord lets a timed-out member only view channels and read
    their history, so its permissions there (`permissions_for`, `app_permissions`) lack all
    the rest, however its role is set, and granting them would change nothing."""
    me = guild.me if guild is not None else None
    if me is None or not me.is_timed_out() or me.timed_out_until is None:
        return None
    return msg("bot_timed_out", until=int(me.timed_out_until.timestamp()))


def bot_cannot_post(
    guild: discord.Guild | None, channel: object, permissions: discord.Permissions
) -> Message | None:
    """Why the bot cannot post a result in `channel` with `permissions` there (None: it can)."""
    timed_out = bot_timeout(guild)
    if timed_out is not None:
        return timed_out
    missing = missing_in(channel, permissions)
    if missing:
        return msg("missing_channel_permissions", **asked_for(missing))
    return None


def member_may_post(interaction: discord.Interaction[discord.Client]) -> bool:
    """Whether the member who used `interaction` may post in its channel (in a thread: send
    messages in threads; in a locked one, only with Manage Threads: locking is no permission,
    so Discord's figure for the member does not show it)."""
    permissions = interaction.permissions
    channel = interaction.channel
    if isinstance(channel, discord.Thread):
        if channel.locked and not permissions.manage_threads:
            return False
        return permissions.send_messages_in_threads
    return permissions.send_messages


def asked_for(keys: list[str]) -> dict[str, Listed | Plural]:
    """A request for the bot's missing permissions: `missing`, by the names the reader's
    Discord client shows them, and `them`, "it" or "them" (usually one permission was left out
    of the bot's role)."""
    return {
        "missing": Listed([msg(key) for key in keys], last="and"),
        "them": plural("count_them_permissions", len(keys)),
    }


async def answer_privately(
    interaction: discord.Interaction[discord.Client],
    message: Message,
    *,
    acknowledged: bool = False,
) -> int | None:
    """Reply in the member's language, only to them, acknowledged yet or not.

    `acknowledged`: Discord already holds an initial response, maybe another process's.
    Returns the id of a follow-up's message (after a deferral: the original response).
    """
    text = message.render(str(interaction.locale))
    return await send_privately(interaction, text, acknowledged=acknowledged)


async def send_privately(
    interaction: discord.Interaction[discord.Client], text: str, *, acknowledged: bool = False
) -> int | None:
    """`text` only to the member (pinging nobody), as the answer or, once acknowledged, as a
    follow-up; see `answer_privately`."""
    text = fit(text, MESSAGE_CONTENT)
    if acknowledged or interaction.response.is_done():
        sent = await interaction.followup.send(
            text, ephemeral=True, allowed_mentions=NO_MENTIONS, wait=True
        )
        return sent.id
    # If the same command reached another process, which answered it: one answer is enough.
    await answered_first(
        interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS),
        interaction.id,
    )
    return None


async def answered_first(answer: Awaitable[object], interaction_id: int) -> bool:
    """Give Discord an interaction's first answer (`answer`: the call, not yet awaited).

    False, and one INFO line, when another process answered first: in a deploy overlap
    Discord tells both processes, keeps the first answer and refuses the other (40060).
    """
    try:
        await answer
    except discord.HTTPException as error:
        if error.code != ALREADY_ACKNOWLEDGED:
            raise
        log.info("interaction:%d already answered by another process; leaving it", interaction_id)
        return False
    return True


async def acknowledge_first(
    interaction: discord.Interaction[discord.Client], *, press: bool = False
) -> bool:
    """Acknowledge before any database work: a read or write waiting on the database's lock
    (two processes in a deploy, a long transaction) must not outlast Discord's 3 seconds.

    A command gets a private "thinking..." its answer replaces; a `press` (a button) a
    deferred update, so its message can still be edited. False when another process
    acknowledged this interaction first: that one handles it, this one stays quiet.
    """
    if interaction.response.is_done():
        return True
    if press:
        deferral = interaction.response.defer()
    else:
        deferral = interaction.response.defer(ephemeral=True, thinking=True)
    return await answered_first(deferral, interaction.id)


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
    # How the member's files are used, where the options they chose do not say it (a clip put
    # in an image option): told with "queued", once the job went ahead.
    files_used: Message | None = None
    # Its job is being recorded: a stop cutting it short now cannot tell whether it was.
    recording: bool = False
    # The request is kept: its job recorded, or its cost question asked (which holds it).
    # Whatever the member reads after that, no refusal lost what they typed.
    kept: bool = False

    async def tell_left_out(self) -> None:
        """Say what the request goes ahead without, if anything (once).

        An aside, not the member's answer: it leaves `told` as it was (a stop after it still
        says the job is saved), and Discord refusing it does not stop the job's announcement
        and submit."""
        note, self.left_out = self.left_out, None
        if note is None:
            return
        answered = self.told
        try:
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

    def requester(self) -> Requester:
        """Built from the interaction."""
        interaction = self.interaction
        return Requester(
            user_id=interaction.user.id,
            channel_id=interaction.channel_id or 0,
            # Outside a server that installed the bot, the member's personal allowance applies.
            guild_id=self.place.rules_guild_id,
            locale=self.locale,
            sources=self.sources,
            role_ids=role_ids(interaction.user) if self.place.server_installed else (),
            origin_id=interaction_origin_id(interaction),
            reply=self.reply,
            parent_channel_id=thread_parent_id(interaction.channel),
        )

    def choose_reply(self, request: VideoRequest, now: float) -> None:
        """Where the bot cannot post with its own token: answer through the interaction or DM."""
        self.reply = reply_for(self.interaction, request.resolution, now)

    def bot_cannot_post(self) -> Message | None:
        """From the interaction's app permissions, where the bot posts with its own token."""
        interaction = self.interaction
        if not self.place.server_installed:
            # DMs, group DMs, other servers: the bot posts nothing there with its own token.
            return None
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
        if self.acknowledged or self.interaction.response.is_done():
            return
        self.echo = not await answered_first(self.defer(), self.interaction.id)
        self.acknowledged = True

    async def defer(self) -> None:
        """The acknowledgement itself: a private "thinking..." the answer replaces."""
        await self.interaction.response.defer(ephemeral=True, thinking=True)

    async def tell(self, message: Message) -> None:
        """An ephemeral answer."""
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


def cost_basis(expected: Estimate) -> Message:
    """Where an expected cost comes from, in a few words (with a reference video, why it is a
    most)."""
    if expected.learned:
        basis = msg("cost_basis_learned", count=expected.samples)
    else:
        basis = msg("cost_basis_starting")
    if expected.up_to:
        return msg("cost_basis_up_to", seconds=UNKNOWN_LENGTH, basis=basis)
    return basis


def with_cost(note: Message, expected: Estimate) -> Message:
    """The member's note, followed by what the job is expected to cost."""
    return msg(
        "note_with_cost", note=note, cost=expected_cost(expected), basis=cost_basis(expected)
    )


async def _with_expected_cost(bot: VideoBot, job: Job, note: Message) -> Message:
    """The note of a job on its way, with its expected cost (one short read); without it if the
    read fails, which must not cost the member their answer."""
    try:
        expected = await bot.pricing.expected(job.request)
    except Exception:
        log.exception("Job %d: could not read its expected cost", job.id)
        return note
    return with_cost(note, expected)


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


async def usable(origin: Origin, collected: CollectedMedia, *, in_prompt: bool = False) -> bool:
    """Before anything is recorded or sent: which links and files are left out, and why.

    False (the member was told) when they were all there was: the member pointed at
    something to use, and a video from the text alone is not what they asked to pay for
    (`in_prompt`: the links were in /video's prompt).
    Otherwise the note waits for the job to be recorded (`Origin.left_out`): the checks and
    rules after this may still refuse it."""
    if not collected.skipped:
        return True
    if collected.images or collected.videos:
        origin.left_out = skipped_note(collected.skipped)
        return True
    await origin.tell(skipped_note(collected.skipped, nothing_left=True, in_prompt=in_prompt))
    return False


async def refused_with_what_was_collected(
    bot: VideoBot, origin: Origin, options: VideoOptions, skipped: tuple[Skipped, ...]
) -> bool:
    """Whether the rules refuse `options` with the files and links collected for them; True
    once the member was told. A refusal comes alone, never after "I'll go on without ...",
    and names what was left out (`skipped`) after it: a dead third image is why "2 images"
    is refused."""
    try:
        validate(options, max_file_bytes=bot.settings.max_reference_bytes)
    except JobRefused as error:
        await origin.tell(error.user_message)
        if skipped:
            await origin.tell(skipped_note(skipped, refused=True))
        return True
    return False


async def refused_before_fetching(bot: VideoBot, origin: Origin, links: int) -> bool:
    """Tell the member now if the video could not be posted here, the rules refuse them
    whatever they ask, or they had the bot check too many links lately (`links`: how many it
    is about to check); True if so.

    Entry points call this before fetching any link the member gave, so a blocked or capped
    member cannot make the bot download anything, nor anyone make it download without end;
    and a channel the bot lacks a permission in is named at once, not after the links were
    read (and counted against the member's links checked) for a video it cannot post.
    """
    cannot_post = origin.cannot_post_here()
    if cannot_post is not None:
        if not origin.echo:
            await origin.tell(cannot_post)
        return True
    requester = origin.requester()
    refusal = await bot.moderation.refusal_before_fetching(requester)
    if refusal is None:
        now = bot.clock()
        wait = bot.link_allowance.take(requester.user_id, links, now)
        if wait is None:
            return False
        log.info("User %d: over the allowance of links checked", requester.user_id)
        if not origin.echo:
            # When room comes, as a live timestamp: the answer stays up, and "in about 10
            # min" would still say 10 when the member reads it 8 minutes on.
            room = stamp_wait(now + wait)
            await origin.tell(msg("too_many_links", when=room))
        return True
    # Seen by two processes (a deploy overlap): the job the other recorded is no refusal, and
    # a refusal is told by the process Discord heard first.
    if origin.echo or await _recorded_elsewhere(bot, requester):
        return True
    await origin.tell_refusal(refusal)
    return True


async def refused_by_rules_in_time(
    bot: VideoBot, origin: InteractionOrigin, *, deadline: float
) -> bool:
    """Tell the member now if the rules refuse them whatever they ask (blocked, out of videos,
    a paused server), before they type a prompt into a form for nothing; True if so.

    A form must open within Discord's 3 seconds: a database that has not answered by
    `deadline` (the event loop's clock) lets it open, and its submit checks the rules."""
    try:
        async with asyncio.timeout_at(deadline):
            refusal = await bot.moderation.refusal_before_fetching(origin.requester())
    except TimeoutError:
        return False
    if refusal is None:
        return False
    await origin.tell(refusal)
    return True


async def _recorded_elsewhere(bot: VideoBot, requester: Requester) -> bool:
    if requester.origin_id is None:
        return False
    job_id = await bot.jobs.store.job_for_origin(requester.origin_id)
    if job_id is None:
        return False
    _log_echo(requester.origin_id, job_id)
    return True


def _log_echo(origin_id: str, job_id: int) -> None:
    log.info("%s already recorded by another process as job %d; leaving it", origin_id, job_id)


def shard_of(guild_id: int | None, shard_count: int | None) -> int | None:
    """The gateway shard a server's events come through (Discord's formula); None in DMs."""
    if guild_id is None or not shard_count:
        return None
    return (guild_id >> 22) % shard_count


def bound_to(bot: VideoBot, origin: Origin) -> AbstractContextManager[None]:
    """Name the member, server and shard on every log line written for this request."""
    guild_id = origin.requester().guild_id
    return bound(
        user_id=origin.user.id, guild_id=guild_id, shard=shard_of(guild_id, bot.shard_count)
    )


def interaction_origin_id(interaction: discord.Interaction[Any]) -> str:
    """The origin id of a job an interaction asks for (one job per interaction)."""
    return f"interaction:{interaction.id}"


def answer_nonce(message: discord.Message, key: str) -> str:
    """The nonce of the bot's answer `key` to `message` (as edited, if it was): the same in
    every process that reads it, within Discord's 25 characters."""
    edited = message.edited_at.timestamp() if message.edited_at is not None else 0.0
    digest = hashlib.blake2b(f"{message.id}:{edited}:{key}".encode(), digest_size=10)
    return f"a-{digest.hexdigest()}"


def message_origin_id(message: discord.Message) -> str:
    """What marks a job as asked for by this message: one message makes one job at most."""
    return f"message:{message.id}"


async def queue_video(bot: VideoBot, origin: Origin, options: VideoOptions) -> None:
    """The shared path of every entry point, from a member's options to a queued job."""
    with bound_to(bot, origin):
        try:
            request = validate(options, max_file_bytes=bot.settings.max_reference_bytes)
        except JobRefused as error:
            await origin.tell(error.user_message)
            return
        origin.files_used = clip_taken_as_video(options, request)
        await queue_request(bot, origin, request)


async def queue_request(bot: VideoBot, origin: Origin, request: VideoRequest) -> None:
    """From an already valid request (a new one, or one made again) to a queued job."""
    with bound_to(bot, origin):
        cannot_post = origin.cannot_post_here()
        if cannot_post is not None:
            await origin.tell(cannot_post)
            return
        if bot.closing:
            await origin.tell(msg("bot_restarting"))
            return
        async with bot.command_in_flight():
            await _record_announce_submit(bot, origin, request)


async def _record_announce_submit(bot: VideoBot, origin: Origin, request: VideoRequest) -> None:
    job = await _acknowledge_then_record(bot, origin, request)
    if job is None:
        return
    with bound(job_id=job.id):
        try:
            await origin.tell_left_out()
            await _announce_then_submit(bot, origin, job)
        except asyncio.CancelledError:
            # A stop cut the command short (its grace ran out): the job is saved and the next
            # process carries on with it. Left unanswered, the member would see "thinking..."
            # for good, and might ask again for a second video.
            if not (origin.told or origin.echo):
                with contextlib.suppress(Exception):
                    async with asyncio.timeout(LAST_WORD):
                        await origin.tell(msg("job_saved_at_restart", job_id=job.id))
            raise
        except Exception:
            # The job is saved and the engine carries it on (it sends a job a command left
            # behind): "please try again" would make, and count, a second video.
            log.exception("Job %d: its request failed after the job was saved", job.id)
            try:
                await origin.tell(msg("job_saved_after_error", job_id=job.id))
            except Exception:
                log.warning("Job %d: could not tell the member it is saved", job.id)


async def _announce_then_submit(bot: VideoBot, origin: Origin, job: Job) -> None:
    """Announce, then submit: the status message exists before the job can finish and be posted.

    Discord refusing the announcement for good (a private thread the bot was never added to:
    its permissions come from the parent channel, which allows everything) means it refuses
    the result too: the job is closed unsent, before anything is spent."""
    refusals: list[discord.HTTPException] = []

    async def announce(content: str, nonce: str) -> discord.Message | None:
        try:
            return await origin.announce(content, nonce)
        except discord.HTTPException as error:
            if closed_to_the_bot(error):
                refusals.append(error)
            raise

    async with bot.jobs.announcing(job):
        announced = await bot.status_messages.announce(job, announce) is not None
    if refusals and job.requester.reply is None:
        # Posting with its own token outside a server: the bot's DM with the member, which
        # their privacy settings or a block close (no channel or thread to add it to).
        in_dm = job.requester.guild_id is None
        why = msg("dm_refuses_posts" if in_dm else "channel_refuses_posts")
        closed = await bot.jobs.close_unsent(job, why, member_present=True)
        await origin.tell(closed.member_message)
        return
    report = await bot.jobs.submit(job, member_present=True)
    # Cancelled while it was sent: what the member reads is that notice, not "queued".
    ended = report.state not in (JobState.QUEUED, JobState.RECORDED) or report.job.cancelled
    reply = job.requester.reply
    if (
        not ended
        and reply is not None
        and reply.route is Route.INTERACTION
        and report.typical is not None
        and outlives_token(
            reply,
            now=bot.clock(),
            typical=report.typical,
            window=bot.routes.hand_over_before,
        )
    ):
        # Such videos take longer here than the command's 15 minutes, less the stretch in
        # which a job is handed over: promised by DM from the start, not "right here" and
        # then handed over.
        await bot.store.set_reply_route(job.id, Route.DM)
        reply = dataclasses.replace(reply, route=Route.DM)
    answer = report.member_message
    if reply is not None and not ended:
        # Which way the result will come (queued, or waiting for a busy service).
        answer = queued_message(
            reply,
            job.id,
            waiting=report.state is JobState.RECORDED,
            discord_silent=report.job.error_key == HOLD_DISCORD,
            typical=usually_ready(report.typical, job.request.resolution),
        )
    if not ended and origin.files_used is not None:
        answer = msg("note_with_files", note=answer, files=origin.files_used)
    # The member hears first; the status edit (accepted, or ended) follows in the background,
    # so a channel full of announcements never holds up anyone's private answer.
    if ended or not (announced and origin.announcement_answers):
        note = answer if ended else await _with_expected_cost(bot, report.job, answer)
        await origin.tell(note)
    if announced:
        bot.status_messages.schedule(report.job, final=ended)
    elif reply is not None and origin.answer_id is not None and not ended:
        # That private answer is the status from now on, edited through the interaction.
        await bot.store.set_interaction_message(job.id, origin.answer_id)


async def _acknowledge_then_record(
    bot: VideoBot, origin: Origin, request: VideoRequest
) -> Job | None:
    """Acknowledge, then record the job; None when a policy refused it or another process
    has it (the member was told, once).

    Discord is answered before any database work, so a burst of commands (each waiting its
    turn to write) never holds up a member's "thinking...". A crash between the two leaves
    nothing recorded and nothing charged; the member may ask again.

    A deploy overlap gives one command to two processes: both acknowledge, and Discord
    accepts the first (the other is the `echo`). Whichever records the job answers; the
    other finds it recorded and stays silent. A refusal (or a cost question) is told by the
    process Discord heard first only, so the member reads it once.
    """
    origin.choose_reply(request, bot.clock())
    await origin.acknowledge()
    try:
        origin.recording = True
        job = await bot.jobs.record(origin.requester(), request)
        origin.recording = False
    except JobRefused as refusal:
        if not origin.echo:
            if origin.on_refused is not None:
                origin.on_refused()
            await origin.tell_refusal(refusal.user_message)
        return None
    except AlreadyRecorded as echo:
        # The other process owns this request (it answers, announces and sends): stay silent.
        _log_echo(echo.origin_id, echo.job_id)
        return None
    except ConfirmationNeeded as needed:
        # Over the server's threshold: nothing was recorded; the member is asked first.
        if origin.echo:
            return None
        from cogs.confirm import ask_to_confirm  # the confirmation cog queues through here

        await ask_to_confirm(bot, origin, request, needed)
        return None
    except Exception as failure:
        await _recorded_despite(bot, origin, failure)
        return None
    origin.kept = True
    return job


async def _recorded_despite(bot: VideoBot, origin: Origin, failure: Exception) -> None:
    """Recording the job failed unexpectedly (`failure`), perhaps after its commit (the
    connection dropped as the database answered it): the job then exists and the engine sends
    it (a job its command left behind), and "please try again" would make, and count, a second
    video. So the database is asked first: recorded, the member is told it is saved; not,
    `failure` is raised again (the funnel apologises, and a long prompt is given back); no
    answer, the member is told to look before asking again."""
    origin_id = origin.requester().origin_id
    if origin_id is None:
        raise failure
    try:
        job_id = await bot.jobs.store.job_for_origin(origin_id)
    except Exception:
        log.error(
            "%s: recording it failed, and whether it was recorded is unknown",
            origin_id,
            exc_info=failure,
        )
        if not origin.echo:
            await origin.tell(msg("job_save_unknown"))
        return
    if job_id is None:
        raise failure
    origin.kept = True
    with bound(job_id=job_id):
        log.error("Job %d was recorded though recording it failed", job_id, exc_info=failure)
        if origin.echo:
            # The same id the other process recorded, if any: it answers for its own, and
            # announces and sends it (this one's engine taking it over now could announce it
            # a second time); else the engine sends it once the command's grace is over.
            return
        await origin.tell(msg("job_saved_after_error", job_id=job_id))
        await _send_now(bot, job_id)


async def _send_now(bot: VideoBot, job_id: int) -> None:
    """Have the engine announce and send a job this command will not (its save failed as it
    was made), now rather than after a command's grace: the member was just told it is saved.

    In a deploy overlap the job may be the other process's, recorded as this one's save
    failed, and being announced by its command: the engine takes over only a job not claimed
    nor announced yet, and one still being announced has its status post handed back by Discord
    (one status nonce per job), its submit made by whichever claims it first. Not made due, the
    job is sent a grace later all the same."""
    try:
        await bot.jobs.send_now(job_id)
    except Exception:
        log.warning("Job %d: could not make it due now; sent once its grace is over", job_id)
