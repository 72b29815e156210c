"""The one path every entry point takes: validate, check permissions, acknowledge, queue,
announce."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

import discord

from bot.apimart.models import VideoRequest
from bot.discord_refusals import blocked_by_automod, closed_to_the_bot
from bot.engine.pool import LAST_WORD
from bot.i18n import msg
from bot.jobs.models import AlreadyRecorded, Job, JobRefused, JobState
from bot.jobs.service import HOLD_DISCORD, HOLD_SLOT
from bot.jobs.typical import usually_ready
from bot.jobs.validation import VideoOptions, clip_taken_as_video, validate
from bot.log_context import bound
from bot.moderation.pending import ConfirmationNeeded
from bot.reach import Route, outlives_token, queued_message
from cogs._cost_notes import with_expected_cost
from cogs._origin_ids import log_echo
from cogs._origins import Origin

if TYPE_CHECKING:
    from bot.app import VideoBot

log = logging.getLogger(__name__)


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
    the result too: the job is closed unsent, before anything is spent. So does the server's
    AutoMod blocking the announcement: a command's options are not checked by it, so the
    prompt reached the bot, but every post quoting it there would be refused, and the server
    does not want it said there."""
    refusals: list[discord.HTTPException] = []

    async def announce(content: str, nonce: str) -> discord.Message | None:
        try:
            return await origin.announce(content, nonce)
        except discord.HTTPException as error:
            if closed_to_the_bot(error) or blocked_by_automod(error):
                refusals.append(error)
            raise

    async with bot.jobs.announcing(job):
        announced = await bot.status_messages.announce(job, announce) is not None
    if refusals and job.requester.reply is None:
        # Posting with its own token outside a server: the bot's DM with the member, which
        # their privacy settings or a block close (no channel or thread to add it to).
        in_dm = job.requester.guild_id is None
        why = msg("dm_refuses_posts" if in_dm else "channel_refuses_posts")
        if blocked_by_automod(refusals[0]):
            why = msg("automod_blocks_prompt")
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
        await bot.reply_routes.set_reply_route(job.id, Route.DM)
        reply = dataclasses.replace(reply, route=Route.DM)
    # Where the video is posted, as the member sees it: this thread or post, not "channel".
    answer = origin.posted_where(report.member_message)
    if reply is not None and not ended:
        # Which way the result will come (queued, or waiting for a busy service).
        answer = queued_message(
            reply,
            job.id,
            waiting=report.state is JobState.RECORDED,
            discord_silent=report.job.error_key == HOLD_DISCORD,
            typical=usually_ready(report.typical, job.request.resolution),
            held_by_server=report.member_message if report.job.error_key == HOLD_SLOT else None,
        )
    if not ended and origin.files_used is not None:
        answer = msg("note_with_files", note=answer, files=origin.files_used)
    # The member hears first; the status edit (accepted, or ended) follows in the background,
    # so a channel full of announcements never holds up anyone's private answer.
    if ended or not (announced and origin.announcement_answers):
        note = answer if ended else await with_expected_cost(bot, report.job, answer)
        await origin.tell(note)
    if announced:
        bot.status_messages.schedule(report.job, final=ended)
    elif reply is not None and origin.answer_id is not None and not ended:
        # That private answer is the status from now on, edited through the interaction.
        await bot.reply_routes.set_interaction_message(job.id, origin.answer_id)


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
        log_echo(echo.origin_id, echo.job_id)
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
