"""Buttons under a finished video: Regenerate, Edit prompt, Remix, Delete. They work after restarts.

Each button's custom id carries the job id (`discord.ui.DynamicItem`), so nothing about the
view has to live in memory: a click after a restart is matched by the template alone. The forms
they open carry it too (`cogs._forms`): a form submitted after a restart still makes its video.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Self

import discord
from discord.ext import commands

from bot.apimart.models import VideoRequest
from bot.i18n import Message, msg, t
from bot.jobs.failures import FailureCause, failure_cause
from bot.jobs.flags import with_form_flags
from bot.jobs.media import skipped_note
from bot.jobs.models import Job, JobRefused, JobState
from bot.jobs.validation import (
    DEFAULT_DURATION,
    DEFAULT_RESOLUTION,
    MAX_PROMPT_LENGTH,
    VideoOptions,
    check_media_before_links,
    check_remix_before_links,
    remix,
)
from bot.media_refresh import from_service_links
from bot.moderation.periods import stamp
from bot.moderation.rules import FIXED_OPTIONS_WORDING
from bot.result_layout import Row
from bot.text import MODAL_TITLE, one_line
from cogs._answers import acknowledge_first
from cogs._before_recording import refused_before_fetching, refused_by_rules_in_time, usable
from cogs._cut_short import answered_if_cut_short
from cogs._delete import DeleteAnswer, ask_to_delete, ask_to_delete_pruned
from cogs._errors import report_failure
from cogs._forms import (
    RESENT_WINDOW,
    FormOrigin,
    Values,
    aspect_ratio_select,
    duration_select,
    form_options,
    labelled,
    open_form,
    resolution_select,
    sent_form,
    submission,
    submitted_values,
    text_value,
)
from cogs._names import typed_prompt_spoken
from cogs._once import LONGEST_WORK, made_once
from cogs._origins import InteractionOrigin
from cogs._prompt_links import read_prompt_links
from cogs._queue import queue_request
from cogs._recent import SeenLately, Sighting
from cogs._video_form import length_refused

if TYPE_CHECKING:
    from bot.app import VideoBot

log = logging.getLogger(__name__)

Button = discord.ui.Button[discord.ui.View]


def _bot(interaction: discord.Interaction[Any]) -> VideoBot:
    bot: VideoBot = interaction.client
    return bot


async def _queue_again(
    interaction: discord.Interaction[Any],
    job: Job,
    request: VideoRequest,
    origin: InteractionOrigin | None = None,
) -> None:
    """A new job for whoever clicked, with the original's media sources for fresh URLs."""
    bot = _bot(interaction)
    if origin is None:
        origin = InteractionOrigin(interaction, sources=job.requester.sources)
    if await bot.media_lost(request, job.requester.sources):
        # Refused before anything is saved, as Confirm does: the job could only fail. A member
        # the rules refuse whatever they ask hears that instead, as at every other entry.
        if not await refused_before_fetching(bot, origin, links=0):
            if isinstance(origin, FormOrigin):
                origin.files_gone = True
            await origin.tell(media_lost_message(interaction, job))
        return
    await queue_request(bot, origin, request)


def media_lost_message(interaction: discord.Interaction[Any], job: Job) -> Message:
    """Why a new video from `job` cannot be made: its files are gone. Only its own member
    attached them and could ask again with them; anyone else is pointed to their own."""
    own = job.requester.user_id == interaction.user.id
    if own and not from_service_links(job.request):
        return msg("confirm_media_lost")
    # Someone else's files, or the service's own links to results: nobody attached those.
    return msg("result_media_lost_other")


# How long a click that opens a form may wait for the database before it says "click again".
FORM_READ_TIMEOUT = 2.0

EDIT_FORM = re.compile(r"video:editform:(?P<job_id>\d+)")
REMIX_FORM = re.compile(r"video:remixform:(?P<job_id>\d+)")

# How a refused count is said from a result's form: the result's own files cannot be taken
# out there, only the links typed in its prompt (links add to them, as in /video).
RESULT_FORM_WORDING = MappingProxyType(
    {"wrong_image_count": "wrong_image_count_form", "too_many_videos": "too_many_videos_form"}
)
# And from a result made without a reference video: two video links are too many as in /video,
# not because of the result's own (which it has none of).
RESULT_FORM_WORDING_NO_VIDEO = MappingProxyType({"wrong_image_count": "wrong_image_count_form"})
# From a result made without images, the images counted are the links' alone.
NO_IMAGES_WORDING = MappingProxyType({"wrong_image_count": "wrong_image_count_form_links"})


def result_form_wording(request: VideoRequest) -> Mapping[str, str]:
    """How a refused count is said from a form on the result of `request`: blaming only the
    files it has."""
    wording = RESULT_FORM_WORDING if request.video_urls else RESULT_FORM_WORDING_NO_VIDEO
    if request.image_urls:
        return wording
    return MappingProxyType({**wording, **NO_IMAGES_WORDING})


class EditPromptModal(discord.ui.Modal):
    """The original prompt, ready to change (submitted through `ResultButtons.on_interaction`)."""

    def __init__(self, job: Job, locale: str) -> None:
        super().__init__(title=t("edit_prompt_title", locale), custom_id=f"video:editform:{job.id}")
        self.prompt: discord.ui.TextInput[discord.ui.Modal] = discord.ui.TextInput(
            label=t("edit_prompt_label", locale),
            custom_id="prompt",
            style=discord.TextStyle.paragraph,
            default=job.request.prompt[:MAX_PROMPT_LENGTH],
            max_length=MAX_PROMPT_LENGTH,
        )
        self.add_item(self.prompt)


class RemixModal(discord.ui.Modal):
    """The prompt and the settings of a finished job, ready to change for a new one."""

    def __init__(self, job: Job, locale: str) -> None:
        super().__init__(
            title=one_line(t("remix_title", locale), MODAL_TITLE),
            custom_id=f"video:remixform:{job.id}",
        )
        request = job.request
        self.prompt: discord.ui.TextInput[discord.ui.Modal] = discord.ui.TextInput(
            custom_id="prompt",
            style=discord.TextStyle.paragraph,
            default=request.prompt[:MAX_PROMPT_LENGTH],
            max_length=MAX_PROMPT_LENGTH,
        )
        self.add_item(labelled(t("modal_prompt_label", locale), self.prompt))
        if not request.video_urls:
            # A reference video sets the length, so the choice is only offered without one.
            duration = duration_select(locale, request.duration or DEFAULT_DURATION)
            self.add_item(labelled(t("field_duration", locale), duration))
        self.add_item(
            labelled(t("field_resolution", locale), resolution_select(request.resolution))
        )
        self.add_item(
            labelled(
                t("field_aspect_ratio", locale), aspect_ratio_select(locale, request.aspect_ratio)
            )
        )


async def edited_prompt(origin: FormOrigin, job: Job, values: Values) -> None:
    """Queue the job again with the edited prompt; flags typed in it (`--dur 8`) change its
    settings, as in /video."""
    request = job.request
    # Its resolution only for the member's own video, as a reply to a result does: another
    # member's 4K may be reserved for a role, or cost more than meant, and this form shows none.
    own = job.requester.user_id == origin.user.id
    # Nor does it show their length (their 10 s costs more than the default 6 s), which is
    # kept: as for Regenerate on their video, the cost is asked about first, privately.
    origin.asks_cost_first = not own
    origin.cost_question = "confirm_ask_cost_edited"
    kept = VideoOptions(
        prompt=text_value(values, "prompt"),
        duration=request.duration,
        resolution=request.resolution if own else DEFAULT_RESOLUTION,
        aspect_ratio=request.aspect_ratio,
    )
    await _queue_form(origin, job, kept, opened=kept)


async def remixed(origin: FormOrigin, job: Job, values: Values) -> None:
    """Queue a new job with the form's prompt and settings, through the usual admission."""
    request = job.request
    # What the selects opened on (`RemixModal`): left there, a flag in the prompt sets it.
    opened = VideoOptions(
        prompt=request.prompt,
        duration=None if request.video_urls else request.duration or DEFAULT_DURATION,
        resolution=request.resolution,
        aspect_ratio=request.aspect_ratio,
    )
    await _queue_form(origin, job, form_options(values), opened=opened)


async def _queue_form(
    origin: FormOrigin, job: Job, submitted: VideoOptions, opened: VideoOptions
) -> None:
    """Queue a result form's video (`origin`: its submit, the prompt typed into it): its flags
    read, the links typed in it read as references as in /video, its settings checked like a
    new one's."""
    interaction = origin.interaction
    # The result's files are fixed: only the links typed in the prompt can change a count.
    origin.wording = result_form_wording(job.request)
    try:
        await _queue_form_video(origin, job, submitted, opened)
    except Exception as error:
        # The funnel's record and apology, here so that the prompt can follow ("please try
        # again" with the form's text gone would have it all typed again).
        data: Mapping[str, Any] = interaction.data or {}
        what = f"Form {data.get('custom_id', '?')}"
        await report_failure(interaction, error, what=what, job_id=job.id, tell=origin.tell)
    # After whichever refusal or apology was told: each way of refusing need not remember to.
    await origin.give_back()


async def _queue_form_video(
    origin: FormOrigin, job: Job, submitted: VideoOptions, opened: VideoOptions
) -> None:
    """From the form's options to a queued job, or a refusal told."""
    interaction = origin.interaction
    bot = _bot(interaction)
    try:
        options = with_form_flags(submitted, opened)
    except JobRefused as error:
        await origin.tell(error.user_message)
        return
    # Mentions pasted into the form are names to the model, as in /video's prompt.
    options = typed_prompt_spoken(options, interaction.user)
    duration = str(options.duration) if options.duration is not None else None
    try:
        # What no link can mend, said before any is read (fetched, counted in the allowance).
        check_remix_before_links(
            job.request,
            duration=duration,
            resolution=options.resolution,
            aspect_ratio=options.aspect_ratio,
            mode=options.mode,
        )
    except JobRefused as error:
        await origin.tell(error.user_message)
        return
    # The result's own references are kept: a link to one of them typed again adds nothing.
    own = (*job.request.image_urls, *job.request.video_urls)
    read = await read_prompt_links(bot, origin, options, already=own)
    if read is None:
        return
    options, linked = read.options, read.linked
    if linked is not None and linked.videos:
        # A reference video sets the length: a length chosen or typed is asked about.
        refusal = length_refused(submitted, opened=opened.duration)
        if refusal is not None:
            await origin.tell(refusal)
            return
    try:
        if linked is not None:
            # What the links gave that no video can use (a wrong type, too large).
            check_media_before_links(
                linked.images, linked.videos, max_file_bytes=bot.settings.max_reference_bytes
            )
        request = remix(
            job.request,
            prompt=options.prompt,
            duration=duration,
            resolution=options.resolution,
            aspect_ratio=options.aspect_ratio,
            mode=options.mode,
            images=linked.images if linked is not None else (),
            videos=linked.videos if linked is not None else (),
        )
    except JobRefused as error:
        # Refused with what the links added, then which links were lost (as /video says it).
        await origin.tell(error.user_message)
        if read.everything.skipped:
            await origin.tell(skipped_note(read.everything.skipped, refused=True))
        return
    # Links left out beside the result's own files: said with "queued", as beside /video's.
    own_files = bool(job.request.image_urls or job.request.video_urls)
    if linked is not None and not await usable(origin, linked, in_prompt=True, beside=own_files):
        return
    await _queue_again(interaction, job, request, origin)


FormHandler = Callable[[FormOrigin, Job, Values], Awaitable[None]]
FORMS: tuple[tuple[re.Pattern[str], FormHandler], ...] = (
    (EDIT_FORM, edited_prompt),
    (REMIX_FORM, remixed),
)


# A second click on the same Regenerate by the same member this soon (seconds) is a double
# click, or a laggy client sending the click twice: one video, not two paid for.
DOUBLE_CLICK_WINDOW = 5.0


async def regenerate(origin: InteractionOrigin, job: Job) -> None:
    """Make the same video again; it counts against the clicking member's limits (a double
    click makes one: `ResultButton.callback`). A click while the member's question about what
    an earlier one costs is still open points to it: a second question could be confirmed too,
    two videos paid for where one was meant."""
    interaction = origin.interaction
    origin.sources = job.requester.sources
    origin.wording = FIXED_OPTIONS_WORDING
    # Another member's settings (their 4K, say), counted as the clicker's: the cost is asked
    # about first, privately, as above a server's threshold. So it is under the clicker's
    # personal allowance (a group DM's result, or a server's that removed the bot, pressed
    # through their own install).
    origin.asks_cost_first = job.requester.user_id != interaction.user.id
    bot = _bot(interaction)
    # Where the question was asked: the channel of the click, as its request records it.
    channel_id = interaction.channel_id or 0
    open_question = await bot.moderation.pending.waiting_for(
        interaction.user.id, channel_id, job.request, job.requester.sources
    )
    if open_question is not None:
        expires = stamp(open_question.expires_at, "R")
        await origin.tell(msg("regenerate_awaiting_confirm", job_id=job.id, expires=expires))
        return
    await _queue_again(interaction, job, job.request, origin)


async def edit_prompt(origin: InteractionOrigin, job: Job) -> None:
    """Show the prefilled form (a modal must be the first answer to the click)."""
    await open_form(origin.interaction, EditPromptModal(job, origin.locale))


async def remix_settings(origin: InteractionOrigin, job: Job) -> None:
    """Show the form with the job's prompt, length, resolution and shape, to change."""
    await open_form(origin.interaction, RemixModal(job, origin.locale))


async def delete(origin: InteractionOrigin, job: Job) -> None:
    """Ask the clicker privately whether to delete the post (`ask_to_delete`)."""
    await ask_to_delete(origin.interaction, job)


async def _refused_before_form(
    interaction: discord.Interaction[Any], job: Job, deadline: float
) -> bool:
    """Tell the member now, as "Make a video" does, what would refuse the video the form
    makes (where they or the bot cannot post, the rules, its files gone), not once they typed
    a prompt for it; True if so. The rules and files are read only until `deadline`: after
    that the form opens, and its submit checks them."""
    origin = InteractionOrigin(interaction, sources=job.requester.sources)
    cannot_post = origin.cannot_post_here()
    if cannot_post is not None:
        await origin.tell(cannot_post)
        return True
    bot = _bot(interaction)
    if await refused_by_rules_in_time(bot, origin, deadline=deadline):
        return True
    # No form can take a reference out, so files gone now are gone for what it would make.
    try:
        async with asyncio.timeout_at(deadline):
            lost = await bot.media_lost(job.request, job.requester.sources)
    except TimeoutError:
        return False
    if lost:
        await origin.tell(media_lost_message(interaction, job))
    return lost


@dataclass(frozen=True)
class Action:
    """One button: how it looks and what a click does."""

    label_key: str
    emoji: str
    style: discord.ButtonStyle
    handle: Callable[[InteractionOrigin, Job], Awaitable[None]]
    # A form must be the first answer to the click; anything else is acknowledged first.
    opens_form: bool = False
    # It may record a job: a stop waits for the click from its acknowledgement on, or tells
    # the member it cut it short (`answered_if_cut_short`), not "thinking..." for good.
    makes_a_job: bool = False
    # What a double click's second click is told (`DOUBLE_CLICK_WINDOW`); None: each counts.
    double_click: str | None = None
    # What a click does once the job was pruned (`JOB_RETENTION_DAYS`) and its post stayed;
    # None: it says the job is gone.
    when_pruned: Callable[[discord.Interaction[Any], int], Awaitable[None]] | None = None


ACTIONS: dict[str, Action] = {
    "regen": Action(
        "button_regenerate",
        "🔁",
        discord.ButtonStyle.primary,
        regenerate,
        double_click="regenerate_double_click",
        makes_a_job=True,
    ),
    "edit": Action(
        "button_edit_prompt", "✏️", discord.ButtonStyle.secondary, edit_prompt, opens_form=True
    ),
    "remix": Action(
        "button_remix", "🎛️", discord.ButtonStyle.secondary, remix_settings, opens_form=True
    ),
    "delete": Action(
        "button_delete",
        "🗑️",
        discord.ButtonStyle.danger,
        delete,
        when_pruned=ask_to_delete_pruned,
    ),
}


class ResultButton(
    discord.ui.DynamicItem[Button],
    template=r"video:(?P<action>regen|edit|remix|delete):(?P<job_id>\d+)",
):
    """A button whose custom id says what to do and to which job."""

    def __init__(self, action: str, job_id: int, *, locale: str = "en-US") -> None:
        spec = ACTIONS[action]
        super().__init__(
            discord.ui.Button(
                label=t(spec.label_key, locale),
                emoji=spec.emoji,
                style=spec.style,
                custom_id=f"video:{action}:{job_id}",
            )
        )
        self.action = action
        self.job_id = job_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str]
    ) -> Self:
        """Rebuild the button from its custom id."""
        return cls(match["action"], int(match["job_id"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Find the job, then do what the button says; a failure goes through the funnel."""
        # discord.py only logs what a dynamic item's callback raises, so catch it here.
        action = ACTIONS[self.action]
        # Sighted before anything is awaited, in every process the click reaches, even one
        # that leaves it to another (`cogs._once`).
        click = self._sighted(interaction)
        # Kept only for a click another process answers, or one `made_once` weighs: a click
        # that failed here (Discord refused the acknowledgement, the database did not answer)
        # made nothing, and the member's next click must not be told "one is enough".
        kept = False
        try:
            # Acknowledged before the database is read (it may wait on its lock), unless the
            # answer is a form, which has to come first.
            if not action.opens_form and not await acknowledge_first(interaction):
                kept = True
                return  # another process has this click (its sighting stays, for the next)
            origin = InteractionOrigin(interaction)
            origin.acknowledged = not action.opens_form
            tracked = (
                answered_if_cut_short(_bot(interaction), origin)
                if action.makes_a_job
                else contextlib.nullcontext()
            )
            async with tracked:
                # A form must come before Discord's 3 seconds are up, and the job it shows is
                # read first: a database that keeps it waiting gets a "click again" instead.
                form_deadline = asyncio.get_running_loop().time() + FORM_READ_TIMEOUT
                try:
                    async with asyncio.timeout_at(form_deadline if action.opens_form else None):
                        job = await _bot(interaction).store.get(self.job_id)
                except TimeoutError:
                    await origin.tell(msg("form_busy"))
                    return
                if job is None and action.when_pruned is not None:
                    await action.when_pruned(interaction, self.job_id)
                    return
                if job is None:
                    await origin.tell(msg("job_not_found"))
                    return
                if action.opens_form and await _refused_before_form(
                    interaction, job, form_deadline
                ):
                    return
                handle = functools.partial(action.handle, origin, job)
                if click is None or action.double_click is None:
                    await handle()
                else:
                    kept = True
                    await made_once(click, interaction, msg(action.double_click), handle)
        except Exception as error:
            what = f"Button {self.action!r}"
            await report_failure(interaction, error, what=what, job_id=self.job_id)
        finally:
            if click is not None and not kept:
                click.came_to_nothing()

    def _sighted(self, interaction: discord.Interaction[Any]) -> Sighting | None:
        """This click, sighted among the lately clicked, if a double click makes one video."""
        cog = _bot(interaction).get_cog(COG_NAME)
        if ACTIONS[self.action].double_click is None or not isinstance(cog, ResultButtons):
            return None
        key = (interaction.user.id, self.action, self.job_id)
        return cog.clicks.sight(key, by=interaction.id)


# Results worth making again; a refused or lost submit is answered without buttons.
RETRYABLE_RESULTS = frozenset({JobState.COMPLETED, JobState.FAILED, JobState.TIMED_OUT})


def result_view(job: Job) -> Row | None:
    """The buttons for a delivered job (a row in its layout), in the requester's language.

    None for a cancelled job: its notice is all there is (posted once its render ended too,
    a moderator's cancel must not come with a button to make the same video again)."""
    if job.state not in RETRYABLE_RESULTS or job.cancelled:
        return None
    # The same prompt would only be refused again (and fill the channel with refusals): the
    # member is asked to rephrase, so Edit prompt and Remix stay.
    refused = job.state is JobState.FAILED and (
        failure_cause(job.error_message) is FailureCause.MODERATION
    )
    row: Row = discord.ui.ActionRow()
    for action in ACTIONS:
        if refused and action == "regen":
            continue
        row.add_item(ResultButton(action, job.id, locale=job.requester.locale))
    return row


COG_NAME = "ResultButtons"


class ResultButtons(commands.Cog, name=COG_NAME):
    """Registers the result buttons so clicks work whenever they come."""

    def __init__(self, bot: VideoBot) -> None:
        self.bot = bot
        # Who clicked Regenerate on which result lately (a double click makes one video).
        self.clicks = SeenLately(DOUBLE_CLICK_WINDOW, bot.clock, longest_work=LONGEST_WORK)
        # Edit prompt and Remix forms sent lately (`sent_form`): sent twice, one video.
        self.forms_sent = SeenLately(RESENT_WINDOW, bot.clock, longest_work=LONGEST_WORK)

    async def cog_load(self) -> None:
        """Match clicks on any result, including ones posted before a restart; lend delivery
        the buttons to attach (the core never imports a cog)."""
        self.bot.add_dynamic_items(ResultButton, DeleteAnswer)
        self.bot.result_view = result_view

    async def cog_unload(self) -> None:
        """Stop matching them; results posted from now on carry none."""
        self.bot.remove_dynamic_items(ResultButton, DeleteAnswer)
        self.bot.result_view = None

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        """A submitted Edit prompt or Remix form, opened before or after a restart."""
        for pattern, handle in FORMS:
            match = submission(interaction, pattern)
            if match is None:
                continue
            job_id = int(match["job_id"])
            sent: Sighting | None = None
            kept = False  # as for a click (`ResultButton.callback`)
            try:
                values = submitted_values(interaction)
                # Sighted before anything is awaited, in every process the form reaches, even
                # one that leaves it to another (`cogs._once`).
                sent = sent_form(self.forms_sent, interaction, values)
                if not await acknowledge_first(interaction):
                    kept = True
                    return  # another process has this form (its sighting stays, for the next)
                origin = FormOrigin(interaction, typed=text_value(values, "prompt"))
                origin.acknowledged = True
                # From the acknowledgement on: a stop waits for it, or tells the member it cut
                # it short and gives the prompt back.
                async with answered_if_cut_short(self.bot, origin):
                    job = await self.bot.store.get(job_id)
                    # Any other id is treated as unknown.
                    if job is None or not form_may_name(job, interaction):
                        await origin.tell(msg("job_not_found"))
                        return
                    origin.about(job)
                    make = functools.partial(handle, origin, job, values)
                    kept = True
                    await made_once(sent, interaction, msg("form_sent_twice"), make)
            except Exception as error:
                await report_failure(
                    interaction, error, what=f"Form {pattern.pattern}", job_id=job_id
                )
            finally:
                if sent is not None and not kept:
                    sent.came_to_nothing()
            return


def form_may_name(job: Job, interaction: discord.Interaction[Any]) -> bool:
    """Whether a form sent from `interaction` may be about `job`. A form comes from the buttons
    on a job's result: in a server, in the job's own channel (a crafted one naming a job of a
    channel the member cannot read would reuse its pictures); outside servers, where only its
    member saw it (in the bot's DM, say, where a long render was handed over), the member's own.
    """
    if job.requester.guild_id != interaction.guild_id:
        return False
    if job.requester.guild_id is not None:
        return job.requester.channel_id == interaction.channel_id
    return job.requester.user_id == interaction.user.id


async def setup(bot: VideoBot) -> None:
    """Load the cog."""
    await bot.add_cog(ResultButtons(bot))
