"""The "Make a video" menu: a message's media checked, a form for the prompt, the video queued.

The form (`cogs._video_form`) is answered here whether it was opened before a restart or
after: what the menu saw is held while the form is open, else the message is read again.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import logging
import re
import time
from types import MappingProxyType
from typing import TYPE_CHECKING

import discord

from bot.i18n import msg
from bot.invisible import has_visible
from bot.jobs.flags import with_form_flags
from bot.jobs.markup import spoken
from bot.jobs.media import (
    MessageMedia,
    Skipped,
    SkipReason,
    collect,
    links_to_check,
    skipped_note,
    split_attachments,
)
from bot.jobs.models import JobRefused
from bot.jobs.validation import (
    MAX_PROMPT_LENGTH,
    check_before_links,
    check_media,
    check_media_before_links,
)
from cogs._answers import answer_privately
from cogs._before_recording import (
    refused_before_fetching,
    refused_by_rules_in_time,
    refused_with_what_was_collected,
    usable,
)
from cogs._cut_short import answered_if_cut_short
from cogs._errors import report_failure
from cogs._forms import (
    RESENT_WINDOW,
    FormOrigin,
    Values,
    form_options,
    give_prompt_back,
    open_form,
    sent_form,
    submission,
    submitted_values,
    text_value,
)
from cogs._message_media import FIXED_FILES_WORDING, media_count, message_media, message_ref
from cogs._names import names_seen, typed_prompt_spoken
from cogs._once import LONGEST_WORK, made_once
from cogs._origin_ids import interaction_origin_id
from cogs._origins import InteractionOrigin
from cogs._prompt_links import message_urls, prompt_links_to_check, read_prompt_links
from cogs._queue import queue_video
from cogs._reach import place_of
from cogs._recent import SeenLately, Sighting
from cogs._result_links import dead_result_link, is_own, with_result_link
from cogs._video_form import FORM_OPENS_ON, MAKE_FORM, VideoModal, form_id, length_refused

if TYPE_CHECKING:
    from bot.app import VideoBot

log = logging.getLogger(__name__)

# The rules (and a result's link end) are checked before the form opens if the database
# answers within this long.
MENU_CHECK_TIMEOUT = 1.5
# What an open form saw is kept in memory this long (Discord's forms last 15 minutes).
MODAL_TIMEOUT = 900.0


# What a refusal of the message's files says from the menu: the member can neither add files
# to a message nor take them out of another's, and made no reply to attach them to.
MENU_WORDING = FIXED_FILES_WORDING
# And once links typed into its form added pictures or a video: those links are what the
# member can change there.
MENU_LINKS_WORDING = MappingProxyType(
    {
        "wrong_image_count": "wrong_image_count_menu_links",
        "too_many_videos": "too_many_videos_menu_links",
    }
)


async def _forget_unless_made(interaction: discord.Interaction[VideoBot], sent: Sighting) -> None:
    """A form that failed (Discord refused its acknowledgement, the database did not answer)
    and made no job: the member's next send is answered, not told it was sent twice."""
    try:
        made = await interaction.client.store.job_for_origin(interaction_origin_id(interaction))
    except Exception:
        made = None  # the database that failed the form: nothing was recorded by it either
    if made is None:
        sent.came_to_nothing()


class MakeVideoMenu:
    """The menu on a message and the forms it opens, with what those forms saw."""

    def __init__(self, bot: VideoBot) -> None:
        self.bot = bot
        # Open forms' message and media, by form custom id, while this process lives.
        self._open_forms: dict[str, tuple[discord.Message, MessageMedia, float]] = {}
        # Forms sent lately (`sent_form`): the same one sent twice makes one video.
        self._forms_sent = SeenLately(RESENT_WINDOW, time.monotonic, longest_work=LONGEST_WORK)

    async def make_video(
        self, interaction: discord.Interaction[VideoBot], message: discord.Message
    ) -> None:
        """Check the message's media, then ask for the prompt in a form (the first answer)."""
        origin = InteractionOrigin(interaction, sources=(message_ref(message),), reply_to=message)
        origin.wording = MENU_WORDING
        # Known at once (the member's and the bot's permissions Discord sent, the bot's
        # timeout): told before the form, not once the member has typed a prompt for nothing.
        cannot_post = origin.cannot_post_here()
        if cannot_post is not None:
            await origin.tell(cannot_post)
            return
        deadline = asyncio.get_running_loop().time() + MENU_CHECK_TIMEOUT
        media = message_media(message, self.bot.cdn_origins)
        try:
            async with asyncio.timeout_at(deadline):
                media = await with_result_link(self.bot, message, media)
        except TimeoutError:
            log.info("A result's link end was not read before the form; read when it is sent")
        if (dead := dead_result_link(self.bot, [media])) is not None:
            await answer_privately(interaction, dead)
            return
        attached = split_attachments(media.attachments)
        links = media.link_urls()
        if not links and attached.skipped and not (attached.images or attached.videos):
            # Everything is known without fetching a link: refuse now rather than after typing.
            note = skipped_note(attached.skipped, nothing_left=True)
            await answer_privately(interaction, note)
            return
        # With links, only what they cannot mend (too many files, one too large): they are
        # read once the form is sent.
        check = check_media_before_links if links else check_media
        try:
            check(
                attached.images,
                attached.videos,
                max_file_bytes=self.bot.settings.max_reference_bytes,
            )
        except JobRefused as error:
            await origin.tell(error.user_message)
            return
        prompt = None
        if media_count(media) == 0:
            # Only words to show the service: the form starts from them (a video from text).
            # A forward's mentions are named as its forwarded message's (`names_seen`).
            names = names_seen(message, interaction.user)
            said = spoken(media.content, names, limit=MAX_PROMPT_LENGTH)
            prompt = said.strip()[:MAX_PROMPT_LENGTH]
            if not has_visible(prompt):
                # A sticker is a picture to the member: name it as one that can't be used
                # (a forward's are in its snapshot).
                stickers = [
                    Skipped("", SkipReason.STICKER, filename=name)
                    for name in message_media(message, self.bot.cdn_origins, stickers=True).stickers
                ]
                note = (
                    skipped_note(stickers, nothing_left=True)
                    if stickers
                    else msg("menu_nothing_to_use")
                )
                await answer_privately(interaction, note)
                return
        if await refused_by_rules_in_time(self.bot, origin, deadline=deadline):
            return
        locale = str(interaction.locale)
        form = VideoModal(form_id(message, media), media, locale, prompt=prompt)
        self._hold(form.custom_id, message, media)
        await open_form(interaction, form)

    def _hold(self, custom_id: str, target: discord.Message, media: MessageMedia) -> None:
        """Keep what the menu saw while its form is open (Discord shows a context menu the
        message's media even without the Message Content intent; a later fetch may not)."""
        now = time.monotonic()
        for key, (_, _, opened_at) in list(self._open_forms.items()):
            if now - opened_at > MODAL_TIMEOUT:
                del self._open_forms[key]
        self._open_forms[custom_id] = (target, media, now)

    async def on_interaction(self, interaction: discord.Interaction[VideoBot]) -> None:
        """A submitted "Make a video" form, opened before or after a restart."""
        match = submission(interaction, MAKE_FORM)
        if match is None:
            return
        sent: Sighting | None = None
        try:
            values = submitted_values(interaction)
            # Sighted before anything is awaited, in every process the form reaches, even one
            # that leaves it to another (`cogs._once`).
            sent = sent_form(self._forms_sent, interaction, values)
            await self._form_submitted(interaction, match, values, sent)
        except Exception as error:
            if sent is not None:
                await _forget_unless_made(interaction, sent)
            await report_failure(interaction, error, what="Form VideoModal")

    async def _form_submitted(
        self,
        interaction: discord.Interaction[VideoBot],
        match: re.Match[str],
        values: Values,
        sent: Sighting,
    ) -> None:
        held = self._open_forms.get(match.group(0))
        origin = FormOrigin(interaction, typed=text_value(values, "prompt"))
        origin.wording = MENU_WORDING
        if int(match["channel_id"]) != interaction.channel_id:
            # The menu is used where the message is, so its form comes back from there.
            sent.came_to_nothing()
            await origin.tell(msg("form_source_gone"))
            await origin.give_back()
            return
        # A stop waits for it (the message read again, its links, its job saved), or tells the
        # member it cut it short and gives the prompt back.
        async with answered_if_cut_short(self.bot, origin):
            if held is not None:
                target, media, _ = held
            else:
                # Opened before a restart: read the message again, and say so if its media is
                # gone. Discord may make that read wait (a rate limit): acknowledged first.
                await origin.acknowledge()
                if origin.echo:
                    return  # another process has this form (its sighting stays, for the next)
                found = await self._fetch(int(match["channel_id"]), int(match["message_id"]))
                if found is None and int(match["media_count"]) == 0:
                    # A form on a message of words carries its whole prompt: the message is not
                    # needed (deleted meanwhile, or where the bot cannot read messages).
                    target, media = None, MessageMedia()
                elif found is None:
                    sent.came_to_nothing()
                    await self._cannot_read_again(origin)
                    return
                else:
                    target, media = found, message_media(found, self.bot.cdn_origins)
                if media_count(media) < int(match["media_count"]):
                    sent.came_to_nothing()
                    await origin.tell(msg("form_media_lost"))
                    # The closed form's text is gone: the prompt, to paste into a new one.
                    await origin.give_back()
                    return
            make = functools.partial(self._queue_from_form, origin, target, media, values)
            await made_once(sent, interaction, msg("form_sent_twice"), make)

    @staticmethod
    async def _cannot_read_again(origin: FormOrigin) -> None:
        """Why a form opened before a restart cannot go ahead (acknowledged). Where the bot is
        no member (a user install), it reads a message only when the menu hands it over: not
        deleted. Either way the member's prompt is given back, to paste into a new form."""
        place = place_of(origin.interaction)
        if place.server_installed or place.bot_dm:
            await origin.tell(msg("form_source_gone"))
            await origin.give_back()
            return
        await origin.tell(msg("form_source_unreadable_here"))
        await give_prompt_back(origin.interaction, origin.typed)

    async def _fetch(self, channel_id: int, message_id: int) -> discord.Message | None:
        channel = self.bot.get_partial_messageable(channel_id)
        try:
            return await channel.fetch_message(message_id)
        except discord.HTTPException as error:
            log.info("Message %d of a form cannot be read (%s)", message_id, error)
            return None

    async def _queue_from_form(
        self,
        origin: FormOrigin,
        target: discord.Message | None,
        media: MessageMedia,
        values: Values,
    ) -> None:
        """Queue the form's video (`_queue_form_video`); a refusal or an apology told before
        its job was kept gives the prompt typed into it back, as Edit prompt and Remix do."""
        try:
            await self._queue_form_video(origin, target, media, values)
        except Exception as error:
            # The funnel's record and apology, here so that the prompt can follow ("please
            # try again" with the form's text gone would have it all typed again).
            await report_failure(
                origin.interaction, error, what="Form VideoModal", tell=origin.tell
            )
        # After whichever refusal or apology was told: each way of refusing need not remember to.
        await origin.give_back()

    async def _queue_form_video(
        self,
        origin: FormOrigin,
        target: discord.Message | None,
        media: MessageMedia,
        values: Values,
    ) -> None:
        """Read the links' types if there are any (slow: acknowledge first), the message's
        then those typed into the form's prompt (references, as in /video's), then queue;
        `target`: the message the form is on, if it can still be read."""
        origin.sources = (message_ref(target),) if target is not None else ()
        origin.reply_to = target
        submitted = form_options(values)
        try:
            # Flags typed in the prompt (`--dur 8`, or kept from a message's text the prompt
            # was filled from) set the options whose selects were left as `VideoModal` opened.
            options = with_form_flags(submitted, FORM_OPENS_ON)
        except JobRefused as error:
            await origin.tell(error.user_message)
            return
        # Mentions typed into the form are names to the model, as in /video's prompt.
        options = typed_prompt_spoken(options, origin.interaction.user)
        if target is not None and is_own(self.bot, target):
            # Read again (a database read: Discord is answered first): the form was open a
            # while, its link may have run out meanwhile, and its end may not have been read
            # before it opened.
            await origin.acknowledge()
            media = await with_result_link(self.bot, target, media)
        if (dead := dead_result_link(self.bot, [media])) is not None:
            await origin.tell(dead)
            return
        typed = MessageMedia(content=options.prompt)
        if typed.link_urls():
            # What no link can mend in the prompt (only links, nothing left once they are taken
            # out) is said before the message's links are read too.
            try:
                check_before_links(options, max_file_bytes=self.bot.settings.max_reference_bytes)
            except JobRefused as error:
                await origin.tell(error.user_message)
                return
        # The message's links and the prompt's are one request: checked against the rules and
        # the member's allowance together, before either is read (each read once, counted so).
        links = links_to_check([media]) + prompt_links_to_check(
            options, already=message_urls(media)
        )
        if links:
            # The check before fetching reads the database: Discord is answered first.
            await origin.acknowledge()
            if await refused_before_fetching(self.bot, origin, links):
                return
        collected = await collect(
            [media], self.bot.link_prober.for_member(origin.requester().user_id)
        )
        # A reference video sets the length: the Duration select left as it opened gives way.
        if collected.videos and (refusal := length_refused(submitted)) is not None:
            await origin.tell(refusal)
            return
        options = dataclasses.replace(
            options,
            images=collected.images,
            videos=collected.videos,
            duration=None if collected.videos else options.duration,
        )
        # Links typed into the form are references, as in /video's prompt: after the message's.
        read = await read_prompt_links(
            self.bot, origin, options, checked=True, already=message_urls(media)
        )
        if read is None:
            return
        options, linked = read.options, read.linked
        if linked is not None and (linked.images or linked.videos):
            # The message's files stay: only the links typed can change a count.
            origin.wording = MENU_LINKS_WORDING
        if linked is not None and linked.videos:
            if (refusal := length_refused(submitted)) is not None:
                await origin.tell(refusal)
                return
            options = dataclasses.replace(options, duration=None)
        # The message's links left out, then the prompt's.
        skipped = (*collected.skipped, *read.everything.skipped)
        everything = dataclasses.replace(read.everything, skipped=skipped)
        if await refused_with_what_was_collected(self.bot, origin, options, everything.skipped):
            return
        # All from the prompt's links (the message offered only words): the way on is to take
        # them out of it.
        if not await usable(origin, everything, in_prompt=media_count(media) == 0):
            return
        await queue_video(self.bot, origin, options)
