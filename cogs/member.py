"""The members' `/videos` group: history, status, cancel and help for one's own videos."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.i18n import Message, msg, t
from bot.jobs.failures import render_failure_reason, stored_reason
from bot.jobs.models import DM_TARGET, INTERACTION_TARGET, Job, JobState
from bot.jobs.service import HOLD_KEYS, HOLD_SLOT
from bot.jobs.typical import UsualWait, usual_wait_for
from bot.reach import Place
from bot.result_text import without_moderator
from bot.status import checks_end, eta_text, next_try, progress_bar, queued_wait
from bot.text import (
    CHOICE_NAME,
    LINE_PROMPT_CHARS,
    Quoted,
    one_line,
    page_text,
    preview,
)
from cogs._answers import answer_privately, send_privately
from cogs._errors import acknowledged_check, log_unanswerable
from cogs._private import (
    answer_quota,
    cancel_for_member,
    price_lines_for,
    requester_of,
    show_privately,
)
from cogs._reach import place_of, rules_guild_id

if TYPE_CHECKING:
    from bot.app import VideoBot

log = logging.getLogger(__name__)

# The most jobs on one page of `/videos history` (fewer when long).
HISTORY_SIZE = 10
# The last page of `/videos history` that may be asked for: reading one renders every job
# before it (a thousand jobs).
HISTORY_PAGES = 100
AUTOCOMPLETE_SIZE = 25
# How long job suggestions may wait for the database: an autocomplete cannot be deferred, and
# an answer after Discord's 3 seconds is never shown (and is one more refused request).
AUTOCOMPLETE_READ_TIMEOUT = 2.0


def state_name(job: Job, locale: str) -> str:
    """The job's state in the reader's words (a cancelled or failed render that still counts
    says so)."""
    return t(job.state_key, locale)


def posted_link(job: Job) -> str | None:
    """A jump link to the result the bot posted in the job's channel (a server's, or the bot's
    DM with the member); None if it went elsewhere: a DM fallback's message is not in that
    channel, a post through an interaction is in a server the bot cannot name, and one Discord
    showed only to the member (`shown_only_to_them`) is a message no link opens."""
    if job.state is not JobState.COMPLETED or job.cancelled or job.result_deleted:
        return None
    if job.delivery_message_id is None or job.delivery_target == DM_TARGET:
        return None
    if shown_only_to_them(job):
        return None
    return _jump_link(job, job.delivery_message_id)


def status_link(job: Job) -> str | None:
    """A jump link to the job's status message in its channel (a server's, or the bot's DM
    with the member), if it has one still (none once it was deleted)."""
    if job.status_message_id is None or job.status_deleted:
        return None
    return _jump_link(job, job.status_message_id)


def _jump_link(job: Job, message_id: int) -> str | None:
    """A link to one of the bot's messages in the job's channel: in its server, or in the
    bot's own DM with the member (`@me`); None for a channel the bot is no member of (a user
    install's), whose server a link cannot name."""
    if job.requester.guild_id is not None:
        where = str(job.requester.guild_id)
    elif job.requester.reply is None:
        where = "@me"
    else:
        return None
    return f"https://discord.com/channels/{where}/{job.requester.channel_id}/{message_id}"


def result_link(job: Job, now: float) -> str | None:
    """Where the finished video can be watched, if anywhere: its post, else (or when the post
    only carries it, over the upload limit) APIMart's link until it expires."""
    if job.state is not JobState.COMPLETED or job.cancelled or job.result_deleted:
        return None
    posted = None if job.result_linked else posted_link(job)
    if posted is not None:
        return posted
    if job.result_url and (job.result_expires_at or 0) > now:
        return job.result_url
    if job.result_linked and job.result_expires_at is None:
        # APIMart named no expiry: its link may be gone or not, but the post that carries it
        # is there to look at.
        return posted_link(job)
    return None


def link_gone(job: Job, now: float) -> bool:
    """Whether a finished video lived only at APIMart's link, which has expired: posted as
    that link, never posted nor sent, or shown only to the member (`shown_only_to_them`); a
    file uploaded anywhere else is the member's."""
    if job.state is not JobState.COMPLETED or job.cancelled or job.result_deleted:
        return False
    if job.result_expires_at is None or job.result_expires_at > now:
        return False
    return job.result_linked or job.delivery_message_id is None or shown_only_to_them(job)


def shown_only_to_them(job: Job) -> bool:
    """Whether its video was posted under the command as a message Discord showed only to the
    member (the server blocks external apps; their DMs were closed to a copy): Discord clears
    such a message once their app reloads, so it is not somewhere the video stays."""
    reply = job.requester.reply
    return job.delivery_target == INTERACTION_TARGET and reply is not None and reply.ephemeral


def expired_unposted(job: Job) -> bool:
    """Whether a finished video's link had expired when its result was posted: the post
    says so and holds no video, so no link shows it and it was never "posted as a link"."""
    return job.expired_unposted and not job.cancelled and not job.result_deleted


def held_elsewhere(job: Job) -> str | None:
    """Where a finished video the member holds as a file went, when no link shows it: by DM,
    or under the command it was asked with (a server the bot cannot name); the end of its
    catalog keys (`history_...`, `status_details_...`)."""
    if job.state is not JobState.COMPLETED or job.cancelled or job.result_deleted:
        return None
    if job.delivery_message_id is None or job.result_linked or shown_only_to_them(job):
        return None
    if job.delivery_target == DM_TARGET:
        return "sent_by_dm"
    if job.delivery_target == INTERACTION_TARGET:
        return "posted_where_asked"
    return None


def made_elsewhere(job: Job, here: int | None) -> Message | None:
    """Where a job was made, when not where the member asks from (`here`: the server whose
    rules apply, None outside servers); None when it was made here."""
    if job.requester.guild_id == here:
        return None
    if job.requester.guild_id is None:
        return msg("history_outside_servers")
    return msg("history_in_a_server" if here is None else "history_in_another_server")


def history_line(job: Job, locale: str, now: float, here: int | None = None) -> str:
    """One job of the history: its number, state, age and prompt, where it was made if not
    `here`, and where its video is (or that it is gone)."""
    line = t(
        "history_line",
        locale,
        job_id=job.id,
        state=state_name(job, locale),
        created=int(job.created_at),
        prompt=preview(job.request.prompt, LINE_PROMPT_CHARS),
    )
    elsewhere = made_elsewhere(job, here)
    if elsewhere is not None:
        line += " · " + elsewhere.render(locale)
    link = result_link(job, now)
    if link is not None and link == posted_link(job):
        line += " · " + t("history_link", locale, url=link)
    elif link is not None:
        # APIMart's file: it goes when its link expires, so say when.
        expires = int(job.result_expires_at or now)
        line += " · " + t("history_link_until", locale, url=link, expires=expires)
    elif expired_unposted(job):
        line += " · " + t("history_expired_unposted", locale)
    elif link_gone(job, now):
        line += " · " + t("history_link_expired", locale)
    elif (held := held_elsewhere(job)) is not None:
        line += " · " + t(f"history_{held}", locale)
    return line


def _history_title(page: int, locale: str) -> str:
    """The first line, in bold: the newest videos, or which page of older ones."""
    if page == 1:
        return f"**{t('history_title', locale)}**"
    return f"**{t('history_title_page', locale, page=page)}**"


def history_text(
    jobs: list[Job], locale: str, now: float, here: int | None = None, page: int = 1
) -> str:
    """Page `page` of the member's jobs (`jobs`: newest first, from the very newest): whole
    lines, at most `HISTORY_SIZE`, while they fit in one message, then how to read the next
    page, so every job is on one; a job made elsewhere than `here` says where."""
    lines = [history_line(job, locale, now, here) for job in jobs]
    text, pages = page_text(
        lines,
        page,
        most=HISTORY_SIZE,
        last=HISTORY_PAGES,
        title=lambda number: _history_title(number, locale),
        onward=lambda number: _older(number, locale),
    )
    return text if text is not None else t("history_no_page", locale, page=page, last=pages)


def _older(page: int, locale: str) -> str:
    """The last line, when older jobs are on page `page`: how to read them (past the last page
    that may be asked for, one at a time by number)."""
    if page > HISTORY_PAGES:
        return t("history_older_by_number", locale)
    return t("history_older", locale, next=page)


def _waiting_details(job: Job, locale: str, now: float) -> str:
    """A job not sent yet (nothing has failed): what it waits for is on its status message
    (in its server's channel, or in the bot's DM); one answered through the interaction (a
    user install, a group DM) has none, nor has one whose status message was deleted, so it
    is said here."""
    message = status_link(job)
    if message is not None:
        return t("status_details_waiting", locale, url=message)
    if job.state is JobState.RECORDED and job.error_key in HOLD_KEYS - {HOLD_SLOT}:
        return t("status_details_held", locale, reason=next_try(job, locale, now))
    return t("status_details_on_its_way", locale)


def status_details(
    job: Job,
    locale: str,
    now: float,
    waits_for: float | None = None,
    typical: UsualWait | None = None,
) -> str:
    """What is known about one job right now (`typical`: how long such a video usually takes
    here, for one in APIMart's queue or rendering)."""
    if job.cancelled:
        return t(
            "status_details_cancelled_counted"
            if job.counts
            else "status_details_cancelled_refunded",
            locale,
            reason=t(job.cancel_reason_key or "cancelled_by_moderator", locale),
        )
    if job.state is JobState.PROCESSING:
        # The same time left its status message shows (the member asked here, not there).
        return t(
            "status_details_rendering",
            locale,
            bar=progress_bar(job.shown_progress),
            progress=job.shown_progress,
            eta=eta_text(job, now, locale, waits_for=waits_for, typical=typical),
        )
    if job.state.is_active:
        usual = typical or UsualWait(None, job.request.resolution)
        wait = queued_wait(job, now, usual, locale, waits_for)
        if wait is not None:
            # Still queued, its give-up near: said as its status message says it.
            return t(
                "status_details_rendering",
                locale,
                bar=progress_bar(job.shown_progress),
                progress=job.shown_progress,
                eta=wait,
            )
        return t(
            "status_details_progress",
            locale,
            bar=progress_bar(job.shown_progress),
            progress=job.shown_progress,
        )
    if job.state in (JobState.RECORDED, JobState.SUBMITTING):
        return _waiting_details(job, locale, now)
    if job.result_deleted:
        return t("status_details_result_deleted", locale)
    if expired_unposted(job):
        # Its post only says the link had expired: no video was ever posted or sent.
        return t("status_details_expired_unposted", locale)
    link = result_link(job, now)
    if link is not None and link == posted_link(job):
        # A jump link to the post: it lasts as long as the post, so no expiry is given.
        return t("status_details_posted", locale, url=link)
    if link is not None:
        return t(
            "status_details_result", locale, url=link, expires=int(job.result_expires_at or now)
        )
    if link_gone(job, now):
        assert job.result_expires_at is not None
        # Only APIMart's link had it (posted as that link, never posted, or posted where
        # Discord showed it only to the member, for a while): it is gone.
        if job.result_linked:
            key = "status_details_link_expired"
        elif shown_only_to_them(job):
            key = "status_details_private_expired"
        else:
            key = "status_details_kept_expired"
        return t(key, locale, expired=int(job.result_expires_at))
    held = held_elsewhere(job)
    if held is not None:
        # Uploaded as a file, by DM or under the command: the member has it there.
        return t(f"status_details_{held}", locale)
    if job.no_longer_followed:
        return t("status_details_timed_out_unfollowed", locale)
    if job.state is JobState.TIMED_OUT:
        # Given up on, not failed: as its status message says, it may yet come.
        return t("status_details_timed_out", locale, until=checks_end(job))
    if job.billed:
        # Charged for with nothing to show, as its notice said: it counts, whatever the reason.
        return t(without_moderator(job, "status_details_billed_no_video"), locale)
    # An empty reason is still a reason kept (`stored_reason` says so): the key's sentence
    # needs it as its {reason}.
    reason: Message | Quoted | str | None = (
        kept_reason(job, job.error_message, locale)
        if job.error_message is not None
        else t(job.error_key, locale)
        if job.error_key
        else None
    )
    return t("status_details_reason", locale, reason=reason) if reason is not None else ""


def kept_reason(job: Job, detail: str, locale: str) -> Message | Quoted:
    """A closed job's kept reason for the reader of `locale`: a refused submit's is kept in
    a form every reader reads; a render's is APIMart's words, in the requester's language."""
    if job.state in (JobState.REJECTED, JobState.SUBMIT_UNKNOWN):
        return stored_reason(detail)
    return render_failure_reason(detail, job.requester.locale, locale)


def job_choices(jobs: list[Job], locale: str, current: str) -> list[app_commands.Choice[int]]:
    """Autocomplete choices for the jobs whose label contains what the member typed."""
    choices = []
    for job in jobs:
        prompt = one_line(job.request.prompt, LINE_PROMPT_CHARS)
        label = one_line(f"#{job.id} · {state_name(job, locale)} · {prompt}", CHOICE_NAME)
        if current.strip().lstrip("#").casefold() in label.casefold():
            choices.append(app_commands.Choice(name=label, value=job.id))
    return choices


async def _suggested(
    interaction: discord.Interaction[VideoBot],
    jobs: Callable[[], Awaitable[list[Job]]],
    current: str,
) -> list[app_commands.Choice[int]]:
    """The choices for `jobs` (the read), or none when the database keeps it waiting past
    `AUTOCOMPLETE_READ_TIMEOUT`: an empty list in time, where the member can still type the
    number, rather than a list Discord drops. So too when the read fails (the funnel's one
    record): Discord would show "Loading options failed", and takes no apology here."""
    try:
        async with asyncio.timeout(AUTOCOMPLETE_READ_TIMEOUT):
            found = await jobs()
    except TimeoutError:
        log.info("Job suggestions not read in time; none offered")
        return []
    except Exception as error:
        log_unanswerable(interaction, error)
        return []
    return job_choices(found, str(interaction.locale), current)


def status_report(
    job: Job,
    locale: str,
    now: float,
    waits_for: float | None = None,
    typical: UsualWait | None = None,
) -> Message:
    """`/videos status`: the job's state and what is known about it (`waits_for`: the bot's
    `TASK_TIMEOUT`; `typical`: how long such a video usually takes here)."""
    return msg(
        "status_report",
        job_id=job.id,
        state=state_name(job, locale),
        created=int(job.created_at),
        details=status_details(job, locale, now, waits_for, typical),
    )


def other_ways_to_ask(place: Place, message_content_intent: bool) -> Message:
    """The ways besides /video that work where help was asked: replies to others' pictures
    only where the bot can read them (its DM, or with the Message Content intent), mentions
    only where it reads messages at all (not a group DM or a server without it), the menu
    everywhere but a server that added only the bot's commands: there none works."""
    if place.server_installed and not place.bot_in_server:
        return msg("help_commands_only")
    if place.bot_dm or (place.server_installed and message_content_intent):
        return msg("help_also_replies")
    if place.server_installed:
        return msg("help_also_mentions")
    return msg("help_also_menu")


# Wherever /video can be used: servers that added the bot, DMs, group DMs, user installs.
@app_commands.allowed_installs(guilds=True, users=True)
@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
class MemberCog(commands.GroupCog, group_name="videos", group_description="Your videos"):
    """Commands about a member's own videos; `/video` itself stays the create command."""

    def __init__(self, bot: VideoBot) -> None:
        self.bot = bot
        super().__init__()

    async def interaction_check(  # type: ignore[override]
        self, interaction: discord.Interaction[VideoBot]
    ) -> bool:
        """Every answer here is private and reads the database: acknowledged privately first."""
        return await acknowledged_check(interaction)

    async def _own_job(self, interaction: discord.Interaction[VideoBot], job_id: int) -> Job | None:
        """The member's job with that id, wherever they made it (the answer is private), or
        None after telling them why not."""
        job = await self.bot.store.get(job_id)
        if job is None or job.requester.user_id != interaction.user.id:
            await answer_privately(interaction, msg("status_not_yours", job_id=job_id))
            return None
        return job

    @app_commands.command(name="history", description="Your last videos and how they went")
    @app_commands.describe(page="1 for your newest videos, 2 for older ones, and so on")
    async def history(
        self,
        interaction: discord.Interaction[VideoBot],
        page: app_commands.Range[int, 1, HISTORY_PAGES] = 1,
    ) -> None:
        """List the member's jobs, newest first, a page at a time, privately."""
        # Pages 1 to `page` hold at most `page * HISTORY_SIZE` jobs: one more tells of older ones.
        jobs = await self.bot.store.recent_for_user(interaction.user.id, page * HISTORY_SIZE + 1)
        if not jobs:
            await answer_privately(interaction, msg("history_empty"))
            return
        locale = str(interaction.locale)
        here = rules_guild_id(interaction)
        await send_privately(interaction, history_text(jobs, locale, self.bot.clock(), here, page))

    @app_commands.command(name="status", description="Where one of your videos is")
    @app_commands.describe(job="The job number, e.g. 12")
    async def status(self, interaction: discord.Interaction[VideoBot], job: int) -> None:
        """Show one job's state, progress or result."""
        found = await self._own_job(interaction, job)
        if found is None:
            return
        typical = None
        if found.state in (JobState.QUEUED, JobState.PROCESSING):
            typical = await usual_wait_for(self.bot.store, found.request)
        report = status_report(
            found,
            str(interaction.locale),
            self.bot.clock(),
            self.bot.settings.task_timeout,
            typical,
        )
        await answer_privately(interaction, report)

    @app_commands.command(name="cancel", description="Cancel one of your unfinished videos")
    @app_commands.describe(job="The job number, e.g. 12")
    async def cancel(self, interaction: discord.Interaction[VideoBot], job: int) -> None:
        """Never post the job; refunded only if APIMart never had it (then it is never sent)."""
        found = await self._own_job(interaction, job)
        if found is None:
            return
        await cancel_for_member(self.bot, interaction, found)

    @status.autocomplete("job")
    async def _job_choices(
        self, interaction: discord.Interaction[VideoBot], current: str
    ) -> list[app_commands.Choice[int]]:
        """The member's recent jobs, matching what they typed."""
        jobs = functools.partial(
            self.bot.store.recent_for_user, interaction.user.id, AUTOCOMPLETE_SIZE
        )
        return await _suggested(interaction, jobs, current)

    @cancel.autocomplete("job")
    async def _cancellable_choices(
        self, interaction: discord.Interaction[VideoBot], current: str
    ) -> list[app_commands.Choice[int]]:
        """The member's jobs that can still be cancelled, matching what they typed: a finished
        or already cancelled one would only be answered "can no longer be cancelled"."""
        jobs = functools.partial(
            self.bot.store.cancellable_for_user, interaction.user.id, AUTOCOMPLETE_SIZE
        )
        return await _suggested(interaction, jobs, current)

    @app_commands.command(name="quota", description="How many videos you have left")
    async def quota(self, interaction: discord.Interaction[VideoBot]) -> None:
        """What the member may still make this period, and when it resets."""
        await answer_quota(self.bot, interaction)

    @app_commands.command(name="help", description="How to make a video")
    async def help(self, interaction: discord.Interaction[VideoBot]) -> None:
        """Explain the options in a few lines."""
        prices = await price_lines_for(self.bot, requester_of(interaction))
        place = place_of(interaction)
        also = other_ways_to_ask(place, self.bot.settings.message_content_intent)
        # A result posted through the command, where the bot is no member, has no buttons.
        afterwards = msg("help_afterwards" if place.bot_can_post else "help_afterwards_no_buttons")
        await show_privately(interaction, [msg("help_text"), also, afterwards, *prices])


async def setup(bot: VideoBot) -> None:
    """Load the cog."""
    await bot.add_cog(MemberCog(bot))
