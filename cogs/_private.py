"""Private answers of several lines, shared by the members' and the moderators' commands."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import discord

from bot.i18n import Listed, Message, msg, plural
from bot.jobs.cancels import CancelledJob, CancelOutcome
from bot.jobs.models import Job, Requester
from bot.moderation.personal import is_blocked_everywhere
from bot.moderation.report import price_lines, quota_lines
from bot.moderation.store import Actor
from bot.text import MESSAGE_CONTENT, NAME_CHARS, REASON_CHARS, join_lines, quote
from cogs._answers import answer_privately, send_privately
from cogs._from_discord import role_ids, thread_parent_id
from cogs._reach import place_of

if TYPE_CHECKING:
    from bot.app import VideoBot

log = logging.getLogger(__name__)

Interaction = discord.Interaction["VideoBot"]


def more_of_the_list(count: int) -> Message:
    """The last line of a list cut short: "…and 12 more." (more of what it lists)."""
    return msg("mod_more", count=count)


def more_not_shown(count: int) -> Message:
    """The last line of a message of several lists cut short: "…12 more lines not shown."."""
    return msg("mod_more_not_shown", lines=plural("count_more_lines", count))


def render(
    lines: Sequence[Message],
    locale: str,
    more: Callable[[int], Message] = more_of_the_list,
) -> str:
    """Sentences as one message: whole lines while they fit, then `more` of how many were
    left out."""
    rendered = [line.render(locale) for line in lines]
    return join_lines(rendered, MESSAGE_CONTENT, lambda left: more(left).render(locale))


async def show_privately(
    interaction: Interaction,
    lines: Sequence[Message],
    more: Callable[[int], Message] = more_of_the_list,
) -> None:
    """A private answer of several lines that pings nobody."""
    await send_privately(interaction, render(lines, str(interaction.locale), more))


def requester_of(interaction: Interaction, user: discord.abc.User | None = None) -> Requester:
    """The core's view of a member (the one using the command unless `user` is given)."""
    who = user or interaction.user
    return Requester(
        user_id=who.id,
        channel_id=interaction.channel_id or 0,
        # Outside a server that installed the bot: the member's personal allowance.
        guild_id=place_of(interaction).rules_guild_id,
        locale=str(interaction.locale),
        role_ids=role_ids(who),
        parent_channel_id=thread_parent_id(interaction.channel),
    )


async def answer_quota(bot: VideoBot, interaction: Interaction) -> None:
    """`/videos quota`: what the member has left and when it resets."""
    requester = requester_of(interaction)
    facts, barred = await bot.moderation.standing(requester)
    # Refused whatever they ask: that is the answer, not a count of videos they cannot use.
    quota = [barred] if barred is not None else quota_lines(facts, requester, bot.clock())
    # Whose allowance this is, before the member spends it; not for a block everywhere, which
    # is neither a server's rule nor their personal allowance.
    if barred is None or not is_blocked_everywhere(barred):
        quota.insert(0, whose_allowance(bot, requester.guild_id))
    # Prices are for someone who can make a video; a blocked member reads the block alone.
    can_make = barred is None and facts.allowance.limit > 0
    prices = await price_lines_for(bot, requester) if can_make else []
    await show_privately(interaction, [*quota, *prices])


def whose_allowance(bot: VideoBot, guild_id: int | None) -> Message:
    """The first line of `/videos quota`: the rules of the server `guild_id` (by its name, as
    written), or the member's personal allowance (None: outside servers the bot is in)."""
    if guild_id is None:
        return msg("quota_whose_personal")
    guild = bot.get_guild(guild_id)
    # A server named only by its id yet (before Discord sent it, after a restart) is "this".
    if guild is None or not guild.name:
        return msg("quota_whose_this_server")
    return msg("quota_whose_server", server=quote(guild.name, NAME_CHARS))


async def price_lines_for(bot: VideoBot, requester: Requester) -> list[Message]:
    """What videos are expected to cost, and the server's confirmation threshold, if any."""
    threshold = None
    if requester.guild_id is not None:
        threshold = (await bot.moderation.store.policy(requester.guild_id)).confirm_above
    return price_lines(await bot.pricing.table(), threshold)


# What a cancel did, told to the member who cancelled, and to (and by) the moderator who did.
_MEMBER_CANCEL_KEYS = {
    CancelOutcome.REFUNDED: "cancel_done_refunded",
    CancelOutcome.COUNTED: "cancel_done_counted",
    CancelOutcome.WHEN_SENT: "cancel_done_when_sent",
}
MODERATOR_CANCEL_KEYS = {
    CancelOutcome.REFUNDED: "change_job_cancelled",
    CancelOutcome.COUNTED: "change_job_cancelled_counted",
    CancelOutcome.WHEN_SENT: "change_job_cancelled_when_sent",
    # A moderator's cancel only: a video made but not posted yet is withheld, as a block does.
    CancelOutcome.WITHHELD: "change_job_cancelled_withheld",
}


async def cancel_or_say_why_not(
    bot: VideoBot, interaction: Interaction, job: Job, *, reason_key: str, member_told: bool
) -> CancelOutcome | None:
    """Cancel `job`, or tell the one who asked privately why not (already cancelled, or too
    late); None when it was not cancelled now. The interaction is already acknowledged (the
    cog's check, or the button), so a write waiting on the database's lock costs no answer."""
    if job.cancelled:
        await answer_privately(interaction, msg("cancel_already", job_id=job.id))
        return None
    # A moderator's press stops a video made but not posted yet too (its upload under way,
    # say), as `/videomod cancel` does; a member's own cancel comes too late for it.
    outcome = await bot.store.cancel(
        job.id,
        reason_key=reason_key,
        now=bot.clock(),
        member_told=member_told,
        unposted_too=reason_key == "cancelled_by_moderator",
    )
    if outcome is None:
        # Read again: a cancel a moment ago (a double click) is no "already finished".
        now = await bot.store.get(job.id) or job
        if now.cancelled:
            told = msg("cancel_already", job_id=job.id)
        elif reason_key == "cancelled_by_moderator":
            # Not "see /videos status": that lists only the moderator's own jobs.
            told = moderator_too_late(job.id, now.state_key)
        else:
            told = msg("cancel_not_possible", job_id=job.id)
        await answer_privately(interaction, told)
    return outcome


def moderator_too_late(job_id: int, state_key: str) -> Message:
    """Why a moderator can no longer cancel a job, by the state it is in (its catalog key)."""
    # "already unknown" says nothing: an unknown outcome is why it cannot be cancelled.
    if state_key == "state_submit_unknown":
        return msg("mod_job_not_cancellable_unknown", job_id=job_id)
    return msg("mod_job_not_cancellable", job_id=job_id, state=msg(state_key))


async def cancel_for_member(bot: VideoBot, interaction: Interaction, job: Job) -> None:
    """Cancel the member's own job (`/videos cancel` or the status message's button) and tell
    them privately whether it still counts."""
    outcome = await cancel_or_say_why_not(
        bot, interaction, job, reason_key="cancelled_by_member", member_told=True
    )
    if outcome is None:
        return
    log.info(
        "Job %d cancelled by its requester %d (%s)", job.id, interaction.user.id, outcome.value
    )
    await answer_privately(interaction, msg(_MEMBER_CANCEL_KEYS[outcome], job_id=job.id))
    await show_final_status(bot, job.id, outcome)


async def show_final_status(bot: VideoBot, job_id: int, outcome: CancelOutcome) -> None:
    """Edit a cancelled job's status message to what it now is, for good; one cancelled
    while it waited in line (`outcome`) has the jobs behind it show their new places."""
    updated = await bot.store.get(job_id)
    if updated is not None:
        await bot.status_messages.update(updated, final=True)
        await bot.routes.show_final(updated)
        await places_move_up(bot, updated, outcome)


async def places_move_up(bot: VideoBot, job: Job, outcome: CancelOutcome) -> None:
    """A job cancelled before it was sent left its line: the statuses of the jobs waiting
    after it say their new places now (else "number 2 in line" until their next look)."""
    if outcome is CancelOutcome.REFUNDED:
        await bot.poller.show_places_behind(job)


async def cancel_for_block(
    bot: VideoBot, guild_id: int | None, user_id: int, *, reason_key: str
) -> list[Message]:
    """Cancel a blocked member's unfinished jobs (in one server, or everywhere for None) by the
    rule every cancel follows; what it did, as lines for whoever blocked them."""
    cancelled = await _cancel_unfinished(bot, guild_id, user_id, reason_key)
    return _block_cancel_lines(f"<@{user_id}>", cancelled)


async def cancel_for_operator_block(
    bot: VideoBot, operator_id: int, user_id: int, reason: str
) -> list[Message]:
    """The operator's block: cancel the user's unfinished jobs everywhere, as
    `cancel_for_block`; the lines for the operator. Each server it cancelled jobs in has it in
    its audit and mod-log, the operator as who did it, as a moderator's block would be: else
    its moderators find their member's job cancelled and nothing saying who did it."""
    cancelled = await _cancel_unfinished(bot, None, user_id, "cancelled_by_operator_block")
    member = f"<@{user_id}>"
    for guild_id in sorted({job.guild_id for job in cancelled if job.guild_id is not None}):
        # Only this server's jobs: another server's, or a DM's, are none of its business.
        here = [job for job in cancelled if job.guild_id == guild_id]
        change = msg(
            "change_operator_block_cancelled",
            member=member,
            reason=quote(reason, REASON_CHARS),
            cancelled=_one_line(_block_cancel_lines(member, here)),
        )
        await bot.moderation.store.record(Actor(guild_id, operator_id), change)
        bot.moderation.feed.emit(guild_id, change)
    return _block_cancel_lines(member, cancelled)


async def cancel_for_ban(bot: VideoBot, guild_id: int, user_id: int, actor_id: int) -> None:
    """A member banned from a server: their unfinished jobs there stop as a block stops them
    (never sent: not counted; APIMart's: never posted, still counted), told in the server's
    audit and mod-log in one line, with `actor_id` (the bot: Discord does not say who banned)
    as who did it. Nothing is told where nothing was stopped. No block is set: an unban
    leaves them as before."""
    cancelled = await _cancel_unfinished(bot, guild_id, user_id, "cancelled_by_ban")
    if not cancelled:
        return
    member = f"<@{user_id}>"
    change = msg(
        "change_member_banned_cancelled",
        member=member,
        cancelled=_one_line(_block_cancel_lines(member, cancelled)),
    )
    await bot.moderation.store.record(Actor(guild_id, actor_id), change)
    bot.moderation.feed.emit(guild_id, change)


async def _cancel_unfinished(
    bot: VideoBot, guild_id: int | None, user_id: int, reason_key: str
) -> list[CancelledJob]:
    """Cancel a blocked (or banned) member's unfinished jobs (in one server, or everywhere for
    None), and move up those waiting behind them."""
    cancelled = await bot.store.cancel_unfinished(
        guild_id, user_id, reason_key=reason_key, now=bot.clock()
    )
    if cancelled:
        log.info("Block of user %d cancelled jobs %s", user_id, [j.job_id for j in cancelled])
        bot.poller.wake()  # tells the member where each job was asked for
        for cancel in cancelled:
            job = await bot.store.get(cancel.job_id)
            if job is not None:
                await places_move_up(bot, job, cancel.outcome)
    return cancelled


def _block_cancel_lines(member: str, cancelled: Sequence[CancelledJob]) -> list[Message]:
    """What a block did to the member's unfinished jobs, refunded ones first (each line names
    them: a mod-log or audit line stands alone)."""
    lines = []
    for outcome, key in (
        (CancelOutcome.REFUNDED, "mod_block_cancelled_refunded"),
        (CancelOutcome.COUNTED, "mod_block_cancelled_counted"),
        (CancelOutcome.WHEN_SENT, "mod_block_cancelled_when_sent"),
        (CancelOutcome.WITHHELD, "mod_block_cancelled_withheld"),
    ):
        jobs = [f"#{job.job_id}" for job in cancelled if job.outcome is outcome]
        if jobs:
            lines.append(msg(key, member=member, jobs=Listed(jobs)))
    return lines


def _one_line(sentences: Sequence[Message]) -> Message:
    """Sentences as one (an audit line): each after the other, as each language writes them."""
    line = sentences[0]
    for sentence in sentences[1:]:
        line = msg("sentences", first=line, then=sentence)
    return line


async def lift_the_pause(bot: VideoBot) -> Message | None:
    """Lift the pause an HTTP 402 set (`/videomod resume`, `/videoowner resume`); None when it
    is lifted, else what to answer. Not into an empty account: the next video would meet a 402
    and pause every server again, after their mod-logs read it was back."""
    pause = bot.moderation.pause
    if await pause.is_paused():
        empty = await bot.balance.still_empty()
        if empty is not None:
            return empty
    if not await pause.resume():
        return msg("mod_not_paused")
    return None
