"""Requests from messages: a mention that starts a message, or a reply that starts with one.

A plain mention asks for a video from the rest of the message, with the message's own
attachments and image links as references; a reply, from the replied-to message's too (a reply
to one of the bot's results, in that result's shape), and so does the comment sent with a
forward, from the forwarded message's (`cogs._forwards`). A mention further in is chatter, left
alone; one with no real prompt gets a short help (`cogs._help_notes`). A refused one that the
member edits soon after is read again (`cogs._refusals`).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING

import discord

from bot.i18n import msg
from bot.jobs.media import MessageMedia, Skipped, collect, links_to_check, skipped_note
from bot.jobs.models import Job, JobRefused, MessageRef
from bot.jobs.validation import (
    ALLOWED_IMAGE_COUNTS,
    DEFAULT_DURATION,
    DEFAULT_RESOLUTION,
    VideoOptions,
    remix,
    validate,
)
from bot.media_refresh import from_service_links
from cogs._addressing import mention_pattern
from cogs._before_recording import refused_before_fetching, usable
from cogs._cut_short import answered_if_cut_short
from cogs._errors import log_failure
from cogs._forwards import RecentForwards, is_forward
from cogs._help_notes import HelpNotes
from cogs._message_media import (
    FIXED_FILES_WORDING,
    REPLY_TO_A_CLIP_WORDING,
    REPLY_TO_THREE_PICTURES_WORDING,
    REPLY_TO_TWO_PICTURES_WORDING,
    attachment_ids,
    embed_image_urls,
    message_media,
    message_ref,
    replied_to_ref,
)
from cogs._origin_ids import message_origin_id
from cogs._origins import MessageOrigin
from cogs._queue import queue_request, queue_video
from cogs._replied_words import replied_words, words_alone
from cogs._request_memory import RequestMemory
from cogs._result_links import dead_result_link, like_its_result, with_result_link

if TYPE_CHECKING:
    from bot.app import VideoBot

log = logging.getLogger(__name__)


class MessageRequests:
    """Members' messages read as requests, with what the bot remembers of them lately."""

    def __init__(self, bot: VideoBot) -> None:
        self.bot = bot
        # Refusals an edit may mend, answers told, DMs sent or refused, threads' channels.
        self._memory = RequestMemory(bot)
        # The notes on how to ask, and who was given one lately.
        self._helps = HelpNotes(bot, self._memory)
        # Members' last forwards, whose comment (their next message) may ask for a video.
        self._forwards = RecentForwards()

    def _discord_now(self) -> float:
        """Now by Discord's clock, which a message's id (when it was sent) reads: this host's
        may run minutes off it, and a refused message's edit window with it."""
        return self.bot.discord_clock.to_discord(self.bot.clock())

    async def edited(self, payload: discord.RawMessageUpdateEvent) -> None:
        """A refused request edited soon after it was sent is read again (`cogs._refusals`)."""
        after = payload.message
        refusal = self._memory.refusals.take(
            after.id,
            after.content,
            attachment_ids(after),
            embed_image_urls(after, self.bot.cdn_origins),
            self._discord_now(),
        )
        if refusal is None:
            return
        # Belt and braces: a message that made a job never makes another (the store also
        # refuses a second job for one message, whichever process reads the edit).
        if await self.bot.jobs.store.job_for_origin(message_origin_id(after)) is not None:
            return
        await self.handle(after, helped_before=refusal.helped)

    async def handle(self, message: discord.Message, *, helped_before: bool) -> None:
        """Read `message` as a request if it starts with the bot's mention; `helped_before`:
        an edit of one that was answered with the help (not answered with it again)."""
        me = self.bot.user
        # Messages reach the bot only where it is present: a server that added it or its own
        # DM (not group DMs, nor servers reached by a user install).
        present = message.guild is not None or isinstance(message.channel, discord.DMChannel)
        if me is None or message.author.bot or not present:
            return
        mention = mention_pattern(me, message.guild)
        reference = message.reference
        asks = mention.match(message.content.lstrip()) is not None
        forwarded = self._forwards.seen(message, asks=asks)
        if not asks:
            if message.guild is None and not helped_before:
                await self._dm_help(message, me, commenting=forwarded is not None)
            elif self._helps.unread_call_through_role(message):
                await self._helps.role_hint(message, me)
            return
        # One origin for the whole request: a stop that cuts it short (its links still being
        # read, its job being saved) knows whether the member was answered, and answers if not.
        origin = self._memory.origin(message)
        async with answered_if_cut_short(self.bot, origin):
            try:
                await self._memory.thread_parents.learn(message)
                origin.parent_channel_id = self._memory.thread_parents.get(message.channel.id)
                if reference is not None and reference.type is discord.MessageReferenceType.reply:
                    await self._from_reply(origin, message, me, helped_before=helped_before)
                elif forwarded is not None:
                    await self._from_source(
                        origin,
                        message,
                        me,
                        forwarded,
                        message_ref(forwarded),
                        helped_before=helped_before,
                    )
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

    async def _dm_help(
        self, message: discord.Message, me: discord.ClientUser, *, commenting: bool
    ) -> None:
        """How to ask, for a DM without the mention. A forward's note waits for its comment,
        sent with it: one that asks for a video needs no note (it would flash up just before
        the video starts), and one that does not is answered by the forward's note, which says
        how to use what was forwarded."""
        if commenting:
            # No note of its own, but an edit that adds the mention is read, with the forward.
            self._memory.refused(message, helped=True)
            return
        if is_forward(message) and await self._forwards.asked_in_comment(message):
            return
        await self._helps.dm_help(message, me)

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
            self._memory.refused(message, helped=helped_before, pictures=shown if skipped else None)
            if await refused_before_fetching(self.bot, origin, links=0):
                return True
            await origin.tell(error.user_message)
            if skipped:
                await origin.tell(skipped_note(skipped, refused=True))
                await self._read_again_if_previewed(message)
            return True
        return False

    async def _read_again_if_previewed(self, message: discord.Message) -> None:
        """A link's preview Discord added while the links were fetched (discord.py wrote it
        into `message`, and the edit found no refusal yet to mend): read the message again."""
        refusal = self._memory.refusals.take(
            message.id,
            message.content,
            attachment_ids(message),
            embed_image_urls(message, self.bot.cdn_origins),
            self._discord_now(),
        )
        if refusal is not None:
            await self.handle(message, helped_before=refusal.helped)

    async def _from_mention(
        self,
        origin: MessageOrigin,
        message: discord.Message,
        me: discord.ClientUser,
        *,
        helped_before: bool,
    ) -> None:
        options = await self._helps.options_or_help(
            origin, message, me, "mention_help", helped_before=helped_before
        )
        if options is None:
            return
        # As read now: discord.py updates this message in place if a preview comes meanwhile.
        shown = embed_image_urls(message, self.bot.cdn_origins)
        await self._queue_from_messages(
            origin,
            message,
            options,
            [message_media(message, self.bot.cdn_origins)],
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
        fixed_first: bool = False,
        commented: bool = False,
    ) -> None:
        """Queue a mention's or a reply's video from the media of its messages (`medias`,
        read from `sources`), unless the member may not have links read (checked before any
        is fetched), the rules refuse it (said first) or nothing collected can be used.
        `fixed_first`: the first message is another's, whose files the member cannot change;
        `commented`: a forward's, `message` its comment (no reply to attach files to)."""
        if any(media.link_urls() for media in medias) and await refused_before_fetching(
            self.bot, origin, links_to_check(medias)
        ):
            return
        collected = await collect(
            medias, self.bot.link_prober.for_member(origin.requester().user_id)
        )
        origin.sources = sources
        if commented:
            origin.wording = FIXED_FILES_WORDING
        elif fixed_first:
            origin.wording = _wording_beside(collected.per_message[0])
        origin.on_refused = self._memory.refused_by_rules(message, helped=helped_before)
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
            self._memory.refused(message, helped=helped_before, pictures=shown)
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
        reference = message.reference
        if source is None or reference is None:
            await origin.tell(msg("reply_source_unreadable"))
            return
        await self._from_source(
            origin,
            message,
            me,
            source,
            replied_to_ref(reference, source),
            helped_before=helped_before,
        )

    async def _from_source(
        self,
        origin: MessageOrigin,
        message: discord.Message,
        me: discord.ClientUser,
        source: discord.Message,
        source_ref: MessageRef,
        *,
        helped_before: bool,
    ) -> None:
        """A video from `message`'s words and the media of `source` (found again at
        `source_ref`), then its own: the message it replies to, or the forward it comments."""
        # The comment sent with a forward, not a reply: no "message you replied to".
        comment = message.reference is None
        source_media = message_media(source, self.bot.cdn_origins, stickers=True)
        if (
            source_media.is_blank
            and not self.bot.settings.message_content_intent
            and source.author.id != me.id
        ):
            # Without the intent Discord hides the replied-to message (and what a forward
            # carries); say so, never guess (and never ask for a prompt, which could not help).
            await self._helps.source_needs_intent(origin, message, forward=comment)
            return
        quoted = ""
        if source.author.id != me.id and words_alone(source_media):
            # A message of words alone (replied to, or forwarded with this comment): they are
            # the scene the member's words direct.
            quoted = replied_words(source, source_media, me, message.author)
            if not quoted:
                unread = "forward_words_unread" if comment else "reply_words_unread"
                origin.prompt_note = msg(unread)
        # Replies to a result are where members say thanks: that buys nothing.
        options = await self._helps.options_or_help(
            origin,
            message,
            me,
            "mention_help" if comment else "reply_help",
            helped_before=helped_before,
            quoted=quoted,
            forwarded=comment,
        )
        if options is None:
            return
        own_media = message_media(message, self.bot.cdn_origins)
        shown = embed_image_urls(message, self.bot.cdn_origins)  # as read now (see `_from_mention`)
        if source.author.id == me.id and not (own_media.attachments or own_media.link_urls()):
            made = await self.bot.store.job_of_status(source.id)
            if made is not None:
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
            sources=(source_ref, message_ref(message)),
            shown=shown,
            helped_before=helped_before,
            # A forward's files are another message's too, even the member's own.
            fixed_first=is_forward(source) or source.author.id != message.author.id,
            commented=comment,
        )

    async def _again_from(self, origin: MessageOrigin, made: Job, options: VideoOptions) -> None:
        """A reply (`origin`) to the status of a video: the reply's prompt with the same
        references (its pictures or video, if any) and shape, as Remix makes it; its length and
        resolution only for the member's own video: another member's 10 s or 4K would cost
        more than the defaults, unasked (a reply to their result is not made at their
        resolution either), and 4K may be reserved."""
        message = origin.message
        origin.sources = made.requester.sources
        origin.on_refused = self._memory.refused_by_rules(message, helped=False)
        own = made.requester.user_id == message.author.id
        duration = options.duration
        if duration is None and not own and not made.request.video_urls:
            duration = DEFAULT_DURATION  # a reference video sets its own length
        try:
            request = remix(
                made.request,
                prompt=options.prompt,
                duration=str(duration) if duration is not None else None,
                resolution=options.resolution or (None if own else DEFAULT_RESOLUTION),
                aspect_ratio=options.aspect_ratio,
                mode=options.mode,
            )
        except JobRefused as refused:
            self._memory.refused(message, helped=False)  # a fix made by editing is read again
            if not await refused_before_fetching(self.bot, origin, links=0):
                await origin.tell(refused.user_message)
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


def _wording_beside(counted: tuple[int, int]) -> Mapping[str, str]:
    """How a refusal of a reply's files is said where the replied-to message is another's, by
    what that message holds (`counted`: its images and videos), which the member cannot
    change: only what their reply adds."""
    if _too_many(counted):
        # Alone too many: neither "remove" nor "keep just one" can be followed (nor undone by
        # adding files): /video, as from the menu.
        return FIXED_FILES_WORDING
    images, videos = counted
    wording: dict[str, str] = {}
    if images == 2:
        wording |= REPLY_TO_TWO_PICTURES_WORDING
    elif images == 3:
        wording |= REPLY_TO_THREE_PICTURES_WORDING
    if videos == 1:
        wording |= REPLY_TO_A_CLIP_WORDING
    return wording


def _too_many(counted: tuple[int, int]) -> bool:
    """Whether one message's images and videos (`counted`) are more than any video can use,
    whatever is added beside them."""
    images, videos = counted
    return images > max(ALLOWED_IMAGE_COUNTS) or videos > 1
