"""Videos from messages: the "Make a video" menu, replies that mention the bot, and mentions.

All end in the same shared path as /video (`cogs._queue.queue_video`).

A plain mention (not a reply) that starts with the bot's mention is a text-to-video request
from the rest of the message, with the message's own attachments and image links as
references. A mention further into a message ("thanks @Bot") is chatter, not a request, and is
left alone; so is a reply's. One with no real prompt (`is_bare_prompt`: too short to describe a
scene, or only greetings, thanks and reactions such as "thx @Bot 🔥", which replies to a result
are full of) gets a short help reply instead, addressed to the member only and deleted after
`HELP_LIFETIME` seconds so it does not clutter the channel. A refused one that the member
edits soon after is read again (`cogs._refusals`).
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import aiohttp
import discord
from discord import app_commands
from discord.ext import commands

from bot.i18n import msg
from bot.jobs.chatter import is_bare_prompt
from bot.jobs.flags import parse_flags
from bot.jobs.links import without_links
from bot.jobs.markup import spoken
from bot.jobs.media import MessageMedia, Skipped, collect, links_to_check, skipped_note
from bot.jobs.models import Job, JobRefused, MessageRef
from bot.jobs.validation import (
    DEFAULT_RESOLUTION,
    MAX_PROMPT_LENGTH,
    VideoOptions,
    remix,
    validate,
)
from bot.media_refresh import from_service_links
from bot.result_layout import uses_media
from bot.text import CODE_CHARS, code
from cogs._addressing import addressed_text, mention_pattern
from cogs._before_recording import refused_before_fetching, usable
from cogs._cut_short import answered_if_cut_short
from cogs._errors import log_failure
from cogs._make_video import MakeVideoMenu
from cogs._message_media import attachment_ids, embed_image_urls, message_media, message_ref
from cogs._names import names_in
from cogs._origin_ids import message_origin_id
from cogs._origins import PRIVATE_NOTE_LIFETIME, MessageOrigin
from cogs._queue import queue_request, queue_video
from cogs._recent import SeenLately
from cogs._refusals import RecentRefusals, Refusal
from cogs._result_links import dead_result_link, like_its_result, with_result_link

if TYPE_CHECKING:
    from bot.app import VideoBot

log = logging.getLogger(__name__)

# Threads whose channel was read from Discord, kept (read only while a server is not loaded).
THREAD_PARENTS_KEPT = 1000


MENU_NAME = "Make a video"
# The help reply to a bare mention is for one member: it leaves the channel after a minute.
HELP_LIFETIME = PRIVATE_NOTE_LIFETIME
# A DM without the mention is shown how to ask at most this often (seconds) per member.
DM_HELP_EVERY = 600.0
# A member who mentions the bot's role, unreadable without Message Content, is told so at most
# this often (seconds): the bot cannot tell a request from "thanks @Role".
ROLE_HINT_EVERY = 600.0
# Where the bot cannot reply (no Send Messages there), a member's answers go by DM at most
# this often (seconds): each refused post and DM counts toward Discord's invalid requests.
DM_INSTEAD_EVERY = 600.0


class ReferencesCog(commands.Cog):
    """Pictures in the conversation become references: by context menu, or by reply."""

    def __init__(self, bot: VideoBot) -> None:
        self.bot = bot
        self.menu = app_commands.ContextMenu(
            name=MENU_NAME,
            callback=self.make_video,
            # Wherever /video can be used, for server installs and user installs (issue 17).
            allowed_installs=app_commands.AppInstallationType(guild=True, user=True),
            allowed_contexts=app_commands.AppCommandContext(
                guild=True, dm_channel=True, private_channel=True
            ),
        )
        # Requests refused lately, so an edit that fixes one is read again.
        self._refusals = RecentRefusals()
        # Members shown how to ask in a DM lately (`_dm_help`).
        self._dm_helped = SeenLately(DM_HELP_EVERY, time.monotonic)
        # Members told lately to mention the bot, not its role (`_role_hint`).
        self._role_hinted = SeenLately(ROLE_HINT_EVERY, time.monotonic)
        # Members whose help is still up in a channel (one at a time: bare mentions in a row
        # get no reply each), and what members were answered by DM lately where the bot cannot
        # reply (each kind of answer once: a help does not silence the refusal after it).
        self._helped_here = SeenLately(HELP_LIFETIME, time.monotonic)
        # Refusals still up in a channel, by member and kind (`MessageOrigin.tell_refusal`).
        self._refused_here = SeenLately(PRIVATE_NOTE_LIFETIME, time.monotonic)
        self._dm_instead = SeenLately(DM_INSTEAD_EVERY, time.monotonic)
        # Members whose DMs refused the bot lately: not tried again meanwhile, whatever it is.
        self._dms_closed = SeenLately(DM_INSTEAD_EVERY, time.monotonic)
        # The menu's forms, and what each open one saw.
        self._menu_forms = MakeVideoMenu(bot)
        # The channel of each thread read from Discord (`_learn_thread_parent`): a thread
        # never moves, so what was read stays true.
        self._thread_parents: dict[int, int] = {}

    async def cog_load(self) -> None:
        """Register the context menu (a cog cannot declare one as a method)."""
        self.bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        """Remove the context menu."""
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    async def make_video(
        self, interaction: discord.Interaction[VideoBot], message: discord.Message
    ) -> None:
        """Check the message's media, then ask for the prompt in a form (the first answer)."""
        await self._menu_forms.make_video(interaction, message)

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction[VideoBot]) -> None:
        """A submitted "Make a video" form, opened before or after a restart."""
        await self._menu_forms.on_interaction(interaction)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """A reply that starts with the bot's mention asks for a video from the replied-to
        message; a message that starts with the mention asks for one from its own text. A
        mention further in ("thanks @Bot") is chatter, in a reply too."""
        await self._handle(message, helped_before=False)

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        """A refused request edited soon after it was sent (a typo in a flag, a forgotten
        prompt) is read again; nothing else that is edited is (see `cogs._refusals`). Raw, so
        an edit counts even once discord.py's message cache has moved on."""
        after = payload.message
        refusal = self._refusals.take(
            after.id, after.content, attachment_ids(after), embed_image_urls(after), time.time()
        )
        if refusal is None:
            return
        # Belt and braces: a message that made a job never makes another (the store also
        # refuses a second job for one message, whichever process reads the edit).
        if await self.bot.jobs.store.job_for_origin(message_origin_id(after)) is not None:
            return
        await self._handle(after, helped_before=refusal.helped)

    async def _handle(self, message: discord.Message, *, helped_before: bool) -> None:
        me = self.bot.user
        # Messages reach the bot only where it is present: a server that added it or its own
        # DM (not group DMs, nor servers reached by a user install).
        present = message.guild is not None or isinstance(message.channel, discord.DMChannel)
        if me is None or message.author.bot or not present:
            return
        mention = mention_pattern(me, message.guild)
        reference = message.reference
        if not mention.match(message.content.lstrip()):
            if message.guild is None and not helped_before:
                await self._dm_help(message, me)
            elif self._unread_call_through_role(message):
                await self._role_hint(message, me)
            return
        # One origin for the whole request: a stop that cuts it short (its links still being
        # read, its job being saved) knows whether the member was answered, and answers if not.
        origin = self._origin(message)
        async with answered_if_cut_short(self.bot, origin):
            try:
                await self._learn_thread_parent(message)
                origin.parent_channel_id = self._thread_parents.get(message.channel.id)
                if reference is not None and reference.type is discord.MessageReferenceType.reply:
                    await self._from_reply(origin, message, me, helped_before=helped_before)
                else:
                    await self._from_mention(origin, message, me, helped_before=helped_before)
            except Exception as error:
                guild_id = message.guild.id if message.guild is not None else None
                log_failure(error, what="A reply", user_id=message.author.id, guild_id=guild_id)
                # A mention reaches the bot only where it is: a server that added it, or its DM.
                key = (
                    "unexpected_error" if message.guild is not None else "unexpected_error_personal"
                )
                await origin.tell(msg(key))

    def _unread_call_through_role(self, message: discord.Message) -> bool:
        """A message that mentions the bot's role, blank to the bot: without Message Content,
        Discord shows the text of messages that mention the bot itself only."""
        role = message.guild.self_role if message.guild is not None else None
        return (
            role is not None
            and role in message.role_mentions
            and not self.bot.settings.message_content_intent
            and not message.content
        )

    async def _role_hint(self, message: discord.Message, me: discord.ClientUser) -> None:
        """Mention the bot, not its role: now and then."""
        await self._help_now_and_then(message, me, "role_mention_needs_intent", self._role_hinted)

    async def _dm_help(self, message: discord.Message, me: discord.ClientUser) -> None:
        """A DM without the mention: how to ask, now and then. It is not read as a request:
        "can you make longer videos?" would be a paid video of that question."""
        await self._help_now_and_then(message, me, "dm_help", self._dm_helped)

    async def _help_now_and_then(
        self, message: discord.Message, me: discord.ClientUser, key: str, told_lately: SeenLately
    ) -> None:
        """Say `key` to the member unless `told_lately` says they were told it lately."""
        told = told_lately.first(message.author.id)
        # The help says how to ask: an edit doing so is read.
        self._refused(message, helped=True)
        if told:
            # Named as typing @ offers it: by its nickname in a server that gave it one.
            shown = message.guild.me if message.guild is not None else me
            # Inside a code span, as typed: an escaped `Omni\_Bot` is no name @ offers.
            name = code(shown.display_name, CODE_CHARS)
            await self._origin(message).tell(msg(key, bot=name), delete_after=HELP_LIFETIME)

    async def _invalid(
        self,
        origin: MessageOrigin,
        message: discord.Message,
        options: VideoOptions,
        *,
        helped_before: bool,
        skipped: tuple[Skipped, ...] = (),
        shown: tuple[str, ...] = (),
    ) -> bool:
        """Whether the rules for a request refuse it (told to the member, and remembered so
        that an edit removing a `--duration` given with a video is read again). Checked before
        the links and files left out (`skipped`) are named: a refusal comes alone, never after
        "I'll go on without ...", and names them after it, as /video does; a preview Discord
        adds to a link left out (`shown`: the pictures as read) may mend it."""
        try:
            validate(options, max_file_bytes=self.bot.settings.max_reference_bytes)
        except JobRefused as error:
            self._refused(message, helped=helped_before, pictures=shown if skipped else None)
            await origin.tell(error.user_message)
            if skipped:
                await origin.tell(skipped_note(skipped, refused=True))
                await self._read_again_if_previewed(message)
            return True
        return False

    def _refused(
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
        self._refusals.remember(message.id, refusal)

    def _may_dm(self, user_id: int, key: str) -> bool:
        """Whether an answer of `key` may go to the member by DM now: not if their DMs
        refused the bot lately, nor if they were sent one of its kind lately."""
        return not self._dms_closed.seen(user_id) and self._dm_instead.first((user_id, key))

    async def _learn_thread_parent(self, message: discord.Message) -> None:
        """Read from Discord the channel of a thread the bot does not hold, in a server that
        lists channels: until Discord sends the server (seconds after a start or reconnect,
        never during an outage there) a thread's channel is unknown, and a thread of a listed
        channel would be refused as not listed. A message carries no channel data (an
        interaction does). Not read: what is cached, listed itself, or already read."""
        channel = message.channel
        if (
            not isinstance(channel, discord.PartialMessageable)
            or channel.guild_id is None
            or channel.id in self._thread_parents
        ):
            return
        listed = await self.bot.moderation.store.channels(channel.guild_id)
        if not listed or channel.id in listed:
            return
        try:
            fetched = await self.bot.fetch_channel(channel.id)
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as error:
            # Refused as not listed, as before: the member may ask again a moment later.
            log.info("Channel %d: its parent not read (%r)", channel.id, error)
            return
        if isinstance(fetched, discord.Thread):
            if len(self._thread_parents) >= THREAD_PARENTS_KEPT:
                del self._thread_parents[next(iter(self._thread_parents))]  # the oldest
            self._thread_parents[channel.id] = fetched.parent_id

    def _origin(self, message: discord.Message, **options: Any) -> MessageOrigin:
        """The way to answer `message`, every reply counted toward `MAX_ANSWERS`."""
        return MessageOrigin(
            message,
            parent_channel_id=self._thread_parents.get(message.channel.id),
            on_told=functools.partial(self._refusals.told, message.id),
            dm_instead=functools.partial(self._may_dm, message.author.id),
            dm_refused=functools.partial(self._dms_closed.first, message.author.id),
            refusal_here=lambda key: self._refused_here.first(
                (message.channel.id, message.author.id, key)
            ),
            **options,
        )

    async def _read_again_if_previewed(self, message: discord.Message) -> None:
        """A link's preview Discord added while the links were fetched (discord.py wrote it
        into `message`, and the edit found no refusal yet to mend): read the message again."""
        refusal = self._refusals.take(
            message.id,
            message.content,
            attachment_ids(message),
            embed_image_urls(message),
            time.time(),
        )
        if refusal is not None:
            await self._handle(message, helped_before=refusal.helped)

    def _refused_by_rules(self, message: discord.Message, *, helped: bool) -> Callable[[], None]:
        """What a rule refusing the job at record time (a reserved option, a banned word)
        does: remember the message, so an edit that mends it is read."""
        return functools.partial(self._refused, message, helped=helped)

    async def _options_or_help(
        self,
        origin: MessageOrigin,
        message: discord.Message,
        me: discord.ClientUser,
        help_key: str,
        *,
        helped_before: bool,
    ) -> VideoOptions | None:
        """The message's prompt and flags; None once the member was told why not (a flag
        that cannot be read, or no real prompt: then the short help, which goes away, and
        only once per message: an edit that is still no request is not answered again)."""
        try:
            options = parse_flags(addressed_text(me, message.guild, message.content))
        except JobRefused as error:
            self._refused(message, helped=helped_before)
            await origin.tell(error.user_message)
            return None
        options = dataclasses.replace(options, prompt=without_links(options.prompt))
        if is_bare_prompt(options.prompt):
            self._refused(message, helped=True)
            # Once per message, and one help up at a time per member in a channel.
            helped_here = (message.channel.id, message.author.id, help_key)
            if not helped_before and self._helped_here.first(helped_here):
                bot = code(me.name, CODE_CHARS)
                await origin.tell(msg(help_key, bot=bot), delete_after=HELP_LIFETIME)
            return None
        prompt = spoken(options.prompt, names_in(message, message.author), limit=MAX_PROMPT_LENGTH)
        return dataclasses.replace(options, prompt=prompt)

    async def _from_mention(
        self,
        origin: MessageOrigin,
        message: discord.Message,
        me: discord.ClientUser,
        *,
        helped_before: bool,
    ) -> None:
        options = await self._options_or_help(
            origin, message, me, "mention_help", helped_before=helped_before
        )
        if options is None:
            return
        # As read now: discord.py updates this message in place if a preview comes meanwhile.
        shown = embed_image_urls(message)
        await self._queue_from_messages(
            origin,
            message,
            options,
            [message_media(message)],
            sources=(message_ref(message),),
            shown=shown,
            helped_before=helped_before,
        )

    async def _queue_from_messages(
        self,
        origin: MessageOrigin,
        message: discord.Message,
        options: VideoOptions,
        medias: list[MessageMedia],
        *,
        sources: tuple[MessageRef, ...],
        shown: tuple[str, ...],
        helped_before: bool,
    ) -> None:
        """Queue a mention's or a reply's video from the media of its messages (`medias`,
        read from `sources`), unless the member may not have links read (checked before any
        is fetched), the rules refuse it (said first) or nothing collected can be used."""
        if any(media.link_urls() for media in medias) and await refused_before_fetching(
            self.bot, origin, links_to_check(medias)
        ):
            return
        collected = await collect(
            medias, self.bot.link_prober.for_member(origin.requester().user_id)
        )
        origin.sources = sources
        origin.on_refused = self._refused_by_rules(message, helped=helped_before)
        options = dataclasses.replace(options, images=collected.images, videos=collected.videos)
        if await self._invalid(
            origin,
            message,
            options,
            helped_before=helped_before,
            skipped=collected.skipped,
            shown=shown,
        ):
            return
        if not await usable(origin, collected):
            self._refused(message, helped=helped_before, pictures=shown)
            await self._read_again_if_previewed(message)
            return
        await queue_video(self.bot, origin, options)

    async def _from_reply(
        self,
        origin: MessageOrigin,
        message: discord.Message,
        me: discord.ClientUser,
        *,
        helped_before: bool,
    ) -> None:
        source = await self._replied_to(message)
        if source is None:
            await origin.tell(msg("reply_source_unreadable"))
            return
        source_media = message_media(source, stickers=True)
        if (
            source_media.is_blank
            and not self.bot.settings.message_content_intent
            and source.author.id != me.id
        ):
            # Without the intent Discord hides the replied-to message; say so, never guess
            # (and never ask for a prompt, which could not help). Every such reply is refused
            # alike: one note up at a time per member in a channel, gone after a minute.
            told_here = (message.channel.id, message.author.id, "reply_needs_intent")
            if self._helped_here.first(told_here):
                await origin.tell(msg("reply_needs_intent"), delete_after=HELP_LIFETIME)
            return
        # Replies to a result are where members say thanks: that buys nothing.
        options = await self._options_or_help(
            origin, message, me, "reply_help", helped_before=helped_before
        )
        if options is None:
            return
        own_media = message_media(message)
        shown = embed_image_urls(message)  # as read now (see `_from_mention`)
        if source.author.id == me.id and not (own_media.attachments or own_media.link_urls()):
            made = await self.bot.store.job_of_status(source.id)
            if made is not None and uses_media(made):
                await self._again_from(origin, made, options)
                return
        if source.author.id == me.id:
            options = await like_its_result(self.bot, source, options, message.author.id)
            source_media = await with_result_link(self.bot, source, source_media)
        medias = [source_media, own_media]
        if (dead := dead_result_link(self.bot, medias)) is not None:
            await origin.tell(dead)
            return
        await self._queue_from_messages(
            origin,
            message,
            options,
            medias,
            sources=(message_ref(source), message_ref(message)),
            shown=shown,
            helped_before=helped_before,
        )

    async def _again_from(self, origin: MessageOrigin, made: Job, options: VideoOptions) -> None:
        """A reply (`origin`) to the status of a video made from pictures (or a video): the
        reply's prompt with those same references and shape, as Remix makes it; its resolution
        only for the member's own video (another member's 4K may be reserved, or cost more than
        meant)."""
        message = origin.message
        origin.sources = made.requester.sources
        origin.on_refused = self._refused_by_rules(message, helped=False)
        own = made.requester.user_id == message.author.id
        try:
            request = remix(
                made.request,
                prompt=options.prompt,
                duration=str(options.duration) if options.duration is not None else None,
                resolution=options.resolution or (None if own else DEFAULT_RESOLUTION),
                aspect_ratio=options.aspect_ratio,
                mode=options.mode,
            )
        except JobRefused as refused:
            await origin.tell(refused.user_message)
            self._refused(message, helped=False)  # a fix made by editing is read again
            return
        if await self.bot.media_lost(request, made.requester.sources):
            own_files = own and not from_service_links(made.request)
            await origin.tell(msg("confirm_media_lost" if own_files else "result_media_lost_other"))
            return
        await queue_request(self.bot, origin, request)

    async def _replied_to(self, message: discord.Message) -> discord.Message | None:
        """The replied-to message as delivered with the reply, else fetched; None if gone."""
        reference = message.reference
        if reference is None:
            return None
        if isinstance(reference.resolved, discord.Message):
            return reference.resolved
        if reference.message_id is None:
            return None
        channel = self.bot.get_partial_messageable(
            reference.channel_id, guild_id=reference.guild_id
        )
        try:
            return await channel.fetch_message(reference.message_id)
        except discord.HTTPException as error:
            log.info("Replied-to message %d cannot be read (%s)", reference.message_id, error)
            return None


async def setup(bot: VideoBot) -> None:
    """Load the cog."""
    await bot.add_cog(ReferencesCog(bot))
